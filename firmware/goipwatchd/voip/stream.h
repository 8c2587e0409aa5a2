/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Per-direction TCP reassembly for SIP: bounded buffers from a fixed pool,
 * in-order delivery, a bounded set of out-of-order ranges, gap skipping with
 * resync at the next SIP start line, and framing into whole SIP messages.
 */
#ifndef GWD_STREAM_H
#define GWD_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define STREAM_BUF_DEFAULT	(64 * 1024)
#define STREAM_OOO_DEFAULT	8
#define STREAM_OOO_MAX		32

/* TCP flag bits as in the header, so th_flags can be passed straight in. */
#define STREAM_TH_FIN	0x01
#define STREAM_TH_SYN	0x02
#define STREAM_TH_RST	0x04

struct stream_params {
	size_t		 bufsize;	/* bytes per direction */
	unsigned	 max_ooo;	/* out-of-order ranges held per direction */
	size_t		 sip_cap;	/* message size cap, at most bufsize */
};

/*
 * Counter indices. stream_feed returns one of the STREAM_SEG_* or flag
 * events; the others are counted by stream_next, stream_open and _close.
 */
enum stream_event {
	STREAM_SEG_INORDER,	/* appended at the expected sequence number */
	STREAM_SEG_OOO,		/* held ahead of a hole */
	STREAM_SEG_RETRANS,	/* entirely old data */
	STREAM_SEG_OVERLAP,	/* partly old: the old part trimmed */
	STREAM_SEG_EMPTY,	/* no payload, no flag of interest */
	STREAM_SEG_AFTER_FIN,	/* data past the FIN, dropped */
	STREAM_SEG_CLOSED,	/* data after RST, dropped */
	STREAM_SYN,
	STREAM_FIN,
	STREAM_RST,
	STREAM_WINDOW,		/* segment beyond the buffer: gap skipped */
	STREAM_OOO_FULL,	/* no out-of-order slot left: gap skipped */
	STREAM_BUF_FULL,	/* in-order data did not fit: older data dropped */
	STREAM_GAP,		/* holes skipped (any cause) */
	STREAM_GAP_BYTES,	/* bytes never seen in skipped holes */
	STREAM_DISCARD_BYTES,	/* bytes seen but thrown away undelivered */
	STREAM_MSG,		/* SIP messages delivered */
	STREAM_KEEPALIVE,	/* CRLF keepalive runs consumed */
	STREAM_RESYNC,		/* resyncs started after bad framing */
	STREAM_NOT_SIP,
	STREAM_BAD_LENGTH,
	STREAM_TOO_LARGE,
	STREAM_NO_MEM,		/* stream_open found the pool empty */
	STREAM_EV_MAX
};
extern const char *const stream_event_names[STREAM_EV_MAX];

struct stream_pool;	/* the buffers for many streams and their counters */
struct stream;		/* one direction of one TCP connection */

void	stream_params_default(struct stream_params *);
/* All memory for capacity streams is allocated here; NULL on bad params. */
struct stream_pool *stream_pool_new(const struct stream_params *, size_t capacity);
void	stream_pool_free(struct stream_pool *);
const uint64_t *stream_pool_stats(const struct stream_pool *);	/* [STREAM_EV_MAX] */
size_t	stream_pool_in_use(const struct stream_pool *);

/* NULL when the pool is empty (counted as STREAM_NO_MEM). */
struct stream *stream_open(struct stream_pool *);
/* Returns s to the pool; undelivered bytes are counted. NULL-safe. */
void	stream_close(struct stream_pool *, struct stream *);

/* One segment of this direction: its sequence number, TCP flags, payload. */
enum stream_event stream_feed(struct stream_pool *, struct stream *,
	    uint32_t seq, uint8_t flags, const uint8_t *, size_t);
/* The next complete SIP message; valid until the next stream_feed. */
bool	stream_next(struct stream_pool *, struct stream *, const uint8_t **msg,
	    size_t *len);
/* Gives up on the first hole (e.g. on a timeout); false when there is none. */
bool	stream_skip_gap(struct stream_pool *, struct stream *);
/* True after FIN or RST once everything deliverable has been delivered. */
bool	stream_is_done(const struct stream *);

#endif
