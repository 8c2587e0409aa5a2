/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The evidence store: for each line holding evidence, the packets behind it,
 * in slots of a slab allocated at start (evidence_memory), and a look-back
 * ring of recent signalling so the packet that raised a line's first evidence
 * is kept too. Owned by the detect thread; nothing is allocated per packet.
 * When a bound is hit, the oldest packet that is not the first of an evidence
 * kind goes first; drops are counted (docs/evidence.md).
 */
#ifndef GW_KEEP_H
#define GW_KEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"

#define KEEP_KEY_LEN	24	/* a line key: the IP's 16 bytes first */
#define KEEP_NOTE_LEN	18	/* a note key: an account (detect/account.h) */
#define KEEP_NIL	UINT32_MAX

/* kinds: a bit per evidence kind; flags below */
#define KEEP_F_LOOKBACK	0x1	/* came from the look-back ring */
#define KEEP_F_FIRST	0x2	/* the first packet of one of its kinds: kept last */

/* One captured frame, valid for the call only. */
struct keep_frame {
	usec_t		 ts;
	uint32_t	 caplen, wirelen;
	uint16_t	 linktype;
	uint8_t		 evkind;	/* the event it came with (enum event_kind) */
	const uint8_t	*data;
};

struct keep_params {
	size_t		 lines;		/* lines with evidence */
	size_t		 packets;	/* packets per line */
	size_t		 line_bytes;	/* captured bytes per line */
	size_t		 memory;	/* the slab: look-back and store */
	size_t		 snaplen;	/* bytes kept of each frame */
	size_t		 lookback;	/* look-back slots, out of memory */
	size_t		 notes;		/* frames remembered by note key (accounts) */
};

struct keep_stats {
	uint64_t	 kept;		/* packets taken into a line */
	uint64_t	 lookback_kept;	/* of those, from the look-back ring */
	uint64_t	 truncated;	/* longer than evidence_snaplen */
	uint64_t	 drop_packets;	/* evicted or refused: a line's packet bound */
	uint64_t	 drop_bytes;	/* a line's byte bound */
	uint64_t	 drop_memory;	/* the slab was full */
	uint64_t	 lines_refused;	/* packets refused: the line bound was hit */
	uint64_t	 notes_replaced;	/* a note gave way to another (table full) */
	uint64_t	 notes_refused;	/* no free slot for a note */
	uint64_t	 lines, slots, slots_free, notes;	/* at the snapshot */
};

/* A kept packet, as keep_walk hands it on. */
struct keep_pkt {
	struct keep_frame f;
	uint32_t	 kinds;
	uint8_t		 flags;
};

struct keep;

struct keep	*keep_new(const struct keep_params *, char *err, size_t errlen);
void		 keep_free(struct keep *);
/*
 * Keeps f for the line as support for kind; a new line first takes its
 * look-back. seq names the frame (never 0): a second kind for the same frame
 * adds to its packet.
 */
int		 keep_add(struct keep *, const uint8_t key[KEEP_KEY_LEN], unsigned kind,
		    const struct keep_frame *, uint64_t seq);
/* Keeps f as context for every held line whose IP is a or b; seq as above. */
void		 keep_context(struct keep *, const uint8_t a[16], const uint8_t b[16],
		    const struct keep_frame *, uint64_t seq);
/* Keeps f for every held line whose IP is ip as support for kind; seq as above. */
void		 keep_support(struct keep *, const uint8_t ip[16], unsigned kind,
		    const struct keep_frame *, uint64_t seq);
/*
 * Notes: the latest frame under a key (the packet that named an account), in
 * a free slot of the store, for a line that gets evidence later; at most
 * notes of them, the oldest giving way, counted. keep_note_take puts a copy
 * at the head of held line key as support for kind: 0, or -1 (no such note).
 */
void		 keep_note(struct keep *, const uint8_t nk[KEEP_NOTE_LEN],
		    const struct keep_frame *, uint64_t seq);
void		 keep_note_forget(struct keep *, const uint8_t nk[KEEP_NOTE_LEN]);
int		 keep_note_take(struct keep *, const uint8_t nk[KEEP_NOTE_LEN],
		    const uint8_t key[KEEP_KEY_LEN], unsigned kind);
/* Remembers a signalling frame between a and b for the look-back. */
void		 keep_recent(struct keep *, const uint8_t a[16], const uint8_t b[16],
		    const struct keep_frame *, uint64_t seq);
bool		 keep_has(const struct keep *, const uint8_t key[KEEP_KEY_LEN]);
/* Calls fn for each packet of the line, oldest first; returns how many. */
size_t		 keep_walk(const struct keep *, const uint8_t key[KEEP_KEY_LEN],
		    void (*fn)(void *, const struct keep_pkt *), void *arg);
void		 keep_stats(const struct keep *, struct keep_stats *);
uint64_t	 keep_drops(const struct keep *);
size_t		 keep_bytes(const struct keep *);

#endif
