/* SPDX-License-Identifier: BSD-2-Clause */
/* Capture time: microseconds since the epoch, its RFC 3339 form; the two clocks. */
#ifndef GW_CLOCK_H
#define GW_CLOCK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

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
/* A condition variable whose timed waits count on CLOCK_MONOTONIC: a wall-clock
 * step neither stretches nor cuts them; 0 or an errno. */
int	clock_cond_init(pthread_cond_t *);
/* The CLOCK_MONOTONIC instant ms milliseconds from now (ms >= 0), the deadline
 * of a pthread_cond_timedwait on a variable from clock_cond_init. */
struct timespec clock_mono_after(int64_t ms);

#endif
