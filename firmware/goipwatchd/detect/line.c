/* SPDX-License-Identifier: BSD-2-Clause */
/* The subscriber-line table and the bounded aggregates a line keeps. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "hash.h"
#include "itable.h"
#include "line.h"
#include "str.h"

#define NIL	ITABLE_NIL

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
	struct itable	 t;		/* buckets, free and never-used slots */
	struct ilist	 lru;		/* least recently active first */
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
	/* the table first: its cap sizes the lines for bigmem_free */
	if (itable_init(&lt->t, capacity, capacity) == -1 ||
	    (lt->lines = bigmem_calloc(capacity, sizeof(*lt->lines))) == NULL) {
		line_table_free(lt);
		return NULL;
	}
	ilist_init(&lt->lru);
	lt->seed = hash_mix64((uintptr_t)lt ^ 0x6c696e65ULL);
	return lt;
}

void
line_table_free(struct line_table *lt)
{
	if (lt == NULL)
		return;
	bigmem_free(lt->lines, lt->t.cap, sizeof(*lt->lines));
	itable_fini(&lt->t);
	free(lt);
}

static uint32_t
line_hash(const struct line_table *lt, const struct line_key *k)
{
	return (uint32_t)hash_bytes(k, sizeof(*k), lt->seed);
}

/* The least recently active line makes room; its state is gone, and counted. */
static void
line_evict(struct line_table *lt)
{
	uint32_t idx = lt->lru.head;

	itable_remove(&lt->t, ILIST_OF(lt->lines, hnext), line_hash(lt, &lt->lines[idx].key),
	    idx);
	ilist_unlink(&lt->lru, ILIST_OF(lt->lines, lru), idx);
	itable_put(&lt->t, ILIST_OF(lt->lines, lru.next), idx);
	lt->in_use--;
	lt->evictions++;
}

static uint32_t
line_alloc(struct line_table *lt)
{
	uint32_t idx;

	if ((idx = itable_take(&lt->t, ILIST_OF(lt->lines, lru.next))) == NIL) {
		line_evict(lt);
		idx = itable_take(&lt->t, ILIST_OF(lt->lines, lru.next));
	}
	lt->in_use++;
	return idx;
}

static void
line_key_of(struct line_key *k, const uint8_t addr16[16], const struct ev_tuple *t)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->ip, addr16, 16);
	k->vlan = t->nvlan ? t->vlan[t->nvlan - 1] : 0;
	k->has_pppoe = t->has_pppoe;
	k->pppoe = t->has_pppoe ? t->pppoe_session : 0;
}

/* The index of the line with key k, or NIL. */
static uint32_t
line_lookup(struct line_table *lt, const struct line_key *k, uint32_t h)
{
	uint32_t i;

	for (i = *itable_bucket(&lt->t, h); i != NIL; i = lt->lines[i].hnext)
		if (memcmp(&lt->lines[i].key, k, sizeof(*k)) == 0)
			return i;
	return NIL;
}

struct line *
line_find(struct line_table *lt, const uint8_t addr16[16], const struct ev_tuple *t)
{
	struct line_key k;
	uint32_t i;

	line_key_of(&k, addr16, t);
	i = line_lookup(lt, &k, line_hash(lt, &k));
	return i == NIL ? NULL : &lt->lines[i];
}

/*
 * A new line is zero but for the arrays that are only read below their count
 * (ev, peers, callees, sims, the hash sets' values): 1.1 of its 6.3 KB, where
 * a scanner sweep makes one line per address it touches (issue 18). In
 * struct order; the gaps between them are zeroed.
 */
#define LINE_SKIP(f)	{ offsetof(struct line, f), sizeof(((struct line *)0)->f) }
static const struct { size_t off, len; } line_skip[] = {
	LINE_SKIP(ev), LINE_SKIP(peers), LINE_SKIP(callees), LINE_SKIP(term_callees.v),
	LINE_SKIP(term_callees_prev.v), LINE_SKIP(all_callees.v), LINE_SKIP(sims),
};
_Static_assert(offsetof(struct line, ev) < offsetof(struct line, peers) &&
    offsetof(struct line, peers) < offsetof(struct line, callees) &&
    offsetof(struct line, callees) < offsetof(struct line, term_callees) &&
    offsetof(struct line, term_callees) < offsetof(struct line, term_callees_prev) &&
    offsetof(struct line, term_callees_prev) < offsetof(struct line, all_callees) &&
    offsetof(struct line, all_callees) < offsetof(struct line, sims),
    "line_skip is in struct order");

static void
line_zero(struct line *l)
{
	size_t at = 0, i;

	for (i = 0; i < sizeof(line_skip) / sizeof(line_skip[0]); i++) {
		memset((char *)l + at, 0, line_skip[i].off - at);
		at = line_skip[i].off + line_skip[i].len;
	}
	memset((char *)l + at, 0, sizeof(*l) - at);
}

/* The line with key k, moved to the recent end of the LRU; NIL if there is none. */
static uint32_t
line_touch(struct line_table *lt, const struct line_key *k, uint32_t h, usec_t now)
{
	uint32_t i;

	if ((i = line_lookup(lt, k, h)) != NIL) {
		ilist_unlink(&lt->lru, ILIST_OF(lt->lines, lru), i);
		ilist_append(&lt->lru, ILIST_OF(lt->lines, lru), i);
		lt->lines[i].last = now;
	}
	return i;
}

struct line *
line_get(struct line_table *lt, const uint8_t addr16[16], const struct ev_tuple *t,
    usec_t now)
{
	struct line_key k;
	struct line *l;
	uint32_t h, i;

	line_key_of(&k, addr16, t);
	h = line_hash(lt, &k);
	if ((i = line_touch(lt, &k, h, now)) != NIL)
		return &lt->lines[i];
	i = line_alloc(lt);
	l = &lt->lines[i];
	line_zero(l);
	l->key = k;
	l->first = l->last = now;
	itable_insert(&lt->t, ILIST_OF(lt->lines, hnext), h, i);
	ilist_append(&lt->lru, ILIST_OF(lt->lines, lru), i);
	return l;
}

struct line *
line_get_existing(struct line_table *lt, const uint8_t addr16[16], const struct ev_tuple *t,
    usec_t now)
{
	struct line_key k;
	uint32_t i;

	line_key_of(&k, addr16, t);
	i = line_touch(lt, &k, line_hash(lt, &k), now);
	return i == NIL ? NULL : &lt->lines[i];
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
	return (size_t)lt->t.cap * sizeof(struct line) + itable_bytes(&lt->t);
}
