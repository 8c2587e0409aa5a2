/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sample calls of detected lines: the `call` records an appliance sends for a
 * line that holds a verdict (docs/records.md), kept per appliance and line,
 * the newest LINE_CALLS_KEEP; the lead detail shows the newest of its line
 * (lead-detail.c) and the console draws their ladders.
 */
#include <stdio.h>

#include "ingest.h"
#include "record.h"
#include "storage.h"

#define STR_(x)	#x
#define STR(x)	STR_(x)

/* Older calls of the line past the newest LINE_CALLS_KEEP go, in the same transaction. */
static const char trim_sql[] = "DELETE FROM line_calls WHERE appliance = $1"
	" AND ip = $2 AND vlan = $3 AND pppoe = $4 AND id NOT IN (SELECT id FROM"
	" line_calls WHERE appliance = $1 AND ip = $2 AND vlan = $3 AND pppoe = $4"
	" ORDER BY end_ms DESC, id DESC LIMIT " STR(LINE_CALLS_KEEP) ")";

int
line_call_ingest(struct storage *st, const char *appliance, uint64_t seq,
    const struct call_rec *c, int64_t now)
{
	struct db_arg line[] = { DB_S(appliance), DB_S(c->line_ip), DB_I(c->vlan),
	    DB_I(c->pppoe) };

	if (db_defer(st, "INSERT INTO line_calls (appliance, seq, ip, vlan, pppoe,"
	    " received, call_id, caller, callee, direction, src_ip, src_port, dst_ip,"
	    " dst_port, user_agent, server, invite_ms, setup_ms, answer_ms, end_ms,"
	    " duration_ms, status, state, end_reason) VALUES ($1, $2, $3, $4, $5, $6,"
	    " $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21,"
	    " $22, $23, $24) ON CONFLICT DO NOTHING", (struct db_arg[]){
	    DB_S(appliance), DB_I(seq), DB_S(c->line_ip), DB_I(c->vlan), DB_I(c->pppoe),
	    DB_I(now), DB_S(c->call_id), DB_S(c->caller), DB_S(c->callee),
	    DB_S(c->direction), DB_S(c->src_ip), db_opt_i(c->src_port), DB_S(c->dst_ip),
	    db_opt_i(c->dst_port), DB_S(c->user_agent), DB_S(c->server),
	    DB_I(c->invite_ms), db_opt_i(c->setup_ms), db_opt_i(c->answer_ms),
	    DB_I(c->end_ms), db_opt_i(c->duration_ms), db_opt_i(c->status),
	    DB_S(c->state), DB_S(c->end) }, 24) == -1)
		return -1;
	/* what did not fit in one statement's arguments */
	if (db_defer(st, "UPDATE line_calls SET first_ms = $3, hangup = $4,"
	    " bye_status = $5, messages = $6 WHERE appliance = $1 AND seq = $2",
	    (struct db_arg[]){ DB_S(appliance), DB_I(seq), db_opt_i(c->first_ms),
	    db_opt_s(c->hangup), db_opt_i(c->bye_status), db_opt_i(c->messages) },
	    6) == -1)
		return -1;
	return db_defer(st, trim_sql, line, 4);
}
