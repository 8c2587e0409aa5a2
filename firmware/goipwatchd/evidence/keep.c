/* SPDX-License-Identifier: BSD-2-Clause */
/* The evidence store: per-line packet FIFOs in a slab, and the look-back ring. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "keep.h"

/* A slot of the slab: this header, then up to snaplen bytes of the frame. */
struct kslot {
	uint32_t	 next;		/* line FIFO or free list */
	uint32_t	 caplen, wirelen;
	uint32_t	 kinds;
	usec_t		 ts;
	uint64_t	 seq;
	uint16_t	 linktype;
	uint8_t		 flags, evkind;
	uint8_t		 a[16], b[16];	/* look-back: the two addresses */
};

/* A note: the frame last remembered under its key, in a store slot. */
struct knote {
	uint8_t		 key[KEEP_NOTE_LEN];
	uint32_t	 slot;		/* KEEP_NIL: unused */
	uint64_t	 age;		/* when noted: the oldest gives way */
};

#define NOTE_PROBE	8

struct kline {
	uint8_t		 key[KEEP_KEY_LEN];
	uint32_t	 hnext;		/* bucket chain */
	uint32_t	 head, tail;	/* oldest, newest */
	uint32_t	 npkts;
	uint32_t	 first_kinds;	/* kinds whose first packet is held */
	uint64_t	 nbytes;
};

struct keep {
	struct keep_params p;
	size_t		 slotsz;
	uint8_t		*slab;
	uint32_t	 nstore, free;	/* store slots [0, nstore), given-back list */
	uint32_t	 unused;	/* slots [unused, nstore) never used yet */
	uint32_t	 nlb;		/* look-back slots follow the store's */
	uint64_t	 lbpos;		/* look-back frames seen */
	struct kline	*lines;
	uint32_t	 nlines;
	uint32_t	*buckets, mask;
	struct knote	*notes;		/* p.notes of them; NULL when 0 */
	uint64_t	 nage;
	struct keep_stats st;
};

static struct kslot *
slot(const struct keep *k, uint32_t i)
{
	return (struct kslot *)(void *)(k->slab + (size_t)i * k->slotsz);
}

static uint8_t *
slot_data(struct kslot *s)
{
	return (uint8_t *)(s + 1);
}

struct keep *
keep_new(const struct keep_params *p, char *err, size_t errlen)
{
	struct keep *k;
	size_t nslots, nb = 16, i;

	if ((k = calloc(1, sizeof(*k))) == NULL)
		goto err_mem;
	k->p = *p;
	k->slotsz = (sizeof(struct kslot) + p->snaplen + 7) & ~(size_t)7;
	nslots = p->memory / k->slotsz;
	if (nslots <= p->lookback || nslots - p->lookback < 2 || nslots > UINT32_MAX / 2) {
		snprintf(err, errlen, "evidence_memory %zu holds %zu slots of %zu bytes: "
		    "too few for evidence_lookback %zu", p->memory, nslots, k->slotsz,
		    p->lookback);
		free(k);
		return NULL;
	}
	k->nlb = (uint32_t)p->lookback;
	k->nstore = (uint32_t)(nslots - p->lookback);
	while (nb < p->lines && nb < (1u << 30))
		nb <<= 1;
	k->mask = (uint32_t)nb - 1;
	k->slab = malloc(nslots * k->slotsz);
	k->lines = calloc(p->lines, sizeof(*k->lines));
	k->buckets = malloc(nb * sizeof(*k->buckets));
	if (p->notes > 0 && (k->notes = calloc(p->notes, sizeof(*k->notes))) != NULL)
		for (i = 0; i < p->notes; i++)
			k->notes[i].slot = KEEP_NIL;
	if (k->slab == NULL || k->lines == NULL || k->buckets == NULL ||
	    (p->notes > 0 && k->notes == NULL)) {
		keep_free(k);
		goto err_mem;
	}
	for (i = 0; i < nb; i++)
		k->buckets[i] = KEEP_NIL;
	/* no free list to build: start-up touches no slot's page (evidence_bench) */
	k->free = KEEP_NIL;
	return k;
err_mem:
	snprintf(err, errlen, "evidence: cannot allocate evidence_memory");
	return NULL;
}

void
keep_free(struct keep *k)
{
	if (k == NULL)
		return;
	free(k->slab);
	free(k->lines);
	free(k->buckets);
	free(k->notes);
	free(k);
}

static uint32_t
keep_bucket(const struct keep *k, const uint8_t ip[16])
{
	return (uint32_t)hash_bytes(ip, 16, 0x6b656570) & k->mask;
}

static struct kline *
keep_find(const struct keep *k, const uint8_t key[KEEP_KEY_LEN])
{
	uint32_t i;

	for (i = k->buckets[keep_bucket(k, key)]; i != KEEP_NIL; i = k->lines[i].hnext)
		if (memcmp(k->lines[i].key, key, KEEP_KEY_LEN) == 0)
			return &k->lines[i];
	return NULL;
}

bool
keep_has(const struct keep *k, const uint8_t key[KEEP_KEY_LEN])
{
	return keep_find(k, key) != NULL;
}

/* Unlinks the oldest packet of l that is not the first of a kind; -1: none. */
static int
keep_evict(struct keep *k, struct kline *l)
{
	uint32_t i, prev = KEEP_NIL;
	struct kslot *s;

	for (i = l->head; i != KEEP_NIL; prev = i, i = s->next) {
		s = slot(k, i);
		if (s->flags & KEEP_F_FIRST)
			continue;
		if (prev == KEEP_NIL)
			l->head = s->next;
		else
			slot(k, prev)->next = s->next;
		if (l->tail == i)
			l->tail = prev;
		l->npkts--;
		l->nbytes -= s->caplen;
		s->next = k->free;
		k->free = i;
		return 0;
	}
	return -1;
}

/* The slab is full: take from l, else from the line holding most packets. */
static int
keep_reclaim(struct keep *k, struct kline *l)
{
	struct kline *big = NULL;
	uint32_t i;

	if (keep_evict(k, l) == 0)
		return 0;
	for (i = 0; i < k->nlines; i++)
		if (&k->lines[i] != l && (big == NULL || k->lines[i].npkts > big->npkts))
			big = &k->lines[i];
	return big == NULL ? -1 : keep_evict(k, big);
}

/* A slot of the store nobody holds, or KEEP_NIL. */
static uint32_t
keep_slot_get(struct keep *k)
{
	uint32_t i;

	if (k->free != KEEP_NIL) {
		i = k->free;
		k->free = slot(k, i)->next;
		return i;
	}
	return k->unused < k->nstore ? k->unused++ : KEEP_NIL;
}

static void
keep_slot_fill(struct keep *k, struct kslot *s, const struct keep_frame *f,
    uint32_t kinds, uint8_t flags, uint64_t seq)
{
	uint32_t len = f->caplen < k->p.snaplen ? f->caplen : (uint32_t)k->p.snaplen;

	s->next = KEEP_NIL;
	s->caplen = len;
	s->wirelen = f->wirelen;
	s->kinds = kinds;
	s->ts = f->ts;
	s->seq = seq;
	s->linktype = f->linktype;
	s->flags = flags;
	s->evkind = f->evkind;
	memcpy(slot_data(s), f->data, len);
}

/*
 * Adds a copy of f to l, at its tail (or head: an older frame); bounds make
 * room by eviction or refuse, counted.
 */
static int
keep_store(struct keep *k, struct kline *l, const struct keep_frame *f,
    uint32_t kinds, uint8_t flags, uint64_t seq, bool head)
{
	uint32_t len = f->caplen < k->p.snaplen ? f->caplen : (uint32_t)k->p.snaplen;
	struct kslot *s;
	uint32_t i;

	if (kinds & ~l->first_kinds)
		flags |= KEEP_F_FIRST;
	while (l->npkts >= k->p.packets) {
		k->st.drop_packets++;
		if (keep_evict(k, l) == -1)
			return -1;
	}
	while (l->nbytes + len > k->p.line_bytes) {
		k->st.drop_bytes++;
		if (keep_evict(k, l) == -1)
			return -1;
	}
	while (k->free == KEEP_NIL && k->unused == k->nstore) {
		k->st.drop_memory++;
		if (keep_reclaim(k, l) == -1)
			return -1;
	}
	i = keep_slot_get(k);
	s = slot(k, i);
	keep_slot_fill(k, s, f, kinds, flags, seq);
	if (head) {
		s->next = l->head;
		l->head = i;
		if (l->tail == KEEP_NIL)
			l->tail = i;
	} else {
		if (l->tail == KEEP_NIL)
			l->head = i;
		else
			slot(k, l->tail)->next = i;
		l->tail = i;
	}
	l->npkts++;
	l->nbytes += len;
	l->first_kinds |= kinds;
	k->st.kept++;
	k->st.truncated += f->caplen > len;
	k->st.lookback_kept += (flags & KEEP_F_LOOKBACK) != 0;
	return 0;
}

/* A new line takes the look-back frames of its IP, oldest first. */
static void
keep_lookback(struct keep *k, struct kline *l, unsigned kind,
    const struct keep_frame *cur)
{
	uint64_t n = k->lbpos < k->nlb ? k->lbpos : k->nlb, j;
	struct keep_frame f;
	struct kslot *s;

	for (j = k->lbpos - n; j < k->lbpos; j++) {
		s = slot(k, k->nstore + (uint32_t)(j % k->nlb));
		if (memcmp(s->a, l->key, 16) != 0 && memcmp(s->b, l->key, 16) != 0)
			continue;
		f = (struct keep_frame){ s->ts, s->caplen, s->wirelen, s->linktype,
		    s->evkind, slot_data(s) };
		/* same event kind as the one that raised the evidence: it led up to it */
		(void)keep_store(k, l, &f, s->evkind == cur->evkind ? 1u << kind : 0,
		    KEEP_F_LOOKBACK, s->seq, false);
	}
}

static struct kline *
keep_line_new(struct keep *k, const uint8_t key[KEEP_KEY_LEN])
{
	struct kline *l;
	uint32_t b;

	if (k->nlines == k->p.lines) {
		k->st.lines_refused++;
		return NULL;
	}
	l = &k->lines[k->nlines];
	memcpy(l->key, key, KEEP_KEY_LEN);
	l->head = l->tail = KEEP_NIL;
	b = keep_bucket(k, key);
	l->hnext = k->buckets[b];
	k->buckets[b] = k->nlines++;
	return l;
}

/* f for l as support of kind bit; the same frame again adds the kind to its packet. */
static int
keep_more(struct keep *k, struct kline *l, uint32_t bit, const struct keep_frame *f,
    uint64_t seq)
{
	struct kslot *t;

	/* the same frame supports a second kind: one packet, two comments */
	if (l->tail != KEEP_NIL && (t = slot(k, l->tail))->seq == seq) {
		if (bit & ~l->first_kinds)
			t->flags |= KEEP_F_FIRST;
		t->kinds |= bit;
		l->first_kinds |= bit;
		return 0;
	}
	return keep_store(k, l, f, bit, 0, seq, false);
}

int
keep_add(struct keep *k, const uint8_t key[KEEP_KEY_LEN], unsigned kind,
    const struct keep_frame *f, uint64_t seq)
{
	uint32_t bit = kind < 32 ? 1u << kind : 0;
	struct kline *l;

	if ((l = keep_find(k, key)) == NULL) {
		if ((l = keep_line_new(k, key)) == NULL)
			return -1;
		keep_lookback(k, l, kind, f);
	}
	return keep_more(k, l, bit, f, seq);
}

void
keep_support(struct keep *k, const uint8_t ip[16], unsigned kind,
    const struct keep_frame *f, uint64_t seq)
{
	uint32_t bit = kind < 32 ? 1u << kind : 0;
	struct kline *l;
	uint32_t i;

	if (k->nlines == 0)
		return;
	for (i = k->buckets[keep_bucket(k, ip)]; i != KEEP_NIL; i = l->hnext) {
		l = &k->lines[i];
		if (memcmp(l->key, ip, 16) == 0)
			(void)keep_more(k, l, bit, f, seq);
	}
}

/* The note of nk (*found), else the one to take: unused, else the oldest. */
static struct knote *
keep_note_find(const struct keep *k, const uint8_t nk[KEEP_NOTE_LEN], bool *found)
{
	size_t h = (size_t)hash_bytes(nk, KEEP_NOTE_LEN, 0x6e6f7465), j;
	struct knote *n, *take = NULL;

	*found = false;
	for (j = 0; j < NOTE_PROBE && j < k->p.notes; j++) {
		n = &k->notes[(h + j) % k->p.notes];
		if (n->slot != KEEP_NIL && memcmp(n->key, nk, KEEP_NOTE_LEN) == 0) {
			*found = true;
			return n;
		}
		if (take == NULL || (take->slot != KEEP_NIL &&
		    (n->slot == KEEP_NIL || n->age < take->age)))
			take = n;
	}
	return take;
}

void
keep_note(struct keep *k, const uint8_t nk[KEEP_NOTE_LEN], const struct keep_frame *f,
    uint64_t seq)
{
	struct knote *n;
	bool found;

	if (k->notes == NULL)
		return;
	n = keep_note_find(k, nk, &found);
	if (!found && n->slot != KEEP_NIL)
		k->st.notes_replaced++;
	if (n->slot == KEEP_NIL && (n->slot = keep_slot_get(k)) == KEEP_NIL) {
		k->st.notes_refused++;
		return;
	}
	keep_slot_fill(k, slot(k, n->slot), f, 0, 0, seq);
	memcpy(n->key, nk, KEEP_NOTE_LEN);
	n->age = ++k->nage;
}

void
keep_note_forget(struct keep *k, const uint8_t nk[KEEP_NOTE_LEN])
{
	struct knote *n;
	bool found;

	if (k->notes == NULL || (n = keep_note_find(k, nk, &found)) == NULL || !found)
		return;
	slot(k, n->slot)->next = k->free;
	k->free = n->slot;
	n->slot = KEEP_NIL;
}

int
keep_note_take(struct keep *k, const uint8_t nk[KEEP_NOTE_LEN],
    const uint8_t key[KEEP_KEY_LEN], unsigned kind)
{
	struct kline *l = keep_find(k, key);
	struct keep_frame f;
	struct knote *n;
	struct kslot *s;
	bool found;

	if (l == NULL || k->notes == NULL || (n = keep_note_find(k, nk, &found)) == NULL ||
	    !found)
		return -1;
	s = slot(k, n->slot);
	f = (struct keep_frame){ s->ts, s->caplen, s->wirelen, s->linktype, s->evkind,
	    slot_data(s) };
	return keep_store(k, l, &f, kind < 32 ? 1u << kind : 0, 0, s->seq, true);
}

static void
keep_context_ip(struct keep *k, const uint8_t ip[16], const struct keep_frame *f,
    uint64_t seq)
{
	struct kline *l;
	uint32_t i;

	for (i = k->buckets[keep_bucket(k, ip)]; i != KEEP_NIL; i = l->hnext) {
		l = &k->lines[i];
		if (memcmp(l->key, ip, 16) != 0)
			continue;
		if (l->tail != KEEP_NIL && slot(k, l->tail)->seq == seq)
			continue;
		(void)keep_store(k, l, f, 0, 0, seq, false);
	}
}

void
keep_context(struct keep *k, const uint8_t a[16], const uint8_t b[16],
    const struct keep_frame *f, uint64_t seq)
{
	if (k->nlines == 0)
		return;
	keep_context_ip(k, a, f, seq);
	if (memcmp(a, b, 16) != 0)
		keep_context_ip(k, b, f, seq);
}

void
keep_recent(struct keep *k, const uint8_t a[16], const uint8_t b[16],
    const struct keep_frame *f, uint64_t seq)
{
	uint32_t len = f->caplen < k->p.snaplen ? f->caplen : (uint32_t)k->p.snaplen;
	struct kslot *s;

	if (k->nlb == 0)
		return;
	s = slot(k, k->nstore + (uint32_t)(k->lbpos % k->nlb));
	s->caplen = len;
	s->wirelen = f->wirelen;
	s->ts = f->ts;
	s->seq = seq;
	s->linktype = f->linktype;
	s->evkind = f->evkind;
	s->flags = KEEP_F_LOOKBACK;
	s->kinds = 0;
	memcpy(s->a, a, 16);
	memcpy(s->b, b, 16);
	memcpy(slot_data(s), f->data, len);
	k->lbpos++;
}

size_t
keep_walk(const struct keep *k, const uint8_t key[KEEP_KEY_LEN],
    void (*fn)(void *, const struct keep_pkt *), void *arg)
{
	const struct kline *l = keep_find(k, key);
	struct keep_pkt p;
	struct kslot *s;
	size_t n = 0;
	uint32_t i;

	for (i = l != NULL ? l->head : KEEP_NIL; i != KEEP_NIL; i = s->next, n++) {
		s = slot(k, i);
		p.f = (struct keep_frame){ s->ts, s->caplen, s->wirelen, s->linktype,
		    s->evkind, slot_data(s) };
		p.kinds = s->kinds;
		p.flags = s->flags;
		fn(arg, &p);
	}
	return n;
}

void
keep_stats(const struct keep *k, struct keep_stats *st)
{
	uint32_t i, n = 0;

	*st = k->st;
	n = k->nstore - k->unused;
	for (i = k->free; i != KEEP_NIL; i = slot(k, i)->next)
		n++;
	st->notes = 0;
	for (i = 0; i < k->p.notes; i++)
		st->notes += k->notes[i].slot != KEEP_NIL;
	st->lines = k->nlines;
	st->slots = k->nstore;
	st->slots_free = n;
}

uint64_t
keep_drops(const struct keep *k)
{
	return k == NULL ? 0 : k->st.drop_packets + k->st.drop_bytes + k->st.drop_memory +
	    k->st.lines_refused;
}

size_t
keep_bytes(const struct keep *k)
{
	return k == NULL ? 0 : sizeof(*k) + (size_t)(k->nstore + k->nlb) * k->slotsz +
	    k->p.lines * sizeof(*k->lines) + ((size_t)k->mask + 1) * sizeof(uint32_t) +
	    k->p.notes * sizeof(*k->notes);
}
