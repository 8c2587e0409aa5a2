/* SPDX-License-Identifier: BSD-2-Clause */
/* Config-signature check: ECDSA P-256 over SHA-256, a key separate from TLS. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <mbedtls/ecp.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include "tls.h"

struct tls_sigkey {
	mbedtls_pk_context	pk;
};

struct tls_sigkey *
tls_sigkey_load(const char *path, char *err, size_t errlen)
{
	struct tls_sigkey *k;
	char buf[128];
	int rc;

	if ((k = calloc(1, sizeof(*k))) == NULL) {
		snprintf(err, errlen, "sigkey: out of memory");
		return NULL;
	}
	mbedtls_pk_init(&k->pk);
	if ((rc = mbedtls_pk_parse_public_keyfile(&k->pk, path)) != 0) {
		mbedtls_strerror(rc, buf, sizeof(buf));
		snprintf(err, errlen, "sigkey: %s: %s", path, buf);
		goto err_free;
	}
	if (!mbedtls_pk_can_do(&k->pk, MBEDTLS_PK_ECDSA) ||
	    mbedtls_pk_ec(k->pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1) {
		snprintf(err, errlen, "sigkey: %s: not an ECDSA P-256 public key", path);
		goto err_free;
	}
	return k;
err_free:
	tls_sigkey_free(k);
	return NULL;
}

void
tls_sigkey_free(struct tls_sigkey *k)
{
	if (k == NULL)
		return;
	mbedtls_pk_free(&k->pk);
	free(k);
}

bool
tls_sig_verify(struct tls_sigkey *k, const void *a, size_t alen, const void *b,
    size_t blen, const uint8_t *sig, size_t siglen)
{
	mbedtls_sha256_context sha;
	unsigned char md[32];

	if (siglen == 0)
		return false;
	mbedtls_sha256_init(&sha);
	if (mbedtls_sha256_starts_ret(&sha, 0) != 0 ||
	    mbedtls_sha256_update_ret(&sha, a, alen) != 0 ||
	    mbedtls_sha256_update_ret(&sha, b, blen) != 0 ||
	    mbedtls_sha256_finish_ret(&sha, md) != 0) {
		mbedtls_sha256_free(&sha);
		return false;
	}
	mbedtls_sha256_free(&sha);
	return mbedtls_pk_verify(&k->pk, MBEDTLS_MD_SHA256, md, sizeof(md),
	    sig, siglen) == 0;
}

bool
tls_sha256_fd(int fd, uint8_t out[32])
{
	mbedtls_sha256_context sha;
	uint8_t buf[65536];
	off_t off = 0;
	ssize_t n;

	mbedtls_sha256_init(&sha);
	(void)mbedtls_sha256_starts_ret(&sha, 0);
	while ((n = pread(fd, buf, sizeof(buf), off)) > 0) {
		(void)mbedtls_sha256_update_ret(&sha, buf, (size_t)n);
		off += n;
	}
	(void)mbedtls_sha256_finish_ret(&sha, out);
	mbedtls_sha256_free(&sha);
	return n == 0;
}
