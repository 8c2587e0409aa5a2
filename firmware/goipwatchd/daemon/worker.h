/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One worker: decode -> reassemble -> flow -> nDPI, then the VoIP stage (SIP,
 * RTP, opaque voice) and the device stage (GoIP, SIM bank, DBL, RADIUS), for
 * the flows it owns; events go to the detect thread, records to its ring.
 * No locks, no allocation per packet, capture time only.
 */
#ifndef GW_WORKER_H
#define GW_WORKER_H

#include <stdint.h>

#include "capture.h"
#include "conf.h"
#include "decode.h"
#include "wire.h"
#include "dpi.h"
#include "flow.h"
#include "reasm.h"
#include "report.h"
#include "voip.h"

struct worker_stats {
	uint64_t	packets, bytes;
	uint64_t	decode[DECODE_NRESULTS];	/* first decode of each frame */
	uint64_t	inner_decode[DECODE_NRESULTS];	/* reassembled datagrams */
	uint64_t	record_overflow;
	uint64_t	clock_backwards;	/* packets older than the worker clock */
	struct reasm_stats reasm;
	struct flow_stats flow;
	struct dpi_stats dpi;
	struct voip_stats voip;
	struct wire_stats wire;
};

struct worker;

struct worker	*worker_new(unsigned id, const struct conf *, int linktype,
		    const struct sink *, char *err, size_t errlen);
void		 worker_free(struct worker *);
void		 worker_packet(struct worker *, const struct capture_pkt *);
/* Moves the clock forward with no packet (live idle tick) and expires. */
void		 worker_tick(struct worker *, usec_t now);
/* Ends every flow: end of file or shutdown. */
void		 worker_finish(struct worker *);
usec_t		 worker_clock(const struct worker *);
/* The frame being analysed (NULL between packets): events may take a copy. */
const struct capture_pkt *worker_frame(const struct worker *);
void		 worker_stats(const struct worker *, struct worker_stats *);
size_t		 worker_bytes(const struct worker *);
void		 worker_stats_add(struct worker_stats *sum, const struct worker_stats *);

#endif
