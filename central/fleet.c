/* SPDX-License-Identifier: BSD-2-Clause */
/* The appliance fleet: heartbeats, versions, drops, backlog, silent alarms, groups. */
#include <inttypes.h>
#include <stdio.h>

#include "fleet.h"
#include "out.h"
#include "storage.h"

struct fleet_ctx {
	FILE	*out;
	int64_t	 now, silent_after;
	int	 silent;
};

static int
app_row(void *arg, const struct db_row *r)
{
	struct fleet_ctx *x = arg;
	int64_t hb = row_int(r, 4), age = x->now - hb;
	char t[24], a[24];
	const char *alarm = "ok";
	struct out_tty e;

	if (r->v[4] == NULL || age > x->silent_after) {
		alarm = "SILENT";
		x->silent++;
	} else if (row_int(r, 7) > 0)
		alarm = "SPOOLDROP";	/* the appliance lost records before sending */
	fprintf(x->out, "%-20s %-10s %-10s %10s %17s %8s %8s %8s %8s %10s %11s  %s\n",
	    out_tty(&e, r->v[0]), out_tty(&e, r->v[1]), r->v[2] ? out_tty(&e, r->v[2]) : "-",
	    row_str(r, 3),
	    out_time(hb, t, sizeof(t)), r->v[4] ? out_span(age, a, sizeof(a)) : "-",
	    r->v[5] ? r->v[5] : "-", r->v[6] ? r->v[6] : "-", r->v[7] ? r->v[7] : "-",
	    row_str(r, 8), row_str(r, 9), alarm);
	return 0;
}

int
fleet_print(struct storage *st, int64_t now, int64_t silent_after, FILE *out)
{
	struct fleet_ctx x = { out, now, silent_after, 0 };

	fprintf(out, "%-20s %-10s %-10s %10s %17s %8s %8s %8s %8s %10s %11s  %s\n",
	    "APPLIANCE", "GROUP", "FIRMWARE", "CONFIG", "LAST HEARTBEAT", "AGO", "DROPS",
	    "SPOOL", "SPOOLDROP", "RECORDS", "QUARANTINED", "ALARM");
	if (db_query(st, "SELECT id, grp, firmware, config_version, last_heartbeat, drops,"
	    " spool_depth, spool_dropped, high_seq, quarantined FROM appliances ORDER BY id",
	    NULL, 0, app_row, &x) == -1)
		return -1;
	return x.silent;
}

/* Only an appliance central has heard from: a typo must not make a phantom. */
int
fleet_set_group(struct storage *st, const char *appliance, const char *grp,
    char *err, size_t errlen)
{
	int64_t n;

	if (db_int(st, "SELECT COUNT(*) FROM appliances WHERE id = $1",
	    (struct db_arg[]){ DB_S(appliance) }, 1, 0, &n) == -1 ||
	    (n > 0 && db_exec(st, "UPDATE appliances SET grp = $2 WHERE id = $1",
	    (struct db_arg[]){ DB_S(appliance), DB_S(grp) }, 2) == -1))
		return snprintf(err, errlen, "%s", st->err), -1;
	if (n == 0)
		return snprintf(err, errlen, "no appliance '%s' (see 'appliances'; an"
		    " appliance is known once it has connected)", appliance), -1;
	return 0;
}
