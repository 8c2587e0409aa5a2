/* SPDX-License-Identifier: BSD-2-Clause */
/* synth: the trace synthesiser's internal API (rng, addresses, frames, event loop, templates). */
#ifndef SYNTH_H
#define SYNTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYNTH_US	1000000ULL	/* microseconds per second; all times are in us */
#define SYNTH_PAYLOAD_MAX 1460	/* largest payload one frame carries */

/* --- rng.c: xoshiro256**, so a seed gives the same trace everywhere ---------- */
struct rng {
	uint64_t s[4];
};
void rng_seed(struct rng *r, uint64_t seed);
void rng_fork(struct rng *child, struct rng *parent);
uint64_t rng_u64(struct rng *r);
uint32_t rng_below(struct rng *r, uint32_t n);
uint32_t rng_range(struct rng *r, uint32_t lo, uint32_t hi);
double rng_unit(struct rng *r);
bool rng_chance(struct rng *r, double p);
double rng_exp(struct rng *r, double mean);
double rng_lognormal(struct rng *r, double median, double sigma);
void rng_bytes(struct rng *r, uint8_t *p, size_t n);
void rng_digits(struct rng *r, char *out, size_t n);

/* --- addr.c: IPv4/IPv6 addresses and the corpus address plan ----------------- */
struct addr {
	uint8_t af;		/* 4 or 6 */
	uint8_t b[16];		/* network order; IPv4 uses b[0..3] */
};
void addr_v4(struct addr *a, uint32_t host_order);
void addr_v4_rand(struct addr *a, struct rng *r, uint32_t net, int plen);
void addr_v6_rand(struct addr *a, struct rng *r, const char *prefix64);
int addr_parse(struct addr *a, const char *s);
const char *addr_str(const struct addr *a, char *buf, size_t cap);
uint16_t port_rand(struct rng *r, uint16_t lo, uint16_t hi, bool even);

/* --- pkt.c: Ethernet (+802.1Q, +PPPoE) / IPv4|IPv6 / UDP|TCP frames ------------ */
enum { PKT_UDP = 17, PKT_TCP = 6 };
enum { DIR_AB = 0, DIR_BA = 1 };
enum { TCP_FIN = 0x01, TCP_SYN = 0x02, TCP_RST = 0x04, TCP_PSH = 0x08, TCP_ACK = 0x10 };

/* One bidirectional flow: side a is the subscriber line, side b the far peer. */
struct ep {
	struct addr a, b;
	uint16_t pa, pb;
	uint8_t proto;
	uint16_t vlan;		/* 802.1Q VID, 0 = untagged */
	uint16_t pppoe;		/* PPPoE session id, 0 = plain Ethernet */
	uint8_t mac_a[6], mac_b[6];
	uint32_t seq[2];	/* TCP: next sequence number per direction */
	uint16_t ipid[2];
};
void ep_init(struct ep *e, uint8_t proto, const struct addr *a, uint16_t pa,
    const struct addr *b, uint16_t pb);
size_t pkt_build(uint8_t *buf, size_t cap, struct ep *e, int dir, uint8_t tcp_flags,
    const uint8_t *pl, size_t len);

/* --- sim.c: sources in a time-ordered heap, frames written with pcap_dump ---- */
struct sim;
enum { SRC_MORE = 0, SRC_DONE = 1 };

/*
 * A source emits frames at its time t, then moves t forward (SRC_MORE) or
 * ends (SRC_DONE, the loop frees it). It is the first member of its owner.
 */
struct src {
	uint64_t t;
	uint64_t order;		/* tie-break, set by sim_add: keeps output deterministic */
	int (*step)(struct sim *sim, struct src *s);
};
struct sim *sim_new(const char *path, uint64_t seed);
void sim_free(struct sim *sim);
void sim_limit(struct sim *sim, uint64_t t_end, uint64_t max_pkts);
void sim_add(struct sim *sim, struct src *s);
int sim_run(struct sim *sim);
int sim_emit(struct sim *sim, uint64_t t, struct ep *e, int dir, uint8_t tcp_flags,
    const void *pl, size_t len);
struct rng *sim_rng(struct sim *sim);
const struct tmpl_set *sim_tmpl(const struct sim *sim);
void sim_set_tmpl(struct sim *sim, const struct tmpl_set *ts);
uint64_t sim_packets(const struct sim *sim);
uint64_t sim_bytes(const struct sim *sim);
uint64_t sim_first_ts(const struct sim *sim);
uint64_t sim_last_ts(const struct sim *sim);

/* --- tmpl.c: message templates with {name} placeholders ----------------------- */
#define TMPL_MAX	64
#define TVARS_MAX	48
struct tmpl {
	char name[48];
	char *text;
};
struct tmpl_set {
	struct tmpl t[TMPL_MAX];
	size_t n;
};
struct tvars {
	const char *k[TVARS_MAX];
	const char *v[TVARS_MAX];
	size_t n;
};
int tmpl_load_dir(struct tmpl_set *ts, const char *dir);
void tmpl_fini(struct tmpl_set *ts);
const char *tmpl_get(const struct tmpl_set *ts, const char *name);
void tvars_set(struct tvars *tv, const char *k, const char *v);
size_t tmpl_expand(const char *text, const struct tvars *tv, char *out, size_t cap);
size_t tmpl_sip(const struct tmpl_set *ts, const char *name, const struct tvars *tv,
    char *out, size_t cap);

#endif
