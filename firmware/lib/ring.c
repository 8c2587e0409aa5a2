/* SPDX-License-Identifier: BSD-2-Clause */
/* SPSC message ring: 8-byte headers, padded records, a wrap marker at the end. */
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "mem.h"
#include "ring.h"

#define RING_HDR	8u
#define RING_WRAP	UINT32_MAX
#define RING_HUGE	((size_t)2 << 20)	/* x86-64 and arm64 (4 KiB granule) */

/*
 * Each side keeps a private copy of the other's index and reloads it only when
 * the copy says full (producer) or empty (consumer), and the consumer publishes
 * its tail in steps of size/16 (and whenever it finds the ring empty): the two
 * shared lines then move between cores once per many messages, not twice per
 * message. The cost is that a producer may see up to size/16 bytes less room
 * than there is while the consumer is behind. A producer that commits many
 * messages in a row (the offline reader) can publish its head in steps too and
 * flush at the end of each batch: a consumer that has caught up polls the head,
 * and a head stored per message would then move between the cores per message.
 */
struct ring {
	_Alignas(64) _Atomic uint64_t head;	/* published by the producer */
	_Alignas(64) _Atomic uint64_t tail;	/* published by the consumer */
	_Alignas(64) uint64_t	 phead;		/* producer: its head, published or not */
	uint64_t		 tail_seen;	/* producer: tail when last loaded */
	uint64_t		 drops;
	_Alignas(64) uint64_t	 ctail;		/* consumer: its tail */
	uint64_t		 head_seen;	/* consumer: head when last loaded */
	_Alignas(64) size_t	 size;		/* read-only after ring_new */
	size_t			 mask;
	size_t			 step;		/* consumer publishes every step bytes */
	unsigned char		*buf;
};

static size_t
ring_pad(size_t len)
{
	return (RING_HDR + len + 7) & ~(size_t)7;
}

struct ring *
ring_new(size_t bytes)
{
	struct ring *r;
	size_t size = 64;

	while (size < bytes && size < ((size_t)1 << 40))
		size <<= 1;
	if ((r = zalloc_lines(sizeof(*r))) == NULL)
		return NULL;
	/*
	 * A big ring on huge pages where the kernel has them: every byte of a
	 * packet ring is written once per pass, and 4 KiB pages would each take
	 * a fault on the first pass and a TLB entry on every pass. The hint may
	 * be refused (transparent_hugepage=never); the ring works the same.
	 */
	if (size >= RING_HUGE) {
		if (posix_memalign((void **)&r->buf, RING_HUGE, size) != 0)
			r->buf = NULL;
		else
			(void)madvise(r->buf, size, MADV_HUGEPAGE);
	} else
		r->buf = malloc(size);
	if (r->buf == NULL) {
		free(r);
		return NULL;
	}
	r->size = size;
	r->mask = size - 1;
	r->step = size / 16;
	return r;
}

void
ring_free(struct ring *r)
{
	if (r == NULL)
		return;
	free(r->buf);
	free(r);
}

size_t
ring_max_msg(const struct ring *r)
{
	return r->size / 4 - RING_HDR;
}

static void *ring_claim(struct ring *, size_t, bool);

void *
ring_reserve(struct ring *r, size_t len)
{
	return ring_claim(r, len, true);
}

void *
ring_reserve_wait(struct ring *r, size_t len)
{
	return ring_claim(r, len, false);
}

/* Whether want bytes are free at head, reloading the consumer's tail if needed. */
static bool
ring_room(struct ring *r, uint64_t head, size_t want)
{
	if (r->size - (head - r->tail_seen) >= want)
		return true;
	r->tail_seen = atomic_load_explicit(&r->tail, memory_order_acquire);
	return r->size - (head - r->tail_seen) >= want;
}

/* Room for a message at head; a refusal counts as a drop when asked. */
static void *
ring_claim(struct ring *r, size_t len, bool count)
{
	uint64_t head = r->phead;
	size_t need = ring_pad(len), off = head & r->mask;
	size_t to_end = r->size - off;

	if (len > ring_max_msg(r))
		goto drop;
	if (to_end < need) {
		/* not contiguous: the message will start at offset 0 */
		if (!ring_room(r, head, to_end + need))
			goto drop;
		if (to_end >= 4)
			memcpy(r->buf + off, &(uint32_t){RING_WRAP}, 4);
		r->phead = head + to_end;
		off = 0;
	} else if (!ring_room(r, head, need))
		goto drop;
	memcpy(r->buf + off, &(uint32_t){(uint32_t)len}, 4);
	return r->buf + off + RING_HDR;
drop:
	if (count)
		r->drops++;
	return NULL;
}

void
ring_flush(struct ring *r)
{
	if (atomic_load_explicit(&r->head, memory_order_relaxed) != r->phead)
		atomic_store_explicit(&r->head, r->phead, memory_order_release);
}

void
ring_commit(struct ring *r, size_t len)
{
	r->phead += ring_pad(len);
	atomic_store_explicit(&r->head, r->phead, memory_order_release);
}

void
ring_commit_batch(struct ring *r, size_t len)
{
	r->phead += ring_pad(len);
	if (r->phead - atomic_load_explicit(&r->head, memory_order_relaxed) >= r->step)
		atomic_store_explicit(&r->head, r->phead, memory_order_release);
}

int
ring_push(struct ring *r, const void *msg, size_t len)
{
	void *p;

	if ((p = ring_reserve(r, len)) == NULL)
		return -1;
	memcpy(p, msg, len);
	ring_commit(r, len);
	return 0;
}

/* The consumer's tail becomes visible to the producer (a store only if it moved). */
static void
ring_publish(struct ring *r)
{
	if (atomic_load_explicit(&r->tail, memory_order_relaxed) != r->ctail)
		atomic_store_explicit(&r->tail, r->ctail, memory_order_release);
}

const void *
ring_peek(struct ring *r, size_t *len)
{
	size_t off, to_end;
	uint32_t l;

	for (;;) {
		if (r->ctail == r->head_seen) {
			r->head_seen = atomic_load_explicit(&r->head, memory_order_acquire);
			if (r->ctail == r->head_seen) {
				ring_publish(r);	/* caught up: give back every byte */
				return NULL;
			}
		}
		off = r->ctail & r->mask;
		to_end = r->size - off;
		if (to_end >= 4)
			memcpy(&l, r->buf + off, 4);
		if (to_end >= RING_HDR && l != RING_WRAP)
			break;
		/* wrap marker, or a tail too short for a header */
		r->ctail += to_end;
	}
	*len = l;
	return r->buf + off + RING_HDR;
}

void
ring_release(struct ring *r)
{
	uint32_t l;

	memcpy(&l, r->buf + (r->ctail & r->mask), 4);
	r->ctail += ring_pad(l);
	if (r->ctail - atomic_load_explicit(&r->tail, memory_order_relaxed) >= r->step)
		ring_publish(r);
}

uint64_t
ring_drops(const struct ring *r)
{
	return r->drops;
}
