/* SPDX-License-Identifier: BSD-2-Clause */
/* Logging to stderr or syslog, in the style of OpenBSD's log.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "utf8.h"

static const char *log_prog = "goipwatch";
static bool log_syslog;
static int log_verbose;

void
log_init(const char *progname, bool to_syslog, int verbose)
{
	log_prog = progname;
	log_syslog = to_syslog;
	log_verbose = verbose;
	if (to_syslog)
		openlog(progname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

/* A bounded buffer that takes whole characters while they fit. */
struct logbuf {
	char	*p;
	size_t	 cap, len;
	bool	 full;
};

/* When full, a run is cut on a character; an escape goes whole or not at all. */
static void
logbuf_put(void *arg, const char *s, size_t n)
{
	struct logbuf *b = arg;

	if (b->full)
		return;
	if (n > b->cap - 1 - b->len) {
		b->full = true;
		n = s[0] == '\\' ? 0 : utf8_cut(s, n, b->cap - 1 - b->len);
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

/* Log lines carry names from the wire (ids, groups): shown with visible escapes. */
static void
vlog(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char raw[1024], msg[2048];
	struct logbuf b = { msg, sizeof(msg), 0, false };

	vsnprintf(raw, sizeof(raw), fmt, ap);
	msg[0] = '\0';
	utf8_escape_tty(raw, strlen(raw), logbuf_put, &b);
	if (log_syslog)
		syslog(pri, "%s%s%s", msg, suffix ? ": " : "", suffix ? suffix : "");
	else
		fprintf(stderr, "%s: %s%s%s\n", log_prog, msg,
		    suffix ? ": " : "", suffix ? suffix : "");
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_WARNING, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	vlog(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	if (log_verbose < 2)
		return;
	va_start(ap, fmt);
	vlog(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}
