/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Firmware (RAUC bundles, file kind 2) after the download: goipwatchd runs
 * without root and never runs rauc. It hands the verified bundle and a request
 * to a root-side path unit in firmware_handoff, waits for its result file in
 * the uplink thread's loop, acks it, asks for the reboot inside
 * firmware_reboot_window through the same directory, and after the reboot
 * tells central whether the new slot took (docs/deployment.md, Firmware on the
 * appliance, has the file formats).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hex.h"
#include "log.h"
#include "uplink-int.h"

#define BOOT_ID_FILE	"/proc/sys/kernel/random/boot_id"

static void	after_boot(struct uplink *);
static void	window_str(const struct conf_window *, char *, size_t);
static void	report_boot(struct uplink *);

/* HANDOFF/name or STATE/firmware.name */
static void
hpath(const struct uplink *u, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", u->conf.firmware_handoff, name);
}

static void
spath(const struct uplink *u, const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s/firmware.%s", spool_dir(u->spool), name);
}

/* Reads a small text file; -1 when it is not there. */
static ssize_t
get_text(const char *path, char *buf, size_t cap)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return -1;
	n = read(fd, buf, cap - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* The value of "key=" on a line of text, control bytes made spaces; "" if none. */
static void
kv(const char *text, const char *key, char *out, size_t len)
{
	size_t kl = strlen(key), i = 0;
	const char *p = text;

	out[0] = '\0';
	while (p != NULL && *p != '\0') {
		if (strncmp(p, key, kl) == 0 && p[kl] == '=') {
			for (p += kl + 1; *p != '\0' && *p != '\n' && i + 1 < len; p++)
				out[i++] = (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p;
			out[i] = '\0';
			return;
		}
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	}
}

/* Made printable ASCII, one line: it goes into files root reads. */
static void
clean(char *dst, size_t len, const char *src, size_t n)
{
	size_t i;

	for (i = 0; i < n && i + 1 < len; i++)
		dst[i] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '_';
	dst[i] = '\0';
}

/* The bundle's version: the label is "COMPATIBLE VERSION". */
static const char *
label_version(const char *label)
{
	const char *sp = strrchr(label, ' ');

	return sp != NULL ? sp + 1 : label;
}

/* Records the install in spool_dir/firmware.pending (removed when none); 0 or -1. */
static int
fw_save(struct uplink *u)
{
	struct uplink_fw *f = &u->fw;
	char path[600], text[1024];

	spath(u, "pending", path, sizeof(path));
	if (f->state == FW_NONE) {
		(void)unlink(path);
		return 0;
	}
	snprintf(text, sizeof(text), "version=%" PRIu64 "\nlabel=%s\nstate=%s\n"
	    "boot_id=%s\nacked=%d\nreason=%s\n", f->version, f->label,
	    f->state == FW_HANDED ? "handed" : "installed", f->boot_id, f->acked,
	    f->reason);
	if (uplink_write_small(path, text, strlen(text)) == -1) {
		log_warn("uplink: firmware: %s", path);
		return -1;
	}
	return 0;
}

static void
fw_clear(struct uplink *u)
{
	char path[600];

	u->fw.state = FW_NONE;
	u->fw.acked = 0;
	u->fw.reboot_asked = false;
	u->fw.reason[0] = '\0';
	(void)fw_save(u);
	spath(u, "handed", path, sizeof(path));
	(void)unlink(path);
}

/*
 * The boot id, as hex digits only: /proc/sys/kernel/random/boot_id writes it
 * as a UUID, systemd's %b (the unit's GOIPWATCH_BOOT_ID, since ProcSubset=pid
 * hides /proc/sys from the daemon) without the dashes; install-firmware drops
 * them too. Tests stand in a reboot with GOIPWATCH_BOOT_ID.
 */
static void
read_boot_id(char *buf, size_t len)
{
	const char *src = getenv("GOIPWATCH_BOOT_ID");
	char tmp[64], id[64];
	size_t i, n = 0;

	if (src == NULL || src[0] == '\0') {
		if (get_text(BOOT_ID_FILE, tmp, sizeof(tmp)) <= 0)
			snprintf(tmp, sizeof(tmp), "unknown");
		src = tmp;
	}
	for (i = 0; src[i] != '\0' && src[i] != '\n' && n + 1 < sizeof(id); i++)
		if (src[i] != '-')
			id[n++] = src[i];
	clean(buf, len, id, n);
}

int
uplink_fw_init(struct uplink *u, char *err, size_t errlen)
{
	if (conf_window_parse(u->conf.firmware_reboot_window, &u->fw.window) == -1) {
		snprintf(err, errlen, "firmware_reboot_window %s: not \"any\" nor "
		    "HH:MM-HH:MM (local time)", u->conf.firmware_reboot_window);
		return -1;
	}
	if (u->conf.firmware_handoff != NULL && u->conf.firmware_handoff[0] == '\0')
		u->conf.firmware_handoff = NULL;
	read_boot_id(u->fw.boot_now, sizeof(u->fw.boot_now));
	return 0;
}

/* Last lines of the self-test that failed in the other slot (mark-good), one line. */
static void
boot_failed_reason(struct uplink *u, char *out, size_t len)
{
	char path[600], buf[4096], *p;
	ssize_t n;

	hpath(u, "boot-failed", path, sizeof(path));
	if ((n = get_text(path, buf, sizeof(buf))) <= 0) {
		snprintf(out, len, "no self-test report: the new slot did not boot, "
		    "or its watchdog or boot counter fell back");
		return;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	p = buf + ((size_t)n > len - 1 ? (size_t)n - (len - 1) : 0);
	for (char *q = p; *q != '\0'; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = *q == '\n' ? '|' : ' ';
	snprintf(out, len, "%.*s", (int)(len - 1), p);
}

/*
 * Handed in an earlier boot and taken, without a result: that boot's
 * installer died with it (a power cut mid-install). The request goes back,
 * with a fresh mtime, for this boot's installer to take again (rauc installs
 * the slot from the start).
 */
static void
requeue_taken(struct uplink *u)
{
	struct uplink_fw *f = &u->fw;
	char req[600], taken[600];

	hpath(u, "request.taken", taken, sizeof(taken));
	hpath(u, "request", req, sizeof(req));
	snprintf(f->boot_id, sizeof(f->boot_id), "%s", f->boot_now);
	(void)fw_save(u);
	if (rename(taken, req) == -1) {
		if (errno != ENOENT)
			log_warn("uplink: firmware: %s", taken);
		return;
	}
	(void)utimensat(AT_FDCWD, req, NULL, AT_SYMLINK_NOFOLLOW);
	log_info("uplink: firmware %s (version %" PRIu64 "): the install was cut "
	    "short by a reboot; the request goes back to the installer", f->label,
	    f->version);
}

/*
 * At start: the pending install, and after a reboot whether the new slot took.
 * The boot id of the install is rauc's (from the result) or, before it, the
 * hand-off's.
 */
void
uplink_fw_restore(struct uplink *u)
{
	struct uplink_fw *f = &u->fw;
	char path[600], text[1024], v[64], st[32], ack[8];

	spath(u, "pending", path, sizeof(path));
	if (u->conf.firmware_handoff == NULL || get_text(path, text, sizeof(text)) <= 0)
		return;
	kv(text, "version", v, sizeof(v));
	kv(text, "label", f->label, sizeof(f->label));
	kv(text, "state", st, sizeof(st));
	kv(text, "boot_id", f->boot_id, sizeof(f->boot_id));
	kv(text, "acked", ack, sizeof(ack));
	kv(text, "reason", f->reason, sizeof(f->reason));
	f->version = strtoull(v, NULL, 10);
	f->acked = atoi(ack);
	f->state = strcmp(st, "handed") == 0 ? FW_HANDED :
	    strcmp(st, "installed") == 0 ? FW_INSTALLED : FW_NONE;
	if (f->state == FW_NONE || f->version == 0) {
		log_warnx("uplink: firmware: %s: not a pending install; dropped", path);
		fw_clear(u);
		return;
	}
	if (f->state == FW_HANDED && strcmp(f->boot_id, f->boot_now) != 0)
		requeue_taken(u);
	if (f->state != FW_INSTALLED || strcmp(f->boot_id, f->boot_now) == 0) {
		log_info("uplink: firmware %s (version %" PRIu64 "): %s", f->label,
		    f->version, f->state == FW_HANDED ? "waiting for the installer" :
		    "installed to the other slot, waiting for the reboot");
		return;
	}
	after_boot(u);
}

/* The boot id changed since rauc installed: did the new slot take? */
static void
after_boot(struct uplink *u)
{
	struct uplink_fw *f = &u->fw;
	char path[600];

	if (strcmp(label_version(f->label), u->firmware) == 0) {
		log_info("uplink: firmware %s (version %" PRIu64 ") took: running %s "
		    "after the reboot", f->label, f->version, u->firmware);
		f->state = FW_TOOK;
	} else {
		boot_failed_reason(u, f->reason, sizeof(f->reason));
		log_warnx("uplink: firmware %s did not take: running %s after the "
		    "reboot (%s)", f->label, u->firmware, f->reason);
		f->state = FW_FAILED;
		spath(u, "installed", path, sizeof(path));	/* it may come again */
		(void)unlink(path);
	}
}

/*
 * An offer of kind 2 before the common checks: -1 to go on; a status (with
 * msg) to ack now; FW_IGNORE when the answer is already on its way.
 */
int
uplink_fw_offer(struct uplink *u, const struct frame_file_offer *o, char *msg,
    size_t len)
{
	struct uplink_fw *f = &u->fw;
	char win[64];

	if (u->conf.firmware_handoff == NULL)
		return snprintf(msg, len, "firmware version %" PRIu64 ": this "
		    "appliance does not take firmware (no firmware_handoff)",
		    o->version), FRAME_FILE_UNSUPPORTED;
	if (f->state == FW_TOOK || f->state == FW_FAILED)
		report_boot(u);		/* before a new offer replaces it */
	if (f->state == FW_NONE)
		return -1;
	if (o->version == f->version && f->state == FW_INSTALLED && f->acked) {
		window_str(&f->window, win, sizeof(win));
		return snprintf(msg, len, "firmware %s (version %" PRIu64 ") is "
		    "installed to the other slot; reboot in window %s", f->label,
		    f->version, win), FRAME_FILE_OK;
	}
	if (o->version == f->version)
		return FW_IGNORE;	/* the tick acks it */
	if (f->state == FW_HANDED)
		return snprintf(msg, len, "firmware version %" PRIu64 ": the install "
		    "of version %" PRIu64 " (%s) is still running", o->version,
		    f->version, f->label), FRAME_FILE_STORE;
	return -1;	/* installed, not rebooted: a newer bundle replaces it */
}

/* A request or result member is one short line. */
static int
put_request(struct uplink *u, const struct uplink_xfer *x, const char *label,
    uint8_t flags)
{
	char path[600], text[512], hex[65];

	hex_encode(x->sha256, 32, hex);
	snprintf(text, sizeof(text), "version=%" PRIu64 "\nlabel=%s\nsha256=%s\n"
	    "allow_downgrade=%d\nboot_id=%s\n", x->version, label, hex,
	    (flags & FRAME_FILE_ALLOW_DOWNGRADE) != 0, u->fw.boot_now);
	hpath(u, "request", path, sizeof(path));
	return uplink_write_small(path, text, strlen(text));
}

/* Moves (or copies) the verified bundle to HANDOFF/bundle.raucb, atomically. */
static int
place_bundle(struct uplink *u, const char *part, char *err, size_t errlen)
{
	char dst[600], tmp[620], buf[65536];
	ssize_t n;
	int in, out, rc = 0;

	hpath(u, "bundle.raucb", dst, sizeof(dst));
	if (mkdir(u->conf.firmware_handoff, 0755) == -1 && errno != EEXIST) {
		snprintf(err, errlen, "cannot make %s: %s", u->conf.firmware_handoff,
		    strerror(errno));
		return -1;
	}
	if (rename(part, dst) == 0)
		return 0;
	if (errno != EXDEV) {
		snprintf(err, errlen, "cannot move it to %s: %s", dst, strerror(errno));
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
	(void)unlink(tmp);
	if ((in = open(part, O_RDONLY | O_CLOEXEC)) == -1 || (out = open(tmp,
	    O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) == -1) {
		snprintf(err, errlen, "cannot copy it to %s: %s", tmp, strerror(errno));
		if (in != -1)
			close(in);
		return -1;
	}
	while (rc == 0 && (n = read(in, buf, sizeof(buf))) != 0)
		if (n < 0 || write(out, buf, (size_t)n) != n)
			rc = -1;
	if (fsync(out) == -1)
		rc = -1;
	close(in);
	if (close(out) == -1 || rc == -1 || rename(tmp, dst) == -1) {
		snprintf(err, errlen, "cannot copy it to %s: %s", dst, strerror(errno));
		(void)unlink(tmp);
		return -1;
	}
	(void)unlink(part);
	return 0;
}

int
uplink_fw_handoff(struct uplink *u, const char *part, const char *offer,
    const struct frame_file_offer *o, char *err, size_t errlen)
{
	struct uplink_fw *f = &u->fw;
	char handed[600], bundle[600], label[128];

	clean(label, sizeof(label), (const char *)o->label.p, o->label.len);
	if (place_bundle(u, part, err, errlen) == -1)
		return FRAME_FILE_STORE;
	/* recorded before the request exists: a kill between them loses no result */
	*f = (struct uplink_fw){ .window = f->window, .state = FW_HANDED,
	    .version = o->version, .next_tick = f->next_tick };
	read_boot_id(f->boot_now, sizeof(f->boot_now));
	snprintf(f->label, sizeof(f->label), "%s", label);
	snprintf(f->boot_id, sizeof(f->boot_id), "%s", f->boot_now);
	if (fw_save(u) == -1 || put_request(u, &u->xfer, label, o->flags) == -1) {
		snprintf(err, errlen, "cannot record the install or write the request "
		    "in %s: %s", u->conf.firmware_handoff, strerror(errno));
		hpath(u, "bundle.raucb", bundle, sizeof(bundle));
		(void)unlink(bundle);
		fw_clear(u);
		return FRAME_FILE_STORE;
	}
	spath(u, "handed", handed, sizeof(handed));
	if (rename(offer, handed) == -1)
		log_warn("uplink: firmware: %s", handed);
	log_info("uplink: firmware %s (version %" PRIu64 "): handed to the installer "
	    "in %s", label, o->version, u->conf.firmware_handoff);
	return FRAME_FILE_OK;
}

static void
window_str(const struct conf_window *w, char *buf, size_t len)
{
	if (w->any)
		snprintf(buf, len, "any time");
	else
		snprintf(buf, len, "%02d:%02d-%02d:%02d local time", w->from / 60,
		    w->from % 60, w->to / 60, w->to % 60);
}

/* The offer of what rauc installed, for the stale check of the next (firmware.installed). */
static void
keep_installed(struct uplink *u)
{
	char handed[600], inst[600];

	spath(u, "handed", handed, sizeof(handed));
	spath(u, "installed", inst, sizeof(inst));
	if (rename(handed, inst) == -1 && errno != ENOENT)
		log_warn("uplink: firmware: %s", inst);
}

enum req_state { REQ_WAITING, REQ_TAKEN, REQ_EXPIRED, REQ_GONE };

/*
 * Where the request stands while there is no result. The installer takes it
 * by renaming request to request.taken before it reads it; goipwatchd
 * withdraws one the installer has not taken within firmware_install_timeout
 * (by its mtime) by renaming it to request.expired. Whichever rename comes
 * first wins, so a withdrawn request is never installed and a taken one never
 * withdrawn. Withdrawn: the request and the bundle are removed.
 */
static enum req_state
request_state(struct uplink *u)
{
	char req[600], taken[600], expired[600], bundle[600];
	struct stat st;

	hpath(u, "request.taken", taken, sizeof(taken));
	if (lstat(taken, &st) == 0)
		return REQ_TAKEN;
	hpath(u, "request", req, sizeof(req));
	if (lstat(req, &st) == -1)
		return errno == ENOENT ? REQ_GONE : REQ_WAITING;
	if (u->conf.firmware_install_timeout == 0 ||
	    time(NULL) - st.st_mtime < (time_t)u->conf.firmware_install_timeout)
		return REQ_WAITING;
	hpath(u, "request.expired", expired, sizeof(expired));
	if (rename(req, expired) == -1)
		return errno == ENOENT ? REQ_TAKEN : REQ_WAITING;	/* taken just now */
	(void)unlink(expired);
	hpath(u, "bundle.raucb", bundle, sizeof(bundle));
	(void)unlink(bundle);
	return REQ_EXPIRED;	/* the ack says so, and uplink_file_ack logs it */
}

/* The installer's result for the handed bundle; false while there is none. */
static bool
take_result(struct uplink *u)
{
	struct uplink_fw *f = &u->fw;
	char path[600], text[2048], v[32], st[8], win[64];

	hpath(u, "result", path, sizeof(path));
	if (get_text(path, text, sizeof(text)) <= 0) {
		switch (request_state(u)) {
		case REQ_WAITING:
		case REQ_TAKEN:
			return false;
		case REQ_EXPIRED:
			uplink_file_ack(u, FRAME_FILE_FIRMWARE, f->version, FRAME_FILE_STORE,
			    "firmware %s (version %" PRIu64 "): the installer did not take "
			    "the request in %s within %" PRIu32 " s (is goipwatch-install.path "
			    "running?); withdrawn, nothing installed", f->label, f->version,
			    u->conf.firmware_handoff, u->conf.firmware_install_timeout);
			fw_clear(u);
			return true;
		case REQ_GONE:
			break;
		}
		/* the installer writes its result before it removes request.taken */
		if (get_text(path, text, sizeof(text)) <= 0) {
			uplink_file_ack(u, FRAME_FILE_FIRMWARE, f->version, FRAME_FILE_STORE,
			    "firmware %s (version %" PRIu64 "): the request in %s is gone "
			    "without a result (installer not there?)", f->label, f->version,
			    u->conf.firmware_handoff);
			fw_clear(u);
			return true;
		}
	}
	kv(text, "version", v, sizeof(v));
	kv(text, "status", st, sizeof(st));
	if (strtoull(v, NULL, 10) != f->version) {
		log_warnx("uplink: firmware: %s is for version %s, not %" PRIu64
		    "; removed", path, v, f->version);
		(void)unlink(path);
		return false;
	}
	if (strcmp(st, "0") != 0) {
		kv(text, "reason", f->reason, sizeof(f->reason));
		uplink_file_ack(u, FRAME_FILE_FIRMWARE, f->version, FRAME_FILE_INVALID,
		    "firmware %s (version %" PRIu64 ") refused by rauc, the running "
		    "system is untouched: %s", f->label, f->version,
		    f->reason[0] ? f->reason : "no reason given");
		(void)unlink(path);
		fw_clear(u);
		return true;
	}
	kv(text, "boot_id", f->boot_id, sizeof(f->boot_id));
	if (f->boot_id[0] == '\0')
		snprintf(f->boot_id, sizeof(f->boot_id), "%s", f->boot_now);
	f->state = FW_INSTALLED;
	window_str(&f->window, win, sizeof(win));
	uplink_file_ack(u, FRAME_FILE_FIRMWARE, f->version, FRAME_FILE_OK,
	    "firmware %s (version %" PRIu64 ") installed to the other slot; reboot "
	    "in window %s", f->label, f->version, win);
	f->acked = 1;
	(void)fw_save(u);
	keep_installed(u);
	(void)unlink(path);
	if (strcmp(f->boot_id, f->boot_now) != 0)	/* rebooted since rauc ran */
		after_boot(u);
	return true;
}

static void
ask_reboot(struct uplink *u)
{
	struct uplink_fw *f = &u->fw;
	struct tm tm;
	time_t now = time(NULL);
	char path[600], text[256];

	if (f->reboot_asked || localtime_r(&now, &tm) == NULL ||
	    !conf_window_inside(&f->window, tm.tm_hour * 60 + tm.tm_min))
		return;
	f->reboot_asked = true;
	snprintf(text, sizeof(text), "version=%" PRIu64 "\nlabel=%s\n", f->version,
	    f->label);
	hpath(u, "reboot", path, sizeof(path));
	if (uplink_write_small(path, text, strlen(text)) == -1) {
		log_warn("uplink: firmware: cannot ask for the reboot: %s", path);
		return;
	}
	log_info("uplink: firmware %s: reboot requested (%s)", f->label, path);
}

/* The verdict after the reboot, on the first session: once. */
static void
report_boot(struct uplink *u)
{
	struct uplink_fw *f = &u->fw;
	char path[600];

	if (f->state == FW_TOOK && !f->acked)
		uplink_file_ack(u, FRAME_FILE_FIRMWARE, f->version, FRAME_FILE_OK,
		    "firmware %s (version %" PRIu64 ") is running after the reboot",
		    f->label, f->version);
	if (f->state == FW_FAILED) {
		uplink_file_ack(u, FRAME_FILE_FIRMWARE, f->version,
		    FRAME_FILE_BOOT_FAILED, "firmware %s did not take: running %s "
		    "after the reboot (%s)", label_version(f->label), u->firmware,
		    f->reason);
		hpath(u, "boot-failed", path, sizeof(path));
		(void)unlink(path);
	}
	fw_clear(u);
}

void
uplink_fw_tick(struct uplink *u, usec_t now)
{
	struct uplink_fw *f = &u->fw;

	if (u->conf.firmware_handoff == NULL || f->state == FW_NONE ||
	    now < f->next_tick)
		return;
	f->next_tick = now + USEC_PER_SEC;
	if (u->state != UPLINK_UP)	/* every answer waits for a session */
		return;
	switch (f->state) {
	case FW_HANDED:
		(void)take_result(u);
		break;
	case FW_INSTALLED:
		ask_reboot(u);
		break;
	case FW_TOOK:
	case FW_FAILED:
		report_boot(u);
		break;
	default:
		break;
	}
}
