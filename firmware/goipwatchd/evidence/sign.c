/* SPDX-License-Identifier: BSD-2-Clause */
/* ECDSA P-256 / SHA-256 file signatures with mbedTLS 2.28. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>

#include "hex.h"
#include "sign.h"

struct signer {
	mbedtls_pk_context	 pk;
	mbedtls_entropy_context	 entropy;
	mbedtls_ctr_drbg_context drbg;
};

static bool
sign_is_p256(mbedtls_pk_context *pk)
{
	return mbedtls_pk_can_do(pk, MBEDTLS_PK_ECDSA) &&
	    mbedtls_pk_ec(*pk)->grp.id == MBEDTLS_ECP_DP_SECP256R1;
}

struct signer *
signer_load(const char *keypath, char *err, size_t errlen)
{
	static const char pers[] = "goipwatch-evidence";
	struct signer *s;
	char buf[128];
	int rc;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "evidence: out of memory");
		return NULL;
	}
	mbedtls_pk_init(&s->pk);
	mbedtls_entropy_init(&s->entropy);
	mbedtls_ctr_drbg_init(&s->drbg);
	if ((rc = mbedtls_pk_parse_keyfile(&s->pk, keypath, NULL)) != 0) {
		mbedtls_strerror(rc, buf, sizeof(buf));
		snprintf(err, errlen, "evidence: tls_key %s: %s", keypath, buf);
		goto err_free;
	}
	if (!sign_is_p256(&s->pk)) {
		snprintf(err, errlen, "evidence: tls_key %s: not an ECDSA P-256 key", keypath);
		goto err_free;
	}
	if (mbedtls_ctr_drbg_seed(&s->drbg, mbedtls_entropy_func, &s->entropy,
	    (const unsigned char *)pers, sizeof(pers)) != 0) {
		snprintf(err, errlen, "evidence: cannot seed the random generator");
		goto err_free;
	}
	return s;
err_free:
	signer_free(s);
	return NULL;
}

void
signer_free(struct signer *s)
{
	if (s == NULL)
		return;
	mbedtls_pk_free(&s->pk);
	mbedtls_ctr_drbg_free(&s->drbg);
	mbedtls_entropy_free(&s->entropy);
	free(s);
}

static int
sign_hash_file(const char *path, uint8_t sha[32])
{
	mbedtls_sha256_context c;
	uint8_t buf[16384];
	size_t n;
	FILE *f;
	int rc = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return -1;
	mbedtls_sha256_init(&c);
	if (mbedtls_sha256_starts_ret(&c, 0) != 0)
		rc = -1;
	while (rc == 0 && (n = fread(buf, 1, sizeof(buf), f)) > 0)
		if (mbedtls_sha256_update_ret(&c, buf, n) != 0)
			rc = -1;
	if (rc == 0 && (ferror(f) || mbedtls_sha256_finish_ret(&c, sha) != 0))
		rc = -1;
	mbedtls_sha256_free(&c);
	fclose(f);
	return rc;
}

int
signer_sign_file(struct signer *s, const char *path, uint8_t sha[32],
    uint8_t sig[SIGN_MAX], size_t *siglen)
{
	_Static_assert(SIGN_MAX >= MBEDTLS_ECDSA_MAX_LEN, "SIGN_MAX too small");

	if (sign_hash_file(path, sha) == -1)
		return -1;
	return mbedtls_pk_sign(&s->pk, MBEDTLS_MD_SHA256, sha, 32, sig, siglen,
	    mbedtls_ctr_drbg_random, &s->drbg) == 0 ? 0 : -1;
}

static int
sign_read_sig(const char *sigpath, uint8_t sig[SIGN_MAX], size_t *len)
{
	FILE *f;

	if ((f = fopen(sigpath, "rb")) == NULL)
		return -1;
	*len = fread(sig, 1, SIGN_MAX, f);
	fclose(f);
	return *len == 0 || *len == SIGN_MAX ? -1 : 0;
}

int
sign_verify_file(const char *certpath, const char *path, const char *sigpath,
    uint8_t sha[32], char *err, size_t errlen)
{
	mbedtls_x509_crt crt;
	uint8_t sig[SIGN_MAX];
	size_t siglen;
	char buf[128];
	int rc = -1, r;

	mbedtls_x509_crt_init(&crt);
	if ((r = mbedtls_x509_crt_parse_file(&crt, certpath)) != 0) {
		mbedtls_strerror(r, buf, sizeof(buf));
		snprintf(err, errlen, "%s: %s", certpath, buf);
	} else if (!sign_is_p256(&crt.pk))
		snprintf(err, errlen, "%s: not an ECDSA P-256 certificate", certpath);
	else if (sign_hash_file(path, sha) == -1)
		snprintf(err, errlen, "%s: cannot read it", path);
	else if (sign_read_sig(sigpath, sig, &siglen) == -1)
		snprintf(err, errlen, "%s: cannot read the signature", sigpath);
	else if (mbedtls_pk_verify(&crt.pk, MBEDTLS_MD_SHA256, sha, 32, sig, siglen) != 0)
		snprintf(err, errlen, "%s: BAD signature (the file or its signature "
		    "changed, or another key signed it)", path);
	else
		rc = 0;
	mbedtls_x509_crt_free(&crt);
	return rc;
}

int
sign_verify_buf(const uint8_t *cert, size_t certlen, const uint8_t *data, size_t len,
    const uint8_t *sig, size_t siglen, uint8_t sha[32], char *err, size_t errlen)
{
	mbedtls_x509_crt crt;
	char buf[128];
	int rc = -1, r;

	mbedtls_x509_crt_init(&crt);
	if (mbedtls_sha256_ret(data, len, sha, 0) != 0)
		snprintf(err, errlen, "cannot hash it");
	else if ((r = mbedtls_x509_crt_parse(&crt, cert, certlen)) != 0) {
		mbedtls_strerror(r, buf, sizeof(buf));
		snprintf(err, errlen, "certificate: %s", buf);
	} else if (!sign_is_p256(&crt.pk))
		snprintf(err, errlen, "not an ECDSA P-256 certificate");
	else if (mbedtls_pk_verify(&crt.pk, MBEDTLS_MD_SHA256, sha, 32, sig, siglen) != 0)
		snprintf(err, errlen, "BAD signature (the file or its signature changed,"
		    " or another key signed it)");
	else
		rc = 0;
	mbedtls_x509_crt_free(&crt);
	return rc;
}

int
sign_verify_chain(const char *capath, const uint8_t *cert, size_t certlen, char *err,
    size_t errlen)
{
	mbedtls_x509_crt ca, crt;
	uint32_t flags = 0;
	char buf[256];
	int rc = -1, r;

	mbedtls_x509_crt_init(&ca);
	mbedtls_x509_crt_init(&crt);
	if ((r = mbedtls_x509_crt_parse_file(&ca, capath)) != 0) {
		mbedtls_strerror(r, buf, sizeof(buf));
		snprintf(err, errlen, "%s: %s", capath, buf);
	} else if ((r = mbedtls_x509_crt_parse(&crt, cert, certlen)) != 0) {
		mbedtls_strerror(r, buf, sizeof(buf));
		snprintf(err, errlen, "certificate: %s", buf);
	} else if (mbedtls_x509_crt_verify(&crt, &ca, NULL, NULL, &flags, NULL,
	    NULL) != 0) {
		mbedtls_x509_crt_verify_info(buf, sizeof(buf), "", flags);
		buf[strcspn(buf, "\n")] = '\0';
		snprintf(err, errlen, "the certificate does not chain to %s: %s",
		    capath, buf);
	} else
		rc = 0;
	mbedtls_x509_crt_free(&crt);
	mbedtls_x509_crt_free(&ca);
	return rc;
}

void
sign_hex(const uint8_t sha[32], char hex[65])
{
	hex_encode(sha, 32, hex);
}
