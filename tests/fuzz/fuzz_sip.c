/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the SIP path: sniff, frame, parse, SDP, resync, and
 * a TCP stream fed with segments cut from the input (in order, ahead,
 * retransmitted, with flags). Every parse also goes through libosip2 alone
 * and must match the pre-parser's result to the byte. Also the RTP/RTCP
 * decoders on the same bytes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rtp.h"
#include "sip.h"
#include "stream.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct stream_pool *sp;

static void
check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

static void
init_once(void)
{
	struct stream_params p;

	if (sp != NULL)
		return;
	sip_global_init();
	stream_params_default(&p);
	p.bufsize = 4096;
	p.max_ooo = 4;
	p.sip_cap = 2048;
	sp = stream_pool_new(&p, 1);
	check(sp != NULL);
}

/* The pre-parser (sip-pre.c) must give what libosip2 gives, to the byte. */
static void
one_message(const uint8_t *p, size_t n, size_t cap)
{
	static struct sip_msg m, full;
	enum sip_result r = sip_parse(p, n, cap, &m);

	check(r < SIP_RESULT_MAX);
	check(sip_parse_full(p, n, cap, &full) == r);
	check(memcmp(&m, &full, sizeof(m)) == 0);
	if (r == SIP_PARSE_OK) {
		check(m.len <= n);
		check(strlen(m.call_id) < sizeof(m.call_id));
		check(m.sdp.nmedia <= SDP_MAX_MEDIA);
	}
}

/* Frames the input as a stream from the start, parsing each message. */
static void
frame_all(const uint8_t *p, size_t n)
{
	size_t len;
	enum sip_frame_result r;

	while (n > 0) {
		r = sip_frame(p, n, 2048, &len);
		check(r < SIP_FRAME_RESULT_MAX);
		if (r != SIP_FRAME_COMPLETE && r != SIP_FRAME_KEEPALIVE)
			return;
		check(len > 0 && len <= n);
		if (r == SIP_FRAME_COMPLETE)
			one_message(p, len, 2048);
		p += len;
		n -= len;
	}
}

/* Every delivered message frames complete at exactly its length. */
static void
drain(struct stream *s)
{
	const uint8_t *m;
	size_t len, k;

	while (stream_next(sp, s, &m, &len)) {
		check(len > 0 && len <= 2048);
		check(sip_frame(m, len, 2048, &k) == SIP_FRAME_COMPLETE && k == len);
		one_message(m, len, 2048);
	}
}

/*
 * Segments: a control byte gives the length (low 6 bits + 1) and what to
 * do (high 2 bits): in order, skip ahead, retransmit, or in order + flags.
 */
static void
stream_all(const uint8_t *p, size_t n)
{
	struct stream *s = stream_open(sp);
	uint32_t seq = 0xfffff000u, next;
	size_t len;
	uint8_t c;

	check(s != NULL);
	stream_feed(sp, s, seq - 1, STREAM_TH_SYN, NULL, 0);
	while (n > 1) {
		c = p[0];
		p++;
		n--;
		len = (size_t)(c & 0x3f) + 1;
		if (len > n)
			len = n;
		next = seq;
		if ((c >> 6) == 1)
			next += 1 + (uint32_t)(c & 0x1f) * 37;
		else if ((c >> 6) == 2)
			next -= (uint32_t)(c & 0x0f);
		stream_feed(sp, s, next, (c >> 6) == 3 ? (uint8_t)(c & 0x07) : 0,
		    p, len);
		drain(s);
		if ((c >> 6) != 2)
			seq = next + (uint32_t)len;
		p += len;
		n -= len;
		if ((c & 0x3f) == 0x3f)
			stream_skip_gap(sp, s);
	}
	(void)stream_is_done(s);
	stream_close(sp, s);
	check(stream_pool_in_use(sp) == 0);
}

static void
media(const uint8_t *p, size_t n)
{
	struct rtp_hdr h;
	struct rtcp_info ri;

	if (rtp_decode(p, n, &h) == RTP_OK)
		check(h.hdr_len + h.payload_len <= n);
	(void)rtcp_decode(p, n, &ri);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sdp sdp;
	bool found;
	size_t off;

	init_once();
	(void)sip_sniff(data, size);
	one_message(data, size, 0);
	one_message(data, size, 256);
	frame_all(data, size);
	off = sip_resync(data, size, true, &found);
	check(off <= size);
	(void)sdp_parse(data, size, &sdp);
	stream_all(data, size);
	media(data, size);
	return 0;
}
