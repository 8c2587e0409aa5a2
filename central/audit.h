/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The append-only audit trail of the console and the user CLI: who, when,
 * from where, what, on what, with which result. Nothing here updates or
 * deletes; the schema's triggers refuse it (docs/api.md, Audit).
 */
#ifndef GWC_AUDIT_H
#define GWC_AUDIT_H

#include <stdint.h>

#include "storage.h"

/* addr and target may be NULL. */
int	audit_add(struct storage *, const char *who, const char *addr,
	    const char *action, const char *target, const char *result);
/* The same, deferred (storage.h): written by the commit, which reports its error. */
int	audit_defer(struct storage *, const char *who, const char *addr,
	    const char *action, const char *target, const char *result);
/* What audit_list selects: empty strings and zeros select everything. */
struct audit_filter {
	int64_t		 before;	/* ids below (0: from the newest) */
	int		 limit;
	const char	*who;		/* exactly this who, or NULL */
	const char	*action;	/* exactly this action, or NULL */
	int64_t		 since;		/* at >= since (epoch s), or 0 */
	int64_t		 until;		/* at < until (epoch s), or 0 */
};
/*
 * Newest first, at most f->limit rows matching f:
 * id, at, who, addr, action, target, result.
 */
int	audit_list(struct storage *, const struct audit_filter *, db_row_fn, void *);
/* The unix user running the CLI, for who. */
const char *audit_unix_user(char *buf, size_t len);

#endif
