/* SPDX-License-Identifier: BSD-2-Clause */
/* firmware_reboot_window: "any" or HH:MM-HH:MM local time (conf/conf.c, used by uplink/uplink-firmware.c). */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"

static struct conf_window w;

#define M(h, m)	((h) * 60 + (m))

static void
test_any(void **state)
{
	(void)state;
	assert_int_equal(conf_window_parse("any", &w), 0);
	assert_true(w.any);
	assert_true(conf_window_inside(&w, M(13, 7)));
	assert_int_equal(conf_window_parse("", &w), 0);
	assert_true(w.any);
	assert_int_equal(conf_window_parse(NULL, &w), 0);
	assert_true(w.any);
}

static void
test_same_day(void **state)
{
	(void)state;
	assert_int_equal(conf_window_parse("02:00-04:00", &w), 0);
	assert_false(w.any);
	assert_int_equal(w.from, M(2, 0));
	assert_int_equal(w.to, M(4, 0));
	assert_false(conf_window_inside(&w, M(1, 59)));
	assert_true(conf_window_inside(&w, M(2, 0)));
	assert_true(conf_window_inside(&w, M(3, 59)));
	assert_false(conf_window_inside(&w, M(4, 0)));	/* the end is out */
	assert_false(conf_window_inside(&w, M(14, 0)));
}

static void
test_across_midnight(void **state)
{
	(void)state;
	assert_int_equal(conf_window_parse("23:30-01:15", &w), 0);
	assert_true(conf_window_inside(&w, M(23, 30)));
	assert_true(conf_window_inside(&w, M(0, 0)));
	assert_true(conf_window_inside(&w, M(1, 14)));
	assert_false(conf_window_inside(&w, M(1, 15)));
	assert_false(conf_window_inside(&w, M(12, 0)));
	assert_false(conf_window_inside(&w, M(23, 29)));
}

static void
test_refused(void **state)
{
	static const char *bad[] = { "2:00-4:00", "02:00-04:00 ", "02:00", "24:00-01:00",
	    "02:60-03:00", "02:00-02:00", "02:00_04:00", "ANY", "always", "-1:00-02:00",
	    "02:00-04:00-05:00", "0a:00-04:00", " 2:00-04:00", "+2:00-04:00" };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		w.any = true;
		assert_int_equal(conf_window_parse(bad[i], &w), -1);
	}
}

/* The config refuses a bad window at parse time (goipwatchd -n says so). */
static void
test_conf_refuses(void **state)
{
	static const char bad[] = "firmware_reboot_window 02:00-02:00\n";
	static const char good[] = "firmware_reboot_window 22:00-05:30\n";
	struct conf *c;
	char err[256] = "";

	(void)state;
	assert_null(conf_parse(bad, sizeof(bad) - 1, "t", err, sizeof(err)));
	assert_non_null(strstr(err, "firmware_reboot_window"));
	assert_non_null(c = conf_parse(good, sizeof(good) - 1, "t", err, sizeof(err)));
	assert_string_equal(c->firmware_reboot_window, "22:00-05:30");
	conf_free(c);
	assert_non_null(c = conf_parse("", 0, "t", err, sizeof(err)));
	assert_string_equal(c->firmware_reboot_window, "any");
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_any),
		cmocka_unit_test(test_same_day),
		cmocka_unit_test(test_across_midnight),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_conf_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
