/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The spool's on-disk record format (CRC-32 per record) and its recovery at
 * open: each segment keeps its longest valid prefix; after a damaged run the
 * records that follow it move to a segment of their own; a torn tail is cut.
 * What is lost is counted, earlier data is never touched.
 */
#include <sys/types.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "spool-int.h"

static uint32_t crc_table[256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;

static void
crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
		crc_table[i] = c;
	}
}

static uint32_t
crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n--)
		crc = crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

void
spool_crc_init(void)
{
	pthread_once(&crc_once, crc_init);
}

uint32_t
spool_rec_crc(const uint8_t *hdr, const uint8_t *data, size_t len)
{
	uint32_t crc = crc32_update(0, hdr, 4);

	crc = crc32_update(crc, hdr + 8, REC_HDR - 8);
	return crc32_update(crc, data, len);
}

/*
 * The first record after a damaged run at buf[0]: whole, its CRC good, its seq
 * in lo..hi (one that can follow). The length, seq and CRC together are the
 * resync mark: the format has no magic. Returns its offset, or 0 if none.
 */
uint64_t
spool_rec_find(const uint8_t *buf, uint64_t n, uint64_t lo, uint64_t hi,
    uint64_t *seqp)
{
	for (uint64_t p = 1; p + REC_HDR < n; p++) {
		const uint8_t *h = buf + p;
		uint32_t len = le32_get(h);
		uint64_t seq = le64_get(h + 8);

		if (len == 0 || len > SPOOL_MAX_RECORD || len > n - p - REC_HDR ||
		    seq < lo || seq > hi ||
		    spool_rec_crc(h, h + REC_HDR, len) != le32_get(h + 4))
			continue;
		*seqp = seq;
		return p;
	}
	return 0;
}

/* Writes len bytes as segment "first" (a new file, synced): 0 or -1. */
static int
seg_write(const struct spool *s, uint64_t first, const uint8_t *p, uint64_t len)
{
	char path[320], tmp[330];
	int fd, rc = 0;

	spool_seg_path(s, first, path, sizeof(path));
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return -1;
	if (write(fd, p, (size_t)len) != (ssize_t)len || fdatasync(fd) == -1)
		rc = -1;
	close(fd);
	if (rc == 0 && rename(tmp, path) == -1)
		rc = -1;
	if (rc == -1)
		(void)unlink(tmp);
	return rc;
}

/*
 * A damaged run at off of segment g, where seq expect was due: the records
 * after it become segment *split (seqs stay contiguous inside every segment);
 * the run's records are counted in skipped. Returns the run's length, 0 when
 * nothing could be saved (the tail is lost).
 */
static uint64_t
seg_salvage(struct spool *s, const struct seg *g, int fd, uint64_t off,
    uint64_t size, uint64_t expect, uint64_t *split)
{
	uint64_t n = size - off, at = 0, seq = 0;
	uint8_t *buf;

	if ((buf = malloc((size_t)n)) == NULL)
		return 0;
	if (pread(fd, buf, (size_t)n, (off_t)off) == (ssize_t)n &&
	    (at = spool_rec_find(buf, n, expect, expect + n / (REC_HDR + 1),
	    &seq)) != 0 &&
	    seg_write(s, seq, buf + at, n - at) == -1) {
		log_warn("spool: segment %" PRIu64 ": cannot save the records"
		    " after a damaged run", g->first);
		at = 0;
	}
	free(buf);
	if (at == 0)
		return 0;
	log_warnx("spool: segment %" PRIu64 ": skipped %" PRIu64 " damaged bytes"
	    " at offset %" PRIu64 " (%" PRIu64 " records); records from seq %" PRIu64
	    " kept", g->first, at, off, seq - expect, seq);
	s->st.skipped += seq - expect;
	*split = seq;
	return at;
}

/*
 * Scans one segment, keeping the longest valid prefix of records with
 * increasing seqs. What follows a damaged run is saved as segment *split
 * (0: none); the rest is truncated. Returns the kept size.
 */
static uint64_t
seg_recover(struct spool *s, struct seg *g, int fd, uint8_t *buf, uint64_t *split)
{
	uint8_t hdr[REC_HDR];
	uint64_t off = 0, seq, expect = g->first, cut;
	struct stat sb;
	uint32_t len;

	*split = 0;
	if (fstat(fd, &sb) == -1)
		return 0;
	for (;;) {
		if (pread(fd, hdr, REC_HDR, (off_t)off) != REC_HDR)
			break;
		len = le32_get(hdr);
		seq = le64_get(hdr + 8);
		if (len == 0 || len > SPOOL_MAX_RECORD || seq != expect ||
		    pread(fd, buf, len, (off_t)(off + REC_HDR)) != (ssize_t)len ||
		    spool_rec_crc(hdr, buf, len) != le32_get(hdr + 4))
			break;
		off += REC_HDR + len;
		g->last = seq;
		expect = seq + 1;
	}
	if (off < (uint64_t)sb.st_size) {
		cut = seg_salvage(s, g, fd, off, (uint64_t)sb.st_size, expect, split);
		if (cut == 0) {
			cut = (uint64_t)sb.st_size - off;
			log_warnx("spool: segment %" PRIu64 ": cutting %" PRIu64
			    " torn/corrupt bytes at offset %" PRIu64, g->first, cut, off);
		}
		s->st.torn_bytes += cut;
		if (ftruncate(fd, (off_t)off) == -1)
			log_warn("spool: ftruncate");
		else
			(void)fdatasync(fd);
	}
	g->size = off;
	return off;
}

static int
seg_cmp(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	return x->first < y->first ? -1 : x->first > y->first;
}

static int
scan_dir(struct spool *s)
{
	struct dirent *de;
	DIR *d;
	uint64_t first;
	int n;

	if ((d = opendir(s->dir)) == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (sscanf(de->d_name, "seg-%20" SCNu64 ".lo%n", &first, &n) != 1 ||
		    strcmp(de->d_name + n, "g") != 0 || first == 0)
			continue;
		if (spool_seg_push(s, first) == -1) {
			closedir(d);
			return -1;
		}
	}
	closedir(d);
	if (s->nsegs > 1)
		qsort(s->segs, s->nsegs, sizeof(*s->segs), seg_cmp);
	return 0;
}

/* Puts a new empty segment at index i (the order stays by first seq). */
static int
seg_insert(struct spool *s, size_t i, uint64_t first)
{
	if (spool_seg_push(s, first) == -1)
		return -1;
	memmove(&s->segs[i + 1], &s->segs[i], (s->nsegs - 1 - i) * sizeof(*s->segs));
	s->segs[i] = (struct seg){ first, first - 1, 0 };
	return 0;
}

/* Recovers every segment; empty ones and ones that overlap a predecessor go. */
int
spool_recover(struct spool *s)
{
	char path[320];
	uint8_t *buf;
	uint64_t prev = 0, kept, split;
	size_t i = 0;
	int fd;

	if (scan_dir(s) == -1 || (buf = malloc(SPOOL_MAX_RECORD)) == NULL)
		return -1;
	while (i < s->nsegs) {
		struct seg *g = &s->segs[i];

		spool_seg_path(s, g->first, path, sizeof(path));
		if ((fd = open(path, O_RDWR | O_CLOEXEC)) == -1) {
			free(buf);
			return -1;
		}
		split = 0;
		kept = g->first <= prev ? 0 : seg_recover(s, g, fd, buf, &split);
		/* the records after a damaged run, recovered next (may exist already) */
		if (split != 0 && !(i + 1 < s->nsegs && s->segs[i + 1].first == split) &&
		    seg_insert(s, i + 1, split) == -1) {
			close(fd);
			free(buf);
			return -1;
		}
		g = &s->segs[i];	/* seg_insert may move the array */
		if (kept == 0) {
			close(fd);
			(void)unlink(path);
			memmove(g, g + 1, (s->nsegs - i - 1) * sizeof(*g));
			s->nsegs--;
			continue;
		}
		close(fd);
		prev = g->last;
		s->bytes += g->size;
		i++;
	}
	free(buf);
	return 0;
}

uint64_t
spool_ack_load(const struct spool *s)
{
	char path[320], buf[64], *end;
	uint64_t v;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/ack", s->dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	errno = 0;
	v = strtoull(buf, &end, 10);
	if (errno != 0 || end == buf || *end != '\n') {
		log_warnx("spool: %s is damaged; replaying everything", path);
		return 0;
	}
	return v;
}

/* The epoch file: 16 hex digits and a newline; 0 when missing or damaged. */
static uint64_t
epoch_load(const struct spool *s)
{
	char path[320], buf[32], *end;
	uint64_t v;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/epoch", s->dir);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n != 17)
		return 0;
	buf[n] = '\0';
	errno = 0;
	v = strtoull(buf, &end, 16);
	return errno == 0 && end == buf + 16 && *end == '\n' ? v : 0;
}

static int
epoch_store(const struct spool *s, uint64_t v)
{
	char path[320], tmp[320], buf[32];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/epoch", s->dir);
	snprintf(tmp, sizeof(tmp), "%s/epoch.tmp", s->dir);
	snprintf(buf, sizeof(buf), "%016" PRIx64 "\n", v);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return -1;
	if (write(fd, buf, 17) != 17 || fdatasync(fd) == -1)
		rc = -1;
	close(fd);
	if (rc == 0 && rename(tmp, path) == -1)
		rc = -1;
	if (rc == 0 && (fd = open(s->dir, O_RDONLY | O_DIRECTORY)) != -1) {
		(void)fsync(fd);
		close(fd);
	}
	return rc;
}

/*
 * The epoch names the spool's numbering. A spool that starts numbering at 1
 * (no segment, no ack: new, wiped or re-imaged) or lost its epoch file gets a
 * new random one, so central never mistakes its seqs for an older spool's.
 */
int
spool_epoch_open(struct spool *s)
{
	uint64_t v = epoch_load(s);

	if (v != 0 && (s->nsegs > 0 || s->acked > 0)) {
		s->epoch = v;
		return 0;
	}
	do {
		if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
			return -1;
	} while (v == 0);
	/* unsaved (disk full), the next start makes another: central renumbers again */
	if (epoch_store(s, v) == -1)
		log_warn("spool: %s/epoch: cannot save", s->dir);
	log_info("spool: %s: new spool epoch %016" PRIx64, s->dir, v);
	s->epoch = v;
	return 0;
}
