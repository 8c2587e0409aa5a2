/* SPDX-License-Identifier: BSD-2-Clause */
/* Evidence chunks into files, verified and content-addressed (evstore.h). */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hex.h"
#include "audit.h"
#include "evstore.h"
#include "sign.h"
#include "storage.h"

struct ev {
	const struct evstore_chunk *in;
	struct storage	*st;
	char		 hex[65], target[80], part[PATH_MAX], path[PATH_MAX];
};

void
evstore_path(const char *dir, const char *hex, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%.2s/%s.pcapng", dir, hex, hex);
}

static int
custody(struct ev *e, const char *action, const char *result)
{
	return audit_add(e->st, e->in->appliance, NULL, action, e->target, result);
}

/* The chunk's record in the appliance's numbering: 0 new, 1 stale, 2 duplicate. */
static int
claim_seq(struct ev *e)
{
	const struct evstore_chunk *c = e->in;
	const struct frame_evidence *v = c->ev;
	char body[512];
	int64_t changes = 0;

	if (e->st->ops->exec(e->st, "UPDATE appliances SET high_seq = CASE WHEN"
	    " high_seq < $2 THEN $2 ELSE high_seq END, last_seen = $3 WHERE id = $1"
	    " AND spool_epoch = $4 AND seq_base = $5", (struct db_arg[]){
	    DB_S(c->appliance), DB_I(c->spool.base + v->seq), DB_I(c->now),
	    DB_I(c->spool.epoch), DB_I(c->spool.base) }, 5, NULL, NULL, &changes) == -1)
		return -1;
	if (changes == 0)
		return 1;
	snprintf(body, sizeof(body), "{\"type\":\"evidence_chunk\",\"sha256\":\"%s\","
	    "\"file\":\"%.*s\",\"size\":%" PRIu32 ",\"offset\":%" PRIu32
	    ",\"len\":%" PRIu32 "}", e->hex, (int)(v->name.len < 255 ? v->name.len : 255),
	    v->name.p, v->size, v->offset, v->data_len);
	if (e->st->ops->exec(e->st, "INSERT INTO records (appliance, seq, type, received,"
	    " body) VALUES ($1, $2, 'evidence', $3, $4) ON CONFLICT DO NOTHING",
	    (struct db_arg[]){ DB_S(c->appliance), DB_I(c->spool.base + v->seq),
	    DB_I(c->now), DB_S(body) }, 4, NULL, NULL, &changes) == -1)
		return -1;
	return changes == 0 ? 2 : 0;
}

static int
disk_err(struct ev *e, const char *what, const char *path)
{
	snprintf(e->st->err, sizeof(e->st->err), "evidence: %s %.120s: %s", what, path,
	    strerror(errno));
	return -1;
}

static int
mkdir_p1(const char *path)
{
	return mkdir(path, 0750) == -1 && errno != EEXIST ? -1 : 0;
}

/* The chunk's bytes at their offset in the part file, on disk before the commit. */
static int
write_part(struct ev *e)
{
	const struct frame_evidence *v = e->in->ev;
	char dir[PATH_MAX];
	ssize_t n;
	int fd;

	/* the verified file is in place already: a completion whose commit did
	 * not happen (central killed); its bytes are there, a new part file
	 * would only hold this chunk */
	if (access(e->path, F_OK) == 0)
		return 0;
	snprintf(dir, sizeof(dir), "%s/parts", e->in->dir);
	if (mkdir_p1(e->in->dir) == -1 || mkdir_p1(dir) == -1)
		return disk_err(e, "mkdir", dir);
	if ((fd = open(e->part, O_WRONLY | O_CREAT | O_CLOEXEC, 0640)) == -1)
		return disk_err(e, "open", e->part);
	n = v->data_len ? pwrite(fd, v->data, v->data_len, v->offset) : 0;
	if (n != (ssize_t)v->data_len || fdatasync(fd) == -1) {
		close(fd);
		return disk_err(e, "write", e->part);
	}
	close(fd);
	return 0;
}

/* The parts of this file are gone: rows and part file. */
static int
drop_parts(struct ev *e)
{
	(void)unlink(e->part);
	return db_exec(e->st, "DELETE FROM evidence_parts WHERE appliance = $1"
	    " AND sha256 = $2", (struct db_arg[]){ DB_S(e->in->appliance),
	    DB_S(e->hex) }, 2);
}

static int
refuse(struct ev *e, struct evstore_counts *n, const char *why)
{
	fprintf(stderr, "goipwatch-central: %s: evidence %s refused: %s\n",
	    e->in->appliance, e->hex, why);
	n->refused++;
	if (custody(e, "evidence.refused", why) == -1)
		return -1;
	return drop_parts(e);
}

/* All bytes are in (the part file, or the final file of an earlier try). */
static uint8_t *
read_whole(struct ev *e, const char **from)
{
	size_t size = e->in->ev->size;
	uint8_t *buf = malloc(size ? size : 1);
	ssize_t got = -1;
	int fd;

	*from = e->part;
	if ((fd = open(e->part, O_RDONLY | O_CLOEXEC)) == -1 && errno == ENOENT) {
		*from = e->path;
		fd = open(e->path, O_RDONLY | O_CLOEXEC);
	}
	if (buf != NULL && fd != -1)
		got = pread(fd, buf, size, 0);
	if (fd != -1)
		close(fd);
	if (got != (ssize_t)size) {
		free(buf);
		return NULL;
	}
	return buf;
}

static int
place(struct ev *e, const char *from)
{
	char dir[PATH_MAX];
	int fd;

	snprintf(dir, sizeof(dir), "%s/%.2s", e->in->dir, e->hex);
	if (mkdir_p1(dir) == -1)
		return disk_err(e, "mkdir", dir);
	if (from != e->path && rename(from, e->path) == -1)
		return disk_err(e, "rename", e->path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	return 0;
}

/* Verifies the whole file and keeps it under its sha256, or refuses it. */
static int
finish(struct ev *e, struct evstore_counts *n)
{
	const struct evstore_chunk *c = e->in;
	const struct frame_evidence *v = c->ev;
	char err[256], sighex[2 * FRAME_MAX_SIG + 1], *certhex, res[128];
	char name[FRAME_EV_MAX_NAME + 1];
	const char *from;
	uint8_t sha[32], *buf;
	int rc;

	if ((buf = read_whole(e, &from)) == NULL)
		return disk_err(e, "read", e->part);
	rc = sign_verify_buf(c->cert, c->certlen, buf, v->size, v->sig, v->sig_len,
	    sha, err, sizeof(err));
	free(buf);
	if (rc == 0 && memcmp(sha, v->sha256, 32) != 0) {
		snprintf(err, sizeof(err), "its bytes do not hash to the sha256 sent");
		rc = -1;
	}
	if (rc == -1)
		return refuse(e, n, err);
	if (place(e, from) == -1 || (certhex = malloc(2 * c->certlen + 1)) == NULL)
		return -1;
	snprintf(name, sizeof(name), "%.*s", (int)v->name.len, v->name.p);
	hex_encode(v->sig, v->sig_len, sighex);
	hex_encode(c->cert, c->certlen, certhex);
	rc = db_exec(e->st, "INSERT INTO evidence (sha256, appliance, name, size, sig,"
	    " cert, received, verified) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)"
	    " ON CONFLICT DO NOTHING", (struct db_arg[]){ DB_S(e->hex),
	    DB_S(c->appliance), DB_S(name), DB_I(v->size),
	    DB_S(sighex), DB_S(certhex), DB_I(c->now) }, 7);
	free(certhex);
	n->files++;
	snprintf(res, sizeof(res), "good signature of %s, %" PRIu32 " bytes",
	    c->appliance, v->size);
	if (rc == -1 || custody(e, "evidence.verified", res) == -1)
		return -1;
	return db_exec(e->st, "DELETE FROM evidence_parts WHERE appliance = $1"
	    " AND sha256 = $2", (struct db_arg[]){ DB_S(c->appliance), DB_S(e->hex) }, 2);
}

static void
safe_name(const char *in, char *out, size_t len)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < len; i++)
		out[i] = (in[i] >= 'a' && in[i] <= 'z') || (in[i] >= 'A' &&
		    in[i] <= 'Z') || (in[i] >= '0' && in[i] <= '9') || in[i] == '-' ||
		    in[i] == '.' ? in[i] : '_';
	out[i] = '\0';
}

/* Bytes of this file held so far; -1 on error. */
static int64_t
held(struct ev *e)
{
	int64_t sum = -1;

	if (db_int(e->st, "SELECT COALESCE(SUM(len), 0) FROM evidence_parts"
	    " WHERE appliance = $1 AND sha256 = $2", (struct db_arg[]){
	    DB_S(e->in->appliance), DB_S(e->hex) }, 2, 0, &sum) == -1)
		return -1;
	return sum;
}

static int
known(struct ev *e)
{
	int64_t n = 0;

	return db_int(e->st, "SELECT COUNT(*) FROM evidence WHERE sha256 = $1",
	    (struct db_arg[]){ DB_S(e->hex) }, 1, 0, &n) == -1 ? -1 : n > 0;
}

int
evstore_chunk(struct storage *st, const struct evstore_chunk *c,
    struct evstore_counts *n)
{
	const struct frame_evidence *v = c->ev;
	struct ev e = { .in = c, .st = st };
	char app[64], res[128];
	int64_t changes = 0, sum;
	int rc;

	hex_encode(v->sha256, 32, e.hex);
	snprintf(e.target, sizeof(e.target), "evidence:%s", e.hex);
	safe_name(c->appliance, app, sizeof(app));
	snprintf(e.part, sizeof(e.part), "%s/parts/%s.%s.part", c->dir, e.hex, app);
	evstore_path(c->dir, e.hex, e.path, sizeof(e.path));
	if ((rc = claim_seq(&e)) != 0)
		return rc == 2 ? (n->duplicates++, 0) : rc;
	n->chunks++;
	if ((rc = known(&e)) != 0)	/* the same file again: held already */
		return rc == 1 ? 0 : -1;
	if (v->size > c->max) {
		if (v->offset != 0)
			return 0;
		snprintf(res, sizeof(res), "%" PRIu32 " bytes, above evidence_max",
		    v->size);
		return refuse(&e, n, res);
	}
	if (write_part(&e) == -1 || st->ops->exec(st, "INSERT INTO evidence_parts"
	    " (appliance, sha256, off, len, received) VALUES ($1, $2, $3, $4, $5)"
	    " ON CONFLICT DO NOTHING", (struct db_arg[]){ DB_S(c->appliance),
	    DB_S(e.hex), DB_I(v->offset), DB_I(v->data_len), DB_I(c->now) }, 5,
	    NULL, NULL, &changes) == -1)
		return -1;
	if (changes > 0 && v->offset == 0) {
		snprintf(res, sizeof(res), "first chunk of %.*s, %" PRIu32 " bytes",
		    (int)(v->name.len < 80 ? v->name.len : 80), v->name.p, v->size);
		if (custody(&e, "evidence.received", res) == -1)
			return -1;
	}
	if ((sum = held(&e)) == -1)
		return -1;
	return sum == (int64_t)v->size ? finish(&e, n) : 0;
}

/* --- retention ------------------------------------------------------------ */

#define EXPIRE_BATCH	256

struct expiring {
	char	 sha[EXPIRE_BATCH][65];
	size_t	 n;
};

static int
expiring_add(void *arg, const struct db_row *r)
{
	struct expiring *x = arg;

	if (x->n < EXPIRE_BATCH)
		snprintf(x->sha[x->n++], 65, "%s", row_str(r, 0));
	return 0;
}

struct stale_part {
	char	 sha[65], app[64];
};

struct stale_parts {
	struct stale_part v[EXPIRE_BATCH];
	size_t	 n;
};

static int
stale_add(void *arg, const struct db_row *r)
{
	struct stale_parts *x = arg;

	if (x->n < EXPIRE_BATCH) {
		snprintf(x->v[x->n].sha, 65, "%s", row_str(r, 0));
		safe_name(row_str(r, 1), x->v[x->n].app, sizeof(x->v[x->n].app));
		x->n++;
	}
	return 0;
}

/* Unfinished transfers whose last chunk is older than the retention. */
static int
expire_parts(struct storage *st, const char *dir, int64_t before)
{
	struct stale_parts *x = calloc(1, sizeof(*x));
	char path[PATH_MAX], target[80];
	int rc = -1;

	if (x == NULL || db_query(st, "SELECT sha256, appliance FROM evidence_parts"
	    " GROUP BY sha256, appliance HAVING MAX(received) < $1 LIMIT 256",
	    (struct db_arg[]){ DB_I(before) }, 1, stale_add, x) == -1)
		goto out;
	for (size_t i = 0; i < x->n; i++) {
		snprintf(path, sizeof(path), "%s/parts/%s.%s.part", dir, x->v[i].sha,
		    x->v[i].app);
		(void)unlink(path);
		snprintf(target, sizeof(target), "evidence:%s", x->v[i].sha);
		if (db_exec(st, "DELETE FROM evidence_parts WHERE sha256 = $1",
		    (struct db_arg[]){ DB_S(x->v[i].sha) }, 1) == -1 ||
		    audit_add(st, "housekeeping", NULL, "evidence.deleted", target,
		    "unfinished transfer past evidence_days") == -1)
			goto out;
	}
	rc = 0;
out:
	free(x);
	return rc;
}

int
evstore_expire(struct storage *st, const char *dir, int64_t now, int64_t days,
    int64_t *n)
{
	struct expiring x = { .n = 0 };
	char path[PATH_MAX], target[80], res[64];
	int64_t before = now - days * 86400;

	*n = 0;
	if (days <= 0)
		return 0;
	if (db_query(st, "SELECT e.sha256 FROM evidence e WHERE e.deleted IS NULL"
	    " AND e.received < $1 AND NOT EXISTS (SELECT 1 FROM evidence_links l"
	    " JOIN lead_records r ON r.appliance = l.appliance AND r.seq = l.seq"
	    " JOIN leads d ON d.id = r.lead_id WHERE l.sha256 = e.sha256"
	    " AND d.status IN ('confirmed', 'dismantled')) LIMIT 256",
	    (struct db_arg[]){ DB_I(before) }, 1, expiring_add, &x) == -1)
		return -1;
	snprintf(res, sizeof(res), "retention: older than %" PRId64 " days", days);
	for (size_t i = 0; i < x.n; i++) {
		evstore_path(dir, x.sha[i], path, sizeof(path));
		if (unlink(path) == -1 && errno != ENOENT) {
			snprintf(st->err, sizeof(st->err), "evidence: unlink %.120s: %s",
			    path, strerror(errno));
			return -1;
		}
		snprintf(target, sizeof(target), "evidence:%s", x.sha[i]);
		if (db_exec(st, "UPDATE evidence SET deleted = $2 WHERE sha256 = $1",
		    (struct db_arg[]){ DB_S(x.sha[i]), DB_I(now) }, 2) == -1 ||
		    audit_add(st, "housekeeping", NULL, "evidence.deleted", target,
		    res) == -1)
			return -1;
		(*n)++;
	}
	return expire_parts(st, dir, before);
}
