/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The registration table of the detect stage: REGISTER transactions by AOR
 * and Call-ID, reported as one `register` record when a registration ends or
 * changes. Fixed capacity; timers run on capture time. docs/calls.md.
 */
#ifndef GW_REGS_H
#define GW_REGS_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "conf.h"
#include "event.h"
#include "jw.h"
#include "report.h"

struct regs_params {
	size_t		 capacity;	/* registrations tracked at once; full: evict, count */
	usec_t		 linger;	/* wait for a response or a retry this long (32 s) */
	const struct prefix_list *subscribers;
};

struct regs_stats {
	uint64_t	 created, records;
	uint64_t	 ok, failed, no_response;	/* records by result */
	uint64_t	 unregistered, expired, replaced, evicted;	/* records by end */
	uint64_t	 challenges;		/* 401/407 answers */
	uint64_t	 refreshes;		/* 2xx answers */
	uint64_t	 retransmissions;
	uint64_t	 unmatched_responses;
	uint64_t	 record_overflow;
	uint64_t	 in_use;
};

/* Capacity 65536, linger 32 s. */
void		 regs_params_default(struct regs_params *);
struct regs	*regs_new(const struct regs_params *, const struct sink *out);
/* A reloaded config's subscriber list, from the next event. */
void		 regs_set_subscribers(struct regs *, const struct prefix_list *);
void		 regs_free(struct regs *);
/* One EV_SIP event; only REGISTER and its responses matter. */
void		 regs_sip(struct regs *, const struct event *);
void		 regs_tick(struct regs *, usec_t now);
/* End of input: reports every registration, ending "eof". */
void		 regs_finish(struct regs *, usec_t now);
void		 regs_stats(const struct regs *, struct regs_stats *);
/* Writes a "registrations":{...counters...} member into an open object. */
void		 regs_stats_write(const struct regs *, struct jw *);
size_t		 regs_bytes(const struct regs *);

#endif
