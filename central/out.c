/* SPDX-License-Identifier: BSD-2-Clause */
/* Output helpers for the CLI: times, JSON and CSV quoting. */
#include <inttypes.h>
#include <string.h>
#include <time.h>

#include "out.h"

const char *
out_time(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0)
		return "-";
	strftime(buf, len, "%Y-%m-%d %H:%MZ", gmtime_r(&tt, &tm));
	return buf;
}

const char *
out_time_iso(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t <= 0)
		return "";
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
	return buf;
}

const char *
out_span(int64_t s, char *buf, size_t len)
{
	const char *sign = s < 0 ? "-" : "";

	if (s < 0)
		s = -s;
	if (s >= 86400)
		snprintf(buf, len, "%s%" PRId64 "d%02" PRId64 "h", sign, s / 86400,
		    s % 86400 / 3600);
	else
		snprintf(buf, len, "%s%" PRId64 "h%02" PRId64 "m", sign, s / 3600,
		    s % 3600 / 60);
	return buf;
}

void
out_json_str(FILE *f, const char *s)
{
	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

void
out_csv_str(FILE *f, const char *s)
{
	if (s == NULL)
		return;
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}
