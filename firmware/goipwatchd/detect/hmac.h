/* SPDX-License-Identifier: BSD-2-Clause */
/* Keyed pseudonyms for phone numbers in reports (HMAC-SHA256, mbedTLS in tls-hmac.c). */
#ifndef GW_HMAC_H
#define GW_HMAC_H

#include <stddef.h>
#include <stdint.h>

#define HMAC_PSEUDONYM_LEN	20	/* "h:" + 16 hex digits + NUL, rounded */

/* "h:" and the first 64 bits of HMAC-SHA256(key, msg) in hex; -1 on error. */
int	hmac_pseudonym(const uint8_t *key, size_t keylen, const char *msg,
	    char out[HMAC_PSEUDONYM_LEN]);
/* Decodes a hex key; -1 unless it is 16 to 32 bytes of hex. */
int	hmac_key_parse(const char *hex, uint8_t key[32], size_t *keylen);

#endif
