/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by server.c (the loop) and session.c (one appliance's protocol). */
#ifndef GWC_SERVER_INT_H
#define GWC_SERVER_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>
#include <time.h>

#include "cfg.h"
#include "intake.h"

struct addrs;
struct job;
struct pushcfg;
struct pushfile;

/* A file offered in this session (index: enum frame_file_kind). */
struct conn_file {
	uint64_t	 version;	/* 0: none offered */
	uint32_t	 size;
	char		 sha_hex[65];
};

enum conn_state { CONN_HANDSHAKE, CONN_HELLO, CONN_UP };

struct conn {
	int		 fd;
	uint64_t	 gen;		/* tells a reused fd from the job's */
	enum conn_state	 state;
	uint32_t	 addr;		/* source, network order */
	bool		 unauth;	/* on unauth_q, counted for its address */
	TAILQ_ENTRY(conn) unauth_q;	/* oldest first */
	struct tls_sess	*tls;		/* from the first byte in */
	bool		 hs_active;	/* counted in hs_active: its handshake runs */
	bool		 hs_waiting;	/* on hs_wait: its first bytes wait their turn */
	TAILQ_ENTRY(conn) hs_q;
	struct intake	 in;
	bool		 busy;		/* a job of this session is in storage */
	struct job	*parked;	/* a job waiting for room in the queue */
	uint32_t	 events;	/* epoll interest now */
	uint8_t		*rx, *tx;
	size_t		 rxlen, rxcap, txlen, txoff, txcap, wlen;
	char		 cn[128], serial[48], grp[64];
	uint64_t	 config_version;	/* running or pushed */
	uint32_t	 features;		/* the hello's: FRAME_HELLO_* */
	struct conn_file files[3];	/* offered, by kind */
	struct ingest_spool spool;	/* the numbering decided at the hello */
	time_t		 since, last_active;
};

struct server_counters {
	uint64_t	 accepted, too_many, handshake_failed, sessions;
	uint64_t	 reports_committed, records_stored, duplicates, acks;
	uint64_t	 storage_failures, backpressure, config_pushes, config_acks;
	uint64_t	 idle_closed, conns_max;
	uint64_t	 per_addr_refused, unauth_evicted, handshake_expired, replaced;
	uint64_t	 accept_no_fd, hs_waited, hs_stalled;
	uint64_t	 evidence_chunks, evidence_files, evidence_refused;
	uint64_t	 file_offers, file_chunks, file_bytes, file_refused, file_acks;
	size_t		 conns, unauth;
};

struct server {
	const struct cfg *cfg;
	int		 epfd, lfd, sigfd;
	struct tls_server *tls;
	struct writer	*writer;
	struct conn	**conns;	/* indexed by fd */
	size_t		 maxfd;
	size_t		 slots;		/* connections at most */
	size_t		 unauth_max;	/* of them before the TLS handshake */
	struct addrs	*addrs;		/* unauthenticated ones per source */
	TAILQ_HEAD(, conn) unauth_q;
	size_t		 hs_active;	/* handshakes in progress (handshakes_max) */
	TAILQ_HEAD(, conn) hs_wait;	/* connections waiting to start theirs, in order */
	uint64_t	 accept_resume;	/* ms (monotonic) the listener is back; 0 on */
	time_t		 last_no_fd_log;
	uint64_t	 next_gen;
	bool		 poll_pending;
	time_t		 last_poll, last_sweep;
	struct intake_stats in_stats;
	struct server_counters c;
};

/* session.c */
void	session_drive(struct server *, struct conn *);
int	session_writable(struct server *, struct conn *);
void	session_job_done(struct server *, struct conn *, struct job *);
void	session_push(struct server *, struct conn *, const struct pushcfg *);
/* Offers f unless this session was offered that version already. */
void	session_offer(struct server *, struct conn *, const struct pushfile *);
void	session_retry_parked(struct server *, struct conn *);
/* server.c */
void	server_close(struct server *, struct conn *, const char *why);
void	server_interest(struct server *, struct conn *);
/* The certificate is checked: c leaves the unauthenticated share and replaces
 * any older session of its id. */
void	server_identified(struct server *, struct conn *);
/* May c start its TLS handshake now? Else it waits its turn (false). */
bool	server_hs_begin(struct server *, struct conn *);

#endif
