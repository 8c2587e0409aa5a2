/* SPDX-License-Identifier: BSD-2-Clause */
/* The worker's wire stage for devices: GoIP SMS-server, SIM bank, DBL cloud traces, accounts. */
#include <stdlib.h>
#include <string.h>

#include "wire.h"
#include "dbl.h"
#include "str.h"
#include "voip.h"

#define SIMBANK_EVENTS_PER_FLOW	32	/* frames reported per flow; the rest counted */
#define TCP_FIRST_PAYLOADS	2	/* radmin and web UI look at these only */

struct wire {
	struct sink	 sink;
	struct wire_stats st;
	struct event	 ev;
};

struct wire *
wire_new(const struct sink *sink)
{
	struct wire *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->sink = *sink;
	return d;
}

void
wire_free(struct wire *d)
{
	free(d);
}

static void
wire_emit(struct wire *d, enum event_kind kind, const struct pkt *pk)
{
	d->ev.kind = (uint8_t)kind;
	d->ev.ts = pk->ts;
	event_tuple(&d->ev.t, pk);
	d->sink.event(d->sink.arg, &d->ev, event_size(&d->ev));
}

static void
wire_hint(struct wire *d, const struct pkt *pk, enum hint_kind k, const char *detail)
{
	memset(&d->ev.u.hint, 0, sizeof(d->ev.u.hint));
	d->ev.u.hint.kind = (uint8_t)k;
	if (detail != NULL)
		str_copy(d->ev.u.hint.detail, sizeof(d->ev.u.hint.detail), detail);
	memcpy(d->ev.u.hint.mac, pk->smac, 6);
	d->st.dbl++;
	wire_emit(d, EV_HINT, pk);
}

/* Well-known UDP services whose requests carry DBL traces or account names. */
static void
wire_udp_ports(struct wire *d, const struct pkt *pk)
{
	const uint8_t *p = pk->payload;
	size_t n = pk->paylen;
	char name[64];
	uint8_t mac[6];

	if (pk->dport == 53 && dbl_dns_query(p, n, name, sizeof(name)) &&
	    dbl_dbl_domain(name))
		wire_hint(d, pk, HINT_DNS, name);
	else if (pk->dport == 123 && dbl_ntp_long(p, n))
		wire_hint(d, pk, HINT_NTP, "NTP request over 48 bytes");
	else if (pk->dport == 67 && dbl_dhcp_vendor(p, n, name, mac) && dbl_dbl_vendor(name)) {
		wire_hint(d, pk, HINT_DHCP, name);
	} else if ((pk->dport == 1813 || pk->dport == 1646) &&
	    radius_acct_parse(p, n, &d->ev.u.radius)) {
		d->st.radius++;
		wire_emit(d, EV_RADIUS, pk);
	}
}

static void
wire_udp(struct wire *d, const struct pkt *pk)
{
	char serial[32];

	if (pk->paylen == 0)
		return;
	/* the SMS-server protocol is ASCII on any port: a letter first */
	if ((unsigned)((pk->payload[0] | 0x20) - 'a') < 26 &&
	    goip_msg_parse(pk->payload, pk->paylen, &d->ev.u.goip)) {
		d->st.goip_msgs++;
		wire_emit(d, EV_GOIP, pk);
		return;
	}
	if (pk->payload[0] == 0x86 && dbl_ddns(pk->payload, pk->paylen, serial)) {
		wire_hint(d, pk, HINT_DDNS, serial);
		return;
	}
	wire_udp_ports(d, pk);
}

static void
wire_tcp(struct wire *d, struct flow *f, const struct pkt *pk)
{
	if (pk->paylen == 0)
		return;
	if (pk->payload[0] == 0x78 && simbank_parse(pk->payload, pk->paylen,
	    &d->ev.u.simbank)) {
		if (f->dev_events >= SIMBANK_EVENTS_PER_FLOW) {
			d->st.simbank_suppressed++;
			return;
		}
		f->dev_events++;
		d->st.simbank_frames++;
		wire_emit(d, EV_SIMBANK, pk);
		return;
	}
	if (f->dev_payloads >= TCP_FIRST_PAYLOADS)
		return;
	f->dev_payloads++;
	if (pk->dport == 1920 && dbl_radmin(pk->payload, pk->paylen))
		wire_hint(d, pk, HINT_RADMIN, "RC4 RADMIN/TELNET greeting, default key");
	else if (dbl_http_goip(pk->payload, pk->paylen))
		wire_hint(d, pk, HINT_WEB, "/default/en_US/");
}

void
wire_packet(struct wire *d, struct flow *f, const struct pkt *pk, int dir)
{
	(void)dir;
	/* the OUI of the first packet's sender: once per flow */
	if (f->pkts[0] + f->pkts[1] == 1 && pk->has_mac && dbl_oui_dbl(pk->smac))
		wire_hint(d, pk, HINT_OUI, "38:3f:10");
	if (pk->l4proto == 17 && f->app_kind != VK_SIP_UDP && f->app_kind != VK_RTP)
		wire_udp(d, pk);
	else if (pk->l4proto == 6 && f->app_kind != VK_SIP_TCP)
		wire_tcp(d, f, pk);
}

void
wire_ppp(struct wire *d, const struct pkt *pk)
{
	bool ok = false;

	if (!pk->has_pppoe)
		return;
	memset(&d->ev.u.ppp, 0, sizeof(d->ev.u.ppp));
	if (pk->ppp_proto == 0xc023)
		ok = ppp_pap_user(pk->payload, pk->paylen, d->ev.u.ppp.user);
	else if (pk->ppp_proto == 0xc223)
		ok = ppp_chap_user(pk->payload, pk->paylen, d->ev.u.ppp.user);
	if (!ok)
		return;
	d->ev.u.ppp.session = pk->pppoe_session;
	d->st.ppp_auth++;
	wire_emit(d, EV_PPP_AUTH, pk);
}

void
wire_stats(const struct wire *d, struct wire_stats *st)
{
	*st = d->st;
}
