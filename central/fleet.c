/* SPDX-License-Identifier: BSD-2-Clause */
/* The appliance fleet: one query, its terminal and JSON forms, groups and sites. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "confstore.h"
#include "filestore.h"
#include "fleet.h"
#include "out.h"
#include "storage.h"

/* The row's fixed columns, then one per counter (nums[]), then the config. */
enum { C_ID, C_SITE, C_GRP, C_FIRMWARE, C_TLS, C_CONNECTED, C_HEARTBEAT, C_NUMS };

static const struct {
	const char	*key, *sql;
} nums[FLEET_NNUM] = {
	[FLEET_UPTIME] =	{ "uptime", "a.uptime" },
	[FLEET_PACKETS] =	{ "packets", "a.packets" },
	[FLEET_DROPS] =		{ "drops", "a.drops" },
	[FLEET_DROPS_KERNEL] =	{ "drops_kernel", "a.drops_kernel" },
	[FLEET_DROPS_RING] =	{ "drops_ring", "a.drops_ring" },
	[FLEET_DROPS_DECODE] =	{ "drops_decode", "a.drops_decode" },
	[FLEET_DROPS_FLOW_FULL] = { "drops_flow_table_full", "a.drops_flow_full" },
	[FLEET_DROPS_REASM] =	{ "drops_reassembly", "a.drops_reasm" },
	[FLEET_SPOOL] =		{ "spool_depth", "a.spool_depth" },
	[FLEET_SPOOL_OLDEST] =	{ "spool_oldest_age", "a.spool_oldest_age" },
	[FLEET_SPOOLDROP] =	{ "spool_dropped", "a.spool_dropped" },
	[FLEET_RECORDS] =	{ "records", "a.high_seq" },
	[FLEET_QUARANTINED] =	{ "quarantined", "a.quarantined" },
};

#define C_RUNNING	(C_NUMS + FLEET_NNUM)
#define C_PUSHED	(C_RUNNING + 1)
#define C_ACK		(C_RUNNING + 2)
#define C_MESSAGE	(C_RUNNING + 3)
#define C_ANSWERED	(C_RUNNING + 4)
#define C_GEO_VERSION	(C_RUNNING + 5)
#define C_GEO_STATUS	(C_RUNNING + 6)
#define C_GEO_MESSAGE	(C_RUNNING + 7)
#define C_N		(C_RUNNING + 8)
_Static_assert(C_N <= DB_MAX_COLS, "an appliance row must fit a db_row");

/* The newest config_acks row of the appliance: the last push and its answer. */
#define LAST_ACK(col)	"(SELECT k." col " FROM config_acks k WHERE k.appliance = a.id" \
	" ORDER BY k.version DESC LIMIT 1)"
/* The appliance's country database offer and answer (filestore.c). */
#define GEODB(col)	"(SELECT g." col " FROM file_acks g WHERE g.appliance = a.id" \
	" AND g.kind = 'geodb')"

const char *
fleet_num_key(enum fleet_num n)
{
	return (unsigned)n < FLEET_NNUM ? nums[n].key : "?";
}

static const char *
fleet_sql(char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "SELECT a.id, a.site, a.grp, a.firmware,"
	    " a.tls_state, a.connected_at, a.last_heartbeat");

	for (int i = 0; i < FLEET_NNUM && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, ", %s", nums[i].sql);
	if (n < len)
		n += (size_t)snprintf(buf + n, len - n, ", a.config_version, "
		    LAST_ACK("version") ", " LAST_ACK("status") ", " LAST_ACK("message")
		    ", " LAST_ACK("acked_at") ", " GEODB("version") ", " GEODB("status")
		    ", " GEODB("message") " FROM appliances a ORDER BY CASE WHEN"
		    " a.last_heartbeat IS NULL OR a.last_heartbeat < $1 THEN 0 ELSE 1 END,"
		    " a.id");
	return n < len ? buf : NULL;
}

struct query_ctx {
	fleet_row_fn	 fn;
	void		*arg;
	int64_t		 now, silent_after;
};

static int
query_row(void *arg, const struct db_row *r)
{
	struct query_ctx *x = arg;
	struct fleet_row f = {
		.id = row_str(r, C_ID), .site = r->v[C_SITE], .grp = row_str(r, C_GRP),
		.firmware = r->v[C_FIRMWARE], .tls_state = r->v[C_TLS],
		.connected_at = row_int(r, C_CONNECTED), .heartbeat = row_int(r, C_HEARTBEAT),
		.config_running = row_int(r, C_RUNNING), .config_pushed = row_int(r, C_PUSHED),
		.config_message = r->v[C_MESSAGE],
	};

	if (r->n < C_N)
		return -1;
	f.age = r->v[C_HEARTBEAT] != NULL ? x->now - f.heartbeat : -1;
	f.silent = f.age < 0 || f.age > x->silent_after;
	for (int i = 0; i < FLEET_NNUM; i++)
		f.num[i] = r->v[C_NUMS + i] != NULL ? row_int(r, C_NUMS + i) : -1;
	f.geodb_version = r->v[C_GEO_VERSION] != NULL ? row_int(r, C_GEO_VERSION) : 0;
	f.geodb_state = f.geodb_version ? filestore_ack_state(row_int(r, C_GEO_STATUS),
	    r->v[C_GEO_STATUS] != NULL) : NULL;
	f.geodb_message = r->v[C_GEO_MESSAGE] != NULL && *r->v[C_GEO_MESSAGE] ?
	    r->v[C_GEO_MESSAGE] : NULL;
	f.config_state = confstore_ack_state(r->v[C_PUSHED] != NULL,
	    r->v[C_ACK] != NULL, row_int(r, C_ACK));
	if (f.config_message != NULL && *f.config_message == '\0')
		f.config_message = NULL;
	return x->fn(x->arg, &f);
}

int
fleet_query(struct storage *st, int64_t now, int64_t silent_after, fleet_row_fn fn,
    void *arg)
{
	struct query_ctx x = { fn, arg, now, silent_after };
	const char *q;
	char sql[1536];

	if (fleet_sql(sql, sizeof(sql)) == NULL) {
		snprintf(st->err, sizeof(st->err), "fleet: query too long");
		return -1;
	}
	/* the adapters cache statements by the text's address: not a stack one */
	if ((q = db_sql_intern(sql)) == NULL) {
		snprintf(st->err, sizeof(st->err), "fleet: out of memory");
		return -1;
	}
	return db_query(st, q, (struct db_arg[]){ DB_I(now - silent_after) }, 1,
	    query_row, &x);
}

struct print_ctx {
	FILE	*out;
	int	 silent;
};

/* n, or "-" when not reported. */
static const char *
num_str(int64_t n, char *buf, size_t len)
{
	if (n < 0)
		return "-";
	snprintf(buf, len, "%" PRId64, n);
	return buf;
}

static int
print_row(void *arg, const struct fleet_row *f)
{
	struct print_ctx *x = arg;
	char t[24], a[24], n[6][24], cfg[48], geo[48];
	const char *alarm = "ok";
	struct out_tty e;

	if (f->silent) {
		alarm = "SILENT";
		x->silent++;
	} else if (f->num[FLEET_SPOOLDROP] > 0)
		alarm = "SPOOLDROP";	/* the appliance lost records before sending */
	snprintf(cfg, sizeof(cfg), "%" PRId64 "/%s", f->config_pushed, f->config_state);
	snprintf(geo, sizeof(geo), "%" PRId64 "/%s", f->geodb_version, f->geodb_state);
	fprintf(x->out, "%-20s %-12s %-10s %-10s %6" PRId64 " %-22s %-22s %17s %8s %8s %8s %8s"
	    " %10s %11s  %s\n", out_tty(&e, f->id), f->site ? out_tty(&e, f->site) : "-",
	    out_tty(&e, f->grp), f->firmware ? out_tty(&e, f->firmware) : "-",
	    f->config_running, f->config_pushed ? cfg : "-", f->geodb_version ? geo : "-",
	    out_time(f->heartbeat, t, sizeof(t)), f->age >= 0 ? out_span(f->age, a,
	    sizeof(a)) : "-", num_str(f->num[FLEET_DROPS], n[0], sizeof(n[0])),
	    num_str(f->num[FLEET_SPOOL], n[1], sizeof(n[1])),
	    num_str(f->num[FLEET_SPOOLDROP], n[2], sizeof(n[2])),
	    num_str(f->num[FLEET_RECORDS], n[3], sizeof(n[3])),
	    num_str(f->num[FLEET_QUARANTINED], n[4], sizeof(n[4])), alarm);
	return 0;
}

int
fleet_print(struct storage *st, int64_t now, int64_t silent_after, FILE *out)
{
	struct print_ctx x = { out, 0 };

	fprintf(out, "%-20s %-12s %-10s %-10s %6s %-22s %-22s %17s %8s %8s %8s %8s %10s"
	    " %11s  %s\n", "APPLIANCE", "SITE", "GROUP", "FIRMWARE", "CONFIG", "PUSHED",
	    "GEODB", "LAST HEARTBEAT",
	    "AGO", "DROPS", "SPOOL", "SPOOLDROP", "RECORDS", "QUARANTINED", "ALARM");
	if (fleet_query(st, now, silent_after, print_row, &x) == -1)
		return -1;
	return x.silent;
}

struct json_ctx {
	FILE	*o;
	int	 n;
};

static int
json_row(void *arg, const struct fleet_row *f)
{
	struct json_ctx *x = arg;

	fprintf(x->o, "%s{\"id\":", x->n++ ? "," : "");
	out_json_str(x->o, f->id);
	out_json_kv(x->o, "site", f->site);
	out_json_kv(x->o, "group", f->grp);
	out_json_kv(x->o, "firmware", f->firmware);
	out_json_kv(x->o, "tls_state", f->tls_state);
	out_json_kv_num(x->o, "connected_at", f->connected_at, f->connected_at != 0);
	out_json_kv_num(x->o, "last_heartbeat", f->heartbeat, f->heartbeat != 0);
	out_json_kv_num(x->o, "heartbeat_age", f->age, f->age != -1);
	fprintf(x->o, ",\"silent\":%s", f->silent ? "true" : "false");
	for (int i = 0; i < FLEET_NNUM; i++)
		out_json_kv_num(x->o, nums[i].key, f->num[i], f->num[i] != -1);
	fprintf(x->o, ",\"config\":{\"running\":%" PRId64, f->config_running);
	out_json_kv_num(x->o, "pushed", f->config_pushed, f->config_pushed != 0);
	out_json_kv(x->o, "state", f->config_state);
	out_json_kv(x->o, "message", f->config_message);
	fputs("},\"geodb\":", x->o);
	if (f->geodb_version == 0) {
		fputs("null}", x->o);
		return 0;
	}
	fprintf(x->o, "{\"version\":%" PRId64, f->geodb_version);
	out_json_kv(x->o, "state", f->geodb_state);
	out_json_kv(x->o, "message", f->geodb_message);
	fputs("}}", x->o);
	return 0;
}

int
fleet_json_array(struct storage *st, int64_t now, int64_t silent_after, FILE *o)
{
	struct json_ctx x = { o, 0 };

	fputc('[', o);
	if (fleet_query(st, now, silent_after, json_row, &x) == -1)
		return -1;
	fputc(']', o);
	return 0;
}

bool
fleet_group_is_valid(const char *s)
{
	size_t n = strlen(s);

	return n >= 1 && n <= 64 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789._-") == n;
}

/* Only an appliance central has heard from: a typo must not make a phantom. */
static int
set_col(struct storage *st, const char *sql, const char *appliance, const char *val,
    char *err, size_t errlen)
{
	int64_t n;

	if (db_int(st, "SELECT COUNT(*) FROM appliances WHERE id = $1",
	    (struct db_arg[]){ DB_S(appliance) }, 1, 0, &n) == -1 ||
	    (n > 0 && db_exec(st, sql, (struct db_arg[]){ DB_S(appliance),
	    val ? DB_S(val) : DB_NULL }, 2) == -1))
		return snprintf(err, errlen, "%s", st->err), -1;
	if (n == 0)
		return snprintf(err, errlen, "no appliance '%s' (see 'appliances'; an"
		    " appliance is known once it has connected)", appliance), -1;
	return 0;
}

int
fleet_set_group(struct storage *st, const char *appliance, const char *grp,
    char *err, size_t errlen)
{
	return set_col(st, "UPDATE appliances SET grp = $2 WHERE id = $1", appliance, grp,
	    err, errlen);
}

/* An empty site clears it. */
int
fleet_set_site(struct storage *st, const char *appliance, const char *site,
    char *err, size_t errlen)
{
	return set_col(st, "UPDATE appliances SET site = $2 WHERE id = $1", appliance,
	    *site != '\0' ? site : NULL, err, errlen);
}
