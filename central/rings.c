/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Cross-site rings: two leads sharing a foreign peer (softswitch, SMS or
 * SIM-bank server), an IMSI or an IMEI are joined; a ring is a connected
 * component of two leads or more. The pairs come from SQL, the union-find is here.
 */
#include <inttypes.h>
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
	    db_query(st, "SELECT a.lead_id, b.lead_id FROM lead_infra a JOIN lead_infra b"
	    " ON a.kind = b.kind AND a.value = b.value AND a.lead_id < b.lead_id",
	    NULL, 0, pair_row, r) == -1)
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

struct print_ctx {
	FILE		*out;
	struct rings	*r;
	int64_t		 root;
	int		 shown;
};

static int
member_row(void *arg, const struct db_row *row)
{
	struct print_ctx *p = arg;
	int64_t id = row_int(row, 0);
	struct out_tty e;

	if (id < 1 || id > p->r->nleads || rings_find(p->r, id) != p->root)
		return 0;
	fprintf(p->out, "  lead %-5s %-7s %-14s %s%s%s\n", row_str(row, 0),
	    out_tty(&e, row->v[1]), out_tty(&e, row->v[2]), out_tty(&e, row->v[3]),
	    row->v[4] ? "  account " : "", out_tty(&e, row->v[4]));
	return 0;
}

/* Infrastructure that two or more of the ring's leads share. */
static int
shared_row(void *arg, const struct db_row *row)
{
	struct print_ctx *p = arg;
	int64_t id = row_int(row, 0);
	struct out_tty e;

	if (id < 1 || id > p->r->nleads || rings_find(p->r, id) != p->root)
		return 0;
	if (p->shown++ < 12)
		fprintf(p->out, "  shares %-5s %s (%s leads)\n", out_tty(&e, row->v[1]),
		    out_tty(&e, row->v[2]), row_str(row, 3));
	return 0;
}

static int
print_ring(struct storage *st, struct print_ctx *p, int n)
{
	fprintf(p->out, "ring %d: %" PRId64 " leads\n", n, p->r->size[p->root]);
	p->shown = 0;
	if (db_query(st, "SELECT id, tier, status, ip, account FROM leads ORDER BY id",
	    NULL, 0, member_row, p) == -1)
		return -1;
	return db_query(st, "SELECT MIN(lead_id), kind, value, COUNT(*) FROM lead_infra"
	    " GROUP BY kind, value HAVING COUNT(*) > 1 ORDER BY kind, value", NULL, 0,
	    shared_row, p);
}

int
rings_print(struct storage *st, FILE *out)
{
	struct rings r;
	struct print_ctx p = { out, &r, 0, 0 };
	int n = 0, rc = 0;

	if (rings_build(st, &r) == -1) {
		rings_fini(&r);
		return -1;
	}
	for (int64_t i = 1; i <= r.nleads && rc == 0; i++)
		if (rings_find(&r, i) == i && r.size[i] > 1) {
			p.root = i;
			rc = print_ring(st, &p, ++n);
		}
	fprintf(out, "%d ring%s\n", n, n == 1 ? "" : "s");
	rings_fini(&r);
	return rc;
}
