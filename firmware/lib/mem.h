/* SPDX-License-Identifier: BSD-2-Clause */
/* Allocations that own their cache lines: for state two threads touch. */
#ifndef GW_MEM_H
#define GW_MEM_H

#include <stdlib.h>
#include <string.h>

#define CACHE_LINE	64

/* Zeroed, starting on a cache line and rounded up to whole lines; free() it. */
static inline void *
zalloc_lines(size_t len)
{
	size_t n = (len + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
	void *p = aligned_alloc(CACHE_LINE, n);

	if (p != NULL)
		memset(p, 0, n);
	return p;
}

#endif
