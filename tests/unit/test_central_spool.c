/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central: the spool epoch at the hello (a new spool is stored above the
 * old one, nothing deduped away), stale reports, and the sequence window. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "frame.h"
#include "ingest.h"
#include "frames.h"
#include "intake.h"
#include "storage.h"

#define EPOCH_A	0x1111111111111111u
#define EPOCH_B	0x8222222222222222u	/* above INT64_MAX: stored as a negative BIGINT */

static struct ingest_hello
hello(struct storage *st, uint64_t epoch, uint64_t last_acked)
{
	struct ingest_hello h = { .appliance = "gw-1", .now = 1000,
	    .last_acked = last_acked, .spool = { epoch, 0 } };

	assert_int_equal(ingest_hello(st, &h), 0);
	return h;
}

/* Records first..last of one spool, as one report; ingest_records' result. */
static int
send(struct storage *st, const struct ingest_hello *h, uint64_t first, uint64_t last)
{
	struct ingest_rec r[64];
	struct ingest_counts c = { 0 };
	char json[64][48];
	int n = 0;

	for (uint64_t s = first; s <= last; s++, n++) {
		r[n].len = (uint32_t)snprintf(json[n], sizeof(json[n]),
		    "{\"type\":\"other\",\"n\":%llu}", (unsigned long long)s);
		r[n].json = json[n];
		r[n].seq = s;
	}
	return ingest_records(st, "gw-1", &h->spool, r, n, 1000, false, &c);
}

static int64_t
count(struct storage *st, const char *sql)
{
	int64_t v = -1;

	assert_int_equal(db_int(st, sql, NULL, 0, -1, &v), 0);
	return v;
}

static struct storage *
open_db(void)
{
	char err[256];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));

	assert_non_null(st);
	return st;
}

/* Issue 12 item 5: 7 records stored, the spool wiped, 20 new ones: all 27 stay. */
static void
test_wiped_spool_is_renumbered(void **state)
{
	struct storage *st = open_db();
	struct ingest_hello h;

	(void)state;
	h = hello(st, EPOCH_A, 0);
	assert_false(h.renumbered);
	assert_int_equal(h.high_seq, 0);
	assert_int_equal(send(st, &h, 1, 7), 0);
	h = hello(st, EPOCH_A, 7);		/* the same spool again */
	assert_false(h.renumbered);
	assert_int_equal(h.high_seq, 7);
	h = hello(st, EPOCH_B, 0);		/* wiped: a new epoch */
	assert_true(h.renumbered);
	assert_int_equal(h.high_seq, 0);	/* nothing of this spool is held */
	assert_int_equal(h.spool.base, 7);
	assert_int_equal(send(st, &h, 1, 20), 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM records"), 27);
	assert_int_equal(count(st, "SELECT MAX(seq) FROM records"), 27);
	h = hello(st, EPOCH_B, 12);
	assert_false(h.renumbered);
	assert_int_equal(h.high_seq, 20);
	assert_int_equal(send(st, &h, 13, 20), 0);	/* a replay stores nothing */
	assert_int_equal(count(st, "SELECT COUNT(*) FROM records"), 27);
	storage_close(st);
}

/* An appliance stored before epochs: its first epoch is adopted only when its
 * ack agrees with what is stored; a wiped one is renumbered. */
static void
test_first_epoch(void **state)
{
	struct storage *st = open_db();
	struct ingest_hello h;

	(void)state;
	h = hello(st, 0, 0);
	assert_int_equal(send(st, &h, 1, 5), 0);
	h = hello(st, EPOCH_A, 5);		/* upgraded in place */
	assert_false(h.renumbered);
	assert_int_equal(h.high_seq, 5);
	assert_int_equal(h.spool.base, 0);

	storage_close(st);
	st = open_db();
	h = hello(st, 0, 0);
	assert_int_equal(send(st, &h, 1, 5), 0);
	h = hello(st, EPOCH_A, 0);		/* upgraded and wiped */
	assert_true(h.renumbered);
	assert_int_equal(h.high_seq, 0);
	assert_int_equal(send(st, &h, 1, 5), 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM records"), 10);
	storage_close(st);
}

/* A session whose numbering another session changed stores nothing. */
static void
test_stale_session(void **state)
{
	struct storage *st = open_db();
	struct ingest_hello old, forged;

	(void)state;
	old = hello(st, EPOCH_A, 0);
	assert_int_equal(send(st, &old, 1, 3), 0);
	forged = hello(st, EPOCH_B, 0);
	assert_true(forged.renumbered);
	assert_int_equal(send(st, &old, 4, 6), 1);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM records"), 3);
	old = hello(st, EPOCH_A, 3);		/* back: above the other spool's */
	assert_true(old.renumbered);
	assert_int_equal(send(st, &old, 4, 6), 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM records"), 6);
	storage_close(st);
}

/* A record may leap at most the window above the highest seq so far. */
static void
test_sequence_window(void **state)
{
	struct intake_stats st = { 0 };
	struct intake in;
	struct intake_result r;
	uint8_t buf[256];

	(void)state;
	intake_init(&in, "gw-1", &st);
	assert_int_equal(intake_next(&in, buf, frames_hello(buf, "gw-1", EPOCH_A), &r), IN_HELLO);
	assert_true(r.hello.spool_epoch == EPOCH_A);
	intake_resume(&in, 10, 0, 1000);
	assert_int_equal(intake_next(&in, buf, frames_report(buf, 3), &r), IN_REPORT);
	assert_int_equal(intake_next(&in, buf, frames_report(buf, 1010), &r), IN_REPORT);
	assert_int_equal(intake_next(&in, buf, frames_report(buf, 2011), &r), IN_REFUSE);
	assert_int_equal(r.code, FRAME_ERR_SEQUENCE);
	assert_int_equal(intake_next(&in, buf, frames_report(buf, INT64_MAX), &r), IN_REFUSE);
	assert_int_equal(intake_next(&in, buf, frames_report(buf, 2010), &r), IN_REPORT);

	/* the stored seq (base + seq) must fit a BIGINT */
	intake_init(&in, "gw-1", &st);
	assert_int_equal(intake_next(&in, buf, frames_hello(buf, "gw-1", EPOCH_A), &r), IN_HELLO);
	intake_resume(&in, 0, (uint64_t)INT64_MAX - 5, (uint64_t)1 << 40);
	assert_int_equal(intake_next(&in, buf, frames_report(buf, 5), &r), IN_REPORT);
	assert_int_equal(intake_next(&in, buf, frames_report(buf, 6), &r), IN_REFUSE);
	assert_int_equal(st.refused[FRAME_ERR_SEQUENCE], 3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wiped_spool_is_renumbered),
		cmocka_unit_test(test_first_epoch),
		cmocka_unit_test(test_stale_session),
		cmocka_unit_test(test_sequence_window),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
