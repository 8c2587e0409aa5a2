/* SPDX-License-Identifier: BSD-2-Clause */
/* Office statistics per day, week or month. */
#ifndef GWC_FIGURES_H
#define GWC_FIGURES_H

#include <stdint.h>
#include <stdio.h>

struct storage;

enum period { PERIOD_DAY, PERIOD_WEEK, PERIOD_MONTH };

int	period_parse(const char *, enum period *);
/* The i-th period name, NULL past the last. */
const char *period_name(int i);
/* The bucket a time falls in, and the first second of a bucket. */
int64_t	period_bucket(enum period, int64_t t);
int64_t	period_start(enum period, int64_t bucket);
int	figures_print(struct storage *, enum period, int64_t now, FILE *);
/* The same figures as JSON (the console API), and false positives by verdict
 * and by detector. */
int	figures_json(struct storage *, enum period, int64_t now, FILE *);

#endif
