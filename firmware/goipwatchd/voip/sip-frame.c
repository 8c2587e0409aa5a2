/* SPDX-License-Identifier: BSD-2-Clause */
/* SIP start-line sniffing, resync and stream framing by Content-Length. */
#include <string.h>

#include "sip.h"

const char *const sip_frame_result_names[SIP_FRAME_RESULT_MAX] = {
	[SIP_FRAME_COMPLETE] = "complete",
	[SIP_FRAME_KEEPALIVE] = "keepalive",
	[SIP_FRAME_NEED_MORE] = "need_more",
	[SIP_FRAME_NOT_SIP] = "not_sip",
	[SIP_FRAME_BAD_LENGTH] = "bad_length",
	[SIP_FRAME_TOO_LARGE] = "too_large",
};

#define CL_MAX	0x7fffffffLL	/* larger Content-Length values are bad */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Case-insensitive: do the n bytes at p start with s? */
static bool
ci_prefix(const uint8_t *p, size_t n, const char *s)
{
	size_t i, l = strlen(s);

	if (n < l)
		return false;
	for (i = 0; i < l; i++)
		if (lower(p[i]) != lower((unsigned char)s[i]))
			return false;
	return true;
}

/* RFC 3261 token characters. */
static bool
is_tchar(uint8_t c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return true;
	return c != 0 && strchr("-.!%*_+`'~", c) != NULL;
}

static bool
is_digit(uint8_t c)
{
	return c >= '0' && c <= '9';
}

static bool
status_line_ok(const uint8_t *p, size_t n)
{
	if (n < 12 || !ci_prefix(p, n, "SIP/2.0 "))
		return false;
	if (p[8] < '1' || p[8] > '6' || !is_digit(p[9]) || !is_digit(p[10]))
		return false;
	return p[11] == ' ' || p[11] == '\r' || p[11] == '\n';
}

/* Length of the method token at p, 0 when it is not followed by SP. */
static size_t
method_len(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && i <= SIP_METHOD_MAX && is_tchar(p[i]); i++)
		;
	if (i == 0 || i > SIP_METHOD_MAX || i >= n || p[i] != ' ')
		return 0;
	return i;
}

static bool
request_line_ok(const uint8_t *p, size_t n)
{
	const uint8_t *nl;
	size_t i, end, lim = n < SIP_START_LINE_MAX ? n : SIP_START_LINE_MAX;

	if ((i = method_len(p, lim)) == 0)
		return false;
	i++;
	if (!ci_prefix(p + i, lim - i, "sip:") &&
	    !ci_prefix(p + i, lim - i, "sips:") &&
	    !ci_prefix(p + i, lim - i, "tel:"))
		return false;
	if ((nl = memchr(p + i, '\n', lim - i)) == NULL)
		return false;
	end = (size_t)(nl - p);
	if (p[end - 1] == '\r')
		end--;
	if (end < i + 4 + 8 || p[end - 8] != ' ' ||
	    !ci_prefix(p + end - 7, 7, "SIP/2.0"))
		return false;
	/* The Request-URI holds no SP. */
	return memchr(p + i, ' ', end - 8 - i) == NULL;
}

bool
sip_sniff(const uint8_t *p, size_t n)
{
	if (p == NULL || n < 12)
		return false;
	if (p[0] == 'S' || p[0] == 's')
		if (status_line_ok(p, n))
			return true;
	return request_line_ok(p, n);
}

size_t
sip_crlf_len(const uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && (p[i] == '\r' || p[i] == '\n'); i++)
		;
	return i;
}

/* Methods looked for inside a line, where a lost body leaves them. */
static const char *const resync_methods[] = {
	"INVITE ", "ACK ", "BYE ", "CANCEL ", "OPTIONS ", "REGISTER ", "PRACK ",
	"SUBSCRIBE ", "NOTIFY ", "PUBLISH ", "INFO ", "REFER ", "MESSAGE ",
	"UPDATE ", "SIP/2.0 ",
};

/*
 * The first start line beginning inside the line [0,len) of p (n bytes in
 * all), e.g. after a body without a final CRLF; n when there is none.
 */
static size_t
resync_midline(const uint8_t *p, size_t len, size_t n)
{
	const uint8_t *q;
	size_t i, best = n, from;

	for (i = 0; i < sizeof(resync_methods) / sizeof(resync_methods[0]); i++)
		for (from = 1; from < len && from < best; from = (size_t)(q - p) + 1) {
			q = memmem(p + from, len - from, resync_methods[i],
			    strlen(resync_methods[i]));
			if (q == NULL || (size_t)(q - p) >= best)
				break;
			if (sip_sniff(q, n - (size_t)(q - p))) {
				best = (size_t)(q - p);
				break;
			}
		}
	return best;
}

size_t
sip_resync(const uint8_t *p, size_t n, bool bol, bool *found)
{
	const uint8_t *nl;
	size_t i = 0, len, mid;

	for (;; bol = true) {
		if (bol && sip_sniff(p + i, n - i))
			break;
		nl = memchr(p + i, '\n', n - i);
		len = nl != NULL ? (size_t)(nl - p) - i : n - i;
		if ((mid = resync_midline(p + i, len, n - i)) < n - i) {
			i += mid;
			break;
		}
		if (nl == NULL) {
			*found = false;
			/* Keep an unfinished last line only while it could be one. */
			return n - i > SIP_START_LINE_MAX ? n : i;
		}
		i = (size_t)(nl - p) + 1;
	}
	*found = true;
	return i;
}

/* Could these bytes, without their line end yet, begin a start line? */
static bool
start_prefix_ok(const uint8_t *p, size_t n)
{
	static const char sv[] = "SIP/2.0 ";
	size_t i;

	if (n >= SIP_START_LINE_MAX)
		return false;
	for (i = 0; i < n && i < 8 && lower(p[i]) == lower(sv[i]); i++)
		;
	if (i == n || i == 8)
		return true;
	for (i = 0; i < n && i <= SIP_METHOD_MAX && is_tchar(p[i]); i++)
		;
	return i == n ? n <= SIP_METHOD_MAX : (i > 0 && p[i] == ' ');
}

bool
sip_header_is(const uint8_t *p, size_t n, const char *name, char c)
{
	const uint8_t *colon = memchr(p, ':', n);
	size_t nl;

	if (colon == NULL)
		return false;
	for (nl = (size_t)(colon - p); nl > 0 && (p[nl - 1] == ' ' ||
	    p[nl - 1] == '\t'); nl--)
		;
	return (nl == strlen(name) && ci_prefix(p, nl, name)) ||
	    (nl == 1 && lower(p[0]) == lower((unsigned char)c));
}

/* Content-Length of one header line, if it is one: 0 ok, -1 bad. */
static int
header_clen(const uint8_t *p, size_t n, int64_t *clen)
{
	const uint8_t *colon;
	size_t i;
	int64_t v = 0;

	if (!sip_header_is(p, n, "content-length", 'l'))
		return 0;
	colon = memchr(p, ':', n);
	for (i = (size_t)(colon - p) + 1; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	if (i == n || !is_digit(p[i]))
		return -1;
	for (; i < n && is_digit(p[i]); i++)
		if ((v = v * 10 + (p[i] - '0')) > CL_MAX)
			return -1;
	for (; i < n && (p[i] == ' ' || p[i] == '\t'); i++)
		;
	if (i != n || (*clen >= 0 && *clen != v))
		return -1;
	*clen = v;
	return 0;
}

enum sip_frame_result
sip_frame_headers(const uint8_t *p, size_t n, size_t cap, size_t *hdrlen,
    int64_t *clen)
{
	const uint8_t *nl;
	size_t i = 0, e, len, lim = n < cap ? n : cap;

	*clen = -1;
	for (;;) {
		if ((nl = memchr(p + i, '\n', lim - i)) == NULL)
			return n >= cap ? SIP_FRAME_TOO_LARGE : SIP_FRAME_NEED_MORE;
		e = (size_t)(nl - p);
		len = e - i;
		if (len > 0 && p[e - 1] == '\r')
			len--;
		if (len == 0 && i > 0) {
			*hdrlen = e + 1;
			return SIP_FRAME_COMPLETE;
		}
		if (i > 0 && header_clen(p + i, len, clen) == -1)
			return SIP_FRAME_BAD_LENGTH;
		i = e + 1;
	}
}

enum sip_frame_result
sip_frame(const uint8_t *p, size_t n, size_t cap, size_t *msglen)
{
	enum sip_frame_result r;
	size_t k, hdrlen, total;
	int64_t clen;

	*msglen = 0;
	if (n == 0)
		return SIP_FRAME_NEED_MORE;
	if (cap == 0)
		cap = SIP_MAX_DEFAULT;
	if ((k = sip_crlf_len(p, n)) > 0) {
		*msglen = k;
		return SIP_FRAME_KEEPALIVE;
	}
	if (memchr(p, '\n', n < SIP_START_LINE_MAX ? n : SIP_START_LINE_MAX) == NULL)
		return start_prefix_ok(p, n) ? SIP_FRAME_NEED_MORE : SIP_FRAME_NOT_SIP;
	if (!sip_sniff(p, n))
		return SIP_FRAME_NOT_SIP;
	if ((r = sip_frame_headers(p, n, cap, &hdrlen, &clen)) != SIP_FRAME_COMPLETE)
		return r;
	total = hdrlen + (size_t)(clen < 0 ? 0 : clen);
	if (total > cap) {
		*msglen = total;
		return SIP_FRAME_TOO_LARGE;
	}
	if (total > n)
		return SIP_FRAME_NEED_MORE;
	*msglen = total;
	return SIP_FRAME_COMPLETE;
}
