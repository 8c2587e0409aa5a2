/* SPDX-License-Identifier: BSD-2-Clause */
/* Session frames into storage: hello, report records (deduped), config acks. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "ingest.h"
#include "record.h"
#include "storage.h"

struct hello_row {
	uint64_t	 high, epoch, base;
	char		 grp[64];
};

static int
hello_row(void *arg, const struct db_row *r)
{
	struct hello_row *x = arg;

	x->high = (uint64_t)row_int(r, 0);
	snprintf(x->grp, sizeof(x->grp), "%s", row_str(r, 1));
	x->epoch = (uint64_t)row_int(r, 2);
	x->base = (uint64_t)row_int(r, 3);
	return 0;
}

/* s as text any database stores (record_text); free *copy after use. */
static const char *
text(const char *s, char **copy)
{
	*copy = NULL;
	return s != NULL ? record_text(s, strlen(s), copy) : NULL;
}

/*
 * Which numbering the session's seqs belong to. The same epoch (or none sent)
 * keeps it. A first epoch from an appliance stored before epochs existed is
 * adopted when the appliance's ack agrees with what is stored (the same spool,
 * upgraded). Anything else is a new spool: its seqs go above everything stored,
 * so nothing it sends is mistaken for a duplicate of an older spool's record.
 */
static void
hello_numbering(struct ingest_hello *h, struct hello_row *x)
{
	uint64_t held = x->high - x->base;

	h->renumbered = false;
	if (h->spool.epoch != 0 && h->spool.epoch != x->epoch) {
		if (x->epoch != 0 || (held != 0 && h->last_acked != held)) {
			x->base = x->high;
			h->renumbered = true;
		}
		x->epoch = h->spool.epoch;
	}
	h->spool.epoch = x->epoch;
	h->spool.base = x->base;
	h->high_seq = x->high - x->base;
}

/* Registers the session, decides its numbering, answers with its high-water. */
int
ingest_hello(struct storage *st, struct ingest_hello *h)
{
	char *c[3];
	struct db_arg a[] = { DB_S(h->appliance), db_opt_s(text(h->serial, &c[0])),
	    db_opt_s(text(h->firmware, &c[1])), DB_I(h->config_version), DB_I(h->now),
	    db_opt_s(text(h->instance, &c[2])), DB_S(FRAME_HELLO_SELFTEST) };
	struct hello_row x = { .grp = "default" }, was;
	int rc;

	h->high_seq = 0;
	/* the upsert locks the row: hellos of one appliance decide one at a time;
	 * a self-test's hello (mark-good's goipwatchd --self-test) says nothing
	 * of the firmware running, so the stored firmware stays */
	rc = db_exec(st, "INSERT INTO appliances (id, serial, firmware, config_version,"
	    " connected_at, last_seen, instance) VALUES ($1, $2, $3, $4, $5, $5, $6)"
	    " ON CONFLICT (id) DO UPDATE SET serial = excluded.serial,"
	    " firmware = CASE WHEN excluded.firmware = $7 THEN appliances.firmware"
	    " ELSE excluded.firmware END, config_version = excluded.config_version,"
	    " connected_at = excluded.connected_at, last_seen = excluded.last_seen,"
	    " instance = excluded.instance", a, 7);
	for (int i = 0; i < 3; i++)
		free(c[i]);
	if (rc == -1 || db_query(st, "SELECT high_seq, grp, spool_epoch, seq_base"
	    " FROM appliances WHERE id = $1", a, 1, hello_row, &x) == -1)
		return -1;
	snprintf(h->grp, sizeof(h->grp), "%s", x.grp);
	was = x;
	hello_numbering(h, &x);
	if (x.epoch == was.epoch && x.base == was.base)
		return 0;
	return db_exec(st, "UPDATE appliances SET spool_epoch = $2, seq_base = $3"
	    " WHERE id = $1", (struct db_arg[]){ DB_S(h->appliance),
	    DB_I(h->spool.epoch), DB_I(h->spool.base) }, 3);
}

static int
ingest_health(struct storage *st, const char *appliance, const struct health *h,
    int64_t now)
{
	struct db_arg a[] = { DB_S(appliance), DB_I(now), DB_I(h->uptime),
	    DB_I(h->packets), DB_I(h->drops), DB_I(h->spool_depth),
	    DB_I(h->spool_dropped), db_opt_s(h->tls_state), db_opt_s(h->firmware),
	    DB_I(h->config_version), db_opt_i(h->stage[HD_KERNEL]),
	    db_opt_i(h->stage[HD_RING]), db_opt_i(h->stage[HD_DECODE]),
	    db_opt_i(h->stage[HD_FLOW_FULL]), db_opt_i(h->stage[HD_REASM]),
	    db_opt_i(h->spool_oldest_age) };

	return db_exec(st, "UPDATE appliances SET last_heartbeat = $2, uptime = $3,"
	    " packets = $4, drops = $5, spool_depth = $6, spool_dropped = $7,"
	    " tls_state = $8, firmware = COALESCE($9, firmware), config_version = CASE WHEN"
	    " config_version < $10 THEN $10 ELSE config_version END,"
	    " drops_kernel = $11, drops_ring = $12, drops_decode = $13,"
	    " drops_flow_full = $14, drops_reasm = $15, spool_oldest_age = $16"
	    " WHERE id = $1", a, 16);
}

/*
 * One record; r->json is NUL-terminated. A record we cannot use is still
 * stored. run: where a lead's detection joins the run of its lead's (NULL: a
 * statement of its own); any other record ends the run first.
 */
static int
ingest_one(struct storage *st, const char *appliance, const char *json, size_t len,
    uint64_t seq, int64_t now, struct ingest_counts *c, struct lead_runs *run)
{
	static const char *const names[] = { "other", "detection", "health", "call" };
	enum record_type t = record_type_of(json, len);
	struct detection d;
	struct health h;
	struct call_rec k;
	const char *why;
	int64_t changes = 0;

	/* a lead's detection in one deferred statement where the database can */
	if (t == REC_DETECTION && st->ops->with_writes &&
	    record_detection(json, len, &d, &why) == 0 && d.tier_rank > 0 &&
	    d.account[0] == '\0') {
		if (run == NULL)
			return lead_ingest_record(st, appliance, seq, json, &d, now, c);
		return lead_runs_add(st, run, appliance, now, c, seq, json, &d);
	}
	if (run != NULL && lead_runs_flush(st, run, appliance, now, c) == -1)
		return -1;
	if (st->ops->exec(st, "INSERT INTO records (appliance, seq, type, received, body)"
	    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
	    (struct db_arg[]){ DB_S(appliance), DB_I(seq), DB_S(names[t]), DB_I(now),
	    DB_S(json) }, 5, NULL, NULL, &changes) == -1)
		return -1;
	if (changes == 0) {
		c->duplicates++;
		return 0;
	}
	c->stored++;
	if (t == REC_HEALTH && record_health(json, len, &h, &why) == 0) {
		c->health++;
		return ingest_health(st, appliance, &h, now);
	}
	if (t == REC_DETECTION && record_detection(json, len, &d, &why) == 0) {
		c->detections++;
		/* the detection's evidence file (evstore.c), by its sha256 */
		if (d.evidence_sha256[0] != '\0' && db_exec(st, "INSERT INTO"
		    " evidence_links (sha256, appliance, seq) VALUES ($1, $2, $3)"
		    " ON CONFLICT DO NOTHING", (struct db_arg[]){
		    DB_S(d.evidence_sha256), DB_S(appliance), DB_I(seq) }, 3) == -1)
			return -1;
		return d.tier_rank > 0 ? lead_ingest(st, appliance, seq, &d, now) : 0;
	}
	if (t == REC_CALL && record_call(json, len, &k, &why) == 0) {
		c->calls++;
		return line_call_ingest(st, appliance, seq, &k, now);
	}
	if (t != REC_OTHER)
		c->unusable++;
	return 0;
}

/* The record as storable text: bad bytes and NUL as U+FFFD (never refused for them). */
static int
ingest_text(struct storage *st, const char *appliance, uint64_t base,
    const struct ingest_rec *r, int64_t now, struct ingest_counts *c,
    struct lead_runs *run)
{
	char *copy;
	const char *json = record_text(r->json, r->len, &copy);
	int rc;

	if (json == NULL) {
		snprintf(st->err, sizeof(st->err), "out of memory");
		return -1;
	}
	if (copy != NULL)
		c->sanitised++;
	rc = ingest_one(st, appliance, json, strlen(json), base + r->seq, now, c, run);
	free(copy);
	return rc;
}

/* Keeps a record central could not store: why, its size, its first bytes. */
static int
quarantine(struct storage *st, const char *appliance, uint64_t base,
    const struct ingest_rec *r, int64_t now, const char *reason, struct ingest_counts *c)
{
	size_t keep = r->len < INGEST_QUARANTINE_MAX ? r->len : INGEST_QUARANTINE_MAX;
	char *copy;
	const char *why = text(reason, &copy);
	int64_t changes = 0;
	int rc;

	rc = st->ops->exec(st, "INSERT INTO quarantine (appliance, seq, received, reason,"
	    " size, raw) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
	    (struct db_arg[]){ DB_S(appliance), DB_I(base + r->seq), DB_I(now),
	    DB_S(why ? why : "?"), DB_I(r->len), DB_B(r->json, keep) }, 6, NULL, NULL,
	    &changes);
	free(copy);
	if (rc == -1 || changes == 0)
		return rc;
	c->quarantined++;
	return db_exec(st, "UPDATE appliances SET quarantined = quarantined + 1"
	    " WHERE id = $1", (struct db_arg[]){ DB_S(appliance) }, 1);
}

/* One record in a savepoint; on a failure that is not a conflict, quarantine. */
static int
ingest_careful(struct storage *st, const char *appliance, uint64_t base,
    const struct ingest_rec *r, int64_t now, struct ingest_counts *c)
{
	struct ingest_counts before = *c;
	char reason[sizeof(st->err)];

	if (st->ops->exec_script(st, "SAVEPOINT rec") == -1)
		return -1;
	/* the record's deferred statements too, inside its savepoint */
	if (ingest_text(st, appliance, base, r, now, c, NULL) == -1 || db_flush(st) == -1) {
		if (st->retryable)
			return -1;
		*c = before;
		snprintf(reason, sizeof(reason), "%s", st->err);
		if (st->ops->exec_script(st, "ROLLBACK TO SAVEPOINT rec") == -1 ||
		    quarantine(st, appliance, base, r, now, reason, c) == -1)
			return -1;
	}
	return st->ops->exec_script(st, "RELEASE SAVEPOINT rec");
}

int
ingest_records(struct storage *st, const char *appliance, const struct ingest_spool *sp,
    const struct ingest_rec *r, int n, int64_t now, bool careful,
    struct ingest_counts *c)
{
	struct lead_runs *run = NULL;
	uint64_t high = 0;
	int64_t changes = 0;
	int rc = 0;

	for (int i = 0; i < n; i++)
		if (r[i].seq > high)
			high = r[i].seq;
	/* first, so the row is locked: a hello of another session cannot
	 * renumber between this check and the inserts */
	if (st->ops->exec(st, "UPDATE appliances SET high_seq = CASE WHEN high_seq < $2"
	    " THEN $2 ELSE high_seq END, last_seen = $3 WHERE id = $1"
	    " AND spool_epoch = $4 AND seq_base = $5",
	    (struct db_arg[]){ DB_S(appliance), DB_I(sp->base + high), DB_I(now),
	    DB_I(sp->epoch), DB_I(sp->base) }, 5, NULL, NULL, &changes) == -1)
		return -1;
	if (changes == 0)
		return 1;
	/* a lead's detections go out as runs (lead-run.c), deferred: the
	 * report's statements go out with the next statement of the batch
	 * (the next report's high_seq update, or the COMMIT), and a failure
	 * among them fails the batch, whose jobs are then tried one by one */
	if (!careful && st->ops->with_writes && (run = lead_runs_new()) == NULL) {
		snprintf(st->err, sizeof(st->err), "out of memory");
		return -1;
	}
	for (int i = 0; i < n && rc == 0; i++)
		rc = careful ? ingest_careful(st, appliance, sp->base, &r[i], now, c) :
		    ingest_text(st, appliance, sp->base, &r[i], now, c, run);
	if (rc == 0 && run != NULL)
		rc = lead_runs_flush(st, run, appliance, now, c);
	lead_runs_free(run);
	return rc;
}

int
ingest_config_ack(struct storage *st, const char *appliance, uint64_t version,
    int status, const char *message, int64_t now)
{
	char *copy;
	struct db_arg a[] = { DB_S(appliance), DB_I(version), DB_I(status),
	    DB_S(text(message, &copy)), DB_I(now) };
	int rc;

	rc = db_exec(st, "INSERT INTO config_acks (appliance, version, status, message,"
	    " acked_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (appliance, version)"
	    " DO UPDATE SET status = excluded.status, message = excluded.message,"
	    " acked_at = excluded.acked_at", a, 5);
	free(copy);
	if (rc == -1)
		return -1;
	if (status != 0)
		return 0;
	return db_exec(st, "UPDATE appliances SET config_version = $2 WHERE id = $1"
	    " AND config_version < $2", a, 2);
}
