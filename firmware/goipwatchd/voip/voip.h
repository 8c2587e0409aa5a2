/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The worker's VoIP stage: finds SIP on any UDP or TCP port, parses it,
 * follows RTP streams and voice-like opaque flows, and hands what it finds
 * to the detect stage as events. Per-flow state comes from fixed pools.
 */
#ifndef GW_VOIP_H
#define GW_VOIP_H

#include <stdint.h>

#include "conf.h"
#include "flow.h"
#include "pace.h"
#include "report.h"
#include "rtp.h"
#include "sip.h"
#include "stream.h"
#include "siptls.h"

enum voip_kind { VK_UNDECIDED, VK_SIP_UDP, VK_SIP_TCP, VK_RTP, VK_RTCP, VK_OPAQUE,
		 VK_NONE, VK_TLS, VK_NKINDS };
extern const char *const voip_kind_names[VK_NKINDS];

struct voip_stats {
	uint64_t	flows[VK_NKINDS];	/* flows that took each kind */
	uint64_t	sip[SIP_RESULT_MAX];	/* outcome of each SIP message */
	uint64_t	rtp[RTP_RESULT_MAX];	/* outcome of each RTP decode */
	uint64_t	rtcp_packets;
	uint64_t	rtp_streams, rtp_implausible;	/* streams reported, dropped */
	uint64_t	opaque_voice, opaque_named;	/* flows reported; named by nDPI */
	uint64_t	state_pool_full;
	uint64_t	tls_reports;	/* TLS session events (ends and active timeouts) */
	uint64_t	tls_sni_ndpi;	/* of the sessions, SNI taken from nDPI */
	uint64_t	stream[STREAM_EV_MAX];
};

struct voip;

struct voip	*voip_new(const struct conf *, const struct sink *);
/* What paces like voice, from the configuration (workers and detect stage alike). */
void		 voip_pace_params(const struct conf *, struct pace_params *);
void		 voip_free(struct voip *);
void		 voip_packet(struct voip *, struct flow *, const struct pkt *, int dir);
/* The flow ended (not an active-timeout report): report and free its state. */
void		 voip_flow_end(struct voip *, struct flow *, usec_t now);
/* An active-timeout report of a flow that goes on: long TLS sessions report so far. */
void		 voip_flow_active(struct voip *, struct flow *, usec_t now);
void		 voip_stats(const struct voip *, struct voip_stats *);
size_t		 voip_bytes(const struct voip *);

#endif
