/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * SDP media endpoints: which call named addr:port, and its codec map. Entries
 * outlive their call by `linger`, because an RTP stream is reported when its
 * flow ends, after the idle timeout. Fixed capacity, nothing grows.
 */
#ifndef GW_MEDIA_H
#define GW_MEDIA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "sip.h"

struct media;
struct media_entry;

struct media_stats {
	uint64_t	bound;		/* endpoints bound to a call */
	uint64_t	taken_over;	/* an endpoint another call had named */
	uint64_t	full;		/* not bound: every entry pinned by a live call */
	uint64_t	evicted;	/* lingering entries reused before their time */
	uint64_t	expired;
	uint64_t	found, not_found;
};

struct media	*media_new(size_t capacity, usec_t linger);
void		 media_free(struct media *);
/*
 * Binds addr:port to the call `owner` (a serial, never reused) for as long as
 * the call lives; the codec map comes from m. NULL when the table is full.
 */
struct media_entry *media_bind(struct media *, const uint8_t addr16[16], uint16_t port,
		    uint64_t owner, const char *call_id, const struct sdp_media *m,
		    uint16_t session_ptime);
/* The call ended (or moved its media): the entry lingers, then goes. */
void		 media_release(struct media *, struct media_entry *, uint64_t owner,
		    usec_t now);
void		 media_expire(struct media *, usec_t now);
/* The call that named addr:port; codec from its rtpmap or the static table. */
bool		 media_find(struct media *, const uint8_t addr16[16], uint16_t port,
		    uint8_t pt, char *call_id, size_t idlen, char *codec, size_t codeclen);
/* Name of a static RTP payload type (RFC 3551), or NULL. */
const char	*media_static_codec(uint8_t pt);
/* "192.0.2.1" or an IPv6 literal into a 16-byte (IPv4-mapped) address. */
bool		 media_addr_parse(const char *, uint8_t addr16[16]);
size_t		 media_in_use(const struct media *);
void		 media_stats(const struct media *, struct media_stats *);
size_t		 media_bytes(const struct media *);

#endif
