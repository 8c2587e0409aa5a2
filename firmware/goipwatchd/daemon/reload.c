/* SPDX-License-Identifier: BSD-2-Clause */
/* SIGHUP and pushed configs: one parser, one check, one swap. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <unistd.h>

#include "frame.h"
#include "geo.h"
#include "keytab.h"
#include "log.h"
#include "reload.h"

struct reload {
	struct confswap	*cs;
	char		 path[512];	/* "" when there is no -f file */
	pthread_mutex_t	 mu;		/* serialises the two publishers; pending */
	char		 pending[512];	/* start-up keys the file changed; kept */
	struct uplink	*uplink;
};

/* A deep copy: the printout parses back to itself (checked by test_conf). */
static struct conf *
conf_copy(const struct conf *c, char *err, size_t errlen)
{
	struct conf *n = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	conf_print(c, f);
	if (fclose(f) == 0)
		n = conf_parse(buf, len, "running config", err, errlen);
	else
		snprintf(err, errlen, "out of memory");
	free(buf);
	if (n != NULL)		/* the printout names every key; the file did not */
		memcpy(n->keys_set, c->keys_set, sizeof(n->keys_set));
	return n;
}

struct reload *
reload_new(const struct conf *boot, const char *path, char *err, size_t errlen)
{
	struct reload *r;
	struct conf *c;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (path != NULL)
		snprintf(r->path, sizeof(r->path), "%s", path);
	pthread_mutex_init(&r->mu, NULL);
	if ((c = conf_copy(boot, err, errlen)) == NULL ||
	    (r->cs = confswap_new(c)) == NULL) {
		if (c != NULL)
			snprintf(err, errlen, "out of memory");
		reload_free(r);
		return NULL;
	}
	return r;
}

void
reload_free(struct reload *r)
{
	if (r == NULL)
		return;
	confswap_free(r->cs);
	pthread_mutex_destroy(&r->mu);
	free(r);
}

struct confswap *
reload_confswap(struct reload *r)
{
	return r->cs;
}

void
reload_set_uplink(struct reload *r, struct uplink *u)
{
	pthread_mutex_lock(&r->mu);
	r->uplink = u;
	pthread_mutex_unlock(&r->mu);
}

/*
 * Copies the start-up keys (the table's KT_START rows) from the running
 * config: they size the tables and rings the packet path already allocated,
 * the workers read them only when they are built, or they are the uplink's
 * identity and keys. A reader never sees a value it was not built with, and
 * what is reported as active is what runs. They count as named when the
 * running config named them (they stay in force). Names in changed those the
 * new config sets to another value; -1 when out of memory.
 */
static int
keep_restart_keys(struct conf *c, const struct conf *run, char *changed, size_t len)
{
	const struct keytab *t = conf_keytab();
	const struct keytab_key *k;
	size_t i, n = 0;

	changed[0] = '\0';
	for (i = 0; i < t->n; i++) {
		k = &t->keys[i];
		if (k->applies != KT_START)
			continue;
		if (conf_key_is_set(c, k->name) && !keytab_equal(k, c, run) && n < len)
			n += (size_t)snprintf(changed + n, len - n, "%s%s", n ? " " : "",
			    k->name);
		if (keytab_copy(k, c, run) == -1)
			return -1;
		if (conf_key_is_set(run, k->name))
			(void)conf_key_mark_set(c, k->name);
	}
	return 0;
}

/*
 * Checks c against the running config and publishes it; takes c. r->mu held.
 * A push may not change a start-up key: the pipeline and the uplink were built
 * from the local file, a restart builds them from it again (config.lkg is
 * applied through this same path), so such a push would be "applied" but never
 * in force. Nor may a push leave out a key the running config named, unless its
 * first line allows it: an empty or truncated push must not quietly bring back
 * defaults (pseudonymisation off). A local file's start-up keys apply at the
 * next start, and the log says so.
 */
static int
install(struct reload *r, struct conf *c, const char *origin, bool push, char *err,
    size_t errlen)
{
	const struct conf *run = confswap_latest(r->cs);
	char dropped[256], restart[512];
	uint64_t gen, version = c->version;
	size_t n;

	if (c->version < run->version) {
		snprintf(err, errlen, "%s: version %" PRIu64 " is below the running "
		    "version %" PRIu64 " (pushed by central; raise version to override)",
		    origin, c->version, run->version);
		conf_free(c);
		return -1;
	}
	if (keep_restart_keys(c, run, restart, sizeof(restart)) == -1) {
		snprintf(err, errlen, "%s: out of memory", origin);
		conf_free(c);
		return -1;
	}
	if (push && restart[0] != '\0') {
		snprintf(err, errlen, "%s: changes keys read only at start, which a push "
		    "cannot set: %s (leave them out, or set them in the local config "
		    "file)", origin, restart);
		conf_free(c);
		return -1;
	}
	if (push && !c->drop_keys_allowed &&
	    (n = conf_dropped_keys(run, c, dropped, sizeof(dropped))) > 0) {
		snprintf(err, errlen, "%s: leaves out %zu key%s the running config "
		    "sets: %s (a first line '" CONF_DROP_KEYS_ALLOWED "' allows it)",
		    origin, n, n == 1 ? "" : "s", dropped);
		conf_free(c);
		return -1;
	}
	if ((gen = confswap_publish(r->cs, c)) == 0) {
		snprintf(err, errlen, "%s: out of memory", origin);
		return -1;
	}
	log_info("config: version %" PRIu64 " from %s is active (generation %" PRIu64
	    ")", version, origin, gen);
	if (!push)	/* the file's start-up keys wait for the next start */
		snprintf(r->pending, sizeof(r->pending), "%s", restart);
	if (restart[0] != '\0')
		log_info("config: changed but kept until a restart: %s", restart);
	return 0;
}

int
reload_file(struct reload *r)
{
	char err[512];
	struct conf *c;
	int rc = -1;

	if (r->path[0] == '\0') {
		log_warnx("SIGHUP: no configuration file (-f) to reload");
		return -1;
	}
	pthread_mutex_lock(&r->mu);
	if ((c = conf_load(r->path, err, sizeof(err))) != NULL &&
	    (rc = install(r, c, r->path, false, err, sizeof(err))) == 0 &&
	    r->uplink != NULL &&
	    uplink_config_version(r->uplink) != confswap_latest(r->cs)->version)
		uplink_set_config_version(r->uplink, confswap_latest(r->cs)->version);
	pthread_mutex_unlock(&r->mu);
	if (rc == -1)
		log_warnx("config: reload refused, the running config stays: %s", err);
	return rc;
}

int
reload_push(void *arg, const char *buf, size_t len, uint64_t version, char *err,
    size_t errlen)
{
	struct reload *r = arg;
	struct conf *c;
	int rc;

	if ((c = conf_parse(buf, len, "push", err, errlen)) == NULL)
		return -1;
	/* version 0 in the body means no version key */
	if (c->version != 0 && c->version != version) {
		snprintf(err, errlen, "push: the body says version %" PRIu64
		    " but was signed as %" PRIu64, c->version, version);
		conf_free(c);
		return -1;
	}
	c->version = version;
	pthread_mutex_lock(&r->mu);
	rc = install(r, c, "push", true, err, errlen);
	pthread_mutex_unlock(&r->mu);
	return rc;
}

size_t
reload_pending(struct reload *r, char *buf, size_t len)
{
	size_t n;

	pthread_mutex_lock(&r->mu);
	n = (size_t)snprintf(buf, len, "%s", r->pending);
	pthread_mutex_unlock(&r->mu);
	return n < len ? n : len - 1;
}

/* Keeps the database in force as .prev (a hard link), then renames path over it. */
static int
geodb_install(const char *dir, const char *path, char *err, size_t errlen)
{
	char cur[600], prev[600], tmp[620];
	int fd;

	snprintf(cur, sizeof(cur), "%s/" GEO_PUSHED, dir);
	snprintf(prev, sizeof(prev), "%s/" GEO_PUSHED ".prev", dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", prev);
	(void)unlink(tmp);
	if (link(cur, tmp) == 0 && rename(tmp, prev) == -1)
		(void)unlink(tmp);
	if (rename(path, cur) == -1) {
		snprintf(err, errlen, "cannot install %s: %s", cur, strerror(errno));
		return -1;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)fsync(fd);	/* the rename survives a power cut */
		close(fd);
	}
	return 0;
}

int
reload_file_apply(void *arg, uint8_t kind, const char *path, uint64_t version,
    char *err, size_t errlen)
{
	struct reload *r = arg;
	struct conf *c;
	struct geo *g;
	char why[256];
	int rc = FRAME_FILE_OK;

	if (kind != FRAME_FILE_GEODB) {
		snprintf(err, errlen, "not a kind this appliance installs");
		return FRAME_FILE_UNSUPPORTED;
	}
	if ((g = geo_open(path, why, sizeof(why))) == NULL) {
		snprintf(err, errlen, "not a usable database: %s", why);
		return FRAME_FILE_INVALID;
	}
	pthread_mutex_lock(&r->mu);
	snprintf(err, errlen, "%s", geo_describe(g));
	geo_close(g);
	if (geodb_install(confswap_latest(r->cs)->spool_dir, path, err, errlen) == -1)
		rc = FRAME_FILE_STORE;
	/* the same config again: readers take it at their next batch, and the
	 * detect stage opens the database it names anew */
	else if ((c = conf_copy(confswap_latest(r->cs), why, sizeof(why))) == NULL ||
	    confswap_publish(r->cs, c) == 0)
		log_warnx("geodb version %" PRIu64 " installed; in force at the next "
		    "config change or restart (%s)", version, c ? "out of memory" : why);
	pthread_mutex_unlock(&r->mu);
	return rc;
}
