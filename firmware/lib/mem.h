/* SPDX-License-Identifier: BSD-2-Clause */
/* Allocations that own their cache lines: for state two threads touch. */
#ifndef GW_MEM_H
#define GW_MEM_H

#include <stdlib.h>
#include <string.h>

#define CACHE_LINE	64

/* Built with ASan (gcc: DEBUG=1; clang: the fuzzers): it owns the allocator,
 * and the bump arenas (sip.c, dpi-mem.c) stand aside or check themselves. */
#if defined(__SANITIZE_ADDRESS__)
#define GW_ASAN	1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define GW_ASAN	1
#endif
#endif

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
