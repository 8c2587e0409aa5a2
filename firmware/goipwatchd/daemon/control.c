/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Control thread: samples the pipeline once a second, ticks the board, and
 * answers the unix socket (status, metrics) and the loopback metrics port.
 * One request per connection, short timeouts, nothing kept per client.
 */
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "jw.h"
#include "log.h"

#define CONTROL_REQ_MAX		2048
#define CONTROL_OUT_MAX		(64 * 1024)
#define CONTROL_IO_TIMEOUT_MS	500
#define CONTROL_ALARM_SECS	60	/* losses this recent light the alarm */

/* A response under construction; a full buffer truncates, never overflows. */
struct out {
	char	buf[CONTROL_OUT_MAX];
	size_t	len;
};

struct control {
	struct control_opts o;
	struct engine	*e;
	int		 ufd, tfd, stopfd;	/* -1: not open */
	char		 upath[sizeof(((struct sockaddr_un *)0)->sun_path)];
	pthread_t	 th;
	bool		 started;
	usec_t		 started_at, last_sample, last_packet, last_up, last_loss;
	uint64_t	 prev_packets, prev_losses;
	struct engine_stats st;
	struct uplink_status us;
	struct control_health h;
	struct out	 out;
};

static void outf(struct out *, const char *, ...) __attribute__((format(printf, 2, 3)));

static void
outf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (o->len >= sizeof(o->buf) - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(o->buf + o->len, sizeof(o->buf) - o->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		o->len += (size_t)n < sizeof(o->buf) - o->len ? (size_t)n :
		    sizeof(o->buf) - o->len - 1;
}

/* --- sampling ---------------------------------------------------------------- */

/* Packets or records lost anywhere: what lights the alarm. */
static uint64_t
losses(const struct control *c)
{
	uint64_t d[ED_N], lost = 0;

	engine_drops(&c->st, d);
	for (size_t i = 0; i < ED_N; i++)
		if (engine_drop_is_loss[i])
			lost += d[i];
	return lost + c->us.spool.dropped + c->us.spool.write_errors + c->us.spool.skipped;
}

/*
 * One sample a second. engine_stats reads 64-bit counters that the workers
 * write without atomics: a racy read, accepted for status and metrics
 * (aligned 64-bit loads do not tear on x86_64 or arm64; a value may be a batch
 * old). The af-packet driver folds kernel counters in on every read, so two
 * threads sampling at once may lose a drop increment; documented, harmless.
 */
static void
control_sample(struct control *c)
{
	usec_t now = clock_mono(), dt = now - c->last_sample;
	uint64_t stall = (uint64_t)c->o.capture_stall_secs * USEC_PER_SEC;
	uint64_t grace = (uint64_t)c->o.uplink_grace_secs * USEC_PER_SEC;
	uint64_t lost;

	engine_stats(c->e, &c->st);
	if (c->o.uplink != NULL)
		uplink_status(c->o.uplink, &c->us);
	c->h.pps = dt > 0 ? (double)(c->st.w.packets - c->prev_packets) *
	    USEC_PER_SEC / (double)dt : 0;
	if (c->st.w.packets != c->prev_packets)
		c->last_packet = now;
	c->prev_packets = c->st.w.packets;
	c->last_sample = now;
	if (c->o.uplink == NULL || c->us.state == UPLINK_UP)
		c->last_up = now;
	if ((lost = losses(c)) != c->prev_losses)
		c->last_loss = now;
	c->prev_losses = lost;
	c->h.lines = c->st.detect.lines;
	c->h.capture_ok = now - c->last_packet <= stall;
	c->h.uplink_ok = now - c->last_up <= grace;
	c->h.alarm = !c->h.capture_ok || !c->h.uplink_ok || (c->last_loss != 0 &&
	    now - c->last_loss <= CONTROL_ALARM_SECS * USEC_PER_SEC);
	if (c->o.board != NULL)
		board_tick(c->o.board, c->h.capture_ok, c->h.uplink_ok, c->h.alarm);
}

/* --- status (goipwatchctl) ----------------------------------------------------- */

static uint64_t
config_version(const struct control *c)
{
	return c->o.uplink != NULL ? c->us.config_version : c->o.config_version;
}

static void
status_uplink(struct control *c, struct out *o)
{
	const struct uplink_status *u = &c->us;
	usec_t wall = clock_wall();

	if (c->o.uplink == NULL) {
		outf(o, "uplink:    none (no central_host configured)\n");
		return;
	}
	outf(o, "uplink:    %s%s%s  id %s  sessions %" PRIu64 "  failures %" PRIu64
	    "  refused %" PRIu64 "\n", u->state_str, u->session[0] ? "  " : "",
	    u->session, u->appliance_id, u->sessions, u->failures, u->refused);
	outf(o, "           central %s  failovers %" PRIu64 "\n", u->endpoint, u->failovers);
	if (u->last_error[0] != '\0')
		outf(o, "           last error: %s\n", u->last_error);
	outf(o, "           records sent %" PRIu64 "  acked seq %" PRIu64
	    "  heartbeats %" PRIu64 "  config pushes applied %" PRIu64 " refused %"
	    PRIu64 "\n", u->records_sent, u->acked, u->heartbeats, u->config_applied,
	    u->config_refused);
	outf(o, "           file offers %" PRIu64 "  installed %" PRIu64 "  refused %"
	    PRIu64 "  bytes fetched %" PRIu64 "%s%s\n", u->file_offers, u->file_installed,
	    u->file_refused, u->file_bytes, u->file_result[0] ? "  last: " : "",
	    u->file_result);
	outf(o, "spool:     %" PRIu64 " records waiting, %" PRIu64 " bytes, %" PRIu64
	    " segments, oldest %" PRIu64 " s, dropped %" PRIu64 ", write errors %"
	    PRIu64 ", damaged %" PRIu64 "\n", u->spool.depth, u->spool.bytes,
	    u->spool.segments, (uint64_t)(u->spool.oldest_ts != 0 &&
	    wall > u->spool.oldest_ts ? (wall - u->spool.oldest_ts) / USEC_PER_SEC : 0),
	    u->spool.dropped, u->spool.write_errors, u->spool.skipped);
}

static void
status_board(struct control *c, struct out *o)
{
	struct board_status b;

	if (c->o.board == NULL) {
		outf(o, "board:     not driven (no watchdog, no LEDs)\n");
		return;
	}
	board_status(c->o.board, &b);
	outf(o, "board:     %s  watchdog %s (%u s, %" PRIu64 " pets, %" PRIu64
	    " errors, %" PRIu64 " unhealthy ticks)  leds %s\n", b.name, b.watchdog,
	    b.watchdog_timeout, b.pets, b.pet_errors, b.unhealthy_ticks, b.led);
}

static void
status_write(struct control *c, struct out *o)
{
	const struct engine_stats *st = &c->st;
	uint64_t d[ED_N];
	char kept[256];

	outf(o, "goipwatchd %s  site %s  up %" PRIu64 " s\n", c->o.firmware_version,
	    c->o.site_id && c->o.site_id[0] ? c->o.site_id : "-",
	    (uint64_t)((clock_mono() - c->started_at) / USEC_PER_SEC));
	outf(o, "health:    capture %s  uplink %s  alarm %s\n",
	    c->h.capture_ok ? "ok" : "FAIL", c->h.uplink_ok ? "ok" : "FAIL",
	    c->h.alarm ? "ON" : "off");
	outf(o, "config:    version %" PRIu64 "%s%s\n", config_version(c),
	    c->o.uplink != NULL && c->us.config_result[0] ? "  last push: " : "",
	    c->o.uplink != NULL ? c->us.config_result : "");
	if (c->o.reload != NULL && reload_pending(c->o.reload, kept, sizeof(kept)) > 0)
		outf(o, "restart:   %s (changed in the config file, apply after a "
		    "restart)\n", kept);
	outf(o, "capture:   %.1f packets/s  %" PRIu64 " packets  %" PRIu64 " bytes  %"
	    PRIu64 " workers\n", c->h.pps, st->w.packets, st->w.bytes, st->workers);
	engine_drops(st, d);
	outf(o, "drops:     kernel %" PRIu64 "  interface %" PRIu64 "  capture ring %"
	    PRIu64 "  dispatch %" PRIu64 "  decode %" PRIu64 "  reassembly %" PRIu64
	    "  flow evicted %" PRIu64 "  dpi pool %" PRIu64 "  voip pool %" PRIu64
	    "  record ring %" PRIu64 "\n", d[ED_KERNEL], d[ED_INTERFACE],
	    d[ED_CAPTURE_RING], d[ED_DISPATCH], d[ED_DECODE], d[ED_REASM],
	    d[ED_FLOW_EVICTED], d[ED_DPI_POOL], d[ED_VOIP_POOL],
	    d[ED_RECORD_RING] + d[ED_RECORD_OVERFLOW]);
	outf(o, "flows:     %" PRIu64 " active  %" PRIu64 " created\n",
	    st->w.flow.in_use, st->w.flow.created);
	outf(o, "lines:     %" PRIu64 " tracked\n", c->h.lines);
	outf(o, "detect:    %" PRIu64 " detections  %" PRIu64 " events  %" PRIu64
	    " records\n", st->detect.detections, st->detect.events, st->records);
	status_uplink(c, o);
	status_board(c, o);
}

/* --- metrics (Prometheus text format 0.0.4) --------------------------------- */

static void
metric(struct out *o, const char *name, const char *type, const char *help,
    uint64_t v)
{
	outf(o, "# HELP %s %s\n# TYPE %s %s\n%s %" PRIu64 "\n", name, help, name,
	    type, name, v);
}

static void
metrics_drops(struct control *c, struct out *o)
{
	const struct { const char *stage; uint64_t v; } spool[] = {
		{ "spool_cap", c->us.spool.dropped },
		{ "spool_write", c->us.spool.write_errors },
		{ "spool_damaged", c->us.spool.skipped },
	};
	uint64_t d[ED_N];
	size_t i;

	engine_drops(&c->st, d);
	outf(o, "# HELP goipwatch_drops_total Packets or records lost, by stage.\n"
	    "# TYPE goipwatch_drops_total counter\n");
	for (i = 0; i < ED_N; i++)
		outf(o, "goipwatch_drops_total{stage=\"%s\"} %" PRIu64 "\n",
		    engine_drop_names[i], d[i]);
	for (i = 0; i < sizeof(spool) / sizeof(spool[0]); i++)
		outf(o, "goipwatch_drops_total{stage=\"%s\"} %" PRIu64 "\n",
		    spool[i].stage, spool[i].v);
}

static void
metrics_uplink(struct control *c, struct out *o)
{
	const struct uplink_status *u = &c->us;
	usec_t wall = clock_wall();

	metric(o, "goipwatch_uplink_configured", "gauge",
	    "1 when a central office is configured.", c->o.uplink != NULL);
	metric(o, "goipwatch_uplink_up", "gauge", "1 while the TLS session is up.",
	    c->o.uplink != NULL && u->state == UPLINK_UP);
	metric(o, "goipwatch_uplink_sessions_total", "counter",
	    "Sessions that reached up.", u->sessions);
	metric(o, "goipwatch_uplink_failures_total", "counter",
	    "Connect, handshake or session failures.", u->failures);
	metric(o, "goipwatch_uplink_records_sent_total", "counter",
	    "Records sent, including resends.", u->records_sent);
	metric(o, "goipwatch_uplink_acked_seq", "gauge",
	    "Highest sequence number central committed.", u->acked);
	metric(o, "goipwatch_spool_records", "gauge", "Records waiting in the spool.",
	    u->spool.depth);
	metric(o, "goipwatch_spool_bytes", "gauge", "Spool size on disk.",
	    u->spool.bytes);
	metric(o, "goipwatch_spool_oldest_age_seconds", "gauge",
	    "Age of the oldest undelivered record.", u->spool.oldest_ts != 0 &&
	    wall > u->spool.oldest_ts ? (wall - u->spool.oldest_ts) / USEC_PER_SEC : 0);
	metric(o, "goipwatch_spool_write_errors_total", "counter",
	    "Failed spool appends.", u->spool.write_errors);
}

static const char *
board_name(const struct control *c)
{
	struct board_status b;

	if (c->o.board == NULL)
		return "-";
	board_status(c->o.board, &b);
	return b.name;
}

static void
metrics_write(struct control *c, struct out *o)
{
	const struct engine_stats *st = &c->st;

	outf(o, "# HELP goipwatch_build_info Firmware version and board.\n"
	    "# TYPE goipwatch_build_info gauge\n"
	    "goipwatch_build_info{version=\"%s\",board=\"%s\"} 1\n",
	    c->o.firmware_version, board_name(c));
	metric(o, "goipwatch_packets_total", "counter", "Packets processed.",
	    st->w.packets);
	outf(o, "# HELP goipwatch_packets_per_second Packet rate over the last second.\n"
	    "# TYPE goipwatch_packets_per_second gauge\n"
	    "goipwatch_packets_per_second %.1f\n", c->h.pps);
	metric(o, "goipwatch_bytes_total", "counter", "Bytes processed.", st->w.bytes);
	metrics_drops(c, o);
	metric(o, "goipwatch_flows_active", "gauge", "Flows in the tables.",
	    st->w.flow.in_use);
	metric(o, "goipwatch_flows_created_total", "counter", "Flows created.",
	    st->w.flow.created);
	metric(o, "goipwatch_lines_tracked", "gauge", "Subscriber lines tracked.",
	    c->h.lines);
	metric(o, "goipwatch_detections_total", "counter", "Detection records.",
	    st->detect.detections);
	metric(o, "goipwatch_config_version", "gauge", "Running config version.",
	    config_version(c));
	metric(o, "goipwatch_capture_healthy", "gauge", "1 while packets arrive.",
	    c->h.capture_ok);
	metric(o, "goipwatch_uplink_healthy", "gauge",
	    "1 while the uplink is up or within its grace period.", c->h.uplink_ok);
	metric(o, "goipwatch_alarm", "gauge", "1 when the alarm LED is lit.",
	    c->h.alarm);
	metrics_uplink(c, o);
}

/* --- sockets ------------------------------------------------------------------ */

static int
set_timeouts(int fd)
{
	struct timeval tv = { 0, CONTROL_IO_TIMEOUT_MS * 1000 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		return -1;
	return 0;
}

/* Refuses to take over a socket a live daemon still answers on. */
static int
unix_listen(struct control *c, const char *path, char *err, size_t errlen)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, probe;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "control socket %s: path too long", path);
		return -1;
	}
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if ((probe = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) != -1) {
		if (connect(probe, (struct sockaddr *)&sun, sizeof(sun)) == 0) {
			close(probe);
			snprintf(err, errlen, "control socket %s: another goipwatchd "
			    "answers on it", path);
			return -1;
		}
		close(probe);
	}
	(void)unlink(path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1 ||
	    chmod(path, 0660) == -1 || listen(fd, 8) == -1) {
		snprintf(err, errlen, "control socket %s: %s", path, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	snprintf(c->upath, sizeof(c->upath), "%s", path);
	return fd;
}

static int
tcp_listen(const char *addr, int port, char *err, size_t errlen)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd, one = 1;

	if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1) {
		snprintf(err, errlen, "metrics address %s: not an IPv4 address", addr);
		return -1;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) == -1 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1 || listen(fd, 8) == -1) {
		snprintf(err, errlen, "metrics %s:%d: %s", addr, port, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	return fd;
}

/* Reads until end (a newline, or the blank line of an HTTP request) or timeout. */
static ssize_t
read_request(int fd, char *buf, size_t cap, const char *end)
{
	size_t len = 0;
	ssize_t n;

	while (len < cap - 1) {
		if ((n = read(fd, buf + len, cap - 1 - len)) <= 0)
			break;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, end) != NULL)
			return (ssize_t)len;
	}
	buf[len] = '\0';
	return len > 0 ? (ssize_t)len : -1;
}

static void
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0 && (n = send(fd, p, len, MSG_NOSIGNAL)) > 0) {
		p += n;
		len -= (size_t)n;
	}
}

/* One command per connection: "status" or "metrics"; the answer, then close. */
static void
serve_unix(struct control *c, int fd)
{
	char req[CONTROL_REQ_MAX];
	struct out *o = &c->out;

	o->len = 0;
	if (read_request(fd, req, sizeof(req), "\n") < 0)
		return;
	req[strcspn(req, "\r\n")] = '\0';
	if (strcmp(req, "status") == 0)
		status_write(c, o);
	else if (strcmp(req, "metrics") == 0)
		metrics_write(c, o);
	else
		outf(o, "error: unknown command \"%.64s\" (status, metrics)\n", req);
	write_all(fd, o->buf, o->len);
}

/* HTTP/1.0-style: GET /metrics answers, anything else is 404 or 405. */
static void
serve_http(struct control *c, int fd)
{
	char req[CONTROL_REQ_MAX], hdr[256];
	const char *status = "200 OK";
	struct out *o = &c->out;
	int n;

	o->len = 0;
	if (read_request(fd, req, sizeof(req), "\r\n\r\n") < 0)
		return;
	if (strncmp(req, "GET ", 4) != 0) {
		status = "405 Method Not Allowed";
		outf(o, "GET only\n");
	} else if (strncmp(req + 4, "/metrics ", 9) != 0 &&
	    strncmp(req + 4, "/metrics?", 9) != 0) {
		status = "404 Not Found";
		outf(o, "try /metrics\n");
	} else
		metrics_write(c, o);
	n = snprintf(hdr, sizeof(hdr), "HTTP/1.1 %s\r\nContent-Type: text/plain; "
	    "version=0.0.4; charset=utf-8\r\nContent-Length: %zu\r\nConnection: close"
	    "\r\n\r\n", status, o->len);
	write_all(fd, hdr, (size_t)n);
	write_all(fd, o->buf, o->len);
}

static void
accept_one(struct control *c, int lfd, void (*serve)(struct control *, int))
{
	int fd;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) == -1)
		return;		/* EAGAIN, or the client gave up */
	if (set_timeouts(fd) == 0)
		serve(c, fd);
	close(fd);
}

static void *
control_main(void *arg)
{
	struct control *c = arg;
	struct pollfd pfd[3];
	usec_t next = clock_mono();

	for (;;) {
		int ms = next > clock_mono() ? (int)((next - clock_mono()) / 1000) : 0;

		pfd[0] = (struct pollfd){ c->stopfd, POLLIN, 0 };
		pfd[1] = (struct pollfd){ c->ufd, POLLIN, 0 };
		pfd[2] = (struct pollfd){ c->tfd, POLLIN, 0 };
		if (poll(pfd, 3, ms) == -1 && errno != EINTR)
			fatal("control thread: poll");
		if (pfd[0].revents != 0)
			break;
		if (clock_mono() >= next) {
			control_sample(c);
			next += USEC_PER_SEC;
			if (next < clock_mono())
				next = clock_mono() + USEC_PER_SEC;	/* fell behind */
		}
		if (pfd[1].revents & POLLIN)
			accept_one(c, c->ufd, serve_unix);
		if (pfd[2].revents & POLLIN)
			accept_one(c, c->tfd, serve_http);
	}
	return NULL;
}

/* --- life cycle -------------------------------------------------------------- */

struct control *
control_new(const struct control_opts *o, struct engine *e, char *err, size_t errlen)
{
	const char *path = o->socket_path ? o->socket_path : CONTROL_SOCKET;
	struct control *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "control: out of memory");
		return NULL;
	}
	c->o = *o;
	c->e = e;
	c->ufd = c->tfd = c->stopfd = -1;
	if (c->o.capture_stall_secs == 0)
		c->o.capture_stall_secs = 120;
	if (c->o.uplink_grace_secs == 0)
		c->o.uplink_grace_secs = 900;
	if (c->o.firmware_version == NULL)
		c->o.firmware_version = "-";
	if ((c->stopfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) == -1) {
		snprintf(err, errlen, "control: eventfd: %s", strerror(errno));
		goto err_close;
	}
	if (path[0] != '\0' && (c->ufd = unix_listen(c, path, err, errlen)) == -1)
		goto err_close;
	if (c->o.metrics_port == 0)
		c->o.metrics_port = CONTROL_METRICS_PORT;
	if (c->o.metrics_addr == NULL)
		c->o.metrics_addr = "127.0.0.1";
	if (c->o.metrics_port != -1 && (c->tfd = tcp_listen(c->o.metrics_addr,
	    c->o.metrics_port, err, errlen)) == -1)
		goto err_close;
	c->started_at = c->last_sample = c->last_packet = c->last_up = clock_mono();
	return c;
err_close:
	control_free(c);
	return NULL;
}

int
control_start(struct control *c)
{
	control_sample(c);		/* a first sample before the first request */
	if (pthread_create(&c->th, NULL, control_main, c) != 0)
		return -1;
	c->started = true;
	if (c->tfd != -1)
		log_info("control: %s, metrics on http://%s:%d/metrics", c->upath[0] ?
		    c->upath : "no socket", c->o.metrics_addr, c->o.metrics_port);
	else
		log_info("control: %s, no metrics port", c->upath[0] ? c->upath :
		    "no socket");
	return 0;
}

void
control_stop(struct control *c)
{
	uint64_t one = 1;

	if (!c->started)
		return;
	if (write(c->stopfd, &one, sizeof(one)) != (ssize_t)sizeof(one))
		fatal("control: cannot stop its thread");
	pthread_join(c->th, NULL);
	c->started = false;
}

void
control_free(struct control *c)
{
	if (c == NULL)
		return;
	control_stop(c);
	if (c->ufd != -1) {
		close(c->ufd);
		(void)unlink(c->upath);
	}
	if (c->tfd != -1)
		close(c->tfd);
	if (c->stopfd != -1)
		close(c->stopfd);
	free(c);
}
