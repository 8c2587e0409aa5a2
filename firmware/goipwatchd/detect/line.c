/* SPDX-License-Identifier: BSD-2-Clause */
/* The subscriber-line table and the bounded aggregates a line keeps. */
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "line.h"
#include "pool.h"
#include "str.h"

#define NIL	UINT32_MAX

const char *const evidence_names[EV_K_N] = {
#define X(k, n, c) n,
	EVIDENCE_KINDS(X)
#undef X
};

const uint8_t evidence_class[EV_K_N] = {
#define X(k, n, c) c,
	EVIDENCE_KINDS(X)
#undef X
};

struct line_table {
	struct line	*lines;
	uint32_t	*buckets;
	uint32_t	 cap, nbuckets, fresh, free_head;
	uint32_t	 lru_head, lru_tail;	/* least recently active first */
	size_t		 in_use;
	uint64_t	 evictions;
	uint64_t	 seed;
};

struct line_table *
line_table_new(size_t capacity)
{
	struct line_table *lt;

	if (capacity == 0 || capacity >= NIL / 2 || (lt = calloc(1, sizeof(*lt))) == NULL)
		return NULL;
	lt->cap = (uint32_t)capacity;
	for (lt->nbuckets = 16; lt->nbuckets < lt->cap; lt->nbuckets <<= 1)
		;
	lt->lines = calloc(capacity, sizeof(*lt->lines));
	lt->buckets = malloc(lt->nbuckets * sizeof(*lt->buckets));
	if (lt->lines == NULL || lt->buckets == NULL) {
		line_table_free(lt);
		return NULL;
	}
	memset(lt->buckets, 0xff, lt->nbuckets * sizeof(*lt->buckets));
	lt->free_head = lt->lru_head = lt->lru_tail = NIL;
	lt->seed = hash_mix64((uintptr_t)lt ^ 0x6c696e65ULL);
	return lt;
}

void
line_table_free(struct line_table *lt)
{
	if (lt == NULL)
		return;
	free(lt->lines);
	free(lt->buckets);
	free(lt);
}

static uint32_t
line_bucket(const struct line_table *lt, const struct line_key *k)
{
	return (uint32_t)hash_bytes(k, sizeof(*k), lt->seed) & (lt->nbuckets - 1);
}

static void
lru_unlink(struct line_table *lt, struct line *l)
{
	if (l->prev != NIL)
		lt->lines[l->prev].next = l->next;
	else
		lt->lru_head = l->next;
	if (l->next != NIL)
		lt->lines[l->next].prev = l->prev;
	else
		lt->lru_tail = l->prev;
}

static void
lru_append(struct line_table *lt, struct line *l)
{
	uint32_t idx = (uint32_t)(l - lt->lines);

	l->prev = lt->lru_tail;
	l->next = NIL;
	if (lt->lru_tail != NIL)
		lt->lines[lt->lru_tail].next = idx;
	else
		lt->lru_head = idx;
	lt->lru_tail = idx;
}

/* The least recently active line makes room; its state is gone, and counted. */
static void
line_evict(struct line_table *lt)
{
	struct line *l = &lt->lines[lt->lru_head];
	uint32_t idx = lt->lru_head, *pp;

	for (pp = &lt->buckets[line_bucket(lt, &l->key)]; *pp != idx;
	    pp = &lt->lines[*pp].hnext)
		;
	*pp = l->hnext;
	lru_unlink(lt, l);
	l->next = lt->free_head;
	lt->free_head = idx;
	lt->in_use--;
	lt->evictions++;
}

static struct line *
line_alloc(struct line_table *lt)
{
	uint32_t idx;

	if (lt->free_head == NIL && lt->fresh < lt->cap)
		idx = lt->fresh++;
	else {
		if (lt->free_head == NIL)
			line_evict(lt);
		idx = lt->free_head;
		lt->free_head = lt->lines[idx].next;
	}
	lt->in_use++;
	return &lt->lines[idx];
}

struct line *
line_get(struct line_table *lt, const uint8_t addr16[16], const struct ev_tuple *t,
    usec_t now)
{
	struct line_key k;
	struct line *l;
	uint32_t b, i;

	memset(&k, 0, sizeof(k));
	memcpy(k.ip, addr16, 16);
	k.vlan = t->nvlan ? t->vlan[t->nvlan - 1] : 0;
	k.has_pppoe = t->has_pppoe;
	k.pppoe = t->has_pppoe ? t->pppoe_session : 0;
	b = line_bucket(lt, &k);
	for (i = lt->buckets[b]; i != NIL; i = lt->lines[i].hnext) {
		l = &lt->lines[i];
		if (memcmp(&l->key, &k, sizeof(k)) == 0) {
			lru_unlink(lt, l);
			lru_append(lt, l);
			l->last = now;
			return l;
		}
	}
	l = line_alloc(lt);
	b = line_bucket(lt, &k);	/* an eviction does not move buckets, but be plain */
	memset(l, 0, sizeof(*l));
	l->key = k;
	l->first = l->last = now;
	l->hnext = lt->buckets[b];
	lt->buckets[b] = (uint32_t)(l - lt->lines);
	lru_append(lt, l);
	return l;
}

bool
line_evidence(struct line *l, enum evidence_kind kind, const char *detail, usec_t ts)
{
	struct evidence *e;
	unsigned i;

	for (i = 0; i < l->nev; i++) {
		e = &l->ev[i];
		if (e->kind == kind && strncmp(e->detail, detail, LINE_DETAIL_LEN - 1) == 0) {
			e->count++;
			e->last = ts;
			return false;
		}
	}
	if (l->nev == LINE_EVIDENCE) {
		l->ev_dropped++;
		return false;
	}
	e = &l->ev[l->nev++];
	e->kind = (uint8_t)kind;
	str_copy(e->detail, sizeof(e->detail), detail);
	e->count = 1;
	e->first = e->last = ts;
	return true;
}

bool
line_has(const struct line *l, enum evidence_kind kind)
{
	unsigned i;

	for (i = 0; i < l->nev; i++)
		if (l->ev[i].kind == kind)
			return true;
	return false;
}

void
line_peer(struct line *l, const uint8_t ip16[16], uint16_t port)
{
	unsigned i;

	for (i = 0; i < l->npeers; i++)
		if (memcmp(l->peers[i].ip, ip16, 16) == 0 && l->peers[i].port == port) {
			l->peers[i].count++;
			return;
		}
	if (l->npeers == LINE_PEERS)
		return;
	memcpy(l->peers[l->npeers].ip, ip16, 16);
	l->peers[l->npeers].port = port;
	l->peers[l->npeers++].count = 1;
}

void
line_callee(struct line *l, const char *number)
{
	unsigned i;

	for (i = 0; i < l->ncallees; i++)
		if (strcmp(l->callees[i], number) == 0)
			return;
	if (l->ncallees == LINE_CALLEES)
		return;
	str_copy(l->callees[l->ncallees], sizeof(l->callees[0]), number);
	l->ncallees++;
}

bool
hset_add(struct hset *s, uint32_t h)
{
	unsigned i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] == h)
			return false;
	if (s->n == LINE_SET) {
		s->full = true;
		return false;
	}
	s->v[s->n++] = h;
	return true;
}

uint32_t
hash32_str(const char *s)
{
	return (uint32_t)hash_bytes(s, strlen(s), 0x63616c6c);
}

static void
wcount_roll(struct wcount *w, usec_t now, usec_t window)
{
	if (now < w->start + window)
		return;
	w->prev = now < w->start + 2 * window ? w->cur : 0;
	w->cur = 0;
	w->start = now - (now - w->start) % window;
}

void
wcount_add(struct wcount *w, usec_t now, usec_t window)
{
	if (w->start == 0)
		w->start = now;
	wcount_roll(w, now, window);
	w->cur++;
}

/* The current window plus the previous one: a count over 1-2 windows. */
uint32_t
wcount_sum(const struct wcount *w, usec_t now, usec_t window)
{
	if (w->start == 0 || now >= w->start + 2 * window)
		return 0;
	if (now >= w->start + window)
		return w->cur;
	return w->cur + w->prev;
}

uint64_t
line_table_evictions(const struct line_table *lt)
{
	return lt->evictions;
}

size_t
line_table_in_use(const struct line_table *lt)
{
	return lt->in_use;
}

size_t
line_table_bytes(const struct line_table *lt)
{
	return (size_t)lt->cap * sizeof(struct line) + lt->nbuckets * sizeof(uint32_t);
}
