/* SPDX-License-Identifier: BSD-2-Clause */
/* Cross-site rings: leads sharing infrastructure, as connected components. */
#ifndef GWC_RINGS_H
#define GWC_RINGS_H

#include <stdint.h>
#include <stdio.h>

struct storage;
struct db_row;

struct rings {
	int64_t	 nleads;	/* ids 1..nleads */
	int64_t	*parent;	/* union-find over lead ids */
	int64_t	*size;		/* component size at each root */
	int64_t	*first_seen;	/* per lead */
	int	 nrings;	/* components with two leads or more */
};

int	rings_build(struct storage *, struct rings *);
int64_t	rings_find(struct rings *, int64_t id);
void	rings_fini(struct rings *);
/* Which rings to list: those with a lead of tier (NULL: any) seen since. */
struct rings_filter {
	int64_t		 since;		/* leads.last_seen >= since; 0: all */
	const char	*tier;
};

/* What rings_each calls for each ring, its leads and what they share; -1 stops. */
struct rings_out {
	int	(*ring)(void *arg, int n, int64_t size);
	/* id, tier, status, ip, account */
	int	(*lead)(void *arg, const struct db_row *);
	/* kind, value, how many leads share it, role (peers; NULL: none
	 * known), a lead sharing it, the first such lead: one row per lead
	 * sharing the item, in lead order (the first row's two leads are equal) */
	int	(*share)(void *arg, const struct db_row *);
	int	(*end)(void *arg);
	void	*arg;
};

/* The rings (two leads or more) the filter selects, in order; their count or -1. */
int	rings_each(struct storage *, const struct rings_filter *, const struct rings_out *);
/* The terminal form (`rings`). */
int	rings_print(struct storage *, const struct rings_filter *, FILE *);
/* The JSON form (the console API): {"rings":[{"ring":1,"size":2,"leads":[..],
 * "shared":[{"kind":..,"value":..,"role":..,"leads":2,"lead_ids":[..]}]}]} */
int	rings_json(struct storage *, const struct rings_filter *, FILE *);

#endif
