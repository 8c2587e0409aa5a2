/* SPDX-License-Identifier: BSD-2-Clause */
/* Configurations per appliance group: stored, versioned, signed; pushes and acks. */
#ifndef GWC_CONFSTORE_H
#define GWC_CONFSTORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct storage;
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

#endif
