/* SPDX-License-Identifier: BSD-2-Clause */
/* central's config through the shared key engine: defaults, file, errors, listing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cfg.h"

static int
load(struct cfg *c, const char *text, char *err, size_t len)
{
	char path[] = "/tmp/test_central_cfg.XXXXXX";
	int fd = mkstemp(path), rc;

	assert_true(fd != -1);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	cfg_defaults(c);
	rc = cfg_load(c, path, err, len);
	if (rc == -1)	/* the message starts with the path: drop it */
		memmove(err, err + strlen(path), strlen(err + strlen(path)) + 1);
	unlink(path);
	return rc;
}

static void
test_defaults_and_file(void **state)
{
	struct cfg c;
	char err[600];

	(void)state;
	cfg_defaults(&c);
	assert_string_equal(c.listen, "0.0.0.0:7443");
	assert_string_equal(c.db, "sqlite:central.db");
	assert_int_equal(c.max_conns, 16384);
	assert_int_equal(c.seq_window, (uint64_t)1 << 32);
	assert_true(c.instance[0] != '\0');
	/* a value is the rest of the line: a conninfo keeps its blanks */
	assert_int_equal(load(&c, "# central\ndb postgresql:///x?host=/tmp dbname=a  \n"
	    "workers 4 # four\n\nlisten 127.0.0.1:0\n", err, sizeof(err)), 0);
	assert_string_equal(c.db, "postgresql:///x?host=/tmp dbname=a");
	assert_int_equal(c.workers, 4);
	assert_string_equal(c.listen, "127.0.0.1:0");
	assert_int_equal(c.max_queue, 4096);
}

static void
test_errors(void **state)
{
	struct cfg c;
	char err[600];

	(void)state;
	assert_int_equal(load(&c, "workers 2\nworkers 65\n", err, sizeof(err)), -1);
	assert_string_equal(err, ":2: out of range");
	assert_int_equal(load(&c, "bogus 1\n", err, sizeof(err)), -1);
	assert_string_equal(err, ":1: unknown key");
	assert_int_equal(load(&c, "idle_timeout\n", err, sizeof(err)), -1);
	assert_string_equal(err, ":1: missing value");
	cfg_defaults(&c);
	assert_int_equal(cfg_set(&c, "nope", "1", err, sizeof(err)), -1);
	assert_string_equal(err, "unknown key 'nope'");
	assert_int_equal(cfg_set(&c, "unauth_percent", "101", err, sizeof(err)), -1);
	assert_string_equal(err, "unauth_percent: out of range");
}

static void
test_print_keys(void **state)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&p, &n);
	cfg_print_keys(f);
	fclose(f);
	assert_non_null(strstr(p, "| `listen` | text | 0.0.0.0:7443 | up to 511 bytes | "
	    "start |\n"));
	assert_non_null(strstr(p, "| `seq_window` | number | 4294967296 | 1000-2^40 | "
	    "start |\n"));
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_file),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_print_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
