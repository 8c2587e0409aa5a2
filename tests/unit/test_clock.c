/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for clock.c: the RFC 3339 form both ways, the monotonic clock and its timed waits. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
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

/* The fast civil-date path agrees with gmtime_r over years 0-9999 (leap days,
 * century rules, the last second before 10000); past it gmtime_r takes over. */
static void
test_fmt_gmtime(void **state)
{
	static const uint64_t fixed[] = { 0, 59, 86399, 86400, 951782400, 951868800,
		4107456000ULL, 4107542400ULL, 253402300799ULL, 253402300800ULL,
		253402300801ULL, 1709510400ULL };
	char buf[CLOCK_TS_LEN], want[96];
	uint64_t s, x = 88172645463325252ULL;
	struct tm tm;
	time_t tt;
	unsigned i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		if (i < sizeof(fixed) / sizeof(fixed[0]))
			s = fixed[i];
		else {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			s = x % 253402400000ULL;
		}
		tt = (time_t)s;
		assert_non_null(gmtime_r(&tt, &tm));
		snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		    tm.tm_sec, (unsigned)(i % 1000));
		assert_int_equal(clock_fmt(s * 1000000 + i % 1000 * 1000 + 999, buf,
		    sizeof(buf)), strlen(want));
		assert_string_equal(buf, want);
	}
	assert_int_equal(clock_fmt(1764408000123456ULL, buf, 10), 9);
	assert_string_equal(buf, "2025-11-2");
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

/* A deadline ms ahead on the monotonic clock, normalised; a wait on a
 * clock_cond_init variable ends at it, not before. */
static void
test_cond_deadline(void **state)
{
	pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	pthread_cond_t cv;
	usec_t t0 = clock_mono(), t1;
	struct timespec ts = clock_mono_after(1999);
	int64_t at = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;

	(void)state;
	assert_true(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000L);
	assert_true(at >= (int64_t)t0 + 1999000 && at <= (int64_t)t0 + 2100000);
	assert_int_equal(clock_cond_init(&cv), 0);
	ts = clock_mono_after(50);
	pthread_mutex_lock(&mu);
	assert_int_equal(pthread_cond_timedwait(&cv, &mu, &ts), ETIMEDOUT);
	pthread_mutex_unlock(&mu);
	t1 = clock_mono();
	assert_true(t1 - t0 >= 50000 && t1 - t0 < 5000000);
	pthread_cond_destroy(&cv);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fmt_parse),
		cmocka_unit_test(test_fmt_gmtime),
		cmocka_unit_test(test_mono),
		cmocka_unit_test(test_cond_deadline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
