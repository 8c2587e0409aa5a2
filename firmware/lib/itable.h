/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The slots and hash buckets of a fixed-capacity table by index: the element
 * array belongs to the caller (an intrusive uint32_t chain link in each),
 * this keeps the bucket heads, the free list and the never-used slots. A
 * full table is the caller's to count or to evict from: it never grows.
 * The layout arguments come from ILIST_OF(array, field) (ilist.h).
 */
#ifndef GW_ITABLE_H
#define GW_ITABLE_H

#include <stddef.h>
#include <stdint.h>

#include "ilist.h"

#define ITABLE_NIL	ILIST_NIL
#define ITABLE_MAX_BUCKETS	((size_t)1 << 30)

struct itable {
	uint32_t	*buckets;	/* head slot per bucket, or ITABLE_NIL */
	uint32_t	 nbuckets;	/* a power of two */
	uint32_t	 cap;
	uint32_t	 fresh;		/* slots below this were used once */
	uint32_t	 free_head;	/* slots given back, newest first */
};

/* Buckets for n keys: a power of two >= n, at least 16, at most 2^30. */
size_t	itable_nbuckets(size_t n);
/* cap slots (below ITABLE_NIL / 2) and buckets for nkeys keys, all empty; 0/-1. */
int	itable_init(struct itable *, size_t cap, size_t nkeys);
/* Empties the table at once: every bucket, no slot used (the caller has ended
 * every element; no chain is walked). */
void	itable_clear(struct itable *);
/* Frees the buckets; safe on a zeroed or failed itable. */
void	itable_fini(struct itable *);
size_t	itable_bytes(const struct itable *);

static inline uint32_t *
itable_bucket(const struct itable *t, uint32_t hash)
{
	return &t->buckets[hash & (t->nbuckets - 1)];
}

/* Chains slot i at the head of hash's bucket (hoff: its chain link). */
static inline void
itable_insert(struct itable *t, void *base, size_t size, size_t hoff, uint32_t hash,
    uint32_t i)
{
	uint32_t *b = itable_bucket(t, hash);

	*ilist_u32(base, size, hoff, i) = *b;
	*b = i;
}

/* Unchains slot i, which must be in hash's bucket. */
static inline void
itable_remove(struct itable *t, void *base, size_t size, size_t hoff, uint32_t hash,
    uint32_t i)
{
	uint32_t *pp;

	for (pp = itable_bucket(t, hash); *pp != i; pp = ilist_u32(base, size, hoff, *pp))
		;
	*pp = *ilist_u32(base, size, hoff, i);
}

/* A free slot, given back ones first (noff: the free-list link), or ITABLE_NIL. */
static inline uint32_t
itable_take(struct itable *t, void *base, size_t size, size_t noff)
{
	uint32_t i;

	if ((i = t->free_head) != ITABLE_NIL) {
		t->free_head = *ilist_u32(base, size, noff, i);
		return i;
	}
	if (t->fresh < t->cap)
		return t->fresh++;
	return ITABLE_NIL;
}

/* Gives slot i back; the caller has unchained it. */
static inline void
itable_put(struct itable *t, void *base, size_t size, size_t noff, uint32_t i)
{
	*ilist_u32(base, size, noff, i) = t->free_head;
	t->free_head = i;
}

#endif
