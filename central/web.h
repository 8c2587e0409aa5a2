/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console's pages (docs/console.md): static files from web_root, and
 * Debian's front-end libraries from web_lib. No login is needed for a file;
 * every piece of data behind a page comes from the API, which checks the role.
 */
#ifndef GWC_WEB_H
#define GWC_WEB_H

#include <stdbool.h>

#include "http.h"

struct cfg;

/* Whether path is a page or file rather than an API route. */
bool	web_is_file(const char *path);
/* Answers a GET for path: the file, or a JSON 404/405. */
void	web_serve(const struct cfg *, const struct http_req *, struct http_resp *);

#endif
