/* SPDX-License-Identifier: BSD-2-Clause */
/* The evidence commands of goipwatch-central (evidence-cli.h). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "evidence-cli.h"
#include "evstore.h"
#include "frame.h"
#include "out.h"
#include "sign.h"
#include "storage.h"

#define EV_MAX_FILES	4096	/* files of one lead listed at most */

struct evrow {
	char	 sha[65], appliance[128], name[FRAME_EV_MAX_NAME + 1];
	int64_t	 size, verified, deleted;
	char	*sig, *cert;	/* hex */
};

struct evrows {
	struct evrow	*v;
	size_t		 n;
};

static int
evrow_add(void *arg, const struct db_row *r)
{
	struct evrows *rs = arg;
	struct evrow *e;

	if (rs->n == EV_MAX_FILES)
		return 0;
	e = &rs->v[rs->n];
	snprintf(e->sha, sizeof(e->sha), "%s", row_str(r, 0));
	snprintf(e->appliance, sizeof(e->appliance), "%s", row_str(r, 1));
	snprintf(e->name, sizeof(e->name), "%s", row_str(r, 2));
	e->size = row_int(r, 3);
	e->verified = row_int(r, 4);
	e->deleted = r->v[5] != NULL ? row_int(r, 5) : 0;
	e->sig = strdup(row_str(r, 6));
	e->cert = strdup(row_str(r, 7));
	if (e->sig == NULL || e->cert == NULL)
		return -1;
	rs->n++;
	return 0;
}

static void
evrows_free(struct evrows *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->v[i].sig);
		free(rs->v[i].cert);
	}
	free(rs->v);
}

/* The files linked to the lead's detection records, oldest first. */
static int
lead_files(struct storage *st, int64_t lead, struct evrows *rs)
{
	rs->n = 0;
	if ((rs->v = calloc(EV_MAX_FILES, sizeof(*rs->v))) == NULL)
		return -1;
	return db_query(st, "SELECT DISTINCT e.sha256, e.appliance, e.name, e.size,"
	    " e.verified, e.deleted, e.sig, e.cert FROM evidence_links l"
	    " JOIN lead_records r ON r.appliance = l.appliance AND r.seq = l.seq"
	    " JOIN evidence e ON e.sha256 = l.sha256 WHERE r.lead_id = $1"
	    " ORDER BY e.verified, e.sha256", (struct db_arg[]){ DB_I(lead) }, 1,
	    evrow_add, rs);
}

static size_t
unhex(const char *h, uint8_t *out, size_t cap)
{
	size_t n = strlen(h) / 2;

	if (n > cap)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(h + 2 * i, "%2x", &v) != 1)
			return 0;
		out[i] = (uint8_t)v;
	}
	return n;
}

int
evidence_list(struct storage *st, int64_t lead, FILE *out)
{
	struct evrows rs;
	char t[32];

	if (lead_files(st, lead, &rs) == -1) {
		evrows_free(&rs);
		return -1;
	}
	for (size_t i = 0; i < rs.n; i++) {
		struct evrow *e = &rs.v[i];

		fprintf(out, "%s %8" PRId64 " ", e->sha, e->size);
		out_tty_put(out, e->appliance);
		fputc(' ', out);
		out_tty_put(out, e->name);
		fprintf(out, " %s %s\n", e->deleted ? "deleted" : "verified",
		    out_time(e->deleted ? e->deleted : e->verified, t, sizeof(t)));
	}
	if (rs.n == 0)
		fprintf(out, "lead %" PRId64 ": no evidence file\n", lead);
	evrows_free(&rs);
	return 0;
}

/* The whole file at path, size bytes; NULL if it is not that. */
static uint8_t *
slurp(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    n > (long)FRAME_EV_MAX_FILE || fseek(f, 0, SEEK_SET) != 0 ||
	    (buf = malloc(n ? (size_t)n : 1)) == NULL ||
	    fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	} else
		*size = (size_t)n;
	if (f != NULL)
		fclose(f);
	return buf;
}

static int
spit(const char *path, const uint8_t *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int rc;

	if (f == NULL)
		return -1;
	rc = fwrite(p, 1, n, f) == n ? 0 : -1;
	return fclose(f) == 0 ? rc : -1;
}

/* The stored file checked again: 0 good, -1 with why. */
static int
check_row(const char *evdir, const struct evrow *e, uint8_t **data, size_t *len,
    char *err, size_t errlen)
{
	uint8_t sig[FRAME_MAX_SIG], sha[32], cert[8192];
	size_t siglen = unhex(e->sig, sig, sizeof(sig));
	size_t certlen = unhex(e->cert, cert, sizeof(cert));
	char path[PATH_MAX], hex[65];

	evstore_path(evdir, e->sha, path, sizeof(path));
	if ((*data = slurp(path, len)) == NULL) {
		snprintf(err, errlen, "%.300s: cannot read it", path);
		return -1;
	}
	if (sign_verify_buf(cert, certlen, *data, *len, sig, siglen, sha, err,
	    errlen) == -1)
		return -1;
	sign_hex(sha, hex);
	if (strcmp(hex, e->sha) != 0) {
		snprintf(err, errlen, "its sha256 is %s, not its name's", hex);
		return -1;
	}
	return 0;
}

int
evidence_verify_lead(struct storage *st, const char *evdir, int64_t lead, FILE *out)
{
	struct evrows rs;
	char err[512];
	uint8_t *data;
	size_t len;
	int bad = 0;

	if (lead_files(st, lead, &rs) == -1) {
		evrows_free(&rs);
		return -1;
	}
	for (size_t i = 0; i < rs.n; i++) {
		if (rs.v[i].deleted)
			continue;
		data = NULL;
		if (check_row(evdir, &rs.v[i], &data, &len, err, sizeof(err)) == -1) {
			fprintf(out, "%s: ", rs.v[i].sha);
			out_tty_put(out, err);
			fputc('\n', out);
			bad = 1;
		} else {
			fprintf(out, "%s: good signature of ", rs.v[i].sha);
			out_tty_put(out, rs.v[i].appliance);
			fputc('\n', out);
		}
		free(data);
	}
	evrows_free(&rs);
	return bad;
}

/* SHA.pcapng, .sig and .crt of one file in outdir. */
static int
get_one(const char *evdir, const struct evrow *e, const char *outdir, char *err,
    size_t errlen)
{
	uint8_t sig[FRAME_MAX_SIG], cert[8192], *data = NULL;
	size_t len, siglen = unhex(e->sig, sig, sizeof(sig));
	size_t certlen = unhex(e->cert, cert, sizeof(cert));
	char path[PATH_MAX];
	int rc = -1;

	if (check_row(evdir, e, &data, &len, err, errlen) == -1)
		goto out;
	snprintf(path, sizeof(path), "%s/%s.pcapng", outdir, e->sha);
	if (spit(path, data, len) == -1)
		goto err_write;
	snprintf(path, sizeof(path), "%s/%s.pcapng.sig", outdir, e->sha);
	if (spit(path, sig, siglen) == -1)
		goto err_write;
	snprintf(path, sizeof(path), "%s/%s.pcapng.crt", outdir, e->sha);
	if (spit(path, cert, certlen) == -1)
		goto err_write;
	rc = 0;
	goto out;
err_write:
	snprintf(err, errlen, "%.300s: %s", path, strerror(errno));
out:
	free(data);
	return rc;
}

static void
manifest(FILE *f, int64_t lead, const struct evrows *rs)
{
	fprintf(f, "{\"lead\":%" PRId64 ",\"files\":[", lead);
	for (size_t i = 0; i < rs->n; i++) {
		const struct evrow *e = &rs->v[i];

		fprintf(f, "%s{\"size\":%" PRId64 ",\"verified\":%" PRId64, i ? "," : "",
		    e->size, e->verified);
		out_json_kv(f, "sha256", e->sha);
		out_json_kv(f, "appliance", e->appliance);
		out_json_kv(f, "name", e->name);
		fprintf(f, ",\"signature\":\"%s.pcapng.sig\",\"certificate\":"
		    "\"%s.pcapng.crt\"}", e->sha, e->sha);
	}
	fputs("]}\n", f);
}

int
evidence_get(struct storage *st, const char *evdir, int64_t lead, const char *outdir,
    const char *who, FILE *out)
{
	struct evrows rs, kept = { 0 };
	char err[512], path[PATH_MAX], target[80];
	FILE *f;
	int rc = 0;

	if (lead_files(st, lead, &rs) == -1 ||
	    (kept.v = calloc(rs.n ? rs.n : 1, sizeof(*kept.v))) == NULL) {
		evrows_free(&rs);
		return -1;
	}
	for (size_t i = 0; i < rs.n; i++) {
		if (rs.v[i].deleted)
			continue;
		if (get_one(evdir, &rs.v[i], outdir, err, sizeof(err)) == -1) {
			fprintf(out, "%s: ", rs.v[i].sha);
			out_tty_put(out, err);
			fputc('\n', out);
			rc = 1;
			continue;
		}
		kept.v[kept.n++] = rs.v[i];
		snprintf(target, sizeof(target), "evidence:%s", rs.v[i].sha);
		if (audit_add(st, who, NULL, "evidence.downloaded", target, "cli") == -1)
			rc = -1;
		fprintf(out, "%s/%s.pcapng\n", outdir, rs.v[i].sha);
	}
	snprintf(path, sizeof(path), "%s/lead-%" PRId64 ".json", outdir, lead);
	if ((f = fopen(path, "w")) != NULL) {
		manifest(f, lead, &kept);
		if (fclose(f) != 0)
			rc = 1;
	} else
		rc = 1;
	free(kept.v);
	evrows_free(&rs);
	return rc;
}

int
evidence_verify_file(const char *path, const char *ca, FILE *out)
{
	char p[PATH_MAX], err[512], hex[65];
	uint8_t *data = NULL, *sig = NULL, *cert = NULL, sha[32];
	size_t len, siglen, certlen;
	int rc = 1;

	snprintf(p, sizeof(p), "%s.sig", path);
	sig = slurp(p, &siglen);
	snprintf(p, sizeof(p), "%s.crt", path);
	cert = slurp(p, &certlen);
	if ((data = slurp(path, &len)) == NULL || sig == NULL || cert == NULL)
		snprintf(err, sizeof(err), "cannot read it, its .sig or its .crt");
	else if (sign_verify_buf(cert, certlen, data, len, sig, siglen, sha, err,
	    sizeof(err)) == 0 && sign_verify_chain(ca, cert, certlen, err,
	    sizeof(err)) == 0)
		rc = 0;
	out_tty_put(out, path);
	if (rc == 0) {
		sign_hex(sha, hex);
		fprintf(out, ": good signature, certificate of the office CA, sha256 %s\n",
		    hex);
	} else {
		fputs(": ", out);
		out_tty_put(out, err);
		fputc('\n', out);
	}
	free(data);
	free(sig);
	free(cert);
	return rc;
}

bool
evidence_cli_is_offline(int argc, const char *const *argv)
{
	return argc == 3 && strcmp(argv[1], "verify") == 0 &&
	    strspn(argv[2], "0123456789") != strlen(argv[2]);
}
