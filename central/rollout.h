/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Staged firmware rollouts (docs/deployment.md, Firmware rollouts): a stored
 * bundle offered to a group's canaries first, to the rest once every canary
 * is healthy within the window, halted by itself on a failure. The writer
 * calls the hello, poll and ack hooks inside its transaction; housekeeping
 * calls rollout_tick; the CLI and the console API the rest.
 */
#ifndef GWC_ROLLOUT_H
#define GWC_ROLLOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct pushfile;
struct storage;

#define ROLLOUT_TOO_OLD	"firmware too old to take pushes"

struct rollout_req {
	const char	*fw_version;	/* the bundle's manifest version */
	const char	*grp, *who, *keypath;	/* keypath: config_key */
	int64_t		 canaries, window;
	bool		 allow_downgrade;
};

/* What rollout_tick judges a running member by (central.conf). */
struct rollout_health {
	int64_t		 settle;	/* rollout_settle */
	int64_t		 reconnects;	/* rollout_reconnects: more is a crash loop */
	int64_t		 silent_after;	/* the newest heartbeat at most this old */
};

/* Starts a rollout; its id, or -1 with the reason in err. */
int	rollout_start(struct storage *, const struct rollout_req *, int64_t now,
	    int64_t *id, char *err, size_t errlen);
/* Halts the active rollouts of fw_version (of grp only, unless NULL): how many, or -1. */
int	rollout_halt(struct storage *, const char *fw_version, const char *grp,
	    const char *who, int64_t now, char *err, size_t errlen);
/* Every rollout (of fw_version unless NULL) and its members, for the terminal. */
int	rollout_status(struct storage *, const char *fw_version, FILE *);
/* "rollouts":[...] with the members, as JSON (the console API). */
int	rollout_json(struct storage *, FILE *);

/*
 * A hello (writer, in its transaction): the member's state follows the
 * firmware it runs; an offer due to it is added to *offers.
 */
int	rollout_hello(struct storage *, const char *appliance, const char *firmware,
	    bool takes_files, int64_t now, struct pushfile **offers);
/* Every offer due (config_poll), added to *offers, for sessions of any
 * instance; waiting members connected to instance are marked offered. */
int	rollout_offers(struct storage *, const char *instance, int64_t now,
	    struct pushfile **offers);
/* An appliance's file_ack for firmware file_version. */
int	rollout_acked(struct storage *, const char *appliance, uint64_t file_version,
	    int status, const char *msg, int64_t now);
/* Housekeeping: health, windows, phases. */
int	rollout_tick(struct storage *, const struct rollout_health *, int64_t now);

#endif
