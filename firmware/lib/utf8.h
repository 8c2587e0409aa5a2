/* SPDX-License-Identifier: BSD-2-Clause */
/* Strict UTF-8 (RFC 3629): sequence lengths, validation, cuts on character boundaries. */
#ifndef GW_UTF8_H
#define GW_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The replacement character U+FFFD, encoded. */
#define UTF8_REPLACEMENT	"\xef\xbf\xbd"

/*
 * Length (1-4) of the well-formed sequence at s[0..n), or 0 when s[0] does not
 * start one: a stray continuation, an overlong form, a surrogate, a code point
 * past U+10FFFF, or a sequence cut by n.
 */
size_t	utf8_seq(const uint8_t *s, size_t n);
bool	utf8_is_valid(const char *s, size_t n);
/* The code point of a sequence utf8_seq() accepted with length len. */
uint32_t utf8_decode(const uint8_t *s, size_t len);
/*
 * The longest prefix of s[0..n) of at most max bytes that does not split a
 * well-formed character (bytes outside one count alone).
 */
size_t	utf8_cut(const char *s, size_t n, size_t max);

typedef void utf8_put_fn(void *arg, const char *p, size_t n);
/*
 * s[0..n) as a terminal or a log may show it, in pieces to put: printable
 * UTF-8 as it is; C0 controls, DEL, a backslash and bytes that are not UTF-8
 * as \xNN (a backslash as \\, so an escape cannot be forged); C1 controls
 * and invisible format characters (bidi, zero widths) as \uNNNN.
 */
void	utf8_escape_tty(const char *s, size_t n, utf8_put_fn *put, void *arg);

#endif
