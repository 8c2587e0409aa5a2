/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The call (dialog) table of the detect stage: INVITE dialogs matched by
 * Call-ID, followed through provisional, final, CANCEL, ACK, BYE and
 * re-INVITE, reported as one `call` record (a CDR) when they end. Fixed
 * capacity; timers run on capture time. docs/calls.md.
 */
#ifndef GW_CALLS_H
#define GW_CALLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "conf.h"
#include "event.h"
#include "jw.h"
#include "report.h"

struct calls_params {
	size_t		 capacity;	/* dialogs tracked at once; full: evict oldest, count */
	usec_t		 setup_timeout;	/* INVITE without a final answer (default 180 s) */
	usec_t		 call_timeout;	/* answered call without BYE (default 4 h) */
	usec_t		 linger;	/* an ended dialog stays this long for retransmissions (32 s) */
	const struct prefix_list *subscribers;	/* direction relative to the subscriber */
	/* Added: SDP endpoints kept for tying RTP (0: 4 x capacity), and how
	 * long they outlive their call (0: 300 s, past the UDP flow timeout). */
	size_t		 media_capacity;
	usec_t		 media_linger;
	/* Added: asked when a call record is written whether it also goes, with
	 * a "subject" (the line), to the sink's detection hook (central): the
	 * dialog's subscriber end (its address, and the VLAN/PPPoE of the message
	 * that reached it in t). NULL: never. */
	bool		(*report)(void *arg, const uint8_t sub16[16],
			    const struct ev_tuple *t, usec_t now);
	void		*report_arg;
};

/* A call's state in its record (name) and its counter in the stats (stat). */
#define CALL_STATES(X) \
	X(SETUP, "setup", NULL) X(ANSWERED, "answered", "answered") \
	X(REJECTED, "rejected", "rejected") X(CANCELLED, "cancelled", "cancelled") \
	X(NO_ANSWER, "no_answer", "no_answer") X(TIMEOUT, "timeout", "timeouts")

enum call_state {
#define X(k, n, s) CS_##k,
	CALL_STATES(X)
#undef X
	CS_N
};

extern const char *const call_state_names[CS_N];

struct calls_stats {
	uint64_t	 created;		/* dialogs from an initial INVITE */
	uint64_t	 records;		/* call records written */
	uint64_t	 by_state[CS_N];	/* records by state (setup not counted) */
	uint64_t	 evicted;		/* open dialogs pushed out by a full table */
	uint64_t	 linger_cut;		/* ended dialogs reported before their linger */
	uint64_t	 auth_retries;		/* new INVITE transactions after 401/407 */
	uint64_t	 reinvites;
	uint64_t	 retransmissions;	/* INVITE, 2xx and BYE repeats */
	uint64_t	 forks;			/* 2xx from a second to-tag */
	uint64_t	 unmatched_requests;	/* in-dialog requests for an unknown Call-ID */
	uint64_t	 unmatched_responses;	/* INVITE responses for an unknown Call-ID */
	uint64_t	 record_overflow;
	uint64_t	 in_use;
};

/* Fills the defaults above (capacity 65536). */
void		 calls_params_default(struct calls_params *);
struct calls	*calls_new(const struct calls_params *, const struct sink *out);
/* A reloaded config: these apply from the next event and tick (capacity stays). */
void		 calls_set_timeouts(struct calls *, usec_t setup_timeout,
		    usec_t call_timeout);
void		 calls_set_subscribers(struct calls *, const struct prefix_list *);
void		 calls_free(struct calls *);
/* One EV_SIP event; ev->ts is capture time. Other kinds are ignored. */
void		 calls_sip(struct calls *, const struct event *);
/* Expires by capture time. */
void		 calls_tick(struct calls *, usec_t now);
/* End of input: reports every dialog; open ones end "eof". */
void		 calls_finish(struct calls *, usec_t now);
/*
 * Ties RTP to its call: the call whose SDP (offer or answer) named addr:port,
 * also for a while after it ended; codec from its rtpmap or the static table.
 */
bool		 calls_media_find(struct calls *, const uint8_t addr16[16], uint16_t port,
		    uint8_t pt, char *call_id, size_t idlen, char *codec, size_t codeclen);
void		 calls_stats(const struct calls *, struct calls_stats *);
/* Writes a "calls":{...counters...} member into an open object. */
void		 calls_stats_write(const struct calls *, struct jw *);
size_t		 calls_bytes(const struct calls *);

#endif
