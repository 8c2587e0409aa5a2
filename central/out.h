/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Output helpers for the CLI: times, and every untrusted string on its way to
 * a terminal, a JSON line or a CSV cell (docs/central.md, Output).
 */
#ifndef GWC_OUT_H
#define GWC_OUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define OUT_TTY_SLOTS	8
#define OUT_TTY_LEN	512

/* Rotating buffers, so one printf can show several escaped strings. */
struct out_tty {
	char		 buf[OUT_TTY_SLOTS][OUT_TTY_LEN];
	unsigned	 next;
};

/* "2026-11-29 09:19Z" style UTC, or "-" for 0/absent. buf >= 24 bytes. */
const char *out_time(int64_t t, char *buf, size_t len);
/* RFC 3339 with seconds, for JSON and CSV. */
const char *out_time_iso(int64_t t, char *buf, size_t len);
/* "2h05m" style, negative as "-2h05m". */
const char *out_span(int64_t secs, char *buf, size_t len);
/*
 * s as a terminal may show it: C0, DEL and bytes that are not UTF-8 as \xNN,
 * C1 and invisible format characters (bidi, zero width) as \uNNNN, a backslash
 * as \\; printable UTF-8 as is. "" for NULL; cut with "..." past OUT_TTY_LEN.
 * Valid until OUT_TTY_SLOTS more calls on the same t.
 */
const char *out_tty(struct out_tty *t, const char *s);
/* The same, any length, straight to f. */
void	out_tty_put(FILE *f, const char *s);
/* A JSON string in strict UTF-8: controls as \u00XX, bad bytes as \ufffd. */
void	out_json_str(FILE *, const char *);
/* ,"key":s as out_json_str, or ,"key":null for NULL. */
void	out_json_kv(FILE *, const char *key, const char *s);
/* The same with "" as null. */
void	out_json_kv_opt(FILE *, const char *key, const char *s);
/* ,"key":v, or ,"key":null when the value is not present. */
void	out_json_kv_num(FILE *, const char *key, int64_t v, bool present);
/*
 * A CSV cell: out_tty's escapes; a cell starting with = + - @ TAB or CR gets a
 * leading ' (OWASP); quoted when it holds , or " or was neutralised.
 */
void	out_csv_str(FILE *, const char *);
/* The UTF-8 byte-order mark that starts every CSV output. */
void	out_csv_bom(FILE *);

#endif
