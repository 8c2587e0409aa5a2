/* SPDX-License-Identifier: BSD-2-Clause */
/* Cross-site rings: leads sharing infrastructure, as connected components. */
#ifndef GWC_RINGS_H
#define GWC_RINGS_H

#include <stdint.h>
#include <stdio.h>

struct storage;

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
int	rings_print(struct storage *, FILE *);

#endif
