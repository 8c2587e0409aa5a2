/* SPDX-License-Identifier: BSD-2-Clause */
/* The detect stage: events in capture order -> registrations, calls, media records. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "detect-int.h"
#include "log.h"
#include "pseudonym.h"
#include "voip.h"

/* Rule 6b: a SIP UA re-registering over TLS, seen by its client's bursts. */
#define DETECT_TLS_MIN_BURSTS	10	/* about 10 minutes of a 60 s cadence */
#define DETECT_TLS_GAP_MIN_MS	50000	/* mean gap between bursts: 50-70 s */
#define DETECT_TLS_GAP_MAX_MS	70000

static const char *const detect_method_names[DM_N] = {
#define X(m) #m,
	DETECT_SIP_METHODS(X)
#undef X
	"other"
};

/*
 * The country database follows geoip_db: opened again when a config names
 * another file or the file was replaced (a new database installed under the
 * same name applies at the next config push or SIGHUP, no firmware update;
 * one central pushes lands in spool_dir and wins, geo_path). Not there: a
 * warning, and only the prefixes
 * count as domestic until a config names a readable one.
 */
static void
detect_geo(struct detect *d, const struct conf *c)
{
	static char warned[CONF_STR_MAX + 16];	/* once per name, not per reload */
	char err[256], path[CONF_STR_MAX + 16];
	struct stat st;
	struct geo *g;

	geo_path(c, path, sizeof(path));
	if (stat(path, &st) == -1)
		memset(&st, 0, sizeof(st));
	if (strcmp(d->geo_path, path) == 0 && st.st_ino == d->geo_ino &&
	    st.st_mtime == d->geo_mtime)
		return;		/* the same file, unchanged */
	d->geo_ino = st.st_ino;
	d->geo_mtime = st.st_mtime;
	snprintf(d->geo_path, sizeof(d->geo_path), "%s", path);
	g = path[0] != '\0' ? geo_open(path, err, sizeof(err)) : NULL;
	/* a default path that is absent (a build host, a capture replayed offline)
	 * stays quiet; a named one, or a file that is there but unreadable, does not */
	if (g == NULL && path[0] != '\0' && strcmp(warned, path) != 0 &&
	    (conf_key_is_set(c, "geoip_db") || st.st_ino != 0) &&
	    snprintf(warned, sizeof(warned), "%s", path) > 0)
		log_warnx("geoip_db %s (only domestic_prefix and trusted_peer count as "
		    "domestic)", err);
	else if (g != NULL)
		log_info("detect: country database %s: %s", path, geo_describe(g));
	geo_close(d->geo);
	d->geo = g;
}

static int
detect_apply(struct detect *d, const struct conf *c)
{
	uint8_t key[32] = { 0 };
	size_t keylen = 0;

	if (c->pseudonymise_key[0] != '\0' &&
	    pseudonym_key_parse(c->pseudonymise_key, key, &keylen) == -1)
		return -1;	/* conf_parse has checked it; be safe */
	d->conf = c;
	detect_geo(d, c);
	memcpy(d->hkey, key, sizeof(key));
	d->hkeylen = keylen;
	voip_pace_params(c, &d->pp);
	/* the tables keep their sizes and follow the rest (conf.c's RELOAD keys) */
	calls_set_timeouts(d->calls, c->call_setup_timeout, c->call_timeout);
	calls_set_subscribers(d->calls, &c->subscriber_prefixes);
	regs_set_subscribers(d->regs, &c->subscriber_prefixes);
	return 0;
}

/*
 * A call of a line that already holds a verdict is a sample for the lead at
 * central: at most report_calls_per_line of them a line an hour (capture time).
 */
static bool
detect_call_report(void *arg, const uint8_t sub16[16], const struct ev_tuple *t,
    usec_t now)
{
	struct detect *d = arg;
	struct line *l = line_find(d->lines, sub16, t);

	if (l == NULL || !l->reported || l->verdict == VERDICT_NONE ||
	    d->conf->report_calls_per_line == 0)
		return false;
	if (now < l->calls_start || now - l->calls_start >= 3600 * USEC_PER_SEC) {
		l->calls_start = now;
		l->calls_sent = 0;
	}
	if (l->calls_sent >= d->conf->report_calls_per_line)
		return false;
	l->calls_sent++;
	return true;
}

struct detect *
detect_new(const struct conf *c, const struct sink *out)
{
	struct calls_params cp;
	struct regs_params rp;
	struct detect *d;

	if ((d = calloc(1, sizeof(*d))) == NULL)
		return NULL;
	d->conf = c;
	d->out = *out;
	calls_params_default(&cp);
	cp.capacity = c->call_capacity;
	cp.setup_timeout = c->call_setup_timeout;
	cp.call_timeout = c->call_timeout;
	cp.subscribers = &c->subscriber_prefixes;
	cp.report = detect_call_report;
	cp.report_arg = d;
	regs_params_default(&rp);
	rp.capacity = c->reg_capacity;
	rp.subscribers = &c->subscriber_prefixes;
	d->calls = calls_new(&cp, out);
	d->regs = regs_new(&rp, out);
	d->lines = line_table_new(c->line_capacity);
	d->accounts = account_table_new(c->line_capacity);
	if (d->calls == NULL || d->regs == NULL || d->lines == NULL ||
	    d->accounts == NULL) {
		detect_free(d);
		return NULL;
	}
	if (detect_apply(d, c) == -1) {
		detect_free(d);
		return NULL;
	}
	return d;
}

/*
 * A new configuration: thresholds, weights, lists, call timeouts and the
 * subscriber prefixes of the call and registration tables apply from the next
 * event. Table sizes stay (start-up keys, reload.c keeps them).
 */
int
detect_set_conf(struct detect *d, const struct conf *c)
{
	if (detect_apply(d, c) == -1)
		return -1;
	d->st.reloads++;
	return 0;
}

void
detect_free(struct detect *d)
{
	if (d == NULL)
		return;
	calls_free(d->calls);
	regs_free(d->regs);
	line_table_free(d->lines);
	account_table_free(d->accounts);
	keep_free(d->keep);
	signer_free(d->signer);
	geo_close(d->geo);
	free(d);
}

bool
detect_is_subscriber(const struct detect *d, const uint8_t addr16[16])
{
	return prefix_list_has(&d->conf->subscriber_prefixes, addr16);
}

/* Foreign: not a line, not a trusted peer, not a domestic prefix, not of home_country. */
bool
detect_is_foreign(const struct detect *d, const uint8_t addr16[16])
{
	char cc[3];

	return geo_where(d->conf, d->geo, addr16, cc) == GEO_FOREIGN;
}

bool
detect_is_trusted(const struct detect *d, const uint8_t addr16[16])
{
	return prefix_list_has(&d->conf->trusted_peers, addr16);
}

/* Recomputed at each use, so a reloaded allowlist applies. */
static struct line *
detect_line_flags(struct detect *d, struct line *l, const uint8_t addr16[16],
    const uint8_t peer16[16])
{
	l->allow = prefix_list_has(&d->conf->allowlist, addr16) ||
	    prefix_list_has(&d->conf->allowlist, peer16);
	if (prefix_list_has(&d->conf->watchlist, peer16) && !l->watch) {
		l->watch = true;
		detect_evidence(d, l, EV_K_WATCHLIST, "peer on the watchlist", d->now);
		line_peer(l, peer16, 0);
	}
	return l;
}

struct line *
detect_line(struct detect *d, const uint8_t addr16[16], const struct ev_tuple *t,
    const uint8_t peer16[16])
{
	return detect_line_flags(d, line_get(d->lines, addr16, t, d->now), addr16, peer16);
}

struct line *
detect_line_existing(struct detect *d, const uint8_t addr16[16], const struct ev_tuple *t,
    const uint8_t peer16[16])
{
	struct line *l = line_get_existing(d->lines, addr16, t, d->now);

	if (l != NULL)
		return detect_line_flags(d, l, addr16, peer16);
	/* a peer on the watchlist is evidence: the line is made for it */
	if (prefix_list_has(&d->conf->watchlist, peer16))
		return detect_line(d, addr16, t, peer16);
	return NULL;
}

void
detect_judge(struct detect *d, struct line *l, usec_t ts)
{
	struct judgement j;
	struct jw w;

	judge_line(d->conf, l, &j);
	if (!judge_changed(l, &j))
		return;
	jw_init(&w, d->rec, sizeof(d->rec));
	judge_record_fields(&w, l, &j, d->accounts, d->hkeylen ? d->hkey : NULL,
	    d->hkeylen, ts);
	detect_evfile(d, l, &j, ts, &w);
	jw_obj_close(&w);
	judge_record_done(l, &j);
	if (report_emit_detection(&w, &d->out) == -1)
		d->st.record_overflow++;
	d->st.detections++;
}

static void
detect_count_sip(struct detect *d, const struct sip_msg *m)
{
	size_t i;

	if (!m->is_request) {
		d->st.sip_responses[m->status >= 100 && m->status < 700 ? m->status / 100 : 0]++;
		return;
	}
	for (i = 0; i < DM_OTHER; i++)
		if (strcmp(m->method, detect_method_names[i]) == 0)
			break;
	d->st.sip_requests[i]++;
}

static void
detect_tuple(struct jw *w, const struct ev_tuple *t)
{
	char ip[REPORT_IP_LEN];

	jw_str(w, "src_ip", report_ip(t->src, ip));
	jw_u64(w, "src_port", t->sport);
	jw_str(w, "dst_ip", report_ip(t->dst, ip));
	jw_u64(w, "dst_port", t->dport);
	report_line(w, t->vlan, t->nvlan, t->has_pppoe, t->pppoe_session);
}

static void
detect_emit(struct detect *d, struct jw *w)
{
	if (report_emit(w, &d->out) == -1)
		d->st.record_overflow++;
}

static void	detect_rtp_line(struct detect *, const struct event *);

/* An RTP stream, tied to its call when a call's SDP named its receiver. */
static void
detect_rtp(struct detect *d, const struct event *e)
{
	struct rtp_stream s = e->u.rtp.s;
	char call_id[SIP_CALLID_LEN] = "", codec[RTP_CODEC_LEN] = "";
	struct jw w;
	bool tied;

	tied = calls_media_find(d->calls, e->t.dst, e->t.dport, s.pt, call_id,
	    sizeof(call_id), codec, sizeof(codec)) ||
	    calls_media_find(d->calls, e->t.src, e->t.sport, s.pt, call_id,
	    sizeof(call_id), codec, sizeof(codec));
	if (tied && codec[0] != '\0' && strcasecmp(codec, s.codec) != 0)
		rtp_stream_set_codec(&s, codec, 0);
	jw_init(&w, d->rec, sizeof(d->rec));
	report_open(&w, "rtp", e->ts);
	detect_tuple(&w, &e->t);
	rtp_stream_write(&s, &w);
	if (tied)
		jw_str(&w, "call_id", call_id);
	if (e->u.rtp.rtcp_packets)
		jw_u64(&w, "rtcp_packets", e->u.rtp.rtcp_packets);
	jw_obj_close(&w);
	detect_emit(d, &w);
	d->st.rtp_records++;
	d->st.rtp_tied += tied;
	if (!tied)
		detect_rtp_line(d, e);
}

/*
 * Voice a line exchanges with a foreign peer without SIP we can read: how many
 * streams, and how many at once. Unnamed voice-paced flows (opaque_voice), and
 * RTP or SRTP streams the line sends that no SIP call's SDP named (SIP over TLS
 * with SRTP keeps a clear RTP header, so nDPI calls it RTP).
 */
static void
detect_voice_line(struct detect *d, const struct event *e, usec_t f, usec_t last,
    enum evidence_kind kind, const char *detail)
{
	const struct ev_tuple *t = &e->t;
	bool s = detect_is_subscriber(d, t->src), r = detect_is_subscriber(d, t->dst);
	const uint8_t *peer = s ? t->dst : t->src;
	unsigned i, overlap = 1;
	struct line *l;

	if (s == r || !detect_is_foreign(d, peer) || detect_is_trusted(d, peer))
		return;
	l = detect_line(d, s ? t->src : t->dst, t, peer);
	line_peer(l, peer, s ? t->dport : t->sport);
	for (i = 0; i < LINE_OPAQUE; i++)
		if (l->opaque_last[i] != 0 && l->opaque_first[i] < last && f < l->opaque_last[i])
			overlap++;
	l->nvoice++;
	l->opaque_first[l->opaque_pos % LINE_OPAQUE] = f;
	l->opaque_last[l->opaque_pos++ % LINE_OPAQUE] = last;
	if (overlap > l->max_opaque)
		l->max_opaque = (uint8_t)(overlap > 255 ? 255 : overlap);
	wcount_add(&l->opaque_flows, e->ts, d->conf->opaque_window);
	if (l->max_opaque >= d->conf->opaque_concurrent ||
	    wcount_sum(&l->opaque_flows, e->ts, d->conf->opaque_window) >=
	    d->conf->opaque_min_flows)
		detect_evidence(d, l, kind, detail, e->ts);
	detect_judge(d, l, e->ts);
}

/*
 * A TLS session from a line to a SIP-TLS port abroad (rule 6b): does its
 * client re-register on a ~60 s cadence? Informational alone; with voice
 * without SIP (6a) it is the signalling of that voice, named in the reason.
 */
static void
detect_tls(struct detect *d, const struct event *e)
{
	const struct ev_tls *x = &e->u.tls;
	const struct ev_tuple *t = &e->t;
	uint32_t mean = tls_cadence_mean_ms(&x->cad);
	struct line *l;

	if (!detect_is_subscriber(d, t->src) || detect_is_subscriber(d, t->dst) ||
	    !detect_is_foreign(d, t->dst) || detect_is_trusted(d, t->dst) ||
	    x->cad.bursts < DETECT_TLS_MIN_BURSTS ||
	    mean < DETECT_TLS_GAP_MIN_MS || mean > DETECT_TLS_GAP_MAX_MS)
		return;
	l = detect_line(d, t->src, t, t->dst);
	line_peer(l, t->dst, t->dport);
	memcpy(l->tls_peer, t->dst, 16);
	l->tls_port = t->dport;
	l->tls_gap_ms = mean;
	l->tls_first = x->first;
	l->tls_last = x->last;
	detect_evidence(d, l, EV_K_SIP_TLS_CADENCE, x->sni[0] != '\0' ? x->sni : "(no SNI)",
	    e->ts);
	detect_judge(d, l, e->ts);
}

/* An RTP stream the line sent, no SIP call tied to it: voice long enough to count? */
static void
detect_rtp_line(struct detect *d, const struct event *e)
{
	const struct rtp_stream *s = &e->u.rtp.s;

	if (!detect_is_subscriber(d, e->t.src) || detect_is_subscriber(d, e->t.dst) ||
	    s->packets < d->conf->opaque_min_packets ||
	    s->last_seen < s->first_seen + d->conf->opaque_min_duration)
		return;
	detect_voice_line(d, e, s->first_seen, s->last_seen, EV_K_SRTP_VOICE,
	    "RTP/SRTP voice to foreign peers, no SIP seen");
}

static void
detect_opaque(struct detect *d, const struct event *e)
{
	struct jw w;

	jw_init(&w, d->rec, sizeof(d->rec));
	report_open(&w, "opaque_voice", e->ts);
	jw_str(&w, "proto", "udp");
	detect_tuple(&w, &e->t);
	jw_ts(&w, "first_ts", e->u.opaque.first);
	jw_ts(&w, "last_ts", e->u.opaque.last);
	jw_dbl(&w, "duration", (double)(e->u.opaque.last - e->u.opaque.first) / 1e6, 3);
	pace_write(&e->u.opaque.p, &d->pp, &w);
	jw_obj_close(&w);
	detect_emit(d, &w);
	d->st.opaque_records++;
	detect_voice_line(d, e, e->u.opaque.first, e->u.opaque.last, EV_K_OPAQUE_VOICE,
	    "voice-like UDP to foreign peers");
}

/* Capture time moves on; the tables' timers are walked at most once a second. */
static void
detect_clock(struct detect *d, usec_t now)
{
	d->now = now;
	if (now < d->last_tick + USEC_PER_SEC)
		return;
	d->last_tick = now;
	calls_tick(d->calls, now);
	regs_tick(d->regs, now);
}

void
detect_event(struct detect *d, const struct event *e)
{
	if (e->kind == EV_RTP_HEAD)
		return;	/* a frame for evidence only: no time, no count (detect-evidence.c) */
	d->st.events++;
	if (e->ts > d->now)
		detect_clock(d, e->ts);
	switch (e->kind) {
	case EV_SIP:
		detect_count_sip(d, &e->u.sip.msg);
		regs_sip(d->regs, e);
		calls_sip(d->calls, e);
		detect_sip(d, e);
		break;
	case EV_RTP:
		detect_rtp(d, e);
		break;
	case EV_OPAQUE:
		detect_opaque(d, e);
		break;
	case EV_TLS:
		detect_tls(d, e);
		break;
	default:
		detect_device(d, e);
		break;
	}
	detect_mac(d, e);
}

void
detect_tick(struct detect *d, usec_t now)
{
	if (now > d->now)
		detect_clock(d, now);
}

void
detect_finish(struct detect *d, usec_t now)
{
	if (now > d->now)
		d->now = now;
	calls_finish(d->calls, d->now);
	regs_finish(d->regs, d->now);
}

void
detect_stats(const struct detect *d, struct detect_stats *st)
{
	*st = d->st;
	st->lines = line_table_in_use(d->lines);
	st->line_evictions = line_table_evictions(d->lines);
	st->evidence_drops = keep_drops(d->keep);
}

void
detect_stats_write(const struct detect *d, struct jw *w)
{
	static const char *const cls[7] = { "other", "1xx", "2xx", "3xx", "4xx", "5xx", "6xx" };
	size_t i;

	jw_obj_open(w, "sip");
	jw_obj_open(w, "requests");
	for (i = 0; i < DM_N; i++)
		jw_u64(w, detect_method_names[i], d->st.sip_requests[i]);
	jw_obj_close(w);
	jw_obj_open(w, "responses");
	for (i = 1; i < 7; i++)
		jw_u64(w, cls[i], d->st.sip_responses[i]);
	jw_u64(w, cls[0], d->st.sip_responses[0]);
	jw_obj_close(w);
	jw_obj_close(w);
	jw_obj_open(w, "media");
	jw_u64(w, "rtp_records", d->st.rtp_records);
	jw_u64(w, "rtp_tied_to_call", d->st.rtp_tied);
	jw_u64(w, "opaque_voice_records", d->st.opaque_records);
	jw_obj_close(w);
	calls_stats_write(d->calls, w);
	regs_stats_write(d->regs, w);
	jw_obj_open(w, "detection");
	jw_u64(w, "records", d->st.detections);
	jw_u64(w, "lines", line_table_in_use(d->lines));
	jw_u64(w, "line_evictions", line_table_evictions(d->lines));
	jw_u64(w, "accounts_learnt", d->st.accounts);
	jw_u64(w, "config_reloads", d->st.reloads);
	jw_u64(w, "accounts_replaced", account_replaced(d->accounts));
	jw_obj_close(w);
	detect_evidence_stats_write(d, w);
	jw_u64(w, "detect_events", d->st.events);
	jw_u64(w, "detect_record_overflow", d->st.record_overflow);
}

size_t
detect_bytes(const struct detect *d)
{
	return sizeof(*d) + line_table_bytes(d->lines) + calls_bytes(d->calls) +
	    regs_bytes(d->regs) + keep_bytes(d->keep);
}
