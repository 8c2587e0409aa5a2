/* SPDX-License-Identifier: BSD-2-Clause */
/* Layer decoder: lengths first, then fields; bad input becomes a result code. */
#include <string.h>

#include "decode.h"
#include "rd.h"

const char *const decode_result_names[DECODE_NRESULTS] = {
#define X(e, s) s,
	DECODE_RESULTS(X)
#undef X
};

const char *const tunnel_names[] = {
	"none", "gre", "erspan2", "erspan3", "vxlan", "ipip", "mpls_pw"
};

#define ETH_IPV4	0x0800
#define ETH_IPV6	0x86dd
#define ETH_VLAN	0x8100
#define ETH_QINQ	0x88a8
#define ETH_QINQ_OLD	0x9100
#define ETH_MPLS	0x8847
#define ETH_MPLS_MC	0x8848
#define ETH_PPPOE_SESS	0x8864
#define ETH_TEB		0x6558	/* GRE: transparent Ethernet bridging */
#define ETH_ERSPAN2	0x88be
#define ETH_ERSPAN3	0x22eb
#define ETH_PPP		0x880b	/* GRE version 1 (PPTP) */

#define VXLAN_PORT	4789

static enum decode_result decode_ether(struct rd *, struct pkt *);
static enum decode_result decode_ethertype(uint16_t, struct rd *, struct pkt *);
static enum decode_result decode_l4(struct rd *, struct pkt *);

static enum decode_result
decode_nest(struct pkt *pk, enum tunnel_type t)
{
	if (++pk->depth > DECODE_MAX_DEPTH)
		return DECODE_TOO_DEEP;
	if (t != TUNNEL_NONE && pk->tunnel == TUNNEL_NONE)
		pk->tunnel = (uint8_t)t;
	return DECODE_OK;
}

/* An Ethernet frame inside a tunnel is the real traffic: forget the outer L2. */
static enum decode_result
decode_inner_ether(struct rd *r, struct pkt *pk, enum tunnel_type t)
{
	enum decode_result rc;

	if ((rc = decode_nest(pk, t)) != DECODE_OK)
		return rc;
	pk->nvlan = 0;
	pk->nmpls = 0;
	pk->has_pppoe = false;
	return decode_ether(r, pk);
}

static enum decode_result
decode_ether(struct rd *r, struct pkt *pk)
{
	uint16_t type;

	if (r->left < 14)
		return DECODE_TRUNCATED;
	memcpy(pk->dmac, r->p, 6);
	memcpy(pk->smac, r->p + 6, 6);
	pk->has_mac = true;
	if (rd_skip(r, 12) == -1 || rd_be16(r, &type) == -1)
		return DECODE_TRUNCATED;
	return decode_ethertype(type, r, pk);
}

static enum decode_result
decode_vlan(struct rd *r, struct pkt *pk)
{
	uint16_t tci, type;

	if (rd_be16(r, &tci) == -1 || rd_be16(r, &type) == -1)
		return DECODE_TRUNCATED;
	if (pk->nvlan < PKT_MAX_VLANS)
		pk->vlan[pk->nvlan++] = tci & 0x0fff;
	else if (++pk->depth > DECODE_MAX_DEPTH)
		return DECODE_TOO_DEEP;
	return decode_ethertype(type, r, pk);
}

/* MPLS label stack; below it IPv4, IPv6, or an Ethernet pseudowire. */
static enum decode_result
decode_mpls(struct rd *r, struct pkt *pk)
{
	uint32_t lse;
	uint8_t nib;

	do {
		if (rd_be32(r, &lse) == -1)
			return DECODE_TRUNCATED;
		if (pk->nmpls++ == 0)
			pk->mpls_label = lse >> 12;
		if (pk->nmpls > 16)
			return DECODE_TOO_DEEP;
	} while ((lse & 0x100) == 0);
	if (r->left < 1)
		return DECODE_TRUNCATED;
	nib = r->p[0] >> 4;
	if (nib == 4 || nib == 6)
		return decode_ip(r->p, (uint32_t)r->left, pk);
	if (nib == 0 && rd_skip(r, 4) == -1)	/* pseudowire control word */
		return DECODE_TRUNCATED;
	return decode_inner_ether(r, pk, TUNNEL_MPLS_PW);
}

/* IP goes on; anything else (LCP, PAP, CHAP, IPCP) is handed back as payload. */
static enum decode_result
decode_ppp_proto(uint16_t proto, struct rd *r, struct pkt *pk)
{
	switch (proto) {
	case 0x0021:
	case 0x0057:
		return decode_ip(r->p, (uint32_t)r->left, pk);
	default:
		pk->ppp_proto = proto;
		pk->payload = r->p;
		pk->paylen = (uint32_t)r->left;
		return DECODE_UNSUP_PPP;
	}
}

static enum decode_result
decode_pppoe(struct rd *r, struct pkt *pk)
{
	uint8_t vt, code;
	uint16_t sid, len, proto;

	if (rd_u8(r, &vt) == -1 || rd_u8(r, &code) == -1 ||
	    rd_be16(r, &sid) == -1 || rd_be16(r, &len) == -1)
		return DECODE_TRUNCATED;
	if (vt != 0x11 || code != 0)
		return DECODE_UNSUP_PPP;
	pk->has_pppoe = true;
	pk->pppoe_session = sid;
	if (len < 2)
		return DECODE_BAD_LENGTH;
	if (rd_be16(r, &proto) == -1)
		return DECODE_TRUNCATED;
	if (r->left > (size_t)len - 2)
		r->left = (size_t)len - 2;	/* Ethernet padding */
	return decode_ppp_proto(proto, r, pk);
}

static enum decode_result
decode_ethertype(uint16_t type, struct rd *r, struct pkt *pk)
{
	switch (type) {
	case ETH_IPV4:
	case ETH_IPV6:
		return decode_ip(r->p, (uint32_t)r->left, pk);
	case ETH_VLAN:
	case ETH_QINQ:
	case ETH_QINQ_OLD:
		return decode_vlan(r, pk);
	case ETH_MPLS:
	case ETH_MPLS_MC:
		return decode_mpls(r, pk);
	case ETH_PPPOE_SESS:
		return decode_pppoe(r, pk);
	default:
		return DECODE_UNSUP_L2;
	}
}

static void
decode_v4mapped(uint8_t dst[16], const uint8_t *a4)
{
	memset(dst, 0, 10);
	dst[10] = dst[11] = 0xff;
	memcpy(dst + 12, a4, 4);
}

static enum decode_result
decode_ipv4(const uint8_t *p, uint32_t caplen, struct pkt *pk)
{
	uint32_t hl, tot;
	uint16_t frag;
	struct rd r;

	if (caplen < 20)
		return DECODE_TRUNCATED;
	hl = (uint32_t)(p[0] & 0x0f) * 4;
	tot = (uint32_t)p[2] << 8 | p[3];
	if (hl < 20 || tot < hl)
		return DECODE_BAD_IP;
	if (caplen < hl)
		return DECODE_TRUNCATED;
	pk->l3_clipped = tot > caplen;
	pk->ipver = 4;
	pk->l3 = p;
	pk->l3len = pk->l3_clipped ? caplen : tot;
	pk->l4proto = p[9];
	decode_v4mapped(pk->src, p + 12);
	decode_v4mapped(pk->dst, p + 16);
	frag = (uint16_t)(p[6] << 8 | p[7]);
	if ((frag & 0x3fff) != 0) {
		pk->frag_id = (uint32_t)(p[4] << 8 | p[5]);
		pk->frag_off = (uint32_t)(frag & 0x1fff) * 8;
		pk->frag_more = (frag & 0x2000) != 0;
		pk->frag_hdrlen = (uint16_t)hl;
		pk->frag_nexthdr = p[9];
		return DECODE_FRAGMENT;
	}
	rd_init(&r, p + hl, pk->l3len - hl);
	return decode_l4(&r, pk);
}

/* IPv6 fragment header: an atomic fragment (offset 0, no more) is not a fragment. */
static enum decode_result
decode_ipv6_frag(struct rd *r, struct pkt *pk, uint8_t *nh, bool *is_frag)
{
	uint8_t next, res;
	uint16_t offm;
	uint32_t id;

	if (rd_u8(r, &next) == -1 || rd_u8(r, &res) == -1 ||
	    rd_be16(r, &offm) == -1 || rd_be32(r, &id) == -1)
		return DECODE_TRUNCATED;
	*nh = next;
	*is_frag = (offm & 0xfff9) != 0;
	if (*is_frag) {
		pk->frag_id = id;
		pk->frag_off = (uint32_t)(offm & 0xfff8);
		pk->frag_more = (offm & 1) != 0;
		pk->frag_hdrlen = (uint16_t)(r->p - pk->l3);
		pk->frag_nexthdr = next;
	}
	return DECODE_OK;
}

static enum decode_result
decode_ipv6_ext(struct rd *r, struct pkt *pk, uint8_t nh)
{
	enum decode_result rc;
	uint8_t next, len;
	bool is_frag;
	int n;

	for (n = 0; n < 16; n++) {
		switch (nh) {
		case 0: case 43: case 60: case 135: case 139: case 140:
			if (rd_u8(r, &next) == -1 || rd_u8(r, &len) == -1 ||
			    rd_skip(r, (size_t)len * 8 + 6) == -1)
				return DECODE_TRUNCATED;
			nh = next;
			break;
		case 51:	/* AH: length in 4-byte units, minus 2 */
			if (rd_u8(r, &next) == -1 || rd_u8(r, &len) == -1 ||
			    rd_skip(r, (size_t)len * 4 + 6) == -1)
				return DECODE_TRUNCATED;
			nh = next;
			break;
		case 44:
			if ((rc = decode_ipv6_frag(r, pk, &nh, &is_frag)) != DECODE_OK)
				return rc;
			if (is_frag)
				return DECODE_FRAGMENT;
			break;
		default:
			pk->l4proto = nh;
			return decode_l4(r, pk);
		}
	}
	return DECODE_TOO_DEEP;
}

static enum decode_result
decode_ipv6(const uint8_t *p, uint32_t caplen, struct pkt *pk)
{
	uint32_t plen;
	struct rd r;

	if (caplen < 40)
		return DECODE_TRUNCATED;
	plen = (uint32_t)p[4] << 8 | p[5];
	if (plen == 0)		/* jumbogram or junk: take what was captured */
		plen = caplen - 40;
	pk->l3_clipped = 40 + plen > caplen;
	pk->ipver = 6;
	pk->l3 = p;
	pk->l3len = pk->l3_clipped ? caplen : 40 + plen;
	memcpy(pk->src, p + 8, 16);
	memcpy(pk->dst, p + 24, 16);
	rd_init(&r, p + 40, pk->l3len - 40);
	return decode_ipv6_ext(&r, pk, p[6]);
}

enum decode_result
decode_ip(const uint8_t *p, uint32_t len, struct pkt *pk)
{
	if (len < 1)
		return DECODE_TRUNCATED;
	switch (p[0] >> 4) {
	case 4:
		return decode_ipv4(p, len, pk);
	case 6:
		return decode_ipv6(p, len, pk);
	default:
		return DECODE_NOT_IP;
	}
}

static enum decode_result
decode_vxlan(struct rd *r, struct pkt *pk)
{
	uint32_t flags, vni;

	if (rd_be32(r, &flags) == -1 || rd_be32(r, &vni) == -1)
		return DECODE_TRUNCATED;
	pk->tunnel_id = vni >> 8;
	return decode_inner_ether(r, pk, TUNNEL_VXLAN);
}

static enum decode_result
decode_udp(struct rd *r, struct pkt *pk)
{
	uint16_t ulen, csum;

	if (rd_be16(r, &pk->sport) == -1 || rd_be16(r, &pk->dport) == -1 ||
	    rd_be16(r, &ulen) == -1 || rd_be16(r, &csum) == -1)
		return DECODE_TRUNCATED;
	if (ulen < 8 || (ulen - 8u > r->left && !pk->l3_clipped))
		return DECODE_BAD_LENGTH;
	if (r->left > ulen - 8u)
		r->left = ulen - 8u;
	/* VXLAN only when its I flag says so; anything else on 4789 is plain UDP */
	if (pk->dport == VXLAN_PORT && r->left >= 8 + 14 && (r->p[0] & 0x08) &&
	    pk->depth < DECODE_MAX_DEPTH)
		return decode_vxlan(r, pk);
	pk->payload = r->p;
	pk->paylen = (uint32_t)r->left;
	return DECODE_OK;
}

static enum decode_result
decode_tcp(struct rd *r, struct pkt *pk)
{
	uint8_t off, flags;
	size_t hl;

	if (rd_be16(r, &pk->sport) == -1 || rd_be16(r, &pk->dport) == -1 ||
	    rd_be32(r, &pk->tcp_seq) == -1 || rd_be32(r, &pk->tcp_ack) == -1 ||
	    rd_u8(r, &off) == -1 || rd_u8(r, &flags) == -1)
		return DECODE_TRUNCATED;
	hl = (size_t)(off >> 4) * 4;
	if (hl < 20)
		return DECODE_BAD_L4;
	if (rd_skip(r, hl - 14) == -1)
		return DECODE_TRUNCATED;
	pk->tcp_flags = flags;
	pk->payload = r->p;
	pk->paylen = (uint32_t)r->left;
	return DECODE_OK;
}

/* ERSPAN II (8-byte header) and III (12, plus 8 when the O bit is set). */
static enum decode_result
decode_erspan(struct rd *r, struct pkt *pk, int type)
{
	uint32_t w0, w1, w2;

	if (rd_be32(r, &w0) == -1 || rd_be32(r, &w1) == -1)
		return DECODE_TRUNCATED;
	if (pk->tunnel == TUNNEL_NONE)
		pk->tunnel_id = w0 & 0x3ff;
	if (type == 3) {
		if (rd_be32(r, &w2) == -1)
			return DECODE_TRUNCATED;
		if ((w2 & 1) && rd_skip(r, 8) == -1)
			return DECODE_TRUNCATED;
	}
	(void)w1;
	return decode_inner_ether(r, pk, type == 3 ? TUNNEL_ERSPAN3 : TUNNEL_ERSPAN2);
}

static enum decode_result
decode_gre_payload(uint16_t proto, bool has_seq, struct rd *r, struct pkt *pk)
{
	enum decode_result rc;

	switch (proto) {
	case ETH_TEB:
		return decode_inner_ether(r, pk, TUNNEL_GRE);
	case ETH_ERSPAN2:	/* type I has no sequence and no header */
		if (!has_seq)
			return decode_inner_ether(r, pk, TUNNEL_ERSPAN2);
		return decode_erspan(r, pk, 2);
	case ETH_ERSPAN3:
		return decode_erspan(r, pk, 3);
	case ETH_PPP:
		if (r->left >= 2 && r->p[0] == 0xff && r->p[1] == 0x03)
			rd_skip(r, 2);
		if (r->left >= 1 && (r->p[0] & 1)) {	/* compressed protocol field */
			proto = r->p[0];
			rd_skip(r, 1);
		} else if (rd_be16(r, &proto) == -1)
			return DECODE_TRUNCATED;
		return decode_ppp_proto(proto, r, pk);
	default:
		if (pk->tunnel == TUNNEL_NONE)
			pk->tunnel = TUNNEL_GRE;
		if ((rc = decode_ethertype(proto, r, pk)) == DECODE_UNSUP_L2)
			return DECODE_BAD_TUNNEL;
		return rc;
	}
}

static enum decode_result
decode_gre(struct rd *r, struct pkt *pk)
{
	enum decode_result rc;
	uint16_t flags, proto;
	uint32_t key = 0;

	if (rd_be16(r, &flags) == -1 || rd_be16(r, &proto) == -1)
		return DECODE_TRUNCATED;
	if ((flags & 0x4000) || (flags & 7) > 1)	/* routing, unknown version */
		return DECODE_BAD_TUNNEL;
	if ((flags & 0x8000) && rd_skip(r, 4) == -1)
		return DECODE_TRUNCATED;
	if ((flags & 0x2000) && rd_be32(r, &key) == -1)
		return DECODE_TRUNCATED;
	if ((flags & 0x1000) && rd_skip(r, 4) == -1)
		return DECODE_TRUNCATED;
	if ((flags & 7) == 1 && (flags & 0x0080) && rd_skip(r, 4) == -1)
		return DECODE_TRUNCATED;	/* PPTP acknowledgment */
	if ((rc = decode_nest(pk, TUNNEL_NONE)) != DECODE_OK)
		return rc;
	if (pk->tunnel == TUNNEL_NONE)
		pk->tunnel_id = key;	/* ERSPAN replaces it with its session */
	return decode_gre_payload(proto, (flags & 0x1000) != 0, r, pk);
}

static enum decode_result
decode_l4(struct rd *r, struct pkt *pk)
{
	enum decode_result rc;

	pk->payload = r->p;
	pk->paylen = (uint32_t)r->left;
	switch (pk->l4proto) {
	case 17:
		return decode_udp(r, pk);
	case 6:
		return decode_tcp(r, pk);
	case 47:
		return decode_gre(r, pk);
	case 4:
	case 41:
		if ((rc = decode_nest(pk, TUNNEL_IPIP)) != DECODE_OK)
			return rc;
		return decode_ip(r->p, (uint32_t)r->left, pk);
	default:
		return DECODE_OK;	/* other protocols: a flow without ports */
	}
}

static enum decode_result
decode_sll(struct rd *r, struct pkt *pk, int v2)
{
	uint16_t proto, hatype;

	if (v2) {
		if (r->left < 20)
			return DECODE_TRUNCATED;
		proto = (uint16_t)(r->p[0] << 8 | r->p[1]);
		hatype = (uint16_t)(r->p[8] << 8 | r->p[9]);
		rd_skip(r, 20);
	} else {
		if (r->left < 16)
			return DECODE_TRUNCATED;
		hatype = (uint16_t)(r->p[2] << 8 | r->p[3]);
		proto = (uint16_t)(r->p[14] << 8 | r->p[15]);
		rd_skip(r, 16);
	}
	if (hatype == 1 || hatype == 772 || hatype == 65534 || proto >= 0x0600)
		return decode_ethertype(proto, r, pk);
	return DECODE_UNSUP_L2;
}

enum decode_result
decode_frame(int linktype, const uint8_t *p, uint32_t caplen, struct pkt *pk)
{
	struct rd r;

	usec_t ts = pk->ts;

	memset(pk, 0, sizeof(*pk));
	pk->ts = ts;
	pk->wirelen = caplen;
	rd_init(&r, p, caplen);
	switch (linktype) {
	case LINK_ETHERNET:
		return decode_ether(&r, pk);
	case LINK_RAW:
	case LINK_RAW_OPENBSD:
	case LINK_RAW_FILE:
	case LINK_IPV4:
	case LINK_IPV6:
		return decode_ip(p, caplen, pk);
	case LINK_NULL:
	case LINK_LOOP:
		if (rd_skip(&r, 4) == -1)
			return DECODE_TRUNCATED;
		return decode_ip(r.p, (uint32_t)r.left, pk);
	case LINK_SLL:
	case LINK_SLL2:
		return decode_sll(&r, pk, linktype == LINK_SLL2);
	default:
		return DECODE_UNSUP_LINK;
	}
}

bool
decode_link_is_supported(int linktype)
{
	switch (linktype) {
	case LINK_ETHERNET: case LINK_RAW: case LINK_RAW_OPENBSD: case LINK_RAW_FILE:
	case LINK_IPV4: case LINK_IPV6:
	case LINK_NULL: case LINK_LOOP: case LINK_SLL: case LINK_SLL2:
		return true;
	default:
		return false;
	}
}
