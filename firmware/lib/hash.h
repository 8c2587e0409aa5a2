/* SPDX-License-Identifier: BSD-2-Clause */
/* Fast keyed hashing for tables indexed by hostile keys. */
#ifndef GW_HASH_H
#define GW_HASH_H

#include <stddef.h>
#include <stdint.h>

/* 64-bit hash of len bytes with a per-table seed (wyhash-style mixing). */
uint64_t	hash_bytes(const void *key, size_t len, uint64_t seed);
uint64_t	hash_mix64(uint64_t);

#endif
