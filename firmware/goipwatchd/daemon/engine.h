/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pipeline: capture handles, worker threads, their rings, and the
 * merge of their records into one output stream.
 */
#ifndef GW_ENGINE_H
#define GW_ENGINE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "capture.h"
#include "conf.h"
#include "detect.h"
#include "worker.h"

struct engine_opts {
	struct capture_opts cap;
	FILE		*out;
	bool		 live;
	uint64_t	 max_packets;	/* 0: no limit */
};

struct engine_stats {
	struct worker_stats	w;
	struct capture_stats	cap;
	uint64_t		dispatch_drops;	/* packets lost to full worker rings */
	uint64_t		record_drops;	/* records lost to full output rings */
	uint64_t		records;
	uint64_t		memory_bytes;	/* fixed by configuration */
	uint64_t		workers;
	usec_t			clock;
	struct detect_stats	detect;
};

/*
 * Packets or records lost, by stage: the one definition the heartbeat,
 * goipwatchctl status and the metrics use. loss: counts toward the alarm
 * (the others are capacity or hostile input, counted but not alarming).
 */
#define ENGINE_DROPS(X) \
	X(KERNEL, "kernel", true) X(INTERFACE, "interface", true) \
	X(CAPTURE_RING, "capture_ring", true) X(DISPATCH, "dispatch", true) \
	X(DECODE, "decode", false) X(REASM, "reassembly", false) \
	X(FLOW_EVICTED, "flow_evicted", false) X(DPI_POOL, "dpi_pool", false) \
	X(VOIP_POOL, "voip_pool", false) X(RECORD_RING, "record_ring", true) \
	X(RECORD_OVERFLOW, "record_overflow", true) X(EVIDENCE, "evidence", false)

enum engine_drop {
#define X(k, n, l) ED_##k,
	ENGINE_DROPS(X)
#undef X
	ED_N
};

extern const char *const engine_drop_names[ED_N];
extern const bool engine_drop_is_loss[ED_N];

struct engine;

/* Opens the capture handles (needs privileges) and builds the workers. */
struct engine	*engine_new(const struct conf *, const struct engine_opts *,
		    char *err, size_t errlen);
/* Runs until the end of the file, engine_stop, or a capture error (-1). */
int		 engine_run(struct engine *, char *err, size_t errlen);
struct confswap;

/* Reloaded and pushed configs reach the detect stage at its batch boundaries. */
int		 engine_set_confswap(struct engine *, struct confswap *);
/* Each detection record line is also handed to fn (the spool, for the uplink). */
typedef int engine_report_fn(void *arg, const char *line, size_t len);
void		 engine_set_reporter(struct engine *, engine_report_fn *fn, void *arg);
/* Async-signal-safe. */
void		 engine_stop(struct engine *);
/* A snapshot of the counters; any thread (racy reads, see control.c). */
void		 engine_stats(struct engine *, struct engine_stats *);
void		 engine_drops(const struct engine_stats *, uint64_t d[ED_N]);
/* The detect stage, for the stats record: the merge/detect thread only. */
const struct detect *engine_detect(const struct engine *);
void		 engine_free(struct engine *);

#endif
