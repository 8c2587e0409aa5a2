/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcapread: the ceiling for `make bench`. A bare libpcap read loop that opens a
 * capture file and counts packets and bytes, nothing else. It reads the same way
 * goipwatchd -r does (pcap_open_offline + pcap_dispatch, microsecond stamps),
 * so the difference between the two is the cost of the analysis.
 *
 * usage: pcapread [-n] FILE      (-n: pcap_next_ex instead of pcap_dispatch)
 * prints: packets N bytes N caplen_bytes N
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <pcap/pcap.h>

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
	int next_ex = 0, ch, rc;
	pcap_t *ph;

	while ((ch = getopt(argc, argv, "n")) != -1) {
		if (ch != 'n') {
			fprintf(stderr, "usage: pcapread [-n] FILE\n");
			return 2;
		}
		next_ex = 1;
	}
	if (argc - optind != 1) {
		fprintf(stderr, "usage: pcapread [-n] FILE\n");
		return 2;
	}
	ph = pcap_open_offline_with_tstamp_precision(argv[optind],
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (ph == NULL) {
		fprintf(stderr, "pcapread: %s: %s\n", argv[optind], ebuf);
		return 2;
	}
	memset(&c, 0, sizeof(c));
	rc = next_ex ? read_next_ex(ph, &c) : read_dispatch(ph, &c);
	if (rc < 0) {
		fprintf(stderr, "pcapread: %s: %s\n", argv[optind], pcap_geterr(ph));
		pcap_close(ph);
		return 2;
	}
	pcap_close(ph);
	printf("packets %llu bytes %llu caplen_bytes %llu\n",
	    (unsigned long long)c.packets, (unsigned long long)c.bytes,
	    (unsigned long long)c.caplen);
	return 0;
}
