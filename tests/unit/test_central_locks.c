/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ingest-lock.c: the keys a batch locks (its appliances, leads and SIMs), once
 * each, in one order, and none past INGEST_LOCKS_MAX. The lock statement is
 * swapped for one that keeps its array in a SQLite table, so the test reads
 * exactly what PostgreSQL would be sent.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "ingest.h"
#include "storage.h"

static struct storage_ops ops;

static struct storage *
open_db(void)
{
	char err[256];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));

	assert_non_null(st);
	assert_int_equal(st->ops->exec_script(st, "CREATE TABLE sent (arr TEXT)"), 0);
	ops = *st->ops;
	ops.lock_keys_sql = "INSERT INTO sent (arr) VALUES ($1)";
	st->ops = &ops;
	return st;
}

static int
keep(void *arg, const struct db_row *r)
{
	char **out = arg;

	free(*out);
	*out = strdup(r->v[0] ? r->v[0] : "");
	return 0;
}

/* The keys sent last, checked to be in strictly ascending (unsigned) order; -1: none. */
static int
sent_keys(struct storage *st)
{
	char *arr = NULL, *p;
	uint64_t prev = 0;
	int n = 0;

	assert_int_equal(db_flush(st), 0);
	assert_int_equal(db_query(st, "SELECT arr FROM sent", NULL, 0, keep, &arr), 0);
	assert_int_equal(st->ops->exec_script(st, "DELETE FROM sent"), 0);
	if (arr == NULL)
		return -1;
	assert_int_equal(arr[0], '{');
	for (p = arr + 1; *p != '}'; n++) {
		uint64_t k = (uint64_t)strtoll(p, &p, 10);

		if (n > 0)
			assert_true(k > prev);
		prev = k;
		if (*p == ',')
			p++;
	}
	free(arr);
	return n;
}

static char *
det(const char *ip, const char *tier, const char *account, const char *imsi)
{
	char *s;

	assert_true(asprintf(&s, "{\"type\":\"detection\",\"ts\":\"2026-11-29T09:00:00Z\","
	    "\"subject\":{\"ip\":\"%s\"%s%s%s},\"verdict\":\"goip_present\",\"tier\":\"%s\","
	    "\"device\":{\"sims\":[{\"imsi\":\"%s\"}]}}", ip,
	    account ? ",\"account\":\"" : "", account ? account : "", account ? "\"" : "",
	    tier, imsi) > 0);
	return s;
}

static struct ingest_rec
rec(uint64_t seq, const char *json)
{
	return (struct ingest_rec){ seq, json, (uint32_t)strlen(json) };
}

/* Each appliance, lead and SIM once; an account's lead with its line's. */
static void
test_keys(void **state)
{
	struct storage *st = open_db();
	struct ingest_locks *l = ingest_locks_new();
	char *a = det("100.64.0.1", "urgent", NULL, "460001"),
	    *b = det("100.64.0.1", "high", NULL, "460001"),		/* same lead, SIM */
	    *c = det("100.64.0.2", "general", "acct\xff", "460002"),	/* +acct, line, SIM */
	    *d = det("100.64.0.3", "none", NULL, "460003");		/* raises nothing */
	const char *health = "{\"type\":\"health\",\"ts\":\"2026-11-29T09:00:00Z\"}";
	struct ingest_rec r[] = { rec(1, a), rec(2, b), rec(3, c), rec(4, d), rec(5, health) };

	(void)state;
	assert_non_null(l);
	ingest_locks_appliance(l, "gw-1");
	ingest_locks_appliance(l, "gw-2");
	ingest_locks_appliance(l, "gw-1");
	ingest_locks_appliance(l, "");		/* a job of no appliance */
	ingest_locks_records(l, r, 5);
	assert_int_equal(ingest_locks_take(st, l), 0);
	assert_int_equal(sent_keys(st), 2 + 1 + 1 + 3);
	/* taken and emptied: nothing more to send */
	assert_int_equal(ingest_locks_take(st, l), 0);
	assert_int_equal(sent_keys(st), -1);
	ingest_locks_free(l);
	storage_close(st);
	free(a), free(b), free(c), free(d);
}

/* More than INGEST_LOCKS_MAX distinct keys: none; the next batch locks again. */
static void
test_cap(void **state)
{
	struct storage *st = open_db();
	struct ingest_locks *l = ingest_locks_new();
	char id[32];

	(void)state;
	for (int i = 0; i <= INGEST_LOCKS_MAX; i++) {
		snprintf(id, sizeof(id), "gw-%d", i);
		ingest_locks_appliance(l, id);
	}
	assert_int_equal(ingest_locks_take(st, l), 0);
	assert_int_equal(sent_keys(st), -1);
	/* a batch repeats its keys: far more adds than the cap, few distinct,
	 * all still locked (the set is compacted as it fills) */
	for (int i = 0; i < 10 * INGEST_LOCKS_MAX; i++) {
		snprintf(id, sizeof(id), "gw-%d", i % 7);
		ingest_locks_appliance(l, id);
	}
	assert_int_equal(ingest_locks_take(st, l), 0);
	assert_int_equal(sent_keys(st), 7);
	/* the cap crossed while adding, after compacting: none */
	for (int i = 0; i < 10 * INGEST_LOCKS_MAX; i++) {
		snprintf(id, sizeof(id), "gw-%d", i % (INGEST_LOCKS_MAX + 1));
		ingest_locks_appliance(l, id);
	}
	assert_int_equal(ingest_locks_take(st, l), 0);
	assert_int_equal(sent_keys(st), -1);
	ingest_locks_free(l);
	storage_close(st);
}

/* SQLite (one writer at a time) sends nothing. */
static void
test_sqlite(void **state)
{
	char err[256];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));
	struct ingest_locks *l = ingest_locks_new();

	(void)state;
	assert_non_null(st);
	assert_null(st->ops->lock_keys_sql);
	ingest_locks_appliance(l, "gw-1");
	assert_int_equal(ingest_locks_take(st, l), 0);
	ingest_locks_free(l);
	storage_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_sqlite),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
