/* SPDX-License-Identifier: BSD-2-Clause */
/* RTP header recognition and per-stream statistics (RFC 3550, RFC 3551). */
#include <string.h>
#include <strings.h>

#include "jw.h"
#include "rd.h"
#include "rtp.h"
#include "str.h"

const char *const rtp_result_names[RTP_RESULT_MAX] = {
	[RTP_OK] = "ok",
	[RTP_TOO_SHORT] = "too_short",
	[RTP_BAD_VERSION] = "bad_version",
	[RTP_BAD_EXT] = "bad_ext",
	[RTP_BAD_PADDING] = "bad_padding",
	[RTP_IS_RTCP] = "is_rtcp",
	[RTP_BAD_PT] = "bad_pt",
};

const char *const rtp_seq_names[RTP_SEQ_MAX] = {
	[RTP_SEQ_IN_ORDER] = "in_order",
	[RTP_SEQ_REORDERED] = "reordered",
	[RTP_SEQ_DUPLICATE] = "duplicate",
	[RTP_SEQ_LATE] = "late",
	[RTP_SEQ_JUMP] = "jump",
	[RTP_SEQ_RESTART] = "restart",
	[RTP_SEQ_OTHER_SSRC] = "other_ssrc",
};

#define RTP_SEQ_MOD	(1u << 16)
#define RTP_SEEN_BITS	64
#define RTP_RATE_GUESS	8000

/* RFC 3551 table 4 and 5; G.722 runs an 8000 Hz RTP clock (4.5.2). */
static const struct {
	uint8_t		 pt;
	const char	*name;
	uint32_t	 rate;
} rtp_static_pt[] = {
	{ 0, "PCMU", 8000 }, { 3, "GSM", 8000 }, { 4, "G723", 8000 },
	{ 5, "DVI4", 8000 }, { 6, "DVI4", 16000 }, { 7, "LPC", 8000 },
	{ 8, "PCMA", 8000 }, { 9, "G722", 8000 }, { 10, "L16", 44100 },
	{ 11, "L16", 44100 }, { 12, "QCELP", 8000 }, { 13, "CN", 8000 },
	{ 14, "MPA", 90000 }, { 15, "G728", 8000 }, { 16, "DVI4", 11025 },
	{ 17, "DVI4", 22050 }, { 18, "G729", 8000 }, { 25, "CelB", 90000 },
	{ 26, "JPEG", 90000 }, { 28, "nv", 90000 }, { 31, "H261", 90000 },
	{ 32, "MPV", 90000 }, { 33, "MP2T", 90000 }, { 34, "H263", 90000 },
};

bool
rtp_codec_static(uint8_t pt, const char **name, uint32_t *rate)
{
	size_t i;

	for (i = 0; i < sizeof(rtp_static_pt) / sizeof(rtp_static_pt[0]); i++)
		if (rtp_static_pt[i].pt == pt) {
			*name = rtp_static_pt[i].name;
			*rate = rtp_static_pt[i].rate;
			return true;
		}
	return false;
}

/* The 12-byte fixed header and the CSRC list. */
static enum rtp_result
rtp_fixed(struct rd *r, struct rtp_hdr *h)
{
	uint8_t b0, b1;

	if (rd_u8(r, &b0) == -1 || rd_u8(r, &b1) == -1 ||
	    rd_be16(r, &h->seq) == -1 || rd_be32(r, &h->ts) == -1 ||
	    rd_be32(r, &h->ssrc) == -1)
		return RTP_TOO_SHORT;
	if (b0 >> 6 != 2)
		return RTP_BAD_VERSION;
	h->padding = (b0 & 0x20) != 0;
	h->ext = (b0 & 0x10) != 0;
	h->cc = b0 & 0x0f;
	h->marker = (b1 & 0x80) != 0;
	h->pt = b1 & 0x7f;
	if (h->pt >= 72 && h->pt <= 76)
		return RTP_IS_RTCP;
	if ((h->pt >= 35 && h->pt <= 71) || (h->pt >= 77 && h->pt <= 95))
		return RTP_BAD_PT;
	return rd_skip(r, 4u * h->cc) == 0 ? RTP_OK : RTP_TOO_SHORT;
}

enum rtp_result
rtp_decode(const uint8_t *p, size_t n, struct rtp_hdr *h)
{
	enum rtp_result res;
	struct rd r;
	uint16_t words;
	size_t pad = 0;

	memset(h, 0, sizeof(*h));
	rd_init(&r, p, n);
	if ((res = rtp_fixed(&r, h)) != RTP_OK)
		return res;
	if (h->ext && (rd_be16(&r, &h->ext_profile) == -1 ||
	    rd_be16(&r, &words) == -1 || rd_skip(&r, 4u * words) == -1))
		return RTP_BAD_EXT;
	h->hdr_len = n - r.left;
	if (h->padding) {
		pad = p[n - 1];
		if (pad == 0 || pad > r.left)
			return RTP_BAD_PADDING;
	}
	h->payload_len = r.left - pad;
	h->len = n;
	return RTP_OK;
}

bool
rtp_sniff(const uint8_t *p, size_t n)
{
	struct rtp_hdr h;

	return rtp_decode(p, n, &h) == RTP_OK;
}

void
rtp_stream_set_codec(struct rtp_stream *s, const char *name, uint32_t rate)
{
	str_copy(s->codec, sizeof(s->codec), name);
	/* G.722 is 16 kHz audio on an 8000 Hz RTP clock, whatever SDP says. */
	if (strcasecmp(s->codec, "G722") == 0)
		rate = 8000;
	if (rate != 0)
		s->clock_rate = rate;
	s->ms_per_tick = 1000.0 / (s->clock_rate ? s->clock_rate : RTP_RATE_GUESS);
}

/* RFC 3550 A.1 init_seq, keeping what earlier sequences expected. */
static void
seq_restart(struct rtp_stream *s, uint16_t seq)
{
	s->expected_prior = rtp_stream_expected(s);
	s->base_seq = seq;
	s->max_seq = seq;
	s->cycles = 0;
	s->bad_seq = RTP_SEQ_MOD + 1;
	s->seen = 1;
}

void
rtp_stream_init(struct rtp_stream *s, const struct rtp_hdr *h, usec_t t)
{
	const char *name;
	uint32_t rate;

	memset(s, 0, sizeof(*s));
	s->ssrc = h->ssrc;
	s->pt = s->prev_pt = h->pt;
	s->ms_per_tick = 1000.0 / RTP_RATE_GUESS;
	if (rtp_codec_static(h->pt, &name, &rate))
		rtp_stream_set_codec(s, name, rate);
	seq_restart(s, h->seq);
	s->expected_prior = 0;
	s->received = 1;
	s->packets = 1;
	s->bytes = h->len;
	s->prev_ts = h->ts;
	s->prev_arrival = s->first_seen = s->last_seen = t;
	s->seq_events[RTP_SEQ_IN_ORDER]++;
}

uint64_t
rtp_stream_expected(const struct rtp_stream *s)
{
	uint64_t ext_max = (uint64_t)s->cycles + s->max_seq;

	return s->expected_prior + ext_max - s->base_seq + 1;
}

int64_t
rtp_stream_lost(const struct rtp_stream *s)
{
	return (int64_t)rtp_stream_expected(s) - (int64_t)s->received;
}

/* Sequence bookkeeping: RFC 3550 A.1 plus a 64-packet duplicate window. */
static enum rtp_seq
seq_update(struct rtp_stream *s, uint16_t seq)
{
	uint16_t udelta = (uint16_t)(seq - s->max_seq);
	unsigned back;

	if (udelta == 0)
		return RTP_SEQ_DUPLICATE;
	if (udelta < RTP_MAX_DROPOUT) {
		if (seq < s->max_seq)
			s->cycles += RTP_SEQ_MOD;
		s->max_seq = seq;
		s->seen = udelta >= RTP_SEEN_BITS ? 1 : (s->seen << udelta) | 1;
		return RTP_SEQ_IN_ORDER;
	}
	if (udelta <= RTP_SEQ_MOD - RTP_MAX_MISORDER) {
		if (seq != s->bad_seq) {
			s->bad_seq = (seq + 1u) & (RTP_SEQ_MOD - 1);
			return RTP_SEQ_JUMP;
		}
		seq_restart(s, seq);
		return RTP_SEQ_RESTART;
	}
	back = RTP_SEQ_MOD - udelta;
	if (back >= RTP_SEEN_BITS)
		return RTP_SEQ_LATE;
	if (s->seen & (1ull << back))
		return RTP_SEQ_DUPLICATE;
	s->seen |= 1ull << back;
	return RTP_SEQ_REORDERED;
}

/* Adds one sample in ms to histogram k (RTP_HIST_IAT, _TSD), saturating. */
static void
hist_add(uint16_t hist[][2], int k, double ms)
{
	long b = (long)(ms + 0.5);

	if (b <= 0 || b >= RTP_HIST_MS || hist[b][k] == UINT16_MAX)
		return;
	hist[b][k]++;
}

/* Jitter (RFC 3550 6.4.1) and the interval histograms. */
static void
timing_update(struct rtp_stream *s, const struct rtp_hdr *h, usec_t t,
    enum rtp_seq ev, uint16_t prev_max)
{
	/* multiplications only: this runs for every RTP packet */
	double rate = s->clock_rate ? s->clock_rate : RTP_RATE_GUESS;
	double dt_us = (double)(int64_t)(t - s->prev_arrival);
	double dts = (double)(int32_t)(h->ts - s->prev_ts);
	double d = dt_us * (rate * 1e-6) - dts;

	if (d < 0)
		d = -d;
	s->jitter += (d - s->jitter) * (1.0 / 16.0);
	if (ev == RTP_SEQ_IN_ORDER && (uint16_t)(h->seq - prev_max) == 1 &&
	    h->pt == s->prev_pt) {
		hist_add(s->hist, RTP_HIST_IAT, dt_us * 1e-3);
		hist_add(s->hist, RTP_HIST_TSD, dts * s->ms_per_tick);
	}
}

enum rtp_seq
rtp_stream_update(struct rtp_stream *s, const struct rtp_hdr *h, usec_t t)
{
	uint16_t prev_max = s->max_seq;
	enum rtp_seq ev;

	if (h->ssrc != s->ssrc)
		return RTP_SEQ_OTHER_SSRC;
	s->packets++;
	s->bytes += h->len;
	s->last_seen = t;
	if (h->pt != s->prev_pt)
		s->pt_changes++;
	ev = seq_update(s, h->seq);
	s->seq_events[ev]++;
	if (ev == RTP_SEQ_DUPLICATE || ev == RTP_SEQ_JUMP)
		return ev;
	s->received++;
	if (ev != RTP_SEQ_RESTART)
		timing_update(s, h, t, ev, prev_max);
	s->prev_ts = h->ts;
	s->prev_arrival = t;
	s->prev_pt = h->pt;
	return ev;
}

bool
rtp_stream_is_plausible(const struct rtp_stream *s, unsigned min_in_order)
{
	uint64_t in_order = s->seq_events[RTP_SEQ_IN_ORDER];

	return in_order >= min_in_order && in_order * 2 > s->packets;
}

double
rtp_stream_jitter_ms(const struct rtp_stream *s)
{
	return s->jitter * 1000.0 /
	    (s->clock_rate ? s->clock_rate : RTP_RATE_GUESS);
}

static unsigned
hist_mode(const uint16_t hist[][2], int k)
{
	unsigned i, best = 0;

	for (i = 1; i < RTP_HIST_MS; i++)
		if (hist[i][k] > hist[best][k])
			best = i;
	return hist[best][k] > 0 ? best : 0;
}

/* The most common timestamp step, else the most common arrival gap. */
unsigned
rtp_stream_ptime_ms(const struct rtp_stream *s)
{
	unsigned m = hist_mode(s->hist, RTP_HIST_TSD);

	return m != 0 ? m : hist_mode(s->hist, RTP_HIST_IAT);
}

void
rtp_stream_write(const struct rtp_stream *s, struct jw *w)
{
	uint64_t expected = rtp_stream_expected(s);
	int64_t lost = rtp_stream_lost(s);

	jw_u64(w, "ssrc", s->ssrc);
	jw_u64(w, "payload_type", s->pt);
	jw_str(w, "codec", s->codec[0] ? s->codec : "unknown");
	jw_u64(w, "clock_rate", s->clock_rate);
	jw_u64(w, "packets", s->packets);
	jw_u64(w, "bytes", s->bytes);
	jw_i64(w, "lost", lost);
	jw_dbl(w, "loss_ratio", lost > 0 && expected > 0 ?
	    (double)lost / (double)expected : 0.0, 4);
	jw_u64(w, "duplicates", s->seq_events[RTP_SEQ_DUPLICATE]);
	jw_u64(w, "reordered", s->seq_events[RTP_SEQ_REORDERED]);
	jw_dbl(w, "jitter_ms", rtp_stream_jitter_ms(s), 3);
	jw_u64(w, "ptime_ms", rtp_stream_ptime_ms(s));
	jw_ts(w, "first_ts", s->first_seen);
	jw_ts(w, "last_ts", s->last_seen);
	jw_dbl(w, "duration", (double)(s->last_seen - s->first_seen) / 1e6, 3);
}
