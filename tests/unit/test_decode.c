/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for decode.c: every encapsulation, and truncated or malformed frames. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "decode.h"
#include "pktbuild.h"

static const char A[4] = { 100, 64, 1, 7 }, B[4] = { (char)203, 0, 113, 5 };
static const char T1[4] = { 10, 0, 0, 1 }, T2[4] = { 10, 0, 0, 2 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t B6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const char SIP[] = "OPTIONS sip:a@b SIP/2.0\r\n\r\n";

static struct pb b;

static void
inner_udp(struct pb *p)
{
	pb_ipv4(p, A, B, 17, 1, 0);
	pb_udp(p, 5062, 5060);
	pb_bytes(p, SIP, sizeof(SIP) - 1);
}

static enum decode_result
run(int link, struct pkt *pk)
{
	pb_finish(&b);
	pk->ts = 0;
	return decode_frame(link, b.buf, (uint32_t)b.len, pk);
}

static void
assert_inner(const struct pkt *pk)
{
	assert_int_equal(pk->ipver, 4);
	assert_int_equal(pk->l4proto, 17);
	assert_memory_equal(pk->src + 12, A, 4);
	assert_memory_equal(pk->dst + 12, B, 4);
	assert_int_equal(pk->src[10], 0xff);
	assert_int_equal(pk->sport, 5062);
	assert_int_equal(pk->dport, 5060);
	assert_int_equal(pk->paylen, sizeof(SIP) - 1);
	assert_memory_equal(pk->payload, SIP, sizeof(SIP) - 1);
}

static int
setup(void **state)
{
	(void)state;
	memset(&b, 0, sizeof(b));
	return 0;
}

static void
test_ether_ipv4_udp(void **state)
{
	struct pkt pk;

	(void)state;
	pb_eth(&b, 0x0800);
	inner_udp(&b);
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_OK);
	assert_inner(&pk);
	assert_int_equal(pk.nvlan, 0);
	assert_true(pk.has_mac);
	assert_int_equal(pk.smac[0], 0x38);
	assert_int_equal(pk.tunnel, TUNNEL_NONE);
}

static void
test_vlan_qinq(void **state)
{
	struct pkt pk;

	(void)state;
	pb_eth(&b, 0x88a8);
	pb_vlan(&b, 0x2000 | 300, 0x8100);
	pb_vlan(&b, 42, 0x0800);
	inner_udp(&b);
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_OK);
	assert_inner(&pk);
	assert_int_equal(pk.nvlan, 2);
	assert_int_equal(pk.vlan[0], 300);
	assert_int_equal(pk.vlan[1], 42);
}

static void
test_mpls_stack(void **state)
{
	struct pkt pk;

	(void)state;
	pb_eth(&b, 0x8847);
	pb_be32(&b, 1000u << 12 | 64);
	pb_be32(&b, 2000u << 12 | 0x100 | 64);
	inner_udp(&b);
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_OK);
	assert_inner(&pk);
	assert_int_equal(pk.nmpls, 2);
	assert_int_equal(pk.mpls_label, 1000);
}

static void
test_mpls_pseudowire(void **state)
{
	struct pkt pk;

	(void)state;
	pb_eth(&b, 0x8847);
	pb_be32(&b, 77u << 12 | 0x100 | 64);
	pb_be32(&b, 0);			/* control word */
	pb_eth(&b, 0x8100);
	pb_vlan(&b, 9, 0x0800);
	inner_udp(&b);
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_OK);
	assert_inner(&pk);
	assert_int_equal(pk.tunnel, TUNNEL_MPLS_PW);
	assert_int_equal(pk.nvlan, 1);
	assert_int_equal(pk.vlan[0], 9);
}

static void
pppoe(uint16_t sid, uint16_t proto)
{
	size_t at;

	pb_eth(&b, 0x8864);
	pb_u8(&b, 0x11);
	pb_u8(&b, 0);
	pb_be16(&b, sid);
	at = b.len;
	pb_be16(&b, 0);
	pb_be16(&b, proto);
	(void)at;
}

static void
test_pppoe(void **state)
{
	struct pkt pk;
	size_t lenat = 18;

	(void)state;
	pppoe(0x1234, 0x0021);
	inner_udp(&b);
	b.buf[lenat] = (uint8_t)((b.len - 20) >> 8);
	b.buf[lenat + 1] = (uint8_t)(b.len - 20);
	pb_bytes(&b, "\0\0\0\0", 4);	/* Ethernet padding past the PPPoE length */
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_OK);
	assert_inner(&pk);
	assert_true(pk.has_pppoe);
	assert_int_equal(pk.pppoe_session, 0x1234);
}

static void
test_pppoe_lcp(void **state)
{
	struct pkt pk;

	(void)state;
	pppoe(7, 0xc021);
	pb_be32(&b, 0x01010004);
	b.buf[19] = 6;
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_UNSUP_PPP);
	assert_int_equal(pk.pppoe_session, 7);
}

static void
test_gre_ip(void **state)
{
	struct pkt pk;

	(void)state;
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, T1, T2, 47, 9, 0);
	pb_be16(&b, 0x2000);		/* key present */
	pb_be16(&b, 0x0800);
	pb_be32(&b, 0xabcd);
	inner_udp(&b);
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_OK);
	assert_inner(&pk);
	assert_int_equal(pk.tunnel, TUNNEL_GRE);
	assert_int_equal(pk.tunnel_id, 0xabcd);
}

static void
test_gre_teb(void **state)
{
	struct pkt pk;

	(void)state;
	pb_eth(&b, 0x8100);
	pb_vlan(&b, 5, 0x0800);		/* the mirror's own VLAN: forgotten */
	pb_ipv4(&b, T1, T2, 47, 9, 0);
	pb_be16(&b, 0);
	pb_be16(&b, 0x6558);
	pb_eth(&b, 0x8100);
	pb_vlan(&b, 401, 0x0800);
	inner_udp(&b);
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_OK);
	assert_inner(&pk);
	assert_int_equal(pk.nvlan, 1);
	assert_int_equal(pk.vlan[0], 401);
}

static void
test_erspan2(void **state)
{
	struct pkt pk;

	(void)state;
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, T1, T2, 47, 9, 0);
	pb_be16(&b, 0x1000);		/* sequence present */
	pb_be16(&b, 0x88be);
	pb_be32(&b, 1);
	pb_be32(&b, 0x10000000 | 0x155);	/* version 1, session 0x155 */
	pb_be32(&b, 0);
	pb_eth(&b, 0x0800);
	inner_udp(&b);
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_OK);
	assert_inner(&pk);
	assert_int_equal(pk.tunnel, TUNNEL_ERSPAN2);
	assert_int_equal(pk.tunnel_id, 0x155);
}

static void
test_erspan3_platform(void **state)
{
	struct pkt pk;

	(void)state;
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, T1, T2, 47, 9, 0);
	pb_be16(&b, 0x1000);
	pb_be16(&b, 0x22eb);
	pb_be32(&b, 1);
	pb_be32(&b, 0x20000000 | 0x2a);
	pb_be32(&b, 0x12345678);	/* timestamp */
	pb_be32(&b, 1);			/* O bit: platform subheader follows */
	pb_be32(&b, 0);
	pb_be32(&b, 0);
	pb_eth(&b, 0x0800);
	inner_udp(&b);
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_OK);
	assert_inner(&pk);
	assert_int_equal(pk.tunnel, TUNNEL_ERSPAN3);
	assert_int_equal(pk.tunnel_id, 0x2a);
}

static void
test_vxlan(void **state)
{
	struct pkt pk;

	(void)state;
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, T1, T2, 17, 9, 0);
	pb_udp(&b, 40000, 4789);
	pb_be32(&b, 0x08000000);
	pb_be32(&b, 5001u << 8);
	pb_eth(&b, 0x0800);
	inner_udp(&b);
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_OK);
	assert_inner(&pk);
	assert_int_equal(pk.tunnel, TUNNEL_VXLAN);
	assert_int_equal(pk.tunnel_id, 5001);
}

static void
test_vxlan_port_not_vxlan(void **state)
{
	struct pkt pk;

	(void)state;
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, A, B, 17, 9, 0);
	pb_udp(&b, 40000, 4789);
	pb_bytes(&b, "payload: no VXLAN I flag here..", 31);
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_OK);
	assert_int_equal(pk.tunnel, TUNNEL_NONE);
	assert_int_equal(pk.dport, 4789);
}

static void
test_ipip(void **state)
{
	struct pkt pk;

	(void)state;
	pb_ipv4(&b, T1, T2, 4, 9, 0);
	inner_udp(&b);
	assert_int_equal(run(LINK_RAW, &pk), DECODE_OK);
	assert_inner(&pk);
	assert_int_equal(pk.tunnel, TUNNEL_IPIP);
}

static void
test_sll_and_sll2(void **state)
{
	struct pkt pk;

	(void)state;
	pb_be16(&b, 0);
	pb_be16(&b, 1);
	pb_be16(&b, 6);
	pb_bytes(&b, "\1\2\3\4\5\6\0\0", 8);
	pb_be16(&b, 0x0800);
	inner_udp(&b);
	assert_int_equal(run(LINK_SLL, &pk), DECODE_OK);
	assert_inner(&pk);
	setup(NULL);
	pb_be16(&b, 0x0800);
	pb_be16(&b, 0);
	pb_be32(&b, 3);
	pb_be16(&b, 1);
	pb_u8(&b, 0);
	pb_u8(&b, 6);
	pb_bytes(&b, "\1\2\3\4\5\6\0\0", 8);
	inner_udp(&b);
	assert_int_equal(run(LINK_SLL2, &pk), DECODE_OK);
	assert_inner(&pk);
}

static void
test_null_loopback(void **state)
{
	struct pkt pk;

	(void)state;
	pb_bytes(&b, "\2\0\0\0", 4);
	inner_udp(&b);
	assert_int_equal(run(LINK_NULL, &pk), DECODE_OK);
	assert_inner(&pk);
}

static void
test_ipv6_ext(void **state)
{
	struct pkt pk;

	(void)state;
	pb_ipv6(&b, A6, B6, 0);
	pb_u8(&b, 60);			/* hop-by-hop -> destination options */
	pb_u8(&b, 0);
	pb_be32(&b, 0x01040000);
	pb_be16(&b, 0);
	pb_u8(&b, 17);			/* destination options -> UDP */
	pb_u8(&b, 1);
	pb_bytes(&b, "\1\14\0\0\0\0\0\0\0\0\0\0\0\0", 14);
	pb_udp(&b, 5060, 5060);
	pb_bytes(&b, SIP, sizeof(SIP) - 1);
	assert_int_equal(run(LINK_RAW, &pk), DECODE_OK);
	assert_int_equal(pk.ipver, 6);
	assert_int_equal(pk.l4proto, 17);
	assert_memory_equal(pk.src, A6, 16);
	assert_int_equal(pk.paylen, sizeof(SIP) - 1);
}

static void
test_ipv6_fragment(void **state)
{
	struct pkt pk;

	(void)state;
	pb_ipv6(&b, A6, B6, 44);
	pb_u8(&b, 17);
	pb_u8(&b, 0);
	pb_be16(&b, 0x0001);		/* offset 0, more fragments */
	pb_be32(&b, 0xdeadbeef);
	pb_udp(&b, 5060, 5060);
	pb_bytes(&b, "0123456789abcdef", 16);
	assert_int_equal(run(LINK_RAW, &pk), DECODE_FRAGMENT);
	assert_int_equal(pk.frag_id, 0xdeadbeef);
	assert_true(pk.frag_more);
	assert_int_equal(pk.frag_off, 0);
	assert_int_equal(pk.frag_hdrlen, 48);
	assert_int_equal(pk.frag_nexthdr, 17);
	/* an atomic fragment (offset 0, no more) is just a packet */
	b.buf[42] = 0;
	b.buf[43] = 0;
	assert_int_equal(run(LINK_RAW, &pk), DECODE_OK);
	assert_int_equal(pk.dport, 5060);
}

static void
test_ipv4_fragment(void **state)
{
	struct pkt pk;

	(void)state;
	pb_ipv4(&b, A, B, 17, 0x4242, 0x2000 | 185);	/* MF, offset 1480 */
	pb_bytes(&b, "abcdefgh", 8);
	assert_int_equal(run(LINK_RAW, &pk), DECODE_FRAGMENT);
	assert_int_equal(pk.frag_id, 0x4242);
	assert_int_equal(pk.frag_off, 1480);
	assert_true(pk.frag_more);
	assert_int_equal(pk.frag_hdrlen, 20);
}

static void
test_tcp(void **state)
{
	struct pkt pk;

	(void)state;
	pb_eth(&b, 0x0800);
	pb_ipv4(&b, A, B, 6, 1, 0);
	pb_tcp(&b, 5060, 40000, 0x01020304, 0x18);
	pb_bytes(&b, SIP, sizeof(SIP) - 1);
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_OK);
	assert_int_equal(pk.l4proto, 6);
	assert_int_equal(pk.tcp_seq, 0x01020304);
	assert_int_equal(pk.tcp_flags, 0x18);
	assert_int_equal(pk.paylen, sizeof(SIP) - 1);
}

/* Every prefix of a deep frame decodes to a result without reading past it. */
static void
test_every_truncation(void **state)
{
	struct pkt pk;
	size_t cut, full;
	enum decode_result rc;

	(void)state;
	pb_eth(&b, 0x8100);
	pb_vlan(&b, 5, 0x0800);
	pb_ipv4(&b, T1, T2, 47, 9, 0);
	pb_be16(&b, 0x1000);
	pb_be16(&b, 0x88be);
	pb_be32(&b, 1);
	pb_be32(&b, 0x10000000 | 0x155);
	pb_be32(&b, 0);
	pb_eth(&b, 0x0800);
	inner_udp(&b);
	pb_finish(&b);
	full = b.len;
	for (cut = 0; cut < full; cut++) {
		uint8_t *copy = malloc(cut + 1);

		memcpy(copy, b.buf, cut);
		pk.ts = 0;
		rc = decode_frame(LINK_ETHERNET, copy, (uint32_t)cut, &pk);
		assert_true(rc < DECODE_NRESULTS);
		if (rc == DECODE_OK) {
			/* only a snaplen-clipped payload may come out */
			assert_true(pk.l3_clipped);
			assert_true(pk.payload + pk.paylen <= copy + cut);
		}
		free(copy);
	}
}

static void
test_malformed(void **state)
{
	struct pkt pk;

	(void)state;
	pb_ipv4(&b, A, B, 17, 1, 0);
	pb_udp(&b, 1, 2);
	pb_finish(&b);
	b.buf[0] = 0x44;				/* IHL 4 */
	assert_int_equal(decode_frame(LINK_RAW, b.buf, (uint32_t)b.len, &pk), DECODE_BAD_IP);
	b.buf[0] = 0x45;
	b.buf[24] = 0;					/* UDP length 4 */
	b.buf[25] = 4;
	assert_int_equal(decode_frame(LINK_RAW, b.buf, (uint32_t)b.len, &pk),
	    DECODE_BAD_LENGTH);
	b.buf[0] = 0x55;
	assert_int_equal(decode_frame(LINK_RAW, b.buf, (uint32_t)b.len, &pk), DECODE_NOT_IP);
	assert_int_equal(decode_frame(9999, b.buf, (uint32_t)b.len, &pk), DECODE_UNSUP_LINK);
	setup(NULL);
	pb_eth(&b, 0x0806);				/* ARP */
	pb_bytes(&b, "0123456789012345678901234567", 28);
	assert_int_equal(run(LINK_ETHERNET, &pk), DECODE_UNSUP_L2);
	setup(NULL);
	pb_ipv4(&b, A, B, 6, 1, 0);
	pb_tcp(&b, 1, 2, 3, 0);
	pb_finish(&b);
	b.buf[32] = 0x40;				/* data offset 4 */
	assert_int_equal(decode_frame(LINK_RAW, b.buf, (uint32_t)b.len, &pk), DECODE_BAD_L4);
	setup(NULL);
	pb_ipv4(&b, T1, T2, 47, 9, 0);
	pb_be16(&b, 0x4000);				/* GRE routing */
	pb_be16(&b, 0x0800);
	assert_int_equal(run(LINK_RAW, &pk), DECODE_BAD_TUNNEL);
}

static void
test_too_deep(void **state)
{
	struct pkt pk;
	int i;

	(void)state;
	for (i = 0; i < 12; i++)
		pb_ipv4(&b, T1, T2, 4, 9, 0);
	inner_udp(&b);
	assert_int_equal(run(LINK_RAW, &pk), DECODE_TOO_DEEP);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_ether_ipv4_udp, setup),
		cmocka_unit_test_setup(test_vlan_qinq, setup),
		cmocka_unit_test_setup(test_mpls_stack, setup),
		cmocka_unit_test_setup(test_mpls_pseudowire, setup),
		cmocka_unit_test_setup(test_pppoe, setup),
		cmocka_unit_test_setup(test_pppoe_lcp, setup),
		cmocka_unit_test_setup(test_gre_ip, setup),
		cmocka_unit_test_setup(test_gre_teb, setup),
		cmocka_unit_test_setup(test_erspan2, setup),
		cmocka_unit_test_setup(test_erspan3_platform, setup),
		cmocka_unit_test_setup(test_vxlan, setup),
		cmocka_unit_test_setup(test_vxlan_port_not_vxlan, setup),
		cmocka_unit_test_setup(test_ipip, setup),
		cmocka_unit_test_setup(test_sll_and_sll2, setup),
		cmocka_unit_test_setup(test_null_loopback, setup),
		cmocka_unit_test_setup(test_ipv6_ext, setup),
		cmocka_unit_test_setup(test_ipv6_fragment, setup),
		cmocka_unit_test_setup(test_ipv4_fragment, setup),
		cmocka_unit_test_setup(test_tcp, setup),
		cmocka_unit_test_setup(test_every_truncation, setup),
		cmocka_unit_test_setup(test_malformed, setup),
		cmocka_unit_test_setup(test_too_deep, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
