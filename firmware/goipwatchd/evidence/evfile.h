/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * An evidence file: a line's kept packets as pcapng, written atomically
 * (tmp, rename; fsync when asked) under a size cap, and signed (FILE.sig).
 */
#ifndef GW_EVFILE_H
#define GW_EVFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "keep.h"
#include "sign.h"

struct evfile_params {
	const char	*dir;
	uint64_t	 file_max;	/* bytes */
	uint32_t	 snaplen;
	bool		 sync;		/* fsync file, signature and directory */
	const char *const *kind_names;	/* by kind bit */
	unsigned	 nkinds;
	int		 media_evkind;	/* the event kind of kept RTP frames (-1: none) */
	bool		 media_payload;	/* they hold their voice payload */
};

struct evfile_info {
	char		 path[PATH_MAX];
	char		 sha256[65];
	size_t		 packets;	/* written */
	size_t		 skipped;	/* over the size cap */
	uint64_t	 bytes;
};

int	evfile_write(const struct evfile_params *, const struct keep *,
	    const uint8_t key[KEEP_KEY_LEN], const char *name, const char *comment,
	    struct signer *, struct evfile_info *, char *err, size_t errlen);

#endif
