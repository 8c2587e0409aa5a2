/* SPDX-License-Identifier: BSD-2-Clause */
/* Keyed 64-bit hash: 8-byte lanes folded through a 128-bit multiply. */
#include <string.h>

#include "hash.h"

static uint64_t
hash_mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

uint64_t
hash_bytes(const void *key, size_t len, uint64_t seed)
{
	const unsigned char *p = key;
	uint64_t h = seed ^ 0x9e3779b97f4a7c15ULL ^ len;
	uint64_t a, b;

	while (len >= 16) {
		memcpy(&a, p, 8);
		memcpy(&b, p + 8, 8);
		h = hash_mum(a ^ h ^ 0xa0761d6478bd642fULL, b ^ 0xe7037ed1a0b428dbULL);
		p += 16;
		len -= 16;
	}
	a = b = 0;
	if (len >= 8) {
		memcpy(&a, p, 8);
		memcpy(&b, p + len - 8, 8);
	} else if (len > 0) {
		memcpy(&a, p, len);
	}
	return hash_mum(a ^ h ^ 0x8ebc6af09c88c6e3ULL, b ^ 0x589965cc75374cc3ULL);
}
