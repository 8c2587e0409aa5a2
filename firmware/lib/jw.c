/* SPDX-License-Identifier: BSD-2-Clause */
/* Minimal JSON emitter with RFC 8259 string escaping. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "jw.h"
#include "utf8.h"

void
jw_init(struct jw *w, char *buf, size_t cap)
{
	memset(w, 0, sizeof(*w));
	w->buf = buf;
	w->cap = cap;
	if (cap > 0)
		buf[0] = '\0';
}

static void
jw_raw(struct jw *w, const char *s, size_t n)
{
	if (w->overflow || w->cap - w->len <= n) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void
jw_fmt(struct jw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
jw_fmt(struct jw *w, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (w->overflow)
		return;
	va_start(ap, fmt);
	n = vsnprintf(w->buf + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->cap - w->len)
		w->overflow = true;
	else
		w->len += (size_t)n;
}

/*
 * RFC 8259 escaping into strict UTF-8: C0, DEL and C1 (U+0080-U+009F) as \u00XX,
 * each byte that starts no well-formed sequence as \ufffd (docs/records.md).
 * Bytes that end a plain run: C0, '"', '\\', DEL and every byte >= 0x80.
 */
static const uint8_t jw_special[256] = {
	[0x00 ... 0x1f] = 1, ['"'] = 1, ['\\'] = 1, [0x7f ... 0xff] = 1,
};

static void
jw_escaped(struct jw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, k, run = 0;

	jw_raw(w, "\"", 1);
	for (;;) {
		uint8_t c;
		char esc[6];

		while (i < n && !jw_special[p[i]])
			i++;
		if (i == n)
			break;
		c = p[i];
		k = c >= 0x80 ? utf8_seq(p + i, n - i) : 1;
		if (c >= 0x80 && k > 0 && !(c == 0xc2 && p[i + 1] <= 0x9f)) {
			i += k;	/* well-formed, not C1: as it is */
			continue;
		}
		jw_raw(w, s + run, i - run);
		esc[0] = '\\';
		esc[1] = 'u';
		esc[2] = esc[3] = '0';
		esc[4] = hex[c >> 4];
		esc[5] = hex[c & 15];
		if (k == 0) {
			k = 1;
			jw_raw(w, "\\ufffd", 6);
		} else if (k == 2) {	/* C1, U+0080-U+009F: C2 80..9F */
			esc[4] = hex[p[i + 1] >> 4];
			esc[5] = hex[p[i + 1] & 15];
			jw_raw(w, esc, 6);
		} else if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			jw_raw(w, esc, 2);
		} else
			jw_raw(w, esc, 6);
		i += k;
		run = i;
	}
	jw_raw(w, s + run, n - run);
	jw_raw(w, "\"", 1);
}

static void
jw_key(struct jw *w, const char *key)
{
	uint32_t bit = 1u << (w->depth & 31);

	if (w->has_item & bit)
		jw_raw(w, ",", 1);
	w->has_item |= bit;
	if (key != NULL) {
		jw_escaped(w, key, strlen(key));
		jw_raw(w, ":", 1);
	}
}

static void
jw_open(struct jw *w, const char *key, const char *br)
{
	jw_key(w, key);
	jw_raw(w, br, 1);
	w->depth++;
	w->has_item &= ~(1u << (w->depth & 31));
}

static void
jw_close(struct jw *w, const char *br)
{
	jw_raw(w, br, 1);
	if (w->depth > 0)
		w->depth--;
}

void jw_obj_open(struct jw *w, const char *key) { jw_open(w, key, "{"); }
void jw_obj_close(struct jw *w) { jw_close(w, "}"); }
void jw_arr_open(struct jw *w, const char *key) { jw_open(w, key, "["); }
void jw_arr_close(struct jw *w) { jw_close(w, "]"); }

void
jw_str(struct jw *w, const char *key, const char *val)
{
	jw_strn(w, key, val, strlen(val));
}

void
jw_strn(struct jw *w, const char *key, const char *val, size_t n)
{
	jw_key(w, key);
	jw_escaped(w, val, strnlen(val, n));
}

/* Decimal digits of v, with a leading '-' when neg: as %llu / %lld print them. */
static void
jw_dec(struct jw *w, uint64_t v, bool neg)
{
	char d[24], *p = d + sizeof(d);

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (neg)
		*--p = '-';
	jw_raw(w, p, (size_t)(d + sizeof(d) - p));
}

void
jw_u64(struct jw *w, const char *key, uint64_t v)
{
	jw_key(w, key);
	jw_dec(w, v, false);
}

void
jw_i64(struct jw *w, const char *key, int64_t v)
{
	jw_key(w, key);
	jw_dec(w, v < 0 ? 0 - (uint64_t)v : (uint64_t)v, v < 0);
}

void
jw_dbl(struct jw *w, const char *key, double v, int prec)
{
	jw_key(w, key);
	if (!isfinite(v))
		jw_raw(w, "null", 4);
	else
		jw_fmt(w, "%.*f", prec, v);
}

void
jw_bool(struct jw *w, const char *key, bool v)
{
	jw_key(w, key);
	jw_raw(w, v ? "true" : "false", v ? 4 : 5);
}

void
jw_ts(struct jw *w, const char *key, usec_t t)
{
	char ts[CLOCK_TS_LEN];

	jw_strn(w, key, ts, clock_fmt(t, ts, sizeof(ts)));
}

size_t
jw_finish(struct jw *w)
{
	jw_raw(w, "\n", 1);
	if (w->overflow)
		return 0;
	w->buf[w->len] = '\0';
	return w->len;
}
