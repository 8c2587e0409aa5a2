/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The hardware watchdog. The caller pets it only while the appliance is
 * healthy; a clean exit closes it with the magic character so the timer stops,
 * and a crash or hang leaves it armed so the board resets. Variants:
 * watchdog-linux.c (/dev/watchdog) and watchdog-null.c; board.mk picks one.
 */
#ifndef GW_WATCHDOG_H
#define GW_WATCHDOG_H

#include <stddef.h>

struct watchdog;

/*
 * Opens and arms the device; timeout_s 0 keeps the driver's timeout.
 * NULL with the reason in err. The null variant never fails.
 */
struct watchdog	*watchdog_open(const char *path, unsigned timeout_s,
		    char *err, size_t errlen);
/* One keepalive; 0, or -1 with errno set. */
int		 watchdog_pet(struct watchdog *);
/* The timeout in force, in seconds (0: unknown or none). */
unsigned	 watchdog_timeout(const struct watchdog *);
/* Magic close: disarms (unless the driver is built nowayout). NULL-safe. */
void		 watchdog_close(struct watchdog *);
/* "linux" or "null": the variant this board built. */
const char	*watchdog_driver(void);

#endif
