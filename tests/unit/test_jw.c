/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for jw.c and clock.c: escaping, nesting, overflow, timestamps. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "clock.h"
#include "jw.h"

static void
test_nesting_and_escapes(void **state)
{
	char buf[256];
	struct jw w;
	size_t n;

	(void)state;
	jw_init(&w, buf, sizeof(buf));
	jw_obj_open(&w, NULL);
	jw_str(&w, "type", "flow");
	jw_strn(&w, "ua", "a\"b\\c\n\x01\x7f", 8);
	jw_arr_open(&w, "vlan");
	jw_u64(&w, NULL, 1);
	jw_u64(&w, NULL, 2);
	jw_arr_close(&w);
	jw_obj_open(&w, "o");
	jw_obj_close(&w);
	jw_i64(&w, "n", -5);
	jw_dbl(&w, "d", 0.25, 3);
	jw_bool(&w, "b", false);
	jw_obj_close(&w);
	n = jw_finish(&w);
	assert_int_equal(n, strlen(buf));
	assert_string_equal(buf, "{\"type\":\"flow\",\"ua\":\"a\\\"b\\\\c\\u000a\\u0001\\u007f\","
	    "\"vlan\":[1,2],\"o\":{},\"n\":-5,\"d\":0.250,\"b\":false}\n");
}

/* Integers print as %llu / %lld would, at the extremes too. */
static void
test_integers(void **state)
{
	static const int64_t iv[] = { 0, 1, -1, 9, 10, -10, 1234567890123LL, INT64_MAX,
		INT64_MIN, INT64_MIN + 1 };
	static const uint64_t uv[] = { 0, 9, 10, 99, 100, 4294967296ULL, UINT64_MAX };
	char buf[64], want[64];
	struct jw w;
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(iv) / sizeof(iv[0]); i++) {
		jw_init(&w, buf, sizeof(buf));
		jw_i64(&w, NULL, iv[i]);
		jw_finish(&w);
		snprintf(want, sizeof(want), "%lld\n", (long long)iv[i]);
		assert_string_equal(buf, want);
	}
	for (i = 0; i < sizeof(uv) / sizeof(uv[0]); i++) {
		jw_init(&w, buf, sizeof(buf));
		jw_u64(&w, NULL, uv[i]);
		jw_finish(&w);
		snprintf(want, sizeof(want), "%llu\n", (unsigned long long)uv[i]);
		assert_string_equal(buf, want);
	}
	jw_init(&w, buf, 20);	/* 20 digits and the newline do not fit */
	jw_u64(&w, NULL, UINT64_MAX);
	assert_int_equal(jw_finish(&w), 0);
}

static void
test_overflow(void **state)
{
	char buf[16];
	struct jw w;

	(void)state;
	jw_init(&w, buf, sizeof(buf));
	jw_obj_open(&w, NULL);
	jw_str(&w, "key", "a value that does not fit");
	jw_obj_close(&w);
	assert_int_equal(jw_finish(&w), 0);
}

/* One string through the writer; the value between the quotes. */
static const char *
one(char *buf, size_t cap, const char *s, size_t n)
{
	struct jw w;
	size_t len;

	jw_init(&w, buf, cap);
	jw_strn(&w, NULL, s, n);
	len = jw_finish(&w);
	assert_true(len >= 3);
	buf[len - 2] = '\0';
	return buf + 1;
}

/* Lines are strict UTF-8: C1 escaped, invalid bytes U+FFFD, valid text as is. */
static void
test_utf8(void **state)
{
	char buf[256];

	(void)state;
	assert_string_equal(one(buf, sizeof(buf), "\xe4\xb8\xad\xe6\x96\x87", 6),
	    "\xe4\xb8\xad\xe6\x96\x87");
	assert_string_equal(one(buf, sizeof(buf), "a\xc2\x9b" "b", 4), "a\\u009bb");
	assert_string_equal(one(buf, sizeof(buf), "a\x9b" "b", 3), "a\\ufffdb");
	assert_string_equal(one(buf, sizeof(buf), "\xff\xfe", 2), "\\ufffd\\ufffd");
	/* a character cut at the end, an overlong, a surrogate, past U+10FFFF */
	assert_string_equal(one(buf, sizeof(buf), "x\xe4\xb8", 3), "x\\ufffd\\ufffd");
	assert_string_equal(one(buf, sizeof(buf), "\xc0\xaf", 2), "\\ufffd\\ufffd");
	assert_string_equal(one(buf, sizeof(buf), "\xed\xa0\x80", 3),
	    "\\ufffd\\ufffd\\ufffd");
	assert_string_equal(one(buf, sizeof(buf), "\xf4\x90\x80\x80", 4),
	    "\\ufffd\\ufffd\\ufffd\\ufffd");
	assert_string_equal(one(buf, sizeof(buf), "\xf0\x9f\x98\x80\x1b", 5),
	    "\xf0\x9f\x98\x80\\u001b");
}

static void
test_clock(void **state)
{
	char ts[CLOCK_TS_LEN];
	usec_t t;

	(void)state;
	clock_fmt(1120471094413000ULL, ts, sizeof(ts));
	assert_string_equal(ts, "2005-07-04T09:58:14.413Z");
	assert_int_equal(clock_parse(ts, &t), 0);
	assert_int_equal(t, 1120471094413000ULL);
	assert_int_equal(clock_parse("2005-07-04T09:58:14Z", &t), 0);
	assert_int_equal(clock_parse("2005-13-04T09:58:14Z", &t), -1);
	assert_int_equal(clock_parse("2005-07-04T09:58:14.413", &t), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nesting_and_escapes),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
