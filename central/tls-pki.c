/* SPDX-License-Identifier: BSD-2-Clause */
/* Config signing (the confsign code path) and CSR enrolment with mbedTLS 2.28. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/oid.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>
#include <mbedtls/x509_crt.h>
#include <mbedtls/x509_csr.h>

#include "hex.h"
#include "frame.h"
#include "tls-pki.h"

struct rng {
	mbedtls_entropy_context	 ent;
	mbedtls_ctr_drbg_context drbg;
};

static int
rng_init(struct rng *r)
{
	mbedtls_entropy_init(&r->ent);
	mbedtls_ctr_drbg_init(&r->drbg);
	return mbedtls_ctr_drbg_seed(&r->drbg, mbedtls_entropy_func, &r->ent, NULL, 0);
}

static void
rng_free(struct rng *r)
{
	mbedtls_ctr_drbg_free(&r->drbg);
	mbedtls_entropy_free(&r->ent);
}

static int
fail(char *err, size_t len, const char *what, int rc)
{
	char buf[100];

	mbedtls_strerror(rc, buf, sizeof(buf));
	snprintf(err, len, "%s: %s", what, buf);
	return -1;
}

static void
config_digest(uint64_t version, const uint8_t *body, size_t len, uint8_t md[32])
{
	uint8_t prefix[FRAME_CONF_TBS_PREFIX];
	mbedtls_sha256_context sha;

	frame_config_tbs_prefix(version, prefix);
	mbedtls_sha256_init(&sha);
	mbedtls_sha256_starts_ret(&sha, 0);
	mbedtls_sha256_update_ret(&sha, prefix, sizeof(prefix));
	mbedtls_sha256_update_ret(&sha, body, len);
	mbedtls_sha256_finish_ret(&sha, md);
	mbedtls_sha256_free(&sha);
}

static int
frame_blob(uint64_t version, const uint8_t *sig, size_t siglen, const uint8_t *body,
    size_t len, uint8_t **out, size_t *outlen)
{
	struct frame_config_push c = { .version = version, .sig = sig,
	    .sig_len = (uint16_t)siglen, .body = body, .body_len = (uint32_t)len };
	size_t cap = FRAME_HDR_LEN + FRAME_MAX_SIG + len + 16;
	struct frame_wr w;
	uint8_t *buf;

	if ((buf = malloc(cap)) == NULL)
		return -1;
	frame_wr_init(&w, buf, cap);
	if (frame_put_config_push(&w, &c) == -1) {
		free(buf);
		return -1;
	}
	*outlen = w.len - FRAME_HDR_LEN;
	memmove(buf, buf + FRAME_HDR_LEN, *outlen);	/* the payload only */
	*out = buf;
	return 0;
}

int
pki_sign_config(const char *keypath, uint64_t version, const uint8_t *body, size_t len,
    uint8_t **out, size_t *outlen, char *err, size_t errlen)
{
	uint8_t md[32], sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	mbedtls_pk_context pk;
	struct rng r;
	size_t siglen = 0;
	int rc, ret = -1;

	if (len > FRAME_MAX_PAYLOAD - FRAME_MAX_SIG - 64) {
		snprintf(err, errlen, "config too large for one frame");
		return -1;
	}
	config_digest(version, body, len, md);
	mbedtls_pk_init(&pk);
	if ((rc = rng_init(&r)) != 0 ||
	    (rc = mbedtls_pk_parse_keyfile(&pk, keypath, NULL)) != 0 ||
	    (rc = mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, md, sizeof(md), sig, &siglen,
	    mbedtls_ctr_drbg_random, &r.drbg)) != 0)
		fail(err, errlen, keypath, rc);
	else if (mbedtls_pk_get_type(&pk) != MBEDTLS_PK_ECKEY || siglen > FRAME_MAX_SIG)
		snprintf(err, errlen, "%s: not an EC P-256 key", keypath);
	else if (frame_blob(version, sig, siglen, body, len, out, outlen) == -1)
		snprintf(err, errlen, "out of memory");
	else
		ret = 0;
	mbedtls_pk_free(&pk);
	rng_free(&r);
	return ret;
}

/* The office's signature over a file offer (frame_file_tbs), with the config key. */
int
pki_sign_file(const char *keypath, const struct frame_file_offer *o, uint8_t *sig,
    size_t *siglen, char *err, size_t errlen)
{
	uint8_t tbs[FRAME_FILE_TBS_MAX], md[32], buf[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	mbedtls_pk_context pk;
	struct rng r;
	size_t n = 0;
	int rc, ret = -1;

	mbedtls_sha256_ret(tbs, frame_file_tbs(o, tbs), md, 0);
	mbedtls_pk_init(&pk);
	if ((rc = rng_init(&r)) != 0 ||
	    (rc = mbedtls_pk_parse_keyfile(&pk, keypath, NULL)) != 0 ||
	    (rc = mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, md, sizeof(md), buf, &n,
	    mbedtls_ctr_drbg_random, &r.drbg)) != 0)
		fail(err, errlen, keypath, rc);
	else if (mbedtls_pk_get_type(&pk) != MBEDTLS_PK_ECKEY || n > FRAME_MAX_SIG)
		snprintf(err, errlen, "%s: not an EC P-256 key", keypath);
	else {
		memcpy(sig, buf, n);
		*siglen = n;
		ret = 0;
	}
	mbedtls_pk_free(&pk);
	rng_free(&r);
	return ret;
}

int
pki_sha256_file(FILE *f, uint8_t md[32], uint64_t *size)
{
	mbedtls_sha256_context sha;
	uint8_t buf[65536];
	size_t n;

	*size = 0;
	mbedtls_sha256_init(&sha);
	mbedtls_sha256_starts_ret(&sha, 0);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		mbedtls_sha256_update_ret(&sha, buf, n);
		*size += n;
	}
	mbedtls_sha256_finish_ret(&sha, md);
	mbedtls_sha256_free(&sha);
	return ferror(f) ? -1 : 0;
}

static int
set_validity(mbedtls_x509write_cert *w, int days)
{
	char nb[16], na[16];
	time_t now = time(NULL), end = now + (time_t)days * 86400;
	struct tm t;

	strftime(nb, sizeof(nb), "%Y%m%d%H%M%S", gmtime_r(&now, &t));
	strftime(na, sizeof(na), "%Y%m%d%H%M%S", gmtime_r(&end, &t));
	return mbedtls_x509write_crt_set_validity(w, nb, na);
}

/* basicConstraints CA:false, keyUsage digitalSignature, extendedKeyUsage clientAuth. */
static int
set_extensions(mbedtls_x509write_cert *w)
{
	static const unsigned char eku[] = { 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06, 0x01,
	    0x05, 0x05, 0x07, 0x03, 0x02 };
	int rc;

	if ((rc = mbedtls_x509write_crt_set_basic_constraints(w, 0, -1)) != 0 ||
	    (rc = mbedtls_x509write_crt_set_key_usage(w,
	    MBEDTLS_X509_KU_DIGITAL_SIGNATURE)) != 0)
		return rc;
	return mbedtls_x509write_crt_set_extension(w, MBEDTLS_OID_EXTENDED_KEY_USAGE,
	    MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), 0, eku, sizeof(eku));
}

static int
set_serial(mbedtls_x509write_cert *w, struct rng *r, char *hex, size_t hexlen)
{
	unsigned char raw[8];
	mbedtls_mpi s;
	size_t n;
	int rc;

	mbedtls_ctr_drbg_random(&r->drbg, raw, sizeof(raw));
	raw[0] = (unsigned char)((raw[0] & 0x7f) | 0x10);	/* positive, 8 bytes */
	mbedtls_mpi_init(&s);
	if ((rc = mbedtls_mpi_read_binary(&s, raw, sizeof(raw))) == 0 &&
	    (rc = mbedtls_x509write_crt_set_serial(w, &s)) == 0)
		rc = mbedtls_mpi_write_string(&s, 16, hex, hexlen, &n);
	for (char *p = hex; *p; p++)
		*p = (char)(*p | 0x20);
	mbedtls_mpi_free(&s);
	return rc;
}

bool
pki_cn_is_valid(const unsigned char *cn, size_t len)
{
	static const char ok[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789._-";

	if (len < 1 || len > PKI_CN_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (cn[i] == '\0' || strchr(ok, cn[i]) == NULL)
			return false;
	return true;
}

/*
 * The CN is the appliance's identity everywhere (hello, storage, the CLI): one
 * CN, in the safe charset; other subject values may not carry control bytes.
 */
static int
csr_check_subject(const mbedtls_x509_csr *csr, char *err, size_t errlen)
{
	const mbedtls_x509_name *n;
	int cns = 0;

	for (n = &csr->subject; n != NULL; n = n->next) {
		if (n->oid.p == NULL)
			continue;
		for (size_t i = 0; i < n->val.len; i++)
			if (n->val.p[i] < 0x20 || n->val.p[i] == 0x7f)
				return snprintf(err, errlen, "CSR subject has a control"
				    " byte"), -1;
		if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) != 0)
			continue;
		if (cns++ > 0 || !pki_cn_is_valid(n->val.p, n->val.len))
			return snprintf(err, errlen, "CSR CN must be one name of 1 to %d"
			    " characters from A-Z a-z 0-9 . _ -", PKI_CN_MAX), -1;
	}
	if (cns == 0)
		return snprintf(err, errlen, "CSR has no CN (the appliance id)"), -1;
	return 0;
}

struct enroll {
	mbedtls_x509_crt	 ca;
	mbedtls_pk_context	 cakey;
	mbedtls_x509_csr	 csr;
	mbedtls_x509write_cert	 w;
	struct rng		 r;
};

static int
enroll_sign(struct enroll *e, int days, char *out, size_t outlen, char *serial,
    size_t seriallen, char *err, size_t errlen)
{
	char subject[256], issuer[256];
	int rc;

	if (mbedtls_x509_dn_gets(subject, sizeof(subject), &e->csr.subject) < 0 ||
	    mbedtls_x509_dn_gets(issuer, sizeof(issuer), &e->ca.subject) < 0)
		return fail(err, errlen, "names", -1);
	mbedtls_x509write_crt_set_version(&e->w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&e->w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&e->w, &e->csr.pk);
	mbedtls_x509write_crt_set_issuer_key(&e->w, &e->cakey);
	if ((rc = mbedtls_x509write_crt_set_subject_name(&e->w, subject)) != 0 ||
	    (rc = mbedtls_x509write_crt_set_issuer_name(&e->w, issuer)) != 0 ||
	    (rc = set_validity(&e->w, days)) != 0 || (rc = set_extensions(&e->w)) != 0 ||
	    (rc = set_serial(&e->w, &e->r, serial, seriallen)) != 0 ||
	    (rc = mbedtls_x509write_crt_pem(&e->w, (unsigned char *)out, outlen,
	    mbedtls_ctr_drbg_random, &e->r.drbg)) != 0)
		return fail(err, errlen, "certificate", rc);
	return 0;
}

int
pki_enroll(const char *ca_crt, const char *ca_key, const char *csr_path, int days,
    char *out, size_t outlen, char *serial, size_t seriallen, char *err, size_t errlen)
{
	struct enroll e;
	int rc, ret = -1;

	mbedtls_x509_crt_init(&e.ca);
	mbedtls_pk_init(&e.cakey);
	mbedtls_x509_csr_init(&e.csr);
	mbedtls_x509write_crt_init(&e.w);
	if ((rc = rng_init(&e.r)) != 0)
		fail(err, errlen, "rng", rc);
	else if ((rc = mbedtls_x509_crt_parse_file(&e.ca, ca_crt)) != 0)
		fail(err, errlen, ca_crt, rc);
	else if ((rc = mbedtls_pk_parse_keyfile(&e.cakey, ca_key, NULL)) != 0)
		fail(err, errlen, ca_key, rc);
	else if ((rc = mbedtls_x509_csr_parse_file(&e.csr, csr_path)) != 0)
		fail(err, errlen, csr_path, rc);
	else if (mbedtls_pk_get_type(&e.csr.pk) != MBEDTLS_PK_ECKEY)
		snprintf(err, errlen, "%s: not an EC key", csr_path);
	else if (csr_check_subject(&e.csr, err, errlen) == -1)
		;	/* err says why */
	else
		ret = enroll_sign(&e, days, out, outlen, serial, seriallen, err, errlen);
	mbedtls_x509write_crt_free(&e.w);
	mbedtls_x509_csr_free(&e.csr);
	mbedtls_pk_free(&e.cakey);
	mbedtls_x509_crt_free(&e.ca);
	rng_free(&e.r);
	return ret;
}

void
pki_sha256_hex(const void *p, size_t n, char out[65])
{
	unsigned char md[32];

	mbedtls_sha256_ret(p, n, md, 0);
	hex_encode(md, sizeof(md), out);
}
