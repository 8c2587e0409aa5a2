/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The board's health outputs: the hardware watchdog and the status LEDs the
 * board.mk selected. The daemon decides what is healthy; board_tick, called
 * about once a second, pets the watchdog only while capture and the uplink
 * are both healthy, and mirrors the three states on the LEDs.
 */
#ifndef GW_BOARD_H
#define GW_BOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct board_opts {
	const char	*watchdog_dev;		/* NULL: the board's default */
	unsigned	 watchdog_timeout;	/* s; 0: the board's default */
	bool		 no_watchdog;		/* e.g. offline runs, tests */
	const char	*led_dir;		/* NULL: /sys/class/leds */
	const char	*const *led_names;	/* [LED_N]; NULL: the board's */
};

struct board_status {
	const char	*name, *watchdog, *led;	/* board and variant names */
	unsigned	 watchdog_timeout;
	uint64_t	 pets, pet_errors, unhealthy_ticks;
	bool		 capture_ok, uplink_ok, alarm;
};

struct board;

/* Opens the watchdog (arming it) and the LEDs; NULL with the reason in err. */
struct board	*board_open(const struct board_opts *, char *err, size_t errlen);
void		 board_tick(struct board *, bool capture_ok, bool uplink_ok, bool alarm);
void		 board_status(const struct board *, struct board_status *);
/* Clean exit: LEDs off, watchdog disarmed with the magic close. NULL-safe. */
void		 board_close(struct board *);

#endif
