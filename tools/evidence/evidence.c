/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * goipwatch-evidence verify FILE --cert CERT [--sig SIG]: checks an evidence
 * file's SHA-256 and its ECDSA signature (FILE.sig) against the appliance's
 * certificate, offline. Exit 0 good, 1 bad, 2 usage.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "sign.h"

static int
usage(void)
{
	fprintf(stderr, "usage: goipwatch-evidence verify FILE --cert CERT [--sig SIG]\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const char *file = NULL, *cert = NULL, *sig = NULL;
	char sigpath[PATH_MAX], err[PATH_MAX + 160], hex[65];
	uint8_t sha[32];
	int i;

	if (argc < 3 || strcmp(argv[1], "verify") != 0)
		return usage();
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--cert") == 0 && i + 1 < argc)
			cert = argv[++i];
		else if (strcmp(argv[i], "--sig") == 0 && i + 1 < argc)
			sig = argv[++i];
		else if (argv[i][0] != '-' && file == NULL)
			file = argv[i];
		else
			return usage();
	}
	if (file == NULL || cert == NULL)
		return usage();
	if (sig == NULL) {
		if ((size_t)snprintf(sigpath, sizeof(sigpath), "%s.sig", file) >= sizeof(sigpath))
			return usage();
		sig = sigpath;
	}
	if (sign_verify_file(cert, file, sig, sha, err, sizeof(err)) == -1) {
		fprintf(stderr, "goipwatch-evidence: %s\n", err);
		return 1;
	}
	sign_hex(sha, hex);
	printf("%s: good signature, sha256 %s\n", file, hex);
	return 0;
}
