/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Events: what a worker tells the detect stage, in compact fixed-size form.
 * They travel in the same ordered stream as records, so the detect stage sees
 * them in capture order whatever the number of workers.
 */
#ifndef GW_EVENT_H
#define GW_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "decode.h"
#include "goip.h"
#include "pace.h"
#include "radius.h"
#include "rtp.h"
#include "sip.h"
#include "siptls.h"

enum event_kind {
	EV_SIP = 1,	/* one parsed SIP message */
	EV_RTP,		/* one RTP stream (one direction of a flow) ended */
	EV_OPAQUE,	/* a flow that paces like voice ended */
	EV_TICK,	/* capture time moved on without a packet (live idle) */
	EV_GOIP,	/* a GoIP SMS-server protocol message */
	EV_SIMBANK,	/* a SIM-bank frame */
	EV_HINT,	/* a DBL cloud trace: DDNS, DNS name, NTP, radmin, DHCP, OUI, web UI */
	EV_RADIUS,	/* a RADIUS Accounting-Request */
	EV_PPP_AUTH,	/* a PPP PAP/CHAP user name in a PPPoE session */
	EV_RTP_HEAD,	/* the first packet of an RTP stream: a frame for evidence only */
	EV_TLS,		/* a TLS session to a SIP-TLS port: at its end, and at each active timeout */
};

enum hint_kind { HINT_DDNS, HINT_DNS, HINT_NTP, HINT_RADMIN, HINT_DHCP, HINT_OUI,
		 HINT_WEB };

/* Addresses of the packet or stream, and the line it belongs to. */
struct ev_tuple {
	uint8_t		 src[16], dst[16];	/* IPv4 as ::ffff:a.b.c.d */
	uint16_t	 sport, dport;
	uint8_t		 ipver, l4proto;
	uint8_t		 nvlan;
	bool		 has_pppoe;
	uint16_t	 vlan[PKT_MAX_VLANS];
	uint16_t	 pppoe_session;
	bool		 has_mac;
	uint8_t		 smac[6];
};

struct ev_sip {
	bool		 tcp;
	struct sip_msg	 msg;
};

struct ev_rtp {
	struct rtp_stream s;
	uint64_t	 rtcp_packets;	/* RTCP in the same flow (rtcp-mux) */
	usec_t		 flow_first, flow_last;
	bool		 sdp_seen;	/* reserved: the worker does not know SDP */
};

struct ev_opaque {
	struct pace	 p;
	usec_t		 first, last;
	char		 ndpi[24];	/* what nDPI said, usually Unknown */
};

struct ev_hint {
	uint8_t		 kind;		/* enum hint_kind */
	char		 detail[64];	/* DNS name, DDNS serial, DHCP vendor */
	uint8_t		 mac[6];	/* DHCP client, OUI owner */
};

/* Where the packet's RTP header ends, for the engine to cut the frame there
 * (a pointer into the packet in hand; meaningless once it has been copied). */
struct ev_rtp_head {
	const uint8_t	*hdr_end;
};

/* A TLS session, the tuple from its client (who sent the ClientHello). */
struct ev_tls {
	char		 sni[TLS_SNI_LEN];	/* "" none; printable ASCII */
	struct tls_cadence cad;		/* the client's bursts */
	uint64_t	 pkts[2], bytes[2];	/* client to server [0], back [1]; payload bytes */
	usec_t		 first, last;
	bool		 ended;		/* the flow ended (else an active-timeout report) */
};

struct ev_ppp {
	uint16_t	 session;
	char		 user[64];
};

struct event {
	uint8_t		 kind;		/* enum event_kind */
	usec_t		 ts;
	struct ev_tuple	 t;
	union {
		struct ev_sip	 sip;
		struct ev_rtp	 rtp;
		struct ev_opaque opaque;
		struct goip_msg	 goip;
		struct simbank_frame simbank;
		struct ev_hint	 hint;
		struct radius_acct radius;
		struct ev_ppp	 ppp;
		struct ev_rtp_head rtp_head;
		struct ev_tls	 tls;
	} u;
};

/* Bytes of e that carry information: the header and its own union member. */
size_t	event_size(const struct event *);
void	event_tuple(struct ev_tuple *, const struct pkt *);

#endif
