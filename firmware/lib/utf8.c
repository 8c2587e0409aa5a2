/* SPDX-License-Identifier: BSD-2-Clause */
/* Strict UTF-8 (RFC 3629 table 4): the one decoder the writers and central share. */
#include <stdio.h>
#include <string.h>

#include "utf8.h"

static bool
cont(uint8_t c)
{
	return (c & 0xc0) == 0x80;
}

size_t
utf8_seq(const uint8_t *s, size_t n)
{
	uint8_t c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		lo = c == 0xe0 ? 0xa0 : 0x80;	/* overlong */
		hi = c == 0xed ? 0x9f : 0xbf;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		lo = c == 0xf0 ? 0x90 : 0x80;	/* overlong */
		hi = c == 0xf4 ? 0x8f : 0xbf;	/* past U+10FFFF */
	} else
		return 0;
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (!cont(s[i]))
			return 0;
	return len;
}

uint32_t
utf8_decode(const uint8_t *s, size_t len)
{
	static const uint8_t lead[] = { 0, 0x7f, 0x1f, 0x0f, 0x07 };
	uint32_t cp = s[0] & lead[len];

	for (size_t i = 1; i < len; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

bool
utf8_is_valid(const char *s, size_t n)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, k;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((k = utf8_seq(p + i, n - i)) == 0)
			return false;
		i += k;
	}
	return true;
}

size_t
utf8_cut(const char *s, size_t n, size_t max)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, k;

	if (n <= max)
		return n;
	while (i < max) {
		k = p[i] < 0x80 ? 1 : utf8_seq(p + i, n - i);
		if (k == 0)
			k = 1;
		if (i + k > max)
			break;
		i += k;
	}
	return i;
}

/* Invisible characters that reorder or hide text: bidi controls, zero widths. */
static bool
is_format(uint32_t cp)
{
	return (cp >= 0x200b && cp <= 0x200f) || (cp >= 0x2028 && cp <= 0x202e) ||
	    (cp >= 0x2060 && cp <= 0x206f) || cp == 0xfeff;
}

void
utf8_escape_tty(const char *s, size_t n, utf8_put_fn *put, void *arg)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t i, run = 0, len;
	char esc[8];
	uint32_t cp;

	for (i = 0; i < n; i += len) {
		len = p[i] < 0x80 ? 1 : utf8_seq(p + i, n - i);
		if (len == 0) {
			len = 1;
			snprintf(esc, sizeof(esc), "\\x%02x", p[i]);
		} else if (len == 1 && (p[i] < 0x20 || p[i] == 0x7f))
			snprintf(esc, sizeof(esc), "\\x%02x", p[i]);
		else if (len == 1 && p[i] == '\\')
			snprintf(esc, sizeof(esc), "\\\\");
		else if (len > 1 && ((cp = utf8_decode(p + i, len)) <= 0x9f || is_format(cp)))
			snprintf(esc, sizeof(esc), "\\u%04x", (unsigned)cp);
		else
			continue;
		put(arg, s + run, i - run);
		put(arg, esc, strlen(esc));
		run = i + len;
	}
	put(arg, s + run, n - run);
}
