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
		{ "{\"user\":\"abcde\"}", "field 'user' is too long (4 bytes at most)" },
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

/* The dispositions body: an array of strings, a number, a string. */
struct tspec {
	char			 sims[3][5], note[4];
	struct apibody_field	 str[1];
	struct apibody_int	 num[1];
	struct apibody_strs	 strs[1];
	struct apibody_spec	 sp;
};

static int
tparse(struct tspec *t, const char *body, char *err, size_t errlen)
{
	memset(t, 0, sizeof(*t));
	t->str[0] = (struct apibody_field){ "note", t->note, sizeof(t->note), false, false };
	t->num[0] = (struct apibody_int){ .name = "at", .lo = -5, .hi = 1000000 };
	t->strs[0] = (struct apibody_strs){ .name = "sims", .buf = &t->sims[0][0],
	    .cap = sizeof(t->sims[0]), .max = 3, .required = true };
	t->sp = (struct apibody_spec){ t->str, 1, t->num, 1, t->strs, 1 };
	return apibody_parse_spec(body, strlen(body), &t->sp, err, errlen);
}

static void
test_apibody_typed_ok(void **state)
{
	struct tspec t;
	char err[128];

	(void)state;
	assert_int_equal(tparse(&t, "{\"sims\":[\"a\",\"\\u4e2d\",\"abcd\"],\"at\":1000000,"
	    "\"note\":\"x\"}", err, sizeof(err)), 0);
	assert_int_equal(t.strs[0].n, 3);
	assert_string_equal(t.sims[0], "a");
	assert_string_equal(t.sims[1], "\xe4\xb8\xad");
	assert_string_equal(t.sims[2], "abcd");
	assert_true(t.num[0].seen);
	assert_int_equal(t.num[0].v, 1000000);
	assert_string_equal(t.note, "x");
	assert_int_equal(tparse(&t, "{\"sims\":[\"a\"],\"at\":-5}", err, sizeof(err)), 0);
	assert_int_equal(t.num[0].v, -5);
	assert_int_equal(tparse(&t, "{\"sims\":[\"a\"],\"at\":2e2}", err, sizeof(err)), 0);
	assert_int_equal(t.num[0].v, 200);
	assert_int_equal(tparse(&t, "{\"sims\":[\"b\"]}", err, sizeof(err)), 0);
	assert_false(t.num[0].seen);
	assert_int_equal(t.strs[0].n, 1);
}

static void
test_apibody_typed_refused(void **state)
{
	static const struct {
		const char	*body, *why;
	} bad[] = {
		{ "{\"at\":1}", "field 'sims' is missing" },
		{ "{\"sims\":[]}", "field 'sims' is empty" },
		{ "{\"sims\":\"a\"}", "field 'sims' must be an array of strings" },
		{ "{\"sims\":{}}", "field 'sims' must be an array of strings" },
		{ "{\"sims\":null}", "field 'sims' must be an array of strings" },
		{ "{\"sims\":[\"a\",\"b\",\"c\",\"d\"]}", "field 'sims' has more than 3 elements" },
		{ "{\"sims\":[\"a\",1]}", "field 'sims' must be a string" },
		{ "{\"sims\":[\"a\",[\"b\"]]}", "field 'sims' must be a string" },
		{ "{\"sims\":[\"abcde\"]}", "field 'sims' is too long (4 bytes at most)" },
		{ "{\"sims\":[\"\xc3\"]}", "field 'sims' is not UTF-8" },
		{ "{\"sims\":[\"a\"],\"sims\":[\"b\"]}", "field 'sims' given twice" },
		{ "{\"sims\":[\"a\"],\"at\":\"1\"}", "field 'at' must be a number" },
		{ "{\"sims\":[\"a\"],\"at\":true}", "field 'at' must be a number" },
		{ "{\"sims\":[\"a\"],\"at\":null}", "field 'at' must be a number" },
		{ "{\"sims\":[\"a\"],\"at\":1.5}", "field 'at' must be a whole number" },
		{ "{\"sims\":[\"a\"],\"at\":1e300}", "field 'at' must be a whole number" },
		{ "{\"sims\":[\"a\"],\"at\":-1e300}", "field 'at' must be a whole number" },
		{ "{\"sims\":[\"a\"],\"at\":1e16}", "field 'at' must be a whole number" },
		{ "{\"sims\":[\"a\"],\"at\":1000001}", "field 'at' must be -5..1000000" },
		{ "{\"sims\":[\"a\"],\"at\":-6}", "field 'at' must be -5..1000000" },
		{ "{\"sims\":[\"a\"],\"at\":1,\"at\":2}", "field 'at' given twice" },
		{ "{\"sims\":[\"a\"],\"note\":[\"x\"]}", "field 'note' must be a string" },
		{ "{\"sims\":[\"a\"],\"Sims\":[\"x\"]}", "unknown field" },
	};
	struct tspec t;
	char err[128];

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(tparse(&t, bad[i].body, err, sizeof(err)), -1);
		assert_string_equal(err, bad[i].why);
	}
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
		cmocka_unit_test(test_apibody_typed_ok),
		cmocka_unit_test(test_apibody_typed_refused),
		cmocka_unit_test(test_throttle),
		cmocka_unit_test(test_throttle_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
