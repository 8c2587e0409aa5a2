/* SPDX-License-Identifier: BSD-2-Clause */
/* addr: IPv4/IPv6 addresses for the synthesiser, drawn from prefixes or parsed. */
#include <arpa/inet.h>
#include <string.h>

#include "synth.h"

void
addr_v4(struct addr *a, uint32_t host_order)
{
	memset(a, 0, sizeof(*a));
	a->af = 4;
	a->b[0] = (uint8_t)(host_order >> 24);
	a->b[1] = (uint8_t)(host_order >> 16);
	a->b[2] = (uint8_t)(host_order >> 8);
	a->b[3] = (uint8_t)host_order;
}

/* A random host in net/plen, never the network or broadcast address. */
void
addr_v4_rand(struct addr *a, struct rng *r, uint32_t net, int plen)
{
	uint32_t span = plen >= 31 ? 1 : (uint32_t)1 << (32 - plen);
	uint32_t host = span > 2 ? 1 + rng_below(r, span - 2) : 0;

	addr_v4(a, net + host);
}

/* A random interface id under a "xxxx:xxxx:xxxx:xxxx::" /64 prefix. */
void
addr_v6_rand(struct addr *a, struct rng *r, const char *prefix64)
{
	memset(a, 0, sizeof(*a));
	a->af = 6;
	if (inet_pton(AF_INET6, prefix64, a->b) != 1)
		memset(a->b, 0, sizeof(a->b));
	rng_bytes(r, a->b + 8, 8);
	a->b[8] &= 0xfd;	/* not universal/local: a privacy address */
}

int
addr_parse(struct addr *a, const char *s)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->b) == 1) {
		a->af = 4;
		return 0;
	}
	if (inet_pton(AF_INET6, s, a->b) == 1) {
		a->af = 6;
		return 0;
	}
	return -1;
}

const char *
addr_str(const struct addr *a, char *buf, size_t cap)
{
	int af = a->af == 6 ? AF_INET6 : AF_INET;

	if (inet_ntop(af, a->b, buf, (socklen_t)cap) == NULL)
		buf[0] = '\0';
	return buf;
}
