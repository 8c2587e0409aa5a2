/* SPDX-License-Identifier: BSD-2-Clause */
/* The lead listing: terminal, JSON lines and CSV export. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "leads.h"
#include "out.h"
#include "storage.h"

#define LEAD_COLS "l.id, l.tier, l.status, l.ip, l.vlan, l.pppoe, l.account," \
	" l.deadline, l.first_seen, l.last_seen, l.detections, l.score, l.verdict," \
	" l.device_id, (SELECT COUNT(*) FROM lead_sources s WHERE s.lead_id = l.id)," \
	" (SELECT COUNT(*) FROM sims m WHERE m.lead_id = l.id), l.feedback_at," \
	" l.status_by, l.status_at, l.raised_at"

static const char list_sql[] = "SELECT " LEAD_COLS " FROM leads l"
	" WHERE ($1 = '' OR l.tier = $1)"
	" AND ($2 = 0 OR (l.status = 'new' AND l.deadline < $3))"
	" ORDER BY l.tier_rank DESC, l.deadline, l.id";

static const char *
line_of(const struct db_row *r, char *buf, size_t len)
{
	struct out_tty e;
	int n = snprintf(buf, len, "%s", out_tty(&e, r->v[3]));

	if (r->v[4] != NULL && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " vlan %s", r->v[4]);
	if (r->v[5] != NULL && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " pppoe %s", r->v[5]);
	return buf;
}

struct list_ctx {
	FILE	*out;
	int64_t	 now;
	int	 n;
};

static int
list_row(void *arg, const struct db_row *r)
{
	struct list_ctx *x = arg;
	char line[OUT_TTY_LEN + 48], dl[24], left[24];
	int64_t due = row_int(r, 7) - x->now;
	bool open = strcmp(row_str(r, 2), "new") == 0;
	struct out_tty e;

	fprintf(x->out, "%5s  %-7s %-14s %-34s %-16s %17s %9s %4s %4s %5s\n",
	    row_str(r, 0), out_tty(&e, r->v[1]), out_tty(&e, r->v[2]),
	    line_of(r, line, sizeof(line)), r->v[6] ? out_tty(&e, r->v[6]) : "-",
	    out_time(row_int(r, 7), dl, sizeof(dl)),
	    open ? (due < 0 ? "OVERDUE" : out_span(due, left, sizeof(left))) : "-",
	    row_str(r, 14), row_str(r, 15), row_str(r, 10));
	x->n++;
	return 0;
}

static struct db_arg *
filter_args(const struct leads_filter *f, struct db_arg a[3])
{
	a[0] = DB_S(f->tier ? f->tier : "");
	a[1] = DB_I(f->overdue ? 1 : 0);
	a[2] = DB_I(f->now);
	return a;
}

int
leads_list(struct storage *st, const struct leads_filter *f, FILE *out)
{
	struct list_ctx x = { out, f->now, 0 };
	struct db_arg a[3];

	fprintf(out, "%5s  %-7s %-14s %-34s %-16s %17s %9s %4s %4s %5s\n", "ID", "TIER",
	    "STATUS", "LINE", "ACCOUNT", "DEADLINE", "LEFT", "APPL", "SIMS", "DETS");
	if (db_query(st, list_sql, filter_args(f, a), 3, list_row, &x) == -1)
		return -1;
	fprintf(out, "%d lead%s\n", x.n, x.n == 1 ? "" : "s");
	return 0;
}

static void
json_kv_int(FILE *o, const char *k, const char *v)
{
	fprintf(o, ",\"%s\":%s", k, v != NULL ? v : "null");
}

static void
json_kv_str(FILE *o, const char *k, const char *v)
{
	fprintf(o, ",\"%s\":", k);
	out_json_str(o, v);
}

static void
json_kv_time(FILE *o, const char *k, int64_t t)
{
	char b[32];

	fprintf(o, ",\"%s\":", k);
	if (t > 0)
		out_json_str(o, out_time_iso(t, b, sizeof(b)));
	else
		fputs("null", o);
}

static int
json_row(void *arg, const struct db_row *r)
{
	struct list_ctx *x = arg;
	FILE *o = x->out;

	fprintf(o, "{\"id\":%s", row_str(r, 0));
	json_kv_str(o, "tier", r->v[1]);
	json_kv_str(o, "status", r->v[2]);
	json_kv_str(o, "ip", r->v[3]);
	json_kv_int(o, "vlan", r->v[4]);
	json_kv_int(o, "pppoe_session", r->v[5]);
	json_kv_str(o, "account", r->v[6]);
	json_kv_time(o, "deadline", row_int(r, 7));
	json_kv_time(o, "first_seen", row_int(r, 8));
	json_kv_time(o, "last_seen", row_int(r, 9));
	json_kv_int(o, "detections", r->v[10]);
	json_kv_int(o, "score", r->v[11]);
	json_kv_str(o, "verdict", r->v[12]);
	json_kv_str(o, "device_id", r->v[13]);
	json_kv_int(o, "appliances", r->v[14]);
	json_kv_int(o, "sims", r->v[15]);
	json_kv_time(o, "feedback_at", row_int(r, 16));
	json_kv_str(o, "status_by", r->v[17]);
	json_kv_time(o, "status_at", row_int(r, 18));
	fprintf(o, ",\"overdue\":%s}\n", strcmp(row_str(r, 2), "new") == 0 &&
	    row_int(r, 7) < x->now ? "true" : "false");
	return 0;
}

/* One JSON object per line, the same fields for list and export. */
int
leads_json(struct storage *st, const struct leads_filter *f, FILE *out)
{
	struct list_ctx x = { out, f->now, 0 };
	struct db_arg a[3];

	return db_query(st, list_sql, filter_args(f, a), 3, json_row, &x);
}

static int
csv_row(void *arg, const struct db_row *r)
{
	FILE *o = arg;
	char t[4][32];

	for (int i = 0; i < 7; i++) {
		if (i == 0 || i == 4 || i == 5)
			fputs(row_str(r, i), o);	/* id, vlan, pppoe: integers */
		else
			out_csv_str(o, r->v[i]);
		fputc(',', o);
	}
	fprintf(o, "%s,%s,%s,%s,%s,", out_time_iso(row_int(r, 7), t[0], sizeof(t[0])),
	    out_time_iso(row_int(r, 8), t[1], sizeof(t[1])),
	    out_time_iso(row_int(r, 9), t[2], sizeof(t[2])), row_str(r, 10), row_str(r, 11));
	out_csv_str(o, r->v[12]);
	fputc(',', o);
	out_csv_str(o, r->v[13]);
	fprintf(o, ",%s,%s,%s,", row_str(r, 14), row_str(r, 15),
	    out_time_iso(row_int(r, 16), t[3], sizeof(t[3])));
	out_csv_str(o, r->v[17]);
	fputc('\n', o);
	return 0;
}

int
leads_csv(struct storage *st, FILE *out)
{
	struct leads_filter f = { NULL, false, 0 };
	struct db_arg a[3];

	out_csv_bom(out);
	fputs("id,tier,status,ip,vlan,pppoe_session,account,deadline,first_seen,last_seen,"
	    "detections,score,verdict,device_id,appliances,sims,feedback_at,status_by\n", out);
	return db_query(st, list_sql, filter_args(&f, a), 3, csv_row, out);
}
