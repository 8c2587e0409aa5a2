/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central output helpers (out.c): terminal escapes, strict UTF-8
 * JSON strings, CSV cells neutralised against formula injection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "out.h"

/* What fn writes for s, as a string in buf. */
static const char *
through(void (*fn)(FILE *, const char *), const char *s, char *buf, size_t cap)
{
	FILE *f;

	buf[0] = '\0';
	f = fmemopen(buf, cap, "w");
	assert_non_null(f);
	fn(f, s);
	fclose(f);
	return buf;
}

static void
test_tty(void **state)
{
	struct out_tty t;
	char buf[512];

	(void)state;
	memset(&t, 0, sizeof(t));
	assert_string_equal(out_tty(&t, "dble \x1b[2J\x1b]52;c;SGVsbG8=\x07"),
	    "dble \\x1b[2J\\x1b]52;c;SGVsbG8=\\x07");
	assert_string_equal(out_tty(&t, "a\x9b" "b\xc2\x9b" "c\xff\xfe\x7f"),
	    "a\\x9bb\\u009bc\\xff\\xfe\\x7f");
	assert_string_equal(out_tty(&t, "\xe7\x8c\xab\xe7\x8b\x97 ok"),
	    "\xe7\x8c\xab\xe7\x8b\x97 ok");
	/* a cut character, a backslash, bidi override, tab and CR */
	assert_string_equal(out_tty(&t, "x\xe7\x8c"), "x\\xe7\\x8c");
	assert_string_equal(out_tty(&t, "a\\x1b"), "a\\\\x1b");
	assert_string_equal(out_tty(&t, "\xe2\x80\xae" "evil"), "\\u202eevil");
	assert_string_equal(out_tty(&t, "\t\r"), "\\x09\\x0d");
	assert_string_equal(out_tty(&t, NULL), "");
	/* eight slots live at once */
	for (int i = 0; i < OUT_TTY_SLOTS; i++)
		assert_string_equal(out_tty(&t, i % 2 ? "odd" : "even"), i % 2 ? "odd" : "even");
	assert_string_equal(through(out_tty_put, "n\x1bo\xc2\x85te", buf, sizeof(buf)),
	    "n\\x1bo\\u0085te");
}

static void
test_tty_long(void **state)
{
	struct out_tty t;
	char *s = malloc(4000);
	const char *o;

	(void)state;
	memset(s, 0x1b, 3999);
	s[3999] = '\0';
	o = out_tty(&t, s);
	assert_true(strlen(o) < OUT_TTY_LEN);
	assert_string_equal(o + strlen(o) - 3, "...");
	/* long text is cut on a character boundary, as much as fits */
	s[0] = '\0';
	for (int i = 0; i < 300; i++)
		strcat(s, "\xe7\x8c\xab");
	o = out_tty(&t, s);
	assert_int_equal(strlen(o), 507 / 3 * 3 + 3);
	assert_memory_equal(o, s, 507 / 3 * 3);
	assert_string_equal(o + strlen(o) - 3, "...");
	free(s);
}

static void
test_json(void **state)
{
	char buf[512];

	(void)state;
	assert_string_equal(through(out_json_str, "a\"\\\x1b\x7f\xc2\x9b\x9b\xff\xe7\x8c\xab",
	    buf, sizeof(buf)), "\"a\\\"\\\\\\u001b\\u007f\\u009b\\ufffd\\ufffd\xe7\x8c\xab\"");
	assert_string_equal(through(out_json_str, NULL, buf, sizeof(buf)), "null");
}

static void
test_csv(void **state)
{
	static const char *const cases[][2] = {
		{ "=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"" },
		{ "+cmd", "\"'+cmd\"" },
		{ "-1+1", "\"'-1+1\"" },
		{ "@SUM(1)", "\"'@SUM(1)\"" },
		{ "\tx", "\"'\\x09x\"" },
		{ "\rx", "\"'\\x0dx\"" },
		{ "plain", "plain" },
		{ "a,b", "\"a,b\"" },
		{ "a=b", "a=b" },
		{ "\xe7\x8c\xab\xff", "\xe7\x8c\xab\\xff" },
		{ "\x1b[2J", "\\x1b[2J" },
		{ "", "" },
	};
	char buf[512];
	FILE *f;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(through(out_csv_str, cases[i][0], buf, sizeof(buf)),
		    cases[i][1]);
	f = fmemopen(buf, sizeof(buf), "w");
	out_csv_bom(f);
	fclose(f);
	assert_string_equal(buf, "\xef\xbb\xbf");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tty),
		cmocka_unit_test(test_tty_long),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
