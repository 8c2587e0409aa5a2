/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Alerts: RFC 5424 formatting and PARAM-VALUE escaping (alert-syslog.c), the
 * webhook body and mail subject (alert-send.c) with hostile device ids, and
 * the queue's enqueue rules on SQLite (alert.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <cjson/cJSON.h>

#include "alert-int.h"
#include "alert.h"
#include "storage.h"

/* ESC, a quote, ], a backslash, a newline and a byte that is not UTF-8. */
#define HOSTILE	"GW\xe7\x8c\xab\x1b[2J\"q]\\\n\xff"

static struct alert_msg
msg(const char *kind)
{
	struct alert_msg m = { .id = 7, .lead = 12, .revision = 3, .score = 90,
	    .deadline = 1764691200 };	/* 2025-12-02T16:00:00Z */

	snprintf(m.channel, sizeof(m.channel), "syslog");
	snprintf(m.kind, sizeof(m.kind), "%s", kind);
	snprintf(m.tier, sizeof(m.tier), "urgent");
	snprintf(m.verdict, sizeof(m.verdict), "goip_present");
	snprintf(m.ip, sizeof(m.ip), "100.64.1.1");
	snprintf(m.device, sizeof(m.device), HOSTILE);
	snprintf(m.key, sizeof(m.key), "lead-12-r3-%s", kind);
	return m;
}

static void
test_sd_escape(void **state)
{
	char out[32];

	(void)state;
	assert_int_equal(alert_sd_escape("a\"b\\c]d[e", out, sizeof(out)), 12);
	assert_string_equal(out, "a\\\"b\\\\c\\]d[e");
	assert_int_equal(alert_sd_escape("", out, sizeof(out)), 0);
	assert_int_equal(alert_sd_escape("]]]]", out, 8), -1);	/* 8 + NUL */
	assert_int_equal(alert_sd_escape("]]]", out, 7), 6);
}

static void
test_syslog_urgent(void **state)
{
	struct alert_msg m = msg("urgent");
	char buf[4096];
	int n;

	(void)state;
	n = alert_syslog_format(&m, "central1", 1764684000, 4242, buf, sizeof(buf));
	assert_int_equal(n, (int)strlen(buf));
	assert_string_equal(buf,
	    "<129>1 2025-12-02T14:00:00Z central1 goipwatch-central 4242 lead-urgent"
	    " [goipwatch@32473 lead=\"12\" rev=\"3\" kind=\"urgent\" tier=\"urgent\""
	    " verdict=\"goip_present\" score=\"90\" deadline=\"2025-12-02T16:00:00Z\""
	    " ip=\"100.64.1.1\""
	    " device=\"GW\xe7\x8c\xab\\\\x1b[2J\\\"q\\]\\\\\\\\\\\\x0a\\\\xff\""
	    " key=\"lead-12-r3-urgent\"] \xef\xbb\xbf"
	    "urgent lead 12 (goip_present, score 90) at 100.64.1.1 device"
	    " GW\xe7\x8c\xab\\x1b[2J\"q]\\\\\\x0a\\xff, deadline 2025-12-02T16:00:00Z");
	for (int i = 0; i < n; i++)	/* no raw control byte anywhere */
		assert_true((unsigned char)buf[i] >= 32);
}

static void
test_syslog_half(void **state)
{
	struct alert_msg m = msg("half_deadline");
	char buf[4096];

	(void)state;
	assert_true(alert_syslog_format(&m, "h", 0, 1, buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "<132>1 "));	/* local0.warning */
	assert_non_null(strstr(buf, " lead-half-deadline [goipwatch@32473 "));
	assert_int_equal(alert_syslog_format(&m, "h", 0, 1, buf, 200), -1);
}

static void
test_syslog_spec(void **state)
{
	char err[128];

	(void)state;
	assert_int_equal(alert_syslog_check("udp:127.0.0.1:514", err, sizeof(err)), 0);
	assert_int_equal(alert_syslog_check("tcp:[::1]:6514", err, sizeof(err)), 0);
	assert_int_equal(alert_syslog_check("tcp:log.office:601", err, sizeof(err)), 0);
	assert_int_equal(alert_syslog_check("127.0.0.1:514", err, sizeof(err)), -1);
	assert_int_equal(alert_syslog_check("udp:host", err, sizeof(err)), -1);
	assert_int_equal(alert_syslog_check("udp::514", err, sizeof(err)), -1);
	assert_int_equal(alert_syslog_check("udp:h:51x", err, sizeof(err)), -1);
	assert_int_equal(alert_syslog_check("tls:h:6514", err, sizeof(err)), -1);
}

static void
test_webhook_body(void **state)
{
	struct alert_msg m = msg("urgent");
	char *body = NULL;
	size_t len = 0;
	cJSON *o;
	FILE *f;

	(void)state;
	assert_non_null(f = open_memstream(&body, &len));
	alert_webhook_body(&m, f);
	fclose(f);
	assert_non_null(o = cJSON_Parse(body));
	assert_int_equal(cJSON_GetObjectItem(o, "lead")->valuedouble, 12);
	assert_int_equal(cJSON_GetObjectItem(o, "revision")->valuedouble, 3);
	assert_string_equal(cJSON_GetObjectItem(o, "link")->valuestring, "/leads/12");
	assert_string_equal(cJSON_GetObjectItem(o, "idempotency_key")->valuestring,
	    "lead-12-r3-urgent");
	assert_string_equal(cJSON_GetObjectItem(o, "deadline")->valuestring,
	    "2025-12-02T16:00:00Z");
	/* strict UTF-8 JSON: the bad byte is U+FFFD, the controls escaped */
	assert_string_equal(cJSON_GetObjectItem(o, "device_id")->valuestring,
	    "GW\xe7\x8c\xab\x1b[2J\"q]\\\n\xef\xbf\xbd");
	assert_null(memchr(body, '\x1b', len));
	cJSON_Delete(o);
	free(body);
}

static const char *
subject(const char *s, char *buf, size_t cap)
{
	FILE *f = fmemopen(buf, cap, "w");

	assert_non_null(f);
	alert_subject(s, f);
	fclose(f);
	return buf;
}

static void
test_subject(void **state)
{
	char buf[2048], in[200] = "";
	const char *p;

	(void)state;
	assert_string_equal(subject("[goipwatch] urgent lead 1", buf, sizeof(buf)),
	    "[goipwatch] urgent lead 1");
	assert_string_equal(subject("\xe7\x8c\xab", buf, sizeof(buf)), "=?UTF-8?B?54yr?=");
	for (int i = 0; i < 40; i++)	/* 120 bytes: three words */
		strcat(in, "\xe7\x8c\xab");
	subject(in, buf, sizeof(buf));
	/* 45 bytes a word = 15 whole characters; each word at most 75 columns */
	assert_string_equal(buf, "=?UTF-8?B?"
	    "54yr54yr54yr54yr54yr54yr54yr54yr54yr54yr54yr54yr54yr54yr54yr?=\r\n"
	    " =?UTF-8?B?54yr54yr54yr54yr54yr54yr54yr54yr54yr54yr54yr54yr54yr54yr54yr?=\r\n"
	    " =?UTF-8?B?54yr54yr54yr54yr54yr54yr54yr54yr54yr54yr?=");
	for (p = buf; (p = strstr(p, "=?")) != NULL; p += 2)
		assert_true(strstr(p, "?=") - p + 2 <= 75);
	/* 44 ASCII bytes then a 3-byte character: the word ends before it */
	snprintf(in, sizeof(in), "%044d\xe7\x8c\xab", 0);
	subject(in, buf, sizeof(buf));
	assert_non_null(strstr(buf, "?=\r\n =?UTF-8?B?54yr?="));
}

static void
test_addr(void **state)
{
	char err[200];

	(void)state;
	assert_int_equal(alert_addr_check("a@b.test", err, sizeof(err)), 0);
	assert_int_equal(alert_addr_check("a@b.test, c@d.test,e@f", err, sizeof(err)), 0);
	assert_int_equal(alert_addr_check("a@b.test\r\nBcc: x@y", err, sizeof(err)), -1);
	assert_int_equal(alert_addr_check("Bob <a@b.test>", err, sizeof(err)), -1);
}

static int64_t
count(struct storage *st, const char *sql)
{
	int64_t n = -1;

	assert_int_equal(db_int(st, sql, NULL, 0, -1, &n), 0);
	return n;
}

static void
lead(struct storage *st, int64_t id, const char *tier, int64_t raised, int64_t deadline)
{
	assert_int_equal(db_exec(st, "INSERT INTO leads (id, line_key, ip, tier_rank, tier,"
	    " verdict, score, deadline, first_seen, last_seen, raised_at) VALUES"
	    " ($1, $2, '10.0.0.1', 3, $3, 'goip_present', 90, $4, $5, $5, $5)",
	    (struct db_arg[]){ DB_I(id), DB_I(id), DB_S(tier), DB_I(deadline),
	    DB_I(raised) }, 5), 0);
	assert_int_equal(db_exec(st, "INSERT INTO lead_events (lead_id, at, who, kind)"
	    " VALUES ($1, $2, 'appliance a', 'raised')",
	    (struct db_arg[]){ DB_I(id), DB_I(raised) }, 2), 0);
}

static void
test_queue(void **state)
{
	char err[256];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));

	(void)state;
	assert_non_null(st);
	lead(st, 1, "urgent", 1000, 8200);
	assert_int_equal(alert_lead(st, 1, 1000), 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM alerts"), 0);	/* no channel */
	assert_int_equal(db_exec(st, "INSERT INTO alert_channels VALUES ('webhook', 0),"
	    " ('mail', 0)", NULL, 0), 0);
	assert_int_equal(alert_lead(st, 1, 1000), 0);
	assert_int_equal(alert_lead(st, 1, 1001), 0);	/* same revision: once */
	assert_int_equal(count(st, "SELECT COUNT(*) FROM alerts WHERE kind = 'urgent'"
	    " AND revision = 1 AND state = 'pending' AND next_at = 1000"), 2);
	lead(st, 2, "high", 1000, 87400);
	assert_int_equal(alert_lead(st, 2, 1000), 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM alerts WHERE lead_id = 2"), 0);
	/* half of 1000..8200 is 4600 */
	assert_int_equal(alert_scan_half(st, 4599), 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM alerts WHERE kind = 'half_deadline'"), 0);
	assert_int_equal(alert_scan_half(st, 4600), 0);
	assert_int_equal(alert_scan_half(st, 4700), 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM alerts WHERE kind = 'half_deadline'"), 2);
	/* a lead with feedback, or past its deadline, is not pushed */
	lead(st, 3, "urgent", 1000, 8200);
	assert_int_equal(db_exec(st, "UPDATE leads SET status = 'acknowledged' WHERE id = 3",
	    NULL, 0), 0);
	lead(st, 4, "urgent", 0, 4000);
	assert_int_equal(alert_scan_half(st, 5000), 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM alerts WHERE lead_id IN (3, 4)"), 0);
	/* a lead without its history still gets its push, as revision 0 */
	lead(st, 5, "urgent", 4000, 6000);
	assert_int_equal(db_exec(st, "DELETE FROM lead_events WHERE lead_id = 5", NULL, 0), 0);
	assert_int_equal(alert_scan_half(st, 5000), 0);
	assert_int_equal(count(st, "SELECT COUNT(*) FROM alerts WHERE lead_id = 5"
	    " AND revision = 0"), 2);
	storage_close(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sd_escape),
		cmocka_unit_test(test_syslog_urgent),
		cmocka_unit_test(test_syslog_half),
		cmocka_unit_test(test_syslog_spec),
		cmocka_unit_test(test_webhook_body),
		cmocka_unit_test(test_subject),
		cmocka_unit_test(test_addr),
		cmocka_unit_test(test_queue),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
