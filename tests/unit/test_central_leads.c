/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central: intake refusals, record parsing, and lead merging and
 * escalation on an in-memory SQLite database (the real schema and SQL). */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "frame.h"
#include "ingest.h"
#include "frames.h"
#include "intake.h"
#include "leads.h"
#include "record.h"
#include "storage.h"

static void
test_intake_identity(void **state)
{
	struct intake_stats st = { 0 };
	struct intake in;
	struct intake_result r;
	uint8_t buf[256];
	size_t n = frames_hello(buf, "gw-other", 0);

	(void)state;
	intake_init(&in, "gw-test-1", &st);
	assert_int_equal(intake_next(&in, buf, n, &r), IN_REFUSE);
	assert_int_equal(r.code, FRAME_ERR_IDENTITY);
	assert_int_equal(st.refused[FRAME_ERR_IDENTITY], 1);
	n = frames_hello(buf, "gw-test-1", 0);
	assert_int_equal(intake_next(&in, buf, n - 1, &r), IN_MORE);
	assert_int_equal(intake_next(&in, buf, n, &r), IN_HELLO);
}

static void
test_intake_sequence(void **state)
{
	struct intake_stats st = { 0 };
	struct intake in;
	struct intake_result r;
	uint8_t buf[256];
	size_t n;

	(void)state;
	intake_init(&in, "gw-test-1", &st);
	n = frames_report(buf, 5);
	assert_int_equal(intake_next(&in, buf, n, &r), IN_REFUSE);	/* hello first */
	assert_int_equal(r.code, FRAME_ERR_UNEXPECTED);
	n = frames_hello(buf, "gw-test-1", 0);
	assert_int_equal(intake_next(&in, buf, n, &r), IN_HELLO);
	n = frames_report(buf, 5);
	assert_int_equal(intake_next(&in, buf, n, &r), IN_REPORT);
	assert_int_equal(r.last_seq, 5);
	n = frames_report(buf, 5);
	assert_int_equal(intake_next(&in, buf, n, &r), IN_REFUSE);
	assert_int_equal(r.code, FRAME_ERR_SEQUENCE);
	buf[4] = 0x7f;	/* a header claiming 2 GiB */
	assert_int_equal(intake_next(&in, buf, n, &r), IN_REFUSE);
	assert_int_equal(r.code, FRAME_ERR_OVERSIZED);
}

static void
test_record_time(void **state)
{
	(void)state;
	assert_int_equal(record_time("1970-01-01T00:00:01.500Z"), 1);
	assert_int_equal(record_time("2026-11-29T09:19:26Z"), 1795943966);
	assert_int_equal(record_time("2026-11-29T09:19:26"), -1);
	assert_int_equal(record_time("junk"), -1);
}

static const char det_fmt[] = "{\"type\":\"detection\",\"ts\":\"2026-11-29T09:00:00.000Z\","
	"\"subject\":{\"ip\":\"%s\",\"vlan\":10},\"verdict\":\"goip_present\",\"tier\":\"%s\","
	"\"deadline\":\"%s\",\"score\":%d,\"evidence\":[{\"kind\":\"sip_user_agent\","
	"\"detail\":\"dble\",\"count\":3}],\"peers\":[{\"ip\":\"%s\",\"port\":5060,\"count\":1}],"
	"\"device\":{\"sims\":[{\"imsi\":\"%s\",\"iccid\":\"8986\"}]}}";

static int
ingest(struct storage *st, uint64_t seq, const char *ip, const char *tier,
    const char *deadline, const char *peer, const char *imsi)
{
	char json[1024];
	struct ingest_rec r;
	struct ingest_counts c = { 0 };
	struct ingest_hello h = { .appliance = "gw-1", .now = 1000 };

	r.len = (uint32_t)snprintf(json, sizeof(json), det_fmt, ip, tier, deadline, 50,
	    peer, imsi);
	r.json = json;
	r.seq = seq;
	if (ingest_hello(st, &h) == -1)	/* a session first: the numbering */
		return -1;
	return ingest_records(st, "gw-1", &h.spool, &r, 1, 1000, false, &c);
}

static void
test_leads_merge_escalate(void **state)
{
	char err[256];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));
	int64_t v;

	(void)state;
	assert_non_null(st);
	assert_int_equal(ingest(st, 1, "100.64.0.1", "general", "2026-12-01T09:00:00Z",
	    "198.51.100.1", "460001"), 0);
	assert_int_equal(ingest(st, 1, "100.64.0.1", "urgent", "2026-11-29T11:00:00Z",
	    "198.51.100.1", "460001"), 0);	/* same seq: a duplicate, ignored */
	assert_int_equal(db_int(st, "SELECT tier_rank FROM leads", NULL, 0, -1, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(lead_feedback(st, 1, "acknowledged", "alice", NULL, 2000, err,
	    sizeof(err)), 0);
	assert_int_equal(ingest(st, 2, "100.64.0.1", "urgent", "2026-11-29T11:00:00Z",
	    "198.51.100.1", "460001"), 0);
	assert_int_equal(db_int(st, "SELECT COUNT(*) FROM leads", NULL, 0, -1, &v), 0);
	assert_int_equal(v, 1);
	assert_int_equal(db_int(st, "SELECT tier_rank FROM leads", NULL, 0, -1, &v), 0);
	assert_int_equal(v, 3);	/* escalated */
	assert_int_equal(db_int(st, "SELECT COUNT(*) FROM leads WHERE status = 'new'"
	    " AND deadline = 1795950000", NULL, 0, -1, &v), 0);
	assert_int_equal(v, 1);	/* back to new, with the urgent deadline */
	assert_int_equal(db_int(st, "SELECT COUNT(*) FROM lead_events WHERE kind ="
	    " 'escalated'", NULL, 0, -1, &v), 0);
	assert_int_equal(v, 1);
	/* another line sharing the peer: a second lead, infrastructure shared */
	assert_int_equal(ingest(st, 3, "100.64.0.2", "high", "2026-11-30T09:00:00Z",
	    "198.51.100.1", "460002"), 0);
	assert_int_equal(db_int(st, "SELECT COUNT(*) FROM lead_infra WHERE value ="
	    " '198.51.100.1'", NULL, 0, -1, &v), 0);
	assert_int_equal(v, 2);
	assert_int_equal(db_int(st, "SELECT high_seq FROM appliances", NULL, 0, 0, &v), 0);
	assert_int_equal(lead_feedback(st, 1, "new", "bob", NULL, 3000, err, sizeof(err)), -1);
	storage_close(st);
}

/* The cells of one CSV line, quotes honoured; -1 past max. */
static int
csv_cells(const char *line, char cells[][64], int max)
{
	int n = 0, k = 0;
	bool q = false;

	for (const char *p = line; ; p++) {
		if (*p == '"' && (!q || p[1] != '"')) {
			q = !q;
			continue;
		}
		if (*p == '"')
			p++;
		if ((*p == ',' && !q) || *p == '\n' || *p == '\0') {
			if (n == max)
				return -1;
			cells[n++][k < 63 ? k : 63] = '\0';
			k = 0;
			if (*p != ',')
				return n;
			continue;
		}
		if (n < max && k < 63)
			cells[n][k++] = *p;
	}
}

static char *
capture(int (*fn)(struct storage *, const struct leads_filter *, FILE *),
    struct storage *st, const struct leads_filter *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);

	assert_non_null(o);
	assert_int_equal(fn(st, f, o), 0);
	fclose(o);
	return buf;
}

static int
show_one(struct storage *st, const struct leads_filter *f, FILE *o)
{
	return lead_show(st, 1, f->now, o);
}

/* JSON and CSV export carry the same fields, in the same order, from one table. */
static void
test_leads_export_fields(void **state)
{
	char err[256], head[40][64], row[40][64];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));
	struct leads_filter f = { .now = 1795950060 };	/* a minute late */
	char *json, *csv, *tty, *line2;
	cJSON *o, *k;
	int nh, nr, i = 0;

	(void)state;
	assert_non_null(st);
	assert_int_equal(ingest(st, 1, "100.64.0.1", "urgent", "2026-11-29T11:00:00Z",
	    "198.51.100.1", "=cmd"), 0);
	json = capture(leads_json, st, &f);
	csv = capture(leads_csv, st, &f);
	tty = capture(leads_list, st, &f);
	assert_memory_equal(csv, "\xef\xbb\xbf", 3);
	nh = csv_cells(csv + 3, head, 40);
	line2 = strchr(csv, '\n');
	assert_non_null(line2);
	nr = csv_cells(line2 + 1, row, 40);
	assert_true(nh > 0);
	assert_int_equal(nr, nh);
	assert_non_null(o = cJSON_Parse(json));
	cJSON_ArrayForEach(k, o) {
		assert_true(i < nh);
		assert_string_equal(k->string, head[i]);
		i++;
	}
	assert_int_equal(i, nh);
	assert_int_equal(cJSON_GetObjectItem(o, "id")->valueint, 1);
	assert_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "overdue")));
	assert_string_equal(cJSON_GetObjectItem(o, "raised_at")->valuestring,
	    "1970-01-01T00:16:40Z");	/* ingested at 1000 */
	assert_string_equal(head[0], "id");
	assert_string_equal(row[0], "1");
	assert_string_equal(row[1], "urgent");
	assert_string_equal(row[nh - 1], "true");	/* overdue */
	assert_non_null(strstr(tty, "OVERDUE"));
	assert_non_null(strstr(tty, "100.64.0.1 vlan 10"));
	assert_non_null(strstr(tty, "\n1 lead\n"));
	free(tty);
	tty = capture(show_one, st, &f);
	assert_non_null(strstr(tty, "lead 1  tier urgent  status new  verdict goip_present"
	    "  score 50\n"));
	assert_non_null(strstr(tty, "\nline      100.64.0.1 vlan 10 pppoe -  account -"
	    "  device -\ndeadline  2026-11-29 11:00Z (OVERDUE)\n"));
	assert_non_null(strstr(tty, "\nraised    1970-01-01 00:16Z; last feedback - by -\n"));
	assert_int_equal(lead_show(st, 2, f.now, stdout), -1);	/* no lead 2 */
	/* the console's site column: the first site of the lead's appliances */
	assert_true(cJSON_IsNull(cJSON_GetObjectItem(o, "site")));
	assert_int_equal(db_exec(st, "UPDATE appliances SET site = 'north'", NULL, 0), 0);
	cJSON_Delete(o);
	free(json);
	json = capture(leads_json, st, &f);
	assert_non_null(o = cJSON_Parse(json));
	assert_string_equal(cJSON_GetObjectItem(o, "site")->valuestring, "north");
	cJSON_Delete(o);
	free(json);
	free(csv);
	free(tty);
	storage_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intake_identity),
		cmocka_unit_test(test_intake_sequence),
		cmocka_unit_test(test_record_time),
		cmocka_unit_test(test_leads_merge_escalate),
		cmocka_unit_test(test_leads_export_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
