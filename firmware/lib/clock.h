/* SPDX-License-Identifier: BSD-2-Clause */
/* Capture time: microseconds since the epoch, its RFC 3339 form; the two clocks. */
#ifndef GW_CLOCK_H
#define GW_CLOCK_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t usec_t;	/* the one scalar typedef: capture time in µs */

#define USEC_PER_SEC	1000000ULL
#define CLOCK_TS_LEN	32	/* "2026-11-29T09:19:26.123Z" plus room */

/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ"; returns its length. */
size_t	clock_fmt(usec_t, char *buf, size_t len);
/* Parses the same form (the milliseconds are optional); -1 on error. */
int	clock_parse(const char *, usec_t *);
/* Wall time, for the control path and live idle ticks only. */
usec_t	clock_wall(void);
/* Monotonic time in µs (CLOCK_MONOTONIC): deadlines and intervals, never records. */
usec_t	clock_mono(void);

#endif
