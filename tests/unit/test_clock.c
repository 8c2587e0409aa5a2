/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for clock.c: the RFC 3339 form both ways, and the monotonic clock. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "clock.h"

static void
test_fmt_parse(void **state)
{
	char buf[CLOCK_TS_LEN];
	usec_t t;

	(void)state;
	assert_int_equal(clock_fmt(1764408000123456ULL, buf, sizeof(buf)), 24);
	assert_string_equal(buf, "2025-11-29T09:20:00.123Z");
	assert_int_equal(clock_parse(buf, &t), 0);
	assert_int_equal(t, 1764408000123000ULL);
	assert_int_equal(clock_parse("2025-11-29T09:20:00Z", &t), 0);
	assert_int_equal(t, 1764408000000000ULL);
	assert_int_equal(clock_parse("2025-13-29T09:20:00Z", &t), -1);
	assert_int_equal(clock_parse("2025-11-29T09:20:00", &t), -1);
}

/* CLOCK_MONOTONIC in µs: it agrees with the system call and never goes back. */
static void
test_mono(void **state)
{
	struct timespec ts;
	usec_t a, b, sys;
	int i;

	(void)state;
	a = clock_mono();
	clock_gettime(CLOCK_MONOTONIC, &ts);
	sys = (usec_t)ts.tv_sec * USEC_PER_SEC + (usec_t)ts.tv_nsec / 1000;
	b = clock_mono();
	assert_true(a <= sys && sys <= b);
	assert_true(b - a < USEC_PER_SEC);
	for (i = 0; i < 1000; i++) {
		b = clock_mono();
		assert_true(b >= a);
		a = b;
	}
	/* not the wall clock: that one is decades ahead of the boot-time origin */
	assert_true(clock_wall() - clock_mono() > 365 * 86400 * USEC_PER_SEC);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_parse),
		cmocka_unit_test(test_mono),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
