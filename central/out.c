/* SPDX-License-Identifier: BSD-2-Clause */
/* Output helpers for the CLI: times; terminal, JSON and CSV forms of untrusted strings. */
#include <inttypes.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "out.h"
#include "utf8.h"

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

/* Where an escaped string goes: a FILE, or a bounded buffer. */
struct sink {
	FILE	*f;
	char	*buf;
	size_t	 cap, len;
	bool	 full;
	bool	 csv;		/* double each '"' */
};

static void
sink_put(struct sink *k, const char *p, size_t n)
{
	if (k->f != NULL) {
		for (const char *q; k->csv && (q = memchr(p, '"', n)) != NULL; ) {
			fwrite(p, 1, (size_t)(q - p) + 1, k->f);
			fputc('"', k->f);
			n -= (size_t)(q - p) + 1;
			p = q + 1;
		}
		fwrite(p, 1, n, k->f);
		return;
	}
	if (k->full)
		return;
	if (k->len + n + 4 > k->cap) {	/* as much as fits, whole characters, then "..." */
		n = utf8_cut(p, n, k->cap - 4 - k->len);
		memcpy(k->buf + k->len, p, n);
		memcpy(k->buf + k->len + n, "...", 4);
		k->full = true;
		return;
	}
	memcpy(k->buf + k->len, p, n);
	k->len += n;
	k->buf[k->len] = '\0';
}

static void
tty_put(void *arg, const char *p, size_t n)
{
	sink_put(arg, p, n);
}

static void
tty_write(struct sink *k, const char *s)
{
	utf8_escape_tty(s, strlen(s), tty_put, k);
}

const char *
out_tty(struct out_tty *t, const char *s)
{
	struct sink k = { .buf = t->buf[t->next++ % OUT_TTY_SLOTS], .cap = OUT_TTY_LEN };

	k.buf[0] = '\0';
	if (s != NULL)
		tty_write(&k, s);
	return k.buf;
}

void
out_tty_put(FILE *f, const char *s)
{
	struct sink k = { .f = f };

	if (s != NULL)
		tty_write(&k, s);
}

void
out_json_str(FILE *f, const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i, n, len;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	for (i = 0, n = strlen(s); i < n; i += len) {
		len = p[i] < 0x80 ? 1 : utf8_seq(p + i, n - i);
		if (len == 0) {
			len = 1;
			fputs("\\ufffd", f);
		} else if (p[i] == '"' || p[i] == '\\')
			fprintf(f, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] == 0x7f)
			fprintf(f, "\\u%04x", p[i]);
		else if (p[i] == 0xc2 && p[i + 1] <= 0x9f)
			fprintf(f, "\\u%04x", p[i + 1]);
		else
			fwrite(p + i, 1, len, f);
	}
	fputc('"', f);
}

void
out_json_kv(FILE *f, const char *key, const char *s)
{
	fprintf(f, ",\"%s\":", key);
	if (s != NULL)
		out_json_str(f, s);
	else
		fputs("null", f);
}

void
out_json_kv_opt(FILE *f, const char *key, const char *s)
{
	out_json_kv(f, key, s[0] != '\0' ? s : NULL);
}

void
out_json_kv_num(FILE *f, const char *key, int64_t v, bool present)
{
	if (present)
		fprintf(f, ",\"%s\":%" PRId64, key, v);
	else
		fprintf(f, ",\"%s\":null", key);
}

void
out_csv_str(FILE *f, const char *s)
{
	struct sink k = { .f = f, .csv = true };
	bool formula, quote;

	if (s == NULL)
		return;
	formula = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	quote = formula || strpbrk(s, ",\"") != NULL;
	if (quote)
		fputc('"', f);
	if (formula)
		fputc('\'', f);
	tty_write(&k, s);
	if (quote)
		fputc('"', f);
}

void
out_csv_bom(FILE *f)
{
	fputs("\xef\xbb\xbf", f);
}
