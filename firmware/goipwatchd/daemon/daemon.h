/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The live daemon around the pipeline: signals (SIGHUP reloads, SIGINT/SIGTERM
 * stop), the config swap, and, when central_host is set, the spool and the
 * uplink thread. Opened as root, started after the privilege drop.
 */
#ifndef GW_DAEMON_H
#define GW_DAEMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "clock.h"
#include "conf.h"
#include "confswap.h"
#include "engine.h"

struct daemon_opts {
	const char	*conf_path;		/* -f: reread on SIGHUP; NULL: none */
	const char	*firmware_version;
	uint64_t	 inject;		/* test only (-X inject=N): synthetic
						 * detection records through daemon_report */
};

struct daemon;
struct uplink;

/*
 * As root, before any thread starts: blocks the signals it handles, opens the
 * spool and loads the TLS and config-signing keys (central_host set). The
 * caller keeps boot, which must outlive the daemon.
 */
struct daemon	*daemon_new(const struct conf *boot, const struct daemon_opts *,
		    char *err, size_t errlen);
/* Hands the spool directory and its files to the user about to run it. */
int		 daemon_chown(struct daemon *, uid_t, gid_t, char *err, size_t errlen);
/* After the privilege drop: the signal thread and the uplink thread. */
int		 daemon_start(struct daemon *, struct engine *, char *err, size_t errlen);
/*
 * One record (a JSON line of type "detection") into the spool for central.
 * Any one thread at a time per caller; appends are serialised. Costs a mutex
 * and one writev, plus fdatasync under spool_fsync always (and every 200 ms
 * under batch). 0 also when no central is configured; -1 if the spool refused
 * it (counted as a write error).
 */
int		 daemon_report(struct daemon *, const char *line, size_t len);
/* The config the readers take at each batch (confswap_reader_new on it). */
struct confswap	*daemon_confswap(struct daemon *);
/* The uplink, for status; NULL when no central is configured. */
struct uplink	*daemon_uplink(struct daemon *);
/* The reload state, for status (start-up keys waiting for a restart). */
struct reload	*daemon_reload(struct daemon *);
/* engine_run returned: takes the final counters; the engine is not touched again. */
void		 daemon_engine_done(struct daemon *);
/*
 * Waits up to max for the uplink to deliver what is spooled (a final health
 * record first); a signal cuts it short. 0 when drained or nothing to do.
 */
int		 daemon_drain(struct daemon *, usec_t max);
void		 daemon_free(struct daemon *);		/* NULL-safe */

#endif
