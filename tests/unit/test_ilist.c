/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for ilist.h and itable.c: lists by index, buckets, free slots. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "ilist.h"
#include "itable.h"

#define N	8

/* Links in the middle of the element, as in struct flow. */
struct el {
	uint64_t	 pad;
	uint32_t	 hnext;
	struct ilink	 lru;
	uint32_t	 key;
};

/* The list's indexes from head to tail, checked backwards too; returns the count. */
static int
walk(const struct ilist *l, struct el *a, uint32_t *out)
{
	uint32_t i, prev = ILIST_NIL;
	int n = 0;

	for (i = l->head; i != ILIST_NIL; i = a[i].lru.next) {
		assert_int_equal(a[i].lru.prev, prev);
		out[n++] = i;
		prev = i;
		assert_true(n <= N);
	}
	assert_int_equal(l->tail, prev);
	return n;
}

static void
test_list_order(void **state)
{
	struct el a[N];
	struct ilist l;
	uint32_t got[N];
	static const uint32_t want1[] = { 0, 1, 2, 3 }, want2[] = { 1, 3, 0 },
	    want3[] = { 3, 0, 1 };

	(void)state;
	memset(a, 0x5a, sizeof(a));
	ilist_init(&l);
	assert_true(ilist_is_empty(&l));
	assert_int_equal(walk(&l, a, got), 0);
	for (uint32_t i = 0; i < 4; i++)
		ilist_append(&l, ILIST_OF(a, lru), i);
	assert_false(ilist_is_empty(&l));
	assert_int_equal(walk(&l, a, got), 4);
	assert_memory_equal(got, want1, sizeof(want1));
	ilist_unlink(&l, ILIST_OF(a, lru), 2);	/* middle */
	ilist_unlink(&l, ILIST_OF(a, lru), 0);	/* head */
	ilist_append(&l, ILIST_OF(a, lru), 0);
	assert_int_equal(walk(&l, a, got), 3);
	assert_memory_equal(got, want2, sizeof(want2));
	ilist_unlink(&l, ILIST_OF(a, lru), 1);	/* head, then touch: to the tail */
	ilist_append(&l, ILIST_OF(a, lru), 1);
	assert_int_equal(walk(&l, a, got), 3);
	assert_memory_equal(got, want3, sizeof(want3));
	ilist_unlink(&l, ILIST_OF(a, lru), 1);	/* tail */
	ilist_unlink(&l, ILIST_OF(a, lru), 3);
	ilist_unlink(&l, ILIST_OF(a, lru), 0);	/* the last one */
	assert_true(ilist_is_empty(&l));
	assert_int_equal(l.tail, ILIST_NIL);
	/* the fields around the links are untouched */
	for (int i = 0; i < N; i++) {
		assert_int_equal(a[i].pad, 0x5a5a5a5a5a5a5a5aULL);
		assert_int_equal(a[i].key, 0x5a5a5a5aU);
	}
}

static void
test_nbuckets(void **state)
{
	(void)state;
	assert_int_equal(itable_nbuckets(0), 16);
	assert_int_equal(itable_nbuckets(16), 16);
	assert_int_equal(itable_nbuckets(17), 32);
	assert_int_equal(itable_nbuckets(1000), 1024);
	assert_int_equal(itable_nbuckets(1024), 1024);
	assert_int_equal(itable_nbuckets((size_t)1 << 40), (size_t)1 << 30);
}

static void
test_init_limits(void **state)
{
	struct itable t;

	(void)state;
	assert_int_equal(itable_init(&t, 0, 16), -1);
	itable_fini(&t);
	assert_int_equal(itable_init(&t, ITABLE_NIL / 2, 16), -1);
	itable_fini(&t);
	assert_int_equal(itable_init(&t, 5, 40), 0);
	assert_int_equal(t.nbuckets, 64);
	assert_int_equal(itable_bytes(&t), 64 * sizeof(uint32_t));
	for (uint32_t b = 0; b < t.nbuckets; b++)
		assert_int_equal(t.buckets[b], ITABLE_NIL);
	itable_fini(&t);
	itable_fini(&t);	/* twice is harmless */
}

/* Fresh slots in order, then given back ones newest first, then none. */
static void
test_take_put(void **state)
{
	struct el a[N] = { 0 };
	struct itable t;
	uint32_t i;

	(void)state;
	assert_int_equal(itable_init(&t, N, N), 0);
	for (i = 0; i < N; i++)
		assert_int_equal(itable_take(&t, ILIST_OF(a, lru.next)), i);
	assert_int_equal(itable_take(&t, ILIST_OF(a, lru.next)), ITABLE_NIL);
	itable_put(&t, ILIST_OF(a, lru.next), 5);
	itable_put(&t, ILIST_OF(a, lru.next), 2);
	assert_int_equal(itable_take(&t, ILIST_OF(a, lru.next)), 2);
	assert_int_equal(itable_take(&t, ILIST_OF(a, lru.next)), 5);
	assert_int_equal(itable_take(&t, ILIST_OF(a, lru.next)), ITABLE_NIL);
	itable_fini(&t);
}

static uint32_t
find(const struct itable *t, const struct el *a, uint32_t key)
{
	uint32_t i;

	for (i = *itable_bucket(t, key); i != ITABLE_NIL; i = a[i].hnext)
		if (a[i].key == key)
			return i;
	return ITABLE_NIL;
}

/* Keys that share a bucket chain; removing from its head, middle and end. */
static void
test_chains(void **state)
{
	struct el a[N] = { 0 };
	struct itable t;
	uint32_t i, k;

	(void)state;
	assert_int_equal(itable_init(&t, N, N), 0);	/* 16 buckets */
	for (k = 0; k < N; k++) {
		i = itable_take(&t, ILIST_OF(a, lru.next));
		a[i].key = k * 16 + 3;		/* all in bucket 3 */
		itable_insert(&t, ILIST_OF(a, hnext), a[i].key, i);
	}
	for (k = 0; k < N; k++)
		assert_int_equal(find(&t, a, k * 16 + 3), k);
	assert_int_equal(t.buckets[3], N - 1);	/* newest at the head */
	itable_remove(&t, ILIST_OF(a, hnext), a[N - 1].key, N - 1);
	itable_remove(&t, ILIST_OF(a, hnext), a[4].key, 4);
	itable_remove(&t, ILIST_OF(a, hnext), a[0].key, 0);
	for (k = 0; k < N; k++)
		assert_int_equal(find(&t, a, k * 16 + 3),
		    k == 0 || k == 4 || k == N - 1 ? ITABLE_NIL : k);
	for (i = 0; i < t.nbuckets; i++)
		if (i != 3)
			assert_int_equal(t.buckets[i], ITABLE_NIL);
	itable_fini(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_order),
		cmocka_unit_test(test_nbuckets),
		cmocka_unit_test(test_init_limits),
		cmocka_unit_test(test_take_put),
		cmocka_unit_test(test_chains),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
