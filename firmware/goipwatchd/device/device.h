/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The worker's device stage: GoIP and SIM-bank traffic and the DBL cloud's
 * side channels on the wire, and the account names of PPPoE and RADIUS.
 * Cheap checks first; what matches goes to the detect stage as an event.
 */
#ifndef GW_DEVICE_H
#define GW_DEVICE_H

#include <stdint.h>

#include "event.h"
#include "flow.h"
#include "report.h"

struct device_stats {
	uint64_t	goip_msgs, simbank_frames, hints, radius, ppp_auth;
	uint64_t	simbank_suppressed;	/* frames past the per-flow event limit */
};

struct device;

struct device	*device_new(const struct sink *);
void		 device_free(struct device *);
/* A decoded UDP or TCP packet of flow f; dir 0 from the initiator. */
void		 device_packet(struct device *, struct flow *, const struct pkt *, int dir);
/* A PPP frame that is not IP (DECODE_UNSUP_PPP): PAP or CHAP user names. */
void		 device_ppp(struct device *, const struct pkt *);
void		 device_stats(const struct device *, struct device_stats *);

#endif
