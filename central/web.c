/* SPDX-License-Identifier: BSD-2-Clause */
/* The console's static files: a strict path check, a type per suffix (docs/console.md). */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg.h"
#include "out.h"
#include "web.h"

/* The pages in the source tree unless the build names an installed copy. */
#ifndef GWC_WEB_ROOT
#define GWC_WEB_ROOT "central/web"
#endif

#define WEB_FILE_MAX	(8u << 20)	/* the largest file served */
#define WEB_PATH_MAX	256

/* URL prefix -> directory: Debian's libjs packages the pages use, then the repo's files. */
static const struct {
	const char	*prefix;	/* with its trailing slash */
	size_t		 cfg_off;	/* the directory's config key */
	const char	*sub;		/* the package directory under it */
} mounts[] = {
	{ "/lib/bootstrap5/", offsetof(struct cfg, web_lib), "bootstrap5/" },
	{ "/lib/chart.js/", offsetof(struct cfg, web_lib), "chart.js/" },
	{ "/", offsetof(struct cfg, web_root), "" },
};

static const struct {
	const char	*suffix, *type;
} types[] = {
	{ ".html", "text/html; charset=utf-8" },
	{ ".js", "text/javascript; charset=utf-8" },
	{ ".mjs", "text/javascript; charset=utf-8" },
	{ ".css", "text/css; charset=utf-8" },
	{ ".json", "application/json; charset=utf-8" },
	{ ".svg", "image/svg+xml" },
	{ ".png", "image/png" },
	{ ".map", "application/json; charset=utf-8" },
	{ ".txt", "text/plain; charset=utf-8" },
};

bool
web_is_file(const char *path)
{
	return strncmp(path, "/api/", 5) != 0 && strcmp(path, "/api") != 0;
}

/*
 * Only [A-Za-z0-9._-] in segments that do not start with a dot: no "..", no
 * hidden file, no encoded byte (MHD has already decoded %XX).
 */
static bool
path_ok(const char *p)
{
	if (strlen(p) >= WEB_PATH_MAX || p[0] != '/')
		return false;
	for (const char *s = p; *s != '\0'; s++) {
		if (*s == '/') {
			if (s[1] == '.' || s[1] == '/')
				return false;
		} else if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '.' || *s == '_' || *s == '-'))
			return false;
	}
	return true;
}

static const char *
type_of(const char *p)
{
	size_t n = strlen(p);

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t m = strlen(types[i].suffix);

		if (n > m && strcmp(p + n - m, types[i].suffix) == 0)
			return types[i].type;
	}
	return NULL;
}

static void
fail(struct http_resp *out, int status, const char *msg)
{
	FILE *f = open_memstream(&out->body, &out->len);

	if (f == NULL)
		return;
	fputs("{\"error\":", f);
	out_json_str(f, msg);
	fputs("}\n", f);
	out->status = fclose(f) == 0 ? status : 500;
}

/* The whole of a regular file, or -1 with errno. */
static int
slurp(const char *path, struct http_resp *out)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t n;
	size_t got = 0;

	if (fd == -1)
		return -1;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) || st.st_size > WEB_FILE_MAX) {
		close(fd);
		errno = ENOENT;
		return -1;
	}
	if ((out->body = malloc((size_t)st.st_size + 1)) == NULL) {
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size &&
	    (n = read(fd, out->body + got, (size_t)st.st_size - got)) > 0)
		got += (size_t)n;
	close(fd);
	out->len = got;
	return 0;
}

void
web_serve(const struct cfg *cf, const struct http_req *req, struct http_resp *out)
{
	const char *path = strcmp(req->path, "/") == 0 ? "/index.html" : req->path;
	const char *type = type_of(path);
	char file[WEB_PATH_MAX + 1024];

	if (strcmp(req->method, "GET") != 0 && strcmp(req->method, "HEAD") != 0)
		return fail(out, 405, "method not allowed");
	if (!path_ok(path) || type == NULL)
		return fail(out, 404, "no such file");
	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		size_t n = strlen(mounts[i].prefix);
		const char *dir = (const char *)cf + mounts[i].cfg_off;

		if (dir[0] == '\0')	/* web_root unset: the build's */
			dir = GWC_WEB_ROOT;

		if (strncmp(path, mounts[i].prefix, n) != 0)
			continue;
		snprintf(file, sizeof(file), "%s/%s%s", dir, mounts[i].sub, path + n);
		if (slurp(file, out) == -1)
			return fail(out, errno == ENOMEM ? 500 : 404,
			    errno == ENOMEM ? "out of memory" : "no such file");
		out->status = 200;
		out->ctype = type;
		return;
	}
}
