/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Login throttling in memory: failures per key ("u:NAME", "a:ADDR") in a
 * fixed window; a fixed table, the stalest entry reused when full. Thread-safe.
 * A restart forgets the counts (docs/api.md, Throttling).
 */
#ifndef GWC_THROTTLE_H
#define GWC_THROTTLE_H

#include <stdint.h>

struct throttle;

struct throttle	*throttle_new(unsigned max_failures, int64_t window);
void		 throttle_free(struct throttle *);
/* Seconds until key may try again at now; 0: it may. */
int64_t		 throttle_wait(struct throttle *, const char *key, int64_t now);
void		 throttle_fail(struct throttle *, const char *key, int64_t now);
void		 throttle_clear(struct throttle *, const char *key);

#endif
