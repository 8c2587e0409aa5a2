/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One lock order for the rows that several writers share (PostgreSQL:
 * storage_ops.lock_keys_sql). Two instances (or two writer threads) whose
 * batches hold reports on the same leads took those leads' rows in the order
 * of their reports, so they could take them in opposite orders and deadlock;
 * PostgreSQL then waits deadlock_timeout before it breaks the cycle and the
 * loser's batch is retried. Now a batch first takes one transaction-scoped
 * advisory lock per shared row it will write: each appliance's row, each
 * lead (by its key) and each SIM, in ascending order of a 64-bit hash of the
 * key. Every writer takes them in that one order, before any row, so two
 * batches that share a row queue on its lock instead of deadlocking; batches
 * that share nothing run side by side. A batch with more than
 * INGEST_LOCKS_MAX keys takes none (PostgreSQL's lock table is finite) and
 * is left to deadlock detection, as before.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"
#include "lead-sql.h"
#include "record.h"
#include "storage.h"

struct ingest_locks {
	uint64_t	*k;
	size_t		 n, cap;
	bool		 over;		/* more than INGEST_LOCKS_MAX keys: none taken */
	bool		 oom;
};

struct ingest_locks *
ingest_locks_new(void)
{
	return calloc(1, sizeof(struct ingest_locks));
}

void
ingest_locks_free(struct ingest_locks *l)
{
	if (l == NULL)
		return;
	free(l->k);
	free(l);
}

/* FNV-1a, 64 bits, over the kind byte and the key: the same on every instance. */
static uint64_t
lock_hash(char kind, const char *key)
{
	uint64_t h = 0xcbf29ce484222325ull;

	h = (h ^ (unsigned char)kind) * 0x100000001b3ull;
	for (const unsigned char *p = (const unsigned char *)key; *p != '\0'; p++)
		h = (h ^ *p) * 0x100000001b3ull;
	return h;
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The keys sorted, each once. */
static void
compact(struct ingest_locks *l)
{
	size_t n = 0;

	qsort(l->k, l->n, sizeof(*l->k), cmp_u64);
	for (size_t i = 0; i < l->n; i++)
		if (n == 0 || l->k[i] != l->k[n - 1])
			l->k[n++] = l->k[i];
	l->n = n;
}

static void
add(struct ingest_locks *l, char kind, const char *key)
{
	if (l->over || l->oom || key[0] == '\0')
		return;
	/* a batch repeats its leads and SIMs record after record: the set is
	 * compacted when full, and over the cap only with that many distinct */
	if (l->n == INGEST_LOCKS_MAX * 4) {
		compact(l);
		if (l->n > INGEST_LOCKS_MAX) {
			l->over = true;
			return;
		}
	}
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		uint64_t *k = realloc(l->k, cap * sizeof(*k));

		if (k == NULL) {
			l->oom = true;
			return;
		}
		l->k = k;
		l->cap = cap;
	}
	l->k[l->n++] = lock_hash(kind, key);
}

void
ingest_locks_appliance(struct ingest_locks *l, const char *appliance)
{
	add(l, 'a', appliance);
}

/* The leads and SIMs that ingest_records would write for these records. */
void
ingest_locks_records(struct ingest_locks *l, const struct ingest_rec *r, int n)
{
	struct detection d;
	const char *why;
	char key[256];

	for (int i = 0; i < n && !l->over && !l->oom; i++) {
		char *copy;
		const char *json;

		if (record_type_of(r[i].json, r[i].len) != REC_DETECTION)
			continue;
		/* the text ingest reads (bad bytes as U+FFFD), so the same keys */
		if ((json = record_text(r[i].json, r[i].len, &copy)) == NULL) {
			l->oom = true;
			return;
		}
		if (record_detection(json, strlen(json), &d, &why) == 0 && d.tier_rank > 0) {
			lead_key(&d, key, sizeof(key));
			add(l, 'l', key);
			if (d.account[0] != '\0') {	/* the line's lead it may take over */
				d.account[0] = '\0';
				lead_key(&d, key, sizeof(key));
				add(l, 'l', key);
			}
			for (int s = 0; s < d.nsims; s++)
				add(l, 's', lead_sim_key(&d.sims[s]));
		}
		free(copy);
	}
}

/*
 * Takes the locks (deferred: the statement goes out with the batch's next
 * one) and empties l. 0 also when none are taken.
 */
int
ingest_locks_take(struct storage *st, struct ingest_locks *l)
{
	size_t n, len = 0;
	char *arr;
	int rc = 0;

	if (st->ops->lock_keys_sql == NULL || l->over || l->oom || l->n == 0)
		goto out;
	compact(l);
	if ((n = l->n) > INGEST_LOCKS_MAX)
		goto out;
	/* {k,k,...}: signed, as bigint; at most 21 bytes a key */
	if ((arr = malloc(n * 21 + 3)) == NULL) {
		snprintf(st->err, sizeof(st->err), "out of memory");
		return -1;
	}
	arr[len++] = '{';
	for (size_t i = 0; i < n; i++)
		len += (size_t)sprintf(arr + len, "%s%lld", i ? "," : "",
		    (long long)(int64_t)l->k[i]);
	arr[len++] = '}';
	arr[len] = '\0';
	rc = db_defer(st, st->ops->lock_keys_sql, (struct db_arg[]){ DB_S(arr) }, 1);
	free(arr);
out:
	l->n = 0;
	l->over = l->oom = false;
	return rc;
}
