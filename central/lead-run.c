/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A run of one lead's detections in one data-modifying statement (PostgreSQL:
 * storage_ops.with_writes). A run is detection records of one report with the
 * same lead key; the runs of several leads are open at once (struct
 * lead_runs) as long as no two of them name the same SIM (a SIM's lead is the
 * last to name it), and any record that is not such a detection sends them
 * all first (ingest.c). The statement inserts the records and, when all of
 * them are new, upserts the lead once with their merge, writes one change per
 * record, the raise or
 * escalation event and the urgent alerts of each record that raised or
 * escalated the lead, the record links, and the evidence, infrastructure and
 * SIMs merged as one upsert per record in turn would have merged them. The
 * stored rows are those of writing the records one at a time
 * (central_ingest_same.sh compares them with SQLite's statement at a time).
 *
 * Which records escalated: record i is a new maximum of the run's tiers so
 * far (its "threshold" is the maximum before it); it escalated when its tier
 * is also above the lead's before the run, which the upsert leaves in
 * leads.esc_from when it escalates (and when it does not, no record did).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "lead-sql.h"
#include "record.h"
#include "storage.h"

/* Records a statement takes at most: its parameters stay a few hundred KB. */
#define RUN_MAX		256
/* Runs open at once; one more sends them all. */
#define RUNS_OPEN	64
/*
 * Merged items (evidence, infrastructure, SIMs) a run collects before it ends,
 * and SIMs the open runs hold before they all go: each record's merge and SIM
 * check is a scan of these, so a report of records that each name many new
 * items costs a bounded time per record.
 */
#define RUN_ITEMS	512
#define RUNS_SIMS	1024

/* A two-dimensional text array literal being written: {{"a",NULL},{"b","c"}}. */
struct sqlarr {
	char	*p;
	size_t	 len, cap;
	int	 rows;
	bool	 oom;
};

struct run_infra {
	char		 kind[8], value[64];
	const char	*role;		/* static (lead_peer_role) or NULL */
};

struct run_sim {
	char		 key[REC_STR];
	struct rec_sim	 s;
	int64_t		 first, last;
};

struct lead_run {
	char		 key[256];
	int		 n;
	/* the lead's merge: the last record's line, the first record with the
	 * run's highest tier, the highest score, the span of times */
	char		 ip[64], device_id[REC_STR], tier[16], verdict[32];
	int64_t		 vlan, pppoe, deadline, score, ts_min, ts_max, ts_first, ts_last;
	int		 rank;		/* the highest tier rank so far */
	int		 esc_from;	/* a new lead: the rank before its last escalation; -1 */
	struct sqlarr	 recs;		/* seq, body, sha256, ts, rank, tier, threshold */
	struct rec_evidence *ev;
	struct run_infra *inf;
	struct run_sim	*sim;
	int		 nev, ninf, nsim, capev, capinf, capsim;
	bool		 oom;
};

static void
sqlarr_put(struct sqlarr *a, const char *s, size_t n)
{
	char *p;

	if (a->oom)
		return;
	if (a->len + n + 1 > a->cap) {
		size_t cap = a->cap ? a->cap : 256;

		while (cap < a->len + n + 1)
			cap *= 2;
		if ((p = realloc(a->p, cap)) == NULL) {
			a->oom = true;
			return;
		}
		a->p = p;
		a->cap = cap;
	}
	memcpy(a->p + a->len, s, n);
	a->len += n;
	a->p[a->len] = '\0';
}

/* One row of n elements; NULL stays SQL NULL, anything else is quoted. */
static void
sqlarr_row(struct sqlarr *a, const char *const *v, int n)
{
	sqlarr_put(a, a->rows++ ? ",{" : "{{", 2);
	for (int i = 0; i < n; i++) {
		if (i > 0)
			sqlarr_put(a, ",", 1);
		if (v[i] == NULL) {
			sqlarr_put(a, "NULL", 4);
			continue;
		}
		sqlarr_put(a, "\"", 1);
		for (const char *s = v[i], *q; *s != '\0'; s = q) {
			q = s + strcspn(s, "\"\\");
			sqlarr_put(a, s, (size_t)(q - s));
			if (*q != '\0') {
				sqlarr_put(a, "\\", 1);
				sqlarr_put(a, q++, 1);
			}
		}
		sqlarr_put(a, "\"", 1);
	}
	sqlarr_put(a, "}", 1);
}

/* The finished literal; NULL when out of memory. */
static const char *
sqlarr_end(struct sqlarr *a)
{
	sqlarr_put(a, a->rows ? "}" : "{}", a->rows ? 1 : 2);
	return a->oom ? NULL : a->p;
}

/* -1 as NULL, else the number in buf. */
static const char *
sqlarr_num(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		return NULL;
	snprintf(buf, len, "%" PRId64, v);
	return buf;
}

static const char *
nz(const char *s)
{
	return s[0] != '\0' ? s : NULL;
}

/* The array p of n (room for *cap) with room for one more; NULL when out of memory. */
static void *
grow(void *p, int n, int *cap, size_t size)
{
	int c;

	if (n < *cap)
		return p;
	c = *cap ? *cap * 2 : 16;
	if ((p = realloc(p, (size_t)c * size)) != NULL)
		*cap = c;
	return p;
}

static struct lead_run *
lead_run_new(void)
{
	return calloc(1, sizeof(struct lead_run));
}

static void
lead_run_free(struct lead_run *r)
{
	if (r == NULL)
		return;
	free(r->recs.p);
	free(r->ev);
	free(r->inf);
	free(r->sim);
	free(r);
}

/* The run's item of e's kind and detail; -1 if none. */
static int
run_evidence(const struct lead_run *r, const struct rec_evidence *e)
{
	for (int k = 0; k < r->nev; k++)
		if (strcmp(r->ev[k].kind, e->kind) == 0 &&
		    strcmp(r->ev[k].detail, e->detail) == 0)
			return k;
	return -1;
}

/*
 * Whether d, of the run's lead, can join it and leave the stored rows those
 * of one upsert per record: room, and no evidence item whose merged last time
 * is unknown (NULL keeps) while d knows one, as the merged row would then not
 * move a stored time that the record's own upsert moves.
 */
static bool
lead_run_fits(const struct lead_run *r, const struct detection *d)
{
	if (r->n == 0)
		return true;
	if (r->n >= RUN_MAX || r->oom || r->nev + r->ninf + r->nsim >= RUN_ITEMS)
		return false;
	for (int i = 0; i < d->nev; i++) {
		int k = run_evidence(r, &d->ev[i]);

		if (k >= 0 && r->ev[k].last < 0 && d->ev[i].last >= 0)
			return false;
	}
	return true;
}

/* An evidence item merged as EVIDENCE_MERGE merges a repeat. */
static void
add_evidence(struct lead_run *r, const struct rec_evidence *e)
{
	int k = run_evidence(r, e);
	struct rec_evidence *m;

	if (k < 0) {
		struct rec_evidence *p = grow(r->ev, r->nev, &r->capev, sizeof(*p));

		if (p == NULL) {
			r->oom = true;
			return;
		}
		r->ev = p;
		r->ev[r->nev++] = *e;
		return;
	}
	m = &r->ev[k];
	if (e->count > m->count)
		m->count = e->count;
	if (e->last >= 0 && m->last >= 0 && e->last > m->last)
		m->last = e->last;	/* SQL: a NULL on either side keeps */
}

/* An item once; a repeat gives a role to one that had none (INFRA_MERGE). */
static void
add_infra(struct lead_run *r, const char *kind, const char *value, const char *role)
{
	struct run_infra *p;

	if (value[0] == '\0')
		return;
	for (int k = 0; k < r->ninf; k++)
		if (strcmp(r->inf[k].kind, kind) == 0 &&
		    strcmp(r->inf[k].value, value) == 0) {
			if (r->inf[k].role == NULL)
				r->inf[k].role = role;
			return;
		}
	if ((p = grow(r->inf, r->ninf, &r->capinf, sizeof(*p))) == NULL) {
		r->oom = true;
		return;
	}
	r->inf = p;
	snprintf(r->inf[r->ninf].kind, sizeof(r->inf[0].kind), "%s", kind);
	snprintf(r->inf[r->ninf].value, sizeof(r->inf[0].value), "%s", value);
	r->inf[r->ninf++].role = role;
}

/* A SIM by key: a later non-empty field over an earlier one (SIM_MERGE). */
static void
add_sim(struct lead_run *r, const struct rec_sim *s, int64_t ts)
{
	const char *key = lead_sim_key(s);
	struct run_sim *m = NULL;

	if (key[0] == '\0')
		return;
	for (int k = 0; k < r->nsim && m == NULL; k++)
		if (strcmp(r->sim[k].key, key) == 0)
			m = &r->sim[k];
	if (m == NULL) {
		struct run_sim *p = grow(r->sim, r->nsim, &r->capsim, sizeof(*p));

		if (p == NULL) {
			r->oom = true;
			return;
		}
		r->sim = p;
		m = &r->sim[r->nsim++];
		snprintf(m->key, sizeof(m->key), "%s", key);
		m->s = *s;
		m->first = m->last = ts;
		return;
	}
	if (s->imsi[0])
		memcpy(m->s.imsi, s->imsi, sizeof(s->imsi));
	if (s->iccid[0])
		memcpy(m->s.iccid, s->iccid, sizeof(s->iccid));
	if (s->msisdn[0])
		memcpy(m->s.msisdn, s->msisdn, sizeof(s->msisdn));
	if (s->imei[0])
		memcpy(m->s.imei, s->imei, sizeof(s->imei));
	if (ts > m->last)
		m->last = ts;
}

/* d, of lead key, joins the run (lead_run_fits said it may); json: its text. */
static void
lead_run_add(struct lead_run *r, const char *key, uint64_t seq, const char *json,
    const struct detection *d)
{
	char s[24], t[24], k[24], h[24];
	int thr = r->rank;

	if (r->n == 0) {
		snprintf(r->key, sizeof(r->key), "%s", key);
		r->rank = thr = 0;
		r->esc_from = -1;
		r->score = d->score;
		r->ts_min = r->ts_max = r->ts_first = d->ts;
		r->device_id[0] = '\0';
	}
	if (d->tier_rank > r->rank) {	/* the first record of the highest tier */
		r->esc_from = r->n > 0 ? r->rank : -1;
		r->rank = d->tier_rank;
		snprintf(r->tier, sizeof(r->tier), "%s", d->tier);
		snprintf(r->verdict, sizeof(r->verdict), "%s", d->verdict);
		r->deadline = d->deadline;
	}
	snprintf(r->ip, sizeof(r->ip), "%s", d->ip);
	r->vlan = d->vlan;
	r->pppoe = d->pppoe;
	if (d->device_id[0] != '\0')
		snprintf(r->device_id, sizeof(r->device_id), "%s", d->device_id);
	if (d->score > r->score)
		r->score = d->score;
	if (d->ts < r->ts_min)
		r->ts_min = d->ts;
	if (d->ts > r->ts_max)
		r->ts_max = d->ts;
	r->ts_last = d->ts;
	snprintf(s, sizeof(s), "%" PRIu64, seq);
	snprintf(t, sizeof(t), "%" PRId64, d->ts);
	snprintf(k, sizeof(k), "%d", d->tier_rank);
	snprintf(h, sizeof(h), "%d", thr);
	sqlarr_row(&r->recs, (const char *const[]){ s, json, nz(d->evidence_sha256), t, k,
	    d->tier, h }, 7);
	for (int i = 0; i < d->nev; i++)
		add_evidence(r, &d->ev[i]);
	/* peers, then each SIM's IMSI and IMEI, in lead_ingest's order */
	for (int i = 0; i < d->npeers; i++)
		add_infra(r, "peer", d->peers[i].ip, lead_peer_role(d->peers[i].port));
	for (int i = 0; i < d->nsims; i++) {
		add_infra(r, "imsi", d->sims[i].imsi, NULL);
		add_infra(r, "imei", d->sims[i].imei, NULL);
	}
	for (int i = 0; i < d->nsims; i++)
		add_sim(r, &d->sims[i], d->ts);
	r->n++;
}

#define RUN_LEAD_INSERT "INSERT INTO leads (line_key, ip, vlan, pppoe, account," \
	" device_id, tier_rank, tier, verdict, score, deadline, first_seen, last_seen," \
	" raised_at, detections, escalated_at, esc_token, esc_from)"
/* which change record x made to lead u (the run's first record a new lead) */
#define RUN_KIND "CASE WHEN u.detections = $16 AND x.i = 1 THEN 'raised'" \
	" WHEN x.rank > x.thr AND (u.detections = $16 OR x.rank >" \
	" CASE WHEN u.esc THEN u.esc_from ELSE u.tier_rank END) THEN 'escalated'" \
	" ELSE 'updated' END"

static const char run_sql[] =
	"WITH x AS (SELECT i, a[i][1]::bigint AS seq, a[i][2] AS body, a[i][3] AS sha,"
	" a[i][4]::bigint AS ts, a[i][5]::integer AS rank, a[i][6] AS tier,"
	" a[i][7]::integer AS thr FROM (SELECT $18::text[] AS a) y,"
	" generate_subscripts(y.a, 1) i),"
	" r AS (INSERT INTO records (appliance, seq, type, received, body)"
	" SELECT $1::text, seq, 'detection', $2::bigint, body FROM x ORDER BY i"
	" ON CONFLICT DO NOTHING RETURNING seq),"
	/* all new, or none (a report sent twice); anything between fails below */
	" n AS (SELECT count(*) AS c FROM r),"
	" el AS (INSERT INTO evidence_links (sha256, appliance, seq)"
	" SELECT x.sha, $1, x.seq FROM x, n WHERE n.c = $16 AND x.sha IS NOT NULL"
	" ON CONFLICT DO NOTHING),"
	" u AS (" RUN_LEAD_INSERT " SELECT $3::text, $4::text, $5::bigint, $6::bigint, NULL,"
	" $7::text, $8::integer, $9::text, $10::text, $11::bigint, $12::bigint,"
	" $13::bigint, $14::bigint, $2, $16::bigint,"
	" CASE WHEN $17::integer IS NULL THEN NULL ELSE $2 END,"
	" CASE WHEN $17::integer IS NULL THEN NULL ELSE $15::bigint END, $17::integer"
	" FROM n WHERE n.c = $16"
	LEAD_MERGE("$2", "$15::bigint", "excluded.detections")
	" RETURNING id, detections, COALESCE(esc_token = $15::bigint, false) AS esc,"
	" esc_from, tier_rank, tier, status, ip),"
	" k AS (SELECT x.i, x.tier, " RUN_KIND " AS kind FROM x, u),"
	" ch AS (INSERT INTO lead_changes (lead_id, at, kind)"
	" SELECT u.id, $2, k.kind FROM u, k ORDER BY k.i),"
	" ev AS (INSERT INTO lead_events (lead_id, at, who, kind, tier)"
	" SELECT u.id, $2, 'appliance ' || $1, k.kind, k.tier FROM u, k"
	" WHERE k.kind <> 'updated' ORDER BY k.i RETURNING id, lead_id, tier),"
	/* an alert's revision: the raise or escalation it is for */
	" al AS (INSERT INTO alerts (lead_id, revision, channel, kind, next_at, created)"
	" SELECT ev.lead_id, ev.id, c.channel, 'urgent', $2, $2 FROM ev, alert_channels c"
	" WHERE ev.tier = 'urgent' ORDER BY ev.id, c.channel ON CONFLICT DO NOTHING),"
	" so AS (" SOURCE_INSERT " SELECT id, $1, $22::bigint, $23::bigint FROM u"
	SOURCE_MERGE "),"
	" lr AS (INSERT INTO lead_records (appliance, seq, lead_id, ts)"
	" SELECT $1, x.seq, u.id, x.ts FROM x, u ON CONFLICT DO NOTHING),"
	" le AS (" EVIDENCE_INSERT " SELECT u.id, e.a[i][1], e.a[i][2], e.a[i][3]::bigint,"
	" e.a[i][4]::bigint, e.a[i][5]::bigint FROM u, (SELECT $19::text[] AS a) e,"
	" generate_subscripts(e.a, 1) i" EVIDENCE_MERGE "),"
	" li AS (" INFRA_INSERT " SELECT u.id, f.a[i][1], f.a[i][2], f.a[i][3],"
	" u.tier, u.status, u.ip"
	" FROM u, (SELECT $20::text[] AS a) f, generate_subscripts(f.a, 1) i"
	INFRA_MERGE "),"
	" si AS (" SIM_INSERT " SELECT s.a[i][1], s.a[i][2], s.a[i][3], s.a[i][4],"
	" s.a[i][5], u.id, s.a[i][6]::bigint, s.a[i][7]::bigint"
	" FROM u, (SELECT $21::text[] AS a) s, generate_subscripts(s.a, 1) i" SIM_MERGE ")"
	/* some new and some not: the report goes again a record at a time */
	" SELECT CASE WHEN c = 0 OR c = $16 THEN c ELSE (c || ' of ' || $16"
	" || ' records of a run new: stored a record at a time')::bigint END,"
	" $16 - c FROM n";

static int
run_row(void *arg, const struct db_row *row)
{
	struct ingest_counts *c = arg;
	int64_t stored = row_int(row, 0);

	c->stored += (uint64_t)stored;
	c->detections += (uint64_t)stored;
	c->duplicates += (uint64_t)row_int(row, 1);
	return 0;
}

/* The run's statement, deferred (its counts land in c at the flush); empty after. */
static int
lead_run_flush(struct storage *st, struct lead_run *r, const char *appliance,
    int64_t now, struct ingest_counts *c)
{
	struct sqlarr ev = { 0 }, inf = { 0 }, sim = { 0 };
	int rc = -1;

	if (r->n == 0)
		return 0;
	for (int i = 0; i < r->nev; i++) {
		const struct rec_evidence *e = &r->ev[i];
		char n[24], f[24], l[24];

		snprintf(n, sizeof(n), "%" PRId64, e->count);
		sqlarr_row(&ev, (const char *const[]){ e->kind, e->detail, n,
		    sqlarr_num(f, sizeof(f), e->first), sqlarr_num(l, sizeof(l), e->last) }, 5);
	}
	for (int i = 0; i < r->ninf; i++)
		sqlarr_row(&inf, (const char *const[]){ r->inf[i].kind, r->inf[i].value,
		    r->inf[i].role }, 3);
	for (int i = 0; i < r->nsim; i++) {
		const struct run_sim *m = &r->sim[i];
		char f[24], l[24];

		snprintf(f, sizeof(f), "%" PRId64, m->first);
		snprintf(l, sizeof(l), "%" PRId64, m->last);
		sqlarr_row(&sim, (const char *const[]){ m->key, nz(m->s.imsi), nz(m->s.iccid),
		    nz(m->s.msisdn), nz(m->s.imei), f, l }, 7);
	}
	if (!r->oom && sqlarr_end(&r->recs) != NULL && sqlarr_end(&ev) != NULL &&
	    sqlarr_end(&inf) != NULL && sqlarr_end(&sim) != NULL)
		rc = db_defer_query(st, run_sql, (struct db_arg[]){ DB_S(appliance),
		    DB_I(now), DB_S(r->key), DB_S(r->ip), db_opt_i(r->vlan), db_opt_i(r->pppoe),
		    db_opt_s(r->device_id), DB_I(r->rank), DB_S(r->tier), DB_S(r->verdict),
		    DB_I(r->score), DB_I(r->deadline), DB_I(r->ts_min), DB_I(r->ts_max),
		    DB_I(lead_esc_token()), DB_I(r->n), db_opt_i(r->esc_from),
		    DB_S(r->recs.p), DB_S(ev.p), DB_S(inf.p), DB_S(sim.p), DB_I(r->ts_first),
		    DB_I(r->ts_last) }, 23, run_row, NULL, c);
	else
		snprintf(st->err, sizeof(st->err), "out of memory");
	free(ev.p);
	free(inf.p);
	free(sim.p);
	r->recs.len = 0;
	r->recs.rows = 0;
	r->recs.oom = false;
	r->n = r->nev = r->ninf = r->nsim = 0;
	r->oom = false;
	return rc;
}

int
lead_ingest_record(struct storage *st, const char *appliance, uint64_t seq,
    const char *json, const struct detection *d, int64_t now,
    struct ingest_counts *c)
{
	struct lead_run *r = lead_run_new();
	char key[256];
	int rc;

	if (r == NULL) {
		snprintf(st->err, sizeof(st->err), "out of memory");
		return -1;
	}
	lead_key(d, key, sizeof(key));
	lead_run_add(r, key, seq, json, d);
	rc = lead_run_flush(st, r, appliance, now, c);
	lead_run_free(r);
	return rc;
}

struct lead_runs {
	struct lead_run	*run[RUNS_OPEN];
	int		 n, alloc;	/* open (in order of opening); allocated */
};

struct lead_runs *
lead_runs_new(void)
{
	return calloc(1, sizeof(struct lead_runs));
}

void
lead_runs_free(struct lead_runs *rs)
{
	if (rs == NULL)
		return;
	for (int i = 0; i < rs->alloc; i++)
		lead_run_free(rs->run[i]);
	free(rs);
}

int
lead_runs_flush(struct storage *st, struct lead_runs *rs, const char *appliance,
    int64_t now, struct ingest_counts *c)
{
	int rc = 0;

	for (int i = 0; i < rs->n; i++)
		if (lead_run_flush(st, rs->run[i], appliance, now, c) == -1)
			rc = -1;
	rs->n = 0;
	return rc;
}

static int
open_sims(const struct lead_runs *rs)
{
	int n = 0;

	for (int i = 0; i < rs->n; i++)
		n += rs->run[i]->nsim;
	return n;
}

/* Whether an open run other than skip names one of d's SIMs. */
static bool
sim_elsewhere(const struct lead_runs *rs, int skip, const struct detection *d)
{
	for (int i = 0; i < d->nsims; i++) {
		const char *key = lead_sim_key(&d->sims[i]);

		if (key[0] == '\0')
			continue;
		for (int j = 0; j < rs->n; j++)
			for (int k = 0; j != skip && k < rs->run[j]->nsim; k++)
				if (strcmp(rs->run[j]->sim[k].key, key) == 0)
					return true;
	}
	return false;
}

int
lead_runs_add(struct storage *st, struct lead_runs *rs, const char *appliance,
    int64_t now, struct ingest_counts *c, uint64_t seq, const char *json,
    const struct detection *d)
{
	char key[256];
	int k = -1;

	lead_key(d, key, sizeof(key));
	for (int i = 0; i < rs->n && k < 0; i++)
		if (strcmp(rs->run[i]->key, key) == 0)
			k = i;
	/* all open runs go first when another names one of d's SIMs (that
	 * run's statement must come before d's) or when they hold too many */
	if (sim_elsewhere(rs, k, d) || open_sims(rs) >= RUNS_SIMS) {
		if (lead_runs_flush(st, rs, appliance, now, c) == -1)
			return -1;
		k = -1;
	} else if (k >= 0 && !lead_run_fits(rs->run[k], d) &&
	    lead_run_flush(st, rs->run[k], appliance, now, c) == -1)
		return -1;	/* else that run is sent, and d starts it again */
	if (k < 0) {
		if (rs->n == RUNS_OPEN && lead_runs_flush(st, rs, appliance, now, c) == -1)
			return -1;
		if (rs->n == rs->alloc) {
			if ((rs->run[rs->n] = lead_run_new()) == NULL) {
				snprintf(st->err, sizeof(st->err), "out of memory");
				return -1;
			}
			rs->alloc++;
		}
		k = rs->n++;
	}
	lead_run_add(rs->run[k], key, seq, json, d);
	return 0;
}
