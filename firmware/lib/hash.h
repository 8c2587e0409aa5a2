/* SPDX-License-Identifier: BSD-2-Clause */
/* Fast keyed hashing for tables indexed by hostile keys. */
#ifndef GW_HASH_H
#define GW_HASH_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit hash of len bytes with a per-table seed (wyhash-style mixing). */
uint64_t	hash_bytes(const void *key, size_t len, uint64_t seed);

/* The 64-bit finaliser of MurmurHash3: inline, it runs once per packet. */
static inline uint64_t
hash_mix64(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

#endif
