/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console API: users, their passwords, tokens and certificate login
 * (docs/api.md). Every change is audited; secrets leave once, in the
 * response, and are never logged or audited.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api-int.h"
#include "apibody.h"
#include "out.h"
#include "throttle.h"

#define REASON_MAX	200
#define GEN_BYTES	12	/* a generated password: 24 hex digits */

static int
user_row(void *arg, const struct db_row *r)
{
	struct api_rows *w = arg;

	fprintf(w->o, "%s{\"id\":%" PRId64, w->n++ ? "," : "", row_int(r, 0));
	out_json_kv(w->o, "name", r->v[1]);
	out_json_kv(w->o, "role", r->v[2]);
	out_json_kv(w->o, "carrier", r->v[3]);
	fprintf(w->o, ",\"disabled\":%s,\"created\":%" PRId64,
	    row_int(r, 4) ? "true" : "false", row_int(r, 5));
	out_json_kv(w->o, "cert_cn", r->n > 6 ? r->v[6] : NULL);
	fputc('}', w->o);
	return 0;
}

static void
h_users(struct call *c)
{
	struct api_rows w = { api_json_begin(c), 0, 0 };

	if (w.o == NULL)
		return api_fail(c, 500, "out of memory");
	fputs("{\"users\":[", w.o);
	if (users_list(c->st, user_row, &w) == -1) {
		fclose(w.o);
		return api_fail(c, 500, "storage error");
	}
	fputs("]}\n", w.o);
	api_audit(c, api_who(c), "list", "users", "ok");
	api_json_end(c, w.o, 200);
}

/* {"name":name} and, when there is one, "password": a generated secret shown once. */
static void
name_reply(struct call *c, int status, const char *name, const char *password)
{
	FILE *o = api_json_begin(c);

	if (o != NULL) {
		fputs("{\"name\":", o);
		out_json_str(o, name);
		if (password != NULL)
			fprintf(o, ",\"password\":\"%s\"", password);	/* hex */
		fputs("}\n", o);
	}
	api_json_end(c, o, status);
}

/* A password of the body, or a generated one (*generated); -1 after api_fail. */
static int
new_password(struct call *c, const struct apibody_field *f, char *pw, bool *generated)
{
	*generated = !f->seen;
	if (*generated && users_random_hex(pw, GEN_BYTES) == -1)
		return api_fail(c, 500, "no entropy"), -1;
	if (strlen(pw) < USER_PASS_MIN)
		return api_fail(c, 400, "password: at least 10 bytes"), -1;
	return 0;
}

static int
check_new_user(struct call *c, const char *name, int role, const struct apibody_field *carrier,
    const struct apibody_field *cn)
{
	int e;

	if (!users_name_is_valid(name))
		return api_fail(c, 400, "name: 1..32 of a-z 0-9 . _ -"), -1;
	if (role == -1)
		return api_fail(c, 400, "role: admin|supervisor|analyst|carrier|engineer"), -1;
	if ((role == ROLE_CARRIER) != carrier->seen ||
	    (carrier->seen && !users_carrier_is_valid(carrier->buf)))
		return api_fail(c, 400, "a carrier user needs \"carrier\": MCCMNC (5 or 6"
		    " digits), other roles none"), -1;
	if (cn->seen && !users_cn_is_valid(cn->buf))
		return api_fail(c, 400, "cert_cn: 1..64 bytes without control characters"), -1;
	if ((e = users_exists(c->st, name)) != 0)
		return api_fail(c, e == 1 ? 409 : 500, e == 1 ? "user exists" :
		    "storage error"), -1;
	if (cn->seen && (e = users_cert_mapped(c->st, cn->buf)) != 0)
		return api_fail(c, e == 1 ? 409 : 500, e == 1 ? "cert_cn is another"
		    " user's" : "storage error"), -1;
	return 0;
}

/* POST /users {"name","role","carrier"?,"password"?,"cert_cn"?} */
static void
h_user_add(struct call *c)
{
	char name[USER_NAME_MAX + 1], role[16], carrier[8], pw[USER_PASS_MAX + 1] = "";
	char cn[USER_CN_MAX + 1], err[128];
	struct apibody_field f[] = {
		{ "name", name, sizeof(name), true, false },
		{ "role", role, sizeof(role), true, false },
		{ "carrier", carrier, sizeof(carrier), false, false },
		{ "password", pw, sizeof(pw), false, false },
		{ "cert_cn", cn, sizeof(cn), false, false },
	};
	bool gen;
	int rc;

	rc = apibody_parse(c->req->body, c->req->body_len, f, 5, err, sizeof(err));
	if (rc == -1)
		api_fail(c, 400, err);
	else if (check_new_user(c, name, role_parse(role), &f[2], &f[4]) == -1 ||
	    new_password(c, &f[3], pw, &gen) == -1)
		rc = -1;
	if (rc == 0) {
		rc = users_add(c->st, name, (enum role)role_parse(role),
		    f[2].seen ? carrier : NULL, f[4].seen ? cn : NULL, pw, &c->a->cost);
		api_audit(c, api_who(c), "user add", name, rc == 0 ? "ok" : "failed");
		if (rc == -1)
			api_fail(c, 500, "storage error");
		else
			name_reply(c, 201, name, gen ? pw : NULL);
	}
	explicit_bzero(pw, sizeof(pw));
}

/* POST /users/{name}/password {"password"} or {"generate":"yes"} */
static void
h_user_passwd(struct call *c)
{
	char pw[USER_PASS_MAX + 1] = "", gen_s[8], err[128];
	struct apibody_field f[] = {
		{ "password", pw, sizeof(pw), false, false },
		{ "generate", gen_s, sizeof(gen_s), false, false },
	};
	bool gen;
	int rc;

	rc = apibody_parse(c->req->body, c->req->body_len, f, 2, err, sizeof(err));
	if (rc == -1)
		api_fail(c, 400, err);
	else if (f[0].seen == f[1].seen || (f[1].seen && strcmp(gen_s, "yes") != 0))
		rc = -1, api_fail(c, 400, "want \"password\" or \"generate\": \"yes\"");
	else if (new_password(c, &f[0], pw, &gen) == -1)
		rc = -1;
	if (rc == 0) {
		rc = users_passwd(c->st, c->param[0], pw, &c->a->cost);
		api_audit(c, api_who(c), "user passwd", c->param[0], rc == 0 ? "ok" : "failed");
		if (rc == -1)
			api_fail(c, 404, "no such user");
		else
			name_reply(c, 200, c->param[0], gen ? pw : NULL);
	}
	explicit_bzero(pw, sizeof(pw));
}

/* "NAME (reason)" for the audit trail's target. */
static const char *
with_reason(char *buf, size_t len, const char *what, const char *reason)
{
	snprintf(buf, len, "%s (%s)", what, reason);
	return buf;
}

/* POST /users/{name}/disable {"reason"}: ends the user's sessions too. */
static void
h_user_disable(struct call *c)
{
	char reason[REASON_MAX + 1], err[128], target[API_PARAM_MAX + REASON_MAX + 4];
	struct apibody_field f[] = { { "reason", reason, sizeof(reason), true, false } };
	int rc;

	if (apibody_parse(c->req->body, c->req->body_len, f, 1, err, sizeof(err)) == -1)
		return api_fail(c, 400, err);
	if (strcmp(c->param[0], c->u.name) == 0)
		return api_fail(c, 409, "an admin cannot disable their own account");
	rc = users_disable(c->st, c->param[0]);
	api_audit(c, api_who(c), "user disable", with_reason(target, sizeof(target),
	    c->param[0], reason), rc == 0 ? "ok" : "failed");
	if (rc == -1)
		return api_fail(c, 404, "no such user");
	name_reply(c, 200, c->param[0], NULL);
}

/* POST /users/{name}/tokens {"role"}: the token once. */
static void
h_token_add(struct call *c)
{
	char role[16], err[128], tok[USER_SECRET_HEX];
	struct apibody_field f[] = { { "role", role, sizeof(role), true, false } };
	int64_t id;
	int rc;
	FILE *o;

	if (apibody_parse(c->req->body, c->req->body_len, f, 1, err, sizeof(err)) == -1)
		return api_fail(c, 400, err);
	if (role_parse(role) == -1)
		return api_fail(c, 400, "role: admin|supervisor|analyst|carrier|engineer");
	rc = users_token_new(c->st, c->param[0], (enum role)role_parse(role), &id, tok);
	api_audit(c, api_who(c), "token add", c->param[0], rc == 0 ? "ok" : "failed");
	if (rc == -1)
		return api_fail(c, 404, "no such user");
	if ((o = api_json_begin(c)) != NULL) {
		fprintf(o, "{\"id\":%" PRId64 ",\"name\":", id);
		out_json_str(o, c->param[0]);
		fprintf(o, ",\"role\":\"%s\",\"token\":\"%s\"}\n", role_name(role_parse(role)),
		    tok);
	}
	explicit_bzero(tok, sizeof(tok));
	api_json_end(c, o, 201);
}

/* DELETE /tokens/{id} {"reason"} */
static void
h_token_revoke(struct call *c)
{
	char reason[REASON_MAX + 1], err[128], target[API_PARAM_MAX + REASON_MAX + 4];
	struct apibody_field f[] = { { "reason", reason, sizeof(reason), true, false } };
	int64_t id;
	int rc;
	FILE *o;

	if (api_param_id(c, 0, &id) == -1)
		return api_fail(c, 400, "a token id is a number >= 1");
	if (apibody_parse(c->req->body, c->req->body_len, f, 1, err, sizeof(err)) == -1)
		return api_fail(c, 400, err);
	rc = users_token_revoke(c->st, id);
	api_audit(c, api_who(c), "token revoke", with_reason(target, sizeof(target),
	    c->param[0], reason), rc == 0 ? "ok" : "failed");
	if (rc == -1)
		return api_fail(c, 404, "no live token with this id");
	if ((o = api_json_begin(c)) != NULL)
		fprintf(o, "{\"id\":%" PRId64 ",\"revoked\":true}\n", id);
	api_json_end(c, o, 200);
}

/* POST /me/password {"old","new"}: throttled like login. */
static void
h_me_passwd(struct call *c)
{
	char old[USER_PASS_MAX + 1] = "", pw[USER_PASS_MAX + 1] = "", err[128], ku[48];
	struct apibody_field f[] = {
		{ "old", old, sizeof(old), true, false },
		{ "new", pw, sizeof(pw), true, false },
	};
	struct user u;
	int64_t wait;
	int rc = -1;

	snprintf(ku, sizeof(ku), "u:%s", c->u.name);
	if (apibody_parse(c->req->body, c->req->body_len, f, 2, err, sizeof(err)) == -1)
		api_fail(c, 400, err);
	else if ((wait = throttle_wait(c->a->thr, ku, c->now)) > 0) {
		c->out->retry_after = wait;
		api_fail(c, 429, "too many failed attempts; try later");
	} else if (strlen(pw) < USER_PASS_MIN)
		api_fail(c, 400, "new: at least 10 bytes");
	else if (users_verify(c->st, c->u.name, old, &c->a->cost, &u) == -1) {
		throttle_fail(c->a->thr, ku, c->now);
		api_audit(c, api_who(c), "user passwd", c->u.name, "failed");
		api_fail(c, 403, "old password wrong");
	} else {
		rc = users_passwd(c->st, c->u.name, pw, &c->a->cost);
		api_audit(c, api_who(c), "user passwd", c->u.name, rc == 0 ? "ok" : "failed");
		if (rc == -1)
			api_fail(c, 500, "storage error");
		else {
			snprintf(c->param[0], sizeof(c->param[0]), "%s", c->u.name);
			name_reply(c, 200, c->param[0], NULL);
		}
	}
	explicit_bzero(old, sizeof(old));
	explicit_bzero(pw, sizeof(pw));
}

/*
 * POST /login/cert: the user mapped to the verified client certificate's CN
 * (http.c checks it against api_client_ca) gets a session like a password login.
 */
static void
h_login_cert(struct call *c)
{
	char who[USER_CN_MAX + 8];

	snprintf(who, sizeof(who), "cn:%s", c->req->cert_cn);
	if (c->req->cert_cn[0] == '\0') {
		api_audit(c, "-", "login", NULL, "failed cert");
		return api_fail(c, 401, "no verified client certificate");
	}
	if (users_by_cert(c->st, c->req->cert_cn, &c->u) == -1) {
		memset(&c->u, 0, sizeof(c->u));
		api_audit(c, who, "login", NULL, "failed cert");
		return api_fail(c, 401, "no enabled user has this certificate");
	}
	api_session_open(c, "ok cert");
}

#define ADMIN	ROLE_BIT(ROLE_ADMIN)

const struct api_route api_routes_users[] = {
	{ "GET", "/api/v1/users", ADMIN, h_users },
	{ "POST", "/api/v1/users", ADMIN, h_user_add },
	{ "POST", "/api/v1/users/{}/password", ADMIN, h_user_passwd },
	{ "POST", "/api/v1/users/{}/disable", ADMIN, h_user_disable },
	{ "POST", "/api/v1/users/{}/tokens", ADMIN, h_token_add },
	{ "DELETE", "/api/v1/tokens/{}", ADMIN, h_token_revoke },
	{ "POST", "/api/v1/me/password", ROLES_ALL, h_me_passwd },
	{ "POST", "/api/v1/login/cert", 0, h_login_cert },
	{ 0 }
};
