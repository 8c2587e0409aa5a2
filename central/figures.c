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
#include "out.h"
#include "record.h"
#include "rings.h"
#include "storage.h"

#define MAX_BUCKETS	1024

struct bucket {
	int64_t	 id;
	int64_t	 tier[4], status[5], leads;
	int64_t	 due, in_time;	/* leads whose deadline passed or got feedback */
	int64_t	 rings, sims, appliances;
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
	static const char *const names[] = { "new", "acknowledged", "confirmed",
	    "false_positive", "dismantled" };

	for (int i = 0; i < 5; i++)
		if (strcmp(s, names[i]) == 0)
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

int
figures_print(struct storage *st, enum period p, int64_t now, FILE *out)
{
	struct fig *f = calloc(1, sizeof(*f));
	int rc = -1;

	if (f == NULL)
		return -1;
	f->p = p;
	f->now = now;
	f->last_app_bucket = INT64_MIN;
	if (db_query(st, "SELECT first_seen, tier_rank, status, deadline, feedback_at"
	    " FROM leads", NULL, 0, lead_row, f) == 0 &&
	    db_query(st, "SELECT first_seen FROM sims", NULL, 0, sim_row, f) == 0 &&
	    db_query(st, "SELECT DISTINCT appliance, received / 86400 FROM records"
	    " WHERE type = 'health' ORDER BY 1, 2", NULL, 0, app_row, f) == 0 &&
	    count_rings(st, f) == 0) {
		qsort(f->b, (size_t)f->n, sizeof(f->b[0]), cmp_bucket);
		print(f, out);
		rc = 0;
	}
	free(f);
	return rc;
}
