/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for led-sysfs.c on a fake /sys/class/leds tree in a temp dir. */
#include <sys/stat.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "led.h"

static char root[] = "/tmp/test_led.XXXXXX";

static void
put(const char *led, const char *file, const char *v)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, led);
	(void)mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%s/%s", root, led, file);
	assert_non_null(f = fopen(path, "w"));
	fputs(v, f);
	fclose(f);
}

/* The first value in brightness (sysfs takes whole writes at offset 0). */
static long
brightness(const char *led)
{
	char path[512], buf[16] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s/brightness", root, led);
	assert_non_null(f = fopen(path, "r"));
	assert_true(fread(buf, 1, sizeof(buf) - 1, f) > 0);
	fclose(f);
	if (buf[0] == '0')
		return 0;
	return strtol(buf, NULL, 10);
}

static int
setup(void **state)
{
	(void)state;
	if (mkdtemp(root) == NULL)
		return -1;
	put("cap", "brightness", "1");
	put("cap", "max_brightness", "1\n");
	put("up", "brightness", "1");
	put("up", "max_brightness", "255\n");
	put("alarm", "brightness", "1");
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd) == 0 ? 0 : -1;
}

static void
test_on_off(void **state)
{
	const char *names[LED_N] = { "cap", "up", "alarm" };
	char err[256];
	struct led *l;

	(void)state;
	assert_non_null(l = led_open(root, names, err, sizeof(err)));
	/* all off at open */
	assert_int_equal(brightness("cap"), 0);
	assert_int_equal(brightness("up"), 0);
	assert_int_equal(brightness("alarm"), 0);
	assert_int_equal(led_set(l, LED_CAPTURE, true), 0);
	assert_int_equal(led_set(l, LED_UPLINK, true), 0);
	assert_int_equal(led_set(l, LED_ALARM, true), 0);
	assert_int_equal(brightness("cap"), 1);
	assert_int_equal(brightness("up"), 255);	/* max_brightness */
	assert_int_equal(brightness("alarm"), 1);	/* no max_brightness: 1 */
	assert_int_equal(led_set(l, LED_UPLINK, false), 0);
	assert_int_equal(brightness("up"), 0);
	led_close(l);				/* turns them off */
	assert_int_equal(brightness("cap"), 0);
	assert_int_equal(brightness("alarm"), 0);
	assert_string_equal(led_driver(), "sysfs");
}

static void
test_missing_and_skipped(void **state)
{
	const char *bad[LED_N] = { "cap", "nosuch", "alarm" };
	const char *some[LED_N] = { NULL, "", "alarm" };
	char err[256] = "";
	struct led *l;

	(void)state;
	assert_null(led_open(root, bad, err, sizeof(err)));
	assert_non_null(strstr(err, "nosuch"));
	assert_non_null(l = led_open(root, some, err, sizeof(err)));
	assert_int_equal(led_set(l, LED_CAPTURE, true), 0);	/* absent: no-op */
	assert_int_equal(led_set(l, LED_ALARM, true), 0);
	assert_int_equal(brightness("alarm"), 1);
	led_close(l);
	led_close(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_on_off),
		cmocka_unit_test(test_missing_and_skipped),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
