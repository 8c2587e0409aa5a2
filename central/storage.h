/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The storage interface: parameterised SQL over one connection, rows through a
 * callback, explicit transactions. Two adapters (storage-sqlite.c,
 * storage-pg.c) fill a method table; the SQL above them is shared (schema.c).
 * Parameters are written $1..$n, numbered in order of first use.
 */
#ifndef GWC_STORAGE_H
#define GWC_STORAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DB_MAX_ARGS	24
#define DB_MAX_COLS	32

/* One parameter: an integer, a string, bytes (len of them), or NULL (s == NULL && !is_int). */
struct db_arg {
	const char	*s;
	int64_t		 i;
	bool		 is_int;
	bool		 is_blob;
	size_t		 len;
};

#define DB_I(x)		((struct db_arg){ .i = (int64_t)(x), .is_int = true })
#define DB_S(x)		((struct db_arg){ .s = (x) })
#define DB_B(p, n)	((struct db_arg){ .s = (p), .len = (n), .is_blob = true })
#define DB_NULL		((struct db_arg){ 0 })

/* A string, NULL or empty as SQL NULL. */
static inline struct db_arg
db_opt_s(const char *s)
{
	return s != NULL && *s != '\0' ? DB_S(s) : DB_NULL;
}

/* A number, negative (absent from the record) as SQL NULL. */
static inline struct db_arg
db_opt_i(int64_t v)
{
	return v >= 0 ? DB_I(v) : DB_NULL;
}

/* A result row; strings are valid only inside the callback (NULL for SQL NULL). */
struct db_row {
	int		 n;
	const char	*v[DB_MAX_COLS];
};

/* Returns 0 to go on, -1 to stop (the query then fails). */
typedef int (*db_row_fn)(void *arg, const struct db_row *);
/* After a deferred statement's rows (none or more); -1 fails the flush. */
typedef int (*db_done_fn)(void *arg);

struct storage;

struct storage_ops {
	const char	*name;
	const char	*id_type;	/* an auto-increment primary key column type */
	const char	*blob_type;	/* a byte string column type */
	/* data-modifying WITH and arrays: lead_ingest_record's one statement */
	bool		 with_writes;
	/*
	 * Takes a transaction's advisory locks on $1, a bigint array in
	 * ascending order (ingest-lock.c); NULL where writers never wait on
	 * each other's rows (SQLite: one writer at a time).
	 */
	const char	*lock_keys_sql;
	/* Runs one statement; rows (if any) go to fn; changes counts affected rows. */
	int	(*exec)(struct storage *, const char *sql, const struct db_arg *,
		    int nargs, db_row_fn fn, void *arg, int64_t *changes);
	/*
	 * Sends one statement whose result can wait for flush (NULL: exec at
	 * once). Rows go to fn, then done is called, both at the flush.
	 */
	int	(*defer)(struct storage *, const char *sql, const struct db_arg *,
		    int nargs, db_row_fn fn, db_done_fn done, void *arg);
	/* Reads what was deferred; the first error fails it. */
	int	(*flush)(struct storage *);
	/* Runs several statements without parameters (migrations). */
	int	(*exec_script)(struct storage *, const char *sql);
	int	(*begin)(struct storage *);
	int	(*commit)(struct storage *);
	int	(*rollback)(struct storage *);
	/* Serialises schema migration between instances; no-op where implicit. */
	int	(*lock_schema)(struct storage *);
	int	(*unlock_schema)(struct storage *);
	void	(*close)(struct storage *);
};

struct storage {
	const struct storage_ops *ops;
	char		 err[256];	/* the last error, for the caller's log */
	bool		 retryable;	/* the last error was a conflict or busy */
};

/*
 * Opens "sqlite:PATH" (or a bare path) or "postgresql://..." / "pg:CONNINFO",
 * then brings the schema up to date. NULL with err set on failure.
 */
struct storage	*storage_open(const char *uri, char *err, size_t errlen);
/*
 * readonly: opens without creating or migrating anything (the schema must be
 * this program's) and refuses writes; for commands that only read.
 */
struct storage	*storage_open_mode(const char *uri, bool readonly, char *err,
		    size_t errlen);
void		 storage_close(struct storage *);

int	db_exec(struct storage *, const char *sql, const struct db_arg *, int nargs);
int	db_query(struct storage *, const char *sql, const struct db_arg *, int nargs,
	    db_row_fn, void *arg);
/* The first column of the first row as an integer; dflt when there is none. */
int	db_int(struct storage *, const char *sql, const struct db_arg *, int nargs,
	    int64_t dflt, int64_t *out);
/*
 * The next version of pushed configs or files: one above the largest max_sql
 * reads (SELECT MAX(version) FROM ...), and never below the wall clock in
 * seconds, so the first push is above whatever small version an appliance was
 * installed with.
 */
int	db_next_version(struct storage *, const char *max_sql, uint64_t *);
/*
 * Deferred statements save round trips: PostgreSQL sends them in one pipeline
 * and reads all their results at db_flush (every other call on the connection
 * flushes first, and a statement run then joins the same round trip); SQLite
 * runs each at once. An error of a deferred statement is returned by whatever
 * flushes; the statements after it do not run and their callbacks are not
 * called. So a caller that must know flushes before it decides. fn, done and
 * arg must live until the flush; the arguments are copied at once.
 */
int	db_defer(struct storage *, const char *sql, const struct db_arg *, int nargs);
int	db_defer_query(struct storage *, const char *sql, const struct db_arg *,
	    int nargs, db_row_fn, db_done_fn, void *arg);
int	db_flush(struct storage *);
int	db_begin(struct storage *);
int	db_commit(struct storage *);
int	db_rollback(struct storage *);

/*
 * The adapters cache prepared statements by the address of their SQL text,
 * which must therefore be static. A query built at run time goes through
 * this first: one lasting copy per distinct text (NULL when out of memory).
 * Only for texts drawn from a bounded set (a filter's combinations).
 */
const char	*db_sql_intern(const char *sql);

/* Column helpers: NULL-safe. */
int64_t		 row_int(const struct db_row *, int col);
const char	*row_str(const struct db_row *, int col);

/* The adapters. */
struct storage	*storage_sqlite_open(const char *path, bool readonly, char *err,
		    size_t errlen);
struct storage	*storage_pg_open(const char *conninfo, bool readonly, char *err,
		    size_t errlen);

#endif
