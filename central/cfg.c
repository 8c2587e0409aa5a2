/* SPDX-License-Identifier: BSD-2-Clause */
/* The configuration table: every key with its range and default (lib/keytab.c). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "frame.h"
#include "keytab.h"

#define F(k)		offsetof(struct cfg, k)
#define S(k, d)		{ #k, KT_STR, F(k), 0, sizeof(((struct cfg *)0)->k), NULL, d, \
			    KT_START, NULL }
#define N(k, lo, hi, d)	{ #k, KT_U64, F(k), lo, hi, NULL, d, KT_START, NULL }

/* Central reads its file once, at start: every key applies at start. */
static const struct keytab_key keys[] = {
	S(listen, "0.0.0.0:7443"), S(db, "sqlite:central.db"), S(tls_ca, NULL),
	S(tls_cert, NULL), S(tls_key, NULL), S(tls_crl, NULL),
	S(allow_serials, NULL), S(ca_key, NULL), S(config_key, NULL),
	S(instance, NULL),	/* HOST:PID unless set (cfg_defaults) */
	S(port_file, NULL),
	N(workers, 1, 64, "1"), N(max_conns, 1, 1000000, "16384"),
	N(max_queue, 1, 1000000, "4096"), N(silent_after, 1, 86400 * 30, "300"),
	N(idle_timeout, 5, 86400, "600"), N(config_poll, 1, 3600, "2"),
	N(store_delay_ms, 0, 60000, "0"), N(handshake_timeout, 1, 3600, "10"),
	N(handshakes_max, 1, 65536, "32"),
	N(unauth_per_addr, 1, 1000000, "128"), N(unauth_percent, 1, 100, "50"),
	N(seq_window, 1000, (uint64_t)1 << 40, "4294967296"),
	S(api_listen, "127.0.0.1:8443"), S(api_cert, NULL), S(api_key, NULL),
	S(api_port_file, NULL), S(api_client_ca, NULL),
	N(api_threads, 1, 16, "2"),
	N(api_idle, 1, 86400, "1800"), N(api_absolute, 1, 86400 * 7, "43200"),
	N(api_auth_cache_ms, 0, 60000, "2000"),
	N(api_argon2_kib, 8, 1 << 22, "65536"), N(api_argon2_t, 1, 16, "3"),
	N(api_login_failures, 1, 1000, "5"), N(api_login_window, 1, 86400, "900"),
	N(api_max_streams, 1, 1000, "32"), N(housekeep_interval, 1, 86400, "600"),
	S(web_root, NULL), S(web_lib, "/usr/share/javascript"),
	S(console_tz, "Asia/Shanghai"),
	S(alert_webhook_url, NULL), S(alert_webhook_ca, NULL), S(alert_syslog, NULL),
	S(alert_smtp_url, NULL), S(alert_mail_from, NULL), S(alert_mail_to, NULL),
	S(alert_mail_supervisors, NULL), N(alert_timeout, 1, 300, "10"),
	N(alert_attempts, 1, 1000, "12"), N(alert_backoff_max, 1, 86400, "300"),
	N(alert_scan, 1, 3600, "10"),
	S(evidence_dir, "evidence"), N(evidence_max, 65536, FRAME_EV_MAX_FILE, "67108864"),
	N(evidence_days, 0, 36500, "365"),
	S(files_dir, "files"), S(firmware_ca, NULL),
	N(rollout_settle, 1, 86400, "600"), N(rollout_reconnects, 0, 1000, "2"),
};

/* A value is the rest of the line (a PostgreSQL conninfo has blanks). */
static const struct keytab cfg_tab = { keys, sizeof(keys) / sizeof(keys[0]), 1023, true };

void
cfg_defaults(struct cfg *c)
{
	char host[48], err[128];

	memset(c, 0, sizeof(*c));
	if (keytab_defaults(&cfg_tab, c, err, sizeof(err)) == -1)
		abort();	/* a broken table; test_central_cfg checks it */
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "central");
	host[sizeof(host) - 1] = '\0';
	snprintf(c->instance, sizeof(c->instance), "%s:%ld", host, (long)getpid());
}

int
cfg_set(struct cfg *c, const char *name, const char *value, char *err, size_t errlen)
{
	const struct keytab_key *k = keytab_find(&cfg_tab, name);
	const char *why;

	if (k == NULL)
		return snprintf(err, errlen, "unknown key '%s'", name), -1;
	if (keytab_set(k, c, value, &why) == -1)
		return snprintf(err, errlen, "%s: %s", name, why), -1;
	return 0;
}

int
cfg_load(struct cfg *c, const char *path, char *err, size_t errlen)
{
	uint64_t set[KEYTAB_MASK_WORDS(sizeof(keys) / sizeof(keys[0]))] = { 0 };
	size_t len;
	char *buf;
	int rc;

	if ((buf = keytab_read_file(path, &len, err, errlen)) == NULL)
		return -1;
	rc = keytab_parse(&cfg_tab, c, set, buf, len, path, err, errlen);
	free(buf);
	return rc;
}

void
cfg_print(const struct cfg *c, FILE *out)
{
	keytab_print(&cfg_tab, c, out);
}

void
cfg_print_keys(FILE *out)
{
	keytab_print_keys(&cfg_tab, out);
}
