/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The appliance's evidence directory under a size cap (docs/evidence.md,
 * "The directory"). Once a file's chunks are in the spool, the spool holds the
 * copy that goes to central; the file in evidence_dir is the local copy an
 * engineer can read on the box. When the files there pass evidence_dir_max,
 * the oldest already spooled go first, each with its .sig, down to 7/8 of the
 * cap. Detect thread only.
 */
#ifndef GW_EVDIR_H
#define GW_EVDIR_H

#include <limits.h>
#include <stdint.h>

struct evdir_stats {
	uint64_t	bytes;			/* files and signatures there now */
	uint64_t	pruned_files, pruned_bytes;
	uint64_t	errors;			/* a scan or an unlink failed */
};

struct evdir {
	char		dir[PATH_MAX];
	uint64_t	cap;			/* 0: no cap */
	struct evdir_stats st;
};

/* Takes the directory's present size (a file left by an earlier run counts). */
void	evdir_init(struct evdir *, const char *dir, uint64_t cap);
/*
 * A file of `bytes` (with its .sig) went to the spool. When the directory is
 * past its cap, prunes the oldest files other than `keep` (the newest name).
 */
void	evdir_spooled(struct evdir *, const char *keep, uint64_t bytes);

#endif
