/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One appliance's session: handshake, frames in (through intake), jobs to
 * storage, acks out only once storage has committed. While a job is out the
 * session reads nothing more: that is the back-pressure.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "server-int.h"
#include "tls-server.h"
#include "writer.h"

#define RX_HELLO	1024	/* before the hello: room for the hello only */
#define RX_INITIAL	16384
#define RX_MAX		(FRAME_HDR_LEN + FRAME_MAX_PAYLOAD)
#define TX_CHUNK	16384	/* one TLS record at most per write */

static int
tx_reserve(struct conn *c, size_t n)
{
	size_t cap = c->txcap ? c->txcap : 256;
	uint8_t *p;

	if (c->txoff == c->txlen && c->wlen == 0)
		c->txoff = c->txlen = 0;
	while (cap < c->txlen + n)
		cap *= 2;
	if (cap == c->txcap)
		return 0;
	if ((p = realloc(c->tx, cap)) == NULL)
		return -1;
	c->tx = p;
	c->txcap = cap;
	return 0;
}

/* Appends one frame built by fn; -1 if memory ran out. */
static int
tx_frame(struct conn *c, size_t need, int (*fn)(struct frame_wr *, const void *),
    const void *arg)
{
	struct frame_wr w;

	if (tx_reserve(c, need) == -1)
		return -1;
	frame_wr_init(&w, c->tx + c->txlen, c->txcap - c->txlen);
	if (fn(&w, arg) == -1)
		return -1;
	c->txlen += w.len;
	return 0;
}

static int put_ack(struct frame_wr *w, const void *seq)
{
	return frame_put_ack(w, *(const uint64_t *)seq);
}

struct err_arg {
	uint16_t	 code;
	const char	*msg;
};

static int put_err(struct frame_wr *w, const void *a)
{
	const struct err_arg *e = a;

	return frame_put_error(w, e->code, e->msg);
}

static int put_push(struct frame_wr *w, const void *a)
{
	const struct pushcfg *p = a;
	uint8_t *h = w->buf;

	/* the stored blob is a whole config_push payload: frame it as it is */
	if (w->cap < FRAME_HDR_LEN + p->len)
		return -1;
	h[0] = FRAME_MAGIC0; h[1] = FRAME_MAGIC1; h[2] = FRAME_VERSION;
	h[3] = FRAME_CONFIG_PUSH;
	h[4] = (uint8_t)(p->len >> 24); h[5] = (uint8_t)(p->len >> 16);
	h[6] = (uint8_t)(p->len >> 8); h[7] = (uint8_t)p->len;
	memcpy(h + FRAME_HDR_LEN, p->blob, p->len);
	w->len = FRAME_HDR_LEN + p->len;
	return 0;
}

static void
send_ack(struct server *s, struct conn *c, uint64_t seq)
{
	if (tx_frame(c, FRAME_HDR_LEN + 8, put_ack, &seq) == 0)
		s->c.acks++;
}

/* Refuses with an error frame, flushes what it can, and closes. */
static void
refuse(struct server *s, struct conn *c, uint16_t code, const char *why)
{
	struct err_arg e = { code, why };

	log_info("%s (%s): refused, error %u: %s", c->cn[0] ? c->cn : "?", c->serial,
	    code, why);
	if (tx_frame(c, FRAME_HDR_LEN + 4 + strlen(why), put_err, &e) == 0 &&
	    session_writable(s, c) == -1)
		return;	/* already closed */
	server_close(s, c, NULL);
}

void
session_push(struct server *s, struct conn *c, const struct pushcfg *p)
{
	if (p->version <= c->config_version)
		return;
	if (tx_frame(c, FRAME_HDR_LEN + p->len, put_push, p) == -1)
		return;
	c->config_version = p->version;
	s->c.config_pushes++;
	log_info("%s: config version %" PRIu64 " pushed", c->cn, p->version);
}

static int put_offer(struct frame_wr *w, const void *a)
{
	return frame_put_file_offer(w, a);
}

static int put_chunk(struct frame_wr *w, const void *a)
{
	return frame_put_file_chunk(w, a);
}

void
session_offer(struct server *s, struct conn *c, const struct pushfile *f)
{
	struct conn_file *cf = &c->files[f->kind];
	struct frame_file_offer o;

	/* an appliance that did not say it reads offers would drop the session */
	if (f->version <= cf->version || !(c->features & FRAME_HELLO_FILES))
		return;
	filestore_offer(f, &o);
	if (tx_frame(c, FRAME_HDR_LEN + 64 + FRAME_MAX_STR + FRAME_MAX_SIG, put_offer,
	    &o) == -1)
		return;
	cf->version = f->version;
	cf->size = f->size;
	memcpy(cf->sha_hex, f->sha_hex, sizeof(cf->sha_hex));
	s->c.file_offers++;
	log_info("%s: %s version %" PRIu64 " offered (%" PRIu32 " bytes)", c->cn,
	    filestore_kind_name(f->kind), f->version, f->size);
}

/*
 * A request for bytes of a file offered in this session, answered at once
 * from files_dir. A short read (the stored file lost bytes) sends what there
 * is, at worst none: the appliance refuses the transfer as truncated.
 */
static int
file_get(struct server *s, struct conn *c, const struct frame_file_get *g)
{
	const struct conn_file *cf = &c->files[g->kind];
	struct frame_file_chunk ch = { g->kind, g->version, g->offset, NULL, 0 };
	uint8_t buf[FRAME_FILE_CHUNK_MAX];
	char path[600];
	size_t want;
	ssize_t n;
	int fd;

	if (cf->version == 0 || cf->version != g->version) {
		s->c.file_refused++;
		s->in_stats.refused[FRAME_ERR_UNEXPECTED]++;
		refuse(s, c, FRAME_ERR_UNEXPECTED, "file_get for a file not offered");
		return -1;
	}
	if (g->offset > cf->size) {
		s->c.file_refused++;
		s->in_stats.refused[FRAME_ERR_MALFORMED]++;
		refuse(s, c, FRAME_ERR_MALFORMED, "file_get offset beyond the file's size");
		return -1;
	}
	want = cf->size - g->offset < g->max_len ? cf->size - g->offset : g->max_len;
	snprintf(path, sizeof(path), "%s/%s", s->cfg->files_dir, cf->sha_hex);
	n = 0;
	if (want > 0 && (fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = pread(fd, buf, want, g->offset);
		close(fd);
	}
	if (n < (ssize_t)want)
		log_warnx("%s: %s: %zu bytes at %" PRIu32 " unreadable (%s)", c->cn,
		    path, want, g->offset, n < 0 ? strerror(errno) : "short file");
	ch.data = buf;
	ch.len = n > 0 ? (uint32_t)n : 0;
	if (tx_frame(c, FRAME_HDR_LEN + 32 + ch.len, put_chunk, &ch) == -1) {
		refuse(s, c, FRAME_ERR_INTERNAL, "out of memory");
		return -1;
	}
	s->c.file_chunks++;
	s->c.file_bytes += ch.len;
	return 0;
}

static void
submit(struct server *s, struct conn *c, struct job *j)
{
	j->fd = c->fd;
	j->gen = c->gen;
	snprintf(j->appliance, sizeof(j->appliance), "%s", c->cn);
	c->busy = true;
	if (writer_submit(s->writer, j) == -1) {
		c->parked = j;	/* storage is behind: wait, read nothing */
		s->c.backpressure++;
	}
}

void
session_retry_parked(struct server *s, struct conn *c)
{
	if (c->parked != NULL && writer_submit(s->writer, c->parked) == 0)
		c->parked = NULL;
}

/* An evidence chunk: its payload copied, the session's certificate with it. */
static int
evidence_job(struct server *s, struct conn *c, const struct intake_result *r)
{
	struct job *j = job_new(JOB_EVIDENCE);
	struct frame f = r->f;
	const uint8_t *der;
	size_t derlen;

	if (j == NULL)
		return -1;
	der = tls_sess_peer_der(c->tls, &derlen);
	j->data = malloc(f.len ? f.len : 1);
	j->cert = malloc(derlen ? derlen : 1);
	if (j->data == NULL || j->cert == NULL || der == NULL) {
		job_free(j);
		return -1;
	}
	memcpy(j->data, f.payload, f.len);
	memcpy(j->cert, der, derlen);
	j->certlen = derlen;
	f.payload = (const uint8_t *)j->data;
	(void)frame_evidence_decode(&f, &j->ev);	/* intake decoded these bytes */
	j->last_seq = r->last_seq;
	j->spool = c->spool;
	j->evdir = s->cfg->evidence_dir;
	j->evmax = s->cfg->evidence_max;
	submit(s, c, j);
	return 0;
}

static int
frame_to_job(struct server *s, struct conn *c, const struct intake_result *r)
{
	struct job *j = job_new(r->what == IN_HELLO ? JOB_HELLO :
	    r->what == IN_REPORT ? JOB_REPORT : r->what == IN_FILE_ACK ? JOB_FILE_ACK :
	    JOB_CONFIG_ACK);

	if (j == NULL)
		return -1;
	if (r->what == IN_HELLO) {
		snprintf(j->serial, sizeof(j->serial), "%s", c->serial);
		snprintf(j->firmware, sizeof(j->firmware), "%.*s",
		    (int)r->hello.firmware.len, r->hello.firmware.p);
		j->config_version = c->config_version = r->hello.config_version;
		j->features = c->features = r->hello.features;
		j->last_seq = r->hello.last_acked;
		j->spool.epoch = r->hello.spool_epoch;
	} else if (r->what == IN_REPORT) {
		j->last_seq = r->last_seq;
		j->spool = c->spool;
		if (intake_copy_report(&r->f, &j->recs, &j->data, &j->nrecs) == -1) {
			job_free(j);
			return -1;
		}
	} else if (r->what == IN_FILE_ACK) {
		j->kind = r->fack.kind;
		j->config_version = r->fack.version;
		j->status = r->fack.status;
		snprintf(j->message, sizeof(j->message), "%.*s",
		    (int)r->fack.message.len, r->fack.message.p);
	} else {
		j->config_version = r->cack.version;
		j->status = r->cack.status;
		snprintf(j->message, sizeof(j->message), "%.*s",
		    (int)r->cack.message.len, r->cack.message.p);
	}
	submit(s, c, j);
	return 0;
}

/* One frame off the receive buffer; -1 when the session was closed. */
static int
on_frame(struct server *s, struct conn *c, const struct intake_result *r)
{
	switch (r->what) {
	case IN_REFUSE:
		refuse(s, c, r->code, r->why);
		return -1;
	case IN_PEER_ERROR:
		log_info("%s: appliance reports error %u: %.*s", c->cn, r->err.code,
		    (int)r->err.message.len, r->err.message.p);
		return 0;
	case IN_FILE_GET:
		return file_get(s, c, &r->fget);
	default:
		if ((r->what == IN_EVIDENCE ? evidence_job(s, c, r) :
		    frame_to_job(s, c, r)) == -1) {
			refuse(s, c, FRAME_ERR_INTERNAL, "out of memory");
			return -1;
		}
		return 0;
	}
}

/* Room to read into: small until the hello, then up to one whole frame. */
static int
rx_room(struct conn *c)
{
	size_t max = c->in.hello_done ? RX_MAX : RX_HELLO;
	size_t want = c->in.hello_done ? RX_INITIAL : RX_HELLO;
	uint8_t *p;

	if (want < c->rxcap)
		want = c->rxcap;
	/* a known frame length may need more room: never past one whole frame */
	if (c->rxlen >= FRAME_HDR_LEN) {
		size_t need = FRAME_HDR_LEN + ((size_t)c->rx[4] << 24 |
		    (size_t)c->rx[5] << 16 | (size_t)c->rx[6] << 8 | c->rx[7]);

		while (want < need && want < max)
			want *= 2;
	}
	if (want > max)
		want = max;
	if (want == c->rxcap)
		return 0;
	if ((p = realloc(c->rx, want)) == NULL)
		return -1;
	c->rx = p;
	c->rxcap = want;
	return 0;
}

static void
rx_consume(struct conn *c, size_t n)
{
	memmove(c->rx, c->rx + n, c->rxlen - n);
	c->rxlen -= n;
	if (c->rxlen == 0 && c->rxcap > 4 * RX_INITIAL) {
		free(c->rx);	/* a big report passed: give the memory back */
		c->rx = NULL;
		c->rxcap = 0;
	}
}

/*
 * TLS state only once the peer has sent something: a silent connection costs
 * its descriptor and struct conn. 1 go on, 0 wait, -1 closed.
 */
static int
tls_start(struct server *s, struct conn *c)
{
	uint8_t b;
	ssize_t n;

	if (c->tls != NULL)
		return 1;
	if ((n = recv(c->fd, &b, 1, MSG_PEEK)) == -1 && (errno == EAGAIN ||
	    errno == EWOULDBLOCK || errno == EINTR))
		return 0;
	if (n <= 0) {
		server_close(s, c, NULL);	/* gone without a word */
		return -1;
	}
	if (!server_hs_begin(s, c))
		return 0;	/* handshakes_max are running: its turn comes */
	if ((c->tls = tls_sess_new(s->tls, c->fd)) == NULL) {
		server_close(s, c, NULL);	/* no memory */
		return -1;
	}
	return 1;
}

/* 1 handshake done, 0 wait, -1 closed. */
static int
handshake(struct server *s, struct conn *c)
{
	int rc;

	if ((rc = tls_start(s, c)) <= 0)
		return rc;
	if ((rc = tls_sess_handshake(c->tls)) == 0)
		return 0;
	if (rc == -1) {
		s->c.handshake_failed++;
		log_info("fd %d: handshake refused: %s", c->fd, tls_sess_error(c->tls));
		server_close(s, c, NULL);
		return -1;
	}
	snprintf(c->cn, sizeof(c->cn), "%s", tls_sess_cn(c->tls));
	snprintf(c->serial, sizeof(c->serial), "%s", tls_sess_serial(c->tls));
	intake_init(&c->in, c->cn, &s->in_stats);
	c->state = CONN_HELLO;
	s->c.sessions++;
	server_identified(s, c);
	return 1;
}

/* 1 read something, 0 would block, -1 closed. */
static int
fill(struct server *s, struct conn *c)
{
	ssize_t n;

	if (rx_room(c) == -1) {
		refuse(s, c, FRAME_ERR_INTERNAL, "out of memory");
		return -1;
	}
	if (c->rxlen == c->rxcap) {	/* only before the hello: later it is one frame */
		s->in_stats.refused[FRAME_ERR_OVERSIZED]++;
		refuse(s, c, FRAME_ERR_OVERSIZED, "first frame larger than a hello");
		return -1;
	}
	if ((n = tls_sess_read(c->tls, c->rx + c->rxlen, c->rxcap - c->rxlen)) == 0)
		return 0;
	if (n < 0) {
		server_close(s, c, tls_sess_error(c->tls));
		return -1;
	}
	c->rxlen += (size_t)n;
	c->last_active = time(NULL);
	return 1;
}

/* Runs the session as far as it can go without waiting. */
void
session_drive(struct server *s, struct conn *c)
{
	struct intake_result r;
	int rc;

	while (!c->busy) {
		if (c->state == CONN_HANDSHAKE) {
			if ((rc = handshake(s, c)) <= 0) {
				if (rc == 0)
					server_interest(s, c);
				return;
			}
			continue;
		}
		if (intake_next(&c->in, c->rx, c->rxlen, &r) != IN_MORE) {
			if (on_frame(s, c, &r) == -1)
				return;
			rx_consume(c, r.consumed);
			continue;
		}
		if ((rc = fill(s, c)) == -1)
			return;
		if (rc == 0)
			break;
	}
	(void)session_writable(s, c);
}

/* Sends what is queued; a would-block is retried with the same length. -1: closed. */
int
session_writable(struct server *s, struct conn *c)
{
	while (c->txoff < c->txlen) {
		size_t n = c->wlen ? c->wlen : c->txlen - c->txoff;
		ssize_t w;

		if (n > TX_CHUNK)
			n = TX_CHUNK;
		if ((w = tls_sess_write(c->tls, c->tx + c->txoff, n)) == 0) {
			c->wlen = n;
			break;
		}
		c->wlen = 0;
		if (w < 0) {
			server_close(s, c, tls_sess_error(c->tls));
			return -1;
		}
		c->txoff += (size_t)w;
	}
	if (c->txoff == c->txlen)
		c->txoff = c->txlen = 0;
	server_interest(s, c);
	return 0;
}

static int
hello_done(struct server *s, struct conn *c, struct job *j)
{
	c->state = CONN_UP;
	snprintf(c->grp, sizeof(c->grp), "%s", j->grp);
	c->spool = j->spool;
	intake_resume(&c->in, j->high_seq, j->spool.base, s->cfg->seq_window);
	if (j->renumbered)
		log_info("%s: a new spool (epoch %016" PRIx64 "): its seqs are stored"
		    " from %" PRIu64 " on", c->cn, j->spool.epoch, j->spool.base + 1);
	log_info("%s (serial %s, group %s): session up, committed up to %" PRIu64,
	    c->cn, c->serial, c->grp, j->high_seq);
	send_ack(s, c, j->high_seq);
	if (j->push != NULL)
		session_push(s, c, j->push);
	for (struct pushfile *f = j->files; f != NULL; f = f->next)
		session_offer(s, c, f);
	return 0;
}

void
session_job_done(struct server *s, struct conn *c, struct job *j)
{
	c->busy = false;
	if (j->rc == -1) {
		s->c.storage_failures++;
		refuse(s, c, FRAME_ERR_INTERNAL, "storage failed; retry later");
		return;
	}
	if (j->type == JOB_HELLO)
		hello_done(s, c, j);
	else if ((j->type == JOB_REPORT || j->type == JOB_EVIDENCE) && j->stale) {
		refuse(s, c, FRAME_ERR_SEQUENCE, "another session renumbered this"
		    " appliance's spool; reconnect");
		return;
	} else if (j->type == JOB_REPORT) {
		s->c.reports_committed++;
		s->c.records_stored += j->counts.stored;
		s->c.duplicates += j->counts.duplicates;
		send_ack(s, c, j->last_seq);	/* committed: now it may be acked */
	} else if (j->type == JOB_EVIDENCE) {
		s->c.evidence_chunks += j->evcounts.chunks;
		s->c.evidence_files += j->evcounts.files;
		s->c.evidence_refused += j->evcounts.refused;
		s->c.duplicates += j->evcounts.duplicates;
		send_ack(s, c, j->last_seq);
	} else if (j->type == JOB_CONFIG_ACK) {
		s->c.config_acks++;
		log_info("%s: config version %" PRIu64 " answer %d: %s", c->cn,
		    j->config_version, j->status, j->message);
	} else if (j->type == JOB_FILE_ACK) {
		s->c.file_acks++;
		log_info("%s: %s version %" PRIu64 ": %s: %s", c->cn,
		    filestore_kind_name(j->kind), j->config_version,
		    filestore_ack_state(j->status, true), j->message);
	}
	session_drive(s, c);
}
