/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Uplink state machine: idle (backoff) -> connecting -> handshake -> hello ->
 * up; any failure closes the session and goes back to idle with exponential
 * backoff and jitter. Records are replayed from the last ack on every session.
 * Config pushes are handled in uplink-config.c.
 */
#include <sys/types.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "frame.h"
#include "log.h"
#include "tls.h"
#include "uplink-int.h"

#define TX_CAP		(FRAME_HDR_LEN + FRAME_MAX_PAYLOAD)
#define RX_CAP		(FRAME_HDR_LEN + FRAME_MAX_PAYLOAD)
#define REPORT_BYTES	(256 * 1024)	/* target size of one report frame */
#define CONNECT_TIMEOUT	(10 * USEC_PER_SEC)

static const char *const state_names[] = {
	[UPLINK_IDLE] = "idle", [UPLINK_CONNECTING] = "connecting",
	[UPLINK_HANDSHAKE] = "handshake", [UPLINK_HELLO] = "hello",
	[UPLINK_UP] = "up", [UPLINK_STOPPED] = "stopped",
};

const char *
uplink_state_str(enum uplink_state s)
{
	return s <= UPLINK_STOPPED ? state_names[s] : "?";
}

/* xorshift64: jitter only, not security. */
static uint64_t
rnd(struct uplink *u)
{
	u->rng ^= u->rng << 13;
	u->rng ^= u->rng >> 7;
	u->rng ^= u->rng << 17;
	return u->rng;
}

static void
set_state(struct uplink *u, enum uplink_state s)
{
	u->state = s;
	pthread_mutex_lock(&u->mu);
	u->st.state = s;
	u->st.state_str = uplink_state_str(s);
	pthread_mutex_unlock(&u->mu);
}

static void set_error(struct uplink *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* Remembers the reason for status and logs it once per change. */
static void
set_error(struct uplink *u, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	bool changed;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&u->mu);
	changed = strcmp(buf, u->st.last_error) != 0;
	snprintf(u->st.last_error, sizeof(u->st.last_error), "%s", buf);
	pthread_mutex_unlock(&u->mu);
	if (changed)
		log_warnx("uplink: %s", buf);
}

static int
copy_str(char *dst, size_t len, const char *src, const char *what,
    char *err, size_t errlen)
{
	if (src == NULL || src[0] == '\0' || strlen(src) >= len) {
		snprintf(err, errlen, "uplink: %s is missing or too long", what);
		return -1;
	}
	memcpy(dst, src, strlen(src) + 1);
	return 0;
}

struct uplink *
uplink_new(const struct uplink_conf *c, struct spool *spool, char *err,
    size_t errlen)
{
	struct tls_conf tc = { c->tls_ca, c->tls_cert, c->tls_key, c->server_name };
	struct uplink *u;

	if ((u = calloc(1, sizeof(*u))) == NULL) {
		snprintf(err, errlen, "uplink: out of memory");
		return NULL;
	}
	u->conf = *c;
	u->spool = spool;
	u->fd = u->stopfd = u->xfer.fd = -1;
	pthread_mutex_init(&u->mu, NULL);
	if ((u->nep = uplink_endpoints_parse(c->host, c->port, u->ep, UPLINK_ENDPOINTS,
	    err, errlen)) == -1 ||
	    copy_str(u->server_name, sizeof(u->server_name), c->server_name,
	    "central_name", err, errlen) ||
	    copy_str(u->firmware, sizeof(u->firmware), c->firmware_version,
	    "firmware version", err, errlen))
		goto err_free;
	if (c->port == 0 || c->apply == NULL) {
		snprintf(err, errlen, "uplink: central_port and an apply callback are required");
		goto err_free;
	}
	if ((u->tls_ctx = tls_ctx_new(&tc, err, errlen)) == NULL)
		goto err_free;
	if (c->config_pubkey != NULL && c->config_pubkey[0] != '\0' &&
	    (u->sigkey = tls_sigkey_load(c->config_pubkey, err, errlen)) == NULL)
		goto err_free;
	u->conf.backoff_min = c->backoff_min ? c->backoff_min : USEC_PER_SEC;
	u->conf.backoff_max = c->backoff_max ? c->backoff_max : 60 * USEC_PER_SEC;
	u->conf.ack_timeout = c->ack_timeout ? c->ack_timeout : 30 * USEC_PER_SEC;
	u->conf.batch_records = c->batch_records ? c->batch_records : 512;
	u->conf.window = c->window ? c->window : 16384;
	if (uplink_fw_init(u, err, errlen) == -1)
		goto err_free;
	if (c->file_chunk == 0 || c->file_chunk > FRAME_FILE_CHUNK_MAX)
		u->conf.file_chunk = FRAME_FILE_CHUNK_MAX;
	u->tx = malloc(TX_CAP);
	u->rx = malloc(RX_CAP);
	u->rec = malloc(SPOOL_MAX_RECORD);
	if ((u->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1 ||
	    u->tx == NULL || u->rx == NULL || u->rec == NULL) {
		snprintf(err, errlen, "uplink: %s", strerror(errno));
		goto err_free;
	}
	u->st.config_version = c->config_version;
	u->st.state_str = uplink_state_str(UPLINK_STOPPED);
	u->state = u->st.state = UPLINK_STOPPED;
	snprintf(u->st.appliance_id, sizeof(u->st.appliance_id), "%s",
	    tls_ctx_identity(u->tls_ctx));
	return u;
err_free:
	uplink_free(u);
	return NULL;
}

void
uplink_free(struct uplink *u)
{
	if (u == NULL)
		return;
	uplink_stop(u);
	tls_sigkey_free(u->sigkey);
	tls_ctx_free(u->tls_ctx);
	if (u->stopfd != -1)
		close(u->stopfd);
	free(u->tx);
	free(u->rx);
	free(u->rec);
	pthread_mutex_destroy(&u->mu);
	free(u);
}

void
uplink_status(struct uplink *u, struct uplink_status *out)
{
	pthread_mutex_lock(&u->mu);
	*out = u->st;
	pthread_mutex_unlock(&u->mu);
	spool_stats(u->spool, &out->spool);
}

/* --- framing over the session ------------------------------------------ */

/* Queues a control frame; they go out before the next reports. */
void
uplink_ctl_queue(struct uplink *u, int (*put)(struct frame_wr *, void *), void *arg)
{
	struct frame_wr w;

	frame_wr_init(&w, u->ctl + u->ctl_len, sizeof(u->ctl) - u->ctl_len);
	if (put(&w, arg) == 0) {
		u->ctl_len += w.len;
		STAT_ADD(u, frames_tx, 1);
	}
}

struct err_arg { uint16_t code; const char *msg; };
static int
put_err(struct frame_wr *w, void *a)
{
	struct err_arg *e = a;

	return frame_put_error(w, e->code, e->msg);
}

void
uplink_refuse(struct uplink *u, uint16_t code, const char *why)
{
	struct err_arg e = { code, why };

	STAT_ADD(u, bad_frames, 1);
	uplink_ctl_queue(u, put_err, &e);
}

/* The endpoint the next session goes to, shown in the status. */
static void
use_endpoint(struct uplink *u, int i)
{
	const struct uplink_endpoint *e = &u->ep[i];
	bool moved = i != u->cur;

	u->cur = i;
	pthread_mutex_lock(&u->mu);
	snprintf(u->st.endpoint, sizeof(u->st.endpoint), strchr(e->host, ':') != NULL ?
	    "[%s]:%u" : "%s:%u", e->host, e->port);
	if (moved)
		u->st.failovers++;
	pthread_mutex_unlock(&u->mu);
}

static void
session_close(struct uplink *u, bool failed)
{
	usec_t d;
	size_t n;

	/* best effort: tell the server why, if no frame is half written */
	if (failed && u->tls != NULL && u->ctl_len > 0 && u->txoff == u->txlen)
		(void)tls_write(u->tls, u->ctl, u->ctl_len, &n);
	if (u->tls != NULL) {
		tls_free(u->tls);
		u->tls = NULL;
	}
	if (u->fd != -1)
		close(u->fd);
	u->fd = -1;
	u->txlen = u->txoff = u->rxlen = u->ctl_len = 0;
	u->held = false;
	u->failback_at = 0;
	uplink_file_pause(u);
	if (failed) {
		if (u->state == UPLINK_HELLO)
			STAT_ADD(u, refused, 1);
		STAT_ADD(u, failures, 1);
		/* the next central at once; the backoff grows once all have failed */
		if (++u->ep_failed % (unsigned)u->nep == 0) {
			u->backoff = u->backoff ? u->backoff * 2 : u->conf.backoff_min;
			if (u->backoff > u->conf.backoff_max)
				u->backoff = u->conf.backoff_max;
		}
		if (u->nep > 1)
			use_endpoint(u, (u->cur + 1) % u->nep);
	}
	/* full jitter over the upper half: spreads a fleet reconnecting at once */
	d = u->backoff ? u->backoff / 2 + rnd(u) % (u->backoff / 2 + 1) : 0;
	if (failed && u->ep_failed % (unsigned)u->nep != 0)
		d = u->conf.backoff_min / 2 + rnd(u) % (u->conf.backoff_min / 2 + 1);
	u->deadline = clock_mono() + d;
	set_state(u, UPLINK_IDLE);
}

static void
on_ack(struct uplink *u, uint64_t seq)
{
	struct spool_stats ss;

	spool_stats(u->spool, &ss);
	if (u->state == UPLINK_HELLO) {
		/*
		 * The hello's answer acks nothing here: this session sent nothing
		 * yet, and a wiped spool or a forged seq at central would otherwise
		 * mark unsent records delivered. Replay from our own ack; central
		 * dedupes what it already holds. New records go above its high-water.
		 */
		if (seq >= ss.next_seq) {
			log_warnx("uplink: central holds seq %" PRIu64 " but the spool "
			    "only reached %" PRIu64 "; numbering new records above it",
			    seq, ss.next_seq - 1);
			spool_seq_floor(u->spool, seq);
		}
		spool_rewind(u->spool, ss.acked);
		u->sent_top = u->server_acked = ss.acked;
		u->backoff = 0;
		u->deadline = 0;
		u->ep_failed = 0;
		u->failback_at = u->cur != 0 && u->conf.failback != 0 ?
		    clock_mono() + u->conf.failback : 0;
		STAT_ADD(u, sessions, 1);
		set_state(u, UPLINK_UP);
		log_info("uplink: session up to %s (%s), resuming after seq %" PRIu64,
		    u->st.endpoint, u->st.session, u->sent_top);
	} else if (seq > u->sent_top) {
		uplink_refuse(u, FRAME_ERR_SEQUENCE, "ack above the highest seq sent");
		return;
	} else if (seq > u->server_acked) {
		u->server_acked = seq;
		(void)spool_ack(u->spool, seq);
		u->deadline = 0;
	}
	pthread_mutex_lock(&u->mu);
	u->st.acked = u->server_acked;
	pthread_mutex_unlock(&u->mu);
}

/* One frame from the server; -1 closes the session. */
static int
on_frame(struct uplink *u, const struct frame *f)
{
	struct frame_error e;
	uint64_t seq;

	STAT_ADD(u, frames_rx, 1);
	switch (f->type) {
	case FRAME_ACK:
		if (frame_ack_decode(f, &seq) != FRAME_OK) {
			uplink_refuse(u, FRAME_ERR_MALFORMED, "malformed ack");
			return 0;
		}
		on_ack(u, seq);
		return 0;
	case FRAME_CONFIG_PUSH:
		if (u->state != UPLINK_UP)
			break;
		uplink_config_push(u, f);
		return 0;
	case FRAME_FILE_OFFER:
		if (u->state != UPLINK_UP)
			break;
		uplink_file_offer(u, f);
		return 0;
	case FRAME_FILE_CHUNK:
		if (u->state != UPLINK_UP)
			break;
		uplink_file_chunk(u, f);
		return 0;
	case FRAME_ERROR:
		STAT_ADD(u, errors_rx, 1);
		if (frame_error_decode(f, &e) == FRAME_OK)
			set_error(u, "central refused: code %u: %.*s", e.code,
			    (int)e.message.len, e.message.p);
		else
			set_error(u, "central sent a malformed error frame");
		return -1;
	}
	uplink_refuse(u, FRAME_ERR_UNEXPECTED, "unexpected frame type");
	return 0;
}

/* Splits and handles every whole frame in rx; -1 on a stream that cannot resync. */
static int
rx_frames(struct uplink *u)
{
	enum frame_status s;
	struct frame f;
	size_t used, off = 0;

	while ((s = frame_next(u->rx + off, u->rxlen - off, &f, &used)) == FRAME_OK) {
		if (on_frame(u, &f) == -1)
			return -1;
		off += used;
	}
	if (off > 0) {
		memmove(u->rx, u->rx + off, u->rxlen - off);
		u->rxlen -= off;
	}
	if (s == FRAME_SHORT)
		return 0;
	uplink_refuse(u, s == FRAME_OVERSIZED ? FRAME_ERR_OVERSIZED : s ==
	    FRAME_BAD_VERSION ? FRAME_ERR_VERSION : FRAME_ERR_MALFORMED,
	    frame_status_str(s));
	set_error(u, "bad frame from central: %s", frame_status_str(s));
	return -1;
}

/* --- filling the transmit buffer --------------------------------------- */

/* 1 with the next spool record held in rec, 0 when none (or a read error). */
static int
hold_next(struct uplink *u)
{
	int rc;

	if (u->held)
		return 1;
	rc = spool_next(u->spool, &u->held_seq, (char *)u->rec, SPOOL_MAX_RECORD,
	    &u->held_len);
	if (rc == -1)
		set_error(u, "spool read failed; waiting");
	if (rc != 1)
		return 0;
	u->held = true;
	return 1;
}

static bool
held_is_evidence(const struct uplink *u)
{
	return u->held_len > FRAME_EV_MAGIC_LEN &&
	    memcmp(u->rec, FRAME_EV_MAGIC, FRAME_EV_MAGIC_LEN) == 0;
}

/* A record the frame format refuses (e.g. holds a newline): skipped, logged. */
static int
skip_held(struct uplink *u)
{
	log_warnx("uplink: record %" PRIu64 " is not sendable; skipped", u->held_seq);
	u->held = false;
	u->sent_top = u->held_seq;
	return 1;
}

/* The held evidence chunk as its own frame; 0 when tx has no room for it now. */
static int
tx_evidence(struct uplink *u)
{
	struct frame_wr w;

	frame_wr_init(&w, u->tx + u->txlen, TX_CAP - u->txlen);
	if (frame_put_evidence(&w, u->held_seq, u->rec + FRAME_EV_MAGIC_LEN,
	    u->held_len - FRAME_EV_MAGIC_LEN) == -1)
		return u->txlen == 0 ? skip_held(u) : 0;
	u->held = false;
	u->sent_top = u->held_seq;
	u->txlen += w.len;
	STAT_ADD(u, records_sent, 1);
	STAT_ADD(u, frames_tx, 1);
	return 1;
}

/*
 * Appends one frame from the spool: a report of the records up to the next
 * evidence chunk, or that chunk; 0 when there was nothing to send.
 */
static int
tx_report(struct uplink *u)
{
	struct frame_wr w;
	uint32_t budget;
	int n;

	if (u->sent_top - u->server_acked >= u->conf.window)
		return 0;
	budget = u->conf.window - (uint32_t)(u->sent_top - u->server_acked);
	if (budget > u->conf.batch_records)
		budget = u->conf.batch_records;
	if (hold_next(u) == 0)
		return 0;
	if (held_is_evidence(u))
		return tx_evidence(u);
	frame_wr_init(&w, u->tx + u->txlen, TX_CAP - u->txlen);
	if (frame_report_open(&w) == -1)
		return 0;
	for (n = 0; n < (int)budget && w.len < REPORT_BYTES; n++) {
		if (hold_next(u) == 0 || held_is_evidence(u))
			break;
		if (frame_report_add(&w, u->held_seq, (const char *)u->rec,
		    u->held_len) == -1)
			break;
		u->held = false;
		u->sent_top = u->held_seq;
	}
	n = frame_report_close(&w);
	if (n == 0 && u->held && w.len == 0 && u->txlen == 0)
		return skip_held(u);
	u->txlen += w.len;
	STAT_ADD(u, records_sent, (uint64_t)n);
	STAT_ADD(u, frames_tx, n > 0);
	return n;
}

/* Refills tx only when empty: a pending write is retried with the same buffer. */
static void
tx_fill(struct uplink *u)
{
	if (u->txoff < u->txlen)
		return;
	u->txoff = u->txlen = 0;
	if (u->ctl_len > 0) {
		memcpy(u->tx, u->ctl, u->ctl_len);
		u->txlen = u->ctl_len;
		u->ctl_len = 0;
	}
	if (u->state != UPLINK_UP)
		return;
	while (u->txlen < TX_CAP / 2 && tx_report(u) > 0)
		;
	if (u->sent_top > u->server_acked && u->deadline == 0)
		u->deadline = clock_mono() + u->conf.ack_timeout;
}

/* --- the session ------------------------------------------------------- */

static int
start_connect(struct uplink *u)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *res = NULL, *ai;
	char port[8];
	int rc, one = 1;

	snprintf(port, sizeof(port), "%u", u->ep[u->cur].port);
	STAT_ADD(u, connects, 1);
	if ((rc = getaddrinfo(u->ep[u->cur].host, port, &hints, &res)) != 0) {
		set_error(u, "%s: %s", u->ep[u->cur].host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		u->fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, ai->ai_protocol);
		if (u->fd == -1)
			continue;
		(void)setsockopt(u->fd, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
		(void)setsockopt(u->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		if (connect(u->fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
		    errno == EINPROGRESS)
			break;
		close(u->fd);
		u->fd = -1;
	}
	freeaddrinfo(res);
	if (u->fd == -1) {
		set_error(u, "connect %s: %s", u->st.endpoint, strerror(errno));
		return -1;
	}
	u->deadline = clock_mono() + CONNECT_TIMEOUT;
	set_state(u, UPLINK_CONNECTING);
	return 0;
}

static int
connected(struct uplink *u)
{
	int soerr = 0;
	socklen_t sl = sizeof(soerr);

	if (getsockopt(u->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == -1 || soerr) {
		set_error(u, "connect %s: %s", u->st.endpoint, strerror(soerr ? soerr : errno));
		return -1;
	}
	if ((u->tls = tls_new(u->tls_ctx, u->fd)) == NULL) {
		set_error(u, "tls: cannot set up a session");
		return -1;
	}
	set_state(u, UPLINK_HANDSHAKE);
	return 0;
}

static int
put_hello(struct frame_wr *w, void *a)
{
	struct uplink *u = a;
	struct spool_stats ss;
	const char *id = tls_ctx_identity(u->tls_ctx);
	struct frame_hello h = {
		.config_version = uplink_config_version(u),
		.appliance_id = { id, (uint16_t)strlen(id) },
		.firmware = { u->firmware, (uint16_t)strlen(u->firmware) },
	};

	spool_stats(u->spool, &ss);
	h.last_acked = ss.acked;
	h.spool_epoch = spool_epoch(u->spool);
	h.features = FRAME_HELLO_FILES;
	return frame_put_hello(w, &h);
}

/* Drives the handshake; on success queues the hello. */
static int
handshake(struct uplink *u, short *events)
{
	char desc[96];

	switch (tls_handshake(u->tls)) {
	case TLS_WANT_READ:
		*events = POLLIN;
		return 0;
	case TLS_WANT_WRITE:
		*events = POLLOUT;
		return 0;
	case TLS_DONE:
		break;
	default:
		set_error(u, "%s", tls_errstr(u->tls));
		return -1;
	}
	pthread_mutex_lock(&u->mu);
	snprintf(u->st.session, sizeof(u->st.session), "%s",
	    tls_describe(u->tls, desc, sizeof(desc)));
	pthread_mutex_unlock(&u->mu);
	/* 2.28 can finish a handshake the server refused: the hello ack proves it */
	uplink_ctl_queue(u, put_hello, u);
	set_state(u, UPLINK_HELLO);
	*events = POLLIN;
	return 0;
}

/* Reads and writes until both would block; -1 closes the session. */
static int
pump(struct uplink *u, short *events)
{
	enum tls_rc rc;
	size_t n;
	int writes = 0;

	*events = POLLIN;
	for (;;) {
		rc = tls_read(u->tls, u->rx + u->rxlen, RX_CAP - u->rxlen, &n);
		if (rc == TLS_DONE) {
			u->rxlen += n;
			if (rx_frames(u) == -1)
				return -1;
			continue;
		}
		if (rc != TLS_WANT_READ && rc != TLS_WANT_WRITE)
			goto fail;
		tx_fill(u);
		if (u->txoff == u->txlen)
			return 0;
		if (++writes > 64) {
			*events |= POLLOUT;	/* let the loop see stop and heartbeats */
			return 0;
		}
		rc = tls_write(u->tls, u->tx + u->txoff, u->txlen - u->txoff, &n);
		if (rc == TLS_DONE) {
			u->txoff += n;
			continue;
		}
		if (rc == TLS_WANT_WRITE || rc == TLS_WANT_READ) {
			*events |= rc == TLS_WANT_WRITE ? POLLOUT : 0;
			return 0;
		}
		goto fail;
	}
fail:
	if (u->state == UPLINK_HELLO)
		set_error(u, "session refused before the first server frame "
		    "(client certificate rejected?): %s", tls_errstr(u->tls));
	else
		set_error(u, "%s", tls_errstr(u->tls));
	return -1;
}

/* Appends a health record; any thread (status, counters and the spool lock). */
void
uplink_heartbeat(struct uplink *u)
{
	struct health h = { 0 };
	struct uplink_status st;
	char buf[1024];
	size_t n;

	uplink_status(u, &st);
	h.now = clock_wall();
	h.started = u->started;
	h.firmware = u->firmware;
	h.config_version = st.config_version;
	if (u->conf.counters != NULL)
		u->conf.counters(u->conf.counters_arg, &h.c);
	h.spool_depth = st.spool.depth;
	h.spool_bytes = st.spool.bytes;
	h.spool_dropped = st.spool.dropped;
	h.spool_write_errors = st.spool.write_errors;
	h.spool_skipped = st.spool.skipped;
	h.spool_oldest_ts = st.spool.oldest_ts;
	h.tls_state = st.state_str;
	h.tls_connects = st.connects;
	h.tls_failures = st.failures;
	if ((n = health_format(&h, buf, sizeof(buf))) > 0 &&
	    spool_append(u->spool, buf, n, NULL) == 0)
		STAT_ADD(u, heartbeats, 1);
}

static void
heartbeat_due(struct uplink *u, usec_t now)
{
	if (u->conf.heartbeat_interval == 0 || now < u->next_heartbeat)
		return;
	u->next_heartbeat = now + u->conf.heartbeat_interval;
	uplink_heartbeat(u);
}

void
uplink_set_config_version(struct uplink *u, uint64_t version)
{
	pthread_mutex_lock(&u->mu);
	u->st.config_version = version;
	pthread_mutex_unlock(&u->mu);
}

uint64_t
uplink_config_version(struct uplink *u)
{
	uint64_t v;

	pthread_mutex_lock(&u->mu);
	v = u->st.config_version;
	pthread_mutex_unlock(&u->mu);
	return v;
}

/* One step of the state machine; returns the socket events to wait for. */
static short
step(struct uplink *u, usec_t now)
{
	short ev = 0;
	int rc = 0;

	if (u->deadline != 0 && now >= u->deadline && u->state != UPLINK_IDLE) {
		set_error(u, "%s timed out", uplink_state_str(u->state));
		session_close(u, true);
		return 0;
	}
	switch (u->state) {
	case UPLINK_IDLE:
		if (now < u->deadline)
			return 0;
		u->deadline = 0;
		if (start_connect(u) == -1)
			session_close(u, true);
		return u->fd != -1 ? POLLOUT : 0;
	case UPLINK_CONNECTING:
		return POLLOUT;		/* connected() runs on POLLOUT */
	case UPLINK_HANDSHAKE:
		rc = handshake(u, &ev);
		if (rc == 0 && u->state == UPLINK_HANDSHAKE)
			return ev;
		/* FALLTHROUGH */
	case UPLINK_HELLO:
	case UPLINK_UP:
		if (u->state == UPLINK_UP && u->failback_at != 0 && now >= u->failback_at &&
		    u->txoff == u->txlen) {
			/* between frames: what is not acked goes again, central dedupes */
			log_info("uplink: back to the first central after %llu s on %s",
			    (unsigned long long)(u->conf.failback / USEC_PER_SEC), u->st.endpoint);
			session_close(u, false);
			use_endpoint(u, 0);
			return 0;
		}
		if (rc == 0)
			rc = pump(u, &ev);
		break;
	case UPLINK_STOPPED:
		break;
	}
	if (rc == -1) {
		session_close(u, true);
		return 0;
	}
	return ev;
}

static int
poll_timeout(const struct uplink *u, usec_t now)
{
	usec_t t = u->next_heartbeat && u->conf.heartbeat_interval ?
	    u->next_heartbeat : now + USEC_PER_SEC;

	if (u->deadline != 0 && u->deadline < t)
		t = u->deadline;
	if (u->state == UPLINK_UP || u->state == UPLINK_IDLE)
		t = t < now + 200 * 1000 ? t : now + 200 * 1000;	/* spool_sync */
	return t <= now ? 0 : (int)((t - now + 999) / 1000);
}

static void *
run(void *arg)
{
	struct uplink *u = arg;
	struct pollfd pfd[3];
	usec_t now;
	short ev;

	u->rng = clock_mono() ^ ((uint64_t)getpid() << 32) ^ (uintptr_t)u;
	use_endpoint(u, 0);
	u->next_heartbeat = clock_mono();
	set_state(u, UPLINK_IDLE);
	for (;;) {
		now = clock_mono();
		heartbeat_due(u, now);
		ev = step(u, now);
		uplink_fw_tick(u, now);
		spool_arm(u->spool);
		/* an append between step() and arm would otherwise be missed */
		if (u->state == UPLINK_UP && u->txoff == u->txlen &&
		    spool_has_unread(u->spool) &&
		    u->sent_top - u->server_acked < u->conf.window)
			ev |= POLLOUT;
		pfd[0] = (struct pollfd){ u->stopfd, POLLIN, 0 };
		pfd[1] = (struct pollfd){ spool_notify_fd(u->spool), POLLIN, 0 };
		pfd[2] = (struct pollfd){ u->fd, ev, 0 };
		if (u->tls != NULL && tls_pending(u->tls))
			pfd[2].revents = POLLIN;	/* decrypted bytes wait: no sleep */
		else if (poll(pfd, u->fd != -1 ? 3 : 2,
		    poll_timeout(u, now)) == -1 && errno != EINTR)
			fatal("uplink: poll");
		spool_disarm(u->spool);
		(void)spool_sync(u->spool);
		if (pfd[0].revents != 0)
			break;
		if (u->state == UPLINK_CONNECTING && pfd[2].revents != 0 &&
		    connected(u) == -1)
			session_close(u, true);
	}
	session_close(u, false);
	set_state(u, UPLINK_STOPPED);
	return NULL;
}

int
uplink_start(struct uplink *u)
{
	if (u->running)
		return 0;
	uplink_config_restore(u);
	uplink_fw_restore(u);
	u->started = clock_wall();
	if (pthread_create(&u->thread, NULL, run, u) != 0) {
		log_warnx("uplink: cannot start its thread");
		return -1;
	}
	u->running = true;
	return 0;
}

void
uplink_stop(struct uplink *u)
{
	if (!u->running)
		return;
	(void)eventfd_write(u->stopfd, 1);
	pthread_join(u->thread, NULL);
	u->running = false;
}
