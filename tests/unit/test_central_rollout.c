/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central: the firmware rollout state machine (rollout.c) on an
 * in-memory SQLite database, with the clock given: offers, health, windows,
 * crash loops, halts, and the terminal status of hostile strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "filestore.h"
#include "rollout.h"
#include "storage.h"

#define FV	77	/* central's version of the stored bundle */

static const struct rollout_health health = { .settle = 60, .reconnects = 2,
	.silent_after = 300 };

/* A database with the bundle 1.2.3 and appliances ID... in group grp. */
static struct storage *
setup(const char *grp, const char *const *ids, int n)
{
	char err[256];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));

	assert_non_null(st);
	assert_int_equal(db_exec(st, "INSERT INTO files (kind, version, grp, size, sha256,"
	    " label, flags, sig, created, created_by) VALUES ('firmware', 77, 'default',"
	    " 10, '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff',"
	    " 'goipwatch-test 1.2.3', 0, 'abcd', 1, 't')", NULL, 0), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(db_exec(st, "INSERT INTO appliances (id, grp, instance)"
		    " VALUES ($1, $2, 'i1')", (struct db_arg[]){ DB_S(ids[i]), DB_S(grp) },
		    2), 0);
	return st;
}

static void
start(struct storage *st, const char *grp, int64_t canaries, int64_t window, int64_t now)
{
	struct rollout_req q = { .fw_version = "1.2.3", .grp = grp, .who = "t",
	    .keypath = "", .canaries = canaries, .window = window };
	char err[300] = "";
	int64_t id;

	assert_int_equal(rollout_start(st, &q, now, &id, err, sizeof(err)), 0);
}

static int
str_row(void *arg, const struct db_row *r)
{
	snprintf(arg, 300, "%s", r->v[0] ? r->v[0] : "(null)");
	return 0;
}

static const char *
state_of(struct storage *st, const char *id, char *buf)
{
	assert_int_equal(db_query(st, "SELECT state FROM rollout_members WHERE appliance"
	    " = $1", (struct db_arg[]){ DB_S(id) }, 1, str_row, buf), 0);
	return buf;
}

static const char *
phase_of(struct storage *st, const char *grp, char *buf)
{
	assert_int_equal(db_query(st, "SELECT phase || ':' || COALESCE(reason, '') FROM"
	    " rollouts WHERE grp = $1 ORDER BY id DESC LIMIT 1", (struct db_arg[]){
	    DB_S(grp) }, 1, str_row, buf), 0);
	return buf;
}

static void
heartbeat(struct storage *st, const char *id, int64_t at, int64_t packets)
{
	assert_int_equal(db_exec(st, "UPDATE appliances SET last_heartbeat = $2, packets ="
	    " $3, firmware = '1.2.3' WHERE id = $1", (struct db_arg[]){ DB_S(id),
	    DB_I(at), DB_I(packets) }, 3), 0);
}

/* Offers due to one appliance at its hello (how many). */
static int
hello(struct storage *st, const char *id, const char *fw, int64_t now)
{
	struct pushfile *f = NULL;
	int n = 0;

	assert_int_equal(rollout_hello(st, id, fw, true, now, &f), 0);
	for (struct pushfile *p = f; p != NULL; p = p->next, n++) {
		assert_string_equal(p->appliance, id);
		assert_int_equal(p->kind, FRAME_FILE_FIRMWARE);
		assert_int_equal(p->version, FV);
	}
	pushfile_free(f);
	return n;
}

static void
test_canary_then_rest(void **state)
{
	static const char *const ids[] = { "gw-1", "gw-2", "gw-3" };
	struct storage *st = setup("lab", ids, 3);
	struct pushfile *f = NULL;
	char b[300];
	int n = 0;

	(void)state;
	start(st, "lab", 1, 100, 1000);
	assert_int_equal(hello(st, "gw-2", "1.0.0", 1001), 0);	/* not a canary */
	assert_int_equal(hello(st, "gw-1", "1.0.0", 1001), 1);
	assert_string_equal(state_of(st, "gw-1", b), "offered");
	assert_int_equal(rollout_acked(st, "gw-1", FV, 0, "", 1002), 0);
	assert_string_equal(state_of(st, "gw-1", b), "installed");
	assert_int_equal(hello(st, "gw-1", "1.2.3", 1010), 0);
	assert_string_equal(state_of(st, "gw-1", b), "running");
	/* mark-good's self-test after the daemon: not "came back on another" */
	assert_int_equal(hello(st, "gw-1", FRAME_HELLO_SELFTEST, 1010), 0);
	assert_string_equal(state_of(st, "gw-1", b), "running");
	heartbeat(st, "gw-1", 1011, 5);
	assert_int_equal(rollout_tick(st, &health, 1011), 0);	/* its first heartbeat */
	/* the settle time is over, but capture has not counted a packet since */
	heartbeat(st, "gw-1", 1070, 5);
	assert_int_equal(rollout_tick(st, &health, 1071), 0);
	assert_string_equal(state_of(st, "gw-1", b), "running");
	assert_int_equal(rollout_offers(st, "i1", 1071, &f), 0);
	assert_null(f);				/* the rest waits */
	heartbeat(st, "gw-1", 1070, 9);
	assert_int_equal(rollout_tick(st, &health, 1071), 0);
	assert_string_equal(state_of(st, "gw-1", b), "healthy");
	assert_string_equal(phase_of(st, "lab", b), "rest:");
	assert_int_equal(rollout_offers(st, "i1", 1072, &f), 0);
	for (struct pushfile *p = f; p != NULL; p = p->next, n++)
		assert_true(strcmp(p->appliance, "gw-2") == 0 || strcmp(p->appliance, "gw-3") == 0);
	pushfile_free(f);
	f = NULL;	/* rollout_offers adds to the list */
	assert_int_equal(n, 2);
	assert_string_equal(state_of(st, "gw-3", b), "offered");
	/* the rest: one answers 5: halted, reason kept */
	assert_int_equal(rollout_acked(st, "gw-3", FV, 5, "not a bundle", 1080), 0);
	assert_string_equal(phase_of(st, "lab", b),
	    "halted:appliance gw-3 failed: invalid: not a bundle");
	assert_int_equal(rollout_offers(st, "i1", 1081, &f), 0);
	assert_null(f);
	storage_close(st);
}

static void
test_window_and_halts(void **state)
{
	static const char *const ids[] = { "gw-1", "gw-2" };
	struct storage *st = setup("w", ids, 2);
	char b[300], err[300];
	struct pushfile *f = NULL;

	(void)state;
	start(st, "w", 1, 100, 2000);
	assert_int_equal(hello(st, "gw-1", "1.0.0", 2001), 1);
	assert_int_equal(rollout_tick(st, &health, 2100), 0);	/* the window's last second */
	assert_string_equal(state_of(st, "gw-1", b), "offered");
	assert_int_equal(rollout_tick(st, &health, 2101), 0);
	assert_string_equal(state_of(st, "gw-1", b), "failed");
	assert_string_equal(phase_of(st, "w", b), "halted:canary gw-1 failed: not healthy"
	    " within the window of 100 s (offered)");
	assert_int_equal(hello(st, "gw-2", "1.0.0", 2102), 0);
	assert_string_equal(state_of(st, "gw-2", b), "waiting");
	/* a new rollout may start; the operator halts it */
	start(st, "w", 1, 100, 3000);
	assert_int_equal(rollout_halt(st, "1.2.3", "other", "op", 3001, err, sizeof(err)), 0);
	assert_int_equal(rollout_halt(st, "1.2.3", NULL, "op", 3001, err, sizeof(err)), 1);
	assert_string_equal(phase_of(st, "w", b), "halted:halted by op");
	assert_int_equal(rollout_offers(st, "i1", 3002, &f), 0);
	assert_null(f);
	storage_close(st);
}

/* After a halt, members that took the offer are followed, never judged. */
static void
test_after_halt(void **state)
{
	static const char *const ids[] = { "gw-1", "gw-2", "gw-3" };
	struct storage *st = setup("h", ids, 3);
	char b[300], err[300];
	int64_t halts;

	(void)state;
	start(st, "h", 2, 100, 4000);
	assert_int_equal(hello(st, "gw-1", "1.0.0", 4001), 1);
	assert_int_equal(hello(st, "gw-2", "1.0.0", 4001), 1);
	assert_int_equal(rollout_halt(st, "1.2.3", NULL, "op", 4002, err, sizeof(err)), 1);
	assert_int_equal(rollout_acked(st, "gw-1", FV, 0, "", 4003), 0);
	assert_string_equal(state_of(st, "gw-1", b), "installed");
	assert_int_equal(hello(st, "gw-1", "1.2.3", 4010), 0);
	assert_string_equal(state_of(st, "gw-1", b), "running");
	assert_int_equal(hello(st, "gw-1", "1.2.3", 4011), 0);	/* no reconnect count */
	heartbeat(st, "gw-1", 4080, 9);
	assert_int_equal(rollout_tick(st, &health, 4200), 0);	/* not judged */
	assert_string_equal(state_of(st, "gw-1", b), "running");
	assert_int_equal(rollout_acked(st, "gw-2", FV, 9, "slot B failed", 4004), 0);
	assert_string_equal(state_of(st, "gw-2", b), "failed");
	assert_int_equal(db_int(st, "SELECT halts FROM rollout_members WHERE appliance ="
	    " 'gw-2'", NULL, 0, -1, &halts), 0);
	assert_int_equal(halts, 0);
	assert_string_equal(phase_of(st, "h", b), "halted:halted by op");
	/* one never offered stays waiting and is offered nothing */
	assert_int_equal(hello(st, "gw-3", "1.0.0", 4005), 0);
	assert_string_equal(state_of(st, "gw-3", b), "waiting");
	/* back on the old version after coming up on the new: recorded, no halt */
	assert_int_equal(hello(st, "gw-1", "1.0.0", 4300), 0);
	assert_string_equal(state_of(st, "gw-1", b), "failed");
	assert_string_equal(phase_of(st, "h", b), "halted:halted by op");
	storage_close(st);
}

static void
test_crash_loop_and_too_old(void **state)
{
	static const char *const ids[] = { "gw-1", "gw-2", "gw-3" };
	struct storage *st = setup("c", ids, 3);
	struct pushfile *f = NULL;
	char b[300];

	(void)state;
	start(st, "c", 2, 100, 1000);
	/* gw-1 takes no file frames: failed, no halt */
	assert_int_equal(rollout_hello(st, "gw-1", "0.1", false, 1001, &f), 0);
	assert_null(f);
	assert_string_equal(state_of(st, "gw-1", b), "failed");
	assert_string_equal(phase_of(st, "c", b), "canary:");
	assert_int_equal(hello(st, "gw-2", "1.2.3", 1002), 0);	/* runs it already */
	assert_string_equal(state_of(st, "gw-2", b), "running");
	for (int i = 0; i < 3; i++)
		assert_int_equal(hello(st, "gw-2", "1.2.3", 1003 + i), 0);
	assert_int_equal(rollout_tick(st, &health, 1010), 0);
	assert_string_equal(phase_of(st, "c", b), "halted:canary gw-2 failed: crash loop:"
	    " 3 reconnects since it came up on 1.2.3");
	storage_close(st);
}

/* Every canary too old: nothing showed the bundle healthy. */
static void
test_all_too_old(void **state)
{
	static const char *const ids[] = { "gw-1", "gw-2" };
	struct storage *st = setup("o", ids, 2);
	char b[300];

	(void)state;
	start(st, "o", 1, 100, 1000);
	assert_int_equal(rollout_acked(st, "gw-1", FV, 8, "kind 2", 1001), 0);
	assert_string_equal(phase_of(st, "o", b), "canary:");
	assert_int_equal(rollout_tick(st, &health, 1002), 0);
	assert_string_equal(phase_of(st, "o", b), "halted:no canary could take the update");
	storage_close(st);
}

/* Strings from appliances are escaped for the terminal. */
static void
test_status_escapes(void **state)
{
	static const char *const ids[] = { "gw-\x1b[2J" };
	struct storage *st = setup("e", ids, 1);
	char *buf = NULL;
	size_t len = 0;
	FILE *o;

	(void)state;
	start(st, "e", 1, 100, 1000);
	assert_int_equal(rollout_acked(st, ids[0], FV, 9, "slot B\x1b]0;pwned\a", 1001), 0);
	o = open_memstream(&buf, &len);
	assert_int_equal(rollout_status(st, "1.2.3", o), 0);
	fclose(o);
	assert_null(strchr(buf, '\x1b'));
	assert_null(strchr(buf, '\a'));
	assert_non_null(strstr(buf, "phase halted"));
	assert_non_null(strstr(buf, "boot_failed: slot B"));
	free(buf);
	storage_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_canary_then_rest),
		cmocka_unit_test(test_window_and_halts),
		cmocka_unit_test(test_after_halt),
		cmocka_unit_test(test_crash_loop_and_too_old),
		cmocka_unit_test(test_all_too_old),
		cmocka_unit_test(test_status_escapes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
