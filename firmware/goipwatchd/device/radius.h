/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Subscriber account names from the mirror: RADIUS Accounting-Request
 * (RFC 2866/2865, Framed-IPv6-Prefix RFC 3162) and PPP PAP/CHAP (RFC 1334,
 * RFC 1994). Pure parsers over hostile bytes; no allocation, logging or
 * clock. What each accepts and why: docs/wire.md.
 */
#ifndef GWD_RADIUS_H
#define GWD_RADIUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RADIUS_STATUS_START	1
#define RADIUS_STATUS_STOP	2
#define RADIUS_STATUS_INTERIM	3

struct radius_acct {
	uint8_t	 status;	/* Acct-Status-Type: 1 Start, 2 Stop,
				   3 Interim-Update; 0 absent */
	bool	 has_framed_ip;
	uint8_t	 framed_ip[4];
	bool	 has_v6_prefix;
	uint8_t	 v6_prefix[16];	/* bits past v6_prefix_len are zero */
	uint8_t	 v6_prefix_len;
	char	 user[64], session_id[64], calling_station[64], nas_ip[16];
	bool	 truncated;	/* some string did not fit its field */
};

/* Accounting-Request (code 4) only; the header length and every attribute
 * length are checked. Attributes of a wrong fixed size are ignored. */
bool	radius_acct_parse(const uint8_t *udp_payload, size_t n,
	    struct radius_acct *out);

/* PAP Authenticate-Request (code 1): the Peer-ID, non-empty. ppp_info
 * starts after the 2-byte PPP protocol 0xc023. The password is not read. */
bool	ppp_pap_user(const uint8_t *ppp_info, size_t n, char user[64]);

/* CHAP Response (code 2): the Name, non-empty; after protocol 0xc223. */
bool	ppp_chap_user(const uint8_t *ppp_info, size_t n, char user[64]);

#endif
