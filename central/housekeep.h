/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The server's housekeeping: a thread with its own storage connection that,
 * every housekeep_interval seconds, deletes expired console sessions,
 * prunes the lead change log (events.c) and moves firmware rollouts on
 * (rollout.c).
 */
#ifndef GWC_HOUSEKEEP_H
#define GWC_HOUSEKEEP_H

#include <stddef.h>
#include <stdint.h>

#define HOUSEKEEP_EVENTS_SECS	86400	/* changes kept a day ... */
#define HOUSEKEEP_EVENTS_ROWS	100000	/* ... and the newest 100k always */

struct cfg;
struct storage;
struct housekeep;

/* One round now: -1 with st->err on a storage error. */
int		 housekeep_once(struct storage *, const struct cfg *, int64_t now);
struct housekeep *housekeep_start(const struct cfg *, char *err, size_t errlen);
/* Stops the thread (at once, not at its next round) and frees it. */
void		 housekeep_stop(struct housekeep *);

#endif
