/* SPDX-License-Identifier: BSD-2-Clause */
/* The server's periodic housekeeping: expired sessions, old lead changes. */
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "cfg.h"
#include "clock.h"
#include "events.h"
#include "evstore.h"
#include "housekeep.h"
#include "log.h"
#include "rollout.h"
#include "storage.h"
#include "users.h"

struct housekeep {
	const struct cfg *cfg;
	struct storage	*st;
	pthread_t	 t;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	bool		 stop;
};

int
housekeep_once(struct storage *st, const struct cfg *cf, int64_t now)
{
	int64_t n = 0;

	if (users_session_purge(st, now, (int64_t)cf->api_idle,
	    (int64_t)cf->api_absolute) == -1 ||
	    events_prune(st, now, HOUSEKEEP_EVENTS_SECS, HOUSEKEEP_EVENTS_ROWS, &n) == -1)
		return -1;
	if (n > 0)
		log_debug("housekeeping: %" PRId64 " old lead changes pruned", n);
	if (evstore_expire(st, cf->evidence_dir, now, (int64_t)cf->evidence_days,
	    &n) == -1)
		return -1;
	if (n > 0)
		log_info("housekeeping: %" PRId64 " evidence files past evidence_days"
		    " deleted (audit: evidence.deleted)", n);
	return rollout_tick(st, &(struct rollout_health){ (int64_t)cf->rollout_settle,
	    (int64_t)cf->rollout_reconnects, (int64_t)cf->silent_after }, now);
}

static void *
run(void *arg)
{
	struct housekeep *h = arg;
	struct timespec until;

	pthread_mutex_lock(&h->mu);
	while (!h->stop) {
		pthread_mutex_unlock(&h->mu);
		if (housekeep_once(h->st, h->cfg, (int64_t)time(NULL)) == -1)
			log_warnx("housekeeping: %s", h->st->err);
		pthread_mutex_lock(&h->mu);
		until = clock_mono_after((int64_t)h->cfg->housekeep_interval * 1000);
		while (!h->stop && pthread_cond_timedwait(&h->cv, &h->mu, &until) == 0)
			;
	}
	pthread_mutex_unlock(&h->mu);
	return NULL;
}

struct housekeep *
housekeep_start(const struct cfg *cf, char *err, size_t errlen)
{
	struct housekeep *h = calloc(1, sizeof(*h));
	char why[400];

	if (h == NULL)
		return snprintf(err, errlen, "out of memory"), NULL;
	h->cfg = cf;
	if ((h->st = storage_open(cf->db, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "housekeeping storage: %s", why);
		free(h);
		return NULL;
	}
	pthread_mutex_init(&h->mu, NULL);
	clock_cond_init(&h->cv);
	if (pthread_create(&h->t, NULL, run, h) != 0) {
		snprintf(err, errlen, "housekeeping: no thread");
		storage_close(h->st);
		free(h);
		return NULL;
	}
	return h;
}

void
housekeep_stop(struct housekeep *h)
{
	if (h == NULL)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = true;
	pthread_cond_signal(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->t, NULL);
	storage_close(h->st);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}
