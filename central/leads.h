/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Leads for analysts: one column table drives the query (leads.c) and the
 * terminal, JSON and CSV forms of the listing (leads-out.c); one lead's detail
 * (lead-detail.c); the feedback workflow (lead-feedback.c).
 */
#ifndef GWC_LEADS_H
#define GWC_LEADS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct storage;

#define LEADS_STATUS_MAX	5	/* the workflow's statuses */
#define LEADS_LIMIT_MAX		500	/* rows of one API page */

/* Where a page ends in the queue's order: the sort key and the id. */
struct leads_cursor {
	int64_t		 rank, deadline, id;
};

/* Every field left zero selects all; the fields set must all match. */
struct leads_filter {
	const char	*tier;		/* NULL: all */
	bool		 overdue;	/* no feedback and past the deadline */
	int64_t		 now;
	int64_t		 id;		/* 0: all; else that lead only */
	const char	*status[LEADS_STATUS_MAX]; /* any of these (lead_status_name) */
	const char	*site;		/* appliances.site of any of its appliances */
	const char	*assignee;
	const char	*q;		/* prefix of the ip, account or device id */
	int		 limit;		/* 0: every row */
	bool		 has_after;	/* only the leads after this cursor */
	struct leads_cursor after;
};

/* What leads_page learnt beyond the rows: is there more, and from where. */
struct leads_page {
	bool		 more;
	struct leads_cursor next;	/* the last row given, when more */
};

/* The columns of a lead row, in output order (the table is in leads.c). */
enum lead_col {
	LEAD_ID, LEAD_TIER, LEAD_STATUS, LEAD_IP, LEAD_VLAN, LEAD_PPPOE, LEAD_LINE,
	LEAD_ACCOUNT, LEAD_DEADLINE, LEAD_LEFT, LEAD_FIRST_SEEN, LEAD_LAST_SEEN,
	LEAD_DETECTIONS, LEAD_SCORE, LEAD_VERDICT, LEAD_DEVICE_ID, LEAD_APPLIANCES,
	LEAD_SIMS, LEAD_FEEDBACK_AT, LEAD_STATUS_BY, LEAD_STATUS_AT, LEAD_RAISED_AT,
	LEAD_SITE, LEAD_OVERDUE, LEAD_TIER_RANK, LEAD_NCOLS
};

enum lead_type {
	LEAD_T_INT,	/* i */
	LEAD_T_TEXT,	/* s, untrusted */
	LEAD_T_TIME,	/* i, epoch seconds; 0 absent */
	LEAD_T_BOOL,	/* i, 0 or 1 */
	LEAD_T_SPAN,	/* i, seconds; negative: past */
	LEAD_T_LINE,	/* terminal only: ip, vlan and pppoe of the same row */
};

struct lead_col_def {
	const char	*key;		/* JSON key and CSV header; NULL: terminal only */
	const char	*sql;		/* NULL: derived by leads_query */
	enum lead_type	 type;
	const char	*head;		/* terminal heading; NULL: not in the listing */
	int		 width;		/* terminal width; negative: left-aligned */
};

struct lead_val {
	bool		 null;
	int64_t		 i;
	const char	*s;		/* valid during the row callback only */
};

struct lead_row {
	struct lead_val	 v[LEAD_NCOLS];
};

typedef int (*lead_row_fn)(void *arg, const struct lead_row *);

const struct lead_col_def *lead_col(enum lead_col);
/*
 * Each lead the filter selects, most urgent first (tier, then deadline, then
 * id); fn's -1 stops with -1.
 */
int	leads_query(struct storage *, const struct leads_filter *, lead_row_fn,
	    void *arg);
/* The same, at most f->limit rows; pg says whether more follow, and from where. */
int	leads_page(struct storage *, const struct leads_filter *, lead_row_fn,
	    void *arg, struct leads_page *pg);
/* "a,b": the statuses into f->status, canonical, any case; -1 naming a bad one. */
int	leads_filter_status(struct leads_filter *, const char *list, char *err,
	    size_t errlen);
/* The opaque cursor of the API ("3.1764680000.42") and back; -1 when ill-formed. */
int	leads_cursor_parse(const char *, struct leads_cursor *);
void	leads_cursor_fmt(const struct leads_cursor *, char *buf, size_t len);

/* Formatters over leads_query (docs/central.md, Output). */
int	leads_list(struct storage *, const struct leads_filter *, FILE *);
/* One JSON object per line. */
int	leads_json(struct storage *, const struct leads_filter *, FILE *);
/* The same objects as one JSON array (the console API); pg as leads_page. */
int	leads_json_array(struct storage *, const struct leads_filter *, FILE *,
	    struct leads_page *pg);
/* The same fields as CSV, with a byte-order mark and a header line. */
int	leads_csv(struct storage *, const struct leads_filter *, FILE *);

int	lead_show(struct storage *, int64_t id, int64_t now, FILE *);
/* Moves a lead along new -> acknowledged -> confirmed|false_positive|dismantled. */
int	lead_feedback(struct storage *, int64_t id, const char *status, const char *who,
	    const char *note, int64_t now, char *err, size_t errlen);
bool	lead_status_is_valid(const char *);
/* The i-th workflow status, NULL past the last. */
const char *lead_status_name(int i);

/*
 * One lead for the console API and the CLI (lead-detail.c, lead-feedback.c):
 * the same queries feed the terminal form (lead_show) and the JSON object.
 */
#define LEAD_DETECTIONS_MAX	200	/* detections shown, newest first */
#define LEAD_NOTE_MAX		2000	/* bytes of a note, UTF-8 */

/* What a state change came to; the API maps each to a status code. */
enum lead_result {
	LEAD_OK,
	LEAD_NO_LEAD,		/* 404 */
	LEAD_REFUSED,		/* 409: the workflow does not allow the move */
	LEAD_CONFLICT,		/* 409: changed concurrently */
	LEAD_BAD_USER,		/* 400: no such user, disabled, or not a lead role */
	LEAD_ERROR,		/* 500: storage */
};

/* {"lead":{...},"assignee":..,"appliances":[..],...}; LEAD_NO_LEAD or LEAD_ERROR. */
enum lead_result lead_detail_json(struct storage *, int64_t id, int64_t now, FILE *);
/* {"lead":{...},"assignee":..,"assigned_at":..}: the head after a change. */
enum lead_result lead_head_json(struct storage *, int64_t id, int64_t now, FILE *);
/* lead_feedback with its outcome; err says why in words. */
enum lead_result lead_move(struct storage *, int64_t id, const char *status,
	    const char *who, const char *note, int64_t now, char *err, size_t errlen);
/* Assigns a lead to an enabled analyst, supervisor or admin; a lead_events row. */
enum lead_result lead_assign(struct storage *, int64_t id, const char *user,
	    const char *who, const char *note, int64_t now, char *err, size_t errlen);

#endif
