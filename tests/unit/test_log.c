/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for log.c: wire names in log lines reach the terminal or journal escaped. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "log.h"
#include "utf8.h"

/* What log_warnx(fmt, arg) writes to stderr. */
static void
logged(const char *arg, char *out, size_t cap)
{
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n;

	assert_non_null(f);
	fflush(stderr);
	dup2(fileno(f), 2);
	log_warnx("appliance %s", arg);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(out, 1, cap - 1, f);
	out[n] = '\0';
	fclose(f);
}

static void
test_controls_are_escaped(void **state)
{
	char out[4096];

	(void)state;
	log_init("gw", false, 0);
	/* ESC (CSI clear), OSC 52 ... BEL, raw C1, UTF-8 C1, a bad byte, a backslash */
	logged("dble \x1b[2J\x1b]52;c;SGk=\x07 \x9b \xc2\x9b \xff a\\b \xe2\x80\xae",
	    out, sizeof(out));
	assert_string_equal(out, "gw: appliance dble \\x1b[2J\\x1b]52;c;SGk=\\x07 \\x9b "
	    "\\u009b \\xff a\\\\b \\u202e\n");
}

static void
test_chinese_is_kept(void **state)
{
	char out[4096];

	(void)state;
	log_init("gw", false, 0);
	logged("设备-01", out, sizeof(out));
	assert_string_equal(out, "gw: appliance 设备-01\n");
}

/* A long line is cut on a character, and never inside an escape. */
static void
test_long_line_cut_whole(void **state)
{
	char in[1000], out[8192];
	size_t i;

	(void)state;
	log_init("gw", false, 0);
	for (i = 0; i + 1 < sizeof(in); i++)
		in[i] = '\x1b';
	in[i] = '\0';
	logged(in, out, sizeof(out));
	assert_true(utf8_is_valid(out, strlen(out)));
	/* every escape whole: the text before the newline ends in "\x1b" */
	assert_true(strlen(out) > 100);
	assert_memory_equal(out + strlen(out) - 5, "\\x1b\n", 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_controls_are_escaped),
		cmocka_unit_test(test_chinese_is_kept),
		cmocka_unit_test(test_long_line_cut_whole),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
