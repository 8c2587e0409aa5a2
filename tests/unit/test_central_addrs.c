/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central: connections per source address (addrs.c), full table, deletes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "addrs.h"

static void
test_addrs_count(void **state)
{
	struct addrs *a = addrs_new(4);

	(void)state;
	assert_non_null(a);
	assert_int_equal(addrs_count(a, 0x7f000002), 0);
	assert_int_equal(addrs_add(a, 0x7f000002), 0);
	assert_int_equal(addrs_add(a, 0x7f000002), 0);
	assert_int_equal(addrs_add(a, 0x7f000003), 0);
	assert_int_equal(addrs_count(a, 0x7f000002), 2);
	assert_int_equal(addrs_count(a, 0x7f000003), 1);
	addrs_del(a, 0x7f000002);
	assert_int_equal(addrs_count(a, 0x7f000002), 1);
	addrs_del(a, 0x7f000002);
	addrs_del(a, 0x7f000002);	/* one too many: nothing to take */
	assert_int_equal(addrs_count(a, 0x7f000002), 0);
	assert_int_equal(addrs_count(a, 0x7f000003), 1);
	addrs_free(a);
	addrs_free(NULL);
}

/* max distinct addresses, then -1; a known one still counts up. */
static void
test_addrs_full(void **state)
{
	struct addrs *a = addrs_new(3);

	(void)state;
	for (uint32_t i = 1; i <= 3; i++)
		assert_int_equal(addrs_add(a, i), 0);
	assert_int_equal(addrs_add(a, 4), -1);
	assert_int_equal(addrs_add(a, 2), 0);
	assert_int_equal(addrs_count(a, 2), 2);
	addrs_del(a, 1);
	assert_int_equal(addrs_add(a, 4), 0);
	addrs_free(a);
}

/* Many addresses in a small table, removed in another order: every probe chain holds. */
static void
test_addrs_delete_keeps_chains(void **state)
{
	enum { N = 1000 };
	struct addrs *a = addrs_new(N);

	(void)state;
	for (uint32_t i = 0; i < N; i++)
		for (uint32_t k = 0; k <= i % 3; k++)
			assert_int_equal(addrs_add(a, 0x0a000000 + i * 7), 0);
	for (uint32_t i = 0; i < N; i += 2)
		for (uint32_t k = 0; k <= i % 3; k++)
			addrs_del(a, 0x0a000000 + i * 7);
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(addrs_count(a, 0x0a000000 + i * 7), i % 2 ? i % 3 + 1 : 0);
	for (uint32_t i = 0; i < N / 2; i++)	/* the freed room is usable again */
		assert_int_equal(addrs_add(a, 0x0b000000 + i), 0);
	assert_int_equal(addrs_add(a, 0x0c000000), -1);
	addrs_free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_addrs_count),
		cmocka_unit_test(test_addrs_full),
		cmocka_unit_test(test_addrs_delete_keeps_chains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
