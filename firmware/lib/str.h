/* SPDX-License-Identifier: BSD-2-Clause */
/* Bounded string copies into fixed fields, cut on UTF-8 character boundaries. */
#ifndef GW_STR_H
#define GW_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "utf8.h"

/* Copies a NUL-terminated string into dst[len], cut to fit; len > 0. */
static inline void
str_copy(char *dst, size_t len, const char *src)
{
	size_t n = strlen(src);

	n = utf8_cut(src, n, len - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/*
 * Copies n wire bytes into dst[cap] as a C string, C0 controls and DEL as '?',
 * cut to fit on a character boundary; true if cut. cap > 0.
 */
static inline bool
str_copy_wire(char *dst, size_t cap, const uint8_t *s, size_t n)
{
	size_t i, k = utf8_cut((const char *)s, n, cap - 1);

	for (i = 0; i < k; i++)
		dst[i] = s[i] < 0x20 || s[i] == 0x7f ? '?' : (char)s[i];
	dst[k] = '\0';
	return k < n;
}

#endif
