/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bidirectional flow table: a fixed array of flows, hash buckets, and one
 * LRU list per timeout class walked with a bounded budget. Lookup never
 * allocates; a full table evicts its least recently used flow and counts it.
 */
#ifndef GW_FLOW_H
#define GW_FLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "decode.h"
#include "ilist.h"

/* 48 bytes, compared and hashed as six 64-bit words. */
struct flow_key {
	uint8_t		a[16], b[16];	/* a <= b, so both directions share a key */
	uint16_t	aport, bport;
	uint32_t	zone;		/* innermost VLAN, tunnel id */
	uint8_t		ipver, proto;
	uint8_t		pad[6];
};

enum flow_end { FLOW_END_IDLE, FLOW_END_ACTIVE, FLOW_END_CLOSED, FLOW_END_EVICTED,
		FLOW_END_EOF };
extern const char *const flow_end_names[];

enum flow_class { FLOW_CLASS_UDP, FLOW_CLASS_TCP, FLOW_CLASS_CLOSED, FLOW_NCLASS };

struct flow {
	struct flow_key	 key;
	uint32_t	 hnext;		/* bucket chain */
	struct ilink	 lru;		/* LRU list of its class; free list */
	uint32_t	 hash;
	uint8_t		 cls;
	bool		 live;		/* in the table (not on the free list) */
	bool		 a_is_src;	/* the initiator is key.a */
	uint8_t		 fin;		/* bit 0: FIN from initiator, bit 1: responder */
	bool		 rst;
	usec_t		 first, last, start;	/* start: of the current record */
	usec_t		 lru_ts;	/* last moved to its list's tail */
	uint64_t	 pkts[2], bytes[2];	/* [0] initiator to responder */

	/* encapsulation seen on the first packet */
	uint16_t	 vlan[PKT_MAX_VLANS];
	uint8_t		 nvlan, tunnel;
	bool		 has_pppoe;
	uint16_t	 pppoe_session;
	uint32_t	 mpls_label, tunnel_id;

	/* classification, owned by dpi.c */
	void		*dpi;
	uint16_t	 dpi_master, dpi_app;
	uint16_t	 dpi_pkts;
	uint8_t		 dpi_state;
	bool		 dpi_guessed;

	/* VoIP state, owned by voip.c */
	void		*app;
	uint8_t		 app_kind;
	uint8_t		 app_probes;
	uint8_t		 dev_events, dev_payloads;	/* owned by device/wire.c */
};

struct flow_stats {
	uint64_t	created;
	uint64_t	expired[FLOW_END_EOF + 1];
	uint64_t	in_use;
};

struct flow_table;

/* Called for each flow that ends, before its slot is reused. */
typedef void (*flow_end_cb)(void *arg, struct flow *, enum flow_end, usec_t now);

struct flow_table *flow_table_new(size_t capacity, const usec_t timeouts[FLOW_NCLASS],
		    usec_t active_timeout, flow_end_cb, void *arg);
void		 flow_table_free(struct flow_table *);
/* The flow of pk, created if new; *dir is 0 from the initiator, 1 back. */
struct flow	*flow_lookup(struct flow_table *, const struct pkt *, int *dir);
/* Accounts pk to f, moves it to the tail of its class, handles active timeout. */
void		 flow_update(struct flow_table *, struct flow *, const struct pkt *, int dir);
/* Ends up to budget idle flows per class at capture time now. */
size_t		 flow_expire(struct flow_table *, usec_t now, size_t budget);
/* Ends every flow (end of file, shutdown). */
void		 flow_flush(struct flow_table *, usec_t now);
const struct flow_stats *flow_table_stats(const struct flow_table *);
size_t		 flow_table_bytes(const struct flow_table *);
/* The initiator's address and port, and the responder's. */
void		 flow_endpoints(const struct flow *, const uint8_t **src, uint16_t *sport,
		    const uint8_t **dst, uint16_t *dport);

#endif
