/* SPDX-License-Identifier: BSD-2-Clause */
/* The SIM list for card cutting: every SIM seen on a lead, with its lead's status. */
#include <stdio.h>

#include "out.h"
#include "sims.h"
#include "storage.h"

static const char sims_sql[] = "SELECT s.imsi, s.iccid, s.msisdn, s.imei, s.lead_id,"
	" l.status, l.tier, s.first_seen, s.last_seen FROM sims s"
	" JOIN leads l ON l.id = s.lead_id ORDER BY s.lead_id, s.sim_key";

static int
table_row(void *arg, const struct db_row *r)
{
	char a[24], b[24];
	struct out_tty e;

	fprintf(arg, "%-16s %-21s %-16s %-16s %5s %-14s %-7s %17s %17s\n",
	    r->v[0] ? out_tty(&e, r->v[0]) : "-", r->v[1] ? out_tty(&e, r->v[1]) : "-",
	    r->v[2] ? out_tty(&e, r->v[2]) : "-", r->v[3] ? out_tty(&e, r->v[3]) : "-",
	    row_str(r, 4), out_tty(&e, r->v[5]), out_tty(&e, r->v[6]),
	    out_time(row_int(r, 7), a, sizeof(a)), out_time(row_int(r, 8), b, sizeof(b)));
	return 0;
}

static int
csv_row(void *arg, const struct db_row *r)
{
	FILE *o = arg;
	char a[32], b[32];

	for (int i = 0; i < 7; i++) {
		if (i == 4)
			fputs(row_str(r, i), o);	/* the lead id, ours */
		else
			out_csv_str(o, r->v[i]);
		fputc(',', o);
	}
	fprintf(o, "%s,%s\n", out_time_iso(row_int(r, 7), a, sizeof(a)),
	    out_time_iso(row_int(r, 8), b, sizeof(b)));
	return 0;
}

int
sims_print(struct storage *st, bool csv, FILE *out)
{
	if (csv) {
		out_csv_bom(out);
		fputs("imsi,iccid,msisdn,imei,lead,status,tier,first_seen,last_seen\n", out);
		return db_query(st, sims_sql, NULL, 0, csv_row, out);
	}
	fprintf(out, "%-16s %-21s %-16s %-16s %5s %-14s %-7s %17s %17s\n", "IMSI", "ICCID",
	    "MSISDN", "IMEI", "LEAD", "STATUS", "TIER", "FIRST SEEN", "LAST SEEN");
	return db_query(st, sims_sql, NULL, 0, table_row, out);
}
