/* SPDX-License-Identifier: BSD-2-Clause */
/* Connections per source address (see addrs.h): linear probing, backward-shift delete. */
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "addrs.h"
#include "hash.h"

struct addr_slot {
	uint32_t	 addr;
	uint32_t	 n;		/* 0: empty */
};

struct addrs {
	struct addr_slot *slot;
	size_t		 mask, max, used;
	uint64_t	 seed;
};

struct addrs *
addrs_new(size_t max)
{
	struct addrs *a;
	size_t cap = 16;

	while (cap < 2 * max)
		cap *= 2;
	if ((a = calloc(1, sizeof(*a))) == NULL ||
	    (a->slot = calloc(cap, sizeof(*a->slot))) == NULL) {
		free(a);
		return NULL;
	}
	a->mask = cap - 1;
	a->max = max;
	if (getrandom(&a->seed, sizeof(a->seed), GRND_NONBLOCK) != sizeof(a->seed))
		a->seed = (uint64_t)time(NULL) << 32 ^ (uint64_t)getpid();
	return a;
}

void
addrs_free(struct addrs *a)
{
	if (a == NULL)
		return;
	free(a->slot);
	free(a);
}

static size_t
home(const struct addrs *a, uint32_t addr)
{
	return (size_t)hash_mix64(addr ^ a->seed) & a->mask;
}

/* The slot holding addr, or the empty one where it would go. */
static size_t
find(const struct addrs *a, uint32_t addr)
{
	size_t i = home(a, addr);

	while (a->slot[i].n != 0 && a->slot[i].addr != addr)
		i = (i + 1) & a->mask;
	return i;
}

uint32_t
addrs_count(const struct addrs *a, uint32_t addr)
{
	return a->slot[find(a, addr)].n;
}

int
addrs_add(struct addrs *a, uint32_t addr)
{
	struct addr_slot *e = &a->slot[find(a, addr)];

	if (e->n == 0) {
		if (a->used == a->max)
			return -1;
		a->used++;
		e->addr = addr;
	}
	e->n++;
	return 0;
}

/* Is k cyclically in (i, j]? Then the entry at j may stay where it is. */
static int
between(size_t i, size_t k, size_t j)
{
	return i <= j ? i < k && k <= j : i < k || k <= j;
}

void
addrs_del(struct addrs *a, uint32_t addr)
{
	size_t i = find(a, addr), j = i;

	if (a->slot[i].n == 0 || --a->slot[i].n > 0)
		return;
	a->used--;
	/* close the gap, so no probe chain through it breaks */
	for (;;) {
		j = (j + 1) & a->mask;
		if (a->slot[j].n == 0)
			break;
		if (between(i, home(a, a->slot[j].addr), j))
			continue;
		a->slot[i] = a->slot[j];
		i = j;
	}
	a->slot[i].n = 0;
}
