/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Pacing statistics of an unclassified UDP flow, per direction, to flag
 * "opaque voice": 20 or 30 ms intervals, small near-constant payloads, both
 * ways, long enough. Fixed size, no allocation; time is capture time.
 */
#ifndef GWD_PACE_H
#define GWD_PACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

struct jw;

#define PACE_HIST_LO	14	/* ms: interval histogram, 1 ms buckets */
#define PACE_HIST_HI	36
#define PACE_HIST_N	(PACE_HIST_HI - PACE_HIST_LO + 1)
#define PACE_TOL_MAX	6	/* the histogram covers 20 and 30 ms +- 6 */
#define PACE_GAP_MS	100	/* longer silences are VAD gaps, not intervals */
#define PACE_SID_MAX	4	/* payloads this small are SID/CN frames */

struct pace_dir {
	uint64_t	 packets, bytes;
	usec_t		 first, last;
	uint32_t	 hist[PACE_HIST_N];	/* intervals by rounded ms */
	uint32_t	 intervals;	/* intervals up to PACE_GAP_MS */
	uint32_t	 gaps;		/* longer ones (VAD) */
	uint32_t	 sid;		/* payloads <= PACE_SID_MAX bytes */
	uint64_t	 sized;		/* the others: their size sum and squares */
	uint64_t	 size_sum, size_sq;
};

/* dir[0]: the flow's originator to responder; dir[1] back. */
struct pace {
	struct pace_dir	 dir[2];
};

struct pace_params {
	usec_t		 min_duration;	/* flow first to last packet */
	unsigned	 tolerance_ms;	/* around 20 and 30 ms, <= PACE_TOL_MAX */
	double		 min_share;	/* of intervals that are paced, 0..1 */
	double		 max_size_stddev;	/* bytes */
	double		 max_size_mean;	/* bytes */
	uint32_t	 min_packets;	/* per direction counted */
	bool		 both_directions;
};

void	pace_params_default(struct pace_params *);
void	pace_init(struct pace *);
/* One packet: dir 0 or 1, capture time, UDP payload length. */
void	pace_update(struct pace *, int dir, usec_t, size_t len);

/* Share of intervals within tolerance of 20 or 30 ms; *ms is the nearer one. */
double	pace_share(const struct pace_dir *, unsigned tolerance_ms, unsigned *ms);
double	pace_size_mean(const struct pace_dir *);
double	pace_size_stddev(const struct pace_dir *);
bool	pace_is_voice(const struct pace *, const struct pace_params *);
/* The fields of the "opaque_voice" record (caller opens it, writes type/ts). */
void	pace_write(const struct pace *, const struct pace_params *, struct jw *);

#endif
