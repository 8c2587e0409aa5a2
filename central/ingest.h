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
struct call_rec;

/* Sample calls kept per appliance and line (line-calls.c). */
#define LINE_CALLS_KEEP	200

struct ingest_rec {
	uint64_t	 seq;
	const char	*json;
	uint32_t	 len;
};

/*
 * The numbering a session's seqs belong to, decided at its hello: the stored
 * seq is base + the appliance's seq. A new spool (another epoch) starts above
 * everything stored, so its seqs never collide with an older spool's.
 */
struct ingest_spool {
	uint64_t	 epoch;		/* 0: an appliance that sends none */
	uint64_t	 base;
};

struct ingest_counts {
	uint64_t	 stored, duplicates, detections, health, unusable;
	uint64_t	 calls;		/* sample calls stored (line_calls) */
	uint64_t	 sanitised;	/* stored with bad bytes as U+FFFD */
	uint64_t	 quarantined;	/* acked but kept aside (quarantine table) */
};

/* Bytes of a quarantined record kept; its full size is kept too. */
#define INGEST_QUARANTINE_MAX	65536

struct ingest_hello {
	const char	*appliance, *serial, *firmware, *instance;
	uint64_t	 config_version;
	uint64_t	 last_acked;	/* what the appliance says it has acked */
	int64_t		 now;
	/* in: the hello's epoch; out: the session's numbering */
	struct ingest_spool spool;
	/* out */
	uint64_t	 high_seq;	/* highest seq stored, in the appliance's numbering */
	bool		 renumbered;	/* a new spool: stored from base + 1 on */
	char		 grp[64];
};

int	ingest_hello(struct storage *, struct ingest_hello *);
/*
 * 0 stored, 1 stored nothing because the appliance's numbering changed since
 * the session's hello (it must reconnect), -1 on a storage error.
 * careful: each record in a savepoint; one that fails for a reason other than
 * a conflict goes to quarantine instead of failing the report (the writer
 * retries a failed report this way).
 */
int	ingest_records(struct storage *, const char *appliance,
	    const struct ingest_spool *, const struct ingest_rec *, int n, int64_t now,
	    bool careful, struct ingest_counts *);
int	ingest_config_ack(struct storage *, const char *appliance, uint64_t version,
	    int status, const char *message, int64_t now);

/*
 * lead-ingest.c: merges one detection (the record appliance/seq) into its lead,
 * evidence, infrastructure, SIMs; the record is linked to the lead (lead_records).
 */
int	lead_ingest(struct storage *, const char *appliance, uint64_t seq,
	    const struct detection *, int64_t now);
/*
 * lead-run.c: the same for a new or repeated record with its detection, in
 * one deferred statement (storage_ops.with_writes): the record's insert too,
 * counted in c at the flush. No account: an account's lead may first take a
 * line's.
 */
int	lead_ingest_record(struct storage *, const char *appliance, uint64_t seq,
	    const char *json, const struct detection *, int64_t now,
	    struct ingest_counts *);
/*
 * Such records of a report, in one such statement per lead (a run):
 * lead_runs_add adds d to its lead's run, sending first what must go before
 * it; lead_runs_flush sends every open run (before any other record of the
 * report, and at its end). The stored rows are those of lead_ingest_record
 * per record.
 */
struct lead_runs;
struct lead_runs *lead_runs_new(void);
void	lead_runs_free(struct lead_runs *);
int	lead_runs_add(struct storage *, struct lead_runs *, const char *appliance,
	    int64_t now, struct ingest_counts *, uint64_t seq, const char *json,
	    const struct detection *);
int	lead_runs_flush(struct storage *, struct lead_runs *, const char *appliance,
	    int64_t now, struct ingest_counts *);
/*
 * line-calls.c: stores one sample call (the record appliance/seq) under its
 * line, and trims the line to its newest LINE_CALLS_KEEP.
 */
int	line_call_ingest(struct storage *, const char *appliance, uint64_t seq,
	    const struct call_rec *, int64_t now);
/*
 * ingest-lock.c: a batch's advisory locks, taken in one order by every
 * writer before any row, on the appliances, leads and SIMs its jobs write
 * (the records as ingest_records would read them). ingest_locks_take sends
 * them (deferred) and empties the set; it takes none on SQLite or past
 * INGEST_LOCKS_MAX distinct keys.
 */
#define INGEST_LOCKS_MAX	512
struct ingest_locks;
struct ingest_locks *ingest_locks_new(void);
void	ingest_locks_free(struct ingest_locks *);
void	ingest_locks_appliance(struct ingest_locks *, const char *appliance);
void	ingest_locks_records(struct ingest_locks *, const struct ingest_rec *, int n);
int	ingest_locks_take(struct storage *, struct ingest_locks *);
/* The lead key of a detection: "acct:NAME" or "line:IP/VLAN/PPPOE". */
void	lead_key(const struct detection *, char *buf, size_t len);

#endif
