/* SPDX-License-Identifier: BSD-2-Clause */
/* The console API: card cutting (SIMs, carriers' dispositions, CSV exports) and the audit export (docs/api.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api-int.h"
#include "apibody.h"
#include "audit.h"
#include "carrier.h"
#include "out.h"
#include "sims.h"

#define SIMS_PAGE		500
#define SIMS_PAGE_MAX		5000
#define SIMS_BULK_MAX		500	/* SIMs in one disposition request */
#define HISTORY_PAGE		100
#define HISTORY_PAGE_MAX	500
#define AUDIT_CSV_MAX		1000000
#define CSV_TYPE		"text/csv; charset=utf-8"

/*
 * What the caller may see: a carrier its own carrier's SIMs of confirmed or
 * urgent leads, without lead status; other roles any SIM, filtered by the
 * query's carrier= and cutting=1. -1 after answering 400 or 403.
 */
static int
view_of(struct call *c, struct sims_view *v)
{
	const char *q = http_query(c->req, "carrier"), *cut = http_query(c->req, "cutting");

	memset(v, 0, sizeof(*v));
	if (q != NULL && !users_carrier_is_valid(q))
		return api_fail(c, 400, "carrier: MCC+MNC, 5 or 6 digits"), -1;
	if (cut != NULL && strcmp(cut, "1") != 0 && strcmp(cut, "0") != 0)
		return api_fail(c, 400, "cutting: 0 or 1"), -1;
	if (c->u.role != ROLE_CARRIER) {
		v->f.carrier = q;
		v->f.cutting = cut != NULL && strcmp(cut, "1") == 0;
		return 0;
	}
	if (!users_carrier_is_valid(c->u.carrier))
		return api_fail(c, 403, "this carrier user has no carrier"), -1;
	if (q != NULL && strcmp(carrier_group(q), carrier_group(c->u.carrier)) != 0)
		return api_fail(c, 403, "a carrier sees only its own SIMs"), -1;
	v->f.carrier = c->u.carrier;
	v->f.cutting = true;
	v->carrier = true;
	return 0;
}

static void
h_sims(struct call *c)
{
	struct sims_view v;
	int64_t n, last_lead = 0;
	char last_sim[SIMS_KEY_MAX] = "", what[32];
	FILE *o;

	if (view_of(c, &v) == -1)
		return;
	if (api_query_num(c, "limit", 1, SIMS_PAGE_MAX, SIMS_PAGE, &v.f.limit) == -1 ||
	    api_query_num(c, "after_lead", 0, INT64_MAX, 0, &v.f.after_lead) == -1)
		return api_fail(c, 400, "limit: 1..5000, after_lead: a lead id");
	if ((v.f.after_sim = http_query(c->req, "after_sim")) == NULL)
		v.f.after_sim = "";
	if ((o = api_json_begin(c)) == NULL)
		return api_fail(c, 500, "out of memory");
	fputs("{\"sims\":[", o);
	if (sims_json(c->st, &v, o, &n, &last_lead, last_sim) == -1) {
		fclose(o);
		return api_fail(c, 500, "storage error");
	}
	if (n == v.f.limit) {
		fprintf(o, "],\"next\":{\"after_lead\":%" PRId64 ",\"after_sim\":", last_lead);
		out_json_str(o, last_sim);
		fputs("}}\n", o);
	} else
		fputs("],\"next\":null}\n", o);
	snprintf(what, sizeof(what), "sims%s%s", v.f.carrier ? " " : "",
	    v.f.carrier ? v.f.carrier : "");
	api_audit(c, api_who(c), "list", what, "ok");
	api_json_end(c, o, 200);
}

/* attachment; filename="NAME-YYYYMMDD.csv" */
static void
attachment(struct call *c, const char *name)
{
	time_t t = (time_t)c->now;
	struct tm tm;
	char day[16];

	strftime(day, sizeof(day), "%Y%m%d", gmtime_r(&t, &tm));
	snprintf(c->out->disposition, sizeof(c->out->disposition),
	    "attachment; filename=\"%s-%s.csv\"", name, day);
	c->out->ctype = CSV_TYPE;
}

static void
h_sims_csv(struct call *c)
{
	struct sims_view v;
	char name[32], what[64];
	int64_t n = 0;
	FILE *o;

	if (view_of(c, &v) == -1)
		return;
	if ((o = api_json_begin(c)) == NULL)
		return api_fail(c, 500, "out of memory");
	if (sims_csv(c->st, &v, o, &n) == -1) {
		fclose(o);
		return api_fail(c, 500, "storage error");
	}
	/* v.f.carrier is 5 or 6 digits here */
	snprintf(name, sizeof(name), "sims-%s", v.f.carrier ? v.f.carrier : "all");
	snprintf(what, sizeof(what), "%s%s rows %" PRId64, name, v.f.cutting ?
	    " cutting" : "", n);
	api_audit(c, api_who(c), "export", what, "ok");
	attachment(c, name);
	api_json_end(c, o, 200);
}

/* The dispositions body, parsed. */
struct dispose_req {
	char			 keys[SIMS_BULK_MAX][SIMS_KEY_MAX];
	const char		*keyp[SIMS_BULK_MAX];
	char			 disposition[16], note[SIMS_NOTE_MAX];
	struct apibody_field	 str[2];
	struct apibody_int	 num[1];
	struct apibody_strs	 strs[1];
};

/* 0, or -1 after answering 400. */
static int
dispose_parse(struct call *c, struct dispose_req *r)
{
	struct apibody_spec sp = { r->str, 2, r->num, 1, r->strs, 1 };
	char err[160];

	r->str[0] = (struct apibody_field){ "disposition", r->disposition,
	    sizeof(r->disposition), true, false };
	r->str[1] = (struct apibody_field){ "note", r->note, sizeof(r->note), false, false };
	r->num[0] = (struct apibody_int){ .name = "at", .lo = SIMS_AT_MIN,
	    .hi = c->now + SIMS_AT_SLACK };
	r->strs[0] = (struct apibody_strs){ .name = "sims", .buf = &r->keys[0][0],
	    .cap = SIMS_KEY_MAX, .max = SIMS_BULK_MAX, .required = true };
	if (apibody_parse_spec(c->req->body, c->req->body_len, &sp, err, sizeof(err)) == -1)
		return api_fail(c, 400, err), -1;
	if (!sims_disposition_is_valid(r->disposition))
		return api_fail(c, 400, "disposition: shut_down, restored or not_ours"), -1;
	for (int i = 0; i < r->strs[0].n; i++) {
		r->keyp[i] = r->keys[i];
		for (int k = 0; k < i; k++)
			if (strcmp(r->keys[k], r->keys[i]) == 0)
				return api_fail(c, 400, "sims: a SIM given twice"), -1;
	}
	return 0;
}

/* 404 naming the SIM the caller may not dispose of. */
static void
dispose_missing(struct call *c, const char *key)
{
	FILE *o;

	api_audit(c, api_who(c), "sim disposition", key, "not found");
	if ((o = api_json_begin(c)) == NULL)
		return api_fail(c, 500, "out of memory");
	fputs("{\"error\":\"no such SIM among yours; nothing was recorded\",\"sim\":", o);
	out_json_str(o, key);
	fputs("}\n", o);
	api_json_end(c, o, 404);
}

static void
h_dispose(struct call *c)
{
	struct dispose_req *r = calloc(1, sizeof(*r));
	struct sims_filter f = { 0 };
	struct sims_disposition d;
	char at[32];
	int missing;
	FILE *o;

	if (r == NULL)
		return api_fail(c, 500, "out of memory");
	if (dispose_parse(c, r) == -1)
		goto out;
	if (c->u.role == ROLE_CARRIER) {
		f.carrier = c->u.carrier;
		f.cutting = true;
	}
	d = (struct sims_disposition){ r->disposition, r->num[0].seen ? r->num[0].v : c->now,
	    api_who(c), r->str[1].seen ? r->note : NULL, c->now };
	if (c->u.role == ROLE_CARRIER && !users_carrier_is_valid(c->u.carrier))
		api_fail(c, 403, "this carrier user has no carrier");
	else if (sims_dispose(c->st, &f, r->keyp, r->strs[0].n, &d, &missing) == 0) {
		for (int i = 0; i < r->strs[0].n; i++)
			api_audit(c, api_who(c), "sim disposition", r->keys[i], d.disposition);
		if ((o = api_json_begin(c)) == NULL) {
			api_fail(c, 500, "out of memory");
			goto out;
		}
		fprintf(o, "{\"recorded\":%d,\"disposition\":\"%s\",\"at\":\"%s\"}\n",
		    r->strs[0].n, d.disposition, out_time_iso(d.at, at, sizeof(at)));
		api_json_end(c, o, 200);
	} else if (missing >= 0)
		dispose_missing(c, r->keys[missing]);
	else
		api_fail(c, 500, "storage error");
out:
	free(r);
}

static int
history_row(void *arg, const struct db_row *r)
{
	struct api_rows *w = arg;
	char a[32], b[32];

	w->last = row_int(r, 0);
	fprintf(w->o, "%s{\"id\":%" PRId64, w->n++ ? "," : "", row_int(r, 0));
	out_json_kv(w->o, "sim", r->v[1]);
	out_json_kv(w->o, "disposition", r->v[2]);
	out_json_kv(w->o, "at", out_time_iso(row_int(r, 3), a, sizeof(a)));
	out_json_kv(w->o, "by", r->v[4]);
	out_json_kv(w->o, "note", r->v[5]);
	out_json_kv(w->o, "recorded", out_time_iso(row_int(r, 6), b, sizeof(b)));
	fputc('}', w->o);
	return 0;
}

static void
h_history(struct call *c)
{
	struct sims_view v;
	struct api_rows w = { 0 };
	int64_t limit, before;

	if (view_of(c, &v) == -1)
		return;
	if (api_query_num(c, "limit", 1, HISTORY_PAGE_MAX, HISTORY_PAGE, &limit) == -1 ||
	    api_query_num(c, "before", 0, INT64_MAX, 0, &before) == -1)
		return api_fail(c, 400, "limit: 1..500, before: a disposition id");
	v.f.key = http_query(c->req, "sim");
	if ((w.o = api_json_begin(c)) == NULL)
		return api_fail(c, 500, "out of memory");
	fputs("{\"dispositions\":[", w.o);
	if (sims_history(c->st, &v.f, before, limit, history_row, &w) == -1) {
		fclose(w.o);
		return api_fail(c, 500, "storage error");
	}
	api_rows_close(&w, limit);
	api_audit(c, api_who(c), "list", v.f.key ? v.f.key : "sim dispositions", "ok");
	api_json_end(c, w.o, 200);
}

/* id,at,who,addr,action,target,result */
static int
audit_csv_row(void *arg, const struct db_row *r)
{
	struct api_rows *w = arg;
	char t[32];

	fprintf(w->o, "%" PRId64 ",%s", row_int(r, 0), out_time_iso(row_int(r, 1), t,
	    sizeof(t)));
	for (int i = 2; i < 7; i++) {
		fputc(',', w->o);
		out_csv_str(w->o, r->v[i]);
	}
	fputc('\n', w->o);
	w->n++;
	return 0;
}

static void
h_audit_csv(struct call *c)
{
	struct api_rows w = { 0 };
	struct audit_filter f = { 0 };
	int64_t limit;
	char what[64];

	if (api_query_num(c, "limit", 1, AUDIT_CSV_MAX, AUDIT_CSV_MAX, &limit) == -1 ||
	    api_audit_filter(c, &f) == -1)
		return api_fail(c, 400, "limit: 1..1000000, before: an audit id, since and"
		    " until: epoch seconds, who and action: up to 200 bytes");
	f.limit = (int)limit;
	if ((w.o = api_json_begin(c)) == NULL)
		return api_fail(c, 500, "out of memory");
	out_csv_bom(w.o);
	fputs("id,at,who,addr,action,target,result\n", w.o);
	if (audit_list(c->st, &f, audit_csv_row, &w) == -1) {
		fclose(w.o);
		return api_fail(c, 500, "storage error");
	}
	snprintf(what, sizeof(what), "audit rows %d", w.n);
	api_audit(c, api_who(c), "export", what, "ok");
	attachment(c, "audit");
	api_json_end(c, w.o, 200);
}

#define SIM_READERS	(ROLE_BIT(ROLE_CARRIER) | ROLE_BIT(ROLE_SUPERVISOR) | \
	ROLE_BIT(ROLE_ANALYST) | ROLE_BIT(ROLE_ADMIN))

const struct api_route api_routes_sims[] = {
	{ "GET", "/api/v1/sims", SIM_READERS, h_sims },
	{ "GET", "/api/v1/sims.csv", SIM_READERS, h_sims_csv },
	{ "GET", "/api/v1/sims/dispositions", SIM_READERS, h_history },
	{ "POST", "/api/v1/sims/dispositions", ROLE_BIT(ROLE_CARRIER) | ROLE_BIT(ROLE_ADMIN),
	    h_dispose },
	{ "GET", "/api/v1/audit.csv", ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN),
	    h_audit_csv },
	{ 0 }
};
