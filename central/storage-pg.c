/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PostgreSQL adapter (libpq): text parameters, statements prepared once per
 * connection; deferred statements go out in one pipeline (libpq's pipeline
 * mode) and their results are read at the flush, one round trip for all.
 * A connection lost between transactions is opened again, to whichever host
 * of the conninfo is the primary now (docs/deployment.md).
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage.h"

#define STMT_CACHE	64
#define PIPE_MAX	64	/* deferred statements; one more flushes */
#define SCHEMA_LOCK	"4747001"	/* advisory lock key for migrations */

struct pg_stmt {
	const char	*sql;	/* cached by the (static) text */
	char		 name[16];
};

/* What was sent in the pipeline and not read yet, in order. */
struct pg_pending {
	db_row_fn	 fn;
	db_done_fn	 done;
	void		*arg;
	int64_t		*changes;
	int		 prep;	/* >= 0: the PREPARE of this cache slot */
};

struct pg_storage {
	struct storage	 base;	/* first: the interface */
	PGconn		*conn;
	struct pg_stmt	 cache[STMT_CACHE];
	unsigned	 nstmt, serial;
	struct pg_pending pipe[2 * PIPE_MAX];	/* a statement and its PREPARE */
	int		 npipe, nqueued;		/* results; statements */
	bool		 readonly;
	bool		 in_tx;		/* between BEGIN and COMMIT/ROLLBACK */
};

static int pg_flush(struct storage *);
static int pg_script(struct storage *, const char *);

static int
fail(struct storage *st, PGconn *c, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	snprintf(st->err, sizeof(st->err), "postgresql: %s",
	    res ? PQresultErrorMessage(res) : PQerrorMessage(c));
	st->err[strcspn(st->err, "\n")] = '\0';
	/* serialization failure, deadlock, a lost connection (class 08, or no
	 * answer at all): the caller may retry the transaction, which opens it
	 * again; such a failure is never the record's fault (no quarantine) */
	st->retryable = (state != NULL && (strcmp(state, "40001") == 0 ||
	    strcmp(state, "40P01") == 0 || strncmp(state, "08", 2) == 0 ||
	    strcmp(state, "57P01") == 0)) || PQstatus(c) == CONNECTION_BAD;
	PQclear(res);
	return -1;
}

static void
quiet(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

/*
 * A connection the server or the network dropped, opened again when no
 * transaction was under way and nothing is in the pipeline (a transaction
 * that was is lost: the caller retries it). Prepared statements belong to
 * the old session.
 */
static int
revive(struct pg_storage *p)
{
	if (PQstatus(p->conn) != CONNECTION_BAD || p->npipe > 0)
		return 0;
	if (p->in_tx) {
		snprintf(p->base.err, sizeof(p->base.err),
		    "postgresql: connection lost inside a transaction");
		p->base.retryable = true;
		return -1;
	}
	PQreset(p->conn);
	p->nstmt = 0;
	if (PQstatus(p->conn) != CONNECTION_OK)
		return fail(&p->base, p->conn, NULL);
	PQsetNoticeProcessor(p->conn, quiet, NULL);
	if (p->readonly && pg_script(&p->base, "SET default_transaction_read_only = on") == -1)
		return -1;
	return 0;
}

static int
stopped(struct storage *st)
{
	snprintf(st->err, sizeof(st->err), "query stopped by caller");
	st->retryable = false;
	return -1;
}

/* The cache slot of sql; -1 when it has none. */
static int
cached(struct pg_storage *p, const char *sql)
{
	for (unsigned i = 0; i < p->nstmt; i++)
		if (p->cache[i].sql == sql)
			return (int)i;
	return -1;
}

/* The name of the prepared statement for sql, preparing it on first use. */
static const char *
prepare(struct pg_storage *p, const char *sql, int n)
{
	struct pg_stmt *s;
	PGresult *res;
	int i;

	if ((i = cached(p, sql)) >= 0)
		return p->cache[i].name;
	if (p->nstmt == STMT_CACHE)
		return NULL;	/* not cached: run unprepared */
	s = &p->cache[p->nstmt];
	snprintf(s->name, sizeof(s->name), "s%u", p->serial++);
	res = PQprepare(p->conn, s->name, sql, n, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		fail(&p->base, p->conn, res);
		return "";
	}
	PQclear(res);
	s->sql = sql;
	p->nstmt++;
	return s->name;
}

static int
emit(PGresult *res, db_row_fn fn, void *arg)
{
	int rows = PQntuples(res), cols = PQnfields(res);
	struct db_row r;

	r.n = cols > DB_MAX_COLS ? DB_MAX_COLS : cols;
	for (int i = 0; i < rows; i++) {
		for (int c = 0; c < r.n; c++)
			r.v[c] = PQgetisnull(res, i, c) ? NULL : PQgetvalue(res, i, c);
		if (fn(arg, &r) == -1)
			return -1;
	}
	return 0;
}

/* The parameters as libpq takes them: text, integers printed into ints. */
struct pg_params {
	char		 ints[DB_MAX_ARGS][24];
	const char	*vals[DB_MAX_ARGS];
	int		 lens[DB_MAX_ARGS], fmts[DB_MAX_ARGS];
};

static void
params(struct pg_params *pp, const struct db_arg *a, int n)
{
	for (int i = 0; i < n; i++) {
		pp->lens[i] = (int)a[i].len;
		pp->fmts[i] = a[i].is_blob;		/* bytes go in binary format */
		if (a[i].is_int) {
			snprintf(pp->ints[i], sizeof(pp->ints[i]), "%" PRId64, a[i].i);
			pp->vals[i] = pp->ints[i];
		} else
			pp->vals[i] = a[i].s;
	}
}

/* Sends one statement into the pipeline, with its PREPARE on first use. */
static int
pipe_send(struct pg_storage *p, const char *sql, const struct db_arg *a, int n,
    struct pg_pending q)
{
	struct pg_params pp;
	struct pg_stmt *s;
	int i, ok;

	if (n > DB_MAX_ARGS) {
		snprintf(p->base.err, sizeof(p->base.err), "too many parameters");
		return -1;
	}
	if (p->nqueued == PIPE_MAX && pg_flush(&p->base) == -1)
		return -1;
	if (revive(p) == -1)
		return -1;
	if (p->npipe == 0 && PQenterPipelineMode(p->conn) != 1)
		return fail(&p->base, p->conn, NULL);
	params(&pp, a, n);
	if ((i = cached(p, sql)) < 0 && p->nstmt < STMT_CACHE) {
		s = &p->cache[i = (int)p->nstmt++];
		snprintf(s->name, sizeof(s->name), "s%u", p->serial++);
		if (PQsendPrepare(p->conn, s->name, sql, n, NULL) != 1)
			return fail(&p->base, p->conn, NULL);
		s->sql = sql;
		p->pipe[p->npipe++] = (struct pg_pending){ .prep = i };
	}
	ok = i >= 0 ? PQsendQueryPrepared(p->conn, p->cache[i].name, n, pp.vals,
	    pp.lens, pp.fmts, 0) : PQsendQueryParams(p->conn, sql, n, NULL, pp.vals,
	    pp.lens, pp.fmts, 0);
	if (ok != 1)
		return fail(&p->base, p->conn, NULL);
	q.prep = -1;
	p->pipe[p->npipe++] = q;
	p->nqueued++;
	return 0;
}

/* One result of the pipeline; rc is the flush's so far (the first error stays). */
static int
pipe_result(struct pg_storage *p, struct pg_pending *q, PGresult *res, int rc)
{
	ExecStatusType t = PQresultStatus(res);

	if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK) {
		if (q->prep >= 0)
			p->cache[q->prep].sql = NULL;	/* not prepared: forget it */
		if (rc == 0)
			return fail(&p->base, p->conn, res);
	} else if (rc == 0 && q->prep < 0) {
		if (q->fn != NULL && emit(res, q->fn, q->arg) == -1)
			rc = stopped(&p->base);
		else if (q->changes != NULL)
			*q->changes = strtoll(PQcmdTuples(res), NULL, 10);
		if (rc == 0 && q->done != NULL && q->done(q->arg) == -1)
			rc = stopped(&p->base);
	}
	PQclear(res);
	return rc;
}

/*
 * Reads every result sent, up to the sync: each statement's result is
 * followed by a NULL; after an error the rest come as PIPELINE_ABORTED.
 */
static int
pg_flush(struct storage *st)
{
	struct pg_storage *p = (struct pg_storage *)st;
	PGresult *res;
	int rc = 0, k = 0, nulls = 0;

	if (p->npipe == 0)
		return 0;
	if (PQpipelineSync(p->conn) != 1)
		rc = fail(st, p->conn, NULL);
	while (rc == 0 || PQstatus(p->conn) == CONNECTION_OK) {
		if ((res = PQgetResult(p->conn)) == NULL) {
			if (++nulls > 1)
				break;		/* nothing more is coming */
			k++;
			continue;
		}
		nulls = 0;
		if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
			PQclear(res);
			break;
		}
		if (k < p->npipe)
			rc = pipe_result(p, &p->pipe[k], res, rc);
		else
			PQclear(res);
	}
	if (k < p->npipe && rc == 0) {
		snprintf(st->err, sizeof(st->err), "postgresql: pipeline ended early");
		rc = -1;
	}
	p->npipe = p->nqueued = 0;
	if (PQexitPipelineMode(p->conn) != 1 && rc == 0)
		rc = fail(st, p->conn, NULL);
	return rc;
}

/* A send failed: read what can be (the connection is probably gone), keep its error. */
static int
pg_defer_failed(struct storage *st)
{
	char why[sizeof(st->err)];
	bool retry = st->retryable;

	snprintf(why, sizeof(why), "%s", st->err);
	(void)pg_flush(st);
	snprintf(st->err, sizeof(st->err), "%s", why);
	st->retryable = retry;
	return -1;
}

static int
pg_defer(struct storage *st, const char *sql, const struct db_arg *a, int n,
    db_row_fn fn, db_done_fn done, void *arg)
{
	struct pg_storage *p = (struct pg_storage *)st;

	if (pipe_send(p, sql, a, n, (struct pg_pending){ fn, done, arg, NULL, -1 }) == 0)
		return 0;
	return pg_defer_failed(st);
}

static int
pg_exec(struct storage *st, const char *sql, const struct db_arg *a, int n,
    db_row_fn fn, void *arg, int64_t *changes)
{
	struct pg_storage *p = (struct pg_storage *)st;
	struct pg_params pp;
	const char *name;
	PGresult *res;
	int rc = 0;

	if (n > DB_MAX_ARGS || revive(p) == -1)
		return -1;
	if (p->npipe > 0) {	/* after what is deferred, in the same round trip */
		if (pipe_send(p, sql, a, n, (struct pg_pending){ fn, NULL, arg, changes,
		    -1 }) == 0)
			return pg_flush(st);
		return pg_defer_failed(st);
	}
	params(&pp, a, n);
	if ((name = prepare(p, sql, n)) != NULL && *name == '\0')
		return -1;
	res = name ? PQexecPrepared(p->conn, name, n, pp.vals, pp.lens, pp.fmts, 0) :
	    PQexecParams(p->conn, sql, n, NULL, pp.vals, pp.lens, pp.fmts, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(st, p->conn, res);
	if (fn != NULL && emit(res, fn, arg) == -1)
		rc = stopped(st);
	if (changes != NULL)
		*changes = strtoll(PQcmdTuples(res), NULL, 10);
	PQclear(res);
	return rc;
}

static int
pg_script(struct storage *st, const char *sql)
{
	struct pg_storage *p = (struct pg_storage *)st;
	PGresult *res;

	if (pg_flush(st) == -1 || revive(p) == -1)
		return -1;
	res = PQexec(p->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(st, p->conn, res);
	PQclear(res);
	return 0;
}

/* BEGIN goes out with the transaction's first statement. */
static int
pg_begin(struct storage *st)
{
	struct pg_storage *p = (struct pg_storage *)st;

	p->in_tx = false;	/* a lost connection may be opened again first */
	if (pg_defer(st, "BEGIN", NULL, 0, NULL, NULL, NULL) == -1)
		return -1;
	p->in_tx = true;
	return 0;
}

/* The connection went inside the transaction: the server has rolled it back. */
static int
lost(struct pg_storage *p)
{
	if (PQstatus(p->conn) != CONNECTION_BAD || !p->in_tx)
		return 0;
	p->in_tx = false;
	(void)pg_flush(&p->base);
	snprintf(p->base.err, sizeof(p->base.err), "postgresql: connection lost");
	p->base.retryable = true;
	return -1;
}

/* COMMIT goes out with what is deferred; after an error it does not run. */
static int
pg_commit(struct storage *st)
{
	struct pg_storage *p = (struct pg_storage *)st;
	int rc;

	if (lost(p) == -1)
		return -1;
	rc = p->npipe == 0 ? pg_script(st, "COMMIT") :
	    pg_exec(st, "COMMIT", NULL, 0, NULL, NULL, NULL);
	p->in_tx = false;
	return rc;
}

static int
pg_rollback(struct storage *st)
{
	struct pg_storage *p = (struct pg_storage *)st;
	int rc;

	if (lost(p) == -1)
		return -1;
	(void)pg_flush(st);	/* whatever it says, the rollback must go out */
	rc = pg_script(st, "ROLLBACK");
	p->in_tx = false;
	return rc;
}

static int
pg_lock(struct storage *st)
{
	return pg_script(st, "SELECT pg_advisory_lock(" SCHEMA_LOCK ")");
}

static int
pg_unlock(struct storage *st)
{
	return pg_script(st, "SELECT pg_advisory_unlock(" SCHEMA_LOCK ")");
}

static void
pg_close(struct storage *st)
{
	struct pg_storage *p = (struct pg_storage *)st;

	PQfinish(p->conn);
	free(p);
}

static const struct storage_ops pg_ops = {
	.name = "postgresql",
	.id_type = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
	.blob_type = "BYTEA",
	.with_writes = true,
	/* unnest yields the array in order, so the locks are taken in it */
	.lock_keys_sql = "SELECT count(pg_advisory_xact_lock(k)) FROM unnest($1::bigint[]) k",
	.exec = pg_exec,
	.defer = pg_defer,
	.flush = pg_flush,
	.exec_script = pg_script,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.lock_schema = pg_lock,
	.unlock_schema = pg_unlock,
	.close = pg_close,
};

struct storage *
storage_pg_open(const char *conninfo, bool readonly, char *err, size_t errlen)
{
	struct pg_storage *p;

	if ((p = calloc(1, sizeof(*p))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	p->base.ops = &pg_ops;
	p->readonly = readonly;
	p->conn = PQconnectdb(conninfo);
	if (PQstatus(p->conn) != CONNECTION_OK) {
		snprintf(err, errlen, "postgresql: %s", PQerrorMessage(p->conn));
		err[strcspn(err, "\n")] = '\0';
		pg_close(&p->base);
		return NULL;
	}
	PQsetNoticeProcessor(p->conn, quiet, NULL);
	/* read-only commands: the server refuses any write they might attempt */
	if (readonly && pg_script(&p->base, "SET default_transaction_read_only = on")
	    == -1) {
		snprintf(err, errlen, "%s", p->base.err);
		pg_close(&p->base);
		return NULL;
	}
	return &p->base;
}
