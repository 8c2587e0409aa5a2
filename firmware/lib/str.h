/* SPDX-License-Identifier: BSD-2-Clause */
/* Bounded string copies into fixed fields. */
#ifndef GW_STR_H
#define GW_STR_H

#include <stddef.h>
#include <string.h>

/* Copies a NUL-terminated string into dst[len], cut to fit; len > 0. */
static inline void
str_copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

#endif
