/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One lead in detail: head, assignment, appliances, evidence, detections,
 * infrastructure, SIMs, linked leads and history. One table of sections (SQL
 * and typed columns) feeds two renderers: the terminal (`lead show`) and JSON
 * (the console API, docs/api.md).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "leads.h"
#include "out.h"
#include "record.h"
#include "sims.h"
#include "storage.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)

/* DC_MS_TIME: epoch ms as RFC 3339 with ms; DC_MS_SECS: ms as seconds (1.234) */
enum dcol_type { DC_INT, DC_TEXT, DC_TIME, DC_MS_TIME, DC_MS_SECS };

struct dcol {
	const char	*key;
	enum dcol_type	 type;
};

#define SECTION_COLS	8

/* A list under the lead: $1 is the lead id; cols name the SQL columns in order. */
struct section {
	const char	*key;		/* JSON key */
	const char	*title;		/* terminal heading */
	const char	*sql;
	struct dcol	 cols[SECTION_COLS];
	db_row_fn	 tty;		/* the terminal line of a row */
	db_row_fn	 json;		/* NULL: an object of cols */
};

struct show_ctx {
	FILE			*out;
	int			 n;
	const struct section	*s;
	bool			 open;	/* the JSON section's key and '[' written */
};

/* "-" for an absent value, else the terminal form of text. */
static const char *
text_or_dash(struct out_tty *e, const char *s)
{
	return s == NULL ? "-" : out_tty(e, s);
}

static const char *
int_or_dash(const struct lead_val *v, char *buf, size_t len)
{
	if (v->null)
		return "-";
	snprintf(buf, len, "%" PRId64, v->i);
	return buf;
}

static int
head_row(void *arg, const struct lead_row *r)
{
	struct show_ctx *x = arg;
	const struct lead_val *v = r->v;
	char t[5][24], n[3][24], left[24];
	struct out_tty e;

	x->n++;
	fprintf(x->out, "lead %" PRId64 "  tier %s  status %s  verdict %s  score %s\n",
	    v[LEAD_ID].i, out_tty(&e, v[LEAD_TIER].s), out_tty(&e, v[LEAD_STATUS].s),
	    out_tty(&e, v[LEAD_VERDICT].s), int_or_dash(&v[LEAD_SCORE], n[0], 24));
	fprintf(x->out, "line      %s vlan %s pppoe %s  account %s  device %s\n"
	    "deadline  %s (%s)\nseen      %s .. %s, %" PRId64 " detections\n"
	    "raised    %s; last feedback %s by %s\n",
	    out_tty(&e, v[LEAD_IP].s), int_or_dash(&v[LEAD_VLAN], n[1], 24),
	    int_or_dash(&v[LEAD_PPPOE], n[2], 24), text_or_dash(&e, v[LEAD_ACCOUNT].s),
	    text_or_dash(&e, v[LEAD_DEVICE_ID].s),
	    out_time(v[LEAD_DEADLINE].i, t[0], sizeof(t[0])),
	    v[LEAD_LEFT].null ? "feedback given" : v[LEAD_LEFT].i < 0 ? "OVERDUE" :
	    out_span(v[LEAD_LEFT].i, left, sizeof(left)),
	    out_time(v[LEAD_FIRST_SEEN].i, t[1], sizeof(t[1])),
	    out_time(v[LEAD_LAST_SEEN].i, t[2], sizeof(t[2])), v[LEAD_DETECTIONS].i,
	    out_time(v[LEAD_RAISED_AT].i, t[3], sizeof(t[3])),
	    out_time(v[LEAD_STATUS_AT].i, t[4], sizeof(t[4])),
	    text_or_dash(&e, v[LEAD_STATUS_BY].s));
	return 0;
}

static int
assigned_row(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;
	char t[24];
	struct out_tty e;

	if (r->v[0] != NULL)
		fprintf(x->out, "assigned  %s at %s\n", out_tty(&e, r->v[0]),
		    out_time(row_int(r, 1), t, sizeof(t)));
	return 0;
}

static int
appliance_tty(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;
	char t[2][24];
	struct out_tty e;

	fprintf(x->out, "  %-22s first %s  last %s\n", out_tty(&e, r->v[0]),
	    out_time(row_int(r, 1), t[0], sizeof(t[0])),
	    out_time(row_int(r, 2), t[1], sizeof(t[1])));
	return 0;
}

/* Three text columns: evidence, infrastructure. */
static int
line_tty(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;
	struct out_tty e;

	fprintf(x->out, "  %-22s %-44s %s\n", out_tty(&e, r->v[0]), out_tty(&e, r->v[1]),
	    r->n > 2 ? out_tty(&e, r->v[2]) : "");
	return 0;
}

static int
sim_tty(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;
	struct out_tty e;

	fprintf(x->out, "  %-22s %-22s %-22s imei %s  %s\n", text_or_dash(&e, r->v[0]),
	    text_or_dash(&e, r->v[1]), text_or_dash(&e, r->v[2]),
	    text_or_dash(&e, r->v[3]), r->v[6] != NULL ? out_tty(&e, r->v[6]) : "");
	return 0;
}

static int
linked_tty(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;
	struct out_tty e;

	fprintf(x->out, "  lead %-5s %-7s %-14s %-20s shares %s %s\n", row_str(r, 0),
	    out_tty(&e, r->v[1]), out_tty(&e, r->v[2]), out_tty(&e, r->v[3]),
	    out_tty(&e, r->v[4]), out_tty(&e, r->v[5]));
	return 0;
}

static int
event_tty(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;
	char t[24];
	struct out_tty e;

	fprintf(x->out, "  %s  %-10s %s%-14s by %s%s", out_time(row_int(r, 0), t,
	    sizeof(t)), out_tty(&e, r->v[1]), r->v[6] ? "to " : "",
	    out_tty(&e, r->v[2] ? r->v[2] : r->v[3] ? r->v[3] : r->v[6]),
	    out_tty(&e, r->v[4]), r->v[5] ? ": " : "");
	out_tty_put(x->out, r->v[5]);
	fputc('\n', x->out);
	return 0;
}

/* The fields of a detection record as stored; false when it does not parse. */
static bool
detection_of(const struct db_row *r, struct detection *d)
{
	const char *why, *body = row_str(r, 4);

	return record_detection(body, strlen(body), d, &why) == 0;
}

static int
detection_tty(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;
	struct detection *d = malloc(sizeof(*d));
	char t[24];
	struct out_tty e;
	bool ok = d != NULL && detection_of(r, d);

	fprintf(x->out, "  %s  %-22s seq %-8s %-7s %-14s score %-4" PRId64 " device %s\n",
	    out_time(row_int(r, 2), t, sizeof(t)), out_tty(&e, r->v[0]), row_str(r, 1),
	    ok ? out_tty(&e, d->tier) : "?", ok ? out_tty(&e, d->verdict) : "?",
	    ok ? d->score : 0, ok && d->device_id[0] ? out_tty(&e, d->device_id) : "-");
	free(d);
	return 0;
}

/*
 * Sample calls of the lead's line (line-calls.c): the calls the lead's
 * appliances reported for its address on its VLAN/PPPoE, newest first.
 */
#define LEAD_CALLS_MAX	20

static const struct dcol call_cols[] = {
	{ "appliance", DC_TEXT }, { "call_id", DC_TEXT }, { "caller", DC_TEXT },
	{ "callee", DC_TEXT }, { "direction", DC_TEXT }, { "src_ip", DC_TEXT },
	{ "src_port", DC_INT }, { "dst_ip", DC_TEXT }, { "dst_port", DC_INT },
	{ "user_agent", DC_TEXT }, { "server", DC_TEXT }, { "first_ts", DC_MS_TIME },
	{ "invite_ts", DC_MS_TIME }, { "setup_time", DC_MS_SECS },
	{ "answer_ts", DC_MS_TIME }, { "end_ts", DC_MS_TIME }, { "duration", DC_MS_SECS },
	{ "status", DC_INT }, { "state", DC_TEXT }, { "end", DC_TEXT },
	{ "hangup", DC_TEXT }, { "bye_status", DC_INT }, { "messages", DC_INT },
	{ NULL, DC_INT },
};

static int
call_tty(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;
	char t[24];
	struct out_tty e;

	fprintf(x->out, "  %s  %-22s ", out_time(row_int(r, 15) / 1000, t, sizeof(t)),
	    out_tty(&e, r->v[2]));
	fprintf(x->out, "-> %-22s ", out_tty(&e, r->v[3]));
	fprintf(x->out, "%-10s %" PRId64 ".%03" PRId64 " s  ", out_tty(&e, r->v[18]),
	    row_int(r, 16) / 1000, row_int(r, 16) % 1000);
	fprintf(x->out, "%s\n", out_tty(&e, r->v[9]));
	return 0;
}

static int call_json(void *, const struct db_row *);

static const struct section sections[] = {
	{ "appliances", "appliances", "SELECT appliance, first_seen, last_seen"
	  " FROM lead_sources WHERE lead_id = $1 ORDER BY appliance",
	  { { "appliance", DC_TEXT }, { "first_seen", DC_TIME }, { "last_seen", DC_TIME } },
	  appliance_tty, NULL },
	{ "evidence", "evidence", "SELECT kind, detail, count, first_ts, last_ts"
	  " FROM lead_evidence WHERE lead_id = $1 ORDER BY kind, detail",
	  { { "kind", DC_TEXT }, { "detail", DC_TEXT }, { "count", DC_INT },
	    { "first_ts", DC_TIME }, { "last_ts", DC_TIME } }, line_tty, NULL },
	{ "infrastructure", "infrastructure", "SELECT kind, value FROM lead_infra"
	  " WHERE lead_id = $1 ORDER BY kind, value",
	  { { "kind", DC_TEXT }, { "value", DC_TEXT } }, line_tty, NULL },
	{ "sims", "sims (imsi / iccid / msisdn / imei / disposition)", "SELECT s.imsi,"
	  " s.iccid, s.msisdn, s.imei, s.first_seen, s.last_seen, d.disposition, d.at"
	  " FROM sims s LEFT JOIN " SIMS_DISPOSITION_VIEW " d ON d.sim_key = s.sim_key"
	  " WHERE s.lead_id = $1 ORDER BY s.sim_key",
	  { { "imsi", DC_TEXT }, { "iccid", DC_TEXT }, { "msisdn", DC_TEXT },
	    { "imei", DC_TEXT }, { "first_seen", DC_TIME }, { "last_seen", DC_TIME },
	    { "disposition", DC_TEXT }, { "disposition_at", DC_TIME } },
	  sim_tty, NULL },
	/* leads sharing a peer, IMSI or IMEI with this one, and what they share:
	 * the other lead's tier, status and ip are on its infrastructure row
	 * (migration 19), so the page is read from the index lead_infra_link */
	{ "linked", "linked leads", "SELECT b.lead_id, b.lead_tier, b.lead_status,"
	  " b.lead_ip, a.kind, a.value FROM lead_infra a"
	  " JOIN lead_infra b ON b.kind = a.kind AND b.value = a.value"
	  " AND b.lead_id <> a.lead_id WHERE a.lead_id = $1"
	  " ORDER BY b.lead_id, a.kind, a.value LIMIT " STR(LEAD_DETECTIONS_MAX),
	  { { "lead", DC_INT }, { "tier", DC_TEXT }, { "status", DC_TEXT }, { "ip", DC_TEXT },
	    { "kind", DC_TEXT }, { "value", DC_TEXT } }, linked_tty, NULL },
	{ "history", "history", "SELECT at, kind, status, tier, who, note, assignee"
	  " FROM lead_events WHERE lead_id = $1 ORDER BY at, id",
	  { { "at", DC_TIME }, { "kind", DC_TEXT }, { "status", DC_TEXT },
	    { "tier", DC_TEXT }, { "who", DC_TEXT }, { "note", DC_TEXT },
	    { "assignee", DC_TEXT } }, event_tty, NULL },
	{ "calls", "sample calls (newest " STR(LEAD_CALLS_MAX) ")", "SELECT c.appliance,"
	  " c.call_id, c.caller, c.callee, c.direction, c.src_ip, c.src_port, c.dst_ip,"
	  " c.dst_port, c.user_agent, c.server, c.first_ms, c.invite_ms, c.setup_ms,"
	  " c.answer_ms, c.end_ms, c.duration_ms, c.status, c.state, c.end_reason,"
	  " c.hangup, c.bye_status, c.messages FROM leads l JOIN lead_sources s"
	  " ON s.lead_id = l.id JOIN line_calls c ON c.appliance = s.appliance"
	  " AND c.ip = l.ip AND c.vlan = COALESCE(l.vlan, -1)"
	  " AND c.pppoe = COALESCE(l.pppoe, -1) WHERE l.id = $1"
	  " ORDER BY c.end_ms DESC, c.id DESC LIMIT " STR(LEAD_CALLS_MAX),
	  { { NULL, DC_INT } }, call_tty, call_json },
};

static const char detections_sql[] = "SELECT lr.appliance, lr.seq, lr.ts, r.received,"
	" r.body FROM lead_records lr JOIN records r ON r.appliance = lr.appliance"
	" AND r.seq = lr.seq WHERE lr.lead_id = $1 ORDER BY lr.ts DESC, lr.appliance,"
	" lr.seq DESC LIMIT " STR(LEAD_DETECTIONS_MAX);

static const struct dcol assigned_cols[] = {
	{ "assignee", DC_TEXT }, { "assigned_at", DC_TIME }, { NULL, DC_INT },
};

static const char assigned_sql[] = "SELECT assignee, assigned_at FROM leads"
	" WHERE id = $1";

static const char detections_total_sql[] = "SELECT COUNT(*) FROM lead_records"
	" WHERE lead_id = $1";

static int64_t
detections_total(struct storage *st, int64_t id)
{
	int64_t n = 0;

	(void)db_int(st, detections_total_sql, (struct db_arg[]){ DB_I(id) }, 1, 0, &n);
	return n;
}

int
lead_show(struct storage *st, int64_t id, int64_t now, FILE *out)
{
	struct show_ctx x = { out, 0, NULL, false };
	struct leads_filter f = { .now = now, .id = id };
	struct db_arg a[] = { DB_I(id) };
	int64_t n;

	/* id 0 would select every lead */
	if (id > 0 && leads_query(st, &f, head_row, &x) == -1)
		return -1;
	if (x.n == 0) {
		snprintf(st->err, sizeof(st->err), "no lead %" PRId64, id);
		return -1;
	}
	if (db_query(st, assigned_sql, a, 1, assigned_row, &x) == -1)
		return -1;
	for (size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++) {
		fprintf(out, "%s:\n", sections[i].title);
		if (db_query(st, sections[i].sql, a, 1, sections[i].tty, &x) == -1)
			return -1;
		if (i != 1)
			continue;
		n = detections_total(st, id);
		fprintf(out, "detections (%" PRId64 ", newest %d shown):\n", n,
		    n < LEAD_DETECTIONS_MAX ? (int)n : LEAD_DETECTIONS_MAX);
		if (db_query(st, detections_sql, a, 1, detection_tty, &x) == -1)
			return -1;
	}
	return 0;
}

/* Epoch ms as "2026-11-29T09:19:26.123Z". */
static void
json_ms_time(FILE *o, int64_t ms)
{
	char b[32];
	struct tm tm;
	time_t t = (time_t)(ms / 1000);

	if (gmtime_r(&t, &tm) == NULL || strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S",
	    &tm) == 0)
		fputs("null", o);
	else
		fprintf(o, "\"%s.%03dZ\"", b, (int)(ms % 1000));
}

/* ,"key":value for each column up to max (no comma before the first when first). */
static void
json_cols(FILE *o, const struct dcol *c, int max, const struct db_row *r, bool first)
{
	char b[32];

	for (int k = 0; k < max && c[k].key != NULL; k++) {
		fprintf(o, "%s\"%s\":", first && k == 0 ? "" : ",", c[k].key);
		if (k >= r->n || r->v[k] == NULL || (c[k].type != DC_INT &&
		    c[k].type != DC_TEXT && row_int(r, k) < (c[k].type == DC_TIME)))
			fputs("null", o);
		else if (c[k].type == DC_TEXT)
			out_json_str(o, r->v[k]);
		else if (c[k].type == DC_TIME)
			out_json_str(o, out_time_iso(row_int(r, k), b, sizeof(b)));
		else if (c[k].type == DC_MS_TIME)
			json_ms_time(o, row_int(r, k));
		else if (c[k].type == DC_MS_SECS)
			fprintf(o, "%" PRId64 ".%03d", row_int(r, k) / 1000,
			    (int)(row_int(r, k) % 1000));
		else
			fprintf(o, "%" PRId64, row_int(r, k));
	}
}

static void
json_fields(FILE *o, const struct dcol *c, const struct db_row *r, bool first)
{
	json_cols(o, c, SECTION_COLS, r, first);
}

/* ,"key":[ once, before the section's first row or its end. */
static void
section_open(struct show_ctx *x)
{
	if (!x->open)
		fprintf(x->out, ",\"%s\":[", x->s->key);
	x->open = true;
}

static int
section_close(void *arg)
{
	struct show_ctx *x = arg;

	section_open(x);
	fputc(']', x->out);
	return 0;
}

static int
json_row(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;

	section_open(x);
	fputs(x->n++ ? ",{" : "{", x->out);
	json_fields(x->out, x->s->cols, r, true);
	fputc('}', x->out);
	return 0;
}

static int
call_json(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;

	section_open(x);
	fputs(x->n++ ? ",{" : "{", x->out);
	json_cols(x->out, call_cols, (int)(sizeof(call_cols) / sizeof(call_cols[0])), r,
	    true);
	fputc('}', x->out);
	return 0;
}

static int
assigned_json(void *arg, const struct db_row *r)
{
	json_fields(arg, assigned_cols, r, false);
	return 0;
}

/* A detection: where and when it was stored, and what the appliance said. */
static int
detection_json(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;
	static const struct dcol cols[] = { { "appliance", DC_TEXT }, { "seq", DC_INT },
	    { "ts", DC_TIME }, { "received", DC_TIME }, { NULL, DC_INT } };
	struct detection *d = malloc(sizeof(*d));

	if (d == NULL)
		return -1;
	section_open(x);
	fputs(x->n++ ? ",{" : "{", x->out);
	json_fields(x->out, cols, r, true);
	if (detection_of(r, d)) {
		out_json_kv_opt(x->out, "tier", d->tier);
		out_json_kv_opt(x->out, "verdict", d->verdict);
		fprintf(x->out, ",\"score\":%" PRId64, d->score);
		out_json_kv_opt(x->out, "ip", d->ip);
		out_json_kv_num(x->out, "vlan", d->vlan, d->vlan >= 0);
		out_json_kv_num(x->out, "pppoe_session", d->pppoe,
		    d->pppoe >= 0);
		out_json_kv_opt(x->out, "account", d->account);
		out_json_kv_opt(x->out, "device_id", d->device_id);
		fprintf(x->out, ",\"evidence\":%d,\"peers\":%d,\"sims\":%d", d->nev,
		    d->npeers, d->nsims);
	}
	fputc('}', x->out);
	free(d);
	return 0;
}

/* {"lead":HEAD without the closing brace; LEAD_NO_LEAD when there is none. */
static enum lead_result
head_json(struct storage *st, int64_t id, int64_t now, FILE *out)
{
	struct leads_filter f = { .now = now, .id = id };
	char *buf = NULL;
	size_t len = 0;
	FILE *m;
	int rc;

	if (id <= 0)
		return LEAD_NO_LEAD;	/* id 0 would select every lead */
	if ((m = open_memstream(&buf, &len)) == NULL)
		return LEAD_ERROR;
	rc = leads_json(st, &f, m);
	if (fclose(m) != 0 || rc == -1) {
		free(buf);
		return LEAD_ERROR;
	}
	while (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0) {
		fputs("{\"lead\":", out);
		fwrite(buf, 1, len, out);
	}
	free(buf);
	return len == 0 ? LEAD_NO_LEAD : LEAD_OK;
}

enum lead_result
lead_head_json(struct storage *st, int64_t id, int64_t now, FILE *out)
{
	enum lead_result rc = head_json(st, id, now, out);

	if (rc == LEAD_OK && db_query(st, assigned_sql, (struct db_arg[]){ DB_I(id) }, 1,
	    assigned_json, out) == -1)
		return LEAD_ERROR;
	if (rc == LEAD_OK)
		fputs("}\n", out);
	return rc;
}

static int
total_row(void *arg, const struct db_row *r)
{
	*(int64_t *)arg = row_int(r, 0);
	return 0;
}

/*
 * The head first (it tells whether the lead exists), then the assignee, the
 * sections, the detections and their count deferred: one round trip for all
 * on PostgreSQL. Each section's key is written before its first row or at its
 * end, so the rows arrive in order into one object.
 */
enum lead_result
lead_detail_json(struct storage *st, int64_t id, int64_t now, FILE *out)
{
	static const struct section det = { "detections", NULL, detections_sql, { { 0 } },
	    NULL, detection_json };
	enum { NSEC = sizeof(sections) / sizeof(sections[0]) };
	struct show_ctx x[NSEC + 1];
	struct db_arg a[] = { DB_I(id) };
	enum lead_result rc = head_json(st, id, now, out);
	int64_t total = 0;
	int err;

	if (rc != LEAD_OK)
		return rc;
	err = db_defer_query(st, assigned_sql, a, 1, assigned_json, NULL, out);
	for (size_t i = 0; i <= NSEC && err == 0; i++) {
		x[i] = (struct show_ctx){ out, 0, i < NSEC ? &sections[i] : &det, false };
		err = db_defer_query(st, x[i].s->sql, a, 1, x[i].s->json != NULL ?
		    x[i].s->json : json_row, section_close, &x[i]);
	}
	if (err == 0)
		err = db_defer_query(st, detections_total_sql, a, 1, total_row, NULL, &total);
	if (err == -1 || db_flush(st) == -1)
		return LEAD_ERROR;
	fprintf(out, ",\"detections_total\":%" PRId64 "}\n", total);
	return LEAD_OK;
}
