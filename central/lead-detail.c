/* SPDX-License-Identifier: BSD-2-Clause */
/* One lead in detail for an analyst (`lead show`): head, appliances, evidence,
 * infrastructure, SIMs and the history of its workflow. */
#include <inttypes.h>
#include <stdio.h>

#include "leads.h"
#include "out.h"
#include "storage.h"

struct show_ctx {
	FILE	*out;
	int	 n;
};

/* "-" for an absent value, else the terminal form of text. */
static const char *
text_or_dash(struct out_tty *e, const struct lead_val *v)
{
	return v->null ? "-" : out_tty(e, v->s);
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
	    int_or_dash(&v[LEAD_PPPOE], n[2], 24), text_or_dash(&e, &v[LEAD_ACCOUNT]),
	    text_or_dash(&e, &v[LEAD_DEVICE_ID]),
	    out_time(v[LEAD_DEADLINE].i, t[0], sizeof(t[0])),
	    v[LEAD_LEFT].null ? "feedback given" : v[LEAD_LEFT].i < 0 ? "OVERDUE" :
	    out_span(v[LEAD_LEFT].i, left, sizeof(left)),
	    out_time(v[LEAD_FIRST_SEEN].i, t[1], sizeof(t[1])),
	    out_time(v[LEAD_LAST_SEEN].i, t[2], sizeof(t[2])), v[LEAD_DETECTIONS].i,
	    out_time(v[LEAD_RAISED_AT].i, t[3], sizeof(t[3])),
	    out_time(v[LEAD_STATUS_AT].i, t[4], sizeof(t[4])),
	    text_or_dash(&e, &v[LEAD_STATUS_BY]));
	return 0;
}

static int
line_row(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;
	char t[24];
	struct out_tty e;

	fprintf(x->out, "  %-22s %-44s %s %s\n", out_tty(&e, r->v[0]), out_tty(&e, r->v[1]),
	    out_tty(&e, r->v[2]), r->n > 3 ? out_time(row_int(r, 3), t, sizeof(t)) : "");
	return 0;
}

static int
event_row(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;
	char t[24];
	struct out_tty e;

	fprintf(x->out, "  %s  %-10s %-14s by %s%s", out_time(row_int(r, 0), t,
	    sizeof(t)), out_tty(&e, r->v[1]), out_tty(&e, r->v[2] ? r->v[2] : r->v[3]),
	    out_tty(&e, r->v[4]), r->v[5] ? ": " : "");
	out_tty_put(x->out, r->v[5]);
	fputc('\n', x->out);
	return 0;
}

static int
section(struct storage *st, struct show_ctx *x, const char *title, const char *sql,
    int64_t id, db_row_fn fn)
{
	fprintf(x->out, "%s:\n", title);
	return db_query(st, sql, (struct db_arg[]){ DB_I(id) }, 1, fn, x);
}

int
lead_show(struct storage *st, int64_t id, int64_t now, FILE *out)
{
	struct show_ctx x = { out, 0 };
	struct leads_filter f = { .now = now, .id = id };

	/* id 0 would select every lead */
	if (id > 0 && leads_query(st, &f, head_row, &x) == -1)
		return -1;
	if (x.n == 0) {
		snprintf(st->err, sizeof(st->err), "no lead %" PRId64, id);
		return -1;
	}
	if (section(st, &x, "appliances", "SELECT appliance, '', 'last seen',"
	    " last_seen FROM lead_sources WHERE lead_id = $1 ORDER BY appliance",
	    id, line_row) == -1 ||
	    section(st, &x, "evidence", "SELECT kind, detail, count FROM lead_evidence"
	    " WHERE lead_id = $1 ORDER BY kind, detail", id, line_row) == -1 ||
	    section(st, &x, "infrastructure", "SELECT kind, value, '' FROM lead_infra"
	    " WHERE lead_id = $1 ORDER BY kind, value", id, line_row) == -1 ||
	    section(st, &x, "sims (imsi / iccid / msisdn)", "SELECT COALESCE(imsi, '-'),"
	    " COALESCE(iccid, '-'), COALESCE(msisdn, '-') FROM sims WHERE lead_id = $1"
	    " ORDER BY sim_key", id, line_row) == -1)
		return -1;
	return section(st, &x, "history", "SELECT at, kind, status, tier, who, note"
	    " FROM lead_events WHERE lead_id = $1 ORDER BY at, id", id, event_row);
}
