/* SPDX-License-Identifier: BSD-2-Clause */
/* Test helper: a sink that keeps the records it gets, and field lookups in them. */
#ifndef GW_TEST_RECORDS_H
#define GW_TEST_RECORDS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "report.h"

#define KEEP	64
static char	 recs[KEEP][REPORT_LINE_MAX];
static size_t	 nrec;
static uint64_t	 nemit;

static void
keep_emit(void *arg, const char *line, size_t len)
{
	(void)arg;
	if (nrec < KEEP) {
		memcpy(recs[nrec], line, len);
		recs[nrec][len] = '\0';
		nrec++;
	}
	nemit++;
}

static const struct sink keep_sink = { .emit = keep_emit };

/* The value of "key": as text (strings without quotes), or NULL. */
static const char *
field(const char *rec, const char *key)
{
	static char v[256];
	char pat[64];
	const char *p;
	size_t n;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	if ((p = strstr(rec, pat)) == NULL)
		return NULL;
	p += strlen(pat);
	if (*p == '"') {
		p++;
		n = strcspn(p, "\"");
	} else {
		n = strcspn(p, ",}");
	}
	if (n >= sizeof(v))
		n = sizeof(v) - 1;
	memcpy(v, p, n);
	v[n] = '\0';
	return v;
}

#define assert_field(rec, key, want) do {					\
	const char *got_ = field((rec), (key));					\
	if (got_ == NULL)							\
		fail_msg("no \"%s\" in %s", (key), (rec));			\
	assert_string_equal(got_, (want));					\
} while (0)

#endif
