/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A detection into its lead: one lead per subscriber line (per account when
 * known), escalated when the tier rises; evidence, infrastructure and SIMs merged.
 * Every statement is an upsert, so concurrent instances need no locks of their own.
 */
#include <inttypes.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "alert.h"
#include "events.h"
#include "ingest.h"
#include "record.h"
#include "storage.h"

static struct db_arg
opt(const char *s)
{
	return s != NULL && *s != '\0' ? DB_S(s) : DB_NULL;
}

static struct db_arg
opt_int(int64_t v)
{
	return v >= 0 ? DB_I(v) : DB_NULL;
}

void
lead_key(const struct detection *d, char *buf, size_t len)
{
	if (d->account[0] != '\0')
		snprintf(buf, len, "acct:%s", d->account);
	else
		snprintf(buf, len, "line:%s/%" PRId64 "/%" PRId64, d->ip,
		    d->vlan < 0 ? 0 : d->vlan, d->pppoe < 0 ? 0 : d->pppoe);
}

/* Marks which upsert escalated a lead: unique per process and call. */
static int64_t
esc_token(void)
{
	static _Atomic uint32_t n;

	return ((int64_t)getpid() << 32) | (int64_t)atomic_fetch_add(&n, 1);
}

struct upserted {
	int64_t	 id, detections, token;
};

static int
upserted_row(void *arg, const struct db_row *r)
{
	struct upserted *u = arg;

	u->id = row_int(r, 0);
	u->detections = row_int(r, 1);
	u->token = row_int(r, 2);
	return 0;
}

#define ESCALATES "excluded.tier_rank > leads.tier_rank"

#define LEAD_INSERT "INSERT INTO leads (line_key, ip, vlan, pppoe, account, device_id," \
	" tier_rank, tier, verdict, score, deadline, first_seen, last_seen, raised_at)"
/* The merge of a detection into its lead; NOW and TOK: the parameters. */
#define LEAD_MERGE(NOW, TOK) \
	" ON CONFLICT (line_key) DO UPDATE SET" \
	" detections = leads.detections + 1," \
	" ip = excluded.ip, vlan = excluded.vlan, pppoe = excluded.pppoe," \
	" last_seen = CASE WHEN excluded.last_seen > leads.last_seen" \
	"  THEN excluded.last_seen ELSE leads.last_seen END," \
	" first_seen = CASE WHEN excluded.first_seen < leads.first_seen" \
	"  THEN excluded.first_seen ELSE leads.first_seen END," \
	" score = CASE WHEN excluded.score > leads.score THEN excluded.score" \
	"  ELSE leads.score END," \
	" device_id = COALESCE(excluded.device_id, leads.device_id)," \
	" account = COALESCE(excluded.account, leads.account)," \
	" verdict = CASE WHEN " ESCALATES " THEN excluded.verdict ELSE leads.verdict END," \
	" deadline = CASE WHEN " ESCALATES " THEN excluded.deadline ELSE leads.deadline END," \
	" escalated_at = CASE WHEN " ESCALATES " THEN " NOW " ELSE leads.escalated_at END," \
	" esc_token = CASE WHEN " ESCALATES " THEN " TOK " ELSE leads.esc_token END," \
	" status = CASE WHEN " ESCALATES " AND leads.status = 'acknowledged'" \
	"  THEN 'new' ELSE leads.status END," \
	" feedback_at = CASE WHEN " ESCALATES " AND leads.status = 'acknowledged'" \
	"  THEN NULL ELSE leads.feedback_at END," \
	" tier = CASE WHEN " ESCALATES " THEN excluded.tier ELSE leads.tier END," \
	" tier_rank = CASE WHEN " ESCALATES " THEN excluded.tier_rank" \
	"  ELSE leads.tier_rank END"
#define EVIDENCE_INSERT "INSERT INTO lead_evidence (lead_id, kind, detail, count," \
	" first_ts, last_ts)"
#define EVIDENCE_MERGE \
	" ON CONFLICT (lead_id, kind, detail) DO UPDATE SET" \
	" count = CASE WHEN excluded.count > lead_evidence.count" \
	"  THEN excluded.count ELSE lead_evidence.count END," \
	" last_ts = CASE WHEN excluded.last_ts > lead_evidence.last_ts" \
	"  THEN excluded.last_ts ELSE lead_evidence.last_ts END" \
	" WHERE excluded.count > lead_evidence.count" \
	" OR excluded.last_ts > lead_evidence.last_ts"
/* the lead's tier, status and ip go with each row (the detail's linked leads,
 * schema.c's migration 19): given here, the trigger that would look them up
 * per row is skipped */
#define INFRA_INSERT "INSERT INTO lead_infra (lead_id, kind, value, role," \
	" lead_tier, lead_status, lead_ip)"
#define INFRA_MERGE " ON CONFLICT (lead_id, kind, value) DO UPDATE" \
	" SET role = COALESCE(lead_infra.role, excluded.role)" \
	" WHERE lead_infra.role IS NULL AND excluded.role IS NOT NULL"
/* A field a SIM's upsert changes. */
#define SIM_NEW(F) "(excluded." F " IS NOT NULL AND (sims." F " IS NULL" \
	" OR sims." F " <> excluded." F "))"
#define SIM_INSERT "INSERT INTO sims (sim_key, imsi, iccid, msisdn, imei, lead_id," \
	" first_seen, last_seen)"
#define SIM_MERGE " ON CONFLICT (sim_key) DO UPDATE SET" \
	" imsi = COALESCE(excluded.imsi, sims.imsi)," \
	" iccid = COALESCE(excluded.iccid, sims.iccid)," \
	" msisdn = COALESCE(excluded.msisdn, sims.msisdn)," \
	" imei = COALESCE(excluded.imei, sims.imei), lead_id = excluded.lead_id," \
	" last_seen = CASE WHEN excluded.last_seen > sims.last_seen" \
	"  THEN excluded.last_seen ELSE sims.last_seen END" \
	" WHERE " SIM_NEW("imsi") " OR " SIM_NEW("iccid") " OR " SIM_NEW("msisdn") \
	" OR " SIM_NEW("imei") " OR sims.lead_id <> excluded.lead_id" \
	" OR excluded.last_seen > sims.last_seen"
#define SOURCE_INSERT "INSERT INTO lead_sources (lead_id, appliance, first_seen," \
	" last_seen)"
#define SOURCE_MERGE " ON CONFLICT (lead_id, appliance) DO UPDATE" \
	" SET last_seen = excluded.last_seen" \
	" WHERE lead_sources.last_seen <> excluded.last_seen"

static const char upsert_sql[] = LEAD_INSERT
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)"
	LEAD_MERGE("$13", "$14") " RETURNING id, detections, esc_token";

/* A line lead raised before the account was known becomes the account's lead. */
static int
adopt_line_lead(struct storage *st, const struct detection *d, const char *key)
{
	struct detection line = *d;
	char lkey[256];

	if (d->account[0] == '\0')
		return 0;
	line.account[0] = '\0';
	lead_key(&line, lkey, sizeof(lkey));
	return db_defer(st, "UPDATE leads SET line_key = $1, account = $2"
	    " WHERE line_key = $3 AND NOT EXISTS"
	    " (SELECT 1 FROM leads l2 WHERE l2.line_key = $1)",
	    (struct db_arg[]){ DB_S(key), DB_S(d->account), DB_S(lkey) }, 3);
}

static int
upsert_lead(struct storage *st, const struct detection *d, int64_t now,
    struct upserted *u)
{
	char key[256];
	int64_t tok = esc_token();
	struct db_arg a[] = { DB_S(key), DB_S(d->ip), opt_int(d->vlan), opt_int(d->pppoe),
	    opt(d->account), opt(d->device_id), DB_I(d->tier_rank), DB_S(d->tier),
	    DB_S(d->verdict), DB_I(d->score), DB_I(d->deadline), DB_I(d->ts),
	    DB_I(now), DB_I(tok) };

	lead_key(d, key, sizeof(key));
	if (adopt_line_lead(st, d, key) == -1 ||
	    db_query(st, upsert_sql, a, 14, upserted_row, u) == -1)
		return -1;
	if (u->token == tok)
		u->token = -1;	/* this detection escalated it */
	return 0;
}

static int
lead_event(struct storage *st, int64_t id, int64_t now, const char *who,
    const char *kind, const struct detection *d)
{
	return db_defer(st, "INSERT INTO lead_events (lead_id, at, who, kind, tier)"
	    " VALUES ($1, $2, $3, $4, $5)", (struct db_arg[]){ DB_I(id), DB_I(now),
	    DB_S(who), DB_S(kind), DB_S(d->tier) }, 5);
}

static int
merge_evidence(struct storage *st, int64_t id, const struct detection *d)
{
	for (int i = 0; i < d->nev; i++) {
		const struct rec_evidence *e = &d->ev[i];

		if (db_defer(st, EVIDENCE_INSERT " VALUES ($1, $2, $3, $4, $5, $6)"
		    EVIDENCE_MERGE, (struct db_arg[]){ DB_I(id), DB_S(e->kind), DB_S(e->detail),
		    DB_I(e->count), opt_int(e->first), opt_int(e->last) }, 6) == -1)
			return -1;
	}
	return 0;
}

/* role NULL: none known; a known role replaces none, never another. */
static int
infra(struct storage *st, int64_t id, const char *kind, const char *value,
    const char *role)
{
	if (value[0] == '\0')
		return 0;
	return db_defer(st, INFRA_INSERT " SELECT $1, $2, $3, $4, l.tier, l.status, l.ip"
	    " FROM leads l WHERE l.id = $1" INFRA_MERGE,
	    (struct db_arg[]){ DB_I(id), DB_S(kind), DB_S(value),
	    role ? DB_S(role) : DB_NULL }, 4);
}

/*
 * What a foreign peer is, by the port the GoIP family uses by default: SIP
 * 5060-5069 a softswitch, 44444 the SMS server, 56011-56013 a SIM-bank
 * server (docs/research goip-domain.md). A hint for the rings graph: the
 * record does not say which detector saw the peer; other ports: NULL.
 */
static const char *
peer_role(int64_t port)
{
	if (port >= 5060 && port <= 5069)
		return "softswitch";
	if (port == 44444)
		return "sms_server";
	if (port >= 56011 && port <= 56013)
		return "sim_bank";
	return NULL;
}

static int
sim_upsert(struct storage *st, int64_t id, const struct rec_sim *s, int64_t ts)
{
	const char *key = s->imsi[0] ? s->imsi : s->iccid[0] ? s->iccid : s->msisdn;

	if (key[0] == '\0')
		return 0;
	return db_defer(st, SIM_INSERT " VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
	    SIM_MERGE, (struct db_arg[]){ DB_S(key), opt(s->imsi), opt(s->iccid), opt(s->msisdn),
	    opt(s->imei), DB_I(id), DB_I(ts) }, 7);
}

/* Shared infrastructure, for rings: foreign peers, IMSIs, IMEIs. */
static int
merge_infra(struct storage *st, int64_t id, const struct detection *d)
{
	for (int i = 0; i < d->npeers; i++)
		if (infra(st, id, "peer", d->peers[i].ip,
		    peer_role(d->peers[i].port)) == -1)
			return -1;
	for (int i = 0; i < d->nsims; i++)
		if (infra(st, id, "imsi", d->sims[i].imsi, NULL) == -1 ||
		    infra(st, id, "imei", d->sims[i].imei, NULL) == -1 ||
		    sim_upsert(st, id, &d->sims[i], d->ts) == -1)
			return -1;
	return 0;
}

int
lead_ingest(struct storage *st, const char *appliance, uint64_t seq,
    const struct detection *d, int64_t now)
{
	struct upserted u = { 0, 0, 0 };
	char who[160];

	snprintf(who, sizeof(who), "appliance %s", appliance);
	if (upsert_lead(st, d, now, &u) == -1 || events_log(st, u.id, u.detections == 1 ?
	    "raised" : u.token == -1 ? "escalated" : "updated", now) == -1)
		return -1;
	if (u.detections == 1 && lead_event(st, u.id, now, who, "raised", d) == -1)
		return -1;
	if (u.detections > 1 && u.token == -1 &&
	    lead_event(st, u.id, now, who, "escalated", d) == -1)
		return -1;
	if ((u.detections == 1 || u.token == -1) && alert_lead(st, u.id, now) == -1)
		return -1;
	if (db_defer(st, SOURCE_INSERT " VALUES ($1, $2, $3, $3)" SOURCE_MERGE,
	    (struct db_arg[]){ DB_I(u.id), DB_S(appliance), DB_I(d->ts) }, 3) == -1 ||
	    db_defer(st, "INSERT INTO lead_records (appliance, seq, lead_id, ts)"
	    " VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING", (struct db_arg[]){
	    DB_S(appliance), DB_I(seq), DB_I(u.id), DB_I(d->ts) }, 4) == -1)
		return -1;
	return merge_evidence(st, u.id, d) == -1 ? -1 : merge_infra(st, u.id, d);
}

/*
 * The one-statement form (storage_ops.with_writes): a detection record and
 * everything it does to its lead in one data-modifying WITH, so a report's
 * records go out in one pipeline instead of a round trip for the record's
 * insert and another for the lead's. Nothing happens past the record's insert
 * when it is a duplicate (r is empty). The lists (evidence, infrastructure,
 * SIMs) are two-dimensional text arrays, merged first as the one-row-at-a-time
 * upserts would merge them: one statement may not touch a row twice.
 */
static const char record_sql[] =
	"WITH r AS (INSERT INTO records (appliance, seq, type, received, body)"
	" VALUES ($1, $2, 'detection', $3, $4) ON CONFLICT DO NOTHING RETURNING seq),"
	" el AS (INSERT INTO evidence_links (sha256, appliance, seq)"
	" SELECT $5::text, $1, $2 FROM r WHERE $5::text IS NOT NULL ON CONFLICT DO NOTHING),"
	" u AS (" LEAD_INSERT " SELECT $6::text, $7::text, $8::bigint, $9::bigint, NULL,"
	" $10::text, $11::integer, $12::text, $13::text, $14::bigint, $15::bigint,"
	" $16::bigint, $16::bigint, $3 FROM r" LEAD_MERGE("$3", "$17::bigint")
	" RETURNING id, detections, COALESCE(esc_token = $17::bigint, false) AS esc, tier,"
	" status, ip),"
	" ch AS (INSERT INTO lead_changes (lead_id, at, kind) SELECT id, $3,"
	" CASE WHEN detections = 1 THEN 'raised' WHEN esc THEN 'escalated'"
	" ELSE 'updated' END FROM u),"
	" ev AS (INSERT INTO lead_events (lead_id, at, who, kind, tier)"
	" SELECT id, $3, 'appliance ' || $1, CASE WHEN detections = 1 THEN 'raised'"
	" ELSE 'escalated' END, $12::text FROM u WHERE detections = 1 OR esc"
	" RETURNING id, lead_id),"
	/* the alert's revision: the raise or escalation just logged */
	" al AS (INSERT INTO alerts (lead_id, revision, channel, kind, next_at, created)"
	" SELECT ev.lead_id, ev.id, c.channel, 'urgent', $3, $3 FROM ev, u,"
	" alert_channels c WHERE u.tier = 'urgent' ON CONFLICT DO NOTHING),"
	" so AS (" SOURCE_INSERT " SELECT id, $1, $16, $16 FROM u" SOURCE_MERGE "),"
	" lr AS (INSERT INTO lead_records (appliance, seq, lead_id, ts)"
	" SELECT $1, $2, id, $16 FROM u ON CONFLICT DO NOTHING),"
	" le AS (" EVIDENCE_INSERT " SELECT u.id, x.a[i][1], x.a[i][2], x.a[i][3]::bigint,"
	" x.a[i][4]::bigint, x.a[i][5]::bigint FROM u, (SELECT $18::text[] AS a) x,"
	" generate_subscripts(x.a, 1) i" EVIDENCE_MERGE "),"
	" li AS (" INFRA_INSERT " SELECT u.id, x.a[i][1], x.a[i][2], x.a[i][3],"
	" u.tier, u.status, u.ip"
	" FROM u, (SELECT $19::text[] AS a) x, generate_subscripts(x.a, 1) i"
	INFRA_MERGE "),"
	" si AS (" SIM_INSERT " SELECT x.a[i][1], x.a[i][2], x.a[i][3], x.a[i][4],"
	" x.a[i][5], u.id, $16, $16 FROM u, (SELECT $20::text[] AS a) x,"
	" generate_subscripts(x.a, 1) i" SIM_MERGE ")"
	" SELECT count(*) FROM r";

/* A two-dimensional array literal being written: {{"a",NULL},{"b","c"}}. */
struct arr {
	char	*p;
	size_t	 len, cap;
	int	 rows;
	bool	 oom;
};

static void
arr_put(struct arr *a, const char *s, size_t n)
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
arr_row(struct arr *a, const char *const *v, int n)
{
	arr_put(a, a->rows++ ? ",{" : "{{", 2);
	for (int i = 0; i < n; i++) {
		if (i > 0)
			arr_put(a, ",", 1);
		if (v[i] == NULL) {
			arr_put(a, "NULL", 4);
			continue;
		}
		arr_put(a, "\"", 1);
		for (const char *s = v[i]; *s != '\0'; s++) {
			if (*s == '"' || *s == '\\')
				arr_put(a, "\\", 1);
			arr_put(a, s, 1);
		}
		arr_put(a, "\"", 1);
	}
	arr_put(a, "}", 1);
}

static const char *
arr_end(struct arr *a)
{
	arr_put(a, a->rows ? "}" : "{}", a->rows ? 1 : 2);
	return a->oom ? NULL : a->p;
}

/* -1 as NULL, else the number in buf. */
static const char *
num(char *buf, size_t len, int64_t v)
{
	if (v < 0)
		return NULL;
	snprintf(buf, len, "%" PRId64, v);
	return buf;
}

/* The evidence, merged as EVIDENCE_MERGE would merge a repeated (kind, detail). */
static void
evidence_rows(struct arr *a, const struct detection *d)
{
	struct rec_evidence m[REC_MAX_EVIDENCE];
	int n = 0;

	for (int i = 0; i < d->nev; i++) {
		const struct rec_evidence *e = &d->ev[i];
		int k = 0;

		while (k < n && (strcmp(m[k].kind, e->kind) != 0 ||
		    strcmp(m[k].detail, e->detail) != 0))
			k++;
		if (k == n) {
			m[n++] = *e;
			continue;
		}
		if (e->count > m[k].count)
			m[k].count = e->count;
		if (e->last >= 0 && m[k].last >= 0 && e->last > m[k].last)
			m[k].last = e->last;	/* SQL: a NULL on either side keeps */
	}
	for (int i = 0; i < n; i++) {
		char c[24], f[24], l[24];

		snprintf(c, sizeof(c), "%" PRId64, m[i].count);
		arr_row(a, (const char *const[]){ m[i].kind, m[i].detail, c,
		    num(f, sizeof(f), m[i].first), num(l, sizeof(l), m[i].last) }, 5);
	}
}

struct infra_item {
	const char	*kind, *value, *role;
};

/* An item once; a repeat gives a role to one that had none (INFRA_MERGE). */
static int
infra_add(struct infra_item *m, int n, const char *kind, const char *value,
    const char *role)
{
	if (value[0] == '\0')
		return n;
	for (int k = 0; k < n; k++)
		if (strcmp(m[k].kind, kind) == 0 && strcmp(m[k].value, value) == 0) {
			if (m[k].role == NULL)
				m[k].role = role;
			return n;
		}
	m[n] = (struct infra_item){ kind, value, role };
	return n + 1;
}

/* Peers, then each SIM's IMSI and IMEI, in merge_infra's order. */
static void
infra_rows(struct arr *a, const struct detection *d)
{
	struct infra_item m[REC_MAX_PEERS + 2 * REC_MAX_SIMS];
	int n = 0;

	for (int i = 0; i < d->npeers; i++)
		n = infra_add(m, n, "peer", d->peers[i].ip, peer_role(d->peers[i].port));
	for (int i = 0; i < d->nsims; i++) {
		n = infra_add(m, n, "imsi", d->sims[i].imsi, NULL);
		n = infra_add(m, n, "imei", d->sims[i].imei, NULL);
	}
	for (int i = 0; i < n; i++)
		arr_row(a, (const char *const[]){ m[i].kind, m[i].value, m[i].role }, 3);
}

static const char *
nz(const char *s)
{
	return s[0] != '\0' ? s : NULL;
}

/* The SIMs by key, a later non-empty field over an earlier one (SIM_MERGE). */
static void
sim_rows(struct arr *a, const struct detection *d)
{
	const char *m[REC_MAX_SIMS][5];
	int n = 0;

	for (int i = 0; i < d->nsims; i++) {
		const struct rec_sim *s = &d->sims[i];
		const char *key = s->imsi[0] ? s->imsi : s->iccid[0] ? s->iccid : s->msisdn;
		const char *v[5] = { key, nz(s->imsi), nz(s->iccid), nz(s->msisdn),
		    nz(s->imei) };
		int k = 0;

		if (key[0] == '\0')
			continue;
		while (k < n && strcmp(m[k][0], key) != 0)
			k++;
		if (k == n) {
			memcpy(m[n++], v, sizeof(v));
			continue;
		}
		for (int f = 1; f < 5; f++)
			if (v[f] != NULL)
				m[k][f] = v[f];
	}
	for (int i = 0; i < n; i++)
		arr_row(a, m[i], 5);
}

static int
record_row(void *arg, const struct db_row *r)
{
	struct ingest_counts *c = arg;

	if (row_int(r, 0) == 0) {
		c->duplicates++;
		return 0;
	}
	c->stored++;
	c->detections++;
	return 0;
}

int
lead_ingest_record(struct storage *st, const char *appliance, uint64_t seq,
    const char *json, const struct detection *d, int64_t now,
    struct ingest_counts *c)
{
	struct arr ev = { 0 }, inf = { 0 }, sim = { 0 };
	char key[256];
	int rc = -1;

	lead_key(d, key, sizeof(key));
	evidence_rows(&ev, d);
	infra_rows(&inf, d);
	sim_rows(&sim, d);
	if (arr_end(&ev) != NULL && arr_end(&inf) != NULL && arr_end(&sim) != NULL)
		rc = db_defer_query(st, record_sql, (struct db_arg[]){ DB_S(appliance),
		    DB_I(seq), DB_I(now), DB_S(json), opt(d->evidence_sha256), DB_S(key),
		    DB_S(d->ip), opt_int(d->vlan), opt_int(d->pppoe), opt(d->device_id),
		    DB_I(d->tier_rank), DB_S(d->tier), DB_S(d->verdict), DB_I(d->score),
		    DB_I(d->deadline), DB_I(d->ts), DB_I(esc_token()), DB_S(ev.p),
		    DB_S(inf.p), DB_S(sim.p) }, 20, record_row, NULL, c);
	else
		snprintf(st->err, sizeof(st->err), "out of memory");
	free(ev.p);
	free(inf.p);
	free(sim.p);
	return rc;
}
