/* SPDX-License-Identifier: BSD-2-Clause */
/* A SIM's carrier from its IMSI or ICCID, as SQL; the operators' code groups. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "carrier.h"

/*
 * MCCs whose MNCs have 3 digits (ITU-T E.212 and its lists): North America
 * and the Caribbean, Mexico, Honduras, Argentina, Colombia, the Falklands.
 * Everywhere else, China (460) included, the MNC has 2 digits; countries that
 * mix both (India's 405) are read as 2.
 */
static const char *const mnc3[] = {
	"302", "310", "311", "312", "313", "314", "315", "316", "334", "338", "342",
	"344", "346", "348", "354", "356", "358", "360", "365", "366", "376", "708",
	"722", "732", "750",
};

/*
 * Operators with several codes. The first code is the group's. An ICCID
 * (89 telecom, 86 China, then the issuer) tells the operator, not the MNC:
 * a SIM known by its ICCID alone gets the group's code.
 */
static const struct operator {
	const char	*name;
	const char	*codes[7];
	const char	*iccid[3];
} operators[] = {
	{ "China Mobile", { "46000", "46002", "46004", "46007", "46008", "46020" },
	  { "898600", "898602" } },
	{ "China Unicom", { "46001", "46006", "46009" }, { "898601", "898609" } },
	{ "China Telecom", { "46003", "46005", "46011" }, { "898603", "898611" } },
	{ "China Broadnet", { "46015" }, { NULL } },
};

#define NOPERATORS	(sizeof(operators) / sizeof(operators[0]))

/* Appends to buf at *n; -1 once it no longer fits. */
static int __attribute__((format(printf, 4, 5)))
put(char *buf, size_t len, size_t *n, const char *fmt, ...)
{
	va_list ap;
	int k;

	if (*n >= len)
		return -1;
	va_start(ap, fmt);
	k = vsnprintf(buf + *n, len - *n, fmt, ap);
	va_end(ap);
	if (k < 0 || (size_t)k >= len - *n) {
		*n = len;
		return -1;
	}
	*n += (size_t)k;
	return 0;
}

/* "col IS NOT NULL AND its length is lo..hi AND it is all digits" */
static void
digits(char *buf, size_t len, size_t *n, const char *col, int lo, int hi)
{
	put(buf, len, n, "%s IS NOT NULL AND length(%s) BETWEEN %d AND %d AND"
	    " ltrim(%s, '0123456789') = ''", col, col, lo, hi, col);
}

int
carrier_sql(char *buf, size_t len, const char *imsi, const char *iccid)
{
	size_t n = 0;

	put(buf, len, &n, "(CASE WHEN ");
	digits(buf, len, &n, imsi, 6, 15);
	put(buf, len, &n, " THEN (CASE WHEN substr(%s, 1, 3) IN (", imsi);
	for (size_t i = 0; i < sizeof(mnc3) / sizeof(mnc3[0]); i++)
		put(buf, len, &n, "%s'%s'", i ? ", " : "", mnc3[i]);
	put(buf, len, &n, ") THEN substr(%s, 1, 6) ELSE substr(%s, 1, 5) END) WHEN ",
	    imsi, imsi);
	digits(buf, len, &n, iccid, 18, 20);
	put(buf, len, &n, " THEN (CASE substr(%s, 1, 6)", iccid);
	for (size_t i = 0; i < NOPERATORS; i++)
		for (int k = 0; k < 3 && operators[i].iccid[k] != NULL; k++)
			put(buf, len, &n, " WHEN '%s' THEN '%s'", operators[i].iccid[k],
			    operators[i].codes[0]);
	return put(buf, len, &n, " END) END)");
}

int
carrier_group_sql(char *buf, size_t len, const char *code)
{
	size_t n = 0;

	put(buf, len, &n, "(CASE %s", code);
	for (size_t i = 0; i < NOPERATORS; i++)
		for (int k = 1; k < 7 && operators[i].codes[k] != NULL; k++)
			put(buf, len, &n, " WHEN '%s' THEN '%s'", operators[i].codes[k],
			    operators[i].codes[0]);
	return put(buf, len, &n, " ELSE %s END)", code);
}

static const struct operator *
operator_of(const char *code)
{
	for (size_t i = 0; i < NOPERATORS; i++)
		for (int k = 0; k < 7 && operators[i].codes[k] != NULL; k++)
			if (strcmp(operators[i].codes[k], code) == 0)
				return &operators[i];
	return NULL;
}

const char *
carrier_group(const char *code)
{
	const struct operator *o = operator_of(code);

	return o != NULL ? o->codes[0] : code;
}

const char *
carrier_name(const char *code)
{
	const struct operator *o = operator_of(code);

	return o != NULL ? o->name : NULL;
}
