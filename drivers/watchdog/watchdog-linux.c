/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux watchdog device: WDIOC_KEEPALIVE to pet, 'V' before close to disarm. */
#include <sys/ioctl.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/watchdog.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "watchdog.h"

struct watchdog {
	int		fd;
	unsigned	timeout;
};

struct watchdog *
watchdog_open(const char *path, unsigned timeout_s, char *err, size_t errlen)
{
	struct watchdog *w;
	int t;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		snprintf(err, errlen, "watchdog: out of memory");
		return NULL;
	}
	/* opening arms it: from here a missed pet resets the board */
	if ((w->fd = open(path, O_WRONLY | O_CLOEXEC)) == -1) {
		snprintf(err, errlen, "watchdog %s: %s", path, strerror(errno));
		free(w);
		return NULL;
	}
	t = (int)timeout_s;
	if (timeout_s > 0 && ioctl(w->fd, WDIOC_SETTIMEOUT, &t) == -1)
		t = 0;		/* not every driver can: keep its own */
	if (ioctl(w->fd, WDIOC_GETTIMEOUT, &t) == 0 && t > 0)
		w->timeout = (unsigned)t;
	return w;
}

int
watchdog_pet(struct watchdog *w)
{
	int dummy = 0;

	return ioctl(w->fd, WDIOC_KEEPALIVE, &dummy) == -1 ? -1 : 0;
}

unsigned
watchdog_timeout(const struct watchdog *w)
{
	return w->timeout;
}

void
watchdog_close(struct watchdog *w)
{
	if (w == NULL)
		return;
	/* the magic close; a driver built with nowayout ignores it and stays armed */
	while (write(w->fd, "V", 1) == -1 && errno == EINTR)
		;
	close(w->fd);
	free(w);
}

const char *
watchdog_driver(void)
{
	return "linux";
}
