/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Detectors over SIP: GoIP fingerprints in what a line sends (User-Agent,
 * SDP, reason phrases, Allow, REGISTER expiry), the termination pattern
 * (foreign INVITEs to domestic mobiles: volume, distinct callees,
 * concurrency), call behaviour for scoring, and REGISTER cadence.
 */
#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "detect-int.h"

#define GOIP_ALLOW "INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,REFER,REGISTER,MESSAGE,INFO,SUBSCRIBE"

/*
 * A domestic mobile number: digits after an optional +, 00 or the country
 * code, of the national length, starting with one of the mobile prefixes.
 */
bool
detect_is_mobile(const struct conf *c, const char *user, char *national, size_t cap)
{
	size_t cc = strlen(c->country_code), n, i;
	const char *p = user;

	if (*p == '+')
		p++;
	else if (strncmp(p, "00", 2) == 0)
		p += 2;
	n = strlen(p);
	if (n == c->mobile_length + cc && cc > 0 && strncmp(p, c->country_code, cc) == 0)
		p += cc, n -= cc;
	if (n != c->mobile_length)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)p[i]))
			return false;
	for (i = 0; i < c->mobile_prefixes.n; i++) {
		if (strncmp(p, c->mobile_prefixes.v[i], strlen(c->mobile_prefixes.v[i])) == 0) {
			snprintf(national, cap, "%s", p);
			return true;
		}
	}
	return false;
}

/* The first token of a User-Agent, "dble" of "dble/1.2" or "dble 1.2". */
static bool
ua_matches(const struct str_list *l, const char *ua)
{
	char tok[SIP_UA_LEN];
	size_t n = strcspn(ua, " /");

	if (n == 0 || n >= sizeof(tok))
		return false;
	memcpy(tok, ua, n);
	tok[n] = '\0';
	return str_list_has_ci(l, ua) || str_list_has_ci(l, tok);
}

static bool
allow_is_goip(const char *allow)
{
	char norm[SIP_ALLOW_LEN];
	size_t i, j = 0;

	for (i = 0; allow[i] != '\0' && j + 1 < sizeof(norm); i++)
		if (!isspace((unsigned char)allow[i]))
			norm[j++] = (char)toupper((unsigned char)allow[i]);
	norm[j] = '\0';
	return strcmp(norm, GOIP_ALLOW) == 0;
}

struct sip_fp {
	enum evidence_kind kind;
	const char	*detail;
};

#define SIP_FP_MAX	6

/* Fingerprints in a message the line itself sent, in fp: how many. */
static unsigned
sip_fingerprints(const struct detect *d, const struct sip_msg *m, struct sip_fp fp[SIP_FP_MAX])
{
	unsigned n = 0;

	if (m->ua[0] != '\0' && ua_matches(&d->conf->ua_strong, m->ua))
		fp[n++] = (struct sip_fp){ EV_K_SIP_UA, m->ua };
	else if (m->ua[0] != '\0' && ua_matches(&d->conf->ua_weak, m->ua))
		fp[n++] = (struct sip_fp){ EV_K_SIP_UA_WEAK, m->ua };
	if (m->sdp.result == SDP_OK && strcmp(m->sdp.s_name, "DBL Session") == 0)
		fp[n++] = (struct sip_fp){ EV_K_SDP_DBL_SESSION, "s=DBL Session" };
	if (m->sdp.result == SDP_OK && strcmp(m->sdp.o_sess_id, "20000001") == 0)
		fp[n++] = (struct sip_fp){ EV_K_SDP_DBL_ORIGIN, "o= session id 20000001" };
	if (!m->is_request && m->status == 480 && strcasecmp(m->reason, "Remote Busy") == 0)
		fp[n++] = (struct sip_fp){ EV_K_SIP_REMOTE_BUSY, "480 Remote Busy" };
	if (m->allow[0] != '\0' && allow_is_goip(m->allow))
		fp[n++] = (struct sip_fp){ EV_K_SIP_GOIP_ALLOW, "GoIP Allow list" };
	if (m->is_request && strcmp(m->method, "REGISTER") == 0 &&
	    (m->contact_expires == 60 || (m->contact_expires < 0 && m->expires == 60)))
		fp[n++] = (struct sip_fp){ EV_K_REG_EXPIRES_60, "REGISTER expires=60" };
	return n;
}

/* REGISTER refreshes about every 60 s (the GoIP default) to a foreign registrar. */
static bool
sip_cadence(struct detect *d, struct line *l, usec_t ts)
{
	usec_t gap = l->last_register ? ts - l->last_register : 0;

	(void)d;
	l->last_register = ts;
	if (gap < 2 * USEC_PER_SEC)	/* the authenticated resend after a 401 */
		return false;
	l->reg_intervals++;
	if (gap >= 55 * USEC_PER_SEC && gap <= 65 * USEC_PER_SEC)
		l->reg_near60++;
	if (l->reg_near60 >= 3 && l->reg_near60 * 2 >= l->reg_intervals)
		return detect_evidence(d, l, EV_K_CADENCE,
		    "REGISTER every ~60 s to a foreign host", ts);
	return false;
}

static bool
recent_has(const struct line *l, uint32_t h)
{
	unsigned i;

	for (i = 0; i < LINE_RECENT; i++)
		if (l->recent_invites[i] == h)
			return true;
	return false;
}

/* The volume-and-breadth pattern within term_window (docs/detection.md, rule T1). */
static bool
term_broad(const struct detect *d, const struct line *l, usec_t ts)
{
	const struct conf *c = d->conf;
	unsigned callees = l->term_callees.n + l->term_callees_prev.n;

	return wcount_sum(&l->term_invites, ts, c->term_window) >= c->term_min_invites &&
	    callees >= c->term_min_callees &&
	    wcount_sum(&l->term_answered, ts, c->term_window) >= 1;
}

/*
 * Breadth strong enough for urgent on its own (rule T3): many distinct
 * mobiles, over several clock hours, an answered share typical of
 * termination, and mobiles that are called once.
 */
static bool
term_strong(const struct detect *d, const struct line *l)
{
	const struct conf *c = d->conf;
	unsigned n = l->all_callees.n, hours = (unsigned)__builtin_popcount(l->hours_active);
	uint64_t once = n > l->repeat_callees ? n - l->repeat_callees : 0;

	return l->term_broad && n >= c->term_strong_callees && hours >= c->term_strong_hours &&
	    l->calls > 0 && (uint64_t)l->answered * 100 >= c->term_strong_answered_min * l->calls &&
	    (uint64_t)l->answered * 100 <= c->term_strong_answered_max * l->calls &&
	    once * 100 >= c->term_strong_once * n;
}

/*
 * The termination evidence, once the pattern holds; true when it is new.
 * Calls at once (rule T2) give it too, but weigh only with a device
 * fingerprint (judge.c): two calls at once alone are a test, not a verdict.
 */
static bool
term_check(struct detect *d, struct line *l, usec_t ts)
{
	bool grew = false;

	if (!l->term_broad && term_broad(d, l, ts)) {
		l->term_broad = true;
		grew |= detect_evidence(d, l, EV_K_TERMINATION,
		    "received INVITEs to many distinct domestic mobiles", ts);
	} else if (!l->term_broad && l->max_active >= d->conf->term_concurrent)
		grew |= detect_evidence(d, l, EV_K_TERMINATION,
		    "received calls to domestic mobiles at once", ts);
	if (term_strong(d, l))
		grew |= detect_evidence(d, l, EV_K_TERM_BREADTH,
		    "many mobiles called once, over hours, termination answer share", ts);
	return grew;
}

static void
term_callee_window(const struct detect *d, struct line *l, usec_t ts)
{
	if (l->term_callees_start == 0)
		l->term_callees_start = ts;
	if (ts < l->term_callees_start + d->conf->term_window)
		return;
	l->term_callees_prev = ts < l->term_callees_start + 2 * d->conf->term_window ?
	    l->term_callees : (struct hset){ .n = 0 };
	memset(&l->term_callees, 0, sizeof(l->term_callees));
	l->term_callees_start = ts;
}

/* A new INVITE the line received from an untrusted peer, to a domestic mobile. */
static bool
term_invite(struct detect *d, struct line *l, const struct event *e, const char *callee,
    bool foreign)
{
	uint32_t h = hash32_str(e->u.sip.msg.call_id);
	const struct ev_tuple *t = &e->t;

	if (recent_has(l, h))
		return false;		/* a retransmission or an authenticated resend */
	l->recent_invites[l->recent_pos++ % LINE_RECENT] = h;
	wcount_add(&l->term_invites, e->ts, d->conf->term_window);
	term_callee_window(d, l, e->ts);
	hset_add(&l->term_callees, hash32_str(callee));
	if (!hset_add(&l->all_callees, hash32_str(callee)) && !l->all_callees.full)
		l->repeat_callees++;
	line_callee(l, callee);
	line_peer(l, t->src, t->sport);
	l->calls++;
	l->inbound++;
	l->term_foreign += foreign;
	if (l->term_first == 0) {
		l->term_first = e->ts;
		memcpy(l->term_peer, t->src, sizeof(l->term_peer));
	}
	l->term_last = e->ts;
	l->hours_active |= 1u << (e->ts / (3600 * USEC_PER_SEC) % 24);
	return term_check(d, l, e->ts);
}

static int
active_find(const struct line *l, uint32_t h)
{
	unsigned i;

	for (i = 0; i < l->nactive; i++)
		if (l->active[i] == h)
			return (int)i;
	return -1;
}

static void
active_drop(struct line *l, int i)
{
	l->nactive--;
	l->active[i] = l->active[l->nactive];
	l->active_start[i] = l->active_start[l->nactive];
	l->active_since[i] = l->active_since[l->nactive];
}

static void
active_expire(struct detect *d, struct line *l, usec_t ts)
{
	unsigned i = 0;

	while (i < l->nactive) {
		/* an unanswered attempt lives setup_timeout, a call call_timeout */
		usec_t tmo = l->active_since[i] ? d->conf->call_timeout :
		    d->conf->call_setup_timeout;

		if (ts > (l->active_since[i] ? l->active_since[i] : l->active_start[i]) + tmo)
			active_drop(l, (int)i);
		else
			i++;
	}
}

/*
 * A termination call is in progress from the line's first 18x or 2xx until a
 * final failure, CANCEL or BYE: a host that answers nothing (a scanner's
 * target) never has one. 2xx counts it answered; BYE gives its duration.
 */
static bool
term_dialog(struct detect *d, struct line *l, const struct event *e, bool sent)
{
	const struct sip_msg *m = &e->u.sip.msg;
	uint32_t h = hash32_str(m->call_id);
	bool invite = strcmp(m->cseq_method, "INVITE") == 0;
	int i;

	if (!recent_has(l, h) || (!m->is_request && !sent))
		return false;	/* only the line's answers: not those to its own calls */
	active_expire(d, l, e->ts);
	i = active_find(l, h);
	if (!m->is_request && invite && m->status > 100 && m->status < 300 && i < 0 &&
	    l->nactive < LINE_ACTIVE) {
		i = l->nactive++;
		l->active[i] = h;
		l->active_start[i] = e->ts;
		l->active_since[i] = 0;		/* not answered yet */
		if (l->nactive > l->max_active)
			l->max_active = l->nactive;
	}
	if (!m->is_request && invite && m->status >= 200 && m->status < 300 && i >= 0 &&
	    l->active_since[i] == 0) {
		l->active_since[i] = e->ts;
		l->answered++;
		wcount_add(&l->term_answered, e->ts, d->conf->term_window);
	} else if (i >= 0 && ((!m->is_request && invite && m->status >= 300) ||
	    (m->is_request && (strcmp(m->method, "BYE") == 0 ||
	    strcmp(m->method, "CANCEL") == 0)))) {
		if (l->active_since[i] != 0)
			l->answered_secs += (e->ts - l->active_since[i]) / USEC_PER_SEC;
		active_drop(l, i);
	}
	return term_check(d, l, e->ts);
}

/* Call behaviour for scoring only: never a verdict by itself. */
static bool
behaviour(struct detect *d, struct line *l, usec_t ts)
{
	bool grew = false;
	unsigned hours = (unsigned)__builtin_popcount(l->hours_active);

	(void)d;
	if (l->calls < 10)
		return false;
	if (l->answered * 10 < l->calls * 3)
		grew |= detect_evidence(d, l, EV_K_BEHAVIOUR, "answer ratio under 30 %", ts);
	if (l->answered >= 5 && l->answered_secs < 60ull * l->answered)
		grew |= detect_evidence(d, l, EV_K_BEHAVIOUR, "mean answered call under 60 s", ts);
	if (l->inbound * 10 >= (l->inbound + l->outbound) * 8)
		grew |= detect_evidence(d, l, EV_K_BEHAVIOUR, "80 % of calls one way", ts);
	if (hours >= 16)
		grew |= detect_evidence(d, l, EV_K_BEHAVIOUR, "active 16 hours a day", ts);
	if (l->repeat_callees == 0 && l->calls >= 20)
		grew |= detect_evidence(d, l, EV_K_BEHAVIOUR, "no callee called twice", ts);
	return grew;
}

/*
 * The line places a call to a domestic mobile through a foreign provider: a
 * caller, not a terminator (a call centre on a trunk abroad). Informational:
 * it never raises a verdict (judge.c).
 */
static bool
outbound_trunk(struct detect *d, struct line *l, const struct event *e)
{
	uint32_t h = hash32_str(e->u.sip.msg.call_id);

	if (recent_has(l, h))
		return false;
	l->recent_invites[l->recent_pos++ % LINE_RECENT] = h;
	l->outbound++;
	return detect_evidence(d, l, EV_K_OUTBOUND_TRUNK,
	    "the line calls domestic mobiles through a foreign provider", e->ts);
}

/* A number with an international prefix that is not the home country's. */
static bool
number_international(const struct conf *c, const char *u)
{
	size_t cc = strlen(c->country_code);

	if (*u == '+')
		u++;
	else if (strncmp(u, "00", 2) == 0)
		u += 2;
	else
		return false;
	return isdigit((unsigned char)*u) && (cc == 0 || strncmp(u, c->country_code, cc) != 0);
}

/* A host that is an address literal the rules place abroad. */
static bool
host_foreign(const struct detect *d, const char *host)
{
	char buf[64];
	struct prefix p;
	size_t n = strlen(host);

	if (n >= sizeof(buf) || n == 0)
		return false;
	if (host[0] == '[' && host[n - 1] == ']')
		snprintf(buf, sizeof(buf), "%.*s", (int)n - 2, host + 1);
	else
		snprintf(buf, sizeof(buf), "%s", host);
	return prefix_parse(buf, &p) == 0 && p.len == 128 && detect_is_foreign(d, p.addr);
}

/*
 * Signs that a domestic peer relays for someone upstream (a proxy plus
 * rtpproxy on a domestic cloud host in front of a softswitch abroad): the
 * INVITE crossed a proxy (two or more Via), the caller numbers are
 * international, or the Request-URI, To or top Via names a foreign host.
 */
static bool
relay_signs(struct detect *d, struct line *l, const struct sip_msg *m, usec_t ts)
{
	bool grew = false;

	if (m->nvia >= 2)
		grew |= detect_evidence(d, l, EV_K_RELAYED_ORIGIN,
		    "INVITEs from a domestic host crossed a proxy (two or more Via)", ts);
	if (number_international(d->conf, m->from.user) ||
	    number_international(d->conf, m->pai.user))
		grew |= detect_evidence(d, l, EV_K_RELAYED_ORIGIN,
		    "international caller numbers through a domestic host", ts);
	if (host_foreign(d, m->ruri_host) || host_foreign(d, m->to.host) ||
	    host_foreign(d, m->via.host))
		grew |= detect_evidence(d, l, EV_K_RELAYED_ORIGIN,
		    "SIP from a domestic host names a foreign host", ts);
	return grew;
}

/*
 * A message leaves nothing on a line that has none of its state yet when it
 * gives no evidence, no REGISTER cadence, no termination or outbound call and
 * no dialog step: a scanner's OPTIONS, a host's answer to it. Then it makes no
 * line (issue 18), and only a line that is already there is judged again. A
 * new line's recent_invites are zero, so a Call-ID that hashes to zero steps
 * its dialog: that one makes a line as it always did.
 */
void
detect_sip(struct detect *d, const struct event *e)
{
	const struct sip_msg *m = &e->u.sip.msg;
	const struct ev_tuple *t = &e->t;
	struct sip_fp fp[SIP_FP_MAX];
	char callee[32];
	bool sent, foreign, trusted, reg, relay_reg, invite, grew = false;
	const uint8_t *sub, *peer;
	unsigned nfp, i;
	struct line *l;

	sent = detect_is_subscriber(d, t->src);
	if (sent == detect_is_subscriber(d, t->dst))
		return;	/* transit, or line to line: no peer to weigh */
	sub = sent ? t->src : t->dst;
	peer = sent ? t->dst : t->src;
	foreign = detect_is_foreign(d, peer);
	trusted = detect_is_trusted(d, peer);
	reg = m->is_request && strcmp(m->method, "REGISTER") == 0;
	relay_reg = sent && !foreign && !trusted && reg &&
	    (host_foreign(d, m->ruri_host) || host_foreign(d, m->to.host));
	nfp = sent ? sip_fingerprints(d, m, fp) : 0;
	/*
	 * What the line receives decides, wherever the peer is: INVITEs to
	 * mobiles from any untrusted peer count (from a domestic one they weigh
	 * only with relay signs or strong breadth, judge.c); the line's own calls
	 * count only through a foreign provider, and only as information.
	 */
	invite = !trusted && m->is_request && strcmp(m->method, "INVITE") == 0 &&
	    m->to.tag[0] == '\0' && (foreign || !sent) &&
	    detect_is_mobile(d->conf, m->ruri_user[0] ? m->ruri_user : m->to.user, callee,
	    sizeof(callee));
	if (relay_reg || nfp > 0 || (sent && foreign && reg) || invite ||
	    (!trusted && (m->is_request || sent) && hash32_str(m->call_id) == 0))
		l = detect_line(d, sub, t, peer);
	else if ((l = detect_line_existing(d, sub, t, peer)) == NULL)
		return;
	if (relay_reg)
		grew |= detect_evidence(d, l, EV_K_RELAYED_ORIGIN,
		    "REGISTER through a domestic host to a foreign registrar", e->ts);
	for (i = 0; i < nfp; i++)
		grew |= detect_evidence(d, l, fp[i].kind, fp[i].detail, e->ts);
	if (sent && foreign && reg)
		grew |= sip_cadence(d, l, e->ts);
	if (invite) {
		if (sent)
			grew |= outbound_trunk(d, l, e);
		else {
			if (!foreign)
				grew |= relay_signs(d, l, m, e->ts);
			grew |= term_invite(d, l, e, callee, foreign);
			grew |= behaviour(d, l, e->ts);
		}
	} else if (!trusted)
		grew |= term_dialog(d, l, e, sent);
	if (grew || !l->reported)
		detect_judge(d, l, e->ts);
}
