/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for board.c with the variants this board built: the watchdog is
 * petted only on ticks where capture and the uplink are both healthy. The
 * watchdog is a stand-in file (a linux variant's keepalive then fails and is
 * counted as an error; a null variant's succeeds): never a real one.
 */
#include <sys/stat.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "board.h"
#include "led.h"

static void
test_pet_only_when_healthy(void **state)
{
	char dir[] = "/tmp/test_board.XXXXXX", wd[600], leds[600], err[256];
	const char *names[LED_N] = { NULL, NULL, NULL };
	struct board_status st;
	struct board_opts o = { 0 };
	struct board *b;
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(wd, sizeof(wd), "%s/watchdog", dir);
	snprintf(leds, sizeof(leds), "%s/leds", dir);
	assert_non_null(f = fopen(wd, "w"));
	fclose(f);
	o.watchdog_dev = wd;
	o.led_dir = leds;
	o.led_names = names;
	assert_non_null(b = board_open(&o, err, sizeof(err)));
	board_tick(b, true, true, false);
	board_tick(b, false, true, true);	/* capture down */
	board_tick(b, true, false, true);	/* uplink down */
	board_tick(b, true, true, false);
	board_status(b, &st);
	assert_int_equal(st.pets + st.pet_errors, 2);
	assert_int_equal(st.unhealthy_ticks, 2);
	assert_true(st.capture_ok && st.uplink_ok && !st.alarm);
	board_close(b);
	board_close(NULL);
	unlink(wd);
	rmdir(dir);
}

static void
test_no_watchdog(void **state)
{
	const char *names[LED_N] = { NULL, NULL, NULL };
	struct board_opts o = { .no_watchdog = true, .led_names = names };
	struct board_status st;
	struct board *b;
	char err[256];

	(void)state;
	assert_non_null(b = board_open(&o, err, sizeof(err)));
	board_tick(b, true, true, false);
	board_status(b, &st);
	assert_int_equal(st.pets + st.pet_errors, 0);
	assert_string_equal(st.watchdog, "disabled");
	board_close(b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pet_only_when_healthy),
		cmocka_unit_test(test_no_watchdog),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
