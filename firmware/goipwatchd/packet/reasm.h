/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IPv4 and IPv6 fragment reassembly with fixed memory: a table of datagrams
 * in progress, each with its own buffer, expired by capture time.
 * Overlaps keep the first data seen and count conflicting rewrites.
 */
#ifndef GW_REASM_H
#define GW_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "decode.h"

#define REASM_RESULTS(X) \
	X(HELD,		"held")			\
	X(COMPLETE,	"completed")		\
	X(TABLE_FULL,	"table_full")		\
	X(TOO_BIG,	"too_big")		\
	X(BAD,		"bad_fragment")		\
	X(CLIPPED,	"clipped_by_snaplen")

enum reasm_result {
#define X(e, s) REASM_##e,
	REASM_RESULTS(X)
#undef X
	REASM_NRESULTS
};

extern const char *const reasm_result_names[REASM_NRESULTS];

struct reasm_stats {
	uint64_t	result[REASM_NRESULTS];
	uint64_t	timeouts;
	uint64_t	overlaps;
	uint64_t	overlap_conflicts;	/* overlapping bytes that differ */
	uint64_t	in_use;
};

struct reasm;

struct reasm	*reasm_new(size_t capacity, size_t max_bytes, usec_t timeout);
void		 reasm_free(struct reasm *);
/*
 * Takes a fragment the decoder returned as DECODE_FRAGMENT. On
 * REASM_COMPLETE, *out holds the whole IP datagram, valid until the next call.
 */
enum reasm_result reasm_add(struct reasm *, const struct pkt *,
		    const uint8_t **out, uint32_t *outlen);
/* Drops datagrams older than the timeout at capture time now. */
void		 reasm_expire(struct reasm *, usec_t now);
const struct reasm_stats *reasm_stats(const struct reasm *);
size_t		 reasm_bytes(const struct reasm *);

#endif
