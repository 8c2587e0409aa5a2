/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The syslog channel: RFC 5424 messages over UDP (RFC 5426, one datagram) or
 * TCP (RFC 6587 octet counting), a new connection per alert.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <inttypes.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "alert-int.h"
#include "cfg.h"
#include "out.h"

#define FACILITY	16	/* local0 */
#define SEV_ALERT	1
#define SEV_WARNING	4
#define SD_ID		"goipwatch@32473"
#define MSG_MAX		4096

/* An append-only cursor over a buffer; a write that does not fit poisons it. */
struct cur {
	char		*p;
	size_t		 len, off;
	bool		 full;
};

static void __attribute__((format(printf, 2, 3)))
put(struct cur *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->full)
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->p + c->off, c->len - c->off, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= c->len - c->off)
		c->full = true;
	else
		c->off += (size_t)n;
}

int
alert_sd_escape(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; *s != '\0'; s++) {
		bool esc = *s == '"' || *s == '\\' || *s == ']';

		if (o + (esc ? 2 : 1) >= len)
			return -1;
		if (esc)
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o] = '\0';
	return (int)o;
}

/* name="value": the value terminal-safe (controls, bad UTF-8 escaped), then SD-escaped. */
static void
param(struct cur *c, const char *name, const char *value)
{
	struct out_tty t = { 0 };
	char v[OUT_TTY_LEN * 2];

	if (alert_sd_escape(out_tty(&t, value), v, sizeof(v)) == -1)
		c->full = true;
	put(c, " %s=\"%s\"", name, v);
}

static void
param_int(struct cur *c, const char *name, int64_t v)
{
	char s[24];

	snprintf(s, sizeof(s), "%" PRId64, v);
	param(c, name, s);
}

int
alert_syslog_format(const struct alert_msg *m, const char *host, int64_t now,
    long pid, char *buf, size_t len)
{
	struct cur c = { buf, len, 0, false };
	struct out_tty t = { 0 };
	bool urgent = strcmp(m->kind, "urgent") == 0;
	char ts[32], dl[32];

	out_time_iso(now, ts, sizeof(ts));
	out_time_iso(m->deadline, dl, sizeof(dl));
	put(&c, "<%d>1 %s %.255s goipwatch-central %ld %s [" SD_ID,
	    FACILITY * 8 + (urgent ? SEV_ALERT : SEV_WARNING), ts, host, pid,
	    urgent ? "lead-urgent" : "lead-half-deadline");
	param_int(&c, "lead", m->lead);
	param_int(&c, "rev", m->revision);
	param(&c, "kind", m->kind);
	param(&c, "tier", m->tier);
	param(&c, "verdict", m->verdict);
	param_int(&c, "score", m->score);
	param(&c, "deadline", dl);
	param(&c, "ip", m->ip);
	param(&c, "device", m->device);
	param(&c, "key", m->key);
	put(&c, "] \xEF\xBB\xBF%s lead %" PRId64 " (%s, score %" PRId64 ") at %s device %s,"
	    " deadline %s", urgent ? "urgent" : "still new at half its deadline:",
	    m->lead, out_tty(&t, m->verdict), m->score, out_tty(&t, m->ip),
	    out_tty(&t, m->device), dl);
	return c.full ? -1 : (int)c.off;
}

/* Splits "udp:HOST:PORT"; the port is the text after the last ':'. */
static int
parse_spec(const char *spec, bool *tcp, char *host, size_t hlen, char *port,
    size_t plen)
{
	const char *h, *p;

	if (strncmp(spec, "udp:", 4) != 0 && strncmp(spec, "tcp:", 4) != 0)
		return -1;
	*tcp = spec[0] == 't';
	h = spec + 4;
	if ((p = strrchr(h, ':')) == NULL || p == h || p[1] == '\0' ||
	    (size_t)(p - h) >= hlen || strlen(p + 1) >= plen ||
	    strspn(p + 1, "0123456789") != strlen(p + 1))
		return -1;
	memcpy(host, h, (size_t)(p - h));
	host[p - h] = '\0';
	if (host[0] == '[' && host[strlen(host) - 1] == ']') {
		memmove(host, host + 1, strlen(host) - 2);
		host[strlen(host) - 2] = '\0';
	}
	snprintf(port, plen, "%s", p + 1);
	return 0;
}

int
alert_syslog_check(const char *spec, char *err, size_t errlen)
{
	char host[256], port[8];
	bool tcp;

	if (parse_spec(spec, &tcp, host, sizeof(host), port, sizeof(port)) == -1)
		return snprintf(err, errlen, "alert_syslog: want udp:HOST:PORT or"
		    " tcp:HOST:PORT"), -1;
	return 0;
}

/* A socket connected to the spec's address, send timeout set; -1 with err. */
static int
dial(const struct alert_env *env, bool *tcp, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC }, *res, *ai;
	struct timeval tv = { .tv_sec = (time_t)env->cf->alert_timeout };
	char host[256], port[8];
	int fd = -1, rc;

	if (parse_spec(env->cf->alert_syslog, tcp, host, sizeof(host), port,
	    sizeof(port)) == -1)
		return snprintf(err, errlen, "bad alert_syslog"), -1;
	hints.ai_socktype = *tcp ? SOCK_STREAM : SOCK_DGRAM;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		return snprintf(err, errlen, "%s: %s", host, gai_strerror(rc)), -1;
	for (ai = res; ai != NULL && fd == -1; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0)) == -1)
			continue;
		/* Linux bounds connect() by the send timeout too. */
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == -1) {
			snprintf(err, errlen, "connect: %s", strerror(errno));
			close(fd);
			fd = -1;
		}
	}
	freeaddrinfo(res);
	return fd;
}

static int
send_all(int fd, const char *p, size_t n, char *err, size_t errlen)
{
	while (n > 0) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0)
			return snprintf(err, errlen, "send: %s", w == 0 ? "closed" :
			    strerror(errno)), -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

enum alert_result
alert_syslog(const struct alert_env *env, const struct alert_msg *m, char *err,
    size_t errlen)
{
	char msg[MSG_MAX], frame[MSG_MAX + 16];
	int n, fd, rc;
	bool tcp;

	if ((n = alert_syslog_format(m, env->host, env->now, (long)getpid(), msg,
	    sizeof(msg))) == -1)
		return snprintf(err, errlen, "message too long"), ALERT_FAILED;
	if ((fd = dial(env, &tcp, err, errlen)) == -1)
		return ALERT_RETRY;
	if (tcp) {	/* octet counting: "LEN SP MSG" */
		int h = snprintf(frame, sizeof(frame), "%d ", n);

		memcpy(frame + h, msg, (size_t)n);
		rc = send_all(fd, frame, (size_t)(h + n), err, errlen);
	} else
		rc = send_all(fd, msg, (size_t)n, err, errlen);
	close(fd);
	return rc == 0 ? ALERT_SENT : ALERT_RETRY;
}
