/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TLS sessions to SIP-TLS ports, seen from outside: the ClientHello's SNI
 * and the client's record cadence (a SIP UA re-registering every ~60 s sends
 * a small burst of records each time). No decryption, no allocation.
 */
#ifndef GW_SIPTLS_H
#define GW_SIPTLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

#define TLS_SNI_LEN	64	/* kept with its NUL; longer names are cut */
#define TLS_BURST_GAP	(20 * USEC_PER_SEC)	/* quiet this long: the next packet starts a burst */

/* The client's bursts and the gaps between their starts. */
struct tls_cadence {
	usec_t		 last;		/* last client packet with payload; 0 none */
	usec_t		 burst_start;	/* start of the current burst */
	uint32_t	 bursts, gaps;
	uint32_t	 gap_min_ms, gap_max_ms;
	uint64_t	 gap_sum_ms;
};

/* A first payload that is a TLS handshake record carrying a ClientHello. */
static inline bool
tls_sniff(const uint8_t *p, size_t n)
{
	return n >= 6 && p[0] == 0x16 && p[1] == 3 && p[2] <= 4 && p[5] == 1;
}

/* A SIP-TLS server port: 5061, or 5062-5069 as some softswitches use. */
static inline bool
tls_sip_port(uint16_t port)
{
	return port >= 5061 && port <= 5069;
}

/*
 * The server name of the ClientHello in the first TLS record of p (n bytes,
 * the whole record need not be there): true with out set (printable ASCII,
 * anything else as '?', cut to cap - 1); false, out "", if there is none or
 * the bytes are not a well-formed ClientHello as far as they go.
 */
bool	tls_sni(const uint8_t *p, size_t n, char *out, size_t cap);

/* A server name from the wire as kept: printable ASCII, else '?', cut to cap - 1. */
void	tls_name_copy(const uint8_t *s, size_t len, char *out, size_t cap);

void	tls_cadence_init(struct tls_cadence *);
/* One client packet with payload at ts (capture order). */
void	tls_cadence_packet(struct tls_cadence *, usec_t ts);
/* Mean gap between burst starts, in ms; 0 without gaps. */
uint32_t tls_cadence_mean_ms(const struct tls_cadence *);

#endif
