/* SPDX-License-Identifier: BSD-2-Clause */
/* scen: building blocks of corpus scenarios: lines, devices, call generators, labels. */
#ifndef SCEN_H
#define SCEN_H

#include "gen.h"

#define SCEN_CHANNELS	8

struct label {
	char capture[64];
	char ip[48];
	uint16_t vlan, pppoe;
	const char *label;	/* simbox_suspected | goip_present | benign */
	const char *tier;	/* the final tier wanted: urgent | high | general | none */
	const char *scenario;
	const char *why;
	uint64_t first_ev;	/* decisive evidence; 0 = none yet */
	uint64_t first_seen;	/* first packet scheduled for the line */
};

struct scen {
	struct sim *sim;
	uint64_t t0, t_end;
	const char *capture;
	const char *scenario;
	struct label *labels;
	size_t nlabels, cap;
};

/* A subscriber line: address plus the L2 context that keys it. */
struct line {
	struct addr ip;
	uint16_t vlan, pppoe;
	bool dbl_mac;		/* the GoIP's own MAC is on the wire: DBL OUI 38:3f:10 */
	bool dhcp;		/* the GoIP takes its address by DHCP on the mirrored link */
	struct label *lb;
};

/* NUM_POOL3, NUM_POOL20: one of 3 or 20 fixed mobiles (colleagues, staff) */
enum num_kind { NUM_CN_MOBILE, NUM_CN_MIXED, NUM_DID, NUM_FOREIGN, NUM_POOL3, NUM_POOL20 };

/* What a device on a line does; zero fields mean "not this". */
struct device {
	const struct sip_stack *st, *peer_st;
	const char *peer;		/* softswitch / provider address */
	uint16_t peer_port;
	unsigned channels;
	uint16_t base_port;		/* 0 = random port 5060-6060 per channel */
	unsigned reg_interval, reg_expires;
	const char *sms_server;		/* keepalives to this address, port 44444 */
	const char *sim_bank;		/* SIM-bank TCP to this address, port 56012 */
	bool opaque;			/* signalling and media encrypted */
	bool srtp;			/* with opaque: SIP over TLS-like records, SRTP media */
	const char *tls_sni;		/* REGISTER over TLS (TCP to peer_port) with this SNI */
	double calls_per_hour;		/* per device, in active hours */
	uint8_t hour_from, hour_to;	/* active hours, UTC; outside: 5 % of the rate */
	double answer_ratio, talk_median_s;
	double inbound_p;		/* share of calls the peer places to the line */
	enum num_kind callee;
	double full_media_p;
	unsigned max_full;		/* at most this many fully paced calls */
	int codec;
	bool termination;		/* foreign peer -> domestic mobile: volume evidence */
	bool domestic_callers;		/* with termination: the callers are domestic numbers */
	bool ott;			/* STUN + non-RTP media instead of SIP */
	bool one_port;			/* a trunk: every channel on base_port, one REGISTER */
	bool dbl_cloud;			/* boot DNS, gontp NTP every 30 min, DDNS (dbl.c) */
};

void scen_init(struct scen *sc, struct sim *sim, uint64_t t0, double hours,
    const char *capture, const char *scenario, struct label *labels, size_t cap,
    size_t used);
struct rng *scen_rng(struct scen *sc);
int scen_line(struct scen *sc, struct line *l, const char *ip, uint16_t vlan,
    uint16_t pppoe, const char *label, const char *why);
void scen_ep(struct ep *e, const struct line *l, uint8_t proto, uint16_t lport,
    const struct addr *peer, uint16_t pport);
void scen_seen(struct line *l, uint64_t t);
void scen_evidence(struct line *l, uint64_t t);
void scen_device(struct scen *sc, struct line *l, const struct device *d, uint64_t t0);
void scen_callgen(struct scen *sc, struct line *l, const struct device *d,
    const uint16_t *ports, uint64_t t0);
double scen_household_share(uint64_t t);
void scen_background(struct scen *sc, struct line *l, double per_hour);
void scen_scan(struct scen *sc, struct line *lines, size_t n, unsigned waves);
void scen_finish(struct scen *sc);

#endif
