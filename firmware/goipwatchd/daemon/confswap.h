/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Config reload by pointer swap. One published struct conf is read without
 * locks by registered readers (workers, the merge/detect thread), each of which
 * passes a quiescent point once per batch; a replaced config is freed only after
 * every reader has passed one since (quiescent-state-based reclamation).
 * Capacity: CONFSWAP_MAX_READERS readers; retired configs wait in a list whose
 * length is the number of publishes not yet reclaimed (publishes are rare).
 */
#ifndef GW_CONFSWAP_H
#define GW_CONFSWAP_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"

#define CONFSWAP_MAX_READERS	128

struct confswap;
struct confswap_reader;

/* Takes ownership of initial (freed on failure too); NULL when out of memory. */
struct confswap	*confswap_new(struct conf *initial);
/* NULL-safe; every reader must have been freed. Frees all configs. */
void		 confswap_free(struct confswap *);

/* Reader side. Register once at start (allocates; NULL when all slots are taken). */
struct confswap_reader *confswap_reader_new(struct confswap *);
void		 confswap_reader_free(struct confswap_reader *);	/* NULL-safe */
/*
 * The batch boundary: the caller no longer uses the config it got last time and
 * gets the current one, valid until its next confswap_current or
 * confswap_offline. Lock-free, no allocation: one seq_cst store, two loads.
 */
const struct conf *confswap_current(struct confswap_reader *);
/* Holds no config from now on (before a long wait, e.g. an idle capture). */
void		 confswap_offline(struct confswap_reader *);

/*
 * Publisher side (serialised internally; never the packet path). Takes ownership
 * of c, makes it current and retires the previous one; returns the new
 * generation, or 0 when out of memory (c is freed, the running one stays).
 */
uint64_t	 confswap_publish(struct confswap *, struct conf *c);
/* Frees retired configs no reader can still hold; returns how many still wait. */
size_t		 confswap_reclaim(struct confswap *);
/*
 * The config most recently published, for publishers only: valid until the next
 * confswap_publish, so call it under the same lock that serialises publishing.
 */
const struct conf *confswap_latest(struct confswap *);
uint64_t	 confswap_generation(struct confswap *);

#endif
