/* SPDX-License-Identifier: BSD-2-Clause */
/* The console API's cache of tokens and sessions (authcache.h). */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "authcache.h"

struct slot {
	enum authcache_kind	 kind;		/* 0: empty */
	char			 key[AUTHCACHE_KEY];
	int64_t			 filled;	/* ms */
	struct authcache_ent	 e;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static struct slot slots[AUTHCACHE_SETS][AUTHCACHE_WAYS];
static uint64_t gen;
static int64_t ttl;

void
authcache_set_ttl(int64_t ttl_ms)
{
	pthread_mutex_lock(&mu);
	ttl = ttl_ms > 0 ? ttl_ms : 0;
	memset(slots, 0, sizeof(slots));
	gen++;
	pthread_mutex_unlock(&mu);
}

int64_t
authcache_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t
authcache_gen(void)
{
	uint64_t g;

	pthread_mutex_lock(&mu);
	g = gen;
	pthread_mutex_unlock(&mu);
	return g;
}

/* The set of h: its first hex digits; -1 for a key that is not 64 hex digits. */
static int
set_of(const char *h)
{
	unsigned v = 0;

	if (strlen(h) != AUTHCACHE_KEY || strspn(h, "0123456789abcdef") != AUTHCACHE_KEY)
		return -1;
	for (int i = 0; i < 4; i++)
		v = v << 4 | (unsigned)(h[i] <= '9' ? h[i] - '0' : h[i] - 'a' + 10);
	return (int)(v % AUTHCACHE_SETS);
}

/* Key equality in time that does not depend on where they differ. */
static bool
key_eq(const char *a, const char *b)
{
	unsigned char d = 0;

	for (int i = 0; i < AUTHCACHE_KEY; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* The slot holding h of kind in set s, or NULL; under mu. */
static struct slot *
find(int s, enum authcache_kind k, const char *h)
{
	struct slot *hit = NULL;

	for (int w = 0; w < AUTHCACHE_WAYS; w++)
		if (slots[s][w].kind != 0 && key_eq(slots[s][w].key, h) &&
		    slots[s][w].kind == k)
			hit = &slots[s][w];
	return hit;
}

bool
authcache_get(enum authcache_kind k, const char *h, int64_t now_ms, struct authcache_ent *e)
{
	int s = set_of(h);
	struct slot *p;
	bool ok = false;

	if (s == -1)
		return false;
	pthread_mutex_lock(&mu);
	if (ttl > 0 && (p = find(s, k, h)) != NULL) {
		if (now_ms - p->filled < ttl && now_ms >= p->filled) {
			*e = p->e;
			ok = true;
		} else
			p->kind = 0;
	}
	pthread_mutex_unlock(&mu);
	return ok;
}

void
authcache_put(uint64_t g, enum authcache_kind k, const char *h, int64_t now_ms,
    const struct authcache_ent *e)
{
	int s = set_of(h);
	struct slot *p;

	if (s == -1)
		return;
	pthread_mutex_lock(&mu);
	if (ttl > 0 && g == gen) {
		if ((p = find(s, k, h)) == NULL) {
			p = &slots[s][0];
			for (int w = 0; w < AUTHCACHE_WAYS; w++)
				if (slots[s][w].kind == 0 || slots[s][w].filled < p->filled) {
					p = &slots[s][w];
					if (p->kind == 0)
						break;
				}
		}
		p->kind = k;
		memcpy(p->key, h, AUTHCACHE_KEY);
		p->filled = now_ms;
		p->e = *e;
	}
	pthread_mutex_unlock(&mu);
}

void
authcache_seen(const char *h, int64_t last_used)
{
	int s = set_of(h);
	struct slot *p;

	if (s == -1)
		return;
	pthread_mutex_lock(&mu);
	if ((p = find(s, AUTHCACHE_SESSION, h)) != NULL && p->e.last_used < last_used)
		p->e.last_used = last_used;
	pthread_mutex_unlock(&mu);
}

void
authcache_drop(const char *h)
{
	int s = set_of(h);

	pthread_mutex_lock(&mu);
	gen++;
	for (int w = 0; s != -1 && w < AUTHCACHE_WAYS; w++)
		if (key_eq(slots[s][w].key, h))
			slots[s][w].kind = 0;
	pthread_mutex_unlock(&mu);
}

void
authcache_clear(void)
{
	pthread_mutex_lock(&mu);
	gen++;
	memset(slots, 0, sizeof(slots));
	pthread_mutex_unlock(&mu);
}

size_t
authcache_count(void)
{
	size_t n = 0;

	pthread_mutex_lock(&mu);
	for (int s = 0; s < AUTHCACHE_SETS; s++)
		for (int w = 0; w < AUTHCACHE_WAYS; w++)
			n += slots[s][w].kind != 0;
	pthread_mutex_unlock(&mu);
	return n;
}
