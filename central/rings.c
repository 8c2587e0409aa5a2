/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cross-site rings: two leads sharing a foreign peer (softswitch, SMS or
 * SIM-bank server), an IMSI or an IMEI are joined; a ring is a connected
 * component of two leads or more. The pairs come from SQL, the union-find is here.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "rings.h"
#include "storage.h"

int64_t
rings_find(struct rings *r, int64_t id)
{
	while (r->parent[id] != id) {
		r->parent[id] = r->parent[r->parent[id]];
		id = r->parent[id];
	}
	return id;
}

static int
pair_row(void *arg, const struct db_row *row)
{
	struct rings *r = arg;
	int64_t a = row_int(row, 0), b = row_int(row, 1);

	if (a < 1 || b < 1 || a > r->nleads || b > r->nleads)
		return 0;
	a = rings_find(r, a);
	b = rings_find(r, b);
	if (a == b)
		return 0;
	if (r->size[a] < r->size[b]) {
		int64_t t = a;

		a = b;
		b = t;
	}
	r->parent[b] = a;
	r->size[a] += r->size[b];
	return 0;
}

static int
lead_row(void *arg, const struct db_row *row)
{
	struct rings *r = arg;
	int64_t id = row_int(row, 0);

	if (id >= 1 && id <= r->nleads)
		r->first_seen[id] = row_int(row, 1);
	return 0;
}

int
rings_build(struct storage *st, struct rings *r)
{
	memset(r, 0, sizeof(*r));
	if (db_int(st, "SELECT MAX(id) FROM leads", NULL, 0, 0, &r->nleads) == -1)
		return -1;
	r->parent = calloc((size_t)r->nleads + 1, sizeof(int64_t));
	r->size = calloc((size_t)r->nleads + 1, sizeof(int64_t));
	r->first_seen = calloc((size_t)r->nleads + 1, sizeof(int64_t));
	if (r->parent == NULL || r->size == NULL || r->first_seen == NULL)
		return -1;
	for (int64_t i = 0; i <= r->nleads; i++) {
		r->parent[i] = i;
		r->size[i] = 1;
	}
	if (db_query(st, "SELECT id, first_seen FROM leads", NULL, 0, lead_row, r) == -1 ||
	    /* each lead joined to the first lead of every item it shares: the same
	     * components as all pairs, in O(n) rows rather than O(n^2) */
	    db_query(st, "SELECT i.lead_id, g.first FROM lead_infra i JOIN"
	    " (SELECT kind, value, MIN(lead_id) AS first FROM lead_infra GROUP BY kind,"
	    " value HAVING COUNT(*) > 1) g ON g.kind = i.kind AND g.value = i.value"
	    " WHERE i.lead_id <> g.first", NULL, 0, pair_row, r) == -1)
		return -1;
	for (int64_t i = 1; i <= r->nleads; i++)
		if (rings_find(r, i) == i && r->size[i] > 1)
			r->nrings++;
	return 0;
}

void
rings_fini(struct rings *r)
{
	free(r->parent);
	free(r->size);
	free(r->first_seen);
	memset(r, 0, sizeof(*r));
}

/* Ring roots with a lead the filter selects: marked in match[root]. */
struct match_ctx {
	struct rings			*r;
	const struct rings_filter	*f;
	char				*match;
};

static int
match_row(void *arg, const struct db_row *row)
{
	struct match_ctx *m = arg;
	int64_t id = row_int(row, 0);

	if (id < 1 || id > m->r->nleads)
		return 0;
	if ((m->f->tier == NULL || strcmp(row_str(row, 1), m->f->tier) == 0) &&
	    row_int(row, 2) >= m->f->since)
		m->match[rings_find(m->r, id)] = 1;
	return 0;
}

struct each_ctx {
	const struct rings_out	*o;
};

static int
member_row(void *arg, const struct db_row *row)
{
	struct each_ctx *p = arg;

	return p->o->lead(p->o->arg, row);
}

static int
shared_row(void *arg, const struct db_row *row)
{
	struct each_ctx *p = arg;

	return p->o->share(p->o->arg, row);
}

/*
 * One ring: its leads, then the items they share, each item once (under the
 * first lead that has it; every lead sharing it is in the same ring), as one
 * row per lead sharing it, in lead order: the first row is the first lead.
 */
static int
each_ring(struct storage *st, struct each_ctx *p, int n, const int64_t *ids, int64_t k)
{
	if (p->o->ring(p->o->arg, n, k) == -1)
		return -1;
	for (int64_t i = 0; i < k; i++)
		if (db_query(st, "SELECT id, tier, status, ip, account FROM leads"
		    " WHERE id = $1", (struct db_arg[]){ DB_I(ids[i]) }, 1, member_row,
		    p) == -1)
			return -1;
	for (int64_t i = 0; i < k; i++)
		if (db_query(st, "SELECT i.kind, i.value, (SELECT COUNT(*) FROM"
		    " lead_infra c WHERE c.kind = i.kind AND c.value = i.value),"
		    " (SELECT MAX(r.role) FROM lead_infra r WHERE r.kind = i.kind AND"
		    " r.value = i.value), m.lead_id, i.lead_id"
		    " FROM lead_infra i JOIN lead_infra m ON m.kind = i.kind AND"
		    " m.value = i.value WHERE i.lead_id = $1 AND NOT EXISTS (SELECT 1 FROM"
		    " lead_infra y WHERE y.kind = i.kind AND y.value = i.value AND"
		    " y.lead_id < $1) AND EXISTS (SELECT 1 FROM lead_infra z WHERE"
		    " z.kind = i.kind AND z.value = i.value AND z.lead_id > $1)"
		    " ORDER BY i.kind, i.value, m.lead_id",
		    (struct db_arg[]){ DB_I(ids[i]) }, 1, shared_row, p) == -1)
			return -1;
	return p->o->end(p->o->arg);
}

/* The members of the selected rings, ring by ring (by root), each ring by id. */
static int64_t *
ring_members(struct rings *r, const char *match, int64_t *start)
{
	int64_t *ids = calloc((size_t)r->nleads + 1, sizeof(int64_t)), n = 0;

	if (ids == NULL)
		return NULL;
	for (int64_t root = 1; root <= r->nleads; root++) {
		start[root] = n;
		if (rings_find(r, root) == root && r->size[root] > 1 && match[root])
			n += r->size[root];
	}
	start[0] = n;	/* the next free slot of each ring, filled below */
	for (int64_t i = 1; i <= r->nleads; i++) {
		int64_t root = rings_find(r, i);

		if (r->size[root] > 1 && match[root])
			ids[start[root]++] = i;
	}
	for (int64_t root = 1; root <= r->nleads; root++)
		if (rings_find(r, root) == root && r->size[root] > 1 && match[root])
			start[root] -= r->size[root];
	return ids;
}

int
rings_each(struct storage *st, const struct rings_filter *f, const struct rings_out *o)
{
	struct rings r;
	struct match_ctx m = { &r, f, NULL };
	struct each_ctx p = { o };
	int64_t *start = NULL, *ids = NULL;
	int n = 0, rc = -1;

	if (rings_build(st, &r) == -1 ||
	    (m.match = calloc((size_t)r.nleads + 1, 1)) == NULL ||
	    (start = calloc((size_t)r.nleads + 1, sizeof(int64_t))) == NULL ||
	    db_query(st, "SELECT id, tier, last_seen FROM leads", NULL, 0, match_row,
	    &m) == -1 || (ids = ring_members(&r, m.match, start)) == NULL)
		goto out;
	rc = 0;
	for (int64_t i = 1; i <= r.nleads && rc == 0; i++)
		if (rings_find(&r, i) == i && r.size[i] > 1 && m.match[i])
			rc = each_ring(st, &p, ++n, ids + start[i], r.size[i]);
out:
	free(ids);
	free(start);
	free(m.match);
	rings_fini(&r);
	return rc == -1 ? -1 : n;
}

/* A shared-item row (kind, value, count, role, lead, first lead) opens its item. */
static bool
row_is_first(const struct db_row *row)
{
	return row_int(row, 4) == row_int(row, 5);
}

struct print_ctx {
	FILE	*out;
	int	 shown;
};

static int
print_ring(void *arg, int n, int64_t size)
{
	struct print_ctx *p = arg;

	fprintf(p->out, "ring %d: %" PRId64 " leads\n", n, size);
	p->shown = 0;
	return 0;
}

static int
print_member(void *arg, const struct db_row *row)
{
	struct print_ctx *p = arg;
	struct out_tty e;

	fprintf(p->out, "  lead %-5s %-7s %-14s %s%s%s\n", row_str(row, 0),
	    out_tty(&e, row->v[1]), out_tty(&e, row->v[2]), out_tty(&e, row->v[3]),
	    row->v[4] ? "  account " : "", out_tty(&e, row->v[4]));
	return 0;
}

static int
print_shared(void *arg, const struct db_row *row)
{
	struct print_ctx *p = arg;
	struct out_tty e;

	if (!row_is_first(row))
		return 0;
	if (p->shown++ < 12)
		fprintf(p->out, "  shares %-5s %s (%s leads)\n", out_tty(&e, row->v[0]),
		    out_tty(&e, row->v[1]), row_str(row, 2));
	return 0;
}

static int
print_end(void *arg)
{
	(void)arg;
	return 0;
}

int
rings_print(struct storage *st, const struct rings_filter *f, FILE *out)
{
	struct print_ctx p = { out, 0 };
	struct rings_out o = { print_ring, print_member, print_shared, print_end, &p };
	int n = rings_each(st, f, &o);

	if (n == -1)
		return -1;
	fprintf(out, "%d ring%s\n", n, n == 1 ? "" : "s");
	return 0;
}

struct json_ctx {
	FILE	*out;
	int	 rings, leads, shares;
};

static int
json_ring(void *arg, int n, int64_t size)
{
	struct json_ctx *j = arg;

	fprintf(j->out, "%s{\"ring\":%d,\"size\":%" PRId64 ",\"leads\":[",
	    j->rings++ ? "," : "", n, size);
	j->leads = j->shares = 0;
	return 0;
}

static int
json_member(void *arg, const struct db_row *row)
{
	struct json_ctx *j = arg;

	fprintf(j->out, "%s{\"id\":%" PRId64, j->leads++ ? "," : "", row_int(row, 0));
	out_json_kv(j->out, "tier", row->v[1]);
	out_json_kv(j->out, "status", row->v[2]);
	out_json_kv(j->out, "ip", row->v[3]);
	out_json_kv(j->out, "account", row->v[4]);
	fputc('}', j->out);
	return 0;
}

static int
json_shared(void *arg, const struct db_row *row)
{
	struct json_ctx *j = arg;

	if (!row_is_first(row)) {
		fprintf(j->out, ",%" PRId64, row_int(row, 4));
		return 0;
	}
	if (j->shares)
		fputs("]}", j->out);
	fputs(j->shares++ ? "," : "],\"shared\":[", j->out);
	fputs("{\"kind\":", j->out);
	out_json_str(j->out, row_str(row, 0));
	out_json_kv(j->out, "value", row->v[1]);
	if (row->v[3] != NULL)
		out_json_kv(j->out, "role", row->v[3]);
	fprintf(j->out, ",\"leads\":%" PRId64 ",\"lead_ids\":[%" PRId64,
	    row_int(row, 2), row_int(row, 4));
	return 0;
}

static int
json_end(void *arg)
{
	struct json_ctx *j = arg;

	fputs(j->shares ? "]}]}" : "],\"shared\":[]}", j->out);
	return 0;
}

int
rings_json(struct storage *st, const struct rings_filter *f, FILE *out)
{
	struct json_ctx j = { out, 0, 0, 0 };
	struct rings_out o = { json_ring, json_member, json_shared, json_end, &j };
	int n;

	fputs("{\"rings\":[", out);
	n = rings_each(st, f, &o);
	fputs("]}\n", out);
	return n == -1 ? -1 : 0;
}
