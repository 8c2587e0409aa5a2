/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Leads for analysts: the listing and export (leads.c), one lead's detail
 * (lead-detail.c), the feedback workflow (lead-feedback.c).
 */
#ifndef GWC_LEADS_H
#define GWC_LEADS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct storage;

struct leads_filter {
	const char	*tier;		/* NULL: all */
	bool		 overdue;	/* no feedback and past the deadline */
	int64_t		 now;
};

int	leads_list(struct storage *, const struct leads_filter *, FILE *);
int	leads_json(struct storage *, const struct leads_filter *, FILE *);
int	leads_csv(struct storage *, FILE *);
int	lead_show(struct storage *, int64_t id, int64_t now, FILE *);
/* Moves a lead along new -> acknowledged -> confirmed|false_positive|dismantled. */
int	lead_feedback(struct storage *, int64_t id, const char *status, const char *who,
	    const char *note, int64_t now, char *err, size_t errlen);
bool	lead_status_is_valid(const char *);
/* The i-th workflow status, NULL past the last. */
const char *lead_status_name(int i);

#endif
