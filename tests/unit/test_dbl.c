/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for dbl.c: DBL cloud side-channel signatures. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dbl.h"

#define U8(s)	((const uint8_t *)(s))

/* NiceLabs docs/captured/ddns.md, GoIP -> 202.104.186.90:39800. */
static const uint8_t ddns_req[] = {
	0x86, 0x70, 0x14, 0x13, 0x01, 0x38, 0x4d, 0x43, 0x44, 0x52, 0x4d, 0x31,
	0x38, 0x30, 0x34, 0x37, 0x32, 0x34, 0x37,
};

/* Its reply: flag 00, IP, 09, domain. */
static const uint8_t ddns_reply[] = {
	0x86, 0x70, 0x14, 0x13, 0x00, 0x32, 0x31, 0x38, 0x2e, 0x38, 0x31, 0x2e,
	0x33, 0x37, 0x2e, 0x32, 0x30, 0x33, 0x09, 0x77, 0x77, 0x77, 0x2e, 0x38,
	0x4d, 0x43, 0x44, 0x52, 0x4d, 0x31, 0x38, 0x30, 0x34, 0x37, 0x32, 0x34,
	0x37, 0x2e, 0x63, 0x6f, 0x6d,
};

/* A: www.gontp.com, id 0x2b1c, RD set. */
static const uint8_t dns_q[] = {
	0x2b, 0x1c, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x03, 'w', 'w', 'w', 0x05, 'g', 'o', 'n', 't', 'p', 0x03, 'c', 'o', 'm',
	0x00, 0x00, 0x01, 0x00, 0x01,
};

static const uint8_t radmin_radmin[] = {
	0x3c, 0x39, 0xac, 0x9a, 0xce, 0xc5, 0x93, 0x5a, 0x11, 0x22,
};
static const uint8_t radmin_telnet[] = {
	0x3a, 0x3d, 0xa4, 0x99, 0xc2, 0xdf, 0x93, 0x5a,
};

static const char http_status[] =
    "GET /default/en_US/status.html HTTP/1.1\r\nHost: 100.64.1.7\r\n"
    "Authorization: Basic YWRtaW46YWRtaW4=\r\n\r\n";

/* startup.pcap's DHCP Discover, byte by byte. */
static size_t
dhcp_discover(uint8_t *b, const char *vendor)
{
	static const uint8_t mac[6] = { 0x38, 0x3f, 0x10, 0x05, 0xd7, 0x9d };
	static const uint8_t prl[] = { 1, 3, 6, 12, 15, 28, 66, 120, 166 };
	size_t n = 0, vl;

	memset(b, 0, 300);
	b[n++] = 1;		/* op BOOTREQUEST */
	b[n++] = 1;		/* htype Ethernet */
	b[n++] = 6;		/* hlen */
	b[n++] = 0;		/* hops */
	b[n++] = 0x5e; b[n++] = 0x2a; b[n++] = 0x10; b[n++] = 0x07; /* xid */
	n += 2 + 2;		/* secs, flags */
	n += 4 * 4;		/* ciaddr yiaddr siaddr giaddr */
	memcpy(b + n, mac, 6);
	n += 16;		/* chaddr */
	n += 64 + 128;		/* sname, file */
	b[n++] = 0x63; b[n++] = 0x82; b[n++] = 0x53; b[n++] = 0x63;
	b[n++] = 53; b[n++] = 1; b[n++] = 1;		/* DISCOVER */
	b[n++] = 0;					/* pad */
	if (vendor != NULL) {
		vl = strlen(vendor);
		b[n++] = 60; b[n++] = (uint8_t)vl;
		memcpy(b + n, vendor, vl);
		n += vl;
	}
	b[n++] = 55; b[n++] = sizeof(prl);
	memcpy(b + n, prl, sizeof(prl));
	n += sizeof(prl);
	b[n++] = 255;
	return n;
}

static void
test_ddns(void **state)
{
	char serial[32];
	uint8_t b[64];

	(void)state;
	assert_true(dbl_ddns(ddns_req, sizeof(ddns_req), serial));
	assert_string_equal(serial, "8MCDRM18047247");
	assert_false(dbl_ddns(ddns_reply, sizeof(ddns_reply), serial));
	assert_string_equal(serial, "");
	assert_false(dbl_ddns(ddns_req, 5, serial));	/* no serial */
	memcpy(b, ddns_req, sizeof(ddns_req));
	b[0] = 0x87;
	assert_false(dbl_ddns(b, sizeof(ddns_req), serial));
	memcpy(b, ddns_req, sizeof(ddns_req));
	b[10] = ' ';
	assert_false(dbl_ddns(b, sizeof(ddns_req), serial));
	memcpy(b, ddns_req, sizeof(ddns_req));
	b[sizeof(ddns_req)] = 0;		/* NUL padding is fine */
	assert_true(dbl_ddns(b, sizeof(ddns_req) + 1, serial));
	memcpy(b, ddns_req, 5);
	memset(b + 5, 'A', 40);			/* longer than any serial */
	assert_false(dbl_ddns(b, 45, serial));
}

static void
test_dns_query(void **state)
{
	char q[256];
	uint8_t b[64];

	(void)state;
	assert_true(dbl_dns_query(dns_q, sizeof(dns_q), q, sizeof(q)));
	assert_string_equal(q, "www.gontp.com");
	assert_true(dbl_dbl_domain(q));
	/* Upper case comes out lower case. */
	memcpy(b, dns_q, sizeof(dns_q));
	memcpy(b + 17, "GONTP", 5);
	assert_true(dbl_dns_query(b, sizeof(dns_q), q, sizeof(q)));
	assert_string_equal(q, "www.gontp.com");
	/* A response is not a query. */
	b[2] = 0x81; b[3] = 0x80;
	assert_false(dbl_dns_query(b, sizeof(dns_q), q, sizeof(q)));
	assert_string_equal(q, "");
	/* Opcode 2 (STATUS). */
	memcpy(b, dns_q, sizeof(dns_q));
	b[2] = 0x10;
	assert_false(dbl_dns_query(b, sizeof(dns_q), q, sizeof(q)));
	/* No question. */
	memcpy(b, dns_q, sizeof(dns_q));
	b[5] = 0;
	assert_false(dbl_dns_query(b, sizeof(dns_q), q, sizeof(q)));
	/* Question cut before QTYPE/QCLASS. */
	assert_false(dbl_dns_query(dns_q, sizeof(dns_q) - 1, q, sizeof(q)));
	/* Does not fit the caller's buffer: false, never a cut name. */
	assert_false(dbl_dns_query(dns_q, sizeof(dns_q), q, 9));
	assert_false(dbl_dns_query(dns_q, sizeof(dns_q), q, 13));
	assert_true(dbl_dns_query(dns_q, sizeof(dns_q), q, 14));
	assert_false(dbl_dns_query(dns_q, sizeof(dns_q), q, 0));
	/* A label running past the end. */
	memcpy(b, dns_q, sizeof(dns_q));
	b[22] = 0x30;
	assert_false(dbl_dns_query(b, sizeof(dns_q), q, sizeof(q)));
	/* A dot or a space inside a label. */
	memcpy(b, dns_q, sizeof(dns_q));
	b[14] = '.';
	assert_false(dbl_dns_query(b, sizeof(dns_q), q, sizeof(q)));
}

static void
test_dns_pointers(void **state)
{
	char q[256];
	uint8_t b[64];

	(void)state;
	/* A pointer to itself. */
	memcpy(b, dns_q, 12);
	b[12] = 0xc0; b[13] = 0x0c;
	b[14] = 0; b[15] = 1; b[16] = 0; b[17] = 1;
	assert_false(dbl_dns_query(b, 18, q, sizeof(q)));
	/* Into the header. */
	b[13] = 0x02;
	assert_false(dbl_dns_query(b, 18, q, sizeof(q)));
	/* Forwards, past the end, and cut in half. */
	b[13] = 0x11;
	assert_false(dbl_dns_query(b, 18, q, sizeof(q)));
	b[12] = 0xff; b[13] = 0xff;
	assert_false(dbl_dns_query(b, 18, q, sizeof(q)));
	assert_false(dbl_dns_query(b, 13, q, sizeof(q)));
	/* A label then a pointer back into the same name: a loop. */
	b[12] = 1; b[13] = 'a'; b[14] = 0xc0; b[15] = 0x0c;
	b[16] = 0; b[17] = 1; b[18] = 0; b[19] = 1;
	assert_false(dbl_dns_query(b, 20, q, sizeof(q)));
	/* 0x40/0x80 label types. */
	b[12] = 0x41;
	assert_false(dbl_dns_query(b, 20, q, sizeof(q)));
}

static void
test_dbl_domain(void **state)
{
	static const char *const yes[] = {
		"gontp.com", "www.gontp.com", "gontp.org", "voipddns.net",
		"voipddns.com", "dbltek.com", "fspipsev.net", "a.b.dbltek.com",
		"WWW.GoNTP.com", "www.gontp.com.",
	};
	static const char *const no[] = {
		"notgontp.com", "gontp.com.evil.net", "gontp.co", "gontp",
		"com", "", ".", "pool.ntp.org", "xvoipddns.net", "gontp.org.cn",
		"dbltek.com..", "www-gontp.com", "fspipsev.network",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!dbl_dbl_domain(yes[i]))
			fail_msg("%s should match", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (dbl_dbl_domain(no[i]))
			fail_msg("%s should not match", no[i]);
	assert_false(dbl_dbl_domain(NULL));
}

static void
test_ntp(void **state)
{
	uint8_t *b = calloc(1, 1072);

	(void)state;
	assert_non_null(b);
	b[0] = 0x1b;				/* LI 0, VN 3, mode 3 */
	assert_true(dbl_ntp_long(b, 1072));
	assert_false(dbl_ntp_long(b, 48));	/* the ordinary request */
	assert_true(dbl_ntp_long(b, 49));
	b[0] = 0x1c;				/* mode 4, server */
	assert_false(dbl_ntp_long(b, 1072));
	b[0] = 0x03;				/* VN 0 */
	assert_false(dbl_ntp_long(b, 1072));
	b[0] = 0x2b;				/* VN 5 */
	assert_false(dbl_ntp_long(b, 1072));
	b[0] = 0x23;				/* NTPv4 client */
	assert_true(dbl_ntp_long(b, 1072));
	assert_false(dbl_ntp_long(NULL, 0));
	free(b);
}

static void
test_radmin(void **state)
{
	uint8_t b[16];

	(void)state;
	assert_true(dbl_radmin(radmin_radmin, sizeof(radmin_radmin)));
	assert_true(dbl_radmin(radmin_telnet, sizeof(radmin_telnet)));
	assert_false(dbl_radmin(radmin_telnet, 7));
	memcpy(b, radmin_radmin, 8);
	b[7] ^= 0x01;
	assert_false(dbl_radmin(b, 8));
	assert_false(dbl_radmin(U8("RADMIN: goip1\n"), 14));	/* cleartext */
}

static void
test_dhcp(void **state)
{
	uint8_t b[320], mac[6];
	char v[64];
	size_t n;

	(void)state;
	n = dhcp_discover(b, "dbl");
	assert_true(dbl_dhcp_vendor(b, n, v, mac));
	assert_string_equal(v, "dbl");
	assert_true(dbl_dbl_vendor(v));
	assert_true(dbl_oui_dbl(mac));
	assert_int_equal(mac[5], 0x9d);
	/* No option 60: false, but chaddr is still there. */
	n = dhcp_discover(b, NULL);
	assert_false(dbl_dhcp_vendor(b, n, v, mac));
	assert_string_equal(v, "");
	assert_true(dbl_oui_dbl(mac));
	/* Other vendors. */
	n = dhcp_discover(b, "MSFT 5.0");
	assert_true(dbl_dhcp_vendor(b, n, v, mac));
	assert_false(dbl_dbl_vendor(v));
	assert_true(dbl_dbl_vendor("DBL"));
	assert_false(dbl_dbl_vendor("dblx"));
	assert_false(dbl_dbl_vendor("db"));
	assert_false(dbl_dbl_vendor(NULL));
	/* BOOTREPLY, no cookie, option 60 past the end. */
	n = dhcp_discover(b, "dbl");
	b[0] = 2;
	assert_false(dbl_dhcp_vendor(b, n, v, mac));
	b[0] = 1;
	b[236] = 0;
	assert_false(dbl_dhcp_vendor(b, n, v, mac));
	b[236] = 0x63;
	b[244] = 60;
	b[245] = 200;
	assert_false(dbl_dhcp_vendor(b, 250, v, mac));
	assert_false(dbl_dhcp_vendor(b, 239, v, mac));
}

static void
test_oui(void **state)
{
	static const uint8_t dbl[6] = { 0x38, 0x3f, 0x10, 0, 0, 1 };
	static const uint8_t dinstar[6] = { 0xf8, 0xa0, 0x3d, 0, 0, 1 };
	static const uint8_t near[6] = { 0x38, 0x3f, 0x11, 0, 0, 1 };

	(void)state;
	assert_true(dbl_oui_dbl(dbl));
	assert_false(dbl_oui_dbl(dinstar));
	assert_false(dbl_oui_dbl(near));
}

static void
test_http(void **state)
{
	static const char *const yes[] = {
		"GET /default/en_US/status.html HTTP/1.1\r\n",
		"POST /default/en_US/send.html?u=admin HTTP/1.0\r\n",
		"HEAD /default/en_US/ HTTP/1.1\r\n",
		"GET http://100.64.1.7/default/en_US/status.html HTTP/1.1\r\n",
		"GET /default/en_US/",
	};
	static const char *const no[] = {
		"GET /default/en_GB/status.html HTTP/1.1\r\n",
		"GET /index.html HTTP/1.1\r\n",
		"HTTP/1.1 302 Found\r\nLocation: /default/en_US/status.html\r\n",
		"XGET /default/en_US/status.html HTTP/1.1\r\n",
		" GET /default/en_US/status.html HTTP/1.1\r\n",
		"GET /x/default/en_US/status.html HTTP/1.1\r\n",
		"get /default/en_US/status.html HTTP/1.1\r\n",
		"GET /default/en_US",
		"INVITE sip:x@y SIP/2.0\r\n",
	};
	size_t i;

	(void)state;
	assert_true(dbl_http_goip(U8(http_status), strlen(http_status)));
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (!dbl_http_goip(U8(yes[i]), strlen(yes[i])))
			fail_msg("should match: %s", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (dbl_http_goip(U8(no[i]), strlen(no[i])))
			fail_msg("should not match: %s", no[i]);
}

static void
probe_all(const uint8_t *p, size_t n)
{
	char s[32], q[256], v[64];
	uint8_t mac[6];

	(void)dbl_ddns(p, n, s);
	(void)dbl_dns_query(p, n, q, sizeof(q));
	(void)dbl_dns_query(p, n, q, 5);
	(void)dbl_ntp_long(p, n);
	(void)dbl_radmin(p, n);
	(void)dbl_dhcp_vendor(p, n, v, mac);
	(void)dbl_http_goip(p, n);
	assert_true(strnlen(s, sizeof(s)) < sizeof(s));
	assert_true(strnlen(v, sizeof(v)) < sizeof(v));
}

/* Every prefix of every positive, each in an exact heap copy (ASan). */
static void
prefixes(const uint8_t *src, size_t n)
{
	size_t k;

	for (k = 0; k <= n; k++) {
		uint8_t *b = malloc(k ? k : 1);

		assert_non_null(b);
		memcpy(b, src, k);
		probe_all(b, k);
		free(b);
	}
}

static void
test_prefixes(void **state)
{
	uint8_t d[320], *ntp;
	size_t n;

	(void)state;
	prefixes(ddns_req, sizeof(ddns_req));
	prefixes(ddns_reply, sizeof(ddns_reply));
	prefixes(dns_q, sizeof(dns_q));
	prefixes(radmin_radmin, sizeof(radmin_radmin));
	prefixes(U8(http_status), strlen(http_status));
	n = dhcp_discover(d, "dbl");
	prefixes(d, n);
	ntp = calloc(1, 1072);
	assert_non_null(ntp);
	ntp[0] = 0x1b;
	prefixes(ntp, 1072);
	free(ntp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ddns),
		cmocka_unit_test(test_dns_query),
		cmocka_unit_test(test_dns_pointers),
		cmocka_unit_test(test_dbl_domain),
		cmocka_unit_test(test_ntp),
		cmocka_unit_test(test_radmin),
		cmocka_unit_test(test_dhcp),
		cmocka_unit_test(test_oui),
		cmocka_unit_test(test_http),
		cmocka_unit_test(test_prefixes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
