/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests for dpi-mem.c, nDPI's start-up allocations from one mapping: the
 * blocks are cut in order, ndpi_malloc is nDPI's own again after dpi_mem_end,
 * freeing a block of a mapping is harmless, slots come back, and real
 * detection modules start and stop over it. Under ASan the mapping is off:
 * the tests that need it skip.
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <ndpi_api.h>

#include "dpi.h"
#include "dpi-mem.h"

#define MAPPING	((uintptr_t)32 << 20)

static bool
inside(const void *p, const void *base)
{
	return (uintptr_t)p >= (uintptr_t)base && (uintptr_t)p < (uintptr_t)base + MAPPING;
}

static void
test_cut_in_order(void **state)
{
	struct dpi_mem *m;
	char *a, *b, *c, *after;

	(void)state;
	if ((m = dpi_mem_begin()) == NULL)
		skip();		/* ASan */
	a = ndpi_malloc(100);
	b = ndpi_malloc(1);
	c = ndpi_calloc(3, 8);
	assert_non_null(a);
	assert_ptr_equal(b, a + 112);		/* 16-byte steps */
	assert_ptr_equal(c, b + 16);
	assert_int_equal(c[23], 0);
	memset(a, 0x5a, 100);
	ndpi_free(b);				/* a block of the mapping: nothing happens */
	assert_ptr_equal(ndpi_malloc(16), c + 32);	/* and it is not handed out again */
	dpi_mem_end(m);
	after = ndpi_malloc(100);		/* nDPI's own malloc again */
	assert_non_null(after);
	assert_false(inside(after, a));
	ndpi_free(after);
	assert_int_equal((unsigned char)a[99], 0x5a);	/* the mapping lives until released */
	dpi_mem_release(m);
}

static void
test_outgrown(void **state)
{
	struct dpi_mem *m;
	char *a, *big, *next;

	(void)state;
	if ((m = dpi_mem_begin()) == NULL)
		skip();
	a = ndpi_malloc(8);
	big = ndpi_malloc(MAPPING);		/* more than the mapping holds: malloc */
	assert_non_null(big);
	assert_false(inside(big, a));
	big[MAPPING - 1] = 1;
	ndpi_free(big);				/* a real free */
	next = ndpi_malloc(8);			/* the mapping goes on after it */
	assert_ptr_equal(next, a + 16);
	dpi_mem_end(m);
	dpi_mem_release(m);
}

static void
test_slots_come_back(void **state)
{
	struct dpi_mem *m[64], *more;
	unsigned i, round;
	void *p;

	(void)state;
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 64; i++) {
			m[i] = dpi_mem_begin();
			dpi_mem_end(m[i]);
			if (m[i] == NULL)
				skip();
		}
		more = dpi_mem_begin();		/* all 64 slots live: plain malloc */
		assert_null(more);
		assert_non_null(p = ndpi_malloc(1));
		ndpi_free(p);
		for (i = 0; i < 64; i++)
			dpi_mem_release(m[i]);
	}
}

/* Real modules over it, one after another and side by side. */
static void
test_modules(void **state)
{
	struct dpi *d[3];
	unsigned i, round;

	(void)state;
	for (round = 0; round < 2; round++) {
		for (i = 0; i < 3; i++)
			assert_non_null(d[i] = dpi_new(64, 8, 10));
		assert_string_equal(dpi_proto_name(d[1], NDPI_PROTOCOL_SIP), "SIP");
		for (i = 0; i < 3; i++)
			dpi_free(d[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cut_in_order),
		cmocka_unit_test(test_outgrown),
		cmocka_unit_test(test_slots_come_back),
		cmocka_unit_test(test_modules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
