/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console API: GET /api/v1/events, a server-sent events stream of lead
 * changes read from the change log (events.c), resumable by Last-Event-ID
 * (docs/api.md, Events). Each stream runs on its connection's own thread.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api-int.h"
#include "cfg.h"
#include "clock.h"
#include "events.h"
#include "out.h"

#define STREAM_PEND	8192	/* bytes formatted and not yet sent, at most */
#define EVENT_MAX	512	/* one event's bytes at most */
#define POLL_MS		500	/* the log is read this often without a wake-up */
#define KEEPALIVE_SECS	15
#define RECHECK_SECS	5	/* the session is checked again this often */
#define SETTLE_SECS	2	/* a gap in the numbers waits this long (docs/api.md) */
/* Who may open a stream, and keep it while their token holds. */
#define EVENT_ROLES	(ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_SUPERVISOR) | \
			    ROLE_BIT(ROLE_ANALYST))

struct stream {
	struct api	*a;
	struct http_stream hs;
	void		*conn;
	int64_t		 after;		/* the last seq sent */
	bool		 by_cookie;
	char		 secret[USER_SECRET_HEX];	/* session or bearer token */
	time_t		 keepalive, recheck;	/* monotonic seconds */
	bool		 held;		/* this fill stopped at a gap or a full buffer */
	size_t		 len, off;
	char		 pend[STREAM_PEND];
};

/* Monotonic seconds. */
static time_t
mono(void)
{
	return (time_t)(clock_mono() / USEC_PER_SEC);
}

static bool
stopping(struct api *a)
{
	bool s;

	pthread_mutex_lock(&a->mu);
	s = a->stopping;
	pthread_mutex_unlock(&a->mu);
	return s;
}

/* One change as an SSE event: only what every role of the route may see. */
static int
add_event(void *arg, const struct event *e)
{
	struct stream *s = arg;
	char buf[EVENT_MAX];
	FILE *o;
	long n;

	if (s->held)
		return 0;
	/* a smaller number may belong to a transaction not yet committed */
	if (e->seq != s->after + 1 && (int64_t)time(NULL) - e->at < SETTLE_SECS) {
		s->held = true;
		return 0;
	}
	if ((o = fmemopen(buf, sizeof(buf), "w")) == NULL)
		return -1;
	fprintf(o, "id: %" PRId64 "\nevent: lead\ndata: {\"id\":%" PRId64, e->seq,
	    e->lead_id);
	out_json_kv_opt(o, "kind", e->kind);
	out_json_kv_opt(o, "tier", e->tier);
	out_json_kv_opt(o, "status", e->status);
	if (e->tier[0] != '\0')
		fprintf(o, ",\"deadline\":%" PRId64, e->deadline);
	fputs("}\n\n", o);
	n = ftell(o);
	fclose(o);
	if (n <= 0 || (size_t)n >= sizeof(buf) || s->len + (size_t)n > sizeof(s->pend)) {
		s->held = true;
		return 0;
	}
	memcpy(s->pend + s->len, buf, (size_t)n);
	s->len += (size_t)n;
	s->after = e->seq;
	return 0;
}

/* Whether the caller's session or token still holds. */
static bool
still_allowed(struct stream *s, struct storage *st)
{
	const struct cfg *cf = s->a->cfg;
	struct user u;

	if (s->by_cookie)
		return users_session_is_live(st, s->secret, (int64_t)time(NULL),
		    (int64_t)cf->api_idle, (int64_t)cf->api_absolute);
	return users_token_get(st, s->secret, &u) == 0 && (ROLE_BIT(u.role) & EVENT_ROLES);
}

/* Reads the log into pend; -1: the stream ends. */
static int
fill(struct stream *s)
{
	struct storage *st = api_pool_get(s->a);
	int rc = 0;

	if (mono() >= s->recheck) {
		s->recheck = mono() + RECHECK_SECS;
		if (!still_allowed(s, st))
			rc = -1;
	}
	s->held = false;
	s->len = s->off = 0;
	if (rc == 0 && events_since(st, s->after, add_event, s) == -1)
		s->len = 0;	/* a storage error: try again at the next poll */
	api_pool_put(s->a, st);
	return rc;
}

/* http_stream_fn: blocks until there is an event, a keepalive or the end. */
static ssize_t
stream_read(void *arg, uint64_t pos, char *buf, size_t max)
{
	struct stream *s = arg;
	uint64_t gen;
	size_t n;

	(void)pos;
	while (s->off == s->len) {
		gen = events_gen();
		if (stopping(s->a) || http_conn_is_gone(s->conn) || fill(s) == -1)
			return HTTP_STREAM_END;
		if (s->off < s->len)
			break;
		if (mono() >= s->keepalive) {
			s->len = (size_t)snprintf(s->pend, sizeof(s->pend), ": keepalive\n\n");
			break;
		}
		events_wait(gen, POLL_MS);
	}
	s->keepalive = mono() + KEEPALIVE_SECS;
	n = s->len - s->off < max ? s->len - s->off : max;
	memcpy(buf, s->pend + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

static void
slot_free(struct api *a)
{
	pthread_mutex_lock(&a->mu);
	a->streams--;
	pthread_mutex_unlock(&a->mu);
}

static void
stream_done(void *arg)
{
	struct stream *s = arg;

	slot_free(s->a);
	explicit_bzero(s->secret, sizeof(s->secret));
	free(s);
}

/* Where to start: Last-Event-ID, ?after=, else after the newest change. */
static int
start_seq(struct call *c, int64_t *after)
{
	const char *id = http_header(c->req, "Last-Event-ID");
	char *end;

	if (id != NULL) {
		*after = strtoll(id, &end, 10);
		return id[0] < '0' || id[0] > '9' || *end != '\0' || *after < 0 ? -1 : 0;
	}
	if (api_query_num(c, "after", 0, INT64_MAX, -1, after) == -1)
		return -1;
	return *after >= 0 ? 0 : events_last(c->st, after);
}

static bool
stream_slot(struct api *a)
{
	bool ok;

	pthread_mutex_lock(&a->mu);
	if ((ok = !a->stopping && a->streams < (int)a->cfg->api_max_streams))
		a->streams++;
	pthread_mutex_unlock(&a->mu);
	return ok;
}

static void
h_events(struct call *c)
{
	const char *secret = c->by_cookie ? c->req->cookie : c->req->authz + 7;
	struct stream *s;
	int64_t after;

	if (start_seq(c, &after) == -1)
		return api_fail(c, 400, "Last-Event-ID or after: not a sequence number");
	if (strlen(secret) >= sizeof(s->secret))
		return api_fail(c, 400, "credential too long");
	if (!stream_slot(c->a)) {
		c->out->retry_after = 5;
		return api_fail(c, 503, "too many event streams (api_max_streams)");
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		slot_free(c->a);
		return api_fail(c, 500, "out of memory");
	}
	*s = (struct stream){ .a = c->a, .conn = c->req->conn, .after = after, .by_cookie = c->by_cookie,
	    .hs = { stream_read, s, stream_done }, .keepalive = mono(),
	    .recheck = mono() + RECHECK_SECS };
	snprintf(s->secret, sizeof(s->secret), "%s", secret);
	/* the first bytes: the client's reconnect delay, sent at once */
	s->len = (size_t)snprintf(s->pend, sizeof(s->pend), "retry: 2000\n\n");
	api_audit(c, api_who(c), "events", NULL, "ok");
	c->out->stream = &s->hs;
	c->out->ctype = "text/event-stream; charset=utf-8";
	c->out->status = 200;
}

const struct api_route api_routes_events[] = {
	{ "GET", "/api/v1/events", EVENT_ROLES, h_events },
	{ 0 }
};
