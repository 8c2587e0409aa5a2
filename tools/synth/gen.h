/* SPDX-License-Identifier: BSD-2-Clause */
/* gen: traffic sources (SIP calls and registrations, GoIP side channels, background). */
#ifndef GEN_H
#define GEN_H

#include "synth.h"

/* --- sipgen.c: SIP stacks as seen on the wire --------------------------------- */
struct sip_stack {
	const char *ua;		/* User-Agent, or Server in responses */
	const char *sdp;	/* SDP template name */
	const char *sdp_user;	/* o= user for sdp_generic */
	const char *sdp_session; /* s= for sdp_generic */
	const char *allow;
	const char *offer_fmts;	/* m= payload types when offering */
	const char *busy;	/* status line for "busy" */
	bool server_hdr;	/* responses carry Server:, not User-Agent: */
};
extern const struct sip_stack sip_goip, sip_goip_disguised, sip_softswitch,
    sip_provider, sip_pbx, sip_dialer, sip_softphone, sip_goip_spoofed;

enum call_outcome { CALL_ANSWER, CALL_BUSY, CALL_NOANSWER };
enum call_media { MEDIA_FULL, MEDIA_HEADTAIL, MEDIA_NONE };

struct call_spec {
	struct ep sig;		/* signalling: a = subscriber line, b = peer */
	struct ep media;	/* RTP between the same two sides */
	int caller;		/* DIR_AB: the line calls out; DIR_BA: the peer calls in */
	const struct sip_stack *st_a, *st_b;
	char from_num[24];	/* caller's user part */
	char to_num[24];	/* callee's user part: the R-URI user of the INVITE */
	double setup_s;		/* INVITE to final response */
	enum call_outcome outcome;
	double talk_s;
	enum call_media media_mode;
	unsigned head_ticks;	/* MEDIA_HEADTAIL: 20 ms ticks kept at each end */
	int codec;		/* RTP payload type: 0, 8 or 18 */
	bool opaque;		/* signalling and media encrypted: random bytes, same sizes */
	bool srtp;		/* with opaque: SRTP, the RTP header stays clear */
	int hangup;		/* DIR_AB or DIR_BA sends BYE */
};
struct src *sipgen_call_new(uint64_t t0, const struct call_spec *cs);

struct reg_spec {
	struct ep sig;
	const struct sip_stack *st, *srv;
	char user[24];
	unsigned interval_s;	/* re-REGISTER period */
	unsigned expires;
	bool opaque;
	uint64_t t_stop;
};
struct src *sipgen_reg_new(uint64_t t0, const struct reg_spec *rs);

/* One-off scanner probe: OPTIONS (or REGISTER/INVITE) from a scanner, maybe a reply. */
struct src *sipgen_probe_new(uint64_t t0, const struct ep *e, const char *ua,
    const char *method, const char *ext, bool answered);

/* --- goip.c: GoIP SMS-server keepalives, SIM-bank TCP, opaque voice ----------- */
struct keepalive_spec {
	struct ep e;		/* a = GoIP, b = SMS server (UDP, e.g. 44444) */
	char id[24], pass[24], num[24], imei[24], imsi[24], iccid[24];
	bool sim_bank;		/* SMB_LOGIN:Y */
	uint64_t t_stop;
	uint64_t *evidence;	/* if set: lowered to the first keepalive's time */
};
struct src *goip_keepalive_new(uint64_t t0, const struct keepalive_spec *ks);

struct simbank_spec {
	struct ep e;		/* TCP, a = GoIP, b = SIM bank */
	uint32_t smb_id;	/* line_id = smb_id * 100 + slot */
	unsigned slots;
	uint64_t t_stop;
	uint64_t *evidence;	/* if set: lowered to the first login frame's time */
};
struct src *goip_simbank_new(uint64_t t0, const struct simbank_spec *ss);

/* --- dbl.c: DBL cloud side channels of a GoIP (docs/wire.md) ----------- */
struct dbl_spec {
	struct ep ntp;		/* a = GoIP, b = gontp NTP server, UDP 123 */
	struct ep ddns;		/* a = GoIP, b = DBL DDNS server, UDP 39800 */
	struct ep dhcp;		/* a = GoIP's address, b = DHCP server, 68/67; pa 0 = no DHCP */
	char serial[24];	/* device serial, as in the DDNS request */
	uint64_t t_stop;
	uint64_t *evidence;	/* if set: lowered to the DDNS request's time */
};
struct src *dbl_dhcp_new(uint64_t t0, const struct dbl_spec *ds);
struct src *dbl_ntp_new(uint64_t t0, const struct dbl_spec *ds);
struct src *dbl_ddns_new(uint64_t t0, const struct dbl_spec *ds);

/* --- bg.c: background traffic -------------------------------------------------- */
struct src *bg_dns_new(uint64_t t0, const struct ep *e, const char *qname);
struct src *bg_dns_reply_new(uint64_t t0, const struct ep *e, const char *qname);
struct src *bg_dns_answer_new(uint64_t t0, const struct ep *e, const char *qname,
    const struct addr *ip);
struct src *bg_tcp_new(uint64_t t0, const struct ep *e, unsigned packets, bool tls,
    const char *sni);
/* SIP over TLS to e.b (TCP): handshake with sni, a REGISTER record every period_s. */
struct src *bg_siptls_new(uint64_t t0, const struct ep *e, const char *sni,
    unsigned period_s, uint64_t t_stop);
struct src *bg_udp_new(uint64_t t0, const struct ep *e, unsigned packets, bool quic);
struct src *bg_stream_new(uint64_t t0, const struct ep *e, double pps, double secs,
    size_t size_lo, size_t size_hi, bool quic);
struct src *bg_stun_new(uint64_t t0, const struct ep *e);

#endif
