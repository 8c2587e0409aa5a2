/* SPDX-License-Identifier: BSD-2-Clause */
/* A listening TCP socket on "IPv4:PORT", its port written to a file for tests. */
#ifndef GWC_LISTEN_H
#define GWC_LISTEN_H

#include <stddef.h>

/*
 * A non-blocking listening socket bound to addr ("127.0.0.1:0": any port);
 * port_file (unless NULL or "") gets the bound port. -1 with err set.
 */
int	listen_tcp(const char *addr, const char *port_file, int backlog,
	    char *err, size_t errlen);

#endif
