/* SPDX-License-Identifier: BSD-2-Clause */
/* mbedTLS 2.28 client for the uplink; handles the pitfalls of docs/libraries.md. */
#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "tls.h"

struct tls_ctx {
	mbedtls_entropy_context	 entropy;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt	 ca, cert;
	mbedtls_pk_context	 key;
	mbedtls_ssl_config	 conf;
	char			 server_name[256];
	char			 identity[128];
};

struct tls {
	mbedtls_ssl_context	 ssl;
	struct tls_ctx		*ctx;
	int			 fd;
	char			 err[256];
};

/* ECDHE-ECDSA with AEAD only: no RSA key exchange, no CBC. */
static const int suites[] = {
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	0
};
static const mbedtls_ecp_group_id curves[] = {
	MBEDTLS_ECP_DP_SECP256R1, MBEDTLS_ECP_DP_SECP384R1, MBEDTLS_ECP_DP_NONE
};

static void
errfmt(char *err, size_t errlen, const char *what, int rc)
{
	char buf[128];

	mbedtls_strerror(rc, buf, sizeof(buf));
	snprintf(err, errlen, "tls: %s: %s (-0x%04x)", what, buf, (unsigned)-rc);
}

static int
ctx_load(struct tls_ctx *c, const struct tls_conf *tc, char *err, size_t errlen)
{
	int rc;

	if ((rc = mbedtls_x509_crt_parse_file(&c->ca, tc->ca)) != 0) {
		errfmt(err, errlen, tc->ca, rc);
		return -1;
	}
	if ((rc = mbedtls_x509_crt_parse_file(&c->cert, tc->cert)) != 0) {
		errfmt(err, errlen, tc->cert, rc);
		return -1;
	}
	if ((rc = mbedtls_pk_parse_keyfile(&c->key, tc->key, NULL)) != 0) {
		errfmt(err, errlen, tc->key, rc);
		return -1;
	}
	if (!mbedtls_pk_can_do(&c->key, MBEDTLS_PK_ECKEY) ||
	    mbedtls_pk_check_pair(&c->cert.pk, &c->key) != 0) {
		snprintf(err, errlen, "tls: %s: not the EC key of %s", tc->key, tc->cert);
		return -1;
	}
	if (mbedtls_x509_time_is_past(&c->cert.valid_to)) {
		snprintf(err, errlen, "tls: %s: certificate expired", tc->cert);
		return -1;
	}
	return 0;
}

/* The subject CN names the appliance; it must be a plain printable token. */
static int
ctx_identity(struct tls_ctx *c, char *err, size_t errlen)
{
	const mbedtls_x509_name *n;

	for (n = &c->cert.subject; n != NULL; n = n->next) {
		if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) != 0)
			continue;
		if (n->val.len == 0 || n->val.len >= sizeof(c->identity))
			break;
		for (size_t i = 0; i < n->val.len; i++)
			if (n->val.p[i] <= 0x20 || n->val.p[i] > 0x7e)
				goto bad;
		memcpy(c->identity, n->val.p, n->val.len);
		c->identity[n->val.len] = '\0';
		return 0;
	}
bad:
	snprintf(err, errlen, "tls: own certificate has no usable subject CN");
	return -1;
}

static int
ctx_config(struct tls_ctx *c, char *err, size_t errlen)
{
	mbedtls_ssl_config *sc = &c->conf;
	int rc;

	if ((rc = mbedtls_ssl_config_defaults(sc, MBEDTLS_SSL_IS_CLIENT,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
		errfmt(err, errlen, "config", rc);
		return -1;
	}
	mbedtls_ssl_conf_authmode(sc, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_min_version(sc, MBEDTLS_SSL_MAJOR_VERSION_3,
	    MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_ciphersuites(sc, suites);
	mbedtls_ssl_conf_curves(sc, curves);
	mbedtls_ssl_conf_cert_profile(sc, &mbedtls_x509_crt_profile_suiteb);
	mbedtls_ssl_conf_ca_chain(sc, &c->ca, NULL);
	mbedtls_ssl_conf_rng(sc, mbedtls_ctr_drbg_random, &c->drbg);
	mbedtls_ssl_conf_renegotiation(sc, MBEDTLS_SSL_RENEGOTIATION_DISABLED);
	if ((rc = mbedtls_ssl_conf_own_cert(sc, &c->cert, &c->key)) != 0) {
		errfmt(err, errlen, "own certificate", rc);
		return -1;
	}
	return 0;
}

struct tls_ctx *
tls_ctx_new(const struct tls_conf *tc, char *err, size_t errlen)
{
	static const char pers[] = "goipwatchd-uplink";
	struct tls_ctx *c;
	int rc;

	if (tc->server_name == NULL || tc->server_name[0] == '\0' ||
	    strlen(tc->server_name) >= sizeof(c->server_name)) {
		snprintf(err, errlen, "tls: the expected server name is required");
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "tls: out of memory");
		return NULL;
	}
	mbedtls_entropy_init(&c->entropy);
	mbedtls_ctr_drbg_init(&c->drbg);
	mbedtls_x509_crt_init(&c->ca);
	mbedtls_x509_crt_init(&c->cert);
	mbedtls_pk_init(&c->key);
	mbedtls_ssl_config_init(&c->conf);
	snprintf(c->server_name, sizeof(c->server_name), "%s", tc->server_name);
	if ((rc = mbedtls_ctr_drbg_seed(&c->drbg, mbedtls_entropy_func,
	    &c->entropy, (const unsigned char *)pers, sizeof(pers))) != 0) {
		errfmt(err, errlen, "rng", rc);
		goto err_free;
	}
	if (ctx_load(c, tc, err, errlen) == -1 ||
	    ctx_identity(c, err, errlen) == -1 || ctx_config(c, err, errlen) == -1)
		goto err_free;
	return c;
err_free:
	tls_ctx_free(c);
	return NULL;
}

void
tls_ctx_free(struct tls_ctx *c)
{
	if (c == NULL)
		return;
	mbedtls_ssl_config_free(&c->conf);
	mbedtls_pk_free(&c->key);
	mbedtls_x509_crt_free(&c->cert);
	mbedtls_x509_crt_free(&c->ca);
	mbedtls_ctr_drbg_free(&c->drbg);
	mbedtls_entropy_free(&c->entropy);
	free(c);
}

const char *
tls_ctx_identity(const struct tls_ctx *c)
{
	return c->identity;
}

/* Our own BIO: send() with MSG_NOSIGNAL so a dead peer is an error, not SIGPIPE. */
static int
bio_send(void *arg, const unsigned char *p, size_t n)
{
	struct tls *t = arg;
	ssize_t r = send(t->fd, p, n, MSG_NOSIGNAL);

	if (r >= 0)
		return (int)r;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	return errno == EPIPE || errno == ECONNRESET ?
	    MBEDTLS_ERR_NET_CONN_RESET : MBEDTLS_ERR_NET_SEND_FAILED;
}

static int
bio_recv(void *arg, unsigned char *p, size_t n)
{
	struct tls *t = arg;
	ssize_t r = recv(t->fd, p, n, 0);

	if (r >= 0)
		return (int)r;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
		return MBEDTLS_ERR_SSL_WANT_READ;
	return errno == ECONNRESET ? MBEDTLS_ERR_NET_CONN_RESET :
	    MBEDTLS_ERR_NET_RECV_FAILED;
}

struct tls *
tls_new(struct tls_ctx *c, int fd)
{
	struct tls *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->ctx = c;
	t->fd = fd;
	mbedtls_ssl_init(&t->ssl);
	/* Without a hostname 2.28.3 skips the name check (CVE-2025-27809). */
	if (mbedtls_ssl_setup(&t->ssl, &c->conf) != 0 ||
	    mbedtls_ssl_set_hostname(&t->ssl, c->server_name) != 0) {
		tls_free(t);
		return NULL;
	}
	mbedtls_ssl_set_bio(&t->ssl, t, bio_send, bio_recv, NULL);
	return t;
}

void
tls_free(struct tls *t)
{
	if (t == NULL)
		return;
	(void)mbedtls_ssl_close_notify(&t->ssl);
	mbedtls_ssl_free(&t->ssl);
	free(t);
}

/* Maps an mbedTLS result; a hard failure is remembered in words. */
static enum tls_rc
map(struct tls *t, int rc, const char *what)
{
	uint32_t flags;

	switch (rc) {
	case MBEDTLS_ERR_SSL_WANT_READ:
		return TLS_WANT_READ;
	case MBEDTLS_ERR_SSL_WANT_WRITE:
		return TLS_WANT_WRITE;
	case MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY:
		snprintf(t->err, sizeof(t->err), "tls: peer closed");
		return TLS_EOF;
	}
	if (rc == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED &&
	    (flags = mbedtls_ssl_get_verify_result(&t->ssl)) != 0) {
		char buf[200];
		int n = mbedtls_x509_crt_verify_info(buf, sizeof(buf), "", flags);

		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
			buf[--n] = '\0';
		for (char *p = buf; *p != '\0'; p++)
			if (*p == '\n')
				*p = ';';
		snprintf(t->err, sizeof(t->err), "tls: %s: server certificate "
		    "refused: %s (flags 0x%x)", what, buf, (unsigned)flags);
	} else
		errfmt(t->err, sizeof(t->err), what, rc);
	return TLS_FAIL;
}

enum tls_rc
tls_handshake(struct tls *t)
{
	int rc = mbedtls_ssl_handshake(&t->ssl);

	return rc == 0 ? TLS_DONE : map(t, rc, "handshake");
}

enum tls_rc
tls_read(struct tls *t, void *buf, size_t len, size_t *n)
{
	int rc = mbedtls_ssl_read(&t->ssl, buf, len);

	if (rc > 0) {
		*n = (size_t)rc;
		return TLS_DONE;
	}
	if (rc == 0) {
		snprintf(t->err, sizeof(t->err), "tls: connection closed");
		return TLS_EOF;
	}
	return map(t, rc, "read");
}

enum tls_rc
tls_write(struct tls *t, const void *buf, size_t len, size_t *n)
{
	int rc = mbedtls_ssl_write(&t->ssl, buf, len);

	if (rc >= 0) {
		*n = (size_t)rc;	/* may be short: at most one record */
		return TLS_DONE;
	}
	return map(t, rc, "write");
}

bool
tls_pending(const struct tls *t)
{
	return mbedtls_ssl_check_pending(&t->ssl) != 0 ||
	    mbedtls_ssl_get_bytes_avail(&t->ssl) > 0;
}

const char *
tls_errstr(const struct tls *t)
{
	return t->err[0] != '\0' ? t->err : "tls: no error";
}

const char *
tls_describe(const struct tls *t, char *buf, size_t len)
{
	snprintf(buf, len, "%s %s", mbedtls_ssl_get_version(&t->ssl),
	    mbedtls_ssl_get_ciphersuite(&t->ssl));
	return buf;
}
