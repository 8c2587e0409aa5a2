/* SPDX-License-Identifier: BSD-2-Clause */
/* The lead queue's pieces (central/leads.c): the cursor, the status list, and
 * leads_page's limit, has-more and next on an in-memory SQLite database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "leads.h"
#include "storage.h"

static void
test_cursor(void **state)
{
	struct leads_cursor c = { 3, -5, 42 }, d;
	const char *bad[] = { "", "3", "3.1", "3.1.1.", "3.1.1x", "x.1.1", "0.1.1", "4.1.1",
	    "3.1.0", "3.1.-1", "3..1", " 3.1.1", "3.99999999999999999999.1", "+3.1.1" };
	char buf[80];

	(void)state;
	leads_cursor_fmt(&c, buf, sizeof(buf));
	assert_string_equal(buf, "3.-5.42");
	assert_int_equal(leads_cursor_parse(buf, &d), 0);
	assert_memory_equal(&c, &d, sizeof(c));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(leads_cursor_parse(bad[i], &d), -1);
}

static void
test_status_list(void **state)
{
	struct leads_filter f = { 0 };
	char err[100];

	(void)state;
	assert_int_equal(leads_filter_status(&f, "NEW,confirmed,new", err, sizeof(err)), 0);
	assert_string_equal(f.status[0], "new");
	assert_string_equal(f.status[1], "confirmed");
	assert_null(f.status[2]);
	assert_int_equal(leads_filter_status(&f, "new,bogus", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown status 'bogus'");
	assert_int_equal(leads_filter_status(&f, ",", err, sizeof(err)), -1);
	assert_int_equal(leads_filter_status(&f, "new,acknowledged,confirmed,false_positive,"
	    "dismantled,new", err, sizeof(err)), 0);
	assert_string_equal(f.status[4], "dismantled");
}

static int
collect(void *arg, const struct lead_row *r)
{
	int64_t *ids = arg;

	ids[++ids[0]] = r->v[LEAD_ID].i;
	return 0;
}

/* Five leads, two tiers, a tie on deadline: pages of two walk them in order. */
static void
test_page(void **state)
{
	char err[256];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));
	struct leads_filter f = { .now = 1000, .limit = 2 };
	struct leads_page pg;
	int64_t ids[8], n = 0;
	const int rank[] = { 1, 3, 1, 3, 1 }, dl[] = { 50, 70, 50, 60, 40 };
	/* urgent 4 (960), 2 (970); general 5 (940), 1 (950), 3 (950): by id on the tie */
	const int64_t want[] = { 4, 2, 5, 1, 3 };

	(void)state;
	assert_non_null(st);
	for (int i = 0; i < 5; i++)
		assert_int_equal(db_exec(st, "INSERT INTO leads (id, line_key, ip, tier_rank,"
		    " tier, verdict, score, deadline, first_seen, last_seen, raised_at)"
		    " VALUES ($1, $2, 'ip', $3, $4, 'goip', 1, $5, 0, 0, 0)",
		    (struct db_arg[]){ DB_I(i + 1), DB_I(i + 1), DB_I(rank[i]),
		    DB_S(rank[i] == 3 ? "urgent" : "general"), DB_I(dl[i] + 900) }, 5), 0);
	do {
		ids[0] = 0;
		assert_int_equal(leads_page(st, &f, collect, ids, &pg), 0);
		assert_true(ids[0] <= 2);
		for (int i = 1; i <= ids[0]; i++)
			assert_int_equal(ids[i], want[n++]);
		f.has_after = true;
		f.after = pg.next;
	} while (pg.more);
	assert_int_equal(n, 5);
	f = (struct leads_filter){ .now = 1000, .limit = 2, .tier = "general" };
	ids[0] = 0;
	assert_int_equal(leads_page(st, &f, collect, ids, &pg), 0);
	assert_true(pg.more);
	assert_int_equal(ids[1], 5);
	assert_int_equal(pg.next.rank, 1);
	assert_int_equal(pg.next.id, 1);
	f.has_after = true;
	f.after = pg.next;
	ids[0] = 0;
	assert_int_equal(leads_page(st, &f, collect, ids, &pg), 0);
	assert_false(pg.more);
	assert_int_equal(ids[0], 1);
	assert_int_equal(ids[1], 3);
	f.tier = "none";
	assert_int_equal(leads_page(st, &f, collect, ids, &pg), -1);
	storage_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cursor),
		cmocka_unit_test(test_status_list),
		cmocka_unit_test(test_page),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
