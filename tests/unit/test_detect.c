/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for the detect stage: each detector, near misses, tiers, reporting. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "detect.h"

#define SEC	USEC_PER_SEC
#define T0	((usec_t)1700000000 * SEC)

static char out[1 << 20];
static size_t outlen;
static int ndetect;

static void
capture(void *arg, const char *line, size_t len)
{
	(void)arg;
	if (strncmp(line, "{\"type\":\"detection\"", 19) == 0)
		ndetect++;
	if (outlen + len < sizeof(out)) {
		memcpy(out + outlen, line, len);
		outlen += len;
		out[outlen] = '\0';
	}
}

static const uint8_t LINE[16] = { [10] = 0xff, [11] = 0xff, 100, 64, 1, 7 };
static const uint8_t FOREIGN[16] = { [10] = 0xff, [11] = 0xff, 203, 0, 113, 10 };
static const uint8_t DOMESTIC[16] = { [10] = 0xff, [11] = 0xff, 10, 10, 0, 10 };

static struct detect *
mk(const char *conftext, struct conf **cp)
{
	char err[256];
	struct sink s = { .emit = capture };

	outlen = 0;
	out[0] = '\0';
	ndetect = 0;
	*cp = conf_parse(conftext, strlen(conftext), "t", err, sizeof(err));
	assert_non_null(*cp);
	return detect_new(*cp, &s);
}

static void
tuple(struct event *e, const uint8_t *src, uint16_t sp, const uint8_t *dst, uint16_t dp)
{
	memcpy(e->t.src, src, 16);
	memcpy(e->t.dst, dst, 16);
	e->t.sport = sp;
	e->t.dport = dp;
	e->t.ipver = 4;
	e->t.l4proto = 17;
}

static struct event *
sip(usec_t ts, const uint8_t *src, const uint8_t *dst, const char *method, int status,
    const char *callid, const char *ruri_user, const char *ua)
{
	static struct event e;
	struct sip_msg *m = &e.u.sip.msg;

	memset(&e, 0, sizeof(e));
	e.kind = EV_SIP;
	e.ts = ts;
	tuple(&e, src, 5060, dst, 5060);
	m->is_request = status == 0;
	snprintf(m->method, sizeof(m->method), "%s", status ? "" : method);
	snprintf(m->cseq_method, sizeof(m->cseq_method), "%s", method);
	m->status = (uint16_t)status;
	snprintf(m->call_id, sizeof(m->call_id), "%s", callid);
	snprintf(m->ruri_user, sizeof(m->ruri_user), "%s", ruri_user);
	snprintf(m->to.user, sizeof(m->to.user), "%s", ruri_user);
	snprintf(m->ua, sizeof(m->ua), "%s", ua);
	m->expires = m->contact_expires = -1;
	m->content_length = -1;
	return &e;
}

static void
test_ua_fingerprint(void **state)
{
	struct conf *c;
	struct detect *d = mk("", &c);

	(void)state;
	detect_event(d, sip(T0, LINE, DOMESTIC, "REGISTER", 0, "r1", "", "dble"));
	assert_int_equal(ndetect, 1);
	assert_non_null(strstr(out, "\"verdict\":\"goip_present\",\"tier\":\"general\""));
	assert_non_null(strstr(out, "\"kind\":\"sip_user_agent\",\"detail\":\"dble\""));
	assert_non_null(strstr(out, "\"subject\":{\"ip\":\"100.64.1.7\"}"));
	/* the same again: counted, not reported again */
	detect_event(d, sip(T0 + 60 * SEC, LINE, DOMESTIC, "REGISTER", 0, "r1", "", "dble"));
	assert_int_equal(ndetect, 1);
	detect_free(d);
	conf_free(c);
}

static void
test_ua_near_misses(void **state)
{
	static const char *const uas[] = { "dblex", "Linphone/4.5", "mydble", "pak" };
	struct conf *c;
	struct detect *d = mk("", &c);
	unsigned i;

	(void)state;
	for (i = 0; i < 4; i++)
		detect_event(d, sip(T0 + i, LINE, DOMESTIC, "REGISTER", 0, "r", "", uas[i]));
	/* a reply from the line's peer naming dble is not the line's own */
	detect_event(d, sip(T0 + 9, DOMESTIC, LINE, "REGISTER", 200, "r", "", "dble"));
	assert_int_equal(ndetect, 0);
	detect_free(d);
	conf_free(c);
}

static void
test_weak_pair(void **state)
{
	struct conf *c;
	struct detect *d = mk("", &c);
	struct event *e;

	(void)state;
	detect_event(d, sip(T0, LINE, DOMESTIC, "REGISTER", 0, "r", "", "pak"));
	assert_int_equal(ndetect, 0);
	e = sip(T0 + SEC, LINE, DOMESTIC, "INVITE", 0, "c1", "2000", "pak");
	e->u.sip.msg.sdp.result = SDP_OK;
	snprintf(e->u.sip.msg.sdp.s_name, sizeof(e->u.sip.msg.sdp.s_name), "DBL Session");
	detect_event(d, e);
	assert_int_equal(ndetect, 1);
	assert_non_null(strstr(out, "goip_present"));
	detect_free(d);
	conf_free(c);
}

/* INVITE from the foreign softswitch, the line's 183 and 200. */
static void
call(struct detect *d, usec_t ts, const char *id, const char *callee,
    const uint8_t *peer, bool answer)
{
	detect_event(d, sip(ts, peer, LINE, "INVITE", 0, id, callee, "VOS2000"));
	detect_event(d, sip(ts + SEC, LINE, peer, "INVITE", 183, id, callee, "dble"));
	if (answer)
		detect_event(d, sip(ts + 5 * SEC, LINE, peer, "INVITE", 200, id, callee, "dble"));
}

/* Two received calls at once: termination only with a device fingerprint. */
static void
test_termination_concurrency(void **state)
{
	struct conf *c;
	struct detect *d = mk("ua_strong nothing-matches\n", &c);

	(void)state;
	/* a developer's two test calls at once, no fingerprint: nothing */
	call(d, T0, "a", "13800138000", FOREIGN, true);
	call(d, T0 + 10 * SEC, "b", "+8613912345678", FOREIGN, false);
	assert_int_equal(ndetect, 0);
	detect_free(d);
	conf_free(c);

	/* the same on a GoIP (the line's 183 says dble): urgent */
	d = mk("", &c);
	call(d, T0, "a", "13800138000", FOREIGN, true);
	assert_int_equal(ndetect, 1);
	assert_non_null(strstr(out, "\"verdict\":\"goip_present\""));
	call(d, T0 + 10 * SEC, "b", "+8613912345678", FOREIGN, false);
	assert_int_equal(ndetect, 2);
	assert_non_null(strstr(out, "\"verdict\":\"simbox_suspected\",\"tier\":\"urgent\""));
	assert_non_null(strstr(out, "\"kind\":\"termination_pattern\""));
	assert_non_null(strstr(out, "\"callees\":[\"13800138000\",\"13912345678\"]"));
	assert_non_null(strstr(out, "\"peers\":[{\"ip\":\"203.0.113.10\""));
	assert_non_null(strstr(out, "\"reason\":\"2 INVITEs from 203.0.113.10 to 2 distinct "
	    "mobiles in 10 s, 1 answered, up to 2 at once, with a GoIP fingerprint "
	    "(sip_user_agent dble).\""));
	detect_free(d);
	conf_free(c);
}

/* Calls the line places through a foreign provider: informational only. */
static void
test_outbound_foreign_trunk(void **state)
{
	struct conf *c;
	struct detect *d = mk("ua_strong nothing-matches\n", &c);
	char id[16], callee[24];
	struct event *e;
	int i;

	(void)state;
	for (i = 0; i < 60; i++) {
		snprintf(id, sizeof(id), "o%d", i);
		snprintf(callee, sizeof(callee), "1390013%04d", i);
		detect_event(d, sip(T0 + (usec_t)i * 20 * SEC, LINE, FOREIGN, "INVITE", 0, id,
		    callee, "Dialer"));
		detect_event(d, sip(T0 + (usec_t)i * 20 * SEC + SEC, FOREIGN, LINE, "INVITE",
		    183, id, callee, ""));
		detect_event(d, sip(T0 + (usec_t)i * 20 * SEC + 3 * SEC, FOREIGN, LINE, "INVITE",
		    200, id, callee, ""));
	}
	assert_int_equal(ndetect, 0);
	/* a fingerprint later: reported as goip_present with the trunk as context */
	e = sip(T0 + 3600 * SEC, LINE, DOMESTIC, "REGISTER", 0, "r", "", "pak");
	e->u.sip.msg.contact_expires = 60;	/* two weak kinds: pak and expires=60 */
	detect_event(d, e);
	assert_int_equal(ndetect, 1);
	assert_non_null(strstr(out, "\"verdict\":\"goip_present\""));
	assert_non_null(strstr(out, "\"kind\":\"outbound_foreign_trunk\""));
	detect_free(d);
	conf_free(c);
}

/* A trusted peer's INVITEs, even in volume and from abroad, are not termination. */
static void
test_trusted_peer(void **state)
{
	struct conf *c;
	struct detect *d = mk("ua_strong nothing-matches\ntrusted_peer 203.0.113.10\n", &c);
	char id[16], callee[24];
	int i;

	(void)state;
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "t%d", i);
		snprintf(callee, sizeof(callee), "1380013%04d", i);
		call(d, T0 + (usec_t)i * 60 * SEC, id, callee, FOREIGN, i % 3 == 0);
	}
	assert_int_equal(ndetect, 0);
	detect_free(d);
	conf_free(c);
}

/* Breadth decides the tier: the volume pattern is high, breadth over hours urgent. */
static void
test_termination_breadth(void **state)
{
	struct conf *c;
	struct detect *d = mk("ua_strong nothing-matches\n", &c);
	char id[16], callee[24];
	int i;

	(void)state;
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "b%d", i);
		snprintf(callee, sizeof(callee), "1380013%04d", i);
		call(d, T0 + (usec_t)i * 300 * SEC, id, callee, FOREIGN, i % 3 == 0);
		detect_event(d, sip(T0 + (usec_t)i * 300 * SEC + 40 * SEC, FOREIGN, LINE, "BYE",
		    0, id, callee, ""));
		if (i == 9) {
			assert_int_equal(ndetect, 1);
			assert_non_null(strstr(out, "\"verdict\":\"simbox_suspected\","
			    "\"tier\":\"high\""));
		}
	}
	assert_int_equal(ndetect, 2);
	assert_non_null(strstr(out, "\"tier\":\"urgent\""));
	assert_non_null(strstr(out, "\"kind\":\"termination_breadth\""));
	assert_non_null(strstr(out, "\"reason\":\"30 INVITEs from 203.0.113.10 to 30 distinct "
	    "mobiles in 2 h, 10 answered, up to 1 at once, most mobiles called once over "
	    "several hours.\""));
	detect_free(d);
	conf_free(c);
}

/* 40 received calls from a domestic host to distinct mobiles, over 3 h 20 min. */
static void
domestic_calls(struct detect *d, const char *caller)
{
	char id[16], callee[24];
	struct event *e;
	int i;

	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "r%d", i);
		snprintf(callee, sizeof(callee), "1380013%04d", i);
		e = sip(T0 + (usec_t)i * 300 * SEC, DOMESTIC, LINE, "INVITE", 0, id, callee,
		    "relay");
		snprintf(e->u.sip.msg.from.user, sizeof(e->u.sip.msg.from.user), "%s", caller);
		detect_event(d, e);
		detect_event(d, sip(T0 + (usec_t)i * 300 * SEC + SEC, LINE, DOMESTIC, "INVITE",
		    i % 3 == 0 ? 200 : 183, id, callee, ""));
		detect_event(d, sip(T0 + (usec_t)i * 300 * SEC + 40 * SEC, DOMESTIC, LINE, "BYE",
		    0, id, callee, ""));
	}
}

/* Relays: a domestic host's INVITEs weigh with relay signs, or as high on breadth alone. */
static void
test_domestic_relay(void **state)
{
	struct conf *c;
	struct detect *d = mk("ua_strong nothing-matches\n", &c);

	(void)state;
	/* domestic callers: T1 alone is nothing, T3's breadth is high at most */
	domestic_calls(d, "13511112222");
	assert_int_equal(ndetect, 1);
	assert_non_null(strstr(out, "\"verdict\":\"simbox_suspected\",\"tier\":\"high\""));
	assert_null(strstr(out, "relayed_origin"));
	detect_free(d);
	conf_free(c);

	/* international callers through the domestic host: relayed, urgent */
	d = mk("ua_strong nothing-matches\n", &c);
	domestic_calls(d, "+447700900123");
	assert_non_null(strstr(out, "\"kind\":\"relayed_origin\",\"detail\":\"international "
	    "caller numbers through a domestic host\""));
	assert_non_null(strstr(out, "\"tier\":\"urgent\""));
	assert_non_null(strstr(out, "relayed by a domestic host.\""));
	detect_free(d);
	conf_free(c);

	/* the same host as a trusted peer: nothing */
	d = mk("ua_strong nothing-matches\ntrusted_peer 10.10.0.0/16\n", &c);
	domestic_calls(d, "+447700900123");
	assert_int_equal(ndetect, 0);
	detect_free(d);
	conf_free(c);
}

static struct event *
rtp(usec_t first, usec_t last, const uint8_t *src, const uint8_t *dst)
{
	static struct event e;

	memset(&e, 0, sizeof(e));
	e.kind = EV_RTP;
	e.ts = last;
	tuple(&e, src, 20000, dst, 30000);
	e.u.rtp.s.pt = 18;
	e.u.rtp.s.packets = (last - first) / (20 * 1000);
	e.u.rtp.s.first_seen = first;
	e.u.rtp.s.last_seen = last;
	return &e;
}

/* SIP over TLS with SRTP: RTP streams to a foreign peer that no SIP named. */
static void
test_rtp_without_sip(void **state)
{
	struct conf *c;
	struct detect *d = mk("", &c);

	(void)state;
	/* one stream, and the peer's direction: nothing */
	detect_event(d, rtp(T0, T0 + 60 * SEC, LINE, FOREIGN));
	detect_event(d, rtp(T0, T0 + 60 * SEC, FOREIGN, LINE));
	assert_int_equal(ndetect, 0);
	/* too short to be a call */
	detect_event(d, rtp(T0 + 10 * SEC, T0 + 20 * SEC, LINE, FOREIGN));
	assert_int_equal(ndetect, 0);
	/* to a domestic peer: nothing */
	detect_event(d, rtp(T0 + 5 * SEC, T0 + 65 * SEC, LINE, DOMESTIC));
	assert_int_equal(ndetect, 0);
	/* a second one at the same time to the foreign peer */
	detect_event(d, rtp(T0 + 5 * SEC, T0 + 65 * SEC, LINE, FOREIGN));
	assert_int_equal(ndetect, 1);
	assert_non_null(strstr(out, "\"verdict\":\"simbox_suspected\",\"tier\":\"high\""));
	assert_non_null(strstr(out, "\"kind\":\"rtp_voice_without_sip\""));
	assert_non_null(strstr(out, "\"reason\":\"RTP/SRTP voice to foreign peers, no SIP seen "
	    "(2 streams, up to 2 at once).\""));
	detect_free(d);
	conf_free(c);
}

/* A TLS session from the line: n client bursts every gap_s seconds, this SNI. */
static struct event *
tls(usec_t first, unsigned n, unsigned gap_s, const uint8_t *dst, uint16_t dport,
    const char *sni)
{
	static struct event e;
	unsigned i;

	memset(&e, 0, sizeof(e));
	e.kind = EV_TLS;
	tuple(&e, LINE, 40002, dst, dport);
	e.t.l4proto = 6;
	memcpy(e.u.tls.sni, sni, strlen(sni) + 1);
	tls_cadence_init(&e.u.tls.cad);
	for (i = 0; i < n; i++)
		tls_cadence_packet(&e.u.tls.cad, first + (usec_t)i * gap_s * SEC);
	e.u.tls.pkts[0] = e.u.tls.pkts[1] = 2 * n;
	e.u.tls.first = first;
	e.u.tls.last = e.ts = first + (usec_t)n * gap_s * SEC;
	e.u.tls.ended = true;
	return &e;
}

/* Rule 6b: a 60 s TLS re-registration cadence is informational alone and
 * names the signalling of voice without SIP. */
static void
test_sip_tls_cadence(void **state)
{
	struct conf *c;
	struct detect *d = mk("trusted_peer 198.51.100.0/24\n", &c);
	static const uint8_t TRUSTED[16] = { [10] = 0xff, [11] = 0xff, 198, 51, 100, 9 };

	(void)state;
	/* the cadence alone, to a foreign softswitch: no record */
	detect_event(d, tls(T0, 30, 60, FOREIGN, 5061, "sbc.\"evil\".example"));
	assert_int_equal(ndetect, 0);
	/* near misses: too few bursts, a 30 s or 120 s cadence, a trusted peer */
	detect_event(d, tls(T0, 9, 60, FOREIGN, 5061, "a"));
	detect_event(d, tls(T0, 30, 30, FOREIGN, 5061, "b"));
	detect_event(d, tls(T0, 30, 120, FOREIGN, 5061, "c"));
	detect_event(d, tls(T0, 30, 60, TRUSTED, 5061, "d"));
	/* then voice without SIP, two at once: high, and the reason names the TLS */
	detect_event(d, rtp(T0 + 100 * SEC, T0 + 200 * SEC, LINE, FOREIGN));
	detect_event(d, rtp(T0 + 110 * SEC, T0 + 210 * SEC, LINE, FOREIGN));
	assert_int_equal(ndetect, 1);
	assert_non_null(strstr(out, "\"verdict\":\"simbox_suspected\",\"tier\":\"high\""));
	assert_non_null(strstr(out, "\"kind\":\"sip_tls_cadence\",\"detail\":"
	    "\"sbc.\\\"evil\\\".example\""));
	assert_null(strstr(out, "\"detail\":\"a\""));
	assert_null(strstr(out, "\"detail\":\"b\""));
	assert_null(strstr(out, "\"detail\":\"c\""));
	assert_null(strstr(out, "\"detail\":\"d\""));
	assert_non_null(strstr(out, "\"reason\":\"SIP over TLS to 203.0.113.10:5061 (SNI "
	    "sbc.\\\"evil\\\".example) with client records every 60 s for 30 min, and "
	    "RTP/SRTP voice to foreign peers, no SIP seen (2 streams, up to 2 at once).\""));
	detect_free(d);
	conf_free(c);
}

static void
test_termination_near_misses(void **state)
{
	struct conf *c;
	struct detect *d = mk("ua_strong nothing-matches\n", &c);
	char id[16];
	int i;

	(void)state;
	/* a domestic provider: volume and concurrency are a PBX's, not fraud */
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "d%d", i);
		call(d, T0 + (usec_t)i * SEC, id, "13800138000", DOMESTIC, true);
	}
	/* a foreign scanner: extensions, not mobiles, and the line never answers */
	for (i = 0; i < 40; i++) {
		snprintf(id, sizeof(id), "s%d", i);
		detect_event(d, sip(T0 + (usec_t)i * SEC, FOREIGN, LINE, "INVITE", 0, id,
		    "100", "friendly-scanner"));
		snprintf(id, sizeof(id), "m%d", i);
		detect_event(d, sip(T0 + (usec_t)i * SEC, FOREIGN, LINE, "INVITE", 0, id,
		    "13800138000", "friendly-scanner"));
	}
	assert_int_equal(ndetect, 0);
	detect_free(d);
	conf_free(c);
}

static void
test_termination_volume(void **state)
{
	struct conf *c;
	struct detect *d = mk("ua_strong nothing-matches\nterm_concurrent 99\n", &c);
	char id[16], callee[24];
	int i;

	(void)state;
	for (i = 0; i < 9; i++) {
		snprintf(id, sizeof(id), "v%d", i);
		snprintf(callee, sizeof(callee), "1380013%04d", i);
		call(d, T0 + (usec_t)i * 60 * SEC, id, callee, FOREIGN, i == 0);
		detect_event(d, sip(T0 + (usec_t)i * 60 * SEC + 30 * SEC, FOREIGN, LINE, "BYE",
		    0, id, callee, ""));
	}
	assert_int_equal(ndetect, 0);	/* 9 INVITEs: under term_min_invites 10 */
	call(d, T0 + 600 * SEC, "v9", "13800139999", FOREIGN, false);
	assert_int_equal(ndetect, 1);
	assert_non_null(strstr(out, "simbox_suspected"));
	detect_free(d);
	conf_free(c);
}

static struct event *
simbank(usec_t ts, enum simbank_kind k)
{
	static struct event e;

	memset(&e, 0, sizeof(e));
	e.kind = EV_SIMBANK;
	e.ts = ts;
	tuple(&e, LINE, 40000, FOREIGN, 56012);
	e.t.l4proto = 6;
	e.u.simbank.kind = k;
	e.u.simbank.line_id = 101;
	e.u.simbank.slot = 1;
	return &e;
}

static void
test_simbank_and_lists(void **state)
{
	struct conf *c;
	struct detect *d = mk("", &c);

	(void)state;
	detect_event(d, simbank(T0, SIMBANK_LOGIN));
	assert_int_equal(ndetect, 1);
	assert_non_null(strstr(out, "\"verdict\":\"simbox_suspected\",\"tier\":\"urgent\""));
	assert_non_null(strstr(out, "\"kind\":\"simbank_login\""));
	detect_free(d);
	conf_free(c);

	/* an allowlisted peer never goes above general */
	d = mk("allow 203.0.113.0/24\n", &c);
	detect_event(d, simbank(T0, SIMBANK_LOGIN));
	assert_non_null(strstr(out, "\"tier\":\"general\""));
	assert_non_null(strstr(out, "\"allowlisted\":true"));
	detect_free(d);
	conf_free(c);

	/* a watchlisted peer escalates a GoIP from general to high */
	d = mk("watch 10.10.0.10\n", &c);
	detect_event(d, sip(T0, LINE, DOMESTIC, "REGISTER", 0, "r", "", "dble"));
	assert_non_null(strstr(out, "\"verdict\":\"goip_present\",\"tier\":\"high\""));
	assert_non_null(strstr(out, "\"kind\":\"watchlist_peer\""));
	detect_free(d);
	conf_free(c);
}

/*
 * A scanner's probe to a subscriber address, and that host's plain answer,
 * leave nothing to remember: no line (issue 18). What a line needs makes one:
 * a REGISTER to a foreign registrar (its cadence), a peer on the watchlist.
 */
static void
test_scanner_makes_no_line(void **state)
{
	struct detect_stats st;
	struct conf *c;
	struct detect *d = mk("", &c);

	(void)state;
	detect_event(d, sip(T0, FOREIGN, LINE, "OPTIONS", 0, "s1", "100", "friendly-scanner"));
	detect_event(d, sip(T0 + 1, LINE, FOREIGN, "OPTIONS", 200, "s1", "100", "Asterisk"));
	detect_event(d, sip(T0 + 2, FOREIGN, LINE, "INVITE", 0, "s2", "100", "friendly-scanner"));
	detect_stats(d, &st);
	assert_int_equal(st.lines, 0);
	assert_int_equal(st.sip_requests[DM_OPTIONS], 1);	/* still counted */
	detect_event(d, sip(T0 + 3, LINE, FOREIGN, "REGISTER", 0, "r1", "", "Asterisk"));
	detect_stats(d, &st);
	assert_int_equal(st.lines, 1);
	/* a probe to a line that is there uses it, and makes no other */
	detect_event(d, sip(T0 + 4, FOREIGN, LINE, "OPTIONS", 0, "s3", "100", "friendly-scanner"));
	detect_stats(d, &st);
	assert_int_equal(st.lines, 1);
	assert_int_equal(ndetect, 0);
	detect_free(d);
	conf_free(c);

	d = mk("watch 203.0.113.10\n", &c);
	detect_event(d, sip(T0, FOREIGN, LINE, "OPTIONS", 0, "s1", "100", "friendly-scanner"));
	detect_stats(d, &st);
	assert_int_equal(st.lines, 1);
	detect_free(d);
	conf_free(c);
}

static struct event *
keepalive(usec_t ts, int smb, const char *imsi)
{
	static struct event e;
	struct goip_msg *m = &e.u.goip;

	memset(&e, 0, sizeof(e));
	e.kind = EV_GOIP;
	e.ts = ts;
	tuple(&e, LINE, 40001, FOREIGN, 44444);
	m->kind = GOIP_KEEPALIVE;
	snprintf(m->type, sizeof(m->type), "req");
	snprintf(m->id, sizeof(m->id), "goip-7");
	snprintf(m->imsi, sizeof(m->imsi), "%s", imsi);
	snprintf(m->num, sizeof(m->num), "13800138000");
	m->signal = 20;
	m->smb_login = smb;
	return &e;
}

static void
test_sms_keepalive(void **state)
{
	struct conf *c;
	struct detect *d = mk("pseudonymise_key 00112233445566778899aabbccddeeff\n", &c);

	(void)state;
	detect_event(d, keepalive(T0, 0, "460001234567890"));
	assert_int_equal(ndetect, 1);
	assert_non_null(strstr(out, "goip_present"));
	assert_non_null(strstr(out, "\"imsi\":\"460001234567890\""));
	/* the SIM's number is pseudonymised, never in clear */
	assert_null(strstr(out, "13800138000"));
	assert_non_null(strstr(out, "\"msisdn\":\"h:"));
	detect_event(d, keepalive(T0 + 30 * SEC, 0, "460001234567891"));
	detect_event(d, keepalive(T0 + 60 * SEC, 1, "460001234567891"));
	assert_int_equal(ndetect, 2);	/* SMB_LOGIN: a SIM bank, an update */
	assert_non_null(strstr(out, "\"kind\":\"sim_bank_in_use\""));
	assert_non_null(strstr(out, "\"sim_count\":2"));
	assert_non_null(strstr(out, "\"update\":true"));
	detect_free(d);
	conf_free(c);
}

static struct event *
hint(usec_t ts, enum hint_kind k, const char *detail)
{
	static struct event e;

	memset(&e, 0, sizeof(e));
	e.kind = EV_HINT;
	e.ts = ts;
	tuple(&e, LINE, 40002, FOREIGN, 53);
	e.u.hint.kind = (uint8_t)k;
	snprintf(e.u.hint.detail, sizeof(e.u.hint.detail), "%s", detail);
	return &e;
}

static void
test_dns_alone_is_not_enough(void **state)
{
	struct conf *c;
	struct detect *d = mk("", &c);

	(void)state;
	detect_event(d, hint(T0, HINT_DNS, "www.gontp.com"));
	detect_event(d, hint(T0 + SEC, HINT_DNS, "gontp.org"));
	assert_int_equal(ndetect, 0);
	detect_event(d, hint(T0 + 2 * SEC, HINT_NTP, "NTP request over 48 bytes"));
	assert_int_equal(ndetect, 1);
	assert_non_null(strstr(out, "goip_present"));
	detect_event(d, hint(T0 + 3 * SEC, HINT_DDNS, "8MCDRM18047247"));
	assert_int_equal(ndetect, 2);	/* a strong trace grows the evidence */
	detect_free(d);
	conf_free(c);
}

static struct event *
opaque(usec_t first, usec_t last, const uint8_t *peer, uint16_t port)
{
	static struct event e;

	memset(&e, 0, sizeof(e));
	e.kind = EV_OPAQUE;
	e.ts = last + 120 * SEC;
	tuple(&e, LINE, port, peer, 6001);
	e.u.opaque.first = first;
	e.u.opaque.last = last;
	return &e;
}

static void
test_opaque_voice(void **state)
{
	struct conf *c;
	struct detect *d = mk("", &c);

	(void)state;
	detect_event(d, opaque(T0, T0 + 100 * SEC, DOMESTIC, 1));
	detect_event(d, opaque(T0 + 10 * SEC, T0 + 90 * SEC, DOMESTIC, 2));
	assert_int_equal(ndetect, 0);	/* a domestic peer: not termination */
	detect_event(d, opaque(T0, T0 + 100 * SEC, FOREIGN, 3));
	assert_int_equal(ndetect, 0);	/* one flow */
	detect_event(d, opaque(T0 + 10 * SEC, T0 + 90 * SEC, FOREIGN, 4));
	assert_int_equal(ndetect, 1);
	assert_non_null(strstr(out, "\"verdict\":\"simbox_suspected\",\"tier\":\"high\""));
	detect_free(d);
	conf_free(c);
}

static void
test_account_from_radius(void **state)
{
	struct conf *c;
	struct detect *d = mk("", &c);
	struct event e;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.kind = EV_RADIUS;
	e.ts = T0;
	tuple(&e, DOMESTIC, 1813, DOMESTIC, 1813);
	e.u.radius.status = 1;
	e.u.radius.has_framed_ip = true;
	memcpy(e.u.radius.framed_ip, LINE + 12, 4);
	snprintf(e.u.radius.user, sizeof(e.u.radius.user), "gz-adsl-0042@isp");
	detect_event(d, &e);
	detect_event(d, sip(T0 + SEC, LINE, DOMESTIC, "REGISTER", 0, "r", "", "HYBERTONE"));
	assert_non_null(strstr(out, "\"account\":\"gz-adsl-0042@isp\""));
	detect_free(d);
	conf_free(c);
}

/* A new configuration takes effect from the next event: a new UA table, a new allowlist. */
static void
test_set_conf(void **state)
{
	char err[256];
	struct conf *c, *c2;
	struct detect *d = mk("", &c);
	const char *t2 = "ua_strong Acme-GSM\nallow 10.10.0.10\n";

	(void)state;
	detect_event(d, sip(T0, LINE, DOMESTIC, "REGISTER", 0, "r", "", "Acme-GSM/2.1"));
	assert_int_equal(ndetect, 0);
	c2 = conf_parse(t2, strlen(t2), "t2", err, sizeof(err));
	assert_non_null(c2);
	assert_int_equal(detect_set_conf(d, c2), 0);
	detect_event(d, sip(T0 + SEC, LINE, DOMESTIC, "REGISTER", 0, "r", "", "Acme-GSM/2.1"));
	assert_int_equal(ndetect, 1);
	assert_non_null(strstr(out, "\"allowlisted\":true"));
	detect_free(d);
	conf_free(c);
	conf_free(c2);
}

/*
 * The call and registration tables follow a reload too: the subscriber list
 * that gives a call its direction and a REGISTER its subscriber flag, and the
 * call timeouts. They kept the boot config's before.
 */
static void
test_set_conf_tables(void **state)
{
	char err[256];
	struct conf *c, *c2;
	struct detect *d = mk("subscriber_prefix 192.0.2.0/24\n", &c);
	const char *t2 = "subscriber_prefix 100.64.0.0/10\ncall_setup_timeout 5s\n";

	(void)state;
	c2 = conf_parse(t2, strlen(t2), "t2", err, sizeof(err));
	assert_non_null(c2);
	assert_int_equal(detect_set_conf(d, c2), 0);
	detect_event(d, sip(T0, LINE, FOREIGN, "INVITE", 0, "c1", "8613800000001", ""));
	detect_event(d, sip(T0, LINE, DOMESTIC, "REGISTER", 0, "r1", "", ""));
	detect_event(d, sip(T0, DOMESTIC, LINE, "REGISTER", 200, "r1", "", ""));
	detect_tick(d, T0 + 10 * SEC);
	/* the INVITE went unanswered longer than the new setup timeout */
	assert_non_null(strstr(out, "\"end\":\"timeout\""));
	assert_non_null(strstr(out, "\"direction\":\"outbound\""));
	detect_finish(d, T0 + 20 * SEC);
	assert_non_null(strstr(out, "\"subscriber\":true"));
	detect_free(d);
	conf_free(c);
	conf_free(c2);
}

static char central[1 << 16];
static size_t centrallen;
static int ncentral;

/* The sink's detection hook: what goes to central. */
static void
capture_central(void *arg, const char *line, size_t len)
{
	(void)arg;
	if (strncmp(line, "{\"type\":\"call\"", 14) == 0)
		ncentral++;
	if (centrallen + len < sizeof(central)) {
		memcpy(central + centrallen, line, len);
		centrallen += len;
		central[centrallen] = '\0';
	}
}

/* A call a foreign softswitch relays to the line (one Call-ID, two legs), rejected. */
static void
relayed(struct detect *d, usec_t ts, const char *id)
{
	static const uint8_t ORIGIN[16] = { [10] = 0xff, [11] = 0xff, 198, 51, 100, 7 };

	detect_event(d, sip(ts, ORIGIN, FOREIGN, "INVITE", 0, id, "13800138000", "VOS"));
	detect_event(d, sip(ts + 1000, FOREIGN, LINE, "INVITE", 0, id, "13800138000", "VOS"));
	detect_event(d, sip(ts + SEC, LINE, FOREIGN, "INVITE", 486, id, "13800138000", "x"));
	detect_event(d, sip(ts + SEC + 1000, FOREIGN, ORIGIN, "INVITE", 486, id,
	    "13800138000", "x"));
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

/*
 * Call records of a line that holds a verdict also go to central with the line
 * as their subject, report_calls_per_line an hour; the output is unchanged.
 */
static void
test_call_reports(void **state)
{
	char err[256], id[16];
	const char *text = "report_calls_per_line 3\n";
	struct conf *c = conf_parse(text, strlen(text), "t", err, sizeof(err));
	struct sink s = { .emit = capture, .detection = capture_central };
	struct detect *d;

	(void)state;
	assert_non_null(c);
	outlen = centrallen = 0;
	ndetect = ncentral = 0;
	d = detect_new(c, &s);
	relayed(d, T0, "before");	/* ends before the verdict: not sent */
	detect_tick(d, T0 + 100 * SEC);
	assert_int_equal(count(out, "\"type\":\"call\""), 1);
	detect_event(d, sip(T0 + 100 * SEC, LINE, DOMESTIC, "REGISTER", 0, "r1", "", "dble"));
	assert_int_equal(ndetect, 1);
	for (int i = 0; i < 5; i++) {
		snprintf(id, sizeof(id), "a%d", i);
		relayed(d, T0 + (200 + 10 * i) * SEC, id);
	}
	detect_tick(d, T0 + 400 * SEC);
	/* an hour on, the line may send again */
	relayed(d, T0 + 3900 * SEC, "b0");
	detect_finish(d, T0 + 4000 * SEC);
	assert_int_equal(count(out, "\"type\":\"call\""), 7);
	assert_int_equal(count(out, "\"subject\""), ndetect);	/* the detections' only */
	assert_int_equal(ncentral, 4);
	assert_int_equal(count(central, "\"direction\":\"unknown\""), 4);
	assert_int_equal(count(central, ",\"subject\":{\"ip\":\"100.64.1.7\"}}\n"), 4);
	assert_non_null(strstr(central, "\"call_id\":\"a0\""));
	assert_non_null(strstr(central, "\"call_id\":\"a2\""));
	assert_null(strstr(central, "\"call_id\":\"a3\""));
	assert_null(strstr(central, "\"call_id\":\"before\""));
	assert_non_null(strstr(central, "\"call_id\":\"b0\""));
	detect_free(d);
	conf_free(c);

	/* 0: none */
	text = "report_calls_per_line 0\n";
	c = conf_parse(text, strlen(text), "t", err, sizeof(err));
	assert_non_null(c);
	ncentral = 0;
	d = detect_new(c, &s);
	detect_event(d, sip(T0, LINE, DOMESTIC, "REGISTER", 0, "r1", "", "dble"));
	relayed(d, T0 + 10 * SEC, "c0");
	detect_finish(d, T0 + 100 * SEC);
	assert_int_equal(ncentral, 0);
	detect_free(d);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ua_fingerprint),
		cmocka_unit_test(test_ua_near_misses),
		cmocka_unit_test(test_weak_pair),
		cmocka_unit_test(test_termination_concurrency),
		cmocka_unit_test(test_outbound_foreign_trunk),
		cmocka_unit_test(test_trusted_peer),
		cmocka_unit_test(test_termination_breadth),
		cmocka_unit_test(test_domestic_relay),
		cmocka_unit_test(test_rtp_without_sip),
		cmocka_unit_test(test_sip_tls_cadence),
		cmocka_unit_test(test_termination_near_misses),
		cmocka_unit_test(test_termination_volume),
		cmocka_unit_test(test_simbank_and_lists),
		cmocka_unit_test(test_scanner_makes_no_line),
		cmocka_unit_test(test_sms_keepalive),
		cmocka_unit_test(test_dns_alone_is_not_enough),
		cmocka_unit_test(test_opaque_voice),
		cmocka_unit_test(test_account_from_radius),
		cmocka_unit_test(test_set_conf),
		cmocka_unit_test(test_set_conf_tables),
		cmocka_unit_test(test_call_reports),
	};

	sip_global_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
