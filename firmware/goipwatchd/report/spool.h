/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Durable spool between the report stage and the uplink: append-only segment
 * files of CRC-checked records, each with a sequence number, plus the persisted
 * ack position. One appender thread and one reader thread (the uplink).
 * Capacity: max_bytes on disk; past it the oldest segments are dropped and counted.
 */
#ifndef GW_SPOOL_H
#define GW_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

#define SPOOL_MAX_RECORD	65536	/* bytes of one record (a JSON line) */
#define SPOOL_MIN_BYTES		65536

enum spool_fsync {
	SPOOL_FSYNC_ALWAYS,	/* fdatasync each record before append returns */
	SPOOL_FSYNC_BATCH,	/* every 200 ms by spool_sync() (the uplink loop) */
	SPOOL_FSYNC_NEVER,	/* the kernel decides; survives kill -9, not power loss */
};

struct spool_stats {
	uint64_t	next_seq;	/* the seq the next append gets */
	uint64_t	acked;		/* persisted: all seq <= acked are delivered */
	uint64_t	depth;		/* records above the ack still on disk */
	uint64_t	bytes;		/* on disk, all segments */
	uint64_t	segments;
	usec_t		oldest_ts;	/* wall time of the oldest unacked record; 0 if none */
	uint64_t	appended;
	uint64_t	dropped;	/* unacked records deleted by the size cap */
	uint64_t	torn_bytes;	/* cut off at recovery: torn tails, damaged runs */
	uint64_t	skipped;	/* records lost in a damaged run inside a segment */
	uint64_t	write_errors;	/* failed appends (disk full, I/O) */
};

struct spool;

/* "always", "batch" or "never"; -1 otherwise. */
int		 spool_fsync_parse(const char *, enum spool_fsync *);
const char	*spool_fsync_str(enum spool_fsync);

/* Opens or creates dir, recovers every segment (truncating torn tails). */
struct spool	*spool_open(const char *dir, uint64_t max_bytes, enum spool_fsync,
		    char *err, size_t errlen);
void		 spool_close(struct spool *);	/* NULL-safe; syncs */
const char	*spool_dir(const struct spool *);
/* Random, made with a new spool (file "epoch"): tells central which numbering
 * the seqs belong to. Never 0. */
uint64_t	 spool_epoch(const struct spool *);

/* Appender: writes one record (a trailing newline is dropped), assigns its seq.
 * -1 on I/O error (counted) or an empty or oversized record. */
int		 spool_append(struct spool *, const char *rec, size_t len, uint64_t *seq);
/* Batch policy: fdatasync if 200 ms passed since the last one; call often. */
int		 spool_sync(struct spool *);

/* Reader: position after a seq, then read records in order. */
void		 spool_rewind(struct spool *, uint64_t after);
/* 1 with a record copied into buf (cap >= SPOOL_MAX_RECORD), 0 when none, -1 on error. */
int		 spool_next(struct spool *, uint64_t *seq, char *buf, size_t cap, size_t *len);
bool		 spool_has_unread(struct spool *);
/* Persists the ack position and deletes segments wholly at or below it. */
int		 spool_ack(struct spool *, uint64_t seq);
/* The peer already holds seqs up to seq: new records must be numbered above it. */
void		 spool_seq_floor(struct spool *, uint64_t seq);

/* An eventfd that becomes readable on append after spool_arm(); drained by spool_disarm(). */
int		 spool_notify_fd(const struct spool *);
void		 spool_arm(struct spool *);
void		 spool_disarm(struct spool *);

void		 spool_stats(struct spool *, struct spool_stats *);

#endif
