/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The console's HTTPS server: libmicrohttpd with GnuTLS on its own thread
 * pool, TLS only. Only http.c includes microhttpd.h; api.c sees a request
 * and fills a response. Every response gets the security headers (docs/api.md).
 */
#ifndef GWC_HTTP_H
#define GWC_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define HTTP_BODY_MAX	(64 * 1024)

struct http_req {
	const char	*method, *path;
	const char	*body;		/* NUL-terminated, body_len bytes */
	size_t		 body_len;
	bool		 body_too_big;
	char		 addr[48];	/* the client's address */
	const char	*cookie;	/* gw_session or NULL */
	const char	*csrf;		/* X-CSRF-Token or NULL */
	const char	*authz;		/* Authorization or NULL */
	const char	*ctype;		/* Content-Type or NULL */
	char		 cert_cn[65];	/* the client certificate's CN, verified against
					 * the client CA; "" when none or unverified */
	void		*conn;
};

struct http_resp {
	int		 status;
	char		*body;		/* malloc'd JSON, owned by http.c after return */
	size_t		 len;
	char		 cookie[256];	/* a Set-Cookie value, or "" */
	long		 retry_after;	/* > 0: a Retry-After header */
	const char	*ctype;		/* a static Content-Type; NULL: JSON */
	char		 disposition[128]; /* a Content-Disposition value, or "" */
	/* A streamed body instead (api-events.c): see http_stream_fn. */
	struct http_stream *stream;
};

/*
 * A streamed body of unknown length, sent chunked: fn(arg, pos, buf, max)
 * blocks until it has bytes and returns their count (> 0), or
 * HTTP_STREAM_END; it runs on the connection's own thread. done(arg) runs once
 * when the connection ends.
 */
typedef ssize_t http_stream_fn(void *arg, uint64_t pos, char *buf, size_t max);
#define HTTP_STREAM_END	((ssize_t)-1)
struct http_stream {
	http_stream_fn	*fn;
	void		*arg;
	void		(*done)(void *arg);
};

typedef void http_handler(void *arg, const struct http_req *, struct http_resp *);

struct http;

/*
 * Serves HTTPS on fd (a listening socket, taken) with the PEM cert and key
 * files (read now, before any privilege change), conns connections at once,
 * each on its own thread (a stream blocks only its own; docs/api.md). A
 * client_ca PEM file (NULL or "": none) makes it ask browsers for a client
 * certificate, which is optional, and fills http_req.cert_cn.
 */
struct http	*http_start(int fd, const char *cert, const char *key,
		    const char *client_ca, unsigned conns, http_handler *, void *arg,
		    char *err, size_t errlen);
void		 http_stop(struct http *);
/* A query string argument of the request, or NULL. */
const char	*http_query(const struct http_req *, const char *name);
/*
 * Whether the client of a streamed response (conn of its request) has closed
 * or sent more: a stream's reader polls it, since it does not read.
 */
bool		 http_conn_is_gone(void *conn);
/* A request header, or NULL. */
const char	*http_header(const struct http_req *, const char *name);
/* The first query argument not named in known (NULL-terminated), or NULL. */
const char	*http_query_unknown(const struct http_req *, const char *const known[]);

#endif
