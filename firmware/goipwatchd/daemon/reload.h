/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Live configuration changes: the local file again (SIGHUP) and signed pushes
 * from central, both through conf_parse, checked against the running config and
 * published with confswap. A bad config never replaces a good one. The key
 * table's start-up keys (conf.c, KT_START) keep their running values until a
 * restart: a push changing one is refused, a reloaded file's wait (reload_pending).
 */
#ifndef GW_RELOAD_H
#define GW_RELOAD_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "confswap.h"
#include "uplink.h"

struct reload;

/* Publishes a copy of boot (the caller keeps boot); path: the -f file, or NULL. */
struct reload	*reload_new(const struct conf *boot, const char *path,
		    char *err, size_t errlen);
void		 reload_free(struct reload *);	/* NULL-safe; readers must be gone */
struct confswap	*reload_confswap(struct reload *);
/* Local reloads tell the uplink the running version (hello, stale checks). */
void		 reload_set_uplink(struct reload *, struct uplink *);
/* Rereads the -f file; 0, or -1 with the exact error logged. Any thread. */
int		 reload_file(struct reload *);
/*
 * The start-up keys the -f file last reloaded changed, kept at their running
 * values until a restart, space separated in buf ("" when none, truncated to
 * fit); returns the length. Any thread (goipwatchctl status).
 */
/*
 * The uplink's file callback (arg: struct reload *): a pushed country database
 * whose hash and signature held is opened with libmaxminddb, renamed over
 * spool_dir/geodb.mmdb (the one before kept as geodb.mmdb.prev) and the
 * running config published again, so the detect stage reopens it at its next
 * batch. An enum frame_file_status; err says why, or describes the database.
 */
int		 reload_file_apply(void *arg, uint8_t kind, const char *path,
		    uint64_t version, char *err, size_t errlen);
size_t		 reload_pending(struct reload *, char *buf, size_t len);
/*
 * The uplink's apply callback (arg: struct reload *): parse, check, publish.
 * A push must name every key the running config names unless its first line is
 * CONF_DROP_KEYS_ALLOWED, and may not change a key read only at start.
 */
int		 reload_push(void *arg, const char *buf, size_t len, uint64_t version,
		    char *err, size_t errlen);

#endif
