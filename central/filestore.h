/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Files central pushes to appliances (the country database): added and signed
 * by the office, kept in files_dir by SHA-256, offered per group; each
 * appliance's latest offer and answer per kind (docs/protocol.md, File pushes).
 */
#ifndef GWC_FILESTORE_H
#define GWC_FILESTORE_H

#include <stdint.h>
#include <stdio.h>

#include "frame.h"
#include "storage.h"

#define FILESTORE_LABEL	128

/* A group's newest file of a kind, as offered. */
struct pushfile {
	struct pushfile	*next;
	char		 grp[64];
	uint8_t		 kind, flags;	/* enum frame_file_kind, offer flags */
	uint64_t	 version;
	uint32_t	 size;
	uint8_t		 sha256[32];
	char		 sha_hex[65];
	char		 label[FILESTORE_LABEL];
	uint8_t		 sig[FRAME_MAX_SIG];
	uint16_t	 sig_len;
	char		 appliance[128];	/* a rollout's offer: for it alone; "" all */
};

/* "geodb", "firmware"; NULL past the last (for enum_val) or an unknown kind. */
const char	*filestore_kind_name(int kind);
int		 filestore_kind(const char *name);	/* 0: unknown */
void		 pushfile_free(struct pushfile *);	/* the list; NULL-safe */
/*
 * A db_query row (kind, grp, version, size, sha256, label, flags, sig
 * [, appliance]) onto the list arg (struct pushfile **); an unknown kind is
 * skipped.
 */
int		 filestore_row(void *arg, const struct db_row *);
/* The offer of f (pointing into f). */
void		 filestore_offer(const struct pushfile *, struct frame_file_offer *);
/* DIR/sha256hex into buf. */
void		 filestore_path(const char *dir, const struct pushfile *, char *buf,
		    size_t len);
/*
 * Copies path into dir under its SHA-256, signs its offer with keypath (the
 * config key) under the next version and stores it for grp. A geodb must look
 * like an MMDB (its metadata marker); a file is 1 byte to 2 GiB.
 */
int	filestore_add(struct storage *, const char *dir, int kind, const char *grp,
	    const char *path, const char *label, const char *keypath, const char *who,
	    uint64_t *version, char *err, size_t errlen);
/*
 * A firmware bundle as `rauc info` sees it with the keyring ca (codeSigning
 * purpose; a system.conf for it is written in tmpdir): its label "COMPATIBLE
 * VERSION" from the manifest, or -1 with rauc's own reason in err.
 */
int	filestore_firmware_info(const char *ca, const char *tmpdir, const char *path,
	    char *label, size_t len, char *err, size_t errlen);
/* A firmware's files (its rows; offered only by a rollout) for the terminal. */
int	filestore_firmware_list(struct storage *, FILE *);
/* "firmware":[...] the stored bundles as JSON (the console API). */
int	filestore_firmware_json(struct storage *, FILE *);
/* The newest file of every (kind, group) but firmware, as a list. */
int	filestore_all_latest(struct storage *, struct pushfile **out);
/* grp's newest file of every kind but firmware. */
int	filestore_latest(struct storage *, const char *grp, struct pushfile **out);
/* An offer was sent: the appliance's row for kind now waits for its answer. */
int	filestore_offered(struct storage *, const char *appliance, int kind,
	    uint64_t version, int64_t now);
int	filestore_acked(struct storage *, const char *appliance, int kind,
	    uint64_t version, int status, const char *msg, int64_t now);
/* The state of an answer: "offered, no answer", "installed", "bad_signature", ... */
const char *filestore_ack_state(int64_t status, bool answered);
/* Every appliance and its latest offer of kind, for the terminal. */
int	filestore_status(struct storage *, int kind, FILE *);

#endif
