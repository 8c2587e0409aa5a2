/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for siptls.c: the ClientHello's SNI and the client's record cadence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "decode.h"
#include "dpi.h"
#include "flow.h"
#include "pktbuild.h"
#include "siptls.h"

#define S	USEC_PER_SEC
#define T0	(1764408000ULL * USEC_PER_SEC)

/* A TLS 1.2 record with a ClientHello: a session id, two suites, then the
 * extensions given (type, body) with the SNI last. */
static size_t
hello(uint8_t *p, const uint8_t *name, size_t nl, bool other_ext_first)
{
	size_t n = 0, hs_at, ext_at, rec_at;

	p[n++] = 0x16, p[n++] = 3, p[n++] = 1;
	rec_at = n, n += 2;
	p[n++] = 1;
	hs_at = n, n += 3;
	p[n++] = 3, p[n++] = 3;
	memset(p + n, 0xaa, 32), n += 32;
	p[n++] = 4, memset(p + n, 0x55, 4), n += 4;	/* session id */
	p[n++] = 0, p[n++] = 4, p[n++] = 0x13, p[n++] = 1, p[n++] = 0xc0, p[n++] = 0x2f;
	p[n++] = 1, p[n++] = 0;				/* compression */
	ext_at = n, n += 2;
	if (other_ext_first) {				/* supported_groups */
		p[n++] = 0, p[n++] = 10, p[n++] = 0, p[n++] = 4;
		p[n++] = 0, p[n++] = 2, p[n++] = 0, p[n++] = 0x1d;
	}
	p[n++] = 0, p[n++] = 0;				/* server_name */
	p[n++] = (uint8_t)((nl + 5) >> 8), p[n++] = (uint8_t)(nl + 5);
	p[n++] = (uint8_t)((nl + 3) >> 8), p[n++] = (uint8_t)(nl + 3);
	p[n++] = 0, p[n++] = (uint8_t)(nl >> 8), p[n++] = (uint8_t)nl;
	memcpy(p + n, name, nl), n += nl;
	p[ext_at] = (uint8_t)((n - ext_at - 2) >> 8), p[ext_at + 1] = (uint8_t)(n - ext_at - 2);
	p[hs_at] = 0, p[hs_at + 1] = (uint8_t)((n - hs_at - 3) >> 8);
	p[hs_at + 2] = (uint8_t)(n - hs_at - 3);
	p[rec_at] = (uint8_t)((n - rec_at - 2) >> 8), p[rec_at + 1] = (uint8_t)(n - rec_at - 2);
	return n;
}

static void
test_sni(void **state)
{
	uint8_t p[600];
	char out[TLS_SNI_LEN];
	size_t n;

	(void)state;
	n = hello(p, (const uint8_t *)"sbc.example.net", 15, false);
	assert_true(tls_sniff(p, n));
	assert_true(tls_sni(p, n, out, sizeof(out)));
	assert_string_equal(out, "sbc.example.net");
	n = hello(p, (const uint8_t *)"sip.example.org", 15, true);
	assert_true(tls_sni(p, n, out, sizeof(out)));
	assert_string_equal(out, "sip.example.org");
	/* a small buffer cuts the name */
	assert_true(tls_sni(p, n, out, 4));
	assert_string_equal(out, "sip");
	/* not a handshake, not a ClientHello */
	p[0] = 0x17;
	assert_false(tls_sniff(p, n));
	assert_false(tls_sni(p, n, out, sizeof(out)));
	assert_string_equal(out, "");
	p[0] = 0x16, p[5] = 2;
	assert_false(tls_sni(p, n, out, sizeof(out)));
}

static void
test_sni_hostile(void **state)
{
	static const uint8_t bad[] = { 'a', '\n', 0x1b, '[', '2', 'J', 0xc3, 0x28, 0xff, '"',
	    '\\', 0, 'z' };
	uint8_t p[600], big[400];
	char out[TLS_SNI_LEN];
	size_t n, cut, i;

	(void)state;
	/* control bytes, invalid UTF-8, NUL, quote: kept as printable ASCII */
	n = hello(p, bad, sizeof(bad), true);
	assert_true(tls_sni(p, n, out, sizeof(out)));
	assert_int_equal(strlen(out), sizeof(bad));
	for (i = 0; out[i] != '\0'; i++)
		assert_true(out[i] > 0x20 && out[i] < 0x7f);
	assert_string_equal(out, "a??[2J?(?\"\\?z");
	/* a name longer than the buffer is cut, NUL-terminated */
	memset(big, 'x', sizeof(big));
	n = hello(p, big, 300, false);
	assert_true(tls_sni(p, n, out, sizeof(out)));
	assert_int_equal(strlen(out), TLS_SNI_LEN - 1);
	/* every truncation of a hello: no read past n (ASan), never more than n */
	n = hello(p, (const uint8_t *)"sbc.example.net", 15, true);
	for (cut = 0; cut < n; cut++) {
		memset(out, 'Q', sizeof(out));
		if (tls_sni(p, cut, out, sizeof(out)))
			assert_true(strlen(out) < 15);	/* cut inside the name */
		else
			assert_string_equal(out, "");
	}
	/* huge lengths: record, hello, session id, suites, extensions, SNI list, name */
	{
		static const size_t at[] = { 3, 6, 43, 48, 54, 56, 61, 63, 66 };

		for (i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
			uint8_t q[600];

			memcpy(q, p, n);
			q[at[i]] = 0xff;
			if (at[i] != 43)
				q[at[i] + 1] = 0xff;
			if (tls_sni(q, n, out, sizeof(out)))
				assert_true(strlen(out) < TLS_SNI_LEN);
		}
	}
	/* zero-capacity output: false, nothing written */
	assert_false(tls_sni(p, n, out, 0));
	/* an empty input */
	assert_false(tls_sni(p, 0, out, sizeof(out)));
}

static void
test_name_copy(void **state)
{
	char out[8];

	(void)state;
	tls_name_copy((const uint8_t *)"ab\x7f\x80" "cdefghij", 12, out, sizeof(out));
	assert_string_equal(out, "ab??cde");
	tls_name_copy((const uint8_t *)"x", 1, out, 1);
	assert_string_equal(out, "");
}

static void
test_cadence(void **state)
{
	struct tls_cadence c;
	unsigned i;

	(void)state;
	tls_cadence_init(&c);
	assert_int_equal(tls_cadence_mean_ms(&c), 0);
	/* a handshake: several packets within 20 s are one burst */
	tls_cadence_packet(&c, T0);
	tls_cadence_packet(&c, T0 + S / 10);
	tls_cadence_packet(&c, T0 + 19 * S);
	assert_int_equal(c.bursts, 1);
	assert_int_equal(c.gaps, 0);
	/* the quiet is measured from the last packet, the gap from the burst start */
	tls_cadence_packet(&c, T0 + 38 * S);
	assert_int_equal(c.bursts, 1);
	tls_cadence_packet(&c, T0 + 60 * S);
	assert_int_equal(c.bursts, 2);
	assert_int_equal(c.gaps, 1);
	assert_int_equal(c.gap_min_ms, 60000);
	/* re-registrations every 58-62 s */
	for (i = 2; i < 12; i++)
		tls_cadence_packet(&c, T0 + (60 * i + (i % 2 ? 2 : -2)) * S);
	assert_int_equal(c.bursts, 12);
	assert_int_equal(c.gaps, 11);
	assert_int_equal(c.gap_min_ms, 56000);
	assert_int_equal(c.gap_max_ms, 64000);
	assert_in_range(tls_cadence_mean_ms(&c), 59000, 61000);
	/* a long silence: one big gap */
	tls_cadence_packet(&c, T0 + 3600 * S);
	assert_int_equal(c.gap_max_ms, (3600 - 662) * 1000);
	/* time going backwards (out of order): no wrap */
	tls_cadence_packet(&c, T0);
	assert_true(c.gap_min_ms <= 56000);
	assert_int_equal(c.bursts, 13);
}

/* One IPv4/TCP packet of the session 100.64.1.7:40000 <-> 203.0.113.10:5061. */
static void
dpi_feed(struct dpi *d, struct flow *f, bool from_client, uint32_t seq, uint8_t flags,
    const uint8_t *pl, size_t n, usec_t ts)
{
	static struct pb b;
	struct pkt pk;

	memset(&b, 0, sizeof(b));
	if (from_client) {
		pb_ipv4(&b, "\x64\x40\x01\x07", "\xcb\x00\x71\x0a", 6, 1, 0);
		pb_tcp(&b, 40000, 5061, seq, flags);
	} else {
		pb_ipv4(&b, "\xcb\x00\x71\x0a", "\x64\x40\x01\x07", 6, 1, 0);
		pb_tcp(&b, 5061, 40000, seq, flags);
	}
	pb_bytes(&b, pl, n);
	pb_finish(&b);
	memset(&pk, 0, sizeof(pk));
	assert_int_equal(decode_ip(b.buf, (uint32_t)b.len, &pk), DECODE_OK);
	pk.ts = ts;
	dpi_process(d, f, &pk);
}

/* The SNI nDPI takes from a ClientHello, copied out while it holds the flow:
 * hostile bytes come out as they are (the caller cleans them), bounded. */
static void
test_dpi_server_name(void **state)
{
	static const uint8_t bad[] = { 's', 'b', 'c', 0x1b, '[', '2', 'J', 0xc3, 0x28, '"', 'x' };
	uint8_t p[600], name[TLS_SNI_LEN - 1];
	char clean[TLS_SNI_LEN];
	struct dpi *d;
	struct flow f;
	size_t n, k;
	int round;

	(void)state;
	for (round = 0; round < 2; round++) {
		d = dpi_new(4, 32, 32);
		assert_non_null(d);
		memset(&f, 0, sizeof(f));
		assert_int_equal(dpi_flow_server_name(&f, name, sizeof(name)), 0);	/* no state */
		dpi_feed(d, &f, true, 1000, TCP_SYN, NULL, 0, T0);
		dpi_feed(d, &f, false, 5000, TCP_SYN | TCP_ACK, NULL, 0, T0 + 1000);
		dpi_feed(d, &f, true, 1001, TCP_ACK, NULL, 0, T0 + 2000);
		n = round == 0 ? hello(p, (const uint8_t *)"sbc.voip.example", 16, true) :
		    hello(p, bad, sizeof(bad), true);
		dpi_feed(d, &f, true, 1001, TCP_ACK | 0x08, p, n, T0 + 3000);
		if (f.dpi_state != DPI_RUNNING) {	/* nDPI finished: nothing to copy */
			assert_int_equal(dpi_flow_server_name(&f, name, sizeof(name)), 0);
			dpi_free(d);
			skip();
		}
		k = dpi_flow_server_name(&f, name, sizeof(name));
		tls_name_copy(name, k, clean, sizeof(clean));
		if (round == 0)
			assert_string_equal(clean, "sbc.voip.example");
		else {
			assert_true(k <= sizeof(name));
			for (n = 0; clean[n] != '\0'; n++)
				assert_true(clean[n] > 0x20 && clean[n] < 0x7f);
			assert_true(strncmp(clean, "sbc", 3) == 0);
		}
		/* a small buffer: cut, never past it */
		assert_true(dpi_flow_server_name(&f, name, 3) <= 3);
		dpi_flow_end(d, &f);
		assert_int_equal(dpi_flow_server_name(&f, name, sizeof(name)), 0);	/* released */
		dpi_free(d);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sni),
		cmocka_unit_test(test_sni_hostile),
		cmocka_unit_test(test_name_copy),
		cmocka_unit_test(test_cadence),
		cmocka_unit_test(test_dpi_server_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
