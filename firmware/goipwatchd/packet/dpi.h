/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Flow classification with nDPI 4.2: one detection module per worker, nDPI
 * flow state from a fixed pool, held only while classification runs.
 * The only module that includes nDPI.
 */
#ifndef GW_DPI_H
#define GW_DPI_H

#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "flow.h"

enum dpi_state { DPI_NEW, DPI_RUNNING, DPI_DONE, DPI_NO_STATE };

struct dpi_stats {
	uint64_t	packets;	/* packets given to nDPI */
	uint64_t	detected;	/* flows classified by a dissector */
	uint64_t	gave_up;	/* flows ended by the packet limit or expiry */
	uint64_t	guessed;	/* of those, named by port only */
	uint64_t	pool_full;	/* flows never classified: no free state */
	uint64_t	too_long;	/* packets over 65535 bytes skipped */
	uint64_t	in_use;
};

struct dpi;

struct dpi	*dpi_new(size_t pool_capacity, unsigned max_pkts_udp, unsigned max_pkts_tcp);
void		 dpi_free(struct dpi *);
/* Feeds one packet of f to nDPI until classification ends. */
void		 dpi_process(struct dpi *, struct flow *, const struct pkt *);
/* Ends classification of f and returns its nDPI state to the pool. */
void		 dpi_flow_end(struct dpi *, struct flow *);
const char	*dpi_proto_name(struct dpi *, uint16_t id);
/*
 * The server name nDPI took from f's TLS ClientHello (or other host name),
 * copied out while its state is held: its bytes (at most cap, no NUL), or 0
 * when nDPI holds no state for f any more or found no name. Wire bytes:
 * the caller cleans them.
 */
size_t		 dpi_flow_server_name(const struct flow *, uint8_t *out, size_t cap);
const struct dpi_stats *dpi_stats(const struct dpi *);
size_t		 dpi_bytes(const struct dpi *);

#endif
