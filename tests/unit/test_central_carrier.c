/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central: a SIM's carrier (carrier.c), its SQL run by SQLite. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "carrier.h"
#include "storage.h"

static int
text_row(void *arg, const struct db_row *r)
{
	snprintf(arg, 16, "%s", r->v[0] ? r->v[0] : "NULL");
	return 0;
}

/* The carrier SQL on one (imsi, iccid), then its group, as text. */
static void
eval(struct storage *st, const char *imsi, const char *iccid, char *code, char *group)
{
	char expr[1024], gexpr[1024], sql[3000];
	static char stable[2][3000];	/* the adapter caches statements by address */

	assert_int_equal(carrier_sql(expr, sizeof(expr), "imsi", "iccid"), 0);
	assert_int_equal(carrier_group_sql(gexpr, sizeof(gexpr), "c"), 0);
	snprintf(sql, sizeof(sql), "SELECT %s FROM (SELECT $1 AS imsi, $2 AS iccid) t", expr);
	if (strcmp(stable[0], sql) != 0)
		memcpy(stable[0], sql, sizeof(sql));
	assert_int_equal(db_query(st, stable[0], (struct db_arg[]){ imsi ? DB_S(imsi) :
	    DB_NULL, iccid ? DB_S(iccid) : DB_NULL }, 2, text_row, code), 0);
	snprintf(sql, sizeof(sql), "SELECT %s FROM (SELECT $1 AS c) t", gexpr);
	if (strcmp(stable[1], sql) != 0)
		memcpy(stable[1], sql, sizeof(sql));
	assert_int_equal(db_query(st, stable[1], (struct db_arg[]){ DB_S(code) }, 1,
	    text_row, group), 0);
}

static void
test_carrier_sql(void **state)
{
	static const struct {
		const char	*imsi, *iccid, *code, *group;
	} cases[] = {
		{ "460011234567890", NULL, "46001", "46001" },
		{ "460061234567890", NULL, "46006", "46001" },		/* Unicom */
		{ "460091234567890", NULL, "46009", "46001" },
		{ "460001234567890", NULL, "46000", "46000" },
		{ "460021234567890", NULL, "46002", "46000" },		/* China Mobile */
		{ "460201234567890", NULL, "46020", "46000" },
		{ "460111234567890", NULL, "46011", "46003" },		/* China Telecom */
		{ "460151234567890", NULL, "46015", "46015" },		/* Broadnet */
		{ "310260123456789", NULL, "310260", "310260" },	/* 3-digit MNC */
		{ "302720123456789", NULL, "302720", "302720" },
		{ "722070123456789", NULL, "722070", "722070" },
		{ "262011234567890", NULL, "26201", "26201" },
		{ "46001", NULL, "NULL", "NULL" },			/* too short */
		{ "4600112345678901", NULL, "NULL", "NULL" },		/* too long */
		{ "46001123456789x", NULL, "NULL", "NULL" },
		{ "=46001+1", NULL, "NULL", "NULL" },
		{ "", NULL, "NULL", "NULL" },
		/* no usable IMSI: the ICCID's issuer */
		{ NULL, "89860112345678901234", "46001", "46001" },
		{ NULL, "8986091234567890123", "46001", "46001" },
		{ NULL, "89860012345678901234", "46000", "46000" },
		{ NULL, "898602123456789012", "46000", "46000" },
		{ NULL, "89860312345678901234", "46003", "46003" },
		{ NULL, "89861112345678901234", "46003", "46003" },
		{ "=1+1", "89860112345678901234", "46001", "46001" },
		{ "460001234567890", "89860112345678901234", "46000", "46000" }, /* IMSI wins */
		{ NULL, "89860412345678901234", "NULL", "NULL" },	/* not in the table */
		{ NULL, "98680112345678901234", "NULL", "NULL" },	/* nibble-swapped */
		{ NULL, "8986011234567890", "NULL", "NULL" },		/* too short */
		{ NULL, "898601123456789012345", "NULL", "NULL" },	/* too long */
		{ NULL, "8986011234567890123F", "NULL", "NULL" },
		{ NULL, NULL, "NULL", "NULL" },
	};
	char err[256], code[16], group[16];
	struct storage *st = storage_open("sqlite::memory:", err, sizeof(err));

	(void)state;
	assert_non_null(st);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		eval(st, cases[i].imsi, cases[i].iccid, code, group);
		if (strcmp(code, cases[i].code) != 0 || strcmp(group, cases[i].group) != 0)
			fail_msg("%s/%s: %s %s, want %s %s", cases[i].imsi ? cases[i].imsi : "-",
			    cases[i].iccid ? cases[i].iccid : "-", code, group, cases[i].code,
			    cases[i].group);
	}
	storage_close(st);
}

static void
test_carrier_group(void **state)
{
	(void)state;
	assert_string_equal(carrier_group("46007"), "46000");
	assert_string_equal(carrier_group("46005"), "46003");
	assert_string_equal(carrier_group("46001"), "46001");
	assert_string_equal(carrier_group("310260"), "310260");
	assert_string_equal(carrier_name("46009"), "China Unicom");
	assert_null(carrier_name("26201"));
}

/* A buffer too small is an error, never a cut expression. */
static void
test_carrier_sql_short(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(carrier_sql(buf, sizeof(buf), "imsi", "iccid"), -1);
	assert_int_equal(carrier_group_sql(buf, sizeof(buf), "c"), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_carrier_sql),
		cmocka_unit_test(test_carrier_group),
		cmocka_unit_test(test_carrier_sql_short),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
