/* SPDX-License-Identifier: BSD-2-Clause */
/* SDP media endpoint table: addr:port -> call, pinned while the call lives. */
#include <sys/queue.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "itable.h"
#include "media.h"
#include "pool.h"
#include "str.h"

struct media_entry {
	SLIST_ENTRY(media_entry) hnext;		/* bucket chain */
	TAILQ_ENTRY(media_entry) lingering;	/* when released */
	uint64_t	 owner;
	usec_t		 released;
	uint8_t		 addr[16];
	uint16_t	 port;
	uint16_t	 ptime;
	bool		 pinned;
	uint8_t		 nmap;
	struct {
		uint8_t	 pt;
		char	 name[SDP_CODEC_LEN];
	} map[SDP_MAX_RTPMAP];
	char		 call_id[SIP_CALLID_LEN];
};

struct media {
	struct pool	*pool;
	SLIST_HEAD(media_chain, media_entry) *buckets;
	size_t		 nbuckets;		/* a power of two */
	uint64_t	 seed;
	usec_t		 linger;
	TAILQ_HEAD(, media_entry) lingering;	/* released, oldest first */
	struct media_stats st;
};

static const char *const static_pt[35] = {
	[0] = "PCMU", [3] = "GSM", [4] = "G723", [5] = "DVI4", [6] = "DVI4",
	[7] = "LPC", [8] = "PCMA", [9] = "G722", [10] = "L16", [11] = "L16",
	[12] = "QCELP", [13] = "CN", [14] = "MPA", [15] = "G728", [16] = "DVI4",
	[17] = "DVI4", [18] = "G729", [25] = "CelB", [26] = "JPEG", [28] = "nv",
	[31] = "H261", [32] = "MPV", [33] = "MP2T", [34] = "H263",
};

const char *
media_static_codec(uint8_t pt)
{
	return pt < 35 ? static_pt[pt] : NULL;
}

bool
media_addr_parse(const char *s, uint8_t a[16])
{
	static const uint8_t v4mapped[12] = { [10] = 0xff, [11] = 0xff };

	if (inet_pton(AF_INET, s, a + 12) == 1) {
		memcpy(a, v4mapped, 12);
		return true;
	}
	return inet_pton(AF_INET6, s, a) == 1;
}

struct media *
media_new(size_t capacity, usec_t linger)
{
	struct media *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->nbuckets = itable_nbuckets(capacity);
	TAILQ_INIT(&t->lingering);
	t->pool = pool_new(sizeof(struct media_entry), capacity);
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (t->pool == NULL || t->buckets == NULL) {
		media_free(t);
		return NULL;
	}
	t->seed = hash_mix64((uint64_t)(uintptr_t)t ^ 0x6d65646961ULL);
	t->linger = linger;
	return t;
}

void
media_free(struct media *t)
{
	if (t == NULL)
		return;
	pool_free(t->pool);
	free(t->buckets);
	free(t);
}

static struct media_chain *
media_bucket(struct media *t, const uint8_t addr[16], uint16_t port)
{
	uint8_t key[18];

	memcpy(key, addr, 16);
	key[16] = (uint8_t)(port >> 8);
	key[17] = (uint8_t)port;
	return &t->buckets[hash_bytes(key, sizeof(key), t->seed) & (t->nbuckets - 1)];
}

static struct media_entry *
media_lookup(struct media *t, const uint8_t addr[16], uint16_t port)
{
	struct media_entry *e;

	SLIST_FOREACH(e, media_bucket(t, addr, port), hnext)
		if (e->port == port && memcmp(e->addr, addr, 16) == 0)
			return e;
	return NULL;
}

static void
media_unlink(struct media *t, struct media_entry *e)
{
	if (!e->pinned)
		TAILQ_REMOVE(&t->lingering, e, lingering);
}

static void
media_remove(struct media *t, struct media_entry *e)
{
	SLIST_REMOVE(media_bucket(t, e->addr, e->port), e, media_entry, hnext);
	media_unlink(t, e);
	pool_put(t->pool, e);
}

static struct media_entry *
media_alloc(struct media *t)
{
	struct media_entry *e;

	if ((e = pool_get(t->pool)) != NULL)
		return e;
	if (TAILQ_EMPTY(&t->lingering)) {
		t->st.full++;
		return NULL;
	}
	t->st.evicted++;
	media_remove(t, TAILQ_FIRST(&t->lingering));
	return pool_get(t->pool);
}

static void
media_set_codecs(struct media_entry *e, const struct sdp_media *m, uint16_t ptime)
{
	unsigned i;

	e->nmap = 0;
	for (i = 0; i < m->nrtpmap && i < SDP_MAX_RTPMAP; i++) {
		e->map[e->nmap].pt = m->rtpmap[i].pt;
		snprintf(e->map[e->nmap].name, sizeof(e->map[0].name), "%s",
		    m->rtpmap[i].name);
		e->nmap++;
	}
	e->ptime = m->ptime ? m->ptime : ptime;
}

struct media_entry *
media_bind(struct media *t, const uint8_t addr[16], uint16_t port, uint64_t owner,
    const char *call_id, const struct sdp_media *m, uint16_t ptime)
{
	struct media_entry *e;

	if ((e = media_lookup(t, addr, port)) != NULL) {
		if (e->owner != owner)
			t->st.taken_over++;
		media_unlink(t, e);
	} else {
		if ((e = media_alloc(t)) == NULL)
			return NULL;
		memset(e, 0, sizeof(*e));
		memcpy(e->addr, addr, 16);
		e->port = port;
		SLIST_INSERT_HEAD(media_bucket(t, addr, port), e, hnext);
	}
	e->pinned = true;
	e->owner = owner;
	str_copy(e->call_id, sizeof(e->call_id), call_id);
	media_set_codecs(e, m, ptime);
	t->st.bound++;
	return e;
}

void
media_release(struct media *t, struct media_entry *e, uint64_t owner, usec_t now)
{
	if (e == NULL || !e->pinned || e->owner != owner)
		return;		/* another call took the endpoint over */
	e->pinned = false;
	e->released = now;
	TAILQ_INSERT_TAIL(&t->lingering, e, lingering);
}

void
media_expire(struct media *t, usec_t now)
{
	struct media_entry *e;

	while ((e = TAILQ_FIRST(&t->lingering)) != NULL && e->released + t->linger <= now) {
		t->st.expired++;
		media_remove(t, e);
	}
}

bool
media_find(struct media *t, const uint8_t addr[16], uint16_t port, uint8_t pt,
    char *call_id, size_t idlen, char *codec, size_t codeclen)
{
	const struct media_entry *e = media_lookup(t, addr, port);
	const char *name = NULL;
	unsigned i;

	if (e == NULL) {
		t->st.not_found++;
		return false;
	}
	t->st.found++;
	for (i = 0; i < e->nmap && name == NULL; i++)
		if (e->map[i].pt == pt)
			name = e->map[i].name;
	if (name == NULL)
		name = media_static_codec(pt);
	if (idlen > 0)
		snprintf(call_id, idlen, "%s", e->call_id);
	if (codeclen > 0)
		snprintf(codec, codeclen, "%s", name != NULL ? name : "");
	return true;
}

size_t
media_in_use(const struct media *t)
{
	return pool_in_use(t->pool);
}

void
media_stats(const struct media *t, struct media_stats *st)
{
	*st = t->st;
}

size_t
media_bytes(const struct media *t)
{
	return sizeof(*t) + pool_bytes(t->pool) + t->nbuckets * sizeof(*t->buckets);
}
