/* SPDX-License-Identifier: BSD-2-Clause */
/* Configurations per appliance group: stored, versioned, signed; pushes and acks. */
#ifndef GWC_CONFSTORE_H
#define GWC_CONFSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "storage.h"

struct pushcfg;

/* The newest config of grp above version, or *out NULL. */
int	confstore_latest(struct storage *, const char *grp, uint64_t above,
	    struct pushcfg **out);
/* The newest config of every group, as a list. */
int	confstore_all_latest(struct storage *, struct pushcfg **out);
int	confstore_pushed(struct storage *, const char *appliance, uint64_t version,
	    int64_t now);
/*
 * Checks body with the appliance's parser (conf.c), refuses an empty one and one
 * that leaves out keys grp's previous config named (unless its first line is
 * CONF_DROP_KEYS_ALLOWED), then signs it with keypath under the next version
 * and stores it for grp.
 */
int	confstore_set(struct storage *, const char *grp, const char *body, size_t len,
	    const char *keypath, const char *who, uint64_t *version, char *err,
	    size_t errlen);
int	confstore_status(struct storage *, FILE *);
/* The state of an appliance's newest push: "not pushed", "pushed, no answer", its answer. */
const char *confstore_ack_state(bool pushed, bool answered, int64_t status);
/* Each group's newest config; rows: grp, version, created, created_by. */
int	confstore_groups(struct storage *, db_row_fn, void *);
/*
 * The appliances of grp and their answer to version; rows: id, running version,
 * pushed version (NULL: not pushed), status (NULL: no answer), message,
 * pushed_at, acked_at.
 */
int	confstore_acks(struct storage *, const char *grp, int64_t version, db_row_fn,
	    void *);
/* grp's newest config, one row or none: version, created, created_by, body. */
int	confstore_get(struct storage *, const char *grp, db_row_fn, void *);

#endif
