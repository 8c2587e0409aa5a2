/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Live-daemon plumbing: a signal thread (signalfd: SIGHUP reloads, SIGINT and
 * SIGTERM stop the engine), the spool and the uplink thread with its counters,
 * and the drain before exit. The packet path only ever reaches this file
 * through daemon_report() and the confswap readers.
 */
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "daemon.h"
#include "evdir.h"
#include "evspool.h"
#include "jw.h"
#include "log.h"
#include "reload.h"
#include "spool.h"
#include "uplink.h"

struct daemon {
	const struct conf *boot;
	struct daemon_opts o;
	struct reload	*reload;
	struct spool	*spool;		/* NULL: no central configured */
	bool		 evidence;	/* evidence files go to central with their records */
	struct evspool_stats evs;	/* the detect thread's */
	struct evdir	 evdir;		/* evidence_dir under its cap (detect thread) */
	struct uplink	*uplink;
	sigset_t	 sigs;		/* stay blocked: a late SIGTERM must not kill the exit */
	int		 sigfd, stopfd;
	pthread_t	 ctl_th, inject_th;
	bool		 ctl_started, inject_started;
	_Atomic unsigned stops;		/* SIGINT/SIGTERM received */

	pthread_mutex_t	 mu;		/* the engine pointer and its last counters */
	struct engine	*engine;	/* NULL once engine_run returned */
	struct engine_stats last;
};

/* --- heartbeat counters ---------------------------------------------------- */

/*
 * The uplink thread's view of the pipeline for heartbeats. engine_stats reads
 * 64-bit counters the workers write without atomics: a racy read, accepted for
 * health (aligned 64-bit loads do not tear on our targets; a value may be a
 * batch old). The mutex only keeps the engine from going away underneath.
 */
static void
daemon_counters(void *arg, struct health_counters *hc)
{
	struct daemon *d = arg;
	struct engine_stats st;
	uint64_t dr[ED_N];

	pthread_mutex_lock(&d->mu);
	if (d->engine != NULL)
		engine_stats(d->engine, &d->last);
	st = d->last;
	pthread_mutex_unlock(&d->mu);
	engine_drops(&st, dr);
	hc->packets = st.w.packets;
	hc->drops_kernel = dr[ED_KERNEL] + dr[ED_INTERFACE];
	hc->drops_ring = dr[ED_CAPTURE_RING] + dr[ED_DISPATCH] + dr[ED_RECORD_RING];
	hc->drops_decode = dr[ED_DECODE];
	hc->drops_flow_full = dr[ED_FLOW_EVICTED];
	hc->drops_reasm = dr[ED_REASM];
}

/* --- opening, as root ------------------------------------------------------ */

static int
daemon_open_uplink(struct daemon *d, char *err, size_t errlen)
{
	const struct conf *c = d->boot;
	struct uplink_conf uc = {
		.host = c->central_host, .port = (uint16_t)c->central_port,
		.server_name = c->central_name, .tls_ca = c->tls_ca,
		.tls_cert = c->tls_cert, .tls_key = c->tls_key,
		.config_pubkey = c->config_pubkey,
		.firmware_version = d->o.firmware_version,
		.config_version = c->version,
		.heartbeat_interval = c->heartbeat_interval,
		.failback = c->central_failback,
		.apply = reload_push, .apply_arg = d->reload,
		.file_apply = reload_file_apply, .file_arg = d->reload,
		.geodb_max = c->geodb_max_bytes, .file_chunk = (uint32_t)c->file_chunk_bytes,
		.firmware_max = c->firmware_max_bytes,
		.firmware_handoff = c->firmware_handoff,
		.firmware_install_timeout = (uint32_t)c->firmware_install_timeout,
		.firmware_reboot_window = c->firmware_reboot_window,
		.counters = daemon_counters, .counters_arg = d,
	};
	struct spool_stats ss;
	enum spool_fsync pol;

	if (spool_fsync_parse(c->spool_fsync, &pol) == -1) {
		snprintf(err, errlen, "spool_fsync %s: not always, batch or never",
		    c->spool_fsync);
		return -1;
	}
	if ((d->spool = spool_open(c->spool_dir, c->spool_max_bytes, pol, err,
	    errlen)) == NULL)
		return -1;
	spool_stats(d->spool, &ss);
	log_info("spool %s: %" PRIu64 " records waiting, next seq %" PRIu64 ", acked %"
	    PRIu64 ", %" PRIu64 " torn bytes cut, %" PRIu64 " damaged records skipped",
	    c->spool_dir, ss.depth, ss.next_seq, ss.acked, ss.torn_bytes, ss.skipped);
	/* reads the TLS private key now, while root: nothing reads it later */
	if ((d->uplink = uplink_new(&uc, d->spool, err, errlen)) == NULL)
		return -1;
	reload_set_uplink(d->reload, d->uplink);
	d->evidence = strcmp(c->evidence, "on") == 0;
	if (d->evidence)
		evdir_init(&d->evdir, c->evidence_dir, c->evidence_dir_max);
	return 0;
}

struct daemon *
daemon_new(const struct conf *boot, const struct daemon_opts *o, char *err,
    size_t errlen)
{
	struct daemon *d;

	if ((d = calloc(1, sizeof(*d))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	d->boot = boot;
	d->o = *o;
	d->sigfd = d->stopfd = -1;
	pthread_mutex_init(&d->mu, NULL);
	/* blocked before any thread exists, so every thread inherits the mask */
	sigemptyset(&d->sigs);
	sigaddset(&d->sigs, SIGHUP);
	sigaddset(&d->sigs, SIGINT);
	sigaddset(&d->sigs, SIGTERM);
	if (pthread_sigmask(SIG_BLOCK, &d->sigs, NULL) != 0 ||
	    (d->sigfd = signalfd(-1, &d->sigs, SFD_NONBLOCK | SFD_CLOEXEC)) == -1 ||
	    (d->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) == -1) {
		snprintf(err, errlen, "signals: %s", strerror(errno));
		goto err;
	}
	if ((d->reload = reload_new(boot, o->conf_path, err, errlen)) == NULL)
		goto err;
	if (boot->central_host[0] != '\0' && daemon_open_uplink(d, err, errlen) == -1)
		goto err;
	if (o->inject > 0 && d->spool == NULL) {
		snprintf(err, errlen, "-X inject needs central_host (records go to the spool)");
		goto err;
	}
	return d;
err:
	daemon_free(d);
	return NULL;
}

/* The spool's files were created by root: the unprivileged daemon must own them. */
int
daemon_chown(struct daemon *d, uid_t uid, gid_t gid, char *err, size_t errlen)
{
	struct dirent *de;
	DIR *dir;
	int fd, rc = 0;

	if (d->spool == NULL)
		return 0;
	if ((fd = open(spool_dir(d->spool), O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1 || fchown(fd, uid, gid) == -1 ||
	    (dir = fdopendir(fd)) == NULL) {
		snprintf(err, errlen, "spool: chown %s: %s", spool_dir(d->spool),
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (fchownat(fd, de->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) == -1) {
			snprintf(err, errlen, "spool: chown %s/%s: %s",
			    spool_dir(d->spool), de->d_name, strerror(errno));
			rc = -1;
			break;
		}
	}
	closedir(dir);
	return rc;
}

/* --- running --------------------------------------------------------------- */

static void
daemon_signal(struct daemon *d, uint32_t sig)
{
	if (sig == SIGHUP) {
		log_info("SIGHUP: reloading %s", d->o.conf_path ? d->o.conf_path :
		    "(no -f file)");
		(void)reload_file(d->reload);
		return;
	}
	atomic_fetch_add(&d->stops, 1);
	pthread_mutex_lock(&d->mu);
	if (d->engine != NULL)
		engine_stop(d->engine);
	pthread_mutex_unlock(&d->mu);
}

/* The signal thread; also reclaims replaced configs once a second. */
static void *
daemon_ctl_main(void *arg)
{
	struct daemon *d = arg;
	struct signalfd_siginfo si;
	struct pollfd pfd[2];

	for (;;) {
		pfd[0] = (struct pollfd){ d->sigfd, POLLIN, 0 };
		pfd[1] = (struct pollfd){ d->stopfd, POLLIN, 0 };
		if (poll(pfd, 2, 1000) == -1 && errno != EINTR)
			fatal("signal thread: poll");
		if (pfd[1].revents != 0)
			break;
		while (read(d->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
			daemon_signal(d, si.ssi_signo);
		(void)confswap_reclaim(reload_confswap(d->reload));
	}
	return NULL;
}

/* Test only: N synthetic detection records through the detect stage's path. */
static void *
daemon_inject_main(void *arg)
{
	struct daemon *d = arg;
	char line[256];
	uint64_t k, failed = 0;
	usec_t t0 = clock_mono(), t, worst = 0;
	struct jw w;
	size_t n;

	for (k = 1; k <= d->o.inject && atomic_load(&d->stops) == 0; k++) {
		jw_init(&w, line, sizeof(line));
		jw_obj_open(&w, NULL);
		jw_str(&w, "type", "detection");
		jw_ts(&w, "ts", clock_wall());
		jw_bool(&w, "test", true);
		jw_u64(&w, "run", (uint64_t)getpid());
		jw_u64(&w, "n", k);
		jw_obj_close(&w);
		t = clock_mono();
		if ((n = jw_finish(&w)) == 0 || daemon_report(d, line, n) == -1)
			failed++;
		if (clock_mono() - t > worst)
			worst = clock_mono() - t;
	}
	t = clock_mono() - t0;
	log_info("inject: %" PRIu64 " test detection records appended, %" PRIu64
	    " failed, in %" PRIu64 " ms (mean %.2f us, slowest %" PRIu64 " us)",
	    k - 1 - failed, failed, t / 1000, k > 1 ? (double)t / (double)(k - 1) : 0.0,
	    worst);
	return NULL;
}

int
daemon_start(struct daemon *d, struct engine *e, char *err, size_t errlen)
{
	d->engine = e;
	if (pthread_create(&d->ctl_th, NULL, daemon_ctl_main, d) != 0) {
		snprintf(err, errlen, "cannot start the signal thread");
		return -1;
	}
	d->ctl_started = true;
	if (d->uplink != NULL && uplink_start(d->uplink) == -1) {
		snprintf(err, errlen, "cannot start the uplink thread");
		return -1;
	}
	if (d->o.inject > 0) {
		if (pthread_create(&d->inject_th, NULL, daemon_inject_main, d) != 0) {
			snprintf(err, errlen, "cannot start the inject thread");
			return -1;
		}
		d->inject_started = true;
	}
	return 0;
}

/* The record's evidence file first (its chunks), then the record. */
int
daemon_report(struct daemon *d, const char *line, size_t len)
{
	char err[PATH_MAX + 128];
	struct evspool_file f;
	int rc = 0;

	if (d->spool == NULL)
		return 0;
	if (d->evidence && (rc = evspool_append(d->spool, d->boot->evidence_dir, line,
	    len, &d->evs, &f, err, sizeof(err))) == -1 && d->evs.errors == 1)
		log_warnx("evidence transfer: %s (logged once; counted)", err);
	if (spool_append(d->spool, line, len, NULL) == -1)
		return -1;
	if (rc == 1)	/* its chunks and record are spooled: the local copy may go */
		evdir_spooled(&d->evdir, f.name, f.bytes);
	return 0;
}

struct uplink *
daemon_uplink(struct daemon *d)
{
	return d->uplink;
}

struct reload *
daemon_reload(struct daemon *d)
{
	return d->reload;
}

struct confswap *
daemon_confswap(struct daemon *d)
{
	return reload_confswap(d->reload);
}

void
daemon_engine_done(struct daemon *d)
{
	pthread_mutex_lock(&d->mu);
	if (d->engine != NULL)
		engine_stats(d->engine, &d->last);
	d->engine = NULL;
	pthread_mutex_unlock(&d->mu);
}

int
daemon_drain(struct daemon *d, usec_t max)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	struct spool_stats ss;
	unsigned stops = atomic_load(&d->stops);
	usec_t deadline = clock_mono() + max;

	if (d->inject_started)
		pthread_join(d->inject_th, NULL);
	d->inject_started = false;
	if (d->uplink == NULL)
		return 0;
	if (d->evidence)	/* the detect thread has stopped: its counters hold */
		log_info("evidence transfer: %" PRIu64 " files in %" PRIu64 " chunks (%"
		    PRIu64 " bytes) spooled for central, %" PRIu64 " could not go",
		    d->evs.files, d->evs.chunks, d->evs.bytes, d->evs.errors);
	if (d->evidence)
		log_info("evidence_dir: %" PRIu64 " bytes kept, %" PRIu64 " files (%"
		    PRIu64 " bytes) pruned under evidence_dir_max, %" PRIu64 " errors",
		    d->evdir.st.bytes, d->evdir.st.pruned_files, d->evdir.st.pruned_bytes,
		    d->evdir.st.errors);
	uplink_heartbeat(d->uplink);	/* the final counters */
	for (;;) {
		spool_stats(d->spool, &ss);
		if (ss.depth == 0) {
			log_info("uplink: spool drained, central holds up to seq %"
			    PRIu64, ss.acked);
			return 0;
		}
		if (clock_mono() >= deadline || atomic_load(&d->stops) != stops)
			break;
		nanosleep(&ts, NULL);
	}
	log_info("uplink: %" PRIu64 " records stay spooled for the next run", ss.depth);
	return -1;
}

void
daemon_free(struct daemon *d)
{
	if (d == NULL)
		return;
	if (d->inject_started) {
		atomic_fetch_add(&d->stops, 1);
		pthread_join(d->inject_th, NULL);
	}
	if (d->ctl_started) {
		(void)eventfd_write(d->stopfd, 1);
		pthread_join(d->ctl_th, NULL);
	}
	uplink_free(d->uplink);		/* stops its thread first */
	spool_close(d->spool);
	reload_free(d->reload);
	if (d->sigfd != -1)
		close(d->sigfd);
	if (d->stopfd != -1)
		close(d->stopfd);
	pthread_mutex_destroy(&d->mu);
	free(d);
}
