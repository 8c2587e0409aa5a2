/* SPDX-License-Identifier: BSD-2-Clause */
/* The console API: a lead's evidence files and their packages (docs/api.md). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api-int.h"
#include "cfg.h"
#include "evpkg.h"
#include "out.h"

/* Those who work leads; not carrier, not engineer. */
#define EVIDENCE_ROLES	(ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ANALYST) | \
			    ROLE_BIT(ROLE_ADMIN))

static bool
sha_is_valid(const char *s)
{
	return strlen(s) == 64 && strspn(s, "0123456789abcdef") == 64;
}

/* {"lead":ID,"files":[...]}: every file linked to the lead, deleted ones too. */
static void
h_list(struct call *c)
{
	struct evrows rs;
	int64_t id;
	FILE *o;

	if (api_param_id(c, 0, &id) == -1)
		return api_fail(c, 400, "a lead id is a whole number from 1");
	if (evpkg_lead_files(c->st, id, &rs) == -1) {
		evpkg_rows_free(&rs);
		return api_fail(c, 500, "storage error");
	}
	if ((o = api_json_begin(c)) == NULL) {
		evpkg_rows_free(&rs);
		return api_fail(c, 500, "out of memory");
	}
	fprintf(o, "{\"lead\":%" PRId64 ",\"files\":[", id);
	for (size_t i = 0; i < rs.n; i++) {
		const struct evrow *e = &rs.v[i];

		fprintf(o, "%s{\"size\":%" PRId64 ",\"received\":%" PRId64 ",\"verified\":%"
		    PRId64, i ? "," : "", e->size, e->received, e->verified);
		if (e->deleted)
			fprintf(o, ",\"deleted\":%" PRId64, e->deleted);
		out_json_kv(o, "sha256", e->sha);
		out_json_kv(o, "appliance", e->appliance);
		out_json_kv(o, "name", e->name);
		fputc('}', o);
	}
	fputs("]}", o);
	evpkg_rows_free(&rs);
	api_json_end(c, o, 200);
}

/* The package of one file (application/x-tar); custody: evidence.downloaded. */
static void
h_get(struct call *c)
{
	char target[80], err[256], *buf;
	size_t len;
	int64_t id;
	int rc;

	if (api_param_id(c, 0, &id) == -1)
		return api_fail(c, 400, "a lead id is a whole number from 1");
	if (!sha_is_valid(c->param[1]))
		return api_fail(c, 400, "a file is named by its sha256, 64 hex digits");
	snprintf(target, sizeof(target), "evidence:%s", c->param[1]);
	rc = evpkg_build(c->st, c->a->cfg->evidence_dir, c->a->cfg->tls_ca, id,
	    c->param[1], &buf, &len, err, sizeof(err));
	if (rc != 0) {
		api_audit(c, api_who(c), "evidence.downloaded", target, rc == 1 ?
		    "no such file of this lead" : "failed");
		return api_fail(c, rc == 1 ? 404 : 500, rc == 1 ?
		    "no such evidence file of this lead" : "the file failed its check");
	}
	c->out->status = 200;
	c->out->body = buf;
	c->out->len = len;
	c->out->ctype = "application/x-tar";
	snprintf(c->out->disposition, sizeof(c->out->disposition),
	    "attachment; filename=\"lead-%" PRId64 "-%.12s.tar\"", id, c->param[1]);
	api_audit(c, api_who(c), "evidence.downloaded", target, "ok");
}

const struct api_route api_routes_evidence[] = {
	{ "GET", "/api/v1/leads/{}/evidence", EVIDENCE_ROLES, h_list },
	{ "GET", "/api/v1/leads/{}/evidence/{}", EVIDENCE_ROLES, h_get },
	{ 0 }
};
