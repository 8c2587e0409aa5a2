/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for rtp.c and rtp-rtcp.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "jw.h"
#include "rtp.h"

#define MS	1000ULL
#define T0	(1764408000ULL * USEC_PER_SEC)	/* 2025-11-29T09:20:00Z */

/* An RTP packet: b0 carries V/P/X/CC; 'extra' bytes after the fixed header. */
static size_t
mk(uint8_t *b, uint8_t b0, uint8_t b1, uint16_t seq, uint32_t ts, uint32_t ssrc,
    const uint8_t *extra, size_t nextra, size_t payload)
{
	b[0] = b0;
	b[1] = b1;
	b[2] = (uint8_t)(seq >> 8);
	b[3] = (uint8_t)seq;
	b[4] = (uint8_t)(ts >> 24);
	b[5] = (uint8_t)(ts >> 16);
	b[6] = (uint8_t)(ts >> 8);
	b[7] = (uint8_t)ts;
	b[8] = (uint8_t)(ssrc >> 24);
	b[9] = (uint8_t)(ssrc >> 16);
	b[10] = (uint8_t)(ssrc >> 8);
	b[11] = (uint8_t)ssrc;
	if (nextra > 0)
		memcpy(b + 12, extra, nextra);
	memset(b + 12 + nextra, 0xd5, payload);
	return 12 + nextra + payload;
}

static void
test_decode(void **state)
{
	uint8_t b[400];
	struct rtp_hdr h;
	static const uint8_t ext[] = { 0xbe, 0xde, 0x00, 0x01, 0x10, 0xaa, 0x00, 0x00 };
	static const uint8_t csrc[] = { 0, 0, 0, 1, 0, 0, 0, 2 };
	static const uint8_t badext[] = { 0xbe, 0xde, 0x00, 0x40 };
	size_t n;

	(void)state;
	n = mk(b, 0x80, 8, 1, 160, 0x11223344, NULL, 0, 160);
	assert_int_equal(rtp_decode(b, n, &h), RTP_OK);
	assert_int_equal(h.pt, 8);
	assert_int_equal(h.ssrc, 0x11223344);
	assert_int_equal(h.payload_len, 160);
	/* The extension bit that nDPI 4.2 misses. */
	n = mk(b, 0x90, 0x80 | 18, 2, 320, 7, ext, sizeof(ext), 20);
	assert_int_equal(rtp_decode(b, n, &h), RTP_OK);
	assert_true(h.ext);
	assert_true(h.marker);
	assert_int_equal(h.ext_profile, 0xbede);
	assert_int_equal(h.hdr_len, 20);
	assert_int_equal(h.payload_len, 20);
	assert_true(rtp_sniff(b, n));
	/* Two CSRCs. */
	n = mk(b, 0x82, 0, 3, 480, 7, csrc, sizeof(csrc), 160);
	assert_int_equal(rtp_decode(b, n, &h), RTP_OK);
	assert_int_equal(h.cc, 2);
	assert_int_equal(h.hdr_len, 20);
	/* Padding: 4 bytes, the last says so. */
	n = mk(b, 0xa0, 0, 4, 640, 7, NULL, 0, 24);
	b[n - 1] = 4;
	assert_int_equal(rtp_decode(b, n, &h), RTP_OK);
	assert_int_equal(h.payload_len, 20);
	b[n - 1] = 0;
	assert_int_equal(rtp_decode(b, n, &h), RTP_BAD_PADDING);
	b[n - 1] = 200;
	assert_int_equal(rtp_decode(b, n, &h), RTP_BAD_PADDING);
	/* Malformed. */
	n = mk(b, 0x8f, 0, 1, 1, 1, NULL, 0, 8);	/* CC 15 over 8 bytes */
	assert_int_equal(rtp_decode(b, n, &h), RTP_TOO_SHORT);
	n = mk(b, 0x90, 0, 1, 1, 1, badext, sizeof(badext), 8);
	assert_int_equal(rtp_decode(b, n, &h), RTP_BAD_EXT);
	n = mk(b, 0x40, 0, 1, 1, 1, NULL, 0, 8);
	assert_int_equal(rtp_decode(b, n, &h), RTP_BAD_VERSION);
	n = mk(b, 0x80, 0xc8, 1, 1, 1, NULL, 0, 8);	/* RTCP SR */
	assert_int_equal(rtp_decode(b, n, &h), RTP_IS_RTCP);
	n = mk(b, 0x80, 50, 1, 1, 1, NULL, 0, 8);
	assert_int_equal(rtp_decode(b, n, &h), RTP_BAD_PT);
	assert_int_equal(rtp_decode(b, 11, &h), RTP_TOO_SHORT);
	assert_false(rtp_sniff((const uint8_t *)"GET / HTTP/1.1\r\n", 16));
}

static void
test_rtcp(void **state)
{
	/* SR with one report block, SDES CNAME, BYE: a compound. */
	static const uint8_t sr_sdes_bye[] = {
		0x81, 0xc8, 0x00, 0x0c,  0x11, 0x22, 0x33, 0x44,
		0xe6, 0x5b, 0x0d, 0x80,  0x00, 0x00, 0x00, 0x00,	/* NTP */
		0x00, 0x01, 0x00, 0x00,  0x00, 0x00, 0x00, 0x64,	/* RTP ts, pkts */
		0x00, 0x00, 0x3e, 0x80,					/* octets */
		0xaa, 0xbb, 0xcc, 0xdd,  0x19, 0xff, 0xff, 0xfe,	/* 10% lost, -2 */
		0x00, 0x01, 0x00, 0x10,  0x00, 0x00, 0x00, 0x20,
		0x00, 0x00, 0x00, 0x00,  0x00, 0x00, 0x00, 0x00,
		0x81, 0xca, 0x00, 0x03,  0x11, 0x22, 0x33, 0x44,
		0x01, 0x04, 'g', 'o',    'i', 'p', 0x00, 0x00,
		0x81, 0xcb, 0x00, 0x01,  0x11, 0x22, 0x33, 0x44,
	};
	static const uint8_t rr[] = { 0x80, 0xc9, 0x00, 0x01, 0, 0, 0, 9 };
	struct rtcp_info ri;
	uint8_t b[128];

	(void)state;
	assert_int_equal(rtcp_decode(sr_sdes_bye, sizeof(sr_sdes_bye), &ri), RTCP_OK);
	assert_int_equal(ri.npackets, 3);
	assert_int_equal(ri.types, 1 | 4 | 8);
	assert_int_equal(ri.ssrc, 0x11223344);
	assert_true(ri.has_sr);
	assert_int_equal(ri.sr_packets, 100);
	assert_int_equal(ri.sr_octets, 16000);
	assert_true(ri.has_rb);
	assert_int_equal(ri.rb_ssrc, 0xaabbccdd);
	assert_int_equal(ri.rb_fraction_lost, 0x19);
	assert_int_equal(ri.rb_cum_lost, -2);
	assert_int_equal(ri.rb_jitter, 32);
	assert_true(rtcp_sniff(rr, sizeof(rr)));
	/* Lengths that do not add up, a short tail, a bad type or version. */
	memcpy(b, sr_sdes_bye, sizeof(sr_sdes_bye));
	b[3] = 0x0d;	/* the SR swallows the SDES header: what follows is no RTCP */
	assert_int_equal(rtcp_decode(b, sizeof(sr_sdes_bye), &ri), RTCP_BAD_VERSION);
	b[3] = 0x20;	/* longer than the datagram */
	assert_int_equal(rtcp_decode(b, sizeof(sr_sdes_bye), &ri), RTCP_BAD_LENGTH);
	assert_int_equal(rtcp_decode(sr_sdes_bye, sizeof(sr_sdes_bye) - 4, &ri),
	    RTCP_BAD_LENGTH);
	assert_int_equal(rtcp_decode(sr_sdes_bye, sizeof(sr_sdes_bye) - 2, &ri),
	    RTCP_BAD_LENGTH);
	memcpy(b, sr_sdes_bye, sizeof(sr_sdes_bye));
	b[53] = 0x10;
	assert_int_equal(rtcp_decode(b, sizeof(sr_sdes_bye), &ri), RTCP_BAD_TYPE);
	b[53] = 0xca;
	b[52] = 0x41;
	assert_int_equal(rtcp_decode(b, sizeof(sr_sdes_bye), &ri), RTCP_BAD_VERSION);
	/* Padding on a packet that is not the last. */
	b[52] = 0xa1;
	assert_int_equal(rtcp_decode(b, sizeof(sr_sdes_bye), &ri), RTCP_BAD_PADDING);
	/* An RR claiming more report blocks than it holds. */
	memcpy(b, rr, sizeof(rr));
	b[0] = 0x81;
	assert_int_equal(rtcp_decode(b, sizeof(rr), &ri), RTCP_BAD_LENGTH);
	/* RTP is not RTCP. */
	assert_false(rtcp_sniff((const uint8_t *)"\x80\x08\x00\x01\x00\x00\x00\xa0"
	    "\x11\x22\x33\x44", 12));
}

/* Feeds packets with the given seqs, 20 ms and 160 ticks apart by seq. */
static void
run(struct rtp_stream *s, const int *seqs, size_t n, uint8_t pt)
{
	uint8_t b[200];
	struct rtp_hdr h;
	size_t i, len;

	for (i = 0; i < n; i++) {
		uint16_t seq = (uint16_t)seqs[i];
		len = mk(b, 0x80, pt, seq, (uint32_t)seq * 160u, 0xcafe, NULL, 0, 20);
		assert_int_equal(rtp_decode(b, len, &h), RTP_OK);
		if (i == 0)
			rtp_stream_init(s, &h, T0);
		else
			rtp_stream_update(s, &h, T0 + i * 20 * MS);
	}
}

static void
test_seq_wrap(void **state)
{
	static const int seqs[] = { 65530, 65531, 65532, 65533, 65534, 65535,
	    0, 1, 2, 3, 4, 5 };
	struct rtp_stream s;

	(void)state;
	run(&s, seqs, 12, 18);
	assert_int_equal(rtp_stream_expected(&s), 12);
	assert_int_equal(s.received, 12);
	assert_int_equal(rtp_stream_lost(&s), 0);
	assert_int_equal(s.cycles, 65536);
	assert_string_equal(s.codec, "G729");
	assert_int_equal(rtp_stream_ptime_ms(&s), 20);
}

static void
test_reorder_dup_loss(void **state)
{
	static const int seqs[] = { 1, 2, 4, 3, 5, 5, 6, 8, 9, 10, 12 };
	struct rtp_stream s;

	(void)state;
	run(&s, seqs, sizeof(seqs) / sizeof(seqs[0]), 0);
	assert_int_equal(s.packets, 11);
	assert_int_equal(s.seq_events[RTP_SEQ_REORDERED], 1);
	assert_int_equal(s.seq_events[RTP_SEQ_DUPLICATE], 1);
	assert_int_equal(rtp_stream_expected(&s), 12);
	assert_int_equal(s.received, 10);
	assert_int_equal(rtp_stream_lost(&s), 2);	/* 7 and 11 */
	assert_string_equal(s.codec, "PCMU");
	/* A late copy of 4 is a duplicate too. */
	{
		uint8_t b[256];
		struct rtp_hdr h;
		size_t n = mk(b, 0x80, 0, 4, 640, 0xcafe, NULL, 0, 20);
		assert_int_equal(rtp_decode(b, n, &h), RTP_OK);
		assert_int_equal(rtp_stream_update(&s, &h, T0 + 300 * MS),
		    RTP_SEQ_DUPLICATE);
		n = mk(b, 0x80, 0, 5, 800, 0xbeef, NULL, 0, 20);
		assert_int_equal(rtp_decode(b, n, &h), RTP_OK);
		assert_int_equal(rtp_stream_update(&s, &h, T0 + 300 * MS),
		    RTP_SEQ_OTHER_SSRC);
	}
}

static void
test_plausible(void **state)
{
	static const int good[] = { 7, 8, 9, 10, 11 };
	static const int noise[] = { 7, 30000, 900, 51000, 12000, 44, 20000 };
	struct rtp_stream s;

	(void)state;
	run(&s, good, 5, 18);
	assert_true(rtp_stream_is_plausible(&s, 4));
	assert_false(rtp_stream_is_plausible(&s, 6));
	/* Random UDP that happens to pass rtp_decode: no sequence continuity. */
	run(&s, noise, 7, 18);
	assert_false(rtp_stream_is_plausible(&s, 4));
}

static void
test_jump_restart(void **state)
{
	static const int seqs[] = { 100, 101, 40000, 40001, 40002 };
	struct rtp_stream s;

	(void)state;
	run(&s, seqs, 5, 8);
	assert_int_equal(s.seq_events[RTP_SEQ_JUMP], 1);
	assert_int_equal(s.seq_events[RTP_SEQ_RESTART], 1);
	assert_int_equal(rtp_stream_expected(&s), 4);
	assert_int_equal(s.received, 4);
	assert_int_equal(rtp_stream_lost(&s), 0);
}

/*
 * Jitter by hand (RFC 3550 6.4.1, 8000 Hz): packets every 20 ms, 160 ticks;
 * packet 5 arrives 5 ms late. D5 = 25 ms*8 - 160 = +40, J = 40/16 = 2.5;
 * D6 = 15 ms*8 - 160 = -40, J = 2.5 + 37.5/16 = 4.84375;
 * D7 = 0, J = 4.84375 * 15/16 = 4.541015625 ticks = 0.567626953125 ms.
 */
static void
test_jitter(void **state)
{
	struct rtp_stream s;
	uint8_t b[256];
	struct rtp_hdr h;
	size_t n;
	int i;

	(void)state;
	for (i = 0; i <= 7; i++) {
		usec_t t = T0 + (usec_t)i * 20 * MS + (i == 5 ? 5 * MS : 0);
		n = mk(b, 0x80, 8, (uint16_t)(1000 + i), 5000u + 160u * (uint32_t)i,
		    42, NULL, 0, 160);
		assert_int_equal(rtp_decode(b, n, &h), RTP_OK);
		if (i == 0)
			rtp_stream_init(&s, &h, t);
		else
			assert_int_equal(rtp_stream_update(&s, &h, t), RTP_SEQ_IN_ORDER);
		if (i == 5)
			assert_true(s.jitter == 2.5);
		if (i == 6)
			assert_true(s.jitter == 4.84375);
	}
	assert_true(s.jitter == 4.541015625);
	assert_true(rtp_stream_jitter_ms(&s) > 0.5676269 &&
	    rtp_stream_jitter_ms(&s) < 0.5676270);
	assert_int_equal(rtp_stream_ptime_ms(&s), 20);
}

static void
test_codec_and_ptime(void **state)
{
	struct rtp_stream s;
	uint8_t b[256];
	struct rtp_hdr h;
	size_t n;
	int i;

	(void)state;
	/* G.723.1 at 30 ms: 240 ticks, with a VAD gap in the middle. */
	for (i = 0; i < 50; i++) {
		uint32_t k = (uint32_t)i + (i >= 25 ? 100u : 0u);
		n = mk(b, 0x80, 4, (uint16_t)i, 240u * k, 9, NULL, 0, 24);
		assert_int_equal(rtp_decode(b, n, &h), RTP_OK);
		if (i == 0)
			rtp_stream_init(&s, &h, T0);
		else
			rtp_stream_update(&s, &h, T0 + (usec_t)k * 30 * MS);
	}
	assert_string_equal(s.codec, "G723");
	assert_int_equal(rtp_stream_ptime_ms(&s), 30);
	assert_int_equal(rtp_stream_lost(&s), 0);
	/* Dynamic payload types get their codec from SDP. */
	n = mk(b, 0x80, 101, 1, 0, 5, NULL, 0, 60);
	assert_int_equal(rtp_decode(b, n, &h), RTP_OK);
	rtp_stream_init(&s, &h, T0);
	assert_string_equal(s.codec, "");
	assert_int_equal(s.clock_rate, 0);
	rtp_stream_set_codec(&s, "opus", 48000);
	assert_int_equal(s.clock_rate, 48000);
	rtp_stream_set_codec(&s, "G722", 16000);	/* RFC 3551 4.5.2 */
	assert_int_equal(s.clock_rate, 8000);
	rtp_stream_set_codec(&s, "a-very-long-codec-name", 0);
	assert_int_equal(strlen(s.codec), RTP_CODEC_LEN - 1);
}

static void
test_write(void **state)
{
	static const int seqs[] = { 1, 2, 3, 5 };
	struct rtp_stream s;
	struct jw w;
	char buf[1024];

	(void)state;
	run(&s, seqs, 4, 8);
	jw_init(&w, buf, sizeof(buf));
	jw_obj_open(&w, NULL);
	jw_str(&w, "type", "rtp");
	rtp_stream_write(&s, &w);
	jw_obj_close(&w);
	assert_true(jw_finish(&w) > 0);
	assert_non_null(strstr(buf, "\"ssrc\":51966"));
	assert_non_null(strstr(buf, "\"codec\":\"PCMA\""));
	assert_non_null(strstr(buf, "\"packets\":4"));
	assert_non_null(strstr(buf, "\"lost\":1"));
	assert_non_null(strstr(buf, "\"loss_ratio\":0.2"));
	assert_non_null(strstr(buf, "\"ptime_ms\":20"));
	assert_non_null(strstr(buf, "\"first_ts\":\"2025-11-29T09:20:00.000Z\""));
	assert_non_null(strstr(buf, "\"last_ts\":\"2025-11-29T09:20:00.060Z\""));
	assert_non_null(strstr(buf, "\"duration\":0.06"));
	assert_non_null(strstr(buf, "\"jitter_ms\":"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_rtcp),
		cmocka_unit_test(test_seq_wrap),
		cmocka_unit_test(test_reorder_dup_loss),
		cmocka_unit_test(test_plausible),
		cmocka_unit_test(test_jump_restart),
		cmocka_unit_test(test_jitter),
		cmocka_unit_test(test_codec_and_ptime),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
