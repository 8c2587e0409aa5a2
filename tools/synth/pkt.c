/* SPDX-License-Identifier: BSD-2-Clause */
/* pkt: build Ethernet (+802.1Q, +PPPoE) IPv4/IPv6 UDP/TCP frames with valid checksums. */
#include <string.h>

#include "synth.h"

#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86dd
#define ETH_VLAN	0x8100
#define ETH_PPPOE_SES	0x8864
#define PPP_IPV4	0x0021
#define PPP_IPV6	0x0057

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	for (; n > 1; p += 2, n -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (n == 1)
		sum += (uint32_t)(p[0] << 8);
	return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

void
ep_init(struct ep *e, uint8_t proto, const struct addr *a, uint16_t pa,
    const struct addr *b, uint16_t pb)
{
	static const uint8_t cpe[6] = { 0x02, 0x00, 0x5e, 0x10, 0x00, 0x01 };
	static const uint8_t bras[6] = { 0x02, 0x00, 0x5e, 0x20, 0x00, 0x01 };

	memset(e, 0, sizeof(*e));
	e->a = *a;
	e->b = *b;
	e->pa = pa;
	e->pb = pb;
	e->proto = proto;
	memcpy(e->mac_a, cpe, 6);
	memcpy(e->mac_a + 3, a->af == 6 ? a->b + 13 : a->b + 1, 3);
	memcpy(e->mac_b, bras, 6);
	e->seq[0] = (uint32_t)(pa * 2654435761u) ^ 0x1000;
	e->seq[1] = (uint32_t)(pb * 2246822519u) ^ 0x2000;
	e->ipid[0] = (uint16_t)(pa * 7);
	e->ipid[1] = (uint16_t)(pb * 13);
}

/* Link layer: MACs, optional VLAN tag, optional PPPoE session header. */
static size_t
pkt_l2(uint8_t *p, const struct ep *e, int dir, size_t ip_len)
{
	size_t n = 12;
	bool v6 = e->a.af == 6;

	memcpy(p, dir == DIR_AB ? e->mac_b : e->mac_a, 6);
	memcpy(p + 6, dir == DIR_AB ? e->mac_a : e->mac_b, 6);
	if (e->vlan) {
		put16(p + n, ETH_VLAN);
		put16(p + n + 2, e->vlan & 0x0fff);
		n += 4;
	}
	if (e->pppoe) {
		put16(p + n, ETH_PPPOE_SES);
		p[n + 2] = 0x11;
		p[n + 3] = 0x00;
		put16(p + n + 4, e->pppoe);
		put16(p + n + 6, (uint16_t)(ip_len + 2));
		put16(p + n + 8, v6 ? PPP_IPV6 : PPP_IPV4);
		return n + 10;
	}
	put16(p + n, v6 ? ETH_IPV6 : ETH_IPV4);
	return n + 2;
}

static size_t
pkt_ip(uint8_t *p, struct ep *e, int dir, size_t l4_len)
{
	const struct addr *src = dir == DIR_AB ? &e->a : &e->b;
	const struct addr *dst = dir == DIR_AB ? &e->b : &e->a;
	uint8_t ttl = dir == DIR_AB ? 64 : 51;

	if (e->a.af == 6) {
		put32(p, 0x60000000);
		put16(p + 4, (uint16_t)l4_len);
		p[6] = e->proto;
		p[7] = ttl;
		memcpy(p + 8, src->b, 16);
		memcpy(p + 24, dst->b, 16);
		return 40;
	}
	p[0] = 0x45;
	p[1] = 0;
	put16(p + 2, (uint16_t)(20 + l4_len));
	put16(p + 4, e->ipid[dir]++);
	put16(p + 6, 0x4000);
	p[8] = ttl;
	p[9] = e->proto;
	put16(p + 10, 0);
	memcpy(p + 12, src->b, 4);
	memcpy(p + 16, dst->b, 4);
	put16(p + 10, csum_fold(csum_add(0, p, 20)));
	return 20;
}

/* UDP/TCP checksum over the pseudo-header that ip (just written) implies. */
static uint16_t
pkt_l4_csum(const uint8_t *ip, bool v6, uint8_t proto, const uint8_t *l4, size_t len)
{
	uint32_t sum;

	if (v6)
		sum = csum_add(0, ip + 8, 32);
	else
		sum = csum_add(0, ip + 12, 8);
	sum += proto + (uint32_t)len;
	return csum_fold(csum_add(sum, l4, len));
}

static size_t
pkt_l4(uint8_t *p, struct ep *e, int dir, uint8_t flags, const uint8_t *pl, size_t len)
{
	uint16_t sp = dir == DIR_AB ? e->pa : e->pb, dp = dir == DIR_AB ? e->pb : e->pa;

	put16(p, sp);
	put16(p + 2, dp);
	if (e->proto == PKT_UDP) {
		put16(p + 4, (uint16_t)(8 + len));
		put16(p + 6, 0);
		if (len > 0)
			memcpy(p + 8, pl, len);
		return 8 + len;
	}
	put32(p + 4, e->seq[dir]);
	put32(p + 8, (flags & TCP_ACK) ? e->seq[!dir] : 0);
	p[12] = 5 << 4;
	p[13] = flags;
	put16(p + 14, 64240);
	put32(p + 16, 0);
	if (len > 0)
		memcpy(p + 20, pl, len);
	e->seq[dir] += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1 : 0);
	return 20 + len;
}

/* Whole frame into buf; returns its length, or 0 when it does not fit. */
size_t
pkt_build(uint8_t *buf, size_t cap, struct ep *e, int dir, uint8_t tcp_flags,
    const uint8_t *pl, size_t len)
{
	bool v6 = e->a.af == 6;
	size_t l4_len = (e->proto == PKT_UDP ? 8 : 20) + len;
	size_t ip_len = (v6 ? 40 : 20) + l4_len;
	size_t l2, ip, l4;
	uint16_t c;

	if (len > SYNTH_PAYLOAD_MAX || 26 + ip_len > cap)
		return 0;
	l2 = pkt_l2(buf, e, dir, ip_len);
	ip = pkt_ip(buf + l2, e, dir, l4_len);
	l4 = pkt_l4(buf + l2 + ip, e, dir, tcp_flags, pl, len);
	c = pkt_l4_csum(buf + l2, v6, e->proto, buf + l2 + ip, l4);
	if (c == 0 && e->proto == PKT_UDP)
		c = 0xffff;	/* 0 would mean "no checksum" */
	put16(buf + l2 + ip + (e->proto == PKT_UDP ? 6 : 16), c);
	return l2 + ip + l4;
}
