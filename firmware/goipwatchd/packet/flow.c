/* SPDX-License-Identifier: BSD-2-Clause */
/* Flow table: preallocated flows, chained buckets, per-class LRU expiry. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "flow.h"
#include "hash.h"
#include "itable.h"

#define NIL	ITABLE_NIL
#define FLOW_LRU_GRANULE	(USEC_PER_SEC / 4)
#define FLOW_CACHE	4096	/* recent flows by hash: 32 KiB that stay in cache */

/* A recent flow and its hash: a slot naming another flow is passed over
 * without loading that flow's line (a new flow's slot nearly always does). */
struct flow_slot {
	uint32_t	idx;
	uint32_t	hash;
};

const char *const flow_end_names[] = { "idle", "active", "closed", "evicted", "eof" };

struct flow_table {
	struct flow	*flows;
	struct itable	 t;		/* buckets, free and never-used slots */
	usec_t		 next_due;	/* no flow can expire before this */
	struct flow_slot cache[FLOW_CACHE];	/* idx NIL: empty */
	struct ilist	 lru[FLOW_NCLASS];
	usec_t		 timeout[FLOW_NCLASS];
	usec_t		 active_timeout;
	uint64_t	 seed;
	flow_end_cb	 end_cb;
	void		*end_arg;
	struct flow_stats st;
};

/* No flow on any list or in the cache: a new table, or one just flushed. */
static void
flow_lists_empty(struct flow_table *ft)
{
	int c;

	memset(ft->cache, 0xff, sizeof(ft->cache));
	for (c = 0; c < FLOW_NCLASS; c++)
		ilist_init(&ft->lru[c]);
	ft->next_due = UINT64_MAX;
}

struct flow_table *
flow_table_new(size_t capacity, const usec_t timeouts[FLOW_NCLASS], usec_t active_timeout,
    flow_end_cb cb, void *arg)
{
	struct flow_table *ft;
	uint32_t i;

	if (capacity == 0 || capacity >= NIL / 2)
		return NULL;
	if ((ft = calloc(1, sizeof(*ft))) == NULL)
		return NULL;
	/* the table first: its cap sizes the flows for bigmem_free */
	if (itable_init(&ft->t, capacity, capacity) == -1 ||
	    (ft->flows = bigmem_calloc(capacity, sizeof(*ft->flows))) == NULL) {
		flow_table_free(ft);
		return NULL;
	}
	flow_lists_empty(ft);
	for (i = 0; i < FLOW_NCLASS; i++)
		ft->timeout[i] = timeouts[i];
	ft->active_timeout = active_timeout;
	ft->seed = hash_mix64((uintptr_t)ft ^ 0x666c6f77ULL);
	ft->end_cb = cb;
	ft->end_arg = arg;
	return ft;
}

void
flow_table_free(struct flow_table *ft)
{
	if (ft == NULL)
		return;
	bigmem_free(ft->flows, ft->t.cap, sizeof(*ft->flows));
	itable_fini(&ft->t);
	free(ft);
}

_Static_assert(sizeof(struct flow_key) == 48, "flow_key is six 64-bit words");

_Static_assert(offsetof(struct flow_key, aport) == 32 &&
    offsetof(struct flow_key, bport) == 34 && offsetof(struct flow_key, zone) == 36 &&
    offsetof(struct flow_key, ipver) == 40 && offsetof(struct flow_key, proto) == 41,
    "flow_probe builds the key's fifth and sixth words from these offsets");

static inline uint64_t
key_word(const struct flow_key *k, int i)
{
	uint64_t w;

	memcpy(&w, (const uint8_t *)k + 8 * i, 8);
	return w;
}

/* Keyed hash of the six words: multiply-fold, one round per pair. */
static uint32_t
flow_hash(const struct flow_table *ft, const uint64_t w[6])
{
	uint64_t h = ft->seed;
	int i;

	for (i = 0; i < 6; i += 2) {
		__uint128_t m = (__uint128_t)(w[i] ^ h ^ 0xa0761d6478bd642fULL) *
		    (w[i + 1] ^ 0xe7037ed1a0b428dbULL);
		h = (uint64_t)m ^ (uint64_t)(m >> 64);
	}
	return (uint32_t)hash_mix64(h);
}

static inline bool
flow_key_eq(const struct flow_key *x, const uint64_t w[6])
{
	uint64_t d = 0;
	int i;

	for (i = 0; i < 6; i++)
		d |= key_word(x, i) ^ w[i];
	return d == 0;
}

/* Two 16-bit ports and a 32-bit zone as the key's fifth word, in memory order. */
static inline uint64_t
key_word4(uint16_t aport, uint16_t bport, uint32_t zone)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (uint64_t)aport << 48 | (uint64_t)bport << 32 | zone;
#else
	return (uint64_t)aport | (uint64_t)bport << 16 | (uint64_t)zone << 32;
#endif
}

static inline uint64_t
key_word5(uint8_t ipver, uint8_t proto)
{
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (uint64_t)ipver << 56 | (uint64_t)proto << 48;
#else
	return (uint64_t)ipver | (uint64_t)proto << 8;
#endif
}

/* A packet's flow key (struct flow_key's bytes as six words) and its hash. */
struct flow_probe {
	uint64_t	w[6];
	uint32_t	hash;
	bool		src_is_a;
};

/*
 * The key orders the endpoints so that both directions build the same one.
 * Any total order will do, so addresses compare as two native words. The key
 * is made as six words in registers: the hash and the compares never read
 * back narrow stores (a store-forwarding stall on every packet).
 */
static void
flow_probe(const struct flow_table *ft, const struct pkt *pk, struct flow_probe *pr)
{
	uint64_t s0, s1, d0, d1;
	uint32_t zone;
	bool a;

	memcpy(&s0, pk->src, 8);
	memcpy(&s1, pk->src + 8, 8);
	memcpy(&d0, pk->dst, 8);
	memcpy(&d1, pk->dst + 8, 8);
	if (s0 != d0)
		a = s0 < d0;
	else if (s1 != d1)
		a = s1 < d1;
	else
		a = pk->sport <= pk->dport;
	zone = (pk->nvlan ? pk->vlan[pk->nvlan - 1] : 0) ^ (pk->tunnel_id << 12);
	pr->w[0] = a ? s0 : d0;
	pr->w[1] = a ? s1 : d1;
	pr->w[2] = a ? d0 : s0;
	pr->w[3] = a ? d1 : s1;
	pr->w[4] = key_word4(a ? pk->sport : pk->dport, a ? pk->dport : pk->sport, zone);
	pr->w[5] = key_word5(pk->ipver, pk->l4proto);
	pr->src_is_a = a;
	pr->hash = flow_hash(ft, pr->w);
}

static inline void
list_unlink(struct flow_table *ft, uint32_t idx)
{
	ilist_unlink(&ft->lru[ft->flows[idx].cls], ILIST_OF(ft->flows, lru), idx);
}

static void
list_append(struct flow_table *ft, uint32_t idx)
{
	struct flow *f = &ft->flows[idx];
	usec_t due = f->last + ft->timeout[f->cls];

	ilist_append(&ft->lru[f->cls], ILIST_OF(ft->flows, lru), idx);
	if (due < ft->next_due)
		ft->next_due = due;
}

/* Reports the end of f, then returns its slot to the free list. */
static void
flow_release(struct flow_table *ft, struct flow *f, enum flow_end why, usec_t now)
{
	uint32_t idx = (uint32_t)(f - ft->flows);

	ft->end_cb(ft->end_arg, f, why, now);
	f->live = false;	/* a cache slot may still name it */
	ft->st.expired[why]++;
	ft->st.in_use--;
	itable_remove(&ft->t, ILIST_OF(ft->flows, hnext), f->hash, idx);
	list_unlink(ft, idx);
	itable_put(&ft->t, ILIST_OF(ft->flows, lru.next), idx);
}

/*
 * The oldest of the flows at head[c] (NIL: none) by last packet, the lower
 * class on a tie, and its class in *cls; NULL when every head is NIL. Eviction
 * and the flush at the end both choose by it, so they end flows in one order.
 */
static struct flow *
flow_oldest(const struct flow_table *ft, const uint32_t head[FLOW_NCLASS], int *cls)
{
	struct flow *v = NULL, *h;
	int c;

	for (c = 0; c < FLOW_NCLASS; c++) {
		if (head[c] == NIL)
			continue;
		h = &ft->flows[head[c]];
		if (v == NULL || h->last < v->last) {
			v = h;
			*cls = c;
		}
	}
	return v;
}

/* The least recently used flow of any class: the victim when the table is full. */
static struct flow *
flow_victim(struct flow_table *ft)
{
	uint32_t head[FLOW_NCLASS];
	int c;

	for (c = 0; c < FLOW_NCLASS; c++)
		head[c] = ft->lru[c].head;
	return flow_oldest(ft, head, &c);
}

/* A zeroed slot: a free one, else the least recently used flow's. */
static uint32_t
flow_alloc(struct flow_table *ft, const struct pkt *pk)
{
	uint32_t idx;

	if ((idx = itable_take(&ft->t, ILIST_OF(ft->flows, lru.next))) == NIL) {
		flow_release(ft, flow_victim(ft), FLOW_END_EVICTED, pk->ts);
		idx = itable_take(&ft->t, ILIST_OF(ft->flows, lru.next));
	}
	memset(&ft->flows[idx], 0, sizeof(ft->flows[idx]));
	ft->st.created++;
	ft->st.in_use++;
	return idx;
}

static void
flow_init(struct flow *f, const struct pkt *pk, bool src_is_a)
{
	f->live = true;
	f->a_is_src = src_is_a;
	f->cls = pk->l4proto == 6 ? FLOW_CLASS_TCP : FLOW_CLASS_UDP;
	f->first = f->last = f->start = f->lru_ts = pk->ts;
	memcpy(f->vlan, pk->vlan, sizeof(f->vlan));
	f->nvlan = pk->nvlan;
	f->tunnel = pk->tunnel;
	f->tunnel_id = pk->tunnel_id;
	f->has_pppoe = pk->has_pppoe;
	f->pppoe_session = pk->pppoe_session;
	f->mpls_label = pk->nmpls ? pk->mpls_label : 0;
}

/* The flow with key k and hash h from bucket b, or NULL. */
static struct flow *
flow_find(struct flow_table *ft, const uint64_t k[6], uint32_t h, uint32_t b)
{
	struct flow *f;
	struct flow_slot *s = &ft->cache[h & (FLOW_CACHE - 1)];
	uint32_t i;

	/* the recent flow of this cache slot first: no bucket line to load */
	if (s->idx != NIL && s->hash == h) {
		f = &ft->flows[s->idx];
		if (f->live && f->hash == h && flow_key_eq(&f->key, k))
			return f;
	}
	for (i = ft->t.buckets[b]; i != NIL; i = ft->flows[i].hnext) {
		f = &ft->flows[i];
		if (f->hash == h && flow_key_eq(&f->key, k)) {
			s->idx = i;
			s->hash = h;
			return f;
		}
	}
	return NULL;
}

struct flow *
flow_lookup(struct flow_table *ft, const struct pkt *pk, int *dir)
{
	struct flow_probe pr;
	struct flow *f;
	bool src_is_a;
	uint32_t h, b, idx;

	flow_probe(ft, pk, &pr);
	src_is_a = pr.src_is_a;
	h = pr.hash;
	b = h & (ft->t.nbuckets - 1);
	if ((f = flow_find(ft, pr.w, h, b)) != NULL) {
		/* idle past its timeout, though no walk has reached it yet */
		if (f->last + ft->timeout[f->cls] > pk->ts) {
			*dir = src_is_a == f->a_is_src ? 0 : 1;
			return f;
		}
		flow_release(ft, f, f->cls == FLOW_CLASS_CLOSED ? FLOW_END_CLOSED :
		    FLOW_END_IDLE, pk->ts);
	}
	idx = flow_alloc(ft, pk);
	f = &ft->flows[idx];
	memcpy(&f->key, pr.w, sizeof(f->key));
	f->hash = h;
	itable_insert(&ft->t, ILIST_OF(ft->flows, hnext), h, idx);
	ft->cache[h & (FLOW_CACHE - 1)] = (struct flow_slot){ idx, h };
	flow_init(f, pk, src_is_a);
	list_append(ft, idx);
	*dir = 0;
	return f;
}

void
flow_update(struct flow_table *ft, struct flow *f, const struct pkt *pk, int dir)
{
	uint32_t idx;

	if (pk->ts >= f->start + ft->active_timeout && f->pkts[0] + f->pkts[1] > 0) {
		ft->end_cb(ft->end_arg, f, FLOW_END_ACTIVE, pk->ts);
		ft->st.expired[FLOW_END_ACTIVE]++;
		memset(f->pkts, 0, sizeof(f->pkts));
		memset(f->bytes, 0, sizeof(f->bytes));
		f->start = pk->ts;
	}
	uint8_t cls = f->cls;

	f->pkts[dir]++;
	f->bytes[dir] += pk->l3len;
	if (pk->ts > f->last)
		f->last = pk->ts;
	if (pk->l4proto == 6) {
		if (pk->tcp_flags & TCP_FIN)
			f->fin |= (uint8_t)(1u << dir);
		if (pk->tcp_flags & TCP_RST)
			f->rst = true;
		if (f->rst || f->fin == 3)
			cls = FLOW_CLASS_CLOSED;
	}
	/*
	 * Moving to the tail touches two neighbours' cache lines; once a
	 * granule is enough. Lists stay ordered to within it, so a flow
	 * expires at most FLOW_LRU_GRANULE late, and never early: expiry
	 * always looks at the flow's own last time.
	 */
	if (cls == f->cls && f->last < f->lru_ts + FLOW_LRU_GRANULE)
		return;
	idx = (uint32_t)(f - ft->flows);
	list_unlink(ft, idx);
	f->cls = cls;
	f->lru_ts = f->last;
	list_append(ft, idx);
}

/* The earliest time any list head can expire: a bound, refreshed by a walk. */
static usec_t
flow_next_due(const struct flow_table *ft)
{
	usec_t due = UINT64_MAX, t;
	int c;

	for (c = 0; c < FLOW_NCLASS; c++) {
		if (ft->lru[c].head == NIL)
			continue;
		t = ft->flows[ft->lru[c].head].last + ft->timeout[c];
		if (t < due)
			due = t;
	}
	return due;
}

size_t
flow_expire(struct flow_table *ft, usec_t now, size_t budget)
{
	size_t n = 0, i;
	struct flow *f;
	int c;

	/* a lower bound: heads only get younger, list_append lowers it */
	if (now < ft->next_due)
		return 0;
	for (c = 0; c < FLOW_NCLASS; c++) {
		for (i = 0; i < budget && ft->lru[c].head != NIL; i++) {
			f = &ft->flows[ft->lru[c].head];
			if (f->last + ft->timeout[c] > now)
				break;
			flow_release(ft, f, c == FLOW_CLASS_CLOSED ? FLOW_END_CLOSED :
			    FLOW_END_IDLE, now);
			n++;
		}
	}
	ft->next_due = flow_next_due(ft);
	return n;
}

/*
 * Ends every flow in the order repeated evictions would (the oldest list head
 * first, the lower class on a tie), walking the lists instead of unlinking:
 * a file's end can find a full table, and unchaining each flow from its
 * bucket costs a cache miss or two per flow. The table then starts empty.
 */
void
flow_flush(struct flow_table *ft, usec_t now)
{
	uint32_t cur[FLOW_NCLASS];
	struct flow *v;
	int c;

	for (c = 0; c < FLOW_NCLASS; c++)
		cur[c] = ft->lru[c].head;
	while ((v = flow_oldest(ft, cur, &c)) != NULL) {
		cur[c] = v->lru.next;
		ft->end_cb(ft->end_arg, v, FLOW_END_EOF, now);
		v->live = false;
		ft->st.expired[FLOW_END_EOF]++;
		ft->st.in_use--;
	}
	itable_clear(&ft->t);
	flow_lists_empty(ft);
}

const struct flow_stats *
flow_table_stats(const struct flow_table *ft)
{
	return &ft->st;
}

size_t
flow_table_bytes(const struct flow_table *ft)
{
	return sizeof(*ft) + (size_t)ft->t.cap * sizeof(struct flow) + itable_bytes(&ft->t);
}

void
flow_endpoints(const struct flow *f, const uint8_t **src, uint16_t *sport,
    const uint8_t **dst, uint16_t *dport)
{
	*src = f->a_is_src ? f->key.a : f->key.b;
	*sport = f->a_is_src ? f->key.aport : f->key.bport;
	*dst = f->a_is_src ? f->key.b : f->key.a;
	*dport = f->a_is_src ? f->key.bport : f->key.aport;
}
