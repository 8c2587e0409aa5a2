/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central's configuration: "key value" lines, one table of keys (keytab.h). */
#ifndef GWC_CFG_H
#define GWC_CFG_H

#include <stdint.h>
#include <stdio.h>

#define CFG_STR	512

struct cfg {
	char		 listen[CFG_STR];	/* ADDR:PORT; port 0 picks one */
	char		 db[CFG_STR];		/* sqlite:PATH, PATH, postgresql://... */
	char		 tls_ca[CFG_STR], tls_cert[CFG_STR], tls_key[CFG_STR];
	char		 tls_crl[CFG_STR];	/* empty: no CRL */
	char		 allow_serials[CFG_STR];	/* empty: any certificate of the CA */
	char		 ca_key[CFG_STR];	/* for enroll */
	char		 config_key[CFG_STR];	/* the config-signing key */
	char		 instance[64];
	char		 port_file[CFG_STR];	/* write the bound port here */
	uint64_t	 workers;		/* storage threads */
	uint64_t	 max_conns;
	uint64_t	 max_queue;		/* reports waiting for storage */
	uint64_t	 silent_after;		/* seconds without heartbeat: alarm */
	uint64_t	 idle_timeout;		/* seconds without a frame: close */
	uint64_t	 handshake_timeout;	/* seconds from accept to TLS + hello */
	uint64_t	 handshakes_max;	/* TLS handshakes in progress at once */
	uint64_t	 unauth_per_addr;	/* unauthenticated conns per source */
	uint64_t	 unauth_percent;	/* of the slots, unauthenticated at most */
	uint64_t	 config_poll;		/* seconds between config checks */
	uint64_t	 store_delay_ms;	/* tests: slow storage down */
	uint64_t	 seq_window;	/* a record may leap this far above the high-water */
	/* The console API (docs/api.md) */
	char		 api_listen[CFG_STR];	/* ADDR:PORT or "off" */
	char		 api_cert[CFG_STR], api_key[CFG_STR];	/* empty: tls_cert/tls_key */
	char		 api_port_file[CFG_STR];
	char		 api_client_ca[CFG_STR];	/* PEM CA of browser certificates; empty: off */
	uint64_t	 api_threads;		/* the API's storage connections */
	uint64_t	 api_idle;		/* session idle expiry, seconds */
	uint64_t	 api_absolute;		/* session absolute expiry, seconds */
	uint64_t	 api_auth_cache_ms;	/* tokens and sessions cached this long (authcache.h) */
	uint64_t	 api_argon2_kib;	/* argon2id memory for new hashes */
	uint64_t	 api_argon2_t;		/* argon2id passes */
	uint64_t	 api_login_failures;	/* failures per window, then 429 */
	uint64_t	 api_login_window;	/* seconds */
	uint64_t	 api_max_streams;	/* open event streams at most */
	char		 web_root[CFG_STR];	/* the console's pages; empty: the build's */
	char		 web_lib[CFG_STR];	/* Debian's libjs-* (/usr/share/javascript) */
	char		 console_tz[64];	/* the office's time zone on the pages */
	uint64_t	 housekeep_interval;	/* seconds between housekeeping rounds */
	/* Alerts (alert.c; each channel off while its key is empty) */
	char		 alert_webhook_url[CFG_STR], alert_webhook_ca[CFG_STR];
	char		 alert_syslog[CFG_STR];	/* udp:HOST:PORT or tcp:HOST:PORT */
	char		 alert_smtp_url[CFG_STR], alert_mail_from[CFG_STR];
	char		 alert_mail_to[CFG_STR], alert_mail_supervisors[CFG_STR];
	uint64_t	 alert_timeout;		/* seconds per send */
	uint64_t	 alert_attempts;	/* then the alert is failed */
	uint64_t	 alert_backoff_max;	/* seconds between attempts at most */
	uint64_t	 alert_scan;		/* seconds between half-deadline scans */
	/* Evidence files (evstore.c, docs/evidence.md) */
	char		 evidence_dir[CFG_STR];	/* content-addressed files */
	uint64_t	 evidence_max;		/* bytes of one file at most */
	uint64_t	 evidence_days;		/* kept this long unless the lead is
						 * confirmed or dismantled; 0: forever */
	/* Files pushed to appliances (filestore.c, docs/protocol.md) */
	char		 files_dir[CFG_STR];	/* content-addressed, by SHA-256 */
	char		 firmware_ca[CFG_STR];	/* keyring `firmware add` verifies with */
	uint64_t	 rollout_settle;	/* s a new firmware must run healthy */
	uint64_t	 rollout_reconnects;	/* more in the settle time: crash loop */
};

void	cfg_defaults(struct cfg *);
/* Parses a file into c (defaults first); -1 with "file:line: why" in err. */
int	cfg_load(struct cfg *, const char *path, char *err, size_t errlen);
/* One "key value" assignment, as in the file. */
int	cfg_set(struct cfg *, const char *key, const char *value, char *err, size_t);
void	cfg_print(const struct cfg *, FILE *);
/* The table as markdown rows (--print-keys; docs/central.md is checked against it). */
void	cfg_print_keys(FILE *);

#endif
