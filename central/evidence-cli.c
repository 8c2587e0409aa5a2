/* SPDX-License-Identifier: BSD-2-Clause */
/* The evidence commands of goipwatch-central (evidence-cli.h). */
#include <sys/stat.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "evidence-cli.h"
#include "evpkg.h"
#include "evstore.h"
#include "frame.h"
#include "out.h"
#include "sign.h"
#include "storage.h"

int
evidence_list(struct storage *st, int64_t lead, FILE *out)
{
	struct evrows rs;
	char t[32];

	if (evpkg_lead_files(st, lead, &rs) == -1) {
		evpkg_rows_free(&rs);
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
	evpkg_rows_free(&rs);
	return 0;
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

int
evidence_verify_lead(struct storage *st, const char *evdir, int64_t lead, FILE *out)
{
	struct evrows rs;
	char err[512];
	uint8_t *data;
	size_t len;
	int bad = 0;

	if (evpkg_lead_files(st, lead, &rs) == -1) {
		evpkg_rows_free(&rs);
		return -1;
	}
	for (size_t i = 0; i < rs.n; i++) {
		if (rs.v[i].deleted)
			continue;
		data = NULL;
		if (evpkg_check(evdir, &rs.v[i], &data, &len, err, sizeof(err)) == -1) {
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
	evpkg_rows_free(&rs);
	return bad;
}

/* SHA.pcapng, .sig and .crt of one file in outdir. */
static int
get_one(const char *evdir, const struct evrow *e, const char *outdir, char *err,
    size_t errlen)
{
	uint8_t sig[FRAME_MAX_SIG], cert[8192], *data = NULL;
	size_t len, siglen = evpkg_unhex(e->sig, sig, sizeof(sig));
	size_t certlen = evpkg_unhex(e->cert, cert, sizeof(cert));
	char path[PATH_MAX];
	int rc = -1;

	if (evpkg_check(evdir, e, &data, &len, err, errlen) == -1)
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

int
evidence_get(struct storage *st, const char *evdir, int64_t lead, const char *outdir,
    const char *who, FILE *out)
{
	struct evrows rs, kept = { 0 };
	char err[512], path[PATH_MAX], target[80];
	FILE *f;
	int rc = 0;

	if (mkdir(outdir, 0750) == -1 && errno != EEXIST) {
		snprintf(st->err, sizeof(st->err), "-o %.200s: %s", outdir, strerror(errno));
		return -1;
	}
	if (evpkg_lead_files(st, lead, &rs) == -1 ||
	    (kept.v = calloc(rs.n ? rs.n : 1, sizeof(*kept.v))) == NULL) {
		evpkg_rows_free(&rs);
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
		if (audit_add(st, who, "cli", "evidence.downloaded", target, "ok") == -1)
			rc = -1;
		fprintf(out, "%s/%s.pcapng\n", outdir, rs.v[i].sha);
	}
	snprintf(path, sizeof(path), "%s/lead-%" PRId64 ".json", outdir, lead);
	if ((f = fopen(path, "w")) != NULL) {
		evpkg_manifest(f, lead, &kept);
		if (fclose(f) != 0)
			rc = 1;
	} else
		rc = 1;
	free(kept.v);
	evpkg_rows_free(&rs);
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
	sig = evpkg_slurp(p, &siglen);
	snprintf(p, sizeof(p), "%s.crt", path);
	cert = evpkg_slurp(p, &certlen);
	if ((data = evpkg_slurp(path, &len)) == NULL || sig == NULL || cert == NULL)
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
