/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for ring.c: order, wrap-around, full ring drops, two threads. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include "ring.h"

static void
test_fifo_and_wrap(void **state)
{
	struct ring *r = ring_new(256);
	char msg[40];
	const char *p;
	size_t len;
	int i;

	(void)state;
	for (i = 0; i < 1000; i++) {
		int n = snprintf(msg, sizeof(msg), "message %d", i);

		assert_int_equal(ring_push(r, msg, (size_t)n + (size_t)(i % 7)), 0);
		p = ring_peek(r, &len);
		assert_non_null(p);
		assert_int_equal(len, (size_t)n + (size_t)(i % 7));
		assert_memory_equal(p, msg, (size_t)n);
		ring_release(r);
	}
	assert_null(ring_peek(r, &len));
	ring_free(r);
}

static void
test_full_drops(void **state)
{
	struct ring *r = ring_new(256);
	char msg[32] = "x";
	int ok = 0, i;

	(void)state;
	for (i = 0; i < 20; i++)
		ok += ring_push(r, msg, sizeof(msg)) == 0;
	assert_int_equal(ok, 256 / 40);
	assert_int_equal(ring_drops(r), 20 - ok);
	assert_null(ring_reserve_wait(r, sizeof(msg)));
	assert_int_equal(ring_drops(r), 20 - ok);	/* a waiting producer is not a drop */
	assert_int_equal(ring_push(r, msg, ring_max_msg(r) + 1), -1);
	ring_free(r);
}

#define N 200000

static void *
producer(void *arg)
{
	struct ring *r = arg;
	uint32_t i;

	for (i = 0; i < N;) {
		uint32_t *p = ring_reserve_wait(r, 4 + (i % 13));

		if (p == NULL)
			continue;
		*p = i++;
		ring_commit(r, 4 + ((i - 1) % 13));
	}
	return NULL;
}

static void
test_two_threads(void **state)
{
	struct ring *r = ring_new(4096);
	pthread_t th;
	uint32_t next = 0, v;
	const void *p;
	size_t len;

	(void)state;
	pthread_create(&th, NULL, producer, r);
	while (next < N) {
		if ((p = ring_peek(r, &len)) == NULL)
			continue;
		memcpy(&v, p, 4);
		assert_int_equal(v, next);
		assert_int_equal(len, 4 + next % 13);
		next++;
		ring_release(r);
	}
	pthread_join(th, NULL);
	ring_free(r);
}

/* Batched commits stay invisible until a flush, or until 1/16 of the ring. */
static void
test_batch_and_flush(void **state)
{
	struct ring *r = ring_new(4096);	/* publishes by itself every 256 bytes */
	char msg[24] = "batched";
	const char *p;
	char *w;
	size_t len;
	int i, n;

	(void)state;
	for (i = 0; i < 3; i++) {
		assert_non_null(w = ring_reserve_wait(r, sizeof(msg)));
		memcpy(w, msg, sizeof(msg));
		ring_commit_batch(r, sizeof(msg));
	}
	assert_null(ring_peek(r, &len));	/* 96 bytes pending: not yet */
	ring_flush(r);
	for (i = 0; i < 3; i++) {
		assert_non_null(p = ring_peek(r, &len));
		assert_int_equal(len, sizeof(msg));
		assert_memory_equal(p, msg, sizeof(msg));
		ring_release(r);
	}
	assert_null(ring_peek(r, &len));
	/* without a flush, a step's worth of messages shows up on its own */
	for (i = 0; i < 8; i++) {
		assert_non_null(ring_reserve_wait(r, sizeof(msg)));
		ring_commit_batch(r, sizeof(msg));
	}
	for (n = 0; ring_peek(r, &len) != NULL; n++)
		ring_release(r);
	assert_int_equal(n, 8);
	ring_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_and_wrap),
		cmocka_unit_test(test_full_drops),
		cmocka_unit_test(test_two_threads),
		cmocka_unit_test(test_batch_and_flush),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
