/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central: numbers past int64 from an appliance are refused or clamped. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "frames.h"
#include "intake.h"
#include "record.h"

/* Storage keeps seqs as BIGINT: above 2^63-1 they would be acked, then negative. */
static void
test_seq_above_int64(void **state)
{
	struct intake_stats st = { 0 };
	struct intake in;
	struct intake_result r;
	uint8_t buf[256];
	size_t n;

	(void)state;
	intake_init(&in, "gw-test-1", &st);
	n = frames_hello(buf, "gw-test-1", 0);
	assert_int_equal(intake_next(&in, buf, n, &r), IN_HELLO);
	n = frames_report(buf, (uint64_t)INT64_MAX);
	assert_int_equal(intake_next(&in, buf, n, &r), IN_REPORT);
	assert_true(r.last_seq == (uint64_t)INT64_MAX);
	n = frames_report(buf, (uint64_t)INT64_MAX + 1);
	assert_int_equal(intake_next(&in, buf, n, &r), IN_REFUSE);
	assert_int_equal(r.code, FRAME_ERR_SEQUENCE);
	assert_non_null(strstr(r.why, "2^63"));
	n = frames_report(buf, UINT64_MAX);
	assert_int_equal(intake_next(&in, buf, n, &r), IN_REFUSE);
	assert_int_equal(r.code, FRAME_ERR_SEQUENCE);
}

static void
health(const char *drops, struct health *h)
{
	char json[512];
	const char *why;
	int n = snprintf(json, sizeof(json), "{\"type\":\"health\",\"ts\":"
	    "\"2026-11-29T09:00:00Z\",\"packets\":5,\"drops\":%s}", drops);

	assert_int_equal(record_health(json, (size_t)n, h, &why), 0);
}

/* A drop counter of 1e30 showed as DROPS -2^63: clamp to int64, never wrap. */
static void
test_health_huge_numbers(void **state)
{
	struct health h;

	(void)state;
	health("{\"kernel\":3,\"ring\":4}", &h);
	assert_true(h.drops == 7);
	health("{\"kernel\":1e30}", &h);
	assert_true(h.drops == INT64_MAX);
	health("{\"kernel\":9.2e18,\"ring\":9.2e18}", &h);
	assert_true(h.drops == INT64_MAX);
	health("{\"kernel\":-1e30,\"ring\":2}", &h);
	assert_true(h.drops == 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_seq_above_int64),
		cmocka_unit_test(test_health_huge_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
