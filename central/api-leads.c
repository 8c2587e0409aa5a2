/* SPDX-License-Identifier: BSD-2-Clause */
/* The console API: the lead queue (docs/api.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "api-int.h"
#include "out.h"
#include "leads.h"
#include "log.h"
#include "record.h"

#define ARG_MAX	128	/* bytes of a site, assignee or q argument */

static const char *const queue_args[] = { "tier", "status", "site", "assignee", "mine",
	"overdue", "q", "limit", "after", "id", NULL };

/* A 0/1 flag argument; -1 when it is something else. */
static int
flag_arg(struct call *c, const char *name, bool *v)
{
	int64_t n;

	if (api_query_num(c, name, 0, 1, 0, &n) == -1)
		return -1;
	*v = n == 1;
	return 0;
}

/* A string argument of 1..ARG_MAX bytes, or absent (NULL); -1 otherwise. */
static int
str_arg(struct call *c, const char *name, const char **v)
{
	*v = http_query(c->req, name);
	return *v != NULL && (**v == '\0' || strlen(*v) > ARG_MAX) ? -1 : 0;
}

static int
tier_arg(struct call *c, const char **tier)
{
	const char *s = http_query(c->req, "tier");

	*tier = NULL;
	for (int r = 1; s != NULL && r <= 3 && *tier == NULL; r++)
		if (strcasecmp(s, record_tier_name(r)) == 0)
			*tier = record_tier_name(r);
	return s != NULL && *tier == NULL ? -1 : 0;
}

/* The queue's filter from the query string; -1 with msg naming what is wrong. */
static int
queue_filter(struct call *c, struct leads_filter *f, char *msg, size_t len)
{
	const char *s, *bad;
	int64_t n;
	bool mine = false;

	*f = (struct leads_filter){ .now = c->now };
	if ((bad = http_query_unknown(c->req, queue_args)) != NULL)
		return snprintf(msg, len, "unknown argument '%.64s'", bad), -1;
	if (tier_arg(c, &f->tier) == -1)
		return snprintf(msg, len, "tier: general, high or urgent"), -1;
	if ((s = http_query(c->req, "status")) != NULL &&
	    leads_filter_status(f, s, msg, len) == -1)
		return -1;
	if (str_arg(c, "site", &f->site) == -1 || str_arg(c, "assignee", &f->assignee) == -1 ||
	    str_arg(c, "q", &f->q) == -1)
		return snprintf(msg, len, "site, assignee, q: 1 to %d bytes", ARG_MAX), -1;
	if (flag_arg(c, "mine", &mine) == -1 || flag_arg(c, "overdue", &f->overdue) == -1)
		return snprintf(msg, len, "mine, overdue: 0 or 1"), -1;
	if (mine && f->assignee != NULL)
		return snprintf(msg, len, "mine and assignee exclude each other"), -1;
	if (mine)
		f->assignee = c->u.name;
	if (api_query_num(c, "limit", 1, LEADS_LIMIT_MAX, 100, &n) == -1)
		return snprintf(msg, len, "limit: 1 to %d", LEADS_LIMIT_MAX), -1;
	f->limit = (int)n;
	if (api_query_num(c, "id", 1, INT64_MAX, 0, &f->id) == -1)
		return snprintf(msg, len, "id: a lead id"), -1;
	if ((s = http_query(c->req, "after")) != NULL) {
		if (leads_cursor_parse(s, &f->after) == -1)
			return snprintf(msg, len, "after: not a cursor of this list"), -1;
		f->has_after = true;
	}
	return 0;
}

/* One page of the queue: {"leads":[...],"next":cursor|null,"has_more":bool}. */
static void
h_leads(struct call *c)
{
	struct leads_filter lf;
	struct leads_page pg;
	char msg[160], cur[80];
	FILE *o;
	int rc;

	if (queue_filter(c, &lf, msg, sizeof(msg)) == -1)
		return api_fail(c, 400, msg);
	if ((o = api_json_begin(c)) == NULL)
		return api_fail(c, 500, "out of memory");
	fputs("{\"leads\":", o);
	rc = leads_json_array(c->st, &lf, o, &pg);
	leads_cursor_fmt(&pg.next, cur, sizeof(cur));
	out_json_kv(o, "next", pg.more ? cur : NULL);
	fprintf(o, ",\"has_more\":%s}\n", pg.more ? "true" : "false");
	if (rc == -1) {
		log_warnx("api: leads: %s", c->st->err);
		fclose(o);
		return api_fail(c, 500, "storage error");
	}
	api_audit(c, api_who(c), "list", "leads", "ok");
	api_json_end(c, o, 200);
}

const struct api_route api_routes_leads[] = {
	{ "GET", "/api/v1/leads", ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_SUPERVISOR) |
	    ROLE_BIT(ROLE_ANALYST), h_leads },
	{ 0 }
};
