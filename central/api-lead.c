/* SPDX-License-Identifier: BSD-2-Clause */
/* The console API: one lead, its workflow, rings and statistics (docs/api.md). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "api-int.h"
#include "apibody.h"
#include "figures.h"
#include "leads.h"
#include "record.h"
#include "rings.h"


#define LEAD_ROLES	(ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ANALYST) | \
			    ROLE_BIT(ROLE_ADMIN))
#define ASSIGN_ROLES	(ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN))
#define STATS_ROLES	(ROLE_BIT(ROLE_SUPERVISOR) | ROLE_BIT(ROLE_ADMIN))

/* The status code of a lead_result, and its message when refused. */
static void
lead_fail(struct call *c, enum lead_result rc, const char *err)
{
	static const int code[] = { [LEAD_OK] = 200, [LEAD_NO_LEAD] = 404,
	    [LEAD_REFUSED] = 409, [LEAD_CONFLICT] = 409, [LEAD_BAD_USER] = 400,
	    [LEAD_ERROR] = 500 };

	api_fail(c, code[rc], rc == LEAD_ERROR ? "storage error" : err);
}

/* "lead 12" for the audit trail; -1 (and a 400) when the id is bad. */
static int
lead_target(struct call *c, int64_t *id, char *target, size_t len)
{
	if (api_param_id(c, 0, id) == -1) {
		api_fail(c, 400, "a lead id is a whole number from 1");
		return -1;
	}
	snprintf(target, len, "lead %" PRId64, *id);
	return 0;
}

static void
h_lead(struct call *c)
{
	char target[32];
	enum lead_result rc;
	int64_t id;
	FILE *o;

	if (lead_target(c, &id, target, sizeof(target)) == -1)
		return;
	if ((o = api_json_begin(c)) == NULL)
		return api_fail(c, 500, "out of memory");
	if ((rc = lead_detail_json(c->st, id, c->now, o)) != LEAD_OK) {
		fclose(o);
		api_audit(c, api_who(c), "view", target, rc == LEAD_NO_LEAD ?
		    "no such lead" : "error");
		return lead_fail(c, rc, "no such lead");
	}
	api_audit(c, api_who(c), "view", target, "ok");
	api_json_end(c, o, 200);
}

/* The lead's head after a change, as the answer. */
static void
answer_head(struct call *c, int64_t id)
{
	FILE *o = api_json_begin(c);

	if (o == NULL)
		return api_fail(c, 500, "out of memory");
	if (lead_head_json(c->st, id, c->now, o) != LEAD_OK) {
		fclose(o);
		return api_fail(c, 500, "storage error");
	}
	api_json_end(c, o, 200);
}

/* A note of at most LEAD_NOTE_MAX bytes of UTF-8; NULL when absent or empty. */
static const char *
note_of(const struct apibody_field *f)
{
	return f->seen && f->buf[0] != '\0' ? f->buf : NULL;
}

/* POST /api/v1/leads/{id}/<verb> {"note":...}: a workflow move to status. */
static void
move(struct call *c, const char *status)
{
	char note[LEAD_NOTE_MAX + 1], err[160], target[32], action[48];
	struct apibody_field f[] = { { "note", note, sizeof(note), true, false } };
	enum lead_result rc;
	int64_t id;

	if (lead_target(c, &id, target, sizeof(target)) == -1)
		return;
	if (apibody_parse(c->req->body, c->req->body_len, f, 1, err, sizeof(err)) == -1)
		return api_fail(c, 400, err);
	if (note[0] == '\0')
		return api_fail(c, 400, "field 'note' is empty");
	snprintf(action, sizeof(action), "feedback %s", status);
	rc = lead_move(c->st, id, status, c->u.name, note_of(&f[0]), c->now, err,
	    sizeof(err));
	api_audit(c, api_who(c), action, target, rc == LEAD_OK ? "ok" : "refused");
	if (rc != LEAD_OK)
		return lead_fail(c, rc, err);
	answer_head(c, id);
}

static void h_ack(struct call *c) { move(c, "acknowledged"); }
static void h_confirm(struct call *c) { move(c, "confirmed"); }
static void h_false_positive(struct call *c) { move(c, "false_positive"); }
static void h_dismantled(struct call *c) { move(c, "dismantled"); }

static void
h_assign(struct call *c)
{
	char user[USER_NAME_MAX + 1], note[LEAD_NOTE_MAX + 1], err[160], target[32];
	struct apibody_field f[] = {
		{ "user", user, sizeof(user), true, false },
		{ "note", note, sizeof(note), false, false },
	};
	enum lead_result rc;
	int64_t id;

	if (lead_target(c, &id, target, sizeof(target)) == -1)
		return;
	if (apibody_parse(c->req->body, c->req->body_len, f, 2, err, sizeof(err)) == -1)
		return api_fail(c, 400, err);
	rc = lead_assign(c->st, id, user, c->u.name, note_of(&f[1]), c->now, err,
	    sizeof(err));
	api_audit(c, api_who(c), "assign", target, rc == LEAD_OK ? "ok" : "refused");
	if (rc != LEAD_OK)
		return lead_fail(c, rc, err);
	answer_head(c, id);
}

static void
h_rings(struct call *c)
{
	struct rings_filter f = { .tier = http_query(c->req, "tier") };
	FILE *o;

	if ((f.tier != NULL && record_tier_rank(f.tier) < 1) || api_query_num(c, "since", 0, INT64_MAX, 0, &f.since) == -1)
		return api_fail(c, 400, "tier: urgent, high or general; since: epoch seconds");
	if ((o = api_json_begin(c)) == NULL)
		return api_fail(c, 500, "out of memory");
	if (rings_json(c->st, &f, o) == -1) {
		fclose(o);
		return api_fail(c, 500, "storage error");
	}
	api_audit(c, api_who(c), "list", "rings", "ok");
	api_json_end(c, o, 200);
}

static void
h_stats(struct call *c)
{
	const char *ps = http_query(c->req, "period");
	enum period p = PERIOD_DAY;
	FILE *o;

	if (ps != NULL && period_parse(ps, &p) == -1)
		return api_fail(c, 400, "period: day, week or month");
	if ((o = api_json_begin(c)) == NULL)
		return api_fail(c, 500, "out of memory");
	if (figures_json(c->st, p, c->now, o) == -1) {
		fclose(o);
		return api_fail(c, 500, "storage error");
	}
	api_audit(c, api_who(c), "list", "stats", "ok");
	api_json_end(c, o, 200);
}

const struct api_route api_routes_lead[] = {
	{ "GET", "/api/v1/leads/{}", LEAD_ROLES, h_lead },
	{ "POST", "/api/v1/leads/{}/assign", ASSIGN_ROLES, h_assign },
	{ "POST", "/api/v1/leads/{}/acknowledge", LEAD_ROLES, h_ack },
	{ "POST", "/api/v1/leads/{}/confirm", LEAD_ROLES, h_confirm },
	{ "POST", "/api/v1/leads/{}/false_positive", LEAD_ROLES, h_false_positive },
	{ "POST", "/api/v1/leads/{}/dismantled", LEAD_ROLES, h_dismantled },
	{ "GET", "/api/v1/rings", LEAD_ROLES, h_rings },
	{ "GET", "/api/v1/stats", STATS_ROLES, h_stats },
	{ 0 }
};
