/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central: one lead in detail (lead-detail.c) as JSON and on a terminal,
 * the workflow's outcomes and assignment (lead-feedback.c), rings as JSON
 * (rings.c), on an in-memory SQLite database with the real schema and ingest. */
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

#include "figures.h"
#include "ingest.h"
#include "leads.h"
#include "rings.h"
#include "storage.h"

/* A device id a gang chose: an escape, a quote, a backslash, Chinese. */
#define HOSTILE_ID	"G\\u001b[2J\\\"\\\\\xe4\xb8\xad"
#define HOSTILE_RAW	"G\x1b[2J\"\\\xe4\xb8\xad"

static const char det_fmt[] = "{\"type\":\"detection\",\"ts\":\"2026-11-29T09:00:%02dZ\","
	"\"subject\":{\"ip\":\"%s\",\"vlan\":10},\"verdict\":\"goip_present\","
	"\"tier\":\"urgent\",\"deadline\":\"2026-11-29T11:00:00Z\",\"score\":70,"
	"\"evidence\":[{\"kind\":\"sip_user_agent\",\"detail\":\"dble\",\"count\":3}],"
	"\"peers\":[{\"ip\":\"%s\",\"port\":5060,\"count\":1}],\"device\":{\"id\":\""
	HOSTILE_ID "\",\"sims\":[{\"imsi\":\"%s\",\"iccid\":\"8986\"}]}}";

static int
ingest(struct storage *st, uint64_t seq, const char *ip, const char *peer,
    const char *imsi)
{
	char json[1024];
	struct ingest_rec r;
	struct ingest_counts c = { 0 };
	struct ingest_hello h = { .appliance = "gw-1", .now = 1000 };

	r.len = (uint32_t)snprintf(json, sizeof(json), det_fmt, (int)seq, ip, peer, imsi);
	r.json = json;
	r.seq = seq;
	if (ingest_hello(st, &h) == -1)
		return -1;
	return ingest_records(st, "gw-1", &h.spool, &r, 1, 1000, false, &c);
}

static struct storage *
fixture(void)
{
	char err[256];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));

	assert_non_null(st);
	/* lead 1: three detections; lead 2 shares its peer; lead 3 alone */
	assert_int_equal(ingest(st, 1, "100.64.0.1", "198.51.100.1", "460001"), 0);
	assert_int_equal(ingest(st, 2, "100.64.0.1", "198.51.100.1", "460001"), 0);
	assert_int_equal(ingest(st, 3, "100.64.0.1", "198.51.100.1", "460001"), 0);
	assert_int_equal(ingest(st, 4, "100.64.0.2", "198.51.100.1", "460002"), 0);
	assert_int_equal(ingest(st, 5, "100.64.0.3", "203.0.113.9", "460003"), 0);
	assert_int_equal(db_exec(st, "INSERT INTO users (name, role, hash, created, changed,"
	    " disabled) VALUES ('ann', 'analyst', 'x', 0, 0, 0), ('cat', 'carrier', 'x', 0,"
	    " 0, 0), ('old', 'analyst', 'x', 0, 0, 1)", NULL, 0), 0);
	return st;
}

static char *
capture_json(struct storage *st, int64_t id, enum lead_result want)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);

	assert_non_null(o);
	assert_int_equal(lead_detail_json(st, id, 1795950000, o), want);
	fclose(o);
	return buf;
}

static const cJSON *
get(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	assert_non_null(v);
	return v;
}

static void
test_detail_json(void **state)
{
	struct storage *st = fixture();
	char *json = capture_json(st, 1, LEAD_OK);
	cJSON *o = cJSON_Parse(json);
	const cJSON *lead, *det, *linked, *hist;

	(void)state;
	assert_non_null(o);
	lead = get(o, "lead");
	assert_int_equal(get(lead, "id")->valueint, 1);
	assert_string_equal(get(lead, "device_id")->valuestring, HOSTILE_RAW);
	assert_true(cJSON_IsNull(get(o, "assignee")));
	assert_int_equal(cJSON_GetArraySize(get(o, "appliances")), 1);
	assert_string_equal(get(cJSON_GetArrayItem(get(o, "evidence"), 0), "kind")->valuestring,
	    "sip_user_agent");
	assert_int_equal(cJSON_GetArraySize(get(o, "infrastructure")), 2);	/* peer, imsi */
	assert_string_equal(get(cJSON_GetArrayItem(get(o, "sims"), 0), "imsi")->valuestring,
	    "460001");
	det = get(o, "detections");
	assert_int_equal(cJSON_GetArraySize(det), 3);
	assert_int_equal(get(o, "detections_total")->valueint, 3);
	assert_int_equal(get(cJSON_GetArrayItem(det, 0), "seq")->valueint, 3);	/* newest */
	assert_string_equal(get(cJSON_GetArrayItem(det, 0), "ts")->valuestring,
	    "2026-11-29T09:00:03Z");
	assert_string_equal(get(cJSON_GetArrayItem(det, 2), "device_id")->valuestring,
	    HOSTILE_RAW);
	linked = get(o, "linked");
	assert_int_equal(cJSON_GetArraySize(linked), 1);	/* lead 2, by the peer */
	assert_int_equal(get(cJSON_GetArrayItem(linked, 0), "lead")->valueint, 2);
	assert_string_equal(get(cJSON_GetArrayItem(linked, 0), "value")->valuestring,
	    "198.51.100.1");
	hist = get(o, "history");
	assert_string_equal(get(cJSON_GetArrayItem(hist, 0), "kind")->valuestring, "raised");
	assert_non_null(strstr(json, "\\u001b[2J\\\"\\\\"));	/* escaped in the text */
	cJSON_Delete(o);
	free(json);
	free(capture_json(st, 9, LEAD_NO_LEAD));
	free(capture_json(st, 0, LEAD_NO_LEAD));
	storage_close(st);
}

static void
test_workflow(void **state)
{
	struct storage *st = fixture();
	char err[256], *json;
	cJSON *o;
	int64_t n;

	(void)state;
	assert_int_equal(lead_move(st, 1, "dismantled", "ann", "gone", 2000, err,
	    sizeof(err)), LEAD_OK);
	assert_int_equal(lead_move(st, 1, "confirmed", "ann", NULL, 2001, err, sizeof(err)),
	    LEAD_REFUSED);
	assert_non_null(strstr(err, "is dismantled: cannot move to confirmed"));
	assert_int_equal(lead_move(st, 9, "confirmed", "ann", NULL, 2001, err, sizeof(err)),
	    LEAD_NO_LEAD);
	assert_int_equal(lead_assign(st, 2, "ann", "sup", "yours", 2002, err, sizeof(err)),
	    LEAD_OK);
	assert_int_equal(lead_assign(st, 2, "nobody", "sup", NULL, 2002, err, sizeof(err)),
	    LEAD_BAD_USER);
	assert_int_equal(lead_assign(st, 2, "cat", "sup", NULL, 2002, err, sizeof(err)),
	    LEAD_BAD_USER);	/* a carrier does not work leads */
	assert_int_equal(lead_assign(st, 2, "old", "sup", NULL, 2002, err, sizeof(err)),
	    LEAD_BAD_USER);	/* disabled */
	assert_int_equal(lead_assign(st, 9, "ann", "sup", NULL, 2002, err, sizeof(err)),
	    LEAD_NO_LEAD);
	assert_int_equal(db_int(st, "SELECT COUNT(*) FROM lead_events WHERE kind ="
	    " 'assigned' AND assignee = 'ann' AND who = 'sup' AND note = 'yours'", NULL, 0,
	    -1, &n), 0);
	assert_int_equal(n, 1);
	json = capture_json(st, 2, LEAD_OK);
	assert_non_null(o = cJSON_Parse(json));
	assert_string_equal(get(o, "assignee")->valuestring, "ann");
	assert_string_equal(get(o, "assigned_at")->valuestring, "1970-01-01T00:33:22Z");
	cJSON_Delete(o);
	free(json);
	storage_close(st);
}

static char *
capture(int (*fn)(struct storage *, FILE *), struct storage *st)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *o = open_memstream(&buf, &len);

	assert_non_null(o);
	assert_int_equal(fn(st, o), 0);
	fclose(o);
	return buf;
}

static int
show1(struct storage *st, FILE *o)
{
	return lead_show(st, 1, 1795950000, o);
}

static int
rings_all(struct storage *st, FILE *o)
{
	return rings_json(st, &(struct rings_filter){ 0 }, o);
}

static int
rings_general(struct storage *st, FILE *o)
{
	return rings_json(st, &(struct rings_filter){ .tier = "general" }, o);
}

static int
count_of(const char *s, const char *needle)
{
	int n = 0;

	for (const char *p = s; (p = strstr(p, needle)) != NULL; p++)
		n++;
	return n;
}

static int
rings_tty(struct storage *st, FILE *o)
{
	return rings_print(st, &(struct rings_filter){ 0 }, o);
}

static int
stats(struct storage *st, FILE *o)
{
	return figures_json(st, PERIOD_DAY, 1795950000, o);
}

static void
test_terminal_rings_stats(void **state)
{
	struct storage *st = fixture();
	char *tty = capture(show1, st), *json;
	cJSON *o;
	const cJSON *ring;

	(void)state;
	assert_non_null(strstr(tty, "device G\\x1b[2J\"\\\\\xe4\xb8\xad\n"));
	assert_non_null(strstr(tty, "detections (3, newest 3 shown):\n"));
	assert_non_null(strstr(tty, "linked leads:\n  lead 2 "));
	assert_null(strchr(tty, '\x1b'));
	free(tty);
	json = capture(rings_all, st);
	assert_non_null(o = cJSON_Parse(json));
	assert_int_equal(cJSON_GetArraySize(get(o, "rings")), 1);
	ring = cJSON_GetArrayItem(get(o, "rings"), 0);
	assert_int_equal(get(ring, "size")->valueint, 2);
	assert_int_equal(get(cJSON_GetArrayItem(get(ring, "leads"), 1), "id")->valueint, 2);
	assert_string_equal(get(cJSON_GetArrayItem(get(ring, "shared"), 0), "value")
	    ->valuestring, "198.51.100.1");
	cJSON_Delete(o);
	free(json);
	/* the terminal lists each shared item once, whatever its rows */
	json = capture(rings_tty, st);
	assert_non_null(strstr(json, "  shares peer  198.51.100.1 (2 leads)\n"));
	assert_int_equal(count_of(json, "198.51.100.1"), 1);
	assert_non_null(strstr(json, "1 ring\n"));
	free(json);
	json = capture(rings_general, st);
	assert_string_equal(json, "{\"rings\":[]}\n");
	free(json);
	json = capture(stats, st);
	assert_non_null(o = cJSON_Parse(json));
	ring = cJSON_GetArrayItem(get(o, "buckets"), 0);
	assert_int_equal(get(ring, "leads")->valueint, 3);
	assert_int_equal(get(get(ring, "tier"), "urgent")->valueint, 3);
	assert_int_equal(get(ring, "rings")->valueint, 1);
	cJSON_Delete(o);
	free(json);
	storage_close(st);
}

/* Links are transitive: a ring is a component, each shared item listed once. */
static void
test_rings_transitive(void **state)
{
	struct storage *st = fixture();
	char *json;
	cJSON *o;
	const cJSON *ring, *sh, *ids;

	(void)state;
	/* lead 4 shares lead 3's peer and lead 2's IMSI: one ring of four */
	assert_int_equal(ingest(st, 6, "100.64.0.4", "203.0.113.9", "460002"), 0);
	json = capture(rings_all, st);
	assert_non_null(o = cJSON_Parse(json));
	assert_int_equal(cJSON_GetArraySize(get(o, "rings")), 1);
	ring = cJSON_GetArrayItem(get(o, "rings"), 0);
	assert_int_equal(get(ring, "size")->valueint, 4);
	assert_int_equal(cJSON_GetArraySize(get(ring, "leads")), 4);
	sh = get(ring, "shared");
	assert_int_equal(cJSON_GetArraySize(sh), 3);
	assert_string_equal(get(cJSON_GetArrayItem(sh, 0), "value")->valuestring, "198.51.100.1");
	assert_string_equal(get(cJSON_GetArrayItem(sh, 1), "value")->valuestring, "460002");
	assert_string_equal(get(cJSON_GetArrayItem(sh, 2), "value")->valuestring, "203.0.113.9");
	/* each item's leads, for the graph's edges; a SIP peer is a softswitch */
	ids = get(cJSON_GetArrayItem(sh, 0), "lead_ids");
	assert_int_equal(cJSON_GetArraySize(ids), 2);
	assert_int_equal(cJSON_GetArrayItem(ids, 0)->valueint, 1);
	assert_int_equal(cJSON_GetArrayItem(ids, 1)->valueint, 2);
	assert_string_equal(get(cJSON_GetArrayItem(sh, 0), "role")->valuestring, "softswitch");
	ids = get(cJSON_GetArrayItem(sh, 1), "lead_ids");
	assert_int_equal(cJSON_GetArraySize(ids), 2);
	assert_int_equal(cJSON_GetArrayItem(ids, 0)->valueint, 2);
	assert_int_equal(cJSON_GetArrayItem(ids, 1)->valueint, 4);
	assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(sh, 1), "role"));
	assert_int_equal(get(cJSON_GetArrayItem(sh, 2), "leads")->valueint, 2);
	cJSON_Delete(o);
	free(json);
	storage_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detail_json),
		cmocka_unit_test(test_workflow),
		cmocka_unit_test(test_terminal_rings_stats),
		cmocka_unit_test(test_rings_transitive),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
