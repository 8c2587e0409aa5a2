/* SPDX-License-Identifier: BSD-2-Clause */
/* Staged firmware rollouts: canaries, health, windows, halts (rollout.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "filestore.h"
#include "hex.h"
#include "log.h"
#include "out.h"
#include "rollout.h"
#include "storage.h"
#include "tls-pki.h"

#define MSG_MAX		300
#define MEMBERS_MAX	100000	/* appliances of a group in one rollout */

/* ---- starting ---- */

struct fw_pick {
	const char	*want, *grp;
	struct pushfile	 f;
	bool		 found, same_grp;
};

/* A firmware row whose label "COMPATIBLE VERSION" ends in the version wanted:
 * the group's own first, then the newest. */
static int
pick_row(void *arg, const struct db_row *r)
{
	struct fw_pick *p = arg;
	struct pushfile *list = NULL;
	const char *label = row_str(r, 5), *sp = strrchr(label, ' ');
	bool same;

	if (sp == NULL || strcmp(sp + 1, p->want) != 0)
		return 0;
	if (filestore_row(&list, r) == -1)
		return -1;
	if (list == NULL)
		return 0;
	same = strcmp(list->grp, p->grp) == 0;
	if (!p->found || (same && !p->same_grp) || (same == p->same_grp &&
	    list->version > p->f.version)) {
		p->f = *list;
		p->f.next = NULL;
		p->found = true;
		p->same_grp = same;
	}
	pushfile_free(list);
	return 0;
}

struct ids {
	char	(*v)[128];
	size_t	 n, cap;
};

static int
id_row(void *arg, const struct db_row *r)
{
	struct ids *x = arg;

	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 16;
		void *p;

		if (cap > MEMBERS_MAX || (p = realloc(x->v, cap * sizeof(*x->v))) == NULL)
			return -1;
		x->v = p;
		x->cap = cap;
	}
	snprintf(x->v[x->n++], sizeof(x->v[0]), "%s", row_str(r, 0));
	return 0;
}

/* The offer's signature: the bundle's own, or a new one over the flags. */
static int
rollout_sig(const struct rollout_req *q, struct pushfile *f, char *hex, char *err,
    size_t errlen)
{
	struct frame_file_offer o;
	size_t len = f->sig_len;

	if (q->allow_downgrade) {
		f->flags |= FRAME_FILE_ALLOW_DOWNGRADE;
		filestore_offer(f, &o);
		if (pki_sign_file(q->keypath, &o, f->sig, &len, err, errlen) == -1)
			return -1;
	}
	hex_encode(f->sig, len, hex);
	return 0;
}

/* Checks, then the rollout and its members (the first canaries ids are canaries). */
static int
start_rows(struct storage *st, const struct rollout_req *q, int64_t now, int64_t *id,
    struct ids *m, char *err, size_t errlen)
{
	struct fw_pick p = { .want = q->fw_version, .grp = q->grp };
	char sig[2 * FRAME_MAX_SIG + 1];
	int64_t n;

	if (db_query(st, "SELECT kind, grp, version, size, sha256, label, flags, sig FROM"
	    " files WHERE kind = 'firmware'", NULL, 0, pick_row, &p) == -1 ||
	    db_int(st, "SELECT COUNT(*) FROM rollouts WHERE grp = $1 AND ended IS NULL",
	    (struct db_arg[]){ DB_S(q->grp) }, 1, 0, &n) == -1 ||
	    db_query(st, "SELECT id FROM appliances WHERE grp = $1 ORDER BY id",
	    (struct db_arg[]){ DB_S(q->grp) }, 1, id_row, m) == -1)
		return snprintf(err, errlen, "%s", st->err), -1;
	if (!p.found)
		return snprintf(err, errlen, "no stored firmware with version '%s' (see"
		    " 'firmware list')", q->fw_version), -1;
	if (n > 0)
		return snprintf(err, errlen, "group %s has an active rollout (see 'firmware"
		    " status'; 'firmware halt' stops it)", q->grp), -1;
	if (m->n == 0 || (size_t)q->canaries > m->n)
		return snprintf(err, errlen, "group %s has %zu appliance%s, fewer than %"
		    PRId64 " canar%s", q->grp, m->n, m->n == 1 ? "" : "s", q->canaries,
		    q->canaries == 1 ? "y" : "ies"), -1;
	if (rollout_sig(q, &p.f, sig, err, errlen) == -1)
		return -1;
	if (db_exec(st, "INSERT INTO rollouts (grp, fw_version, file_version, flags, sig,"
	    " canaries, window_secs, phase, phase_at, created, created_by) VALUES ($1, $2,"
	    " $3, $4, $5, $6, $7, 'canary', $8, $8, $9)", (struct db_arg[]){ DB_S(q->grp),
	    DB_S(q->fw_version), DB_I(p.f.version), DB_I(p.f.flags), DB_S(sig),
	    DB_I(q->canaries), DB_I(q->window), DB_I(now), DB_S(q->who) }, 9) == -1 ||
	    db_int(st, "SELECT MAX(id) FROM rollouts WHERE grp = $1 AND ended IS NULL",
	    (struct db_arg[]){ DB_S(q->grp) }, 1, 0, id) == -1)
		return snprintf(err, errlen, "%s", st->err), -1;
	for (size_t i = 0; i < m->n; i++)
		if (db_exec(st, "INSERT INTO rollout_members (rollout, appliance, canary,"
		    " state, state_at) VALUES ($1, $2, $3, 'waiting', $4)",
		    (struct db_arg[]){ DB_I(*id), DB_S(m->v[i]),
		    DB_I(i < (size_t)q->canaries), DB_I(now) }, 4) == -1)
			return snprintf(err, errlen, "%s", st->err), -1;
	return 0;
}

int
rollout_start(struct storage *st, const struct rollout_req *q, int64_t now,
    int64_t *id, char *err, size_t errlen)
{
	struct ids m = { 0 };
	int rc = -1;

	if (db_begin(st) == -1)
		return snprintf(err, errlen, "%s", st->err), -1;
	if (start_rows(st, q, now, id, &m, err, errlen) == 0 &&
	    audit_add(st, q->who, NULL, "firmware.rollout", q->grp, q->fw_version) == 0 &&
	    db_commit(st) == 0)
		rc = 0;
	else {
		if (err[0] == '\0')
			snprintf(err, errlen, "%s", st->err);
		db_rollback(st);
	}
	free(m.v);
	return rc;
}

/* ---- halting ---- */

/*
 * The rollout stops: no more offers; the reason is kept, logged and audited,
 * once: by the writer whose UPDATE ended it (two instances may halt it at
 * once; on PostgreSQL the second UPDATE waits for the first and then finds
 * it ended), not by every writer that saw it running.
 */
static int
halt(struct storage *st, int64_t id, const char *who, const char *reason, int64_t now)
{
	char target[32];
	int64_t ended = 0;

	snprintf(target, sizeof(target), "rollout %" PRId64, id);
	if (st->ops->exec(st, "UPDATE rollouts SET phase = 'halted', reason = $2, ended = $3,"
	    " phase_at = $3 WHERE id = $1 AND ended IS NULL", (struct db_arg[]){ DB_I(id),
	    DB_S(reason), DB_I(now) }, 3, NULL, NULL, &ended) == -1)
		return -1;
	if (ended == 0)		/* halted or done already: once is enough */
		return 0;
	if (audit_add(st, who, NULL, "firmware.halted", target, reason) == -1)
		return -1;
	log_warnx("firmware %s halted: %s", target, reason);	/* log.c escapes */
	return 0;
}

int
rollout_halt(struct storage *st, const char *fw_version, const char *grp,
    const char *who, int64_t now, char *err, size_t errlen)
{
	struct ids m = { 0 };
	char reason[200];
	int rc = -1;

	snprintf(reason, sizeof(reason), "halted by %s", who);
	if (db_begin(st) == -1)
		return snprintf(err, errlen, "%s", st->err), -1;
	if (db_query(st, "SELECT id FROM rollouts WHERE fw_version = $1 AND ended IS NULL"
	    " AND ($2 = '' OR grp = $2) ORDER BY id", (struct db_arg[]){
	    DB_S(fw_version), DB_S(grp ? grp : "") }, 2, id_row, &m) == 0) {
		rc = 0;
		for (size_t i = 0; rc == 0 && i < m.n; i++)
			rc = halt(st, strtoll(m.v[i], NULL, 10), who, reason, now);
	}
	if (rc == 0 && db_commit(st) == 0)
		rc = (int)m.n;
	else {
		snprintf(err, errlen, "%s", st->err);
		db_rollback(st);
		rc = -1;
	}
	free(m.v);
	return rc;
}

/* ---- members ---- */

/* A member failed; a failure that halts stops its rollout with the reason. */
static int
member_fail(struct storage *st, int64_t id, const char *appliance, bool canary,
    bool halts, const char *msg, int64_t now)
{
	char reason[MSG_MAX + 200];

	if (db_exec(st, "UPDATE rollout_members SET state = 'failed', state_at = $3,"
	    " message = $4, halts = $5 WHERE rollout = $1 AND appliance = $2",
	    (struct db_arg[]){ DB_I(id), DB_S(appliance), DB_I(now), DB_S(msg),
	    DB_I(halts) }, 5) == -1)
		return -1;
	if (!halts)
		return 0;
	snprintf(reason, sizeof(reason), "%s %s failed: %s", canary ? "canary" : "appliance",
	    appliance, msg);
	return halt(st, id, "rollout", reason, now);
}

static int
member_set(struct storage *st, int64_t id, const char *appliance, const char *state,
    int64_t now)
{
	return db_exec(st, "UPDATE rollout_members SET state = $3, state_at = $4,"
	    " offered_at = CASE WHEN $3 = 'offered' THEN $4 ELSE offered_at END,"
	    " running_at = CASE WHEN $3 = 'running' THEN $4 ELSE running_at END,"
	    " reconnects = CASE WHEN $3 = 'running' THEN 0 ELSE reconnects END,"
	    " hb0 = CASE WHEN $3 = 'running' THEN NULL ELSE hb0 END"
	    " WHERE rollout = $1 AND appliance = $2", (struct db_arg[]){ DB_I(id),
	    DB_S(appliance), DB_S(state), DB_I(now) }, 4);
}

/* An appliance's membership in its group's active rollout or, when none runs,
 * in the newest ended one whose offer it took (ended: followed, never judged). */
struct member {
	bool		 found, canary, eligible, ended;
	int64_t		 id;
	uint64_t	 file_version;
	char		 state[16], fw_version[64];
};

static int
member_row(void *arg, const struct db_row *r)
{
	struct member *m = arg;

	m->found = true;
	m->id = row_int(r, 0);
	snprintf(m->state, sizeof(m->state), "%s", row_str(r, 1));
	snprintf(m->fw_version, sizeof(m->fw_version), "%s", row_str(r, 2));
	m->canary = row_int(r, 3) != 0;
	m->file_version = (uint64_t)row_int(r, 5);
	m->ended = row_int(r, 6) != 0;
	m->eligible = m->ended || m->canary || strcmp(row_str(r, 4), "rest") == 0;
	return 0;
}

static int
member_get(struct storage *st, const char *appliance, struct member *m)
{
	memset(m, 0, sizeof(*m));
	/* after a halt, a member that took the offer may still install it */
	return db_query(st, "SELECT m.rollout, m.state, r.fw_version, m.canary, r.phase,"
	    " r.file_version, CASE WHEN r.ended IS NULL THEN 0 ELSE 1 END AS ended"
	    " FROM rollout_members m JOIN rollouts r ON r.id = m.rollout"
	    " WHERE m.appliance = $1 AND (r.ended IS NULL OR m.state IN ('offered',"
	    " 'installed', 'running')) ORDER BY ended, r.id DESC LIMIT 1",
	    (struct db_arg[]){ DB_S(appliance) }, 1, member_row, m);
}

/* The offers due: eligible members not yet answered (all, or one appliance's). */
#define OFFERS_SQL "SELECT f.kind, f.grp, f.version, f.size, f.sha256, f.label,"	\
	" r.flags, r.sig, m.appliance FROM rollout_members m JOIN rollouts r ON"	\
	" r.id = m.rollout JOIN files f ON f.kind = 'firmware' AND f.version ="		\
	" r.file_version WHERE r.ended IS NULL AND m.state IN ('waiting', 'offered')"	\
	" AND (m.canary = 1 OR r.phase = 'rest')"

static bool
is_state(const struct member *m, const char *a, const char *b)
{
	return strcmp(m->state, a) == 0 || (b != NULL && strcmp(m->state, b) == 0);
}

int
rollout_hello(struct storage *st, const char *appliance, const char *firmware,
    bool takes_files, int64_t now, struct pushfile **offers)
{
	struct member m;
	char msg[MSG_MAX];

	/*
	 * mark-good's self-test says hello too, as "self-test", before or after
	 * the daemon's own (boot order): it neither shows a version nor counts as
	 * a reconnect (the image's update smoke halted on it as "came back on
	 * firmware self-test").
	 */
	if (strcmp(firmware, FRAME_HELLO_SELFTEST) == 0)
		return 0;
	if (member_get(st, appliance, &m) == -1)
		return -1;
	if (!m.found || !m.eligible)
		return 0;
	if (strcmp(firmware, m.fw_version) == 0 && (is_state(&m, "waiting", "offered") ||
	    is_state(&m, "installed", NULL)))
		return member_set(st, m.id, appliance, "running", now);
	if (is_state(&m, "running", NULL) && strcmp(firmware, m.fw_version) != 0) {
		snprintf(msg, sizeof(msg), "came back on firmware %.64s, not %s", firmware,
		    m.fw_version);
		return member_fail(st, m.id, appliance, m.canary, !m.ended, msg, now);
	}
	if (m.ended)	/* nothing to judge, nothing more to offer */
		return 0;
	if (is_state(&m, "running", NULL))
		return db_exec(st, "UPDATE rollout_members SET reconnects = reconnects + 1"
		    " WHERE rollout = $1 AND appliance = $2", (struct db_arg[]){
		    DB_I(m.id), DB_S(appliance) }, 2);
	if (!is_state(&m, "waiting", "offered"))
		return 0;
	/* it would not understand an offer: not the bundle's fault, no halt */
	if (!takes_files)
		return member_fail(st, m.id, appliance, m.canary, false, ROLLOUT_TOO_OLD,
		    now);
	if (member_set(st, m.id, appliance, "offered", now) == -1)
		return -1;
	return db_query(st, OFFERS_SQL " AND m.appliance = $1", (struct db_arg[]){
	    DB_S(appliance) }, 1, filestore_row, offers);
}

int
rollout_offers(struct storage *st, const char *instance, int64_t now,
    struct pushfile **offers)
{
	int64_t active;

	/* every config_poll: cheap when no rollout runs (rollouts_active index) */
	if (db_int(st, "SELECT COUNT(*) FROM rollouts WHERE ended IS NULL", NULL, 0, 0,
	    &active) == -1)
		return -1;
	if (active == 0)
		return 0;
	if (db_exec(st, "UPDATE rollout_members SET state = 'offered', state_at = $2,"
	    " offered_at = $2 WHERE state = 'waiting' AND appliance IN (SELECT id FROM"
	    " appliances WHERE instance = $1) AND rollout IN (SELECT id FROM rollouts"
	    " WHERE ended IS NULL AND (phase = 'rest' OR rollout_members.canary = 1))",
	    (struct db_arg[]){ DB_S(instance), DB_I(now) }, 2) == -1)
		return -1;
	return db_query(st, OFFERS_SQL, NULL, 0, filestore_row, offers);
}

int
rollout_acked(struct storage *st, const char *appliance, uint64_t file_version,
    int status, const char *msg, int64_t now)
{
	struct member m;
	char why[MSG_MAX];

	if (member_get(st, appliance, &m) == -1)
		return -1;
	if (!m.found || m.file_version != file_version)
		return 0;
	if (status == FRAME_FILE_OK)
		return is_state(&m, "waiting", "offered") ?
		    member_set(st, m.id, appliance, "installed", now) : 0;
	if (is_state(&m, "healthy", "failed"))
		return 0;
	snprintf(why, sizeof(why), "%s%s%.200s", filestore_ack_state(status, true),
	    *msg ? ": " : "", msg);
	/* 8: a firmware that takes no bundles is too old, as one without file frames */
	if (status == FRAME_FILE_UNSUPPORTED)
		snprintf(why, sizeof(why), "%s (unsupported)", ROLLOUT_TOO_OLD);
	return member_fail(st, m.id, appliance, m.canary,
	    !m.ended && status != FRAME_FILE_UNSUPPORTED, why, now);
}

/* ---- housekeeping ---- */

struct active {
	int64_t		 id, phase_at, window;
	bool		 rest;
	char		 fw_version[64];
};

struct actives {
	struct active	 v[64];
	size_t		 n;
};

static int
active_row(void *arg, const struct db_row *r)
{
	struct actives *x = arg;
	struct active *a;

	if (x->n == sizeof(x->v) / sizeof(x->v[0]))
		return 0;	/* the rest at the next round */
	a = &x->v[x->n++];
	a->id = row_int(r, 0);
	a->rest = strcmp(row_str(r, 1), "rest") == 0;
	a->phase_at = row_int(r, 2);
	a->window = row_int(r, 3);
	snprintf(a->fw_version, sizeof(a->fw_version), "%s", row_str(r, 4));
	return 0;
}

struct fails {
	char	 appliance[8][128];
	int64_t	 n[8];
	char	 state[8][16];
	size_t	 count;
};

static int
fail_row(void *arg, const struct db_row *r)
{
	struct fails *x = arg;

	if (x->count == 8)
		return 0;
	snprintf(x->appliance[x->count], sizeof(x->appliance[0]), "%s", row_str(r, 0));
	x->n[x->count] = row_int(r, 1);
	snprintf(x->state[x->count], sizeof(x->state[0]), "%s", row_str(r, 2));
	x->count++;
	return 0;
}

/* Running members: their first heartbeat's packets, crash loops, health. */
static int
judge_running(struct storage *st, const struct active *a,
    const struct rollout_health *h, int64_t now)
{
	struct fails f = { .count = 0 };
	char msg[MSG_MAX];

	if (db_exec(st, "UPDATE rollout_members SET hb0 = (SELECT a.last_heartbeat FROM"
	    " appliances a WHERE a.id = appliance), packets0 = (SELECT a.packets FROM"
	    " appliances a WHERE a.id = appliance) WHERE rollout = $1 AND state ="
	    " 'running' AND hb0 IS NULL AND EXISTS (SELECT 1 FROM appliances a WHERE"
	    " a.id = appliance AND a.last_heartbeat >= running_at)",
	    (struct db_arg[]){ DB_I(a->id) }, 1) == -1 ||
	    db_query(st, "SELECT appliance, reconnects, state FROM rollout_members WHERE"
	    " rollout = $1 AND state = 'running' AND reconnects > $2 ORDER BY appliance",
	    (struct db_arg[]){ DB_I(a->id), DB_I(h->reconnects) }, 2, fail_row, &f) == -1)
		return -1;
	for (size_t i = 0; i < f.count; i++) {
		snprintf(msg, sizeof(msg), "crash loop: %" PRId64 " reconnects since it came"
		    " up on %s", f.n[i], a->fw_version);
		if (member_fail(st, a->id, f.appliance[i], !a->rest, true, msg, now) == -1)
			return -1;
	}
	return db_exec(st, "UPDATE rollout_members SET state = 'healthy', state_at = $2"
	    " WHERE rollout = $1 AND state = 'running' AND running_at + $3 <= $2 AND"
	    " EXISTS (SELECT 1 FROM appliances a WHERE a.id = appliance AND"
	    " a.last_heartbeat >= running_at + $3 AND a.last_heartbeat >= $2 - $4 AND"
	    " a.packets > packets0 AND a.firmware = $5)", (struct db_arg[]){
	    DB_I(a->id), DB_I(now), DB_I(h->settle), DB_I(h->silent_after),
	    DB_S(a->fw_version) }, 5);
}

/* Members of the phase not healthy when its window is over fail (and halt). */
static int
judge_window(struct storage *st, const struct active *a, int64_t now)
{
	struct fails f = { .count = 0 };
	char msg[MSG_MAX];

	if (now <= a->phase_at + a->window)
		return 0;
	if (db_query(st, "SELECT appliance, 0, state FROM rollout_members WHERE"
	    " rollout = $1 AND canary = $2 AND state NOT IN ('healthy', 'failed')"
	    " ORDER BY appliance", (struct db_arg[]){ DB_I(a->id), DB_I(!a->rest) }, 2,
	    fail_row, &f) == -1)
		return -1;
	for (size_t i = 0; i < f.count; i++) {
		snprintf(msg, sizeof(msg), "not healthy within the window of %" PRId64
		    " s (%s)", a->window, f.state[i]);
		if (member_fail(st, a->id, f.appliance[i], !a->rest, true, msg, now) == -1)
			return -1;
	}
	return 0;
}

/* Counts of the phase's members: pending, healthy, failed halting; others. */
static int
count_row(void *arg, const struct db_row *r)
{
	int64_t *c = arg;

	for (int i = 0; i < 4; i++)
		c[i] = row_int(r, i);
	return 0;
}

/* The phase moves on once none of its members is pending. */
static int
judge_phase(struct storage *st, const struct active *a, int64_t now)
{
	int64_t c[4] = { 0 };	/* pending, healthy, failed (halting), later members */

	if (db_query(st, "SELECT SUM(CASE WHEN canary = $2 AND state NOT IN ('healthy',"
	    " 'failed') THEN 1 ELSE 0 END), SUM(CASE WHEN canary = $2 AND state ="
	    " 'healthy' THEN 1 ELSE 0 END), SUM(CASE WHEN canary = $2 AND state ="
	    " 'failed' AND halts = 1 THEN 1 ELSE 0 END), SUM(CASE WHEN canary = 0 THEN 1"
	    " ELSE 0 END) FROM rollout_members WHERE rollout = $1",
	    (struct db_arg[]){ DB_I(a->id), DB_I(!a->rest) }, 2, count_row, c) == -1)
		return -1;
	if (c[0] > 0 || c[2] > 0)	/* pending; or halted already, by the failure */
		return 0;
	if (!a->rest && c[1] == 0)
		return halt(st, a->id, "rollout", "no canary could take the update", now);
	if (!a->rest && c[3] > 0) {
		log_info("firmware rollout %" PRId64 ": canaries healthy, offering the rest",
		    a->id);
		return db_exec(st, "UPDATE rollouts SET phase = 'rest', phase_at = $2 WHERE"
		    " id = $1", (struct db_arg[]){ DB_I(a->id), DB_I(now) }, 2);
	}
	log_info("firmware rollout %" PRId64 ": done", a->id);
	return db_exec(st, "UPDATE rollouts SET phase = 'done', ended = $2, phase_at = $2"
	    " WHERE id = $1",
	    (struct db_arg[]){ DB_I(a->id), DB_I(now) }, 2);
}

int
rollout_tick(struct storage *st, const struct rollout_health *h, int64_t now)
{
	struct actives x = { .n = 0 };
	int rc = 0;

	if (db_query(st, "SELECT id, phase, phase_at, window_secs, fw_version FROM rollouts"
	    " WHERE ended IS NULL ORDER BY id", NULL, 0, active_row, &x) == -1)
		return -1;
	for (size_t i = 0; rc == 0 && i < x.n; i++) {
		if (db_begin(st) == -1)
			return -1;
		if (judge_running(st, &x.v[i], h, now) == -1 ||
		    judge_window(st, &x.v[i], now) == -1 ||
		    judge_phase(st, &x.v[i], now) == -1 || db_commit(st) == -1) {
			db_rollback(st);
			rc = -1;
		}
	}
	return rc;
}

/* ---- output ---- */

struct rollout_row {
	int64_t		 id, file_version, flags, canaries, window, phase_at, created;
	int64_t		 ended;		/* 0: active */
	char		 grp[64], fw_version[64], phase[16], reason[MSG_MAX + 200];
	char		 by[128];
};

struct rollout_rows {
	struct rollout_row *v;
	size_t		 n, cap;
};

static int
rollout_row(void *arg, const struct db_row *r)
{
	struct rollout_rows *x = arg;
	struct rollout_row *o;

	if (x->n == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 8;
		void *p = realloc(x->v, cap * sizeof(*x->v));

		if (p == NULL)
			return -1;
		x->v = p;
		x->cap = cap;
	}
	o = &x->v[x->n++];
	*o = (struct rollout_row){ .id = row_int(r, 0), .file_version = row_int(r, 3),
	    .flags = row_int(r, 4), .canaries = row_int(r, 5), .window = row_int(r, 6),
	    .phase_at = row_int(r, 8), .created = row_int(r, 10), .ended = row_int(r, 12) };
	snprintf(o->grp, sizeof(o->grp), "%s", row_str(r, 1));
	snprintf(o->fw_version, sizeof(o->fw_version), "%s", row_str(r, 2));
	snprintf(o->phase, sizeof(o->phase), "%s", row_str(r, 7));
	snprintf(o->reason, sizeof(o->reason), "%s", row_str(r, 9));
	snprintf(o->by, sizeof(o->by), "%s", row_str(r, 11));
	return 0;
}

static int
rollouts_get(struct storage *st, const char *fw_version, struct rollout_rows *x)
{
	return db_query(st, "SELECT id, grp, fw_version, file_version, flags, canaries,"
	    " window_secs, phase, phase_at, reason, created, created_by, ended FROM"
	    " rollouts WHERE $1 = '' OR fw_version = $1 ORDER BY id",
	    (struct db_arg[]){ DB_S(fw_version ? fw_version : "") }, 1, rollout_row, x);
}

#define MEMBER_SQL "SELECT appliance, canary, state, state_at, message, offered_at,"	\
	" running_at, reconnects FROM rollout_members WHERE rollout = $1"		\
	" ORDER BY canary DESC, appliance"

static int
member_print(void *arg, const struct db_row *r)
{
	FILE *out = arg;
	struct out_tty e;
	char t[24];

	fprintf(out, "  %-20s %-7s %-9s %-17s %s\n", out_tty(&e, r->v[0]),
	    row_int(r, 1) ? "canary" : "rest", row_str(r, 2),
	    out_time(row_int(r, 3), t, sizeof(t)), r->v[4] ? out_tty(&e, r->v[4]) : "");
	return 0;
}

static void
rollout_print(const struct rollout_row *o, FILE *out)
{
	char t[2][24];
	struct out_tty e;

	fprintf(out, "rollout %" PRId64 ": firmware %s (stored version %" PRId64 "), group"
	    " %s, %" PRId64 " canar%s, window %" PRId64 " s%s\n", o->id,
	    out_tty(&e, o->fw_version), o->file_version, out_tty(&e, o->grp), o->canaries,
	    o->canaries == 1 ? "y" : "ies", o->window,
	    o->flags & FRAME_FILE_ALLOW_DOWNGRADE ? ", downgrade allowed" : "");
	fprintf(out, "  started %s by %s; phase %s since %s\n",
	    out_time(o->created, t[0], sizeof(t[0])), out_tty(&e, o->by), o->phase,
	    out_time(o->phase_at, t[1], sizeof(t[1])));
	if (o->reason[0] != '\0')
		fprintf(out, "  halted: %s\n", out_tty(&e, o->reason));
	fprintf(out, "  %-20s %-7s %-9s %-17s %s\n", "APPLIANCE", "ROLE", "STATE", "SINCE",
	    "MESSAGE");
}

int
rollout_status(struct storage *st, const char *fw_version, FILE *out)
{
	struct rollout_rows x = { 0 };
	int rc = rollouts_get(st, fw_version, &x);

	for (size_t i = 0; rc == 0 && i < x.n; i++) {
		rollout_print(&x.v[i], out);
		rc = db_query(st, MEMBER_SQL, (struct db_arg[]){ DB_I(x.v[i].id) }, 1,
		    member_print, out);
	}
	if (rc == 0 && x.n == 0)
		fprintf(out, "no rollout%s%s\n", fw_version ? " of firmware " : "",
		    fw_version ? out_tty(&(struct out_tty){ 0 }, fw_version) : "");
	free(x.v);
	return rc;
}

struct json_rows {
	FILE	*o;
	int	 n;
};

static int
member_json(void *arg, const struct db_row *r)
{
	struct json_rows *x = arg;

	fprintf(x->o, "%s{\"appliance\":", x->n++ ? "," : "");
	out_json_str(x->o, row_str(r, 0));
	fprintf(x->o, ",\"canary\":%s", row_int(r, 1) ? "true" : "false");
	out_json_kv(x->o, "state", row_str(r, 2));
	out_json_kv_num(x->o, "state_at", row_int(r, 3), r->v[3] != NULL);
	out_json_kv(x->o, "message", r->v[4]);
	out_json_kv_num(x->o, "offered_at", row_int(r, 5), r->v[5] != NULL);
	out_json_kv_num(x->o, "running_at", row_int(r, 6), r->v[6] != NULL);
	out_json_kv_num(x->o, "reconnects", row_int(r, 7), r->v[7] != NULL);
	fputc('}', x->o);
	return 0;
}

int
rollout_json(struct storage *st, FILE *o)
{
	struct rollout_rows x = { 0 };
	int rc = rollouts_get(st, NULL, &x);

	fputs("\"rollouts\":[", o);
	for (size_t i = 0; rc == 0 && i < x.n; i++) {
		const struct rollout_row *w = &x.v[i];
		struct json_rows m = { o, 0 };

		fprintf(o, "%s{\"id\":%" PRId64 ",\"firmware\":", i ? "," : "", w->id);
		out_json_str(o, w->fw_version);
		fprintf(o, ",\"file_version\":%" PRId64, w->file_version);
		out_json_kv(o, "group", w->grp);
		out_json_kv(o, "phase", w->phase);
		fprintf(o, ",\"phase_at\":%" PRId64 ",\"canaries\":%" PRId64
		    ",\"window\":%" PRId64 ",\"allow_downgrade\":%s", w->phase_at,
		    w->canaries, w->window, w->flags & FRAME_FILE_ALLOW_DOWNGRADE ?
		    "true" : "false");
		out_json_kv(o, "reason", w->reason[0] ? w->reason : NULL);
		fprintf(o, ",\"created\":%" PRId64, w->created);
		out_json_kv(o, "created_by", w->by);
		out_json_kv_num(o, "ended", w->ended, w->ended != 0);
		fputs(",\"members\":[", o);
		rc = db_query(st, MEMBER_SQL, (struct db_arg[]){ DB_I(w->id) }, 1,
		    member_json, &m);
		fputs("]}", o);
	}
	fputc(']', o);
	free(x.v);
	return rc;
}
