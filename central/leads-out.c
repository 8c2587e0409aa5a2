/* SPDX-License-Identifier: BSD-2-Clause */
/* The lead listing for a terminal, as JSON lines and as CSV, from the column table. */
#include <inttypes.h>
#include <stdio.h>

#include "leads.h"
#include "out.h"

struct out_ctx {
	FILE	*out;
	int	 n;
};

/* "100.64.0.1 vlan 10 pppoe 7" */
static const char *
line_of(const struct lead_row *r, char *buf, size_t len)
{
	struct out_tty e;
	int n = snprintf(buf, len, "%s", out_tty(&e, r->v[LEAD_IP].s));

	if (!r->v[LEAD_VLAN].null && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, " vlan %" PRId64, r->v[LEAD_VLAN].i);
	if (!r->v[LEAD_PPPOE].null && (size_t)n < len)
		snprintf(buf + n, len - (size_t)n, " pppoe %" PRId64, r->v[LEAD_PPPOE].i);
	return buf;
}

/* A value as the terminal shows it: escaped, "-" when absent. */
static const char *
tty_val(const struct lead_row *r, enum lead_col c, struct out_tty *e, char *buf,
    size_t len)
{
	const struct lead_val *v = &r->v[c];

	if (lead_col(c)->type == LEAD_T_LINE)
		return line_of(r, buf, len);
	if (v->null)
		return "-";
	switch (lead_col(c)->type) {
	case LEAD_T_TEXT:
		return out_tty(e, v->s);
	case LEAD_T_TIME:
		return out_time(v->i, buf, len);
	case LEAD_T_SPAN:
		return v->i < 0 ? "OVERDUE" : out_span(v->i, buf, len);
	case LEAD_T_BOOL:
		return v->i ? "yes" : "no";
	default:
		snprintf(buf, len, "%" PRId64, v->i);
		return buf;
	}
}

static void
tty_cell(FILE *o, enum lead_col c, bool first, const char *s)
{
	fprintf(o, "%s%*s", first ? "" : " ", lead_col(c)->width, s);
}

static int
tty_row(void *arg, const struct lead_row *r)
{
	struct out_ctx *x = arg;
	char buf[OUT_TTY_LEN + 48];
	struct out_tty e;
	bool first = true;

	for (int c = 0; c < LEAD_NCOLS; c++) {
		if (lead_col(c)->head == NULL)
			continue;
		tty_cell(x->out, c, first, tty_val(r, c, &e, buf, sizeof(buf)));
		first = false;
	}
	fputc('\n', x->out);
	x->n++;
	return 0;
}

int
leads_list(struct storage *st, const struct leads_filter *f, FILE *out)
{
	struct out_ctx x = { out, 0 };
	bool first = true;

	for (int c = 0; c < LEAD_NCOLS; c++) {
		if (lead_col(c)->head == NULL)
			continue;
		tty_cell(out, c, first, lead_col(c)->head);
		first = false;
	}
	fputc('\n', out);
	if (leads_query(st, f, tty_row, &x) == -1)
		return -1;
	fprintf(out, "%d lead%s\n", x.n, x.n == 1 ? "" : "s");
	return 0;
}

static void
json_val(FILE *o, const struct lead_val *v, enum lead_type t)
{
	char b[32];

	if (v->null || (t == LEAD_T_TIME && v->i <= 0))
		fputs("null", o);
	else if (t == LEAD_T_TEXT)
		out_json_str(o, v->s);
	else if (t == LEAD_T_TIME)
		out_json_str(o, out_time_iso(v->i, b, sizeof(b)));
	else if (t == LEAD_T_BOOL)
		fputs(v->i ? "true" : "false", o);
	else
		fprintf(o, "%" PRId64, v->i);
}

static void
json_obj(FILE *o, const struct lead_row *r)
{
	const char *sep = "{";

	for (int c = 0; c < LEAD_NCOLS; c++) {
		if (lead_col(c)->key == NULL)
			continue;
		fprintf(o, "%s\"%s\":", sep, lead_col(c)->key);
		json_val(o, &r->v[c], lead_col(c)->type);
		sep = ",";
	}
	fputc('}', o);
}

static int
json_row(void *arg, const struct lead_row *r)
{
	struct out_ctx *x = arg;

	json_obj(x->out, r);
	fputc('\n', x->out);
	return 0;
}

static int
json_elem(void *arg, const struct lead_row *r)
{
	struct out_ctx *x = arg;

	if (x->n++ > 0)
		fputc(',', x->out);
	json_obj(x->out, r);
	return 0;
}

int
leads_json(struct storage *st, const struct leads_filter *f, FILE *out)
{
	struct out_ctx x = { out, 0 };

	return leads_query(st, f, json_row, &x);
}

int
leads_json_array(struct storage *st, const struct leads_filter *f, FILE *out,
    struct leads_page *pg)
{
	struct out_ctx x = { out, 0 };
	int rc;

	fputc('[', out);
	rc = leads_page(st, f, json_elem, &x, pg);
	fputc(']', out);
	return rc;
}

/* Numbers and times central writes itself are not neutralised (docs/central.md). */
static void
csv_val(FILE *o, const struct lead_val *v, enum lead_type t)
{
	char b[32];

	if (v->null)
		return;
	if (t == LEAD_T_TEXT)
		out_csv_str(o, v->s);
	else if (t == LEAD_T_TIME)
		fputs(out_time_iso(v->i, b, sizeof(b)), o);
	else if (t == LEAD_T_BOOL)
		fputs(v->i ? "true" : "false", o);
	else
		fprintf(o, "%" PRId64, v->i);
}

static int
csv_row(void *arg, const struct lead_row *r)
{
	struct out_ctx *x = arg;
	const char *sep = "";

	for (int c = 0; c < LEAD_NCOLS; c++) {
		if (lead_col(c)->key == NULL)
			continue;
		fputs(sep, x->out);
		csv_val(x->out, &r->v[c], lead_col(c)->type);
		sep = ",";
	}
	fputc('\n', x->out);
	return 0;
}

int
leads_csv(struct storage *st, const struct leads_filter *f, FILE *out)
{
	struct out_ctx x = { out, 0 };
	const char *sep = "";

	out_csv_bom(out);
	for (int c = 0; c < LEAD_NCOLS; c++) {
		if (lead_col(c)->key == NULL)
			continue;
		fprintf(out, "%s%s", sep, lead_col(c)->key);
		sep = ",";
	}
	fputc('\n', out);
	return leads_query(st, f, csv_row, &x);
}
