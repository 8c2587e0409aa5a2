/* SPDX-License-Identifier: BSD-2-Clause */
/* Detectors over device traffic: SMS-server, SIM bank, DBL cloud traces; accounts. */
#include <string.h>

#include "detect-int.h"

/* The subscriber end of a tuple when exactly one end is a line. */
static struct line *
device_line(struct detect *d, const struct event *e, bool src_is_device)
{
	const struct ev_tuple *t = &e->t;
	const uint8_t *dev = src_is_device ? t->src : t->dst;
	const uint8_t *peer = src_is_device ? t->dst : t->src;

	if (!detect_is_subscriber(d, dev))
		return NULL;
	return detect_line(d, dev, t, peer);
}

static void
device_sim(struct line *l, const struct goip_msg *m)
{
	unsigned i;

	if (m->imsi[0] == '\0' && m->iccid[0] == '\0')
		return;
	for (i = 0; i < l->nsims; i++)
		if (strcmp(l->sims[i].imsi, m->imsi) == 0 &&
		    strcmp(l->sims[i].iccid, m->iccid) == 0)
			return;
	if (l->nsims == LINE_SIMS)
		return;
	snprintf(l->sims[l->nsims].imsi, sizeof(l->sims[0].imsi), "%s", m->imsi);
	snprintf(l->sims[l->nsims].iccid, sizeof(l->sims[0].iccid), "%s", m->iccid);
	snprintf(l->sims[l->nsims].imei, sizeof(l->sims[0].imei), "%s", m->imei);
	snprintf(l->sims[l->nsims].msisdn, sizeof(l->sims[0].msisdn), "%s", m->num);
	l->nsims++;
}

/* GoIP SMS-server: keepalives and events from the device, commands to it. */
static void
device_goip(struct detect *d, const struct event *e)
{
	const struct goip_msg *m = &e->u.goip;
	bool from_dev = m->kind == GOIP_KEEPALIVE || m->kind == GOIP_EVENT;
	struct line *l;

	if ((l = device_line(d, e, from_dev)) == NULL)
		return;
	line_peer(l, from_dev ? e->t.dst : e->t.src, from_dev ? e->t.dport : e->t.sport);
	if (m->id[0] != '\0')
		snprintf(l->device_id, sizeof(l->device_id), "%s", m->id);
	if (m->kind == GOIP_KEEPALIVE) {
		detect_evidence(d, l, EV_K_SMS_KEEPALIVE, m->id[0] ? m->id : "req", e->ts);
		device_sim(l, m);
	} else
		detect_evidence(d, l, EV_K_SMS_EVENT, m->type, e->ts);
	if (m->smb_login == 1)
		detect_evidence(d, l, EV_K_SIM_BANK_USE, "keepalive SMB_LOGIN: SIMs from a SIM bank",
		    e->ts);
	detect_judge(d, l, e->ts);
}

/* SIM-bank frames: the GoIP's side is the subscriber end, whichever way. */
static void
device_simbank(struct detect *d, const struct event *e)
{
	const struct simbank_frame *f = &e->u.simbank;
	bool src = detect_is_subscriber(d, e->t.src);
	struct line *l;
	char detail[LINE_DETAIL_LEN];

	if ((l = device_line(d, e, src)) == NULL)
		return;
	line_peer(l, src ? e->t.dst : e->t.src, src ? e->t.dport : e->t.sport);
	if (f->kind == SIMBANK_LOGIN) {
		snprintf(detail, sizeof(detail), "login, line %u slot %u", f->line_id, f->slot);
		detect_evidence(d, l, EV_K_SIMBANK_LOGIN, detail, e->ts);
	} else if (f->kind == SIMBANK_APDU)
		detect_evidence(d, l, EV_K_SIMBANK_APDU, "APDU tunnel frames", e->ts);
	else
		detect_evidence(d, l, EV_K_SIMBANK_LOGIN, "control frames (magic 78 56 21 43)", e->ts);
	detect_judge(d, l, e->ts);
}

static void
device_mac_remember(struct detect *d, const uint8_t mac[6])
{
	unsigned i;

	for (i = 0; i < d->ndbl_macs; i++)
		if (memcmp(d->dbl_macs[i], mac, 6) == 0)
			return;
	memcpy(d->dbl_macs[d->ndbl_macs++ % DETECT_DBL_MACS], mac, 6);
	if (d->ndbl_macs > DETECT_DBL_MACS)
		d->ndbl_macs = DETECT_DBL_MACS;
}

static void
device_hint(struct detect *d, const struct event *e)
{
	static const uint8_t kinds[] = {
		[HINT_DDNS] = EV_K_DBL_DDNS, [HINT_DNS] = EV_K_DNS_DBL,
		[HINT_NTP] = EV_K_NTP_LONG, [HINT_RADMIN] = EV_K_DBL_RADMIN,
		[HINT_DHCP] = EV_K_DHCP_DBL, [HINT_OUI] = EV_K_OUI_DBL,
		[HINT_WEB] = EV_K_GOIP_WEB,
	};
	const struct ev_hint *h = &e->u.hint;
	struct line *l;

	if (h->kind == HINT_DHCP)	/* no address yet: the MAC finds it later */
		device_mac_remember(d, h->mac);
	if ((l = device_line(d, e, h->kind != HINT_WEB)) == NULL)
		return;
	detect_evidence(d, l, kinds[h->kind], h->detail, e->ts);
	if (h->kind == HINT_DDNS || h->kind == HINT_RADMIN || h->kind == HINT_NTP)
		line_peer(l, e->t.dst, e->t.dport);
	detect_judge(d, l, e->ts);
}

/* A line whose device asked DHCP as "dbl" shows up later under its address. */
void
detect_mac(struct detect *d, const struct event *e)
{
	unsigned i;
	struct line *l;

	if (!e->t.has_mac || d->ndbl_macs == 0 || !detect_is_subscriber(d, e->t.src))
		return;
	for (i = 0; i < d->ndbl_macs; i++)
		if (memcmp(d->dbl_macs[i], e->t.smac, 6) == 0)
			break;
	if (i == d->ndbl_macs)
		return;
	l = detect_line(d, e->t.src, &e->t, e->t.dst);
	if (detect_evidence(d, l, EV_K_DHCP_DBL, "dbl (DHCP option 60, by MAC)", e->ts))
		detect_judge(d, l, e->ts);
}

static void
device_radius(struct detect *d, const struct event *e)
{
	const struct radius_acct *r = &e->u.radius;
	uint8_t a[16] = { [10] = 0xff, [11] = 0xff };

	if (!r->has_framed_ip || r->user[0] == '\0')
		return;
	memcpy(a + 12, r->framed_ip, 4);
	if (r->status == RADIUS_STATUS_STOP)
		account_del_addr(d->accounts, a);
	else
		account_set_addr(d->accounts, a, r->user, r->session_id, e->ts);
	detect_account_frame(d, a, false, 0, r->status == RADIUS_STATUS_STOP);
	d->st.accounts++;
}

static void
device_ppp(struct detect *d, const struct event *e)
{
	static const uint8_t none[16];

	account_set_pppoe(d->accounts, e->u.ppp.session, e->u.ppp.user, e->ts);
	if (e->u.ppp.user[0] != '\0')
		detect_account_frame(d, none, true, e->u.ppp.session, false);
	d->st.accounts++;
}

void
detect_device(struct detect *d, const struct event *e)
{
	switch (e->kind) {
	case EV_GOIP:
		device_goip(d, e);
		break;
	case EV_SIMBANK:
		device_simbank(d, e);
		break;
	case EV_HINT:
		device_hint(d, e);
		break;
	case EV_RADIUS:
		device_radius(d, e);
		break;
	case EV_PPP_AUTH:
		device_ppp(d, e);
		break;
	default:
		break;
	}
}
