/* SPDX-License-Identifier: BSD-2-Clause */
/* The audit trail: INSERT and SELECT only (docs/api.md, Audit). */
#include <pwd.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "audit.h"

static const char audit_sql[] = "INSERT INTO audit (at, who, addr, action, target,"
	" result) VALUES ($1, $2, $3, $4, $5, $6)";

static int
audit_put(struct storage *st, bool deferred, const char *who, const char *addr,
    const char *action, const char *target, const char *result)
{
	struct db_arg a[] = { DB_I(time(NULL)), DB_S(who), addr ? DB_S(addr) : DB_NULL,
	    DB_S(action), target ? DB_S(target) : DB_NULL, DB_S(result) };

	return deferred ? db_defer(st, audit_sql, a, 6) : db_exec(st, audit_sql, a, 6);
}

int
audit_add(struct storage *st, const char *who, const char *addr,
    const char *action, const char *target, const char *result)
{
	return audit_put(st, false, who, addr, action, target, result);
}

int
audit_defer(struct storage *st, const char *who, const char *addr,
    const char *action, const char *target, const char *result)
{
	return audit_put(st, true, who, addr, action, target, result);
}

int
audit_list(struct storage *st, const struct audit_filter *f, db_row_fn fn, void *arg)
{
	return db_query(st, "SELECT id, at, who, addr, action, target, result"
	    " FROM audit WHERE ($1 = 0 OR id < $1) AND ($3 = '' OR who = $3)"
	    " AND ($4 = '' OR action = $4) AND ($5 = 0 OR at >= $5)"
	    " AND ($6 = 0 OR at < $6) ORDER BY id DESC LIMIT $2",
	    (struct db_arg[]){ DB_I(f->before), DB_I(f->limit),
	    DB_S(f->who != NULL ? f->who : ""), DB_S(f->action != NULL ? f->action : ""),
	    DB_I(f->since), DB_I(f->until) }, 6, fn, arg);
}

const char *
audit_unix_user(char *buf, size_t len)
{
	struct passwd *pw = getpwuid(getuid());

	if (pw != NULL)
		snprintf(buf, len, "unix:%s", pw->pw_name);
	else
		snprintf(buf, len, "unix:%ld", (long)getuid());
	return buf;
}
