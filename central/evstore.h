/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Evidence files at central: chunks from the uplink into a part file, and a
 * finished file, once its signature verifies against the sending appliance's
 * certificate, under its sha256 in the evidence directory. Every step goes to
 * the audit trail (the custody log). Inside the caller's transaction.
 */
#ifndef GWC_EVSTORE_H
#define GWC_EVSTORE_H

#include <stddef.h>
#include <stdint.h>

#include "frame.h"
#include "ingest.h"

struct storage;

struct evstore_chunk {
	const char	*appliance;
	const char	*dir;		/* evidence_dir */
	uint64_t	 max;		/* evidence_max: bytes of one file */
	struct ingest_spool spool;
	const struct frame_evidence *ev;
	const uint8_t	*cert;		/* the session's peer certificate, DER */
	size_t		 certlen;
	int64_t		 now;
};

struct evstore_counts {
	uint64_t	 chunks, duplicates, files, refused;
};

/*
 * 0 stored (or a duplicate), 1 nothing stored because the numbering changed
 * since the hello (as ingest_records), -1 on a storage or disk error.
 */
int	evstore_chunk(struct storage *, const struct evstore_chunk *,
	    struct evstore_counts *);
/*
 * Retention: files received more than days ago whose leads are neither
 * confirmed nor dismantled are deleted from disk and marked deleted, each
 * logged (evidence.deleted); chunks of transfers that never finished go too.
 * *n: files deleted.
 */
int	evstore_expire(struct storage *, const char *dir, int64_t now, int64_t days,
	    int64_t *n);
/* DIR/ab/abcd....pcapng for a sha256 in hex. */
void	evstore_path(const char *dir, const char *hex, char *buf, size_t len);

#endif
