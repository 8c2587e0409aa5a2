/* SPDX-License-Identifier: BSD-2-Clause */
/* LEDs through sysfs: brightness 0 or max_brightness, fds kept open. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "led.h"

struct led {
	int	fd[LED_N];		/* -1: no such LED on this board */
	int	state[LED_N];		/* -1 unknown, 0 off, 1 on */
	char	on[LED_N][16];		/* max_brightness as text */
};

/* The LED's max_brightness, or "1" when the file is missing or odd. */
static void
led_max(const char *dir, const char *name, char *buf, size_t cap)
{
	char path[PATH_MAX];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "%s/%s/max_brightness", dir, name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) != -1) {
		n = read(fd, buf, cap - 1);
		close(fd);
	}
	if (n <= 0 || buf[0] < '1' || buf[0] > '9') {
		snprintf(buf, cap, "1");
		return;
	}
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

struct led *
led_open(const char *dir, const char *const names[LED_N], char *err, size_t errlen)
{
	char path[PATH_MAX];
	struct led *l;
	int i;

	if ((l = malloc(sizeof(*l))) == NULL) {
		snprintf(err, errlen, "led: out of memory");
		return NULL;
	}
	for (i = 0; i < LED_N; i++) {
		l->fd[i] = -1;
		l->state[i] = -1;
	}
	for (i = 0; i < LED_N; i++) {
		if (names == NULL || names[i] == NULL || names[i][0] == '\0')
			continue;
		snprintf(path, sizeof(path), "%s/%s/brightness", dir, names[i]);
		if ((l->fd[i] = open(path, O_WRONLY | O_CLOEXEC)) == -1) {
			snprintf(err, errlen, "led %s: %s", path, strerror(errno));
			led_close(l);
			return NULL;
		}
		led_max(dir, names[i], l->on[i], sizeof(l->on[i]));
		(void)led_set(l, (enum led_id)i, false);
	}
	return l;
}

int
led_set(struct led *l, enum led_id id, bool on)
{
	const char *v = on ? l->on[id] : "0";
	size_t len = strlen(v);

	if (l->fd[id] == -1 || l->state[id] == (int)on)
		return 0;
	/* sysfs takes the whole value in one write at offset 0 */
	if (pwrite(l->fd[id], v, len, 0) != (ssize_t)len)
		return -1;
	l->state[id] = on;
	return 0;
}

void
led_close(struct led *l)
{
	int i;

	if (l == NULL)
		return;
	for (i = 0; i < LED_N; i++) {
		if (l->fd[i] == -1)
			continue;
		(void)led_set(l, (enum led_id)i, false);
		close(l->fd[i]);
	}
	free(l);
}

const char *
led_driver(void)
{
	return "sysfs";
}
