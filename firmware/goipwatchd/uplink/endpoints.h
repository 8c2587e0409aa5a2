/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The centrals an appliance reports to, in order of preference: central_host
 * is a list "HOST[:PORT],..." (docs/uplink.md, Failover). An IPv6 address
 * with a port is written [ADDR]:PORT.
 */
#ifndef GW_ENDPOINTS_H
#define GW_ENDPOINTS_H

#include <stddef.h>
#include <stdint.h>

#define UPLINK_ENDPOINTS	8

struct uplink_endpoint {
	char		host[256];
	uint16_t	port;
};

/*
 * Parses list into ep[0..max); an entry without a port gets dflt_port.
 * Returns the count (>= 1), or -1 with the reason in err.
 */
int	uplink_endpoints_parse(const char *list, uint16_t dflt_port,
	    struct uplink_endpoint *ep, int max, char *err, size_t errlen);

#endif
