/* SPDX-License-Identifier: BSD-2-Clause */
/* central_host as a list of endpoints in order of preference. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "endpoints.h"

static int
parse_port(const char *s, size_t n, uint16_t *port)
{
	unsigned long v = 0;

	if (n == 0 || n > 5)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

/* One entry, s[0..n) without blanks around it. */
static int
parse_one(const char *s, size_t n, uint16_t dflt, struct uplink_endpoint *e)
{
	const char *host = s, *port = NULL, *colon = memchr(s, ':', n);
	size_t hlen = n, plen = 0;

	if (n > 0 && s[0] == '[') {		/* [v6] or [v6]:port */
		const char *close = memchr(s, ']', n);

		if (close == NULL)
			return -1;
		host = s + 1;
		hlen = (size_t)(close - host);
		if (close + 1 < s + n) {
			if (close[1] != ':')
				return -1;
			port = close + 2;
			plen = (size_t)(s + n - port);
		}
	} else if (colon != NULL && memchr(colon + 1, ':', (size_t)(s + n - colon - 1)) == NULL) {
		hlen = (size_t)(colon - s);	/* host:port; more colons: a bare v6 */
		port = colon + 1;
		plen = (size_t)(s + n - port);
	}
	if (hlen == 0 || hlen >= sizeof(e->host))
		return -1;
	for (size_t i = 0; i < hlen; i++)
		if (host[i] <= ' ' || host[i] == '[' || host[i] == ']' || host[i] == 0x7f)
			return -1;
	memcpy(e->host, host, hlen);
	e->host[hlen] = '\0';
	e->port = dflt;
	return port != NULL ? parse_port(port, plen, &e->port) : 0;
}

int
uplink_endpoints_parse(const char *list, uint16_t dflt_port, struct uplink_endpoint *ep,
    int max, char *err, size_t errlen)
{
	const char *p = list;
	int n = 0;

	if (list == NULL || *list == '\0')
		return snprintf(err, errlen, "central_host is empty"), -1;
	for (;;) {
		const char *end = strchr(p, ','), *a = p, *b;

		if (end == NULL)
			end = p + strlen(p);
		b = end;
		while (a < b && (*a == ' ' || *a == '\t'))
			a++;
		while (b > a && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		if (n == max)
			return snprintf(err, errlen, "central_host: more than %d centrals", max), -1;
		if (parse_one(a, (size_t)(b - a), dflt_port, &ep[n]) == -1)
			return snprintf(err, errlen, "central_host: bad entry %d "
			    "(HOST, HOST:PORT or [IPV6]:PORT)", n + 1), -1;
		n++;
		if (*end == '\0')
			return n;
		p = end + 1;
	}
}
