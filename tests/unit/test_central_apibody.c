/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central: console request bodies (apibody.c) and login throttling (throttle.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "apibody.h"
#include "throttle.h"

struct spec {
	char			 user[5], pass[9];
	struct apibody_field	 f[2];
};

static void
spec_init(struct spec *s)
{
	memset(s, 0, sizeof(*s));
	s->f[0] = (struct apibody_field){ "user", s->user, sizeof(s->user), true, false };
	s->f[1] = (struct apibody_field){ "password", s->pass, sizeof(s->pass), false, false };
}

static int
parse(struct spec *s, const char *body, char *err, size_t errlen)
{
	spec_init(s);
	return apibody_parse(body, strlen(body), s->f, 2, err, errlen);
}

static void
test_apibody_ok(void **state)
{
	struct spec s;
	char err[128];

	(void)state;
	assert_int_equal(parse(&s, "{\"user\":\"abcd\",\"password\":\"\\u4e2d\"}", err,
	    sizeof(err)), 0);
	assert_string_equal(s.user, "abcd");
	assert_string_equal(s.pass, "\xe4\xb8\xad");
	assert_int_equal(parse(&s, " {\"user\":\"a\"} ", err, sizeof(err)), 0);
	assert_false(s.f[1].seen);
}

static void
test_apibody_refused(void **state)
{
	static const struct {
		const char	*body, *why;
	} bad[] = {
		{ "", "want a JSON object" },
		{ "[]", "want a JSON object" },
		{ "\"user\"", "want a JSON object" },
		{ "{\"user\":\"a\"", "want a JSON object" },
		{ "{\"user\":\"a\",\"role\":\"admin\"}", "unknown field" },
		{ "{\"user\":1}", "field 'user' must be a string" },
		{ "{\"user\":null}", "field 'user' must be a string" },
		{ "{\"user\":{}}", "field 'user' must be a string" },
		{ "{\"user\":\"abcde\"}", "field 'user' is too long" },
		{ "{\"user\":\"a\",\"user\":\"b\"}", "field 'user' given twice" },
		{ "{\"user\":\"\xff\"}", "field 'user' is not UTF-8" },
		{ "{\"password\":\"a\"}", "field 'user' is missing" },
	};
	struct spec s;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(parse(&s, bad[i].body, err, sizeof(err)), -1);
		assert_string_equal(err, bad[i].why);
	}
}

/* The body is not NUL-terminated: the parser must stop at len. */
static void
test_apibody_length(void **state)
{
	struct spec s;
	char err[128];
	const char body[] = "{\"user\":\"ab\"}{{{{";

	(void)state;
	spec_init(&s);
	assert_int_equal(apibody_parse(body, 13, s.f, 2, err, sizeof(err)), 0);
	assert_string_equal(s.user, "ab");
	spec_init(&s);
	assert_int_equal(apibody_parse(body, 12, s.f, 2, err, sizeof(err)), -1);
}

static void
test_throttle(void **state)
{
	struct throttle *t = throttle_new(3, 60);

	(void)state;
	assert_non_null(t);
	assert_int_equal(throttle_wait(t, "u:a", 1000), 0);
	throttle_fail(t, "u:a", 1000);
	throttle_fail(t, "u:a", 1010);
	assert_int_equal(throttle_wait(t, "u:a", 1010), 0);
	throttle_fail(t, "u:a", 1020);
	assert_int_equal(throttle_wait(t, "u:a", 1020), 40);
	assert_int_equal(throttle_wait(t, "u:b", 1020), 0);
	assert_int_equal(throttle_wait(t, "u:a", 1060), 0);	/* the window ended */
	throttle_fail(t, "u:a", 1061);				/* a new window */
	assert_int_equal(throttle_wait(t, "u:a", 1061), 0);
	throttle_fail(t, "u:b", 1061);
	throttle_fail(t, "u:b", 1061);
	throttle_fail(t, "u:b", 1061);
	assert_true(throttle_wait(t, "u:b", 1061) > 0);
	throttle_clear(t, "u:b");
	assert_int_equal(throttle_wait(t, "u:b", 1061), 0);
	throttle_free(t);
	throttle_free(NULL);
}

/* A full table reuses the stalest slot and never grows. */
static void
test_throttle_full(void **state)
{
	struct throttle *t = throttle_new(1, 100);
	char key[32];

	(void)state;
	throttle_fail(t, "a:old", 1);
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "a:%d", i);
		throttle_fail(t, key, 10 + i / 1000);
	}
	assert_int_equal(throttle_wait(t, "a:old", 20), 0);	/* evicted */
	assert_true(throttle_wait(t, "a:4999", 20) > 0);
	throttle_free(t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apibody_ok),
		cmocka_unit_test(test_apibody_refused),
		cmocka_unit_test(test_apibody_length),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_throttle_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
