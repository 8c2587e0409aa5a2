/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The appliance fleet: heartbeats, versions, drops, backlog, silent alarms,
 * groups and sites. One query (fleet_query) feeds the terminal listing and
 * the console API's JSON.
 */
#ifndef GWC_FLEET_H
#define GWC_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct storage;

/* The counters of an appliance row, in JSON order (the table is in fleet.c). */
enum fleet_num {
	FLEET_UPTIME, FLEET_PACKETS, FLEET_DROPS, FLEET_DROPS_KERNEL, FLEET_DROPS_RING,
	FLEET_DROPS_DECODE, FLEET_DROPS_FLOW_FULL, FLEET_DROPS_REASM, FLEET_SPOOL,
	FLEET_SPOOL_OLDEST, FLEET_SPOOLDROP, FLEET_RECORDS, FLEET_QUARANTINED, FLEET_NNUM
};

/* One appliance; strings are untrusted and valid during the callback only. */
struct fleet_row {
	const char	*id, *site, *grp, *firmware, *tls_state;	/* NULL: unknown */
	int64_t		 connected_at, heartbeat;	/* 0: never */
	int64_t		 age;		/* seconds since the heartbeat; -1: none */
	bool		 silent;	/* no heartbeat for longer than silent_after */
	int64_t		 num[FLEET_NNUM];	/* -1: not reported */
	int64_t		 config_running;	/* the version the appliance runs */
	int64_t		 config_pushed;		/* newest version pushed; 0: none */
	const char	*config_state;	/* of config_pushed (confstore_ack_state) */
	const char	*config_message;	/* the appliance's refusal, or NULL */
	int64_t		 geodb_version;		/* country database offered; 0: none */
	const char	*geodb_state;		/* its answer (filestore_ack_state) */
	const char	*geodb_message;		/* the appliance's message, or NULL */
};

typedef int (*fleet_row_fn)(void *arg, const struct fleet_row *);

/* The JSON key of a counter. */
const char *fleet_num_key(enum fleet_num);
/* Every appliance, silent ones first, then by id; fn's -1 stops with -1. */
int	fleet_query(struct storage *, int64_t now, int64_t silent_after, fleet_row_fn,
	    void *arg);
/* Lists appliances; returns the number silent for longer than silent_after, or -1. */
int	fleet_print(struct storage *, int64_t now, int64_t silent_after, FILE *);
/* The same rows as a JSON array of objects (the console API). */
int	fleet_json_array(struct storage *, int64_t now, int64_t silent_after, FILE *);
/* Set the group or the site of an appliance central knows; -1 with the reason in err. */
int	fleet_set_group(struct storage *, const char *appliance, const char *grp,
	    char *err, size_t errlen);
int	fleet_set_site(struct storage *, const char *appliance, const char *site,
	    char *err, size_t errlen);
/* 1..64 bytes of [A-Za-z0-9._-]: a group name the API takes (it is a path segment). */
bool	fleet_group_is_valid(const char *);

#endif
