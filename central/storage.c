/* SPDX-License-Identifier: BSD-2-Clause */
/* Storage front: picks the adapter from the URI, migrates, thin query helpers. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "schema.h"
#include "storage.h"

static bool
has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

struct storage *
storage_open_mode(const char *uri, bool ro, char *err, size_t errlen)
{
	struct storage *st;

	if (has_prefix(uri, "postgresql://") || has_prefix(uri, "postgres://"))
		st = storage_pg_open(uri, ro, err, errlen);
	else if (has_prefix(uri, "pg:"))
		st = storage_pg_open(uri + 3, ro, err, errlen);
	else if (has_prefix(uri, "sqlite:"))
		st = storage_sqlite_open(uri + 7, ro, err, errlen);
	else
		st = storage_sqlite_open(uri, ro, err, errlen);
	if (st == NULL)
		return NULL;
	if ((ro ? schema_check(st) : schema_migrate(st)) == -1) {
		snprintf(err, errlen, "schema: %s", st->err);
		storage_close(st);
		return NULL;
	}
	return st;
}

struct storage *
storage_open(const char *uri, char *err, size_t errlen)
{
	return storage_open_mode(uri, false, err, errlen);
}

void
storage_close(struct storage *st)
{
	if (st != NULL)
		st->ops->close(st);
}

int
db_exec(struct storage *st, const char *sql, const struct db_arg *a, int n)
{
	return st->ops->exec(st, sql, a, n, NULL, NULL, NULL);
}

int
db_query(struct storage *st, const char *sql, const struct db_arg *a, int n,
    db_row_fn fn, void *arg)
{
	return st->ops->exec(st, sql, a, n, fn, arg, NULL);
}

struct first_int {
	int64_t	 v;
	bool	 seen;
};

static int
first_int_row(void *arg, const struct db_row *r)
{
	struct first_int *fi = arg;

	if (!fi->seen && r->n > 0 && r->v[0] != NULL) {
		fi->v = row_int(r, 0);
		fi->seen = true;
	}
	return 0;
}

int
db_int(struct storage *st, const char *sql, const struct db_arg *a, int n,
    int64_t dflt, int64_t *out)
{
	struct first_int fi = { 0, false };

	if (db_query(st, sql, a, n, first_int_row, &fi) == -1)
		return -1;
	*out = fi.seen ? fi.v : dflt;
	return 0;
}

int
db_next_version(struct storage *st, const char *max_sql, uint64_t *v)
{
	int64_t max;

	if (db_int(st, max_sql, NULL, 0, 0, &max) == -1)
		return -1;
	*v = (uint64_t)max + 1;
	if (*v < (uint64_t)time(NULL))
		*v = (uint64_t)time(NULL);
	return 0;
}

int
db_defer_query(struct storage *st, const char *sql, const struct db_arg *a, int n,
    db_row_fn fn, db_done_fn done, void *arg)
{
	if (st->ops->defer != NULL)
		return st->ops->defer(st, sql, a, n, fn, done, arg);
	if (st->ops->exec(st, sql, a, n, fn, arg, NULL) == -1)
		return -1;
	if (done != NULL && done(arg) == -1) {
		snprintf(st->err, sizeof(st->err), "query stopped by caller");
		return -1;
	}
	return 0;
}

int
db_defer(struct storage *st, const char *sql, const struct db_arg *a, int n)
{
	return db_defer_query(st, sql, a, n, NULL, NULL, NULL);
}

int
db_flush(struct storage *st)
{
	return st->ops->flush != NULL ? st->ops->flush(st) : 0;
}

int db_begin(struct storage *st) { return st->ops->begin(st); }
int db_commit(struct storage *st) { return st->ops->commit(st); }
int db_rollback(struct storage *st) { return st->ops->rollback(st); }

int64_t
row_int(const struct db_row *r, int col)
{
	if (col >= r->n || r->v[col] == NULL)
		return 0;
	return strtoll(r->v[col], NULL, 10);
}

const char *
row_str(const struct db_row *r, int col)
{
	if (col >= r->n || r->v[col] == NULL)
		return "";
	return r->v[col];
}

/* Kept for the life of the process: the adapters' statement caches hold these addresses. */
struct interned {
	struct interned	*next;
	char		 sql[];
};

const char *
db_sql_intern(const char *sql)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static struct interned *head;
	struct interned *e;
	size_t n = strlen(sql) + 1;

	pthread_mutex_lock(&mu);
	for (e = head; e != NULL && strcmp(e->sql, sql) != 0; e = e->next)
		;
	if (e == NULL && (e = malloc(sizeof(*e) + n)) != NULL) {
		memcpy(e->sql, sql, n);
		e->next = head;
		head = e;
	}
	pthread_mutex_unlock(&mu);
	return e != NULL ? e->sql : NULL;
}
