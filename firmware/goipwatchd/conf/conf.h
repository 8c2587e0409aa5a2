/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Configuration: one format and one parser for the local file, `goipwatchd -n`
 * and pushed configs. Lines of "key value"; '#' starts a comment; list keys repeat.
 */
#ifndef GW_CONF_H
#define GW_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "clock.h"

#define CONF_STR_MAX	128
#define CONF_KEYS_MAX	128	/* keys in the table; the set mask's width */
/*
 * A first line exactly this lets a config leave out keys the running one set
 * (a signed push otherwise must name every key the previous config named).
 */
#define CONF_DROP_KEYS_ALLOWED	"# goipwatch: drop-keys-allowed"

struct prefix {
	uint8_t		addr[16];	/* IPv4 as ::ffff:a.b.c.d */
	uint8_t		len;		/* in bits of the 128-bit form */
};

struct prefix_list {
	struct prefix	*v;
	size_t		 n, cap;
};

struct str_list {
	char		(*v)[CONF_STR_MAX];
	size_t		 n, cap;
};

struct conf {
	uint64_t	keys_set[CONF_KEYS_MAX / 64];	/* keys its text named */
	bool		drop_keys_allowed;	/* first line CONF_DROP_KEYS_ALLOWED */
	uint64_t	version;		/* pushed configs: monotonic */
	char		site_id[CONF_STR_MAX];

	/* capture and pipeline */
	uint64_t	workers;
	uint64_t	snaplen;
	uint64_t	ring_bytes;		/* worker packet / record rings */
	char		reader_thread[8];	/* offline: auto | on | off */

	/* flow table */
	uint64_t	flow_capacity;
	usec_t		flow_timeout_udp;
	usec_t		flow_timeout_tcp;
	usec_t		flow_timeout_tcp_closed;
	usec_t		flow_active_timeout;
	uint64_t	flow_expire_budget;	/* flows examined per packet */

	/* reassembly */
	uint64_t	frag_capacity;		/* datagrams in reassembly */
	uint64_t	frag_max_bytes;		/* largest reassembled datagram */
	usec_t		frag_timeout;

	/* nDPI */
	uint64_t	dpi_capacity;		/* flows in classification at once */
	uint64_t	dpi_max_packets_udp;
	uint64_t	dpi_max_packets_tcp;

	/* VoIP */
	uint64_t	voip_capacity;		/* flows with RTP, pacing or TCP SIP state */
	uint64_t	sip_tcp_capacity;	/* TCP connections carrying SIP */
	uint64_t	sip_tcp_buffer;		/* bytes per direction */
	uint64_t	sip_max_bytes;		/* largest SIP message */
	usec_t		opaque_min_duration;
	uint64_t	opaque_tolerance_ms;
	uint64_t	opaque_min_packets;	/* per direction */
	uint64_t	call_capacity;		/* dialogs tracked at once */
	usec_t		call_setup_timeout;	/* INVITE without a final answer */
	usec_t		call_timeout;		/* answered call without BYE */
	uint64_t	reg_capacity;		/* registrations tracked at once */

	/* detection (docs/detection.md) */
	uint64_t	line_capacity;		/* subscriber lines tracked at once */
	char		country_code[8];	/* of domestic mobile numbers */
	char		home_country[3];	/* ISO 3166 code; empty: prefixes only */
	char		geoip_db[CONF_STR_MAX];	/* IP-to-country MMDB */
	struct str_list	mobile_prefixes;	/* national mobile prefixes: 13 ... 19 */
	uint64_t	mobile_length;		/* national number length */
	struct str_list	ua_strong;		/* User-Agent/Server: a GoIP by itself */
	struct str_list	ua_weak;		/* needs a second indicator */
	usec_t		term_window;
	uint64_t	term_min_invites;	/* foreign INVITEs to mobiles per window */
	uint64_t	term_min_callees;	/* distinct mobile callees per window */
	uint64_t	term_concurrent;	/* received calls at once: termination with a fingerprint */
	uint64_t	term_strong_callees;	/* breadth: distinct mobiles received for */
	uint64_t	term_strong_hours;	/* breadth: clock hours with such INVITEs */
	uint64_t	term_strong_answered_min;	/* answered share, percent, at least */
	uint64_t	term_strong_answered_max;	/* and at most */
	uint64_t	term_strong_once;	/* percent of callees called only once */
	usec_t		opaque_window;
	uint64_t	opaque_min_flows;	/* voice-like flows to foreign peers per window */
	uint64_t	opaque_concurrent;	/* or this many at once */
	uint64_t	w_device, w_weak, w_simbank, w_termination, w_opaque;
	uint64_t	w_behaviour, w_cadence, w_watch, w_breadth;
	uint64_t	urgent_score;		/* simbox_suspected at or above: urgent */
	uint64_t	report_calls_per_line;	/* call records to central per detected line an hour */
	char		pseudonymise_key[72];	/* hex; empty: numbers in clear */

	/* uplink to the central office */
	char		central_host[CONF_STR_MAX];
	uint64_t	central_port;
	usec_t		central_failback;	/* on a later central: back to the first after */
	char		central_name[CONF_STR_MAX];	/* expected server name */
	char		tls_ca[CONF_STR_MAX];
	char		tls_cert[CONF_STR_MAX];
	char		tls_key[CONF_STR_MAX];
	char		config_pubkey[CONF_STR_MAX];
	char		spool_dir[CONF_STR_MAX];
	uint64_t	spool_max_bytes;
	char		spool_fsync[16];		/* always | batch | never */
	usec_t		heartbeat_interval;
	uint64_t	geodb_max_bytes;	/* a pushed country database at most */
	uint64_t	file_chunk_bytes;	/* asked of central per file chunk */
	uint64_t	firmware_max_bytes;	/* a pushed RAUC bundle at most */
	char		firmware_handoff[CONF_STR_MAX];	/* "": no firmware */
	uint64_t	firmware_install_timeout;	/* s the installer has to take a request */
	char		firmware_reboot_window[CONF_STR_MAX];	/* any | HH:MM-HH:MM */

	/* evidence files (docs/evidence.md) */
	char		evidence[8];		/* on | off */
	char		evidence_dir[CONF_STR_MAX];
	uint64_t	evidence_lines;		/* lines with evidence kept at once */
	uint64_t	evidence_packets;	/* packets per line */
	uint64_t	evidence_line_bytes;	/* captured bytes per line */
	uint64_t	evidence_memory;	/* the slab: store and look-back */
	uint64_t	evidence_snaplen;	/* bytes kept of each packet */
	uint64_t	evidence_lookback;	/* look-back slots of recent signalling */
	uint64_t	evidence_accounts;	/* RADIUS/PPP frames remembered by account */
	uint64_t	evidence_file_max;	/* bytes of one evidence file */
	uint64_t	evidence_dir_max;	/* evidence_dir's cap: oldest spooled go */
	char		evidence_fsync[8];	/* on | off: fsync each file */
	char		evidence_rtp[8];	/* off | headers | payload: RTP kept */

	/* lines */
	struct prefix_list subscriber_prefixes;
	struct prefix_list domestic_prefixes;
	struct prefix_list trusted_peers;	/* domestic carriers' and ITSPs' SIP peers */
	struct prefix_list allowlist;
	struct prefix_list watchlist;
};

/* Every key at its default (the table's text through the file's setter). */
struct conf	*conf_new_defaults(void);
void		 conf_free(struct conf *);
/* Parses a whole buffer over the defaults; NULL with "name:line: reason" in err. */
struct conf	*conf_parse(const char *buf, size_t len, const char *name,
		    char *err, size_t errlen);
struct conf	*conf_load(const char *path, char *err, size_t errlen);
/* Prints the config normalised, one key per line, in table order. */
void		 conf_print(const struct conf *, FILE *);

/* How many keys the text named; whether it named key; mark key as named. */
size_t		 conf_keys_named(const struct conf *);
bool		 conf_key_is_set(const struct conf *, const char *key);
int		 conf_key_mark_set(struct conf *, const char *key);
/*
 * The keys old's text named and new's does not ("version" aside), space
 * separated in buf (truncated with "..."); returns how many.
 */
size_t		 conf_dropped_keys(const struct conf *old, const struct conf *new,
		    char *buf, size_t len);

struct keytab;
/* The key table (keytab.h): names, ranges, defaults, when each key applies. */
const struct keytab *conf_keytab(void);
/* The table as markdown rows, for --print-keys and the docs check. */
void		 conf_print_keys(FILE *);
int		 prefix_parse(const char *, struct prefix *);
bool		 str_list_has_ci(const struct str_list *, const char *);
bool		 prefix_list_has(const struct prefix_list *, const uint8_t addr16[16]);

/* firmware_reboot_window: "any", or from-to in minutes of the local day. */
struct conf_window {
	bool		 any;
	int		 from, to;	/* to < from: across midnight */
};
/* 0, or -1 when s is neither "any" (or NULL, "") nor HH:MM-HH:MM, from != to. */
int		 conf_window_parse(const char *s, struct conf_window *);
bool		 conf_window_inside(const struct conf_window *, int minute);

#endif
