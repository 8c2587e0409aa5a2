/* SPDX-License-Identifier: BSD-2-Clause */
/* Confswap: readers keep what they hold until their next batch; reclaim; stress. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "confswap.h"

/* A config whose fields all derive from v, with heap data (a prefix list). */
static struct conf *
mkconf(uint64_t v)
{
	char buf[256], err[128];
	struct conf *c;
	int n;

	n = snprintf(buf, sizeof(buf), "version %llu\nflow_expire_budget %llu\n"
	    "subscriber_prefix 10.%u.0.0/16\nsite_id site-%llu\n",
	    (unsigned long long)v, (unsigned long long)(v % 4096 + 1),
	    (unsigned)(v % 256), (unsigned long long)v);
	c = conf_parse(buf, (size_t)n, "test", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	return c;
}

/* Every field still says v: the memory was not freed or reused under us. */
static bool
conf_is_intact(const struct conf *c)
{
	char site[CONF_STR_MAX];

	snprintf(site, sizeof(site), "site-%llu", (unsigned long long)c->version);
	return c->flow_expire_budget == c->version % 4096 + 1 &&
	    c->subscriber_prefixes.n == 1 &&
	    c->subscriber_prefixes.v[0].addr[13] == c->version % 256 &&
	    strcmp(c->site_id, site) == 0;
}

static void
test_reader_holds_until_next_batch(void **state)
{
	struct confswap *cs = confswap_new(mkconf(1));
	struct confswap_reader *a = confswap_reader_new(cs), *b = confswap_reader_new(cs);
	const struct conf *ca, *cb;

	(void)state;
	assert_non_null(a);
	ca = confswap_current(a);
	cb = confswap_current(b);
	assert_ptr_equal(ca, cb);
	assert_int_equal(ca->version, 1);
	assert_int_equal(confswap_publish(cs, mkconf(2)), 2);
	/* both readers may still use version 1 */
	assert_int_equal(confswap_reclaim(cs), 1);
	assert_true(conf_is_intact(ca));
	assert_int_equal(confswap_current(a)->version, 2);
	assert_int_equal(confswap_reclaim(cs), 1);		/* b still holds it */
	assert_int_equal(confswap_current(b)->version, 2);
	assert_int_equal(confswap_reclaim(cs), 0);
	assert_int_equal(confswap_latest(cs)->version, 2);
	confswap_reader_free(a);
	confswap_reader_free(b);
	confswap_free(cs);
}

static void
test_offline_reader_does_not_hold(void **state)
{
	struct confswap *cs = confswap_new(mkconf(1));
	struct confswap_reader *r = confswap_reader_new(cs);

	(void)state;
	(void)confswap_current(r);
	confswap_offline(r);
	confswap_publish(cs, mkconf(2));
	assert_int_equal(confswap_reclaim(cs), 0);
	/* a new reader holds nothing until its first batch */
	confswap_reader_free(r);
	r = confswap_reader_new(cs);
	confswap_publish(cs, mkconf(3));
	assert_int_equal(confswap_reclaim(cs), 0);
	assert_int_equal(confswap_current(r)->version, 3);
	assert_int_equal(confswap_generation(cs), 3);
	confswap_reader_free(r);
	confswap_free(cs);
}

/* Retired configs pile up behind a slow reader and all go when it moves on. */
static void
test_slow_reader_then_free_all(void **state)
{
	struct confswap *cs = confswap_new(mkconf(1));
	struct confswap_reader *r = confswap_reader_new(cs);
	const struct conf *held = confswap_current(r);

	(void)state;
	for (uint64_t v = 2; v <= 10; v++)
		confswap_publish(cs, mkconf(v));
	assert_int_equal(confswap_reclaim(cs), 9);
	assert_true(conf_is_intact(held));
	assert_int_equal(held->version, 1);
	/* freeing with retired configs pending leaks nothing (LSan checks) */
	confswap_reader_free(r);
	confswap_free(cs);
}

static void
test_reader_slots(void **state)
{
	struct confswap *cs = confswap_new(mkconf(1));
	struct confswap_reader *r[CONFSWAP_MAX_READERS];

	(void)state;
	for (int i = 0; i < CONFSWAP_MAX_READERS; i++)
		assert_non_null(r[i] = confswap_reader_new(cs));
	assert_null(confswap_reader_new(cs));
	confswap_reader_free(r[5]);
	assert_non_null(r[5] = confswap_reader_new(cs));
	for (int i = 0; i < CONFSWAP_MAX_READERS; i++)
		confswap_reader_free(r[i]);
	confswap_free(cs);
	confswap_free(NULL);
	confswap_reader_free(NULL);
	assert_null(confswap_new(NULL));
}

/* --- stress: readers in tight batches, a publisher swapping as fast as it can */

#define STRESS_READERS	6
#define STRESS_PUBLISH	20000	/* at least, and until readers did STRESS_BATCHES */
#define STRESS_BATCHES	200000

struct stress {
	struct confswap	*cs;
	_Atomic bool	 stop;
	_Atomic uint64_t batches, bad;
	_Atomic uint64_t progress;	/* batches so far, all readers */
};

static void *
stress_reader(void *arg)
{
	struct stress *s = arg;
	struct confswap_reader *r = confswap_reader_new(s->cs);
	uint64_t last = 0, n = 0, bad = 0;
	const struct conf *c;

	while (!atomic_load(&s->stop)) {
		c = confswap_current(r);
		/* a batch: read the config several times, as a worker would */
		for (int i = 0; i < 8; i++)
			if (!conf_is_intact(c))
				bad++;
		if (c->version < last)
			bad++;		/* generations never go back */
		last = c->version;
		if (++n % 64 == 0) {
			atomic_fetch_add(&s->progress, 64);
			confswap_offline(r);	/* an idle wait */
			sched_yield();
		}
	}
	confswap_reader_free(r);
	atomic_fetch_add(&s->batches, n);
	atomic_fetch_add(&s->bad, bad);
	return NULL;
}

static void
test_stress(void **state)
{
	struct stress s = { .cs = confswap_new(mkconf(1)) };
	pthread_t th[STRESS_READERS];
	size_t pending = 0;
	uint64_t v;

	(void)state;
	for (int i = 0; i < STRESS_READERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, stress_reader, &s), 0);
	for (v = 2; v <= STRESS_PUBLISH || (atomic_load(&s.progress) < STRESS_BATCHES &&
	    v < 100 * STRESS_PUBLISH); v++) {
		assert_int_equal(confswap_publish(s.cs, mkconf(v)), v);
		if (v % 16 == 0)
			pending = confswap_reclaim(s.cs);
		if (v % 64 == 0)
			sched_yield();
	}
	atomic_store(&s.stop, true);
	for (int i = 0; i < STRESS_READERS; i++)
		pthread_join(th[i], NULL);
	assert_int_equal(atomic_load(&s.bad), 0);
	assert_true(atomic_load(&s.batches) > 0);
	assert_int_equal(confswap_reclaim(s.cs), 0);
	print_message("stress: %llu publishes, %llu reader batches, %zu pending at the "
	    "last periodic reclaim\n", (unsigned long long)v - 2,
	    (unsigned long long)atomic_load(&s.batches), pending);
	assert_int_equal(confswap_latest(s.cs)->version, v - 1);
	confswap_free(s.cs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_holds_until_next_batch),
		cmocka_unit_test(test_offline_reader_does_not_hold),
		cmocka_unit_test(test_slow_reader_then_free_all),
		cmocka_unit_test(test_reader_slots),
		cmocka_unit_test(test_stress),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
