/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fixed-capacity object pool with an intrusive free list. Objects never used
 * yet come from a high-water mark, so start-up touches no page of the pool:
 * memory is reserved by the configuration and faulted in as it is used.
 */
#include <stdlib.h>
#include <string.h>

#include "bigmem.h"
#include "pool.h"

struct pool_item {
	struct pool_item *next;
};

struct pool {
	unsigned char	*mem;
	struct pool_item *free;
	size_t		 objsize;
	size_t		 cap;
	size_t		 fresh;		/* objects below this were handed out once */
	size_t		 used;
	uint64_t	 exhausted;
};

struct pool *
pool_new(size_t objsize, size_t capacity)
{
	struct pool *p;

	if (objsize < sizeof(struct pool_item))
		objsize = sizeof(struct pool_item);
	objsize = (objsize + 15) & ~(size_t)15;
	if (capacity == 0 || capacity > SIZE_MAX / objsize)
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	if ((p->mem = bigmem_calloc(capacity, objsize)) == NULL) {
		free(p);
		return NULL;
	}
	p->objsize = objsize;
	p->cap = capacity;
	return p;
}

void
pool_free(struct pool *p)
{
	if (p == NULL)
		return;
	bigmem_free(p->mem, p->cap, p->objsize);
	free(p);
}

void *
pool_get(struct pool *p)
{
	struct pool_item *it;

	if ((it = p->free) != NULL)
		p->free = it->next;
	else if (p->fresh < p->cap)
		it = (struct pool_item *)(p->mem + p->fresh++ * p->objsize);
	else {
		p->exhausted++;
		return NULL;
	}
	p->used++;
	return it;
}

void
pool_put(struct pool *p, void *obj)
{
	struct pool_item *it = obj;

	if (obj == NULL)
		return;
	it->next = p->free;
	p->free = it;
	p->used--;
}

size_t
pool_in_use(const struct pool *p)
{
	return p->used;
}

size_t
pool_capacity(const struct pool *p)
{
	return p->cap;
}

uint64_t
pool_exhausted(const struct pool *p)
{
	return p->exhausted;
}

size_t
pool_bytes(const struct pool *p)
{
	return p->objsize * p->cap;
}
