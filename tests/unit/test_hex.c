/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for hex.c: every byte value both ways, and what decoding refuses. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "hex.h"

static void
test_round_trip(void **state)
{
	uint8_t all[256], back[256];
	char txt[513], want[3];

	(void)state;
	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	memset(txt, 'x', sizeof(txt));
	hex_encode(all, sizeof(all), txt);
	assert_int_equal(strlen(txt), 512);
	for (int i = 0; i < 256; i++) {
		snprintf(want, sizeof(want), "%02x", i);
		assert_memory_equal(txt + 2 * i, want, 2);
	}
	assert_int_equal(hex_decode(txt, 512, back, sizeof(back)), 256);
	assert_memory_equal(back, all, sizeof(all));
	hex_encode(all, 0, txt);
	assert_string_equal(txt, "");
}

static void
test_refusals(void **state)
{
	uint8_t b[4];

	(void)state;
	assert_int_equal(hex_decode("DEADbeef", 8, b, 4), 4);
	assert_int_equal(b[0], 0xde);
	assert_int_equal(b[3], 0xef);
	assert_int_equal(hex_decode("", 0, b, 4), 0);
	assert_int_equal(hex_decode("abc", 3, b, 4), -1);		/* odd */
	assert_int_equal(hex_decode("deadbeef00", 10, b, 4), -1);	/* past cap */
	assert_int_equal(hex_decode("0g", 2, b, 4), -1);
	assert_int_equal(hex_decode(" f", 2, b, 4), -1);		/* no sscanf leniency */
	assert_int_equal(hex_decode("+f", 2, b, 4), -1);
	assert_int_equal(hex_decode("0x", 2, b, 4), -1);
	assert_int_equal(hex_decode("a\0", 2, b, 4), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
