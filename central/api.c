/* SPDX-License-Identifier: BSD-2-Clause */
/* The console API: routing, authentication, CSRF, roles, the storage pool (docs/api.md). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "api-int.h"
#include "authcache.h"
#include "auditq.h"
#include "cfg.h"
#include "events.h"
#include "http.h"
#include "listen.h"
#include "log.h"
#include "out.h"
#include "storage.h"
#include "throttle.h"
#include "users.h"
#include "web.h"

FILE *
api_json_begin(struct call *c)
{
	free(c->out->body);
	c->out->body = NULL;
	c->out->len = 0;
	return open_memstream(&c->out->body, &c->out->len);
}

void
api_json_end(struct call *c, FILE *f, int status)
{
	c->out->status = f != NULL && fclose(f) == 0 ? status : 500;
}

void
api_fail(struct call *c, int status, const char *msg)
{
	FILE *f = api_json_begin(c);

	if (f != NULL) {
		fputs("{\"error\":", f);
		out_json_str(f, msg);
		fputs("}\n", f);
	}
	api_json_end(c, f, status);
}

void
api_audit(struct call *c, const char *who, const char *action, const char *target,
    const char *result)
{
	auditq_add(c->a->aq, who, c->req->addr, action, target, result);
}

const char *
api_who(const struct call *c)
{
	return c->u.name[0] != '\0' ? c->u.name : "-";
}

int
api_query_num(struct call *c, const char *name, int64_t lo, int64_t hi, int64_t dflt,
    int64_t *v)
{
	const char *s = http_query(c->req, name);
	char *end;

	*v = dflt;
	if (s == NULL)
		return 0;
	errno = 0;
	*v = strtoll(s, &end, 10);
	return *s == '\0' || *end != '\0' || errno != 0 || *v < lo || *v > hi ? -1 : 0;
}

void
api_rows_close(struct api_rows *w, int64_t limit)
{
	if (w->n == limit)
		fprintf(w->o, "],\"next\":%" PRId64 "}\n", w->last);
	else
		fputs("],\"next\":null}\n", w->o);
}

int
api_param_id(const struct call *c, int i, int64_t *id)
{
	char *end;

	if (i >= c->nparam || c->param[i][0] < '1' || c->param[i][0] > '9')
		return -1;
	errno = 0;
	*id = strtoll(c->param[i], &end, 10);
	return *end != '\0' || errno != 0 ? -1 : 0;
}

static bool
changes_state(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* A body in any other type could come from a cross-site HTML form (login CSRF). */
static bool
ctype_is_json(const char *ct)
{
	return ct != NULL && strncasecmp(ct, "application/json", 16) == 0 &&
	    (ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ');
}

/* Equal strings, in time that depends only on their lengths. */
static bool
secret_eq(const char *a, const char *b)
{
	size_t n = strlen(a);
	unsigned char d = 0;

	if (n != strlen(b))
		return false;
	for (size_t i = 0; i < n; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/* Who is calling: a bearer token or a session cookie; -1: nobody. */
static int
authenticate(struct call *c)
{
	const char *az = c->req->authz;
	const struct cfg *cf = c->a->cfg;

	if (az != NULL && strncasecmp(az, "Bearer ", 7) == 0)
		return users_token_get(c->st, az + 7, &c->u);
	if (c->req->cookie == NULL)
		return -1;
	c->by_cookie = true;
	return users_session_get(c->st, c->req->cookie, c->now, (int64_t)cf->api_idle,
	    (int64_t)cf->api_absolute, &c->u, c->csrf);
}

static const struct api_route *const tables[] = {
	api_routes_session, api_routes_admin, api_routes_leads, api_routes_events,
	api_routes_sims, api_routes_lead, api_routes_fleet, api_routes_users,
	api_routes_evidence,
};

/* path matches pattern segment by segment; each {} segment goes to c->param. */
static bool
path_match(struct call *c, const char *pat, const char *path)
{
	c->nparam = 0;
	while (*pat != '\0' && *path != '\0') {
		if (strncmp(pat, "{}", 2) == 0) {
			size_t n = strcspn(path, "/");

			if (n == 0 || n > API_PARAM_MAX || c->nparam == API_PARAMS)
				return false;
			memcpy(c->param[c->nparam], path, n);
			c->param[c->nparam++][n] = '\0';
			pat += 2;
			path += n;
		} else if (*pat++ != *path++)
			return false;
	}
	return *pat == '\0' && *path == '\0';
}

static void
route(struct call *c)
{
	const struct api_route *r = NULL;
	bool path_known = false;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]) && r == NULL; t++)
		for (const struct api_route *e = tables[t]; e->path != NULL && r == NULL; e++)
			if (path_match(c, e->path, c->req->path)) {
				path_known = true;
				if (strcmp(e->method, c->req->method) == 0)
					r = e;
			}
	if (!path_known)
		return api_fail(c, 404, "no such route");
	if (r == NULL)
		return api_fail(c, 405, "method not allowed");
	path_match(c, r->path, c->req->path);
	/* a login route (no session, so no CSRF token) needs the type even
	 * without a body: a cross-site form cannot send it (login CSRF) */
	if (changes_state(c->req->method) && (c->req->body_len > 0 || r->roles == 0) &&
	    !ctype_is_json(c->req->ctype))
		return api_fail(c, 415, "a body must be Content-Type: application/json");
	if (r->roles != 0) {
		if (authenticate(c) == -1) {
			memset(&c->u, 0, sizeof(c->u));
			return api_fail(c, 401, "not logged in");
		}
		if (c->by_cookie && changes_state(c->req->method) &&
		    (c->req->csrf == NULL || !secret_eq(c->req->csrf, c->csrf))) {
			api_audit(c, api_who(c), c->req->path, NULL, "csrf refused");
			return api_fail(c, 403, "missing or wrong X-CSRF-Token");
		}
		if ((r->roles & ROLE_BIT(c->u.role)) == 0) {
			api_audit(c, api_who(c), c->req->path, NULL, "denied");
			return api_fail(c, 403, "not allowed for this role");
		}
	}
	r->fn(c);
}

struct storage *
api_pool_get(struct api *a)
{
	struct storage *st = NULL;

	pthread_mutex_lock(&a->mu);
	while (st == NULL) {
		for (int i = 0; i < a->n && st == NULL; i++)
			if (!a->busy[i]) {
				a->busy[i] = true;
				st = a->pool[i];
			}
		if (st == NULL)
			pthread_cond_wait(&a->cv, &a->mu);
	}
	pthread_mutex_unlock(&a->mu);
	return st;
}

void
api_pool_put(struct api *a, struct storage *st)
{
	pthread_mutex_lock(&a->mu);
	for (int i = 0; i < a->n; i++)
		if (a->pool[i] == st)
			a->busy[i] = false;
	pthread_cond_signal(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

static void
handle(void *arg, const struct http_req *req, struct http_resp *out)
{
	struct call c = { .a = arg, .req = req, .out = out, .now = time(NULL) };

	if (req->body_too_big)
		return api_fail(&c, 413, "body too large (64 KiB at most)");
	if (web_is_file(req->path))
		return web_serve(c.a->cfg, req, out);
	c.st = api_pool_get(c.a);
	route(&c);
	api_pool_put(c.a, c.st);
}

bool
api_is_enabled(const struct cfg *cf)
{
	return strcmp(cf->api_listen, "off") != 0;
}

struct api *
api_start(const struct cfg *cf, char *err, size_t errlen)
{
	struct api *a = calloc(1, sizeof(*a));
	const char *cert = cf->api_cert[0] ? cf->api_cert : cf->tls_cert;
	const char *key = cf->api_key[0] ? cf->api_key : cf->tls_key;
	char why[400];
	int fd;

	if (a == NULL)
		return snprintf(err, errlen, "out of memory"), NULL;
	a->cfg = cf;
	a->cost = (struct users_cost){ (uint32_t)cf->api_argon2_t, (uint32_t)cf->api_argon2_kib };
	authcache_set_ttl((int64_t)cf->api_auth_cache_ms);
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->thr = throttle_new((unsigned)cf->api_login_failures, (int64_t)cf->api_login_window);
	for (a->n = 0; a->n < (int)cf->api_threads && a->n < API_POOL_MAX; a->n++)
		if ((a->pool[a->n] = storage_open(cf->db, why, sizeof(why))) == NULL) {
			snprintf(err, errlen, "api storage: %s", why);
			goto fail;
		}
	if ((a->aq = auditq_start(cf->db, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "api audit storage: %s", why);
		goto fail;
	}
	if (a->thr == NULL || (fd = listen_tcp(cf->api_listen, cf->api_port_file, 128,
	    why, sizeof(why))) == -1) {
		snprintf(err, errlen, "api_listen: %s", a->thr ? why : "out of memory");
		goto fail;
	}
	if ((a->http = http_start(fd, cert, key, cf->api_client_ca,
	    API_CONNS + (unsigned)cf->api_max_streams, handle, a, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "api: %s", why);
		goto fail;
	}
	log_info("api: https on %s, %d storage connections%s", cf->api_listen, a->n,
	    cf->api_client_ca[0] ? ", client certificates requested" : "");
	return a;
fail:
	api_stop(a);
	return NULL;
}

void
api_stop(struct api *a)
{
	if (a == NULL)
		return;
	pthread_mutex_lock(&a->mu);
	a->stopping = true;
	pthread_mutex_unlock(&a->mu);
	events_notify();	/* open streams end now */
	http_stop(a->http);
	auditq_stop(a->aq);
	for (int i = 0; i < a->n; i++)
		storage_close(a->pool[i]);
	throttle_free(a->thr);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a);
}
