/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A lead's evidence files as central holds them: read back, checked again
 * against signature and certificate, and packed for a download (a tar of the
 * pcapng, its signature, the appliance certificate and a JSON manifest).
 * Shared by the CLI (evidence-cli.c) and the console API (api-evidence.c).
 */
#ifndef GWC_EVPKG_H
#define GWC_EVPKG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "frame.h"

#define EV_MAX_FILES	4096	/* files of one lead listed at most */

struct storage;

struct evrow {
	char	 sha[65], appliance[128], name[FRAME_EV_MAX_NAME + 1];
	int64_t	 size, received, verified, deleted;
	char	*sig, *cert;	/* hex */
};

struct evrows {
	struct evrow	*v;
	size_t		 n;
};

/* The files linked to the lead's detection records, oldest first. */
int	 evpkg_lead_files(struct storage *, int64_t lead, struct evrows *);
void	 evpkg_rows_free(struct evrows *);
/* Hex to bytes; 0 when it does not fit cap or is not hex. */
size_t	 evpkg_unhex(const char *hex, uint8_t *out, size_t cap);
/* The whole file (at most FRAME_EV_MAX_FILE bytes); NULL if unreadable. */
uint8_t	*evpkg_slurp(const char *path, size_t *size);
/* The stored file read and checked again: 0 good (*data holds it), -1 with why. */
int	 evpkg_check(const char *evdir, const struct evrow *, uint8_t **data,
	    size_t *len, char *err, size_t errlen);
/* {"lead":ID,"files":[{size, verified, sha256, appliance, name, signature, certificate}]} */
void	 evpkg_manifest(FILE *, int64_t lead, const struct evrows *);
/*
 * The package of one file of the lead: a POSIX tar (ustar) of SHA.pcapng,
 * SHA.pcapng.sig, SHA.pcapng.crt (the appliance's, DER), ca.crt (the office
 * CA file ca, when readable) and manifest.json (lead, file and hashes, member
 * names, the detection records naming the file). 0 with *buf (malloc'd), 1
 * when the lead has no such stored file, -1 with why.
 */
int	 evpkg_build(struct storage *, const char *evdir, const char *ca, int64_t lead,
	    const char *sha, char **buf, size_t *len, char *err, size_t errlen);

#endif
