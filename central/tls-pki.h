/* SPDX-License-Identifier: BSD-2-Clause */
/* Office key operations (mbedTLS stops here): config signatures and enrolment. */
#ifndef GWC_TLS_PKI_H
#define GWC_TLS_PKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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
void	pki_sha256_hex(const void *p, size_t n, char out[65]);

#endif
