/* SPDX-License-Identifier: BSD-2-Clause */
/* Uplink internals shared by uplink.c (session) and uplink-config.c (config pushes). */
#ifndef GW_UPLINK_INT_H
#define GW_UPLINK_INT_H

#include <pthread.h>
#include <stdbool.h>

#include "conf.h"
#include "endpoints.h"
#include "frame.h"
#include "tls.h"
#include "uplink.h"

#define LKG_NAME	"config.lkg"

struct uplink {
	struct uplink_conf conf;
	char		 server_name[256], firmware[64];
	struct uplink_endpoint ep[UPLINK_ENDPOINTS];	/* central_host, preferred first */
	int		 nep;
	struct spool	*spool;
	struct tls_ctx	*tls_ctx;
	struct tls_sigkey *sigkey;
	pthread_t	 thread;
	bool		 running;
	int		 stopfd;
	usec_t		 started;

	/* thread-private session state */
	enum uplink_state state;
	int		 fd;
	struct tls	*tls;
	usec_t		 deadline;	/* connect/handshake/idle/ack timer */
	usec_t		 backoff;
	int		 cur;		/* the endpoint of this or the next session */
	unsigned	 ep_failed;	/* sessions failed in a row, over the endpoints */
	usec_t		 failback_at;	/* up on a later endpoint: try the first again */
	usec_t		 next_heartbeat;
	uint64_t	 rng;
	uint8_t		*tx, *rx, *rec;
	size_t		 txlen, txoff, rxlen;
	bool		 held;		/* rec holds a record that did not fit */
	uint64_t	 held_seq;
	size_t		 held_len;
	uint64_t	 sent_top;	/* highest seq sent this session */
	uint64_t	 server_acked;
	uint8_t		 ctl[2048];	/* control frames waiting for tx space */
	size_t		 ctl_len;
	struct uplink_xfer {		/* the file being fetched (uplink-file.c) */
		bool	 active;
		uint8_t	 kind;
		uint64_t version;
		uint32_t size, offset;	/* offset: bytes held */
		uint32_t asked;		/* a file_get waits for this many; 0: none */
		uint8_t	 sha256[32];
		int	 fd;		/* the part file; -1 */
	} xfer;

	struct uplink_fw {		/* a firmware install (uplink-firmware.c) */
		struct conf_window window;	/* firmware_reboot_window */
		enum { FW_NONE, FW_HANDED, FW_INSTALLED, FW_TOOK, FW_FAILED } state;
		uint64_t version;	/* the offer's */
		char	 label[128];	/* "COMPATIBLE VERSION", printable */
		char	 boot_id[64];	/* of the boot rauc installed in */
		char	 boot_now[64];
		char	 reason[200];	/* rauc's refusal, or the failed self-test */
		int	 acked;		/* the install's file_ack 0 was queued */
		bool	 reboot_asked;
		usec_t	 next_tick;
	} fw;

	pthread_mutex_t	 mu;		/* guards st */
	struct uplink_status st;
};

#define STAT_ADD(u, field, n) do {			\
	pthread_mutex_lock(&(u)->mu);			\
	(u)->st.field += (n);				\
	pthread_mutex_unlock(&(u)->mu);			\
} while (0)

/* Queues a control frame; control frames go out before the next reports. */
void	uplink_ctl_queue(struct uplink *, int (*put)(struct frame_wr *, void *), void *);
/* Answers a bad frame from central with an error frame, counted. */
void	uplink_refuse(struct uplink *, uint16_t code, const char *why);
/* uplink-config.c: a config_push frame from central; queues the config_ack. */
void	uplink_config_push(struct uplink *, const struct frame *);
/* uplink-file.c: a file offer or chunk from central; queues file_get or file_ack. */
void	uplink_file_offer(struct uplink *, const struct frame *);
void	uplink_file_chunk(struct uplink *, const struct frame *);
/* uplink-file.c: the session closed; a partial download stays for the next offer. */
void	uplink_file_pause(struct uplink *);
/* uplink-file.c: path through path.tmp, fsync and a rename (all or nothing); 0 or -1. */
int	uplink_write_small(const char *path, const void *, size_t);
/* uplink-file.c: answers an offer (status, counters, log, the file_ack frame). */
void	uplink_file_ack(struct uplink *, uint8_t kind, uint64_t version, uint8_t status,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/*
 * uplink-firmware.c: firmware_reboot_window and the boot id (uplink_new);
 * the pending install and the after-reboot verdict (uplink_start); an offer of
 * kind 2 before the common checks (-1: go on; FW_IGNORE: answered later; else a
 * status to ack with msg); the verified bundle handed to the root-side
 * installer (FRAME_FILE_OK: the ack waits for its result, else a status with
 * err); and the loop's tick, which acks results and asks for the reboot.
 */
#define FW_IGNORE	(-2)
int	uplink_fw_init(struct uplink *, char *err, size_t errlen);
void	uplink_fw_restore(struct uplink *);
int	uplink_fw_offer(struct uplink *, const struct frame_file_offer *, char *msg,
	    size_t len);
int	uplink_fw_handoff(struct uplink *, const char *part, const char *offer,
	    const struct frame_file_offer *, char *err, size_t errlen);
void	uplink_fw_tick(struct uplink *, usec_t now);
/* uplink-config.c: at start, applies config.lkg if it is newer than the running one. */
void	uplink_config_restore(struct uplink *);

#endif
