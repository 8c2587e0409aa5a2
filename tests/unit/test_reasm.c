/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for reasm.c: order, overlaps, timeouts, a full table, bad fragments. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "decode.h"
#include "pktbuild.h"
#include "reasm.h"

static const char A[4] = { 100, 64, 1, 7 }, B[4] = { (char)203, 0, 113, 5 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t B6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

static uint8_t dgram[8000];	/* UDP header + payload, the datagram to cut */
static size_t dglen;

static void
make_dgram(size_t paylen)
{
	size_t i;

	dglen = 8 + paylen;
	dgram[0] = 0x13; dgram[1] = 0xc4;	/* 5060 */
	dgram[2] = 0x13; dgram[3] = 0xc4;
	dgram[4] = (uint8_t)(dglen >> 8);
	dgram[5] = (uint8_t)dglen;
	dgram[6] = dgram[7] = 0;
	for (i = 0; i < paylen; i++)
		dgram[8 + i] = (uint8_t)('a' + i % 26);
}

/* Feeds bytes [off, off+len) of dgram as one IPv4 fragment at time ts. */
static enum reasm_result
frag4(struct reasm *ra, uint16_t id, size_t off, size_t len, usec_t ts,
    const uint8_t **out, uint32_t *outlen)
{
	struct pb b = { .len = 0 };
	struct pkt pk;
	bool more = off + len < dglen;

	pb_ipv4(&b, A, B, 17, id, (uint16_t)((more ? 0x2000 : 0) | off / 8));
	pb_bytes(&b, dgram + off, len);
	pb_finish(&b);
	pk.ts = ts;
	assert_int_equal(decode_frame(LINK_RAW, b.buf, (uint32_t)b.len, &pk), DECODE_FRAGMENT);
	return reasm_add(ra, &pk, out, outlen);
}

static void
assert_whole_v4(const uint8_t *out, uint32_t outlen)
{
	struct pkt pk;

	assert_int_equal(outlen, 20 + dglen);
	pk.ts = 0;
	assert_int_equal(decode_ip(out, outlen, &pk), DECODE_OK);
	assert_int_equal(pk.dport, 5060);
	assert_int_equal(pk.paylen, dglen - 8);
	assert_memory_equal(pk.payload, dgram + 8, dglen - 8);
}

static void
test_in_order(void **state)
{
	struct reasm *ra = reasm_new(16, 65535, 30 * USEC_PER_SEC);
	const uint8_t *out;
	uint32_t outlen;

	(void)state;
	make_dgram(3000);
	assert_int_equal(frag4(ra, 1, 0, 1480, 1, &out, &outlen), REASM_HELD);
	assert_int_equal(frag4(ra, 1, 1480, 1480, 2, &out, &outlen), REASM_HELD);
	assert_int_equal(frag4(ra, 1, 2960, dglen - 2960, 3, &out, &outlen), REASM_COMPLETE);
	assert_whole_v4(out, outlen);
	assert_int_equal(reasm_stats(ra)->in_use, 0);
	reasm_free(ra);
}

static void
test_out_of_order(void **state)
{
	struct reasm *ra = reasm_new(16, 65535, 30 * USEC_PER_SEC);
	const uint8_t *out;
	uint32_t outlen;

	(void)state;
	make_dgram(3000);
	assert_int_equal(frag4(ra, 2, 2960, dglen - 2960, 1, &out, &outlen), REASM_HELD);
	assert_int_equal(frag4(ra, 2, 1480, 1480, 2, &out, &outlen), REASM_HELD);
	assert_int_equal(frag4(ra, 2, 0, 1480, 3, &out, &outlen), REASM_COMPLETE);
	assert_whole_v4(out, outlen);
	reasm_free(ra);
}

static void
test_overlap_first_wins(void **state)
{
	struct reasm *ra = reasm_new(16, 65535, 30 * USEC_PER_SEC);
	const uint8_t *out;
	uint32_t outlen;
	uint8_t saved[800];

	(void)state;
	make_dgram(2000);
	assert_int_equal(frag4(ra, 3, 0, 1200, 1, &out, &outlen), REASM_HELD);
	/* a rewrite of bytes 800..1599 with other content: first data kept */
	memcpy(saved, dgram + 800, sizeof(saved));
	memset(dgram + 800, 'X', 800);
	assert_int_equal(frag4(ra, 3, 800, 800, 2, &out, &outlen), REASM_HELD);
	memcpy(dgram + 800, saved, sizeof(saved));
	assert_int_equal(frag4(ra, 3, 1600, dglen - 1600, 3, &out, &outlen), REASM_COMPLETE);
	assert_int_equal(reasm_stats(ra)->overlaps, 1);
	assert_int_equal(reasm_stats(ra)->overlap_conflicts, 50);	/* 400 bytes */
	assert_memory_equal(out + 20 + 800, saved, 400);
	assert_memory_equal(out + 20 + 1200, "XXXXXXXX", 8);	/* the rest was new */
	reasm_free(ra);
}

static void
test_duplicate(void **state)
{
	struct reasm *ra = reasm_new(16, 65535, 30 * USEC_PER_SEC);
	const uint8_t *out;
	uint32_t outlen;

	(void)state;
	make_dgram(2000);
	assert_int_equal(frag4(ra, 4, 0, 1480, 1, &out, &outlen), REASM_HELD);
	assert_int_equal(frag4(ra, 4, 0, 1480, 2, &out, &outlen), REASM_HELD);
	assert_int_equal(frag4(ra, 4, 1480, dglen - 1480, 3, &out, &outlen), REASM_COMPLETE);
	assert_whole_v4(out, outlen);
	assert_int_equal(reasm_stats(ra)->overlap_conflicts, 0);
	reasm_free(ra);
}

static void
test_timeout(void **state)
{
	struct reasm *ra = reasm_new(16, 65535, 30 * USEC_PER_SEC);
	const uint8_t *out;
	uint32_t outlen;

	(void)state;
	make_dgram(2000);
	assert_int_equal(frag4(ra, 5, 0, 1480, USEC_PER_SEC, &out, &outlen), REASM_HELD);
	assert_int_equal(reasm_stats(ra)->in_use, 1);
	reasm_expire(ra, 30 * USEC_PER_SEC);
	assert_int_equal(reasm_stats(ra)->in_use, 1);
	reasm_expire(ra, 31 * USEC_PER_SEC);
	assert_int_equal(reasm_stats(ra)->in_use, 0);
	assert_int_equal(reasm_stats(ra)->timeouts, 1);
	/* the tail alone, later, does not complete a datagram that timed out */
	assert_int_equal(frag4(ra, 5, 1480, dglen - 1480, 32 * USEC_PER_SEC, &out, &outlen),
	    REASM_HELD);
	reasm_free(ra);
}

static void
test_table_full(void **state)
{
	struct reasm *ra = reasm_new(4, 65535, 30 * USEC_PER_SEC);
	const uint8_t *out;
	uint32_t outlen;
	uint16_t id;

	(void)state;
	make_dgram(2000);
	for (id = 10; id < 14; id++)
		assert_int_equal(frag4(ra, id, 0, 1480, 1, &out, &outlen), REASM_HELD);
	assert_int_equal(frag4(ra, 99, 0, 1480, 1, &out, &outlen), REASM_TABLE_FULL);
	assert_int_equal(reasm_stats(ra)->result[REASM_TABLE_FULL], 1);
	/* a datagram already in the table still completes */
	assert_int_equal(frag4(ra, 12, 1480, dglen - 1480, 2, &out, &outlen), REASM_COMPLETE);
	assert_int_equal(frag4(ra, 99, 0, 1480, 3, &out, &outlen), REASM_HELD);
	reasm_free(ra);
}

static void
test_bad_fragments(void **state)
{
	struct reasm *ra = reasm_new(16, 4000, 30 * USEC_PER_SEC);
	const uint8_t *out;
	uint32_t outlen;

	(void)state;
	make_dgram(3000);
	/* a middle fragment whose length is not a multiple of 8 */
	assert_int_equal(frag4(ra, 20, 0, 1001, 1, &out, &outlen), REASM_BAD);
	/* data past the end the last fragment set */
	assert_int_equal(frag4(ra, 21, 2000, dglen - 2000, 1, &out, &outlen), REASM_HELD);
	dglen += 800;
	assert_int_equal(frag4(ra, 21, 2000, 1400, 2, &out, &outlen), REASM_BAD);
	/* larger than frag_max_bytes */
	make_dgram(3995);
	assert_int_equal(frag4(ra, 22, 4000, 3, 3, &out, &outlen), REASM_TOO_BIG);
	assert_int_equal(reasm_stats(ra)->in_use, 0);
	reasm_free(ra);
}

static void
test_ipv6(void **state)
{
	struct reasm *ra = reasm_new(16, 65535, 30 * USEC_PER_SEC);
	const uint8_t *out = NULL;
	uint32_t outlen;
	struct pkt pk;
	size_t off[2] = { 0, 1232 }, i;
	enum reasm_result rc = REASM_BAD;

	(void)state;
	make_dgram(2000);
	for (i = 2; i-- > 0;) {		/* last fragment first */
		struct pb b = { .len = 0 };
		size_t len = i == 0 ? 1232 : dglen - 1232;

		pb_ipv6(&b, A6, B6, 44);
		pb_u8(&b, 17);
		pb_u8(&b, 0);
		pb_be16(&b, (uint16_t)(off[i] | (i == 0)));
		pb_be32(&b, 777);
		pb_bytes(&b, dgram + off[i], len);
		pb_finish(&b);
		pk.ts = 1;
		assert_int_equal(decode_frame(LINK_RAW, b.buf, (uint32_t)b.len, &pk),
		    DECODE_FRAGMENT);
		rc = reasm_add(ra, &pk, &out, &outlen);
	}
	assert_int_equal(rc, REASM_COMPLETE);
	assert_int_equal(outlen, 40 + dglen);
	assert_int_equal(decode_ip(out, outlen, &pk), DECODE_OK);
	assert_int_equal(pk.ipver, 6);
	assert_int_equal(pk.paylen, dglen - 8);
	assert_memory_equal(pk.payload, dgram + 8, dglen - 8);
	reasm_free(ra);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_out_of_order),
		cmocka_unit_test(test_overlap_first_wins),
		cmocka_unit_test(test_duplicate),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_table_full),
		cmocka_unit_test(test_bad_fragments),
		cmocka_unit_test(test_ipv6),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
