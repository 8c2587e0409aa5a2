/* SPDX-License-Identifier: BSD-2-Clause */
/* Between the alert worker (alert.c) and its channels (alert-send.c, alert-syslog.c). */
#ifndef GWC_ALERT_INT_H
#define GWC_ALERT_INT_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct cfg;

enum alert_result {
	ALERT_SENT,
	ALERT_RETRY,		/* maybe later: timeout, refused, 5xx, 408, 429 */
	ALERT_FAILED,		/* never: 4xx, 5xx from SMTP, bad config */
};

/* One queued alert with its lead as it is now; strings from the wire are hostile. */
struct alert_msg {
	int64_t		 id, lead, revision, score, deadline;
	char		 channel[16], kind[16], tier[16], verdict[64];
	char		 ip[64], device[512];
	char		 key[96];	/* lead-ID-rREV-KIND */
};

/* What a channel needs: the config, the host's name, the worker's stop flag. */
struct alert_env {
	const struct cfg *cf;
	char		 host[256];	/* printable ASCII, for syslog and Message-ID */
	const atomic_bool *stop;
	int64_t		 now;
};

/* alert-send.c: libcurl channels. */
enum alert_result alert_webhook(const struct alert_env *, const struct alert_msg *,
		    char *err, size_t errlen);
enum alert_result alert_mail(const struct alert_env *, const struct alert_msg *,
		    char *err, size_t errlen);
void	alert_webhook_body(const struct alert_msg *, FILE *);
/* The whole message (headers, blank line, body) with CRLF line ends. */
void	alert_mail_message(const struct alert_env *, const struct alert_msg *,
	    const char *to, FILE *);
/* A Subject value: as is when ASCII, else RFC 2047 B-encoded words. */
void	alert_subject(const char *utf8, FILE *);
/* "a@b, c@d" into its addresses; -1 when one is not a plain address. */
int	alert_addr_check(const char *list, char *err, size_t errlen);
int	alert_curl_init(char *err, size_t errlen);

/* alert-syslog.c */
enum alert_result alert_syslog(const struct alert_env *, const struct alert_msg *,
		    char *err, size_t errlen);
/* An RFC 5424 message into buf; its length, or -1 when it does not fit. */
int	alert_syslog_format(const struct alert_msg *, const char *host, int64_t now,
	    long pid, char *buf, size_t len);
/* A PARAM-VALUE: ", \ and ] escaped (RFC 5424 6.3.3); -1 when it does not fit. */
int	alert_sd_escape(const char *s, char *out, size_t len);
/* "udp:HOST:PORT" or "tcp:HOST:PORT"; -1 with err otherwise. */
int	alert_syslog_check(const char *spec, char *err, size_t errlen);

#endif
