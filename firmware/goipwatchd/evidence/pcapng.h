/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A pcapng writer (draft-ietf-opsawg-pcapng): one section header with a
 * comment, one interface description per link type (microsecond timestamps),
 * enhanced packet blocks with a comment each. Host byte order, as the format
 * allows; readers follow the byte-order magic.
 */
#ifndef GW_PCAPNG_H
#define GW_PCAPNG_H

#include <stdint.h>
#include <stdio.h>

#include "clock.h"

#define PCAPNG_IFACES	8	/* link types in one file */

struct pcapng {
	FILE		*f;
	uint64_t	 bytes;		/* written so far */
	uint32_t	 snaplen;
	uint16_t	 lt[PCAPNG_IFACES];
	unsigned	 nlt;
	int		 err;		/* a write failed */
};

void	 pcapng_init(struct pcapng *, FILE *, uint32_t snaplen);
int	 pcapng_shb(struct pcapng *, const char *comment, const char *appl);
/* Bytes the packet adds, with its interface block when its link type is new. */
size_t	 pcapng_epb_size(const struct pcapng *, uint16_t linktype, uint32_t caplen,
	    const char *comment);
int	 pcapng_epb(struct pcapng *, uint16_t linktype, usec_t ts, const uint8_t *data,
	    uint32_t caplen, uint32_t wirelen, const char *comment);

#endif
