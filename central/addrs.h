/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Connections per source address: an open-addressing table sized at start
 * for a fixed number of addresses (at most half full), keyed with a random
 * seed so that hostile addresses cannot be picked to collide. Nothing is
 * allocated after addrs_new.
 */
#ifndef GWC_ADDRS_H
#define GWC_ADDRS_H

#include <stddef.h>
#include <stdint.h>

struct addrs;

/* Room for max distinct addresses; NULL when out of memory. */
struct addrs	*addrs_new(size_t max);
void		 addrs_free(struct addrs *);
uint32_t	 addrs_count(const struct addrs *, uint32_t addr);
/* One more for addr; -1 when max addresses are counted already. */
int		 addrs_add(struct addrs *, uint32_t addr);
/* One less for addr; an address down to none leaves the table. */
void		 addrs_del(struct addrs *, uint32_t addr);

#endif
