/* SPDX-License-Identifier: BSD-2-Clause */
/* SQLite adapter: embedded, WAL, one connection per thread, cached statements. */
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "storage.h"

#define STMT_CACHE	64

struct stmt_slot {
	const char	*sql;	/* statements are cached by their (static) text */
	sqlite3_stmt	*stmt;
};

struct sqlite_storage {
	struct storage	 base;	/* first: the interface */
	sqlite3		*db;
	struct stmt_slot cache[STMT_CACHE];
	unsigned	 next_evict;
};

static int
fail(struct storage *st, sqlite3 *db)
{
	int code = sqlite3_extended_errcode(db) & 0xff;

	snprintf(st->err, sizeof(st->err), "sqlite: %s", sqlite3_errmsg(db));
	st->retryable = code == SQLITE_BUSY || code == SQLITE_LOCKED;
	return -1;
}

/*
 * "$N" is PostgreSQL's numbered parameter; to SQLite it is a name, numbered by
 * first appearance. "?N" is SQLite's numbered form: rewrite.
 */
static char *
numbered(const char *sql)
{
	char *t = strdup(sql);

	for (char *p = t; p != NULL && *p; p++)
		if (p[0] == '$' && p[1] >= '0' && p[1] <= '9')
			*p = '?';
	return t;
}

static sqlite3_stmt *
prepare(struct sqlite_storage *s, const char *sql)
{
	struct stmt_slot *slot;
	sqlite3_stmt *stmt;
	char *text;
	int rc;

	for (int i = 0; i < STMT_CACHE; i++)
		if (s->cache[i].sql == sql) {
			sqlite3_reset(s->cache[i].stmt);
			sqlite3_clear_bindings(s->cache[i].stmt);
			return s->cache[i].stmt;
		}
	if ((text = numbered(sql)) == NULL)
		return NULL;
	rc = sqlite3_prepare_v3(s->db, text, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL);
	free(text);
	if (rc != SQLITE_OK)
		return NULL;
	slot = &s->cache[s->next_evict++ % STMT_CACHE];
	sqlite3_finalize(slot->stmt);
	slot->sql = sql;
	slot->stmt = stmt;
	return stmt;
}

static int
bind(sqlite3_stmt *stmt, const struct db_arg *a, int n)
{
	int rc = SQLITE_OK;

	for (int i = 0; i < n && rc == SQLITE_OK; i++) {
		if (a[i].is_int)
			rc = sqlite3_bind_int64(stmt, i + 1, a[i].i);
		else if (a[i].is_blob)
			rc = sqlite3_bind_blob(stmt, i + 1, a[i].s, (int)a[i].len,
			    SQLITE_TRANSIENT);
		else if (a[i].s != NULL)
			rc = sqlite3_bind_text(stmt, i + 1, a[i].s, -1, SQLITE_TRANSIENT);
		else
			rc = sqlite3_bind_null(stmt, i + 1);
	}
	return rc == SQLITE_OK ? 0 : -1;
}

static int
emit(sqlite3_stmt *stmt, db_row_fn fn, void *arg)
{
	struct db_row r;

	r.n = sqlite3_column_count(stmt);
	if (r.n > DB_MAX_COLS)
		r.n = DB_MAX_COLS;
	for (int i = 0; i < r.n; i++)
		r.v[i] = (const char *)sqlite3_column_text(stmt, i);
	return fn(arg, &r);
}

static int
sq_exec(struct storage *st, const char *sql, const struct db_arg *a, int n,
    db_row_fn fn, void *arg, int64_t *changes)
{
	struct sqlite_storage *s = (struct sqlite_storage *)st;
	sqlite3_stmt *stmt;
	int rc;

	if ((stmt = prepare(s, sql)) == NULL || bind(stmt, a, n) == -1)
		return fail(st, s->db);
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
		if (fn != NULL && emit(stmt, fn, arg) == -1) {
			sqlite3_reset(stmt);
			snprintf(st->err, sizeof(st->err), "query stopped by caller");
			return -1;
		}
	if (rc != SQLITE_DONE) {
		fail(st, s->db);
		sqlite3_reset(stmt);
		return -1;
	}
	if (changes != NULL)
		*changes = sqlite3_changes(s->db);
	sqlite3_reset(stmt);
	return 0;
}

static int
sq_script(struct storage *st, const char *sql)
{
	struct sqlite_storage *s = (struct sqlite_storage *)st;

	if (sqlite3_exec(s->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return fail(st, s->db);
	return 0;
}

/* IMMEDIATE: take the write lock up front, so BUSY comes here, not mid-way. */
static int sq_begin(struct storage *st) { return sq_script(st, "BEGIN IMMEDIATE"); }
static int sq_commit(struct storage *st) { return sq_script(st, "COMMIT"); }
static int sq_rollback(struct storage *st) { return sq_script(st, "ROLLBACK"); }
static int sq_nop(struct storage *st) { (void)st; return 0; }

static void
sq_close(struct storage *st)
{
	struct sqlite_storage *s = (struct sqlite_storage *)st;

	for (int i = 0; i < STMT_CACHE; i++)
		sqlite3_finalize(s->cache[i].stmt);
	sqlite3_close(s->db);
	free(s);
}

static const struct storage_ops sqlite_ops = {
	.name = "sqlite",
	.id_type = "INTEGER PRIMARY KEY",
	.blob_type = "BLOB",
	.exec = sq_exec,
	.exec_script = sq_script,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.lock_schema = sq_nop,
	.unlock_schema = sq_nop,
	.close = sq_close,
};

/* "file:PATH?mode=ro&immutable=1", PATH escaped for a URI; -1 if too long. */
static int
immutable_uri(const char *path, char *uri, size_t len)
{
	size_t n = (size_t)snprintf(uri, len, "file:");

	for (; *path != '\0' && n + 4 < len; path++) {
		if (strchr("%?#", *path) != NULL)
			n += (size_t)snprintf(uri + n, len - n, "%%%02X",
			    (unsigned char)*path);
		else
			uri[n++] = *path;
	}
	uri[n] = '\0';
	return *path == '\0' && snprintf(uri + n, len - n, "?mode=ro&immutable=1") <
	    (int)(len - n) ? 0 : -1;
}

static bool
sq_readable(sqlite3 *db)
{
	return sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL,
	    NULL) == SQLITE_OK;
}

/*
 * Read-only: nothing is created or changed. A WAL database whose shared-memory
 * file cannot be made (read-only media or directory) is read as immutable.
 */
static int
sq_open_ro(struct sqlite_storage *s, const char *path)
{
	char uri[1200];

	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
	    NULL) == SQLITE_OK && sq_readable(s->db))
		return 0;
	if ((sqlite3_extended_errcode(s->db) & 0xff) != SQLITE_CANTOPEN ||
	    immutable_uri(path, uri, sizeof(uri)) == -1)
		return -1;
	sqlite3_close(s->db);
	if (sqlite3_open_v2(uri, &s->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
	    SQLITE_OPEN_NOMUTEX, NULL) == SQLITE_OK && sq_readable(s->db))
		return 0;
	return -1;
}

struct storage *
storage_sqlite_open(const char *path, bool readonly, char *err, size_t errlen)
{
	struct sqlite_storage *s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->base.ops = &sqlite_ops;
	if (readonly ? sq_open_ro(s, path) == -1 : sqlite3_open_v2(path, &s->db,
	    SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
	    SQLITE_OK) {
		snprintf(err, errlen, "sqlite: %s: %s", path, sqlite3_errmsg(s->db));
		sqlite3_close(s->db);
		free(s);
		return NULL;
	}
	sqlite3_busy_timeout(s->db, 10000);
	/* WAL + FULL: a commit is on disk before the ack goes out */
	if (sq_script(&s->base, readonly ? "PRAGMA query_only=1;" :
	    "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	    " PRAGMA foreign_keys=OFF;") == -1) {
		snprintf(err, errlen, "%s", s->base.err);
		sq_close(&s->base);
		return NULL;
	}
	return &s->base;
}
