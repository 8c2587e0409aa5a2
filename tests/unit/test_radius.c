/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for radius.c: RADIUS accounting and PPP PAP/CHAP names. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "radius.h"

struct pkt {
	uint8_t	b[1024];
	size_t	n;
};

static void
attr(struct pkt *p, uint8_t type, const void *v, size_t len)
{
	p->b[p->n++] = type;
	p->b[p->n++] = (uint8_t)(len + 2);
	memcpy(p->b + p->n, v, len);
	p->n += len;
}

static void
attr_str(struct pkt *p, uint8_t type, const char *s)
{
	attr(p, type, s, strlen(s));
}

static void
attr_u32(struct pkt *p, uint8_t type, uint32_t v)
{
	uint8_t b[4] = { (uint8_t)(v >> 24), (uint8_t)(v >> 16),
	    (uint8_t)(v >> 8), (uint8_t)v };

	attr(p, type, b, 4);
}

static void
radius_hdr(struct pkt *p, uint8_t code)
{
	p->n = 0;
	p->b[p->n++] = code;
	p->b[p->n++] = 0x5a;		/* identifier */
	p->n += 2;			/* length, fixed by radius_len */
	memset(p->b + p->n, 0xc3, 16);	/* Request Authenticator */
	p->n += 16;
}

static void
radius_len(struct pkt *p)
{
	p->b[2] = (uint8_t)(p->n >> 8);
	p->b[3] = (uint8_t)p->n;
}

/* Accounting-Request Start as a BRAS sends it (RFC 2866 5.x, 2865 5.x). */
static void
acct_start(struct pkt *p, uint32_t status)
{
	static const uint8_t framed[4] = { 100, 64, 1, 7 };
	static const uint8_t nas[4] = { 10, 0, 0, 1 };
	/* Framed-IPv6-Prefix 2001:db8:1:100::/56: reserved, length, 7 bytes. */
	static const uint8_t v6[9] = { 0, 56, 0x20, 0x01, 0x0d, 0xb8, 0x00,
	    0x01, 0x01 };

	radius_hdr(p, 4);
	attr_u32(p, 40, status);			/* Acct-Status-Type */
	attr_str(p, 1, "alice@isp.example");		/* User-Name */
	attr_str(p, 44, "0001A2B3C4");			/* Acct-Session-Id */
	attr(p, 8, framed, 4);				/* Framed-IP-Address */
	attr(p, 4, nas, 4);				/* NAS-IP-Address */
	attr_str(p, 31, "00:11:22:33:44:55");		/* Calling-Station-Id */
	attr(p, 97, v6, sizeof(v6));			/* Framed-IPv6-Prefix */
	attr_u32(p, 6, 2);				/* Service-Type Framed */
	radius_len(p);
}

static void
test_acct_start(void **state)
{
	struct pkt p;
	struct radius_acct a;
	static const uint8_t want6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01,
	    0x01 };

	(void)state;
	acct_start(&p, 1);
	assert_true(radius_acct_parse(p.b, p.n, &a));
	assert_int_equal(a.status, RADIUS_STATUS_START);
	assert_string_equal(a.user, "alice@isp.example");
	assert_string_equal(a.session_id, "0001A2B3C4");
	assert_true(a.has_framed_ip);
	assert_memory_equal(a.framed_ip, "\x64\x40\x01\x07", 4);
	assert_string_equal(a.nas_ip, "10.0.0.1");
	assert_string_equal(a.calling_station, "00:11:22:33:44:55");
	assert_true(a.has_v6_prefix);
	assert_int_equal(a.v6_prefix_len, 56);
	assert_memory_equal(a.v6_prefix, want6, 16);
	assert_false(a.truncated);
	acct_start(&p, 2);
	assert_true(radius_acct_parse(p.b, p.n, &a));
	assert_int_equal(a.status, RADIUS_STATUS_STOP);
	acct_start(&p, 3);
	assert_true(radius_acct_parse(p.b, p.n, &a));
	assert_int_equal(a.status, RADIUS_STATUS_INTERIM);
	/* Octets past Length are padding. */
	acct_start(&p, 1);
	assert_true(radius_acct_parse(p.b, p.n + 7, &a));
}

static void
test_acct_minimal_and_odd(void **state)
{
	static const uint8_t v6full[18] = { 0, 64, 0x20, 0x01, 0x0d, 0xb8, 0, 0,
	    0, 0x2a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t v6bad[4] = { 0, 129, 0, 0 };
	static const uint8_t v6short[3] = { 0, 64, 0x20 };
	struct pkt p;
	struct radius_acct a;
	char longname[120];

	(void)state;
	/* No attributes at all: a valid Accounting-Request, nothing learnt. */
	radius_hdr(&p, 4);
	radius_len(&p);
	assert_true(radius_acct_parse(p.b, p.n, &a));
	assert_int_equal(a.status, 0);
	assert_false(a.has_framed_ip);
	/* Wrong fixed sizes are ignored, not fatal; bits past /64 cleared. */
	radius_hdr(&p, 4);
	attr(&p, 8, "\x01\x02\x03\x04\x05", 5);
	attr(&p, 40, "\x00\x01", 2);
	attr(&p, 97, v6full, sizeof(v6full));
	radius_len(&p);
	assert_true(radius_acct_parse(p.b, p.n, &a));
	assert_false(a.has_framed_ip);
	assert_int_equal(a.status, 0);
	assert_true(a.has_v6_prefix);
	assert_int_equal(a.v6_prefix_len, 64);
	assert_int_equal(a.v6_prefix[7], 0x2a);
	assert_int_equal(a.v6_prefix[8], 0);
	assert_int_equal(a.v6_prefix[15], 0);
	/* Prefix length over 128, or fewer bytes than it needs. */
	radius_hdr(&p, 4);
	attr(&p, 97, v6bad, sizeof(v6bad));
	attr(&p, 97, v6short, sizeof(v6short));
	radius_len(&p);
	assert_true(radius_acct_parse(p.b, p.n, &a));
	assert_false(a.has_v6_prefix);
	/* A long User-Name is cut and flagged; control bytes shown as '?'. */
	memset(longname, 'u', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	longname[0] = '\n';
	radius_hdr(&p, 4);
	attr_str(&p, 1, longname);
	radius_len(&p);
	assert_true(radius_acct_parse(p.b, p.n, &a));
	assert_true(a.truncated);
	assert_int_equal(strlen(a.user), 63);
	assert_int_equal(a.user[0], '?');
	/* A long Chinese name is cut on a character boundary. */
	longname[0] = '\0';
	for (int i = 0; i < 23; i++)
		strcat(longname, "\xe7\x8c\xab");
	strcat(longname, "x");
	radius_hdr(&p, 4);
	attr_str(&p, 1, longname + 1);
	radius_len(&p);
	assert_true(radius_acct_parse(p.b, p.n, &a));
	assert_true(a.truncated);
	assert_int_equal(strlen(a.user), 62);
	assert_memory_equal(a.user, longname + 1, 62);
}

static void
test_acct_near_misses(void **state)
{
	struct pkt p;
	struct radius_acct a;

	(void)state;
	/* Access-Request (code 1) with the same attributes. */
	acct_start(&p, 1);
	p.b[0] = 1;
	assert_false(radius_acct_parse(p.b, p.n, &a));
	assert_string_equal(a.user, "");
	/* Accounting-Response (code 5). */
	p.b[0] = 5;
	assert_false(radius_acct_parse(p.b, p.n, &a));
	/* Header length past the datagram, under 20, over 4096. */
	acct_start(&p, 1);
	assert_false(radius_acct_parse(p.b, p.n - 1, &a));
	p.b[2] = 0; p.b[3] = 19;
	assert_false(radius_acct_parse(p.b, p.n, &a));
	p.b[2] = 0x10; p.b[3] = 0x01;
	assert_false(radius_acct_parse(p.b, 1024, &a));
	/* An attribute length past the end. */
	radius_hdr(&p, 4);
	attr_str(&p, 1, "bob");
	p.b[p.n - 4] = 40;
	radius_len(&p);
	assert_false(radius_acct_parse(p.b, p.n, &a));
	/* Attribute lengths 0 and 1, and a lone type byte. */
	radius_hdr(&p, 4);
	p.b[p.n++] = 1;
	p.b[p.n++] = 1;
	radius_len(&p);
	assert_false(radius_acct_parse(p.b, p.n, &a));
	p.b[p.n - 1] = 0;
	assert_false(radius_acct_parse(p.b, p.n, &a));
	radius_hdr(&p, 4);
	p.b[p.n++] = 1;
	radius_len(&p);
	assert_false(radius_acct_parse(p.b, p.n, &a));
	assert_false(radius_acct_parse(p.b, 19, &a));
	assert_false(radius_acct_parse(NULL, 0, &a));
}

/* PAP Authenticate-Request: code 1, id, length, Peer-ID, Password. */
static size_t
pap(uint8_t *b, uint8_t code, const char *peer, const char *pw)
{
	size_t n = 4, pl = strlen(peer), wl = strlen(pw);

	b[0] = code;
	b[1] = 0x01;
	b[n++] = (uint8_t)pl;
	memcpy(b + n, peer, pl);
	n += pl;
	b[n++] = (uint8_t)wl;
	memcpy(b + n, pw, wl);
	n += wl;
	b[2] = (uint8_t)(n >> 8);
	b[3] = (uint8_t)n;
	return n;
}

/* CHAP Response: code 2, id, length, Value-Size, Value, Name. */
static size_t
chap(uint8_t *b, uint8_t code, const char *name)
{
	size_t n = 4, nl = strlen(name);

	b[0] = code;
	b[1] = 0x07;
	b[n++] = 16;
	memset(b + n, 0x9e, 16);
	n += 16;
	memcpy(b + n, name, nl);
	n += nl;
	b[2] = (uint8_t)(n >> 8);
	b[3] = (uint8_t)n;
	return n;
}

static void
test_pap(void **state)
{
	uint8_t b[600];
	char u[64];
	size_t n;

	(void)state;
	n = pap(b, 1, "alice@isp.example", "s3cret");
	assert_true(ppp_pap_user(b, n, u));
	assert_string_equal(u, "alice@isp.example");
	assert_null(strstr(u, "s3cret"));
	/* Trailing bytes past Length (Ethernet padding) are fine. */
	memset(b + n, 0, 10);
	assert_true(ppp_pap_user(b, n + 10, u));
	/* Authenticate-Ack, a cut frame, Length past the data. */
	n = pap(b, 2, "alice", "s3cret");
	assert_false(ppp_pap_user(b, n, u));
	n = pap(b, 1, "alice", "s3cret");
	assert_false(ppp_pap_user(b, n - 1, u));
	b[3] = (uint8_t)(n - 1);	/* Length cuts the password */
	assert_false(ppp_pap_user(b, n, u));
	/* Peer-ID length past Length; empty Peer-ID. */
	n = pap(b, 1, "alice", "s3cret");
	b[4] = 50;
	assert_false(ppp_pap_user(b, n, u));
	n = pap(b, 1, "", "s3cret");
	assert_false(ppp_pap_user(b, n, u));
	assert_string_equal(u, "");
	/* A 255-byte Peer-ID fits cut to 63. */
	{
		char peer[256];

		memset(peer, 'p', 255);
		peer[255] = '\0';
		n = pap(b, 1, peer, "x");
		assert_true(ppp_pap_user(b, n, u));
		assert_int_equal(strlen(u), 63);
	}
}

static void
test_chap(void **state)
{
	uint8_t b[300];
	char u[64];
	size_t n;

	(void)state;
	n = chap(b, 2, "bob@isp.example");
	assert_true(ppp_chap_user(b, n, u));
	assert_string_equal(u, "bob@isp.example");
	/* Challenge (code 1) carries the authenticator's name, not the user. */
	n = chap(b, 1, "bras1");
	assert_false(ppp_chap_user(b, n, u));
	/* No name; Value-Size past the end; zero Value-Size. */
	n = chap(b, 2, "");
	assert_false(ppp_chap_user(b, n, u));
	n = chap(b, 2, "bob");
	b[4] = 40;
	assert_false(ppp_chap_user(b, n, u));
	n = chap(b, 2, "bob");
	b[4] = 0;
	assert_false(ppp_chap_user(b, n, u));
	assert_false(ppp_chap_user(b, 3, u));
	assert_false(ppp_chap_user(NULL, 0, u));
}

static void
prefixes(const uint8_t *src, size_t n)
{
	struct radius_acct a;
	char u[64];
	size_t k;

	for (k = 0; k <= n; k++) {
		uint8_t *b = malloc(k ? k : 1);

		assert_non_null(b);
		memcpy(b, src, k);
		(void)radius_acct_parse(b, k, &a);
		(void)ppp_pap_user(b, k, u);
		(void)ppp_chap_user(b, k, u);
		assert_true(strnlen(a.user, sizeof(a.user)) < sizeof(a.user));
		assert_true(strnlen(u, sizeof(u)) < sizeof(u));
		free(b);
	}
}

static void
test_prefixes(void **state)
{
	struct pkt p;
	uint8_t b[300];
	size_t n;

	(void)state;
	acct_start(&p, 1);
	prefixes(p.b, p.n);
	n = pap(b, 1, "alice@isp.example", "s3cret");
	prefixes(b, n);
	n = chap(b, 2, "bob@isp.example");
	prefixes(b, n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_acct_start),
		cmocka_unit_test(test_acct_minimal_and_odd),
		cmocka_unit_test(test_acct_near_misses),
		cmocka_unit_test(test_pap),
		cmocka_unit_test(test_chap),
		cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
