/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcapread: the ceiling for `make bench`. A bare libpcap read loop that opens a
 * capture file and counts packets and bytes, nothing else: pcap_open_offline +
 * pcap_dispatch, microsecond stamps.
 *
 * With -d it reads through goipwatchd's own file driver instead (capture-pcap-
 * file.c: libpcap over a stdio stream with a 256 KiB buffer), so the bench can also show
 * what goipwatchd's reading alone costs.
 *
 * usage: pcapread [-n | -d] FILE   (-n: pcap_next_ex instead of pcap_dispatch)
 * prints: packets N bytes N caplen_bytes N
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

#include "capture.h"

struct counts {
	uint64_t	packets;
	uint64_t	bytes;		/* wire length */
	uint64_t	caplen;		/* captured length */
};

static void
count_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct counts *c = (struct counts *)user;

	(void)bytes;
	c->packets++;
	c->bytes += h->len;
	c->caplen += h->caplen;
}

static int
read_dispatch(pcap_t *ph, struct counts *c)
{
	int n;

	while ((n = pcap_dispatch(ph, -1, count_cb, (u_char *)c)) > 0)
		;
	return n;
}

static void
count_driver_cb(void *arg, const struct capture_pkt *cp)
{
	struct counts *c = arg;

	c->packets++;
	c->bytes += cp->wirelen;
	c->caplen += cp->caplen;
}

/* The same loop through goipwatchd's pcap-file driver. */
static int
read_driver(const char *path, struct counts *c)
{
	struct capture_opts o = { .driver = "pcap-file", .source = path, .snaplen = 65535 };
	struct capture *cap;
	char err[512];
	int n;

	if ((cap = capture_open(&o, 0, err, sizeof(err))) == NULL) {
		fprintf(stderr, "pcapread: %s\n", err);
		return 2;
	}
	while ((n = capture_dispatch(cap, 256, 0, count_driver_cb, c)) > 0)
		;
	if (n == -2)
		fprintf(stderr, "pcapread: %s: %s\n", path, capture_error(cap));
	capture_close(cap);
	return n == -2 ? 2 : 0;
}

static int
read_next_ex(pcap_t *ph, struct counts *c)
{
	struct pcap_pkthdr *h;
	const u_char *bytes;
	int n;

	while ((n = pcap_next_ex(ph, &h, &bytes)) == 1)
		count_cb((u_char *)c, h, bytes);
	return n == PCAP_ERROR_BREAK ? 0 : n;
}

int
main(int argc, char **argv)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct counts c;
	int next_ex = 0, driver = 0, ch, rc;
	pcap_t *ph;

	while ((ch = getopt(argc, argv, "nd")) != -1) {
		if (ch == 'n')
			next_ex = 1;
		else if (ch == 'd')
			driver = 1;
		else
			goto usage;
	}
	if (argc - optind != 1)
		goto usage;
	memset(&c, 0, sizeof(c));
	if (driver) {
		if ((rc = read_driver(argv[optind], &c)) != 0)
			return rc;
		goto out;
	}
	ph = pcap_open_offline_with_tstamp_precision(argv[optind],
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (ph == NULL) {
		fprintf(stderr, "pcapread: %s: %s\n", argv[optind], ebuf);
		return 2;
	}
	rc = next_ex ? read_next_ex(ph, &c) : read_dispatch(ph, &c);
	if (rc < 0) {
		fprintf(stderr, "pcapread: %s: %s\n", argv[optind], pcap_geterr(ph));
		pcap_close(ph);
		return 2;
	}
	pcap_close(ph);
out:
	printf("packets %llu bytes %llu caplen_bytes %llu\n",
	    (unsigned long long)c.packets, (unsigned long long)c.bytes,
	    (unsigned long long)c.caplen);
	return 0;
usage:
	fprintf(stderr, "usage: pcapread [-n | -d] FILE\n");
	return 2;
}
