/* SPDX-License-Identifier: BSD-2-Clause */
/* The configuration table: every key with its parser, range and printer. */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"

struct key {
	const char	*name;
	size_t		 off;
	size_t		 len;		/* 0: a number */
	uint64_t	 min, max;
};

#define S(k)		{ #k, offsetof(struct cfg, k), sizeof(((struct cfg *)0)->k), 0, 0 }
#define N(k, lo, hi)	{ #k, offsetof(struct cfg, k), 0, lo, hi }

static const struct key keys[] = {
	S(listen), S(db), S(tls_ca), S(tls_cert), S(tls_key), S(tls_crl),
	S(allow_serials), S(ca_key), S(config_key), S(instance), S(port_file),
	N(workers, 1, 64), N(max_conns, 1, 1000000), N(max_queue, 1, 1000000),
	N(silent_after, 1, 86400 * 30), N(idle_timeout, 5, 86400),
	N(config_poll, 1, 3600), N(store_delay_ms, 0, 60000),
	N(handshake_timeout, 1, 3600), N(unauth_per_addr, 1, 1000000),
	N(unauth_percent, 1, 100),
	N(seq_window, 1000, (uint64_t)1 << 40),
	S(api_listen), S(api_cert), S(api_key), S(api_port_file),
	N(api_threads, 1, 16), N(api_idle, 1, 86400), N(api_absolute, 1, 86400 * 7),
	N(api_argon2_kib, 8, 1 << 22), N(api_argon2_t, 1, 16),
	N(api_login_failures, 1, 1000), N(api_login_window, 1, 86400),
};

void
cfg_defaults(struct cfg *c)
{
	char host[48];

	memset(c, 0, sizeof(*c));
	snprintf(c->listen, sizeof(c->listen), "0.0.0.0:7443");
	snprintf(c->db, sizeof(c->db), "sqlite:central.db");
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "central");
	host[sizeof(host) - 1] = '\0';
	snprintf(c->instance, sizeof(c->instance), "%s:%ld", host, (long)getpid());
	c->workers = 1;
	c->max_conns = 16384;
	c->max_queue = 4096;
	c->silent_after = 300;
	c->idle_timeout = 600;
	c->handshake_timeout = 10;
	c->unauth_per_addr = 128;
	c->unauth_percent = 50;
	c->config_poll = 2;
	c->seq_window = (uint64_t)1 << 32;
	snprintf(c->api_listen, sizeof(c->api_listen), "127.0.0.1:8443");
	c->api_threads = 2;
	c->api_idle = 1800;
	c->api_absolute = 43200;
	c->api_argon2_kib = 65536;
	c->api_argon2_t = 3;
	c->api_login_failures = 5;
	c->api_login_window = 900;
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

int
cfg_set(struct cfg *c, const char *name, const char *value, char *err, size_t errlen)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		char *field = (char *)c + k->off;
		uint64_t v;

		if (strcmp(k->name, name) != 0)
			continue;
		if (k->len > 0) {
			if (strlen(value) >= k->len)
				return snprintf(err, errlen, "%s: too long", name), -1;
			memcpy(field, value, strlen(value) + 1);
			return 0;
		}
		if (parse_u64(value, &v) == -1 || v < k->min || v > k->max)
			return snprintf(err, errlen, "%s: want a whole number %" PRIu64
			    "..%" PRIu64, name, k->min, k->max), -1;
		memcpy(field, &v, sizeof(v));
		return 0;
	}
	snprintf(err, errlen, "unknown key '%s'", name);
	return -1;
}

/* Splits "key value # comment" in place; 0 for a blank line. */
static int
split(char *line, char **key, char **value)
{
	char *p = line + strcspn(line, "#\r\n");

	*p = '\0';
	while (p > line && (p[-1] == ' ' || p[-1] == '\t'))
		*--p = '\0';
	*key = line + strspn(line, " \t");
	if (**key == '\0')
		return 0;
	p = *key + strcspn(*key, " \t");
	if (*p == '\0')
		return -1;
	*p++ = '\0';
	*value = p + strspn(p, " \t");
	return 1;
}

int
cfg_load(struct cfg *c, const char *path, char *err, size_t errlen)
{
	char line[1024], *k, *v, why[200];
	int n = 0, rc;
	FILE *f;

	if ((f = fopen(path, "r")) == NULL)
		return snprintf(err, errlen, "%s: %s", path, strerror(errno)), -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		n++;
		if ((rc = split(line, &k, &v)) == 0)
			continue;
		if (rc == -1 || cfg_set(c, k, v, why, sizeof(why)) == -1) {
			snprintf(err, errlen, "%s:%d: %s", path, n, rc == -1 ?
			    "want 'key value'" : why);
			fclose(f);
			return -1;
		}
	}
	fclose(f);
	return 0;
}

void
cfg_print(const struct cfg *c, FILE *out)
{
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *field = (const char *)c + keys[i].off;
		uint64_t v;

		if (keys[i].len > 0) {
			if (*field != '\0')
				fprintf(out, "%s %s\n", keys[i].name, field);
			continue;
		}
		memcpy(&v, field, sizeof(v));
		fprintf(out, "%s %" PRIu64 "\n", keys[i].name, v);
	}
}
