/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Versioned migrations, portable SQL (SQLite >= 3.35 and PostgreSQL >= 11).
 * Times are epoch seconds (BIGINT); "@ID@" is the adapter's auto-increment key,
 * "@BLOB@" its byte string type.
 * Append a migration, never edit a released one.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"
#include "storage.h"

/* The transaction lock of appliance A's site on PostgreSQL (migration 18). */
#define LEAD_SITE_LOCK(a)	"hashtext('goipwatch lead site'), hashtext(" a ")"

/* The site of lead ID: the first by name of its appliances' (migration 18). */
#define LEAD_SITE_OF(id)	"(SELECT MIN(ap.site) FROM lead_sources s JOIN" \
	" appliances ap ON ap.id = s.appliance WHERE s.lead_id = " id ")"

static const char *const migrations[] = {
	/* 1: ingest, leads, rings, SIMs, fleet, configuration */
	"CREATE TABLE appliances ("
	" id TEXT PRIMARY KEY, serial TEXT, grp TEXT NOT NULL DEFAULT 'default',"
	" firmware TEXT, config_version BIGINT NOT NULL DEFAULT 0,"
	" high_seq BIGINT NOT NULL DEFAULT 0, connected_at BIGINT, last_seen BIGINT,"
	" instance TEXT, last_heartbeat BIGINT, uptime BIGINT, packets BIGINT,"
	" drops BIGINT, spool_depth BIGINT, spool_dropped BIGINT, tls_state TEXT);"
	"CREATE TABLE records ("
	" appliance TEXT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL,"
	" received BIGINT NOT NULL, body TEXT NOT NULL, PRIMARY KEY (appliance, seq));"
	"CREATE INDEX records_type_received ON records (type, received);"
	"CREATE TABLE leads ("
	" id @ID@, line_key TEXT NOT NULL UNIQUE, ip TEXT NOT NULL,"
	" vlan BIGINT, pppoe BIGINT, account TEXT, device_id TEXT,"
	" tier_rank INTEGER NOT NULL, tier TEXT NOT NULL, verdict TEXT NOT NULL,"
	" score BIGINT NOT NULL, deadline BIGINT NOT NULL,"
	" first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL,"
	" raised_at BIGINT NOT NULL, detections BIGINT NOT NULL DEFAULT 1,"
	" status TEXT NOT NULL DEFAULT 'new', status_by TEXT, status_at BIGINT,"
	" feedback_at BIGINT, escalated_at BIGINT, esc_token BIGINT);"
	"CREATE TABLE lead_sources ("
	" lead_id BIGINT NOT NULL, appliance TEXT NOT NULL, first_seen BIGINT NOT NULL,"
	" last_seen BIGINT NOT NULL, PRIMARY KEY (lead_id, appliance));"
	"CREATE TABLE lead_events ("
	" id @ID@, lead_id BIGINT NOT NULL, at BIGINT NOT NULL, who TEXT NOT NULL,"
	" kind TEXT NOT NULL, status TEXT, tier TEXT, note TEXT);"
	"CREATE INDEX lead_events_lead ON lead_events (lead_id);"
	"CREATE TABLE lead_evidence ("
	" lead_id BIGINT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL,"
	" count BIGINT NOT NULL, first_ts BIGINT, last_ts BIGINT,"
	" PRIMARY KEY (lead_id, kind, detail));"
	"CREATE TABLE lead_infra ("
	" lead_id BIGINT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,"
	" PRIMARY KEY (lead_id, kind, value));"
	"CREATE INDEX lead_infra_value ON lead_infra (kind, value);"
	"CREATE TABLE sims ("
	" sim_key TEXT PRIMARY KEY, imsi TEXT, iccid TEXT, msisdn TEXT, imei TEXT,"
	" lead_id BIGINT NOT NULL, first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL);"
	"CREATE TABLE configs ("
	" version BIGINT PRIMARY KEY, grp TEXT NOT NULL, body TEXT NOT NULL,"
	" blob_hex TEXT NOT NULL, created BIGINT NOT NULL, created_by TEXT);"
	"CREATE INDEX configs_grp ON configs (grp, version);"
	"CREATE TABLE config_acks ("
	" appliance TEXT NOT NULL, version BIGINT NOT NULL, status INTEGER,"
	" message TEXT, pushed_at BIGINT, acked_at BIGINT,"
	" PRIMARY KEY (appliance, version));",
	/* 2: the spool epoch (which numbering the appliance's seqs belong to) and
	 * where that numbering starts among the stored seqs */
	"ALTER TABLE appliances ADD COLUMN spool_epoch BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE appliances ADD COLUMN seq_base BIGINT NOT NULL DEFAULT 0;",
	/* 3: records central cannot store, acked and kept aside (docs/central.md) */
	"CREATE TABLE quarantine ("
	" appliance TEXT NOT NULL, seq BIGINT NOT NULL, received BIGINT NOT NULL,"
	" reason TEXT NOT NULL, size BIGINT NOT NULL, raw @BLOB@ NOT NULL,"
	" PRIMARY KEY (appliance, seq));"
	"ALTER TABLE appliances ADD COLUMN quarantined BIGINT NOT NULL DEFAULT 0;",
	/* 4: console users, sessions, API tokens, the append-only audit trail
	 * (docs/api.md); @APPEND_ONLY@ is the adapter's refusal of UPDATE/DELETE */
	"CREATE TABLE users ("
	" id @ID@, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, carrier TEXT,"
	" hash TEXT NOT NULL, disabled INTEGER NOT NULL DEFAULT 0,"
	" created BIGINT NOT NULL, changed BIGINT NOT NULL);"
	"CREATE TABLE sessions ("
	" id_hash TEXT PRIMARY KEY, user_id BIGINT NOT NULL, csrf TEXT NOT NULL,"
	" created BIGINT NOT NULL, last_used BIGINT NOT NULL, addr TEXT);"
	"CREATE TABLE api_tokens ("
	" id @ID@, hash TEXT NOT NULL UNIQUE, user_id BIGINT NOT NULL,"
	" role TEXT NOT NULL, created BIGINT NOT NULL, revoked BIGINT);"
	"CREATE TABLE audit ("
	" id @ID@, at BIGINT NOT NULL, who TEXT NOT NULL, addr TEXT,"
	" action TEXT NOT NULL, target TEXT, result TEXT NOT NULL);"
	"@APPEND_ONLY@",
	/* 5: the console's lead assignment and the appliances' sites */
	"ALTER TABLE leads ADD COLUMN assignee TEXT;"
	"ALTER TABLE leads ADD COLUMN assigned_at BIGINT;"
	"ALTER TABLE appliances ADD COLUMN site TEXT;",
	/* 6: carriers' dispositions of SIMs, a history (sims.c); the current one
	 * is the latest by time given, then by entry (the view); SIMs by lead */
	"CREATE TABLE sim_dispositions ("
	" id @ID@, sim_key TEXT NOT NULL, disposition TEXT NOT NULL, at BIGINT NOT NULL,"
	" who TEXT NOT NULL, note TEXT, recorded BIGINT NOT NULL);"
	"CREATE INDEX sim_dispositions_key ON sim_dispositions (sim_key, at, id);"
	"CREATE INDEX sims_lead ON sims (lead_id, sim_key);"
	"CREATE VIEW sim_disposition_now AS"
	" SELECT d.sim_key, d.disposition, d.at, d.who, d.note FROM sim_dispositions d"
	" WHERE d.id = (SELECT e.id FROM sim_dispositions e WHERE e.sim_key = d.sim_key"
	" ORDER BY e.at DESC, e.id DESC LIMIT 1);",
	/* 7: the detection records behind each lead (the lead detail), who a lead
	 * was assigned to in its history, SIMs by lead, and the leads of an
	 * infrastructure item in order (rings); SIMs by lead is in 6 */
	"CREATE TABLE lead_records ("
	" appliance TEXT NOT NULL, seq BIGINT NOT NULL, lead_id BIGINT NOT NULL,"
	" ts BIGINT NOT NULL, PRIMARY KEY (appliance, seq));"
	"CREATE INDEX lead_records_lead ON lead_records (lead_id, ts);"
	"ALTER TABLE lead_events ADD COLUMN assignee TEXT;"
	"CREATE INDEX lead_infra_item ON lead_infra (kind, value, lead_id);",
	/* 8: the lead change log the console's event streams read (events.c) */
	"CREATE TABLE lead_changes ("
	" seq @ID@, lead_id BIGINT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL);",
	/* 9: what health records say per drop stage and of the spool's oldest
	 * record; console users' client-certificate CN (docs/api.md) */
	"ALTER TABLE appliances ADD COLUMN drops_kernel BIGINT;"
	"ALTER TABLE appliances ADD COLUMN drops_ring BIGINT;"
	"ALTER TABLE appliances ADD COLUMN drops_decode BIGINT;"
	"ALTER TABLE appliances ADD COLUMN drops_flow_full BIGINT;"
	"ALTER TABLE appliances ADD COLUMN drops_reasm BIGINT;"
	"ALTER TABLE appliances ADD COLUMN spool_oldest_age BIGINT;"
	"ALTER TABLE users ADD COLUMN cert_cn TEXT;"
	"CREATE UNIQUE INDEX users_cert_cn ON users (cert_cn);",
	/* 10: the lead queue at scale (docs/central.md): its order as an index,
	 * so a page is a range of it, deep pages too; one analyst's queue; the
	 * site filter; the per-lead count of appliances (SIMs by lead: 6). No index on
	 * status alone: SQLite took it for "new,acknowledged" and sorted most
	 * of the table, where the queue's order finds a page in a few rows. */
	"CREATE INDEX leads_queue ON leads (tier_rank DESC, deadline, id);"
	"CREATE INDEX leads_assignee ON leads (assignee, tier_rank DESC, deadline, id);"
	"CREATE INDEX lead_sources_appliance ON lead_sources (appliance);"
	"CREATE INDEX appliances_site ON appliances (site);",
	/* 11: the alert queue (alert.c): one row per lead revision, kind and
	 * channel; alert_channels holds the channels serve has configured */
	"CREATE TABLE alert_channels (channel TEXT PRIMARY KEY, since BIGINT NOT NULL);"
	"CREATE TABLE alerts ("
	" id @ID@, lead_id BIGINT NOT NULL, revision BIGINT NOT NULL,"
	" channel TEXT NOT NULL, kind TEXT NOT NULL,"
	" state TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,"
	" next_at BIGINT NOT NULL, last_error TEXT, created BIGINT NOT NULL,"
	" sent_at BIGINT, UNIQUE (lead_id, revision, kind, channel));"
	"CREATE INDEX alerts_due ON alerts (state, next_at);",
	/* 12: what a shared foreign peer is to a lead (softswitch, sms_server,
	 * sim_bank; NULL: another peer), for the console's rings graph */
	"ALTER TABLE lead_infra ADD COLUMN role TEXT;",
	/* 13: evidence files (evstore.c, docs/evidence.md): the verified files,
	 * content-addressed on disk by sha256; the chunks of files in transfer;
	 * the detection records that name a file (the link to the lead) */
	"CREATE TABLE evidence ("
	" sha256 TEXT PRIMARY KEY, appliance TEXT NOT NULL, name TEXT NOT NULL,"
	" size BIGINT NOT NULL, sig TEXT NOT NULL, cert TEXT NOT NULL,"
	" received BIGINT NOT NULL, verified BIGINT NOT NULL, deleted BIGINT);"
	"CREATE TABLE evidence_parts ("
	" appliance TEXT NOT NULL, sha256 TEXT NOT NULL, off BIGINT NOT NULL,"
	" len BIGINT NOT NULL, received BIGINT NOT NULL,"
	" PRIMARY KEY (appliance, sha256, off));"
	"CREATE TABLE evidence_links ("
	" sha256 TEXT NOT NULL, appliance TEXT NOT NULL, seq BIGINT NOT NULL,"
	" PRIMARY KEY (sha256, appliance, seq));"
	"CREATE INDEX evidence_links_rec ON evidence_links (appliance, seq);",
	/* 14: sample calls of detected lines (line-calls.c, the lead's call
	 * ladder): per appliance and line (ip, vlan, pppoe; -1 none), the newest
	 * LINE_CALLS_KEEP; times in epoch ms */
	"CREATE TABLE line_calls ("
	" id @ID@, appliance TEXT NOT NULL, seq BIGINT NOT NULL, ip TEXT NOT NULL,"
	" vlan BIGINT NOT NULL, pppoe BIGINT NOT NULL, received BIGINT NOT NULL,"
	" call_id TEXT NOT NULL, caller TEXT NOT NULL, callee TEXT NOT NULL,"
	" direction TEXT NOT NULL, src_ip TEXT NOT NULL, src_port BIGINT,"
	" dst_ip TEXT NOT NULL, dst_port BIGINT, user_agent TEXT NOT NULL,"
	" server TEXT NOT NULL, first_ms BIGINT, invite_ms BIGINT NOT NULL,"
	" setup_ms BIGINT, answer_ms BIGINT, end_ms BIGINT NOT NULL,"
	" duration_ms BIGINT, status BIGINT, state TEXT NOT NULL,"
	" end_reason TEXT NOT NULL, hangup TEXT, bye_status BIGINT, messages BIGINT,"
	" UNIQUE (appliance, seq));"
	"CREATE INDEX line_calls_line ON line_calls (ip, vlan, pppoe, appliance, end_ms);",
	/* 15: files pushed to appliances (filestore.c): per kind and group,
	 * versions with their signed offer; the bytes live in files_dir by
	 * sha256. file_acks: each appliance's latest offer and answer per kind */
	"CREATE TABLE files ("
	" kind TEXT NOT NULL, version BIGINT NOT NULL, grp TEXT NOT NULL,"
	" size BIGINT NOT NULL, sha256 TEXT NOT NULL, label TEXT NOT NULL,"
	" flags BIGINT NOT NULL, sig TEXT NOT NULL, created BIGINT NOT NULL,"
	" created_by TEXT NOT NULL, PRIMARY KEY (kind, grp, version));"
	"CREATE TABLE file_acks ("
	" appliance TEXT NOT NULL, kind TEXT NOT NULL, version BIGINT NOT NULL,"
	" status BIGINT, message TEXT, offered_at BIGINT, acked_at BIGINT,"
	" PRIMARY KEY (appliance, kind));",
	/* 16: each lead's SIMs and appliances counted on the lead (the queue's
	 * SIMS and APPL columns, read per row of every page), kept exact by
	 * triggers on sims and lead_sources (@LEAD_COUNTS@): a row added, removed,
	 * or moved to another lead (a SIM seen on a new line) */
	"ALTER TABLE leads ADD COLUMN n_sims BIGINT NOT NULL DEFAULT 0;"
	"ALTER TABLE leads ADD COLUMN n_appliances BIGINT NOT NULL DEFAULT 0;"
	"UPDATE leads SET n_sims = (SELECT COUNT(*) FROM sims m WHERE m.lead_id = leads.id)"
	" WHERE id IN (SELECT lead_id FROM sims);"
	"UPDATE leads SET n_appliances = (SELECT COUNT(*) FROM lead_sources s"
	" WHERE s.lead_id = leads.id) WHERE id IN (SELECT lead_id FROM lead_sources);"
	"@LEAD_COUNTS@",
	/* 17: staged firmware rollouts (rollout.c): one per group at a time
	 * (ended IS NULL), its offer's flags and signature (downgrade allowed is
	 * signed at rollout time); each member appliance's state (waiting, offered,
	 * installed, running, healthy, failed) with its time and message; halts 0
	 * on a failure that does not stop the rollout (too old to take pushes) */
	"CREATE TABLE rollouts ("
	" id @ID@, grp TEXT NOT NULL, fw_version TEXT NOT NULL,"
	" file_version BIGINT NOT NULL, flags BIGINT NOT NULL, sig TEXT NOT NULL,"
	" canaries BIGINT NOT NULL, window_secs BIGINT NOT NULL, phase TEXT NOT NULL,"
	" phase_at BIGINT NOT NULL, reason TEXT, created BIGINT NOT NULL,"
	" created_by TEXT NOT NULL, ended BIGINT);"
	"CREATE UNIQUE INDEX rollouts_active ON rollouts (grp) WHERE ended IS NULL;"
	"CREATE TABLE rollout_members ("
	" rollout BIGINT NOT NULL, appliance TEXT NOT NULL, canary BIGINT NOT NULL,"
	" state TEXT NOT NULL, state_at BIGINT NOT NULL, message TEXT,"
	" halts BIGINT NOT NULL DEFAULT 1, offered_at BIGINT, running_at BIGINT,"
	" reconnects BIGINT NOT NULL DEFAULT 0, hb0 BIGINT, packets0 BIGINT,"
	" PRIMARY KEY (rollout, appliance));"
	"CREATE INDEX rollout_members_appliance ON rollout_members (appliance);",
	/* 18: each lead's site (the queue's site column, read per row of every
	 * page): the first by name of its appliances' sites, NULL when none has
	 * one; kept by triggers on lead_sources (they now also keep n_appliances)
	 * and on appliances' site (@LEAD_SITE@) */
	"ALTER TABLE leads ADD COLUMN site TEXT;"
	"UPDATE leads SET site = " LEAD_SITE_OF("leads.id")
	" WHERE id IN (SELECT lead_id FROM lead_sources);"
	"@LEAD_SITE@",
	/* 19: the linked leads of a lead's detail (leads sharing a peer, IMSI or
	 * IMEI) read from one index: each infrastructure row carries its lead's
	 * tier, status and ip, kept by triggers on lead_infra and leads
	 * (@LEAD_LINK@); the index replaces 7's lead_infra_item, of which it
	 * is an extension (the rings read it too) */
	"ALTER TABLE lead_infra ADD COLUMN lead_tier TEXT;"
	"ALTER TABLE lead_infra ADD COLUMN lead_status TEXT;"
	"ALTER TABLE lead_infra ADD COLUMN lead_ip TEXT;"
	"UPDATE lead_infra SET (lead_tier, lead_status, lead_ip) ="
	" (SELECT tier, status, ip FROM leads WHERE leads.id = lead_infra.lead_id);"
	"CREATE INDEX lead_infra_link ON lead_infra"
	" (kind, value, lead_id, lead_tier, lead_status, lead_ip);"
	"DROP INDEX lead_infra_item;"
	"@LEAD_LINK@",
	/* 20: the rank a lead had before the upsert that last escalated it, so
	 * a run of one lead's detections written in one statement (lead-run.c)
	 * tells which of them escalated it */
	"ALTER TABLE leads ADD COLUMN esc_from INTEGER;",
};

/*
 * Per adapter, the text of a tag in a migration: @APPEND_ONLY@, the triggers
 * that make the audit table append-only; @LEAD_COUNTS@, the triggers that keep
 * leads.n_sims and leads.n_appliances equal to the rows that name the lead;
 * @LEAD_SITE@, those that also keep leads.site equal to its LEAD_SITE_OF;
 * @LEAD_LINK@, those that keep lead_infra's lead_tier, lead_status and
 * lead_ip equal to its lead's tier, status and ip.
 */
static const struct {
	const char	*tag;
	const char	*adapter;
	const char	*sql;
} per_adapter[] = {
	{ "@APPEND_ONLY@", "sqlite",
	  "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
	  " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;"
	  "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
	  " BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;" },
	{ "@APPEND_ONLY@", "postgresql",
	  "CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS"
	  " $$ BEGIN RAISE EXCEPTION 'audit is append-only'; END $$;"
	  "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit"
	  " FOR EACH ROW EXECUTE FUNCTION audit_refuse();"
	  "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit"
	  " FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse();" },
	/* one UPDATE of the lead per row added, removed or moved: a SIM seen
	 * again on its lead (the upsert's DO UPDATE) changes no lead_id and
	 * runs nothing */
	{ "@LEAD_COUNTS@", "sqlite",
	  "CREATE TRIGGER sims_count_add AFTER INSERT ON sims BEGIN"
	  " UPDATE leads SET n_sims = n_sims + 1 WHERE id = NEW.lead_id; END;"
	  "CREATE TRIGGER sims_count_del AFTER DELETE ON sims BEGIN"
	  " UPDATE leads SET n_sims = n_sims - 1 WHERE id = OLD.lead_id; END;"
	  "CREATE TRIGGER sims_count_move AFTER UPDATE OF lead_id ON sims"
	  " WHEN OLD.lead_id IS NOT NEW.lead_id BEGIN"
	  " UPDATE leads SET n_sims = n_sims - 1 WHERE id = OLD.lead_id;"
	  " UPDATE leads SET n_sims = n_sims + 1 WHERE id = NEW.lead_id; END;"
	  "CREATE TRIGGER sources_count_add AFTER INSERT ON lead_sources BEGIN"
	  " UPDATE leads SET n_appliances = n_appliances + 1 WHERE id = NEW.lead_id; END;"
	  "CREATE TRIGGER sources_count_del AFTER DELETE ON lead_sources BEGIN"
	  " UPDATE leads SET n_appliances = n_appliances - 1 WHERE id = OLD.lead_id; END;"
	  "CREATE TRIGGER sources_count_move AFTER UPDATE OF lead_id ON lead_sources"
	  " WHEN OLD.lead_id IS NOT NEW.lead_id BEGIN"
	  " UPDATE leads SET n_appliances = n_appliances - 1 WHERE id = OLD.lead_id;"
	  " UPDATE leads SET n_appliances = n_appliances + 1 WHERE id = NEW.lead_id; END;" },
	/* exact under concurrent writers: each UPDATE locks the lead's row and
	 * adds to its newest version (READ COMMITTED re-reads it) */
	{ "@LEAD_COUNTS@", "postgresql",
	  "CREATE FUNCTION lead_sims_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	  " IF TG_OP <> 'INSERT' THEN"
	  "  UPDATE leads SET n_sims = n_sims - 1 WHERE id = OLD.lead_id; END IF;"
	  " IF TG_OP <> 'DELETE' THEN"
	  "  UPDATE leads SET n_sims = n_sims + 1 WHERE id = NEW.lead_id; END IF;"
	  " RETURN NULL; END $$;"
	  "CREATE FUNCTION lead_sources_count() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	  " IF TG_OP <> 'INSERT' THEN"
	  "  UPDATE leads SET n_appliances = n_appliances - 1 WHERE id = OLD.lead_id; END IF;"
	  " IF TG_OP <> 'DELETE' THEN"
	  "  UPDATE leads SET n_appliances = n_appliances + 1 WHERE id = NEW.lead_id; END IF;"
	  " RETURN NULL; END $$;"
	  "CREATE TRIGGER sims_count AFTER INSERT OR DELETE ON sims"
	  " FOR EACH ROW EXECUTE FUNCTION lead_sims_count();"
	  "CREATE TRIGGER sims_count_move AFTER UPDATE OF lead_id ON sims FOR EACH ROW"
	  " WHEN (OLD.lead_id IS DISTINCT FROM NEW.lead_id) EXECUTE FUNCTION lead_sims_count();"
	  "CREATE TRIGGER sources_count AFTER INSERT OR DELETE ON lead_sources"
	  " FOR EACH ROW EXECUTE FUNCTION lead_sources_count();"
	  "CREATE TRIGGER sources_count_move AFTER UPDATE OF lead_id ON lead_sources"
	  " FOR EACH ROW WHEN (OLD.lead_id IS DISTINCT FROM NEW.lead_id)"
	  " EXECUTE FUNCTION lead_sources_count();" },
	/* the lead's appliance count and site in one UPDATE per source added,
	 * removed or changed (replacing 16's source triggers); every lead of an
	 * appliance whose site (or id) changes, in one statement */
	{ "@LEAD_SITE@", "sqlite",
	  "DROP TRIGGER sources_count_add;"
	  "DROP TRIGGER sources_count_del;"
	  "DROP TRIGGER sources_count_move;"
	  "CREATE TRIGGER sources_count_add AFTER INSERT ON lead_sources BEGIN"
	  " UPDATE leads SET n_appliances = n_appliances + 1,"
	  " site = " LEAD_SITE_OF("NEW.lead_id") " WHERE id = NEW.lead_id; END;"
	  "CREATE TRIGGER sources_count_del AFTER DELETE ON lead_sources BEGIN"
	  " UPDATE leads SET n_appliances = n_appliances - 1,"
	  " site = " LEAD_SITE_OF("OLD.lead_id") " WHERE id = OLD.lead_id; END;"
	  "CREATE TRIGGER sources_count_move AFTER UPDATE OF lead_id, appliance"
	  " ON lead_sources WHEN OLD.lead_id IS NOT NEW.lead_id"
	  " OR OLD.appliance IS NOT NEW.appliance BEGIN"
	  " UPDATE leads SET n_appliances = n_appliances - (OLD.lead_id IS NOT NEW.lead_id),"
	  " site = " LEAD_SITE_OF("OLD.lead_id") " WHERE id = OLD.lead_id;"
	  " UPDATE leads SET n_appliances = n_appliances + (OLD.lead_id IS NOT NEW.lead_id),"
	  " site = " LEAD_SITE_OF("NEW.lead_id") " WHERE id = NEW.lead_id; END;"
	  "CREATE TRIGGER site_of_appliance_set AFTER UPDATE OF id, site ON appliances"
	  " WHEN OLD.site IS NOT NEW.site OR OLD.id IS NOT NEW.id BEGIN"
	  " UPDATE leads SET site = " LEAD_SITE_OF("leads.id") " WHERE id IN"
	  " (SELECT lead_id FROM lead_sources WHERE appliance IN (OLD.id, NEW.id)); END;"
	  "CREATE TRIGGER site_of_appliance_add AFTER INSERT ON appliances"
	  " WHEN NEW.site IS NOT NULL BEGIN"
	  " UPDATE leads SET site = " LEAD_SITE_OF("leads.id") " WHERE id IN"
	  " (SELECT lead_id FROM lead_sources WHERE appliance = NEW.id); END;"
	  "CREATE TRIGGER site_of_appliance_del AFTER DELETE ON appliances"
	  " WHEN OLD.site IS NOT NULL BEGIN"
	  " UPDATE leads SET site = " LEAD_SITE_OF("leads.id") " WHERE id IN"
	  " (SELECT lead_id FROM lead_sources WHERE appliance = OLD.id); END;" },
	/*
	 * Exact under concurrent writers. A source added takes its appliance's
	 * lock (LEAD_SITE_LOCK, shared) and then reads the appliance's site; a
	 * site changed takes it exclusively (after its row's update) and then
	 * recomputes the appliance's leads: so either the source's transaction
	 * commits first and the recompute sees it, or the source reads the new
	 * site. The lock is in memory, not a row lock, which would write the
	 * row (ingest adds sources to new leads at its full rate). A source
	 * added sets the lead's site to the smaller of the two, referring to
	 * the row's own value only, so a concurrent writer of the lead is
	 * re-read (READ COMMITTED) and nothing is lost. A recompute (a source
	 * removed or changed, a site changed) locks the lead's row first, by a
	 * statement of its own, so its snapshot is taken after the lock and
	 * sees every committed source (a subquery in the UPDATE alone would
	 * keep the snapshot from before a wait).
	 */
	{ "@LEAD_SITE@", "postgresql",
	  "CREATE FUNCTION lead_site_sync(lid BIGINT, dn BIGINT) RETURNS void"
	  " LANGUAGE plpgsql AS $$ BEGIN"
	  " PERFORM 1 FROM leads WHERE id = lid FOR UPDATE;"
	  " UPDATE leads SET n_appliances = n_appliances + dn,"
	  " site = " LEAD_SITE_OF("lid") " WHERE id = lid; END $$;"
	  "CREATE OR REPLACE FUNCTION lead_sources_count() RETURNS trigger"
	  " LANGUAGE plpgsql AS $$ DECLARE s TEXT; BEGIN"
	  " IF TG_OP = 'INSERT' THEN"
	  "  PERFORM pg_advisory_xact_lock_shared(" LEAD_SITE_LOCK("NEW.appliance") ");"
	  "  SELECT site INTO s FROM appliances WHERE id = NEW.appliance;"
	  "  UPDATE leads SET n_appliances = n_appliances + 1, site = CASE WHEN s IS NOT NULL"
	  "   AND (site IS NULL OR s < site) THEN s ELSE site END WHERE id = NEW.lead_id;"
	  " ELSIF TG_OP = 'DELETE' THEN"
	  "  PERFORM lead_site_sync(OLD.lead_id, -1);"
	  " ELSE"
	  "  PERFORM pg_advisory_xact_lock_shared(" LEAD_SITE_LOCK("NEW.appliance") ");"
	  "  IF OLD.lead_id IS DISTINCT FROM NEW.lead_id THEN"
	  "   PERFORM lead_site_sync(OLD.lead_id, -1);"
	  "   PERFORM lead_site_sync(NEW.lead_id, 1);"
	  "  ELSE"
	  "   PERFORM lead_site_sync(NEW.lead_id, 0);"
	  "  END IF;"
	  " END IF;"
	  " RETURN NULL; END $$;"
	  "DROP TRIGGER sources_count_move ON lead_sources;"
	  "CREATE TRIGGER sources_count_move AFTER UPDATE OF lead_id, appliance"
	  " ON lead_sources FOR EACH ROW WHEN (OLD.lead_id IS DISTINCT FROM NEW.lead_id"
	  " OR OLD.appliance IS DISTINCT FROM NEW.appliance)"
	  " EXECUTE FUNCTION lead_sources_count();"
	  "CREATE FUNCTION appliance_site_sync() RETURNS trigger LANGUAGE plpgsql AS $$"
	  " DECLARE a TEXT; b TEXT; BEGIN"
	  " IF TG_OP <> 'INSERT' THEN a := OLD.id; END IF;"
	  " IF TG_OP <> 'DELETE' THEN b := NEW.id; END IF;"
	  " PERFORM pg_advisory_xact_lock(" LEAD_SITE_LOCK("x") ")"
	  "  FROM unnest(ARRAY[a, b]) x WHERE x IS NOT NULL ORDER BY x;"
	  " PERFORM 1 FROM leads WHERE id IN (SELECT lead_id FROM lead_sources"
	  "  WHERE appliance IN (a, b)) ORDER BY id FOR UPDATE;"
	  " UPDATE leads SET site = " LEAD_SITE_OF("leads.id") " WHERE id IN"
	  "  (SELECT lead_id FROM lead_sources WHERE appliance IN (a, b))"
	  "  AND site IS DISTINCT FROM " LEAD_SITE_OF("leads.id") ";"
	  " RETURN NULL; END $$;"
	  "CREATE TRIGGER site_of_appliance_set AFTER UPDATE OF id, site ON appliances"
	  " FOR EACH ROW WHEN (OLD.site IS DISTINCT FROM NEW.site"
	  " OR OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION appliance_site_sync();"
	  "CREATE TRIGGER site_of_appliance_add AFTER INSERT ON appliances"
	  " FOR EACH ROW WHEN (NEW.site IS NOT NULL) EXECUTE FUNCTION appliance_site_sync();"
	  "CREATE TRIGGER site_of_appliance_del AFTER DELETE ON appliances"
	  " FOR EACH ROW WHEN (OLD.site IS NOT NULL) EXECUTE FUNCTION appliance_site_sync();" },
	/* a row added without them (ingest gives them, lead-ingest.c) or moved to
	 * another lead takes its lead's values; a lead's tier, status or ip
	 * changed rewrites its rows that differ */
	{ "@LEAD_LINK@", "sqlite",
	  "CREATE TRIGGER lead_infra_link_add AFTER INSERT ON lead_infra"
	  " WHEN NEW.lead_tier IS NULL BEGIN"
	  " UPDATE lead_infra SET (lead_tier, lead_status, lead_ip) = (SELECT tier,"
	  " status, ip FROM leads WHERE id = NEW.lead_id) WHERE lead_id = NEW.lead_id"
	  " AND kind = NEW.kind AND value = NEW.value; END;"
	  "CREATE TRIGGER lead_infra_link_move AFTER UPDATE OF lead_id ON lead_infra"
	  " WHEN OLD.lead_id IS NOT NEW.lead_id BEGIN"
	  " UPDATE lead_infra SET (lead_tier, lead_status, lead_ip) = (SELECT tier,"
	  " status, ip FROM leads WHERE id = NEW.lead_id) WHERE lead_id = NEW.lead_id"
	  " AND kind = NEW.kind AND value = NEW.value; END;"
	  "CREATE TRIGGER lead_infra_link_lead AFTER UPDATE OF tier, status, ip ON leads"
	  " WHEN OLD.tier IS NOT NEW.tier OR OLD.status IS NOT NEW.status"
	  " OR OLD.ip IS NOT NEW.ip BEGIN"
	  " UPDATE lead_infra SET lead_tier = NEW.tier, lead_status = NEW.status,"
	  " lead_ip = NEW.ip WHERE lead_id = NEW.id; END;" },
	/*
	 * A row added without them takes its lead's values with the lead's row
	 * locked (FOR SHARE), so a change of the lead and a row being added wait
	 * for each other: the change's rewrite, a statement of its own after the
	 * lock, sees the row. Ingest gives the values of the lead it upserted in
	 * the same transaction (its row locked until commit), so the trigger is
	 * skipped there: it cost about 30 us per upsert, most of them of rows
	 * seen again.
	 */
	{ "@LEAD_LINK@", "postgresql",
	  "CREATE FUNCTION lead_infra_link() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	  " SELECT tier, status, ip INTO NEW.lead_tier, NEW.lead_status, NEW.lead_ip"
	  " FROM leads WHERE id = NEW.lead_id FOR SHARE;"
	  " RETURN NEW; END $$;"
	  "CREATE TRIGGER lead_infra_link BEFORE INSERT ON lead_infra FOR EACH ROW"
	  " WHEN (NEW.lead_tier IS NULL) EXECUTE FUNCTION lead_infra_link();"
	  "CREATE TRIGGER lead_infra_link_move BEFORE UPDATE OF lead_id ON lead_infra"
	  " FOR EACH ROW WHEN (OLD.lead_id IS DISTINCT FROM NEW.lead_id)"
	  " EXECUTE FUNCTION lead_infra_link();"
	  "CREATE FUNCTION lead_infra_relink() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
	  " UPDATE lead_infra SET lead_tier = NEW.tier, lead_status = NEW.status,"
	  " lead_ip = NEW.ip WHERE lead_id = NEW.id AND (lead_tier IS DISTINCT FROM NEW.tier"
	  " OR lead_status IS DISTINCT FROM NEW.status OR lead_ip IS DISTINCT FROM NEW.ip);"
	  " RETURN NULL; END $$;"
	  "CREATE TRIGGER lead_infra_relink AFTER UPDATE OF tier, status, ip ON leads"
	  " FOR EACH ROW WHEN (OLD.tier IS DISTINCT FROM NEW.tier"
	  " OR OLD.status IS DISTINCT FROM NEW.status OR OLD.ip IS DISTINCT FROM NEW.ip)"
	  " EXECUTE FUNCTION lead_infra_relink();" },
};

#define NMIGRATIONS	((int)(sizeof(migrations) / sizeof(migrations[0])))

int
schema_version(void)
{
	return NMIGRATIONS;
}

/* sql with every tag replaced by val; NULL when out of memory. */
static char *
replace(const char *sql, const char *tag, const char *val)
{
	size_t n = strlen(sql) + 1, tl = strlen(tag), vl = strlen(val);
	const char *p;
	char *out, *o;

	for (p = sql; (p = strstr(p, tag)) != NULL; p += tl)
		n += vl;
	if ((out = o = malloc(n)) == NULL)
		return NULL;
	while ((p = strstr(sql, tag)) != NULL) {
		memcpy(o, sql, (size_t)(p - sql));
		o += p - sql;
		memcpy(o, val, vl);
		o += vl;
		sql = p + tl;
	}
	strcpy(o, sql);
	return out;
}

/* sql with each per-adapter tag replaced; NULL when out of memory. */
static char *
adapter_tags(const char *sql, const struct storage_ops *ops)
{
	char *out = strdup(sql), *next;

	for (size_t i = 0; out != NULL && i < sizeof(per_adapter) / sizeof(per_adapter[0]); i++)
		if (strcmp(per_adapter[i].adapter, ops->name) == 0 &&
		    strstr(out, per_adapter[i].tag) != NULL) {
			next = replace(out, per_adapter[i].tag, per_adapter[i].sql);
			free(out);
			out = next;
		}
	return out;
}

/* The migration text with @ID@, @BLOB@ and the per-adapter tags replaced. */
static char *
expand(const char *sql, const struct storage_ops *ops)
{
	char *ids = replace(sql, "@ID@", ops->id_type), *blobs, *out;

	if (ids == NULL)
		return NULL;
	blobs = replace(ids, "@BLOB@", ops->blob_type);
	free(ids);
	if (blobs == NULL)
		return NULL;
	out = adapter_tags(blobs, ops);
	free(blobs);
	return out;
}

static int
apply(struct storage *st, int v)
{
	char *sql = expand(migrations[v - 1], st->ops);
	int rc = -1;

	if (sql == NULL)
		return -1;
	if (db_begin(st) == 0) {
		if (st->ops->exec_script(st, sql) == 0 &&
		    db_exec(st, "UPDATE schema_version SET version = $1",
		    (struct db_arg[]){ DB_I(v) }, 1) == 0 && db_commit(st) == 0)
			rc = 0;
		else
			db_rollback(st);
	}
	free(sql);
	return rc;
}

int
schema_migrate(struct storage *st)
{
	int64_t cur;
	int rc = 0;

	if (st->ops->lock_schema(st) == -1)
		return -1;
	if (st->ops->exec_script(st, "CREATE TABLE IF NOT EXISTS schema_version"
	    " (version BIGINT NOT NULL)") == -1 ||
	    db_int(st, "SELECT version FROM schema_version", NULL, 0, -1, &cur) == -1)
		rc = -1;
	else if (cur == -1 && db_exec(st, "INSERT INTO schema_version VALUES (0)",
	    NULL, 0) == -1)
		rc = -1;
	for (int v = (int)(cur < 0 ? 0 : cur) + 1; rc == 0 && v <= NMIGRATIONS; v++)
		rc = apply(st, v);
	if (rc == 0 && cur > NMIGRATIONS) {
		snprintf(st->err, sizeof(st->err), "database schema %lld is newer than"
		    " this program (%d)", (long long)cur, NMIGRATIONS);
		rc = -1;
	}
	st->ops->unlock_schema(st);
	return rc;
}

/* Read-only opens: the schema must be there and be this program's. */
int
schema_check(struct storage *st)
{
	int64_t cur;

	if (db_int(st, "SELECT version FROM schema_version", NULL, 0, -1, &cur) == -1 ||
	    cur == -1) {
		snprintf(st->err, sizeof(st->err), "not a goipwatch-central database"
		    " (no schema_version): read-only commands do not create one");
		return -1;
	}
	if (cur != NMIGRATIONS) {
		snprintf(st->err, sizeof(st->err), "database schema %lld is %s than this"
		    " program's (%d)%s", (long long)cur, cur < NMIGRATIONS ? "older" :
		    "newer", NMIGRATIONS, cur < NMIGRATIONS ?
		    ": run 'serve' once to migrate it" : "");
		return -1;
	}
	return 0;
}
