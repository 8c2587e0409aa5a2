/* SPDX-License-Identifier: BSD-2-Clause */
/* Verdicts, scores and tiers from evidence; the detection record and its reason. */
#include <stdio.h>
#include <string.h>

#include "pseudonym.h"
#include "judge.h"
#include "report.h"

const char *const verdict_names[] = { "none", "goip_present", "simbox_suspected" };
const char *const tier_names[] = { "none", "general", "high", "urgent" };

struct tally {
	unsigned	n[EC_N];	/* distinct evidence kinds per class */
	bool		broad;		/* the termination evidence is the volume pattern */
	bool		domestic;	/* all of it from domestic peers, no relay signs */
};

static void
judge_tally(const struct line *l, struct tally *t)
{
	bool seen[EV_K_N] = { false };
	unsigned i;

	memset(t, 0, sizeof(*t));
	for (i = 0; i < l->nev; i++) {
		if (seen[l->ev[i].kind])
			continue;
		seen[l->ev[i].kind] = true;
		t->n[evidence_class[l->ev[i].kind]]++;
	}
	t->broad = l->term_broad;
	t->domestic = l->term_foreign == 0 && t->n[EC_RELAY] == 0;
}

/*
 * Termination that weighs: the volume-and-breadth pattern (T1), or calls at
 * once (T2) on a line that has a device fingerprint. Calls at once alone, on
 * a line without one, are a developer's test as much as a SIM box.
 */
static bool
judge_termination(const struct tally *t)
{
	if (t->domestic)	/* rule R1: a domestic peer without relay signs */
		return t->n[EC_TERMINATION] && t->broad && t->n[EC_BREADTH];
	return t->n[EC_TERMINATION] && (t->broad || t->n[EC_DEVICE]);
}

static enum verdict
judge_verdict(const struct tally *t)
{
	if (t->n[EC_SIMBANK] || judge_termination(t) || t->n[EC_OPAQUE])
		return VERDICT_SIMBOX;
	/* one device fingerprint, or two independent weak ones (DNS alone is not enough) */
	if (t->n[EC_DEVICE] || t->n[EC_WEAK] >= 2)
		return VERDICT_GOIP;
	return VERDICT_NONE;
}

static unsigned
judge_score(const struct conf *c, const struct tally *t)
{
	uint64_t s = 0;

	if (t->n[EC_DEVICE])
		s += c->w_device + 10 * (t->n[EC_DEVICE] - 1);
	s += c->w_weak * t->n[EC_WEAK];
	s += t->n[EC_SIMBANK] ? c->w_simbank : 0;
	s += judge_termination(t) ? c->w_termination : 0;
	s += t->n[EC_BREADTH] ? c->w_breadth : 0;
	s += t->n[EC_OPAQUE] ? c->w_opaque : 0;
	s += c->w_behaviour * t->n[EC_BEHAVIOUR];
	s += c->w_cadence * t->n[EC_CADENCE];
	s += c->w_watch * t->n[EC_WATCH];
	return s > 100 ? 100 : (unsigned)s;
}

/*
 * Urgent needs what a careful analyst would call conclusive: SIM-bank
 * traffic; a device fingerprint with termination or opaque voice; or
 * termination with the breadth of rule T3.
 */
static bool
judge_conclusive(const struct tally *t)
{
	return t->n[EC_SIMBANK] ||
	    (t->n[EC_DEVICE] && ((judge_termination(t) && !t->domestic) || t->n[EC_OPAQUE])) ||
	    (judge_termination(t) && t->n[EC_BREADTH] && !t->domestic);
}

void
judge_line(const struct conf *c, const struct line *l, struct judgement *j)
{
	struct tally t;

	judge_tally(l, &t);
	j->verdict = judge_verdict(&t);
	j->score = judge_score(c, &t);
	if (j->verdict == VERDICT_NONE)
		j->tier = TIER_NONE;
	else if (j->verdict == VERDICT_SIMBOX)
		j->tier = judge_conclusive(&t) && j->score >= c->urgent_score ?
		    TIER_URGENT : TIER_HIGH;
	else
		j->tier = TIER_GENERAL;
	if (j->verdict != VERDICT_NONE && l->watch && j->tier < TIER_URGENT)
		j->tier++;		/* a known fraud peer escalates */
	if (l->allow && j->tier > TIER_GENERAL)
		j->tier = TIER_GENERAL;	/* an allowlisted line or peer never goes above */
}

usec_t
judge_window(enum tier t)
{
	switch (t) {
	case TIER_URGENT: return 2 * 3600 * USEC_PER_SEC;
	case TIER_HIGH: return 24 * 3600 * USEC_PER_SEC;
	default: return 48 * 3600 * USEC_PER_SEC;
	}
}

/* The evidence kinds a line has, as a bit set. */
static uint32_t
judge_kinds(const struct line *l)
{
	uint32_t k = 0;
	unsigned i;

	_Static_assert(EV_K_N <= 32, "evidence kinds fit a 32-bit set");
	for (i = 0; i < l->nev; i++)
		k |= 1u << l->ev[i].kind;
	return k;
}

/* New details of a kind already reported (another SIM slot, another DNS name)
 * wait for the next report; a new kind, verdict or tier does not. */
bool
judge_changed(const struct line *l, const struct judgement *j)
{
	if (j->verdict == VERDICT_NONE)
		return false;
	return !l->reported || j->verdict != l->verdict || j->tier != l->tier ||
	    (judge_kinds(l) & ~l->reported_kinds) != 0;
}

/* A phone number as reported: in clear, or its keyed pseudonym. */
static void
judge_number(struct jw *w, const char *key, const char *num, const uint8_t *hkey,
    size_t hkeylen)
{
	char p[PSEUDONYM_LEN];

	if (hkey != NULL && pseudonym_of(hkey, hkeylen, num, p) == 0)
		jw_str(w, key, p);
	else
		jw_str(w, key, num);
}

static void
judge_subject(struct jw *w, const struct line *l, const struct account_table *acc)
{
	char ip[REPORT_IP_LEN];
	const char *a;

	jw_obj_open(w, "subject");
	jw_str(w, "ip", report_ip(l->key.ip, ip));
	if (l->key.vlan)
		jw_u64(w, "vlan", l->key.vlan);
	if (l->key.has_pppoe)
		jw_u64(w, "pppoe_session", l->key.pppoe);
	if (acc != NULL && (a = account_find(acc, l->key.ip, l->key.has_pppoe,
	    l->key.pppoe)) != NULL)
		jw_str(w, "account", a);
	jw_obj_close(w);
}

static void
judge_evidence(struct jw *w, const struct line *l)
{
	unsigned i;

	jw_arr_open(w, "evidence");
	for (i = 0; i < l->nev; i++) {
		const struct evidence *e = &l->ev[i];

		jw_obj_open(w, NULL);
		jw_str(w, "kind", evidence_names[e->kind]);
		jw_str(w, "detail", e->detail);
		jw_u64(w, "count", e->count);
		jw_ts(w, "first_ts", e->first);
		jw_ts(w, "last_ts", e->last);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static void
judge_peers(struct jw *w, const struct line *l)
{
	char ip[REPORT_IP_LEN];
	unsigned i;

	jw_arr_open(w, "peers");
	for (i = 0; i < l->npeers; i++) {
		jw_obj_open(w, NULL);
		jw_str(w, "ip", report_ip(l->peers[i].ip, ip));
		jw_u64(w, "port", l->peers[i].port);
		jw_u64(w, "count", l->peers[i].count);
		jw_obj_close(w);
	}
	jw_arr_close(w);
}

static void
judge_device(struct jw *w, const struct line *l, const uint8_t *hkey, size_t hkeylen)
{
	unsigned i;

	if (l->nsims == 0 && l->device_id[0] == '\0')
		return;
	jw_obj_open(w, "device");
	if (l->device_id[0] != '\0')
		jw_str(w, "id", l->device_id);
	jw_u64(w, "sim_count", l->nsims);
	jw_arr_open(w, "sims");
	for (i = 0; i < l->nsims; i++) {
		const struct line_sim *s = &l->sims[i];

		jw_obj_open(w, NULL);
		if (s->imsi[0]) jw_str(w, "imsi", s->imsi);
		if (s->iccid[0]) jw_str(w, "iccid", s->iccid);
		if (s->imei[0]) jw_str(w, "imei", s->imei);
		if (s->msisdn[0]) judge_number(w, "msisdn", s->msisdn, hkey, hkeylen);
		jw_obj_close(w);
	}
	jw_arr_close(w);
	jw_obj_close(w);
}

static const struct evidence *
judge_first(const struct line *l, enum evidence_class cls)
{
	unsigned i;

	for (i = 0; i < l->nev; i++)
		if (evidence_class[l->ev[i].kind] == cls)
			return &l->ev[i];
	return NULL;
}

static const struct evidence *
judge_kind(const struct line *l, enum evidence_kind k)
{
	unsigned i;

	for (i = 0; i < l->nev; i++)
		if (l->ev[i].kind == k)
			return &l->ev[i];
	return NULL;
}

/* "6 h", "45 min", "30 s": how long the termination INVITEs went on. */
static void
judge_span(usec_t from, usec_t to, char *buf, size_t cap)
{
	uint64_t s = to > from ? (to - from) / USEC_PER_SEC : 0;

	if (s >= 5400)
		snprintf(buf, cap, "%llu h", (unsigned long long)((s + 1800) / 3600));
	else if (s >= 60)
		snprintf(buf, cap, "%llu min", (unsigned long long)((s + 30) / 60));
	else
		snprintf(buf, cap, "%llu s", (unsigned long long)s);
}

/*
 * One sentence a human can check against the record: the decisive evidence
 * first, with its figures ("412 INVITEs from 45.x.x.x to 398 distinct mobiles
 * in 6 h, 131 answered, up to 4 at once").
 */
static void
judge_reason(const struct line *l, const struct judgement *j, char *buf, size_t cap)
{
	const struct evidence *dev = judge_first(l, EC_DEVICE), *sb = judge_first(l, EC_SIMBANK);
	const struct evidence *op = judge_first(l, EC_OPAQUE), *wk = judge_first(l, EC_WEAK);
	const struct evidence *tls = judge_kind(l, EV_K_SIP_TLS_CADENCE);
	char ip[REPORT_IP_LEN] = "?", span[24], fp[LINE_DETAIL_LEN + 32] = "";
	struct tally t;
	int n = 0;

	judge_tally(l, &t);
	if (l->term_first != 0)
		report_ip(l->term_peer, ip);
	else if (l->npeers > 0)
		report_ip(l->peers[0].ip, ip);
	if (dev != NULL)
		snprintf(fp, sizeof(fp), ", with a GoIP fingerprint (%s %.40s)",
		    evidence_names[dev->kind], dev->detail);
	if (sb != NULL && j->verdict == VERDICT_SIMBOX)
		n = snprintf(buf, cap, "SIM-bank traffic (%s %s, seen %u times)%s",
		    evidence_names[sb->kind], sb->detail, sb->count, fp);
	else if (j->verdict == VERDICT_SIMBOX && judge_termination(&t)) {
		judge_span(l->term_first, l->term_last, span, sizeof(span));
		n = snprintf(buf, cap, "%u INVITEs from %s to %s%u distinct mobiles in %s, "
		    "%u answered, up to %u at once%s%s%s", l->calls, ip,
		    l->all_callees.full ? "at least " : "", l->all_callees.n, span,
		    l->answered, l->max_active, line_has(l, EV_K_TERM_BREADTH) ?
		    ", most mobiles called once over several hours" : "",
		    line_has(l, EV_K_RELAYED_ORIGIN) ? ", relayed by a domestic host" : "", fp);
	} else if (j->verdict == VERDICT_SIMBOX && op != NULL && tls != NULL) {
		judge_span(l->tls_first, l->tls_last, span, sizeof(span));
		n = snprintf(buf, cap, "SIP over TLS to %s:%u (SNI %.48s) with client records "
		    "every %u s for %s, and %s (%u streams, up to %u at once)%s",
		    report_ip(l->tls_peer, ip), l->tls_port, tls->detail,
		    (l->tls_gap_ms + 500) / 1000, span, op->detail, l->nvoice,
		    l->max_opaque, fp);
	} else if (j->verdict == VERDICT_SIMBOX && op != NULL)
		n = snprintf(buf, cap, "%s (%u streams, up to %u at once)%s", op->detail,
		    l->nvoice, l->max_opaque, fp);
	else if (dev != NULL)
		n = snprintf(buf, cap, "GoIP fingerprint: %s %.40s, seen %u times",
		    evidence_names[dev->kind], dev->detail, dev->count);
	else if (wk != NULL)
		n = snprintf(buf, cap, "two independent weak GoIP indicators, the first %s %s",
		    evidence_names[wk->kind], wk->detail);
	if (n >= 0 && (size_t)n < cap - 1)
		snprintf(buf + n, cap - (size_t)n, ".");
}

static void
judge_calls(struct jw *w, const struct line *l)
{
	if (l->calls == 0)
		return;
	jw_obj_open(w, "calls");
	jw_u64(w, "foreign_to_mobile", l->calls);
	if (l->outbound)
		jw_u64(w, "outbound_via_foreign", l->outbound);
	jw_u64(w, "answered", l->answered);
	jw_u64(w, "max_concurrent", l->max_active);
	jw_u64(w, "distinct_callees", l->all_callees.n);
	if (l->answered)
		jw_dbl(w, "mean_answered_duration", (double)l->answered_secs / l->answered, 1);
	jw_obj_close(w);
}

void
judge_record(struct jw *w, struct line *l, const struct judgement *j,
    const struct account_table *acc, const uint8_t *hkey, size_t hkeylen, usec_t now)
{
	judge_record_fields(w, l, j, acc, hkey, hkeylen, now);
	jw_obj_close(w);
	judge_record_done(l, j);
}

void
judge_record_fields(struct jw *w, struct line *l, const struct judgement *j,
    const struct account_table *acc, const uint8_t *hkey, size_t hkeylen, usec_t now)
{
	char reason[384];
	unsigned i;

	if (!l->reported || j->tier != l->tier)
		l->deadline = now + judge_window(j->tier);
	report_open(w, "detection", now);
	judge_subject(w, l, acc);
	jw_str(w, "verdict", verdict_names[j->verdict]);
	jw_str(w, "tier", tier_names[j->tier]);
	jw_ts(w, "deadline", l->deadline);
	jw_u64(w, "score", j->score);
	judge_reason(l, j, reason, sizeof(reason));
	jw_str(w, "reason", reason);
	judge_evidence(w, l);
	judge_peers(w, l);
	jw_arr_open(w, "callees");
	for (i = 0; i < l->ncallees; i++)
		judge_number(w, NULL, l->callees[i], hkey, hkeylen);
	jw_arr_close(w);
	judge_device(w, l, hkey, hkeylen);
	judge_calls(w, l);
	if (l->allow)
		jw_bool(w, "allowlisted", true);
	if (l->watch)
		jw_bool(w, "watchlisted", true);
	jw_bool(w, "update", l->reported);
}

void
judge_record_done(struct line *l, const struct judgement *j)
{
	l->reported = true;
	l->verdict = (uint8_t)j->verdict;
	l->tier = (uint8_t)j->tier;
	l->score = (uint8_t)j->score;
	l->reported_kinds = judge_kinds(l);
}
