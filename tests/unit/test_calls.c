/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for calls.c and media.c: real SIP dialogs parsed with sip_parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "calls.h"
#include "media.h"

#define T0	1700000000000000ULL	/* capture time of the first message */
#define MS	1000ULL
#define SEC	1000000ULL

#include "records.h"

/* --- events from message text -------------------------------------------- */

static struct event ev;

static void
addr(uint8_t a[16], const char *s)
{
	assert_true(media_addr_parse(s, a));
}

/* Builds ev from a message; "@BODY@" in text is replaced by the SDP sdp. */
static const struct event *
sipev(usec_t ts, const char *src, uint16_t sport, const char *dst, uint16_t dport,
    const char *text, const char *sdp)
{
	char buf[8192];
	const char *at = strstr(text, "@BODY@");
	size_t n;

	memset(&ev, 0, sizeof(ev));
	if (at == NULL) {
		n = (size_t)snprintf(buf, sizeof(buf), "%sContent-Length: 0\r\n\r\n", text);
	} else {
		n = (size_t)snprintf(buf, sizeof(buf), "%.*sContent-Type: application/sdp\r\n"
		    "Content-Length: %zu\r\n\r\n%s", (int)(at - text), text,
		    strlen(sdp), sdp);
	}
	assert_int_equal(sip_parse((const uint8_t *)buf, n, 0, &ev.u.sip.msg), SIP_PARSE_OK);
	ev.kind = EV_SIP;
	ev.ts = ts;
	addr(ev.t.src, src);
	addr(ev.t.dst, dst);
	ev.t.sport = sport;
	ev.t.dport = dport;
	ev.t.ipver = 4;
	ev.t.l4proto = 17;
	return &ev;
}

#define GOIP	"192.168.8.20"
#define PROXY	"10.1.2.3"

static const char offer[] =
    "v=0\r\no=goip 1234 5678 IN IP4 192.168.8.20\r\ns=SIP Call\r\n"
    "c=IN IP4 192.168.8.20\r\nt=0 0\r\nm=audio 10000 RTP/AVP 18 8 101\r\n"
    "a=rtpmap:18 G729/8000\r\na=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n";
static const char answer[] =
    "v=0\r\no=- 99 1 IN IP4 10.1.2.3\r\ns=-\r\nc=IN IP4 10.1.2.3\r\nt=0 0\r\n"
    "m=audio 30000 RTP/AVP 8 101\r\na=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\na=ptime:30\r\n";

/* Headers of a message of the dialog: first line, then To tag and CSeq vary. */
static const char *
msgtext(const char *first, const char *to_tag, unsigned cseq, const char *method,
    const char *extra)
{
	static char t[4096];

	snprintf(t, sizeof(t), "%s\r\n"
	    "Via: SIP/2.0/UDP 192.168.8.20:5060;branch=z9hG4bK-%u-%s\r\n"
	    "From: \"GoIP\" <sip:goip1@10.1.2.3>;tag=6b8b4567\r\n"
	    "To: <sip:+4915112345678@10.1.2.3>%s%s\r\n"
	    "Call-ID: 327b23c6-643c9869@192.168.8.20\r\n"
	    "CSeq: %u %s\r\n%s",
	    first, cseq, method, to_tag[0] ? ";tag=" : "", to_tag, cseq, method, extra);
	return t;
}

#define INVITE_LINE "INVITE sip:+4915112345678@10.1.2.3:5060;user=phone SIP/2.0"

static struct calls *
mk(size_t cap, const struct prefix_list *subs)
{
	struct calls_params p;
	struct calls *c;

	calls_params_default(&p);
	p.capacity = cap;
	p.subscribers = subs;
	nrec = 0;
	nemit = 0;
	assert_non_null(c = calls_new(&p, &keep_sink));
	return c;
}

/* INVITE with SDP from the GoIP at T0 (cseq 102). */
static void
send_invite(struct calls *c, usec_t ts, unsigned cseq, const char *extra)
{
	char x[512];

	snprintf(x, sizeof(x), "Contact: <sip:goip1@192.168.8.20:5060>\r\n"
	    "User-Agent: DBL GoIP 8.0\r\n"
	    "P-Asserted-Identity: <sip:+4930555000@10.1.2.3>\r\n%s@BODY@", extra);
	calls_sip(c, sipev(ts, GOIP, 5060, PROXY, 5060,
	    msgtext(INVITE_LINE, "", cseq, "INVITE", x), offer));
}

static void
send_resp(struct calls *c, usec_t ts, const char *status, const char *tag,
    unsigned cseq, const char *method, const char *sdp)
{
	calls_sip(c, sipev(ts, PROXY, 5060, GOIP, 5060,
	    msgtext(status, tag, cseq, method, sdp ? "Server: Kamailio\r\n@BODY@" :
	    "Server: Kamailio\r\n"), sdp));
}

static void
send_req(struct calls *c, usec_t ts, bool from_caller, const char *method,
    unsigned cseq)
{
	char first[128];
	static const char callee_hdr[] =
	    "%s sip:goip1@192.168.8.20:5060 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 10.1.2.3:5060;branch=z9hG4bK-c%u\r\n"
	    "From: <sip:+4915112345678@10.1.2.3>;tag=as0001\r\n"
	    "To: \"GoIP\" <sip:goip1@10.1.2.3>;tag=6b8b4567\r\n"
	    "Call-ID: 327b23c6-643c9869@192.168.8.20\r\n"
	    "CSeq: %u %s\r\n";
	char t[1024];

	if (from_caller) {
		snprintf(first, sizeof(first), "%s sip:+4915112345678@10.1.2.3:5060 SIP/2.0",
		    method);
		calls_sip(c, sipev(ts, GOIP, 5060, PROXY, 5060,
		    msgtext(first, "as0001", cseq, method, ""), NULL));
		return;
	}
	snprintf(t, sizeof(t), callee_hdr, method, cseq, cseq, method);
	calls_sip(c, sipev(ts, PROXY, 5060, GOIP, 5060, t, NULL));
}

/* --- tests ------------------------------------------------------------------ */

static struct prefix_list *
subs_goip(void)
{
	static struct prefix p;
	static struct prefix_list l;

	assert_int_equal(prefix_parse("192.168.8.0/24", &p), 0);
	l.v = &p;
	l.n = l.cap = 1;
	return &l;
}

/* The ordinary answered call, hung up by the callee. */
static void
test_answered_call(void **state)
{
	struct calls *c = mk(16, subs_goip());
	struct calls_stats st;
	const char *r;
	(void)state;

	send_invite(c, T0, 102, "");
	send_resp(c, T0 + 40 * MS, "SIP/2.0 100 Trying", "", 102, "INVITE", NULL);
	send_resp(c, T0 + 800 * MS, "SIP/2.0 180 Ringing", "as0001", 102, "INVITE", NULL);
	send_resp(c, T0 + 5 * SEC, "SIP/2.0 200 OK", "as0001", 102, "INVITE", answer);
	send_req(c, T0 + 5 * SEC + 10 * MS, true, "ACK", 102);
	send_req(c, T0 + 65 * SEC, false, "BYE", 1);
	assert_int_equal(nrec, 0);	/* lingers for retransmissions */
	send_resp(c, T0 + 65 * SEC + 5 * MS, "SIP/2.0 200 OK", "as0001", 1, "BYE", NULL);
	calls_tick(c, T0 + 96 * SEC);
	assert_int_equal(nrec, 0);
	calls_tick(c, T0 + 98 * SEC);
	assert_int_equal(nrec, 1);
	r = recs[0];
	assert_field(r, "type", "call");
	assert_field(r, "ts", "2023-11-14T22:14:58.000Z");
	assert_field(r, "call_id", "327b23c6-643c9869@192.168.8.20");
	assert_field(r, "caller", "goip1");
	assert_field(r, "callee", "+4915112345678");
	assert_field(r, "to_user", "+4915112345678");
	assert_field(r, "pai_user", "+4930555000");
	assert_field(r, "from_tag", "6b8b4567");
	assert_field(r, "to_tag", "as0001");
	assert_field(r, "src_ip", GOIP);
	assert_field(r, "dst_ip", PROXY);
	assert_field(r, "direction", "outbound");
	assert_field(r, "user_agent", "DBL GoIP 8.0");
	assert_field(r, "server", "Kamailio");
	assert_field(r, "outcome", "2xx");
	assert_field(r, "status", "200");
	assert_field(r, "state", "answered");
	assert_field(r, "end", "bye");
	assert_field(r, "hangup", "callee");
	assert_field(r, "bye_status", "200");
	assert_field(r, "setup_time", "0.800");
	assert_field(r, "answer_time", "5.000");
	assert_field(r, "duration", "60.000");
	assert_field(r, "end_ts", "2023-11-14T22:14:25.000Z");
	assert_field(r, "reinvites", "0");
	assert_field(r, "auth_challenged", "false");
	assert_non_null(strstr(r, "\"media_caller\":[{\"media\":\"audio\",\"ip\":\"192.168.8.20\","
	    "\"port\":10000,\"pt\":[18,8,101],\"codecs\":[\"G729\",\"PCMA\",\"telephone-event\"],"
	    "\"ptime\":20}]"));
	assert_non_null(strstr(r, "\"media_callee\":[{\"media\":\"audio\",\"ip\":\"10.1.2.3\","
	    "\"port\":30000,\"pt\":[8,101],\"codecs\":[\"PCMA\",\"telephone-event\"],\"ptime\":30}]"));
	calls_stats(c, &st);
	assert_int_equal(st.created, 1);
	assert_int_equal(st.by_state[CS_ANSWERED], 1);
	assert_int_equal(st.in_use, 0);
	calls_free(c);
}

/* RTP is tied to its call through either side's SDP, also after the call ended. */
static void
test_media_tie(void **state)
{
	struct calls *c = mk(16, NULL);
	uint8_t a[16];
	char id[SIP_CALLID_LEN], codec[SDP_CODEC_LEN];
	(void)state;

	send_invite(c, T0, 102, "");
	send_resp(c, T0 + 1 * SEC, "SIP/2.0 200 OK", "as0001", 102, "INVITE", answer);
	addr(a, GOIP);
	assert_true(calls_media_find(c, a, 10000, 18, id, sizeof(id), codec, sizeof(codec)));
	assert_string_equal(id, "327b23c6-643c9869@192.168.8.20");
	assert_string_equal(codec, "G729");
	assert_true(calls_media_find(c, a, 10000, 0, id, sizeof(id), codec, sizeof(codec)));
	assert_string_equal(codec, "PCMU");	/* static table */
	assert_true(calls_media_find(c, a, 10000, 99, id, sizeof(id), codec, sizeof(codec)));
	assert_string_equal(codec, "");
	assert_false(calls_media_find(c, a, 10002, 18, id, sizeof(id), codec, sizeof(codec)));
	addr(a, PROXY);
	assert_true(calls_media_find(c, a, 30000, 8, id, sizeof(id), codec, sizeof(codec)));
	assert_string_equal(codec, "PCMA");
	send_req(c, T0 + 10 * SEC, true, "BYE", 103);
	calls_tick(c, T0 + 50 * SEC);
	assert_int_equal(nrec, 1);
	/* the RTP flow is reported after the UDP idle timeout: still tied */
	assert_true(calls_media_find(c, a, 30000, 8, id, sizeof(id), codec, sizeof(codec)));
	calls_tick(c, T0 + 351 * SEC);
	assert_false(calls_media_find(c, a, 30000, 8, id, sizeof(id), codec, sizeof(codec)));
	calls_free(c);
}

static void
test_cancelled(void **state)
{
	struct calls *c = mk(16, NULL);
	const char *r;
	(void)state;

	send_invite(c, T0, 102, "");
	send_resp(c, T0 + 100 * MS, "SIP/2.0 183 Session Progress", "as0001", 102, "INVITE",
	    answer);
	send_req(c, T0 + 3 * SEC, true, "CANCEL", 102);
	send_resp(c, T0 + 3 * SEC + 5 * MS, "SIP/2.0 200 OK", "", 102, "CANCEL", NULL);
	send_resp(c, T0 + 3 * SEC + 6 * MS, "SIP/2.0 487 Request Terminated", "as0001", 102,
	    "INVITE", NULL);
	send_req(c, T0 + 3 * SEC + 7 * MS, true, "ACK", 102);
	calls_finish(c, T0 + 4 * SEC);
	assert_int_equal(nrec, 1);
	r = recs[0];
	assert_field(r, "state", "cancelled");
	assert_field(r, "outcome", "cancel");
	assert_field(r, "status", "487");
	assert_field(r, "end", "cancel");
	assert_field(r, "hangup", "caller");
	assert_field(r, "setup_time", "0.100");
	assert_field(r, "duration", "0.000");
	assert_field(r, "direction", "unknown");
	assert_null(field(r, "answer_ts"));
	calls_free(c);
}

/* 407, then the same Call-ID with credentials: one call; BYE answered 481. */
static void
test_auth_retry(void **state)
{
	struct calls *c = mk(16, NULL);
	struct calls_stats st;
	const char *r;
	(void)state;

	send_invite(c, T0, 1, "");
	send_resp(c, T0 + 20 * MS, "SIP/2.0 407 Proxy Authentication Required", "x1", 1,
	    "INVITE", NULL);
	send_req(c, T0 + 21 * MS, true, "ACK", 1);
	send_invite(c, T0 + 30 * MS, 2, "Proxy-Authorization: Digest username=\"goip1\", "
	    "realm=\"10.1.2.3\", nonce=\"abc\", uri=\"sip:x@10.1.2.3\", response=\"0123\"\r\n");
	send_resp(c, T0 + 530 * MS, "SIP/2.0 180 Ringing", "as0001", 2, "INVITE", NULL);
	send_resp(c, T0 + 2030 * MS, "SIP/2.0 200 OK", "as0001", 2, "INVITE", answer);
	send_req(c, T0 + 2040 * MS, true, "ACK", 2);
	send_req(c, T0 + 12030 * MS, true, "BYE", 3);
	send_resp(c, T0 + 12040 * MS, "SIP/2.0 481 Call/Transaction Does Not Exist",
	    "as0001", 3, "BYE", NULL);
	calls_finish(c, T0 + 13 * SEC);
	assert_int_equal(nrec, 1);
	r = recs[0];
	assert_field(r, "state", "answered");
	assert_field(r, "auth_challenged", "true");
	assert_field(r, "invites", "2");
	assert_field(r, "setup_time", "0.500");
	assert_field(r, "answer_time", "2.000");
	assert_field(r, "duration", "10.000");
	assert_field(r, "hangup", "caller");
	assert_field(r, "bye_status", "481");
	assert_field(r, "first_ts", "2023-11-14T22:13:20.000Z");
	calls_stats(c, &st);
	assert_int_equal(st.auth_retries, 1);
	assert_int_equal(st.created, 1);
	calls_free(c);
}

static void
test_rejected_busy(void **state)
{
	struct calls *c = mk(16, NULL);
	(void)state;

	send_invite(c, T0, 102, "");
	send_resp(c, T0 + 200 * MS, "SIP/2.0 486 Busy Here", "as0001", 102, "INVITE", NULL);
	send_resp(c, T0 + 700 * MS, "SIP/2.0 486 Busy Here", "as0001", 102, "INVITE", NULL);
	send_req(c, T0 + 701 * MS, true, "ACK", 102);
	calls_tick(c, T0 + 33 * SEC);
	assert_int_equal(nrec, 1);
	assert_field(recs[0], "state", "rejected");
	assert_field(recs[0], "outcome", "4xx");
	assert_field(recs[0], "status", "486");
	assert_field(recs[0], "end", "rejected");
	assert_field(recs[0], "end_ts", "2023-11-14T22:13:20.200Z");
	calls_free(c);
}

/* No final answer: "timeout" without any response, "no_answer" after ringing. */
static void
test_setup_timeouts(void **state)
{
	struct calls *c = mk(16, NULL);
	(void)state;

	send_invite(c, T0, 102, "");
	calls_tick(c, T0 + 179 * SEC);
	assert_int_equal(nrec, 0);
	calls_tick(c, T0 + 180 * SEC);
	assert_int_equal(nrec, 1);
	assert_field(recs[0], "state", "timeout");
	assert_field(recs[0], "outcome", "none");
	assert_field(recs[0], "end", "timeout");

	send_invite(c, T0 + 200 * SEC, 102, "");
	send_resp(c, T0 + 201 * SEC, "SIP/2.0 180 Ringing", "as0001", 102, "INVITE", NULL);
	calls_tick(c, T0 + 381 * SEC);
	assert_int_equal(nrec, 2);
	assert_field(recs[1], "state", "no_answer");
	assert_field(recs[1], "outcome", "1xx");
	calls_free(c);
}

/* Retransmitted INVITE and 2xx, and a second 2xx from another fork. */
static void
test_retransmissions_forks(void **state)
{
	struct calls *c = mk(16, NULL);
	struct calls_stats st;
	(void)state;

	send_invite(c, T0, 102, "");
	send_invite(c, T0 + 500 * MS, 102, "");
	send_resp(c, T0 + 1 * SEC, "SIP/2.0 200 OK", "forkA", 102, "INVITE", answer);
	send_resp(c, T0 + 1100 * MS, "SIP/2.0 200 OK", "forkB", 102, "INVITE", answer);
	send_resp(c, T0 + 1500 * MS, "SIP/2.0 200 OK", "forkA", 102, "INVITE", answer);
	send_req(c, T0 + 9 * SEC, true, "BYE", 103);
	send_req(c, T0 + 9500 * MS, true, "BYE", 103);
	calls_finish(c, T0 + 10 * SEC);
	assert_int_equal(nrec, 1);
	assert_field(recs[0], "to_tag", "forkA");
	assert_field(recs[0], "forks", "1");
	assert_field(recs[0], "retransmissions", "3");
	assert_field(recs[0], "duration", "8.000");
	assert_field(recs[0], "end_ts", "2023-11-14T22:13:29.000Z");
	calls_stats(c, &st);
	assert_int_equal(st.forks, 1);
	calls_free(c);
}

/* Hold and resume from the callee side; answered calls at eof. */
static void
test_reinvite_and_eof(void **state)
{
	struct calls *c = mk(16, NULL);
	const char *first = "INVITE sip:goip1@192.168.8.20:5060 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 10.1.2.3:5060;branch=z9hG4bK-r%u\r\n"
	    "From: <sip:+4915112345678@10.1.2.3>;tag=as0001\r\n"
	    "To: \"GoIP\" <sip:goip1@10.1.2.3>;tag=6b8b4567\r\n"
	    "Call-ID: 327b23c6-643c9869@192.168.8.20\r\n"
	    "CSeq: %u INVITE\r\n@BODY@";
	char t[1024];
	static const char hold[] =
	    "v=0\r\no=- 99 2 IN IP4 10.1.2.3\r\ns=-\r\nc=IN IP4 10.1.2.3\r\nt=0 0\r\n"
	    "m=audio 30002 RTP/AVP 8\r\na=sendonly\r\n";
	(void)state;

	send_invite(c, T0, 102, "");
	send_resp(c, T0 + 1 * SEC, "SIP/2.0 200 OK", "as0001", 102, "INVITE", answer);
	snprintf(t, sizeof(t), first, 1u, 1u);
	calls_sip(c, sipev(T0 + 20 * SEC, PROXY, 5060, GOIP, 5060, t, hold));
	calls_sip(c, sipev(T0 + 20500 * MS, PROXY, 5060, GOIP, 5060, t, hold));
	snprintf(t, sizeof(t), first, 2u, 2u);
	calls_sip(c, sipev(T0 + 40 * SEC, PROXY, 5060, GOIP, 5060, t, answer));
	calls_finish(c, T0 + 50 * SEC);
	assert_int_equal(nrec, 1);
	assert_field(recs[0], "state", "answered");
	assert_field(recs[0], "end", "eof");
	assert_null(field(recs[0], "hangup"));
	assert_field(recs[0], "reinvites", "2");
	assert_field(recs[0], "retransmissions", "1");
	assert_field(recs[0], "duration", "49.000");
	assert_non_null(strstr(recs[0], "\"media_callee\":[{\"media\":\"audio\",\"ip\":\"10.1.2.3\","
	    "\"port\":30000"));
	calls_free(c);
}

/* Near misses: nothing here is a call. */
static void
test_near_misses(void **state)
{
	struct calls *c = mk(16, NULL);
	struct calls_stats st;
	(void)state;

	send_req(c, T0, true, "BYE", 5);			/* BYE for an unknown dialog */
	send_resp(c, T0 + 1, "SIP/2.0 200 OK", "as0001", 102, "INVITE", answer);
	calls_sip(c, sipev(T0 + 2, GOIP, 5060, PROXY, 5060,
	    msgtext("OPTIONS sip:10.1.2.3 SIP/2.0", "", 1, "OPTIONS", ""), NULL));
	send_resp(c, T0 + 3, "SIP/2.0 200 OK", "x", 1, "OPTIONS", NULL);
	/* a re-INVITE of a dialog that began before the capture */
	calls_sip(c, sipev(T0 + 4, GOIP, 5060, PROXY, 5060,
	    msgtext(INVITE_LINE, "as0001", 200, "INVITE", "@BODY@"), offer));
	ev.kind = EV_RTP;	/* not SIP: ignored */
	calls_sip(c, &ev);
	calls_finish(c, T0 + 10 * SEC);
	assert_int_equal(nrec, 0);
	calls_stats(c, &st);
	assert_int_equal(st.created, 0);
	assert_int_equal(st.unmatched_requests, 2);
	assert_int_equal(st.unmatched_responses, 1);
	calls_free(c);
}

/* A 200 that crosses the CANCEL: the call is answered after all. */
static void
test_cancel_race(void **state)
{
	struct calls *c = mk(16, subs_goip());
	(void)state;

	/* inbound: the GoIP receives the INVITE */
	calls_sip(c, sipev(T0, PROXY, 5060, GOIP, 5060,
	    msgtext(INVITE_LINE, "", 7, "INVITE", "@BODY@"), answer));
	calls_sip(c, sipev(T0 + 2 * SEC, PROXY, 5060, GOIP, 5060,
	    msgtext("CANCEL sip:+4915112345678@10.1.2.3:5060 SIP/2.0", "", 7, "CANCEL", ""),
	    NULL));
	calls_sip(c, sipev(T0 + 2 * SEC + 1, GOIP, 5060, PROXY, 5060,
	    msgtext("SIP/2.0 200 OK", "g1", 7, "INVITE", "@BODY@"), offer));
	calls_finish(c, T0 + 5 * SEC);
	assert_int_equal(nrec, 1);
	assert_field(recs[0], "state", "answered");
	assert_field(recs[0], "end", "eof");
	assert_field(recs[0], "direction", "inbound");
	calls_free(c);
}

/* One million INVITEs with distinct Call-IDs: memory stays at the cap. */
static void
test_flood_million_call_ids(void **state)
{
	const size_t cap = 1024, n = 1000000;
	struct calls *c = mk(cap, NULL);
	struct calls_stats st;
	size_t bytes = calls_bytes(c), i;
	struct sip_msg *m;
	clock_t t0 = clock();
	(void)state;

	sipev(T0, GOIP, 5060, PROXY, 5060, msgtext(INVITE_LINE, "", 1, "INVITE", "@BODY@"),
	    offer);
	m = &ev.u.sip.msg;
	for (i = 0; i < n; i++) {
		snprintf(m->call_id, sizeof(m->call_id), "flood-%zu@198.51.100.7", i);
		ev.ts = T0 + i * 100;	/* 10k INVITEs per second */
		m->sdp.media[0].port = (uint16_t)(1024 + i % 60000);
		calls_sip(c, &ev);
	}
	assert_int_equal(calls_bytes(c), bytes);
	calls_stats(c, &st);
	assert_int_equal(st.created, n);
	assert_int_equal(st.in_use, cap);
	assert_int_equal(st.evicted, n - cap);
	assert_int_equal(nemit, n - cap);
	assert_field(recs[0], "end", "evicted");
	calls_finish(c, T0 + n * 100);
	assert_int_equal(nemit, n);
	calls_stats(c, &st);
	assert_int_equal(st.in_use, 0);
	assert_int_equal(calls_bytes(c), bytes);
	/* bounded in time even under the sanitizers */
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 60.0);
	calls_free(c);
}

/* Stats member: well-formed inside an open object. */
static void
test_stats_write(void **state)
{
	struct calls *c = mk(16, NULL);
	char buf[2048];
	struct jw w;
	(void)state;

	send_invite(c, T0, 102, "");
	jw_init(&w, buf, sizeof(buf));
	jw_obj_open(&w, NULL);
	calls_stats_write(c, &w);
	jw_obj_close(&w);
	assert_true(jw_finish(&w) > 0);
	assert_non_null(strstr(buf, "{\"calls\":{\"created\":1,"));
	assert_non_null(strstr(buf, "\"in_use\":1,\"capacity\":16,"));
	calls_free(c);
	calls_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answered_call),
		cmocka_unit_test(test_media_tie),
		cmocka_unit_test(test_cancelled),
		cmocka_unit_test(test_auth_retry),
		cmocka_unit_test(test_rejected_busy),
		cmocka_unit_test(test_setup_timeouts),
		cmocka_unit_test(test_retransmissions_forks),
		cmocka_unit_test(test_reinvite_and_eof),
		cmocka_unit_test(test_near_misses),
		cmocka_unit_test(test_cancel_race),
		cmocka_unit_test(test_flood_million_call_ids),
		cmocka_unit_test(test_stats_write),
	};

	sip_global_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
