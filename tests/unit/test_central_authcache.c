/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * goipwatch-central: the API's cache of tokens and sessions (authcache.c):
 * TTL, invalidation (a racing fill is refused), the fixed bound and its
 * eviction, concurrent use.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "authcache.h"

/* Key i, in set `set` (its first four hex digits), else unique to i. */
static void
key(char *h, unsigned set, unsigned i)
{
	snprintf(h, AUTHCACHE_KEY + 1, "%04x%060x", set, i);
}

static struct authcache_ent
ent(int64_t id)
{
	struct authcache_ent e = { .u.id = id, .u.role = ROLE_ANALYST, .created = 100,
	    .last_used = 100 };

	snprintf(e.u.name, sizeof(e.u.name), "u%lld", (long long)id);
	snprintf(e.csrf, sizeof(e.csrf), "csrf-%lld", (long long)id);
	return e;
}

static void
test_authcache_ttl(void **state)
{
	struct authcache_ent e = ent(7), got;
	char h[AUTHCACHE_KEY + 1], h2[AUTHCACHE_KEY + 1];

	(void)state;
	key(h, 1, 1);
	key(h2, 1, 2);
	authcache_set_ttl(0);		/* off: nothing is kept */
	authcache_put(authcache_gen(), AUTHCACHE_TOKEN, h, 1000, &e);
	assert_false(authcache_get(AUTHCACHE_TOKEN, h, 1000, &got));
	authcache_set_ttl(2000);
	authcache_put(authcache_gen(), AUTHCACHE_TOKEN, h, 1000, &e);
	assert_true(authcache_get(AUTHCACHE_TOKEN, h, 2999, &got));
	assert_int_equal(got.u.id, 7);
	assert_string_equal(got.u.name, "u7");
	assert_false(authcache_get(AUTHCACHE_SESSION, h, 2999, &got));	/* kinds apart */
	assert_false(authcache_get(AUTHCACHE_TOKEN, h2, 2999, &got));
	assert_false(authcache_get(AUTHCACHE_TOKEN, h, 3000, &got));	/* ttl over */
	assert_false(authcache_get(AUTHCACHE_TOKEN, h, 2999, &got));	/* and gone */
	assert_int_equal(authcache_count(), 0);
	/* a key that is not 64 lower-case hex digits is never stored */
	authcache_put(authcache_gen(), AUTHCACHE_TOKEN, "abc", 1000, &e);
	h2[10] = 'G';
	authcache_put(authcache_gen(), AUTHCACHE_TOKEN, h2, 1000, &e);
	assert_int_equal(authcache_count(), 0);
	authcache_set_ttl(0);
}

static void
test_authcache_invalidate(void **state)
{
	struct authcache_ent e = ent(3), got;
	char h[AUTHCACHE_KEY + 1], h2[AUTHCACHE_KEY + 1];
	uint64_t g;

	(void)state;
	authcache_set_ttl(5000);
	key(h, 9, 1);
	key(h2, 9, 2);
	authcache_put(authcache_gen(), AUTHCACHE_SESSION, h, 0, &e);
	authcache_put(authcache_gen(), AUTHCACHE_SESSION, h2, 0, &e);
	authcache_seen(h, 150);
	assert_true(authcache_get(AUTHCACHE_SESSION, h, 1, &got));
	assert_int_equal(got.last_used, 150);
	assert_string_equal(got.csrf, "csrf-3");
	authcache_seen(h, 120);		/* never backwards */
	assert_true(authcache_get(AUTHCACHE_SESSION, h, 1, &got));
	assert_int_equal(got.last_used, 150);
	authcache_drop(h);		/* logout: that one only */
	assert_false(authcache_get(AUTHCACHE_SESSION, h, 1, &got));
	assert_true(authcache_get(AUTHCACHE_SESSION, h2, 1, &got));
	authcache_clear();		/* revoke, disable, password */
	assert_false(authcache_get(AUTHCACHE_SESSION, h2, 1, &got));
	/* a lookup that began before an invalidation does not fill */
	g = authcache_gen();
	authcache_drop(h2);
	authcache_put(g, AUTHCACHE_SESSION, h2, 2, &e);
	assert_false(authcache_get(AUTHCACHE_SESSION, h2, 3, &got));
	g = authcache_gen();
	authcache_clear();
	authcache_put(g, AUTHCACHE_TOKEN, h, 2, &e);
	assert_int_equal(authcache_count(), 0);
	authcache_set_ttl(0);
}

static void
test_authcache_bound(void **state)
{
	struct authcache_ent e, got;
	char h[AUTHCACHE_KEY + 1];

	(void)state;
	authcache_set_ttl(60000);
	/* one set: the oldest fill goes first, the set never holds more than its ways */
	for (unsigned i = 0; i < AUTHCACHE_WAYS + 3; i++) {
		e = ent(i);
		key(h, 5, i);
		authcache_put(authcache_gen(), AUTHCACHE_TOKEN, h, 10 + i, &e);
	}
	assert_int_equal(authcache_count(), AUTHCACHE_WAYS);
	for (unsigned i = 0; i < AUTHCACHE_WAYS + 3; i++) {
		key(h, 5, i);
		assert_int_equal(authcache_get(AUTHCACHE_TOKEN, h, 20, &got), i >= 3);
		if (i >= 3)
			assert_int_equal(got.u.id, i);
	}
	/* a refill of a held key replaces it in place */
	e = ent(99);
	key(h, 5, 6);
	authcache_put(authcache_gen(), AUTHCACHE_TOKEN, h, 30, &e);
	assert_int_equal(authcache_count(), AUTHCACHE_WAYS);
	assert_true(authcache_get(AUTHCACHE_TOKEN, h, 31, &got));
	assert_int_equal(got.u.id, 99);
	/* many keys: never more than the fixed size */
	for (unsigned i = 0; i < 4 * AUTHCACHE_SETS * AUTHCACHE_WAYS; i++) {
		e = ent(i);
		key(h, i * 2654435761u % 65536, i);
		authcache_put(authcache_gen(), AUTHCACHE_SESSION, h, 40, &e);
	}
	assert_int_equal(authcache_count(), AUTHCACHE_SETS * AUTHCACHE_WAYS);
	authcache_set_ttl(0);
	assert_int_equal(authcache_count(), 0);
}

#define THREADS	4
#define ROUNDS	20000

/* Each thread fills and reads its keys; an entry read always is the one of its key. */
static void *
worker(void *arg)
{
	unsigned t = (unsigned)(uintptr_t)arg;
	struct authcache_ent e, got;
	char h[AUTHCACHE_KEY + 1];
	uintptr_t bad = 0;

	for (unsigned r = 0; r < ROUNDS; r++) {
		unsigned i = (r * 7 + t) % 3000;

		key(h, i % 512, i);
		if (authcache_get(AUTHCACHE_TOKEN, h, 1, &got)) {
			char want[16];

			snprintf(want, sizeof(want), "u%u", i);
			bad += got.u.id != (int64_t)i || strcmp(got.u.name, want) != 0;
		} else {
			e = ent(i);
			authcache_put(authcache_gen(), AUTHCACHE_TOKEN, h, 1, &e);
		}
		if (t == 0 && r % 1000 == 0)
			authcache_clear();
		if (t == 1 && r % 777 == 0)
			authcache_drop(h);
	}
	return (void *)bad;
}

static void
test_authcache_threads(void **state)
{
	pthread_t th[THREADS];

	(void)state;
	authcache_set_ttl(60000);
	for (uintptr_t t = 0; t < THREADS; t++)
		assert_int_equal(pthread_create(&th[t], NULL, worker, (void *)t), 0);
	for (int t = 0; t < THREADS; t++) {
		void *bad;

		assert_int_equal(pthread_join(th[t], &bad), 0);
		assert_int_equal((uintptr_t)bad, 0);
	}
	assert_true(authcache_count() <= AUTHCACHE_SETS * AUTHCACHE_WAYS);
	authcache_set_ttl(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_authcache_ttl),
		cmocka_unit_test(test_authcache_invalidate),
		cmocka_unit_test(test_authcache_bound),
		cmocka_unit_test(test_authcache_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
