/* SPDX-License-Identifier: BSD-2-Clause */
/* Listening sockets for the appliance listener and the console API. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "listen.h"

static int
parse_listen(const char *s, struct sockaddr_in *sa)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	unsigned long port;
	char *end;

	if (colon == NULL || (size_t)(colon - s) >= sizeof(host))
		return -1;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	port = strtoul(colon + 1, &end, 10);
	if (*end != '\0' || port > 65535)
		return -1;
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((uint16_t)port);
	return inet_pton(AF_INET, host, &sa->sin_addr) == 1 ? 0 : -1;
}

static int
write_port(const char *path, int fd)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	char tmp[600];
	FILE *f;

	if (getsockname(fd, (struct sockaddr *)&sa, &sl) == -1)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if ((f = fopen(tmp, "w")) == NULL)
		return -1;
	fprintf(f, "%u\n", ntohs(sa.sin_port));
	if (fclose(f) != 0)
		return -1;
	return rename(tmp, path);
}

int
listen_tcp(const char *addr, const char *port_file, int backlog, char *err,
    size_t errlen)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	if (parse_listen(addr, &sa) == -1)
		return snprintf(err, errlen, "want IPv4:PORT, not '%s'", addr), -1;
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		return snprintf(err, errlen, "socket: %s", strerror(errno)), -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    listen(fd, backlog) == -1) {
		snprintf(err, errlen, "listen %s: %s", addr, strerror(errno));
		close(fd);
		return -1;
	}
	if (port_file != NULL && port_file[0] != '\0' && write_port(port_file, fd) == -1) {
		snprintf(err, errlen, "%s: %s", port_file, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
