/* SPDX-License-Identifier: BSD-2-Clause */
/* scen_dev: start a device's periodic traffic; background, scanners, and closing labels. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scen.h"

#define HOUR_US	(3600ULL * SYNTH_US)

static void
scen_keepalive(struct scen *sc, struct line *l, const struct device *d, unsigned ch,
    uint64_t t)
{
	struct rng *r = scen_rng(sc);
	struct keepalive_spec ks;
	struct addr srv;
	char dg[16];

	memset(&ks, 0, sizeof(ks));
	addr_parse(&srv, d->sms_server);
	scen_ep(&ks.e, l, PKT_UDP, port_rand(r, 32768, 60999, false), &srv, 44444);
	snprintf(ks.id, sizeof(ks.id), "goip%u", ch + 1);
	snprintf(ks.pass, sizeof(ks.pass), "pw%04u", rng_below(r, 10000));
	rng_digits(r, dg, 9);
	snprintf(ks.num, sizeof(ks.num), "1%u%s", rng_range(r, 3, 9), dg);
	rng_digits(r, dg, 14);
	snprintf(ks.imei, sizeof(ks.imei), "8627%s", dg);
	rng_digits(r, dg, 10);
	snprintf(ks.imsi, sizeof(ks.imsi), "46000%s", dg);
	rng_digits(r, dg, 13);
	snprintf(ks.iccid, sizeof(ks.iccid), "898600%s", dg);
	ks.sim_bank = d->sim_bank != NULL;
	ks.t_stop = sc->t_end;
	/* a keepalive proves a GoIP; with SMB_LOGIN:Y it proves a SIM bank */
	if (strcmp(l->lb->label, "goip_present") == 0 ||
	    (ks.sim_bank && strcmp(l->lb->label, "simbox_suspected") == 0))
		ks.evidence = &l->lb->first_ev;
	scen_seen(l, t);
	sim_add(sc->sim, goip_keepalive_new(t, &ks));
}

static void
scen_register(struct scen *sc, struct line *l, const struct device *d, unsigned ch,
    uint16_t port, uint64_t t)
{
	struct reg_spec rs;
	struct addr peer;

	memset(&rs, 0, sizeof(rs));
	addr_parse(&peer, d->peer);
	if (d->tls_sni != NULL) {	/* SIP over TLS: one session per account */
		scen_ep(&rs.sig, l, PKT_TCP, port_rand(scen_rng(sc), 32768, 60999, false),
		    &peer, d->peer_port);
		scen_seen(l, t);
		sim_add(sc->sim, bg_siptls_new(t, &rs.sig, d->tls_sni, d->reg_interval,
		    sc->t_end));
		return;
	}
	scen_ep(&rs.sig, l, PKT_UDP, port, &peer, d->peer_port);
	rs.st = d->st;
	rs.srv = d->peer_st;
	snprintf(rs.user, sizeof(rs.user), "%s%u", d->st == &sip_pbx ? "trunk" : "goip", 100 + ch);
	rs.interval_s = d->reg_interval;
	rs.expires = d->reg_expires;
	rs.opaque = d->opaque;
	rs.t_stop = sc->t_end;
	scen_seen(l, t);
	if (d->st == &sip_goip && !d->opaque && strcmp(l->lb->label, "goip_present") == 0)
		scen_evidence(l, t);	/* User-Agent: dble */
	sim_add(sc->sim, sipgen_reg_new(t, &rs));
}

static void
scen_simbank(struct scen *sc, struct line *l, const struct device *d, uint64_t t)
{
	struct simbank_spec ss;
	struct addr bank;

	memset(&ss, 0, sizeof(ss));
	addr_parse(&bank, d->sim_bank);
	scen_ep(&ss.e, l, PKT_TCP, (uint16_t)rng_range(scen_rng(sc), 32768, 60999), &bank,
	    56012);
	ss.smb_id = 1 + rng_below(scen_rng(sc), 90);
	ss.slots = d->channels;
	ss.t_stop = sc->t_end;
	ss.evidence = &l->lb->first_ev;
	scen_seen(l, t);
	sim_add(sc->sim, goip_simbank_new(t, &ss));
}

/* DBL cloud at boot: (DHCP,) DNS for the NTP names, DDNS, then NTP to gontp. */
static void
scen_dbl(struct scen *sc, struct line *l, uint64_t t)
{
	static const char *const names[] = { "pool.ntp.org", "www.gontp.com", "gontp.org" };
	bool v6 = l->ip.af == 6;
	struct rng *r = scen_rng(sc);
	struct dbl_spec ds;
	struct addr res, ntp, ntp4, ddns, dhcp;
	struct ep e;
	char dg[12];

	memset(&ds, 0, sizeof(ds));
	addr_parse(&res, v6 ? "2001:db8:a00::53" : "10.53.0.53");
	addr_parse(&ntp, v6 ? "2001:db8:f00::123" : "203.0.113.123");
	addr_parse(&ddns, v6 ? "2001:db8:f00::90" : "203.0.113.90");
	addr_parse(&ntp4, "203.0.113.123");	/* the A record the GoIP asks for */
	addr_parse(&dhcp, "100.64.0.1");
	rng_digits(r, dg, 8);
	snprintf(ds.serial, sizeof(ds.serial), "8MCDRM%s", dg);
	ds.t_stop = sc->t_end;
	if (strcmp(l->lb->label, "goip_present") == 0)
		ds.evidence = &l->lb->first_ev;
	scen_ep(&ds.ntp, l, PKT_UDP, 123, &ntp, 123);
	scen_ep(&ds.ddns, l, PKT_UDP, port_rand(r, 32768, 60999, false), &ddns, 39800);
	scen_seen(l, t);
	if (l->dhcp && !v6) {
		scen_ep(&ds.dhcp, l, PKT_UDP, 68, &dhcp, 67);
		sim_add(sc->sim, dbl_dhcp_new(t, &ds));
		t += 1500000;
	}
	for (int i = 0; i < 3; i++) {
		scen_ep(&e, l, PKT_UDP, port_rand(r, 32768, 60999, false), &res, 53);
		sim_add(sc->sim, bg_dns_answer_new(t + (uint64_t)i * 3000, &e, names[i], &ntp4));
	}
	sim_add(sc->sim, dbl_ddns_new(t + 400000, &ds));
	sim_add(sc->sim, dbl_ntp_new(t + 600000, &ds));
}

/* Registrations, keepalives and SIM bank per channel, then the call generator. */
void
scen_device(struct scen *sc, struct line *l, const struct device *d, uint64_t t0)
{
	struct rng *r = scen_rng(sc);
	uint16_t ports[SCEN_CHANNELS] = { 0 };
	unsigned n = d->channels < SCEN_CHANNELS ? d->channels : SCEN_CHANNELS;

	if (d->dbl_cloud) {
		scen_dbl(sc, l, t0);
		t0 += 3 * SYNTH_US;	/* SIP starts once the box has booted */
	}
	for (unsigned ch = 0; ch < n; ch++) {
		uint64_t t = t0 + ch * 1500000ULL + rng_below(r, 1000000);
		ports[ch] = d->base_port ? (uint16_t)(d->base_port + (d->one_port ? 0 : ch)) :
		    (uint16_t)rng_range(r, 5060, 6060);
		if (d->reg_interval && (ch == 0 || !d->one_port))
			scen_register(sc, l, d, ch, ports[ch], t);
		if (d->sms_server)
			scen_keepalive(sc, l, d, ch, t + 2 * SYNTH_US);
	}
	if (d->sim_bank)
		scen_simbank(sc, l, d, t0 + 500000);
	if (d->calls_per_hour > 0)
		scen_callgen(sc, l, d, ports, t0 + 5 * SYNTH_US);
}

struct bgline {
	struct src src;
	struct scen *sc;
	struct line *l;
	double per_hour;
};

static const char *const scen_names[] = {
	"www.example.com", "img.example.net", "api.example.org", "video.example.com",
	"chat.example.net", "news.example.org", "pay.example.com", "cdn.example.net",
};

static void
bgline_spawn(struct sim *sim, struct bgline *b, uint64_t t)
{
	struct rng *r = sim_rng(sim);
	bool v6 = b->l->ip.af == 6;
	const char *name = scen_names[rng_below(r, 8)];
	uint32_t k = rng_below(r, 100);
	struct addr peer;
	struct ep e;

	if (k < 50) {
		addr_parse(&peer, v6 ? "2001:db8:a00::53" : "10.53.0.53");
		scen_ep(&e, b->l, PKT_UDP, port_rand(r, 32768, 60999, false), &peer, 53);
		sim_add(sim, bg_dns_new(t, &e, name));
		return;
	}
	if (v6)
		addr_v6_rand(&peer, r, k < 80 ? "2001:db8:a80::" : "2001:db8:f80::");
	else
		addr_v4_rand(&peer, r, k < 65 ? 0x0a500000 : 0xc6120000, k < 65 ? 16 : 15);
	scen_ep(&e, b->l, k < 80 ? PKT_TCP : PKT_UDP, (uint16_t)rng_range(r, 32768, 60999),
	    &peer, 443);
	if (k < 80)
		sim_add(sim, bg_tcp_new(t, &e, rng_range(r, 7, 16), true, name));
	else
		sim_add(sim, bg_udp_new(t, &e, rng_range(r, 4, 12), true));
}

static int
bgline_step(struct sim *sim, struct src *s)
{
	struct bgline *b = (struct bgline *)s;

	if (rng_chance(sim_rng(sim), scen_household_share(s->t)))
		bgline_spawn(sim, b, s->t);
	s->t += 1 + (uint64_t)rng_exp(sim_rng(sim), 3600e6 / b->per_hour);
	return s->t >= b->sc->t_end ? SRC_DONE : SRC_MORE;
}

/* DNS, TLS and QUIC from the line: per_hour sessions at the evening peak. */
void
scen_background(struct scen *sc, struct line *l, double per_hour)
{
	struct bgline *b = calloc(1, sizeof(*b));

	if (b == NULL)
		return;
	b->src.t = sc->t0 + rng_below(scen_rng(sc), 20000000);
	b->src.step = bgline_step;
	b->sc = sc;
	b->l = l;
	b->per_hour = per_hour;
	scen_seen(l, b->src.t);
	sim_add(sc->sim, &b->src);
}

struct scangen {
	struct src src;
	struct scen *sc;
	struct line *lines;
	size_t n, i;
	unsigned waves;
	uint64_t gap;
};

/* friendly-scanner OPTIONS, then sipvicious REGISTERs for extensions 100-104. */
static int
scangen_step(struct sim *sim, struct src *s)
{
	struct scangen *g = (struct scangen *)s;
	size_t per_line = 6, line = g->i / per_line, k = g->i % per_line;
	struct line *l = &g->lines[line];
	struct addr scanner;
	struct ep e;
	char ext[8];

	addr_parse(&scanner, l->ip.af == 6 ? "2001:db8:f00::66" : "203.0.113.66");
	scen_ep(&e, l, PKT_UDP, 5060, &scanner, k == 0 ? 5070 : 5071);
	snprintf(ext, sizeof(ext), "%zu", 99 + k);
	scen_seen(l, s->t);
	sim_add(sim, sipgen_probe_new(s->t, &e, k == 0 ? "friendly-scanner" : "sipvicious",
	    k == 0 ? "OPTIONS" : "REGISTER", ext, line == 0));
	s->t += 20000 + rng_below(sim_rng(sim), 30000);
	if (++g->i < g->n * per_line)
		return SRC_MORE;
	g->i = 0;
	s->t += g->gap;
	return --g->waves > 0 && s->t < g->sc->t_end ? SRC_MORE : SRC_DONE;
}

void
scen_scan(struct scen *sc, struct line *lines, size_t n, unsigned waves)
{
	struct scangen *g = calloc(1, sizeof(*g));

	if (g == NULL || n == 0 || waves == 0) {
		free(g);
		return;
	}
	g->gap = (sc->t_end - sc->t0) / (waves + 1);
	g->src.t = sc->t0 + g->gap / 2;
	g->src.step = scangen_step;
	g->sc = sc;
	g->lines = lines;
	g->n = n;
	g->waves = waves;
	sim_add(sc->sim, &g->src);
}

/* Benign lines: evidence is the line's first packet. Clamp into the capture. */
void
scen_finish(struct scen *sc)
{
	for (size_t i = 0; i < sc->nlabels; i++) {
		struct label *lb = &sc->labels[i];
		if (strcmp(lb->capture, sc->capture) != 0)
			continue;
		if (lb->first_ev == 0 && strcmp(lb->label, "benign") != 0)
			fprintf(stderr, "synth corpus: %s %s: no evidence for %s\n",
			    lb->capture, lb->ip, lb->label);
		if (lb->first_ev == 0)
			lb->first_ev = lb->first_seen;
		if (lb->first_ev < sim_first_ts(sc->sim))
			lb->first_ev = sim_first_ts(sc->sim);
	}
}
