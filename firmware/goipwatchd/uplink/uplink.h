/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Uplink: a thread that owns its poll loop and carries spool records to
 * goipwatch-central over mutual TLS, persists acks, appends heartbeat records
 * and applies signed config pushes. Capture never waits on it: the only shared
 * state is the spool (appends) and uplink_status() (a snapshot under a mutex).
 */
#ifndef GW_UPLINK_H
#define GW_UPLINK_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "health.h"
#include "spool.h"

/* Validates and swaps in a pushed config; 0, or -1 with the reason in err. */
typedef int uplink_apply_fn(void *arg, const char *buf, size_t len,
    uint64_t version, char *err, size_t errlen);
/*
 * Validates and installs a pushed file whose hash and signature held (path: the
 * download in the state dir); an enum frame_file_status, the reason in err.
 */
typedef int uplink_file_fn(void *arg, uint8_t kind, const char *path,
    uint64_t version, char *err, size_t errlen);
/* Fills the daemon's packet and drop counters for a heartbeat. */
typedef void uplink_counters_fn(void *arg, struct health_counters *);

struct uplink_conf {
	const char	*host;			/* central_host: HOST[:PORT],... */
	uint16_t	 port;			/* central_port: an entry's default */
	const char	*server_name;		/* central_name */
	const char	*tls_ca, *tls_cert, *tls_key;
	const char	*config_pubkey;		/* NULL: every push is refused */
	const char	*firmware_version;
	uint64_t	 config_version;	/* of the config running now */
	usec_t		 heartbeat_interval;	/* 0: no health records */
	/* tuning; 0 picks the default */
	usec_t		 backoff_min;		/* 1 s */
	usec_t		 backoff_max;		/* 60 s */
	usec_t		 ack_timeout;		/* 30 s without an ack: reconnect */
	usec_t		 failback;		/* up on a later central this long:
						 * back to the first; 0: never */
	uint32_t	 batch_records;		/* 512 records per report frame */
	uint32_t	 window;		/* 16384 records sent but not acked */
	uplink_apply_fn	*apply;
	void		*apply_arg;
	uplink_file_fn	*file_apply;		/* NULL: file offers are refused */
	void		*file_arg;
	uint64_t	 geodb_max;		/* geodb_max_bytes */
	uint64_t	 firmware_max;		/* firmware_max_bytes */
	const char	*firmware_handoff;	/* NULL or "": firmware is refused */
	uint32_t	 firmware_install_timeout; /* s the installer has to take a request */
	const char	*firmware_reboot_window; /* "any" (NULL) or HH:MM-HH:MM */
	uint32_t	 file_chunk;		/* file_chunk_bytes; 0: the maximum */
	uplink_counters_fn *counters;		/* NULL: zeros */
	void		*counters_arg;
};

enum uplink_state {
	UPLINK_IDLE,		/* waiting out the backoff */
	UPLINK_CONNECTING,
	UPLINK_HANDSHAKE,
	UPLINK_HELLO,		/* hello sent, waiting for the server's first ack */
	UPLINK_UP,
	UPLINK_STOPPED,
};

struct uplink_status {
	enum uplink_state state;
	const char	*state_str;
	char		 appliance_id[128];
	char		 last_error[256];
	char		 session[96];		/* protocol and suite when up */
	char		 endpoint[280];		/* HOST:PORT of this or the next session */
	uint64_t	 failovers;		/* moves to another central */
	uint64_t	 connects;		/* attempts */
	uint64_t	 sessions;		/* reached UP */
	uint64_t	 failures;		/* connect, handshake or session errors */
	uint64_t	 refused;		/* closed before the first server frame */
	uint64_t	 frames_tx, frames_rx;
	uint64_t	 records_sent;		/* including resends */
	uint64_t	 acked;			/* highest seq the server committed */
	uint64_t	 bad_frames;		/* refused with an error frame */
	uint64_t	 errors_rx;		/* error frames from the server */
	uint64_t	 config_version;
	uint64_t	 config_applied, config_refused;
	char		 config_result[256];	/* of the last push, as acked */
	uint64_t	 heartbeats;
	uint64_t	 file_offers, file_installed, file_refused, file_bytes;
	char		 file_result[256];	/* of the last file offer, as acked */
	struct spool_stats spool;
};

struct uplink	*uplink_new(const struct uplink_conf *, struct spool *,
		    char *err, size_t errlen);
/* Restores the last-known-good config if newer, then starts the thread. */
int		 uplink_start(struct uplink *);
void		 uplink_stop(struct uplink *);		/* joins; idempotent */
void		 uplink_free(struct uplink *);		/* NULL-safe; stops first */
void		 uplink_status(struct uplink *, struct uplink_status *);
/* Appends a health record now (e.g. final counters before exit); any thread. */
void		 uplink_heartbeat(struct uplink *);
/* The running config version: hello, and pushes must be above it. */
uint64_t	 uplink_config_version(struct uplink *);
void		 uplink_set_config_version(struct uplink *, uint64_t);
const char	*uplink_state_str(enum uplink_state);

#endif
