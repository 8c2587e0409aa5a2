/* SPDX-License-Identifier: BSD-2-Clause */
/* The one configuration parser: a table of keys, each with its parser, range and printer. */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"

enum conf_type { CT_U64, CT_DUR, CT_STR, CT_PREFIXES, CT_STRS };

struct conf_key {
	const char	*name;
	enum conf_type	 type;
	size_t		 off;
	uint64_t	 min, max;	/* CT_U64, CT_DUR (in µs); CT_STR: size */
	const char	*choices;	/* CT_STR: "a|b|c", DIGITS, or NULL */
};

/* As choices: decimal digits only ("13,14,15" is no prefix a number starts with). */
static const char DIGITS[] = "0123456789";

#define S(x)	(uint64_t)(x) * USEC_PER_SEC
#define F(f)	offsetof(struct conf, f)
#define STR(f)	CT_STR, F(f), 0, sizeof(((struct conf *)0)->f)

static const struct conf_key conf_keys[] = {
	{ "version",		CT_U64, F(version), 0, UINT64_MAX, NULL },
	{ "site_id",		STR(site_id), NULL },
	{ "workers",		CT_U64, F(workers), 1, 64, NULL },
	{ "snaplen",		CT_U64, F(snaplen), 64, 262144, NULL },
	{ "ring_bytes",		CT_U64, F(ring_bytes), 65536, (uint64_t)1 << 32, NULL },
	{ "reader_thread",	STR(reader_thread), "auto|on|off" },
	{ "flow_capacity",	CT_U64, F(flow_capacity), 16, 1u << 26, NULL },
	{ "flow_timeout_udp",	CT_DUR, F(flow_timeout_udp), S(1), S(86400), NULL },
	{ "flow_timeout_tcp",	CT_DUR, F(flow_timeout_tcp), S(1), S(86400), NULL },
	{ "flow_timeout_tcp_closed", CT_DUR, F(flow_timeout_tcp_closed), 0, S(3600), NULL },
	{ "flow_active_timeout", CT_DUR, F(flow_active_timeout), S(10), S(7 * 86400), NULL },
	{ "flow_expire_budget",	CT_U64, F(flow_expire_budget), 1, 4096, NULL },
	{ "frag_capacity",	CT_U64, F(frag_capacity), 1, 1u << 20, NULL },
	{ "frag_max_bytes",	CT_U64, F(frag_max_bytes), 1500, 65535, NULL },
	{ "frag_timeout",	CT_DUR, F(frag_timeout), USEC_PER_SEC / 10, S(120), NULL },
	{ "dpi_capacity",	CT_U64, F(dpi_capacity), 16, 1u << 24, NULL },
	{ "dpi_max_packets_udp", CT_U64, F(dpi_max_packets_udp), 1, 1000, NULL },
	{ "dpi_max_packets_tcp", CT_U64, F(dpi_max_packets_tcp), 1, 1000, NULL },
	{ "voip_capacity",	CT_U64, F(voip_capacity), 16, 1u << 24, NULL },
	{ "sip_tcp_capacity",	CT_U64, F(sip_tcp_capacity), 1, 1u << 20, NULL },
	{ "sip_tcp_buffer",	CT_U64, F(sip_tcp_buffer), 4096, 1u << 20, NULL },
	{ "sip_max_bytes",	CT_U64, F(sip_max_bytes), 1024, 1u << 20, NULL },
	{ "opaque_min_duration", CT_DUR, F(opaque_min_duration), S(1), S(86400), NULL },
	{ "opaque_tolerance_ms", CT_U64, F(opaque_tolerance_ms), 1, 6, NULL },
	{ "opaque_min_packets",	CT_U64, F(opaque_min_packets), 1, 1u << 20, NULL },
	{ "call_capacity",	CT_U64, F(call_capacity), 16, 1u << 24, NULL },
	{ "call_setup_timeout",	CT_DUR, F(call_setup_timeout), S(1), S(3600), NULL },
	{ "call_timeout",	CT_DUR, F(call_timeout), S(60), S(7 * 86400), NULL },
	{ "reg_capacity",	CT_U64, F(reg_capacity), 16, 1u << 24, NULL },
	{ "line_capacity",	CT_U64, F(line_capacity), 16, 1u << 24, NULL },
	{ "country_code",	STR(country_code), DIGITS },
	{ "mobile_prefix",	CT_STRS, F(mobile_prefixes), 0, 0, DIGITS },
	{ "mobile_length",	CT_U64, F(mobile_length), 4, 15, NULL },
	{ "ua_strong",		CT_STRS, F(ua_strong), 0, 0, NULL },
	{ "ua_weak",		CT_STRS, F(ua_weak), 0, 0, NULL },
	{ "term_window",	CT_DUR, F(term_window), S(60), S(7 * 86400), NULL },
	{ "term_min_invites",	CT_U64, F(term_min_invites), 1, 1u << 20, NULL },
	{ "term_min_callees",	CT_U64, F(term_min_callees), 1, 1u << 20, NULL },
	{ "term_concurrent",	CT_U64, F(term_concurrent), 2, 1000, NULL },
	{ "opaque_window",	CT_DUR, F(opaque_window), S(60), S(7 * 86400), NULL },
	{ "opaque_min_flows",	CT_U64, F(opaque_min_flows), 1, 1u << 20, NULL },
	{ "opaque_concurrent",	CT_U64, F(opaque_concurrent), 2, 1000, NULL },
	{ "w_device",		CT_U64, F(w_device), 0, 100, NULL },
	{ "w_weak",		CT_U64, F(w_weak), 0, 100, NULL },
	{ "w_simbank",		CT_U64, F(w_simbank), 0, 100, NULL },
	{ "w_termination",	CT_U64, F(w_termination), 0, 100, NULL },
	{ "w_opaque",		CT_U64, F(w_opaque), 0, 100, NULL },
	{ "w_behaviour",	CT_U64, F(w_behaviour), 0, 100, NULL },
	{ "w_cadence",		CT_U64, F(w_cadence), 0, 100, NULL },
	{ "w_watch",		CT_U64, F(w_watch), 0, 100, NULL },
	{ "urgent_score",	CT_U64, F(urgent_score), 0, 100, NULL },
	{ "pseudonymise_key",	STR(pseudonymise_key), NULL },
	{ "central_host",	STR(central_host), NULL },
	{ "central_port",	CT_U64, F(central_port), 1, 65535, NULL },
	{ "central_name",	STR(central_name), NULL },
	{ "tls_ca",		STR(tls_ca), NULL },
	{ "tls_cert",		STR(tls_cert), NULL },
	{ "tls_key",		STR(tls_key), NULL },
	{ "config_pubkey",	STR(config_pubkey), NULL },
	{ "spool_dir",		STR(spool_dir), NULL },
	{ "spool_max_bytes",	CT_U64, F(spool_max_bytes), 1u << 16, (uint64_t)1 << 40, NULL },
	{ "spool_fsync",	STR(spool_fsync), "always|batch|never" },
	{ "heartbeat_interval",	CT_DUR, F(heartbeat_interval), S(1), S(3600), NULL },
	{ "subscriber_prefix",	CT_PREFIXES, F(subscriber_prefixes), 0, 0, NULL },
	{ "domestic_prefix",	CT_PREFIXES, F(domestic_prefixes), 0, 0, NULL },
	{ "allow",		CT_PREFIXES, F(allowlist), 0, 0, NULL },
	{ "watch",		CT_PREFIXES, F(watchlist), 0, 0, NULL },
};

#define NKEYS	(sizeof(conf_keys) / sizeof(conf_keys[0]))
_Static_assert(NKEYS <= CONF_KEYS_MAX, "raise CONF_KEYS_MAX");

/* The scalar defaults; lists stay empty until conf_list_defaults. */
static struct conf *
conf_new_scalars(void)
{
	struct conf *c;

	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	c->workers = 1;
	c->snaplen = 65535;
	c->ring_bytes = 8u << 20;
	snprintf(c->reader_thread, sizeof(c->reader_thread), "auto");
	c->flow_capacity = 262144;
	c->flow_timeout_udp = S(120);
	c->flow_timeout_tcp = S(300);
	c->flow_timeout_tcp_closed = S(10);
	c->flow_active_timeout = S(1800);
	c->flow_expire_budget = 8;
	c->frag_capacity = 512;
	c->frag_max_bytes = 65535;
	c->frag_timeout = S(30);
	c->dpi_capacity = 32768;
	c->dpi_max_packets_udp = 24;
	c->dpi_max_packets_tcp = 80;
	c->voip_capacity = 16384;
	c->sip_tcp_capacity = 256;
	c->sip_tcp_buffer = 65536;
	c->sip_max_bytes = 65535;
	c->opaque_min_duration = S(30);
	c->opaque_tolerance_ms = 3;
	c->opaque_min_packets = 100;
	c->call_capacity = 16384;
	c->call_setup_timeout = S(180);
	c->call_timeout = S(4 * 3600);
	c->reg_capacity = 16384;
	c->line_capacity = 8192;
	snprintf(c->country_code, sizeof(c->country_code), "86");
	c->mobile_length = 11;
	c->term_window = S(3600);
	c->term_min_invites = 10;
	c->term_min_callees = 8;
	c->term_concurrent = 2;
	c->opaque_window = S(3600);
	c->opaque_min_flows = 20;
	c->opaque_concurrent = 2;
	c->w_device = 60;
	c->w_weak = 15;
	c->w_simbank = 90;
	c->w_termination = 80;
	c->w_opaque = 50;
	c->w_behaviour = 5;
	c->w_cadence = 5;
	c->w_watch = 20;
	c->urgent_score = 80;
	c->central_port = 6543;
	snprintf(c->spool_dir, sizeof(c->spool_dir), "/var/lib/goipwatch/spool");
	c->spool_max_bytes = 256u << 20;
	snprintf(c->spool_fsync, sizeof(c->spool_fsync), "batch");
	c->heartbeat_interval = S(60);
	return c;
}

static void
prefix_list_fini(struct prefix_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static void
str_list_fini(struct str_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int
str_list_add(struct str_list *l, const char *s)
{
	char (*nv)[CONF_STR_MAX];

	if (strlen(s) >= CONF_STR_MAX)
		return -1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 8;
		if ((nv = reallocarray(l->v, cap, sizeof(*nv))) == NULL)
			return -1;
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
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++) {
		if (conf_keys[i].type == CT_PREFIXES)
			prefix_list_fini((struct prefix_list *)((char *)c + conf_keys[i].off));
		else if (conf_keys[i].type == CT_STRS)
			str_list_fini((struct str_list *)((char *)c + conf_keys[i].off));
	}
	free(c);
}

/* Whole decimal number, nothing else; never atoi. */
static int
conf_u64(const char *s, uint64_t *v, const char **end)
{
	char *e;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno != 0)
		return -1;
	*end = e;
	return 0;
}

static int
conf_dur(const char *s, uint64_t *us)
{
	static const struct { const char *sfx; uint64_t mul; } units[] = {
		{ "", USEC_PER_SEC }, { "s", USEC_PER_SEC }, { "ms", 1000 },
		{ "m", 60 * USEC_PER_SEC }, { "h", 3600 * USEC_PER_SEC },
		{ "d", 86400 * USEC_PER_SEC },
	};
	const char *e;
	uint64_t v;
	size_t i;

	if (conf_u64(s, &v, &e) == -1)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(e, units[i].sfx) != 0)
			continue;
		if (v > UINT64_MAX / units[i].mul)
			return -1;
		*us = v * units[i].mul;
		return 0;
	}
	return -1;
}

int
prefix_parse(const char *s, struct prefix *p)
{
	char buf[64], *slash;
	const char *e;
	uint64_t len;
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
	if (slash != NULL && (conf_u64(slash, &len, &e) == -1 || *e != '\0' ||
	    len > (v4 ? 32u : 128u)))
		return -1;
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
prefix_list_add(struct prefix_list *l, const char *s)
{
	struct prefix p, *nv;

	if (prefix_parse(s, &p) == -1)
		return -1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		if ((nv = reallocarray(l->v, cap, sizeof(*nv))) == NULL)
			return -1;
		l->v = nv;
		l->cap = cap;
	}
	l->v[l->n++] = p;
	return 0;
}

static bool
conf_choice_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);
	const char *p = choices;

	while (p != NULL) {
		if (strncmp(p, v, n) == 0 && (p[n] == '|' || p[n] == '\0'))
			return true;
		if ((p = strchr(p, '|')) != NULL)
			p++;
	}
	return false;
}

/* Applies one value to one key; a message in why on failure. */
static int
conf_set(struct conf *c, const struct conf_key *k, const char *v, const char **why)
{
	void *dst = (char *)c + k->off;
	uint64_t n;
	const char *e;

	if (k->choices == DIGITS && v[strspn(v, DIGITS)] != '\0')
		return *why = "digits only, one per line", -1;
	switch (k->type) {
	case CT_U64:
		if (conf_u64(v, &n, &e) == -1 || *e != '\0')
			return *why = "not a whole number", -1;
		if (n < k->min || n > k->max)
			return *why = "out of range", -1;
		*(uint64_t *)dst = n;
		return 0;
	case CT_DUR:
		if (conf_dur(v, &n) == -1)
			return *why = "not a duration (N, Ns, Nms, Nm, Nh, Nd)", -1;
		if (n < k->min || n > k->max)
			return *why = "out of range", -1;
		*(uint64_t *)dst = n;
		return 0;
	case CT_STR:
		if (strlen(v) >= k->max)
			return *why = "too long", -1;
		if (k->choices != NULL && k->choices != DIGITS &&
		    !conf_choice_ok(k->choices, v))
			return *why = "not one of the allowed values", -1;
		strcpy(dst, v);
		return 0;
	case CT_PREFIXES:
		if (prefix_list_add(dst, v) == -1)
			return *why = "not an address or prefix", -1;
		return 0;
	case CT_STRS:
		if (str_list_add(dst, v) == -1)
			return *why = "too long", -1;
		return 0;
	}
	return *why = "bad key type", -1;
}

static const struct conf_key *
conf_find(const char *name)
{
	size_t i;

	for (i = 0; i < NKEYS; i++)
		if (strcmp(conf_keys[i].name, name) == 0)
			return &conf_keys[i];
	return NULL;
}

/* Splits one line into key and value in place; returns false for blank lines. */
static bool
conf_split(char *line, char **key, char **val)
{
	char *p;

	if ((p = strchr(line, '#')) != NULL)
		*p = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	p = line + strlen(line);
	while (p > line && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r'))
		*--p = '\0';
	if (*line == '\0')
		return false;
	*key = line;
	p = line + strcspn(line, " \t");
	if (*p != '\0')
		*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	*val = p;
	return true;
}

static void
key_mark(struct conf *c, const struct conf_key *k)
{
	size_t i = (size_t)(k - conf_keys);

	c->keys_set[i / 64] |= (uint64_t)1 << (i % 64);
}

static bool
key_is_set(const struct conf *c, size_t i)
{
	return (c->keys_set[i / 64] >> (i % 64) & 1) != 0;
}

static int
conf_line(struct conf *c, char *line, const char **why)
{
	const struct conf_key *k;
	char *key, *val;

	if (!conf_split(line, &key, &val))
		return 0;
	if ((k = conf_find(key)) == NULL)
		return *why = "unknown key", -1;
	if (*val == '\0')
		return *why = "missing value", -1;
	if (strpbrk(val, " \t") != NULL)
		return *why = "one value per line", -1;
	if (conf_set(c, k, val, why) == -1)
		return -1;
	key_mark(c, k);
	return 0;
}

size_t
conf_keys_named(const struct conf *c)
{
	size_t i, n = 0;

	for (i = 0; i < NKEYS; i++)
		n += key_is_set(c, i);
	return n;
}

bool
conf_key_is_set(const struct conf *c, const char *key)
{
	const struct conf_key *k = conf_find(key);

	return k != NULL && key_is_set(c, (size_t)(k - conf_keys));
}

int
conf_key_mark_set(struct conf *c, const char *key)
{
	const struct conf_key *k = conf_find(key);

	if (k == NULL)
		return -1;
	key_mark(c, k);
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
		if (!key_is_set(old, i) || key_is_set(new, i) ||
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
is_drop_directive(const char *line)
{
	size_t n = sizeof(CONF_DROP_KEYS_ALLOWED) - 1;

	return strncmp(line, CONF_DROP_KEYS_ALLOWED, n) == 0 &&
	    line[n + strspn(line + n, " \t\r")] == '\0';
}

struct conf *
conf_new_defaults(void)
{
	struct conf *c;

	if ((c = conf_new_scalars()) != NULL && conf_list_defaults(c) == -1) {
		conf_free(c);
		return NULL;
	}
	return c;
}

/*
 * Lists keep their defaults only when the configuration names none of their
 * entries: a file that lists subscriber prefixes replaces the default ones.
 */
int
conf_list_defaults(struct conf *c)
{
	static const char *const mobile[] = { "13", "14", "15", "16", "17", "18", "19" };
	static const char *const strong[] = { "dble", "HYBERTONE" };
	static const char *const subs[] = { "100.64.0.0/10" };
	static const char *const dom[] = { "100.64.0.0/10", "10.0.0.0/8", "172.16.0.0/12",
	    "192.168.0.0/16" };
	size_t i;
	int rc = 0;

	if (c->mobile_prefixes.n == 0)
		for (i = 0; i < sizeof(mobile) / sizeof(mobile[0]); i++)
			rc |= str_list_add(&c->mobile_prefixes, mobile[i]);
	if (c->ua_strong.n == 0)
		for (i = 0; i < sizeof(strong) / sizeof(strong[0]); i++)
			rc |= str_list_add(&c->ua_strong, strong[i]);
	if (c->ua_weak.n == 0)
		rc |= str_list_add(&c->ua_weak, "pak");
	if (c->subscriber_prefixes.n == 0)
		rc |= prefix_list_add(&c->subscriber_prefixes, subs[0]);
	if (c->domestic_prefixes.n == 0)
		for (i = 0; i < sizeof(dom) / sizeof(dom[0]); i++)
			rc |= prefix_list_add(&c->domestic_prefixes, dom[i]);
	return rc;
}

/* Checks across keys, or of a value's form, that a key's own parser cannot make. */
static const char *
conf_check(const struct conf *c)
{
	size_t n = strlen(c->pseudonymise_key);

	if (n != 0 && (n < 32 || n > 64 || n % 2 != 0 ||
	    strspn(c->pseudonymise_key, "0123456789abcdefABCDEF") != n))
		return "pseudonymise_key: 32 to 64 hex digits";
	return NULL;
}

struct conf *
conf_parse(const char *buf, size_t len, const char *name, char *err, size_t errlen)
{
	char line[512];
	const char *p = buf, *end = buf + len, *nl, *why = NULL;
	struct conf *c;
	size_t lineno = 0, n;

	if ((c = conf_new_scalars()) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return NULL;
	}
	for (; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n >= sizeof(line)) {
			why = "line too long";
		} else if (memchr(p, '\0', n) != NULL) {
			why = "NUL byte";
		} else {
			memcpy(line, p, n);
			line[n] = '\0';
			if (lineno == 1 && is_drop_directive(line))
				c->drop_keys_allowed = true;
			if (conf_line(c, line, &why) == 0)
				continue;
		}
		snprintf(err, errlen, "%s:%zu: %s", name, lineno, why);
		conf_free(c);
		return NULL;
	}
	if ((why = conf_check(c)) != NULL) {
		snprintf(err, errlen, "%s: %s", name, why);
		conf_free(c);
		return NULL;
	}
	if (conf_list_defaults(c) == -1) {
		snprintf(err, errlen, "%s: out of memory", name);
		conf_free(c);
		return NULL;
	}
	return c;
}

struct conf *
conf_load(const char *path, char *err, size_t errlen)
{
	struct conf *c = NULL;
	char *buf;
	FILE *f;
	long sz;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (sz = ftell(f)) < 0 || sz > (1 << 24) ||
	    fseek(f, 0, SEEK_SET) == -1) {
		snprintf(err, errlen, "%s: unreadable or larger than 16 MiB", path);
		fclose(f);
		return NULL;
	}
	if ((buf = malloc((size_t)sz + 1)) != NULL &&
	    fread(buf, 1, (size_t)sz, f) == (size_t)sz)
		c = conf_parse(buf, (size_t)sz, path, err, errlen);
	else
		snprintf(err, errlen, "%s: read failed", path);
	free(buf);
	fclose(f);
	return c;
}

static void
prefix_print(const char *key, const struct prefix_list *l, FILE *out)
{
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
str_list_print(const char *key, const struct str_list *l, FILE *out)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		fprintf(out, "%s %s\n", key, l->v[i]);
}

static void
dur_print(const char *key, uint64_t us, FILE *out)
{
	if (us % USEC_PER_SEC != 0)
		fprintf(out, "%s %llums\n", key, (unsigned long long)(us / 1000));
	else
		fprintf(out, "%s %llus\n", key, (unsigned long long)(us / USEC_PER_SEC));
}

void
conf_print(const struct conf *c, FILE *out)
{
	size_t i;

	for (i = 0; i < sizeof(conf_keys) / sizeof(conf_keys[0]); i++) {
		const struct conf_key *k = &conf_keys[i];
		const void *v = (const char *)c + k->off;

		switch (k->type) {
		case CT_U64:
			fprintf(out, "%s %llu\n", k->name,
			    (unsigned long long)*(const uint64_t *)v);
			break;
		case CT_DUR:
			dur_print(k->name, *(const uint64_t *)v, out);
			break;
		case CT_STR:
			if (*(const char *)v != '\0')
				fprintf(out, "%s %s\n", k->name, (const char *)v);
			break;
		case CT_PREFIXES:
			prefix_print(k->name, v, out);
			break;
		case CT_STRS:
			str_list_print(k->name, v, out);
			break;
		}
	}
}
