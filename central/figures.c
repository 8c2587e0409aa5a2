/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Office statistics per period: leads raised by tier and status, the share of
 * feedback given within the deadline, rings found, SIMs listed, appliances
 * online. Rows come from SQL; the calendar arithmetic is here, portable.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "figures.h"
#include "leads.h"
#include "out.h"
#include "record.h"
#include "rings.h"
#include "sims.h"
#include "storage.h"

#define MAX_BUCKETS	1024

struct bucket {
	int64_t	 id;
	int64_t	 tier[4], status[5], leads;
	int64_t	 due, in_time;	/* leads whose deadline passed or got feedback */
	int64_t	 rings, sims, sims_cut, appliances;
};

struct fig {
	enum period	 p;
	int64_t		 now;
	struct bucket	 b[MAX_BUCKETS];
	int		 n;
	int64_t		 last_app_bucket;
	char		 last_app[128];
};

static const char *const period_names[] = { "day", "week", "month" };

int
period_parse(const char *s, enum period *p)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, period_names[i]) == 0) {
			*p = (enum period)i;
			return 0;
		}
	return -1;
}

const char *
period_name(int i)
{
	return i >= 0 && i < 3 ? period_names[i] : NULL;
}

/* Days since 1970-01-01 (a Thursday); weeks start on Monday. */
int64_t
period_bucket(enum period p, int64_t t)
{
	int64_t day = (t >= 0 ? t : t - 86399) / 86400;
	time_t tt = (time_t)t;
	struct tm tm;

	if (p == PERIOD_DAY)
		return day;
	if (p == PERIOD_WEEK)
		return (day + 3 >= 0 ? day + 3 : day - 3) / 7;
	gmtime_r(&tt, &tm);
	return (int64_t)(tm.tm_year + 1900) * 12 + tm.tm_mon;
}

int64_t
period_start(enum period p, int64_t b)
{
	struct tm tm;

	if (p == PERIOD_DAY)
		return b * 86400;
	if (p == PERIOD_WEEK)
		return (b * 7 - 3) * 86400;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = (int)(b / 12) - 1900;
	tm.tm_mon = (int)(b % 12);
	tm.tm_mday = 1;
	return (int64_t)timegm(&tm);
}

static struct bucket *
bucket_at(struct fig *f, int64_t t)
{
	int64_t id = period_bucket(f->p, t);

	for (int i = 0; i < f->n; i++)
		if (f->b[i].id == id)
			return &f->b[i];
	if (f->n == MAX_BUCKETS)
		return NULL;
	memset(&f->b[f->n], 0, sizeof(f->b[0]));
	f->b[f->n].id = id;
	return &f->b[f->n++];
}

static int
status_index(const char *s)
{
	for (int i = 0; i < 5; i++)
		if (strcmp(s, lead_status_name(i)) == 0)
			return i;
	return 0;
}

static int
lead_row(void *arg, const struct db_row *r)
{
	struct fig *f = arg;
	struct bucket *b = bucket_at(f, row_int(r, 0));
	int64_t deadline = row_int(r, 3), fb = row_int(r, 4);
	int tier = (int)row_int(r, 1);

	if (b == NULL)
		return 0;
	b->leads++;
	b->tier[tier >= 0 && tier < 4 ? tier : 0]++;
	b->status[status_index(row_str(r, 2))]++;
	if (r->v[4] != NULL || deadline < f->now) {
		b->due++;
		if (r->v[4] != NULL && fb <= deadline)
			b->in_time++;
	}
	return 0;
}

static int
sim_row(void *arg, const struct db_row *r)
{
	struct bucket *b = bucket_at(arg, row_int(r, 0));

	if (b != NULL)
		b->sims++;
	return 0;
}

/* A SIM whose current disposition is shut_down, in the bucket of its time. */
static int
cut_row(void *arg, const struct db_row *r)
{
	struct bucket *b = bucket_at(arg, row_int(r, 0));

	if (b != NULL)
		b->sims_cut++;
	return 0;
}

/* (appliance, day) rows, sorted: an appliance counts once per bucket. */
static int
app_row(void *arg, const struct db_row *r)
{
	struct fig *f = arg;
	struct bucket *b = bucket_at(f, row_int(r, 1) * 86400);

	if (b == NULL || (b->id == f->last_app_bucket &&
	    strcmp(f->last_app, row_str(r, 0)) == 0))
		return 0;
	f->last_app_bucket = b->id;
	snprintf(f->last_app, sizeof(f->last_app), "%s", row_str(r, 0));
	b->appliances++;
	return 0;
}

static int
count_rings(struct storage *st, struct fig *f)
{
	struct rings r;
	int64_t *earliest;

	if (rings_build(st, &r) == -1 ||
	    (earliest = calloc((size_t)r.nleads + 1, sizeof(int64_t))) == NULL) {
		rings_fini(&r);
		return -1;
	}
	for (int64_t i = 1; i <= r.nleads; i++) {
		int64_t root = rings_find(&r, i);

		if (r.first_seen[i] > 0 && (earliest[root] == 0 ||
		    r.first_seen[i] < earliest[root]))
			earliest[root] = r.first_seen[i];
	}
	for (int64_t i = 1; i <= r.nleads; i++) {
		struct bucket *b;

		if (rings_find(&r, i) == i && r.size[i] > 1 && earliest[i] > 0 &&
		    (b = bucket_at(f, earliest[i])) != NULL)
			b->rings++;	/* a ring counts where it was first seen */
	}
	free(earliest);
	rings_fini(&r);
	return 0;
}

static int
cmp_bucket(const void *a, const void *b)
{
	int64_t x = ((const struct bucket *)a)->id, y = ((const struct bucket *)b)->id;

	return x < y ? -1 : x > y;
}

static void
print(const struct fig *f, FILE *out)
{
	char d[24], share[16];

	fprintf(out, "%-10s %5s %4s %4s %4s %4s | %4s %4s %4s %4s %4s | %8s %5s %5s %5s\n",
	    "PERIOD", "LEADS", "URG", "HIGH", "GEN", "NONE", "NEW", "ACK", "CONF", "FP",
	    "DISM", "IN-TIME", "RINGS", "SIMS", "APPL");
	for (int i = 0; i < f->n; i++) {
		const struct bucket *b = &f->b[i];
		time_t t = (time_t)period_start(f->p, b->id);
		struct tm tm;

		strftime(d, sizeof(d), f->p == PERIOD_MONTH ? "%Y-%m" : "%Y-%m-%d",
		    gmtime_r(&t, &tm));
		if (b->due > 0)
			snprintf(share, sizeof(share), "%" PRId64 "%%", b->in_time * 100 / b->due);
		else
			snprintf(share, sizeof(share), "-");
		fprintf(out, "%-10s %5" PRId64 " %4" PRId64 " %4" PRId64 " %4" PRId64 " %4"
		    PRId64 " | %4" PRId64 " %4" PRId64 " %4" PRId64 " %4" PRId64 " %4" PRId64
		    " | %8s %5" PRId64 " %5" PRId64 " %5" PRId64 "\n", d, b->leads, b->tier[3],
		    b->tier[2], b->tier[1], b->tier[0], b->status[0], b->status[1],
		    b->status[2], b->status[3], b->status[4], share, b->rings, b->sims,
		    b->appliances);
	}
}

/* The buckets of every figure, sorted; NULL on a storage error. */
static struct fig *
collect(struct storage *st, enum period p, int64_t now)
{
	struct fig *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->p = p;
	f->now = now;
	f->last_app_bucket = INT64_MIN;
	if (db_query(st, "SELECT first_seen, tier_rank, status, deadline, feedback_at"
	    " FROM leads", NULL, 0, lead_row, f) == -1 ||
	    db_query(st, "SELECT first_seen FROM sims", NULL, 0, sim_row, f) == -1 ||
	    db_query(st, "SELECT at FROM " SIMS_DISPOSITION_VIEW " WHERE disposition ="
	    " 'shut_down'", NULL, 0, cut_row, f) == -1 ||
	    db_query(st, "SELECT DISTINCT appliance, received / 86400 FROM records"
	    " WHERE type = 'health' ORDER BY 1, 2", NULL, 0, app_row, f) == -1 ||
	    count_rings(st, f) == -1) {
		free(f);
		return NULL;
	}
	qsort(f->b, (size_t)f->n, sizeof(f->b[0]), cmp_bucket);
	return f;
}

int
figures_print(struct storage *st, enum period p, int64_t now, FILE *out)
{
	struct fig *f = collect(st, p, now);

	if (f == NULL)
		return -1;
	print(f, out);
	free(f);
	return 0;
}

struct fp_ctx {
	FILE	*out;
	int	 n;
};

static int
fp_row(void *arg, const struct db_row *r)
{
	struct fp_ctx *x = arg;

	fputs(x->n++ ? ",{\"name\":" : "{\"name\":", x->out);
	out_json_str(x->out, row_str(r, 0));
	fprintf(x->out, ",\"leads\":%" PRId64 "}", row_int(r, 1));
	return 0;
}

/* False positives by verdict and by the detectors (evidence kinds) behind them. */
static int
false_positives_json(struct storage *st, FILE *out)
{
	struct fp_ctx x = { out, 0 };
	int rc;

	fputs(",\"false_positives\":{\"by_verdict\":[", out);
	rc = db_query(st, "SELECT verdict, COUNT(*) FROM leads WHERE status ="
	    " 'false_positive' GROUP BY verdict ORDER BY 2 DESC, 1", NULL, 0, fp_row, &x);
	fputs("],\"by_detector\":[", out);
	x.n = 0;
	if (rc == 0)
		rc = db_query(st, "SELECT e.kind, COUNT(DISTINCT e.lead_id) FROM"
		    " lead_evidence e JOIN leads l ON l.id = e.lead_id WHERE l.status ="
		    " 'false_positive' GROUP BY e.kind ORDER BY 2 DESC, 1", NULL, 0,
		    fp_row, &x);
	fputs("]}", out);
	return rc;
}

static void
bucket_json(const struct fig *f, const struct bucket *b, FILE *out)
{
	static const char *const tiers[] = { "none", "general", "high", "urgent" };
	char d[32];

	fprintf(out, "{\"start\":\"%s\",\"leads\":%" PRId64 ",\"tier\":{",
	    out_time_iso(period_start(f->p, b->id), d, sizeof(d)), b->leads);
	for (int t = 3; t >= 0; t--)
		fprintf(out, "\"%s\":%" PRId64 "%s", tiers[t], b->tier[t], t ? "," : "},");
	fputs("\"status\":{", out);
	for (int s = 0; s < 5; s++)
		fprintf(out, "\"%s\":%" PRId64 "%s", lead_status_name(s), b->status[s],
		    s < 4 ? "," : "},");
	fprintf(out, "\"due\":%" PRId64 ",\"in_time\":%" PRId64 ",\"in_time_pct\":", b->due,
	    b->in_time);
	if (b->due > 0)
		fprintf(out, "%" PRId64, b->in_time * 100 / b->due);
	else
		fputs("null", out);
	fprintf(out, ",\"rings\":%" PRId64 ",\"sims\":%" PRId64 ",\"sims_cut\":%" PRId64
	    ",\"appliances\":%" PRId64 "}", b->rings, b->sims, b->sims_cut, b->appliances);
}

int
figures_json(struct storage *st, enum period p, int64_t now, FILE *out)
{
	struct fig *f = collect(st, p, now);
	int rc;

	if (f == NULL)
		return -1;
	fprintf(out, "{\"period\":\"%s\",\"buckets\":[", period_names[p]);
	for (int i = 0; i < f->n; i++) {
		if (i > 0)
			fputc(',', out);
		bucket_json(f, &f->b[i], out);
	}
	fputc(']', out);
	rc = false_positives_json(st, out);
	fputs("}\n", out);
	free(f);
	return rc;
}
