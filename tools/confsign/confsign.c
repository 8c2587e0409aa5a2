/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * confsign: sign a goipwatchd config for a push. Writes the config-push payload
 * (docs/protocol.md): be64 version, be16 siglen, DER ECDSA signature over
 * SHA-256(FRAME_CONF_TAG NUL be64 version || body), be32 bodylen, body.
 *   confsign -k config-sign.key -v VERSION [-u] CONFIG > config.signed
 * -u writes an unsigned blob (siglen 0), for tests.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include "frame.h"

static void
usage(void)
{
	fprintf(stderr, "usage: confsign -k KEY -v VERSION [-u] CONFIG > SIGNED\n");
	exit(2);
}

static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = malloc(FRAME_MAX_PAYLOAD);

	if (f == NULL || buf == NULL) {
		fprintf(stderr, "confsign: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	*len = fread(buf, 1, FRAME_MAX_PAYLOAD, f);
	if (!feof(f) || ferror(f)) {
		fprintf(stderr, "confsign: %s: unreadable or too large\n", path);
		exit(1);
	}
	fclose(f);
	return buf;
}

static size_t
sign(const char *keypath, uint64_t version, const uint8_t *body, size_t len,
    uint8_t *sig, size_t cap)
{
	mbedtls_pk_context pk;
	mbedtls_entropy_context ent;
	mbedtls_ctr_drbg_context drbg;
	uint8_t prefix[FRAME_CONF_TBS_PREFIX], md[32];
	mbedtls_sha256_context sha;
	char err[128];
	size_t siglen = 0;
	int rc;

	mbedtls_pk_init(&pk);
	mbedtls_entropy_init(&ent);
	mbedtls_ctr_drbg_init(&drbg);
	frame_config_tbs_prefix(version, prefix);
	mbedtls_sha256_init(&sha);
	mbedtls_sha256_starts_ret(&sha, 0);
	mbedtls_sha256_update_ret(&sha, prefix, sizeof(prefix));
	mbedtls_sha256_update_ret(&sha, body, len);
	mbedtls_sha256_finish_ret(&sha, md);
	mbedtls_sha256_free(&sha);
	if ((rc = mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &ent, NULL, 0)) != 0 ||
	    (rc = mbedtls_pk_parse_keyfile(&pk, keypath, NULL)) != 0 ||
	    (rc = mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, md, sizeof(md), sig,
	    &siglen, mbedtls_ctr_drbg_random, &drbg)) != 0) {
		mbedtls_strerror(rc, err, sizeof(err));
		fprintf(stderr, "confsign: %s: %s\n", keypath, err);
		exit(1);
	}
	if (siglen > cap || mbedtls_pk_get_type(&pk) != MBEDTLS_PK_ECKEY) {
		fprintf(stderr, "confsign: %s: not an EC P-256 key\n", keypath);
		exit(1);
	}
	mbedtls_pk_free(&pk);
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&ent);
	return siglen;
}

int
main(int argc, char **argv)
{
	const char *key = NULL;
	uint8_t sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE], *body, *out;
	struct frame_config_push c = { 0 };
	struct frame_wr w;
	bool unsigned_ = false;
	char *end;
	size_t len;
	int ch;

	while ((ch = getopt(argc, argv, "k:v:u")) != -1) {
		switch (ch) {
		case 'k': key = optarg; break;
		case 'v':
			errno = 0;
			c.version = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || c.version == 0)
				usage();
			break;
		case 'u': unsigned_ = true; break;
		default: usage();
		}
	}
	if (optind + 1 != argc || c.version == 0 || (key == NULL && !unsigned_))
		usage();
	body = slurp(argv[optind], &len);
	c.body = body;
	c.body_len = (uint32_t)len;
	c.sig = sig;
	c.sig_len = unsigned_ ? 0 : (uint16_t)sign(key, c.version, body, len,
	    sig, FRAME_MAX_SIG);
	out = malloc(FRAME_HDR_LEN + FRAME_MAX_PAYLOAD);
	frame_wr_init(&w, out, FRAME_HDR_LEN + FRAME_MAX_PAYLOAD);
	if (out == NULL || frame_put_config_push(&w, &c) == -1) {
		fprintf(stderr, "confsign: config too large for one frame\n");
		return 1;
	}
	/* the payload only: the blob is stored and pushed as is */
	if (fwrite(out + FRAME_HDR_LEN, 1, w.len - FRAME_HDR_LEN, stdout) !=
	    w.len - FRAME_HDR_LEN || fflush(stdout) != 0) {
		fprintf(stderr, "confsign: write: %s\n", strerror(errno));
		return 1;
	}
	free(out);
	free(body);
	return 0;
}
