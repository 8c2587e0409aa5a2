/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for report.c: report_ip prints as inet_ntop does. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "report.h"

/* Every byte value in every position of an IPv4-mapped address, and IPv6. */
static void
test_ip(void **state)
{
	uint8_t a[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4 };
	char buf[REPORT_IP_LEN], want[INET6_ADDRSTRLEN];
	unsigned pos, v;

	(void)state;
	for (pos = 12; pos < 16; pos++)
		for (v = 0; v < 256; v++) {
			a[12] = 1, a[13] = 20, a[14] = 255, a[15] = 0;
			a[pos] = (uint8_t)v;
			assert_non_null(inet_ntop(AF_INET, a + 12, want, sizeof(want)));
			assert_string_equal(report_ip(a, buf), want);
		}
	memset(a, 0xff, 12);
	a[0] = 0x20, a[1] = 0x01;
	assert_non_null(inet_ntop(AF_INET6, a, want, sizeof(want)));
	assert_string_equal(report_ip(a, buf), want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
