/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * bench: large performance traces for `make bench`: newflows, steady, and scan
 * (an aggregation link's internet background: 30 % one-packet UDP flows to
 * distinct subscriber addresses across 100.64.0.0/16, half SIP OPTIONS probes
 * from friendly-scanner and half DNS answers; 20 % short TCP flows, SYN, data,
 * FIN; 50 % RTP in 400 steady G.711 streams).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "gen.h"

#define BENCH_T0	(1709510400ULL * SYNTH_US)	/* 2024-03-04T00:00:00Z */

struct bench_profile {
	const char *name;
	double flows_per_s;	/* short 1-5 packet flows */
	double calls_per_s;	/* new RTP calls */
	double talk_median_s;
	unsigned warm_calls;	/* calls started in the first seconds */
	unsigned streams;	/* long TCP/UDP flows */
	unsigned reg_lines;	/* lines re-registering every 60 s */
	bool scan;		/* flows_per_s are the scan mix; warm_calls talk all along */
};

static const struct bench_profile bench_profiles[] = {
	{ "newflows", 5000.0, 1.0 / 3.0, 60.0, 20, 0, 0, false },
	{ "steady", 0.0, 0.6, 150.0, 85, 24, 300, false },
	/* 200 calls = 400 G.711 streams at 50 packets/s = 20,000 packets/s (50 %);
	 * 12,000 one-packet UDP flows/s (30 %) and 1,143 TCP flows/s of 7 packets
	 * (20 %) */
	{ "scan", 12000.0 + 8000.0 / 7.0, 0.0, 0.0, 200, 0, 0, true },
};


struct bench_gen {
	struct src src;
	const struct bench_profile *pf;
	bool calls;		/* spawns calls, else short flows */
};

/* A subscriber address (10% IPv6) and a far peer of the same family. */
static void
bench_pair(struct rng *r, struct addr *line, struct addr *peer)
{
	if (rng_chance(r, 0.10)) {
		addr_v6_rand(line, r, "2001:db8:6440::");
		addr_v6_rand(peer, r, rng_chance(r, 0.5) ? "2001:db8:f00::" : "2001:db8:a00::");
		return;
	}
	addr_v4_rand(line, r, 0x64400000, 10);		/* 100.64.0.0/10 */
	if (rng_chance(r, 0.7))
		addr_v4_rand(peer, r, 0xc6120000, 15);	/* 198.18.0.0/15 */
	else
		addr_v4_rand(peer, r, 0x0a000000, 8);	/* domestic 10/8 */
}

static uint16_t
bench_eport(struct rng *r)
{
	return (uint16_t)rng_range(r, 32768, 60999);
}

static void
bench_flow(struct sim *sim, uint64_t t)
{
	struct rng *r = sim_rng(sim);
	struct addr line, peer;
	struct ep e;
	uint32_t kind = rng_below(r, 100);
	unsigned n = rng_range(r, 1, 5);

	bench_pair(r, &line, &peer);
	if (kind < 40) {
		ep_init(&e, PKT_UDP, &line, bench_eport(r), &peer, 53);
		sim_add(sim, bg_dns_new(t, &e, rng_chance(r, 0.5) ? "www.example.com" :
		    "cdn.example.net"));
	} else if (kind < 75) {
		ep_init(&e, PKT_TCP, &line, bench_eport(r), &peer,
		    rng_chance(r, 0.8) ? 443 : (uint16_t)rng_range(r, 1, 9000));
		sim_add(sim, bg_tcp_new(t, &e, n, e.pb == 443, "api.example.org"));
	} else {
		ep_init(&e, PKT_UDP, &line, bench_eport(r), &peer,
		    rng_chance(r, 0.5) ? 443 : (uint16_t)rng_range(r, 1024, 65000));
		sim_add(sim, bg_udp_new(t, &e, n, e.pb == 443));
	}
}

/* One flow of the scan mix: 12,000 of 13,143 are one-packet UDP, the rest TCP. */
static void
bench_scan_flow(struct sim *sim, uint64_t t)
{
	static const char *const scanners[] = { "45.134.26.11", "193.46.255.7",
	    "185.243.5.103", "80.94.95.226", "62.210.181.4" };
	struct rng *r = sim_rng(sim);
	struct addr line, peer;
	struct ep e;
	uint32_t k = rng_below(r, 13143);

	addr_v4_rand(&line, r, 0x64400000, 16);		/* 100.64.0.0/16 */
	if (k < 6000) {
		addr_parse(&peer, scanners[rng_below(r, 5)]);
		ep_init(&e, PKT_UDP, &line, 5060, &peer, bench_eport(r));
		sim_add(sim, sipgen_probe_new(t, &e, "friendly-scanner", "OPTIONS", "100",
		    false));
	} else if (k < 12000) {
		addr_v4_rand(&peer, r, 0xc6120000, 15);	/* 198.18.0.0/15 */
		ep_init(&e, PKT_UDP, &line, bench_eport(r), &peer, 53);
		sim_add(sim, bg_dns_reply_new(t, &e, "www.example.com"));
	} else {
		addr_v4_rand(&peer, r, 0xc6120000, 15);
		ep_init(&e, PKT_TCP, &line, bench_eport(r), &peer,
		    rng_chance(r, 0.8) ? 443 : (uint16_t)rng_range(r, 1024, 65000));
		sim_add(sim, bg_tcp_new(t, &e, 7, false, ""));
	}
}

static void
bench_call(struct sim *sim, uint64_t t, const struct bench_profile *pf)
{
	static const struct sip_stack *const peers[] = { &sip_provider, &sip_softswitch };
	static const struct sip_stack *const lines[] = { &sip_pbx, &sip_softphone, &sip_goip };
	struct rng *r = sim_rng(sim);
	struct call_spec cs;
	struct addr line, peer;

	memset(&cs, 0, sizeof(cs));
	bench_pair(r, &line, &peer);
	ep_init(&cs.sig, PKT_UDP, &line, 5060, &peer, 5060);
	ep_init(&cs.media, PKT_UDP, &line, (uint16_t)(10000 + 2 * rng_below(r, 5000)), &peer,
	    (uint16_t)(20000 + 2 * rng_below(r, 5000)));
	cs.caller = rng_chance(r, 0.5) ? DIR_AB : DIR_BA;
	cs.st_a = lines[rng_below(r, 3)];
	cs.st_b = peers[rng_below(r, 2)];
	snprintf(cs.from_num, sizeof(cs.from_num), "86%09u", rng_below(r, 1000000000));
	snprintf(cs.to_num, sizeof(cs.to_num), "13%09u", rng_below(r, 1000000000));
	cs.setup_s = pf->scan ? 0.2 + rng_exp(r, 0.3) : 2.0 + rng_exp(r, 6.0);
	cs.outcome = pf->scan || rng_chance(r, 0.85) ? CALL_ANSWER : CALL_BUSY;
	cs.talk_s = pf->scan ? 1e6 : rng_lognormal(r, pf->talk_median_s, 0.6);
	cs.media_mode = MEDIA_FULL;
	cs.codec = pf->scan ? (rng_chance(r, 0.5) ? 0 : 8) : rng_chance(r, 0.8) ? 8 : 18;
	cs.hangup = rng_chance(r, 0.5) ? DIR_AB : DIR_BA;
	sim_add(sim, sipgen_call_new(t, &cs));
}

static int
bench_gen_step(struct sim *sim, struct src *s)
{
	struct bench_gen *g = (struct bench_gen *)s;
	double rate = g->calls ? g->pf->calls_per_s : g->pf->flows_per_s;

	if (g->calls)
		bench_call(sim, s->t, g->pf);
	else if (g->pf->scan)
		bench_scan_flow(sim, s->t);
	else
		bench_flow(sim, s->t);
	s->t += 1 + (uint64_t)(rng_exp(sim_rng(sim), 1e6 / rate));
	return SRC_MORE;
}

static void
bench_add_gen(struct sim *sim, const struct bench_profile *pf, bool calls)
{
	struct bench_gen *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return;
	g->src.t = BENCH_T0 + 5 * SYNTH_US;
	g->src.step = bench_gen_step;
	g->pf = pf;
	g->calls = calls;
	sim_add(sim, &g->src);
}

/* Long-lived background: half TCP (TLS) streams, half UDP (QUIC) streams. */
static void
bench_streams(struct sim *sim, const struct bench_profile *pf)
{
	struct rng *r = sim_rng(sim);

	for (unsigned i = 0; i < pf->streams; i++) {
		struct addr line, peer;
		struct ep e;
		bench_pair(r, &line, &peer);
		ep_init(&e, i % 2 ? PKT_TCP : PKT_UDP, &line, bench_eport(r), &peer, 443);
		sim_add(sim, bg_stream_new(BENCH_T0 + rng_below(r, 2000000), &e,
		    20.0 + rng_below(r, 40), 100000.0, 0, 0, true));
	}
}

static void
bench_regs(struct sim *sim, const struct bench_profile *pf)
{
	struct rng *r = sim_rng(sim);

	for (unsigned i = 0; i < pf->reg_lines; i++) {
		struct reg_spec rs;
		struct addr line, peer;
		memset(&rs, 0, sizeof(rs));
		bench_pair(r, &line, &peer);
		ep_init(&rs.sig, PKT_UDP, &line, 5060, &peer, 5060);
		rs.st = i % 3 == 0 ? &sip_goip : &sip_softphone;
		rs.srv = &sip_provider;
		snprintf(rs.user, sizeof(rs.user), "line%u", i);
		rs.interval_s = 60;
		rs.expires = 60;
		rs.t_stop = UINT64_MAX;
		sim_add(sim, sipgen_reg_new(BENCH_T0 + rng_below(r, 60000000), &rs));
	}
}

int
bench_run(const struct bench_opts *o, const struct tmpl_set *ts)
{
	const struct bench_profile *pf = NULL;
	struct sim *sim;
	int rc;

	for (size_t i = 0; i < sizeof(bench_profiles) / sizeof(bench_profiles[0]); i++)
		if (strcmp(bench_profiles[i].name, o->profile) == 0)
			pf = &bench_profiles[i];
	if (pf == NULL) {
		fprintf(stderr, "synth bench: unknown profile %s (newflows, steady, scan)\n",
		    o->profile);
		return -1;
	}
	if ((sim = sim_new(o->out, o->seed)) == NULL)
		return -1;
	sim_set_tmpl(sim, ts);
	sim_limit(sim, UINT64_MAX, o->packets);
	for (unsigned i = 0; i < pf->warm_calls; i++)
		bench_call(sim, BENCH_T0 + rng_below(sim_rng(sim), pf->scan ? 1000000 : 5000000), pf);
	if (pf->calls_per_s > 0)
		bench_add_gen(sim, pf, true);
	if (pf->flows_per_s > 0)
		bench_add_gen(sim, pf, false);
	bench_streams(sim, pf);
	bench_regs(sim, pf);
	rc = sim_run(sim);
	fprintf(stderr, "synth bench: %s: %llu packets, %llu bytes, %.1f s of traffic\n",
	    o->out, (unsigned long long)sim_packets(sim), (unsigned long long)sim_bytes(sim),
	    (double)(sim_last_ts(sim) - sim_first_ts(sim)) / 1e6);
	sim_free(sim);
	return rc;
}
