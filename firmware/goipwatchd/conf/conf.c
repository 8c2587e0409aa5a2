/* SPDX-License-Identifier: BSD-2-Clause */
/* The one configuration parser: a table of keys, each with its parser, range and printer. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "keytab.h"

#define S(x)	(uint64_t)(x) * USEC_PER_SEC
#define F(f)	offsetof(struct conf, f)
#define U(k, lo, hi, d, a)	{ #k, KT_U64, F(k), lo, hi, NULL, d, KT_##a, NULL }
#define D(k, lo, hi, d, a)	{ #k, KT_DUR, F(k), lo, hi, NULL, d, KT_##a, NULL }
#define STR(k, ch, d, a)	{ #k, KT_STR, F(k), 0, sizeof(((struct conf *)0)->k), ch, d, \
				    KT_##a, NULL }
#define L(k, f, ops, ch, d)	{ #k, KT_LIST, F(f), 0, 0, ch, d, KT_RELOAD, &ops }

static int	prefix_list_add(void *, const char *, const char **);
static void	prefix_list_print(const char *, const void *, FILE *);
static void	prefix_list_clear(void *);
static int	str_list_add(void *, const char *, const char **);
static void	str_list_print(const char *, const void *, FILE *);
static void	str_list_clear(void *);

static const struct keytab_list_ops prefixes = {
	prefix_list_add, prefix_list_print, prefix_list_clear, "address or prefix"
};
static const struct keytab_list_ops strings = {
	str_list_add, str_list_print, str_list_clear, "text"
};

/*
 * Every key: name, range, default, and when it applies. START keys size the
 * tables and rings the packet path allocated, are read by the workers (they
 * keep the boot config; only the detect thread follows reloads) or by the
 * uplink when it is built: a running process keeps their start-up values
 * (reload.c). RELOAD keys are read by the detect thread at every batch.
 */
static const struct keytab_key conf_keys[] = {
	U(version, 0, UINT64_MAX, "0", RELOAD),
	STR(site_id, NULL, NULL, START),
	U(workers, 1, 64, "1", START),
	U(snaplen, 64, 262144, "65535", START),
	U(ring_bytes, 65536, (uint64_t)1 << 32, "8388608", START),
	STR(reader_thread, "auto|on|off", "auto", START),
	U(flow_capacity, 16, 1u << 26, "262144", START),
	D(flow_timeout_udp, S(1), S(86400), "120s", START),
	D(flow_timeout_tcp, S(1), S(86400), "300s", START),
	D(flow_timeout_tcp_closed, 0, S(3600), "10s", START),
	D(flow_active_timeout, S(10), S(7 * 86400), "1800s", START),
	U(flow_expire_budget, 1, 4096, "8", START),
	U(frag_capacity, 1, 1u << 20, "512", START),
	U(frag_max_bytes, 1500, 65535, "65535", START),
	D(frag_timeout, USEC_PER_SEC / 10, S(120), "30s", START),
	U(dpi_capacity, 16, 1u << 24, "32768", START),
	U(dpi_max_packets_udp, 1, 1000, "24", START),
	U(dpi_max_packets_tcp, 1, 1000, "80", START),
	U(voip_capacity, 16, 1u << 24, "16384", START),
	U(sip_tcp_capacity, 1, 1u << 20, "256", START),
	U(sip_tcp_buffer, 4096, 1u << 20, "65536", START),
	U(sip_max_bytes, 1024, 1u << 20, "65535", START),
	D(opaque_min_duration, S(1), S(86400), "30s", START),
	U(opaque_tolerance_ms, 1, 6, "3", START),
	U(opaque_min_packets, 1, 1u << 20, "100", START),
	U(call_capacity, 16, 1u << 24, "16384", START),
	D(call_setup_timeout, S(1), S(3600), "180s", RELOAD),
	D(call_timeout, S(60), S(7 * 86400), "4h", RELOAD),
	U(reg_capacity, 16, 1u << 24, "16384", START),
	U(line_capacity, 16, 1u << 24, "8192", START),
	STR(country_code, KEYTAB_DIGITS, "86", RELOAD),
	STR(home_country, NULL, "CN", RELOAD),
	STR(geoip_db, NULL, "/usr/share/goipwatch/country.mmdb", RELOAD),
	L(mobile_prefix, mobile_prefixes, strings, KEYTAB_DIGITS, "13 14 15 16 17 18 19"),
	U(mobile_length, 4, 15, "11", RELOAD),
	L(ua_strong, ua_strong, strings, NULL, "dble HYBERTONE"),
	L(ua_weak, ua_weak, strings, NULL, "pak"),
	D(term_window, S(60), S(7 * 86400), "1h", RELOAD),
	U(term_min_invites, 1, 1u << 20, "10", RELOAD),
	U(term_min_callees, 1, 1u << 20, "8", RELOAD),
	U(term_concurrent, 2, 1000, "2", RELOAD),
	U(term_strong_callees, 1, 1u << 20, "30", RELOAD),
	U(term_strong_hours, 1, 24, "2", RELOAD),
	U(term_strong_answered_min, 0, 100, "5", RELOAD),
	U(term_strong_answered_max, 0, 100, "70", RELOAD),
	U(term_strong_once, 0, 100, "80", RELOAD),
	D(opaque_window, S(60), S(7 * 86400), "1h", RELOAD),
	U(opaque_min_flows, 1, 1u << 20, "20", RELOAD),
	U(opaque_concurrent, 2, 1000, "2", RELOAD),
	U(w_device, 0, 100, "60", RELOAD),
	U(w_weak, 0, 100, "15", RELOAD),
	U(w_simbank, 0, 100, "90", RELOAD),
	U(w_termination, 0, 100, "60", RELOAD),
	U(w_opaque, 0, 100, "50", RELOAD),
	U(w_behaviour, 0, 100, "5", RELOAD),
	U(w_cadence, 0, 100, "5", RELOAD),
	U(w_watch, 0, 100, "20", RELOAD),
	U(w_breadth, 0, 100, "25", RELOAD),
	U(urgent_score, 0, 100, "80", RELOAD),
	U(report_calls_per_line, 0, 3600, "20", RELOAD),
	STR(pseudonymise_key, NULL, NULL, RELOAD),
	STR(central_host, NULL, NULL, START),
	U(central_port, 1, 65535, "6543", START),
	D(central_failback, 0, S(86400), "300s", START),
	STR(central_name, NULL, NULL, START),
	STR(tls_ca, NULL, NULL, START),
	STR(tls_cert, NULL, NULL, START),
	STR(tls_key, NULL, NULL, START),
	STR(config_pubkey, NULL, NULL, START),
	STR(spool_dir, NULL, "/var/lib/goipwatch/spool", START),
	U(spool_max_bytes, 1u << 16, (uint64_t)1 << 40, "268435456", START),
	STR(spool_fsync, "always|batch|never", "batch", START),
	D(heartbeat_interval, S(1), S(3600), "60s", START),
	U(geodb_max_bytes, 1024, 1u << 31, "134217728", START),
	U(file_chunk_bytes, 512, 65536, "65536", START),
	U(firmware_max_bytes, 1024, 1u << 31, "536870912", START),
	STR(firmware_handoff, NULL, NULL, START),
	U(firmware_install_timeout, 5, 86400, "600", START),
	STR(firmware_reboot_window, NULL, "any", START),
	STR(evidence, "on|off", "off", START),
	STR(evidence_dir, NULL, "/var/lib/goipwatch/evidence", START),
	U(evidence_lines, 1, 1u << 20, "256", START),
	U(evidence_packets, 8, 65536, "512", START),
	U(evidence_line_bytes, 4096, 1u << 30, "1048576", START),
	U(evidence_memory, 65536, (uint64_t)1 << 34, "33554432", START),
	U(evidence_snaplen, 128, 65535, "2048", START),
	U(evidence_lookback, 0, 65536, "256", START),
	U(evidence_accounts, 0, 1u << 20, "1024", START),
	U(evidence_file_max, 65536, 1u << 30, "4194304", START),
	U(evidence_dir_max, 0, (uint64_t)1 << 40, "268435456", START),
	STR(evidence_fsync, "on|off", "off", START),
	STR(evidence_rtp, "off|headers|payload", "headers", START),
	L(subscriber_prefix, subscriber_prefixes, prefixes, NULL, "100.64.0.0/10"),
	L(domestic_prefix, domestic_prefixes, prefixes, NULL,
	    "100.64.0.0/10 10.0.0.0/8 172.16.0.0/12 192.168.0.0/16"),
	L(trusted_peer, trusted_peers, prefixes, NULL, NULL),
	L(allow, allowlist, prefixes, NULL, NULL),
	L(watch, watchlist, prefixes, NULL, NULL),
};

#define NKEYS	(sizeof(conf_keys) / sizeof(conf_keys[0]))
_Static_assert(NKEYS <= CONF_KEYS_MAX, "raise CONF_KEYS_MAX");

static const struct keytab conf_tab = { conf_keys, NKEYS, 511, false };

const struct keytab *
conf_keytab(void)
{
	return &conf_tab;
}

static void
prefix_list_clear(void *field)
{
	struct prefix_list *l = field;

	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void
str_list_clear(void *field)
{
	struct str_list *l = field;

	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
str_list_add(void *field, const char *s, const char **why)
{
	struct str_list *l = field;
	char (*nv)[CONF_STR_MAX];

	if (strlen(s) >= CONF_STR_MAX)
		return *why = "too long", -1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		if ((nv = reallocarray(l->v, cap, sizeof(*nv))) == NULL)
			return *why = "out of memory", -1;
		l->v = nv;
		l->cap = cap;
	}
	strcpy(l->v[l->n++], s);
	return 0;
}

bool
str_list_has_ci(const struct str_list *l, const char *s)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcasecmp(l->v[i], s) == 0)
			return true;
	return false;
}

void
conf_free(struct conf *c)
{
	if (c == NULL)
		return;
	keytab_fini(&conf_tab, c);
	free(c);
}

int
prefix_parse(const char *s, struct prefix *p)
{
	char buf[64], *slash, *e;
	unsigned long len;
	bool v4;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((slash = strchr(buf, '/')) != NULL)
		*slash++ = '\0';
	memset(p, 0, sizeof(*p));
	if ((v4 = inet_pton(AF_INET, buf, p->addr + 12) == 1)) {
		p->addr[10] = p->addr[11] = 0xff;
	} else if (inet_pton(AF_INET6, buf, p->addr) != 1)
		return -1;
	len = v4 ? 32 : 128;
	if (slash != NULL) {
		if (*slash < '0' || *slash > '9')
			return -1;
		errno = 0;
		len = strtoul(slash, &e, 10);
		if (errno != 0 || *e != '\0' || len > (v4 ? 32u : 128u))
			return -1;
	}
	p->len = (uint8_t)(len + (v4 ? 96 : 0));
	return 0;
}

static bool
prefix_match(const struct prefix *p, const uint8_t a[16])
{
	unsigned full = p->len / 8, rest = p->len % 8;

	if (memcmp(p->addr, a, full) != 0)
		return false;
	if (rest == 0)
		return true;
	return ((p->addr[full] ^ a[full]) & (0xff << (8 - rest))) == 0;
}

bool
prefix_list_has(const struct prefix_list *l, const uint8_t addr16[16])
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (prefix_match(&l->v[i], addr16))
			return true;
	return false;
}

static int
prefix_list_add(void *field, const char *s, const char **why)
{
	struct prefix_list *l = field;
	struct prefix p, *nv;

	if (prefix_parse(s, &p) == -1)
		return *why = "not an address or prefix", -1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		if ((nv = reallocarray(l->v, cap, sizeof(*nv))) == NULL)
			return *why = "out of memory", -1;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = p;
	return 0;
}

static void
prefix_list_print(const char *key, const void *field, FILE *out)
{
	const struct prefix_list *l = field;
	char a[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < l->n; i++) {
		const struct prefix *p = &l->v[i];
		bool v4 = p->len >= 96 && memcmp(p->addr,
		    "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0;

		inet_ntop(v4 ? AF_INET : AF_INET6, v4 ? p->addr + 12 : p->addr, a, sizeof(a));
		fprintf(out, "%s %s/%u\n", key, a, v4 ? p->len - 96u : p->len);
	}
}

static void
str_list_print(const char *key, const void *field, FILE *out)
{
	const struct str_list *l = field;
	size_t i;

	for (i = 0; i < l->n; i++)
		fprintf(out, "%s %s\n", key, l->v[i]);
}

static size_t
key_index(const char *name)
{
	const struct keytab_key *k = keytab_find(&conf_tab, name);

	return k == NULL ? NKEYS : (size_t)(k - conf_keys);
}

size_t
conf_keys_named(const struct conf *c)
{
	size_t i, n = 0;

	for (i = 0; i < NKEYS; i++)
		n += keytab_is_set(&conf_tab, c->keys_set, i);
	return n;
}

bool
conf_key_is_set(const struct conf *c, const char *key)
{
	return keytab_is_set(&conf_tab, c->keys_set, key_index(key));
}

int
conf_key_mark_set(struct conf *c, const char *key)
{
	size_t i = key_index(key);

	if (i == NKEYS)
		return -1;
	keytab_mark(&conf_tab, c->keys_set, i);
	return 0;
}

size_t
conf_dropped_keys(const struct conf *old, const struct conf *new, char *buf,
    size_t len)
{
	size_t i, n = 0, used = 0;
	const char *name;
	bool cut = len < 5;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < NKEYS; i++) {
		name = conf_keys[i].name;
		if (!keytab_is_set(&conf_tab, old->keys_set, i) ||
		    keytab_is_set(&conf_tab, new->keys_set, i) ||
		    strcmp(name, "version") == 0)
			continue;
		if (n++ > 0 && !cut)
			buf[used++] = ' ';
		if (cut)
			continue;
		/* keep room for " ..." after this name */
		if ((cut = used + strlen(name) + 5 > len))
			name = "...";
		used += (size_t)snprintf(buf + used, len - used, "%s", name);
	}
	return n;
}

/* The first line may be the drop-keys directive; trailing blanks aside. */
static bool
is_drop_directive(const char *buf, size_t len)
{
	size_t n = sizeof(CONF_DROP_KEYS_ALLOWED) - 1;

	if (len < n || memcmp(buf, CONF_DROP_KEYS_ALLOWED, n) != 0)
		return false;
	for (; n < len && buf[n] != '\n'; n++)
		if (buf[n] != ' ' && buf[n] != '\t' && buf[n] != '\r')
			return false;
	return true;
}

/* The defaults: every row's default text through the file's setter. */
static struct conf *
conf_defaults(char *err, size_t errlen)
{
	struct conf *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (keytab_defaults(&conf_tab, c, err, errlen) == -1) {
		conf_free(c);
		return NULL;
	}
	return c;
}

struct conf *
conf_new_defaults(void)
{
	char err[128];

	return conf_defaults(err, sizeof(err));
}

int
conf_window_parse(const char *s, struct conf_window *w)
{
	static const char shape[] = "99:99-99:99";
	unsigned h1, m1, h2, m2;
	size_t i;

	if (s == NULL || s[0] == '\0' || strcmp(s, "any") == 0) {
		*w = (struct conf_window){ .any = true };
		return 0;
	}
	if (strlen(s) != sizeof(shape) - 1)
		return -1;
	for (i = 0; shape[i] != '\0'; i++)
		if (shape[i] == '9' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return -1;
	h1 = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
	m1 = (unsigned)(s[3] - '0') * 10 + (unsigned)(s[4] - '0');
	h2 = (unsigned)(s[6] - '0') * 10 + (unsigned)(s[7] - '0');
	m2 = (unsigned)(s[9] - '0') * 10 + (unsigned)(s[10] - '0');
	if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59 || (h1 == h2 && m1 == m2))
		return -1;
	*w = (struct conf_window){ false, (int)(h1 * 60 + m1), (int)(h2 * 60 + m2) };
	return 0;
}

bool
conf_window_inside(const struct conf_window *w, int minute)
{
	if (w->any)
		return true;
	if (w->from < w->to)
		return minute >= w->from && minute < w->to;
	return minute >= w->from || minute < w->to;	/* across midnight */
}

/* Checks across keys, or of a value's form, that a key's own parser cannot make. */
static const char *
conf_check(const struct conf *c)
{
	size_t n = strlen(c->pseudonymise_key);
	struct conf_window w;

	if (n != 0 && (n < 32 || n > 64 || n % 2 != 0 ||
	    strspn(c->pseudonymise_key, "0123456789abcdefABCDEF") != n))
		return "pseudonymise_key: 32 to 64 hex digits";
	if (conf_window_parse(c->firmware_reboot_window, &w) == -1)
		return "firmware_reboot_window: \"any\" or HH:MM-HH:MM (local time), "
		    "two different times";
	return NULL;
}

struct conf *
conf_parse(const char *buf, size_t len, const char *name, char *err, size_t errlen)
{
	const char *why;
	struct conf *c;
	char e[256];

	if ((c = conf_defaults(e, sizeof(e))) == NULL) {
		snprintf(err, errlen, "%s: %s", name, e);
		return NULL;
	}
	c->drop_keys_allowed = is_drop_directive(buf, len);
	if (keytab_parse(&conf_tab, c, c->keys_set, buf, len, name, err, errlen) == -1) {
		conf_free(c);
		return NULL;
	}
	if ((why = conf_check(c)) != NULL) {
		snprintf(err, errlen, "%s: %s", name, why);
		conf_free(c);
		return NULL;
	}
	return c;
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct conf *c;
	size_t len;
	char *buf;

	if ((buf = keytab_read_file(path, &len, err, errlen)) == NULL)
		return NULL;
	c = conf_parse(buf, len, path, err, errlen);
	free(buf);
	return c;
}

void
conf_print(const struct conf *c, FILE *out)
{
	keytab_print(&conf_tab, c, out);
}

void
conf_print_keys(FILE *out)
{
	keytab_print_keys(&conf_tab, out);
}
