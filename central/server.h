/* SPDX-License-Identifier: BSD-2-Clause */
/* The listener: one epoll loop, one TLS session per appliance, storage threads behind. */
#ifndef GWC_SERVER_H
#define GWC_SERVER_H

#include <stddef.h>

struct cfg;
struct server;

struct server	*server_new(const struct cfg *, char *err, size_t errlen);
/* Runs until SIGTERM/SIGINT; SIGUSR1 logs the counters. */
int		 server_run(struct server *);
void		 server_free(struct server *);

#endif
