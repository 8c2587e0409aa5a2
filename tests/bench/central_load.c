/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * central-load: many simulated appliances against goipwatch-central on loopback,
 * one thread and one mutual-TLS session each, certificates minted in memory
 * from the office CA. All connect first (connections held), then each sends
 * reports of detection records and waits for each ack (reports/s).
 * With -H it is one hostile appliance instead: huge frame, wrong sequence,
 * someone else's id, a 4 KiB report before the hello (early), no hello at
 * all (mute: 0 once central closes, 1 if still open after -T s), a
 * revoked/unknown certificate (-c/-k files), or leap: a record at seq
 * 2^63-1, as with a stolen key. -E: the hello's spool epoch.
 * Certificates are minted before the clock starts; -S SECS spreads the
 * connections uniformly over SECS seconds (a staggered start, as a fleet with
 * jittered reconnects), else all connect at once. -R RATE paces the reports:
 * RATE reports/s from all appliances together, spread evenly (a fleet's steady
 * reporting beside other load), instead of each sending as fast as it is acked.
 * Failures are counted by stage: TCP connect, TLS handshake, hello.
 * -H pin: N sessions that each say hello, send most of a big report and hold
 * it (as a stuck or hostile appliance would) for -T seconds; with -c/-k/-i they
 * all share one certificate. Prints how many central closed.
 *
 *   central-load -A ca.crt -K ca.key -p PORT [-n appliances] [-r reports] [-R rate]
 *                [-b records] [-P prefix] [-T seconds] [-s first_appliance]
 *   central-load -A ca.crt -K ca.key -p PORT -H huge|seq|identity|hello|early|mute|leap
 *                [-c crt -k key -i CN] [-E epoch]
 *   central-load -A ca.crt -p PORT -H pin -n N -T secs -c crt -k key -i CN
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecp.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/pk.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "frame.h"

#define BUF	(FRAME_HDR_LEN + FRAME_MAX_PAYLOAD)
#define PIN_DECLARED	(768 * 1024)	/* -H pin: the report's length ... */
#define PIN_SENT	(512 * 1024)	/* ... and how much of it is sent */

static struct {
	const char		*ca_path, *cakey_path, *crt_path, *key_path, *hostile, *prefix, *id;
	uint64_t		 epoch;
	int			 port, n, reports, batch, seconds, first;
	int			 lines;		/* -L: subscriber lines per appliance */
	mbedtls_x509_crt	 ca;
	mbedtls_pk_context	 cakey;
	mbedtls_entropy_context	 ent;
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 ready, go, minted;
	double			 stagger, start;
	double			 rate;		/* -R: reports/s of all appliances together, 0 flat out */
	_Atomic uint64_t	 connected, failed, reports_done, records_done;
	_Atomic uint64_t	 fail_connect, fail_handshake, fail_hello;
	struct timespec		 t0;
} G;

struct app {
	int			 idx;
	char			 id[64];
	mbedtls_ctr_drbg_context drbg;
	mbedtls_pk_context	 key;
	mbedtls_x509_crt	 crt;
	mbedtls_ssl_config	 conf;
	mbedtls_ssl_context	 ssl;
	mbedtls_net_context	 net;
	uint8_t			*rx, *tx;
	size_t			 rxlen;
};

static double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

/* Sleeps until now_s() reaches at (at once when it has). */
static void
sleep_until(double at)
{
	double d;

	while ((d = at - now_s()) > 0) {
		struct timespec ts = { (time_t)d, (long)((d - (double)(time_t)d) * 1e9) };

		nanosleep(&ts, NULL);
	}
}

/* A fresh P-256 key and a clientAuth certificate with CN = id, signed by the CA. */
static int
mint(struct app *a)
{
	mbedtls_x509write_cert w;
	unsigned char pem[4096];
	char subj[128], issuer[256];
	mbedtls_mpi serial;
	int rc;

	mbedtls_pk_setup(&a->key, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if ((rc = mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, mbedtls_pk_ec(a->key),
	    mbedtls_ctr_drbg_random, &a->drbg)) != 0)
		return rc;
	mbedtls_x509write_crt_init(&w);
	mbedtls_mpi_init(&serial);
	mbedtls_mpi_lset(&serial, 0x100000 + a->idx);
	snprintf(subj, sizeof(subj), "O=goipwatch,CN=%s", a->id);
	mbedtls_x509_dn_gets(issuer, sizeof(issuer), &G.ca.subject);
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&w, &a->key);
	mbedtls_x509write_crt_set_issuer_key(&w, &G.cakey);
	mbedtls_x509write_crt_set_serial(&w, &serial);
	if ((rc = mbedtls_x509write_crt_set_subject_name(&w, subj)) == 0 &&
	    (rc = mbedtls_x509write_crt_set_issuer_name(&w, issuer)) == 0 &&
	    (rc = mbedtls_x509write_crt_set_validity(&w, "20200101000000",
	    "20400101000000")) == 0 &&
	    (rc = mbedtls_x509write_crt_set_basic_constraints(&w, 0, -1)) == 0 &&
	    (rc = mbedtls_x509write_crt_pem(&w, pem, sizeof(pem),
	    mbedtls_ctr_drbg_random, &a->drbg)) == 0)
		rc = mbedtls_x509_crt_parse(&a->crt, pem, strlen((char *)pem) + 1);
	mbedtls_mpi_free(&serial);
	mbedtls_x509write_crt_free(&w);
	return rc;
}

/*
 * mbedtls_net_recv_timeout waits in select(2), which cannot watch a descriptor
 * past FD_SETSIZE (1024): with more sessions than that, every handshake on a
 * higher descriptor failed with NET_POLL_FAILED (the "981 of 2000" of
 * docs/central.md was this, not central). poll(2) has no such limit.
 */
static int
recv_timeout(void *ctx, unsigned char *buf, size_t len, uint32_t ms)
{
	struct pollfd p = { ((mbedtls_net_context *)ctx)->fd, POLLIN, 0 };
	int rc = poll(&p, 1, ms == 0 ? -1 : (int)ms);

	if (rc == 0)
		return MBEDTLS_ERR_SSL_TIMEOUT;
	if (rc < 0)
		return errno == EINTR ? MBEDTLS_ERR_SSL_WANT_READ : MBEDTLS_ERR_NET_RECV_FAILED;
	return mbedtls_net_recv(ctx, buf, len);
}

static int
tls_setup(struct app *a)
{
	static const int suites[] = { MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, 0 };
	char port[16];
	int rc;

	if (G.crt_path != NULL) {
		if ((rc = mbedtls_x509_crt_parse_file(&a->crt, G.crt_path)) != 0 ||
		    (rc = mbedtls_pk_parse_keyfile(&a->key, G.key_path, NULL)) != 0)
			return rc;
	} else if (a->crt.version == 0 && (rc = mint(a)) != 0)
		return rc;
	mbedtls_ssl_config_defaults(&a->conf, MBEDTLS_SSL_IS_CLIENT,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT);
	mbedtls_ssl_conf_min_version(&a->conf, 3, 3);
	mbedtls_ssl_conf_ciphersuites(&a->conf, suites);
	mbedtls_ssl_conf_ca_chain(&a->conf, &G.ca, NULL);
	mbedtls_ssl_conf_rng(&a->conf, mbedtls_ctr_drbg_random, &a->drbg);
	mbedtls_ssl_conf_read_timeout(&a->conf, 60000);
	if ((rc = mbedtls_ssl_conf_own_cert(&a->conf, &a->crt, &a->key)) != 0 ||
	    (rc = mbedtls_ssl_setup(&a->ssl, &a->conf)) != 0 ||
	    (rc = mbedtls_ssl_set_hostname(&a->ssl, "central.test")) != 0)
		return rc;
	snprintf(port, sizeof(port), "%d", G.port);
	if ((rc = mbedtls_net_connect(&a->net, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP))) {
		atomic_fetch_add(&G.fail_connect, 1);
		return rc;
	}
	mbedtls_ssl_set_bio(&a->ssl, &a->net, mbedtls_net_send, NULL, recv_timeout);
	while ((rc = mbedtls_ssl_handshake(&a->ssl)) != 0)
		if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) {
			if (atomic_fetch_add(&G.fail_handshake, 1) < 3)
				fprintf(stderr, "central-load: %s: handshake: -0x%04x\n", a->id,
				    (unsigned)-rc);
			return rc;
		}
	return 0;
}

static int
send_all(struct app *a, const uint8_t *p, size_t n)
{
	while (n > 0) {
		int rc = mbedtls_ssl_write(&a->ssl, p, n);

		if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (rc < 0)
			return -1;
		p += rc;
		n -= (size_t)rc;
	}
	return 0;
}

/* The next frame from central: 0 ack (seq set), or the error code, or -1. */
static int
recv_frame(struct app *a, uint64_t *seq)
{
	struct frame f;
	size_t used;
	enum frame_status s;

	for (;;) {
		if ((s = frame_next(a->rx, a->rxlen, &f, &used)) == FRAME_OK) {
			struct frame_error e;
			int ret = -1;

			if (f.type == FRAME_ACK && frame_ack_decode(&f, seq) == FRAME_OK)
				ret = 0;
			else if (f.type == FRAME_ERROR && frame_error_decode(&f, &e) == FRAME_OK) {
				printf("%s: central error %u: %.*s\n", a->id, e.code,
				    (int)e.message.len, e.message.p);
				ret = e.code;
			} else if (f.type == FRAME_CONFIG_PUSH)
				ret = -2;
			memmove(a->rx, a->rx + used, a->rxlen - used);
			a->rxlen -= used;
			if (ret != -2)
				return ret;
			continue;
		}
		if (s != FRAME_SHORT)
			return -1;
		int rc = mbedtls_ssl_read(&a->ssl, a->rx + a->rxlen, BUF - a->rxlen);
		if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (rc <= 0)
			return -1;
		a->rxlen += (size_t)rc;
	}
}

static int
hello(struct app *a, const char *id, uint64_t *high)
{
	struct frame_hello h = { 0 };
	struct frame_wr w;

	h.appliance_id.p = id;
	h.appliance_id.len = (uint16_t)strlen(id);
	h.firmware.p = "load-0.1";
	h.firmware.len = 8;
	h.spool_epoch = G.epoch;
	frame_wr_init(&w, a->tx, BUF);
	frame_put_hello(&w, &h);
	if (send_all(a, a->tx, w.len) == -1)
		return -1;
	return recv_frame(a, high);
}

/*
 * A detection record as goipwatchd writes it, of one of the appliance's -L
 * subscriber lines (each with its SIM), taken in turn: a report's records of
 * one line are consecutive with -L 1 and interleaved with more.
 */
static int
record(struct app *a, uint64_t seq, char *buf, size_t cap)
{
	int li = a->idx * G.lines + (int)(seq % (uint64_t)G.lines);

	return snprintf(buf, cap, "{\"type\":\"detection\",\"ts\":\"2026-11-29T09:54:24.951Z\","
	    "\"subject\":{\"ip\":\"100.%d.%d.%d\"},\"verdict\":\"simbox_suspected\","
	    "\"tier\":\"%s\",\"deadline\":\"2026-11-29T11:54:01.254Z\",\"score\":90,"
	    "\"evidence\":[{\"kind\":\"sip_user_agent\",\"detail\":\"dble\",\"count\":%" PRIu64 ","
	    "\"first_ts\":\"2026-11-29T09:53:54.050Z\",\"last_ts\":\"2026-11-29T09:54:23.759Z\"}],"
	    "\"peers\":[{\"ip\":\"198.51.100.%d\",\"port\":5060,\"count\":3}],\"callees\":[],"
	    "\"device\":{\"id\":\"goip\",\"sim_count\":1,\"sims\":[{\"imsi\":\"4600012%08d\","
	    "\"iccid\":\"8986001%013d\",\"imei\":\"8627040%08d\"}]},\"calls\":{},\"update\":%s}",
	    64 + li / 65536, li / 256 % 256, li % 256,
	    seq % 7 == 0 ? "urgent" : "high", seq, a->idx % 50, li, li, li,
	    seq > 1 ? "true" : "false");
}

static int
report(struct app *a, uint64_t first, int n)
{
	struct frame_wr w;
	char rec[2048];

	frame_wr_init(&w, a->tx, BUF);
	frame_report_open(&w);
	for (int i = 0; i < n; i++) {
		int len = record(a, first + (uint64_t)i, rec, sizeof(rec));

		if (frame_report_add(&w, first + (uint64_t)i, rec, (size_t)len) == -1)
			return -1;
	}
	frame_report_close(&w);
	return send_all(a, a->tx, w.len);
}

static void
wait_all(void)
{
	pthread_mutex_lock(&G.mu);
	G.ready++;
	pthread_cond_broadcast(&G.cv);
	while (!G.go)
		pthread_cond_wait(&G.cv, &G.mu);
	pthread_mutex_unlock(&G.mu);
}

/* All certificates minted, then the clock starts; the stagger is from there. */
static void
wait_minted(struct app *a)
{
	double at;

	pthread_mutex_lock(&G.mu);
	if (++G.minted == G.n) {
		G.start = now_s();
		pthread_cond_broadcast(&G.cv);
	}
	while (G.minted < G.n)
		pthread_cond_wait(&G.cv, &G.mu);
	pthread_mutex_unlock(&G.mu);
	at = G.start + G.stagger * (double)(a->idx - G.first) / (double)G.n;
	sleep_until(at);
}

static void
run_load(struct app *a)
{
	uint64_t high = 0, acked;
	double deadline, t0;
	int rc = 0;

	if (G.crt_path == NULL)
		rc = mint(a);
	wait_minted(a);
	deadline = now_s() + G.seconds;
	if (rc != 0 || tls_setup(a) != 0 || hello(a, a->id, &high) != 0) {
		if (rc == 0 && a->ssl.state == MBEDTLS_SSL_HANDSHAKE_OVER)
			atomic_fetch_add(&G.fail_hello, 1);
		atomic_fetch_add(&G.failed, 1);
		wait_all();
		return;
	}
	atomic_fetch_add(&G.connected, 1);
	wait_all();
	t0 = now_s();
	for (int r = 0; r < G.reports && now_s() < deadline; r++) {
		uint64_t first = high + 1 + (uint64_t)r * (uint64_t)G.batch;

		/* -R: report r of appliance i is due at (r * n + i) / rate; late ones go at once */
		if (G.rate > 0)
			sleep_until(t0 + ((double)r * G.n + (a->idx - G.first)) / G.rate);

		if (report(a, first, G.batch) == -1 || recv_frame(a, &acked) != 0 ||
		    acked != first + (uint64_t)G.batch - 1) {
			atomic_fetch_add(&G.failed, 1);
			return;
		}
		atomic_fetch_add(&G.reports_done, 1);
		atomic_fetch_add(&G.records_done, (uint64_t)G.batch);
	}
}

/* One hostile appliance; prints and returns the error code central answered. */
static int
run_hostile(struct app *a)
{
	static const uint8_t huge[] = { 'G', 'W', 1, FRAME_REPORT, 0x7f, 0xff, 0xff, 0xff };
	uint64_t high = 0, acked;
	int rc;

	if ((rc = tls_setup(a)) != 0) {
		printf("%s: handshake failed (-0x%04x)\n", a->id, (unsigned)-rc);
		return 100;
	}
	if (strcmp(G.hostile, "identity") == 0)
		return hello(a, "gw-someone-else", &high);
	if (strcmp(G.hostile, "mute") == 0) {
		mbedtls_ssl_conf_read_timeout(&a->conf, (uint32_t)G.seconds * 1000);
		do
			rc = mbedtls_ssl_read(&a->ssl, a->rx, BUF);
		while (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE);
		return rc == MBEDTLS_ERR_SSL_TIMEOUT ? 1 : 0;
	}
	if (strcmp(G.hostile, "early") == 0) {
		uint8_t *h = memset(a->tx, 0, FRAME_HDR_LEN + 4096);

		h[0] = FRAME_MAGIC0; h[1] = FRAME_MAGIC1; h[2] = FRAME_VERSION;
		h[3] = FRAME_REPORT; h[6] = 4096 >> 8;
		if (send_all(a, h, FRAME_HDR_LEN + 4096) == -1)
			return 100;
		return recv_frame(a, &acked);
	}
	if ((rc = hello(a, a->id, &high)) != 0) {
		printf("%s: hello refused (%d)\n", a->id, rc);
		return rc == -1 ? 100 : rc;
	}
	if (strcmp(G.hostile, "hello") == 0)
		return 0;
	if (strcmp(G.hostile, "huge") == 0) {
		send_all(a, huge, sizeof(huge));
		return recv_frame(a, &acked);
	}
	if (strcmp(G.hostile, "leap") == 0) {
		report(a, (uint64_t)INT64_MAX, 1);
		return recv_frame(a, &acked);
	}
	/* seq: two good records, then a report going back */
	if (report(a, high + 5, 2) == -1 || recv_frame(a, &acked) != 0)
		return 101;
	printf("%s: acked %" PRIu64 "\n", a->id, acked);
	report(a, high + 3, 1);
	return recv_frame(a, &acked);
}

static void
pinned(void)
{
	pthread_mutex_lock(&G.mu);
	G.ready++;
	pthread_cond_broadcast(&G.cv);
	pthread_mutex_unlock(&G.mu);
}

/* Hello, then most of a big report, held: 0 still open after -T s, 1 closed. */
static int
run_pin(struct app *a)
{
	uint8_t *h = a->tx;
	uint64_t high = 0;
	int rc;

	if (tls_setup(a) != 0 || hello(a, a->id, &high) != 0) {
		pinned();
		return 1;
	}
	memset(h, 0, FRAME_HDR_LEN + PIN_SENT);
	h[0] = FRAME_MAGIC0; h[1] = FRAME_MAGIC1; h[2] = FRAME_VERSION;
	h[3] = FRAME_REPORT;
	h[4] = 0; h[5] = (uint8_t)(PIN_DECLARED >> 16);
	h[6] = (uint8_t)(PIN_DECLARED >> 8); h[7] = (uint8_t)PIN_DECLARED;
	rc = send_all(a, h, FRAME_HDR_LEN + PIN_SENT);
	pinned();
	if (rc == -1)
		return 1;
	mbedtls_ssl_conf_read_timeout(&a->conf, (uint32_t)G.seconds * 1000);
	do
		rc = mbedtls_ssl_read(&a->ssl, a->rx, BUF);
	while (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE);
	return rc == MBEDTLS_ERR_SSL_TIMEOUT ? 0 : 1;
}

static void *
app_main(void *arg)
{
	struct app *a = arg;

	mbedtls_ctr_drbg_init(&a->drbg);
	mbedtls_pk_init(&a->key);
	mbedtls_x509_crt_init(&a->crt);
	mbedtls_ssl_config_init(&a->conf);
	mbedtls_ssl_init(&a->ssl);
	mbedtls_net_init(&a->net);
	a->rx = malloc(BUF);
	a->tx = malloc(BUF);
	mbedtls_ctr_drbg_seed(&a->drbg, mbedtls_entropy_func, &G.ent,
	    (const unsigned char *)a->id, strlen(a->id));
	if (G.hostile != NULL && strcmp(G.hostile, "pin") == 0)
		a->idx = run_pin(a);		/* the result travels back in idx */
	else if (G.hostile != NULL)
		a->idx = run_hostile(a);
	else
		run_load(a);
	mbedtls_ssl_close_notify(&a->ssl);
	mbedtls_net_free(&a->net);
	mbedtls_ssl_free(&a->ssl);
	mbedtls_ssl_config_free(&a->conf);
	mbedtls_x509_crt_free(&a->crt);
	mbedtls_pk_free(&a->key);
	mbedtls_ctr_drbg_free(&a->drbg);
	free(a->rx);
	free(a->tx);
	return NULL;
}

static void
usage(void)
{
	fprintf(stderr, "usage: central-load -A ca.crt -K ca.key -p PORT [-n N] [-r R] [-R rate]"
	    " [-b B] [-L lines] [-P prefix] [-s first] [-S stagger_secs] [-T secs] [-H huge|seq|identity|hello|early|mute|pin|leap"
	    " [-c crt -k key -i CN]] [-E epoch]\n");
	exit(2);
}

static void
options(int argc, char **argv)
{
	int ch;

	G.n = 10; G.reports = 10; G.batch = 10; G.seconds = 60; G.prefix = "gw-load-";
	G.lines = 1;
	while ((ch = getopt(argc, argv, "A:K:p:n:r:R:b:L:P:s:S:T:H:c:k:i:E:")) != -1) {
		switch (ch) {
		case 'A': G.ca_path = optarg; break;
		case 'K': G.cakey_path = optarg; break;
		case 'p': G.port = atoi(optarg); break;
		case 'n': G.n = atoi(optarg); break;
		case 'r': G.reports = atoi(optarg); break;
		case 'R': G.rate = atof(optarg); break;
		case 'b': G.batch = atoi(optarg); break;
		case 'L': G.lines = atoi(optarg); break;
		case 'P': G.prefix = optarg; break;
		case 's': G.first = atoi(optarg); break;
		case 'S': G.stagger = atof(optarg); break;
		case 'T': G.seconds = atoi(optarg); break;
		case 'H': G.hostile = optarg; break;
		case 'c': G.crt_path = optarg; break;
		case 'k': G.key_path = optarg; break;
		case 'i': G.id = optarg; break;
		case 'E': G.epoch = strtoull(optarg, NULL, 16); break;
		default: usage();
		}
	}
	if (G.hostile != NULL && strcmp(G.hostile, "pin") != 0)
		G.n = 1;
	if (G.ca_path == NULL || G.port <= 0 || G.n <= 0 || G.batch <= 0 || G.lines <= 0 ||
	    (G.cakey_path == NULL && G.crt_path == NULL))
		usage();
}

/* -H pin: says when all sessions are pinned, then how many central closed. */
static int
pin_wait(struct app *apps, pthread_t *th)
{
	int closed = 0;

	pthread_mutex_lock(&G.mu);
	while (G.ready < G.n)
		pthread_cond_wait(&G.cv, &G.mu);
	pthread_mutex_unlock(&G.mu);
	printf("pinned: %d sessions tried\n", G.n);
	fflush(stdout);
	for (int i = 0; i < G.n; i++) {
		pthread_join(th[i], NULL);
		closed += apps[i].idx;
	}
	printf("pin: %d of %d sessions closed by central\n", closed, G.n);
	free(apps);
	free(th);
	return 0;
}

int
main(int argc, char **argv)
{
	pthread_attr_t attr;
	struct app *apps;
	pthread_t *th;
	double t0, t1, t2;

	options(argc, argv);
	mbedtls_entropy_init(&G.ent);
	mbedtls_x509_crt_init(&G.ca);
	mbedtls_pk_init(&G.cakey);
	pthread_mutex_init(&G.mu, NULL);
	pthread_cond_init(&G.cv, NULL);
	if (mbedtls_x509_crt_parse_file(&G.ca, G.ca_path) != 0 || (G.cakey_path &&
	    mbedtls_pk_parse_keyfile(&G.cakey, G.cakey_path, NULL) != 0)) {
		fprintf(stderr, "central-load: cannot read the CA\n");
		return 1;
	}
	apps = calloc((size_t)G.n, sizeof(*apps));
	th = calloc((size_t)G.n, sizeof(*th));
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 256 * 1024);
	t0 = now_s();
	for (int i = 0; i < G.n; i++) {
		apps[i].idx = G.first + i;
		if (G.id != NULL)	/* -i: the CN of the -c certificate */
			snprintf(apps[i].id, sizeof(apps[i].id), "%s", G.id);
		else
			snprintf(apps[i].id, sizeof(apps[i].id), "%s%d", G.prefix, G.first + i);
		if (pthread_create(&th[i], &attr, app_main, &apps[i]) != 0) {
			fprintf(stderr, "central-load: thread %d: %s\n", i, strerror(errno));
			return 1;
		}
	}
	if (G.hostile != NULL && strcmp(G.hostile, "pin") == 0)
		return pin_wait(apps, th);
	if (G.hostile != NULL) {
		pthread_join(th[0], NULL);
		int res = apps[0].idx;

		printf("hostile %s: result %d\n", G.hostile, res);
		free(apps);
		free(th);
		return res;
	}
	pthread_mutex_lock(&G.mu);
	while (G.ready < G.n)
		pthread_cond_wait(&G.cv, &G.mu);
	t1 = now_s();
	if (G.start > 0)
		t0 = G.start;	/* from the end of minting */
	printf("connections held: %" PRIu64 " of %d (handshake + hello in %.2f s, over a"
	    " stagger of %.0f s), failed %" PRIu64 " (connect %" PRIu64 ", handshake %"
	    PRIu64 ", hello %" PRIu64 ")\n", atomic_load(&G.connected), G.n, t1 - t0,
	    G.stagger, atomic_load(&G.failed), atomic_load(&G.fail_connect),
	    atomic_load(&G.fail_handshake), atomic_load(&G.fail_hello));
	G.go = 1;
	pthread_cond_broadcast(&G.cv);
	pthread_mutex_unlock(&G.mu);
	for (int i = 0; i < G.n; i++)
		pthread_join(th[i], NULL);
	t2 = now_s();
	printf("reports acked: %" PRIu64 " (%" PRIu64 " records) in %.2f s: %.0f reports/s,"
	    " %.0f records/s, failed %" PRIu64 "\n", atomic_load(&G.reports_done),
	    atomic_load(&G.records_done), t2 - t1, atomic_load(&G.reports_done) / (t2 - t1),
	    atomic_load(&G.records_done) / (t2 - t1), atomic_load(&G.failed));
	free(apps);
	free(th);
	return atomic_load(&G.failed) > 0 ? 1 : 0;
}
