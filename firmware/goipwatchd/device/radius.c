/* SPDX-License-Identifier: BSD-2-Clause */
/* RADIUS accounting and PPP PAP/CHAP account names (docs/wire.md). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "radius.h"
#include "rd.h"
#include "str.h"

#define RADIUS_HDR_LEN		20	/* code, id, length, authenticator */
#define RADIUS_MAX_LEN		4096	/* RFC 2865 section 3 */
#define RADIUS_ACCT_REQUEST	4

#define ATTR_USER_NAME		1
#define ATTR_NAS_IP		4
#define ATTR_FRAMED_IP		8
#define ATTR_CALLING_STATION	31
#define ATTR_ACCT_STATUS	40
#define ATTR_ACCT_SESSION_ID	44
#define ATTR_FRAMED_V6_PREFIX	97

#define PPP_USER_LEN		64
#define PAP_AUTH_REQUEST	1
#define CHAP_RESPONSE		2
#define PPP_HDR_LEN		4	/* code, id, length */

static uint32_t
be32(const uint8_t *v)
{
	return (uint32_t)v[0] << 24 | (uint32_t)v[1] << 16 |
	    (uint32_t)v[2] << 8 | v[3];
}

/* RFC 3162: reserved, prefix-length (0-128), then up to 16 prefix bytes,
 * enough for the length; bits past it are cleared. */
static void
v6_prefix(struct radius_acct *a, const uint8_t *v, size_t len)
{
	size_t need;
	uint8_t plen;

	if (len < 2 || len > 18)
		return;
	plen = v[1];
	need = ((size_t)plen + 7) / 8;
	if (plen > 128 || len - 2 < need)
		return;
	memset(a->v6_prefix, 0, sizeof(a->v6_prefix));
	memcpy(a->v6_prefix, v + 2, need);
	if (plen % 8)
		a->v6_prefix[need - 1] &= (uint8_t)(0xff << (8 - plen % 8));
	a->v6_prefix_len = plen;
	a->has_v6_prefix = true;
}

/* One attribute value (len bytes); wrong fixed sizes are ignored. */
static void
radius_attr(struct radius_acct *a, uint8_t type, const uint8_t *v, size_t len)
{
	uint32_t x;

	switch (type) {
	case ATTR_USER_NAME:
		a->truncated |= str_copy_wire(a->user, sizeof(a->user), v, len);
		break;
	case ATTR_ACCT_SESSION_ID:
		a->truncated |= str_copy_wire(a->session_id, sizeof(a->session_id),
		    v, len);
		break;
	case ATTR_CALLING_STATION:
		a->truncated |= str_copy_wire(a->calling_station,
		    sizeof(a->calling_station), v, len);
		break;
	case ATTR_NAS_IP:
		if (len == 4)
			snprintf(a->nas_ip, sizeof(a->nas_ip), "%u.%u.%u.%u",
			    v[0], v[1], v[2], v[3]);
		break;
	case ATTR_FRAMED_IP:
		if (len == 4) {
			memcpy(a->framed_ip, v, 4);
			a->has_framed_ip = true;
		}
		break;
	case ATTR_ACCT_STATUS:
		if (len == 4 && (x = be32(v)) >= 1 && x <= 255)
			a->status = (uint8_t)x;
		break;
	case ATTR_FRAMED_V6_PREFIX:
		v6_prefix(a, v, len);
		break;
	}
}

bool
radius_acct_parse(const uint8_t *p, size_t n, struct radius_acct *out)
{
	struct rd r;
	uint8_t code, id, type, alen;
	uint16_t len;
	const uint8_t *v;

	memset(out, 0, sizeof(*out));
	if (p == NULL)
		return false;
	rd_init(&r, p, n);
	if (rd_u8(&r, &code) == -1 || rd_u8(&r, &id) == -1 ||
	    rd_be16(&r, &len) == -1 || rd_skip(&r, 16) == -1)
		goto fail;
	/* Octets past Length are padding (RFC 2865 3); fewer is malformed. */
	if (code != RADIUS_ACCT_REQUEST || len < RADIUS_HDR_LEN ||
	    len > RADIUS_MAX_LEN || len > n)
		goto fail;
	r.left = (size_t)len - RADIUS_HDR_LEN;
	while (r.left > 0) {
		if (rd_u8(&r, &type) == -1 || rd_u8(&r, &alen) == -1 ||
		    alen < 2 || rd_peek(&r, (size_t)alen - 2, &v) == -1)
			goto fail;
		radius_attr(out, type, v, (size_t)alen - 2);
		(void)rd_skip(&r, (size_t)alen - 2);
	}
	return true;
fail:
	memset(out, 0, sizeof(*out));
	return false;
}

/* The PPP auth header: code, id, length within n; the body after it. */
static bool
ppp_auth_body(const uint8_t *p, size_t n, uint8_t want, struct rd *body)
{
	struct rd r;
	uint8_t code, id;
	uint16_t len;

	if (p == NULL)
		return false;
	rd_init(&r, p, n);
	if (rd_u8(&r, &code) == -1 || rd_u8(&r, &id) == -1 ||
	    rd_be16(&r, &len) == -1)
		return false;
	if (code != want || len < PPP_HDR_LEN || len > n)
		return false;
	rd_init(body, p + PPP_HDR_LEN, (size_t)len - PPP_HDR_LEN);
	return true;
}

bool
ppp_pap_user(const uint8_t *p, size_t n, char user[64])
{
	struct rd r;
	uint8_t idlen, pwlen;
	const uint8_t *peer;

	user[0] = '\0';
	if (!ppp_auth_body(p, n, PAP_AUTH_REQUEST, &r) ||
	    rd_u8(&r, &idlen) == -1 || idlen == 0 ||
	    rd_peek(&r, idlen, &peer) == -1 || rd_skip(&r, idlen) == -1 ||
	    rd_u8(&r, &pwlen) == -1 || rd_skip(&r, pwlen) == -1)
		return false;
	(void)str_copy_wire(user, PPP_USER_LEN, peer, idlen);
	return true;
}

bool
ppp_chap_user(const uint8_t *p, size_t n, char user[64])
{
	struct rd r;
	uint8_t vlen;

	user[0] = '\0';
	if (!ppp_auth_body(p, n, CHAP_RESPONSE, &r) ||
	    rd_u8(&r, &vlen) == -1 || vlen == 0 || rd_skip(&r, vlen) == -1 ||
	    r.left == 0)
		return false;
	(void)str_copy_wire(user, PPP_USER_LEN, r.p, r.left);
	return true;
}
