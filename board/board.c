/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Watchdog and LEDs together, with the defaults board.mk compiled in
 * (BOARD_NAME, BOARD_WATCHDOG_DEV, BOARD_WATCHDOG_TIMEOUT, BOARD_LED_*).
 */
#include <stdio.h>
#include <stdlib.h>

#include "board.h"
#include "led.h"
#include "log.h"
#include "watchdog.h"

struct board {
	struct watchdog	*wd;		/* NULL: disabled by the caller */
	struct led	*led;
	struct board_status st;
};

struct board *
board_open(const struct board_opts *o, char *err, size_t errlen)
{
	static const char *const names[LED_N] = {
		BOARD_LED_CAPTURE, BOARD_LED_UPLINK, BOARD_LED_ALARM,
	};
	struct board *b;

	if ((b = calloc(1, sizeof(*b))) == NULL) {
		snprintf(err, errlen, "board: out of memory");
		return NULL;
	}
	b->st.name = BOARD_NAME;
	b->st.watchdog = o->no_watchdog ? "disabled" : watchdog_driver();
	b->st.led = led_driver();
	if ((b->led = led_open(o->led_dir ? o->led_dir : "/sys/class/leds",
	    o->led_names ? o->led_names : names, err, errlen)) == NULL)
		goto err_free;
	if (!o->no_watchdog && (b->wd = watchdog_open(o->watchdog_dev ?
	    o->watchdog_dev : BOARD_WATCHDOG_DEV, o->watchdog_timeout ?
	    o->watchdog_timeout : BOARD_WATCHDOG_TIMEOUT, err, errlen)) == NULL)
		goto err_led;
	if (b->wd != NULL)
		b->st.watchdog_timeout = watchdog_timeout(b->wd);
	return b;
err_led:
	led_close(b->led);
err_free:
	free(b);
	return NULL;
}

void
board_tick(struct board *b, bool capture_ok, bool uplink_ok, bool alarm)
{
	b->st.capture_ok = capture_ok;
	b->st.uplink_ok = uplink_ok;
	b->st.alarm = alarm;
	(void)led_set(b->led, LED_CAPTURE, capture_ok);
	(void)led_set(b->led, LED_UPLINK, uplink_ok);
	(void)led_set(b->led, LED_ALARM, alarm);
	if (!capture_ok || !uplink_ok) {
		b->st.unhealthy_ticks++;	/* no pet: the watchdog runs down */
		return;
	}
	if (b->wd == NULL)
		return;
	if (watchdog_pet(b->wd) == -1) {
		if (b->st.pet_errors++ == 0)
			log_warn("watchdog: keepalive");
		return;
	}
	b->st.pets++;
}

void
board_status(const struct board *b, struct board_status *st)
{
	*st = b->st;
}

void
board_close(struct board *b)
{
	if (b == NULL)
		return;
	watchdog_close(b->wd);
	led_close(b->led);
	free(b);
}
