/* SPDX-License-Identifier: BSD-2-Clause */
/* scen: lines, devices (registrations, keepalives, SIM bank, calls), background, scanners. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scen.h"

#define HOUR_US	(3600ULL * SYNTH_US)
#define DAY_US	(24 * HOUR_US)

void
scen_init(struct scen *sc, struct sim *sim, uint64_t t0, double hours, const char *capture,
    const char *scenario, struct label *labels, size_t cap, size_t used)
{
	sc->sim = sim;
	sc->t0 = t0;
	sc->t_end = t0 + (uint64_t)(hours * (double)HOUR_US);
	sc->capture = capture;
	sc->scenario = scenario;
	sc->labels = labels;
	sc->cap = cap;
	sc->nlabels = used;
	sim_limit(sim, sc->t_end, UINT64_MAX);
}

struct rng *
scen_rng(struct scen *sc)
{
	return sim_rng(sc->sim);
}

int
scen_line(struct scen *sc, struct line *l, const char *ip, uint16_t vlan, uint16_t pppoe,
    const char *label, const char *why)
{
	struct label *lb;

	memset(l, 0, sizeof(*l));
	if (sc->nlabels >= sc->cap || addr_parse(&l->ip, ip) != 0) {
		fprintf(stderr, "synth corpus: bad line %s or too many labels\n", ip);
		return -1;
	}
	l->vlan = vlan;
	l->pppoe = pppoe;
	lb = l->lb = &sc->labels[sc->nlabels++];
	memset(lb, 0, sizeof(*lb));
	snprintf(lb->capture, sizeof(lb->capture), "%s", sc->capture);
	addr_str(&l->ip, lb->ip, sizeof(lb->ip));
	lb->vlan = vlan;
	lb->pppoe = pppoe;
	lb->label = label;
	lb->tier = strcmp(label, "simbox_suspected") == 0 ? "urgent" :
	    strcmp(label, "goip_present") == 0 ? "general" : "none";
	lb->scenario = sc->scenario;
	lb->why = why;
	return 0;
}

void
scen_ep(struct ep *e, const struct line *l, uint8_t proto, uint16_t lport,
    const struct addr *peer, uint16_t pport)
{
	static const uint8_t dbl_oui[3] = { 0x38, 0x3f, 0x10 };

	ep_init(e, proto, &l->ip, lport, peer, pport);
	e->vlan = l->vlan;
	e->pppoe = l->pppoe;
	if (l->dbl_mac)
		memcpy(e->mac_a, dbl_oui, 3);
}

static void
scen_lower(uint64_t *v, uint64_t t)
{
	if (*v == 0 || t < *v)
		*v = t;
}

void
scen_seen(struct line *l, uint64_t t)
{
	scen_lower(&l->lb->first_seen, t);
}

void
scen_evidence(struct line *l, uint64_t t)
{
	scen_lower(&l->lb->first_ev, t);
}

/* Share of the peak rate at capture time t: device hours, or a household day (UTC+8). */
static double
scen_activity(uint64_t t, uint8_t from, uint8_t to)
{
	unsigned h = (unsigned)((t / HOUR_US) % 24);
	bool in = from <= to ? (h >= from && h < to) : (h >= from || h < to);

	return in ? 1.0 : 0.05;
}

double
scen_household_share(uint64_t t)
{
	unsigned local = (unsigned)((t / HOUR_US + 8) % 24);

	return local < 7 ? 0.15 : local < 18 ? 0.6 : 1.0;
}

/* --- call generator ---------------------------------------------------------- */
struct callgen {
	struct src src;
	struct scen *sc;
	struct line *l;
	struct device d;
	struct addr peer;
	uint16_t ports[SCEN_CHANNELS];
	uint64_t busy[SCEN_CHANNELS];
	uint64_t op_start[SCEN_CHANNELS], op_end[SCEN_CHANNELS];
	uint64_t day;
	unsigned day_calls, full;
	uint64_t next_t;	/* next Poisson arrival */
	uint64_t pair_at;	/* opaque device: companion call of a paced one, 0 = none */
	bool pairing;		/* the call being placed is that companion */
	char did[24];
};

static void
scen_number(struct rng *r, enum num_kind k, const char *did, char *out, size_t cap)
{
	static const char *const areas[] = { "10", "20", "21", "755", "571", "28" };
	static const char *const cc[] = { "44", "1", "63", "880", "234" };
	char d[12];

	if (k == NUM_CN_MIXED && rng_chance(r, 0.3)) {
		rng_digits(r, d, 8);
		snprintf(out, cap, "0%s%s", areas[rng_below(r, 6)], d);
	} else if (k == NUM_POOL3 || k == NUM_POOL20) {
		snprintf(out, cap, "139%.6s%02u", did + 4, rng_below(r, k == NUM_POOL3 ? 3 : 20));
	} else if (k == NUM_DID) {
		snprintf(out, cap, "%s", did);
	} else if (k == NUM_FOREIGN) {
		rng_digits(r, d, 9);
		snprintf(out, cap, "00%s%s", cc[rng_below(r, 5)], d);
	} else {
		rng_digits(r, d, 9);
		snprintf(out, cap, "1%u%s", rng_range(r, 3, 9), d);
	}
}

/* Termination evidence: a 2nd concurrent call, or the 30th call of the day. */
static void
callgen_termination(struct callgen *g, uint64_t t, int ch)
{
	unsigned active = 0;
	uint64_t day = (t - g->sc->t0) / DAY_US;

	for (unsigned i = 0; i < g->d.channels; i++)
		if ((int)i != ch && g->busy[i] > t)
			active++;
	if (day != g->day) {
		g->day = day;
		g->day_calls = 0;
	}
	if (active >= 1 || ++g->day_calls >= 30)
		scen_evidence(g->l, t);
}

/* Opaque-voice evidence: two concurrent voice-like flows, both 30 s old. */
static void
callgen_opaque(struct callgen *g, int ch, uint64_t ms, uint64_t me)
{
	for (unsigned i = 0; i < g->d.channels; i++) {
		uint64_t ev = (g->op_start[i] > ms ? g->op_start[i] : ms) + 30 * SYNTH_US;
		uint64_t end = g->op_end[i] < me ? g->op_end[i] : me;
		if ((int)i != ch && g->op_end[i] > ms && ev < end &&
		    g->op_end[i] - g->op_start[i] >= 30 * SYNTH_US)
			scen_evidence(g->l, ev);
	}
	g->op_start[ch] = ms;
	g->op_end[ch] = me;
}

static int
callgen_channel(struct callgen *g, uint64_t t)
{
	for (unsigned i = 0; i < g->d.channels; i++)
		if (g->busy[i] <= t)
			return (int)i;
	return -1;
}

static void
callgen_ott(struct sim *sim, struct callgen *g, uint64_t t, double talk)
{
	struct rng *r = sim_rng(sim);
	struct addr stun, relay;
	struct ep e;
	uint16_t lport = port_rand(r, 30000, 60000, false);

	addr_parse(&stun, g->l->ip.af == 6 ? "2001:db8:f00::77" : "198.51.100.77");
	addr_parse(&relay, g->l->ip.af == 6 ? "2001:db8:f00::78" : "198.51.100.78");
	scen_ep(&e, g->l, PKT_UDP, lport, &stun, 3478);
	sim_add(sim, bg_stun_new(t, &e));
	scen_ep(&e, g->l, PKT_UDP, lport, &relay, port_rand(r, 10000, 20000, false));
	sim_add(sim, bg_stream_new(t + 300000, &e, 100.0, talk > 90 ? 90 : talk, 60, 180,
	    false));
}

static void
callgen_spec(struct callgen *g, struct rng *r, uint64_t t, int ch, struct call_spec *cs)
{
	const struct device *d = &g->d;
	bool in = rng_chance(r, d->inbound_p);
	double u = rng_unit(r);

	memset(cs, 0, sizeof(*cs));
	scen_ep(&cs->sig, g->l, PKT_UDP, g->ports[ch], &g->peer, d->peer_port);
	scen_ep(&cs->media, g->l, PKT_UDP, port_rand(r, 10000, 19999, true), &g->peer,
	    port_rand(r, 16384, 32399, true));
	cs->caller = in ? DIR_BA : DIR_AB;
	cs->st_a = d->st;
	cs->st_b = d->peer_st;
	scen_number(r, in ? (d->termination && !d->domestic_callers ? NUM_FOREIGN :
	    NUM_CN_MOBILE) : NUM_DID, g->did,
	    cs->from_num, sizeof(cs->from_num));
	scen_number(r, in && !d->termination ? NUM_DID : d->callee, g->did, cs->to_num,
	    sizeof(cs->to_num));
	cs->outcome = u < d->answer_ratio ? CALL_ANSWER :
	    u < d->answer_ratio + (1 - d->answer_ratio) * 0.4 ? CALL_BUSY : CALL_NOANSWER;
	cs->setup_s = cs->outcome == CALL_ANSWER ? 3 + rng_exp(r, 8) :
	    cs->outcome == CALL_BUSY ? 1 + rng_exp(r, 3) : 20 + rng_exp(r, 10);
	cs->talk_s = rng_lognormal(r, d->talk_median_s, 0.9);
	if (cs->talk_s > 3600)
		cs->talk_s = 3600;
	cs->media_mode = MEDIA_HEADTAIL;
	cs->head_ticks = 25;	/* 0.5 s of paced RTP at each end */
	cs->codec = d->codec;
	cs->opaque = d->opaque;
	cs->srtp = d->srtp;
	cs->hangup = rng_chance(r, 0.5) ? DIR_AB : DIR_BA;
	(void)t;
}

/*
 * Full pacing for some answered calls of up to 45 s (keeps the corpus small). An
 * opaque device paces calls of one to two minutes and, a few seconds into each, takes
 * a companion call on another port that is paced too: two voice-like flows side by
 * side, as on a multi-port box (the opaque-voice evidence).
 */
static void
callgen_media(struct callgen *g, struct rng *r, uint64_t t, struct call_spec *cs)
{
	const struct device *d = &g->d;
	double cap = d->opaque ? 120 : 45;
	bool pick = cs->talk_s <= cap && (!d->opaque || cs->talk_s >= 60) &&
	    rng_chance(r, d->full_media_p);

	if (g->pairing && cs->outcome == CALL_ANSWER) {
		cs->setup_s = 2 + 4 * rng_unit(r);
		cs->talk_s = cs->talk_s < 45 ? 45 : cs->talk_s > 120 ? 120 : cs->talk_s;
		pick = true;
	}
	if (cs->outcome != CALL_ANSWER || g->full >= d->max_full || !pick)
		return;
	cs->media_mode = MEDIA_FULL;
	g->full++;
	if (d->opaque && !g->pairing)
		g->pair_at = t + (uint64_t)rng_range(r, 3, 20) * SYNTH_US;
}

static void
callgen_place(struct sim *sim, struct callgen *g, uint64_t t)
{
	struct rng *r = sim_rng(sim);
	struct call_spec cs;
	int ch = callgen_channel(g, t);
	uint64_t end;

	if (ch < 0)
		ch = (int)rng_below(r, g->d.channels);	/* all busy: the call fails */
	callgen_spec(g, r, t, ch, &cs);
	if (g->pairing)
		cs.outcome = CALL_ANSWER;
	if (g->busy[ch] > t)
		cs.outcome = CALL_BUSY;
	callgen_media(g, r, t, &cs);
	end = t + (uint64_t)((cs.setup_s + 1.0) * 1e6);
	if (cs.outcome == CALL_ANSWER)
		end += (uint64_t)(cs.talk_s * 1e6);
	scen_seen(g->l, t);
	if (g->d.termination && cs.caller == DIR_BA)
		callgen_termination(g, t, ch);
	if (g->d.opaque && cs.outcome == CALL_ANSWER && cs.media_mode == MEDIA_FULL)
		callgen_opaque(g, ch, t + (uint64_t)(cs.setup_s * 1e6),
		    t + (uint64_t)((cs.setup_s + cs.talk_s) * 1e6));
	if (g->busy[ch] <= t)
		g->busy[ch] = end;
	if (g->d.ott) {
		if (cs.outcome == CALL_ANSWER)
			callgen_ott(sim, g, t, cs.talk_s);
		return;
	}
	sim_add(sim, sipgen_call_new(t, &cs));
}

static int
callgen_step(struct sim *sim, struct src *s)
{
	struct callgen *g = (struct callgen *)s;
	struct rng *r = sim_rng(sim);

	if (g->pair_at != 0 && s->t >= g->pair_at) {
		g->pair_at = 0;
		g->pairing = true;
		callgen_place(sim, g, s->t);
		g->pairing = false;
	} else {
		if (rng_chance(r, scen_activity(s->t, g->d.hour_from, g->d.hour_to)))
			callgen_place(sim, g, s->t);
		g->next_t = s->t + 1 + (uint64_t)rng_exp(r, 3600e6 / g->d.calls_per_hour);
	}
	s->t = g->pair_at != 0 && g->pair_at < g->next_t ? g->pair_at : g->next_t;
	return s->t >= g->sc->t_end ? SRC_DONE : SRC_MORE;
}

void
scen_callgen(struct scen *sc, struct line *l, const struct device *d,
    const uint16_t *ports, uint64_t t0)
{
	struct callgen *g = calloc(1, sizeof(*g));
	char d8[12];

	if (g == NULL)
		return;
	g->src.t = t0 + 1 + (uint64_t)rng_exp(scen_rng(sc), 3600e6 / d->calls_per_hour);
	g->src.step = callgen_step;
	g->sc = sc;
	g->l = l;
	g->d = *d;
	addr_parse(&g->peer, d->peer);
	memcpy(g->ports, ports, sizeof(g->ports));
	if (g->d.channels > SCEN_CHANNELS)
		g->d.channels = SCEN_CHANNELS;
	rng_digits(scen_rng(sc), d8, 8);
	snprintf(g->did, sizeof(g->did), "8610%s", d8);
	sim_add(sc->sim, &g->src);
}
