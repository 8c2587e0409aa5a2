/* SPDX-License-Identifier: BSD-2-Clause */
/* The console API: route table, authentication, roles, handlers (docs/api.md). */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api.h"
#include "apibody.h"
#include "audit.h"
#include "cfg.h"
#include "http.h"
#include "leads.h"
#include "listen.h"
#include "log.h"
#include "out.h"
#include "storage.h"
#include "throttle.h"
#include "users.h"

#define API_POOL_MAX	16
#define AUDIT_PAGE	100
#define AUDIT_PAGE_MAX	500
#define ROLES_ALL	(ROLE_BIT(ROLE_N) - 1)

struct api {
	const struct cfg *cfg;
	struct users_cost cost;
	struct throttle	*thr;
	struct http	*http;
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	int		 n;
	struct storage	*pool[API_POOL_MAX];
	bool		 busy[API_POOL_MAX];
};

/* One request on its way through a handler. */
struct call {
	struct api		*a;
	const struct http_req	*req;
	struct http_resp	*out;
	struct storage		*st;
	struct user		 u;
	bool			 by_cookie;
	char			 csrf[USER_SECRET_HEX];
	int64_t			 now;
};

struct route {
	const char	*method, *path;
	unsigned	 roles;		/* 0: no login needed */
	void		(*fn)(struct call *);
};

static void h_login(struct call *);
static void h_logout(struct call *);
static void h_me(struct call *);
static void h_users(struct call *);
static void h_audit(struct call *);
static void h_leads(struct call *);
static void h_appliances(struct call *);

static const struct route routes[] = {
	{ "POST", "/api/v1/login", 0, h_login },
	{ "POST", "/api/v1/logout", ROLES_ALL, h_logout },
	{ "GET", "/api/v1/me", ROLES_ALL, h_me },
	{ "GET", "/api/v1/users", ROLE_BIT(ROLE_ADMIN), h_users },
	{ "GET", "/api/v1/audit", ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN), h_audit },
	{ "GET", "/api/v1/leads", ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ANALYST), h_leads },
	{ "GET", "/api/v1/appliances", ROLE_BIT(ROLE_ENGINEER) |
	    ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN), h_appliances },
};

/* The response body as a stream; json_end closes it with the status. */
static FILE *
json_begin(struct call *c)
{
	free(c->out->body);
	c->out->body = NULL;
	c->out->len = 0;
	return open_memstream(&c->out->body, &c->out->len);
}

static void
json_end(struct call *c, FILE *f, int status)
{
	c->out->status = f != NULL && fclose(f) == 0 ? status : 500;
}

static void
fail(struct call *c, int status, const char *msg)
{
	FILE *f = json_begin(c);

	if (f != NULL) {
		fputs("{\"error\":", f);
		out_json_str(f, msg);
		fputs("}\n", f);
	}
	json_end(c, f, status);
}

static void
audit(struct call *c, const char *who, const char *action, const char *target,
    const char *result)
{
	if (audit_add(c->st, who, c->req->addr, action, target, result) == -1)
		log_warnx("api: audit: %s", c->st->err);
}

static const char *
who(const struct call *c)
{
	return c->u.name[0] != '\0' ? c->u.name : "-";
}

static void
h_login(struct call *c)
{
	char name[USER_NAME_MAX + 1], pass[USER_PASS_MAX + 1], ku[48], ka[64], err[128];
	char tok[USER_SECRET_HEX];
	struct apibody_field f[] = {
		{ "user", name, sizeof(name), true, false },
		{ "password", pass, sizeof(pass), true, false },
	};
	int64_t wait;
	bool ok;
	FILE *o;

	if (apibody_parse(c->req->body, c->req->body_len, f, 2, err, sizeof(err)) == -1) {
		explicit_bzero(pass, sizeof(pass));
		return fail(c, 400, err);
	}
	snprintf(ku, sizeof(ku), "u:%s", name);
	snprintf(ka, sizeof(ka), "a:%s", c->req->addr);
	if ((wait = throttle_wait(c->a->thr, ku, c->now)) > 0 ||
	    (wait = throttle_wait(c->a->thr, ka, c->now)) > 0) {
		explicit_bzero(pass, sizeof(pass));
		audit(c, name, "login", NULL, "throttled");
		c->out->retry_after = wait;
		return fail(c, 429, "too many failed logins; try later");
	}
	ok = users_verify(c->st, name, pass, &c->a->cost, &c->u) == 0;
	explicit_bzero(pass, sizeof(pass));
	if (!ok) {
		throttle_fail(c->a->thr, ku, c->now);
		throttle_fail(c->a->thr, ka, c->now);
		audit(c, name, "login", NULL, "failed");
		memset(&c->u, 0, sizeof(c->u));
		return fail(c, 401, "wrong user or password");
	}
	throttle_clear(c->a->thr, ku);
	if (users_session_new(c->st, &c->u, c->req->addr, tok, c->csrf) == -1)
		return fail(c, 500, "cannot store the session");
	snprintf(c->out->cookie, sizeof(c->out->cookie), "gw_session=%s; HttpOnly;"
	    " Secure; SameSite=Strict; Path=/; Max-Age=%" PRIu64, tok,
	    c->a->cfg->api_absolute);
	audit(c, c->u.name, "login", NULL, "ok");
	if ((o = json_begin(c)) != NULL) {
		fputs("{\"user\":", o);
		out_json_str(o, c->u.name);
		fprintf(o, ",\"role\":\"%s\",\"csrf\":\"%s\"}\n", role_name(c->u.role), c->csrf);
	}
	json_end(c, o, 200);
}

static void
h_logout(struct call *c)
{
	FILE *o;

	if (c->by_cookie && users_session_end(c->st, c->req->cookie) == -1)
		return fail(c, 500, "cannot end the session");
	snprintf(c->out->cookie, sizeof(c->out->cookie), "gw_session=; HttpOnly;"
	    " Secure; SameSite=Strict; Path=/; Max-Age=0");
	audit(c, who(c), "logout", NULL, "ok");
	if ((o = json_begin(c)) != NULL)
		fputs("{\"ok\":true}\n", o);
	json_end(c, o, 200);
}

static void
h_me(struct call *c)
{
	FILE *o = json_begin(c);

	if (o != NULL) {
		fputs("{\"user\":", o);
		out_json_str(o, c->u.name);
		fprintf(o, ",\"role\":\"%s\",\"carrier\":", role_name(c->u.role));
		if (c->u.carrier[0] != '\0')
			out_json_str(o, c->u.carrier);
		else
			fputs("null", o);
		fputs("}\n", o);
	}
	json_end(c, o, 200);
}

/* Row writers put a comma before every row but the first. */
struct rows {
	FILE		*o;
	int		 n;
	int64_t		 last;
};

static void
json_kv(FILE *o, const char *key, const char *s)
{
	fprintf(o, ",\"%s\":", key);
	if (s != NULL)
		out_json_str(o, s);
	else
		fputs("null", o);
}

static int
user_row(void *arg, const struct db_row *r)
{
	struct rows *w = arg;

	fprintf(w->o, "%s{\"id\":%" PRId64, w->n++ ? "," : "", row_int(r, 0));
	json_kv(w->o, "name", r->v[1]);
	json_kv(w->o, "role", r->v[2]);
	json_kv(w->o, "carrier", r->v[3]);
	fprintf(w->o, ",\"disabled\":%s,\"created\":%" PRId64 "}",
	    row_int(r, 4) ? "true" : "false", row_int(r, 5));
	return 0;
}

static void
h_users(struct call *c)
{
	struct rows w = { json_begin(c), 0, 0 };

	if (w.o == NULL)
		return fail(c, 500, "out of memory");
	fputs("{\"users\":[", w.o);
	if (users_list(c->st, user_row, &w) == -1) {
		fclose(w.o);
		return fail(c, 500, "storage error");
	}
	fputs("]}\n", w.o);
	audit(c, who(c), "list", "users", "ok");
	json_end(c, w.o, 200);
}

/* A whole number query argument in lo..hi, dflt when absent; -1 when bad. */
static int
query_num(struct call *c, const char *name, int64_t lo, int64_t hi, int64_t dflt,
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

static int
audit_row(void *arg, const struct db_row *r)
{
	struct rows *w = arg;

	w->last = row_int(r, 0);
	fprintf(w->o, "%s{\"id\":%" PRId64 ",\"at\":%" PRId64, w->n++ ? "," : "",
	    row_int(r, 0), row_int(r, 1));
	json_kv(w->o, "who", r->v[2]);
	json_kv(w->o, "addr", r->v[3]);
	json_kv(w->o, "action", r->v[4]);
	json_kv(w->o, "target", r->v[5]);
	json_kv(w->o, "result", r->v[6]);
	fputc('}', w->o);
	return 0;
}

static void
h_audit(struct call *c)
{
	int64_t limit, before;
	struct rows w = { 0 };

	if (query_num(c, "limit", 1, AUDIT_PAGE_MAX, AUDIT_PAGE, &limit) == -1 ||
	    query_num(c, "before", 0, INT64_MAX, 0, &before) == -1)
		return fail(c, 400, "limit: 1..500, before: an audit id");
	audit(c, who(c), "list", "audit", "ok");
	if ((w.o = json_begin(c)) == NULL)
		return fail(c, 500, "out of memory");
	fputs("{\"audit\":[", w.o);
	if (audit_list(c->st, before, (int)limit, audit_row, &w) == -1) {
		fclose(w.o);
		return fail(c, 500, "storage error");
	}
	if (w.n == limit)
		fprintf(w.o, "],\"next\":%" PRId64 "}\n", w.last);
	else
		fputs("],\"next\":null}\n", w.o);
	json_end(c, w.o, 200);
}

/* leads_json's lines (one object each) as the elements of an array. */
static void
h_leads(struct call *c)
{
	struct leads_filter lf = { .tier = http_query(c->req, "tier"), .now = c->now };
	FILE *o;
	int rc;

	if ((o = json_begin(c)) == NULL)
		return fail(c, 500, "out of memory");
	fputs("{\"leads\":", o);
	rc = leads_json_array(c->st, &lf, o);
	fputs("}\n", o);
	if (rc == -1) {
		fclose(o);
		return fail(c, 500, "storage error");
	}
	audit(c, who(c), "list", "leads", "ok");
	json_end(c, o, 200);
}

static int
appliance_row(void *arg, const struct db_row *r)
{
	struct rows *w = arg;

	fprintf(w->o, "%s{\"id\":", w->n++ ? "," : "");
	out_json_str(w->o, row_str(r, 0));
	json_kv(w->o, "group", r->v[1]);
	json_kv(w->o, "firmware", r->v[2]);
	fprintf(w->o, ",\"last_seen\":%" PRId64 "}", row_int(r, 3));
	return 0;
}

static void
h_appliances(struct call *c)
{
	struct rows w = { json_begin(c), 0, 0 };

	if (w.o == NULL)
		return fail(c, 500, "out of memory");
	fputs("{\"appliances\":[", w.o);
	if (db_query(c->st, "SELECT id, grp, firmware, last_seen FROM appliances"
	    " ORDER BY id", NULL, 0, appliance_row, &w) == -1) {
		fclose(w.o);
		return fail(c, 500, "storage error");
	}
	fputs("]}\n", w.o);
	audit(c, who(c), "list", "appliances", "ok");
	json_end(c, w.o, 200);
}

static bool
changes_state(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
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

static void
route(struct call *c)
{
	const struct route *r = NULL;
	bool path_known = false;

	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
		if (strcmp(routes[i].path, c->req->path) == 0) {
			path_known = true;
			if (strcmp(routes[i].method, c->req->method) == 0)
				r = &routes[i];
		}
	if (!path_known)
		return fail(c, 404, "no such route");
	if (r == NULL)
		return fail(c, 405, "method not allowed");
	if (r->roles != 0) {
		if (authenticate(c) == -1) {
			memset(&c->u, 0, sizeof(c->u));
			return fail(c, 401, "not logged in");
		}
		if (c->by_cookie && changes_state(c->req->method) &&
		    (c->req->csrf == NULL || !secret_eq(c->req->csrf, c->csrf))) {
			audit(c, who(c), c->req->path, NULL, "csrf refused");
			return fail(c, 403, "missing or wrong X-CSRF-Token");
		}
		if ((r->roles & ROLE_BIT(c->u.role)) == 0) {
			audit(c, who(c), c->req->path, NULL, "denied");
			return fail(c, 403, "not allowed for this role");
		}
	}
	r->fn(c);
}

static struct storage *
pool_get(struct api *a)
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

static void
pool_put(struct api *a, struct storage *st)
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
		return fail(&c, 413, "body too large (64 KiB at most)");
	c.st = pool_get(c.a);
	route(&c);
	pool_put(c.a, c.st);
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
	pthread_mutex_init(&a->mu, NULL);
	pthread_cond_init(&a->cv, NULL);
	a->thr = throttle_new((unsigned)cf->api_login_failures, (int64_t)cf->api_login_window);
	for (a->n = 0; a->n < (int)cf->api_threads && a->n < API_POOL_MAX; a->n++)
		if ((a->pool[a->n] = storage_open(cf->db, why, sizeof(why))) == NULL) {
			snprintf(err, errlen, "api storage: %s", why);
			goto fail;
		}
	if (a->thr == NULL || (fd = listen_tcp(cf->api_listen, cf->api_port_file, 128,
	    why, sizeof(why))) == -1) {
		snprintf(err, errlen, "api_listen: %s", a->thr ? why : "out of memory");
		goto fail;
	}
	if ((a->http = http_start(fd, cert, key, (unsigned)cf->api_threads, handle, a,
	    why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "api: %s", why);
		goto fail;
	}
	log_info("api: https on %s, %d threads", cf->api_listen, a->n);
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
	http_stop(a->http);
	for (int i = 0; i < a->n; i++)
		storage_close(a->pool[i]);
	throttle_free(a->thr);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a);
}
