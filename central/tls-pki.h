/* SPDX-License-Identifier: BSD-2-Clause */
/* Office key operations (mbedTLS stops here): config signatures and enrolment. */
#ifndef GWC_TLS_PKI_H
#define GWC_TLS_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frame.h"

#define PKI_CN_MAX	64

/*
 * The config_push payload confsign writes (docs/protocol.md): ECDSA P-256 over
 * SHA-256(tag, NUL, be64 version, body). *out is malloc'd; 0 or -1 with err.
 */
int	pki_sign_config(const char *keypath, uint64_t version, const uint8_t *body,
	    size_t len, uint8_t **out, size_t *outlen, char *err, size_t errlen);

/* An appliance id: 1..PKI_CN_MAX bytes of [A-Za-z0-9._-]. */
bool	pki_cn_is_valid(const unsigned char *cn, size_t len);

/*
 * Signs an appliance CSR (PEM) with the office CA: clientAuth, CN kept from the
 * CSR, which must be exactly one CN that pki_cn_is_valid. Writes the
 * certificate PEM to out; the serial (hex) to serial.
 */
int	pki_enroll(const char *ca_crt, const char *ca_key, const char *csr_path,
	    int days, char *out, size_t outlen, char *serial, size_t seriallen,
	    char *err, size_t errlen);
/* SHA-256 of n bytes as 64 lower-case hex digits and a NUL. */
/* Signs a file offer (frame_file_tbs) with keypath; sig holds FRAME_MAX_SIG. */
int	pki_sign_file(const char *keypath, const struct frame_file_offer *, uint8_t *sig,
	    size_t *siglen, char *err, size_t errlen);
/* SHA-256 and length of what is left to read of f; -1 on a read error. */
int	pki_sha256_file(FILE *, uint8_t md[32], uint64_t *size);
void	pki_sha256_hex(const void *p, size_t n, char out[65]);

#endif
