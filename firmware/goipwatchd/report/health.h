/* SPDX-License-Identifier: BSD-2-Clause */
/* Heartbeat records: one "health" JSON line from counters the daemon passes in. */
#ifndef GW_HEALTH_H
#define GW_HEALTH_H

#include <stddef.h>
#include <stdint.h>

#include "clock.h"

/* Filled by the daemon: packets seen and drops per pipeline stage. */
struct health_counters {
	uint64_t	packets;
	uint64_t	drops_kernel;
	uint64_t	drops_ring;
	uint64_t	drops_decode;
	uint64_t	drops_flow_full;
	uint64_t	drops_reasm;
};

struct health {
	usec_t		 now, started;		/* wall time */
	const char	*firmware;
	uint64_t	 config_version;
	struct health_counters c;
	uint64_t	 spool_depth, spool_bytes;
	/* records the spool lost: deleted unsent by the cap, not written (disk
	 * full, I/O error), skipped in a damaged run at recovery */
	uint64_t	 spool_dropped, spool_write_errors, spool_skipped;
	usec_t		 spool_oldest_ts;	/* 0: nothing waiting */
	const char	*tls_state;
	uint64_t	 tls_connects, tls_failures;
};

/* Writes the record without its newline; 0 if buf is too small. */
size_t	health_format(const struct health *, char *buf, size_t cap);

#endif
