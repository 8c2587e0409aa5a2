/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Evidence files into the spool: the file a detection record names
 * ("evidence_file") goes in as chunk records (FRAME_EV_MAGIC, then a chunk
 * body) just before the record, so the uplink's promises hold for it too.
 */
#ifndef GW_EVSPOOL_H
#define GW_EVSPOOL_H

#include <stddef.h>
#include <stdint.h>

struct spool;

/* The file a call spooled: its name in dir, and its bytes with its .sig. */
struct evspool_file {
	char		name[256];
	uint64_t	bytes;
};

struct evspool_stats {
	uint64_t	files, chunks, bytes;
	uint64_t	errors;		/* unreadable, over the cap, spool refused */
};

/*
 * When rec is a detection record with "evidence_file", appends the file of
 * that name in dir and its signature (NAME.sig) as chunks: 1, and *out (may
 * be NULL) names it. 0 when rec names no file; -1 (counted, err set) when the
 * file cannot go.
 */
int	evspool_append(struct spool *, const char *dir, const char *rec, size_t len,
	    struct evspool_stats *, struct evspool_file *out, char *err, size_t errlen);

#endif
