/* SPDX-License-Identifier: BSD-2-Clause */
/* Keyed pseudonyms (HMAC-SHA256): the detect stage's one use of mbedTLS, behind pseudonym.h. */
#include <stdio.h>
#include <string.h>

#include <mbedtls/md.h>

#include "hex.h"
#include "pseudonym.h"

int
pseudonym_of(const uint8_t *key, size_t keylen, const char *msg,
    char out[PSEUDONYM_LEN])
{
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	uint8_t mac[32];

	if (md == NULL || mbedtls_md_hmac(md, key, keylen, (const uint8_t *)msg,
	    strlen(msg), mac) != 0)
		return -1;
	out[0] = 'h';
	out[1] = ':';
	hex_encode(mac, 8, out + 2);
	return 0;
}

int
pseudonym_key_parse(const char *hex, uint8_t key[32], size_t *keylen)
{
	size_t n = strlen(hex);
	long got;

	if (n < 32 || n > 64 || (got = hex_decode(hex, n, key, 32)) < 0)
		return -1;
	*keylen = (size_t)got;
	return 0;
}
