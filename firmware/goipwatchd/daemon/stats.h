/* SPDX-License-Identifier: BSD-2-Clause */
/* The stats record: every counter of the pipeline, by stage. */
#ifndef GW_STATS_H
#define GW_STATS_H

#include "engine.h"
#include "jw.h"

/* d: the detect stage's own tables, written by its thread (engine_detect). */
void	stats_write(struct jw *, const struct engine_stats *, const struct detect *d);

#endif
