/* SPDX-License-Identifier: BSD-2-Clause */
/* addr: IPv4/IPv6 addresses and ports for the synthesiser, drawn from prefixes or parsed. */
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

/* UDP ports Wireshark dissects by number (tshark -G decodes, 10000 and up, 4.0). */
static const uint16_t port_claimed[] = {
	10253, 10500, 11211, 11273, 11898, 12000, 12001, 12002, 12003, 12004, 12220, 12222,
	12223, 13400, 13819, 13907, 13910, 17220, 17500, 17754, 17755, 17756, 18246, 19132,
	19788, 19948, 19999, 20000, 20561, 22222, 23272, 24576, 24577, 25826, 26000, 27036,
	27500, 27910, 27950, 27951, 27952, 27953, 27960, 27961, 27962, 27963, 30030, 32000,
	32512, 34962, 34980, 37008, 39800, 41170, 44444, 44818, 45564, 47000, 47808, 49999,
	54328, 56000, 56001, 56500, 56501, 57000, 57001, 57032, 57033, 57500, 57501, 57532,
	57533, 59000, 59001, 59032, 59033, 59500, 59501, 59532, 59533, 60001,
};

static bool
port_is_claimed(uint16_t p)
{
	for (size_t i = 0; i < sizeof(port_claimed) / sizeof(port_claimed[0]); i++)
		if (port_claimed[i] == p)
			return true;
	return false;
}

/*
 * A random port in [lo, hi] (lo >= 10000), even if asked (RTP), that no Wireshark
 * dissector claims by number: random payloads on such a port would decode as malformed.
 */
uint16_t
port_rand(struct rng *r, uint16_t lo, uint16_t hi, bool even)
{
	uint16_t p = lo;

	for (int tries = 0; tries < 64; tries++) {
		p = (uint16_t)rng_range(r, lo, hi);
		if (even)
			p &= (uint16_t)~1u;
		if (!port_is_claimed(p))
			break;
	}
	return p;
}
