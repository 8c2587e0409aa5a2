/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for flow.c: both directions, timeouts, closing, eviction, bounds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "flow.h"

struct ended {
	int		n;
	enum flow_end	why[64];
	uint64_t	pkts0[64], pkts1[64];
	uint16_t	sport[64];
};

static void
on_end(void *arg, struct flow *f, enum flow_end why, usec_t now)
{
	struct ended *e = arg;
	const uint8_t *s, *d;
	uint16_t sp, dp;

	(void)now;
	flow_endpoints(f, &s, &sp, &d, &dp);
	if (e->n < 64) {
		e->why[e->n] = why;
		e->pkts0[e->n] = f->pkts[0];
		e->pkts1[e->n] = f->pkts[1];
		e->sport[e->n] = sp;
	}
	e->n++;
}

static struct pkt
mk(uint8_t a, uint16_t sport, uint8_t bb, uint16_t dport, uint8_t proto, usec_t ts)
{
	struct pkt p;

	memset(&p, 0, sizeof(p));
	p.ipver = 4;
	p.l4proto = proto;
	p.src[10] = p.src[11] = p.dst[10] = p.dst[11] = 0xff;
	p.src[15] = a;
	p.dst[15] = bb;
	p.sport = sport;
	p.dport = dport;
	p.ts = ts;
	p.l3len = 100;
	return p;
}

static struct flow_table *
table(size_t cap, struct ended *e)
{
	usec_t tmo[FLOW_NCLASS] = { 60 * USEC_PER_SEC, 300 * USEC_PER_SEC, 10 * USEC_PER_SEC };

	memset(e, 0, sizeof(*e));
	return flow_table_new(cap, tmo, 1800 * USEC_PER_SEC, on_end, e);
}

static struct flow *
feed(struct flow_table *ft, struct pkt p, int *dir)
{
	struct flow *f = flow_lookup(ft, &p, dir);

	flow_update(ft, f, &p, *dir);
	return f;
}

static void
test_bidirectional(void **state)
{
	struct ended e;
	struct flow_table *ft = table(16, &e);
	struct flow *f1, *f2;
	int d1, d2;

	(void)state;
	/* the initiator has the larger address: direction still comes from it */
	f1 = feed(ft, mk(9, 5060, 1, 5070, 17, 1), &d1);
	f2 = feed(ft, mk(1, 5070, 9, 5060, 17, 2), &d2);
	assert_ptr_equal(f1, f2);
	assert_int_equal(d1, 0);
	assert_int_equal(d2, 1);
	assert_int_equal(f1->pkts[0], 1);
	assert_int_equal(f1->pkts[1], 1);
	assert_int_equal(flow_table_stats(ft)->created, 1);
	flow_flush(ft, 3);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.why[0], FLOW_END_EOF);
	assert_int_equal(e.sport[0], 5060);
	flow_table_free(ft);
}

static void
test_idle_timeout(void **state)
{
	struct ended e;
	struct flow_table *ft = table(16, &e);
	int d;

	(void)state;
	feed(ft, mk(1, 1, 2, 2, 17, 0), &d);
	feed(ft, mk(3, 1, 4, 2, 6, 0), &d);
	assert_int_equal(flow_expire(ft, 59 * USEC_PER_SEC, 8), 0);
	assert_int_equal(flow_expire(ft, 60 * USEC_PER_SEC, 8), 1);	/* UDP only */
	assert_int_equal(e.why[0], FLOW_END_IDLE);
	assert_int_equal(flow_expire(ft, 300 * USEC_PER_SEC, 8), 1);	/* then TCP */
	assert_int_equal(flow_table_stats(ft)->in_use, 0);
	flow_table_free(ft);
}

/* A flow idle past its timeout ends when its next packet comes, walk or not. */
static void
test_idle_without_walk(void **state)
{
	struct ended e;
	struct flow_table *ft = table(16, &e);
	struct flow *f;
	int d;

	(void)state;
	feed(ft, mk(1, 1, 2, 2, 17, 0), &d);
	f = feed(ft, mk(2, 2, 1, 1, 17, 61 * USEC_PER_SEC), &d);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.why[0], FLOW_END_IDLE);
	assert_int_equal(d, 0);			/* the new flow starts from this packet */
	assert_int_equal(f->pkts[0], 1);
	assert_int_equal(e.sport[0], 1);
	assert_int_equal(flow_table_stats(ft)->created, 2);
	flow_table_free(ft);
}

static void
test_expire_budget(void **state)
{
	struct ended e;
	struct flow_table *ft = table(64, &e);
	int d, i;

	(void)state;
	for (i = 0; i < 20; i++)
		feed(ft, mk((uint8_t)i, 1, 200, 2, 17, 0), &d);
	assert_int_equal(flow_expire(ft, 100 * USEC_PER_SEC, 8), 8);
	assert_int_equal(flow_expire(ft, 100 * USEC_PER_SEC, 8), 8);
	assert_int_equal(flow_expire(ft, 100 * USEC_PER_SEC, 8), 4);
	flow_table_free(ft);
}

static void
test_tcp_close(void **state)
{
	struct ended e;
	struct flow_table *ft = table(16, &e);
	struct pkt p;
	int d;

	(void)state;
	p = mk(1, 40000, 2, 5060, 6, 0);
	p.tcp_flags = TCP_FIN;
	feed(ft, p, &d);
	assert_int_equal(flow_expire(ft, 11 * USEC_PER_SEC, 8), 0);	/* half closed */
	p = mk(2, 5060, 1, 40000, 6, USEC_PER_SEC);
	p.tcp_flags = TCP_FIN | TCP_ACK;
	feed(ft, p, &d);
	assert_int_equal(flow_expire(ft, 12 * USEC_PER_SEC, 8), 1);
	assert_int_equal(e.why[0], FLOW_END_CLOSED);
	flow_table_free(ft);
}

static void
test_full_evicts_lru(void **state)
{
	struct ended e;
	struct flow_table *ft = table(4, &e);
	int d, i;

	(void)state;
	for (i = 0; i < 4; i++)
		feed(ft, mk((uint8_t)(10 + i), 1, 200, 2, 17, (usec_t)i), &d);
	feed(ft, mk(10, 1, 200, 2, 17, 10), &d);	/* refresh the oldest */
	feed(ft, mk(99, 1, 200, 2, 17, 11), &d);	/* table full: evict LRU */
	assert_int_equal(e.n, 1);
	assert_int_equal(e.why[0], FLOW_END_EVICTED);
	assert_int_equal(flow_table_stats(ft)->expired[FLOW_END_EVICTED], 1);
	assert_int_equal(flow_table_stats(ft)->in_use, 4);
	flow_flush(ft, 20);
	assert_int_equal(e.n, 5);
	flow_table_free(ft);
}

/*
 * The end of a file ends every flow oldest first across the classes (as
 * evicting them one by one would), and the table then starts empty: a key
 * seen before is a new flow, and the slots fill again to the capacity.
 */
static void
test_flush_order_and_reuse(void **state)
{
	struct ended e;
	struct flow_table *ft = table(4, &e);
	struct flow *f;
	int d, i;

	(void)state;
	feed(ft, mk(1, 101, 2, 80, 6, 1), &d);		/* TCP, last 1 */
	feed(ft, mk(1, 102, 2, 53, 17, 2), &d);		/* UDP, last 2 */
	feed(ft, mk(1, 103, 2, 80, 6, 3), &d);		/* TCP, last 3 */
	feed(ft, mk(1, 104, 2, 53, 17, 4), &d);		/* UDP, last 4 */
	flow_flush(ft, 10);
	assert_int_equal(e.n, 4);
	assert_int_equal(e.sport[0], 101);
	assert_int_equal(e.sport[1], 102);
	assert_int_equal(e.sport[2], 103);
	assert_int_equal(e.sport[3], 104);
	for (i = 0; i < 4; i++)
		assert_int_equal(e.why[i], FLOW_END_EOF);
	assert_int_equal(flow_table_stats(ft)->in_use, 0);
	assert_int_equal(flow_table_stats(ft)->expired[FLOW_END_EOF], 4);

	/* empty again: the same key makes a new flow, four fit with no eviction */
	f = feed(ft, mk(1, 101, 2, 80, 6, 20), &d);
	assert_int_equal(f->pkts[0], 1);
	assert_int_equal(flow_table_stats(ft)->created, 5);
	for (i = 0; i < 3; i++)
		feed(ft, mk(3, (uint16_t)(200 + i), 4, 53, 17, (usec_t)(21 + i)), &d);
	assert_int_equal(flow_table_stats(ft)->in_use, 4);
	assert_int_equal(flow_table_stats(ft)->expired[FLOW_END_EVICTED], 0);
	feed(ft, mk(3, 300, 4, 53, 17, 30), &d);	/* full: the oldest goes */
	assert_int_equal(e.n, 5);
	assert_int_equal(e.why[4], FLOW_END_EVICTED);
	assert_int_equal(e.sport[4], 101);
	flow_flush(ft, 40);
	assert_int_equal(e.n, 9);
	flow_table_free(ft);
}

static void
test_active_timeout(void **state)
{
	struct ended e;
	struct flow_table *ft = table(4, &e);
	usec_t t;
	int d;

	(void)state;
	/* a packet each way every 50 s: never idle, reported every 1800 s */
	for (t = 0; t < 1800 * USEC_PER_SEC; t += 50 * USEC_PER_SEC) {
		feed(ft, mk(1, 1, 2, 2, 17, t), &d);
		feed(ft, mk(2, 2, 1, 1, 17, t + 1), &d);
	}
	assert_int_equal(e.n, 0);
	feed(ft, mk(1, 1, 2, 2, 17, 1800 * USEC_PER_SEC), &d);
	assert_int_equal(e.n, 1);
	assert_int_equal(e.why[0], FLOW_END_ACTIVE);
	assert_int_equal(e.pkts0[0], 36);
	assert_int_equal(e.pkts1[0], 36);
	flow_flush(ft, 1801 * USEC_PER_SEC);
	assert_int_equal(e.pkts0[1], 1);	/* counters restarted */
	assert_int_equal(e.pkts1[1], 0);
	flow_table_free(ft);
}

static void
test_zone_separates(void **state)
{
	struct ended e;
	struct flow_table *ft = table(16, &e);
	struct pkt p = mk(1, 1, 2, 2, 17, 0);
	int d;

	(void)state;
	feed(ft, p, &d);
	p.nvlan = 1;
	p.vlan[0] = 100;
	feed(ft, p, &d);
	assert_int_equal(flow_table_stats(ft)->created, 2);
	flow_table_free(ft);
}

/* Many more distinct flows than capacity: memory stays what it was. */
static void
test_bounded(void **state)
{
	struct ended e;
	struct flow_table *ft = table(1024, &e);
	size_t bytes = flow_table_bytes(ft);
	int d;
	uint32_t i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		struct pkt p = mk((uint8_t)i, (uint16_t)(i >> 8), 2, 2, 17, i);

		p.src[14] = (uint8_t)(i >> 16);
		feed(ft, p, &d);
	}
	assert_int_equal(flow_table_stats(ft)->in_use, 1024);
	assert_int_equal(flow_table_bytes(ft), bytes);
	assert_int_equal(e.n, 100000 - 1024);
	flow_table_free(ft);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bidirectional),
		cmocka_unit_test(test_idle_timeout),
		cmocka_unit_test(test_idle_without_walk),
		cmocka_unit_test(test_expire_budget),
		cmocka_unit_test(test_tcp_close),
		cmocka_unit_test(test_full_evicts_lru),
		cmocka_unit_test(test_flush_order_and_reuse),
		cmocka_unit_test(test_active_timeout),
		cmocka_unit_test(test_zone_separates),
		cmocka_unit_test(test_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
