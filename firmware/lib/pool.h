/* SPDX-License-Identifier: BSD-2-Clause */
/* Fixed-capacity object pool: all memory at start, a free list, counted exhaustion. */
#ifndef GW_POOL_H
#define GW_POOL_H

#include <stddef.h>
#include <stdint.h>

struct pool;

struct pool	*pool_new(size_t objsize, size_t capacity);
void		 pool_free(struct pool *);
/* NULL when empty; the failure is counted (pool_exhausted). */
void		*pool_get(struct pool *);
void		 pool_put(struct pool *, void *);
size_t		 pool_in_use(const struct pool *);
size_t		 pool_capacity(const struct pool *);
uint64_t	 pool_exhausted(const struct pool *);
size_t		 pool_bytes(const struct pool *);

#endif
