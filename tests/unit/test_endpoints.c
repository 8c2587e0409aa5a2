/* SPDX-License-Identifier: BSD-2-Clause */
/* central_host as a list of centrals in order of preference (uplink/endpoints.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "endpoints.h"

static struct uplink_endpoint ep[UPLINK_ENDPOINTS];
static char err[160];

static int
parse(const char *s)
{
	memset(ep, 0, sizeof(ep));
	return uplink_endpoints_parse(s, 6543, ep, UPLINK_ENDPOINTS, err, sizeof(err));
}

static void
test_one_host(void **state)
{
	(void)state;
	assert_int_equal(parse("central.example"), 1);
	assert_string_equal(ep[0].host, "central.example");
	assert_int_equal(ep[0].port, 6543);
}

static void
test_list_in_order(void **state)
{
	(void)state;
	assert_int_equal(parse("10.0.0.1:7000, c2.example ,[2001:db8::1]:7443,::1,[fe80::2]"), 5);
	assert_string_equal(ep[0].host, "10.0.0.1");
	assert_int_equal(ep[0].port, 7000);
	assert_string_equal(ep[1].host, "c2.example");
	assert_int_equal(ep[1].port, 6543);
	assert_string_equal(ep[2].host, "2001:db8::1");
	assert_int_equal(ep[2].port, 7443);
	assert_string_equal(ep[3].host, "::1");		/* a bare IPv6 address */
	assert_int_equal(ep[3].port, 6543);
	assert_string_equal(ep[4].host, "fe80::2");
	assert_int_equal(ep[4].port, 6543);
}

static void
test_refused(void **state)
{
	static const char *bad[] = {
		"", ",", "a,,b", "a:", "a:0", "a:65536", "a:12x", "[::1", "[::1]x",
		"[]:5", "a b", "a:123456", ":5", "a,b,c,d,e,f,g,h,i",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i]), -1);
		assert_true(strstr(err, "central_host") != NULL);
	}
	assert_int_equal(parse("a,b,c,d,e,f,g,h"), 8);	/* eight is the most */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_host),
		cmocka_unit_test(test_list_in_order),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
