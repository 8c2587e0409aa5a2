/* SPDX-License-Identifier: BSD-2-Clause */
/* Leads as typed rows: the one column table, and the query it builds. */
#include <stdio.h>
#include <string.h>

#include "leads.h"
#include "storage.h"

_Static_assert(LEAD_NCOLS <= DB_MAX_COLS, "a lead row must fit a db_row");

/* One place to add a column: the query selects it, the formatters show it. */
static const struct lead_col_def cols[LEAD_NCOLS] = {
	[LEAD_ID] =	{ "id", "l.id", LEAD_T_INT, "ID", 6 },
	[LEAD_TIER] =	{ "tier", "l.tier", LEAD_T_TEXT, "TIER", -7 },
	[LEAD_STATUS] =	{ "status", "l.status", LEAD_T_TEXT, "STATUS", -14 },
	[LEAD_IP] =	{ "ip", "l.ip", LEAD_T_TEXT, NULL, 0 },
	[LEAD_VLAN] =	{ "vlan", "l.vlan", LEAD_T_INT, NULL, 0 },
	[LEAD_PPPOE] =	{ "pppoe_session", "l.pppoe", LEAD_T_INT, NULL, 0 },
	[LEAD_LINE] =	{ NULL, NULL, LEAD_T_LINE, "LINE", -34 },
	[LEAD_ACCOUNT] = { "account", "l.account", LEAD_T_TEXT, "ACCOUNT", -16 },
	[LEAD_DEADLINE] = { "deadline", "l.deadline", LEAD_T_TIME, "DEADLINE", 17 },
	[LEAD_LEFT] =	{ NULL, NULL, LEAD_T_SPAN, "LEFT", 9 },
	[LEAD_FIRST_SEEN] = { "first_seen", "l.first_seen", LEAD_T_TIME, NULL, 0 },
	[LEAD_LAST_SEEN] = { "last_seen", "l.last_seen", LEAD_T_TIME, NULL, 0 },
	[LEAD_DETECTIONS] = { "detections", "l.detections", LEAD_T_INT, "DETS", 5 },
	[LEAD_SCORE] =	{ "score", "l.score", LEAD_T_INT, NULL, 0 },
	[LEAD_VERDICT] = { "verdict", "l.verdict", LEAD_T_TEXT, NULL, 0 },
	[LEAD_DEVICE_ID] = { "device_id", "l.device_id", LEAD_T_TEXT, NULL, 0 },
	[LEAD_APPLIANCES] = { "appliances", "(SELECT COUNT(*) FROM lead_sources s"
	    " WHERE s.lead_id = l.id)", LEAD_T_INT, "APPL", 4 },
	[LEAD_SIMS] =	{ "sims", "(SELECT COUNT(*) FROM sims m WHERE m.lead_id = l.id)",
	    LEAD_T_INT, "SIMS", 4 },
	[LEAD_FEEDBACK_AT] = { "feedback_at", "l.feedback_at", LEAD_T_TIME, NULL, 0 },
	[LEAD_STATUS_BY] = { "status_by", "l.status_by", LEAD_T_TEXT, NULL, 0 },
	[LEAD_STATUS_AT] = { "status_at", "l.status_at", LEAD_T_TIME, NULL, 0 },
	[LEAD_RAISED_AT] = { "raised_at", "l.raised_at", LEAD_T_TIME, NULL, 0 },
	[LEAD_OVERDUE] = { "overdue", NULL, LEAD_T_BOOL, NULL, 0 },
};

const struct lead_col_def *
lead_col(enum lead_col c)
{
	return &cols[c];
}

/* SELECT <every column with an expression> FROM leads l WHERE <filter>. */
static const char *
list_sql(char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "SELECT");

	for (int c = 0; c < LEAD_NCOLS; c++)
		if (cols[c].sql != NULL && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s %s",
			    n > strlen("SELECT") ? "," : "", cols[c].sql);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, " FROM leads l"
		    " WHERE ($1 = '' OR l.tier = $1)"
		    " AND ($2 = 0 OR (l.status = 'new' AND l.deadline < $3))"
		    " AND ($4 = 0 OR l.id = $4)"
		    " ORDER BY l.tier_rank DESC, l.deadline, l.id");
	return n < len ? buf : NULL;
}

struct query_ctx {
	lead_row_fn	 fn;
	void		*arg;
	int64_t		 now;
};

static int
query_row(void *arg, const struct db_row *r)
{
	struct query_ctx *x = arg;
	struct lead_row row;
	struct lead_val *v = row.v;
	int k = 0;

	memset(&row, 0, sizeof(row));
	for (int c = 0; c < LEAD_NCOLS; c++) {
		if (cols[c].sql == NULL) {
			v[c].null = true;
			continue;
		}
		v[c].null = k >= r->n || r->v[k] == NULL;
		v[c].s = cols[c].type == LEAD_T_TEXT ? r->v[k] : NULL;
		v[c].i = cols[c].type == LEAD_T_TEXT ? 0 : row_int(r, k);
		k++;
	}
	/* what is left of the review window while no feedback has been given */
	if (v[LEAD_STATUS].s != NULL && strcmp(v[LEAD_STATUS].s, "new") == 0) {
		v[LEAD_LEFT] = (struct lead_val){ false, v[LEAD_DEADLINE].i - x->now, NULL };
		v[LEAD_OVERDUE].i = v[LEAD_LEFT].i < 0;
	}
	v[LEAD_OVERDUE].null = false;
	return x->fn(x->arg, &row);
}

int
leads_query(struct storage *st, const struct leads_filter *f, lead_row_fn fn, void *arg)
{
	struct query_ctx x = { fn, arg, f->now };
	struct db_arg a[] = { DB_S(f->tier ? f->tier : ""), DB_I(f->overdue ? 1 : 0),
	    DB_I(f->now), DB_I(f->id) };
	char sql[1024];

	if (list_sql(sql, sizeof(sql)) == NULL) {
		snprintf(st->err, sizeof(st->err), "leads: query longer than %zu bytes",
		    sizeof(sql));
		return -1;
	}
	return db_query(st, sql, a, 4, query_row, &x);
}
