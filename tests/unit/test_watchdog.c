/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for watchdog-linux.c on a stand-in file (never a real watchdog:
 * opening one arms the host): open errors, keepalive refused by a non-watchdog,
 * and the magic close writing 'V'.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "watchdog.h"

static void
test_open_missing(void **state)
{
	char err[256] = "";

	(void)state;
	assert_null(watchdog_open("/nonexistent/watchdog", 30, err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/watchdog"));
	assert_string_equal(watchdog_driver(), "linux");
}

static void
test_pet_and_magic_close(void **state)
{
	char path[] = "/tmp/test_watchdog.XXXXXX", err[256], buf[8] = "";
	struct watchdog *w;
	FILE *f;
	int fd;

	(void)state;
	assert_true((fd = mkstemp(path)) != -1);
	close(fd);
	assert_non_null(w = watchdog_open(path, 30, err, sizeof(err)));
	/* a plain file takes no ioctl: the keepalive reports failure */
	assert_int_equal(watchdog_pet(w), -1);
	assert_int_equal(watchdog_timeout(w), 0);
	watchdog_close(w);
	assert_non_null(f = fopen(path, "r"));
	assert_int_equal(fread(buf, 1, sizeof(buf) - 1, f), 1);
	fclose(f);
	assert_string_equal(buf, "V");
	watchdog_close(NULL);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_missing),
		cmocka_unit_test(test_pet_and_magic_close),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
