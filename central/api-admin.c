/* SPDX-License-Identifier: BSD-2-Clause */
/* The console API: the audit trail (docs/api.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api-int.h"
#include "audit.h"
#include "out.h"

#define AUDIT_PAGE	100
#define AUDIT_PAGE_MAX	500

static int
audit_row(void *arg, const struct db_row *r)
{
	struct api_rows *w = arg;

	w->last = row_int(r, 0);
	fprintf(w->o, "%s{\"id\":%" PRId64 ",\"at\":%" PRId64, w->n++ ? "," : "",
	    row_int(r, 0), row_int(r, 1));
	out_json_kv(w->o, "who", r->v[2]);
	out_json_kv(w->o, "addr", r->v[3]);
	out_json_kv(w->o, "action", r->v[4]);
	out_json_kv(w->o, "target", r->v[5]);
	out_json_kv(w->o, "result", r->v[6]);
	fputc('}', w->o);
	return 0;
}

#define AUDIT_MATCH_MAX	200	/* bytes of who= and action= */

static int
match_ok(const char *s)
{
	if (s == NULL)
		return 0;
	if (strlen(s) > AUDIT_MATCH_MAX)
		return -1;
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return -1;
	return 0;
}

int
api_audit_filter(struct call *c, struct audit_filter *f)
{
	f->who = http_query(c->req, "who");
	f->action = http_query(c->req, "action");
	if (match_ok(f->who) == -1 || match_ok(f->action) == -1)
		return -1;
	if (api_query_num(c, "before", 0, INT64_MAX, 0, &f->before) == -1 ||
	    api_query_num(c, "since", 0, INT64_MAX, 0, &f->since) == -1 ||
	    api_query_num(c, "until", 0, INT64_MAX, 0, &f->until) == -1)
		return -1;
	return 0;
}

static void
h_audit(struct call *c)
{
	int64_t limit;
	struct audit_filter f = { 0 };
	struct api_rows w = { 0 };

	if (api_query_num(c, "limit", 1, AUDIT_PAGE_MAX, AUDIT_PAGE, &limit) == -1 ||
	    api_audit_filter(c, &f) == -1)
		return api_fail(c, 400, "limit: 1..500, before: an audit id, since and until:"
		    " epoch seconds, who and action: up to 200 bytes");
	f.limit = (int)limit;
	api_audit(c, api_who(c), "list", "audit", "ok");
	if ((w.o = api_json_begin(c)) == NULL)
		return api_fail(c, 500, "out of memory");
	fputs("{\"audit\":[", w.o);
	if (audit_list(c->st, &f, audit_row, &w) == -1) {
		fclose(w.o);
		return api_fail(c, 500, "storage error");
	}
	api_rows_close(&w, limit);
	api_json_end(c, w.o, 200);
}

const struct api_route api_routes_admin[] = {
	{ "GET", "/api/v1/audit", ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN), h_audit },
	{ 0 }
};
