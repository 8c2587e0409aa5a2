/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Lock-free single-producer single-consumer ring of variable-length messages.
 * Capacity is fixed at creation; a full ring refuses and counts, never blocks.
 */
#ifndef GW_RING_H
#define GW_RING_H

#include <stddef.h>
#include <stdint.h>

struct ring;

/* bytes is rounded up to a power of two; the largest message is bytes/4. */
struct ring	*ring_new(size_t bytes);
void		 ring_free(struct ring *);

/* Producer: room for len bytes, or NULL (counted as a drop). Then commit. */
void		*ring_reserve(struct ring *, size_t len);
void		 ring_commit(struct ring *, size_t len);
/* The same, for a producer that will wait and retry: a refusal is not a drop. */
void		*ring_reserve_wait(struct ring *, size_t len);
/*
 * Commits without making the message visible yet (it is, once size/16 bytes
 * are pending): call ring_flush at the end of the batch, and before waiting
 * for room.
 */
void		 ring_commit_batch(struct ring *, size_t len);
void		 ring_flush(struct ring *);
int		 ring_push(struct ring *, const void *, size_t);

/* Consumer: the oldest message, or NULL when empty. Then release it. */
const void	*ring_peek(struct ring *, size_t *len);
void		 ring_release(struct ring *);

uint64_t	 ring_drops(const struct ring *);
size_t		 ring_max_msg(const struct ring *);

#endif
