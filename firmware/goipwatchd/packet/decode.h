/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Packet decoder: link layer, carrier encapsulations (802.1Q/ad, MPLS, PPPoE,
 * GRE, ERSPAN II/III, VXLAN, IP-in-IP) down to the innermost IP and UDP/TCP.
 * Stateless; every outcome is a counter index. Pointers in struct pkt point
 * into the caller's frame and are valid only while it is.
 */
#ifndef GW_DECODE_H
#define GW_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "clock.h"

#define PKT_MAX_VLANS	4
#define DECODE_MAX_DEPTH 8	/* nested encapsulations before we give up */

/* Link types we take: libpcap's DLT_* values as pcap_datalink() returns them. */
#define LINK_NULL	0
#define LINK_ETHERNET	1
#define LINK_RAW	12
#define LINK_RAW_OPENBSD 14
#define LINK_RAW_FILE	101	/* LINKTYPE_RAW, should a driver pass it through */
#define LINK_LOOP	108
#define LINK_SLL	113
#define LINK_IPV4	228
#define LINK_IPV6	229
#define LINK_SLL2	276

#define DECODE_RESULTS(X) \
	X(OK,		"ok")			\
	X(FRAGMENT,	"fragment")		\
	X(TRUNCATED,	"truncated")		\
	X(BAD_LENGTH,	"bad_length")		\
	X(BAD_IP,	"bad_ip_header")	\
	X(BAD_L4,	"bad_l4_header")	\
	X(BAD_TUNNEL,	"bad_tunnel_header")	\
	X(TOO_DEEP,	"too_deep")		\
	X(UNSUP_LINK,	"unsupported_link")	\
	X(UNSUP_L2,	"unsupported_ethertype")\
	X(UNSUP_PPP,	"unsupported_ppp")	\
	X(NOT_IP,	"not_ip")

enum decode_result {
#define X(e, s) DECODE_##e,
	DECODE_RESULTS(X)
#undef X
	DECODE_NRESULTS
};

extern const char *const decode_result_names[DECODE_NRESULTS];

enum tunnel_type {
	TUNNEL_NONE, TUNNEL_GRE, TUNNEL_ERSPAN2, TUNNEL_ERSPAN3, TUNNEL_VXLAN,
	TUNNEL_IPIP, TUNNEL_MPLS_PW
};
extern const char *const tunnel_names[];

struct pkt {
	usec_t		 ts;
	uint32_t	 wirelen;

	/* encapsulation, outermost first */
	uint16_t	 vlan[PKT_MAX_VLANS];
	uint8_t		 nvlan;
	uint8_t		 nmpls;
	uint8_t		 tunnel;	/* enum tunnel_type of the outermost tunnel */
	uint8_t		 depth;
	uint32_t	 mpls_label;	/* top label */
	uint32_t	 tunnel_id;	/* VXLAN VNI, ERSPAN session, GRE key */
	bool		 has_pppoe;
	uint16_t	 pppoe_session;
	uint16_t	 ppp_proto;	/* DECODE_UNSUP_PPP: payload is its information */
	bool		 has_mac;
	uint8_t		 smac[6], dmac[6];	/* innermost Ethernet */

	/* innermost IP */
	uint8_t		 ipver;		/* 4 or 6 */
	uint8_t		 l4proto;
	uint8_t		 src[16], dst[16];	/* IPv4 as ::ffff:a.b.c.d */
	const uint8_t	*l3;
	uint32_t	 l3len;		/* from the IP header, clipped to capture */
	bool		 l3_clipped;	/* capture shorter than the IP length */

	/* fragment of the innermost IP (DECODE_FRAGMENT) */
	uint32_t	 frag_id;
	uint32_t	 frag_off;	/* bytes */
	bool		 frag_more;
	uint16_t	 frag_hdrlen;	/* unfragmentable part up to the payload */
	uint8_t		 frag_nexthdr;	/* IPv6: protocol of the fragmented payload */

	/* transport */
	uint16_t	 sport, dport;
	uint8_t		 tcp_flags;
	uint32_t	 tcp_seq, tcp_ack;
	const uint8_t	*payload;
	uint32_t	 paylen;
};

#define TCP_FIN	0x01
#define TCP_SYN	0x02
#define TCP_RST	0x04
#define TCP_ACK	0x10

enum decode_result decode_frame(int linktype, const uint8_t *, uint32_t caplen,
		    struct pkt *);
/* Continue from an IP header (a reassembled datagram); keeps encapsulation info. */
enum decode_result decode_ip(const uint8_t *, uint32_t len, struct pkt *);
bool		 decode_link_is_supported(int linktype);

#endif
