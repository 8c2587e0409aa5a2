/* SPDX-License-Identifier: BSD-2-Clause */
/* Keyed pseudonyms for phone numbers in reports (HMAC-SHA256 through mbedTLS in pseudonym.c). */
#ifndef GW_PSEUDONYM_H
#define GW_PSEUDONYM_H

#include <stddef.h>
#include <stdint.h>

#define PSEUDONYM_LEN	20	/* "h:" + 16 hex digits + NUL, rounded */

/* "h:" and the first 64 bits of HMAC-SHA256(key, msg) in hex; -1 on error. */
int	pseudonym_of(const uint8_t *key, size_t keylen, const char *msg,
	    char out[PSEUDONYM_LEN]);
/* Decodes a hex key; -1 unless it is 16 to 32 bytes of hex. */
int	pseudonym_key_parse(const char *hex, uint8_t key[32], size_t *keylen);

#endif
