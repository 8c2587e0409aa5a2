/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console API's cache of bearer tokens and sessions (docs/api.md,
 * "Sessions, CSRF, throttling, tokens"): SHA-256 hex of the secret (the key
 * the database stores) -> user, role, CSRF token, session times. Fixed size
 * (AUTHCACHE_SETS x AUTHCACHE_WAYS entries, the oldest of a set evicted),
 * one mutex, entries live ttl ms (api_auth_cache). Only successful lookups
 * are stored. A fill carries the generation read before its database lookup
 * and is dropped if any invalidation happened since, so a change committed
 * on this instance is never undone by a lookup that raced it.
 */
#ifndef GWC_AUTHCACHE_H
#define GWC_AUTHCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "users.h"

#define AUTHCACHE_SETS	256
#define AUTHCACHE_WAYS	4
#define AUTHCACHE_KEY	64	/* hex SHA-256 */

enum authcache_kind { AUTHCACHE_TOKEN = 1, AUTHCACHE_SESSION };

struct authcache_ent {
	struct user	 u;
	char		 csrf[USER_SECRET_HEX];		/* sessions */
	int64_t		 created, last_used;		/* sessions, as the database has them */
};

/* Entries live ttl_ms; 0 (the default) turns the cache off. */
void		 authcache_set_ttl(int64_t ttl_ms);
/* A monotonic clock in ms, for now_ms below. */
int64_t		 authcache_now_ms(void);
/* To read before the database lookup whose result goes to authcache_put. */
uint64_t	 authcache_gen(void);
/* A live entry of kind for hash h into *e: true; false on a miss. */
bool		 authcache_get(enum authcache_kind, const char *h, int64_t now_ms,
		    struct authcache_ent *e);
/* Stores e for h unless the cache is off or invalidated since gen. */
void		 authcache_put(uint64_t gen, enum authcache_kind, const char *h,
		    int64_t now_ms, const struct authcache_ent *e);
/* A session's new last_used (after its refresh in the database). */
void		 authcache_seen(const char *h, int64_t last_used);
/* Forgets h (logout, an expired session). */
void		 authcache_drop(const char *h);
/* Forgets everything (a token revoked, a user disabled or changed). */
void		 authcache_clear(void);
/* Entries held (tests). */
size_t		 authcache_count(void);

#endif
