/* SPDX-License-Identifier: BSD-2-Clause */
/* DBL cloud side-channel signatures (docs/wire.md, "DBL cloud hints"). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "dbl.h"
#include "rd.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

/* --- DDNS ------------------------------------------------------------------ */

static const uint8_t ddns_request[5] = { 0x86, 0x70, 0x14, 0x13, 0x01 };

static bool
is_serial_char(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z') || c == '-' || c == '_' || c == '.';
}

bool
dbl_ddns(const uint8_t *p, size_t n, char serial[32])
{
	size_t i, len;

	serial[0] = '\0';
	if (p == NULL || n <= sizeof(ddns_request) ||
	    memcmp(p, ddns_request, sizeof(ddns_request)) != 0)
		return false;
	p += sizeof(ddns_request);
	n -= sizeof(ddns_request);
	for (len = 0; len < n && is_serial_char(p[len]); len++)
		;
	for (i = len; i < n; i++)	/* tolerate NUL padding only */
		if (p[i] != '\0')
			return false;
	if (len == 0 || len >= HINT_SERIAL_LEN)
		return false;
	memcpy(serial, p, len);
	serial[len] = '\0';
	return true;
}

/* --- DNS ------------------------------------------------------------------- */

#define DNS_HDR_LEN	12
#define DNS_MAX_HOPS	16

static bool
is_label_char(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-' ||
	    c == '_';
}

/* Appends one label (lower-cased) with its separating dot. */
static bool
append_label(const uint8_t *l, size_t len, char *out, size_t cap, size_t *at)
{
	size_t i;
	uint8_t c;

	if (*at + (*at > 0) + len >= cap)
		return false;
	if (*at > 0)
		out[(*at)++] = '.';
	for (i = 0; i < len; i++) {
		c = l[i] >= 'A' && l[i] <= 'Z' ? (uint8_t)(l[i] + 32) : l[i];
		if (!is_label_char(c))
			return false;
		out[(*at)++] = (char)c;
	}
	return true;
}

/*
 * The name at off in msg. A pointer must go strictly backwards, so the walk
 * ends; the hop limit is belt and braces. *end is the offset after the name
 * in the question (after the first pointer, if any).
 */
static bool
dns_name(const uint8_t *msg, size_t n, size_t off, char *out, size_t cap,
    size_t *end)
{
	size_t at = 0, hops = 0, limit = off;
	bool jumped = false;
	uint8_t len;

	for (;;) {
		if (off >= n)
			return false;
		len = msg[off];
		if ((len & 0xc0) == 0xc0) {
			size_t to;

			if (off + 1 >= n || ++hops > DNS_MAX_HOPS)
				return false;
			to = (size_t)(len & 0x3f) << 8 | msg[off + 1];
			if (!jumped)
				*end = off + 2;
			if (to < DNS_HDR_LEN || to >= limit)
				return false;
			jumped = true;
			limit = to;
			off = to;
			continue;
		}
		if (len & 0xc0)
			return false;	/* 0x40/0x80: obsolete label types */
		if (len == 0)
			break;
		if (off + 1 + len > n || !append_label(msg + off + 1, len, out,
		    cap, &at) || at > 253)
			return false;
		off += 1 + (size_t)len;
	}
	if (!jumped)
		*end = off + 1;
	out[at] = '\0';
	return true;
}

bool
dbl_dns_query(const uint8_t *p, size_t n, char *qname, size_t cap)
{
	struct rd r;
	uint16_t id, flags, qd;
	size_t end = 0;

	if (qname == NULL || cap == 0)
		return false;
	qname[0] = '\0';
	if (p == NULL)
		return false;
	rd_init(&r, p, n);
	if (rd_be16(&r, &id) == -1 || rd_be16(&r, &flags) == -1 ||
	    rd_be16(&r, &qd) == -1 || rd_skip(&r, 6) == -1)
		return false;
	/* QR=0 and opcode 0 (QUERY); at least one question. */
	if ((flags & 0x8000) || ((flags >> 11) & 0x0f) != 0 || qd == 0)
		return false;
	if (!dns_name(p, n, DNS_HDR_LEN, qname, cap, &end) || end + 4 > n) {
		qname[0] = '\0';
		return false;
	}
	return true;
}

static const char *const dbl_domains[] = {
	"gontp.com", "gontp.org", "voipddns.net", "voipddns.com",
	"dbltek.com", "fspipsev.net",
};

/* name equals d or ends in "." d; one trailing root dot allowed. */
static bool
domain_match(const char *name, size_t len, const char *d)
{
	size_t dl = strlen(d);

	if (len < dl || strncasecmp(name + len - dl, d, dl) != 0)
		return false;
	return len == dl || name[len - dl - 1] == '.';
}

bool
dbl_dbl_domain(const char *qname)
{
	size_t i, len;

	if (qname == NULL)
		return false;
	len = strnlen(qname, HINT_QNAME_MAX + 1);
	if (len > 0 && qname[len - 1] == '.')
		len--;
	if (len == 0 || len > HINT_QNAME_MAX)
		return false;
	for (i = 0; i < NELEM(dbl_domains); i++)
		if (domain_match(qname, len, dbl_domains[i]))
			return true;
	return false;
}

/* --- NTP, radmin ------------------------------------------------------------ */

#define NTP_HDR_LEN	48

bool
dbl_ntp_long(const uint8_t *p, size_t n)
{
	uint8_t vn;

	if (p == NULL || n <= NTP_HDR_LEN)
		return false;
	vn = (p[0] >> 3) & 0x07;
	return (p[0] & 0x07) == 3 && vn >= 1 && vn <= 4;
}

static const uint8_t radmin_prefix[][8] = {
	{ 0x3c, 0x39, 0xac, 0x9a, 0xce, 0xc5, 0x93, 0x5a },	/* "RADMIN: " */
	{ 0x3a, 0x3d, 0xa4, 0x99, 0xc2, 0xdf, 0x93, 0x5a },	/* "TELNET: " */
};

bool
dbl_radmin(const uint8_t *p, size_t n)
{
	size_t i;

	if (p == NULL || n < sizeof(radmin_prefix[0]))
		return false;
	for (i = 0; i < NELEM(radmin_prefix); i++)
		if (memcmp(p, radmin_prefix[i], sizeof(radmin_prefix[i])) == 0)
			return true;
	return false;
}

/* --- DHCP -------------------------------------------------------------------- */

#define BOOTP_FIXED_LEN		236
#define DHCP_OPT_PAD		0
#define DHCP_OPT_VENDOR_CLASS	60
#define DHCP_OPT_END		255

static const uint8_t dhcp_cookie[4] = { 0x63, 0x82, 0x53, 0x63 };

static void
copy_printable(char *dst, size_t cap, const uint8_t *s, size_t n)
{
	size_t i;

	if (n > cap - 1)
		n = cap - 1;
	for (i = 0; i < n; i++)
		dst[i] = s[i] < 0x20 || s[i] >= 0x7f ? '?' : (char)s[i];
	dst[n] = '\0';
}

/* Walks the options for 60; false on a length past the end. */
static bool
dhcp_find_vendor(struct rd *r, char vendor[64])
{
	uint8_t code, len;
	const uint8_t *v;

	while (rd_u8(r, &code) == 0 && code != DHCP_OPT_END) {
		if (code == DHCP_OPT_PAD)
			continue;
		if (rd_u8(r, &len) == -1 || rd_peek(r, len, &v) == -1)
			return false;
		if (code == DHCP_OPT_VENDOR_CLASS) {
			copy_printable(vendor, HINT_VENDOR_LEN, v, len);
			return true;
		}
		(void)rd_skip(r, len);
	}
	return false;
}

bool
dbl_dhcp_vendor(const uint8_t *p, size_t n, char vendor[64],
    uint8_t chaddr[6])
{
	struct rd r;

	vendor[0] = '\0';
	memset(chaddr, 0, 6);
	/* op 1 BOOTREQUEST, htype 1 Ethernet, hlen 6. */
	if (p == NULL || n < BOOTP_FIXED_LEN + sizeof(dhcp_cookie) ||
	    p[0] != 1 || p[1] != 1 || p[2] != 6 ||
	    memcmp(p + BOOTP_FIXED_LEN, dhcp_cookie, sizeof(dhcp_cookie)) != 0)
		return false;
	memcpy(chaddr, p + 28, 6);
	rd_init(&r, p, n);
	(void)rd_skip(&r, BOOTP_FIXED_LEN + sizeof(dhcp_cookie));
	if (!dhcp_find_vendor(&r, vendor)) {
		vendor[0] = '\0';
		return false;
	}
	return true;
}

bool
dbl_dbl_vendor(const char *vendor)
{
	return vendor != NULL && strcasecmp(vendor, "dbl") == 0;
}

bool
dbl_oui_dbl(const uint8_t mac[6])
{
	return mac != NULL && mac[0] == 0x38 && mac[1] == 0x3f && mac[2] == 0x10;
}

/* --- HTTP ---------------------------------------------------------------------- */

static const char *const http_methods[] = { "GET ", "POST ", "HEAD " };
static const char goip_path[] = "/default/en_US/";

/* Skips "http://host" of an absolute-form target. */
static size_t
skip_authority(const uint8_t *p, size_t n, size_t at)
{
	static const char scheme[] = "http://";
	size_t sl = sizeof(scheme) - 1;

	if (n - at < sl || strncasecmp((const char *)p + at, scheme, sl) != 0)
		return at;
	at += sl;
	while (at < n && p[at] != '/' && p[at] != ' ' && p[at] != '\r' &&
	    p[at] != '\n')
		at++;
	return at;
}

bool
dbl_http_goip(const uint8_t *p, size_t n)
{
	size_t i, at = 0, pl = sizeof(goip_path) - 1;

	if (p == NULL)
		return false;
	for (i = 0; i < NELEM(http_methods); i++) {
		size_t ml = strlen(http_methods[i]);

		if (n >= ml && memcmp(p, http_methods[i], ml) == 0) {
			at = ml;
			break;
		}
	}
	if (at == 0)
		return false;
	at = skip_authority(p, n, at);
	return n - at >= pl && memcmp(p + at, goip_path, pl) == 0;
}
