/* SPDX-License-Identifier: BSD-2-Clause */
/* Group commit of audit rows: one writer thread, requests wait for their commit. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auditq.h"
#include "log.h"
#include "storage.h"

#define AUDITQ_MAX	1024		/* rows waiting; more wait for room */

struct arow {
	char		*who, *addr, *action, *target, *result;
};

struct auditq {
	pthread_mutex_t	 mu;
	pthread_cond_t	 work, done;
	pthread_t	 thread;
	struct storage	*st;
	struct arow	 q[AUDITQ_MAX];	/* queued, under mu */
	struct arow	 batch[AUDITQ_MAX];	/* the writer's, being written */
	int		 n;
	uint64_t	 queued;	/* rows ever queued */
	uint64_t	 written;	/* rows ever taken and committed (or failed) */
	bool		 stop;
};

static void
arow_free(struct arow *r)
{
	free(r->who);
	free(r->addr);
	free(r->action);
	free(r->target);
	free(r->result);
}

/* One transaction for the batch, one round trip on PostgreSQL; -1 when it did not commit. */
static int
write_batch(struct storage *st, struct arow *b, int n)
{
	if (db_begin(st) == -1)
		return -1;
	for (int i = 0; i < n; i++)
		if (audit_defer(st, b[i].who, b[i].addr, b[i].action, b[i].target,
		    b[i].result) == -1) {
			db_rollback(st);
			return -1;
		}
	return db_commit(st);
}

static void *
writer(void *arg)
{
	struct auditq *q = arg;
	struct arow *b = q->batch;
	int n;

	pthread_mutex_lock(&q->mu);
	for (;;) {
		while (q->n == 0 && !q->stop)
			pthread_cond_wait(&q->work, &q->mu);
		if (q->n == 0 && q->stop)
			break;
		n = q->n;
		memcpy(b, q->q, (size_t)n * sizeof(*b));
		q->n = 0;
		pthread_cond_broadcast(&q->work);	/* room for waiting adders */
		pthread_mutex_unlock(&q->mu);
		if (write_batch(q->st, b, n) == -1)
			log_warnx("api: audit: %d rows not stored: %s", n, q->st->err);
		pthread_mutex_lock(&q->mu);
		for (int i = 0; i < n; i++)
			arow_free(&b[i]);
		q->written += (uint64_t)n;
		pthread_cond_broadcast(&q->done);
	}
	pthread_mutex_unlock(&q->mu);
	return NULL;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? strdup(s) : NULL;
}

void
auditq_add(struct auditq *q, const char *who, const char *addr, const char *action,
    const char *target, const char *result)
{
	struct arow r = { strdup(who), dup_or_null(addr), strdup(action),
	    dup_or_null(target), strdup(result) };
	uint64_t mine;

	if (r.who == NULL || r.action == NULL || r.result == NULL ||
	    (addr != NULL && r.addr == NULL) || (target != NULL && r.target == NULL)) {
		arow_free(&r);
		log_warnx("api: audit: out of memory");
		return;
	}
	pthread_mutex_lock(&q->mu);
	while (q->n == AUDITQ_MAX)
		pthread_cond_wait(&q->work, &q->mu);
	q->q[q->n++] = r;
	mine = ++q->queued;
	pthread_cond_broadcast(&q->work);
	while (q->written < mine)
		pthread_cond_wait(&q->done, &q->mu);
	pthread_mutex_unlock(&q->mu);
}

struct auditq *
auditq_start(const char *db, char *err, size_t errlen)
{
	struct auditq *q = calloc(1, sizeof(*q));

	if (q == NULL)
		return snprintf(err, errlen, "out of memory"), NULL;
	if ((q->st = storage_open(db, err, errlen)) == NULL) {
		free(q);
		return NULL;
	}
	pthread_mutex_init(&q->mu, NULL);
	pthread_cond_init(&q->work, NULL);
	pthread_cond_init(&q->done, NULL);
	if (pthread_create(&q->thread, NULL, writer, q) != 0) {
		snprintf(err, errlen, "cannot start the audit writer");
		storage_close(q->st);
		free(q);
		return NULL;
	}
	return q;
}

void
auditq_stop(struct auditq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->mu);
	q->stop = true;
	pthread_cond_broadcast(&q->work);
	pthread_mutex_unlock(&q->mu);
	pthread_join(q->thread, NULL);
	storage_close(q->st);
	pthread_cond_destroy(&q->done);
	pthread_cond_destroy(&q->work);
	pthread_mutex_destroy(&q->mu);
	free(q);
}
