/* SPDX-License-Identifier: BSD-2-Clause */
/* The console API: the appliances, their groups and sites, config per group (docs/api.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api-int.h"
#include "apibody.h"
#include "cfg.h"
#include "confstore.h"
#include "filestore.h"
#include "fleet.h"
#include "out.h"
#include "rollout.h"

#define SITE_MAX	128
#define GROUP_MAX	64
#define FLEET_ROLES	(ROLE_BIT(ROLE_ENGINEER) | ROLE_BIT(ROLE_ADMIN))

static void
h_appliances(struct call *c)
{
	FILE *o = api_json_begin(c);

	if (o == NULL)
		return api_fail(c, 500, "out of memory");
	fputs("{\"appliances\":", o);
	if (fleet_json_array(c->st, c->now, (int64_t)c->a->cfg->silent_after, o) == -1) {
		fclose(o);
		return api_fail(c, 500, "storage error");
	}
	fprintf(o, ",\"silent_after\":%" PRIu64 "}\n", c->a->cfg->silent_after);
	api_audit(c, api_who(c), "list", "appliances", "ok");
	api_json_end(c, o, 200);
}

/* PUT /appliances/{id} {"group"?, "site"?}: at least one. */
static void
h_appliance_set(struct call *c)
{
	char grp[GROUP_MAX + 1], site[SITE_MAX + 1], err[300];
	struct apibody_field f[] = {
		{ "group", grp, sizeof(grp), false, false },
		{ "site", site, sizeof(site), false, false },
	};
	int rc = 0;
	FILE *o;

	if (apibody_parse(c->req->body, c->req->body_len, f, 2, err, sizeof(err)) == -1)
		return api_fail(c, 400, err);
	if (!f[0].seen && !f[1].seen)
		return api_fail(c, 400, "want \"group\" or \"site\" or both");
	if (f[0].seen && !fleet_group_is_valid(grp))
		return api_fail(c, 400, "group: 1..64 of A-Z a-z 0-9 . _ -");
	if (f[0].seen) {
		rc = fleet_set_group(c->st, c->param[0], grp, err, sizeof(err));
		api_audit(c, api_who(c), "appliance group", c->param[0], rc ? "failed" : "ok");
	}
	if (rc == 0 && f[1].seen) {
		rc = fleet_set_site(c->st, c->param[0], site, err, sizeof(err));
		api_audit(c, api_who(c), "appliance site", c->param[0], rc ? "failed" : "ok");
	}
	if (rc == -1)
		return api_fail(c, strncmp(err, "no appliance", 12) == 0 ? 404 : 500, err);
	if ((o = api_json_begin(c)) != NULL) {
		fputs("{\"id\":", o);
		out_json_str(o, c->param[0]);
		out_json_kv(o, "group", f[0].seen ? grp : NULL);
		out_json_kv(o, "site", f[1].seen ? site : NULL);
		fputs("}\n", o);
	}
	api_json_end(c, o, 200);
}

struct groups_ctx {
	struct call	*c;
	FILE		*o;
	int		 n, na;
	int		 rc;
};

static int
ack_row(void *arg, const struct db_row *r)
{
	struct groups_ctx *x = arg;

	fprintf(x->o, "%s{\"appliance\":", x->na++ ? "," : "");
	out_json_str(x->o, row_str(r, 0));
	fprintf(x->o, ",\"running\":%" PRId64, row_int(r, 1));
	out_json_kv(x->o, "state", confstore_ack_state(r->v[2] != NULL, r->v[3] != NULL,
	    row_int(r, 3)));
	out_json_kv(x->o, "message", r->v[4] && *r->v[4] ? r->v[4] : NULL);
	fprintf(x->o, ",\"pushed_at\":%" PRId64 ",\"acked_at\":%" PRId64 "}",
	    row_int(r, 5), row_int(r, 6));
	return 0;
}

/* The groups' rows are copied out first: one storage handle runs one query at a time. */
struct group {
	char		 grp[GROUP_MAX + 1], by[USER_NAME_MAX + 16];
	int64_t		 version, created;
	bool		 by_null;
};

struct group_list {
	struct group	*g;
	int		 n, cap;
};

static int
group_row(void *arg, const struct db_row *r)
{
	struct group_list *l = arg;
	struct group *g;

	if (l->n == l->cap) {
		int cap = l->cap ? 2 * l->cap : 16;
		struct group *ng = reallocarray(l->g, (size_t)cap, sizeof(*ng));

		if (ng == NULL)
			return -1;
		l->g = ng;
		l->cap = cap;
	}
	g = &l->g[l->n++];
	snprintf(g->grp, sizeof(g->grp), "%s", row_str(r, 0));
	g->version = row_int(r, 1);
	g->created = row_int(r, 2);
	g->by_null = r->v[3] == NULL;
	snprintf(g->by, sizeof(g->by), "%s", row_str(r, 3));
	return 0;
}

static void
h_configs(struct call *c)
{
	struct group_list l = { 0 };
	struct groups_ctx x = { c, NULL, 0, 0, 0 };

	if (confstore_groups(c->st, group_row, &l) == -1) {
		free(l.g);
		return api_fail(c, 500, "storage error");
	}
	if ((x.o = api_json_begin(c)) == NULL) {
		free(l.g);
		return api_fail(c, 500, "out of memory");
	}
	fputs("{\"groups\":[", x.o);
	for (int i = 0; i < l.n && x.rc == 0; i++) {
		fprintf(x.o, "%s{\"group\":", i ? "," : "");
		out_json_str(x.o, l.g[i].grp);
		fprintf(x.o, ",\"version\":%" PRId64 ",\"created\":%" PRId64,
		    l.g[i].version, l.g[i].created);
		out_json_kv(x.o, "by", l.g[i].by_null ? NULL : l.g[i].by);
		fputs(",\"appliances\":[", x.o);
		x.na = 0;
		x.rc = confstore_acks(c->st, l.g[i].grp, l.g[i].version, ack_row, &x);
		fputs("]}", x.o);
	}
	free(l.g);
	if (x.rc == -1) {
		fclose(x.o);
		return api_fail(c, 500, "storage error");
	}
	fputs("]}\n", x.o);
	api_audit(c, api_who(c), "list", "config", "ok");
	api_json_end(c, x.o, 200);
}

static int
config_row(void *arg, const struct db_row *r)
{
	struct groups_ctx *x = arg;

	fprintf(x->o, ",\"version\":%" PRId64 ",\"created\":%" PRId64, row_int(r, 0),
	    row_int(r, 1));
	out_json_kv(x->o, "by", r->v[2]);
	out_json_kv(x->o, "body", row_str(r, 3));
	x->n++;
	return 0;
}

/* The default group always exists: without a config it has version null. */
static void
h_config(struct call *c)
{
	struct groups_ctx x = { c, api_json_begin(c), 0, 0, 0 };

	if (x.o == NULL)
		return api_fail(c, 500, "out of memory");
	fputs("{\"group\":", x.o);
	out_json_str(x.o, c->param[0]);
	if (confstore_get(c->st, c->param[0], config_row, &x) == -1) {
		fclose(x.o);
		return api_fail(c, 500, "storage error");
	}
	if (x.n == 0 && strcmp(c->param[0], "default") != 0) {
		fclose(x.o);
		return api_fail(c, 404, "no config for this group");
	}
	if (x.n == 0)
		fputs(",\"version\":null,\"created\":null,\"by\":null,\"body\":null", x.o);
	fputs("}\n", x.o);
	api_audit(c, api_who(c), "view", "config", "ok");
	api_json_end(c, x.o, 200);
}

/* Checks, signs and stores body for the route's group: an HTTP status, err when not 200. */
static int
config_push(struct call *c, const char *body, uint64_t *version, char *err, size_t len)
{
	if (!fleet_group_is_valid(c->param[0]))
		return snprintf(err, len, "group: 1..64 of A-Z a-z 0-9 . _ -"), 400;
	if (c->a->cfg->config_key[0] == '\0')
		return snprintf(err, len, "no config_key in central's configuration"), 503;
	if (confstore_set(c->st, c->param[0], body, strlen(body), c->a->cfg->config_key,
	    c->u.name, version, err, len) == -1)
		return 400;	/* the parser's or the signer's message */
	return 200;
}

/* PUT /config/{group} {"body"}: pushed as the CLI's config set, at next contact. */
static void
h_config_set(struct call *c)
{
	char *body = malloc(HTTP_BODY_MAX + 1), err[300] = "";
	struct apibody_field f[] = {
		{ "body", body, HTTP_BODY_MAX + 1, true, false },
	};
	uint64_t version = 0;
	int status = 400;
	FILE *o;

	if (body == NULL)
		return api_fail(c, 500, "out of memory");
	if (apibody_parse(c->req->body, c->req->body_len, f, 1, err, sizeof(err)) == 0)
		status = config_push(c, body, &version, err, sizeof(err));
	free(body);
	api_audit(c, api_who(c), "config push", c->param[0], status == 200 ? "ok" : "failed");
	if (status != 200)
		return api_fail(c, status, err);
	if ((o = api_json_begin(c)) != NULL) {
		fputs("{\"group\":", o);
		out_json_str(o, c->param[0]);
		fprintf(o, ",\"version\":%" PRIu64 "}\n", version);
	}
	api_json_end(c, o, 200);
}

/* GET /firmware: the stored bundles and every rollout with its members. */
static void
h_firmware(struct call *c)
{
	FILE *o = api_json_begin(c);

	if (o == NULL)
		return api_fail(c, 500, "out of memory");
	fputc('{', o);
	if (filestore_firmware_json(c->st, o) == -1 || fputc(',', o) == EOF ||
	    rollout_json(c->st, o) == -1) {
		fclose(o);
		return api_fail(c, 500, "storage error");
	}
	fputs("}\n", o);
	api_audit(c, api_who(c), "list", "firmware", "ok");
	api_json_end(c, o, 200);
}

/* The status of a rollout refusal (rollout.c's messages). */
static int
rollout_status_of(const char *err)
{
	if (strncmp(err, "no stored firmware", 18) == 0)
		return 404;
	return strstr(err, "has an active rollout") != NULL ? 409 : 400;
}

/* POST /firmware/rollouts {"firmware","group","canaries"?,"window"?,"allow_downgrade"?} */
static void
h_rollout_start(struct call *c)
{
	char fw[64], grp[GROUP_MAX + 1], err[600] = "";
	struct apibody_field s[] = {
		{ "firmware", fw, sizeof(fw), true, false },
		{ "group", grp, sizeof(grp), true, false },
	};
	struct apibody_int n[] = {
		{ "canaries", 1, 100000, false, false, 1 },
		{ "window", 1, 86400 * 30, false, false, 3600 },
		{ "allow_downgrade", 0, 1, false, false, 0 },
	};
	struct apibody_spec sp = { s, 2, n, 3, NULL, 0 };
	struct rollout_req q = { .fw_version = fw, .grp = grp, .who = c->u.name,
	    .keypath = c->a->cfg->config_key };
	int64_t id;
	FILE *o;

	if (apibody_parse_spec(c->req->body, c->req->body_len, &sp, err, sizeof(err)) == -1)
		return api_fail(c, 400, err);
	q.canaries = n[0].seen ? n[0].v : 1;
	q.window = n[1].seen ? n[1].v : 3600;
	q.allow_downgrade = n[2].seen && n[2].v == 1;
	if (q.allow_downgrade && c->a->cfg->config_key[0] == '\0')
		return api_fail(c, 503, "no config_key in central's configuration");
	if (rollout_start(c->st, &q, c->now, &id, err, sizeof(err)) == -1) {
		api_audit(c, api_who(c), "firmware rollout", grp, "failed");
		return api_fail(c, rollout_status_of(err), err);
	}
	/* audited firmware.rollout by rollout_start, in its transaction */
	if ((o = api_json_begin(c)) != NULL)
		fprintf(o, "{\"id\":%" PRId64 "}\n", id);
	api_json_end(c, o, 200);
}

/* POST /firmware/halt {"firmware","group"?}: the operator stops rollouts. */
static void
h_rollout_halt(struct call *c)
{
	char fw[64], grp[GROUP_MAX + 1], err[600] = "";
	struct apibody_field f[] = {
		{ "firmware", fw, sizeof(fw), true, false },
		{ "group", grp, sizeof(grp), false, false },
	};
	int n;
	FILE *o;

	if (apibody_parse(c->req->body, c->req->body_len, f, 2, err, sizeof(err)) == -1)
		return api_fail(c, 400, err);
	if ((n = rollout_halt(c->st, fw, f[1].seen ? grp : NULL, c->u.name, c->now, err,
	    sizeof(err))) == -1)
		return api_fail(c, 500, "storage error");
	if (n == 0)
		return api_fail(c, 404, "no active rollout of this firmware");
	/* audited firmware.halted per rollout by rollout_halt */
	if ((o = api_json_begin(c)) != NULL)
		fprintf(o, "{\"halted\":%d}\n", n);
	api_json_end(c, o, 200);
}

const struct api_route api_routes_fleet[] = {
	{ "GET", "/api/v1/appliances", FLEET_ROLES | ROLE_BIT(ROLE_SUPERVISOR),
	    h_appliances },
	{ "PUT", "/api/v1/appliances/{}", FLEET_ROLES, h_appliance_set },
	{ "GET", "/api/v1/config", FLEET_ROLES, h_configs },
	{ "GET", "/api/v1/config/{}", FLEET_ROLES, h_config },
	{ "PUT", "/api/v1/config/{}", FLEET_ROLES, h_config_set },
	{ "GET", "/api/v1/firmware", FLEET_ROLES | ROLE_BIT(ROLE_SUPERVISOR), h_firmware },
	{ "POST", "/api/v1/firmware/rollouts", FLEET_ROLES, h_rollout_start },
	{ "POST", "/api/v1/firmware/halt", FLEET_ROLES, h_rollout_halt },
	{ 0 }
};
