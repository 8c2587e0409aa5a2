/* SPDX-License-Identifier: BSD-2-Clause */
/* mbedTLS 2.28 server sessions; the pitfalls of docs/libraries.md (mbedTLS) are handled here. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crl.h>
#include <mbedtls/x509_crt.h>

#include "tls-server.h"

#define MAX_SERIAL	41	/* 20 bytes in hex, NUL */

static const int suites[] = {
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	0
};

struct tls_server {
	mbedtls_entropy_context	 ent;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt	 ca, cert;
	mbedtls_x509_crl	 crl;
	mbedtls_pk_context	 key;
	mbedtls_ssl_config	 conf;
	char			(*allow)[MAX_SERIAL];
	size_t			 nallow;
	bool			 has_allow;
};

struct tls_sess {
	struct tls_server	*srv;
	mbedtls_ssl_context	 ssl;
	int			 fd;
	bool			 want_write;
	char			 cn[128], serial[MAX_SERIAL], err[256];
};

static void
set_err(char *err, size_t len, const char *what, int rc)
{
	char buf[100];

	mbedtls_strerror(rc, buf, sizeof(buf));
	snprintf(err, len, "%s: %s", what, buf);
}

static int
load_allow(struct tls_server *s, const char *path, char *err, size_t errlen)
{
	char line[256], hex[MAX_SERIAL];
	FILE *f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	s->has_allow = true;
	while (fgets(line, sizeof(line), f) != NULL) {
		size_t n = 0;

		for (char *p = line; *p && n + 1 < sizeof(hex); p++)
			if (strchr("0123456789abcdefABCDEF", *p) && *p != '\0')
				hex[n++] = (char)(*p | 0x20);
			else if (*p == '#')
				break;
		hex[n] = '\0';
		while (hex[0] == '0' && hex[1] != '\0')
			memmove(hex, hex + 1, n--);
		if (n == 0)
			continue;
		void *p = realloc(s->allow, (s->nallow + 1) * sizeof(*s->allow));
		if (p == NULL)
			break;
		s->allow = p;
		memcpy(s->allow[s->nallow++], hex, n + 1);
	}
	fclose(f);
	return 0;
}

static int
load(struct tls_server *s, const struct tls_server_conf *c, char *err, size_t errlen)
{
	int rc;

	if ((rc = mbedtls_ctr_drbg_seed(&s->drbg, mbedtls_entropy_func, &s->ent, NULL, 0)))
		return set_err(err, errlen, "rng", rc), -1;
	if ((rc = mbedtls_x509_crt_parse_file(&s->ca, c->ca)))
		return set_err(err, errlen, c->ca, rc), -1;
	if ((rc = mbedtls_x509_crt_parse_file(&s->cert, c->cert)))
		return set_err(err, errlen, c->cert, rc), -1;
	if ((rc = mbedtls_pk_parse_keyfile(&s->key, c->key, NULL)))
		return set_err(err, errlen, c->key, rc), -1;
	if (c->crl != NULL && (rc = mbedtls_x509_crl_parse_file(&s->crl, c->crl)))
		return set_err(err, errlen, c->crl, rc), -1;
	if (c->allow != NULL && load_allow(s, c->allow, err, errlen) == -1)
		return -1;
	return 0;
}

static int
configure(struct tls_server *s, const struct tls_server_conf *c, char *err, size_t errlen)
{
	int rc;

	if ((rc = mbedtls_ssl_config_defaults(&s->conf, MBEDTLS_SSL_IS_SERVER,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)))
		return set_err(err, errlen, "config", rc), -1;
	/* §4.3: a server does not ask for a client certificate by default */
	mbedtls_ssl_conf_authmode(&s->conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	/* §4.3: TLS 1.0/1.1 are compiled in; the default minimum is the lowest */
	mbedtls_ssl_conf_min_version(&s->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
	    MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_ciphersuites(&s->conf, suites);
	mbedtls_ssl_conf_cert_profile(&s->conf, &mbedtls_x509_crt_profile_suiteb);
	mbedtls_ssl_conf_ca_chain(&s->conf, &s->ca, c->crl != NULL ? &s->crl : NULL);
	mbedtls_ssl_conf_rng(&s->conf, mbedtls_ctr_drbg_random, &s->drbg);
	mbedtls_ssl_conf_renegotiation(&s->conf, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
	if ((rc = mbedtls_ssl_conf_own_cert(&s->conf, &s->cert, &s->key)))
		return set_err(err, errlen, "own certificate", rc), -1;
	return 0;
}

struct tls_server *
tls_server_new(const struct tls_server_conf *c, char *err, size_t errlen)
{
	struct tls_server *s;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	mbedtls_entropy_init(&s->ent);
	mbedtls_ctr_drbg_init(&s->drbg);
	mbedtls_x509_crt_init(&s->ca);
	mbedtls_x509_crt_init(&s->cert);
	mbedtls_x509_crl_init(&s->crl);
	mbedtls_pk_init(&s->key);
	mbedtls_ssl_config_init(&s->conf);
	if (load(s, c, err, errlen) == -1 || configure(s, c, err, errlen) == -1) {
		tls_server_free(s);
		return NULL;
	}
	return s;
}

void
tls_server_free(struct tls_server *s)
{
	if (s == NULL)
		return;
	mbedtls_ssl_config_free(&s->conf);
	mbedtls_pk_free(&s->key);
	mbedtls_x509_crl_free(&s->crl);
	mbedtls_x509_crt_free(&s->cert);
	mbedtls_x509_crt_free(&s->ca);
	mbedtls_ctr_drbg_free(&s->drbg);
	mbedtls_entropy_free(&s->ent);
	free(s->allow);
	free(s);
}

/* Own BIO: MSG_NOSIGNAL, and EAGAIN as WANT_READ/WANT_WRITE. */
static int
bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_sess *t = ctx;
	ssize_t n = send(t->fd, buf, len, MSG_NOSIGNAL);

	if (n >= 0)
		return (int)n;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	return MBEDTLS_ERR_NET_SEND_FAILED;
}

static int
bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_sess *t = ctx;
	ssize_t n = recv(t->fd, buf, len, 0);

	if (n >= 0)
		return (int)n;	/* 0: peer closed; mbedTLS reports EOF */
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_READ;
	return MBEDTLS_ERR_NET_RECV_FAILED;
}

struct tls_sess *
tls_sess_new(struct tls_server *srv, int fd)
{
	struct tls_sess *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->srv = srv;
	t->fd = fd;
	mbedtls_ssl_init(&t->ssl);
	if (mbedtls_ssl_setup(&t->ssl, &srv->conf) != 0) {
		tls_sess_free(t);
		return NULL;
	}
	mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
	return t;
}

void
tls_sess_free(struct tls_sess *t)
{
	if (t == NULL)
		return;
	mbedtls_ssl_free(&t->ssl);
	free(t);
}

static int
cn_of(const mbedtls_x509_crt *crt, char *buf, size_t len)
{
	const mbedtls_x509_name *n;

	for (n = &crt->subject; n != NULL; n = n->next)
		if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0 && n->val.len > 0 &&
		    n->val.len < len) {
			memcpy(buf, n->val.p, n->val.len);
			buf[n->val.len] = '\0';
			return 0;
		}
	return -1;
}

static void
serial_of(const mbedtls_x509_crt *crt, char *buf)
{
	size_t o = 0, i = 0;

	while (i + 1 < crt->serial.len && crt->serial.p[i] == 0)
		i++;	/* leading zero bytes: the allowlist is written without them */
	for (; i < crt->serial.len && o + 3 <= MAX_SERIAL; i++)
		o += (size_t)snprintf(buf + o, 3, "%02x", crt->serial.p[i]);
	while (buf[0] == '0' && buf[1] != '\0')
		memmove(buf, buf + 1, strlen(buf));
}

static bool
allowed(const struct tls_server *s, const char *serial)
{
	if (!s->has_allow)
		return true;
	for (size_t i = 0; i < s->nallow; i++)
		if (strcmp(s->allow[i], serial) == 0)
			return true;
	return false;
}

/* After the handshake: the identity is the certificate's, and must be allowed. */
static int
identify(struct tls_sess *t)
{
	const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&t->ssl);

	if (peer == NULL || cn_of(peer, t->cn, sizeof(t->cn)) == -1) {
		snprintf(t->err, sizeof(t->err), "client certificate without a CN");
		return -1;
	}
	serial_of(peer, t->serial);
	if (!allowed(t->srv, t->serial)) {
		snprintf(t->err, sizeof(t->err), "certificate %s (serial %s) is not allowlisted",
		    t->cn, t->serial);
		return -1;
	}
	return 1;
}

static int
would_block(struct tls_sess *t, int rc)
{
	t->want_write = rc == MBEDTLS_ERR_SSL_WANT_WRITE;
	return rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE;
}

int
tls_sess_handshake(struct tls_sess *t)
{
	int rc = mbedtls_ssl_handshake(&t->ssl);
	uint32_t flags;

	if (rc == 0)
		return identify(t);
	if (would_block(t, rc))
		return 0;
	if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED &&
	    (flags = mbedtls_ssl_get_verify_result(&t->ssl)) != 0)
		snprintf(t->err, sizeof(t->err), "client certificate refused:%s%s%s%s",
		    flags & MBEDTLS_X509_BADCERT_REVOKED ? " revoked" : "",
		    flags & MBEDTLS_X509_BADCERT_EXPIRED ? " expired" : "",
		    flags & MBEDTLS_X509_BADCERT_NOT_TRUSTED ? " not trusted" : "",
		    flags & MBEDTLS_X509_BADCERT_MISSING ? " missing" : "");
	else
		set_err(t->err, sizeof(t->err), "handshake", rc);
	return -1;
}

ssize_t
tls_sess_read(struct tls_sess *t, void *buf, size_t len)
{
	int rc = mbedtls_ssl_read(&t->ssl, buf, len);

	if (rc > 0)
		return rc;
	if (would_block(t, rc))
		return 0;
	if (rc == 0 || rc == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY)
		snprintf(t->err, sizeof(t->err), "closed by the appliance");
	else
		set_err(t->err, sizeof(t->err), "read", rc);
	return -1;
}

ssize_t
tls_sess_write(struct tls_sess *t, const void *buf, size_t len)
{
	int rc = mbedtls_ssl_write(&t->ssl, buf, len);

	if (rc > 0)
		return rc;
	if (would_block(t, rc))
		return 0;
	set_err(t->err, sizeof(t->err), "write", rc);
	return -1;
}

bool tls_sess_wants_write(const struct tls_sess *t) { return t->want_write; }
const char *tls_sess_cn(const struct tls_sess *t) { return t->cn; }
const char *tls_sess_serial(const struct tls_sess *t) { return t->serial; }
const char *tls_sess_error(const struct tls_sess *t) { return t->err; }

const uint8_t *
tls_sess_peer_der(const struct tls_sess *t, size_t *len)
{
	const mbedtls_x509_crt *peer = mbedtls_ssl_get_peer_cert(&t->ssl);

	*len = peer != NULL ? peer->raw.len : 0;
	return peer != NULL ? peer->raw.p : NULL;
}

bool
tls_sess_pending(const struct tls_sess *t)
{
	return mbedtls_ssl_get_bytes_avail(&t->ssl) > 0 ||
	    mbedtls_ssl_check_pending(&t->ssl);
}

void
tls_sess_close_notify(struct tls_sess *t)
{
	(void)mbedtls_ssl_close_notify(&t->ssl);
}
