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
#include "lead-sql.h"

void
lead_key(const struct detection *d, char *buf, size_t len)
{
	if (d->account[0] != '\0')
		snprintf(buf, len, "acct:%s", d->account);
	else
		snprintf(buf, len, "line:%s/%" PRId64 "/%" PRId64, d->ip,
		    d->vlan < 0 ? 0 : d->vlan, d->pppoe < 0 ? 0 : d->pppoe);
}

int64_t
lead_esc_token(void)
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

static const char upsert_sql[] = LEAD_INSERT
	" VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13)"
	LEAD_MERGE("$13", "$14", "1") " RETURNING id, detections, esc_token";

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
	int64_t tok = lead_esc_token();
	struct db_arg a[] = { DB_S(key), DB_S(d->ip), db_opt_i(d->vlan),
	    db_opt_i(d->pppoe), db_opt_s(d->account), db_opt_s(d->device_id),
	    DB_I(d->tier_rank), DB_S(d->tier),
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
		    DB_I(e->count), db_opt_i(e->first), db_opt_i(e->last) }, 6) == -1)
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
const char *
lead_peer_role(int64_t port)
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
	const char *key = lead_sim_key(s);

	if (key[0] == '\0')
		return 0;
	return db_defer(st, SIM_INSERT " VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
	    SIM_MERGE, (struct db_arg[]){ DB_S(key), db_opt_s(s->imsi), db_opt_s(s->iccid),
	    db_opt_s(s->msisdn), db_opt_s(s->imei), DB_I(id), DB_I(ts) }, 7);
}

const char *
lead_sim_key(const struct rec_sim *s)
{
	return s->imsi[0] ? s->imsi : s->iccid[0] ? s->iccid : s->msisdn;
}

/* Shared infrastructure, for rings: foreign peers, IMSIs, IMEIs. */
static int
merge_infra(struct storage *st, int64_t id, const struct detection *d)
{
	for (int i = 0; i < d->npeers; i++)
		if (infra(st, id, "peer", d->peers[i].ip,
		    lead_peer_role(d->peers[i].port)) == -1)
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
