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
/*
 * Newest first, ids below before (0: from the newest), at most limit rows:
 * id, at, who, addr, action, target, result.
 */
int	audit_list(struct storage *, int64_t before, int limit, db_row_fn, void *);
/* The unix user running the CLI, for who. */
const char *audit_unix_user(char *buf, size_t len);

#endif
