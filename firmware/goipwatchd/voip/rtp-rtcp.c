/* SPDX-License-Identifier: BSD-2-Clause */
/* RTCP compound packet recognition (RFC 3550 6, A.2; RFC 5506 reduced size). */
#include <string.h>

#include "rd.h"
#include "rtp.h"

const char *const rtcp_result_names[RTCP_RESULT_MAX] = {
	[RTCP_OK] = "ok",
	[RTCP_TOO_SHORT] = "too_short",
	[RTCP_BAD_VERSION] = "bad_version",
	[RTCP_BAD_TYPE] = "bad_type",
	[RTCP_BAD_LENGTH] = "bad_length",
	[RTCP_BAD_PADDING] = "bad_padding",
};

#define RTCP_PT_FIRST	200	/* SR */
#define RTCP_PT_LAST	207	/* XR */

/* SR sender info and the first report block of an SR or RR. */
static void
rtcp_reports(struct rd r, uint8_t pt, uint8_t rc, struct rtcp_info *ri)
{
	uint32_t hi, lo, v;

	if (pt == RTCP_SR && !ri->has_sr && rd_be32(&r, &hi) == 0 &&
	    rd_be32(&r, &lo) == 0 && rd_be32(&r, &ri->sr_rtp_ts) == 0 &&
	    rd_be32(&r, &ri->sr_packets) == 0 && rd_be32(&r, &ri->sr_octets) == 0) {
		ri->has_sr = true;
		ri->sr_ntp = (uint64_t)hi << 32 | lo;
	}
	if (rc == 0 || ri->has_rb || rd_be32(&r, &ri->rb_ssrc) == -1 ||
	    rd_be32(&r, &v) == -1 || rd_be32(&r, &ri->rb_highest_seq) == -1 ||
	    rd_be32(&r, &ri->rb_jitter) == -1)
		return;
	ri->has_rb = true;
	ri->rb_fraction_lost = (uint8_t)(v >> 24);
	/* 24-bit two's complement */
	ri->rb_cum_lost = (int32_t)((v & 0xffffff) ^ 0x800000) - 0x800000;
}

/* Minimum body bytes (after the 4-byte header) for SR/RR with rc blocks. */
static size_t
rtcp_min_body(uint8_t pt, uint8_t rc)
{
	if (pt == RTCP_SR)
		return 24 + 24u * rc;
	if (pt == RTCP_RR)
		return 4 + 24u * rc;
	return 0;
}

/* One packet of the compound; *last tells whether padding may appear. */
static enum rtcp_result
rtcp_one(struct rd *r, bool first, struct rtcp_info *ri)
{
	uint8_t b0, pt;
	uint16_t words;
	size_t len;
	struct rd body;

	if (rd_u8(r, &b0) == -1 || rd_u8(r, &pt) == -1 || rd_be16(r, &words) == -1)
		return RTCP_TOO_SHORT;
	if (b0 >> 6 != 2)
		return RTCP_BAD_VERSION;
	if (pt < RTCP_PT_FIRST || pt > RTCP_PT_LAST)
		return RTCP_BAD_TYPE;
	len = (size_t)words * 4;
	if (len > r->left || len < rtcp_min_body(pt, b0 & 0x1f))
		return RTCP_BAD_LENGTH;
	if ((b0 & 0x20) && len != r->left)
		return RTCP_BAD_PADDING;
	rd_init(&body, r->p, len);
	(void)rd_skip(r, len);
	if (first && rd_be32(&body, &ri->ssrc) == -1 && pt != RTCP_SDES)
		return RTCP_BAD_LENGTH;
	if (pt == RTCP_SR || pt == RTCP_RR) {
		if (!first)
			(void)rd_skip(&body, 4);
		rtcp_reports(body, pt, b0 & 0x1f, ri);
	}
	ri->types |= (uint8_t)(1u << (pt - RTCP_PT_FIRST));
	ri->npackets++;
	return RTCP_OK;
}

enum rtcp_result
rtcp_decode(const uint8_t *p, size_t n, struct rtcp_info *ri)
{
	enum rtcp_result res;
	struct rd r;

	memset(ri, 0, sizeof(*ri));
	if (n < 8)
		return RTCP_TOO_SHORT;
	if (n % 4 != 0)
		return RTCP_BAD_LENGTH;
	rd_init(&r, p, n);
	do {
		if ((res = rtcp_one(&r, ri->npackets == 0, ri)) != RTCP_OK)
			return res;
	} while (r.left > 0 && ri->npackets < UINT8_MAX);
	return r.left == 0 ? RTCP_OK : RTCP_BAD_LENGTH;
}

bool
rtcp_sniff(const uint8_t *p, size_t n)
{
	struct rtcp_info ri;

	return rtcp_decode(p, n, &ri) == RTCP_OK;
}
