/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Doubly-linked lists by index over a preallocated array: LRU and FIFO lists
 * of the fixed tables (flow, reasm, line). An element holds a struct ilink
 * at some offset; ILIST_OF(array, field) names the array and that field.
 * Static inline: the size and offset are constants at every call.
 */
#ifndef GW_ILIST_H
#define GW_ILIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ILIST_NIL	UINT32_MAX	/* no element */

struct ilink {
	uint32_t	prev, next;
};

struct ilist {
	uint32_t	head, tail;	/* oldest first */
};

/* Expands to the three layout arguments: base, element size, field offset. */
#define ILIST_OF(arr, field)	(arr), sizeof(*(arr)), \
	((size_t)((const char *)&(arr)->field - (const char *)(arr)))

/* The uint32_t at byte offset off of element i. */
static inline uint32_t *
ilist_u32(void *base, size_t size, size_t off, uint32_t i)
{
	return (uint32_t *)(void *)((char *)base + (size_t)i * size + off);
}

static inline struct ilink *
ilist_link(void *base, size_t size, size_t off, uint32_t i)
{
	return (struct ilink *)(void *)((char *)base + (size_t)i * size + off);
}

static inline void
ilist_init(struct ilist *l)
{
	l->head = l->tail = ILIST_NIL;
}

static inline bool
ilist_is_empty(const struct ilist *l)
{
	return l->head == ILIST_NIL;
}

/* Takes element i off l; its own links are left as they were. */
static inline void
ilist_unlink(struct ilist *l, void *base, size_t size, size_t off, uint32_t i)
{
	struct ilink *e = ilist_link(base, size, off, i);

	if (e->prev != ILIST_NIL)
		ilist_link(base, size, off, e->prev)->next = e->next;
	else
		l->head = e->next;
	if (e->next != ILIST_NIL)
		ilist_link(base, size, off, e->next)->prev = e->prev;
	else
		l->tail = e->prev;
}

/* Puts element i, on no list, at the tail of l. */
static inline void
ilist_append(struct ilist *l, void *base, size_t size, size_t off, uint32_t i)
{
	struct ilink *e = ilist_link(base, size, off, i);

	e->prev = l->tail;
	e->next = ILIST_NIL;
	if (l->tail != ILIST_NIL)
		ilist_link(base, size, off, l->tail)->next = i;
	else
		l->head = i;
	l->tail = i;
}

#endif
