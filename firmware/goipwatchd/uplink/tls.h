/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * TLS client adapter and config-signature check: the only appliance files that
 * see mbedTLS. Mutual TLS >= 1.2, ECDHE-ECDSA suites only, pinned CA, server name
 * checked. Non-blocking: every call returns at once and says what it waits for.
 */
#ifndef GW_TLS_H
#define GW_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct tls_conf {
	const char	*ca;		/* PEM: the office CA, the only trust anchor */
	const char	*cert;		/* PEM: this appliance's certificate */
	const char	*key;		/* PEM: its private key */
	const char	*server_name;	/* must match the central certificate */
};

enum tls_rc {
	TLS_DONE = 0,
	TLS_WANT_READ,
	TLS_WANT_WRITE,
	TLS_EOF,		/* the peer closed cleanly */
	TLS_FAIL,		/* session unusable; tls_errstr() says why */
};

struct tls_ctx;
struct tls;
struct tls_sigkey;

struct tls_ctx	*tls_ctx_new(const struct tls_conf *, char *err, size_t errlen);
void		 tls_ctx_free(struct tls_ctx *);
/* The subject CN of our own certificate: the appliance id. */
const char	*tls_ctx_identity(const struct tls_ctx *);

/* A client session over a connected non-blocking socket (not owned). */
struct tls	*tls_new(struct tls_ctx *, int fd);
void		 tls_free(struct tls *);	/* NULL-safe; best-effort close_notify */
enum tls_rc	 tls_handshake(struct tls *);
/* After WANT_*, call again with the same arguments. *n is set on TLS_DONE. */
enum tls_rc	 tls_read(struct tls *, void *, size_t, size_t *n);
enum tls_rc	 tls_write(struct tls *, const void *, size_t, size_t *n);
/* Decrypted bytes are waiting: do not sleep in poll before reading them. */
bool		 tls_pending(const struct tls *);
const char	*tls_errstr(const struct tls *);
/* "TLSv1.2 TLS-ECDHE-ECDSA-WITH-AES-128-GCM-SHA256" once established. */
const char	*tls_describe(const struct tls *, char *buf, size_t len);

/* Config signing: ECDSA P-256 over SHA-256(a || b); the key is a PEM public key. */
struct tls_sigkey *tls_sigkey_load(const char *path, char *err, size_t errlen);
void		 tls_sigkey_free(struct tls_sigkey *);
bool		 tls_sig_verify(struct tls_sigkey *, const void *a, size_t alen,
		    const void *b, size_t blen, const uint8_t *sig, size_t siglen);

/* SHA-256 of what fd holds from offset 0; false on a read error. */
bool		 tls_sha256_fd(int fd, uint8_t out[32]);

#endif
