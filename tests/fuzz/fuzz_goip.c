/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the wire parsers of goip.c, dbl.c and radius.c:
 * every parser sees the input whole and (for the ones taking a tail) past
 * a PPP/RADIUS-sized prefix. Checks the output invariants: NUL-terminated
 * bounded strings, frame lengths inside the input, no password copied.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "goip.h"
#include "dbl.h"
#include "radius.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

#define BOUNDED(s)	check(strnlen((s), sizeof(s)) < sizeof(s))

static bool
is_alnum_run(const uint8_t *v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!((v[i] >= '0' && v[i] <= '9') || (v[i] >= 'a' && v[i] <= 'z') ||
		    (v[i] >= 'A' && v[i] <= 'Z')))
			return false;
	return true;
}

/*
 * The password value must never reach the struct. Copied fields come from
 * other places of the input, so only a value that occurs once in the input
 * (and is long and plain enough not to match padding) is checked.
 */
static void
check_no_password(const uint8_t *p, size_t n, const struct goip_msg *m)
{
	static const char *const keys[] = { ";pass:", ";password:" };
	const uint8_t *v, *e;
	size_t i, len;

	for (i = 0; i < 2; i++) {
		v = memmem(p, n, keys[i], strlen(keys[i]));
		if (v == NULL)
			continue;
		v += strlen(keys[i]);
		e = memchr(v, ';', n - (size_t)(v - p));
		len = e != NULL ? (size_t)(e - v) : n - (size_t)(v - p);
		if (len < 8 || !is_alnum_run(v, len) ||
		    memmem(p, (size_t)(v - p) + len - 1, v, len) != NULL ||
		    memmem(v + 1, n - (size_t)(v + 1 - p), v, len) != NULL)
			continue;
		check(memmem(m, sizeof(*m), v, len) == NULL);
	}
}

static void
goip(const uint8_t *p, size_t n)
{
	struct goip_msg m;
	struct simbank_frame f;

	if (goip_msg_parse(p, n, &m)) {
		check(m.kind <= GOIP_COMMAND);
		BOUNDED(m.type);
		BOUNDED(m.id);
		BOUNDED(m.num);
		BOUNDED(m.imei);
		BOUNDED(m.imsi);
		BOUNDED(m.iccid);
		BOUNDED(m.gsm_status);
		BOUNDED(m.voip_status);
		BOUNDED(m.pro);
		BOUNDED(m.cellinfo);
		BOUNDED(m.srcnum);
		check(m.signal >= -1 && m.smb_login >= -1 && m.smb_login <= 1);
		check(m.type[0] != '\0');
		check_no_password(p, n, &m);
	}
	if (simbank_parse(p, n, &f)) {
		check(f.frame_len >= SIMBANK_HDR_LEN && f.frame_len <= n);
		check(f.frame_len <= SIMBANK_FRAME_MAX);
		check(f.slot == f.line_id % 100);
	}
}

static void
dbl(const uint8_t *p, size_t n)
{
	char serial[32], q[HINT_QNAME_MAX], small[8], vendor[64];
	uint8_t mac[6];

	if (dbl_ddns(p, n, serial))
		check(serial[0] != '\0');
	BOUNDED(serial);
	if (dbl_dns_query(p, n, q, sizeof(q))) {
		BOUNDED(q);
		(void)dbl_dbl_domain(q);
	}
	if (dbl_dns_query(p, n, small, sizeof(small)))
		BOUNDED(small);
	(void)dbl_ntp_long(p, n);
	(void)dbl_radmin(p, n);
	if (dbl_dhcp_vendor(p, n, vendor, mac)) {
		BOUNDED(vendor);
		(void)dbl_dbl_vendor(vendor);
		(void)dbl_oui_dbl(mac);
	}
	(void)dbl_http_goip(p, n);
}

static void
radius(const uint8_t *p, size_t n)
{
	struct radius_acct a;
	char user[64];

	if (radius_acct_parse(p, n, &a)) {
		BOUNDED(a.user);
		BOUNDED(a.session_id);
		BOUNDED(a.calling_station);
		BOUNDED(a.nas_ip);
		check(!a.has_v6_prefix || a.v6_prefix_len <= 128);
	}
	if (ppp_pap_user(p, n, user))
		check(user[0] != '\0' && strnlen(user, 64) < 64);
	if (ppp_chap_user(p, n, user))
		check(user[0] != '\0' && strnlen(user, 64) < 64);
}

/* A NUL-terminated copy for the string predicates. */
static void
strings(const uint8_t *p, size_t n)
{
	char s[300];

	if (n >= sizeof(s))
		n = sizeof(s) - 1;
	memcpy(s, p, n);
	s[n] = '\0';
	(void)dbl_dbl_domain(s);
	(void)dbl_dbl_vendor(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	goip(data, size);
	dbl(data, size);
	radius(data, size);
	strings(data, size);
	if (size > 2) {		/* a PPP protocol field, as the caller strips */
		radius(data + 2, size - 2);
		goip(data + 1, size - 1);
	}
	return 0;
}
