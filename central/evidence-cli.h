/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * goipwatch-central evidence list|get|verify LEAD, and evidence verify FILE
 * offline against the office CA (docs/evidence.md, At central).
 */
#ifndef GWC_EVIDENCE_CLI_H
#define GWC_EVIDENCE_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct storage;

/* evidence verify FILE needs no database. */
bool	evidence_cli_is_offline(int argc, const char *const *argv);
/* The lead's files: sha256, size, appliance, name, verified or deleted. */
int	evidence_list(struct storage *, int64_t lead, FILE *);
/* Each stored file of the lead into outdir as SHA.pcapng with .sig, .crt
 * (DER) and lead-ID.json; custody: evidence.downloaded by who. */
int	evidence_get(struct storage *, const char *evdir, int64_t lead,
	    const char *outdir, const char *who, FILE *);
/* Each stored file of the lead hashed again and checked against its
 * signature and the appliance certificate; 1 when one fails. */
int	evidence_verify_lead(struct storage *, const char *evdir, int64_t lead, FILE *);
/* FILE with FILE.sig and FILE.crt beside it: the signature, and the
 * certificate's chain to ca. 0 good, 1 bad. */
int	evidence_verify_file(const char *path, const char *ca, FILE *);

#endif
