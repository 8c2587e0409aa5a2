/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Durable spool: segment files "seg-<first seq>.log" of records
 *   le32 len | le32 crc32(len, seq, ts, data) | le64 seq | le64 ts | data
 * and a file "ack" holding the delivered position. Each record is one write(),
 * so kill -9 leaves whole records; a torn or corrupt tail is cut at recovery
 * (spool-recover.c).
 */
#include <sys/types.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "spool-int.h"

int
spool_fsync_parse(const char *s, enum spool_fsync *p)
{
	static const char *const names[] = { "always", "batch", "never" };

	for (int i = 0; i < 3; i++)
		if (strcmp(s, names[i]) == 0) {
			*p = (enum spool_fsync)i;
			return 0;
		}
	return -1;
}

const char *
spool_fsync_str(enum spool_fsync p)
{
	return p == SPOOL_FSYNC_ALWAYS ? "always" : p == SPOOL_FSYNC_BATCH ?
	    "batch" : "never";
}

void
spool_seg_path(const struct spool *s, uint64_t first, char *buf, size_t len)
{
	snprintf(buf, len, "%s/seg-%020" PRIu64 ".log", s->dir, first);
}

static void
sync_dir(const struct spool *s)
{
	int fd;

	if (s->policy == SPOOL_FSYNC_NEVER)
		return;
	if ((fd = open(s->dir, O_RDONLY | O_DIRECTORY)) == -1)
		return;
	(void)fsync(fd);
	close(fd);
}

/* Records of g above the ack; seqs inside one segment are contiguous. */
static uint64_t
seg_unacked(const struct seg *g, uint64_t acked)
{
	uint64_t from = acked + 1 > g->first ? acked + 1 : g->first;

	return g->last >= from ? g->last - from + 1 : 0;
}

static struct seg *
seg_find(struct spool *s, uint64_t first)
{
	for (size_t i = 0; i < s->nsegs; i++)
		if (s->segs[i].first == first)
			return &s->segs[i];
	return NULL;
}

int
spool_seg_push(struct spool *s, uint64_t first)
{
	struct seg *n;

	if (s->nsegs == s->segcap) {
		size_t cap = s->segcap ? s->segcap * 2 : 16;

		if ((n = realloc(s->segs, cap * sizeof(*n))) == NULL)
			return -1;
		s->segs = n;
		s->segcap = cap;
	}
	s->segs[s->nsegs++] = (struct seg){ first, first - 1, 0 };
	return 0;
}

/* Removes the oldest segment from disk and the index. */
static void
seg_drop_oldest(struct spool *s)
{
	char path[320];
	struct seg *g = &s->segs[0];

	if (s->nsegs == 1 && s->wfd != -1) {
		close(s->wfd);
		s->wfd = -1;
	}
	spool_seg_path(s, g->first, path, sizeof(path));
	if (unlink(path) == -1 && errno != ENOENT)
		log_warn("spool: unlink %s", path);
	s->bytes -= g->size;
	memmove(&s->segs[0], &s->segs[1], (s->nsegs - 1) * sizeof(*g));
	s->nsegs--;
}

static int
ack_store(const struct spool *s, uint64_t v)
{
	char path[320], tmp[320], buf[32];
	int fd, n, rc = 0;

	snprintf(path, sizeof(path), "%s/ack", s->dir);
	snprintf(tmp, sizeof(tmp), "%s/ack.tmp", s->dir);
	n = snprintf(buf, sizeof(buf), "%" PRIu64 "\n", v);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return -1;
	if (write(fd, buf, (size_t)n) != n ||
	    (s->policy != SPOOL_FSYNC_NEVER && fdatasync(fd) == -1))
		rc = -1;
	close(fd);
	if (rc == 0 && rename(tmp, path) == -1)
		rc = -1;
	return rc;
}

static void
cursor_init(struct cursor *c, uint8_t *buf)
{
	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->buf = buf;
}

/* Two writers on one spool would interleave seqs: the second is refused. */
static int
spool_lock(struct spool *s, char *err, size_t errlen)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/lock", s->dir);
	if ((s->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) == -1 ||
	    flock(s->lockfd, LOCK_EX | LOCK_NB) == -1) {
		snprintf(err, errlen, "spool: %s: %s", path, errno == EWOULDBLOCK ?
		    "in use by another process" : strerror(errno));
		return -1;
	}
	return 0;
}

struct spool *
spool_open(const char *dir, uint64_t max_bytes, enum spool_fsync policy,
    char *err, size_t errlen)
{
	struct spool *s;
	uint64_t last;

	spool_crc_init();
	if (max_bytes < SPOOL_MIN_BYTES || strlen(dir) >= sizeof(s->dir)) {
		snprintf(err, errlen, "spool: %s: max_bytes below %d or path too long",
		    dir, SPOOL_MIN_BYTES);
		return NULL;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		goto err_mem;
	snprintf(s->dir, sizeof(s->dir), "%s", dir);
	s->max_bytes = max_bytes;
	s->seg_bytes = max_bytes / 8;
	s->seg_bytes = s->seg_bytes < 16384 ? 16384 :
	    s->seg_bytes > (16u << 20) ? (16u << 20) : s->seg_bytes;
	s->policy = policy;
	s->wfd = s->lockfd = s->efd = -1;
	pthread_mutex_init(&s->mu, NULL);
	cursor_init(&s->rd, malloc(RBUF_LEN));
	cursor_init(&s->ackc, malloc(RBUF_LEN));
	if (s->rd.buf == NULL || s->ackc.buf == NULL)
		goto err_free;
	if (mkdir(dir, 0700) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "spool: mkdir %s: %s", dir, strerror(errno));
		goto err_free;
	}
	if (spool_lock(s, err, errlen) == -1)
		goto err_free;
	if ((s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    spool_recover(s) == -1) {
		snprintf(err, errlen, "spool: %s: %s", dir, strerror(errno));
		goto err_free;
	}
	s->acked = spool_ack_load(s);
	if (spool_epoch_open(s) == -1) {
		snprintf(err, errlen, "spool: %s/epoch: %s", dir, strerror(errno));
		goto err_free;
	}
	last = s->nsegs ? s->segs[s->nsegs - 1].last : 0;
	s->next_seq = (last > s->acked ? last : s->acked) + 1;
	while (s->nsegs > 0 && s->segs[0].last <= s->acked)
		seg_drop_oldest(s);
	s->last_sync = clock_mono();
	return s;
err_mem:
	snprintf(err, errlen, "spool: out of memory");
	return NULL;
err_free:
	spool_close(s);
	return NULL;
}

void
spool_close(struct spool *s)
{
	if (s == NULL)
		return;
	if (s->wfd != -1) {
		if (s->policy != SPOOL_FSYNC_NEVER)
			(void)fdatasync(s->wfd);
		close(s->wfd);
	}
	if (s->rd.fd != -1)
		close(s->rd.fd);
	if (s->ackc.fd != -1)
		close(s->ackc.fd);
	if (s->efd != -1)
		close(s->efd);
	if (s->lockfd != -1)
		close(s->lockfd);
	free(s->rd.buf);
	free(s->ackc.buf);
	free(s->segs);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

const char *
spool_dir(const struct spool *s)
{
	return s->dir;
}

uint64_t
spool_epoch(const struct spool *s)
{
	return s->epoch;
}

/* --- appending ---------------------------------------------------------- */

/* A new segment starts at next_seq when there is none or the last is full. */
static int
seg_roll(struct spool *s)
{
	char path[320];
	struct seg *g = s->nsegs ? &s->segs[s->nsegs - 1] : NULL;

	if (s->wfd != -1 && g != NULL && g->size < s->seg_bytes &&
	    g->last + 1 == s->next_seq)
		return 0;
	if (s->wfd != -1) {
		if (s->policy != SPOOL_FSYNC_NEVER)
			(void)fdatasync(s->wfd);
		close(s->wfd);
		s->wfd = -1;
	}
	if (g != NULL && g->size == 0 && g->first != s->next_seq) {
		/* an empty tail left behind by spool_seq_floor() */
		spool_seg_path(s, g->first, path, sizeof(path));
		(void)unlink(path);
		s->nsegs--;
		g = NULL;
	}
	if (g == NULL || g->size > 0) {
		if (spool_seg_push(s, s->next_seq) == -1)
			return -1;
		g = &s->segs[s->nsegs - 1];
	}
	spool_seg_path(s, g->first, path, sizeof(path));
	s->wfd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (s->wfd == -1)
		return -1;
	sync_dir(s);
	return 0;
}

/* Drops the oldest segments (never the one being written) over the cap. */
static void
enforce_cap(struct spool *s)
{
	while (s->bytes > s->max_bytes && s->nsegs > 1) {
		s->st.dropped += seg_unacked(&s->segs[0], s->acked);
		seg_drop_oldest(s);
	}
}

/* One writev per record: a kill -9 cannot split it, a full disk can. */
static int
write_record(struct spool *s, const char *rec, size_t len, uint64_t seq)
{
	uint8_t hdr[REC_HDR];
	struct iovec iov[2];
	ssize_t n;

	le32_put(hdr, (uint32_t)len);
	le64_put(hdr + 8, seq);
	le64_put(hdr + 16, clock_wall());
	le32_put(hdr + 4, spool_rec_crc(hdr, (const uint8_t *)rec, len));
	iov[0] = (struct iovec){ hdr, REC_HDR };
	iov[1] = (struct iovec){ (void *)(uintptr_t)rec, len };
	n = writev(s->wfd, iov, 2);
	if (n == (ssize_t)(REC_HDR + len))
		return 0;
	if (n < 0)
		return -1;
	/* A short write leaves a torn record: cut it so later records stay reachable. */
	if (n > 0 && ftruncate(s->wfd, (off_t)s->segs[s->nsegs - 1].size) == -1) {
		log_warn("spool: ftruncate after short write");
		/* never append behind the torn bytes: the next record starts a segment */
		close(s->wfd);
		s->wfd = -1;
		if (s->segs[s->nsegs - 1].size == 0) {
			char path[320];

			spool_seg_path(s, s->segs[s->nsegs - 1].first, path, sizeof(path));
			(void)unlink(path);
		}
	}
	errno = ENOSPC;		/* a short write sets none */
	return -1;
}

/*
 * A record that could not be spooled is lost: counted always, logged at most
 * every 10 s with the count since the last line (errno is the failure's).
 */
static void
append_failed(struct spool *s)
{
	usec_t now = clock_mono();

	s->st.write_errors++;
	s->fail_run++;
	s->fail_unlogged++;
	if (s->fail_logged != 0 && now - s->fail_logged < FAIL_LOG_EVERY)
		return;
	log_warn("spool: %s: %" PRIu64 " record%s could not be spooled and %s lost"
	    " (%" PRIu64 " in all)", s->dir, s->fail_unlogged, s->fail_unlogged == 1 ?
	    "" : "s", s->fail_unlogged == 1 ? "is" : "are", s->st.write_errors);
	s->fail_logged = now;
	s->fail_unlogged = 0;
}

/* The first good append after failures says so, with how many were lost. */
static void
append_recovered(struct spool *s)
{
	if (s->fail_run == 0)
		return;
	log_warnx("spool: %s: writing again after %" PRIu64 " records were lost",
	    s->dir, s->fail_run);
	s->fail_run = 0;
	s->fail_unlogged = 0;
	s->fail_logged = 0;
}

int
spool_append(struct spool *s, const char *rec, size_t len, uint64_t *seqp)
{
	struct seg *g;
	int rc = -1;

	/* a JSON line is stored without its newline; an evidence chunk (it
	 * starts with NUL, FRAME_EV_MAGIC) is bytes and stays as it is */
	while (len > 0 && rec[0] != '\0' && (rec[len - 1] == '\n' ||
	    rec[len - 1] == '\r'))
		len--;
	if (len == 0 || len > SPOOL_MAX_RECORD)
		return -1;
	pthread_mutex_lock(&s->mu);
	if (seg_roll(s) == -1 || write_record(s, rec, len, s->next_seq) == -1) {
		append_failed(s);
		goto out;
	}
	append_recovered(s);
	g = &s->segs[s->nsegs - 1];
	g->last = s->next_seq;
	g->size += REC_HDR + len;
	s->bytes += REC_HDR + len;
	if (seqp != NULL)
		*seqp = s->next_seq;
	s->next_seq++;
	s->st.appended++;
	s->dirty = true;
	/* batch: the uplink's spool_sync syncs off this lock; this is the fallback */
	if (s->policy == SPOOL_FSYNC_ALWAYS || (s->policy == SPOOL_FSYNC_BATCH &&
	    clock_mono() - s->last_sync >= 4 * SYNC_EVERY)) {
		(void)fdatasync(s->wfd);
		s->last_sync = clock_mono();
		s->dirty = false;
	}
	enforce_cap(s);
	rc = 0;
out:
	pthread_mutex_unlock(&s->mu);
	if (rc == 0 && atomic_exchange(&s->armed, false))
		(void)eventfd_write(s->efd, 1);
	return rc;
}

/*
 * The batch syncer, called often from the uplink loop: at most every 200 ms,
 * and without the lock held during fdatasync, so appends do not wait for it.
 */
int
spool_sync(struct spool *s)
{
	int fd = -1, rc = 0;

	pthread_mutex_lock(&s->mu);
	if (s->dirty && s->wfd != -1 && s->policy == SPOOL_FSYNC_BATCH &&
	    clock_mono() - s->last_sync >= SYNC_EVERY) {
		fd = dup(s->wfd);	/* a segment roll may close wfd meanwhile */
		s->dirty = false;
		s->last_sync = clock_mono();
	}
	pthread_mutex_unlock(&s->mu);
	if (fd != -1) {
		rc = fdatasync(fd);
		close(fd);
	}
	return rc;
}

void
spool_seq_floor(struct spool *s, uint64_t seq)
{
	pthread_mutex_lock(&s->mu);
	if (seq >= s->next_seq) {
		log_warnx("spool: peer holds seq %" PRIu64 ", renumbering from %"
		    PRIu64, seq, seq + 1);
		s->next_seq = seq + 1;	/* seg_roll starts a new segment */
	}
	pthread_mutex_unlock(&s->mu);
}

/* --- reading ------------------------------------------------------------ */

static void
cursor_close(struct cursor *c)
{
	if (c->fd != -1)
		close(c->fd);
	c->fd = -1;
	c->buf_len = 0;
}

/* Moves c to the oldest non-empty segment after c->seg_first: 1, 0 (none), -1. */
static int
cursor_advance(struct spool *s, struct cursor *c, struct seg **g)
{
	char path[320];

	cursor_close(c);
	for (size_t i = 0; i < s->nsegs; i++) {
		if (s->segs[i].first <= c->seg_first || s->segs[i].size == 0)
			continue;
		c->seg_first = s->segs[i].first;
		c->off = 0;
		c->expect = c->seg_first;
		spool_seg_path(s, c->seg_first, path, sizeof(path));
		if ((c->fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
			return -1;
		*g = &s->segs[i];
		return 1;
	}
	return 0;
}

/* Makes n bytes at c->off available in c->buf; -1 on I/O error. */
static int
cursor_fill(struct cursor *c, uint64_t n, uint64_t limit)
{
	ssize_t got;
	size_t want;

	if (c->off >= c->buf_off && c->off + n <= c->buf_off + c->buf_len)
		return 0;
	want = (size_t)(limit - c->off < RBUF_LEN ? limit - c->off : RBUF_LEN);
	got = pread(c->fd, c->buf, want, (off_t)c->off);
	if (got < (ssize_t)n)
		return -1;
	c->buf_off = c->off;
	c->buf_len = (size_t)got;
	return 0;
}

/*
 * The header and data of the record at the cursor, or 0 at a segment's end;
 * -2 when its length is impossible (damaged), -1 on an I/O error.
 */
static int
cursor_read(struct spool *s, struct cursor *c, const uint8_t **hdr,
    const uint8_t **data)
{
	struct seg *g = c->fd != -1 ? seg_find(s, c->seg_first) : NULL;
	uint32_t len;
	int rc;

	for (;;) {
		if (g == NULL && (rc = cursor_advance(s, c, &g)) != 1)
			return rc;
		if (c->off < g->size)
			break;
		if (g == &s->segs[s->nsegs - 1])
			return 0;
		g = NULL;
	}
	if (cursor_fill(c, REC_HDR, g->size) == -1)
		return -1;
	*hdr = c->buf + (c->off - c->buf_off);
	len = le32_get(*hdr);
	if (len == 0 || len > SPOOL_MAX_RECORD || REC_HDR + len > g->size - c->off)
		return -2;
	if (cursor_fill(c, REC_HDR + len, g->size) == -1)
		return -1;
	*hdr = c->buf + (c->off - c->buf_off);
	*data = *hdr + REC_HDR;
	return 1;
}

void
spool_rewind(struct spool *s, uint64_t after)
{
	pthread_mutex_lock(&s->mu);
	cursor_close(&s->rd);
	s->rd.seg_first = 0;
	s->rd.skip_upto = after;
	/* skip whole segments, but not the one still being written: it grows */
	for (size_t i = 0; i + 1 < s->nsegs; i++)
		if (s->segs[i].last <= after)
			s->rd.seg_first = s->segs[i].first;
	pthread_mutex_unlock(&s->mu);
}

/*
 * A record damaged after recovery (a disk fault): the reader moves on to the
 * next good record of the segment, or its end, and counts what it skipped.
 * The file stays as it is; recovery at the next open repairs it.
 */
static int
cursor_skip_damage(struct spool *s, struct cursor *c)
{
	struct seg *g = seg_find(s, c->seg_first);
	uint64_t n, at, seq = 0;
	uint8_t *buf;

	if (g == NULL || c->off >= g->size || (buf = malloc(g->size - c->off)) == NULL)
		return -1;
	n = g->size - c->off;
	if (pread(c->fd, buf, (size_t)n, (off_t)c->off) != (ssize_t)n) {
		free(buf);
		return -1;
	}
	if ((at = spool_rec_find(buf, n, c->expect, g->last, &seq)) == 0) {
		at = n;
		seq = g->last + 1;
	}
	free(buf);
	log_warnx("spool: segment %" PRIu64 ": a damaged record at offset %" PRIu64
	    " while reading; %" PRIu64 " records skipped", g->first, c->off,
	    seq > c->expect ? seq - c->expect : 0);
	s->st.skipped += seq > c->expect ? seq - c->expect : 0;
	c->off += at;
	c->expect = seq;
	return 0;
}

int
spool_next(struct spool *s, uint64_t *seq, char *buf, size_t cap, size_t *len)
{
	const uint8_t *hdr, *data;
	int rc;

	pthread_mutex_lock(&s->mu);
	while ((rc = cursor_read(s, &s->rd, &hdr, &data)) != 0) {
		if (rc == -2 || (rc == 1 && spool_rec_crc(hdr, data, le32_get(hdr)) !=
		    le32_get(hdr + 4))) {
			if ((rc = cursor_skip_damage(s, &s->rd)) == -1)
				break;
			continue;
		}
		if (rc == -1)
			break;
		*len = le32_get(hdr);
		*seq = le64_get(hdr + 8);
		s->rd.off += REC_HDR + *len;
		s->rd.expect = *seq + 1;
		if (*seq <= s->rd.skip_upto)
			continue;
		if (*len > cap) {
			rc = -1;
			break;
		}
		memcpy(buf, data, *len);
		s->rd.skip_upto = *seq;
		break;
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

bool
spool_has_unread(struct spool *s)
{
	bool r;

	pthread_mutex_lock(&s->mu);
	r = s->rd.skip_upto + 1 < s->next_seq && s->nsegs > 0 &&
	    s->segs[s->nsegs - 1].last > s->rd.skip_upto;
	pthread_mutex_unlock(&s->mu);
	return r;
}

int
spool_ack(struct spool *s, uint64_t seq)
{
	int rc = 0;

	pthread_mutex_lock(&s->mu);
	if (seq > s->acked) {
		s->acked = seq;
		/* once per failing run: a full disk fails every ack */
		if ((rc = ack_store(s, seq)) == -1 && !s->ack_failing)
			log_warn("spool: storing ack position (a restart replays"
			    " what central already holds)");
		s->ack_failing = rc == -1;
		while (s->nsegs > 1 && s->segs[0].last <= s->acked)
			seg_drop_oldest(s);
	}
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int
spool_notify_fd(const struct spool *s)
{
	return s->efd;
}

void
spool_arm(struct spool *s)
{
	atomic_store(&s->armed, true);
}

void
spool_disarm(struct spool *s)
{
	eventfd_t v;

	atomic_store(&s->armed, false);
	(void)eventfd_read(s->efd, &v);
}

/* The wall time of the oldest record above the ack, via its own cursor. */
static usec_t
oldest_ts(struct spool *s)
{
	struct cursor *c = &s->ackc;
	const uint8_t *hdr, *data;

	if (c->fd == -1) {
		cursor_close(c);
		c->seg_first = 0;
		for (size_t i = 0; i < s->nsegs; i++)
			if (s->segs[i].last <= s->acked)
				c->seg_first = s->segs[i].first;
	}
	while (cursor_read(s, c, &hdr, &data) == 1) {
		if (le64_get(hdr + 8) > s->acked)
			return le64_get(hdr + 16);
		c->off += REC_HDR + le32_get(hdr);
	}
	return 0;
}

void
spool_stats(struct spool *s, struct spool_stats *out)
{
	pthread_mutex_lock(&s->mu);
	*out = s->st;
	out->next_seq = s->next_seq;
	out->acked = s->acked;
	out->bytes = s->bytes;
	out->segments = s->nsegs;
	out->depth = 0;
	for (size_t i = 0; i < s->nsegs; i++)
		out->depth += seg_unacked(&s->segs[i], s->acked);
	out->oldest_ts = out->depth ? oldest_ts(s) : 0;
	pthread_mutex_unlock(&s->mu);
}
