/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Group commit of the console's audit rows: each request hands its row to
 * one writer thread with its own storage connection and waits until the
 * transaction holding it has committed, so no answer leaves before its audit
 * row is durable, while the rows of concurrent requests share one commit
 * (one fsync) instead of one each (docs/api.md, Audit).
 */
#ifndef GWC_AUDITQ_H
#define GWC_AUDITQ_H

#include <stddef.h>

struct auditq;

/* Opens its own connection to db and starts the writer. */
struct auditq	*auditq_start(const char *db, char *err, size_t errlen);
/*
 * Queues a row (addr and target may be NULL) and waits until the writer has
 * committed it, or logged that it could not.
 */
void		 auditq_add(struct auditq *, const char *who, const char *addr,
		    const char *action, const char *target, const char *result);
/* Writes what is queued, then stops the writer. */
void		 auditq_stop(struct auditq *);

#endif
