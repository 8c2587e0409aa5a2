/* SPDX-License-Identifier: BSD-2-Clause */
/* Spool: order, ack persistence, torn-tail recovery, resync after a damaged run,
 * the size cap, renumbering, the epoch. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spool.h"

static char dir[64];
static char rbuf[SPOOL_MAX_RECORD];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_spool.XXXXXX");
	return mkdtemp(dir) == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	char cmd[96];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd);
}

static struct spool *
open_spool(uint64_t max)
{
	char err[256];
	struct spool *s = spool_open(dir, max, SPOOL_FSYNC_NEVER, err, sizeof(err));

	if (s == NULL)
		fail_msg("%s", err);
	return s;
}

static void
append_n(struct spool *s, int n, size_t pad)
{
	char rec[512];
	uint64_t seq;

	for (int i = 0; i < n; i++) {
		int len = snprintf(rec, sizeof(rec), "{\"i\":%d,\"pad\":\"%*s\"}",
		    i, (int)pad, "");

		assert_int_equal(spool_append(s, rec, (size_t)len, &seq), 0);
	}
}

/* Reads everything after `after`; returns the count, checks seqs increase. */
static int
read_all(struct spool *s, uint64_t after, uint64_t *first, uint64_t *last)
{
	uint64_t seq, prev = after;
	size_t len;
	int n = 0, rc;

	spool_rewind(s, after);
	*first = 0;
	while ((rc = spool_next(s, &seq, rbuf, sizeof(rbuf), &len)) == 1) {
		assert_true(seq > prev);
		if (n++ == 0)
			*first = seq;
		prev = seq;
	}
	assert_int_equal(rc, 0);
	*last = prev;
	return n;
}

static void
test_order_and_ack(void **state)
{
	struct spool *s = open_spool(1 << 20);
	struct spool_stats st;
	uint64_t first, last, seq;

	(void)state;
	append_n(s, 100, 10);
	assert_int_equal(read_all(s, 0, &first, &last), 100);
	assert_int_equal(first, 1);
	assert_int_equal(last, 100);
	assert_int_equal(spool_ack(s, 40), 0);
	spool_stats(s, &st);
	assert_int_equal(st.depth, 60);
	assert_true(st.oldest_ts > 0);
	assert_int_equal(read_all(s, 40, &first, &last), 60);
	assert_int_equal(first, 41);
	spool_close(s);

	s = open_spool(1 << 20);	/* reopen: ack and numbering persist */
	spool_stats(s, &st);
	assert_int_equal(st.acked, 40);
	assert_int_equal(st.next_seq, 101);
	assert_int_equal(spool_append(s, "{}", 2, &seq), 0);
	assert_int_equal(seq, 101);
	assert_int_equal(read_all(s, st.acked, &first, &last), 61);
	assert_int_equal(last, 101);
	assert_true(spool_has_unread(s) == false);
	spool_close(s);
}

/*
 * A session that starts when everything is acked rewinds to the end of the
 * segment still being written: records appended to it later must be read
 * (they were skipped with the whole segment, and the reader spun).
 */
static void
test_rewind_to_end_then_append(void **state)
{
	struct spool *s = open_spool(1 << 20);
	uint64_t seq;
	size_t len;

	(void)state;
	append_n(s, 2, 10);
	assert_int_equal(spool_ack(s, 2), 0);
	spool_rewind(s, 2);
	assert_int_equal(spool_next(s, &seq, rbuf, sizeof(rbuf), &len), 0);
	assert_false(spool_has_unread(s));
	append_n(s, 1, 10);
	assert_true(spool_has_unread(s));
	assert_int_equal(spool_next(s, &seq, rbuf, sizeof(rbuf), &len), 1);
	assert_int_equal(seq, 3);
	spool_close(s);
}

static char *
last_segment(void)
{
	static char path[160];
	char cmd[128];
	FILE *p;

	snprintf(cmd, sizeof(cmd), "ls %s/seg-*.log | tail -n 1", dir);
	p = popen(cmd, "r");
	assert_non_null(fgets(path, sizeof(path), p));
	pclose(p);
	path[strcspn(path, "\n")] = '\0';
	return path;
}

/* A torn record (half written) and a corrupt one are cut; earlier ones stay. */
static void
test_torn_tail(void **state)
{
	struct spool *s = open_spool(1 << 20);
	struct spool_stats st;
	uint64_t first, last, seq;
	int fd;

	(void)state;
	append_n(s, 10, 10);
	spool_close(s);
	fd = open(last_segment(), O_WRONLY | O_APPEND);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "\x40\0\0\0garbage-half-a-record", 26), 26);
	close(fd);
	s = open_spool(1 << 20);
	spool_stats(s, &st);
	assert_int_equal(st.torn_bytes, 26);
	assert_int_equal(read_all(s, 0, &first, &last), 10);
	assert_int_equal(spool_append(s, "{\"after\":1}", 11, &seq), 0);
	assert_int_equal(seq, 11);
	spool_close(s);

	/* flip a data byte of record 5 of the first segment */
	fd = open(last_segment(), O_RDWR);
	close(fd);
	{
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "f=$(ls %s/seg-*.log | head -n 1); "
		    "printf 'X' | dd of=$f bs=1 seek=$((4*(24+25)+30)) conv=notrunc "
		    "status=none", dir);
		assert_int_equal(system(cmd), 0);
	}
	s = open_spool(1 << 20);
	spool_stats(s, &st);
	assert_true(st.torn_bytes > 0);
	assert_int_equal(st.skipped, 1);
	/* only record 5 is lost: 1-4, 6-10 after it, and the later segment (seq 11) */
	assert_int_equal(read_all(s, 0, &first, &last), 10);
	assert_int_equal(first, 1);
	assert_int_equal(last, 11);
	spool_close(s);
}

/* Overwrites n bytes at off of the first segment with 0xa5. */
static void
damage(uint64_t off, int n)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "f=$(ls %s/seg-*.log | head -n 1); head -c %d /dev/zero"
	    " | tr '\\0' '\\245' | dd of=$f bs=1 seek=%llu conv=notrunc status=none",
	    dir, n, (unsigned long long)off);
	assert_int_equal(system(cmd), 0);
}

/*
 * Issue 12 item 7: a 16-byte run damaged mid-segment loses only the records it
 * touches; recovery resynchronises on the next whole record with a good CRC,
 * counts the skipped ones, and the result is stable across reopens.
 */
static void
test_corrupt_run(void **state)
{
	struct spool *s = open_spool(8 << 20);
	struct spool_stats st;
	uint64_t first, last, seq;
	int n;

	(void)state;
	append_n(s, 3000, 20);	/* 3000 records of 24 + 35..38 bytes, one segment */
	spool_stats(s, &st);
	assert_int_equal(st.segments, 1);
	spool_close(s);
	damage(1000 * (24 + 37) + 50, 16);	/* inside record 1001 or so */
	damage(2500 * (24 + 38), 16);		/* across a header near 2500 */
	s = open_spool(8 << 20);
	spool_stats(s, &st);
	assert_true(st.skipped >= 2 && st.skipped <= 4);
	assert_true(st.torn_bytes > 0);
	n = read_all(s, 0, &first, &last);
	assert_int_equal(first, 1);
	assert_int_equal(last, 3000);
	assert_int_equal((uint64_t)n, 3000 - st.skipped);
	assert_int_equal(st.depth, (uint64_t)n);
	assert_int_equal(spool_append(s, "{}", 2, &seq), 0);
	assert_int_equal(seq, 3001);
	spool_close(s);

	s = open_spool(8 << 20);	/* stable: nothing more is lost */
	spool_stats(s, &st);
	assert_int_equal(st.skipped, 0);
	assert_int_equal(st.torn_bytes, 0);
	assert_int_equal(read_all(s, 0, &first, &last), n + 1);
	assert_int_equal(spool_ack(s, 3001), 0);
	spool_stats(s, &st);
	assert_int_equal(st.depth, 0);
	spool_close(s);
}

/* Writes bytes at off of the first segment, behind an open spool's back. */
static void
poke(uint64_t off, const void *p, size_t n)
{
	char cmd[160], path[160];
	FILE *f;
	int fd;

	snprintf(cmd, sizeof(cmd), "ls %s/seg-*.log | head -n 1", dir);
	assert_non_null(f = popen(cmd, "r"));
	assert_non_null(fgets(path, sizeof(path), f));
	pclose(f);
	path[strcspn(path, "\n")] = '\0';
	assert_true((fd = open(path, O_WRONLY)) >= 0);
	assert_int_equal(pwrite(fd, p, n, (off_t)off), (ssize_t)n);
	close(fd);
}

/*
 * A record damaged on disk after recovery (a disk fault while running): the
 * reader skips it and counts it, instead of stopping the uplink for good.
 */
static void
test_damage_while_running(void **state)
{
	struct spool *s = open_spool(1 << 20);
	struct spool_stats st;
	char rec[24];
	uint64_t seq, prev = 0;
	size_t len;
	int n = 0, rc;

	(void)state;
	for (int i = 1; i <= 100; i++) {	/* 10 bytes each: record k at 34 (k - 1) */
		snprintf(rec, sizeof(rec), "{\"i\":%03d}", i);
		assert_int_equal(spool_append(s, rec, 10, &seq), 0);
	}
	poke(49 * 34 + 24 + 3, "X", 1);			/* record 50: a data byte */
	poke(69 * 34, "\xff\xff\xff\x7f", 4);		/* record 70: its length */
	spool_rewind(s, 10);
	while ((rc = spool_next(s, &seq, rbuf, sizeof(rbuf), &len)) == 1) {
		assert_true(seq > prev);
		assert_int_equal(len, 10);
		prev = seq;
		n++;
	}
	assert_int_equal(rc, 0);
	assert_int_equal(n, 88);	/* 11..100 but 50 and 70 */
	assert_int_equal(prev, 100);
	spool_stats(s, &st);
	assert_int_equal(st.skipped, 2);
	assert_int_equal(spool_append(s, "{}", 2, &seq), 0);	/* and on it goes */
	assert_int_equal(spool_next(s, &seq, rbuf, sizeof(rbuf), &len), 1);
	assert_int_equal(seq, 101);
	spool_close(s);
}

/* Over the cap, the oldest segments go and their unacked records are counted. */
static void
test_cap(void **state)
{
	struct spool *s = open_spool(SPOOL_MIN_BYTES);
	struct spool_stats st;
	uint64_t first, last;
	int n;

	(void)state;
	append_n(s, 2000, 100);
	spool_stats(s, &st);
	assert_true(st.dropped > 0);
	assert_true(st.bytes <= SPOOL_MIN_BYTES);
	n = read_all(s, 0, &first, &last);
	assert_int_equal(last, 2000);
	assert_int_equal(first, st.dropped + 1);	/* exactly the oldest went */
	assert_int_equal((uint64_t)n, 2000 - st.dropped);
	assert_int_equal(st.depth, (uint64_t)n);
	/* a reader in the middle of a dropped segment moves on */
	spool_rewind(s, st.dropped + 1);
	append_n(s, 500, 100);
	n = read_all(s, 0, &first, &last);
	assert_int_equal(last, 2500);
	spool_close(s);
}

/* The peer already holds higher seqs (spool lost): numbering jumps above them. */
static void
test_seq_floor(void **state)
{
	struct spool *s = open_spool(1 << 20);
	uint64_t seq, first, last;

	(void)state;
	append_n(s, 3, 1);
	spool_seq_floor(s, 1000);
	assert_int_equal(spool_append(s, "{}", 2, &seq), 0);
	assert_int_equal(seq, 1001);
	assert_int_equal(read_all(s, 0, &first, &last), 4);
	assert_int_equal(last, 1001);
	spool_close(s);
	s = open_spool(1 << 20);
	assert_int_equal(read_all(s, 2, &first, &last), 2);
	assert_int_equal(first, 3);
	assert_int_equal(spool_append(s, "{}", 2, &seq), 0);
	assert_int_equal(seq, 1002);
	spool_close(s);
}

/* An evidence chunk record (NUL first) keeps its bytes, a trailing newline too. */
static void
test_binary_record(void **state)
{
	struct spool *s = open_spool(1 << 20);
	static char buf[SPOOL_MAX_RECORD];
	const char chunk[] = "\0GWE\x01\n\0\r\n";
	uint64_t seq;
	size_t len;

	(void)state;
	assert_int_equal(spool_append(s, chunk, sizeof(chunk) - 1, &seq), 0);
	assert_int_equal(spool_append(s, "{}\n", 3, &seq), 0);
	spool_rewind(s, 0);
	assert_int_equal(spool_next(s, &seq, buf, sizeof(buf), &len), 1);
	assert_int_equal(len, sizeof(chunk) - 1);
	assert_memory_equal(buf, chunk, len);
	assert_int_equal(spool_next(s, &seq, buf, sizeof(buf), &len), 1);
	assert_int_equal(len, 2);	/* a JSON line loses its newline */
	spool_close(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_order_and_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binary_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rewind_to_end_then_append, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_torn_tail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_corrupt_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_damage_while_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_seq_floor, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
