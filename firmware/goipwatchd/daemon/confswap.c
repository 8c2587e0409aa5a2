/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Quiescent-state reclamation of struct conf. Generations count publishes;
 * each reader records the generation it saw at its last quiescent point.
 * A config retired at generation G is freed once every reader has seen >= G
 * (or is offline): such a reader loaded the current pointer after the swap.
 */
#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "confswap.h"
#include "mem.h"

#define OFFLINE		UINT64_MAX

/* One per cache line: readers store to it once per batch. */
struct confswap_reader {
	alignas(CACHE_LINE) _Atomic uint64_t seen;	/* generation; OFFLINE */
	struct confswap	*cs;
	unsigned	 slot;
};

struct retired {
	struct conf	*c;
	uint64_t	 gen;		/* readers must have seen this one */
	struct retired	*next;
};

struct confswap {
	_Atomic(struct conf *) cur;
	_Atomic uint64_t gen;
	pthread_mutex_t	 mu;		/* publishers, registration, the retired list */
	struct confswap_reader *readers[CONFSWAP_MAX_READERS];
	struct retired	*retired;
	size_t		 nretired;
};

struct confswap *
confswap_new(struct conf *initial)
{
	struct confswap *cs;

	if (initial == NULL || (cs = calloc(1, sizeof(*cs))) == NULL) {
		conf_free(initial);
		return NULL;
	}
	atomic_init(&cs->cur, initial);
	atomic_init(&cs->gen, 1);
	pthread_mutex_init(&cs->mu, NULL);
	return cs;
}

void
confswap_free(struct confswap *cs)
{
	struct retired *r, *next;

	if (cs == NULL)
		return;
	for (r = cs->retired; r != NULL; r = next) {
		next = r->next;
		conf_free(r->c);
		free(r);
	}
	conf_free(atomic_load(&cs->cur));
	pthread_mutex_destroy(&cs->mu);
	free(cs);
}

struct confswap_reader *
confswap_reader_new(struct confswap *cs)
{
	struct confswap_reader *r;
	unsigned i;

	if ((r = zalloc_lines(sizeof(*r))) == NULL)
		return NULL;
	atomic_init(&r->seen, OFFLINE);
	r->cs = cs;
	pthread_mutex_lock(&cs->mu);
	for (i = 0; i < CONFSWAP_MAX_READERS && cs->readers[i] != NULL; i++)
		;
	if (i < CONFSWAP_MAX_READERS)
		cs->readers[i] = r;
	pthread_mutex_unlock(&cs->mu);
	if (i == CONFSWAP_MAX_READERS) {
		free(r);
		return NULL;
	}
	r->slot = i;
	return r;
}

void
confswap_reader_free(struct confswap_reader *r)
{
	struct confswap *cs;

	if (r == NULL)
		return;
	cs = r->cs;
	pthread_mutex_lock(&cs->mu);
	cs->readers[r->slot] = NULL;
	pthread_mutex_unlock(&cs->mu);
	free(r);
}

/*
 * seq_cst on the store of seen and the load of cur: a reader coming back from
 * offline must not load a pointer that a publisher, having read OFFLINE, frees.
 */
const struct conf *
confswap_current(struct confswap_reader *r)
{
	struct confswap *cs = r->cs;
	uint64_t g = atomic_load_explicit(&cs->gen, memory_order_acquire);

	atomic_store_explicit(&r->seen, g, memory_order_seq_cst);
	return atomic_load_explicit(&cs->cur, memory_order_seq_cst);
}

void
confswap_offline(struct confswap_reader *r)
{
	atomic_store_explicit(&r->seen, OFFLINE, memory_order_release);
}

/* The oldest generation some reader may still be using; mu held. */
static uint64_t
oldest_seen(struct confswap *cs)
{
	uint64_t min = OFFLINE, s;
	unsigned i;

	for (i = 0; i < CONFSWAP_MAX_READERS; i++) {
		if (cs->readers[i] == NULL)
			continue;
		s = atomic_load_explicit(&cs->readers[i]->seen, memory_order_seq_cst);
		if (s < min)
			min = s;
	}
	return min;
}

static size_t
reclaim_locked(struct confswap *cs)
{
	struct retired **pp = &cs->retired, *r;
	uint64_t min = oldest_seen(cs);

	while ((r = *pp) != NULL) {
		if (r->gen > min) {
			pp = &r->next;
			continue;
		}
		*pp = r->next;
		conf_free(r->c);
		free(r);
		cs->nretired--;
	}
	return cs->nretired;
}

uint64_t
confswap_publish(struct confswap *cs, struct conf *c)
{
	struct retired *r;
	struct conf *old;
	uint64_t g;

	/* allocated before the swap: a failure leaves the running config alone */
	if ((r = malloc(sizeof(*r))) == NULL) {
		conf_free(c);
		return 0;
	}
	pthread_mutex_lock(&cs->mu);
	old = atomic_exchange_explicit(&cs->cur, c, memory_order_seq_cst);
	/* after the swap: a reader that sees g loads the new pointer */
	g = atomic_fetch_add_explicit(&cs->gen, 1, memory_order_seq_cst) + 1;
	*r = (struct retired){ old, g, cs->retired };
	cs->retired = r;
	cs->nretired++;
	(void)reclaim_locked(cs);
	pthread_mutex_unlock(&cs->mu);
	return g;
}

size_t
confswap_reclaim(struct confswap *cs)
{
	size_t n;

	pthread_mutex_lock(&cs->mu);
	n = reclaim_locked(cs);
	pthread_mutex_unlock(&cs->mu);
	return n;
}

const struct conf *
confswap_latest(struct confswap *cs)
{
	return atomic_load_explicit(&cs->cur, memory_order_acquire);
}

uint64_t
confswap_generation(struct confswap *cs)
{
	return atomic_load_explicit(&cs->gen, memory_order_acquire);
}
