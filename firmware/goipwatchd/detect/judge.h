/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * From a line's evidence to a verdict, a score and a tier with its deadline,
 * and the detection record. docs/detection.md gives the rules.
 */
#ifndef GW_JUDGE_H
#define GW_JUDGE_H

#include <stdbool.h>

#include "account.h"
#include "conf.h"
#include "jw.h"
#include "line.h"

enum verdict { VERDICT_NONE, VERDICT_GOIP, VERDICT_SIMBOX };
enum tier { TIER_NONE, TIER_GENERAL, TIER_HIGH, TIER_URGENT };

extern const char *const verdict_names[];
extern const char *const tier_names[];

struct judgement {
	enum verdict	verdict;
	enum tier	tier;
	unsigned	score;
};

void	judge_line(const struct conf *, const struct line *, struct judgement *);
usec_t	judge_window(enum tier);
/* True when l must be reported now: first time, or verdict, tier or evidence grew. */
bool	judge_changed(const struct line *, const struct judgement *);
/* Writes the detection record (the caller emits it) and marks l reported. */
void	judge_record(struct jw *, struct line *, const struct judgement *,
	    const struct account_table *, const uint8_t *hkey, size_t hkeylen, usec_t now);
/* The same in two steps, so the caller can add fields: all but the closing brace, */
void	judge_record_fields(struct jw *, struct line *, const struct judgement *,
	    const struct account_table *, const uint8_t *hkey, size_t hkeylen, usec_t now);
/* and, once the caller has closed it, marking l reported. */
void	judge_record_done(struct line *, const struct judgement *);

#endif
