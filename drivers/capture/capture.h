/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Capture drivers behind one small interface: pcap file replay, live libpcap,
 * and an AF_PACKET TPACKET_V3 ring with fanout. Packet bytes are valid only
 * inside the callback: copy what you keep.
 */
#ifndef GW_CAPTURE_H
#define GW_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

struct capture_pkt {
	const uint8_t	*data;
	uint32_t	 caplen, wirelen;
	usec_t		 ts;
};

struct capture_stats {
	uint64_t	received;	/* handed to the callback */
	uint64_t	kernel_drops;	/* dropped by the kernel or its buffer */
	uint64_t	iface_drops;	/* dropped by the interface or driver */
	uint64_t	ring_drops;	/* a ring of the driver's own (none today: af-packet's full kernel ring is kernel_drops) */
};

struct capture_opts {
	const char	*driver;	/* "pcap-file", "pcap-live", "af-packet" */
	const char	*source;	/* file ("-" is stdin) or interface */
	const char	*filter;	/* BPF, or NULL */
	unsigned	 snaplen;
	unsigned	 workers;	/* af-packet: sockets in the fanout group */
	unsigned	 fanout_id;
	size_t		 ring_bytes;	/* kernel buffer per socket */
	bool		 promisc;
};

typedef void (*capture_cb)(void *arg, const struct capture_pkt *);

struct capture;

/* Opens the handle for one worker (af-packet) or the only handle (pcap). */
struct capture	*capture_open(const struct capture_opts *, unsigned worker,
		    char *err, size_t errlen);
/*
 * Delivers up to max packets. Returns how many, 0 on timeout, -1 at the
 * end of a file, -2 on error (message in capture_error).
 */
int		 capture_dispatch(struct capture *, int max, int timeout_ms,
		    capture_cb, void *arg);
int		 capture_linktype(const struct capture *);
/* True when one handle serves all workers (the caller distributes). */
bool		 capture_is_shared(const struct capture *);
void		 capture_stats(struct capture *, struct capture_stats *);
const char	*capture_error(const struct capture *);
void		 capture_close(struct capture *);
bool		 capture_driver_exists(const char *);

#endif
