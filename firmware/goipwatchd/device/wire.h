/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The worker's device stage: GoIP and SIM-bank traffic and the DBL cloud's
 * side channels on the wire, and the account names of PPPoE and RADIUS.
 * Cheap checks first; what matches goes to the detect stage as an event.
 */
#ifndef GW_WIRE_H
#define GW_WIRE_H

#include <stdint.h>

#include "event.h"
#include "flow.h"
#include "report.h"

struct wire_stats {
	uint64_t	goip_msgs, simbank_frames, dbl, radius, ppp_auth;
	uint64_t	simbank_suppressed;	/* frames past the per-flow event limit */
};

struct wire;

struct wire	*wire_new(const struct sink *);
void		 wire_free(struct wire *);
/* A decoded UDP or TCP packet of flow f; dir 0 from the initiator. */
void		 wire_packet(struct wire *, struct flow *, const struct pkt *, int dir);
/* A PPP frame that is not IP (DECODE_UNSUP_PPP): PAP or CHAP user names. */
void		 wire_ppp(struct wire *, const struct pkt *);
void		 wire_stats(const struct wire *, struct wire_stats *);

#endif
