/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central ingest of hostile strings on SQLite: bad bytes are stored as
 * U+FFFD, a record that cannot be stored is quarantined, acked and counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "frame.h"
#include "ingest.h"
#include "storage.h"
#include "utf8.h"

static const char det_fmt[] = "{\"type\":\"detection\",\"ts\":\"2026-11-29T09:00:00.000Z\","
	"\"subject\":{\"ip\":\"100.64.0.%d\"},\"verdict\":\"goip_present\",\"tier\":\"urgent\","
	"\"evidence\":[{\"kind\":\"sip_user_agent\",\"detail\":\"%s\",\"count\":1}],"
	"\"device\":{\"id\":\"%s\",\"sims\":[{\"imsi\":\"%s\"}]}}";

static struct storage *
open_db(void)
{
	char err[256];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));
	struct ingest_hello h = { .appliance = "gw-1", .firmware = "fw\xff", .now = 1 };

	assert_non_null(st);
	assert_int_equal(ingest_hello(st, &h), 0);
	return st;
}

static int
all_valid(void *arg, const struct db_row *r)
{
	int *bad = arg;

	for (int i = 0; i < r->n; i++)
		if (r->v[i] != NULL && (!utf8_is_valid(r->v[i], strlen(r->v[i])) ||
		    strstr(r->v[i], "\xef\xbf\xbd") == NULL))
			(*bad)++;
	return 0;
}

/* A session first: its hello decides the numbering the seqs belong to. */
static int
hello(struct storage *st, struct ingest_hello *h)
{
	memset(h, 0, sizeof(*h));
	h->appliance = "gw-1";
	h->now = 1000;
	return ingest_hello(st, h);
}

/* Raw 0xff, 0x9b, a NUL and a cut character: stored, valid, as U+FFFD. */
static void
test_sanitise(void **state)
{
	struct storage *st = open_db();
	char json[2048], id[256] = "G\xff";
	struct ingest_rec r;
	struct ingest_counts c = { 0 };
	struct ingest_hello h;
	int bad = 0;
	int64_t v;

	(void)state;
	for (int i = 0; i < 40; i++)
		strcat(id, "\xe7\x8c\xab");
	r.len = (uint32_t)snprintf(json, sizeof(json), det_fmt, 1, "dble \\u001b[2J\x9b",
	    id, "46000\xe7\x8c");
	json[strstr(json, "dble") - json + 2] = '\0';	/* "db\0e" */
	r.json = json;
	r.seq = 1;
	assert_int_equal(hello(st, &h), 0);
	assert_int_equal(ingest_records(st, "gw-1", &h.spool, &r, 1, 1000, false, &c), 0);
	assert_int_equal(c.sanitised, 1);
	assert_int_equal(c.detections, 1);
	assert_int_equal(db_query(st, "SELECT body FROM records", NULL, 0, all_valid, &bad), 0);
	assert_int_equal(db_query(st, "SELECT device_id FROM leads", NULL, 0, all_valid,
	    &bad), 0);
	assert_int_equal(db_query(st, "SELECT imsi FROM sims", NULL, 0, all_valid, &bad), 0);
	assert_int_equal(db_query(st, "SELECT detail FROM lead_evidence", NULL, 0, all_valid,
	    &bad), 0);
	assert_int_equal(db_query(st, "SELECT firmware FROM appliances", NULL, 0, all_valid,
	    &bad), 0);
	assert_int_equal(bad, 0);
	/* the device id: "G", U+FFFD, then whole characters up to 95 bytes */
	assert_int_equal(db_int(st, "SELECT LENGTH(CAST(device_id AS BLOB)) FROM leads",
	    NULL, 0, -1, &v), 0);
	assert_int_equal(v, 1 + 3 + 30 * 3);
	storage_close(st);
}

static int
ingest3(struct storage *st, bool careful, struct ingest_counts *c)
{
	char json[3][1024];
	struct ingest_rec r[3];
	struct ingest_hello h;
	int rc;

	for (int i = 0; i < 3; i++) {
		r[i].len = (uint32_t)snprintf(json[i], sizeof(json[i]), det_fmt, i + 1,
		    i == 1 ? "POISON" : "dble", "g", "460001");
		r[i].json = json[i];
		r[i].seq = (uint64_t)i + 1;
	}
	memset(c, 0, sizeof(*c));
	assert_int_equal(hello(st, &h), 0);
	assert_int_equal(db_begin(st), 0);
	if ((rc = ingest_records(st, "gw-1", &h.spool, r, 3, 1000, careful, c)) == 0)
		assert_int_equal(db_commit(st), 0);
	else
		db_rollback(st);
	return rc;
}

/* A record the database refuses fails the report; careful, it is quarantined. */
static void
test_quarantine(void **state)
{
	struct storage *st = open_db();
	struct ingest_counts c;
	int64_t v;

	(void)state;
	assert_int_equal(st->ops->exec_script(st, "CREATE TRIGGER poison BEFORE INSERT ON"
	    " records WHEN NEW.body LIKE '%POISON%' BEGIN SELECT RAISE(ABORT,"
	    " 'poison record'); END"), 0);
	assert_int_equal(ingest3(st, false, &c), -1);
	assert_int_equal(ingest3(st, true, &c), 0);
	assert_int_equal(c.stored, 2);
	assert_int_equal(c.quarantined, 1);
	assert_int_equal(db_int(st, "SELECT COUNT(*) FROM records", NULL, 0, -1, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(db_int(st, "SELECT COUNT(*) FROM leads", NULL, 0, -1, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(db_int(st, "SELECT COUNT(*) FROM quarantine WHERE seq = 2 AND"
	    " reason LIKE '%poison record%' AND size = LENGTH(raw) AND size > 100",
	    NULL, 0, -1, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_int(st, "SELECT quarantined FROM appliances", NULL, 0, -1, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_int(st, "SELECT high_seq FROM appliances", NULL, 0, -1, &v), 0);
	assert_int_equal(v, 3);
	/* a replay counts nothing twice */
	assert_int_equal(ingest3(st, true, &c), 0);
	assert_int_equal(c.quarantined, 0);
	assert_int_equal(db_int(st, "SELECT quarantined FROM appliances", NULL, 0, -1, &v), 0);
	assert_int_equal(v, 1);
	storage_close(st);
}

static const char call_fmt[] = "{\"type\":\"call\",\"ts\":\"2026-11-29T09:00:%02d.500Z\","
	"\"call_id\":\"c%d@x\",\"caller\":\"%s\",\"callee\":\"13800138000\","
	"\"src_ip\":\"198.51.100.7\",\"src_port\":5060,\"dst_ip\":\"100.64.0.9\","
	"\"dst_port\":5060,\"vlan\":[7,100],\"direction\":\"%s\","
	"\"user_agent\":\"dble\",\"server\":\"\",\"status\":486,\"state\":\"rejected\","
	"\"end\":\"rejected\",\"first_ts\":\"2026-11-29T09:00:00.000Z\","
	"\"invite_ts\":\"2026-11-29T09:00:00.000Z\",\"setup_time\":0.25,"
	"\"end_ts\":\"2026-11-29T%02d:%02d:%02d.500Z\",\"duration\":0.0,\"messages\":4}";

/* Sample calls: each line keeps its newest LINE_CALLS_KEEP; a bad one is counted, not kept. */
static void
test_calls(void **state)
{
	struct storage *st = open_db();
	enum { N = LINE_CALLS_KEEP + 30 };
	static char json[N + 4][1024];
	struct ingest_rec r[N + 4];
	struct ingest_counts c = { 0 };
	struct ingest_hello h;
	int64_t v;
	int n = 0;

	(void)state;
	for (int i = 0; i < N; i++, n++) {
		r[n].len = (uint32_t)snprintf(json[n], sizeof(json[n]), call_fmt, i % 60, i,
		    "86\\u001b[2J", "inbound", 9 + i / 3600, i / 60 % 60, i % 60);
		r[n].json = json[n];
		r[n].seq = (uint64_t)n + 1;
	}
	/* hostile: no subscriber end, a cut object, end before the INVITE, not an object */
	r[n].len = (uint32_t)snprintf(json[n], sizeof(json[n]), call_fmt, 1, 9999, "x",
	    "unknown", 9, 0, 1);
	r[n + 1].len = r[n].len < 60 ? r[n].len : 60;	/* the same, cut */
	memcpy(json[n + 1], json[n], r[n + 1].len);
	json[n + 1][r[n + 1].len] = '\0';
	r[n + 2].len = (uint32_t)snprintf(json[n + 2], sizeof(json[n + 2]), call_fmt, 1,
	    9998, "x", "inbound", 8, 0, 0);
	r[n + 3].len = (uint32_t)snprintf(json[n + 3], sizeof(json[n + 3]),
	    "{\"type\":\"call\"]");
	for (int i = n; i < n + 4; i++) {
		r[i].json = json[i];
		r[i].seq = (uint64_t)i + 1;
	}
	assert_int_equal(hello(st, &h), 0);
	assert_int_equal(ingest_records(st, "gw-1", &h.spool, r, N + 4, 1000, false, &c), 0);
	assert_int_equal(c.stored, N + 4);
	assert_int_equal(c.calls, N);
	assert_int_equal(c.unusable, 4);
	assert_int_equal(db_int(st, "SELECT COUNT(*) FROM line_calls", NULL, 0, -1, &v), 0);
	assert_int_equal(v, LINE_CALLS_KEEP);
	/* the newest kept, on the line's innermost VLAN, times in ms */
	assert_int_equal(db_int(st, "SELECT MIN(seq) FROM line_calls WHERE ip = '100.64.0.9'"
	    " AND vlan = 100 AND pppoe = -1", NULL, 0, -1, &v), 0);
	assert_int_equal(v, N - LINE_CALLS_KEEP + 1);
	assert_int_equal(db_int(st, "SELECT setup_ms + end_ms - invite_ms FROM line_calls"
	    " WHERE seq = 230", NULL, 0, -1, &v), 0);
	assert_int_equal(v, 250 + ((3 * 60) + 49) * 1000 + 500);
	assert_int_equal(db_int(st, "SELECT COUNT(*) FROM line_calls WHERE caller ="
	    " '86' || char(27) || '[2J'", NULL, 0, -1, &v), 0);
	assert_int_equal(v, LINE_CALLS_KEEP);
	assert_int_equal(db_int(st, "SELECT COUNT(*) FROM records WHERE type = 'call'",
	    NULL, 0, -1, &v), 0);
	assert_int_equal(v, N + 4);
	storage_close(st);
}

static int
fw_row(void *arg, const struct db_row *r)
{
	const char *v = row_str(r, 0);

	snprintf(arg, 32, "%s", v != NULL ? v : "(null)");
	return 0;
}

/* mark-good's self-test says hello too: the appliance's firmware stays. */
static void
test_selftest_hello(void **state)
{
	struct storage *st = open_db();
	struct ingest_hello h = { .appliance = "gw-1", .firmware = "1.2.3", .now = 2 };
	char fw[32] = "";

	(void)state;
	assert_int_equal(ingest_hello(st, &h), 0);
	h = (struct ingest_hello){ .appliance = "gw-1", .firmware = FRAME_HELLO_SELFTEST,
	    .now = 3 };
	assert_int_equal(ingest_hello(st, &h), 0);
	assert_int_equal(db_query(st, "SELECT firmware FROM appliances WHERE id = 'gw-1'",
	    NULL, 0, fw_row, fw), 0);
	assert_string_equal(fw, "1.2.3");
	h = (struct ingest_hello){ .appliance = "gw-1", .firmware = "1.2.4", .now = 4 };
	assert_int_equal(ingest_hello(st, &h), 0);
	assert_int_equal(db_query(st, "SELECT firmware FROM appliances WHERE id = 'gw-1'",
	    NULL, 0, fw_row, fw), 0);
	assert_string_equal(fw, "1.2.4");
	storage_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitise),
		cmocka_unit_test(test_quarantine),
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_selftest_hello),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
