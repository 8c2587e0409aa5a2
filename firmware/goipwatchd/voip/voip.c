/* SPDX-License-Identifier: BSD-2-Clause */
/* Worker VoIP stage: SIP on any port (UDP and TCP), RTP streams, opaque voice. */
#include <stdlib.h>
#include <string.h>

#include "dpi.h"
#include "event.h"
#include "pool.h"
#include "voip.h"

#define VOIP_PROBES	8	/* payload packets looked at before giving up */
#define OPAQUE_MAX_PAYLOAD 400	/* bigger first packets are not voice */
#define RTP_MIN_IN_ORDER 10	/* a stream without SDP must show this much */

const char *const voip_kind_names[VK_NKINDS] = {
	"undecided", "sip_udp", "sip_tcp", "rtp", "rtcp", "opaque", "none", "tls"
};

union voip_state {
	struct {
		struct stream	*s[2];
	} tcp;
	struct {
		struct rtp_stream r[2];
		bool		 have[2];
		uint64_t	 rtcp;
	} rtp;
	struct pace	 pace;
	struct {			/* a TLS session to a SIP-TLS port */
		char		 sni[TLS_SNI_LEN];
		struct tls_cadence cad;
		uint64_t	 pkts[2], bytes[2];	/* from the client [0], to it [1] */
		uint8_t		 cdir;	/* the flow direction of the ClientHello */
	} tls;
};
_Static_assert(sizeof(((union voip_state *)0)->tls) <= sizeof(((union voip_state *)0)->rtp),
    "a TLS session's state does not grow the voip pool");

struct voip {
	struct pool	*states;
	struct stream_pool *streams;
	struct sink	 sink;
	size_t		 sip_cap;
	struct pace_params pp;
	struct voip_stats st;
	bool		 rtp_heads;	/* evidence keeps RTP: announce each stream's first packet */
	struct event	 ev;		/* scratch: one event at a time */
};

void
voip_pace_params(const struct conf *c, struct pace_params *pp)
{
	pace_params_default(pp);
	pp->min_duration = c->opaque_min_duration;
	pp->tolerance_ms = (unsigned)c->opaque_tolerance_ms;
	pp->min_packets = (uint32_t)c->opaque_min_packets;
}

struct voip *
voip_new(const struct conf *c, const struct sink *sink)
{
	struct stream_params sp;
	struct voip *v;

	if ((v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	stream_params_default(&sp);
	sp.bufsize = c->sip_tcp_buffer;
	sp.sip_cap = c->sip_max_bytes < sp.bufsize ? c->sip_max_bytes : sp.bufsize;
	v->states = pool_new(sizeof(union voip_state), c->voip_capacity);
	v->streams = stream_pool_new(&sp, c->sip_tcp_capacity * 2);
	if (v->states == NULL || v->streams == NULL) {
		voip_free(v);
		return NULL;
	}
	v->sink = *sink;
	v->sip_cap = c->sip_max_bytes;
	v->rtp_heads = strcmp(c->evidence, "on") == 0 && strcmp(c->evidence_rtp, "off") != 0;
	voip_pace_params(c, &v->pp);
	return v;
}

void
voip_free(struct voip *v)
{
	if (v == NULL)
		return;
	pool_free(v->states);
	stream_pool_free(v->streams);
	free(v);
}

static void
voip_set(struct voip *v, struct flow *f, enum voip_kind k)
{
	f->app_kind = (uint8_t)k;
	v->st.flows[k]++;
}

static union voip_state *
voip_alloc(struct voip *v, struct flow *f)
{
	union voip_state *s;

	if ((s = pool_get(v->states)) == NULL) {
		v->st.state_pool_full++;
		voip_set(v, f, VK_NONE);
		return NULL;
	}
	memset(s, 0, sizeof(*s));
	f->app = s;
	return s;
}

static void
voip_release(struct voip *v, struct flow *f)
{
	union voip_state *s = f->app;

	if (s == NULL)
		return;
	if (f->app_kind == VK_SIP_TCP) {
		stream_close(v->streams, s->tcp.s[0]);
		stream_close(v->streams, s->tcp.s[1]);
	}
	pool_put(v->states, s);
	f->app = NULL;
}

static void
voip_emit(struct voip *v)
{
	v->sink.event(v->sink.arg, &v->ev, event_size(&v->ev));
}

/* One SIP message, a datagram or framed out of a TCP stream. */
static void
voip_sip(struct voip *v, const struct pkt *pk, const uint8_t *p, size_t n, bool tcp)
{
	enum sip_result rc;

	rc = sip_parse(p, n, v->sip_cap, &v->ev.u.sip.msg);
	v->st.sip[rc]++;
	if (rc != SIP_PARSE_OK)
		return;
	v->ev.kind = EV_SIP;
	v->ev.ts = pk->ts;
	event_tuple(&v->ev.t, pk);
	v->ev.u.sip.tcp = tcp;
	voip_emit(v);
}

static void
voip_rtp(struct voip *v, union voip_state *s, const struct pkt *pk, int dir)
{
	struct rtp_hdr h;
	enum rtp_result rc = rtp_decode(pk->payload, pk->paylen, &h);

	v->st.rtp[rc]++;
	if (rc == RTP_IS_RTCP) {
		s->rtp.rtcp++;
		v->st.rtcp_packets++;
		return;
	}
	if (rc != RTP_OK)
		return;
	if (!s->rtp.have[dir]) {
		rtp_stream_init(&s->rtp.r[dir], &h, pk->ts);
		s->rtp.have[dir] = true;
		if (v->rtp_heads) {	/* its frame, for a line holding evidence */
			v->ev.kind = EV_RTP_HEAD;
			v->ev.ts = pk->ts;
			event_tuple(&v->ev.t, pk);
			v->ev.u.rtp_head.hdr_end = pk->payload + h.hdr_len;
			voip_emit(v);
		}
		return;
	}
	rtp_stream_update(&s->rtp.r[dir], &h, pk->ts);
}

/* The first payloads of a UDP flow decide what to follow. */
static void
voip_udp_decide(struct voip *v, struct flow *f, const struct pkt *pk)
{
	if (rtp_sniff(pk->payload, pk->paylen)) {
		if (voip_alloc(v, f) != NULL)
			voip_set(v, f, VK_RTP);
	} else if (rtcp_sniff(pk->payload, pk->paylen)) {
		voip_set(v, f, VK_RTCP);
	} else if (pk->paylen <= OPAQUE_MAX_PAYLOAD) {
		if (voip_alloc(v, f) != NULL) {
			voip_set(v, f, VK_OPAQUE);
			pace_init(&((union voip_state *)f->app)->pace);
		}
	} else if (++f->app_probes >= VOIP_PROBES)
		voip_set(v, f, VK_NONE);
}

/* Once nDPI names an opaque flow it is not opaque: only RTP may follow. */
static void
voip_opaque(struct voip *v, struct flow *f, const struct pkt *pk, int dir)
{
	if (f->dpi_state == DPI_DONE && f->dpi_app != 0) {
		v->st.opaque_named++;
		voip_release(v, f);
		if (!rtp_sniff(pk->payload, pk->paylen))
			voip_set(v, f, VK_NONE);
		else if (voip_alloc(v, f) != NULL) {
			voip_set(v, f, VK_RTP);
			voip_rtp(v, f->app, pk, dir);
		}
		return;
	}
	pace_update(&((union voip_state *)f->app)->pace, dir, pk->ts, pk->paylen);
}

/* A start line begins with a method token or "SIP/2.0": a letter. Binary
 * payloads (RTP's first byte is 0x80-0xbf) stop here, before sip_sniff. */
static inline bool
voip_maybe_sip(const uint8_t *p, size_t n)
{
	return n >= 12 && (unsigned)((p[0] | 0x20) - 'a') < 26;
}

static void
voip_udp(struct voip *v, struct flow *f, const struct pkt *pk, int dir)
{
	bool sip = voip_maybe_sip(pk->payload, pk->paylen) &&
	    sip_sniff(pk->payload, pk->paylen);

	/* SIP may start on a flow that began as something else */
	if (sip && f->app_kind != VK_SIP_UDP) {
		voip_release(v, f);
		voip_set(v, f, VK_SIP_UDP);
	}
	if (f->app_kind == VK_UNDECIDED)
		voip_udp_decide(v, f, pk);
	switch (f->app_kind) {
	case VK_SIP_UDP:
		if (sip || sip_crlf_len(pk->payload, pk->paylen) == pk->paylen)
			voip_sip(v, pk, pk->payload, pk->paylen, false);
		else
			v->st.sip[SIP_PARSE_NOT_SIP]++;	/* STUN, junk: no parse */
		break;
	case VK_RTP:
		voip_rtp(v, f->app, pk, dir);
		break;
	case VK_OPAQUE:
		voip_opaque(v, f, pk, dir);
		break;
	default:
		break;
	}
}

static bool
voip_tcp_open(struct voip *v, struct flow *f)
{
	union voip_state *s;

	if ((s = voip_alloc(v, f)) == NULL)
		return false;
	s->tcp.s[0] = stream_open(v->streams);
	s->tcp.s[1] = stream_open(v->streams);
	if (s->tcp.s[0] == NULL || s->tcp.s[1] == NULL) {
		f->app_kind = VK_SIP_TCP;	/* so that release closes streams */
		voip_release(v, f);
		voip_set(v, f, VK_NONE);
		return false;
	}
	voip_set(v, f, VK_SIP_TCP);
	return true;
}

/* A ClientHello to a SIP-TLS port: follow the session's SNI and cadence. */
static void
voip_tls_open(struct voip *v, struct flow *f, const struct pkt *pk, int dir)
{
	uint8_t name[TLS_SNI_LEN - 1];
	union voip_state *s;
	size_t n;

	if ((s = voip_alloc(v, f)) == NULL)
		return;
	voip_set(v, f, VK_TLS);
	s->tls.cdir = (uint8_t)dir;
	/* nDPI's SNI while it still holds the flow; else our own look at the hello */
	if ((n = dpi_flow_server_name(f, name, sizeof(name))) > 0) {
		tls_name_copy(name, n, s->tls.sni, sizeof(s->tls.sni));
		v->st.tls_sni_ndpi++;
	} else
		tls_sni(pk->payload, pk->paylen, s->tls.sni, sizeof(s->tls.sni));
	tls_cadence_init(&s->tls.cad);
}

static void
voip_tls(union voip_state *s, const struct pkt *pk, int dir)
{
	int d = dir == s->tls.cdir ? 0 : 1;

	if (pk->paylen == 0)
		return;		/* bare ACKs are not records */
	s->tls.pkts[d]++;
	s->tls.bytes[d] += pk->paylen;
	if (d == 0)
		tls_cadence_packet(&s->tls.cad, pk->ts);
}

static void
voip_tcp(struct voip *v, struct flow *f, const struct pkt *pk, int dir)
{
	union voip_state *s;
	const uint8_t *msg;
	size_t len;

	if (f->app_kind == VK_UNDECIDED && pk->paylen > 0) {
		if (sip_sniff(pk->payload, pk->paylen))
			voip_tcp_open(v, f);
		else if (tls_sniff(pk->payload, pk->paylen) && tls_sip_port(pk->dport))
			voip_tls_open(v, f, pk, dir);
		else if (++f->app_probes >= VOIP_PROBES)
			voip_set(v, f, VK_NONE);
	}
	if (f->app_kind == VK_TLS) {
		voip_tls(f->app, pk, dir);
		return;
	}
	if (f->app_kind != VK_SIP_TCP)
		return;		/* VK_NONE too: TCP SIP is found at its start */
	s = f->app;
	v->st.stream[stream_feed(v->streams, s->tcp.s[dir], pk->tcp_seq, pk->tcp_flags,
	    pk->payload, pk->paylen)]++;
	while (stream_next(v->streams, s->tcp.s[dir], &msg, &len))
		voip_sip(v, pk, msg, len, true);
}

void
voip_packet(struct voip *v, struct flow *f, const struct pkt *pk, int dir)
{
	if (pk->l4proto == 17 && pk->paylen > 0)
		voip_udp(v, f, pk, dir);
	else if (pk->l4proto == 6)
		voip_tcp(v, f, pk, dir);
}

/* The tuple of one direction of f, for events about the flow. */
static void
voip_flow_tuple(struct ev_tuple *t, const struct flow *f, int dir)
{
	const uint8_t *a, *b;
	uint16_t ap, bp;

	memset(t, 0, sizeof(*t));
	flow_endpoints(f, &a, &ap, &b, &bp);
	memcpy(t->src, dir ? b : a, 16);
	memcpy(t->dst, dir ? a : b, 16);
	t->sport = dir ? bp : ap;
	t->dport = dir ? ap : bp;
	t->ipver = f->key.ipver;
	t->l4proto = f->key.proto;
	t->nvlan = f->nvlan;
	memcpy(t->vlan, f->vlan, sizeof(t->vlan));
	t->has_pppoe = f->has_pppoe;
	t->pppoe_session = f->pppoe_session;
}

static void
voip_rtp_end(struct voip *v, struct flow *f, union voip_state *s, usec_t now)
{
	int d;

	for (d = 0; d < 2; d++) {
		if (!s->rtp.have[d])
			continue;
		if (!rtp_stream_is_plausible(&s->rtp.r[d], RTP_MIN_IN_ORDER)) {
			v->st.rtp_implausible++;
			continue;
		}
		v->ev.kind = EV_RTP;
		v->ev.ts = now;
		voip_flow_tuple(&v->ev.t, f, d);
		v->ev.u.rtp.s = s->rtp.r[d];
		v->ev.u.rtp.rtcp_packets = s->rtp.rtcp;
		v->ev.u.rtp.flow_first = f->first;
		v->ev.u.rtp.flow_last = f->last;
		v->st.rtp_streams++;
		voip_emit(v);
	}
}

static void
voip_opaque_end(struct voip *v, struct flow *f, union voip_state *s, usec_t now)
{
	if (!pace_is_voice(&s->pace, &v->pp))
		return;
	v->ev.kind = EV_OPAQUE;
	v->ev.ts = now;
	voip_flow_tuple(&v->ev.t, f, 0);
	v->ev.u.opaque.p = s->pace;
	v->ev.u.opaque.first = f->first;
	v->ev.u.opaque.last = f->last;
	v->st.opaque_voice++;
	voip_emit(v);
}

/* The session so far, from its client's side. */
static void
voip_tls_report(struct voip *v, struct flow *f, union voip_state *s, usec_t now, bool ended)
{
	struct ev_tls *t = &v->ev.u.tls;

	if (s->tls.pkts[0] == 0)
		return;
	memset(t, 0, sizeof(*t));
	v->ev.kind = EV_TLS;
	v->ev.ts = now;
	voip_flow_tuple(&v->ev.t, f, s->tls.cdir);
	memcpy(t->sni, s->tls.sni, sizeof(t->sni));
	t->cad = s->tls.cad;
	memcpy(t->pkts, s->tls.pkts, sizeof(t->pkts));
	memcpy(t->bytes, s->tls.bytes, sizeof(t->bytes));
	t->first = f->first;
	t->last = f->last;
	t->ended = ended;
	v->st.tls_reports++;
	voip_emit(v);
}

void
voip_flow_end(struct voip *v, struct flow *f, usec_t now)
{
	union voip_state *s = f->app;

	if (s != NULL && f->app_kind == VK_RTP)
		voip_rtp_end(v, f, s, now);
	else if (s != NULL && f->app_kind == VK_OPAQUE)
		voip_opaque_end(v, f, s, now);
	else if (s != NULL && f->app_kind == VK_TLS)
		voip_tls_report(v, f, s, now, true);
	voip_release(v, f);
}

void
voip_flow_active(struct voip *v, struct flow *f, usec_t now)
{
	if (f->app != NULL && f->app_kind == VK_TLS)
		voip_tls_report(v, f, f->app, now, false);
}

void
voip_stats(const struct voip *v, struct voip_stats *st)
{
	*st = v->st;
	memcpy(st->stream, stream_pool_stats(v->streams), sizeof(st->stream));
}

size_t
voip_bytes(const struct voip *v)
{
	return sizeof(*v) + pool_bytes(v->states);
}
