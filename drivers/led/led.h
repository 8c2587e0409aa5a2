/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Status LEDs: capture ok, uplink ok, alarm. Variants: led-sysfs.c
 * (/sys/class/leds/<name>/brightness) and led-null.c; board.mk picks one.
 */
#ifndef GW_LED_H
#define GW_LED_H

#include <stdbool.h>
#include <stddef.h>

enum led_id {
	LED_CAPTURE,
	LED_UPLINK,
	LED_ALARM,
	LED_N
};

struct led;

/*
 * Opens the LEDs named in names[] (NULL or "" skips one) under dir
 * ("/sys/class/leds" on a board; tests pass their own). All start off.
 * NULL with the reason in err when a named LED cannot be opened.
 */
struct led	*led_open(const char *dir, const char *const names[LED_N],
		    char *err, size_t errlen);
/* Writes only on a change; 0, or -1 with errno set. */
int		 led_set(struct led *, enum led_id, bool on);
/* Turns them off and closes. NULL-safe. */
void		 led_close(struct led *);
const char	*led_driver(void);

#endif
