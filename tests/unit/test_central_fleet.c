/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central: the fleet query (fleet.c) on an in-memory SQLite database,
 * per-stage drops from health records, group, site and certificate-CN rules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fleet.h"
#include "record.h"
#include "storage.h"
#include "users.h"

static void
test_health_stages(void **state)
{
	static const char rec[] = "{\"type\":\"health\",\"ts\":\"2026-11-29T09:19:26Z\","
	    "\"packets\":9,\"drops\":{\"kernel\":1,\"ring\":2,\"decode\":3,"
	    "\"flow_table_full\":4,\"reassembly\":5},\"spool\":{\"depth\":7,"
	    "\"oldest_age\":12.5,\"dropped\":0}}";
	static const char old[] = "{\"type\":\"health\",\"ts\":\"2026-11-29T09:19:26Z\","
	    "\"drops\":{\"kernel\":-4,\"other\":6}}";
	struct health h;
	const char *why;

	(void)state;
	assert_int_equal(record_health(rec, sizeof(rec) - 1, &h, &why), 0);
	assert_int_equal(h.drops, 15);
	for (int i = 0; i < HD_N; i++)
		assert_int_equal(h.stage[i], i + 1);
	assert_int_equal(h.spool_oldest_age, 12);
	/* a record without the stages, or with a negative count: unknown, not 0 */
	assert_int_equal(record_health(old, sizeof(old) - 1, &h, &why), 0);
	assert_int_equal(h.drops, 6);
	for (int i = 0; i < HD_N; i++)
		assert_int_equal(h.stage[i], -1);
	assert_int_equal(h.spool_oldest_age, -1);
}

/* Strings of a row are valid during the callback only: the test reads numbers. */
struct seen {
	int		 n;
	char		 ids[4][16];
	struct fleet_row r[4];
};

static int
collect(void *arg, const struct fleet_row *f)
{
	struct seen *s = arg;

	if (s->n == 4)
		return -1;
	snprintf(s->ids[s->n], sizeof(s->ids[0]), "%s", f->id);
	s->r[s->n++] = *f;
	return 0;
}

static void
test_fleet_query(void **state)
{
	char err[256];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));
	struct seen s = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	assert_non_null(st);
	/* gw-a heard 10 s ago; gw-b 1000 s ago (silent); gw-c never */
	assert_int_equal(db_exec(st, "INSERT INTO appliances (id, last_heartbeat, packets,"
	    " drops_kernel, config_version) VALUES ('gw-a', 990, 5, 3, 7),"
	    " ('gw-b', 0, 1, NULL, 0), ('gw-c', NULL, NULL, NULL, 0)", NULL, 0), 0);
	assert_int_equal(db_exec(st, "INSERT INTO config_acks (appliance, version, status,"
	    " message) VALUES ('gw-a', 6, 0, 'ok'), ('gw-a', 7, 3, 'config:1: bad'),"
	    " ('gw-b', 7, NULL, NULL)", NULL, 0), 0);
	assert_int_equal(fleet_query(st, 1000, 300, collect, &s), 0);
	assert_int_equal(s.n, 3);
	/* silent first, then by id */
	assert_string_equal(s.ids[0], "gw-b");
	assert_string_equal(s.ids[1], "gw-c");
	assert_string_equal(s.ids[2], "gw-a");
	assert_true(s.r[0].silent && s.r[1].silent && !s.r[2].silent);
	assert_int_equal(s.r[2].age, 10);
	assert_int_equal(s.r[1].age, -1);
	assert_int_equal(s.r[2].num[FLEET_PACKETS], 5);
	assert_int_equal(s.r[2].num[FLEET_DROPS_KERNEL], 3);
	assert_int_equal(s.r[2].num[FLEET_DROPS_RING], -1);
	assert_int_equal(s.r[2].config_pushed, 7);
	assert_int_equal(s.r[0].config_pushed, 7);
	assert_int_equal(s.r[1].config_pushed, 0);
	/* the newest push and its answer, not an older one */
	f = open_memstream(&buf, &len);
	assert_int_equal(fleet_json_array(st, 1000, 300, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"config\":{\"running\":7,\"pushed\":7,"
	    "\"state\":\"invalid\",\"message\":\"config:1: bad\"}"));
	assert_non_null(strstr(buf, "\"pushed\":7,\"state\":\"pushed, no answer\""));
	assert_non_null(strstr(buf, "\"id\":\"gw-c\",\"site\":null"));
	assert_non_null(strstr(buf, "\"drops_ring\":null"));
	free(buf);
	/* sites and groups only for appliances central knows */
	assert_int_equal(fleet_set_site(st, "gw-a", "Roof", err, sizeof(err)), 0);
	assert_int_equal(fleet_set_site(st, "gw-x", "Roof", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "gw-x"));
	assert_int_equal(fleet_set_group(st, "gw-x", "lab", err, sizeof(err)), -1);
	f = open_memstream(&buf, &len);
	assert_int_equal(fleet_json_array(st, 1000, 300, f), 0);
	fclose(f);
	assert_non_null(strstr(buf, "\"id\":\"gw-a\",\"site\":\"Roof\""));
	free(buf);
	storage_close(st);
}

static void
test_names(void **state)
{
	(void)state;
	assert_true(fleet_group_is_valid("lab-2.north_A"));
	assert_false(fleet_group_is_valid(""));
	assert_false(fleet_group_is_valid("bad group"));
	assert_false(fleet_group_is_valid("a/b"));
	assert_true(users_cn_is_valid("Alice Analyst \xe4\xb8\xad"));
	assert_false(users_cn_is_valid(""));
	assert_false(users_cn_is_valid("a\x1b[2J"));
	assert_false(users_cn_is_valid("a\x7f"));
	assert_false(users_cn_is_valid("\xc3\x28"));
	assert_false(users_cn_is_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_health_stages),
		cmocka_unit_test(test_fleet_query),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
