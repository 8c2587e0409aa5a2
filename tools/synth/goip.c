/* SPDX-License-Identifier: BSD-2-Clause */
/* goip: GoIP side channels: SMS-server keepalives (UDP) and SIM-bank frames (TCP). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

struct keepalive {
	struct src src;
	struct keepalive_spec ks;
	unsigned count;
	bool reply;		/* next step sends the server's reply */
};

static void
goip_evidence(uint64_t *ev, uint64_t t)
{
	if (ev != NULL && (*ev == 0 || t < *ev))
		*ev = t;
}

/* "req:N;id:..;pass:..;..." every 30 s, "reg:N;status:200;" back (GoIP SMS Interface). */
static int
keepalive_step(struct sim *sim, struct src *s)
{
	struct keepalive *k = (struct keepalive *)s;
	struct rng *r = sim_rng(sim);
	char msg[512];
	int n;

	if (k->reply) {
		n = snprintf(msg, sizeof(msg), "reg:%u;status:200;", k->count);
		sim_emit(sim, s->t, &k->ks.e, DIR_BA, 0, msg, (size_t)n);
		k->reply = false;
		s->t += 30 * SYNTH_US - rng_range(r, 10, 90) * 1000ULL + rng_below(r, 20000);
		return s->t >= k->ks.t_stop ? SRC_DONE : SRC_MORE;
	}
	k->count++;
	n = snprintf(msg, sizeof(msg), "req:%u;id:%s;pass:%s;num:%s;signal:%u;"
	    "gsm_status:LOGIN;voip_status:LOGIN;voip_state:IDLE;imei:%s;imsi:%s;iccid:%s;"
	    "pro:CHINA MOBILE;idle:%u;disable_status:0;SMS_LOGIN:N;SMB_LOGIN:%s;"
	    "CELLINFO:LAC:5815,CELL ID:9487;CGATT:Y;", k->count, k->ks.id, k->ks.pass,
	    k->ks.num, rng_range(r, 14, 31), k->ks.imei, k->ks.imsi, k->ks.iccid,
	    rng_range(r, 0, 400), k->ks.sim_bank ? "Y" : "");
	if (n < 0 || (size_t)n >= sizeof(msg))
		return SRC_DONE;
	if (sim_emit(sim, s->t, &k->ks.e, DIR_AB, 0, msg, (size_t)n) == 0)
		goip_evidence(k->ks.evidence, s->t);
	k->reply = true;
	s->t += rng_range(r, 10, 90) * 1000ULL;
	return SRC_MORE;
}

struct src *
goip_keepalive_new(uint64_t t0, const struct keepalive_spec *ks)
{
	struct keepalive *k = calloc(1, sizeof(*k));

	if (k == NULL)
		return NULL;
	k->src.t = t0;
	k->src.step = keepalive_step;
	k->ks = *ks;
	return &k->src;
}

enum simbank_state { SB_SYN, SB_SYNACK, SB_ACK, SB_LOGIN, SB_ACCEPT, SB_READY, SB_APDU_REQ,
	SB_APDU_RESP };

struct simbank {
	struct src src;
	struct simbank_spec ss;
	enum simbank_state state;
	unsigned slot;		/* 1-based slot being logged in / served */
	uint32_t seq;
};

#define SMB_MAGIC 0x43215678u

static size_t
simbank_hdr(uint8_t *p, uint32_t line_id, uint16_t cmd, uint16_t type)
{
	const uint32_t w[2] = { SMB_MAGIC, line_id };

	for (int i = 0; i < 2; i++)
		for (int b = 0; b < 4; b++)
			p[i * 4 + b] = (uint8_t)(w[i] >> (8 * b));
	p[8] = (uint8_t)cmd, p[9] = (uint8_t)(cmd >> 8);
	p[10] = (uint8_t)type, p[11] = (uint8_t)(type >> 8);
	return 12;
}

/* Frame of cmd/type for the current slot; payload = le32 word + 16 opaque bytes + apdu. */
static void
simbank_frame(struct sim *sim, struct simbank *b, int dir, uint16_t cmd, uint16_t type,
    uint32_t word, const uint8_t *apdu, size_t alen)
{
	uint8_t f[96];
	uint32_t line_id = b->ss.smb_id * 100 + b->slot;
	size_t n = simbank_hdr(f, line_id, cmd, type);

	for (int i = 0; i < 4; i++)
		f[n++] = (uint8_t)(word >> (8 * i));
	rng_bytes(sim_rng(sim), f + n, 16);	/* stands for the MD5 digest */
	n += 16;
	if (alen > sizeof(f) - n)
		alen = sizeof(f) - n;
	if (alen > 0)
		memcpy(f + n, apdu, alen);
	sim_emit(sim, b->src.t, &b->ss.e, dir, TCP_ACK | TCP_PSH, f, n + alen);
}

static int
simbank_apdu(struct sim *sim, struct simbank *b)
{
	static const uint8_t run_gsm[] = { 0xa0, 0x88, 0x00, 0x00, 0x10 };
	static const uint8_t sres[] = { 0x9f, 0x0c, 0x1b, 0x3e, 0x55, 0x07, 0x90, 0x00 };
	struct rng *r = sim_rng(sim);

	if (b->state == SB_APDU_REQ) {
		simbank_frame(sim, b, DIR_BA, 0x0000, 1, b->seq++, run_gsm, sizeof(run_gsm));
		b->state = SB_APDU_RESP;
		b->src.t += rng_range(r, 40, 400) * 1000ULL;
	} else {
		simbank_frame(sim, b, DIR_AB, 0x0000, 2, b->seq, sres, sizeof(sres));
		b->state = SB_APDU_REQ;
		b->slot = 1 + rng_below(r, b->ss.slots);
		b->src.t += rng_range(r, 8, 50) * SYNTH_US;
	}
	return b->src.t >= b->ss.t_stop ? SRC_DONE : SRC_MORE;
}

/* TCP to the bank, a 32-byte login per slot (cmd 3 type 2), then APDU traffic. */
static int
simbank_step(struct sim *sim, struct src *s)
{
	struct simbank *b = (struct simbank *)s;
	uint32_t line_id = b->ss.smb_id * 100 + b->slot;
	uint64_t rtt = rng_range(sim_rng(sim), 30, 120) * 1000ULL;

	switch (b->state) {
	case SB_SYN:
		sim_emit(sim, s->t, &b->ss.e, DIR_AB, TCP_SYN, NULL, 0);
		b->state = SB_SYNACK;
		break;
	case SB_SYNACK:
		sim_emit(sim, s->t, &b->ss.e, DIR_BA, TCP_SYN | TCP_ACK, NULL, 0);
		b->state = SB_ACK;
		break;
	case SB_ACK:
		sim_emit(sim, s->t, &b->ss.e, DIR_AB, TCP_ACK, NULL, 0);
		b->state = SB_LOGIN;
		rtt = 1000;
		break;
	case SB_LOGIN:
		simbank_frame(sim, b, DIR_AB, 0x0003, 2, line_id, NULL, 0);
		goip_evidence(b->ss.evidence, s->t);
		b->state = SB_ACCEPT;
		break;
	case SB_ACCEPT:
		simbank_frame(sim, b, DIR_BA, 0x005b, 1, line_id, NULL, 0);
		b->state = SB_READY;
		rtt = 2000;
		break;
	case SB_READY:
		simbank_frame(sim, b, DIR_BA, 0x0028, 1, 0x0004e608u + b->slot, NULL, 0);
		b->state = b->slot < b->ss.slots ? SB_LOGIN : SB_APDU_REQ;
		b->slot = b->slot < b->ss.slots ? b->slot + 1 : 1;
		rtt = rng_range(sim_rng(sim), 100, 900) * 1000ULL;
		break;
	default:
		return simbank_apdu(sim, b);
	}
	s->t += rtt;
	return SRC_MORE;
}

struct src *
goip_simbank_new(uint64_t t0, const struct simbank_spec *ss)
{
	struct simbank *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return NULL;
	b->src.t = t0;
	b->src.step = simbank_step;
	b->ss = *ss;
	b->slot = 1;
	b->seq = 0x1000;
	return &b->src;
}
