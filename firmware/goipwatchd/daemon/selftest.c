/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The field self-test: each check is independent, bounded in time, and says
 * what it saw. TLS is tested through the real uplink code on a throw-away
 * spool, so "TLS OK" means the central office accepted this appliance.
 */
#include <sys/socket.h>
#include <dirent.h>
#include <sys/timex.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "frame.h"
#include "endpoints.h"
#include "selftest.h"
#include "tls.h"
#include "uplink.h"

#define CAPTURE_WAIT_SECS	10
#define CONNECT_WAIT_SECS	5
#define TLS_WAIT_SECS		15
#define CLOCK_MIN		1704067200ULL	/* 2024-01-01: no RTC battery? */
#define CLOCK_MAX		4102444800ULL	/* 2100-01-01 */

enum result { PASS, FAIL, SKIP };

struct report {
	FILE	*out;
	unsigned n[3];
};

static void report(struct report *, enum result, const char *check,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
report(struct report *r, enum result res, const char *check, const char *fmt, ...)
{
	static const char *const word[] = { "PASS", "FAIL", "SKIP" };
	va_list ap;

	r->n[res]++;
	fprintf(r->out, "[%s] %-10s ", word[res], check);
	va_start(ap, fmt);
	vfprintf(r->out, fmt, ap);
	va_end(ap);
	fputc('\n', r->out);
	fflush(r->out);
}

static void
check_config(struct report *r, const struct conf *c)
{
	if (c->site_id[0] == '\0')
		report(r, FAIL, "config", "site_id is not set");
	else
		report(r, PASS, "config", "site %s, config version %" PRIu64, c->site_id,
		    c->version);
}

/* Wall clock within reason; kernel NTP sync state as information. */
static void
check_clock(struct report *r)
{
	struct timex tx = { .modes = 0 };
	time_t now = time(NULL);
	char when[32];
	int st = adjtimex(&tx);

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if ((uint64_t)now < CLOCK_MIN || (uint64_t)now > CLOCK_MAX)
		report(r, FAIL, "clock", "%s is not plausible: set the time (NTP)", when);
	else
		report(r, PASS, "clock", "%s, kernel %s", when, st == TIME_ERROR ?
		    "not NTP-synchronised (check timesyncd/chrony)" : "NTP-synchronised");
}

static void
count_packet(void *arg, const struct capture_pkt *p)
{
	(void)p;
	(*(uint64_t *)arg)++;
}

static void
check_capture(struct report *r, const struct conf *c, const char *iface)
{
	struct capture_opts o = {
		.driver = capture_driver_exists(CAPTURE_DEFAULT) ? CAPTURE_DEFAULT :
		    "pcap-live",
		.source = iface, .snaplen = 256, .workers = 1,
		.fanout_id = (unsigned)getpid() & 0xffff,
		.ring_bytes = c->ring_bytes < (4u << 20) ? c->ring_bytes : 4u << 20,
		.promisc = true,
	};
	usec_t end = clock_mono() + CAPTURE_WAIT_SECS * USEC_PER_SEC;
	struct capture *cap;
	uint64_t n = 0;
	char err[256];

	if (iface == NULL) {
		report(r, SKIP, "capture", "no interface given");
		return;
	}
	if ((cap = capture_open(&o, 0, err, sizeof(err))) == NULL) {
		report(r, FAIL, "capture", "%s: %s", iface, err);
		return;
	}
	while (n == 0 && clock_mono() < end)
		if (capture_dispatch(cap, 64, 200, count_packet, &n) < -1)
			break;
	if (n > 0)
		report(r, PASS, "capture", "%s (%s): %" PRIu64 " packets", iface,
		    o.driver, n);
	else
		report(r, FAIL, "capture", "%s (%s): no packet in %d s%s%s: is the "
		    "mirror port connected?", iface, o.driver, CAPTURE_WAIT_SECS,
		    capture_error(cap)[0] ? ": " : "", capture_error(cap));
	capture_close(cap);
}

/* A plain TCP connect with a deadline: routing, firewall, central listening. */
static int
tcp_probe(const char *host, uint64_t port, char *msg, size_t len)
{
	struct addrinfo hints = { .ai_socktype = SOCK_STREAM }, *ai, *a;
	char serv[8];
	int fd = -1, rc, soerr = ETIMEDOUT;
	socklen_t sl = sizeof(soerr);

	snprintf(serv, sizeof(serv), "%" PRIu64, port);
	if ((rc = getaddrinfo(host, serv, &hints, &ai)) != 0) {
		snprintf(msg, len, "%.200s: %s", host, gai_strerror(rc));
		return -1;
	}
	for (a = ai; a != NULL; a = a->ai_next) {
		struct pollfd p;

		if ((fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK |
		    SOCK_CLOEXEC, a->ai_protocol)) == -1)
			continue;
		soerr = ETIMEDOUT;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0)
			soerr = 0;
		else if (errno == EINPROGRESS) {
			p = (struct pollfd){ fd, POLLOUT, 0 };
			if (poll(&p, 1, CONNECT_WAIT_SECS * 1000) == 1)
				(void)getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl);
		} else
			soerr = errno;
		close(fd);
		if (soerr == 0)
			break;
	}
	freeaddrinfo(ai);
	if (soerr != 0)
		snprintf(msg, len, "%.200s port %s: %s", host, serv, strerror(soerr));
	return soerr == 0 ? 0 : -1;
}

static void
check_central(struct report *r, const struct conf *c, bool *reachable)
{
	struct uplink_endpoint ep[UPLINK_ENDPOINTS];
	char msg[256];
	int n;

	*reachable = false;
	if (c->central_host[0] == '\0') {
		report(r, FAIL, "central", "central_host is not set");
		return;
	}
	if ((n = uplink_endpoints_parse(c->central_host, (uint16_t)c->central_port, ep,
	    UPLINK_ENDPOINTS, msg, sizeof(msg))) == -1) {
		report(r, FAIL, "central", "%s", msg);
		return;
	}
	/* one central that answers is enough: the uplink fails over (docs/uplink.md) */
	for (int i = 0; i < n; i++) {
		if (tcp_probe(ep[i].host, ep[i].port, msg, sizeof(msg)) == -1) {
			if (i + 1 == n)
				report(r, FAIL, "central", "not reachable: %s%s", msg,
				    n > 1 ? " (nor any central before it)" : "");
			continue;
		}
		*reachable = true;
		report(r, PASS, "central", "%s port %u accepts connections%s", ep[i].host,
		    ep[i].port, i > 0 ? " (an earlier central did not)" : "");
		return;
	}
}

/* A self-test session must not take a pushed config as applied. */
static int
refuse_push(void *arg, const char *buf, size_t len, uint64_t version, char *err,
    size_t errlen)
{
	(void)arg, (void)buf, (void)len, (void)version;
	snprintf(err, errlen, "self-test session: not applied");
	return -1;
}

/* Waits for the uplink to come up; its status says why not. */
static void
tls_session(struct report *r, const struct conf *c, struct spool *sp)
{
	struct uplink_conf uc = {
		.host = c->central_host, .port = (uint16_t)c->central_port,
		.server_name = c->central_name, .tls_ca = c->tls_ca,
		.tls_cert = c->tls_cert, .tls_key = c->tls_key,
		.config_pubkey = c->config_pubkey[0] ? c->config_pubkey : NULL,
		.firmware_version = FRAME_HELLO_SELFTEST, .config_version = c->version,
		.backoff_min = 500000, .backoff_max = 2 * USEC_PER_SEC,
		.apply = refuse_push,
	};
	usec_t end = clock_mono() + TLS_WAIT_SECS * USEC_PER_SEC;
	struct uplink_status us;
	struct uplink *u;
	char err[256];

	if ((u = uplink_new(&uc, sp, err, sizeof(err))) == NULL) {
		report(r, FAIL, "tls", "%s", err);
		return;
	}
	if (uplink_start(u) == -1) {
		report(r, FAIL, "tls", "cannot start the uplink thread");
		uplink_free(u);
		return;
	}
	do {
		usleep(100000);
		uplink_status(u, &us);
	} while (us.state != UPLINK_UP && clock_mono() < end);
	if (us.state == UPLINK_UP)
		report(r, PASS, "tls", "mutual TLS up as %s: %s", us.appliance_id,
		    us.session);
	else
		report(r, FAIL, "tls", "no session in %d s (%s): %s", TLS_WAIT_SECS,
		    us.state_str, us.last_error[0] ? us.last_error : "no error reported");
	uplink_free(u);
}

/* The throw-away spool: flat, files only. */
static void
remove_tree(const char *dir)
{
	struct dirent *de;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			(void)unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	(void)rmdir(dir);
}

/* The certificate files load, then a real session on a throw-away spool. */
static void
check_tls(struct report *r, const struct conf *c, bool reachable)
{
	struct tls_conf tc = { c->tls_ca, c->tls_cert, c->tls_key, c->central_name };
	char dir[] = "/tmp/goipwatch-selftest.XXXXXX", err[256];
	struct tls_ctx *ctx;
	struct spool *sp;

	if ((ctx = tls_ctx_new(&tc, err, sizeof(err))) == NULL) {
		report(r, FAIL, "tls", "%s", err);
		return;
	}
	tls_ctx_free(ctx);
	if (!reachable) {
		report(r, SKIP, "tls", "certificates load; central not reachable");
		return;
	}
	if (mkdtemp(dir) == NULL) {
		report(r, FAIL, "tls", "mkdtemp: %s", strerror(errno));
		return;
	}
	if ((sp = spool_open(dir, 1 << 20, SPOOL_FSYNC_NEVER, err, sizeof(err))) == NULL)
		report(r, FAIL, "tls", "%s", err);
	else
		tls_session(r, c, sp);
	spool_close(sp);
	remove_tree(dir);
}

/* Reads a signed config blob (confsign's output, config.lkg) whole. */
static uint8_t *
read_blob(const char *path, size_t *len)
{
	uint8_t *buf;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return NULL;
	if ((buf = malloc(FRAME_MAX_PAYLOAD + 1)) == NULL) {
		close(fd);
		return NULL;
	}
	n = read(fd, buf, FRAME_MAX_PAYLOAD + 1);
	close(fd);
	if (n <= 0 || n > (ssize_t)FRAME_MAX_PAYLOAD) {
		free(buf);
		return NULL;
	}
	*len = (size_t)n;
	return buf;
}

static void
verify_lkg(struct report *r, struct tls_sigkey *k, const char *path)
{
	uint8_t prefix[FRAME_CONF_TBS_PREFIX], *buf;
	struct frame_config_push cp;
	struct frame f = { FRAME_CONFIG_PUSH, NULL, 0 };
	size_t len = 0;

	if ((buf = read_blob(path, &len)) == NULL) {
		report(r, PASS, "signature", "config_pubkey loads; no pushed config "
		    "stored yet (%s)", path);
		return;
	}
	f.payload = buf;
	f.len = (uint32_t)len;
	if (frame_config_push_decode(&f, &cp) != FRAME_OK)
		report(r, FAIL, "signature", "%s is damaged", path);
	else {
		frame_config_tbs_prefix(cp.version, prefix);
		if (cp.sig_len > 0 && tls_sig_verify(k, prefix, sizeof(prefix), cp.body,
		    cp.body_len, cp.sig, cp.sig_len))
			report(r, PASS, "signature", "stored config version %" PRIu64
			    " verifies with config_pubkey", cp.version);
		else
			report(r, FAIL, "signature", "stored config version %" PRIu64
			    " does not verify with config_pubkey", cp.version);
	}
	free(buf);
}

static void
check_signature(struct report *r, const struct conf *c)
{
	struct tls_sigkey *k;
	char err[256], path[CONF_STR_MAX + 16];

	if (c->config_pubkey[0] == '\0') {
		report(r, FAIL, "signature", "config_pubkey is not set: every pushed "
		    "config would be refused");
		return;
	}
	if ((k = tls_sigkey_load(c->config_pubkey, err, sizeof(err))) == NULL) {
		report(r, FAIL, "signature", "%s", err);
		return;
	}
	snprintf(path, sizeof(path), "%s/config.lkg", c->spool_dir);
	verify_lkg(r, k, path);
	tls_sigkey_free(k);
}

int
selftest_run(const struct conf *c, const char *iface, FILE *out)
{
	struct report r = { out, { 0, 0, 0 } };
	bool reachable;

	fprintf(out, "goipwatchd self-test\n");
	check_config(&r, c);
	check_clock(&r);
	check_capture(&r, c, iface);
	check_central(&r, c, &reachable);
	check_tls(&r, c, reachable);
	check_signature(&r, c);
	fprintf(out, "self-test %s: %u passed, %u failed, %u skipped\n",
	    r.n[FAIL] ? "FAILED" : "PASSED", r.n[PASS], r.n[FAIL], r.n[SKIP]);
	return r.n[FAIL] ? 1 : 0;
}
