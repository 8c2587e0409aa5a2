/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central: the lead change log (events.c) written by lead_ingest and
 * lead_feedback, its pruning, the waiter, and the session purge (users.c), on
 * an in-memory SQLite database (the real schema and SQL). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "events.h"
#include "ingest.h"
#include "leads.h"
#include "record.h"
#include "storage.h"
#include "users.h"

struct got {
	int		 n;
	struct event	 e[EVENTS_BATCH];
};

static int
collect(void *arg, const struct event *e)
{
	struct got *g = arg;

	g->e[g->n++] = *e;
	return 0;
}

static int
detect(struct storage *st, const char *ip, const char *tier, int rank, int64_t now)
{
	static struct detection d;
	static uint64_t seq;

	memset(&d, 0, sizeof(d));
	snprintf(d.ip, sizeof(d.ip), "%s", ip);
	snprintf(d.tier, sizeof(d.tier), "%s", tier);
	snprintf(d.verdict, sizeof(d.verdict), "goip_present");
	d.tier_rank = rank;
	d.vlan = d.pppoe = -1;
	d.ts = now;
	d.deadline = now + 7200;
	d.score = 90;
	return lead_ingest(st, "gw-1", ++seq, &d, now);
}

/* raised, updated, escalated, status: one row each, in order, with the lead now */
static void
test_events_log(void **state)
{
	char err[256];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));
	struct got g = { 0 };
	int64_t last;

	(void)state;
	assert_non_null(st);
	assert_int_equal(events_last(st, &last), 0);
	assert_int_equal(last, 0);
	assert_int_equal(detect(st, "100.64.0.1", "high", 2, 1000), 0);
	assert_int_equal(detect(st, "100.64.0.1", "high", 2, 1001), 0);
	assert_int_equal(detect(st, "100.64.0.1", "urgent", 3, 1002), 0);
	assert_int_equal(detect(st, "100.64.0.2", "general", 1, 1003), 0);
	assert_int_equal(lead_feedback(st, 1, "acknowledged", "alice", NULL, 1004, err,
	    sizeof(err)), 0);
	assert_int_equal(lead_feedback(st, 1, "new", "bob", NULL, 1005, err, sizeof(err)), -1);
	assert_int_equal(events_since(st, 0, collect, &g), 0);
	assert_int_equal(g.n, 5);
	assert_string_equal(g.e[0].kind, "raised");
	assert_string_equal(g.e[1].kind, "updated");
	assert_string_equal(g.e[2].kind, "escalated");
	assert_string_equal(g.e[3].kind, "raised");
	assert_string_equal(g.e[4].kind, "status");
	assert_int_equal(g.e[4].lead_id, 1);
	assert_int_equal(g.e[3].lead_id, 2);
	assert_string_equal(g.e[0].tier, "urgent");	/* the lead as it is now */
	assert_string_equal(g.e[0].status, "acknowledged");
	assert_int_equal(g.e[0].deadline, 1002 + 7200);
	for (int i = 1; i < g.n; i++)
		assert_true(g.e[i].seq > g.e[i - 1].seq);
	g.n = 0;
	assert_int_equal(events_since(st, g.e[2].seq, collect, &g), 0);	/* resume */
	assert_int_equal(g.n, 2);
	assert_string_equal(g.e[0].kind, "raised");
	assert_int_equal(events_last(st, &last), 0);
	assert_int_equal(last, g.e[1].seq);
	storage_close(st);
}

/* Old and surplus rows go; the newest stays, so its number is never reused. */
static void
test_events_prune(void **state)
{
	char err[256];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));
	struct got g = { 0 };
	int64_t n, last;

	(void)state;
	assert_non_null(st);
	for (int i = 0; i < 10; i++)
		assert_int_equal(events_log(st, 1, "updated", 1000 + i), 0);
	assert_int_equal(events_prune(st, 2000, 995, 100, &n), 0);	/* before 1005 */
	assert_int_equal(n, 5);
	assert_int_equal(events_prune(st, 2000, 100000, 3, &n), 0);	/* newest 3 */
	assert_int_equal(n, 2);
	assert_int_equal(events_prune(st, 99999, 1, 1, &n), 0);
	assert_int_equal(n, 2);	/* all old, but the newest stays */
	assert_int_equal(events_since(st, 0, collect, &g), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.e[0].seq, 10);
	assert_string_equal(g.e[0].tier, "");	/* no such lead */
	assert_int_equal(events_log(st, 1, "updated", 3000), 0);
	assert_int_equal(events_last(st, &last), 0);
	assert_int_equal(last, 11);
	storage_close(st);
}

/* A notification ends a wait at once; without one, the wait times out. */
static void
test_events_wait(void **state)
{
	uint64_t g = events_gen();
	struct timespec a, b;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(events_wait(g, 50), g);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true((b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000 >= 45);
	events_notify();
	assert_int_equal(events_wait(g, 5000), g + 1);
	assert_int_equal(events_gen(), g + 1);
}

/* Expired sessions go, idle or absolute; a live one stays and stays live. */
static void
test_session_purge(void **state)
{
	char err[256], tok[3][USER_SECRET_HEX], csrf[USER_SECRET_HEX];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));
	struct users_cost cost = { 1, 8 };
	struct user u;
	int64_t now = time(NULL), n;

	(void)state;
	assert_non_null(st);
	assert_int_equal(users_add(st, "alice", ROLE_ANALYST, NULL, NULL, "secret-secret", &cost), 0);
	assert_int_equal(users_verify(st, "alice", "secret-secret", &cost, &u), 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(users_session_new(st, &u, "127.0.0.1", tok[i], csrf), 0);
	assert_true(users_session_is_live(st, tok[0], now, 100, 1000));
	/* 0: idle for 200 s; 1: created 2000 s ago, used now; 2: fresh */
	assert_int_equal(db_exec(st, "UPDATE sessions SET last_used = $1 WHERE id_hash ="
	    " (SELECT MIN(id_hash) FROM sessions)", (struct db_arg[]){ DB_I(now - 200) },
	    1), 0);
	assert_int_equal(db_exec(st, "UPDATE sessions SET created = $1 WHERE id_hash ="
	    " (SELECT MAX(id_hash) FROM sessions)", (struct db_arg[]){ DB_I(now - 2000) },
	    1), 0);
	assert_int_equal(users_session_purge(st, now, 100, 1000), 0);
	assert_int_equal(db_int(st, "SELECT COUNT(*) FROM sessions", NULL, 0, -1, &n), 0);
	assert_int_equal(n, 1);
	n = 0;
	for (int i = 0; i < 3; i++)
		n += users_session_is_live(st, tok[i], now, 100, 1000);
	assert_int_equal(n, 1);
	assert_int_equal(users_session_purge(st, now + 101, 100, 1000), 0);
	assert_int_equal(db_int(st, "SELECT COUNT(*) FROM sessions", NULL, 0, -1, &n), 0);
	assert_int_equal(n, 0);
	storage_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events_log),
		cmocka_unit_test(test_events_prune),
		cmocka_unit_test(test_events_wait),
		cmocka_unit_test(test_session_purge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
