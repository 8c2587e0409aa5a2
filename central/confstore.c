/* SPDX-License-Identifier: BSD-2-Clause */
/* Config versions in storage: signed blobs as hex, pushes and acks per appliance. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "hex.h"
#include "conf.h"
#include "confstore.h"
#include "out.h"
#include "storage.h"
#include "tls-pki.h"
#include "writer.h"

static char *
hex_new(const uint8_t *p, size_t n)
{
	char *s = malloc(2 * n + 1);

	if (s != NULL)
		hex_encode(p, n, s);
	return s;
}

static uint8_t *
bytes_new(const char *s, size_t *n)
{
	size_t len = strlen(s);
	uint8_t *p = malloc(len / 2 + 1);
	long got;

	if (p == NULL || (got = hex_decode(s, len, p, len / 2)) < 0) {
		free(p);
		return NULL;
	}
	*n = (size_t)got;
	return p;
}

/* Rows (grp, version, blob_hex) onto a list. */
static int
push_row(void *arg, const struct db_row *r)
{
	struct pushcfg **head = arg, *pc;

	if ((pc = calloc(1, sizeof(*pc))) == NULL)
		return -1;
	snprintf(pc->grp, sizeof(pc->grp), "%s", row_str(r, 0));
	pc->version = (uint64_t)row_int(r, 1);
	if ((pc->blob = bytes_new(row_str(r, 2), &pc->len)) == NULL) {
		free(pc);
		return -1;
	}
	pc->next = *head;
	*head = pc;
	return 0;
}

int
confstore_latest(struct storage *st, const char *grp, uint64_t above,
    struct pushcfg **out)
{
	*out = NULL;
	return db_query(st, "SELECT grp, version, blob_hex FROM configs WHERE grp = $1"
	    " AND version > $2 ORDER BY version DESC LIMIT 1",
	    (struct db_arg[]){ DB_S(grp), DB_I(above) }, 2, push_row, out);
}

int
confstore_all_latest(struct storage *st, struct pushcfg **out)
{
	*out = NULL;
	return db_query(st, "SELECT c.grp, c.version, c.blob_hex FROM configs c"
	    " WHERE c.version = (SELECT MAX(c2.version) FROM configs c2"
	    " WHERE c2.grp = c.grp)", NULL, 0, push_row, out);
}

int
confstore_pushed(struct storage *st, const char *appliance, uint64_t version,
    int64_t now)
{
	return db_exec(st, "INSERT INTO config_acks (appliance, version, pushed_at)"
	    " VALUES ($1, $2, $3) ON CONFLICT (appliance, version) DO UPDATE SET"
	    " pushed_at = excluded.pushed_at", (struct db_arg[]){ DB_S(appliance),
	    DB_I(version), DB_I(now) }, 3);
}

static int
prev_row(void *arg, const struct db_row *r)
{
	char **body = arg;

	free(*body);
	return (*body = strdup(row_str(r, 0))) == NULL ? -1 : 0;
}

/*
 * The appliance's own parser, before anything is signed: a config it would
 * refuse, one that names no key (an empty file would bring back every default,
 * pseudonymisation off), or one that leaves out keys the group's previous
 * config named (unless its first line allows it) is not signed.
 */
static int
config_valid(struct storage *st, const char *grp, const char *body, size_t len,
    char *err, size_t errlen)
{
	struct conf *c, *prev = NULL;
	char *old = NULL, dropped[256], why[256];
	size_t n;
	int rc = -1;

	if ((c = conf_parse(body, len, "config", err, errlen)) == NULL)
		return -1;
	if (conf_keys_named(c) == 0)
		snprintf(err, errlen, "config: names no key (an empty config would "
		    "bring back every default)");
	else if (conf_key_is_set(c, "version"))
		snprintf(err, errlen, "config: has a version line; central numbers "
		    "the versions");
	else if (db_query(st, "SELECT body FROM configs WHERE grp = $1 ORDER BY"
	    " version DESC LIMIT 1", (struct db_arg[]){ DB_S(grp) }, 1, prev_row,
	    &old) == -1)
		snprintf(err, errlen, "%s", st->err);
	else if (old != NULL && (prev = conf_parse(old, strlen(old), "previous",
	    why, sizeof(why))) == NULL)
		rc = 0;	/* stored before the parser refused it: only a fix can follow */
	else if (prev != NULL && !c->drop_keys_allowed &&
	    (n = conf_dropped_keys(prev, c, dropped, sizeof(dropped))) > 0)
		snprintf(err, errlen, "config: leaves out %zu key%s the group's "
		    "previous config sets: %s (a first line '" CONF_DROP_KEYS_ALLOWED
		    "' allows it)", n, n == 1 ? "" : "s", dropped);
	else
		rc = 0;
	conf_free(prev);
	conf_free(c);
	free(old);
	return rc;
}

int
confstore_set(struct storage *st, const char *grp, const char *body, size_t len,
    const char *keypath, const char *who, uint64_t *version, char *err, size_t errlen)
{
	uint8_t *blob = NULL;
	char *hex = NULL, *text;
	size_t blen;
	int rc = -1;

	if (config_valid(st, grp, body, len, err, errlen) == -1)
		return -1;
	if ((text = strndup(body, len)) == NULL || db_begin(st) == -1)
		goto out;
	if (db_next_version(st, "SELECT MAX(version) FROM configs", version) == -1 ||
	    pki_sign_config(keypath, *version, (const uint8_t *)body, len, &blob, &blen,
	    err, errlen) == -1 || (hex = hex_new(blob, blen)) == NULL ||
	    db_exec(st, "INSERT INTO configs (version, grp, body, blob_hex, created,"
	    " created_by) VALUES ($1, $2, $3, $4, $5, $6)",
	    (struct db_arg[]){ DB_I(*version), DB_S(grp), DB_S(text), DB_S(hex),
	    DB_I(time(NULL)), DB_S(who) }, 6) == -1 || db_commit(st) == -1) {
		db_rollback(st);
		goto out;
	}
	rc = 0;
out:
	if (rc == -1 && err[0] == '\0')
		snprintf(err, errlen, "%s", st->err);
	free(text);
	free(hex);
	free(blob);
	return rc;
}

const char *
confstore_ack_state(bool pushed, bool answered, int64_t status)
{
	static const char *const names[] = { "applied", "bad_signature", "stale",
	    "invalid", "store_failed" };

	if (!answered)
		return pushed ? "pushed, no answer" : "not pushed";
	return status >= 0 && status < 5 ? names[status] : "?";
}

static int
status_row(void *arg, const struct db_row *r)
{
	FILE *out = arg;
	struct out_tty e;

	fprintf(out, "%-20s %-10s %12s %12s  %s%s%s\n", out_tty(&e, r->v[0]),
	    out_tty(&e, r->v[1]), row_str(r, 2), r->v[3] ? row_str(r, 3) : "-",
	    confstore_ack_state(r->v[3] != NULL, r->v[4] != NULL, row_int(r, 4)),
	    r->v[5] && *r->v[5] ? ": " : "", out_tty(&e, r->v[5]));
	return 0;
}

int
confstore_status(struct storage *st, FILE *out)
{
	fprintf(out, "%-20s %-10s %12s %12s  %s\n", "APPLIANCE", "GROUP", "RUNNING",
	    "LATEST", "STATUS");
	return db_query(st, "SELECT a.id, a.grp, a.config_version, k.version, k.status,"
	    " k.message FROM appliances a LEFT JOIN config_acks k ON k.appliance = a.id"
	    " AND k.version = (SELECT MAX(version) FROM config_acks k2"
	    " WHERE k2.appliance = a.id) ORDER BY a.id", NULL, 0, status_row, out);
}

int
confstore_groups(struct storage *st, db_row_fn fn, void *arg)
{
	return db_query(st, "SELECT c.grp, c.version, c.created, c.created_by FROM configs c"
	    " WHERE c.version = (SELECT MAX(version) FROM configs c2 WHERE c2.grp = c.grp)"
	    " ORDER BY c.grp", NULL, 0, fn, arg);
}

int
confstore_acks(struct storage *st, const char *grp, int64_t version, db_row_fn fn,
    void *arg)
{
	return db_query(st, "SELECT a.id, a.config_version, k.version, k.status, k.message,"
	    " k.pushed_at, k.acked_at FROM appliances a LEFT JOIN config_acks k"
	    " ON k.appliance = a.id AND k.version = $2 WHERE a.grp = $1 ORDER BY a.id",
	    (struct db_arg[]){ DB_S(grp), DB_I(version) }, 2, fn, arg);
}

int
confstore_get(struct storage *st, const char *grp, db_row_fn fn, void *arg)
{
	return db_query(st, "SELECT version, created, created_by, body FROM configs"
	    " WHERE grp = $1 ORDER BY version DESC LIMIT 1", (struct db_arg[]){ DB_S(grp) },
	    1, fn, arg);
}
