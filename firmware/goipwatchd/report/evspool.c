/* SPDX-License-Identifier: BSD-2-Clause */
/* Evidence files as chunk records in the spool (evspool.h, docs/evidence.md). */
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hex.h"
#include "evspool.h"
#include "frame.h"
#include "spool.h"

#define EV_KEY	"\"evidence_file\":{\"file\":\""

/* The value of "key":"..." after p, up to max bytes of [A-Za-z0-9._-]; its length. */
static size_t
field(const char *p, const char *end, const char *key, char *out, size_t max)
{
	size_t klen = strlen(key), n = 0;
	const char *q;

	for (q = p; q + klen <= end && memcmp(q, key, klen) != 0; q++)
		;
	if (q + klen > end)
		return 0;
	for (q += klen; q < end && *q != '"' && n + 1 < max; q++) {
		if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') ||
		    (*q >= '0' && *q <= '9') || *q == '.' || *q == '-' || *q == '_'))
			return 0;
		out[n++] = *q;
	}
	out[n] = '\0';
	return q < end && *q == '"' ? n : 0;
}

static int
read_sig(const char *path, uint8_t *sig, uint16_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd == -1)
		return -1;
	n = read(fd, sig, FRAME_MAX_SIG + 1);
	close(fd);
	if (n <= 0 || n > FRAME_MAX_SIG)
		return -1;
	*len = (uint16_t)n;
	return 0;
}

/* Every chunk of the open file fd, in order, one spool record each. */
static int
append_chunks(struct spool *sp, int fd, struct frame_evidence *e,
    struct evspool_stats *st, char *err, size_t errlen)
{
	static _Thread_local uint8_t data[FRAME_EV_CHUNK], rec[SPOOL_MAX_RECORD];
	size_t blen;
	ssize_t n;

	e->data = data;
	do {
		n = pread(fd, data, FRAME_EV_CHUNK < e->size - e->offset ?
		    FRAME_EV_CHUNK : e->size - e->offset, e->offset);
		if (n < 0 || (n == 0 && e->size != 0)) {
			snprintf(err, errlen, "%.*s: read failed", (int)e->name.len,
			    e->name.p);
			return -1;
		}
		e->data_len = (uint32_t)n;
		memcpy(rec, FRAME_EV_MAGIC, FRAME_EV_MAGIC_LEN);
		blen = frame_evidence_body(rec + FRAME_EV_MAGIC_LEN,
		    sizeof(rec) - FRAME_EV_MAGIC_LEN, e);
		if (blen == 0 || spool_append(sp, (const char *)rec,
		    FRAME_EV_MAGIC_LEN + blen, NULL) == -1) {
			snprintf(err, errlen, "%.*s: the spool refused a chunk",
			    (int)e->name.len, e->name.p);
			return -1;
		}
		st->chunks++;
		st->bytes += (uint64_t)n;
		e->offset += (uint32_t)n;
	} while (e->offset < e->size);
	return 0;
}

int
evspool_append(struct spool *sp, const char *dir, const char *rec, size_t len,
    struct evspool_stats *st, struct evspool_file *out, char *err, size_t errlen)
{
	const char *end = rec + len, *p;
	char name[FRAME_EV_MAX_NAME + 1], hex[65], path[PATH_MAX];
	uint8_t sha[32], sig[FRAME_MAX_SIG + 1];
	struct frame_evidence e = { 0 };
	struct stat sb;
	int fd, rc;

	if ((p = memmem(rec, len, EV_KEY, sizeof(EV_KEY) - 1)) == NULL)
		return 0;
	if (field(p, end, "\"file\":\"", name, sizeof(name)) == 0 ||
	    field(p, end, "\"sha256\":\"", hex, sizeof(hex)) != 64 ||
	    hex_decode(hex, 64, sha, 32) != 32) {
		snprintf(err, errlen, "evidence_file: cannot read its name and sha256");
		goto err;
	}
	snprintf(path, sizeof(path), "%s/%s.sig", dir, name);
	if (read_sig(path, sig, &e.sig_len) == -1) {
		snprintf(err, errlen, "%s: cannot read the signature", path);
		goto err;
	}
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 || fstat(fd, &sb) == -1 ||
	    (uint64_t)sb.st_size > FRAME_EV_MAX_FILE) {
		snprintf(err, errlen, "%s: %s", path, fd == -1 ? strerror(errno) :
		    "larger than the transfer cap");
		if (fd != -1)
			close(fd);
		goto err;
	}
	e.name.p = name;
	e.name.len = (uint16_t)strlen(name);
	e.sha256 = sha;
	e.size = (uint32_t)sb.st_size;
	e.sig = sig;
	rc = append_chunks(sp, fd, &e, st, err, errlen);
	close(fd);
	if (rc == -1)
		goto err;
	st->files++;
	if (out != NULL) {
		_Static_assert(sizeof(out->name) > FRAME_EV_MAX_NAME, "name fits");
		memcpy(out->name, name, e.name.len + 1);
		out->bytes = (uint64_t)e.size + e.sig_len;
	}
	return 1;
err:
	st->errors++;
	return -1;
}
