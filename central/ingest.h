/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Ingest: what one session's frames do to storage, inside the caller's
 * transaction. Idempotent by (appliance, seq); leads follow from new detections.
 */
#ifndef GWC_INGEST_H
#define GWC_INGEST_H

#include <stdbool.h>
#include <stdint.h>

struct storage;
struct detection;

struct ingest_rec {
	uint64_t	 seq;
	const char	*json;
	uint32_t	 len;
};

struct ingest_counts {
	uint64_t	 stored, duplicates, detections, health, unusable;
	uint64_t	 sanitised;	/* stored with bad bytes as U+FFFD */
	uint64_t	 quarantined;	/* acked but kept aside (quarantine table) */
};

/* Bytes of a quarantined record kept; its full size is kept too. */
#define INGEST_QUARANTINE_MAX	65536

struct ingest_hello {
	const char	*appliance, *serial, *firmware, *instance;
	uint64_t	 config_version;
	int64_t		 now;
	/* out */
	uint64_t	 high_seq;	/* highest seq stored for the appliance */
	char		 grp[64];
};

int	ingest_hello(struct storage *, struct ingest_hello *);
/*
 * careful: each record in a savepoint; one that fails for a reason other than
 * a conflict goes to quarantine instead of failing the report (the writer
 * retries a failed report this way).
 */
int	ingest_records(struct storage *, const char *appliance, const struct ingest_rec *,
	    int n, int64_t now, bool careful, struct ingest_counts *);
int	ingest_config_ack(struct storage *, const char *appliance, uint64_t version,
	    int status, const char *message, int64_t now);

/* lead-ingest.c: merges one detection into its lead, evidence, infrastructure, SIMs. */
int	lead_ingest(struct storage *, const char *appliance, const struct detection *,
	    int64_t now);
/* The lead key of a detection: "acct:NAME" or "line:IP/VLAN/PPPOE". */
void	lead_key(const struct detection *, char *buf, size_t len);

#endif
