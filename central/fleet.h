/* SPDX-License-Identifier: BSD-2-Clause */
/* The appliance fleet: heartbeats, versions, drops, backlog, silent alarms, groups. */
#ifndef GWC_FLEET_H
#define GWC_FLEET_H

#include <stdint.h>
#include <stdio.h>

struct storage;

/* Lists appliances; returns the number silent for longer than silent_after, or -1. */
int	fleet_print(struct storage *, int64_t now, int64_t silent_after, FILE *);
/* Sets the group of an appliance central knows; -1 with the reason in err. */
int	fleet_set_group(struct storage *, const char *appliance, const char *grp,
	    char *err, size_t errlen);

#endif
