/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Card cutting: the SIMs seen on leads, their carrier (carrier.c) and the
 * carriers' dispositions of them (shut down, restored, not ours), with the
 * history kept. One query for the CLI and the console API (docs/central.md).
 */
#ifndef GWC_SIMS_H
#define GWC_SIMS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "storage.h"

/*
 * The current disposition of each SIM that has one, for other queries (the
 * lead detail): LEFT JOIN it ON its sim_key; columns sim_key, disposition,
 * at, who, note.
 */
#define SIMS_DISPOSITION_VIEW	"sim_disposition_now"
#define SIMS_KEY_MAX		96	/* bytes of a SIM key, with the NUL */
#define SIMS_NOTE_MAX		500	/* bytes of a disposition's note, with the NUL */
#define SIMS_AT_MIN		946684800 /* 2000-01-01: a disposition's time at least */
#define SIMS_AT_SLACK		300	/* and at most so many seconds ahead of now */

struct sims_filter {
	const char	*carrier;	/* MCC+MNC: that operator's SIMs; NULL: all */
	bool		 cutting;	/* only SIMs of confirmed or urgent leads */
	const char	*key;		/* that SIM only; NULL: all */
	int64_t		 lead;		/* that lead's SIMs only; 0: all */
	int64_t		 after_lead;	/* paging: after (after_lead, after_sim) */
	const char	*after_sim;
	int64_t		 limit;		/* 0: no limit */
};

/*
 * The carrier's view: what a carrier user may see of SIMs. A carrier sees
 * only its own (cutting, carrier = its MCC+MNC) and no lead status.
 */
struct sims_view {
	struct sims_filter f;
	bool		 carrier;	/* leave out what carriers may not see */
};

/* Disposition names; NULL past the last. */
const char *sims_disposition_name(int i);
bool	sims_disposition_is_valid(const char *);

/* The listings: terminal, a JSON array's elements, CSV with BOM and header. */
int	sims_print(struct storage *, const struct sims_view *, FILE *);
/* n: rows written; the last row's lead and key go to *last_lead, last_sim. */
int	sims_json(struct storage *, const struct sims_view *, FILE *, int64_t *n,
	    int64_t *last_lead, char *last_sim);
int	sims_csv(struct storage *, const struct sims_view *, FILE *, int64_t *n);

struct sims_disposition {
	const char	*disposition;	/* sims_disposition_is_valid */
	int64_t		 at;		/* when it happened */
	const char	*who;
	const char	*note;		/* NULL: none */
	int64_t		 now;		/* when it is recorded */
};

/*
 * Records d for each of the n keys in one transaction when the filter selects
 * every one of them; else records nothing and sets *missing to the index of
 * the first it does not select (-1 on a storage error).
 */
int	sims_dispose(struct storage *, const struct sims_filter *, const char *const *keys,
	    int n, const struct sims_disposition *, int *missing);
/*
 * Dispositions of the SIMs the filter selects, newest entry first, ids below
 * before (0: from the newest), at most limit: id, sim_key, disposition, at,
 * who, note, recorded.
 */
int	sims_history(struct storage *, const struct sims_filter *, int64_t before,
	    int64_t limit, db_row_fn, void *);
/* The same for a terminal. */
int	sims_history_print(struct storage *, const struct sims_filter *, FILE *);

#endif
