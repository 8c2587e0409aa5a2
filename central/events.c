/* SPDX-License-Identifier: BSD-2-Clause */
/* The lead change log and the waiter that wakes event streams after a commit. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "events.h"

/* Process-wide on purpose: any thread's commit wakes every stream. */
static pthread_mutex_t	 wait_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 wait_cv;
static pthread_once_t	 wait_once = PTHREAD_ONCE_INIT;
static uint64_t		 wait_gen;

int
events_log(struct storage *st, int64_t lead_id, const char *kind, int64_t now)
{
	return db_defer(st, "INSERT INTO lead_changes (lead_id, at, kind) VALUES ($1, $2, $3)",
	    (struct db_arg[]){ DB_I(lead_id), DB_I(now), DB_S(kind) }, 3);
}

struct since {
	events_fn	*fn;
	void		*arg;
};

static int
since_row(void *arg, const struct db_row *r)
{
	struct since *s = arg;
	struct event e = { .seq = row_int(r, 0), .lead_id = row_int(r, 1),
	    .at = row_int(r, 2), .deadline = row_int(r, 6) };

	snprintf(e.kind, sizeof(e.kind), "%s", row_str(r, 3) ? row_str(r, 3) : "");
	snprintf(e.tier, sizeof(e.tier), "%s", row_str(r, 4) ? row_str(r, 4) : "");
	snprintf(e.status, sizeof(e.status), "%s", row_str(r, 5) ? row_str(r, 5) : "");
	return s->fn(s->arg, &e);
}

int
events_since(struct storage *st, int64_t after_seq, events_fn *fn, void *arg)
{
	struct since s = { fn, arg };

	return db_query(st, "SELECT c.seq, c.lead_id, c.at, c.kind, l.tier, l.status,"
	    " l.deadline FROM lead_changes c LEFT JOIN leads l ON l.id = c.lead_id"
	    " WHERE c.seq > $1 ORDER BY c.seq LIMIT $2",
	    (struct db_arg[]){ DB_I(after_seq), DB_I(EVENTS_BATCH) }, 2, since_row, &s);
}

int
events_last(struct storage *st, int64_t *seq)
{
	return db_int(st, "SELECT COALESCE(MAX(seq), 0) FROM lead_changes", NULL, 0, 0, seq);
}

int
events_prune(struct storage *st, int64_t now, int64_t keep_secs, int64_t keep_rows,
    int64_t *n)
{
	*n = 0;
	return st->ops->exec(st, "DELETE FROM lead_changes WHERE"
	    " seq < (SELECT MAX(seq) FROM lead_changes) AND (at < $1 OR"
	    " seq <= (SELECT MAX(seq) FROM lead_changes) - $2)",
	    (struct db_arg[]){ DB_I(now - keep_secs), DB_I(keep_rows) }, 2, NULL, NULL, n);
}

/* The waiter's clock is monotonic: a wall clock step must not stall streams. */
static void
wait_init(void)
{
	clock_cond_init(&wait_cv);
}

void
events_notify(void)
{
	pthread_once(&wait_once, wait_init);
	pthread_mutex_lock(&wait_mu);
	wait_gen++;
	pthread_cond_broadcast(&wait_cv);
	pthread_mutex_unlock(&wait_mu);
}

uint64_t
events_gen(void)
{
	uint64_t g;

	pthread_mutex_lock(&wait_mu);
	g = wait_gen;
	pthread_mutex_unlock(&wait_mu);
	return g;
}

uint64_t
events_wait(uint64_t gen, int ms)
{
	struct timespec until = clock_mono_after(ms);
	uint64_t g;

	pthread_once(&wait_once, wait_init);
	pthread_mutex_lock(&wait_mu);
	while (wait_gen == gen &&
	    pthread_cond_timedwait(&wait_cv, &wait_mu, &until) == 0)
		;
	g = wait_gen;
	pthread_mutex_unlock(&wait_mu);
	return g;
}
