/* SPDX-License-Identifier: BSD-2-Clause */
/* keep.c: bounds, drop order (first of a kind stays), look-back, the slab cap. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "keep.h"

static uint8_t frame_bytes[3000];

static struct keep_frame
frame(usec_t ts, uint32_t len)
{
	return (struct keep_frame){ ts, len, len, 1, 1, frame_bytes };
}

static void
key_of(uint8_t key[KEEP_KEY_LEN], unsigned n)
{
	memset(key, 0, KEEP_KEY_LEN);
	key[0] = (uint8_t)(n >> 8);
	key[1] = (uint8_t)n;
}

struct seen {
	usec_t	ts[1024];
	uint32_t kinds[1024];
	uint8_t	flags[1024];
	size_t	n;
};

static void
collect(void *arg, const struct keep_pkt *p)
{
	struct seen *s = arg;

	s->ts[s->n] = p->f.ts;
	s->kinds[s->n] = p->kinds;
	s->flags[s->n++] = p->flags;
}

static struct keep *
mk(size_t lines, size_t packets, size_t bytes, size_t memory, size_t lookback)
{
	struct keep_params p = { lines, packets, bytes, memory, 256, lookback, 0 };
	char err[256];
	struct keep *k = keep_new(&p, err, sizeof(err));

	assert_non_null(k);
	return k;
}

/* At the packet bound the oldest non-first goes; the first of each kind stays. */
static void
test_packet_bound(void **state)
{
	struct keep *k = mk(4, 8, 1 << 20, 1 << 20, 0);
	struct keep_stats st;
	struct keep_frame f;
	uint8_t key[KEEP_KEY_LEN];
	struct seen s = { 0 };
	uint64_t i;

	(void)state;
	key_of(key, 1);
	for (i = 1; i <= 20; i++) {
		f = frame((usec_t)i, 100);
		assert_int_equal(keep_add(k, key, i == 3 ? 5 : 2, &f, i), 0);
	}
	assert_int_equal(keep_walk(k, key, collect, &s), 8);
	/* 1 (first kind 2) and 3 (first kind 5) stay, then the newest six */
	assert_int_equal(s.ts[0], 1);
	assert_int_equal(s.ts[1], 3);
	assert_int_equal(s.ts[2], 15);
	assert_int_equal(s.ts[7], 20);
	assert_true(s.flags[0] & KEEP_F_FIRST);
	keep_stats(k, &st);
	assert_int_equal(st.drop_packets, 12);
	assert_int_equal(keep_drops(k), 12);
	keep_free(k);
}

/* The same frame with a second kind: one packet with both bits. */
static void
test_same_frame(void **state)
{
	struct keep *k = mk(4, 8, 1 << 20, 1 << 20, 0);
	struct keep_frame f = frame(7, 100);
	uint8_t key[KEEP_KEY_LEN];
	struct seen s = { 0 };

	(void)state;
	key_of(key, 1);
	keep_add(k, key, 1, &f, 42);
	keep_add(k, key, 4, &f, 42);
	assert_int_equal(keep_walk(k, key, collect, &s), 1);
	assert_int_equal(s.kinds[0], 1u << 1 | 1u << 4);
	keep_free(k);
}

/* A line's byte bound, and frames cut at snaplen. */
static void
test_byte_bound(void **state)
{
	struct keep *k = mk(4, 100, 4096, 1 << 20, 0);
	struct keep_stats st;
	struct keep_frame f;
	uint8_t key[KEEP_KEY_LEN];
	struct seen s = { 0 };
	uint64_t i;

	(void)state;
	key_of(key, 1);
	for (i = 1; i <= 40; i++) {
		f = frame((usec_t)i, 1500);	/* kept: 256 bytes each */
		keep_add(k, key, 2, &f, i);
	}
	assert_int_equal(keep_walk(k, key, collect, &s), 4096 / 256);
	keep_stats(k, &st);
	assert_int_equal(st.truncated, 40);
	assert_int_equal(st.drop_bytes, 40 - 16);
	keep_free(k);
}

/* The look-back ring: a line's first evidence brings its earlier frames. */
static void
test_lookback(void **state)
{
	struct keep *k = mk(4, 100, 1 << 20, 1 << 20, 8);
	uint8_t key[KEEP_KEY_LEN], other[16] = { 9 }, peer[16] = { 7 };
	struct keep_frame f;
	struct seen s = { 0 };
	uint64_t i;

	(void)state;
	key_of(key, 1);
	for (i = 1; i <= 12; i++) {	/* 12 frames of the line, 8 remembered */
		f = frame((usec_t)i, 100);
		keep_recent(k, i % 2 ? key : peer, i % 2 ? peer : key, &f, i);
		f = frame((usec_t)i + 100, 100);
		keep_recent(k, other, peer, &f, i + 100);	/* not the line's */
	}
	f = frame(50, 100);
	keep_add(k, key, 3, &f, 500);
	assert_int_equal(keep_walk(k, key, collect, &s), 5);
	assert_int_equal(s.ts[0], 9);
	assert_true(s.flags[0] & KEEP_F_LOOKBACK);
	assert_int_equal(s.ts[4], 50);
	/* and the line's later signalling comes as context */
	f = frame(60, 100);
	keep_context(k, peer, key, &f, 501);
	s.n = 0;
	assert_int_equal(keep_walk(k, key, collect, &s), 6);
	assert_int_equal(s.kinds[5], 0);
	keep_free(k);
}

/* Many lines: the slab cap holds, the line bound refuses, both counted. */
static void
test_many_lines(void **state)
{
	struct keep *k = mk(1000, 64, 1 << 20, 256 * 1024, 16);
	uint8_t key[KEEP_KEY_LEN];
	struct keep_stats st;
	struct keep_frame f;
	size_t total = 0;
	struct seen s;
	unsigned n, j;

	(void)state;
	for (n = 0; n < 10000; n++) {
		key_of(key, n);
		for (j = 0; j < 5; j++) {
			f = frame(n * 10 + j, 200);
			keep_add(k, key, j, &f, n * 10 + j + 1);
		}
	}
	keep_stats(k, &st);
	assert_int_equal(st.lines, 1000);
	assert_int_equal(st.lines_refused, 9000 * 5);	/* counted per packet */
	assert_true(st.drop_memory > 0);
	assert_int_equal(st.slots_free, 0);
	for (n = 0; n < 1000; n++) {
		s.n = 0;
		key_of(key, n);
		total += keep_walk(k, key, collect, &s);
	}
	assert_int_equal(total, st.slots);
	assert_true(keep_bytes(k) <= 256 * 1024 + 64 * 1024);
	keep_free(k);
}

/*
 * Notes (the frame that named an account): the latest under its key, put at
 * the head of a line that gets evidence later, as support of its kind;
 * forgotten, replaced (the table full) and refused (no free slot) counted.
 */
static void
test_notes(void **state)
{
	struct keep_params p = { 4, 16, 1 << 20, 12 * 344, 256, 0, 2 };
	uint8_t key[KEEP_KEY_LEN], nk[KEEP_NOTE_LEN] = { 1 }, nk2[KEEP_NOTE_LEN] = { 2 };
	uint8_t nk3[KEEP_NOTE_LEN] = { 3 };
	struct keep_frame f;
	struct keep_stats st;
	struct seen s = { 0 };
	char err[256];
	struct keep *k = keep_new(&p, err, sizeof(err));
	uint64_t i;

	(void)state;
	assert_non_null(k);
	key_of(key, 1);
	f = frame(5, 100);
	keep_note(k, nk, &f, 1);
	f = frame(6, 100);
	keep_note(k, nk, &f, 2);		/* the latest stays */
	assert_int_equal(keep_note_take(k, nk, key, 30), -1);	/* no such line */
	f = frame(10, 100);
	assert_int_equal(keep_add(k, key, 2, &f, 3), 0);
	assert_int_equal(keep_note_take(k, nk2, key, 30), -1);	/* no such note */
	assert_int_equal(keep_note_take(k, nk, key, 30), 0);
	assert_int_equal(keep_walk(k, key, collect, &s), 2);
	assert_int_equal(s.ts[0], 6);		/* at the head, before the evidence */
	assert_int_equal(s.kinds[0], 1u << 30);
	assert_true(s.flags[0] & KEEP_F_FIRST);
	assert_int_equal(s.ts[1], 10);
	f = frame(11, 100);
	keep_support(k, key, 30, &f, 4);	/* a held line's IP: kept at once */
	s.n = 0;
	assert_int_equal(keep_walk(k, key, collect, &s), 3);
	assert_int_equal(s.kinds[2], 1u << 30);
	keep_stats(k, &st);
	assert_int_equal(st.notes, 1);
	f = frame(12, 100);
	keep_note(k, nk2, &f, 5);
	keep_note(k, nk3, &f, 6);		/* two notes at most: the oldest gives way */
	keep_stats(k, &st);
	assert_int_equal(st.notes, 2);
	assert_int_equal(st.notes_replaced, 1);
	keep_note_forget(k, nk3);
	keep_stats(k, &st);
	assert_int_equal(st.notes, 1);
	/* the store full of line packets: a note finds no slot, refused and counted */
	for (i = 0; i < 20; i++) {
		f = frame(20 + i, 100);
		(void)keep_add(k, key, 2, &f, 100 + i);
	}
	keep_note(k, nk3, &f, 200);
	keep_stats(k, &st);
	assert_int_equal(st.notes_refused, 1);
	keep_free(k);
}

static void
test_too_small(void **state)
{
	struct keep_params p = { 4, 8, 4096, 4096, 2048, 4, 0 };
	char err[256];

	(void)state;
	assert_null(keep_new(&p, err, sizeof(err)));
	assert_non_null(strstr(err, "evidence_lookback"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packet_bound),
		cmocka_unit_test(test_same_frame),
		cmocka_unit_test(test_byte_bound),
		cmocka_unit_test(test_lookback),
		cmocka_unit_test(test_many_lines),
		cmocka_unit_test(test_notes),
		cmocka_unit_test(test_too_small),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
