/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatchctl: asks the local goipwatchd over its control socket. */
#include <sys/socket.h>
#include <sys/un.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_SOCKET	"/run/goipwatch/control.sock"
#define TIMEOUT_SECS	5

static const char *const commands[] = { "status", "metrics" };

static void
usage(void)
{
	fprintf(stderr, "usage: goipwatchctl [-s socket] status|metrics\n");
	exit(2);
}

static int
ctl_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timeval tv = { TIMEOUT_SECS, 0 };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "goipwatchctl: %s: path too long\n", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		fprintf(stderr, "goipwatchctl: %s: %s (is goipwatchd running?)\n",
		    path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* Sends the command, copies the answer to stdout; 0 when it was not an error. */
static int
ctl_run(int fd, const char *cmd)
{
	char buf[4096];
	ssize_t n;
	size_t total = 0;
	int failed = 0;

	if (dprintf(fd, "%s\n", cmd) < 0) {
		fprintf(stderr, "goipwatchctl: send: %s\n", strerror(errno));
		return -1;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		if (total == 0 && strncmp(buf, "error:", 6) == 0)
			failed = 1;
		fwrite(buf, 1, (size_t)n, stdout);
		total += (size_t)n;
	}
	if (n == -1) {
		fprintf(stderr, "goipwatchctl: read: %s\n", strerror(errno));
		return -1;
	}
	if (total == 0) {
		fprintf(stderr, "goipwatchctl: no answer\n");
		return -1;
	}
	return failed ? -1 : 0;
}

int
main(int argc, char **argv)
{
	const char *path = DEFAULT_SOCKET;
	size_t i;
	int ch, fd, rc;

	while ((ch = getopt(argc, argv, "hs:")) != -1) {
		switch (ch) {
		case 's': path = optarg; break;
		default: usage();
		}
	}
	if (argc - optind != 1)
		usage();
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[optind], commands[i]) == 0)
			break;
	if (i == sizeof(commands) / sizeof(commands[0]))
		usage();
	if ((fd = ctl_connect(path)) == -1)
		return 1;
	rc = ctl_run(fd, commands[i]);
	close(fd);
	return rc == 0 && fflush(stdout) == 0 ? 0 : 1;
}
