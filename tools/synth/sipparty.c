/* SPDX-License-Identifier: BSD-2-Clause */
/* sipparty: per-side SIP identity, SDP bodies and emitting one templated message. */
#include <stdio.h>
#include <string.h>

#include "sipgen_priv.h"

void
sip_party_init(struct sip_party *p, const struct ep *sig, int dir,
    const struct sip_stack *st, uint16_t media_port, uint64_t h)
{
	const struct addr *a = dir == DIR_AB ? &sig->a : &sig->b;
	uint16_t port = dir == DIR_AB ? sig->pa : sig->pb;

	memset(p, 0, sizeof(*p));
	p->st = st;
	addr_str(a, p->ip, sizeof(p->ip));
	snprintf(p->host, sizeof(p->host), a->af == 6 ? "[%s]" : "%s", p->ip);
	snprintf(p->hostport, sizeof(p->hostport), "%s:%u", p->host, port);
	snprintf(p->tag, sizeof(p->tag), "%u", (uint32_t)(h * 2654435761u) >> 1);
	snprintf(p->sess_id, sizeof(p->sess_id), "%u", (uint32_t)(h >> 11) % 900000000u + 1000);
	p->cseq = (uint32_t)(h % 50) * (dir + 1) + 1;
	p->media_port = media_port;
}

void
sip_party_vars(struct sip_party *p, struct tvars *tv, const struct tmpl_set *ts)
{
	(void)ts;
	tvars_set(tv, "ua", p->st->ua);
	tvars_set(tv, "allow", p->st->allow);
	tvars_set(tv, "server_hdr", p->st->server_hdr ? "Server" : "User-Agent");
	tvars_set(tv, "via", p->hostport);
	tvars_set(tv, "contact_hp", p->hostport);
}

static const char *
sip_rtpmap(int pt)
{
	switch (pt) {
	case 0: return "PCMU/8000";
	case 3: return "GSM/8000";
	case 4: return "G723/8000";
	case 8: return "PCMA/8000";
	case 18: return "G729/8000";
	case 101: return "telephone-event/8000";
	default: return "unknown/8000";
	}
}

/* "a=rtpmap:..." lines for each payload type in fmts. */
static void
sip_rtpmaps(const char *fmts, char *out, size_t cap)
{
	size_t n = 0;
	int pt, used;

	out[0] = '\0';
	while (sscanf(fmts, "%d%n", &pt, &used) == 1 && n < cap) {
		int w = snprintf(out + n, cap - n, "a=rtpmap:%d %s\n", pt, sip_rtpmap(pt));
		if (w < 0 || (size_t)w >= cap - n)
			break;
		n += (size_t)w;
		fmts += used;
	}
}

/* The offer lists the stack's codecs; the answer the chosen codec and DTMF. */
void
sip_party_sdp(const struct sip_party *p, const struct tmpl_set *ts, bool offer,
    int codec, char *out, size_t cap)
{
	struct tvars tv = { .n = 0 };
	char port[8], fmts[32], maps[256];
	const char *text;

	if (out == NULL)
		return;
	out[0] = '\0';
	snprintf(port, sizeof(port), "%u", p->media_port);
	if (offer)
		snprintf(fmts, sizeof(fmts), "%s", p->st->offer_fmts);
	else
		snprintf(fmts, sizeof(fmts), "%d 101", codec);
	sip_rtpmaps(fmts, maps, sizeof(maps));
	tvars_set(&tv, "media_ip", p->ip);
	tvars_set(&tv, "media_port", port);
	tvars_set(&tv, "ipv", strchr(p->ip, ':') ? "IP6" : "IP4");
	tvars_set(&tv, "sdp_ver", offer ? "20000001" : "20000002");
	tvars_set(&tv, "sess_id", p->sess_id);
	tvars_set(&tv, "sdp_user", p->st->sdp_user ? p->st->sdp_user : "-");
	tvars_set(&tv, "sdp_session", p->st->sdp_session ? p->st->sdp_session : "-");
	tvars_set(&tv, "rtp_profile", "RTP/AVP");
	tvars_set(&tv, "m_fmts", fmts);
	tvars_set(&tv, "rtpmaps", maps);
	if ((text = tmpl_get(ts, p->st->sdp)) != NULL)
		tmpl_expand(text, &tv, out, cap);
}

void
sip_branch(struct sim *sim, char out[16])
{
	snprintf(out, 16, "%u", (uint32_t)rng_u64(sim_rng(sim)));
}

/* Expands tmpl and sends it; opaque scrambles every byte (cipher, same length). */
int
sip_emit(struct sim *sim, const struct src *s, struct ep *e, int dir, bool opaque,
    const char *tmpl, const struct tvars *tv)
{
	char buf[SYNTH_PAYLOAD_MAX];
	size_t n = tmpl_sip(sim_tmpl(sim), tmpl, tv, buf, sizeof(buf));

	if (n == 0)
		return -1;
	if (opaque) {
		uint8_t ks[SYNTH_PAYLOAD_MAX];
		rng_bytes(sim_rng(sim), ks, n);
		for (size_t i = 0; i < n; i++)
			buf[i] = (char)(buf[i] ^ ks[i]);
		/* no RTP/RTCP/GOOSE (byte 0) or CLTP (byte 1) heuristic claims it */
		buf[0] = (char)(0x20 | (buf[0] & 0x1f));
		buf[1] = (char)(buf[1] | 0x80);
	}
	return sim_emit(sim, s->t, e, dir, 0, buf, n);
}
