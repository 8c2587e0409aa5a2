/* SPDX-License-Identifier: BSD-2-Clause */
/* Keyed pseudonyms (HMAC-SHA256): the detect stage's one use of mbedTLS, behind pseudonym.h. */
#include <stdio.h>
#include <string.h>

#include <mbedtls/md.h>

#include "pseudonym.h"

int
pseudonym_of(const uint8_t *key, size_t keylen, const char *msg,
    char out[PSEUDONYM_LEN])
{
	const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
	uint8_t mac[32];
	int i;

	if (md == NULL || mbedtls_md_hmac(md, key, keylen, (const uint8_t *)msg,
	    strlen(msg), mac) != 0)
		return -1;
	out[0] = 'h';
	out[1] = ':';
	for (i = 0; i < 8; i++)
		snprintf(out + 2 + 2 * i, 3, "%02x", mac[i]);
	return 0;
}

int
pseudonym_key_parse(const char *hex, uint8_t key[32], size_t *keylen)
{
	size_t n = strlen(hex), i;
	unsigned v;

	if (n % 2 != 0 || n < 32 || n > 64)
		return -1;
	for (i = 0; i < n / 2; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1 ||
		    strspn(hex + 2 * i, "0123456789abcdefABCDEF") < 2)
			return -1;
		key[i] = (uint8_t)v;
	}
	*keylen = n / 2;
	return 0;
}
