/* SPDX-License-Identifier: BSD-2-Clause */
/* Leads as typed rows: the one column table, and the query it builds. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "leads.h"
#include "record.h"
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
	/* counted on the lead (schema.c's migration 16 keeps them by trigger) */
	[LEAD_APPLIANCES] = { "appliances", "l.n_appliances", LEAD_T_INT, "APPL", 4 },
	[LEAD_SIMS] =	{ "sims", "l.n_sims", LEAD_T_INT, "SIMS", 4 },
	[LEAD_FEEDBACK_AT] = { "feedback_at", "l.feedback_at", LEAD_T_TIME, NULL, 0 },
	[LEAD_STATUS_BY] = { "status_by", "l.status_by", LEAD_T_TEXT, NULL, 0 },
	[LEAD_STATUS_AT] = { "status_at", "l.status_at", LEAD_T_TIME, NULL, 0 },
	[LEAD_RAISED_AT] = { "raised_at", "l.raised_at", LEAD_T_TIME, NULL, 0 },
	/* the console's queue column: the first site (by name) of its appliances,
	 * kept on the lead (migration 18's triggers) */
	[LEAD_SITE] =	{ "site", "l.site", LEAD_T_TEXT, NULL, 0 },
	[LEAD_OVERDUE] = { "overdue", NULL, LEAD_T_BOOL, NULL, 0 },
	/* the sort key, for the API's cursor: neither shown nor exported */
	[LEAD_TIER_RANK] = { NULL, "l.tier_rank", LEAD_T_INT, NULL, 0 },
};

const struct lead_col_def *
lead_col(enum lead_col c)
{
	return &cols[c];
}

/* A query being built: its text and its parameters, numbered in turn. */
struct q {
	char		 sql[3072];
	size_t		 n;
	struct db_arg	 a[DB_MAX_ARGS];
	int		 na;
	bool		 full;
};

/* Appends text; each '$' in it takes the next of args as the next $N. */
static void
q_cat(struct q *q, const char *text, const struct db_arg *args, int nargs)
{
	for (const char *p = text; *p != '\0'; p++) {
		if (q->n + 8 >= sizeof(q->sql) || (*p == '$' && nargs == 0)) {
			q->full = true;
			return;
		}
		if (*p != '$') {
			q->sql[q->n++] = *p;
			continue;
		}
		if (q->na == DB_MAX_ARGS) {
			q->full = true;
			return;
		}
		q->a[q->na++] = *args++;
		nargs--;
		q->n += (size_t)snprintf(q->sql + q->n, sizeof(q->sql) - q->n, "$%d", q->na);
	}
	q->sql[q->n] = '\0';
}

/* " AND cond" with one parameter. */
static void
q_and(struct q *q, const char *cond, struct db_arg a)
{
	q_cat(q, " AND ", NULL, 0);
	q_cat(q, cond, &a, 1);
}

static void
q_select(struct q *q)
{
	q_cat(q, "SELECT", NULL, 0);
	for (int c = 0, k = 0; c < LEAD_NCOLS; c++)
		if (cols[c].sql != NULL) {
			q_cat(q, k++ > 0 ? ", " : " ", NULL, 0);
			q_cat(q, cols[c].sql, NULL, 0);
		}
	q_cat(q, " FROM leads l WHERE 1 = 1", NULL, 0);
}

static void
q_statuses(struct q *q, const struct leads_filter *f)
{
	int n = 0;

	for (int i = 0; i < LEADS_STATUS_MAX && f->status[i] != NULL; i++)
		q_cat(q, n++ == 0 ? " AND l.status IN ($" : ", $",
		    &DB_S(f->status[i]), 1);
	if (n > 0)
		q_cat(q, ")", NULL, 0);
}

/*
 * After the cursor in the queue's order. The index leads_queue (tier_rank
 * DESC, deadline, id) makes each form a range: within the filter's tier,
 * (deadline, id) after the cursor; across tiers, lower tiers or the rest of
 * the cursor's.
 */
static void
q_after(struct q *q, const struct leads_cursor *c, int rank)
{
	struct db_arg p[] = { DB_I(c->rank), DB_I(c->rank), DB_I(c->deadline),
	    DB_I(c->id) };

	if (rank == c->rank)
		q_cat(q, " AND (l.deadline, l.id) > ($, $)", p + 2, 2);
	else
		q_cat(q, " AND l.tier_rank <= $ AND (l.tier_rank < $"
		    " OR (l.deadline, l.id) > ($, $))", p, 4);
}

/* The filter's conditions, each only when set, so both planners see plain ones. */
static int
q_where(struct q *q, const struct leads_filter *f, int limit)
{
	int rank = f->tier != NULL ? record_tier_rank(f->tier) : 0;

	if (f->tier != NULL && rank < 1)	/* no lead has tier "none" */
		return -1;
	if (rank > 0)
		q_and(q, "l.tier_rank = $", DB_I(rank));
	if (f->overdue)
		q_and(q, "l.status = 'new' AND l.deadline < $", DB_I(f->now));
	if (f->id != 0)
		q_and(q, "l.id = $", DB_I(f->id));
	q_statuses(q, f);
	if (f->assignee != NULL)
		q_and(q, "l.assignee = $", DB_S(f->assignee));
	if (f->site != NULL)
		q_and(q, "EXISTS (SELECT 1 FROM lead_sources ls JOIN appliances ap"
		    " ON ap.id = ls.appliance WHERE ls.lead_id = l.id AND ap.site = $)",
		    DB_S(f->site));
	if (f->q != NULL) {
		struct db_arg p[] = { DB_S(f->q), DB_S(f->q), DB_S(f->q), DB_S(f->q),
		    DB_S(f->q), DB_S(f->q) };

		q_cat(q, " AND (substr(l.ip, 1, length($)) = $"
		    " OR substr(l.account, 1, length($)) = $"
		    " OR substr(l.device_id, 1, length($)) = $)", p, 6);
	}
	if (f->has_after)
		q_after(q, &f->after, rank);
	q_cat(q, " ORDER BY l.tier_rank DESC, l.deadline, l.id", NULL, 0);
	if (limit > 0)
		q_cat(q, " LIMIT $", &DB_I(limit), 1);
	return q->full ? -1 : 0;
}

struct query_ctx {
	lead_row_fn	 fn;
	void		*arg;
	int64_t		 now;
	int		 limit, n;
	struct leads_page *pg;
};

static int
query_row(void *arg, const struct db_row *r)
{
	struct query_ctx *x = arg;
	struct lead_row row;
	struct lead_val *v = row.v;
	int k = 0;

	if (x->limit > 0 && x->n++ == x->limit) {	/* the one past the page */
		if (x->pg != NULL)
			x->pg->more = true;
		return 0;
	}
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
	if (x->pg != NULL)
		x->pg->next = (struct leads_cursor){ v[LEAD_TIER_RANK].i,
		    v[LEAD_DEADLINE].i, v[LEAD_ID].i };
	return x->fn(x->arg, &row);
}

int
leads_page(struct storage *st, const struct leads_filter *f, lead_row_fn fn, void *arg,
    struct leads_page *pg)
{
	struct query_ctx x = { fn, arg, f->now, f->limit, 0, pg };
	struct q q = { .n = 0 };
	const char *sql;

	if (pg != NULL)
		*pg = (struct leads_page){ .more = false };
	q_select(&q);
	/* one row past the page tells whether there is more */
	if (q_where(&q, f, f->limit > 0 ? f->limit + 1 : 0) == -1) {
		snprintf(st->err, sizeof(st->err), "leads: %s", q.full ?
		    "query too long" : "unknown tier");
		return -1;
	}
	if ((sql = db_sql_intern(q.sql)) == NULL) {
		snprintf(st->err, sizeof(st->err), "leads: out of memory");
		return -1;
	}
	return db_query(st, sql, q.a, q.na, query_row, &x);
}

int
leads_query(struct storage *st, const struct leads_filter *f, lead_row_fn fn, void *arg)
{
	return leads_page(st, f, fn, arg, NULL);
}

int
leads_filter_status(struct leads_filter *f, const char *list, char *err, size_t errlen)
{
	char buf[256], *tok, *save = NULL;
	const char *s;
	int n = 0;

	memset(f->status, 0, sizeof(f->status));
	if (strlen(list) >= sizeof(buf))
		return snprintf(err, errlen, "status list too long"), -1;
	strcpy(buf, list);
	for (tok = strtok_r(buf, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		for (int i = 0; (s = lead_status_name(i)) != NULL; i++)
			if (strcasecmp(tok, s) == 0)
				break;
		if (s == NULL)
			return snprintf(err, errlen, "unknown status '%s'", tok), -1;
		for (int i = 0; i < n && s != NULL; i++)
			if (f->status[i] == s)
				s = NULL;		/* named twice */
		if (s != NULL)
			f->status[n++] = s;
	}
	if (n == 0)
		return snprintf(err, errlen, "empty status list"), -1;
	return 0;
}

int
leads_cursor_parse(const char *s, struct leads_cursor *c)
{
	int64_t v[3];
	char *end;

	for (int i = 0; i < 3; i++) {
		if (*s != '-' && (*s < '0' || *s > '9'))
			return -1;
		errno = 0;
		v[i] = strtoll(s, &end, 10);
		if (errno != 0 || end == s || *end != (i < 2 ? '.' : '\0'))
			return -1;
		s = end + 1;
	}
	if (v[0] < 1 || v[0] > 3 || v[2] < 1)
		return -1;
	*c = (struct leads_cursor){ v[0], v[1], v[2] };
	return 0;
}

void
leads_cursor_fmt(const struct leads_cursor *c, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRId64 ".%" PRId64 ".%" PRId64, c->rank, c->deadline, c->id);
}
