/* SPDX-License-Identifier: BSD-2-Clause */
/* A lead's evidence files read back, checked, and packed (evpkg.h). */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hex.h"
#include "evpkg.h"
#include "evstore.h"
#include "out.h"
#include "sign.h"
#include "storage.h"

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
	e->received = row_int(r, 8);
	if (e->sig == NULL || e->cert == NULL)
		return -1;
	rs->n++;
	return 0;
}

void
evpkg_rows_free(struct evrows *rs)
{
	for (size_t i = 0; i < rs->n; i++) {
		free(rs->v[i].sig);
		free(rs->v[i].cert);
	}
	free(rs->v);
}

int
evpkg_lead_files(struct storage *st, int64_t lead, struct evrows *rs)
{
	rs->n = 0;
	if ((rs->v = calloc(EV_MAX_FILES, sizeof(*rs->v))) == NULL)
		return -1;
	return db_query(st, "SELECT DISTINCT e.sha256, e.appliance, e.name, e.size,"
	    " e.verified, e.deleted, e.sig, e.cert, e.received FROM evidence_links l"
	    " JOIN lead_records r ON r.appliance = l.appliance AND r.seq = l.seq"
	    " JOIN evidence e ON e.sha256 = l.sha256 WHERE r.lead_id = $1"
	    " ORDER BY e.verified, e.name, e.sha256", (struct db_arg[]){ DB_I(lead) }, 1,
	    evrow_add, rs);
}

size_t
evpkg_unhex(const char *h, uint8_t *out, size_t cap)
{
	long n = hex_decode(h, strlen(h), out, cap);

	return n < 0 ? 0 : (size_t)n;
}

uint8_t *
evpkg_slurp(const char *path, size_t *size)
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

int
evpkg_check(const char *evdir, const struct evrow *e, uint8_t **data, size_t *len,
    char *err, size_t errlen)
{
	uint8_t sig[FRAME_MAX_SIG], sha[32], cert[8192];
	size_t siglen = evpkg_unhex(e->sig, sig, sizeof(sig));
	size_t certlen = evpkg_unhex(e->cert, cert, sizeof(cert));
	char path[PATH_MAX], hex[65];

	evstore_path(evdir, e->sha, path, sizeof(path));
	if ((*data = evpkg_slurp(path, len)) == NULL) {
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

void
evpkg_manifest(FILE *f, int64_t lead, const struct evrows *rs)
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


/* --- the package: a POSIX ustar archive ----------------------------------- */

#define TAR_BLOCK	512

/* One member: the ustar header (mode 0444, owner 0, mtime) and the bytes, padded. */
static void
tar_put(FILE *f, const char *name, const uint8_t *p, size_t n, int64_t mtime)
{
	uint8_t h[TAR_BLOCK] = { 0 };
	static const uint8_t zero[TAR_BLOCK];
	unsigned sum = 0;

	snprintf((char *)h, 100, "%s", name);
	memcpy(h + 100, "0000444", 8);
	memcpy(h + 108, "0000000", 8);
	memcpy(h + 116, "0000000", 8);
	snprintf((char *)h + 124, 12, "%011llo", (unsigned long long)n);
	snprintf((char *)h + 136, 12, "%011llo", (unsigned long long)mtime);
	memset(h + 148, ' ', 8);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	for (size_t i = 0; i < TAR_BLOCK; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	fwrite(h, 1, TAR_BLOCK, f);
	fwrite(p, 1, n, f);
	fwrite(zero, 1, (TAR_BLOCK - n % TAR_BLOCK) % TAR_BLOCK, f);
}

struct detw {
	FILE	*f;
	int	 n;
};

/* {"seq":N,"appliance":"...","record":"the detection record, as JSON text"} */
static int
det_row(void *arg, const struct db_row *r)
{
	struct detw *w = arg;

	fprintf(w->f, "%s{\"seq\":%" PRId64, w->n++ ? "," : "", row_int(r, 1));
	out_json_kv(w->f, "appliance", row_str(r, 0));
	out_json_kv(w->f, "record", row_str(r, 2));
	fputc('}', w->f);
	return 0;
}

/*
 * The package's manifest.json: the lead, the file (hashes, names of the
 * members), the detection records that name it, the certificate chain.
 */
static int
manifest(struct storage *st, FILE *f, const struct evrow *e, int64_t lead, bool ca)
{
	struct detw w = { f, 0 };
	int rc;

	fprintf(f, "{\"lead\":%" PRId64 ",\"file\":{\"size\":%" PRId64
	    ",\"verified\":%" PRId64, lead, e->size, e->verified);
	out_json_kv(f, "sha256", e->sha);
	out_json_kv(f, "appliance", e->appliance);
	out_json_kv(f, "name", e->name);
	fprintf(f, ",\"pcapng\":\"%s.pcapng\",\"signature\":\"%s.pcapng.sig\"},"
	    "\"certificates\":{\"appliance\":\"%s.pcapng.crt\",\"office_ca\":%s},"
	    "\"detections\":[", e->sha, e->sha, e->sha, ca ? "\"ca.crt\"" : "null");
	rc = db_query(st, "SELECT l.appliance, l.seq, r.body FROM evidence_links l"
	    " JOIN records r ON r.appliance = l.appliance AND r.seq = l.seq"
	    " WHERE l.sha256 = $1 ORDER BY l.appliance, l.seq",
	    (struct db_arg[]){ DB_S(e->sha) }, 1, det_row, &w);
	fputs("]}\n", f);
	return rc;
}

static int
pack(struct storage *st, FILE *f, const struct evrow *e, const uint8_t *data,
    size_t len, int64_t lead, const char *capath)
{
	uint8_t sig[FRAME_MAX_SIG], cert[8192], *ca = NULL;
	size_t siglen = evpkg_unhex(e->sig, sig, sizeof(sig));
	size_t certlen = evpkg_unhex(e->cert, cert, sizeof(cert)), calen = 0;
	char name[100], *man = NULL;
	size_t manlen = 0;
	FILE *m;

	if (capath != NULL && capath[0] != '\0')
		ca = evpkg_slurp(capath, &calen);
	if ((m = open_memstream(&man, &manlen)) == NULL) {
		free(ca);
		return -1;
	}
	if (manifest(st, m, e, lead, ca != NULL) == -1 || fclose(m) != 0) {
		free(man);
		free(ca);
		return -1;
	}
	snprintf(name, sizeof(name), "%s.pcapng", e->sha);
	tar_put(f, name, data, len, e->verified);
	snprintf(name, sizeof(name), "%s.pcapng.sig", e->sha);
	tar_put(f, name, sig, siglen, e->verified);
	snprintf(name, sizeof(name), "%s.pcapng.crt", e->sha);
	tar_put(f, name, cert, certlen, e->verified);
	if (ca != NULL)
		tar_put(f, "ca.crt", ca, calen, e->verified);
	tar_put(f, "manifest.json", (const uint8_t *)man, manlen, e->verified);
	free(man);
	free(ca);
	{
		static const uint8_t end[2 * TAR_BLOCK];	/* the end of the archive */

		fwrite(end, 1, sizeof(end), f);
	}
	return 0;
}

int
evpkg_build(struct storage *st, const char *evdir, const char *ca, int64_t lead,
    const char *sha, char **buf, size_t *len, char *err, size_t errlen)
{
	struct evrows rs;
	const struct evrow *e = NULL;
	uint8_t *data = NULL;
	size_t dlen;
	FILE *f;
	int rc = -1;

	*buf = NULL;
	if (evpkg_lead_files(st, lead, &rs) == -1) {
		snprintf(err, errlen, "%s", st->err);
		goto out;
	}
	for (size_t i = 0; i < rs.n && e == NULL; i++)
		if (strcmp(rs.v[i].sha, sha) == 0 && !rs.v[i].deleted)
			e = &rs.v[i];
	if (e == NULL) {
		rc = 1;
		goto out;
	}
	if (evpkg_check(evdir, e, &data, &dlen, err, errlen) == -1)
		goto out;
	if ((f = open_memstream(buf, len)) == NULL)
		goto out;
	rc = pack(st, f, e, data, dlen, lead, ca);
	if (fclose(f) != 0)
		rc = -1;
	if (rc == -1) {
		free(*buf);
		*buf = NULL;
		snprintf(err, errlen, "out of memory");
	}
out:
	free(data);
	evpkg_rows_free(&rs);
	return rc;
}
