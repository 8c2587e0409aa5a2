/* SPDX-License-Identifier: BSD-2-Clause */
/* Storage threads: bounded job queue, batched transactions, results by eventfd. */
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "confstore.h"
#include "events.h"
#include "rollout.h"
#include "storage.h"
#include "writer.h"

#define MAX_THREADS	64
#define BATCH		64	/* jobs per transaction (group commit) */
#define RETRIES		3

struct writer {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	struct job	*qhead, *qtail, *done;
	size_t		 queued, max_queue;
	bool		 stop;
	int		 efd, nthreads;
	unsigned	 delay_ms;
	pthread_t	 th[MAX_THREADS];
	struct storage	*st[MAX_THREADS];
	char		 instance[64];
};

struct worker_arg {
	struct writer	*w;
	struct storage	*st;
};

struct job *
job_new(enum job_type t)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j != NULL)
		j->type = t;
	return j;
}

void
pushcfg_free(struct pushcfg *p)
{
	while (p != NULL) {
		struct pushcfg *next = p->next;

		free(p->blob);
		free(p);
		p = next;
	}
}

void
job_free(struct job *j)
{
	if (j == NULL)
		return;
	pushcfg_free(j->push);
	pushfile_free(j->files);
	free(j->recs);
	free(j->data);
	free(j->cert);
	free(j);
}

static int
run_hello(struct storage *st, struct writer *w, struct job *j, int64_t now)
{
	struct ingest_hello h = { .appliance = j->appliance, .serial = j->serial,
	    .firmware = j->firmware, .instance = w->instance,
	    .config_version = j->config_version, .last_acked = j->last_seq,
	    .now = now, .spool = j->spool };

	if (ingest_hello(st, &h) == -1)
		return -1;
	j->high_seq = h.high_seq;
	j->spool = h.spool;
	j->renumbered = h.renumbered;
	snprintf(j->grp, sizeof(j->grp), "%s", h.grp);
	if (confstore_latest(st, j->grp, j->config_version, &j->push) == -1 ||
	    filestore_latest(st, j->grp, &j->files) == -1)
		return -1;
	/* and a firmware rollout's offer when it is this appliance's turn */
	if (rollout_hello(st, j->appliance, j->firmware, j->features & FRAME_HELLO_FILES,
	    now, &j->files) == -1)
		return -1;
	/* every file of the group is offered at the hello: the answer says */
	for (struct pushfile *f = j->files; f != NULL; f = f->next)
		if (filestore_offered(st, j->appliance, f->kind, f->version, now) == -1)
			return -1;
	return j->push ? confstore_pushed(st, j->appliance, j->push->version, now) : 0;
}

static int
run_job(struct storage *st, struct writer *w, struct job *j)
{
	int64_t now = (int64_t)time(NULL);
	int rc;

	pushcfg_free(j->push);
	j->push = NULL;
	pushfile_free(j->files);
	j->files = NULL;
	memset(&j->counts, 0, sizeof(j->counts));
	switch (j->type) {
	case JOB_HELLO:
		return run_hello(st, w, j, now);
	case JOB_REPORT:
		if ((rc = ingest_records(st, j->appliance, &j->spool, j->recs, j->nrecs,
		    now, j->careful, &j->counts)) == -1)
			return -1;
		j->stale = rc == 1;
		return 0;
	case JOB_CONFIG_ACK:
		return ingest_config_ack(st, j->appliance, j->config_version, j->status,
		    j->message, now);
	case JOB_CONFIG_POLL:
		if (confstore_all_latest(st, &j->push) == -1)
			return -1;
		if (filestore_all_latest(st, &j->files) == -1)
			return -1;
		return rollout_offers(st, w->instance, now, &j->files);
	case JOB_FILE_ACK:
		if (j->kind == FRAME_FILE_FIRMWARE && rollout_acked(st, j->appliance,
		    j->config_version, j->status, j->message, now) == -1)
			return -1;
		return filestore_acked(st, j->appliance, j->kind, j->config_version,
		    j->status, j->message, now);
	case JOB_EVIDENCE:
		memset(&j->evcounts, 0, sizeof(j->evcounts));
		if ((rc = evstore_chunk(st, &(struct evstore_chunk){ j->appliance,
		    j->evdir, j->evmax, j->spool, &j->ev, j->cert, j->certlen, now },
		    &j->evcounts)) == -1)
			return -1;
		j->stale = rc == 1;
		return 0;
	}
	return -1;
}

/*
 * The batch's advisory locks first, in one order for every writer
 * (ingest-lock.c): batches of two instances on the same leads then queue
 * instead of deadlocking.
 */
static int
lock_batch(struct storage *st, struct job *from, struct job *to)
{
	struct ingest_locks *l;
	int rc;

	if (st->ops->lock_keys_sql == NULL)
		return 0;
	if ((l = ingest_locks_new()) == NULL) {
		snprintf(st->err, sizeof(st->err), "out of memory");
		return -1;
	}
	for (struct job *j = from; j != to; j = j->next) {
		ingest_locks_appliance(l, j->appliance);
		if (j->type == JOB_REPORT)
			ingest_locks_records(l, j->recs, j->nrecs);
	}
	rc = ingest_locks_take(st, l);
	ingest_locks_free(l);
	return rc;
}

/* One transaction for the jobs from..to (exclusive); 0 if all committed. */
static int
run_batch(struct storage *st, struct writer *w, struct job *from, struct job *to)
{
	if (db_begin(st) == -1)
		return -1;
	if (lock_batch(st, from, to) == -1) {
		db_rollback(st);
		return -1;
	}
	for (struct job *j = from; j != to; j = j->next)
		if (run_job(st, w, j) == -1) {
			db_rollback(st);
			return -1;
		}
	if (w->delay_ms > 0)
		usleep(w->delay_ms * 1000u);
	if (db_commit(st) == -1) {
		db_rollback(st);
		return -1;
	}
	events_notify();	/* the event streams (api-events.c) */
	return 0;
}

/* A batch that fails is split: each job gets its own transaction and retries. */
static void
process(struct storage *st, struct writer *w, struct job *batch)
{
	if (run_batch(st, w, batch, NULL) == 0)
		return;
	for (struct job *j = batch; j != NULL; j = j->next) {
		j->rc = -1;
		for (int attempt = 0; attempt < RETRIES && j->rc == -1; attempt++) {
			if (attempt > 0)
				usleep(10000u << attempt);
			j->rc = run_batch(st, w, j, j->next);
		}
		/* A report that keeps failing: once more, a record at a time, so a
		 * record central cannot store is quarantined and the rest go on. */
		if (j->rc == -1 && j->type == JOB_REPORT && !st->retryable) {
			j->careful = true;
			j->rc = run_batch(st, w, j, j->next);
			if (j->rc == 0 && j->counts.quarantined > 0)
				fprintf(stderr, "goipwatch-central: %s: %" PRIu64 " record%s"
				    " quarantined (table quarantine)\n", j->appliance,
				    j->counts.quarantined, j->counts.quarantined == 1 ? "" : "s");
		}
		if (j->rc == -1)
			fprintf(stderr, "goipwatch-central: storage: %s: %s\n",
			    j->appliance[0] ? j->appliance : "poll", st->err);
	}
}

static struct job *
take_batch(struct writer *w)
{
	struct job *head, *j;
	int n = 1;

	while (w->qhead == NULL && !w->stop)
		pthread_cond_wait(&w->cv, &w->mu);
	if ((head = w->qhead) == NULL)
		return NULL;
	for (j = head; j->next != NULL && n < BATCH; j = j->next)
		n++;
	w->qhead = j->next;
	if (w->qhead == NULL)
		w->qtail = NULL;
	j->next = NULL;
	w->queued -= (size_t)n;
	return head;
}

static void
hand_back(struct writer *w, struct job *batch)
{
	struct job *last = batch;
	uint64_t one = 1;

	while (last->next != NULL)
		last = last->next;
	pthread_mutex_lock(&w->mu);
	last->next = w->done;
	w->done = batch;
	pthread_mutex_unlock(&w->mu);
	if (write(w->efd, &one, sizeof(one)) != sizeof(one))
		fprintf(stderr, "goipwatch-central: eventfd write failed\n");
}

static void *
worker_main(void *arg)
{
	struct worker_arg *a = arg;
	struct writer *w = a->w;
	struct storage *st = a->st;
	struct job *batch;

	free(a);
	for (;;) {
		pthread_mutex_lock(&w->mu);
		batch = take_batch(w);
		pthread_mutex_unlock(&w->mu);
		if (batch == NULL)
			return NULL;
		for (struct job *j = batch; j != NULL; j = j->next)
			j->rc = 0;
		process(st, w, batch);
		hand_back(w, batch);
	}
}

static int
start_threads(struct writer *w, const char *db, char *err, size_t errlen)
{
	for (int i = 0; i < w->nthreads; i++) {
		struct worker_arg *a;

		if ((w->st[i] = storage_open(db, err, errlen)) == NULL)
			return -1;
		if ((a = malloc(sizeof(*a))) == NULL)
			return -1;
		a->w = w;
		a->st = w->st[i];
		if (pthread_create(&w->th[i], NULL, worker_main, a) != 0) {
			free(a);
			storage_close(w->st[i]);
			w->st[i] = NULL;
			snprintf(err, errlen, "cannot start a storage thread");
			return -1;
		}
	}
	return 0;
}

struct writer *
writer_new(const char *db, int threads, size_t max_queue, unsigned delay_ms,
    const char *instance, char *err, size_t errlen)
{
	struct writer *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return NULL;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->max_queue = max_queue;
	w->delay_ms = delay_ms;
	w->nthreads = threads > MAX_THREADS ? MAX_THREADS : threads;
	snprintf(w->instance, sizeof(w->instance), "%s", instance);
	if ((w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    start_threads(w, db, err, errlen) == -1) {
		writer_free(w);
		return NULL;
	}
	return w;
}

void
writer_free(struct writer *w)
{
	struct job *j;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	w->stop = true;
	pthread_cond_broadcast(&w->cv);
	pthread_mutex_unlock(&w->mu);
	for (int i = 0; i < w->nthreads; i++)
		if (w->st[i] != NULL) {
			pthread_join(w->th[i], NULL);
			storage_close(w->st[i]);
		}
	while ((j = w->qhead) != NULL || (j = w->done) != NULL) {
		if (j == w->qhead)
			w->qhead = j->next;
		else
			w->done = j->next;
		job_free(j);
	}
	if (w->efd >= 0)
		close(w->efd);
	pthread_cond_destroy(&w->cv);
	pthread_mutex_destroy(&w->mu);
	free(w);
}

int
writer_submit(struct writer *w, struct job *j)
{
	pthread_mutex_lock(&w->mu);
	if (w->queued >= w->max_queue && (j->type == JOB_REPORT ||
	    j->type == JOB_EVIDENCE)) {
		pthread_mutex_unlock(&w->mu);
		return -1;
	}
	j->next = NULL;
	if (w->qtail != NULL)
		w->qtail->next = j;
	else
		w->qhead = j;
	w->qtail = j;
	w->queued++;
	pthread_cond_signal(&w->cv);
	pthread_mutex_unlock(&w->mu);
	return 0;
}

int
writer_fd(const struct writer *w)
{
	return w->efd;
}

struct job *
writer_collect(struct writer *w)
{
	struct job *list, *rev = NULL;
	uint64_t n;

	if (read(w->efd, &n, sizeof(n)) < 0)
		n = 0;	/* nothing signalled: still look */
	pthread_mutex_lock(&w->mu);
	list = w->done;
	w->done = NULL;
	pthread_mutex_unlock(&w->mu);
	while (list != NULL) {	/* oldest first */
		struct job *next = list->next;

		list->next = rev;
		rev = list;
		list = next;
	}
	return rev;
}

size_t
writer_queued(struct writer *w)
{
	size_t n;

	pthread_mutex_lock(&w->mu);
	n = w->queued;
	pthread_mutex_unlock(&w->mu);
	return n;
}
