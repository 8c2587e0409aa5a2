/* SPDX-License-Identifier: BSD-2-Clause */
/* Hexadecimal text of bytes, and back (digests, signatures, keys). */
#ifndef GW_HEX_H
#define GW_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Lowercase hex of n bytes into out: 2n digits and a NUL. */
void	hex_encode(const void *p, size_t n, char *out);
/*
 * The bytes of the len digits at s ([0-9a-fA-F], an even count) into out,
 * at most cap of them: their count, or -1 for anything else.
 */
long	hex_decode(const char *s, size_t len, uint8_t *out, size_t cap);

#endif
