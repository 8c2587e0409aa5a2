/* SPDX-License-Identifier: BSD-2-Clause */
/* Spool internals shared by spool.c (append, read, ack) and spool-recover.c. */
#ifndef GW_SPOOL_INT_H
#define GW_SPOOL_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "spool.h"

#define REC_HDR		24
#define SYNC_EVERY	(200 * 1000)	/* µs, batch policy */
#define FAIL_LOG_EVERY	(10 * USEC_PER_SEC)	/* a failing append logs at most this often */
#define RBUF_LEN	(REC_HDR + SPOOL_MAX_RECORD + 65536)

struct seg {
	uint64_t	first, last;	/* seqs; last < first while empty */
	uint64_t	size;		/* bytes written (whole records only) */
};

struct cursor {
	uint64_t	seg_first;	/* segment being read; 0: none */
	uint64_t	off;		/* next record's offset */
	uint64_t	skip_upto;	/* records at or below are skipped */
	uint64_t	expect;		/* the seq of the record at off */
	int		fd;
	uint8_t		*buf;		/* file bytes [buf_off, buf_off + buf_len) */
	uint64_t	buf_off;
	size_t		buf_len;
};

struct spool {
	char		 dir[256];
	uint64_t	 max_bytes, seg_bytes;
	enum spool_fsync policy;
	pthread_mutex_t	 mu;
	struct seg	*segs;		/* oldest first */
	size_t		 nsegs, segcap;
	int		 wfd;		/* the last segment, open for append */
	int		 efd;
	int		 lockfd;	/* flock: one process per spool */
	atomic_bool	 armed;
	uint64_t	 next_seq, acked, bytes;
	uint64_t	 epoch;		/* the numbering's identity, never 0 */
	usec_t		 last_sync;
	bool		 dirty;
	usec_t		 fail_logged;	/* when a failed append was last logged */
	uint64_t	 fail_unlogged;	/* failed appends since then */
	uint64_t	 fail_run;	/* failed appends since the last good one */
	bool		 ack_failing;	/* the last ack could not be stored */
	struct cursor	 rd;		/* the uplink's reader */
	struct cursor	 ackc;		/* finds the oldest unacked record for stats */
	struct spool_stats st;
};

static inline void
le32_put(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline void
le64_put(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static inline uint32_t
le32_get(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
}

static inline uint64_t
le64_get(const uint8_t *p)
{
	return (uint64_t)le32_get(p) | (uint64_t)le32_get(p + 4) << 32;
}

/* Record format: CRC-32 over len, seq, ts and data (spool-recover.c). */
void		 spool_crc_init(void);			/* once, before any crc */
uint32_t	 spool_rec_crc(const uint8_t *hdr, const uint8_t *data, size_t len);
/* The first good record in buf[1..n) with a seq in lo..hi: its offset, or 0. */
uint64_t	 spool_rec_find(const uint8_t *buf, uint64_t n, uint64_t lo, uint64_t hi,
		    uint64_t *seq);
/* Recovery at open: every segment's longest valid prefix; the ack position. */
int		 spool_recover(struct spool *);
uint64_t	 spool_ack_load(const struct spool *);
/* After recovery: loads the epoch, or makes a new one for a new numbering. */
int		 spool_epoch_open(struct spool *);
/* spool.c */
void		 spool_seg_path(const struct spool *, uint64_t first, char *buf, size_t len);
int		 spool_seg_push(struct spool *, uint64_t first);

#endif
