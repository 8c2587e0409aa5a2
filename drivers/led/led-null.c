/* SPDX-License-Identifier: BSD-2-Clause */
/* No status LEDs on this board: every call succeeds and does nothing. */
#include "led.h"

struct led {
	int	unused;
};

struct led *
led_open(const char *dir, const char *const names[LED_N], char *err, size_t errlen)
{
	static struct led none;

	(void)dir, (void)names, (void)err, (void)errlen;
	return &none;
}

int
led_set(struct led *l, enum led_id id, bool on)
{
	(void)l, (void)id, (void)on;
	return 0;
}

void
led_close(struct led *l)
{
	(void)l;
}

const char *
led_driver(void)
{
	return "null";
}
