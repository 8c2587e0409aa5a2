/* SPDX-License-Identifier: BSD-2-Clause */
/* bg: background sources: DNS lookups, TCP/TLS sessions, UDP/QUIC flows, streams, STUN. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

enum bg_kind { BG_DNS, BG_TCP, BG_UDP, BG_STREAM, BG_STUN };

struct bg {
	struct src src;
	struct ep e;
	enum bg_kind kind;
	bool tls_quic;		/* TLS over TCP, or QUIC over UDP */
	unsigned n, total;	/* frames sent, frames to send */
	uint64_t gap_us;
	size_t size, size_hi;	/* UDP payload size range; 0 = 40..1200 */
	char name[64];
	uint8_t cid[8];
	uint32_t answer;	/* DNS: the A record's address, 0 = random */
};

static struct bg *
bg_alloc(uint64_t t0, const struct ep *e, enum bg_kind kind,
    int (*step)(struct sim *, struct src *))
{
	struct bg *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->src.t = t0;
	b->src.step = step;
	b->e = *e;
	b->kind = kind;
	memcpy(b->cid, &t0, sizeof(b->cid));
	b->cid[0] ^= (uint8_t)e->pa;
	return b;
}

/* A DNS message for name: a query, or a response with one A record. */
static size_t
bg_dns_msg(uint8_t *p, const char *name, uint16_t id, bool resp, uint32_t ip)
{
	static const uint8_t ans[] = { 0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x01, 0x2c, 0, 4 };
	size_t n = 12, l;

	memset(p, 0, 12);
	p[0] = (uint8_t)(id >> 8);
	p[1] = (uint8_t)id;
	p[2] = resp ? 0x81 : 0x01;
	p[3] = resp ? 0x80 : 0x00;
	p[5] = 1;
	p[7] = resp ? 1 : 0;
	for (const char *s = name; *s != '\0'; s += l + (s[l] == '.')) {
		l = strcspn(s, ".");
		if (l == 0 || l > 63 || n + l + 8 > 300)
			break;
		p[n++] = (uint8_t)l;
		memcpy(p + n, s, l);
		n += l;
	}
	p[n++] = 0;
	memcpy(p + n, "\0\1\0\1", 4);
	n += 4;
	if (resp) {
		memcpy(p + n, ans, sizeof(ans));
		n += sizeof(ans);
		for (int i = 0; i < 4; i++)
			p[n++] = (uint8_t)(ip >> (24 - 8 * i));
	}
	return n;
}

static int
bg_dns_step(struct sim *sim, struct src *s)
{
	struct bg *b = (struct bg *)s;
	uint8_t msg[320];
	uint16_t id = (uint16_t)(b->e.pa * 31 + 7);
	uint32_t ip = (uint32_t)rng_u64(sim_rng(sim));
	size_t n = bg_dns_msg(msg, b->name, id, b->n == 1, b->answer ? b->answer : ip);

	sim_emit(sim, s->t, &b->e, b->n == 0 ? DIR_AB : DIR_BA, 0, msg, n);
	if (++b->n >= 2)
		return SRC_DONE;
	s->t += rng_range(sim_rng(sim), 2, 60) * 1000ULL;
	return SRC_MORE;
}

struct src *
bg_dns_new(uint64_t t0, const struct ep *e, const char *qname)
{
	struct bg *b = bg_alloc(t0, e, BG_DNS, bg_dns_step);

	if (b == NULL)
		return NULL;
	snprintf(b->name, sizeof(b->name), "%s", qname);
	return &b->src;
}

/* The answer alone, from e.b to e.a (internet background: one-packet flows). */
struct src *
bg_dns_reply_new(uint64_t t0, const struct ep *e, const char *qname)
{
	struct src *s = bg_dns_new(t0, e, qname);

	if (s != NULL)
		((struct bg *)s)->n = 1;	/* the query is past: only the answer is left */
	return s;
}

/* A lookup whose answer is the given address (an IPv6 one answers with its last 4 bytes). */
struct src *
bg_dns_answer_new(uint64_t t0, const struct ep *e, const char *qname, const struct addr *ip)
{
	struct src *s = bg_dns_new(t0, e, qname);
	const uint8_t *p = ip->af == 6 ? ip->b + 12 : ip->b;

	if (s != NULL)
		((struct bg *)s)->answer = (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3];
	return s;
}

/* TLS 1.2 record with a ClientHello carrying only SNI. */
static size_t
bg_client_hello(uint8_t *p, struct rng *r, const char *sni)
{
	static const uint8_t suites[] = { 0, 6, 0x13, 0x01, 0x13, 0x02, 0xc0, 0x2f };
	size_t sl = strlen(sni), ext = 9 + sl, hs = 2 + 32 + 1 + sizeof(suites) + 2 + 2 + ext;
	size_t n = 0;

	p[n++] = 0x16, p[n++] = 3, p[n++] = 1;
	p[n++] = (uint8_t)((hs + 4) >> 8), p[n++] = (uint8_t)(hs + 4);
	p[n++] = 1, p[n++] = 0, p[n++] = (uint8_t)(hs >> 8), p[n++] = (uint8_t)hs;
	p[n++] = 3, p[n++] = 3;
	rng_bytes(r, p + n, 32);
	n += 32;
	p[n++] = 0;
	memcpy(p + n, suites, sizeof(suites));
	n += sizeof(suites);
	p[n++] = 1, p[n++] = 0;
	p[n++] = (uint8_t)(ext >> 8), p[n++] = (uint8_t)ext;
	p[n++] = 0, p[n++] = 0, p[n++] = (uint8_t)((sl + 5) >> 8), p[n++] = (uint8_t)(sl + 5);
	p[n++] = (uint8_t)((sl + 3) >> 8), p[n++] = (uint8_t)(sl + 3), p[n++] = 0;
	p[n++] = (uint8_t)(sl >> 8), p[n++] = (uint8_t)sl;
	memcpy(p + n, sni, sl);
	return n + sl;
}

static size_t
bg_opaque(uint8_t *p, struct rng *r, size_t len, bool tls)
{
	rng_bytes(r, p, len);
	if (tls && len > 5) {
		p[0] = 0x17, p[1] = 3, p[2] = 3;
		p[3] = (uint8_t)((len - 5) >> 8), p[4] = (uint8_t)(len - 5);
	}
	return len;
}

/* SYN, SYN-ACK, ACK, data both ways, FIN, FIN, ACK: the first total frames of it. */
static int
bg_tcp_step(struct sim *sim, struct src *s)
{
	struct bg *b = (struct bg *)s;
	struct rng *r = sim_rng(sim);
	unsigned data = b->total > 6 ? b->total - 6 : 0, i = b->n;
	uint8_t pl[SYNTH_PAYLOAD_MAX];
	size_t len = 0;
	int dir = DIR_AB;
	uint8_t fl = TCP_ACK;

	if (i == 0)
		fl = TCP_SYN;
	else if (i == 1)
		dir = DIR_BA, fl = TCP_SYN | TCP_ACK;
	else if (i == 3 && b->tls_quic)
		len = bg_client_hello(pl, r, b->name), fl |= TCP_PSH;
	else if (i >= 3 && i < 3 + data) {
		dir = (i % 3 == 0) ? DIR_AB : DIR_BA;
		len = bg_opaque(pl, r, dir == DIR_AB ? rng_range(r, 60, 600) :
		    rng_range(r, 200, 1400), b->tls_quic);
		fl |= TCP_PSH;
	} else if (i == 3 + data)
		fl |= TCP_FIN;
	else if (i == 4 + data)
		dir = DIR_BA, fl |= TCP_FIN;
	sim_emit(sim, s->t, &b->e, dir, fl, pl, len);
	if (++b->n >= b->total)
		return SRC_DONE;
	s->t += i < 3 ? rng_range(r, 5, 80) * 1000ULL : rng_range(r, 1, 200) * 1000ULL;
	return SRC_MORE;
}

struct src *
bg_tcp_new(uint64_t t0, const struct ep *e, unsigned packets, bool tls, const char *sni)
{
	struct bg *b = bg_alloc(t0, e, BG_TCP, bg_tcp_step);

	if (b == NULL)
		return NULL;
	b->total = packets ? packets : 1;
	b->tls_quic = tls;
	snprintf(b->name, sizeof(b->name), "%s", sni ? sni : "example.net");
	return &b->src;
}

/*
 * SIP over TLS (docs/corpus.md): a handshake (ClientHello with an SNI, the
 * server's hello and certificate, the client's Finished), then every period
 * a REGISTER as one small application-data record from the client, the
 * server's 200 OK back and the client's bare ACK; FIN both ways at t_stop.
 */
struct siptls {
	struct src src;
	struct ep e;
	char sni[64];
	unsigned n;		/* frames sent in the current step's sequence */
	unsigned period_s;
	uint64_t t_stop;
	uint64_t next;		/* the next REGISTER */
	unsigned closing;	/* frames of the close sent */
};

static int
siptls_step(struct sim *sim, struct src *s)
{
	struct siptls *x = (struct siptls *)s;
	struct rng *r = sim_rng(sim);
	uint8_t pl[SYNTH_PAYLOAD_MAX];
	size_t len = 0;
	int dir = DIR_AB;
	uint8_t fl = TCP_ACK;
	unsigned i = x->n++;

	if (x->closing || (s->t >= x->t_stop && i >= 6 && (i - 6) % 3 == 0)) {
		/* FIN, FIN, ACK: one frame a step, so that frames stay in time order */
		x->closing++;
		sim_emit(sim, s->t, &x->e, x->closing == 2 ? DIR_BA : DIR_AB,
		    x->closing < 3 ? TCP_ACK | TCP_FIN : TCP_ACK, pl, 0);
		s->t += 40000;
		return x->closing >= 3 ? SRC_DONE : SRC_MORE;
	}
	switch (i < 6 ? i : 6 + (i - 6) % 3) {
	case 0: fl = TCP_SYN; break;
	case 1: dir = DIR_BA, fl = TCP_SYN | TCP_ACK; break;
	case 2: break;
	case 3: len = bg_client_hello(pl, r, x->sni), fl |= TCP_PSH; break;
	case 4:		/* ServerHello, Certificate, ServerHelloDone */
		len = bg_opaque(pl, r, rng_range(r, 1200, 1400), true);
		pl[0] = 0x16, pl[5] = 2;
		dir = DIR_BA, fl |= TCP_PSH;
		break;
	case 5:		/* ClientKeyExchange, ChangeCipherSpec, Finished */
		len = bg_opaque(pl, r, rng_range(r, 120, 160), true);
		pl[0] = 0x16, pl[5] = 0x10;
		fl |= TCP_PSH;
		break;
	case 6: len = bg_opaque(pl, r, rng_range(r, 520, 720), true), fl |= TCP_PSH; break;
	case 7: len = bg_opaque(pl, r, rng_range(r, 380, 520), true), dir = DIR_BA, fl |= TCP_PSH; break;
	default: break;	/* 8: the client's bare ACK */
	}
	sim_emit(sim, s->t, &x->e, dir, fl, pl, len);
	if (i >= 6 && (i - 6) % 3 == 2) {	/* the next REGISTER, +-1 s */
		x->next += (uint64_t)x->period_s * SYNTH_US;
		s->t = x->next - SYNTH_US + rng_below(r, 2000) * 1000ULL;
	} else
		s->t += rng_range(r, 5, 90) * 1000ULL;
	return SRC_MORE;
}

struct src *
bg_siptls_new(uint64_t t0, const struct ep *e, const char *sni, unsigned period_s,
    uint64_t t_stop)
{
	struct siptls *x = calloc(1, sizeof(*x));

	if (x == NULL)
		return NULL;
	x->src.t = t0;
	x->src.step = siptls_step;
	x->e = *e;
	snprintf(x->sni, sizeof(x->sni), "%s", sni);
	x->period_s = period_s ? period_s : 60;
	x->t_stop = t_stop;
	x->next = t0;
	return &x->src;
}

/* QUIC v1: a long-header Initial padded to 1200 bytes first, short headers after. */
static size_t
bg_quic(uint8_t *p, struct rng *r, const uint8_t cid[8], bool initial, size_t len)
{
	size_t n = 0, rest;

	if (initial) {
		p[n++] = 0xc3;
		p[n++] = 0, p[n++] = 0, p[n++] = 0, p[n++] = 1;
		p[n++] = 8;
		memcpy(p + n, cid, 8);
		n += 8;
		p[n++] = 0;
		p[n++] = 0;
		len = 1200;
		rest = len - n - 2;
		p[n++] = (uint8_t)(0x40 | (rest >> 8));
		p[n++] = (uint8_t)rest;
	} else {
		p[n++] = (uint8_t)(0x40 | (rng_u64(r) & 0x1f));
		memcpy(p + n, cid, 8);
		n += 8;
	}
	rng_bytes(r, p + n, len - n);
	return len;
}

static int
bg_udp_step(struct sim *sim, struct src *s)
{
	struct bg *b = (struct bg *)s;
	struct rng *r = sim_rng(sim);
	uint8_t pl[SYNTH_PAYLOAD_MAX];
	int dir = (b->n % 2) ? DIR_BA : DIR_AB;
	size_t len = b->size ? b->size : rng_range(r, 40, 1200);

	if (b->size && b->size_hi > b->size)
		len = rng_range(r, (uint32_t)b->size, (uint32_t)b->size_hi);

	if (b->tls_quic)
		len = bg_quic(pl, r, b->cid, b->n == 0, len < 30 ? 30 : len);
	else {
		rng_bytes(r, pl, len);
		/* no RTP/RTCP/GOOSE (byte 0) or CLTP (byte 1) heuristic claims it */
		pl[0] = (uint8_t)(0x20 | (pl[0] & 0x1f));
		pl[1] = (uint8_t)(pl[1] | 0x80);
	}
	sim_emit(sim, s->t, &b->e, dir, 0, pl, len);
	if (++b->n >= b->total)
		return SRC_DONE;
	s->t += b->gap_us ? b->gap_us + rng_below(r, (uint32_t)(b->gap_us / 8 + 1)) :
	    rng_range(r, 1, 150) * 1000ULL;
	return SRC_MORE;
}

struct src *
bg_udp_new(uint64_t t0, const struct ep *e, unsigned packets, bool quic)
{
	struct bg *b = bg_alloc(t0, e, BG_UDP, bg_udp_step);

	if (b == NULL)
		return NULL;
	b->total = packets ? packets : 1;
	b->tls_quic = quic;
	return &b->src;
}

/* A long flow at pps for secs; TCP streams open with a handshake. */
struct src *
bg_stream_new(uint64_t t0, const struct ep *e, double pps, double secs, size_t size_lo,
    size_t size_hi, bool quic)
{
	struct bg *b;
	unsigned total = (unsigned)(pps * secs) + 1;

	if (e->proto == PKT_TCP) {
		if ((b = bg_alloc(t0, e, BG_TCP, bg_tcp_step)) == NULL)
			return NULL;
		b->total = total + 6;
		b->tls_quic = true;
		snprintf(b->name, sizeof(b->name), "stream.example.net");
		return &b->src;
	}
	if ((b = bg_alloc(t0, e, BG_STREAM, bg_udp_step)) == NULL)
		return NULL;
	b->total = total;
	b->gap_us = (uint64_t)(1e6 / (pps > 0 ? pps : 1));
	b->size = size_lo;
	b->size_hi = size_hi;
	b->tls_quic = quic;
	return &b->src;
}

static int
bg_stun_step(struct sim *sim, struct src *s)
{
	struct bg *b = (struct bg *)s;
	uint8_t m[32] = { 0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42 };
	size_t n = 20;

	memcpy(m + 8, b->cid, 8);
	memcpy(m + 16, &b->e.pa, 2);
	m[18] = 0x5a, m[19] = 0xa5;
	if (b->n == 1 && b->e.a.af == 4) {
		/* Binding success with XOR-MAPPED-ADDRESS of side a */
		m[0] = 0x01, m[1] = 0x01, m[3] = 12;
		m[20] = 0, m[21] = 0x20, m[22] = 0, m[23] = 8, m[24] = 0, m[25] = 1;
		m[26] = (uint8_t)((b->e.pa >> 8) ^ 0x21), m[27] = (uint8_t)(b->e.pa ^ 0x12);
		for (int i = 0; i < 4; i++)
			m[28 + i] = b->e.a.b[i] ^ m[4 + i];
		n = 32;
	}
	sim_emit(sim, s->t, &b->e, b->n == 0 ? DIR_AB : DIR_BA, 0, m, n);
	if (++b->n >= 2 || b->e.a.af != 4)
		return SRC_DONE;
	s->t += rng_range(sim_rng(sim), 20, 120) * 1000ULL;
	return SRC_MORE;
}

struct src *
bg_stun_new(uint64_t t0, const struct ep *e)
{
	struct bg *b = bg_alloc(t0, e, BG_STUN, bg_stun_step);

	return b ? &b->src : NULL;
}
