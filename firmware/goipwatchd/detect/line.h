/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Subscriber lines: an IP plus, where visible, the VLAN and PPPoE session.
 * Each line collects evidence items and the aggregates the detectors need,
 * in fixed-size arrays; the table is fixed at start and evicts its least
 * recently active line when full.
 */
#ifndef GW_LINE_H
#define GW_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "event.h"
#include "ilist.h"

/* kind, record name, class (which weight applies) */
#define EVIDENCE_KINDS(X) \
	X(SMS_KEEPALIVE,  "sms_server_keepalive", EC_DEVICE)	\
	X(SMS_EVENT,      "sms_server_event",     EC_DEVICE)	\
	X(SIM_BANK_USE,   "sim_bank_in_use",      EC_SIMBANK)	\
	X(SIMBANK_LOGIN,  "simbank_login",        EC_SIMBANK)	\
	X(SIMBANK_APDU,   "simbank_apdu",         EC_SIMBANK)	\
	X(SIP_UA,         "sip_user_agent",       EC_DEVICE)	\
	X(SIP_UA_WEAK,    "sip_user_agent_weak",  EC_WEAK)	\
	X(SDP_DBL_SESSION, "sdp_dbl_session",     EC_WEAK)	\
	X(SDP_DBL_ORIGIN, "sdp_dbl_origin",       EC_WEAK)	\
	X(SIP_REMOTE_BUSY, "sip_480_remote_busy", EC_WEAK)	\
	X(SIP_GOIP_ALLOW, "sip_goip_allow",       EC_WEAK)	\
	X(REG_EXPIRES_60, "register_expires_60",  EC_WEAK)	\
	X(DBL_DDNS,       "dbl_ddns",             EC_DEVICE)	\
	X(DNS_DBL,        "dns_dbl_domain",       EC_WEAK)	\
	X(NTP_LONG,       "ntp_long_request",     EC_WEAK)	\
	X(DBL_RADMIN,     "dbl_radmin",           EC_DEVICE)	\
	X(DHCP_DBL,       "dhcp_vendor_dbl",      EC_DEVICE)	\
	X(OUI_DBL,        "mac_oui_dbl",          EC_DEVICE)	\
	X(GOIP_WEB,       "goip_web_ui",          EC_DEVICE)	\
	X(TERMINATION,    "termination_pattern",  EC_TERMINATION) \
	X(TERM_BREADTH,   "termination_breadth",  EC_BREADTH)	\
	X(OUTBOUND_TRUNK, "outbound_foreign_trunk", EC_INFO)	\
	X(SIP_TLS_CADENCE, "sip_tls_cadence",     EC_INFO)	\
	X(RELAYED_ORIGIN, "relayed_origin",       EC_RELAY)	\
	X(OPAQUE_VOICE,   "opaque_voice",         EC_OPAQUE)	\
	X(SRTP_VOICE,     "rtp_voice_without_sip", EC_OPAQUE)	\
	X(BEHAVIOUR,      "call_behaviour",       EC_BEHAVIOUR)	\
	X(CADENCE,        "cadence",              EC_CADENCE)	\
	X(WATCHLIST,      "watchlist_peer",       EC_WATCH)

enum evidence_class { EC_DEVICE, EC_WEAK, EC_SIMBANK, EC_TERMINATION, EC_OPAQUE,
		      EC_BEHAVIOUR, EC_CADENCE, EC_WATCH, EC_BREADTH, EC_INFO, EC_RELAY,
		      EC_N };

enum evidence_kind {
#define X(k, n, c) EV_K_##k,
	EVIDENCE_KINDS(X)
#undef X
	EV_K_N
};

extern const char *const evidence_names[EV_K_N];
extern const uint8_t evidence_class[EV_K_N];

#define LINE_DETAIL_LEN	64
#define LINE_EVIDENCE	24	/* items kept per line */
#define LINE_PEERS	8
#define LINE_CALLEES	16	/* kept for the record */
#define LINE_SET	128	/* distinct-value sets: hashes */
#define LINE_ACTIVE	16	/* answered calls followed at once */
#define LINE_RECENT	32	/* recent INVITE Call-IDs, for retransmissions */
#define LINE_OPAQUE	16	/* recent opaque voice flows */
#define LINE_SIMS	8	/* SIM identities from SMS-server keepalives */

struct evidence {
	uint8_t		kind;
	char		detail[LINE_DETAIL_LEN];
	uint32_t	count;
	usec_t		first, last;
};

struct line_key {
	uint8_t		ip[16];
	uint16_t	vlan;		/* innermost; 0 none */
	uint16_t	pppoe;		/* session; with has_pppoe */
	uint8_t		has_pppoe;
	uint8_t		pad[3];
};

struct line_peer {
	uint8_t		ip[16];
	uint16_t	port;
	uint32_t	count;
};

struct line_sim {
	char		imsi[24], iccid[24], imei[24], msisdn[32];
};

/* A bounded set of 32-bit hashes: counts distinct values up to LINE_SET. */
struct hset {
	uint32_t	v[LINE_SET];
	uint16_t	n;
	bool		full;
};

/* Counts in a window: the current one and the one before. */
struct wcount {
	usec_t		start;
	uint32_t	cur, prev;
};

struct line {
	struct line_key	 key;
	uint32_t	 hnext;		/* bucket chain */
	struct ilink	 lru;		/* least recently active first; free list */
	usec_t		 first, last;
	bool		 allow, watch;

	struct evidence	 ev[LINE_EVIDENCE];
	uint8_t		 nev;
	uint32_t	 ev_dropped;
	struct line_peer peers[LINE_PEERS];
	uint8_t		 npeers;
	char		 callees[LINE_CALLEES][32];
	uint8_t		 ncallees;

	/* termination: INVITEs the line receives from untrusted foreign peers, to
	 * domestic mobiles; term_broad once the volume-and-breadth pattern held
	 * (else the termination evidence rests on calls at once) */
	bool		 term_broad;
	usec_t		 term_first, term_last;	/* first and last such INVITE */
	uint8_t		 term_peer[16];		/* who sent the first */
	uint32_t	 term_foreign;		/* of them from foreign peers (else domestic) */
	uint32_t	 recent_invites[LINE_RECENT];
	uint8_t		 recent_pos;
	struct wcount	 term_invites, term_answered;
	struct hset	 term_callees, term_callees_prev;
	usec_t		 term_callees_start;
	uint32_t	 active[LINE_ACTIVE];	/* Call-ID hashes of calls in progress */
	usec_t		 active_start[LINE_ACTIVE];	/* first 18x or 2xx */
	usec_t		 active_since[LINE_ACTIVE];	/* answered; 0 not yet */
	uint8_t		 nactive, max_active;

	/* call behaviour, all SIP calls of the line */
	uint32_t	 calls, answered, outbound, inbound;	/* outbound: to mobiles via a foreign peer */
	uint64_t	 answered_secs;
	uint32_t	 hours_active;		/* bit per hour of day */
	struct hset	 all_callees;
	uint32_t	 repeat_callees;

	/* opaque voice to foreign peers */
	usec_t		 opaque_first[LINE_OPAQUE], opaque_last[LINE_OPAQUE];
	uint8_t		 opaque_pos;
	struct wcount	 opaque_flows;
	uint8_t		 max_opaque;
	uint32_t	 nvoice;		/* such streams counted */

	/* SIP over TLS: the last session with a re-registration cadence */
	uint8_t		 tls_peer[16];
	uint16_t	 tls_port;
	uint32_t	 tls_gap_ms;		/* its mean gap between client bursts */
	usec_t		 tls_first, tls_last;

	/* cadence: REGISTER refreshes to a foreign registrar */
	usec_t		 last_register;
	uint32_t	 reg_near60, reg_intervals;

	/* device identity from the SMS-server protocol */
	struct line_sim	 sims[LINE_SIMS];
	uint8_t		 nsims;
	char		 device_id[64];

	/* what was last reported */
	uint8_t		 verdict, tier;
	uint32_t	 reported_kinds;	/* evidence kinds in the last report */
	uint8_t		 score;
	bool		 reported;
	usec_t		 deadline;

	/* call records sent to central: this many since calls_start */
	usec_t		 calls_start;
	uint32_t	 calls_sent;
};

struct line_table;

struct line_table *line_table_new(size_t capacity);
void		 line_table_free(struct line_table *);
/* The line of addr on the tuple's VLAN/PPPoE, created if new (NULL: never). */
struct line	*line_get(struct line_table *, const uint8_t addr16[16],
		    const struct ev_tuple *, usec_t now);
/* line_get without the creation: NULL when the line is not there. */
struct line	*line_get_existing(struct line_table *, const uint8_t addr16[16],
		    const struct ev_tuple *, usec_t now);
/* The line of addr on the tuple's VLAN/PPPoE if it is there; its recency stays. */
struct line	*line_find(struct line_table *, const uint8_t addr16[16],
		    const struct ev_tuple *);
/* Adds to an evidence item (kind, detail), creating it; true when new. */
bool		 line_evidence(struct line *, enum evidence_kind, const char *detail,
		    usec_t ts);
bool		 line_has(const struct line *, enum evidence_kind);
void		 line_peer(struct line *, const uint8_t ip16[16], uint16_t port);
void		 line_callee(struct line *, const char *number);
uint64_t	 line_table_evictions(const struct line_table *);
size_t		 line_table_in_use(const struct line_table *);
size_t		 line_table_bytes(const struct line_table *);

bool		 hset_add(struct hset *, uint32_t);	/* true when new */
uint32_t	 hash32_str(const char *);
/* Counts one in the window containing now. */
void		 wcount_add(struct wcount *, usec_t now, usec_t window);
uint32_t	 wcount_sum(const struct wcount *, usec_t now, usec_t window);

#endif
