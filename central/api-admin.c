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

static void
h_audit(struct call *c)
{
	int64_t limit, before;
	struct api_rows w = { 0 };

	if (api_query_num(c, "limit", 1, AUDIT_PAGE_MAX, AUDIT_PAGE, &limit) == -1 ||
	    api_query_num(c, "before", 0, INT64_MAX, 0, &before) == -1)
		return api_fail(c, 400, "limit: 1..500, before: an audit id");
	api_audit(c, api_who(c), "list", "audit", "ok");
	if ((w.o = api_json_begin(c)) == NULL)
		return api_fail(c, 500, "out of memory");
	fputs("{\"audit\":[", w.o);
	if (audit_list(c->st, before, (int)limit, audit_row, &w) == -1) {
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
