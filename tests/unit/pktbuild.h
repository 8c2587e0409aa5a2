/* SPDX-License-Identifier: BSD-2-Clause */
/* Test helper: builds frames layer by layer, innermost last, into a buffer. */
#ifndef GW_PKTBUILD_H
#define GW_PKTBUILD_H

#include <stdint.h>
#include <string.h>

struct pb {
	uint8_t		buf[70000];
	size_t		len;
	size_t		ip_len_at[16];	/* offsets of IPv4 total-length fields to fix */
	size_t		ip_start[16];
	int		nip;
	size_t		udp_len_at[16];
	size_t		udp_start[16];
	int		nudp;
};

static inline void
pb_bytes(struct pb *b, const void *p, size_t n)
{
	if (n == 0)
		return;		/* p may be NULL then: memcpy wants a pointer anyway */
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static inline void
pb_u8(struct pb *b, uint8_t v)
{
	b->buf[b->len++] = v;
}

static inline void
pb_be16(struct pb *b, uint16_t v)
{
	pb_u8(b, (uint8_t)(v >> 8));
	pb_u8(b, (uint8_t)v);
}

static inline void
pb_be32(struct pb *b, uint32_t v)
{
	pb_be16(b, (uint16_t)(v >> 16));
	pb_be16(b, (uint16_t)v);
}

static inline void
pb_eth(struct pb *b, uint16_t type)
{
	static const uint8_t macs[12] = { 0, 1, 2, 3, 4, 5, 0x38, 0x3f, 0x10, 5, 6, 7 };

	pb_bytes(b, macs, 12);
	pb_be16(b, type);
}

static inline void
pb_vlan(struct pb *b, uint16_t id, uint16_t next)
{
	pb_be16(b, id);
	pb_be16(b, next);
}

/* IPv4 header with total length patched by pb_finish. */
static inline void
pb_ipv4(struct pb *b, const char src[4], const char dst[4], uint8_t proto,
    uint16_t id, uint16_t frag)
{
	b->ip_start[b->nip] = b->len;
	pb_u8(b, 0x45);
	pb_u8(b, 0);
	b->ip_len_at[b->nip++] = b->len;
	pb_be16(b, 0);
	pb_be16(b, id);
	pb_be16(b, frag);
	pb_u8(b, 64);
	pb_u8(b, proto);
	pb_be16(b, 0);
	pb_bytes(b, src, 4);
	pb_bytes(b, dst, 4);
}

static inline void
pb_ipv6(struct pb *b, const uint8_t src[16], const uint8_t dst[16], uint8_t nh)
{
	b->ip_start[b->nip] = b->len;
	pb_be32(b, 0x60000000);
	b->ip_len_at[b->nip++] = b->len | ((size_t)1 << 40);	/* mark: IPv6 */
	pb_be16(b, 0);
	pb_u8(b, nh);
	pb_u8(b, 64);
	pb_bytes(b, src, 16);
	pb_bytes(b, dst, 16);
}

static inline void
pb_udp(struct pb *b, uint16_t sport, uint16_t dport)
{
	b->udp_start[b->nudp] = b->len;
	pb_be16(b, sport);
	pb_be16(b, dport);
	b->udp_len_at[b->nudp++] = b->len;
	pb_be16(b, 0);
	pb_be16(b, 0);
}

static inline void
pb_tcp(struct pb *b, uint16_t sport, uint16_t dport, uint32_t seq, uint8_t flags)
{
	pb_be16(b, sport);
	pb_be16(b, dport);
	pb_be32(b, seq);
	pb_be32(b, 0);
	pb_u8(b, 0x50);
	pb_u8(b, flags);
	pb_be16(b, 65535);
	pb_be32(b, 0);
}

/* Patches every IP and UDP length from where it starts to the end. */
static inline void
pb_finish(struct pb *b)
{
	int i;

	for (i = 0; i < b->nip; i++) {
		size_t at = b->ip_len_at[i] & 0xffffffffff;
		int v6 = (b->ip_len_at[i] >> 40) != 0;
		size_t n = b->len - b->ip_start[i] - (v6 ? 40 : 0);

		b->buf[at] = (uint8_t)(n >> 8);
		b->buf[at + 1] = (uint8_t)n;
	}
	for (i = 0; i < b->nudp; i++) {
		size_t n = b->len - b->udp_start[i];

		b->buf[b->udp_len_at[i]] = (uint8_t)(n >> 8);
		b->buf[b->udp_len_at[i] + 1] = (uint8_t)n;
	}
}

#endif
