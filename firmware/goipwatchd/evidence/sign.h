/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Evidence signatures: ECDSA P-256 over the SHA-256 of a file, with the
 * appliance's TLS client key; the DER signature goes beside it as FILE.sig.
 * The mbedTLS adapter of evidence/: its types stop here.
 */
#ifndef GW_SIGN_H
#define GW_SIGN_H

#include <stddef.h>
#include <stdint.h>

#define SIGN_MAX	160	/* DER ECDSA signature, with room */

struct signer;

struct signer	*signer_load(const char *keypath, char *err, size_t errlen);
void		 signer_free(struct signer *);
/* Hashes the file at path and signs the hash. */
int		 signer_sign_file(struct signer *, const char *path, uint8_t sha[32],
		    uint8_t sig[SIGN_MAX], size_t *siglen);
/* Checks path against its DER signature sigpath and the certificate's key. */
int		 sign_verify_file(const char *certpath, const char *path,
		    const char *sigpath, uint8_t sha[32], char *err, size_t errlen);
/*
 * Checks bytes in memory against a DER signature and a certificate (DER or
 * PEM, certlen counting PEM's NUL): 0 good, -1 with the reason in err.
 * sha gets the bytes' SHA-256 either way.
 */
int		 sign_verify_buf(const uint8_t *cert, size_t certlen, const uint8_t *data,
		    size_t len, const uint8_t *sig, size_t siglen, uint8_t sha[32],
		    char *err, size_t errlen);
/* The certificate (DER or PEM) chains to the CA file: 0, or -1 with why. */
int		 sign_verify_chain(const char *capath, const uint8_t *cert, size_t certlen,
		    char *err, size_t errlen);
void		 sign_hex(const uint8_t sha[32], char hex[65]);

#endif
