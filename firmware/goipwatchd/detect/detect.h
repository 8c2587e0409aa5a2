/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The detect stage: one instance, fed every event in capture order. It owns
 * what spans flows and workers: registrations, calls, the SDP media that ties
 * RTP to its call, the subscriber lines with their evidence and accounts, and
 * the verdicts (judge.c) that become detection records.
 */
#ifndef GW_DETECT_H
#define GW_DETECT_H

#include <stdint.h>

#include "clock.h"
#include "conf.h"
#include "event.h"
#include "keep.h"
#include "report.h"

/* SIP message counts, as tshark's sip,stat shows them. */
#define DETECT_SIP_METHODS(X) \
	X(INVITE) X(ACK) X(BYE) X(CANCEL) X(OPTIONS) X(REGISTER) X(PRACK) \
	X(SUBSCRIBE) X(NOTIFY) X(PUBLISH) X(INFO) X(REFER) X(MESSAGE) X(UPDATE)

enum detect_method {
#define X(m) DM_##m,
	DETECT_SIP_METHODS(X)
#undef X
	DM_OTHER,
	DM_N
};

struct detect_stats {
	uint64_t	events;
	uint64_t	sip_requests[DM_N];
	uint64_t	sip_responses[7];	/* by class: [1] 1xx ... [6] 6xx, [0] other */
	uint64_t	rtp_records, rtp_tied;	/* rtp records; tied to a call by SDP */
	uint64_t	opaque_records;
	uint64_t	detections;
	uint64_t	accounts;	/* account names learnt */
	uint64_t	reloads;	/* configurations taken at a batch boundary */
	uint64_t	record_overflow;
	uint64_t	lines, line_evictions;	/* the line table, at the snapshot */
	uint64_t	evidence_files, evidence_skipped, evidence_write_errors;
	uint64_t	evidence_drops;		/* keep.c's, at the snapshot */
};

struct detect;

/* Records go to out; the config's lists say which addresses are subscribers. */
struct detect	*detect_new(const struct conf *, const struct sink *out);
void		 detect_free(struct detect *);
/* A reloaded configuration: detector settings apply from the next event. */
int		 detect_set_conf(struct detect *, const struct conf *);
void		 detect_event(struct detect *, const struct event *);
/* Evidence on (docs/evidence.md): the store, the key, the directory. */
int		 detect_keep_start(struct detect *, const struct conf *, char *err,
		    size_t errlen);
/* The same as detect_event, with the frame the event came from (or NULL). */
void		 detect_event_frame(struct detect *, const struct event *,
		    const struct keep_frame *);
/* Capture time moved on without events (live idle): expire what is due. */
void		 detect_tick(struct detect *, usec_t now);
/* End of input: report what is still open. */
void		 detect_finish(struct detect *, usec_t now);
void		 detect_stats(const struct detect *, struct detect_stats *);
void		 detect_stats_write(const struct detect *, struct jw *);
size_t		 detect_bytes(const struct detect *);

#endif
