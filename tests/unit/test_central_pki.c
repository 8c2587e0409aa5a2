/* SPDX-License-Identifier: BSD-2-Clause */
/* tls-pki.c: the appliance ids enrolment accepts as a certificate CN. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "tls-pki.h"

static bool
ok(const char *s)
{
	return pki_cn_is_valid((const unsigned char *)s, strlen(s));
}

static void
test_cn(void **state)
{
	char long_cn[PKI_CN_MAX + 2];

	(void)state;
	assert_true(ok("gw-site-a"));
	assert_true(ok("GW_1.lab"));
	assert_false(ok(""));
	assert_false(ok("gw site"));
	assert_false(ok("gw\tsite"));
	assert_false(ok("gw\nsite"));
	assert_false(ok("gw\x1b[31m"));
	assert_false(ok("gw,O=x"));
	assert_false(ok("gw/x"));
	assert_false(ok("gw\xc3\xa9"));
	assert_false(pki_cn_is_valid((const unsigned char *)"gw\0x", 4));
	memset(long_cn, 'g', sizeof(long_cn));
	assert_true(pki_cn_is_valid((const unsigned char *)long_cn, PKI_CN_MAX));
	assert_false(pki_cn_is_valid((const unsigned char *)long_cn, PKI_CN_MAX + 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cn),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
