/* SPDX-License-Identifier: BSD-2-Clause */
/* dbl: a GoIP's DBL cloud side channels: DHCP (option 60 "dbl"), gontp NTP, DDNS to 39800. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

#define NTP_UNIX_OFFSET	2208988800ULL	/* seconds from 1900 to 1970 */

struct dbl {
	struct src src;
	struct dbl_spec ds;
	unsigned n;		/* messages sent so far (this exchange) */
	uint32_t xid;
};

static struct dbl *
dbl_alloc(uint64_t t0, const struct dbl_spec *ds, int (*step)(struct sim *, struct src *))
{
	struct dbl *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->src.t = t0;
	d->src.step = step;
	d->ds = *ds;
	return d;
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24), p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8), p[3] = (uint8_t)v;
}

/* BOOTP header + cookie; returns where the options start. */
static size_t
dhcp_head(uint8_t *p, bool reply, uint32_t xid, const uint8_t yiaddr[4], const uint8_t mac[6])
{
	memset(p, 0, 300);
	p[0] = reply ? 2 : 1;
	p[1] = 1, p[2] = 6;
	put32(p + 4, xid);
	if (yiaddr != NULL)
		memcpy(p + 16, yiaddr, 4);
	memcpy(p + 28, mac, 6);
	p[236] = 0x63, p[237] = 0x82, p[238] = 0x53, p[239] = 0x63;
	return 240;
}

/* Client message (Discover 1, Request 3) as in the real GoIP boot (startup.pcap). */
static size_t
dhcp_client(uint8_t *p, uint8_t type, uint32_t xid, const struct ep *e)
{
	static const uint8_t prl[] = { 55, 9, 1, 3, 6, 12, 15, 28, 66, 120, 166 };
	size_t n = dhcp_head(p, false, xid, NULL, e->mac_a);

	p[n++] = 53, p[n++] = 1, p[n++] = type;
	p[n++] = 61, p[n++] = 7, p[n++] = 1;
	memcpy(p + n, e->mac_a, 6);
	n += 6;
	if (type == 3) {
		p[n++] = 50, p[n++] = 4;
		memcpy(p + n, e->a.b, 4);
		n += 4;
		p[n++] = 54, p[n++] = 4;
		memcpy(p + n, e->b.b, 4);
		n += 4;
	}
	p[n++] = 60, p[n++] = 3;
	memcpy(p + n, "dbl", 3);
	n += 3;
	memcpy(p + n, prl, sizeof(prl));
	n += sizeof(prl);
	p[n++] = 255;
	return n < 300 ? 300 : n;
}

/* Server message (Offer 2, Ack 5): the line's address, a day's lease, router, resolver. */
static size_t
dhcp_server(uint8_t *p, uint8_t type, uint32_t xid, const struct ep *e)
{
	static const uint8_t opts[] = { 51, 4, 0, 1, 0x51, 0x80, 1, 4, 255, 192, 0, 0,
		6, 4, 10, 53, 0, 53 };
	size_t n = dhcp_head(p, true, xid, e->a.b, e->mac_a);

	p[n++] = 53, p[n++] = 1, p[n++] = type;
	p[n++] = 54, p[n++] = 4;
	memcpy(p + n, e->b.b, 4);
	n += 4;
	p[n++] = 3, p[n++] = 4;
	memcpy(p + n, e->b.b, 4);
	n += 4;
	memcpy(p + n, opts, sizeof(opts));
	n += sizeof(opts);
	p[n++] = 255;
	return n < 300 ? 300 : n;
}

/* Discover (broadcast), Offer, Request (broadcast), Ack. */
static int
dhcp_step(struct sim *sim, struct src *s)
{
	struct dbl *d = (struct dbl *)s;
	struct ep bc = d->ds.dhcp;
	uint8_t msg[400];
	size_t n;

	memset(bc.a.b, 0, sizeof(bc.a.b));
	memset(bc.b.b, 0xff, 4);
	memset(bc.mac_b, 0xff, 6);
	if (d->n % 2 == 0) {
		n = dhcp_client(msg, d->n == 0 ? 1 : 3, d->xid, &d->ds.dhcp);
		sim_emit(sim, s->t, &bc, DIR_AB, 0, msg, n);
	} else {
		n = dhcp_server(msg, d->n == 1 ? 2 : 5, d->xid, &d->ds.dhcp);
		sim_emit(sim, s->t, &d->ds.dhcp, DIR_BA, 0, msg, n);
	}
	if (++d->n >= 4)
		return SRC_DONE;
	s->t += rng_range(sim_rng(sim), 2, 400) * 1000ULL;
	return SRC_MORE;
}

struct src *
dbl_dhcp_new(uint64_t t0, const struct dbl_spec *ds)
{
	struct dbl *d = dbl_alloc(t0, ds, dhcp_step);

	if (d == NULL)
		return NULL;
	d->xid = (uint32_t)(t0 / 1000) ^ ((uint32_t)ds->dhcp.mac_a[5] << 24);
	return &d->src;
}

/*
 * ntp2 -h www.gontp.com -i 1800: an NTPv3 client request (0x1b, rest zero) and the
 * server's reply every 30 min; on the first round also the 1072-byte datagram the real
 * GoIP sends to gontp.org (NTP header, opaque bytes, zero padding).
 */
static int
ntp_step(struct sim *sim, struct src *s)
{
	struct dbl *d = (struct dbl *)s;
	struct rng *r = sim_rng(sim);
	uint8_t m[1072];
	uint64_t secs = s->t / SYNTH_US + NTP_UNIX_OFFSET;
	size_t n = 48;
	int dir = DIR_AB;

	memset(m, 0, sizeof(m));
	m[0] = 0x1b;
	if (d->n == 1) {
		dir = DIR_BA;
		m[0] = 0x1c, m[1] = 2, m[2] = 6, m[3] = 0xe9;
		memcpy(m + 12, "\xc0\x00\x02\x7b", 4);
		for (int i = 16; i < 48; i += 8) {
			put32(m + i, (uint32_t)secs - (i == 16 ? 64 : 0));
			put32(m + i + 4, (uint32_t)rng_u64(r));
		}
		memset(m + 24, 0, 8);	/* originate: the client sent zero */
	} else if (d->n == 2) {
		rng_bytes(r, m + 48, 113);
		n = sizeof(m);
	}
	sim_emit(sim, s->t, &d->ds.ntp, dir, 0, m, n);
	if (d->n == 0 || (d->n == 1 && d->xid == 0)) {
		d->xid |= d->n;		/* xid: the long datagram went out */
		d->n++;
		s->t += rng_range(r, 20, 300) * 1000ULL;
		return SRC_MORE;
	}
	d->n = 0;
	s->t += 1800 * SYNTH_US + rng_below(r, 2000000);
	return s->t >= d->ds.t_stop ? SRC_DONE : SRC_MORE;
}

struct src *
dbl_ntp_new(uint64_t t0, const struct dbl_spec *ds)
{
	struct dbl *d = dbl_alloc(t0, ds, ntp_step);

	return d ? &d->src : NULL;
}

/* DDNS (ddns.pcap): 86 70 14 13 01 <serial>; reply 86 70 14 13 00 <ip> 09 www.<serial>.com */
static int
ddns_step(struct sim *sim, struct src *s)
{
	struct dbl *d = (struct dbl *)s;
	char ip[48], msg[160];
	int n;

	if (d->n == 0) {
		n = snprintf(msg, sizeof(msg), "\x86\x70\x14\x13\x01%s", d->ds.serial);
		if (sim_emit(sim, s->t, &d->ds.ddns, DIR_AB, 0, msg, (size_t)n) == 0 &&
		    d->ds.evidence != NULL && (*d->ds.evidence == 0 || s->t < *d->ds.evidence))
			*d->ds.evidence = s->t;
		d->n = 1;
		s->t += rng_range(sim_rng(sim), 150, 400) * 1000ULL;
		return SRC_MORE;
	}
	addr_str(&d->ds.ddns.a, ip, sizeof(ip));
	n = snprintf(msg, sizeof(msg), "\x86\x70\x14\x13%c%s\x09www.%s.com", 0, ip,
	    d->ds.serial);
	if (n > 0 && (size_t)n < sizeof(msg))
		sim_emit(sim, s->t, &d->ds.ddns, DIR_BA, 0, msg, (size_t)n);
	return SRC_DONE;
}

struct src *
dbl_ddns_new(uint64_t t0, const struct dbl_spec *ds)
{
	struct dbl *d = dbl_alloc(t0, ds, ddns_step);

	return d ? &d->src : NULL;
}
