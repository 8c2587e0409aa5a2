/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the JSON string writer (jw.c) and the UTF-8 cuts
 * (utf8.c, str.h): every line jw_finish() returns must decode as strict
 * UTF-8 (checked here by a decoder of its own, not utf8.c's), hold no raw
 * control (C0, DEL, C1) and be one string in quotes; a cut never splits a
 * character of valid input.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "jw.h"
#include "str.h"
#include "utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

/* Strict UTF-8 by the RFC 3629 definition, code point by code point. */
static bool
strict_utf8(const uint8_t *s, size_t n, bool allow_ctl)
{
	size_t i = 0, len, j;
	uint32_t cp, min;

	while (i < n) {
		uint8_t c = s[i];

		if (c < 0x80) {
			if (!allow_ctl && (c < 0x20 || c == 0x7f))
				return false;
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0)
			len = 2, cp = c & 0x1f, min = 0x80;
		else if ((c & 0xf0) == 0xe0)
			len = 3, cp = c & 0x0f, min = 0x800;
		else if ((c & 0xf8) == 0xf0)
			len = 4, cp = c & 0x07, min = 0x10000;
		else
			return false;
		if (n - i < len)
			return false;
		for (j = 1; j < len; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = cp << 6 | (s[i + j] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		if (!allow_ctl && cp <= 0x9f)
			return false;
		i += len;
	}
	return true;
}

/* One string value: a quoted JSON string, then '\n'. */
static void
check_line(const char *buf, size_t len)
{
	size_t i;

	check(len >= 3 && buf[0] == '"' && buf[len - 2] == '"' && buf[len - 1] == '\n');
	check(strict_utf8((const uint8_t *)buf, len - 1, false));
	for (i = 1; i < len - 2; i++) {
		if (buf[i] == '\\')
			i++;
		else
			check(buf[i] != '"');
	}
	check(i == len - 2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char buf[6 * 4096 + 16];
	char small[64];
	struct jw w;
	size_t len, cut;

	if (size > 4096)
		return 0;
	jw_init(&w, buf, sizeof(buf));
	jw_strn(&w, NULL, (const char *)data, size);
	len = jw_finish(&w);
	/* a NUL in the input ends the string, as it does for every field */
	check(len > 0);
	check_line(buf, len);
	check(utf8_is_valid((const char *)data, size) ==
	    strict_utf8(data, size, true));

	cut = utf8_cut((const char *)data, size, size / 2);
	check(cut <= size / 2 && (size / 2 - cut <= 3 || size / 2 == size));
	if (strict_utf8(data, size, true))
		check(strict_utf8(data, cut, true));
	if (str_copy_wire(small, sizeof(small), data, size))
		check(size >= sizeof(small));
	check(strlen(small) < sizeof(small));
	if (strict_utf8(data, size, true))
		check(strict_utf8((const uint8_t *)small, strlen(small), true));
	return 0;
}
