/* SPDX-License-Identifier: BSD-2-Clause */
/* What the libpcap variants share: the dispatch loop and kernel stats. */
#include <stdio.h>
#include <string.h>

#include "capture-pcap.h"

struct pcap_cb_ctx {
	capture_cb	 cb;
	void		*arg;
};

static void
pcap_handler_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct pcap_cb_ctx *ctx = (struct pcap_cb_ctx *)user;
	struct capture_pkt p = {
		.data = bytes, .caplen = h->caplen, .wirelen = h->len,
		.ts = (usec_t)h->ts.tv_sec * USEC_PER_SEC + (usec_t)h->ts.tv_usec,
	};

	ctx->cb(ctx->arg, &p);
}

int
capture_pcap_dispatch(pcap_t *ph, int max, capture_cb cb, void *arg, char *err,
    size_t errlen)
{
	struct pcap_cb_ctx ctx = { cb, arg };
	int n;

	n = pcap_dispatch(ph, max, pcap_handler_cb, (u_char *)&ctx);
	if (n == PCAP_ERROR) {
		snprintf(err, errlen, "%s", pcap_geterr(ph));
		return -2;
	}
	if (n == PCAP_ERROR_BREAK)
		return -1;
	return n;
}

void
capture_pcap_stats(pcap_t *ph, struct capture_stats *st)
{
	struct pcap_stat ps;

	if (pcap_stats(ph, &ps) == 0) {
		st->kernel_drops = ps.ps_drop;
		st->iface_drops = ps.ps_ifdrop;
	}
}

