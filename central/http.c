/* SPDX-License-Identifier: BSD-2-Clause */
/* The libmicrohttpd adapter: TLS, body limits, security headers. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <microhttpd.h>

#include "http.h"

#define PEM_MAX		(64 * 1024)
#define CONN_TIMEOUT	30
#define STREAM_BLOCK	4096

struct http {
	struct MHD_Daemon *d;
	char		*cert, *key, *ca;	/* ca: the client CA, or NULL */
	http_handler	*fn;
	void		*arg;
};

/* One request being read: its body so far. */
struct pending {
	char		 body[HTTP_BODY_MAX + 1];
	size_t		 len;
	bool		 too_big;
};

static const struct {
	const char	*name, *value;
} headers[] = {
	{ "Strict-Transport-Security", "max-age=31536000" },
	{ "Content-Security-Policy", "default-src 'none'; script-src 'self';"
	    " style-src 'self'; img-src 'self' data:; connect-src 'self';"
	    " frame-ancestors 'none'; base-uri 'none'; form-action 'self'" },
	{ "X-Content-Type-Options", "nosniff" },
	{ "Referrer-Policy", "no-referrer" },
	{ "Cache-Control", "no-store" },
};

static char *
read_pem(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL)
		return snprintf(err, errlen, "%s: %s", path, strerror(errno)), NULL;
	if ((buf = malloc(PEM_MAX + 1)) == NULL) {
		fclose(f);
		return snprintf(err, errlen, "out of memory"), NULL;
	}
	n = fread(buf, 1, PEM_MAX, f);
	fclose(f);
	if (n == 0 || n == PEM_MAX) {
		free(buf);
		return snprintf(err, errlen, "%s: empty or too large", path), NULL;
	}
	buf[n] = '\0';
	return buf;
}

const char *
http_query(const struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *
http_header(const struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

bool
http_conn_is_gone(void *conn)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(conn,
	    MHD_CONNECTION_INFO_CONNECTION_FD);
	struct pollfd p = { .events = POLLIN | POLLRDHUP };

	if (ci == NULL)
		return true;
	p.fd = ci->connect_fd;
	return poll(&p, 1, 0) != 0;
}

struct unknown_ctx {
	const char *const *known;
	const char	*found;
};

static enum MHD_Result
unknown_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct unknown_ctx *x = cls;

	(void)kind;
	(void)value;
	for (const char *const *k = x->known; *k != NULL; k++)
		if (strcmp(*k, key) == 0)
			return MHD_YES;
	x->found = key;
	return MHD_NO;
}

const char *
http_query_unknown(const struct http_req *r, const char *const known[])
{
	struct unknown_ctx x = { known, NULL };

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, unknown_arg, &x);
	return x.found;
}

static void
client_addr(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;

	snprintf(buf, len, "?");
	if (sa != NULL && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
		    buf, (socklen_t)len);
	else if (sa != NULL && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
		    buf, (socklen_t)len);
}

/*
 * The CN of a client certificate GnuTLS verified against the client CA (chain,
 * dates, and a key purpose that allows TLS client authentication, so a
 * server certificate of the same CA is no login); "" otherwise.
 */
static void
client_cn(struct MHD_Connection *c, char *cn, size_t len)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	gnutls_session_t s = ci != NULL ? ci->tls_session : NULL;
	gnutls_typed_vdata_st purpose = { GNUTLS_DT_KEY_PURPOSE_OID,
	    (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT, 0 };
	const gnutls_datum_t *chain;
	gnutls_x509_crt_t crt;
	unsigned status = 1, n = 0;
	size_t sz = len;
	int rc;

	cn[0] = '\0';
	if (s == NULL || gnutls_certificate_type_get(s) != GNUTLS_CRT_X509 ||
	    (chain = gnutls_certificate_get_peers(s, &n)) == NULL || n == 0 ||
	    gnutls_certificate_verify_peers(s, &purpose, 1, &status) != GNUTLS_E_SUCCESS ||
	    status != 0 || gnutls_x509_crt_init(&crt) != GNUTLS_E_SUCCESS)
		return;
	rc = gnutls_x509_crt_import(crt, &chain[0], GNUTLS_X509_FMT_DER);
	if (rc == GNUTLS_E_SUCCESS)
		rc = gnutls_x509_crt_get_dn_by_oid(crt, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
		    cn, &sz);
	gnutls_x509_crt_deinit(crt);
	/* a CN with a NUL inside, or too long, is no name */
	if (rc != GNUTLS_E_SUCCESS || sz >= len || strlen(cn) != sz)
		cn[0] = '\0';
}

static enum MHD_Result
send_resp(struct MHD_Connection *c, struct http_resp *out)
{
	struct MHD_Response *r;
	enum MHD_Result rc;
	char num[24];

	if (out->stream != NULL) {
		free(out->body);
		r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, STREAM_BLOCK,
		    out->stream->fn, out->stream->arg, out->stream->done);
		if (r == NULL && out->stream->done != NULL)
			out->stream->done(out->stream->arg);
	} else
		r = MHD_create_response_from_buffer(out->len, out->body,
		    MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		if (out->stream == NULL)
			free(out->body);
		return MHD_NO;
	}
	for (size_t i = 0; i < sizeof(headers) / sizeof(headers[0]); i++)
		MHD_add_response_header(r, headers[i].name, headers[i].value);
	MHD_add_response_header(r, "Content-Type", out->ctype != NULL ? out->ctype :
	    "application/json; charset=utf-8");
	if (out->disposition[0] != '\0')
		MHD_add_response_header(r, "Content-Disposition", out->disposition);
	if (out->cookie[0] != '\0')
		MHD_add_response_header(r, "Set-Cookie", out->cookie);
	if (out->retry_after > 0) {
		snprintf(num, sizeof(num), "%ld", out->retry_after);
		MHD_add_response_header(r, "Retry-After", num);
	}
	rc = MHD_queue_response(c, (unsigned)out->status, r);
	MHD_destroy_response(r);
	return rc;
}

/* A Content-Length over the cap: answered before the body is read. */
static bool
declared_too_big(struct MHD_Connection *c)
{
	const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	char *end;
	unsigned long long n;

	if (cl == NULL)
		return false;
	errno = 0;
	n = strtoull(cl, &end, 10);
	return errno != 0 || n > HTTP_BODY_MAX;
}

static enum MHD_Result
on_request(void *arg, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *data, size_t *data_len, void **cls)
{
	struct http *h = arg;
	struct pending *p = *cls;
	struct http_req req = { .method = method, .path = url, .conn = c };
	struct http_resp out = { .status = 500 };

	(void)version;
	if (p == NULL) {
		if ((p = calloc(1, sizeof(*p))) == NULL)
			return MHD_NO;
		p->too_big = declared_too_big(c);
		*cls = p;
		if (!p->too_big)
			return MHD_YES;
	} else if (*data_len > 0) {
		if (p->len + *data_len > HTTP_BODY_MAX)
			p->too_big = true;
		else
			memcpy(p->body + p->len, data, *data_len), p->len += *data_len;
		*data_len = 0;
		return MHD_YES;
	}
	p->body[p->len] = '\0';
	req.body = p->body;
	req.body_len = p->len;
	req.body_too_big = p->too_big;
	client_addr(c, req.addr, sizeof(req.addr));
	req.cookie = MHD_lookup_connection_value(c, MHD_COOKIE_KIND, "gw_session");
	req.csrf = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-CSRF-Token");
	req.ctype = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_TYPE);
	req.authz = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h->ca != NULL)
		client_cn(c, req.cert_cn, sizeof(req.cert_cn));
	h->fn(h->arg, &req, &out);
	return send_resp(c, &out);
}

/*
 * A %00 would end the decoded C string early (/a.json%00.js is /a.json): a
 * URL or argument holding one stays undecoded, so it names nothing.
 */
static size_t
unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls, (void)c;
	if (strstr(s, "%00") != NULL)
		return strlen(s);
	return MHD_http_unescape(s);
}

static void
on_done(void *arg, struct MHD_Connection *c, void **cls,
    enum MHD_RequestTerminationCode why)
{
	(void)arg, (void)c, (void)why;
	free(*cls);
	*cls = NULL;
}

struct http *
http_start(int fd, const char *cert, const char *key, const char *client_ca,
    unsigned conns, http_handler *fn, void *arg, char *err, size_t errlen)
{
	struct http *h = calloc(1, sizeof(*h));
	struct MHD_OptionItem trust[] = {
		{ MHD_OPTION_HTTPS_MEM_TRUST, 0, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};

	if (h == NULL)
		return close(fd), snprintf(err, errlen, "out of memory"), NULL;
	h->fn = fn;
	h->arg = arg;
	if ((h->cert = read_pem(cert, err, errlen)) == NULL ||
	    (h->key = read_pem(key, err, errlen)) == NULL ||
	    (client_ca != NULL && client_ca[0] != '\0' &&
	    (h->ca = read_pem(client_ca, err, errlen)) == NULL))
		goto fail;
	/* a trust list makes MHD request (not require) a client certificate;
	 * a thread per connection: an event stream blocks only its own */
	trust[0].ptr_value = h->ca;
	h->d = MHD_start_daemon(MHD_USE_TLS | MHD_USE_THREAD_PER_CONNECTION |
	    MHD_USE_POLL_INTERNAL_THREAD, 0, NULL, NULL, on_request, h,
	    MHD_OPTION_LISTEN_SOCKET, fd,
	    MHD_OPTION_HTTPS_MEM_CERT, h->cert,
	    MHD_OPTION_HTTPS_MEM_KEY, h->key,
	    MHD_OPTION_ARRAY, h->ca != NULL ? trust : trust + 1,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONN_TIMEOUT,
	    MHD_OPTION_CONNECTION_LIMIT, conns,
	    MHD_OPTION_NOTIFY_COMPLETED, on_done, h,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape, NULL,
	    MHD_OPTION_END);
	if (h->d == NULL) {
		snprintf(err, errlen, "libmicrohttpd did not start (TLS key or cert?)");
		goto fail;
	}
	return h;
fail:
	close(fd);
	free(h->cert);
	free(h->key);
	free(h->ca);
	free(h);
	return NULL;
}

void
http_stop(struct http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->d);
	free(h->cert);
	free(h->key);
	free(h->ca);
	free(h);
}
