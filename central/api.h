/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console API under /api/v1 (docs/api.md): one route table with the roles
 * of each route, sessions, CSRF, throttling and the audit trail, served by
 * http.c on its own threads beside the appliance listener.
 */
#ifndef GWC_API_H
#define GWC_API_H

#include <stdbool.h>
#include <stddef.h>

struct cfg;
struct api;

/* True when cfg asks for the API (api_listen is not "off"). */
bool		 api_is_enabled(const struct cfg *);
/* Binds api_listen, opens its storage connections and starts serving. */
struct api	*api_start(const struct cfg *, char *err, size_t errlen);
void		 api_stop(struct api *);

#endif
