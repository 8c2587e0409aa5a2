/* SPDX-License-Identifier: BSD-2-Clause */
/* sipgen: SIP call sources (INVITE dialogue plus RTP) built from the message templates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"
#include "sipgen_priv.h"

#define ALLOW_DBL "INVITE, ACK, BYE, CANCEL, OPTIONS, NOTIFY, REFER, REGISTER, MESSAGE, INFO, SUBSCRIBE"
#define ALLOW_STD "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY"

const struct sip_stack sip_goip = {
	"dble", "sdp_dbl", NULL, NULL, ALLOW_DBL, "8 0 18 4 101", "480 Remote Busy", false
};
const struct sip_stack sip_goip_disguised = {
	"Grandstream HT812 1.0.43.11", "sdp_dbl", NULL, NULL, ALLOW_DBL, "8 0 18 4 101",
	"480 Remote Busy", false
};
/* A GoIP whose owner changed the User-Agent and cleared the DBL SDP marks. */
const struct sip_stack sip_goip_spoofed = {
	"Yealink SIP-T46S 66.86.0.15", "sdp_generic", NULL, NULL, ALLOW_STD, "8 0 18 101",
	"486 Busy Here", false
};
const struct sip_stack sip_softswitch = {
	"VOS3000 V2.1.8.05", "sdp_generic", "VOS3000", "VOS3000", ALLOW_STD, "18 8 0 101",
	"486 Busy Here", true
};
const struct sip_stack sip_provider = {
	"kamailio (5.6.3 (x86_64/linux))", "sdp_generic", "-", "SBC", ALLOW_STD, "8 0 101",
	"486 Busy Here", true
};
const struct sip_stack sip_pbx = {
	"Asterisk PBX 18.16.0", "sdp_pbx", NULL, NULL, ALLOW_STD, "8 0 18 101",
	"486 Busy Here", false
};
const struct sip_stack sip_dialer = {
	"Asterisk PBX 16.28.0 (VICIdial)", "sdp_pbx", NULL, NULL, ALLOW_STD, "8 0 101",
	"486 Busy Here", false
};
const struct sip_stack sip_softphone = {
	"Linphone Desktop/5.0.16 (Debian GNU/Linux 12) LinphoneCore/5.1.64", "sdp_generic",
	"lp", "Talk", ALLOW_STD, "0 8 101", "486 Busy Here", false
};

enum call_state {
	C_INVITE, C_TRYING, C_RINGING, C_FINAL, C_ACK, C_MEDIA, C_BYE, C_BYE_OK,
	C_CANCEL_OK, C_487, C_FAIL_ACK
};

struct call {
	struct src src;
	struct call_spec cs;
	enum call_state state;
	uint64_t t_invite, t_media0;
	uint32_t tick, ticks, skew_us;
	int half;
	uint16_t rtp_seq[2];
	uint32_t rtp_ts[2], ssrc[2];
	struct sip_party p[2];		/* indexed by DIR_AB (line) / DIR_BA (peer) */
	char call_id[64];
	char branch_inv[16];
	char last_from[256], last_to[256], last_via[256];
	unsigned last_cseq;
	char last_method[12];
};

static int
call_caller(const struct call *c)
{
	return c->cs.caller;
}

/* A SIP request from side dir; in_dialog adds the remote tag to To. */
static void
call_request(struct sim *sim, struct call *c, int dir, const char *method,
    const char *branch, bool in_dialog, bool sdp)
{
	struct sip_party *me = &c->p[dir], *peer = &c->p[!dir];
	struct tvars tv = { .n = 0 };
	char cseq[12], sdp_buf[1024];

	snprintf(c->last_from, sizeof(c->last_from), "<sip:%s@%s>;tag=%s", me->user,
	    me->host, me->tag);
	snprintf(c->last_to, sizeof(c->last_to), "<sip:%s@%s>%s%s", peer->user, peer->host,
	    in_dialog ? ";tag=" : "", in_dialog ? peer->tag : "");
	snprintf(c->last_via, sizeof(c->last_via), "SIP/2.0/UDP %s;rport=%u;branch=z9hG4bK%s",
	    me->hostport, dir == DIR_AB ? c->cs.sig.pa : c->cs.sig.pb, branch);
	if (strcmp(method, "ACK") != 0 && strcmp(method, "CANCEL") != 0)
		me->cseq++;
	c->last_cseq = me->cseq;
	snprintf(c->last_method, sizeof(c->last_method), "%s", method);
	snprintf(cseq, sizeof(cseq), "%u", me->cseq);
	sip_party_vars(me, &tv, sim_tmpl(sim));
	tvars_set(&tv, "method", method);
	tvars_set(&tv, "cseq_method", method);
	tvars_set(&tv, "cseq", cseq);
	tvars_set(&tv, "branch", branch);
	tvars_set(&tv, "ruri_user", peer->user);
	tvars_set(&tv, "ruri_host", peer->hostport);
	tvars_set(&tv, "from_hdr", c->last_from);
	tvars_set(&tv, "to_hdr", c->last_to);
	tvars_set(&tv, "call_id", c->call_id);
	tvars_set(&tv, "contact_user", me->user);
	sip_party_sdp(me, sim_tmpl(sim), true, c->cs.codec, sdp ? sdp_buf : NULL,
	    sizeof(sdp_buf));
	tvars_set(&tv, "sdp", sdp ? sdp_buf : "");
	sip_emit(sim, &c->src, &c->cs.sig, dir, c->cs.opaque,
	    strcmp(method, "INVITE") == 0 ? "invite" : "request", &tv);
}

/* A response from side dir to the last request (or to the INVITE when inv). */
static void
call_response(struct sim *sim, struct call *c, int dir, const char *status, bool sdp)
{
	struct sip_party *me = &c->p[dir];
	struct tvars tv = { .n = 0 };
	char to[320], cseq[12], sdp_buf[1024];
	bool tag = strncmp(status, "100", 3) != 0 && strstr(c->last_to, ";tag=") == NULL;

	snprintf(to, sizeof(to), "%s%s%s", c->last_to, tag ? ";tag=" : "", tag ? me->tag : "");
	snprintf(cseq, sizeof(cseq), "%u", c->last_cseq);
	sip_party_vars(me, &tv, sim_tmpl(sim));
	tvars_set(&tv, "status", status);
	tvars_set(&tv, "via_hdr", c->last_via);
	tvars_set(&tv, "from_hdr", c->last_from);
	tvars_set(&tv, "to_hdr", to);
	tvars_set(&tv, "call_id", c->call_id);
	tvars_set(&tv, "cseq", cseq);
	tvars_set(&tv, "cseq_method", c->last_method);
	tvars_set(&tv, "extra", sdp ? "Content-Type: application/sdp\n" : "");
	sip_party_sdp(me, sim_tmpl(sim), false, c->cs.codec, sdp ? sdp_buf : NULL,
	    sizeof(sdp_buf));
	tvars_set(&tv, "sdp", sdp ? sdp_buf : "");
	sip_emit(sim, &c->src, &c->cs.sig, dir, c->cs.opaque, "response", &tv);
}

/* Restores the INVITE transaction so that 487 and its ACK refer to it. */
static void
call_restore_invite(struct call *c)
{
	struct sip_party *er = &c->p[call_caller(c)], *ee = &c->p[!call_caller(c)];

	snprintf(c->last_from, sizeof(c->last_from), "<sip:%s@%s>;tag=%s", er->user,
	    er->host, er->tag);
	snprintf(c->last_to, sizeof(c->last_to), "<sip:%s@%s>", ee->user, ee->host);
	snprintf(c->last_via, sizeof(c->last_via), "SIP/2.0/UDP %s;rport=%u;branch=z9hG4bK%s",
	    er->hostport, call_caller(c) == DIR_AB ? c->cs.sig.pa : c->cs.sig.pb,
	    c->branch_inv);
	c->last_cseq = er->cseq;
	snprintf(c->last_method, sizeof(c->last_method), "INVITE");
}

static const uint8_t *
call_noise(void)
{
	static uint8_t noise[4096];
	static bool ready;

	if (!ready) {
		struct rng r;
		rng_seed(&r, 0x6e6f697365);
		rng_bytes(&r, noise, sizeof(noise));
		ready = true;
	}
	return noise;
}

static void
call_rtp(struct sim *sim, struct call *c, int dir)
{
	size_t plen = c->cs.codec == 18 ? 20 : 160;
	uint8_t pkt[12 + 160 + 16];
	const uint8_t *noise = call_noise();

	pkt[0] = 0x80;
	pkt[1] = (uint8_t)(c->cs.codec | (c->rtp_seq[dir] == (uint16_t)(c->ssrc[dir] >> 3) ?
	    0x80 : 0));
	pkt[2] = (uint8_t)(c->rtp_seq[dir] >> 8);
	pkt[3] = (uint8_t)c->rtp_seq[dir];
	for (int i = 0; i < 4; i++) {
		pkt[4 + i] = (uint8_t)(c->rtp_ts[dir] >> (24 - 8 * i));
		pkt[8 + i] = (uint8_t)(c->ssrc[dir] >> (24 - 8 * i));
	}
	memcpy(pkt + 12, noise + ((c->tick * 7 + (uint32_t)dir * 1031) % 3800), plen);
	if (c->cs.opaque && c->cs.srtp) {
		/* SRTP: clear header, encrypted payload, 80-bit auth tag */
		memcpy(pkt + 12 + plen, noise + ((c->tick * 11 + (uint32_t)dir * 313) % 3800), 10);
		plen += 10;
	} else if (c->cs.opaque) {
		/* encrypted voice: whole datagram opaque, a few bytes of cipher overhead */
		memcpy(pkt, noise + ((c->tick * 13 + (uint32_t)dir * 577) % 3800), 12 + plen + 4);
		/* no RTP/RTCP/GOOSE (byte 0) or CLTP (byte 1) heuristic claims it */
		pkt[0] = (uint8_t)(0x20 | (pkt[0] & 0x1f));
		pkt[1] = (uint8_t)(pkt[1] | 0x80);
		plen += 4;
	}
	sim_emit(sim, c->src.t, &c->cs.media, dir, 0, pkt, 12 + plen);
	c->rtp_seq[dir]++;
	c->rtp_ts[dir] += 160;
}

/* One RTP packet per step; the reverse direction runs skew_us behind. */
static int
call_media_step(struct sim *sim, struct call *c)
{
	call_rtp(sim, c, c->half);
	if (c->half == 0) {
		c->half = 1;
		c->src.t += c->skew_us;
		return SRC_MORE;
	}
	c->half = 0;
	c->tick++;
	if (c->cs.media_mode == MEDIA_HEADTAIL && c->tick == c->cs.head_ticks &&
	    c->ticks > 2 * c->cs.head_ticks) {
		uint32_t skip = c->ticks - 2 * c->cs.head_ticks;
		for (int d = 0; d < 2; d++) {
			c->rtp_seq[d] = (uint16_t)(c->rtp_seq[d] + skip);
			c->rtp_ts[d] += skip * 160;
		}
		c->tick += skip;
	}
	c->src.t = c->t_media0 + (uint64_t)c->tick * 20000 + rng_below(sim_rng(sim), 800);
	if (c->tick >= c->ticks)
		c->state = C_BYE;
	return SRC_MORE;
}

static uint64_t
call_ms(struct sim *sim, uint32_t lo, uint32_t hi)
{
	return (uint64_t)rng_range(sim_rng(sim), lo, hi) * 1000;
}

static int
call_final(struct sim *sim, struct call *c)
{
	int er = call_caller(c), ee = !er;

	switch (c->cs.outcome) {
	case CALL_ANSWER:
		call_response(sim, c, ee, "200 OK", true);
		c->state = C_ACK;
		break;
	case CALL_BUSY:
		call_response(sim, c, ee, c->p[ee].st->busy, false);
		c->state = C_FAIL_ACK;
		break;
	case CALL_NOANSWER:
		call_request(sim, c, er, "CANCEL", c->branch_inv, false, false);
		c->state = C_CANCEL_OK;
		break;
	}
	c->src.t += call_ms(sim, 10, 80);
	return SRC_MORE;
}

static int
call_step(struct sim *sim, struct src *s)
{
	struct call *c = (struct call *)s;
	int er = call_caller(c), ee = !er;
	char branch[16];

	switch (c->state) {
	case C_INVITE:
		call_request(sim, c, er, "INVITE", c->branch_inv, false, true);
		c->state = C_TRYING;
		s->t += call_ms(sim, 5, 40);
		return SRC_MORE;
	case C_TRYING:
		call_response(sim, c, ee, "100 Trying", false);
		c->state = C_RINGING;
		s->t += call_ms(sim, 100, 600);
		return SRC_MORE;
	case C_RINGING:
		call_response(sim, c, ee, "180 Ringing", false);
		c->state = C_FINAL;
		s->t = c->t_invite + (uint64_t)(c->cs.setup_s * 1e6);
		if (s->t <= c->t_invite + 1000000)
			s->t = c->t_invite + 1000000 + call_ms(sim, 0, 500);
		return SRC_MORE;
	case C_FINAL:
		return call_final(sim, c);
	case C_ACK:
		sip_branch(sim, branch);
		call_request(sim, c, er, "ACK", branch, true, false);
		c->state = c->cs.media_mode == MEDIA_NONE ? C_BYE : C_MEDIA;
		c->t_media0 = s->t + call_ms(sim, 1, 20);
		s->t = c->cs.media_mode == MEDIA_NONE ? s->t + c->ticks * 20000ULL : c->t_media0;
		return SRC_MORE;
	case C_MEDIA:
		return call_media_step(sim, c);
	case C_BYE:
		sip_branch(sim, branch);
		call_request(sim, c, c->cs.hangup, "BYE", branch, true, false);
		c->state = C_BYE_OK;
		s->t += call_ms(sim, 20, 120);
		return SRC_MORE;
	case C_BYE_OK:
		call_response(sim, c, !c->cs.hangup, "200 OK", false);
		return SRC_DONE;
	case C_CANCEL_OK:
		call_response(sim, c, ee, "200 OK", false);
		c->state = C_487;
		s->t += call_ms(sim, 1, 10);
		return SRC_MORE;
	case C_487:
		call_restore_invite(c);
		call_response(sim, c, ee, "487 Request Terminated", false);
		c->state = C_FAIL_ACK;
		s->t += call_ms(sim, 10, 80);
		return SRC_MORE;
	case C_FAIL_ACK:
		call_request(sim, c, er, "ACK", c->branch_inv, true, false);
		return SRC_DONE;
	}
	return SRC_DONE;
}

struct src *
sipgen_call_new(uint64_t t0, const struct call_spec *cs)
{
	struct call *c = calloc(1, sizeof(*c));
	uint64_t h = t0 ^ ((uint64_t)cs->media.pa << 32) ^ cs->media.pb;

	if (c == NULL)
		return NULL;
	c->cs = *cs;
	c->src.t = c->t_invite = t0;
	c->src.step = call_step;
	c->state = C_INVITE;
	c->ticks = (uint32_t)(cs->talk_s * 50.0);
	if (c->ticks == 0)
		c->ticks = 1;
	c->skew_us = 3000 + (uint32_t)(h % 9000);
	for (int d = 0; d < 2; d++) {
		c->ssrc[d] = (uint32_t)(h * 2654435761u) ^ (uint32_t)(d * 0x9e3779b9u);
		c->rtp_seq[d] = (uint16_t)(c->ssrc[d] >> 3);
		c->rtp_ts[d] = c->ssrc[d] * 3u;
	}
	sip_party_init(&c->p[DIR_AB], &cs->sig, DIR_AB, cs->st_a, cs->media.pa, h);
	sip_party_init(&c->p[DIR_BA], &cs->sig, DIR_BA, cs->st_b, cs->media.pb, h >> 7);
	snprintf(c->p[cs->caller].user, sizeof(c->p[0].user), "%s", cs->from_num);
	snprintf(c->p[!cs->caller].user, sizeof(c->p[0].user), "%s", cs->to_num);
	snprintf(c->call_id, sizeof(c->call_id), "%08x%08x@%s", (uint32_t)(h >> 20),
	    (uint32_t)(h * 40503u), c->p[cs->caller].ip);
	snprintf(c->branch_inv, sizeof(c->branch_inv), "%u", (uint32_t)(h * 2246822519u));
	return &c->src;
}
