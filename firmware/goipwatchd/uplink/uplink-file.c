/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Files central pushes (the country database, firmware bundles): the offer's signature and size
 * first, then a chunked download into the state dir that a reconnect or a
 * restart resumes (KIND.offer names it, KIND.part holds it), then the hash, then
 * the daemon's validator and installer (firmware: the hand-off of
 * uplink-firmware.c); the exact result goes back in a file_ack.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "uplink-int.h"

#define OFFER_MAX	(64 + FRAME_MAX_STR + FRAME_MAX_SIG)

struct fack_arg { uint8_t kind; uint64_t version; uint8_t status; const char *msg; };

static int
put_fack(struct frame_wr *w, void *a)
{
	struct fack_arg *f = a;

	return frame_put_file_ack(w, f->kind, f->version, f->status, f->msg);
}

static int
put_fget(struct frame_wr *w, void *a)
{
	return frame_put_file_get(w, a);
}

static const char *
kind_name(uint8_t kind)
{
	return kind == FRAME_FILE_GEODB ? "geodb" : kind == FRAME_FILE_FIRMWARE ?
	    "firmware" : "unknown kind";
}

/* STATE_DIR/KIND.suffix */
static void
xfer_path(const struct uplink *u, uint8_t kind, const char *suffix, char *buf,
    size_t len)
{
	snprintf(buf, len, "%s/%s.%s", spool_dir(u->spool), kind_name(kind), suffix);
}

/* Answers an offer: status, counters, log, and the file_ack frame. */
void
uplink_file_ack(struct uplink *u, uint8_t kind, uint64_t version, uint8_t status,
    const char *fmt, ...)
{
	struct fack_arg a = { kind, version, status, NULL };
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	a.msg = msg;
	pthread_mutex_lock(&u->mu);
	snprintf(u->st.file_result, sizeof(u->st.file_result), "%s", msg);
	if (status == FRAME_FILE_OK)
		u->st.file_installed++;
	else
		u->st.file_refused++;
	pthread_mutex_unlock(&u->mu);
	if (status == FRAME_FILE_OK)
		log_info("uplink: %s", msg);
	else
		log_warnx("uplink: file refused: %s", msg);
	uplink_ctl_queue(u, put_fack, &a);
}

/* Reads a stored offer payload (KIND.offer, KIND.installed) into buf. */
static ssize_t
read_small(const char *path, uint8_t *buf, size_t cap)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return -1;
	n = read(fd, buf, cap);
	close(fd);
	return n;
}

int
uplink_write_small(const char *path, const void *p, size_t n)
{
	char tmp[620];
	int fd, rc = 0;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return -1;
	if (write(fd, p, n) != (ssize_t)n || fsync(fd) == -1)
		rc = -1;
	if (close(fd) == -1 || rc == -1 || rename(tmp, path) == -1) {
		(void)unlink(tmp);
		return -1;
	}
	return 0;
}

/* Drops the download in progress (files too when forget). */
static void
xfer_end(struct uplink *u, bool forget)
{
	char path[600];

	if (u->xfer.fd != -1)
		close(u->xfer.fd);
	u->xfer.fd = -1;
	if (forget && u->xfer.active) {
		xfer_path(u, u->xfer.kind, "part", path, sizeof(path));
		(void)unlink(path);
		xfer_path(u, u->xfer.kind, "offer", path, sizeof(path));
		(void)unlink(path);
	}
	u->xfer.active = false;
	u->xfer.asked = 0;
}

void
uplink_file_pause(struct uplink *u)
{
	xfer_end(u, false);
}

/*
 * Kind, signature, size cap, then the installed version (kind 1 only: a
 * firmware's order is RAUC's): the order of checks.
 * A status with msg to ack now (FRAME_FILE_OK with msg "": fetch it), or
 * FW_IGNORE when a firmware install already answers for this offer.
 */
static int
offer_check(struct uplink *u, const struct frame_file_offer *o, char *msg,
    size_t len)
{
	uint8_t tbs[FRAME_FILE_TBS_MAX], buf[OFFER_MAX];
	const char *kn = kind_name(o->kind);
	struct frame_file_offer in;
	struct frame f = { FRAME_FILE_OFFER, buf, 0 };
	uint64_t max = o->kind == FRAME_FILE_GEODB ? u->conf.geodb_max :
	    u->conf.firmware_max;
	char path[600];
	ssize_t n;
	int fw;

	if (o->kind == FRAME_FILE_FIRMWARE &&
	    (fw = uplink_fw_offer(u, o, msg, len)) != -1)
		return fw;
	if ((o->kind != FRAME_FILE_GEODB || u->conf.file_apply == NULL) &&
	    o->kind != FRAME_FILE_FIRMWARE)
		return snprintf(msg, len, "%s version %" PRIu64 ": this appliance does "
		    "not take this kind of file", kn, o->version),
		    FRAME_FILE_UNSUPPORTED;
	if (u->sigkey == NULL)
		return snprintf(msg, len, "no config_pubkey configured: pushed files "
		    "are refused"), FRAME_FILE_BAD_SIGNATURE;
	if (!tls_sig_verify(u->sigkey, tbs, frame_file_tbs(o, tbs), NULL, 0, o->sig,
	    o->sig_len))
		return snprintf(msg, len, "%s version %" PRIu64 ": signature does not "
		    "verify (tampered or wrong key)", kn, o->version),
		    FRAME_FILE_BAD_SIGNATURE;
	if (o->size > max)
		return snprintf(msg, len, "%s version %" PRIu64 ": %" PRIu32 " bytes, "
		    "above %s_max_bytes %" PRIu64, kn, o->version, o->size, kn, max),
		    FRAME_FILE_TOO_LARGE;
	xfer_path(u, o->kind, "installed", path, sizeof(path));
	if ((n = read_small(path, buf, sizeof(buf))) <= 0)
		return FRAME_FILE_OK;
	f.len = (uint32_t)n;
	if (frame_file_offer_decode(&f, &in) != FRAME_OK)
		return FRAME_FILE_OK;
	if (in.version == o->version && memcmp(in.sha256, o->sha256, 32) == 0)
		return snprintf(msg, len, "%s version %" PRIu64 " is already "
		    "installed", kn, o->version), FRAME_FILE_OK;
	/* firmware: the order of versions is RAUC's (the pre-install handler
	 * compares the bundle's with the running one), not the offers' numbers */
	if (in.version >= o->version && !(o->flags & FRAME_FILE_ALLOW_DOWNGRADE) &&
	    o->kind != FRAME_FILE_FIRMWARE)
		return snprintf(msg, len, "%s version %" PRIu64 " is not above the "
		    "installed version %" PRIu64 " (replayed or stale)", kn, o->version,
		    in.version), FRAME_FILE_STALE;
	return FRAME_FILE_OK;
}

/* Asks for the next chunk from what the part file holds. */
static void
request(struct uplink *u)
{
	struct frame_file_get g = { u->xfer.kind, u->xfer.version, u->xfer.offset, 0 };
	uint32_t left = u->xfer.size - u->xfer.offset;

	g.max_len = left < u->conf.file_chunk ? left : u->conf.file_chunk;
	u->xfer.asked = g.max_len;
	uplink_ctl_queue(u, put_fget, &g);
}

/* Firmware: the verified bundle goes to the root-side installer (uplink-firmware.c). */
static int
handoff(struct uplink *u, const char *part, const char *offer, char *err,
    size_t errlen)
{
	uint8_t buf[OFFER_MAX];
	struct frame f = { FRAME_FILE_OFFER, buf, 0 };
	struct frame_file_offer o;
	ssize_t n;

	if ((n = read_small(offer, buf, sizeof(buf))) <= 0 || (f.len = (uint32_t)n,
	    frame_file_offer_decode(&f, &o) != FRAME_OK)) {
		snprintf(err, errlen, "the stored offer is gone or damaged (%.*s)",
		    (int)(errlen > 60 ? errlen - 60 : 1), offer);
		return FRAME_FILE_STORE;
	}
	return uplink_fw_handoff(u, part, offer, &o, err, errlen);
}

/*
 * The whole file is there: hash, then the daemon's validator and installer
 * (firmware: the hand-off, whose result the tick acks later).
 */
static void
finish(struct uplink *u)
{
	uint8_t kind = u->xfer.kind, md[32];
	const char *kn = kind_name(kind);
	uint64_t v = u->xfer.version;
	char part[600], offer[600], inst[600], err[200] = "";
	int status;

	xfer_path(u, kind, "part", part, sizeof(part));
	xfer_path(u, kind, "offer", offer, sizeof(offer));
	xfer_path(u, kind, "installed", inst, sizeof(inst));
	if (fsync(u->xfer.fd) == -1 || !tls_sha256_fd(u->xfer.fd, md)) {
		uplink_file_ack(u, kind, v, FRAME_FILE_STORE, "%s version %" PRIu64
		    ": %s: %s", kn, v, part, strerror(errno));
		xfer_end(u, true);
		return;
	}
	if (memcmp(md, u->xfer.sha256, 32) != 0) {
		uplink_file_ack(u, kind, v, FRAME_FILE_BAD_HASH, "%s version %" PRIu64
		    ": the %" PRIu32 " bytes fetched do not match the offered SHA-256",
		    kn, v, u->xfer.size);
		xfer_end(u, true);
		return;
	}
	close(u->xfer.fd);
	u->xfer.fd = -1;
	status = kind == FRAME_FILE_FIRMWARE ?
	    handoff(u, part, offer, err, sizeof(err)) :
	    u->conf.file_apply(u->conf.file_arg, kind, part, v, err, sizeof(err));
	if (status != FRAME_FILE_OK) {
		uplink_file_ack(u, kind, v, (uint8_t)status, "%s version %" PRIu64
		    ": %s", kn, v, err);
		xfer_end(u, true);
		return;
	}
	u->xfer.active = false;
	if (kind == FRAME_FILE_FIRMWARE)
		return;
	if (rename(offer, inst) == -1)
		log_warn("uplink: %s", inst);
	uplink_file_ack(u, kind, v, FRAME_FILE_OK, "%s version %" PRIu64
	    " installed: %s", kn, v, err);
}

/* Opens the part file: resumed when the stored offer is this one, else new. */
static int
xfer_open(struct uplink *u, const struct frame *f, const struct frame_file_offer *o)
{
	uint8_t buf[OFFER_MAX];
	char path[600];
	struct stat sb;
	bool same;
	ssize_t n;

	xfer_path(u, o->kind, "offer", path, sizeof(path));
	n = read_small(path, buf, sizeof(buf));
	same = n == (ssize_t)f->len && memcmp(buf, f->payload, f->len) == 0;
	if (!same && uplink_write_small(path, f->payload, f->len) == -1)
		return -1;
	xfer_path(u, o->kind, "part", path, sizeof(path));
	if ((u->xfer.fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | (same ? 0 : O_TRUNC),
	    0600)) == -1 || fstat(u->xfer.fd, &sb) == -1)
		return -1;
	if ((uint64_t)sb.st_size > o->size && ftruncate(u->xfer.fd, 0) == -1)
		return -1;
	u->xfer.offset = (uint64_t)sb.st_size > o->size ? 0 : (uint32_t)sb.st_size;
	if (u->xfer.offset > 0)
		log_info("uplink: %s version %" PRIu64 ": resuming at byte %" PRIu32
		    " of %" PRIu32, kind_name(o->kind), o->version, u->xfer.offset, o->size);
	return 0;
}

void
uplink_file_offer(struct uplink *u, const struct frame *f)
{
	struct frame_file_offer o;
	char msg[256] = "";
	int status;

	if (frame_file_offer_decode(f, &o) != FRAME_OK) {
		uplink_refuse(u, FRAME_ERR_MALFORMED, "malformed file offer");
		return;
	}
	STAT_ADD(u, file_offers, 1);
	if ((status = offer_check(u, &o, msg, sizeof(msg))) == FW_IGNORE)
		return;
	if (status != FRAME_FILE_OK || msg[0] != '\0') {
		uplink_file_ack(u, o.kind, o.version, (uint8_t)status, "%s", msg);
		return;
	}
	xfer_end(u, false);	/* a newer offer replaces the one in progress */
	u->xfer = (struct uplink_xfer){ .active = true, .kind = o.kind,
	    .version = o.version, .size = o.size, .fd = -1 };
	memcpy(u->xfer.sha256, o.sha256, 32);
	if (xfer_open(u, f, &o) == -1) {
		uplink_file_ack(u, o.kind, o.version, FRAME_FILE_STORE, "%s version %" PRIu64
		    ": cannot store the download in %s: %s", kind_name(o.kind), o.version,
		    spool_dir(u->spool), strerror(errno));
		xfer_end(u, true);
		return;
	}
	if (u->xfer.offset == u->xfer.size)
		finish(u);
	else
		request(u);
}

void
uplink_file_chunk(struct uplink *u, const struct frame *f)
{
	struct frame_file_chunk c;
	struct uplink_xfer *x = &u->xfer;

	if (frame_file_chunk_decode(f, &c) != FRAME_OK) {
		uplink_refuse(u, FRAME_ERR_MALFORMED, "malformed file chunk");
		return;
	}
	if (!x->active || x->asked == 0 || c.kind != x->kind || c.version != x->version ||
	    c.offset != x->offset || c.len > x->asked) {
		STAT_ADD(u, file_refused, 1);
		uplink_refuse(u, FRAME_ERR_UNEXPECTED, "unsolicited file chunk");
		return;
	}
	x->asked = 0;
	if (c.len == 0) {
		uplink_file_ack(u, x->kind, x->version, FRAME_FILE_TRANSFER, "%s version %" PRIu64
		    ": central sent no bytes at offset %" PRIu32 " of %" PRIu32
		    " (truncated)", kind_name(x->kind), x->version, x->offset, x->size);
		xfer_end(u, true);
		return;
	}
	if (pwrite(x->fd, c.data, c.len, x->offset) != (ssize_t)c.len) {
		uplink_file_ack(u, x->kind, x->version, FRAME_FILE_STORE, "%s version %" PRIu64
		    ": cannot write the download: %s", kind_name(x->kind), x->version,
		    strerror(errno));
		xfer_end(u, true);
		return;
	}
	x->offset += c.len;
	STAT_ADD(u, file_bytes, c.len);
	if (x->offset == x->size)
		finish(u);
	else
		request(u);
}
