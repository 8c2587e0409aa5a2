/* SPDX-License-Identifier: BSD-2-Clause */
/* Capture variant: pcap and pcapng file replay through libpcap ("-" is stdin). */
#include <stdio.h>
#include <string.h>

#include "capture-pcap.h"

static void *
file_open(const struct capture_opts *o, unsigned worker, int *linktype, char *err,
    size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *ph;

	if (worker != 0) {
		snprintf(err, errlen, "pcap-file has one handle");
		return NULL;
	}
	ph = pcap_open_offline_with_tstamp_precision(o->source,
	    PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (ph == NULL) {
		if (strstr(ebuf, o->source) != NULL)	/* libpcap named the file */
			snprintf(err, errlen, "%s", ebuf);
		else
			snprintf(err, errlen, "%s: %s", o->source, ebuf);
		return NULL;
	}
	*linktype = pcap_datalink(ph);
	return ph;
}

/* A file ends with 0 packets from pcap_dispatch: report it as -1. */
static int
file_dispatch(void *h, int max, int timeout_ms, capture_cb cb, void *arg, char *err,
    size_t errlen)
{
	int n = capture_pcap_dispatch(h, max, cb, arg, err, errlen);

	(void)timeout_ms;
	return n == 0 ? -1 : n;
}

static void
file_stats(void *h, struct capture_stats *st)
{
	(void)h;
	(void)st;
}

static void
file_close(void *h)
{
	pcap_close(h);
}

const struct capture_ops capture_ops_pcap_file = {
	.name = "pcap-file", .shared = true, .open = file_open,
	.dispatch = file_dispatch, .stats = file_stats, .close = file_close,
};
