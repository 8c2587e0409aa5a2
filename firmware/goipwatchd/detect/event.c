/* SPDX-License-Identifier: BSD-2-Clause */
/* Event helpers: the size that travels, and the tuple of a packet. */
#include <string.h>

#include "event.h"

size_t
event_size(const struct event *e)
{
	size_t base = offsetof(struct event, u);

	switch (e->kind) {
	case EV_SIP:
		return base + sizeof(e->u.sip);
	case EV_RTP:
		return base + sizeof(e->u.rtp);
	case EV_OPAQUE:
		return base + sizeof(e->u.opaque);
	case EV_GOIP:
		return base + sizeof(e->u.goip);
	case EV_SIMBANK:
		return base + sizeof(e->u.simbank);
	case EV_HINT:
		return base + sizeof(e->u.hint);
	case EV_RADIUS:
		return base + sizeof(e->u.radius);
	case EV_PPP_AUTH:
		return base + sizeof(e->u.ppp);
	case EV_RTP_HEAD:
		return base + sizeof(e->u.rtp_head);
	case EV_TLS:
		return base + sizeof(e->u.tls);
	default:
		return base;
	}
}

void
event_tuple(struct ev_tuple *t, const struct pkt *pk)
{
	memset(t, 0, sizeof(*t));
	memcpy(t->src, pk->src, 16);
	memcpy(t->dst, pk->dst, 16);
	t->sport = pk->sport;
	t->dport = pk->dport;
	t->ipver = pk->ipver;
	t->l4proto = pk->l4proto;
	t->nvlan = pk->nvlan;
	memcpy(t->vlan, pk->vlan, sizeof(t->vlan));
	t->has_pppoe = pk->has_pppoe;
	t->pppoe_session = pk->pppoe_session;
	t->has_mac = pk->has_mac;
	memcpy(t->smac, pk->smac, 6);
}
