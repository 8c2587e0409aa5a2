/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for regs.c: real REGISTER transactions parsed with sip_parse. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "media.h"
#include "regs.h"

#define T0	1700000000000000ULL
#define MS	1000ULL
#define SEC	1000000ULL

#include "records.h"

static struct event ev;

#define GOIP	"192.168.8.20"
#define REGISTRAR "10.1.2.3"

static const struct event *
sipev(usec_t ts, bool up, const char *text)
{
	char buf[4096];
	size_t n = (size_t)snprintf(buf, sizeof(buf), "%sContent-Length: 0\r\n\r\n", text);

	memset(&ev, 0, sizeof(ev));
	assert_int_equal(sip_parse((const uint8_t *)buf, n, 0, &ev.u.sip.msg), SIP_PARSE_OK);
	ev.kind = EV_SIP;
	ev.ts = ts;
	assert_true(media_addr_parse(up ? GOIP : REGISTRAR, ev.t.src));
	assert_true(media_addr_parse(up ? REGISTRAR : GOIP, ev.t.dst));
	ev.t.sport = up ? 5062 : 5060;
	ev.t.dport = up ? 5060 : 5062;
	ev.t.nvlan = 1;
	ev.t.vlan[0] = 301;
	ev.t.has_pppoe = true;
	ev.t.pppoe_session = 0x1a2b;
	return &ev;
}

/* A REGISTER of AOR user (cseq, Call-ID cid); extra headers may add auth or expiry. */
static const char *
reg(const char *user, const char *cid, unsigned cseq, const char *extra)
{
	static char t[2048];

	snprintf(t, sizeof(t), "REGISTER sip:10.1.2.3 SIP/2.0\r\n"
	    "Via: SIP/2.0/UDP 192.168.8.20:5062;branch=z9hG4bK%u\r\n"
	    "From: <sip:%s@10.1.2.3>;tag=f%u\r\n"
	    "To: <sip:%s@10.1.2.3>\r\n"
	    "Call-ID: %s\r\n"
	    "CSeq: %u REGISTER\r\n"
	    "Contact: <sip:%s@192.168.8.20:5062>\r\n"
	    "User-Agent: DBL GoIP\r\n%s",
	    cseq, user, cseq, user, cid, cseq, user, extra);
	return t;
}

static const char *
resp(const char *status, const char *user, const char *cid, unsigned cseq,
    const char *extra)
{
	static char t[2048];

	snprintf(t, sizeof(t), "%s\r\n"
	    "Via: SIP/2.0/UDP 192.168.8.20:5062;branch=z9hG4bK%u\r\n"
	    "From: <sip:%s@10.1.2.3>;tag=f%u\r\n"
	    "To: <sip:%s@10.1.2.3>;tag=r%u\r\n"
	    "Call-ID: %s\r\n"
	    "CSeq: %u REGISTER\r\n"
	    "Server: Kamailio\r\n%s",
	    status, cseq, user, cseq, user, cseq, cid, cseq, extra);
	return t;
}

#define AUTH(user) "Authorization: Digest username=\"" user "\", realm=\"goip.example\", " \
	"nonce=\"5f2a\", uri=\"sip:10.1.2.3\", response=\"deadbeefcafe0123\", algorithm=MD5\r\n"
#define CHALLENGE "WWW-Authenticate: Digest realm=\"goip.example\", nonce=\"5f2a\"\r\n"

static struct regs *
mk(size_t cap)
{
	struct regs_params p;
	struct regs *r;

	regs_params_default(&p);
	p.capacity = cap;
	nrec = 0;
	nemit = 0;
	assert_non_null(r = regs_new(&p, &keep_sink));
	return r;
}

/* Challenge, register, three refreshes, unregister: one record. */
static void
test_register_lifecycle(void **state)
{
	struct regs *r = mk(8);
	struct regs_stats st;
	const char *x;
	unsigned i, cseq = 1;
	usec_t t = T0;
	(void)state;

	regs_sip(r, sipev(t, true, reg("goip1", "c1@192.168.8.20", cseq, "Expires: 120\r\n")));
	regs_sip(r, sipev(t + 10 * MS, false, resp("SIP/2.0 401 Unauthorized", "goip1",
	    "c1@192.168.8.20", cseq, CHALLENGE)));
	for (i = 0; i < 4; i++) {
		cseq++;
		regs_sip(r, sipev(t + 20 * MS, true, reg("goip1", "c1@192.168.8.20", cseq,
		    "Expires: 120\r\n" AUTH("goip1"))));
		regs_sip(r, sipev(t + 30 * MS, false, resp("SIP/2.0 200 OK", "goip1",
		    "c1@192.168.8.20", cseq,
		    "Contact: <sip:goip1@192.168.8.20:5062>;expires=60\r\n")));
		t += 55 * SEC;
		regs_tick(r, t);
	}
	assert_int_equal(nrec, 0);
	cseq++;
	regs_sip(r, sipev(t, true, reg("goip1", "c1@192.168.8.20", cseq,
	    "Expires: 0\r\n" AUTH("goip1"))));
	regs_sip(r, sipev(t + 8 * MS, false, resp("SIP/2.0 200 OK", "goip1",
	    "c1@192.168.8.20", cseq, "")));
	assert_int_equal(nrec, 1);
	x = recs[0];
	assert_field(x, "type", "register");
	assert_field(x, "aor", "goip1@10.1.2.3");
	assert_field(x, "contact", "goip1@192.168.8.20");
	assert_field(x, "client_ip", GOIP);
	assert_field(x, "client_port", "5062");
	assert_field(x, "registrar_ip", REGISTRAR);
	assert_field(x, "registrar_port", "5060");
	assert_field(x, "user_agent", "DBL GoIP");
	assert_field(x, "expires_requested", "0");
	assert_field(x, "expires_granted", "0");
	assert_field(x, "auth_challenged", "true");
	assert_field(x, "auth_realm", "goip.example");
	assert_field(x, "auth_username", "goip1");
	assert_field(x, "result", "ok");
	assert_field(x, "status", "200");
	assert_field(x, "registrations", "4");
	assert_field(x, "requests", "6");
	assert_field(x, "challenges", "1");
	assert_field(x, "reregister_interval", "55.000");
	assert_field(x, "end", "unregistered");
	assert_field(x, "pppoe_session", "6699");
	assert_non_null(strstr(x, "\"vlan\":[301]"));
	assert_null(strstr(x, "deadbeef"));	/* never the digest response */
	regs_stats(r, &st);
	assert_int_equal(st.refreshes, 4);
	assert_int_equal(st.unregistered, 1);
	assert_int_equal(st.in_use, 0);
	regs_free(r);
}

static void
test_expired(void **state)
{
	struct regs *r = mk(8);
	(void)state;

	regs_sip(r, sipev(T0, true, reg("goip2", "c2", 1, "Expires: 3600\r\n")));
	regs_sip(r, sipev(T0 + 5 * MS, false, resp("SIP/2.0 200 OK", "goip2", "c2", 1,
	    "Expires: 60\r\n")));
	regs_tick(r, T0 + 60 * SEC);
	assert_int_equal(nrec, 0);
	regs_tick(r, T0 + 60 * SEC + 5 * MS);
	assert_int_equal(nrec, 1);
	assert_field(recs[0], "end", "expired");
	assert_field(recs[0], "expires_requested", "3600");
	assert_field(recs[0], "expires_granted", "60");
	assert_field(recs[0], "result", "ok");
	assert_null(field(recs[0], "reregister_interval"));
	regs_free(r);
}

/* A challenge never answered, a 403 and a REGISTER without any answer. */
static void
test_failures(void **state)
{
	struct regs *r = mk(8);
	(void)state;

	regs_sip(r, sipev(T0, true, reg("a", "ca", 1, "")));
	regs_sip(r, sipev(T0 + 1, false, resp("SIP/2.0 401 Unauthorized", "a", "ca", 1,
	    CHALLENGE)));
	regs_sip(r, sipev(T0 + 2, true, reg("b", "cb", 1, AUTH("b"))));
	regs_sip(r, sipev(T0 + 3, false, resp("SIP/2.0 403 Forbidden", "b", "cb", 1, "")));
	regs_sip(r, sipev(T0 + 4, true, reg("c", "cc", 1, "")));
	regs_sip(r, sipev(T0 + 500 * MS, true, reg("c", "cc", 1, "")));	/* retransmission */
	regs_tick(r, T0 + 33 * SEC);
	assert_int_equal(nrec, 3);
	assert_field(recs[0], "aor", "a@10.1.2.3");
	assert_field(recs[0], "result", "failed");
	assert_field(recs[0], "status", "401");
	assert_field(recs[0], "auth_realm", "goip.example");
	assert_field(recs[0], "end", "failed");
	assert_field(recs[1], "aor", "b@10.1.2.3");
	assert_field(recs[1], "status", "403");
	assert_field(recs[1], "auth_username", "b");
	assert_field(recs[1], "failures", "1");
	assert_field(recs[2], "aor", "c@10.1.2.3");
	assert_field(recs[2], "result", "no_response");
	assert_field(recs[2], "requests", "1");
	assert_null(field(recs[2], "status"));
	regs_free(r);
}

/* The same binding from a new Call-ID (a reboot) replaces the old registration. */
static void
test_replaced_and_eof(void **state)
{
	struct regs *r = mk(8);
	struct regs_stats st;
	(void)state;

	regs_sip(r, sipev(T0, true, reg("goip3", "old", 1, "")));
	regs_sip(r, sipev(T0 + 1, false, resp("SIP/2.0 200 OK", "goip3", "old", 1, "")));
	regs_sip(r, sipev(T0 + 10 * SEC, true, reg("goip3", "new", 1, "")));
	assert_int_equal(nrec, 1);
	assert_field(recs[0], "call_id", "old");
	assert_field(recs[0], "end", "replaced");
	assert_field(recs[0], "expires_granted", "3600");
	regs_sip(r, sipev(T0 + 10 * SEC + 1, false, resp("SIP/2.0 200 OK", "goip3", "new", 1, "")));
	/* near misses: unknown Call-ID, not REGISTER */
	regs_sip(r, sipev(T0 + 11 * SEC, false, resp("SIP/2.0 200 OK", "goip3", "other", 1, "")));
	regs_sip(r, sipev(T0 + 12 * SEC, true,
	    "OPTIONS sip:10.1.2.3 SIP/2.0\r\nVia: SIP/2.0/UDP 192.168.8.20:5062;branch=z9hG4bKo\r\n"
	    "From: <sip:goip3@10.1.2.3>;tag=o\r\nTo: <sip:goip3@10.1.2.3>\r\n"
	    "Call-ID: new\r\nCSeq: 9 OPTIONS\r\n"));
	regs_finish(r, T0 + 20 * SEC);
	assert_int_equal(nrec, 2);
	assert_field(recs[1], "call_id", "new");
	assert_field(recs[1], "end", "eof");
	assert_field(recs[1], "registrations", "1");
	regs_stats(r, &st);
	assert_int_equal(st.replaced, 1);
	assert_int_equal(st.unmatched_responses, 1);
	regs_free(r);
}

/* A brute force of one million distinct AORs and Call-IDs: memory stays at the cap. */
static void
test_flood(void **state)
{
	const size_t cap = 512, n = 1000000;
	struct regs *r = mk(cap);
	struct regs_stats st;
	size_t bytes = regs_bytes(r), i;
	struct sip_msg *m;
	clock_t t0 = clock();
	(void)state;

	sipev(T0, true, reg("x", "x", 1, ""));
	m = &ev.u.sip.msg;
	for (i = 0; i < n; i++) {
		snprintf(m->call_id, sizeof(m->call_id), "brute-%zu", i);
		snprintf(m->to.user, sizeof(m->to.user), "%zu", 100 + i % 5000);
		ev.ts = T0 + i * 50;
		regs_sip(r, &ev);
	}
	assert_int_equal(regs_bytes(r), bytes);
	regs_stats(r, &st);
	assert_int_equal(st.in_use, cap);
	assert_int_equal(st.created, n);
	assert_int_equal(st.records, nemit);
	assert_true(st.evicted > 0);
	regs_finish(r, T0 + n * 50);
	regs_stats(r, &st);
	assert_int_equal(st.in_use, 0);
	assert_int_equal(nemit, n);
	assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 60.0);
	regs_free(r);
	regs_free(NULL);
}

static void
test_stats_write(void **state)
{
	struct regs *r = mk(4);
	char buf[1024];
	struct jw w;
	(void)state;

	jw_init(&w, buf, sizeof(buf));
	jw_obj_open(&w, NULL);
	regs_stats_write(r, &w);
	jw_obj_close(&w);
	assert_true(jw_finish(&w) > 0);
	assert_non_null(strstr(buf, "{\"registrations\":{\"created\":0,"));
	regs_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_lifecycle),
		cmocka_unit_test(test_expired),
		cmocka_unit_test(test_failures),
		cmocka_unit_test(test_replaced_and_eof),
		cmocka_unit_test(test_flood),
		cmocka_unit_test(test_stats_write),
	};

	sip_global_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
