/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The alert queue (table alerts) and its worker. A row is claimed before its
 * send (attempts + 1, next_at past the send's timeout), so a crash mid-send
 * leaves it pending and it is sent again, later, with the same idempotency key.
 */
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert-int.h"
#include "alert.h"
#include "cfg.h"
#include "clock.h"
#include "log.h"
#include "out.h"
#include "storage.h"

#define POLL_MS		200
#define CLAIM_MAX	16	/* due rows taken per poll */
#define LEASE_SLACK	30	/* s past the send timeout before a claim lapses */

static const char *const states[] = { "pending", "sent", "failed" };

const char *
alert_state_name(int i)
{
	return i >= 0 && i < 3 ? states[i] : NULL;
}

/* The latest raise or escalation of lead l: the alert's revision (0: none kept). */
#define REVISION "COALESCE((SELECT MAX(e.id) FROM lead_events e" \
	" WHERE e.lead_id = l.id AND e.kind IN ('raised', 'escalated')), 0)"

int
alert_lead(struct storage *st, int64_t lead, int64_t now)
{
	return db_defer(st, "INSERT INTO alerts (lead_id, revision, channel, kind,"
	    " next_at, created) SELECT l.id, " REVISION ", c.channel, 'urgent', $2, $2"
	    " FROM leads l, alert_channels c WHERE l.id = $1 AND l.tier = 'urgent'"
	    " ON CONFLICT DO NOTHING", (struct db_arg[]){ DB_I(lead), DB_I(now) }, 2);
}

/* Half its deadline: halfway from the raise (or escalation) to the deadline. */
int
alert_scan_half(struct storage *st, int64_t now)
{
	return db_exec(st, "INSERT INTO alerts (lead_id, revision, channel, kind,"
	    " next_at, created) SELECT l.id, " REVISION ", c.channel, 'half_deadline',"
	    " $1, $1 FROM leads l, alert_channels c WHERE l.status = 'new'"
	    " AND l.tier = 'urgent' AND l.deadline > $1"
	    " AND (COALESCE(l.escalated_at, l.raised_at) + l.deadline) / 2 <= $1"
	    " ON CONFLICT DO NOTHING", (struct db_arg[]){ DB_I(now) }, 1);
}

struct listing {
	FILE		*out;
	int		 n[3];
};

static int
list_row(void *arg, const struct db_row *r)
{
	struct listing *l = arg;
	struct out_tty t = { 0 };
	const char *state = row_str(r, 5);
	char when[32];
	int64_t at = strcmp(state, "sent") == 0 ? row_int(r, 8) : row_int(r, 7);

	for (int i = 0; i < 3; i++)
		if (strcmp(state, states[i]) == 0)
			l->n[i]++;
	fprintf(l->out, "%6" PRId64 " %6" PRId64 " %6" PRId64 " %-13s %-7s %-7s %5"
	    PRId64 " %-17s  %s\n", row_int(r, 0), row_int(r, 1), row_int(r, 2),
	    out_tty(&t, row_str(r, 3)), out_tty(&t, row_str(r, 4)), out_tty(&t, state),
	    row_int(r, 6), out_time(at, when, sizeof(when)), out_tty(&t, row_str(r, 9)));
	return 0;
}

#define LIST_SQL "SELECT id, lead_id, revision, kind, channel, state, attempts," \
	" next_at, sent_at, last_error FROM alerts"

int
alert_print(struct storage *st, const char *state, FILE *out)
{
	struct listing l = { .out = out, .n = { 0 } };


	fprintf(out, "%6s %6s %6s %-13s %-7s %-7s %5s %-17s  %s\n", "ID", "LEAD", "REV",
	    "KIND", "CHANNEL", "STATE", "TRIES", "NEXT/SENT", "LAST ERROR");
	if (db_query(st, state != NULL ? LIST_SQL " WHERE state = $1 ORDER BY id DESC" :
	    LIST_SQL " ORDER BY id DESC", (struct db_arg[]){ DB_S(state) },
	    state != NULL ? 1 : 0, list_row, &l) == -1)
		return -1;
	fprintf(out, "%d pending, %d sent, %d failed\n", l.n[0], l.n[1], l.n[2]);
	return 0;
}

struct alerter {
	const struct cfg *cf;
	struct storage	*st;
	pthread_t	 th;
	bool		 running;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	atomic_bool	 stop;
	struct alert_env env;
	uint64_t	 sent, retried, failed;
};

static bool
channel_is_on(const struct cfg *cf, const char *ch)
{
	if (strcmp(ch, "webhook") == 0)
		return cf->alert_webhook_url[0] != '\0';
	if (strcmp(ch, "syslog") == 0)
		return cf->alert_syslog[0] != '\0';
	if (strcmp(ch, "mail") == 0)
		return cf->alert_smtp_url[0] != '\0';
	return false;
}

static const char *const channels[] = { "webhook", "syslog", "mail" };

/* Which channels alert_lead fills: the ones this config turns on. */
static int
record_channels(struct alerter *al, int64_t now)
{
	if (db_begin(al->st) == -1)
		return -1;
	if (db_exec(al->st, "DELETE FROM alert_channels", NULL, 0) == -1)
		goto fail;
	for (size_t i = 0; i < sizeof(channels) / sizeof(channels[0]); i++)
		if (channel_is_on(al->cf, channels[i]) && db_exec(al->st,
		    "INSERT INTO alert_channels (channel, since) VALUES ($1, $2)",
		    (struct db_arg[]){ DB_S(channels[i]), DB_I(now) }, 2) == -1)
			goto fail;
	if (db_commit(al->st) == 0)
		return 0;
fail:
	db_rollback(al->st);
	return -1;
}

static void
copy(char *dst, size_t len, const char *s)
{
	snprintf(dst, len, "%s", s != NULL ? s : "");
}

static int
msg_row(void *arg, const struct db_row *r)
{
	struct alert_msg *m = arg;

	m->lead = row_int(r, 0);
	m->revision = row_int(r, 1);
	copy(m->channel, sizeof(m->channel), row_str(r, 2));
	copy(m->kind, sizeof(m->kind), row_str(r, 3));
	copy(m->tier, sizeof(m->tier), row_str(r, 4));
	copy(m->verdict, sizeof(m->verdict), row_str(r, 5));
	m->score = row_int(r, 6);
	m->deadline = row_int(r, 7);
	copy(m->ip, sizeof(m->ip), row_str(r, 8));
	copy(m->device, sizeof(m->device), row_str(r, 9));
	snprintf(m->key, sizeof(m->key), "lead-%" PRId64 "-r%" PRId64 "-%s", m->lead,
	    m->revision, m->kind);
	return 0;
}

/* Takes row id if it is still due (another instance may have); 1 taken. */
static int
claim(struct alerter *al, int64_t id, int64_t now, struct alert_msg *m)
{
	int64_t lease = now + (int64_t)al->cf->alert_timeout + LEASE_SLACK, got = -1;

	memset(m, 0, sizeof(*m));
	m->id = id;
	if (db_int(al->st, "UPDATE alerts SET attempts = attempts + 1, next_at = $3"
	    " WHERE id = $1 AND state = 'pending' AND next_at <= $2 RETURNING attempts",
	    (struct db_arg[]){ DB_I(id), DB_I(now), DB_I(lease) }, 3, -1, &got) == -1)
		return -1;
	if (got == -1)
		return 0;
	if (db_query(al->st, "SELECT a.lead_id, a.revision, a.channel, a.kind, l.tier,"
	    " l.verdict, l.score, l.deadline, l.ip, l.device_id FROM alerts a"
	    " JOIN leads l ON l.id = a.lead_id WHERE a.id = $1",
	    (struct db_arg[]){ DB_I(id) }, 1, msg_row, m) == -1)
		return -1;
	return 1;
}

static enum alert_result
send_one(struct alerter *al, const struct alert_msg *m, char *err, size_t errlen)
{
	if (m->key[0] == '\0')
		return snprintf(err, errlen, "the lead is gone"), ALERT_FAILED;
	if (!channel_is_on(al->cf, m->channel))
		return snprintf(err, errlen, "channel %s is not configured", m->channel),
		    ALERT_FAILED;
	if (strcmp(m->channel, "webhook") == 0)
		return alert_webhook(&al->env, m, err, errlen);
	if (strcmp(m->channel, "syslog") == 0)
		return alert_syslog(&al->env, m, err, errlen);
	return alert_mail(&al->env, m, err, errlen);
}

/* 1 s, 2 s, 4 s ... after the nth attempt, capped at alert_backoff_max. */
static int64_t
backoff(const struct cfg *cf, int64_t attempts)
{
	int64_t d = attempts >= 30 ? INT64_MAX : (int64_t)1 << (attempts - 1);

	return d > (int64_t)cf->alert_backoff_max ? (int64_t)cf->alert_backoff_max : d;
}

/* The outcome into the row, the log and the counters. */
static int
finish(struct alerter *al, const struct alert_msg *m, enum alert_result r,
    const char *err)
{
	struct out_tty t = { 0 };
	int64_t now = (int64_t)time(NULL), attempts = 0;

	if (r == ALERT_SENT) {
		al->sent++;
		log_info("alert %" PRId64 ": %s sent by %s", m->id, m->key, m->channel);
		return db_exec(al->st, "UPDATE alerts SET state = 'sent', sent_at = $2,"
		    " last_error = NULL WHERE id = $1",
		    (struct db_arg[]){ DB_I(m->id), DB_I(now) }, 2);
	}
	if (db_int(al->st, "SELECT attempts FROM alerts WHERE id = $1",
	    (struct db_arg[]){ DB_I(m->id) }, 1, 0, &attempts) == -1)
		return -1;
	if (r == ALERT_RETRY && attempts < (int64_t)al->cf->alert_attempts) {
		al->retried++;
		log_info("alert %" PRId64 ": %s by %s: %s; again in %" PRId64 " s", m->id,
		    m->key, m->channel, out_tty(&t, err), backoff(al->cf, attempts));
		return db_exec(al->st, "UPDATE alerts SET next_at = $2, last_error = $3"
		    " WHERE id = $1", (struct db_arg[]){ DB_I(m->id),
		    DB_I(now + backoff(al->cf, attempts)), DB_S(err) }, 3);
	}
	al->failed++;
	log_warnx("alert %" PRId64 ": %s by %s failed after %" PRId64 " attempt%s: %s",
	    m->id, m->key, m->channel, attempts, attempts == 1 ? "" : "s",
	    out_tty(&t, err));
	return db_exec(al->st, "UPDATE alerts SET state = 'failed', last_error = $2"
	    " WHERE id = $1", (struct db_arg[]){ DB_I(m->id), DB_S(err) }, 2);
}

struct due {
	int64_t		 id[CLAIM_MAX];
	int		 n;
};

static int
due_row(void *arg, const struct db_row *r)
{
	struct due *d = arg;

	if (d->n < CLAIM_MAX)
		d->id[d->n++] = row_int(r, 0);
	return 0;
}

/* Sends what is due; the number of rows looked at, -1 on a storage error. */
static int
drain(struct alerter *al)
{
	int64_t now = (int64_t)time(NULL);
	struct due d = { .n = 0 };
	struct alert_msg m;
	char err[512];

	if (db_query(al->st, "SELECT id FROM alerts WHERE state = 'pending' AND"
	    " next_at <= $1 ORDER BY next_at, id LIMIT 16",
	    (struct db_arg[]){ DB_I(now) }, 1, due_row, &d) == -1)
		return -1;
	for (int i = 0; i < d.n && !atomic_load(&al->stop); i++) {
		int rc = claim(al, d.id[i], now, &m);
		enum alert_result r;

		if (rc != 1) {
			if (rc == -1)
				return -1;
			continue;
		}
		err[0] = '\0';
		al->env.now = (int64_t)time(NULL);
		r = send_one(al, &m, err, sizeof(err));
		if (atomic_load(&al->stop) && r != ALERT_SENT)
			break;	/* abandoned: the claim lapses and it is sent again */
		if (finish(al, &m, r, err) == -1)
			return -1;
	}
	return d.n;
}

static void
nap(struct alerter *al)
{
	struct timespec ts = clock_mono_after(POLL_MS);

	pthread_mutex_lock(&al->mu);
	if (!atomic_load(&al->stop))
		pthread_cond_timedwait(&al->cv, &al->mu, &ts);
	pthread_mutex_unlock(&al->mu);
}

static void *
worker_main(void *arg)
{
	struct alerter *al = arg;
	int64_t last_scan = 0, now;
	int n;

	while (!atomic_load(&al->stop)) {
		now = (int64_t)time(NULL);
		if (now - last_scan >= (int64_t)al->cf->alert_scan) {
			if (alert_scan_half(al->st, now) == -1)
				log_warnx("alerts: half-deadline scan: %s", al->st->err);
			last_scan = now;
		}
		if ((n = drain(al)) == -1)
			log_warnx("alerts: storage: %s", al->st->err);
		if (n < CLAIM_MAX)
			nap(al);
	}
	return NULL;
}

/* The host's name as syslog's HOSTNAME wants it: printable ASCII, no blank. */
static void
host_name(char *buf, size_t len)
{
	if (gethostname(buf, len) != 0)
		buf[0] = '\0';
	buf[len - 1] = '\0';
	for (char *p = buf; *p != '\0'; p++)
		if (*p < 33 || *p > 126)
			*p = '-';
	if (buf[0] == '\0')
		snprintf(buf, len, "goipwatch-central");
}

static int
check_keys(const struct cfg *cf, char *err, size_t errlen)
{
	if (cf->alert_syslog[0] != '\0' &&
	    alert_syslog_check(cf->alert_syslog, err, errlen) == -1)
		return -1;
	if (cf->alert_smtp_url[0] == '\0')
		return 0;
	if (cf->alert_mail_from[0] == '\0' || cf->alert_mail_to[0] == '\0')
		return snprintf(err, errlen, "alert_smtp_url needs alert_mail_from and"
		    " alert_mail_to"), -1;
	return alert_addr_check(cf->alert_mail_from, err, errlen) == -1 ||
	    alert_addr_check(cf->alert_mail_to, err, errlen) == -1 ||
	    alert_addr_check(cf->alert_mail_supervisors, err, errlen) == -1 ? -1 : 0;
}

struct alerter *
alert_start(const struct cfg *cf, char *err, size_t errlen)
{
	struct alerter *al;
	char why[300];
	bool any = false;

	if (check_keys(cf, err, errlen) == -1 || alert_curl_init(err, errlen) == -1)
		return NULL;
	if ((al = calloc(1, sizeof(*al))) == NULL)
		return snprintf(err, errlen, "out of memory"), NULL;
	al->cf = al->env.cf = cf;
	al->env.stop = &al->stop;
	host_name(al->env.host, sizeof(al->env.host));
	pthread_mutex_init(&al->mu, NULL);
	clock_cond_init(&al->cv);
	if ((al->st = storage_open(cf->db, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "alert storage: %s", why);
		goto fail;
	}
	if (record_channels(al, (int64_t)time(NULL)) == -1) {
		snprintf(err, errlen, "alert channels: %s", al->st->err);
		goto fail;
	}
	for (size_t i = 0; i < sizeof(channels) / sizeof(channels[0]); i++)
		any |= channel_is_on(cf, channels[i]);
	if (any && pthread_create(&al->th, NULL, worker_main, al) != 0) {
		snprintf(err, errlen, "cannot start the alert thread");
		goto fail;
	}
	al->running = any;
	if (any)
		log_info("alerts:%s%s%s", cf->alert_webhook_url[0] ? " webhook" : "",
		    cf->alert_syslog[0] ? " syslog" : "", cf->alert_smtp_url[0] ? " mail" : "");
	return al;
fail:
	alert_stop(al);
	return NULL;
}

void
alert_stop(struct alerter *al)
{
	if (al == NULL)
		return;
	pthread_mutex_lock(&al->mu);
	atomic_store(&al->stop, true);
	pthread_cond_broadcast(&al->cv);
	pthread_mutex_unlock(&al->mu);
	if (al->running) {
		pthread_join(al->th, NULL);
		log_info("alerts: %" PRIu64 " sent, %" PRIu64 " retried, %" PRIu64 " failed",
		    al->sent, al->retried, al->failed);
	}
	storage_close(al->st);
	pthread_cond_destroy(&al->cv);
	pthread_mutex_destroy(&al->mu);
	free(al);
}
