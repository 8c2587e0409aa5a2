/* SPDX-License-Identifier: BSD-2-Clause */
/* The console API: users, the audit trail and the appliances (docs/api.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api-int.h"
#include "audit.h"
#include "out.h"

#define AUDIT_PAGE	100
#define AUDIT_PAGE_MAX	500

static int
user_row(void *arg, const struct db_row *r)
{
	struct api_rows *w = arg;

	fprintf(w->o, "%s{\"id\":%" PRId64, w->n++ ? "," : "", row_int(r, 0));
	api_json_kv(w->o, "name", r->v[1]);
	api_json_kv(w->o, "role", r->v[2]);
	api_json_kv(w->o, "carrier", r->v[3]);
	fprintf(w->o, ",\"disabled\":%s,\"created\":%" PRId64 "}",
	    row_int(r, 4) ? "true" : "false", row_int(r, 5));
	return 0;
}

static void
h_users(struct call *c)
{
	struct api_rows w = { api_json_begin(c), 0, 0 };

	if (w.o == NULL)
		return api_fail(c, 500, "out of memory");
	fputs("{\"users\":[", w.o);
	if (users_list(c->st, user_row, &w) == -1) {
		fclose(w.o);
		return api_fail(c, 500, "storage error");
	}
	fputs("]}\n", w.o);
	api_audit(c, api_who(c), "list", "users", "ok");
	api_json_end(c, w.o, 200);
}

static int
audit_row(void *arg, const struct db_row *r)
{
	struct api_rows *w = arg;

	w->last = row_int(r, 0);
	fprintf(w->o, "%s{\"id\":%" PRId64 ",\"at\":%" PRId64, w->n++ ? "," : "",
	    row_int(r, 0), row_int(r, 1));
	api_json_kv(w->o, "who", r->v[2]);
	api_json_kv(w->o, "addr", r->v[3]);
	api_json_kv(w->o, "action", r->v[4]);
	api_json_kv(w->o, "target", r->v[5]);
	api_json_kv(w->o, "result", r->v[6]);
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
	if (w.n == limit)
		fprintf(w.o, "],\"next\":%" PRId64 "}\n", w.last);
	else
		fputs("],\"next\":null}\n", w.o);
	api_json_end(c, w.o, 200);
}

static int
appliance_row(void *arg, const struct db_row *r)
{
	struct api_rows *w = arg;

	fprintf(w->o, "%s{\"id\":", w->n++ ? "," : "");
	out_json_str(w->o, row_str(r, 0));
	api_json_kv(w->o, "group", r->v[1]);
	api_json_kv(w->o, "firmware", r->v[2]);
	fprintf(w->o, ",\"last_seen\":%" PRId64 "}", row_int(r, 3));
	return 0;
}

static void
h_appliances(struct call *c)
{
	struct api_rows w = { api_json_begin(c), 0, 0 };

	if (w.o == NULL)
		return api_fail(c, 500, "out of memory");
	fputs("{\"appliances\":[", w.o);
	if (db_query(c->st, "SELECT id, grp, firmware, last_seen FROM appliances"
	    " ORDER BY id", NULL, 0, appliance_row, &w) == -1) {
		fclose(w.o);
		return api_fail(c, 500, "storage error");
	}
	fputs("]}\n", w.o);
	api_audit(c, api_who(c), "list", "appliances", "ok");
	api_json_end(c, w.o, 200);
}

const struct api_route api_routes_admin[] = {
	{ "GET", "/api/v1/users", ROLE_BIT(ROLE_ADMIN), h_users },
	{ "GET", "/api/v1/audit", ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN), h_audit },
	{ "GET", "/api/v1/appliances", ROLE_BIT(ROLE_ENGINEER) |
	    ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN), h_appliances },
	{ 0 }
};
