/* SPDX-License-Identifier: BSD-2-Clause */
/* The SIM list for card cutting, its carriers and dispositions: one query, three forms. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "carrier.h"
#include "out.h"
#include "sims.h"

enum sim_type { SIM_T_TEXT, SIM_T_INT, SIM_T_TIME };

/* The columns of a SIM row, in query and output order. */
static const struct sim_col {
	const char	*key;		/* JSON key, CSV header */
	const char	*sql;
	enum sim_type	 type;
	bool		 carrier;	/* a carrier may see it */
	const char	*head;		/* terminal heading; NULL: not shown */
	int		 width;
} cols[] = {
	{ "sim", "s.sim_key", SIM_T_TEXT, true, "SIM", -16 },
	{ "carrier", "s.carrier", SIM_T_TEXT, true, "CARRIER", -7 },
	{ "imsi", "s.imsi", SIM_T_TEXT, true, "IMSI", -16 },
	{ "iccid", "s.iccid", SIM_T_TEXT, true, "ICCID", -21 },
	{ "msisdn", "s.msisdn", SIM_T_TEXT, true, "MSISDN", -16 },
	{ "imei", "s.imei", SIM_T_TEXT, true, "IMEI", -16 },
	{ "lead", "s.lead_id", SIM_T_INT, true, "LEAD", 5 },
	{ "tier", "l.tier", SIM_T_TEXT, true, "TIER", -7 },
	{ "status", "l.status", SIM_T_TEXT, false, "STATUS", -14 },
	{ "first_seen", "s.first_seen", SIM_T_TIME, true, "FIRST SEEN", 17 },
	{ "last_seen", "s.last_seen", SIM_T_TIME, true, "LAST SEEN", 17 },
	{ "disposition", "d.disposition", SIM_T_TEXT, true, "DISPOSITION", -11 },
	{ "disposition_at", "d.at", SIM_T_TIME, true, "AT", 17 },
	{ "disposition_by", "d.who", SIM_T_TEXT, true, "BY", -12 },
	{ "disposition_note", "d.note", SIM_T_TEXT, true, NULL, 0 },
};
#define NCOLS		((int)(sizeof(cols) / sizeof(cols[0])))
#define COL_KEY		0
#define COL_LEAD	6
#define NPARAMS		7

static const char *const dispositions[] = { "shut_down", "restored", "not_ours" };

/*
 * The SQL is built once (the storage adapters cache statements by the
 * address of their text): the FROM and WHERE of the selection, $1..$6,
 * then the listing ($7: limit) and the history ($7: before, $8: limit).
 */
static char list_sql[4096], history_sql[4096];
static pthread_once_t sql_once = PTHREAD_ONCE_INIT;
static bool sql_ok;

static int
from_where(char *buf, size_t len)
{
	char carrier[1024], group[1024];
	int n;

	if (carrier_sql(carrier, sizeof(carrier), "m.imsi", "m.iccid") == -1 ||
	    carrier_group_sql(group, sizeof(group), "s.carrier") == -1)
		return -1;
	n = snprintf(buf, len, " FROM (SELECT m.sim_key, m.imsi, m.iccid, m.msisdn, m.imei,"
	    " m.lead_id, m.first_seen, m.last_seen, %s AS carrier FROM sims m) s"
	    " JOIN leads l ON l.id = s.lead_id"
	    " LEFT JOIN " SIMS_DISPOSITION_VIEW " d ON d.sim_key = s.sim_key"
	    " WHERE ($1 = '' OR %s = $1)"
	    " AND ($2 = 0 OR l.status IN ('confirmed', 'dismantled')"
	    "  OR (l.tier = 'urgent' AND l.status <> 'false_positive'))"
	    " AND ($3 = '' OR s.sim_key = $3)"
	    " AND ($4 = 0 OR s.lead_id > $4 OR (s.lead_id = $4 AND s.sim_key > $5))"
	    " AND ($6 = 0 OR l.id = $6)", carrier, group);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void
build_sql(void)
{
	char fw[3072];
	size_t n = 0;
	int k;

	if (from_where(fw, sizeof(fw)) == -1)
		return;
	n = (size_t)snprintf(list_sql, sizeof(list_sql), "SELECT");
	for (int c = 0; c < NCOLS; c++)
		n += (size_t)snprintf(list_sql + n, sizeof(list_sql) - n, "%s %s",
		    c ? "," : "", cols[c].sql);
	k = snprintf(list_sql + n, sizeof(list_sql) - n, "%s ORDER BY s.lead_id,"
	    " s.sim_key LIMIT $7", fw);
	if (k < 0 || (size_t)k >= sizeof(list_sql) - n)
		return;
	k = snprintf(history_sql, sizeof(history_sql), "SELECT h.id, h.sim_key,"
	    " h.disposition, h.at, h.who, h.note, h.recorded FROM sim_dispositions h"
	    " WHERE h.sim_key IN (SELECT s.sim_key%s) AND ($7 = 0 OR h.id < $7)"
	    " ORDER BY h.id DESC LIMIT $8", fw);
	sql_ok = k > 0 && (size_t)k < sizeof(history_sql);
}

static const char *
sql_of(struct storage *st, const char *sql)
{
	pthread_once(&sql_once, build_sql);
	if (!sql_ok)
		snprintf(st->err, sizeof(st->err), "sims: query too long");
	return sql_ok ? sql : NULL;
}

/* The selection's parameters $1..$6 into a. */
static void
filter_args(const struct sims_filter *f, struct db_arg *a)
{
	a[0] = DB_S(f->carrier ? carrier_group(f->carrier) : "");
	a[1] = DB_I(f->cutting ? 1 : 0);
	a[2] = DB_S(f->key ? f->key : "");
	a[3] = DB_I(f->after_lead);
	a[4] = DB_S(f->after_sim ? f->after_sim : "");
	a[5] = DB_I(f->lead);
}

static int
sims_query(struct storage *st, const struct sims_filter *f, db_row_fn fn, void *arg)
{
	const char *sql = sql_of(st, list_sql);
	struct db_arg a[NPARAMS];

	if (sql == NULL)
		return -1;
	filter_args(f, a);
	a[6] = DB_I(f->limit > 0 ? f->limit : INT64_MAX);
	return db_query(st, sql, a, NPARAMS, fn, arg);
}

const char *
sims_disposition_name(int i)
{
	return i >= 0 && (size_t)i < sizeof(dispositions) / sizeof(dispositions[0]) ?
	    dispositions[i] : NULL;
}

bool
sims_disposition_is_valid(const char *s)
{
	for (int i = 0; sims_disposition_name(i) != NULL; i++)
		if (strcmp(s, sims_disposition_name(i)) == 0)
			return true;
	return false;
}

struct writer {
	FILE		*o;
	bool		 carrier;
	int64_t		 n, last_lead;
	char		*last_sim;
};

static bool
shown(const struct writer *w, int c)
{
	return !w->carrier || cols[c].carrier;
}

static int
tty_row(void *arg, const struct db_row *r)
{
	struct writer *w = arg;
	struct out_tty e;
	char b[32];
	const char *s;

	for (int c = 0; c < NCOLS; c++) {
		if (cols[c].head == NULL || !shown(w, c))
			continue;
		if (r->v[c] == NULL)
			s = "-";
		else if (cols[c].type == SIM_T_TIME)
			s = out_time(row_int(r, c), b, sizeof(b));
		else
			s = out_tty(&e, r->v[c]);
		fprintf(w->o, "%s%*s", c ? " " : "", cols[c].width, s);
	}
	fputc('\n', w->o);
	w->n++;
	return 0;
}

int
sims_print(struct storage *st, const struct sims_view *v, FILE *out)
{
	struct writer w = { .o = out, .carrier = v->carrier };

	for (int c = 0; c < NCOLS; c++)
		if (cols[c].head != NULL && shown(&w, c))
			fprintf(out, "%s%*s", c ? " " : "", cols[c].width, cols[c].head);
	fputc('\n', out);
	if (sims_query(st, &v->f, tty_row, &w) == -1)
		return -1;
	fprintf(out, "%" PRId64 " SIM%s\n", w.n, w.n == 1 ? "" : "s");
	return 0;
}

static int
json_row(void *arg, const struct db_row *r)
{
	struct writer *w = arg;
	char b[32];

	fputs(w->n++ ? ",{" : "{", w->o);
	for (int c = 0, first = 1; c < NCOLS; c++) {
		if (!shown(w, c))
			continue;
		fprintf(w->o, "%s\"%s\":", first ? "" : ",", cols[c].key);
		first = 0;
		if (r->v[c] == NULL)
			fputs("null", w->o);
		else if (cols[c].type == SIM_T_INT)
			fprintf(w->o, "%" PRId64, row_int(r, c));
		else if (cols[c].type == SIM_T_TIME)
			out_json_str(w->o, out_time_iso(row_int(r, c), b, sizeof(b)));
		else
			out_json_str(w->o, r->v[c]);
	}
	fputc('}', w->o);
	w->last_lead = row_int(r, COL_LEAD);
	snprintf(w->last_sim, SIMS_KEY_MAX, "%s", row_str(r, COL_KEY));
	return 0;
}

int
sims_json(struct storage *st, const struct sims_view *v, FILE *out, int64_t *n,
    int64_t *last_lead, char *last_sim)
{
	struct writer w = { .o = out, .carrier = v->carrier, .last_sim = last_sim };
	int rc = sims_query(st, &v->f, json_row, &w);

	*n = w.n;
	*last_lead = w.last_lead;
	return rc;
}

static int
csv_row(void *arg, const struct db_row *r)
{
	struct writer *w = arg;
	char b[32];

	for (int c = 0, first = 1; c < NCOLS; c++) {
		if (!shown(w, c))
			continue;
		if (!first)
			fputc(',', w->o);
		first = 0;
		if (cols[c].type == SIM_T_INT && r->v[c] != NULL)
			fprintf(w->o, "%" PRId64, row_int(r, c));	/* ours */
		else if (cols[c].type == SIM_T_TIME && r->v[c] != NULL)
			fputs(out_time_iso(row_int(r, c), b, sizeof(b)), w->o);
		else
			out_csv_str(w->o, r->v[c]);
	}
	fputc('\n', w->o);
	w->n++;
	return 0;
}

int
sims_csv(struct storage *st, const struct sims_view *v, FILE *out, int64_t *n)
{
	struct writer w = { .o = out, .carrier = v->carrier };
	int rc;

	out_csv_bom(out);
	for (int c = 0, first = 1; c < NCOLS; c++)
		if (shown(&w, c)) {
			fprintf(out, "%s%s", first ? "" : ",", cols[c].key);
			first = 0;
		}
	fputc('\n', out);
	rc = sims_query(st, &v->f, csv_row, &w);
	if (n != NULL)
		*n = w.n;
	return rc;
}

static int
count_row(void *arg, const struct db_row *r)
{
	(void)r;
	(*(int64_t *)arg)++;
	return 0;
}

/* Every key selected by f, else the index of the first that is not; -1: error. */
static int
all_selected(struct storage *st, const struct sims_filter *f, const char *const *keys,
    int n, int *missing)
{
	struct sims_filter one = *f;
	int64_t found;

	one.limit = 1;
	one.after_lead = 0;
	for (int i = 0; i < n; i++) {
		one.key = keys[i];
		found = 0;
		if (sims_query(st, &one, count_row, &found) == -1)
			return -1;
		if (found == 0) {
			*missing = i;
			return -1;
		}
	}
	return 0;
}

int
sims_dispose(struct storage *st, const struct sims_filter *f, const char *const *keys,
    int n, const struct sims_disposition *d, int *missing)
{
	*missing = -1;
	if (db_begin(st) == -1)
		return -1;
	if (all_selected(st, f, keys, n, missing) == -1)
		goto rollback;
	for (int i = 0; i < n; i++)
		if (db_exec(st, "INSERT INTO sim_dispositions (sim_key, disposition, at,"
		    " who, note, recorded) VALUES ($1, $2, $3, $4, $5, $6)",
		    (struct db_arg[]){ DB_S(keys[i]), DB_S(d->disposition), DB_I(d->at),
		    DB_S(d->who), d->note ? DB_S(d->note) : DB_NULL, DB_I(d->now) }, 6) == -1)
			goto rollback;
	if (db_commit(st) == 0)
		return 0;
rollback:
	db_rollback(st);
	return -1;
}

int
sims_history(struct storage *st, const struct sims_filter *f, int64_t before,
    int64_t limit, db_row_fn fn, void *arg)
{
	const char *sql = sql_of(st, history_sql);
	struct db_arg a[NPARAMS + 1];

	if (sql == NULL)
		return -1;
	filter_args(f, a);
	a[6] = DB_I(before);
	a[7] = DB_I(limit > 0 ? limit : INT64_MAX);
	return db_query(st, sql, a, NPARAMS + 1, fn, arg);
}

static int
history_row(void *arg, const struct db_row *r)
{
	char a[32], b[32];
	struct out_tty e;

	fprintf(arg, "%6" PRId64 " %-16s %-11s %17s %-16s %17s %s\n", row_int(r, 0),
	    out_tty(&e, r->v[1]), out_tty(&e, r->v[2]), out_time(row_int(r, 3), a,
	    sizeof(a)), out_tty(&e, r->v[4]), out_time(row_int(r, 6), b, sizeof(b)),
	    r->v[5] ? out_tty(&e, r->v[5]) : "-");
	return 0;
}

int
sims_history_print(struct storage *st, const struct sims_filter *f, FILE *out)
{
	fprintf(out, "%6s %-16s %-11s %17s %-16s %17s %s\n", "ID", "SIM", "DISPOSITION",
	    "AT", "BY", "RECORDED", "NOTE");
	return sims_history(st, f, 0, 0, history_row, out);
}
