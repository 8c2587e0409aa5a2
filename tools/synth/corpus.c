/* SPDX-License-Identifier: BSD-2-Clause */
/* corpus: the labelled scenarios, one capture each, and labels.json. */
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "bench.h"
#include "scen.h"

#define CORPUS_T0	(1709510400ULL * SYNTH_US)	/* 2024-03-04T00:00:00Z */
#define CORPUS_LABELS	96
#define CORPUS_LINES	12

#define SOFTSWITCH	"203.0.113.10"
#define SMS_FOREIGN	"198.51.100.20"
#define SIM_BANK	"203.0.113.50"
#define PROVIDER	"10.10.0.10"
#define SMS_DOMESTIC	"10.20.0.5"
/* A domestic ITSP on a public address: only the country database says so. */
#define ITSP_CN		"58.250.0.10"
#define TRUNK_ABROAD	"198.51.100.60"	/* a call centre's trunk provider abroad */
#define LAB_SERVER	"192.0.2.80"	/* a developer's SIP server abroad */
#define VOIP_ABROAD	"198.51.100.66"	/* a consumer VoIP provider abroad */

#define WHY_TERM "foreign softswitch sends INVITEs to domestic mobile numbers in volume, " \
	"several at once, to a GoIP (User-Agent dble, s=DBL Session)"

struct corpus_ctx {
	struct scen sc;
	struct line lines[CORPUS_LINES];
};

/* The classic GoIP: dble, DBL SDP, REGISTER every 60 s, keepalives, termination calls. */
static const struct device dev_classic = {
	.st = &sip_goip, .peer_st = &sip_softswitch, .peer = SOFTSWITCH, .peer_port = 5060,
	.channels = 4, .base_port = 5060, .reg_interval = 60, .reg_expires = 60,
	.sms_server = SMS_FOREIGN, .calls_per_hour = 40, .hour_from = 1, .hour_to = 15,
	.answer_ratio = 0.25, .talk_median_s = 40, .inbound_p = 1.0, .callee = NUM_CN_MOBILE,
	.full_media_p = 0.1, .max_full = 2, .codec = 18, .termination = true, .dbl_cloud = true,
};

static const struct device dev_home = {
	.st = &sip_softphone, .peer_st = &sip_provider, .peer = PROVIDER, .peer_port = 5060,
	.channels = 1, .base_port = 5060, .reg_interval = 600, .reg_expires = 600,
	.calls_per_hour = 0.25, .hour_from = 0, .hour_to = 15, .answer_ratio = 0.7,
	.talk_median_s = 180, .inbound_p = 0.5, .callee = NUM_CN_MIXED, .full_media_p = 0.5,
	.max_full = 1, .codec = 0,
};

static const struct device dev_pbx = {
	.st = &sip_pbx, .peer_st = &sip_provider, .peer = PROVIDER, .peer_port = 5060,
	.channels = 8, .base_port = 5060, .one_port = true, .reg_interval = 3600,
	.reg_expires = 3600, .calls_per_hour = 30, .hour_from = 1, .hour_to = 10,
	.answer_ratio = 0.6, .talk_median_s = 120, .inbound_p = 0.4, .callee = NUM_CN_MIXED,
	.full_media_p = 0.05, .max_full = 1, .codec = 8,
};

static const struct device dev_light = {
	.st = &sip_goip, .peer_st = &sip_provider, .peer = PROVIDER, .peer_port = 5060,
	.channels = 1, .base_port = 5060, .reg_interval = 60, .reg_expires = 60,
	.sms_server = SMS_DOMESTIC, .calls_per_hour = 0.4, .hour_from = 0, .hour_to = 14,
	.answer_ratio = 0.6, .talk_median_s = 90, .inbound_p = 0.5, .callee = NUM_CN_MIXED,
	.full_media_p = 0.3, .max_full = 1, .codec = 8, .dbl_cloud = true,
};

static const struct device dev_ott = {
	.ott = true, .channels = 1, .calls_per_hour = 0.5, .hour_from = 10, .hour_to = 16,
	.answer_ratio = 0.7, .talk_median_s = 60, .inbound_p = 0.5, .peer = "198.51.100.78",
	.callee = NUM_CN_MOBILE,
};

static int
build_classic(struct corpus_ctx *c)
{
	struct line *g = &c->lines[0], *n = &c->lines[1];

	if (scen_line(&c->sc, g, "100.64.12.34", 0, 0, "simbox_suspected", WHY_TERM) ||
	    scen_line(&c->sc, n, "100.64.12.35", 0, 0, "benign", "neighbour: web/DNS only"))
		return -1;
	scen_device(&c->sc, g, &dev_classic, c->sc.t0);
	scen_background(&c->sc, g, 10);
	scen_background(&c->sc, n, 30);
	return 0;
}

static int
build_disguised(struct corpus_ctx *c)
{
	struct device d = dev_classic;

	if (scen_line(&c->sc, &c->lines[0], "100.64.40.7", 0, 0, "simbox_suspected",
	    "GoIP with a disguised User-Agent on random ports 5060-6060; DBL SDP "
	    "(o=userX 20000001, s=DBL Session) and foreign-to-mobile calls in volume"))
		return -1;
	d.st = &sip_goip_disguised;
	d.channels = 2;
	d.base_port = 0;
	d.peer = "192.0.2.40";
	d.sms_server = NULL;
	d.calls_per_hour = 16;
	d.hour_from = 0;
	d.hour_to = 14;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 10);
	return 0;
}

static int
build_simbank(struct corpus_ctx *c)
{
	struct device d = dev_classic;

	if (scen_line(&c->sc, &c->lines[0], "100.65.3.9", 0, 0, "simbox_suspected",
	    "SIM-bank login frames (magic 78 56 21 43, cmd 3 type 2) to a foreign bank; "
	    "signalling encrypted, opaque 20 ms voice"))
		return -1;
	d.peer = "198.51.100.30";
	d.peer_port = 6001;
	d.base_port = 0;
	d.sms_server = NULL;
	d.sim_bank = SIM_BANK;
	d.opaque = true;
	d.termination = false;
	d.calls_per_hour = 30;
	d.hour_from = 0;
	d.hour_to = 24;
	d.answer_ratio = 0.3;
	d.talk_median_s = 60;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 5);
	return 0;
}

static int
build_encrypted(struct corpus_ctx *c)
{
	struct device d = dev_classic;

	if (scen_line(&c->sc, &c->lines[0], "100.66.8.20", 0, 0, "simbox_suspected",
	    "only opaque UDP: encrypted registration every 60 s and two or more concurrent "
	    "20 ms voice-like flows to a foreign peer"))
		return -1;
	d.peer = "198.51.100.31";
	d.dbl_cloud = false;	/* behaviour only: no fingerprint of any kind */
	d.peer_port = 6001;
	d.channels = 4;
	d.base_port = 0;
	d.sms_server = NULL;
	d.opaque = true;
	d.termination = false;
	d.calls_per_hour = 120;
	d.hour_from = 0;
	d.hour_to = 24;
	d.answer_ratio = 0.5;
	d.talk_median_s = 45;
	d.full_media_p = 0.3;
	d.max_full = 4;
	c->lines[0].lb->tier = "high";	/* opaque voice alone: no fingerprint */
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	return 0;
}

static int
build_light(struct corpus_ctx *c)
{
	if (scen_line(&c->sc, &c->lines[0], "100.67.1.50", 0, 0, "goip_present",
	    "GoIP (DBL DDNS to port 39800 at boot, User-Agent dble, SMS-server keepalives) "
	    "registered to the domestic provider, one line, a few calls a day"))
		return -1;
	scen_device(&c->sc, &c->lines[0], &dev_light, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 20);
	return 0;
}

static int
build_pbx(struct corpus_ctx *c)
{
	if (scen_line(&c->sc, &c->lines[0], "100.68.20.1", 0, 0, "benign",
	    "Asterisk PBX trunk to the domestic provider: volume and concurrency, but the "
	    "peer is a domestic ITSP and there is no GoIP fingerprint"))
		return -1;
	scen_device(&c->sc, &c->lines[0], &dev_pbx, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 15);
	return 0;
}

static int
build_callcentre(struct corpus_ctx *c)
{
	struct device d = dev_pbx;

	if (scen_line(&c->sc, &c->lines[0], "100.69.5.5", 0, 0, "benign",
	    "outbound dialer: many short calls to mobiles, low answer ratio, but all through "
	    "the domestic provider"))
		return -1;
	d.st = &sip_dialer;
	d.reg_interval = d.reg_expires = 300;
	d.calls_per_hour = 80;
	d.answer_ratio = 0.2;
	d.talk_median_s = 30;
	d.inbound_p = 0;
	d.callee = NUM_CN_MOBILE;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	return 0;
}

static int
build_home(struct corpus_ctx *c)
{
	if (scen_line(&c->sc, &c->lines[0], "100.70.33.2", 0, 0, "benign",
	    "home softphone: registers to the domestic provider, a few calls a day"))
		return -1;
	scen_device(&c->sc, &c->lines[0], &dev_home, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 25);
	return 0;
}

static int
build_ott(struct corpus_ctx *c)
{
	if (scen_line(&c->sc, &c->lines[0], "100.71.9.9", 0, 0, "benign",
	    "OTT voice app: STUN then non-RTP variable-size media to a relay; no SIP, no GSM "
	    "side channel, a few calls"))
		return -1;
	scen_device(&c->sc, &c->lines[0], &dev_ott, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 30);
	return 0;
}

static int
build_scanned(struct corpus_ctx *c)
{
	const char *why = "probed by SIP scanners (friendly-scanner, sipvicious): inbound "
	    "probes are not the line's behaviour";

	if (scen_line(&c->sc, &c->lines[0], "100.72.0.10", 0, 0, "benign", why) ||
	    scen_line(&c->sc, &c->lines[1], "100.72.0.11", 0, 0, "benign", why) ||
	    scen_line(&c->sc, &c->lines[2], "100.72.0.12", 0, 0, "benign", why))
		return -1;
	scen_device(&c->sc, &c->lines[0], &dev_home, c->sc.t0);
	for (int i = 0; i < 3; i++)
		scen_background(&c->sc, &c->lines[i], 15);
	scen_scan(&c->sc, c->lines, 3, 4);
	return 0;
}

static int
build_mixed(struct corpus_ctx *c)
{
	struct device g = dev_classic, p = dev_pbx;
	struct line *l = c->lines;

	g.channels = 2;
	g.calls_per_hour = 20;
	p.calls_per_hour = 12;
	if (scen_line(&c->sc, &l[0], "100.80.1.1", 0, 0, "simbox_suspected", WHY_TERM) ||
	    scen_line(&c->sc, &l[1], "100.80.1.2", 0, 0, "goip_present",
	    "GoIP (DBL DDNS, dble, keepalives) on the domestic provider, used lightly") ||
	    scen_line(&c->sc, &l[2], "100.80.1.3", 0, 0, "benign", "PBX trunk, domestic") ||
	    scen_line(&c->sc, &l[3], "100.80.1.4", 0, 0, "benign", "home softphone") ||
	    scen_line(&c->sc, &l[4], "100.80.1.5", 0, 0, "benign", "OTT voice app") ||
	    scen_line(&c->sc, &l[5], "100.80.1.6", 0, 0, "benign", "web/DNS only"))
		return -1;
	/* the GoIP is plugged in after an eighth of the capture (45 min of 6 h) */
	scen_device(&c->sc, &l[0], &g, c->sc.t0 + (c->sc.t_end - c->sc.t0) / 8);
	scen_device(&c->sc, &l[1], &dev_light, c->sc.t0);
	scen_device(&c->sc, &l[2], &p, c->sc.t0);
	scen_device(&c->sc, &l[3], &dev_home, c->sc.t0);
	scen_device(&c->sc, &l[4], &dev_ott, c->sc.t0);
	for (int i = 0; i < 6; i++)
		scen_background(&c->sc, &l[i], i == 5 ? 20 : 5);
	scen_scan(&c->sc, &l[3], 1, 2);
	return 0;
}

static int
build_ipv6(struct corpus_ctx *c)
{
	struct device d = dev_classic;

	if (scen_line(&c->sc, &c->lines[0], "2001:db8:6440:12::34", 0, 0, "simbox_suspected",
	    WHY_TERM " (over IPv6)"))
		return -1;
	d.peer = "2001:db8:f00::10";
	d.sms_server = "2001:db8:f00::20";
	d.hour_from = 0;
	d.hour_to = 24;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 10);
	return 0;
}

/* Two lines with the same address, told apart only by VLAN or PPPoE session. */
static int
build_l2(struct corpus_ctx *c, bool pppoe)
{
	struct device d = dev_classic;
	uint16_t k1 = pppoe ? 0x1a2b : 101, k2 = pppoe ? 0x1a2c : 102;
	const char *ip = pppoe ? "100.73.0.9" : "100.64.50.5";

	if (scen_line(&c->sc, &c->lines[0], ip, pppoe ? 0 : k1, pppoe ? k1 : 0,
	    "simbox_suspected", WHY_TERM) ||
	    scen_line(&c->sc, &c->lines[1], ip, pppoe ? 0 : k2, pppoe ? k2 : 0, "benign",
	    "home softphone sharing the address, other VLAN / PPPoE session"))
		return -1;
	c->lines[0].dbl_mac = true;	/* the GoIP is the CPE: its own MAC on the link */
	c->lines[0].dhcp = !pppoe;	/* bridged VLAN access: it asks DHCP for its address */
	d.hour_from = 0;
	d.hour_to = 24;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	scen_device(&c->sc, &c->lines[1], &dev_home, c->sc.t0);
	scen_background(&c->sc, &c->lines[1], 20);
	return 0;
}

static int
build_vlan(struct corpus_ctx *c)
{
	return build_l2(c, false);
}

static int
build_pppoe(struct corpus_ctx *c)
{
	return build_l2(c, true);
}


/* --- look-alikes and positives the default config must get right (issue 17) --- */

/* An outbound call centre whose trunk provider is abroad: it places calls to mobiles. */
static int
build_cc_foreign(struct corpus_ctx *c)
{
	struct device d = dev_pbx;

	if (scen_line(&c->sc, &c->lines[0], "100.74.5.5", 0, 0, "benign",
	    "outbound call centre on a trunk provider abroad: the line sends INVITEs to "
	    "domestic mobiles, it receives none"))
		return -1;
	d.st = &sip_dialer;
	d.peer = TRUNK_ABROAD;
	d.reg_interval = d.reg_expires = 300;
	d.calls_per_hour = rng_range(scen_rng(&c->sc), 40, 100);
	d.answer_ratio = 0.2;
	d.talk_median_s = 30;
	d.inbound_p = 0;
	d.callee = NUM_CN_MOBILE;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 10);
	return 0;
}

/*
 * A VoIP developer's lab: softphones against a test server abroad, test calls
 * both ways to three colleagues' mobiles, sometimes two at once.
 */
static int
build_dev_lab(struct corpus_ctx *c)
{
	struct device d = dev_home;

	if (scen_line(&c->sc, &c->lines[0], "100.74.9.9", 0, 0, "benign",
	    "developer testing softphones against a server abroad: a few calls to three "
	    "colleagues' mobiles, two at once at times"))
		return -1;
	d.peer = LAB_SERVER;
	d.channels = 2;
	d.base_port = 0;
	d.reg_interval = d.reg_expires = 120;
	d.calls_per_hour = rng_range(scen_rng(&c->sc), 3, 8);
	d.hour_from = 0;
	d.hour_to = 24;
	d.answer_ratio = 0.8;
	d.talk_median_s = 20;
	d.inbound_p = 0.5;
	d.termination = true;
	d.callee = NUM_POOL3;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 20);
	return 0;
}

/*
 * A PBX whose domestic ITSP sits on a public address and delivers calls for the
 * staff's mobile extensions (fixed-mobile convergence): received INVITEs to many
 * mobiles, in volume, from a peer only the country database calls domestic.
 */
static int
build_itsp_public(struct corpus_ctx *c)
{
	struct device d = dev_pbx;

	if (scen_line(&c->sc, &c->lines[0], "100.74.20.1", 0, 0, "benign",
	    "PBX on a domestic ITSP at a public address: many received calls from domestic "
	    "callers to 20 staff mobiles, the peer is domestic by the country database"))
		return -1;
	d.peer = ITSP_CN;
	d.calls_per_hour = rng_range(scen_rng(&c->sc), 20, 40);
	d.inbound_p = 0.6;
	d.termination = true;
	d.domestic_callers = true;
	d.callee = NUM_POOL20;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 10);
	return 0;
}

/* A home phone on a consumer VoIP provider abroad: calls out to mobiles, in to its DID. */
static int
build_home_abroad(struct corpus_ctx *c)
{
	struct device d = dev_home;

	if (scen_line(&c->sc, &c->lines[0], "100.74.33.2", 0, 0, "benign",
	    "home softphone on a VoIP provider abroad: a few calls out to mobiles"))
		return -1;
	d.peer = VOIP_ABROAD;
	d.calls_per_hour = 1;
	d.callee = NUM_CN_MOBILE;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 25);
	return 0;
}

/* A SIM box that takes its time: one or two channels, a call every few minutes, all day. */
static int
build_slow_simbox(struct corpus_ctx *c)
{
	struct device d = dev_classic;
	struct rng *r = scen_rng(&c->sc);

	if (scen_line(&c->sc, &c->lines[0], "100.75.1.7", 0, 0, "simbox_suspected",
	    "slow SIM box: generic User-Agent, no DBL marks, one or two channels, a foreign "
	    "softswitch's INVITEs to distinct mobiles all day"))
		return -1;
	d.st = &sip_goip_spoofed;
	d.peer = "203.0.113.70";
	d.channels = rng_range(r, 1, 2);
	d.base_port = 0;
	d.reg_interval = d.reg_expires = 300;
	d.sms_server = NULL;
	d.dbl_cloud = false;
	d.calls_per_hour = rng_range(r, 9, 14);
	d.hour_from = 0;
	d.hour_to = 24;
	d.answer_ratio = 0.3;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 10);
	return 0;
}

/*
 * A relay inside the country: a proxy on a domestic cloud host (36.110.20.5) in
 * front of the foreign softswitch; the callers' numbers are still international.
 */
static int
build_domestic_relay(struct corpus_ctx *c)
{
	struct device d = dev_classic;

	if (scen_line(&c->sc, &c->lines[0], "100.75.3.9", 0, 0, "simbox_suspected",
	    "SIM box behind a domestic relay: a domestic cloud host sends INVITEs from "
	    "international numbers to distinct mobiles, generic User-Agent"))
		return -1;
	d.st = &sip_goip_spoofed;
	d.peer = "36.110.20.5";
	d.base_port = 0;
	d.reg_interval = d.reg_expires = 300;
	d.sms_server = NULL;
	d.dbl_cloud = false;
	d.calls_per_hour = rng_range(scen_rng(&c->sc), 15, 30);
	d.hour_from = 0;
	d.hour_to = 24;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 10);
	return 0;
}

/* SIP over TLS to a softswitch abroad, SRTP media: no SIP to read, a clear RTP header. */
static int
build_tls_srtp(struct corpus_ctx *c)
{
	struct device d = dev_classic;

	if (scen_line(&c->sc, &c->lines[0], "100.75.4.4", 0, 0, "simbox_suspected",
	    "SIP-TLS registration every 60 s and SRTP voice to a foreign softswitch, two or "
	    "more streams at once, no SIP and no fingerprint"))
		return -1;
	c->lines[0].lb->tier = "high";	/* voice without SIP alone: no fingerprint */
	d.peer = "198.51.100.32";
	d.dbl_cloud = false;
	d.peer_port = 5061;
	d.base_port = 0;
	d.sms_server = NULL;
	d.opaque = true;
	d.srtp = true;
	d.tls_sni = "sbc.voipswitch-asia.example";	/* registration every 60 s */
	d.termination = false;
	d.channels = rng_range(scen_rng(&c->sc), 2, 4);
	d.calls_per_hour = 120;
	d.hour_from = 0;
	d.hour_to = 24;
	d.answer_ratio = 0.5;
	d.talk_median_s = 45;
	d.full_media_p = 0.3;
	d.max_full = 4;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	return 0;
}

/* A home user's encrypted voice app abroad (SRTP), one call at a time, a few a day. */
static int
build_srtp_app(struct corpus_ctx *c)
{
	struct device d = dev_home;

	if (scen_line(&c->sc, &c->lines[0], "100.75.5.5", 0, 0, "benign",
	    "encrypted voice app with SRTP to a server abroad: one call at a time, a few a day"))
		return -1;
	d.peer = "198.51.100.33";
	d.peer_port = 5061;
	d.base_port = 0;
	d.opaque = true;
	d.srtp = true;
	d.calls_per_hour = 1;
	d.hour_from = 0;
	d.hour_to = 24;
	d.full_media_p = 1;
	d.max_full = 3;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 25);
	return 0;
}

/*
 * An enterprise softphone on SIP-TLS to a provider abroad: the same 60 s
 * re-registration cadence as a SIM box behind TLS, SRTP media, but one call
 * at a time, one or two an hour (rule 6b alone is informational).
 */
static int
build_tls_softphone(struct corpus_ctx *c)
{
	struct device d = dev_home;
	struct rng *r = scen_rng(&c->sc);

	if (scen_line(&c->sc, &c->lines[0], "100.75.6.6", 0, 0, "benign",
	    "enterprise softphone with SIP-TLS to a provider abroad: 60 s re-registration, "
	    "SRTP, one call at a time"))
		return -1;
	d.peer = "198.51.100.34";
	d.peer_port = (uint16_t)(rng_chance(r, 0.5) ? 5061 : 5062);
	d.base_port = 0;
	d.opaque = true;
	d.srtp = true;
	d.tls_sni = rng_chance(r, 0.5) ? "sip.teams-voice.example" : "pbx.cloudtel.example";
	d.talk_median_s = 90;		/* calls of 1-2 min: SRTP paced in full */
	d.reg_interval = d.reg_expires = 60;
	d.calls_per_hour = rng_range(r, 1, 2);
	d.hour_from = 0;
	d.hour_to = 24;
	d.full_media_p = 1;
	d.max_full = 3;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 25);
	return 0;
}

/* A GoIP with its User-Agent spoofed as a desk phone and the DBL SDP marks cleared. */
static int
build_spoofed_ua(struct corpus_ctx *c)
{
	struct device d = dev_classic;

	if (scen_line(&c->sc, &c->lines[0], "100.75.2.8", 0, 0, "simbox_suspected",
	    "GoIP spoofing a Yealink User-Agent without DBL marks: termination in volume "
	    "and breadth from a foreign softswitch"))
		return -1;
	d.st = &sip_goip_spoofed;
	d.peer = "198.51.100.45";
	d.base_port = 0;
	d.reg_interval = d.reg_expires = 600;
	d.sms_server = NULL;
	d.dbl_cloud = false;
	d.calls_per_hour = rng_range(scen_rng(&c->sc), 20, 40);
	d.hour_from = 0;
	d.hour_to = 24;
	scen_device(&c->sc, &c->lines[0], &d, c->sc.t0);
	scen_background(&c->sc, &c->lines[0], 10);
	return 0;
}

static const struct corpus_scenario {
	const char *name;
	double hours;
	int (*build)(struct corpus_ctx *c);
} corpus_scenarios[] = {
	{ "classic_goip", 6, build_classic },
	{ "disguised_goip", 8, build_disguised },
	{ "simbank_encrypted", 6, build_simbank },
	{ "encrypted_voice", 1, build_encrypted },
	{ "goip_light", 12, build_light },
	{ "pbx_trunk", 6, build_pbx },
	{ "call_centre", 4, build_callcentre },
	{ "home_softphone", 24, build_home },
	{ "ott_voice", 12, build_ott },
	{ "sip_scanned", 6, build_scanned },
	{ "mixed", 6, build_mixed },
	{ "ipv6_goip", 1.5, build_ipv6 },
	{ "vlan_goip", 1.5, build_vlan },
	{ "pppoe_goip", 1.5, build_pppoe },
	{ "callcentre_foreign_trunk", 4, build_cc_foreign },
	{ "dev_lab", 6, build_dev_lab },
	{ "pbx_public_itsp", 6, build_itsp_public },
	{ "home_voip_abroad", 24, build_home_abroad },
	{ "slow_simbox", 12, build_slow_simbox },
	{ "spoofed_ua", 6, build_spoofed_ua },
	{ "domestic_relay", 6, build_domestic_relay },
	{ "sip_tls_srtp", 1, build_tls_srtp },
	{ "srtp_app", 12, build_srtp_app },
	{ "sip_tls_softphone", 6, build_tls_softphone },
};

static void
corpus_ts(uint64_t t, char *buf, size_t cap)
{
	time_t s = (time_t)(t / SYNTH_US);
	struct tm tm;

	size_t n;

	gmtime_r(&s, &tm);
	n = strftime(buf, cap, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, cap - n, ".%03uZ", (unsigned)((t % SYNTH_US) / 1000) % 1000);
}

static int
corpus_labels(const char *dir, const struct label *lb, size_t n)
{
	char path[1024], ts[40];
	FILE *f;

	snprintf(path, sizeof(path), "%s/labels.json", dir);
	if ((f = fopen(path, "w")) == NULL) {
		perror(path);
		return -1;
	}
	fputs("[\n", f);
	for (size_t i = 0; i < n; i++) {
		corpus_ts(lb[i].first_ev, ts, sizeof(ts));
		fprintf(f, "  {\"capture\": \"%s\", \"subscriber_ip\": \"%s\", ", lb[i].capture,
		    lb[i].ip);
		if (lb[i].vlan)
			fprintf(f, "\"vlan\": %u, ", lb[i].vlan);
		if (lb[i].pppoe)
			fprintf(f, "\"pppoe_session\": %u, ", lb[i].pppoe);
		fprintf(f, "\"label\": \"%s\", \"tier\": \"%s\", \"first_evidence_ts\": \"%s\", "
		    "\"scenario\": \"%s\", \"why\": \"%s\"}%s\n", lb[i].label, lb[i].tier, ts,
		    lb[i].scenario, lb[i].why, i + 1 < n ? "," : "");
	}
	fputs("]\n", f);
	return fclose(f) == 0 ? 0 : -1;
}

static int
corpus_one(const struct corpus_opts *o, const struct tmpl_set *ts, size_t i,
    struct label *labels, size_t *nlabels)
{
	static char captures[sizeof(corpus_scenarios) / sizeof(corpus_scenarios[0])][64];
	const struct corpus_scenario *cs = &corpus_scenarios[i];
	struct corpus_ctx c;
	char path[1024];
	struct sim *sim;
	int rc;

	snprintf(captures[i], sizeof(captures[i]), "%s.pcap", cs->name);
	snprintf(path, sizeof(path), "%s/%s", o->out_dir, captures[i]);
	if ((sim = sim_new(path, o->seed * 1000003ULL + i)) == NULL)
		return -1;
	sim_set_tmpl(sim, ts);
	memset(&c, 0, sizeof(c));
	scen_init(&c.sc, sim, CORPUS_T0 + i * 7 * 24 * 3600 * SYNTH_US, cs->hours * o->scale,
	    captures[i], cs->name, labels, CORPUS_LABELS, *nlabels);
	rc = cs->build(&c);
	if (rc == 0)
		rc = sim_run(sim);
	scen_finish(&c.sc);
	*nlabels = c.sc.nlabels;
	fprintf(stderr, "synth corpus: %-24s %8llu packets %10llu bytes\n", captures[i],
	    (unsigned long long)sim_packets(sim), (unsigned long long)sim_bytes(sim));
	sim_free(sim);
	return rc;
}

int
corpus_run(const struct corpus_opts *o, const struct tmpl_set *ts)
{
	static struct label labels[CORPUS_LABELS];
	size_t nlabels = 0;

	for (size_t i = 0; i < sizeof(corpus_scenarios) / sizeof(corpus_scenarios[0]); i++)
		if (corpus_one(o, ts, i, labels, &nlabels) != 0)
			return -1;
	return corpus_labels(o->out_dir, labels, nlabels);
}
