/* SPDX-License-Identifier: BSD-2-Clause */
/* The feedback workflow on one lead: its statuses, the moves allowed, who and when. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "leads.h"
#include "storage.h"
#include "users.h"

static const char *const statuses[] = { "new", "acknowledged", "confirmed",
	"false_positive", "dismantled" };

const char *
lead_status_name(int i)
{
	return i >= 0 && (size_t)i < sizeof(statuses) / sizeof(statuses[0]) ?
	    statuses[i] : NULL;
}

bool
lead_status_is_valid(const char *s)
{
	for (size_t i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++)
		if (strcmp(s, statuses[i]) == 0)
			return true;
	return false;
}

/* The workflow: from new to any later step; acknowledged to a verdict;
 * confirmed to dismantled. */
static bool
may_move(const char *from, const char *to)
{
	static const char *const moves[][2] = {
		{ "new", "acknowledged" }, { "new", "confirmed" },
		{ "new", "false_positive" }, { "new", "dismantled" },
		{ "acknowledged", "confirmed" }, { "acknowledged", "false_positive" },
		{ "acknowledged", "dismantled" }, { "confirmed", "dismantled" },
	};

	for (size_t i = 0; i < sizeof(moves) / sizeof(moves[0]); i++)
		if (strcmp(moves[i][0], from) == 0 && strcmp(moves[i][1], to) == 0)
			return true;
	return false;
}

static int
status_row(void *arg, const struct db_row *r)
{
	snprintf(arg, 32, "%s", row_str(r, 0));
	return 0;
}

enum lead_result
lead_move(struct storage *st, int64_t id, const char *status, const char *who,
    const char *note, int64_t now, char *err, size_t errlen)
{
	char cur[32] = "";
	int64_t changes = 0;

	st->err[0] = '\0';	/* an empty err below means: changed concurrently */
	if (!lead_status_is_valid(status))
		return snprintf(err, errlen, "unknown status '%s'", status), LEAD_REFUSED;
	if (db_begin(st) == -1 || db_query(st, "SELECT status FROM leads WHERE id = $1",
	    (struct db_arg[]){ DB_I(id) }, 1, status_row, cur) == -1)
		goto fail;
	if (cur[0] == '\0' || !may_move(cur, status)) {
		db_rollback(st);
		snprintf(err, errlen, cur[0] ? "lead %" PRId64 " is %s: cannot move"
		    " to %s" : "no lead %" PRId64 "%.0s%.0s", id, cur, status);
		return cur[0] ? LEAD_REFUSED : LEAD_NO_LEAD;
	}
	/* the status we read is the one we change: a concurrent move loses */
	if (st->ops->exec(st, "UPDATE leads SET status = $2, status_by = $3, status_at = $4,"
	    " feedback_at = COALESCE(feedback_at, $4) WHERE id = $1 AND status = $5",
	    (struct db_arg[]){ DB_I(id), DB_S(status), DB_S(who), DB_I(now), DB_S(cur) },
	    5, NULL, NULL, &changes) == -1 || changes != 1 ||
	    db_exec(st, "INSERT INTO lead_events (lead_id, at, who, kind, status, note)"
	    " VALUES ($1, $2, $3, 'feedback', $4, $5)", (struct db_arg[]){ DB_I(id),
	    DB_I(now), DB_S(who), DB_S(status), note ? DB_S(note) : DB_NULL }, 5) == -1 ||
	    events_log(st, id, "status", now) == -1 || db_commit(st) == -1)
		goto fail;
	events_notify();
	return LEAD_OK;
fail:
	snprintf(err, errlen, "%s", changes == 0 && st->err[0] == '\0' ?
	    "changed concurrently; try again" : st->err);
	db_rollback(st);
	return changes == 0 && st->err[0] == '\0' ? LEAD_CONFLICT : LEAD_ERROR;
}

int
lead_feedback(struct storage *st, int64_t id, const char *status, const char *who,
    const char *note, int64_t now, char *err, size_t errlen)
{
	return lead_move(st, id, status, who, note, now, err, errlen) == LEAD_OK ? 0 : -1;
}

struct assignee {
	int	 n;
	bool	 ok;
};

static int
assignee_row(void *arg, const struct db_row *r)
{
	struct assignee *a = arg;
	int role = role_parse(row_str(r, 0));

	a->n++;
	a->ok = row_int(r, 1) == 0 && (role == ROLE_ANALYST || role == ROLE_SUPERVISOR ||
	    role == ROLE_ADMIN);
	return 0;
}

enum lead_result
lead_assign(struct storage *st, int64_t id, const char *user, const char *who,
    const char *note, int64_t now, char *err, size_t errlen)
{
	struct assignee a = { 0, false };
	int64_t changes = 0;

	st->err[0] = '\0';
	if (db_query(st, "SELECT role, disabled FROM users WHERE name = $1",
	    (struct db_arg[]){ DB_S(user) }, 1, assignee_row, &a) == -1)
		goto fail;
	if (!a.ok)
		return snprintf(err, errlen, "%s", a.n == 0 ? "no such user" :
		    "user is disabled or not an analyst, supervisor or admin"), LEAD_BAD_USER;
	if (db_begin(st) == -1 || st->ops->exec(st, "UPDATE leads SET assignee = $2,"
	    " assigned_at = $3 WHERE id = $1", (struct db_arg[]){ DB_I(id), DB_S(user),
	    DB_I(now) }, 3, NULL, NULL, &changes) == -1)
		goto fail_tx;
	if (changes == 0) {
		db_rollback(st);
		return snprintf(err, errlen, "no lead %" PRId64, id), LEAD_NO_LEAD;
	}
	if (db_exec(st, "INSERT INTO lead_events (lead_id, at, who, kind, assignee, note)"
	    " VALUES ($1, $2, $3, 'assigned', $4, $5)", (struct db_arg[]){ DB_I(id),
	    DB_I(now), DB_S(who), DB_S(user), note ? DB_S(note) : DB_NULL }, 5) == -1 ||
	    events_log(st, id, "assigned", now) == -1 || db_commit(st) == -1)
		goto fail_tx;
	events_notify();
	return LEAD_OK;
fail_tx:
	db_rollback(st);
fail:
	snprintf(err, errlen, "%s", st->err);
	return LEAD_ERROR;
}
