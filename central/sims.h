/* SPDX-License-Identifier: BSD-2-Clause */
/* The SIM list for card cutting: every SIM seen on a lead, with its lead's status. */
#ifndef GWC_SIMS_H
#define GWC_SIMS_H

#include <stdbool.h>
#include <stdio.h>

struct storage;

int	sims_print(struct storage *, bool csv, FILE *);

#endif
