/* SPDX-License-Identifier: BSD-2-Clause */
/* Bucket sizing and the bucket array of the fixed tables by index. */
#include <stdlib.h>
#include <string.h>

#include "itable.h"

size_t
itable_nbuckets(size_t n)
{
	size_t nb = 16;

	while (nb < n && nb < ITABLE_MAX_BUCKETS)
		nb <<= 1;
	return nb;
}

int
itable_init(struct itable *t, size_t cap, size_t nkeys)
{
	memset(t, 0, sizeof(*t));
	if (cap == 0 || cap >= ITABLE_NIL / 2)
		return -1;
	t->nbuckets = (uint32_t)itable_nbuckets(nkeys);
	if ((t->buckets = malloc(t->nbuckets * sizeof(*t->buckets))) == NULL)
		return -1;
	t->cap = (uint32_t)cap;
	itable_clear(t);
	return 0;
}

void
itable_clear(struct itable *t)
{
	memset(t->buckets, 0xff, t->nbuckets * sizeof(*t->buckets));
	t->fresh = 0;
	t->free_head = ITABLE_NIL;
}

void
itable_fini(struct itable *t)
{
	free(t->buckets);
	t->buckets = NULL;
}

size_t
itable_bytes(const struct itable *t)
{
	return (size_t)t->nbuckets * sizeof(*t->buckets);
}
