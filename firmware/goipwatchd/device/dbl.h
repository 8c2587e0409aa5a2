/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * DBL (GoIP vendor) cloud side-channel signatures: DDNS, DNS names, the long
 * gontp NTP frame, the radmin tunnel, DHCP vendor class, OUI, the web UI.
 * Pure predicates over hostile bytes; no allocation, logging or clock.
 * What each accepts and why: docs/wire.md.
 */
#ifndef GWD_HINTS_H
#define GWD_HINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HINT_SERIAL_LEN		32
#define HINT_VENDOR_LEN		64
#define HINT_QNAME_MAX		254	/* 253 characters and the NUL */

/* DDNS request 86 70 14 13 01 <serial>; serial is 1-31 [A-Za-z0-9._-]. */
bool	dbl_ddns(const uint8_t *udp_payload, size_t n, char serial[32]);

/* A DNS query (QR=0, opcode 0): the first question name, lower-case,
 * dotted, no trailing dot. Pointers must go backwards. False when the name
 * is malformed, has bytes outside [a-z0-9_-], or does not fit cap. */
bool	dbl_dns_query(const uint8_t *udp_payload, size_t n, char *qname,
	    size_t cap);

/* gontp.com, gontp.org, voipddns.net, voipddns.com, dbltek.com,
 * fspipsev.net and their subdomains (www.gontp.com is one); nothing else. */
bool	dbl_dbl_domain(const char *qname);

/* NTP client request (mode 3, version 1-4) longer than 48 bytes. */
bool	dbl_ntp_long(const uint8_t *udp_payload, size_t n);

/* First 8 bytes of "RADMIN: " / "TELNET: " RC4'd with key "dbl#admin". */
bool	dbl_radmin(const uint8_t *tcp_payload, size_t n);

/* BOOTREQUEST with the magic cookie: chaddr always (when the header is
 * valid), option 60 into vendor; true when option 60 is present. */
bool	dbl_dhcp_vendor(const uint8_t *udp_payload, size_t n,
	    char vendor[64], uint8_t chaddr[6]);

/* Option 60 is exactly "dbl", any case. */
bool	dbl_dbl_vendor(const char *vendor);

/* OUI 38:3F:10, DBL Technology Ltd. */
bool	dbl_oui_dbl(const uint8_t mac[6]);

/* An HTTP request line for /default/en_US/... (the GoIP web UI). */
bool	dbl_http_goip(const uint8_t *tcp_payload, size_t n);

#endif
