/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The TLS adapter for the listener (mbedTLS 2.28 stops here): mutual TLS 1.2,
 * ECDHE-ECDSA AEAD suites, client certificate required and checked against the
 * CA, an optional CRL and an optional allowlist of serials. Non-blocking.
 */
#ifndef GWC_TLS_SERVER_H
#define GWC_TLS_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct tls_server_conf {
	const char	*ca, *cert, *key;
	const char	*crl;		/* NULL: none */
	const char	*allow;		/* file of hex serials, one a line; NULL: any */
};

struct tls_server;
struct tls_sess;

struct tls_server *tls_server_new(const struct tls_server_conf *, char *err, size_t);
void	tls_server_free(struct tls_server *);

/* A session on a connected non-blocking socket; the caller keeps the fd. */
struct tls_sess	*tls_sess_new(struct tls_server *, int fd);
void	tls_sess_free(struct tls_sess *);
/* 1 done (identity checked), 0 in progress, -1 refused (tls_sess_error says why). */
int	tls_sess_handshake(struct tls_sess *);
/* > 0 bytes, 0 would block, -1 closed or failed. Retry with the same arguments. */
ssize_t	tls_sess_read(struct tls_sess *, void *, size_t);
ssize_t	tls_sess_write(struct tls_sess *, const void *, size_t);
/* The last would-block was for writing (a renegotiation or a full socket). */
bool	tls_sess_wants_write(const struct tls_sess *);
/* Decrypted bytes wait inside the session: the fd will not wake for them. */
bool	tls_sess_pending(const struct tls_sess *);
/* The peer's certificate as DER (it signs the evidence files); NULL before it. */
const uint8_t *tls_sess_peer_der(const struct tls_sess *, size_t *len);
const char *tls_sess_cn(const struct tls_sess *);
const char *tls_sess_serial(const struct tls_sess *);	/* lower-case hex */
const char *tls_sess_error(const struct tls_sess *);
void	tls_sess_close_notify(struct tls_sess *);

#endif
