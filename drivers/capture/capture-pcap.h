/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared by the two libpcap variants: the dispatch loop and stats. */
#ifndef GW_CAPTURE_PCAP_H
#define GW_CAPTURE_PCAP_H

#include <pcap/pcap.h>

#include "capture-int.h"

int	capture_pcap_dispatch(pcap_t *, int max, capture_cb, void *arg,
	    char *err, size_t errlen);
void	capture_pcap_stats(pcap_t *, struct capture_stats *);

#endif
