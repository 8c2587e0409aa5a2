/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for stream.c: TCP reassembly of SIP messages. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sip.h"
#include "stream.h"

#define U8(s)	((const uint8_t *)(s))

static const char reg[] =
    "REGISTER sip:sip.example.net SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 10.0.0.5:5080;branch=z9hG4bK77asjd\r\n"
    "From: <sip:4711@sip.example.net>;tag=a73kszlfl\r\n"
    "To: <sip:4711@sip.example.net>\r\n"
    "Call-ID: 1j9FpLxk3uxtm8tn@10.0.0.5\r\n"
    "CSeq: 2 REGISTER\r\n"
    "Contact: <sip:4711@10.0.0.5:5080;transport=tcp>\r\n"
    "Expires: 600\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

static const char msg_body[] =
    "MESSAGE sip:bob@example.net SIP/2.0\r\n"
    "Via: SIP/2.0/TCP 10.0.0.5:5080;branch=z9hG4bKm1\r\n"
    "From: <sip:4711@example.net>;tag=m1\r\n"
    "To: <sip:bob@example.net>\r\n"
    "Call-ID: msg-1@10.0.0.5\r\n"
    "CSeq: 7 MESSAGE\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 12\r\n"
    "\r\n"
    "Hello world!";

static const char ok200[] =
    "SIP/2.0 200 OK\r\n"
    "Via: SIP/2.0/TCP 10.0.0.5:5080;branch=z9hG4bK77asjd\r\n"
    "From: <sip:4711@sip.example.net>;tag=a73kszlfl\r\n"
    "To: <sip:4711@sip.example.net>;tag=srv1\r\n"
    "Call-ID: 1j9FpLxk3uxtm8tn@10.0.0.5\r\n"
    "CSeq: 2 REGISTER\r\n"
    "Content-Length: 0\r\n"
    "\r\n";

struct fx {
	struct stream_pool *sp;
	struct stream	*s;
	char		 got[8][20000];
	size_t		 ngot;
};

static int
setup(void **state)
{
	static struct fx fx;
	struct stream_params p;

	stream_params_default(&p);
	p.bufsize = 4096;
	p.max_ooo = 4;
	p.sip_cap = 2048;
	memset(&fx, 0, sizeof(fx));
	fx.sp = stream_pool_new(&p, 2);
	assert_non_null(fx.sp);
	fx.s = stream_open(fx.sp);
	assert_non_null(fx.s);
	*state = &fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *fx = *state;

	stream_close(fx->sp, fx->s);
	stream_pool_free(fx->sp);
	return 0;
}

/* Feeds one segment and collects every message it completes. */
static enum stream_event
feed(struct fx *fx, uint32_t seq, uint8_t flags, const char *p, size_t n)
{
	enum stream_event ev = stream_feed(fx->sp, fx->s, seq, flags, U8(p), n);
	const uint8_t *m;
	size_t len;

	while (stream_next(fx->sp, fx->s, &m, &len)) {
		assert_true(fx->ngot < 8);
		assert_true(len < sizeof(fx->got[0]));
		memcpy(fx->got[fx->ngot], m, len);
		fx->got[fx->ngot++][len] = '\0';
	}
	return ev;
}

static uint64_t
stat(struct fx *fx, enum stream_event e)
{
	return stream_pool_stats(fx->sp)[e];
}

static void
test_two_in_one(void **state)
{
	struct fx *fx = *state;
	char seg[4096];
	int n = snprintf(seg, sizeof(seg), "%s\r\n\r\n%s", reg, msg_body);

	assert_int_equal(feed(fx, 1000, STREAM_TH_SYN, NULL, 0), STREAM_SYN);
	assert_int_equal(feed(fx, 1001, 0, seg, (size_t)n), STREAM_SEG_INORDER);
	assert_int_equal(fx->ngot, 2);
	assert_string_equal(fx->got[0], reg);
	assert_string_equal(fx->got[1], msg_body);
	assert_int_equal(stat(fx, STREAM_KEEPALIVE), 1);
	assert_int_equal(stat(fx, STREAM_MSG), 2);
}

static void
test_split_three(void **state)
{
	struct fx *fx = *state;
	size_t n = strlen(msg_body), a = 10, b = n - 5;

	feed(fx, 0xfffffff0u, STREAM_TH_SYN, NULL, 0);
	/* The message also crosses the sequence wrap. */
	assert_int_equal(feed(fx, 0xfffffff1u, 0, msg_body, a), STREAM_SEG_INORDER);
	assert_int_equal(feed(fx, 0xfffffff1u + (uint32_t)a, 0, msg_body + a, b - a),
	    STREAM_SEG_INORDER);
	assert_int_equal(fx->ngot, 0);
	assert_int_equal(feed(fx, 0xfffffff1u + (uint32_t)b, 0, msg_body + b, n - b),
	    STREAM_SEG_INORDER);
	assert_int_equal(fx->ngot, 1);
	assert_string_equal(fx->got[0], msg_body);
}

static void
test_out_of_order_and_retrans(void **state)
{
	struct fx *fx = *state;
	char all[4096];
	size_t n = (size_t)snprintf(all, sizeof(all), "%s%s", reg, ok200);
	size_t c1 = 100, c2 = 300;
	uint32_t isn = 5000;

	feed(fx, isn, STREAM_TH_SYN, NULL, 0);
	assert_int_equal(feed(fx, isn + 1 + (uint32_t)c2, 0, all + c2, n - c2),
	    STREAM_SEG_OOO);
	assert_int_equal(feed(fx, isn + 1 + (uint32_t)c1, 0, all + c1, c2 - c1),
	    STREAM_SEG_OOO);
	assert_int_equal(fx->ngot, 0);
	assert_int_equal(feed(fx, isn + 1, 0, all, c1), STREAM_SEG_INORDER);
	assert_int_equal(fx->ngot, 2);
	assert_string_equal(fx->got[0], reg);
	assert_string_equal(fx->got[1], ok200);
	/* Retransmits of everything change nothing. */
	assert_int_equal(feed(fx, isn + 1, 0, all, c1), STREAM_SEG_RETRANS);
	assert_int_equal(feed(fx, isn + 1 + (uint32_t)c1, 0, all + c1, n - c1),
	    STREAM_SEG_RETRANS);
	assert_int_equal(fx->ngot, 2);
	assert_int_equal(stat(fx, STREAM_SEG_RETRANS), 2);
	/* An overlapping retransmit that carries new bytes is trimmed. */
	{
		char two[4096];
		size_t m = (size_t)snprintf(two, sizeof(two), "%s%s", ok200, reg);
		assert_int_equal(feed(fx, isn + 1 + (uint32_t)(n - strlen(ok200)), 0,
		    two, m), STREAM_SEG_OVERLAP);
	}
	assert_int_equal(fx->ngot, 3);
	assert_string_equal(fx->got[2], reg);
}

static void
test_gap_resync(void **state)
{
	struct fx *fx = *state;
	size_t r = strlen(reg), m = strlen(msg_body), o = strlen(ok200);
	uint32_t s0 = 1, s1 = s0 + (uint32_t)r, s2 = s1 + (uint32_t)m;
	uint32_t s3 = s2 + (uint32_t)o;
	int i;

	feed(fx, 0, STREAM_TH_SYN, NULL, 0);
	feed(fx, s0, 0, reg, 40);		/* half of REGISTER; the rest is lost */
	feed(fx, s1 + 30, 0, msg_body + 30, m - 30);	/* tail of MESSAGE */
	feed(fx, s2, 0, ok200, o);
	/* Fill the other out-of-order slots with later non-adjacent pieces. */
	for (i = 0; i < 3; i++)
		feed(fx, s3 + 100 + (uint32_t)i * 50, 0, "xxxxxxxxxx", 10);
	assert_int_equal(fx->ngot, 0);
	/* One more range: the oldest hole is given up, ok200 comes out. */
	assert_int_equal(feed(fx, s3 + 1000, 0, "yy\r\n", 4), STREAM_OOO_FULL);
	assert_int_equal(fx->ngot, 1);
	assert_string_equal(fx->got[0], ok200);
	assert_int_equal(stat(fx, STREAM_GAP), 1);
	assert_int_equal(stat(fx, STREAM_GAP_BYTES), r - 40 + 30);
	assert_true(stat(fx, STREAM_DISCARD_BYTES) >= 40 + m - 30);
	/* An explicit skip of the remaining holes resyncs on the REGISTER. */
	while (stream_skip_gap(fx->sp, fx->s))
		;
	feed(fx, s3 + 1004, 0, reg, r);
	assert_int_equal(fx->ngot, 2);
	assert_string_equal(fx->got[1], reg);
}

static void
test_window_jump(void **state)
{
	struct fx *fx = *state;

	feed(fx, 100, STREAM_TH_SYN, NULL, 0);
	feed(fx, 101, 0, reg, 20);
	/* Far beyond the 4 KiB window: the hole is skipped at once. */
	assert_int_equal(feed(fx, 101 + 100000, 0, ok200, strlen(ok200)),
	    STREAM_WINDOW);
	assert_int_equal(fx->ngot, 1);
	assert_string_equal(fx->got[0], ok200);
	assert_int_equal(stat(fx, STREAM_GAP_BYTES), 100000 - 20);
}

static void
test_midstream_junk(void **state)
{
	struct fx *fx = *state;
	char seg[4096];
	/* No SYN seen: the tail of an earlier message, then a whole one. */
	int n = snprintf(seg, sizeof(seg), "a=ptime:20\r\n\r\n%s", ok200);

	assert_int_equal(feed(fx, 777, 0, seg, (size_t)n), STREAM_SEG_INORDER);
	assert_int_equal(fx->ngot, 1);
	assert_string_equal(fx->got[0], ok200);
	assert_int_equal(stat(fx, STREAM_DISCARD_BYTES), 14);
}

static void
test_bad_frames(void **state)
{
	struct fx *fx = *state;
	char seg[8192];
	uint32_t seq = 1;
	int n;

	feed(fx, 0, STREAM_TH_SYN, NULL, 0);
	/* Not SIP at the start: resync to the next start line. */
	n = snprintf(seg, sizeof(seg), "HELLO THERE\r\nmore junk\r\n%s", reg);
	feed(fx, seq, 0, seg, (size_t)n);
	seq += (uint32_t)n;
	assert_int_equal(fx->ngot, 1);
	assert_int_equal(stat(fx, STREAM_NOT_SIP), 1);
	/* Bad Content-Length. */
	n = snprintf(seg, sizeof(seg), "SIP/2.0 200 OK\r\nl: x\r\n\r\n%s", ok200);
	feed(fx, seq, 0, seg, (size_t)n);
	seq += (uint32_t)n;
	assert_int_equal(fx->ngot, 2);
	assert_string_equal(fx->got[1], ok200);
	assert_int_equal(stat(fx, STREAM_BAD_LENGTH), 1);
	/* A message over the cap is skipped whole, by its Content-Length. */
	n = snprintf(seg, sizeof(seg), "SIP/2.0 200 OK\r\nContent-Length: 3000\r\n\r\n");
	memset(seg + n, 'z', 3000);
	n += 3000;
	n += snprintf(seg + n, sizeof(seg) - (size_t)n, "%s", reg);
	feed(fx, seq, 0, seg, 1500);
	feed(fx, seq + 1500, 0, seg + 1500, (size_t)n - 1500);
	seq += (uint32_t)n;
	assert_int_equal(stat(fx, STREAM_TOO_LARGE), 1);
	assert_int_equal(fx->ngot, 3);
	assert_string_equal(fx->got[2], reg);
	assert_int_equal(stat(fx, STREAM_RESYNC), 2);
}

static void
test_long_content_length_and_fin(void **state)
{
	struct fx *fx = *state;
	char seg[4096];
	/* Content-Length larger than the body: the message waits for more. */
	int n = snprintf(seg, sizeof(seg),
	    "SIP/2.0 200 OK\r\nCall-ID: x\r\nContent-Length: 100\r\n\r\nshort");

	feed(fx, 0, STREAM_TH_SYN, NULL, 0);
	feed(fx, 1, 0, seg, (size_t)n);
	assert_int_equal(fx->ngot, 0);
	assert_false(stream_is_done(fx->s));
	assert_int_equal(feed(fx, 1 + (uint32_t)n, STREAM_TH_FIN, NULL, 0), STREAM_FIN);
	assert_int_equal(fx->ngot, 0);
	assert_int_equal(feed(fx, 1 + (uint32_t)n + 1, 0, "late", 4),
	    STREAM_SEG_AFTER_FIN);
}

static void
test_fin_done_and_rst(void **state)
{
	struct fx *fx = *state;

	feed(fx, 0, STREAM_TH_SYN, NULL, 0);
	assert_int_equal(feed(fx, 1, STREAM_TH_FIN, reg, strlen(reg)),
	    STREAM_SEG_INORDER);
	assert_int_equal(fx->ngot, 1);
	assert_true(stream_is_done(fx->s));
	assert_int_equal(feed(fx, 0, STREAM_TH_RST, NULL, 0), STREAM_RST);
	assert_int_equal(feed(fx, 5, 0, reg, 5), STREAM_SEG_CLOSED);
	assert_true(stream_is_done(fx->s));
}

static uint32_t rng = 1;

static uint32_t
rnd(uint32_t n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) % n;
}

/*
 * Property: 60 messages with keepalives between some, cut into random
 * segments of 1-200 bytes, each run of three delivered in reverse, some
 * retransmitted, come out whole, in order, with no gap.
 */
static void
test_random_segmentation(void **state)
{
	static const char *const msgs[] = { reg, msg_body, ok200 };
	static char all[60000];
	static size_t mstart[61];
	struct { uint32_t off, len; } seg[2000];
	struct fx *fx = *state;
	const uint8_t *m;
	size_t n = 0, nseg = 0, got = 0, i, len;
	int k;

	for (k = 0; k < 60; k++) {
		if (k % 7 == 3)
			n += (size_t)snprintf(all + n, sizeof(all) - n, "\r\n\r\n");
		mstart[k] = n;
		n += (size_t)snprintf(all + n, sizeof(all) - n, "%s", msgs[k % 3]);
	}
	for (i = 0; i < n; i += seg[nseg++].len) {
		seg[nseg].off = (uint32_t)i;
		seg[nseg].len = 1 + rnd(200);
		if (i + seg[nseg].len > n)
			seg[nseg].len = (uint32_t)(n - i);
	}
	feed(fx, 99, STREAM_TH_SYN, NULL, 0);
	for (i = 0; i < nseg; i += 3)
		for (k = 2; k >= 0; k--) {
			size_t j = i + (size_t)k;
			if (j >= nseg)
				continue;
			stream_feed(fx->sp, fx->s, 100 + seg[j].off, 0,
			    (const uint8_t *)all + seg[j].off, seg[j].len);
			if (rnd(10) == 0)	/* a retransmit */
				stream_feed(fx->sp, fx->s, 100 + seg[j].off, 0,
				    (const uint8_t *)all + seg[j].off, seg[j].len);
			while (stream_next(fx->sp, fx->s, &m, &len)) {
				assert_true(got < 60);
				assert_int_equal(len, strlen(msgs[got % 3]));
				assert_memory_equal(m, all + mstart[got], len);
				got++;
			}
		}
	assert_int_equal(got, 60);
	assert_int_equal(stat(fx, STREAM_GAP), 0);
	assert_int_equal(stat(fx, STREAM_DISCARD_BYTES), 0);
	assert_int_equal(stat(fx, STREAM_KEEPALIVE), 9);
	assert_true(stat(fx, STREAM_SEG_OOO) > 0);
}

static void
test_syn_with_data(void **state)
{
	struct fx *fx = *state;

	/* TCP Fast Open: the SYN carries the first message at ISN+1. */
	assert_int_equal(feed(fx, 41, STREAM_TH_SYN, ok200, strlen(ok200)),
	    STREAM_SEG_INORDER);
	assert_int_equal(fx->ngot, 1);
	assert_int_equal(stat(fx, STREAM_SYN), 1);
	/* A pure ACK is an empty segment. */
	assert_int_equal(feed(fx, 42 + (uint32_t)strlen(ok200), 0, NULL, 0),
	    STREAM_SEG_EMPTY);
	assert_int_equal(stat(fx, STREAM_SEG_EMPTY), 1);
}

static void
test_pool_bounds(void **state)
{
	struct fx *fx = *state;
	struct stream *b, *c;
	struct stream_params p;

	b = stream_open(fx->sp);
	assert_non_null(b);
	c = stream_open(fx->sp);
	assert_null(c);
	assert_int_equal(stat(fx, STREAM_NO_MEM), 1);
	assert_int_equal(stream_pool_in_use(fx->sp), 2);
	stream_close(fx->sp, b);
	stream_close(fx->sp, NULL);
	assert_int_equal(stream_pool_in_use(fx->sp), 1);
	stream_params_default(&p);
	p.sip_cap = p.bufsize + 1;
	assert_null(stream_pool_new(&p, 1));
	p.sip_cap = 100;
	p.max_ooo = STREAM_OOO_MAX + 1;
	assert_null(stream_pool_new(&p, 1));
	stream_pool_free(NULL);
}

static void
test_big_inorder_segment(void **state)
{
	struct fx *fx = *state;
	static char seg[12000];
	size_t n;

	/* A GRO-sized segment larger than the buffer: its tail is kept. */
	memset(seg, 'q', sizeof(seg));
	n = sizeof(seg) - strlen(ok200);
	memcpy(seg + n - 2, "\r\n", 2);
	memcpy(seg + n, ok200, strlen(ok200));
	feed(fx, 0, STREAM_TH_SYN, NULL, 0);
	assert_int_equal(feed(fx, 1, 0, seg, sizeof(seg)), STREAM_BUF_FULL);
	assert_int_equal(fx->ngot, 1);
	assert_string_equal(fx->got[0], ok200);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_two_in_one, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_three, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order_and_retrans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gap_resync, setup, teardown),
		cmocka_unit_test_setup_teardown(test_window_jump, setup, teardown),
		cmocka_unit_test_setup_teardown(test_midstream_junk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_content_length_and_fin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fin_done_and_rst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_random_segmentation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_syn_with_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pool_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_big_inorder_segment, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
