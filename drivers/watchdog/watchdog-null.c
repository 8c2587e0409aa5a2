/* SPDX-License-Identifier: BSD-2-Clause */
/* No watchdog on this board: every call succeeds and does nothing. */
#include <stdlib.h>

#include "watchdog.h"

struct watchdog {
	int	unused;
};

struct watchdog *
watchdog_open(const char *path, unsigned timeout_s, char *err, size_t errlen)
{
	static struct watchdog none;

	(void)path, (void)timeout_s, (void)err, (void)errlen;
	return &none;
}

int
watchdog_pet(struct watchdog *w)
{
	(void)w;
	return 0;
}

unsigned
watchdog_timeout(const struct watchdog *w)
{
	(void)w;
	return 0;
}

void
watchdog_close(struct watchdog *w)
{
	(void)w;
}

const char *
watchdog_driver(void)
{
	return "null";
}
