/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The lead change log (table lead_changes, docs/api.md "Events"): a row per
 * lead change, written in the transaction of the change, read by sequence
 * number by the console's event streams of any central on the same database.
 * On top, a process-wide waiter: a commit in this process wakes the streams
 * at once instead of at their next poll.
 */
#ifndef GWC_EVENTS_H
#define GWC_EVENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "storage.h"

#define EVENTS_BATCH	64	/* rows per events_since call at most */

/* One change, with the lead's state as it is now. */
struct event {
	int64_t		 seq, lead_id, at, deadline;
	char		 kind[16];	/* raised, escalated, updated, status, assigned */
	char		 tier[16], status[24];	/* "" when the lead is gone */
};

typedef int events_fn(void *arg, const struct event *);

/*
 * Logs a change of lead id (inside the caller's transaction). Deferred
 * (storage.h): done by the commit or the next flush, which report its error.
 */
int	events_log(struct storage *, int64_t lead_id, const char *kind, int64_t now);
/* The changes after after_seq in order, EVENTS_BATCH at most, to fn. */
int	events_since(struct storage *, int64_t after_seq, events_fn *fn, void *arg);
/* The newest sequence number, 0 when the log is empty. */
int	events_last(struct storage *, int64_t *seq);
/*
 * Deletes changes older than keep_secs or beyond the newest keep_rows, never
 * the newest row (SQLite would hand its number out again); *n: rows deleted.
 */
int	events_prune(struct storage *, int64_t now, int64_t keep_secs, int64_t keep_rows,
	    int64_t *n);

/* A commit in this process may have logged changes: wake the waiters. */
void	events_notify(void);
/* The current generation of notifications. */
uint64_t events_gen(void);
/*
 * Waits until the generation differs from gen or ms milliseconds pass;
 * returns the generation then.
 */
uint64_t events_wait(uint64_t gen, int ms);

#endif
