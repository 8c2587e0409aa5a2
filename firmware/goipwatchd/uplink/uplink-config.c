/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Signed config pushes: signature, then version, then the daemon's apply
 * callback; the blob is kept as the last-known-good (config.lkg) only when
 * applied, and the result or the exact error goes back in a config_ack.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "uplink-int.h"

struct cack_arg { uint64_t version; uint8_t status; const char *msg; };

static int
put_cack(struct frame_wr *w, void *a)
{
	struct cack_arg *c = a;

	return frame_put_config_ack(w, c->version, c->status, c->msg);
}

static void
lkg_path(const struct uplink *u, char *buf, size_t len, const char *suffix)
{
	snprintf(buf, len, "%s/" LKG_NAME "%s", spool_dir(u->spool), suffix);
}

/* Writes the signed push, as received, to config.lkg.tmp (renamed on success). */
static int
lkg_write_tmp(const struct uplink *u, const struct frame *f)
{
	char path[512];
	int fd, rc = 0;

	lkg_path(u, path, sizeof(path), ".tmp");
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600)) == -1)
		return -1;
	if (write(fd, f->payload, f->len) != (ssize_t)f->len || fsync(fd) == -1)
		rc = -1;
	close(fd);
	return rc;
}

static int
lkg_commit(const struct uplink *u, bool keep)
{
	char tmp[512], path[512];

	lkg_path(u, tmp, sizeof(tmp), ".tmp");
	lkg_path(u, path, sizeof(path), "");
	if (!keep)
		return unlink(tmp);
	return rename(tmp, path);
}

/* Signature, then version, then the daemon's parser: the order of the checks. */
static uint8_t
config_check(struct uplink *u, const struct frame_config_push *c, char *msg,
    size_t len)
{
	uint8_t prefix[FRAME_CONF_TBS_PREFIX];
	uint64_t running;

	if (u->sigkey == NULL) {
		snprintf(msg, len, "no config_pubkey configured: pushes are refused");
		return FRAME_CONF_BAD_SIGNATURE;
	}
	if (c->sig_len == 0) {
		snprintf(msg, len, "config version %" PRIu64 " is unsigned", c->version);
		return FRAME_CONF_BAD_SIGNATURE;
	}
	frame_config_tbs_prefix(c->version, prefix);
	if (!tls_sig_verify(u->sigkey, prefix, sizeof(prefix), c->body,
	    c->body_len, c->sig, c->sig_len)) {
		snprintf(msg, len, "config version %" PRIu64 ": signature does not "
		    "verify (tampered or wrong key)", c->version);
		return FRAME_CONF_BAD_SIGNATURE;
	}
	if (c->version <= (running = uplink_config_version(u))) {
		snprintf(msg, len, "config version %" PRIu64 " is not above the "
		    "running version %" PRIu64 " (replayed or stale)", c->version,
		    running);
		return FRAME_CONF_STALE;
	}
	return FRAME_CONF_OK;
}

/* Verifies, applies and stores a push; the old config stays on any failure. */
static uint8_t
config_apply(struct uplink *u, const struct frame *f,
    const struct frame_config_push *c, char *msg, size_t len)
{
	uint8_t status;

	if ((status = config_check(u, c, msg, len)) != FRAME_CONF_OK)
		return status;
	if (lkg_write_tmp(u, f) == -1) {
		snprintf(msg, len, "cannot store last-known-good: %s", strerror(errno));
		return FRAME_CONF_STORE;
	}
	if (u->conf.apply(u->conf.apply_arg, (const char *)c->body, c->body_len,
	    c->version, msg, len) == -1) {
		(void)lkg_commit(u, false);
		return FRAME_CONF_INVALID;
	}
	if (lkg_commit(u, true) == -1)
		log_warn("uplink: config version %" PRIu64 " applied but not stored",
		    c->version);
	uplink_set_config_version(u, c->version);
	snprintf(msg, len, "config version %" PRIu64 " applied", c->version);
	return FRAME_CONF_OK;
}

/* At start: the stored last-known-good wins over an older running config. */
void
uplink_config_restore(struct uplink *u)
{
	struct frame_config_push c;
	struct frame f = { FRAME_CONFIG_PUSH, NULL, 0 };
	char path[512], msg[256];
	uint8_t *buf;
	ssize_t n;
	int fd;

	lkg_path(u, path, sizeof(path), "");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return;
	buf = malloc(FRAME_MAX_PAYLOAD + 1);
	n = buf != NULL ? read(fd, buf, FRAME_MAX_PAYLOAD + 1) : -1;
	close(fd);
	f.payload = buf;
	f.len = n > 0 && n <= (ssize_t)FRAME_MAX_PAYLOAD ? (uint32_t)n : 0;
	if (f.len == 0 || frame_config_push_decode(&f, &c) != FRAME_OK)
		log_warnx("uplink: %s is damaged; ignored", path);
	else if (config_check(u, &c, msg, sizeof(msg)) == FRAME_CONF_OK) {
		if (u->conf.apply(u->conf.apply_arg, (const char *)c.body,
		    c.body_len, c.version, msg, sizeof(msg)) == 0) {
			uplink_set_config_version(u, c.version);
			log_info("uplink: restored config version %" PRIu64, c.version);
		} else
			log_warnx("uplink: %s: %s", path, msg);
	}
	free(buf);
}

void
uplink_config_push(struct uplink *u, const struct frame *f)
{
	struct frame_config_push c;
	struct cack_arg a;
	char msg[FRAME_MAX_STR];

	if (frame_config_push_decode(f, &c) != FRAME_OK) {
		uplink_refuse(u, FRAME_ERR_MALFORMED, "malformed config push");
		return;
	}
	a.version = c.version;
	a.status = config_apply(u, f, &c, msg, sizeof(msg));
	a.msg = msg;
	pthread_mutex_lock(&u->mu);
	snprintf(u->st.config_result, sizeof(u->st.config_result), "%.*s",
	    (int)sizeof(u->st.config_result) - 1, msg);
	pthread_mutex_unlock(&u->mu);
	if (a.status == FRAME_CONF_OK) {
		STAT_ADD(u, config_applied, 1);
		log_info("uplink: %s", msg);
	} else {
		STAT_ADD(u, config_refused, 1);
		log_warnx("uplink: config refused: %s", msg);
	}
	uplink_ctl_queue(u, put_cack, &a);
}
