/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The local control plane: a unix socket answering `goipwatchctl status`
 * (and `metrics`), and a Prometheus text-format endpoint on a loopback TCP
 * port. Its thread also samples the pipeline once a second, decides whether
 * capture and the uplink are healthy, and ticks the board (watchdog, LEDs).
 * Started after the privilege drop; the packet path never waits on it.
 */
#ifndef GW_CONTROL_H
#define GW_CONTROL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "board.h"
#include "engine.h"
#include "reload.h"
#include "uplink.h"

#define CONTROL_SOCKET		"/run/goipwatch/control.sock"
#define CONTROL_METRICS_PORT	9466

struct control_opts {
	const char	*socket_path;	/* NULL: CONTROL_SOCKET; "": none */
	const char	*metrics_addr;	/* NULL: 127.0.0.1 */
	int		 metrics_port;	/* 0: CONTROL_METRICS_PORT; -1: none */
	const char	*firmware_version;
	const char	*site_id;
	uint64_t	 config_version;	/* boot config; the uplink's wins */
	struct uplink	*uplink;	/* NULL: no central configured */
	struct reload	*reload;	/* NULL: no reloads (status: kept keys) */
	struct board	*board;		/* NULL: nothing to tick */
	/* capture is unhealthy after this long without a packet; 0: 120 s */
	unsigned	 capture_stall_secs;
	/* the uplink is unhealthy after this long not up; 0: 900 s */
	unsigned	 uplink_grace_secs;
};

/* Figures of one sample; what status and metrics print. */
struct control_health {
	bool		capture_ok, uplink_ok, alarm;
	double		pps;		/* packets/s over the last sample */
	uint64_t	lines;		/* subscriber lines tracked */
};

struct control;

/* Binds the socket and the port (as the user that will run them). */
struct control	*control_new(const struct control_opts *, struct engine *,
		    char *err, size_t errlen);
int		 control_start(struct control *);
/* Joins the thread; call before engine_free. Idempotent. */
void		 control_stop(struct control *);
void		 control_free(struct control *);	/* NULL-safe; stops first */

#endif
