/* SPDX-License-Identifier: BSD-2-Clause */
/* The appliance records central understands (docs/records.md): detection, health, call. */
#ifndef GWC_RECORD_H
#define GWC_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define REC_MAX_EVIDENCE	32
#define REC_MAX_PEERS		16
#define REC_MAX_SIMS		32
#define REC_STR			96

enum record_type { REC_OTHER, REC_DETECTION, REC_HEALTH, REC_CALL };

struct rec_evidence {
	char	 kind[48], detail[REC_STR];
	int64_t	 count, first, last;
};

struct rec_sim {
	char	 imsi[24], iccid[32], imei[24], msisdn[REC_STR];
};

struct detection {
	int64_t	 ts, deadline, score;
	char	 ip[64], account[REC_STR], device_id[REC_STR];
	int64_t	 vlan, pppoe;		/* -1: absent */
	char	 verdict[32], tier[16];
	int	 tier_rank;		/* none 0, general 1, high 2, urgent 3 */
	struct rec_evidence ev[REC_MAX_EVIDENCE];
	struct {
		char	 ip[64];
		int64_t	 port, count;
	}	 peers[REC_MAX_PEERS];
	struct rec_sim sims[REC_MAX_SIMS];
	int	 nev, npeers, nsims;
	char	 evidence_sha256[65];	/* "evidence_file":{"sha256"}; "" if none */
};

/* Drop stages of a health record's "drops" object (docs/records.md). */
enum health_drop { HD_KERNEL, HD_RING, HD_DECODE, HD_FLOW_FULL, HD_REASM, HD_N };

struct health {
	int64_t	 ts, uptime, config_version, packets, drops;
	int64_t	 stage[HD_N];		/* -1: not in the record */
	int64_t	 spool_depth, spool_dropped;
	int64_t	 spool_oldest_age;	/* seconds; -1: not in the record */
	char	 firmware[64], tls_state[32];
};

/*
 * A sample call of a detected line (docs/records.md `call`): the line is the
 * subscriber end (inbound: dst_ip, outbound: src_ip). Times in epoch ms;
 * -1 for a number or time the record does not carry.
 */
struct call_rec {
	char	 line_ip[64];
	int64_t	 vlan, pppoe;		/* -1: absent */
	char	 call_id[256], caller[REC_STR], callee[REC_STR], direction[16];
	char	 src_ip[64], dst_ip[64], user_agent[256], server[256];
	char	 state[16], end[16], hangup[16];
	int64_t	 src_port, dst_port, status, bye_status, messages;
	int64_t	 first_ms, invite_ms, answer_ms, end_ms;
	int64_t	 setup_ms, duration_ms;	/* from setup_time, duration */
};

/* The record's type without a full parse; REC_OTHER for anything else. */
enum record_type record_type_of(const char *json, size_t len);
/*
 * s[0..n) as text any database stores: s itself when it is strict UTF-8
 * without NUL, else a copy in *copy (the caller frees it) with each such byte
 * as U+FFFD. NULL when out of memory.
 */
const char *record_text(const char *s, size_t n, char **copy);
/* 0, or -1 with a reason when the record is not a usable detection/health. */
int	record_detection(const char *json, size_t len, struct detection *,
	    const char **why);
int	record_health(const char *json, size_t len, struct health *, const char **why);
int	record_call(const char *json, size_t len, struct call_rec *, const char **why);

/* RFC 3339 UTC ("2026-11-29T09:19:26.123Z") to epoch seconds; -1 if malformed. */
int64_t	record_time(const char *);
/* The same in milliseconds (fraction digits past the third ignored). */
int64_t	record_time_ms(const char *);
int	record_tier_rank(const char *tier);
const char *record_tier_name(int rank);
/* Review window of a tier in seconds: urgent 2 h, high 24 h, general 48 h. */
int64_t	record_tier_window(int rank);

#endif
