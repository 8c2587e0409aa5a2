/* SPDX-License-Identifier: BSD-2-Clause */
/* The console API: login, logout and who is logged in (docs/api.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api-int.h"
#include "apibody.h"
#include "cfg.h"
#include "out.h"
#include "throttle.h"

void
api_session_open(struct call *c, const char *result)
{
	char tok[USER_SECRET_HEX];
	FILE *o;

	if (users_session_new(c->st, &c->u, c->req->addr, tok, c->csrf) == -1)
		return api_fail(c, 500, "cannot store the session");
	snprintf(c->out->cookie, sizeof(c->out->cookie), "gw_session=%s; HttpOnly;"
	    " Secure; SameSite=Strict; Path=/; Max-Age=%" PRIu64, tok,
	    c->a->cfg->api_absolute);
	explicit_bzero(tok, sizeof(tok));
	api_audit(c, c->u.name, "login", NULL, result);
	if ((o = api_json_begin(c)) != NULL) {
		fputs("{\"user\":", o);
		out_json_str(o, c->u.name);
		fprintf(o, ",\"role\":\"%s\",\"csrf\":\"%s\"}\n", role_name(c->u.role), c->csrf);
	}
	api_json_end(c, o, 200);
}

static void
h_login(struct call *c)
{
	char name[USER_NAME_MAX + 1], pass[USER_PASS_MAX + 1], ku[48], ka[64], err[128];
	struct apibody_field f[] = {
		{ "user", name, sizeof(name), true, false },
		{ "password", pass, sizeof(pass), true, false },
	};
	int64_t wait;
	bool ok;

	if (apibody_parse(c->req->body, c->req->body_len, f, 2, err, sizeof(err)) == -1) {
		explicit_bzero(pass, sizeof(pass));
		return api_fail(c, 400, err);
	}
	snprintf(ku, sizeof(ku), "u:%s", name);
	snprintf(ka, sizeof(ka), "a:%s", c->req->addr);
	if ((wait = throttle_wait(c->a->thr, ku, c->now)) > 0 ||
	    (wait = throttle_wait(c->a->thr, ka, c->now)) > 0) {
		explicit_bzero(pass, sizeof(pass));
		api_audit(c, name, "login", NULL, "throttled");
		c->out->retry_after = wait;
		return api_fail(c, 429, "too many failed logins; try later");
	}
	ok = users_verify(c->st, name, pass, &c->a->cost, &c->u) == 0;
	explicit_bzero(pass, sizeof(pass));
	if (!ok) {
		throttle_fail(c->a->thr, ku, c->now);
		throttle_fail(c->a->thr, ka, c->now);
		api_audit(c, name, "login", NULL, "failed");
		memset(&c->u, 0, sizeof(c->u));
		return api_fail(c, 401, "wrong user or password");
	}
	throttle_clear(c->a->thr, ku);
	api_session_open(c, "ok");
}

static void
h_logout(struct call *c)
{
	FILE *o;

	if (c->by_cookie && users_session_end(c->st, c->req->cookie) == -1)
		return api_fail(c, 500, "cannot end the session");
	snprintf(c->out->cookie, sizeof(c->out->cookie), "gw_session=; HttpOnly;"
	    " Secure; SameSite=Strict; Path=/; Max-Age=0");
	api_audit(c, api_who(c), "logout", NULL, "ok");
	if ((o = api_json_begin(c)) != NULL)
		fputs("{\"ok\":true}\n", o);
	api_json_end(c, o, 200);
}

static void
h_me(struct call *c)
{
	FILE *o = api_json_begin(c);

	if (o != NULL) {
		fputs("{\"user\":", o);
		out_json_str(o, c->u.name);
		fprintf(o, ",\"role\":\"%s\",\"carrier\":", role_name(c->u.role));
		if (c->u.carrier[0] != '\0')
			out_json_str(o, c->u.carrier);
		else
			fputs("null", o);
		/* a page reloaded under its cookie needs the CSRF token again */
		if (c->by_cookie) {
			fputs(",\"csrf\":", o);
			out_json_str(o, c->csrf);
		}
		fputs(",\"tz\":", o);
		out_json_str(o, c->a->cfg->console_tz);
		fputs("}\n", o);
	}
	api_json_end(c, o, 200);
}

const struct api_route api_routes_session[] = {
	{ "POST", "/api/v1/login", 0, h_login },
	{ "POST", "/api/v1/logout", ROLES_ALL, h_logout },
	{ "GET", "/api/v1/me", ROLES_ALL, h_me },
	{ 0 }
};
