/* SPDX-License-Identifier: BSD-2-Clause */
/* One lead in detail for an analyst (`lead show`): head, appliances, evidence,
 * infrastructure, SIMs and the history of its workflow. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "leads.h"
#include "out.h"
#include "storage.h"

struct show_ctx {
	FILE	*out;
	int64_t	 now;
	int	 n;
};

static int
head_row(void *arg, const struct db_row *r)
{
	struct show_ctx *x = arg;
	char t[5][24], left[24];
	struct out_tty e;

	x->n++;
	fprintf(x->out, "lead %s  tier %s  status %s  verdict %s  score %s\n",
	    row_str(r, 0), out_tty(&e, r->v[1]), out_tty(&e, r->v[2]),
	    out_tty(&e, r->v[3]), row_str(r, 4));
	fprintf(x->out, "line      %s vlan %s pppoe %s  account %s  device %s\n"
	    "deadline  %s (%s)\nseen      %s .. %s, %s detections\n"
	    "raised    %s; last feedback %s by %s\n",
	    out_tty(&e, r->v[5]), r->v[6] ? r->v[6] : "-", r->v[7] ? r->v[7] : "-",
	    r->v[8] ? out_tty(&e, r->v[8]) : "-", r->v[9] ? out_tty(&e, r->v[9]) : "-",
	    out_time(row_int(r, 10), t[0], sizeof(t[0])),
	    strcmp(row_str(r, 2), "new") != 0 ? "feedback given" :
	    row_int(r, 10) < x->now ? "OVERDUE" :
	    out_span(row_int(r, 10) - x->now, left, sizeof(left)),
	    out_time(row_int(r, 11), t[1], sizeof(t[1])),
	    out_time(row_int(r, 12), t[2], sizeof(t[2])), row_str(r, 13),
	    out_time(row_int(r, 14), t[3], sizeof(t[3])),
	    out_time(row_int(r, 15), t[4], sizeof(t[4])),
	    r->v[16] ? out_tty(&e, r->v[16]) : "-");
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
	struct show_ctx x = { out, now, 0 };
	struct db_arg a[] = { DB_I(id) };

	if (db_query(st, "SELECT id, tier, status, verdict, score, ip, vlan, pppoe,"
	    " account, device_id, deadline, first_seen, last_seen, detections,"
	    " raised_at, status_at, status_by FROM leads WHERE id = $1", a, 1,
	    head_row, &x) == -1)
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
