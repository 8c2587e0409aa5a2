/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The SQL a detection's lead is written with, shared by the statement-at-a-time
 * form and the one-statement form (lead-ingest.c, lead-run.c).
 */
#ifndef GWC_LEAD_SQL_H
#define GWC_LEAD_SQL_H

#include <stdint.h>

#define ESCALATES "excluded.tier_rank > leads.tier_rank"

#define LEAD_INSERT "INSERT INTO leads (line_key, ip, vlan, pppoe, account, device_id," \
	" tier_rank, tier, verdict, score, deadline, first_seen, last_seen, raised_at)"
/*
 * The merge of N detections into their lead; NOW, TOK and N: SQL for the time,
 * the escalation token and the count. esc_from: the rank the lead had before
 * the upsert that last escalated it (lead-run.c reads it back).
 */
#define LEAD_MERGE(NOW, TOK, N) \
	" ON CONFLICT (line_key) DO UPDATE SET" \
	" detections = leads.detections + " N "," \
	" ip = excluded.ip, vlan = excluded.vlan, pppoe = excluded.pppoe," \
	" last_seen = CASE WHEN excluded.last_seen > leads.last_seen" \
	"  THEN excluded.last_seen ELSE leads.last_seen END," \
	" first_seen = CASE WHEN excluded.first_seen < leads.first_seen" \
	"  THEN excluded.first_seen ELSE leads.first_seen END," \
	" score = CASE WHEN excluded.score > leads.score THEN excluded.score" \
	"  ELSE leads.score END," \
	" device_id = COALESCE(excluded.device_id, leads.device_id)," \
	" account = COALESCE(excluded.account, leads.account)," \
	" verdict = CASE WHEN " ESCALATES " THEN excluded.verdict ELSE leads.verdict END," \
	" deadline = CASE WHEN " ESCALATES " THEN excluded.deadline ELSE leads.deadline END," \
	" escalated_at = CASE WHEN " ESCALATES " THEN " NOW " ELSE leads.escalated_at END," \
	" esc_token = CASE WHEN " ESCALATES " THEN " TOK " ELSE leads.esc_token END," \
	" esc_from = CASE WHEN " ESCALATES " THEN leads.tier_rank ELSE leads.esc_from END," \
	" status = CASE WHEN " ESCALATES " AND leads.status = 'acknowledged'" \
	"  THEN 'new' ELSE leads.status END," \
	" feedback_at = CASE WHEN " ESCALATES " AND leads.status = 'acknowledged'" \
	"  THEN NULL ELSE leads.feedback_at END," \
	" tier = CASE WHEN " ESCALATES " THEN excluded.tier ELSE leads.tier END," \
	" tier_rank = CASE WHEN " ESCALATES " THEN excluded.tier_rank" \
	"  ELSE leads.tier_rank END"
#define EVIDENCE_INSERT "INSERT INTO lead_evidence (lead_id, kind, detail, count," \
	" first_ts, last_ts)"
#define EVIDENCE_MERGE \
	" ON CONFLICT (lead_id, kind, detail) DO UPDATE SET" \
	" count = CASE WHEN excluded.count > lead_evidence.count" \
	"  THEN excluded.count ELSE lead_evidence.count END," \
	" last_ts = CASE WHEN excluded.last_ts > lead_evidence.last_ts" \
	"  THEN excluded.last_ts ELSE lead_evidence.last_ts END" \
	" WHERE excluded.count > lead_evidence.count" \
	" OR excluded.last_ts > lead_evidence.last_ts"
/* the lead's tier, status and ip go with each row (the detail's linked leads,
 * schema.c's migration 19): given here, the trigger that would look them up
 * per row is skipped */
#define INFRA_INSERT "INSERT INTO lead_infra (lead_id, kind, value, role," \
	" lead_tier, lead_status, lead_ip)"
#define INFRA_MERGE " ON CONFLICT (lead_id, kind, value) DO UPDATE" \
	" SET role = COALESCE(lead_infra.role, excluded.role)" \
	" WHERE lead_infra.role IS NULL AND excluded.role IS NOT NULL"
/* A field a SIM's upsert changes. */
#define SIM_NEW(F) "(excluded." F " IS NOT NULL AND (sims." F " IS NULL" \
	" OR sims." F " <> excluded." F "))"
#define SIM_INSERT "INSERT INTO sims (sim_key, imsi, iccid, msisdn, imei, lead_id," \
	" first_seen, last_seen)"
#define SIM_MERGE " ON CONFLICT (sim_key) DO UPDATE SET" \
	" imsi = COALESCE(excluded.imsi, sims.imsi)," \
	" iccid = COALESCE(excluded.iccid, sims.iccid)," \
	" msisdn = COALESCE(excluded.msisdn, sims.msisdn)," \
	" imei = COALESCE(excluded.imei, sims.imei), lead_id = excluded.lead_id," \
	" last_seen = CASE WHEN excluded.last_seen > sims.last_seen" \
	"  THEN excluded.last_seen ELSE sims.last_seen END" \
	" WHERE " SIM_NEW("imsi") " OR " SIM_NEW("iccid") " OR " SIM_NEW("msisdn") \
	" OR " SIM_NEW("imei") " OR sims.lead_id <> excluded.lead_id" \
	" OR excluded.last_seen > sims.last_seen"
#define SOURCE_INSERT "INSERT INTO lead_sources (lead_id, appliance, first_seen," \
	" last_seen)"
#define SOURCE_MERGE " ON CONFLICT (lead_id, appliance) DO UPDATE" \
	" SET last_seen = excluded.last_seen" \
	" WHERE lead_sources.last_seen <> excluded.last_seen"

/* Marks which upsert escalated a lead: unique per process and call. */
int64_t		 lead_esc_token(void);
/* What a foreign peer is by its port ("softswitch"...); NULL if unknown. */
const char	*lead_peer_role(int64_t port);
struct rec_sim;
/* A SIM's key in table sims: its IMSI, else ICCID, else MSISDN ("" if none). */
const char	*lead_sim_key(const struct rec_sim *);

#endif
