/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * PostgreSQL adapter (libpq): text parameters, statements prepared once per
 * connection. A connection lost between transactions is opened again, to
 * whichever host of the conninfo is the primary now (docs/deployment.md).
 */
#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage.h"

#define STMT_CACHE	64
#define SCHEMA_LOCK	"4747001"	/* advisory lock key for migrations */

struct pg_stmt {
	const char	*sql;	/* cached by the (static) text */
	char		 name[16];
};

struct pg_storage {
	struct storage	 base;	/* first: the interface */
	PGconn		*conn;
	struct pg_stmt	 cache[STMT_CACHE];
	unsigned	 nstmt, serial;
	bool		 readonly;
	bool		 in_tx;		/* between BEGIN and COMMIT/ROLLBACK */
};

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
 * transaction was under way (one that was is lost: the caller retries it).
 * Prepared statements belong to the old session.
 */
static int
revive(struct pg_storage *p)
{
	if (PQstatus(p->conn) != CONNECTION_BAD)
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
	if (p->readonly && pg_script(&p->base, "SET default_transaction_read_only = on") == -1)
		return -1;
	return 0;
}

/* The name of the prepared statement for sql, preparing it on first use. */
static const char *
prepare(struct pg_storage *p, const char *sql, int n)
{
	struct pg_stmt *s;
	PGresult *res;

	for (unsigned i = 0; i < p->nstmt; i++)
		if (p->cache[i].sql == sql)
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

static int
pg_exec(struct storage *st, const char *sql, const struct db_arg *a, int n,
    db_row_fn fn, void *arg, int64_t *changes)
{
	struct pg_storage *p = (struct pg_storage *)st;
	char ints[DB_MAX_ARGS][24];
	const char *vals[DB_MAX_ARGS], *name;
	int lens[DB_MAX_ARGS], fmts[DB_MAX_ARGS];
	PGresult *res;
	int rc = 0;

	if (n > DB_MAX_ARGS || revive(p) == -1)
		return -1;
	for (int i = 0; i < n; i++) {
		lens[i] = (int)a[i].len;
		fmts[i] = a[i].is_blob;		/* bytes go in binary format */
		if (a[i].is_int) {
			snprintf(ints[i], sizeof(ints[i]), "%" PRId64, a[i].i);
			vals[i] = ints[i];
		} else
			vals[i] = a[i].s;
	}
	if ((name = prepare(p, sql, n)) != NULL && *name == '\0')
		return -1;
	res = name ? PQexecPrepared(p->conn, name, n, vals, lens, fmts, 0) :
	    PQexecParams(p->conn, sql, n, NULL, vals, lens, fmts, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(st, p->conn, res);
	if (fn != NULL && emit(res, fn, arg) == -1) {
		snprintf(st->err, sizeof(st->err), "query stopped by caller");
		rc = -1;
	}
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

	if (revive(p) == -1)
		return -1;
	res = PQexec(p->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK &&
	    PQresultStatus(res) != PGRES_TUPLES_OK)
		return fail(st, p->conn, res);
	PQclear(res);
	return 0;
}

static int
pg_begin(struct storage *st)
{
	struct pg_storage *p = (struct pg_storage *)st;

	p->in_tx = false;	/* a lost connection may be opened again first */
	if (pg_script(st, "BEGIN") == -1)
		return -1;
	p->in_tx = true;
	return 0;
}

static int
pg_end(struct storage *st, const char *sql)
{
	struct pg_storage *p = (struct pg_storage *)st;
	int rc;

	if (PQstatus(p->conn) == CONNECTION_BAD && p->in_tx) {
		p->in_tx = false;	/* nothing to end: the server has rolled it back */
		snprintf(st->err, sizeof(st->err), "postgresql: connection lost");
		st->retryable = true;
		return -1;
	}
	rc = pg_script(st, sql);
	p->in_tx = false;
	return rc;
}

static int pg_commit(struct storage *st) { return pg_end(st, "COMMIT"); }
static int pg_rollback(struct storage *st) { return pg_end(st, "ROLLBACK"); }

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
	.exec = pg_exec,
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
