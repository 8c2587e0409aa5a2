/* SPDX-License-Identifier: BSD-2-Clause */
/* Capture variant: one live libpcap handle; the caller distributes to workers. */
#include <poll.h>
#include <stdio.h>
#include <string.h>

#include "capture-pcap.h"

static int
live_filter(pcap_t *ph, const char *filter, char *err, size_t errlen)
{
	struct bpf_program bp;

	if (filter == NULL || *filter == '\0')
		return 0;
	if (pcap_compile(ph, &bp, filter, 1, PCAP_NETMASK_UNKNOWN) == -1) {
		snprintf(err, errlen, "filter: %s", pcap_geterr(ph));
		return -1;
	}
	if (pcap_setfilter(ph, &bp) == -1) {
		snprintf(err, errlen, "filter: %s", pcap_geterr(ph));
		pcap_freecode(&bp);
		return -1;
	}
	pcap_freecode(&bp);
	return 0;
}

static void *
live_open(const struct capture_opts *o, unsigned worker, int *linktype, char *err,
    size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *ph;

	if (worker != 0) {
		snprintf(err, errlen, "pcap-live has one handle");
		return NULL;
	}
	if ((ph = pcap_create(o->source, ebuf)) == NULL) {
		snprintf(err, errlen, "%s: %s", o->source, ebuf);
		return NULL;
	}
	pcap_set_snaplen(ph, (int)o->snaplen);
	pcap_set_promisc(ph, o->promisc);
	pcap_set_timeout(ph, 50);
	pcap_set_buffer_size(ph, (int)(o->ring_bytes > (1u << 30) ? 1u << 30 : o->ring_bytes));
	pcap_set_tstamp_precision(ph, PCAP_TSTAMP_PRECISION_MICRO);
	if (pcap_activate(ph) < 0) {
		snprintf(err, errlen, "%s: %s", o->source, pcap_geterr(ph));
		goto err_close;
	}
	if (live_filter(ph, o->filter, err, errlen) == -1)
		goto err_close;
	if (pcap_setnonblock(ph, 1, ebuf) == -1) {
		snprintf(err, errlen, "%s: %s", o->source, ebuf);
		goto err_close;
	}
	*linktype = pcap_datalink(ph);
	return ph;
err_close:
	pcap_close(ph);
	return NULL;
}

static int
live_dispatch(void *h, int max, int timeout_ms, capture_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct pollfd pfd = { .fd = pcap_get_selectable_fd(h), .events = POLLIN };
	int n = capture_pcap_dispatch(h, max, cb, arg, err, errlen);

	if (n != 0 || pfd.fd < 0)
		return n;
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	return capture_pcap_dispatch(h, max, cb, arg, err, errlen);
}

static void
live_stats(void *h, struct capture_stats *st)
{
	capture_pcap_stats(h, st);
}

static void
live_close(void *h)
{
	pcap_close(h);
}

const struct capture_ops capture_ops_pcap_live = {
	.name = "pcap-live", .shared = true, .open = live_open,
	.dispatch = live_dispatch, .stats = live_stats, .close = live_close,
};
