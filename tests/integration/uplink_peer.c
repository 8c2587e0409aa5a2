/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uplink_peer: a minimal stand-in for goipwatch-central, for tests. A blocking
 * mbedTLS server, one session at a time, that requires a client certificate,
 * takes the appliance id from its CN, dedupes by (appliance, seq), appends the
 * records to a file before acking, and pushes signed configs. With -C it is a
 * tiny client instead, to check that the server side refuses old TLS versions.
 *
 *   uplink_peer -a CA -c CERT -k KEY -l PORT [-P PORTFILE] -d DB [-p PUSH]... [-g]
 *       [-h SEQ]
 *   (-g: send a malformed and an oversized frame in the first session;
 *    -h: answer every hello with SEQ, a forged high-water, whatever it holds)
 *   uplink_peer -a CA [-c CERT -k KEY] -C HOST:PORT -n NAME [-V 1.0|1.1|1.2]
 */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/error.h>
#include <mbedtls/net_sockets.h>
#include <mbedtls/oid.h>
#include <mbedtls/ssl.h>
#include <mbedtls/x509_crt.h>

#include "frame.h"

#define MAX_APPLIANCES	64
#define MAX_PUSH	16
#define BUF_CAP		(FRAME_HDR_LEN + FRAME_MAX_PAYLOAD)

static const int suites[] = {
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	0
};
/* For -V 1.0/1.1: those versions have no GCM suites. */
static const int old_suites[] = {
	MBEDTLS_TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, 0
};

struct appliance {
	char		id[128];
	uint64_t	hw;		/* highest committed seq */
};

static struct {
	mbedtls_entropy_context	 ent;
	mbedtls_ctr_drbg_context drbg;
	mbedtls_x509_crt	 ca, cert;
	mbedtls_pk_context	 key;
	mbedtls_ssl_config	 conf;
	struct appliance	 app[MAX_APPLIANCES];
	size_t			 napp;
	FILE			*db;
	const char		*push[MAX_PUSH];
	int			 npush;
	bool			 pushed;
	int			 hostile;	/* -g: 2, then 1 after the bad ack, then 0 */
	bool			 lie;		/* -h */
	uint64_t		 lie_seq;
	uint64_t		 dups, accepted, bad_frames;
	uint8_t			*rx, *tx;
} P;

static void
die(const char *what, int rc)
{
	char buf[128];

	mbedtls_strerror(rc, buf, sizeof(buf));
	fprintf(stderr, "peer: %s: %s (-0x%04x)\n", what, buf, (unsigned)-rc);
	exit(1);
}

static void
setup(const char *ca, const char *cert, const char *key, int endpoint, int minor)
{
	int rc;

	mbedtls_entropy_init(&P.ent);
	mbedtls_ctr_drbg_init(&P.drbg);
	mbedtls_x509_crt_init(&P.ca);
	mbedtls_x509_crt_init(&P.cert);
	mbedtls_pk_init(&P.key);
	mbedtls_ssl_config_init(&P.conf);
	if ((rc = mbedtls_ctr_drbg_seed(&P.drbg, mbedtls_entropy_func, &P.ent, NULL, 0)))
		die("rng", rc);
	if ((rc = mbedtls_x509_crt_parse_file(&P.ca, ca)))
		die(ca, rc);
	if ((rc = mbedtls_ssl_config_defaults(&P.conf, endpoint,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)))
		die("config", rc);
	/* docs/libraries.md: the server does not ask for a client cert by default */
	mbedtls_ssl_conf_authmode(&P.conf, MBEDTLS_SSL_VERIFY_REQUIRED);
	mbedtls_ssl_conf_ca_chain(&P.conf, &P.ca, NULL);
	mbedtls_ssl_conf_rng(&P.conf, mbedtls_ctr_drbg_random, &P.drbg);
	mbedtls_ssl_conf_read_timeout(&P.conf, 60000);
	if (minor == 3) {
		mbedtls_ssl_conf_min_version(&P.conf, 3, 3);
		mbedtls_ssl_conf_ciphersuites(&P.conf, suites);
		mbedtls_ssl_conf_cert_profile(&P.conf, &mbedtls_x509_crt_profile_suiteb);
	} else {
		mbedtls_ssl_conf_min_version(&P.conf, 3, minor);
		mbedtls_ssl_conf_max_version(&P.conf, 3, minor);
		mbedtls_ssl_conf_ciphersuites(&P.conf, old_suites);
	}
	if (cert == NULL)
		return;
	if ((rc = mbedtls_x509_crt_parse_file(&P.cert, cert)))
		die(cert, rc);
	if ((rc = mbedtls_pk_parse_keyfile(&P.key, key, NULL)))
		die(key, rc);
	if ((rc = mbedtls_ssl_conf_own_cert(&P.conf, &P.cert, &P.key)))
		die("own cert", rc);
}

static int
cn_of(const mbedtls_x509_crt *crt, char *buf, size_t len)
{
	const mbedtls_x509_name *n;

	for (n = &crt->subject; n != NULL; n = n->next)
		if (MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) == 0 &&
		    n->val.len < len) {
			memcpy(buf, n->val.p, n->val.len);
			buf[n->val.len] = '\0';
			return 0;
		}
	return -1;
}

static struct appliance *
app_get(const char *id)
{
	for (size_t i = 0; i < P.napp; i++)
		if (strcmp(P.app[i].id, id) == 0)
			return &P.app[i];
	if (P.napp == MAX_APPLIANCES)
		return NULL;
	snprintf(P.app[P.napp].id, sizeof(P.app[0].id), "%s", id);
	return &P.app[P.napp++];
}

/* The DB is the commit log: "id seq record" lines; reload rebuilds the dedupe state. */
static void
db_open(const char *path)
{
	char line[FRAME_MAX_RECORD + 256], id[128];
	uint64_t seq;
	FILE *f;

	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof(line), f) != NULL)
			if (sscanf(line, "%127s %" SCNu64, id, &seq) == 2) {
				struct appliance *a = app_get(id);

				if (a != NULL && seq > a->hw)
					a->hw = seq;
			}
		fclose(f);
	}
	if ((P.db = fopen(path, "a")) == NULL) {
		fprintf(stderr, "peer: %s: %s\n", path, strerror(errno));
		exit(1);
	}
}

static int
send_all(mbedtls_ssl_context *ssl, const uint8_t *p, size_t n)
{
	int rc;

	while (n > 0) {
		rc = mbedtls_ssl_write(ssl, p, n);
		if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (rc < 0)
			return -1;
		p += rc;
		n -= (size_t)rc;
	}
	return 0;
}

static int
send_ack(mbedtls_ssl_context *ssl, uint64_t seq)
{
	struct frame_wr w;

	frame_wr_init(&w, P.tx, BUF_CAP);
	frame_put_ack(&w, seq);
	return send_all(ssl, P.tx, w.len);
}

static int
send_error(mbedtls_ssl_context *ssl, uint16_t code, const char *msg)
{
	struct frame_wr w;

	P.bad_frames++;
	printf("peer: refused frame: %s\n", msg);
	frame_wr_init(&w, P.tx, BUF_CAP);
	frame_put_error(&w, code, msg);
	return send_all(ssl, P.tx, w.len);
}

static int
send_pushes(mbedtls_ssl_context *ssl)
{
	struct frame_wr w;
	uint8_t *blob = P.tx + FRAME_HDR_LEN;
	size_t len;
	FILE *f;

	for (int i = 0; i < P.npush && !P.pushed; i++) {
		if ((f = fopen(P.push[i], "rb")) == NULL)
			continue;
		len = fread(blob, 1, FRAME_MAX_PAYLOAD, f);
		fclose(f);
		/* the signed blob is a config-push payload: frame it as it is */
		frame_wr_init(&w, P.tx, FRAME_HDR_LEN);
		P.tx[0] = FRAME_MAGIC0; P.tx[1] = FRAME_MAGIC1;
		P.tx[2] = FRAME_VERSION; P.tx[3] = FRAME_CONFIG_PUSH;
		P.tx[4] = (uint8_t)(len >> 24); P.tx[5] = (uint8_t)(len >> 16);
		P.tx[6] = (uint8_t)(len >> 8); P.tx[7] = (uint8_t)len;
		if (send_all(ssl, P.tx, FRAME_HDR_LEN + len) == -1)
			return -1;
	}
	P.pushed = true;
	return 0;
}

/*
 * -g: after the hello, a malformed ack (7-byte payload); once the appliance has
 * answered it with an error frame, a header claiming 2 GiB.
 */
static int
send_garbage(mbedtls_ssl_context *ssl)
{
	static const uint8_t bad_ack[] = {
		'G', 'W', 1, FRAME_ACK, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t huge[] = {
		'G', 'W', 1, FRAME_REPORT, 0x7f, 0xff, 0xff, 0xff };

	printf("peer: sending a %s frame\n", P.hostile == 2 ? "malformed" : "huge");
	if (P.hostile-- == 2)
		return send_all(ssl, bad_ack, sizeof(bad_ack));
	return send_all(ssl, huge, sizeof(huge));
}

/* Commits new records (seq above the high-water), then acks the report's last. */
static int
on_report(mbedtls_ssl_context *ssl, struct appliance *a, const struct frame *f)
{
	struct frame_report_it it;
	const char *rec;
	uint64_t seq;
	size_t len;
	uint16_t n;
	uint64_t last = 0;

	if (frame_report_check(f, &n) != FRAME_OK)
		return send_error(ssl, FRAME_ERR_MALFORMED, "malformed report");
	frame_report_begin(f, &it);
	while (frame_report_next(&it, &seq, &rec, &len) == FRAME_OK) {
		last = seq;
		if (seq <= a->hw) {
			P.dups++;
			continue;
		}
		fprintf(P.db, "%s %" PRIu64 " %.*s\n", a->id, seq, (int)len, rec);
		a->hw = seq;
		P.accepted++;
	}
	if (fflush(P.db) != 0)
		return send_error(ssl, FRAME_ERR_INTERNAL, "storage failed");
	return send_ack(ssl, last);
}

static int
on_frame(mbedtls_ssl_context *ssl, const char *cn, struct appliance **ap,
    const struct frame *f)
{
	struct frame_hello h;
	struct frame_config_ack ca;

	if (*ap == NULL && f->type != FRAME_HELLO)
		return send_error(ssl, FRAME_ERR_UNEXPECTED, "hello first");
	switch (f->type) {
	case FRAME_HELLO:
		if (frame_hello_decode(f, &h) != FRAME_OK)
			return send_error(ssl, FRAME_ERR_MALFORMED, "malformed hello");
		if (strlen(cn) != h.appliance_id.len ||
		    memcmp(cn, h.appliance_id.p, h.appliance_id.len) != 0) {
			send_error(ssl, FRAME_ERR_IDENTITY, "hello id is not the certificate CN");
			return -1;
		}
		if ((*ap = app_get(cn)) == NULL)
			return -1;
		printf("peer: hello %s last_acked=%" PRIu64 " config_version=%" PRIu64
		    " firmware=%.*s epoch=%016" PRIx64 "\n", cn, h.last_acked,
		    h.config_version, (int)h.firmware.len, h.firmware.p, h.spool_epoch);
		if (send_ack(ssl, P.lie ? P.lie_seq : (*ap)->hw) == -1 ||
		    send_pushes(ssl) == -1)
			return -1;
		return P.hostile == 2 ? send_garbage(ssl) : 0;
	case FRAME_REPORT:
		return on_report(ssl, *ap, f);
	case FRAME_ERROR: {
		struct frame_error e;

		if (frame_error_decode(f, &e) == FRAME_OK)
			printf("peer: appliance error %u %.*s\n", e.code,
			    (int)e.message.len, e.message.p);
		return P.hostile == 1 ? send_garbage(ssl) : 0;
	}
	case FRAME_CONFIG_ACK:
		if (frame_config_ack_decode(f, &ca) != FRAME_OK)
			return send_error(ssl, FRAME_ERR_MALFORMED, "malformed config ack");
		printf("peer: config-ack %s version=%" PRIu64 " status=%u msg=%.*s\n",
		    cn, ca.version, ca.status, (int)ca.message.len, ca.message.p);
		return 0;
	default:
		return send_error(ssl, FRAME_ERR_UNEXPECTED, "unexpected frame");
	}
}

static void
session(mbedtls_net_context *client)
{
	mbedtls_ssl_context ssl;
	struct appliance *a = NULL;
	const mbedtls_x509_crt *peer;
	enum frame_status s;
	struct frame f;
	size_t rxlen = 0, used, off;
	char cn[128], err[128];
	int rc;

	mbedtls_ssl_init(&ssl);
	mbedtls_ssl_setup(&ssl, &P.conf);
	mbedtls_ssl_set_bio(&ssl, client, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
	while ((rc = mbedtls_ssl_handshake(&ssl)) != 0)
		if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE) {
			mbedtls_strerror(rc, err, sizeof(err));
			printf("peer: handshake refused: %s\n", err);
			goto out;
		}
	if ((peer = mbedtls_ssl_get_peer_cert(&ssl)) == NULL || cn_of(peer, cn, sizeof(cn))) {
		printf("peer: no client identity\n");
		goto out;
	}
	printf("peer: session %s %s %s\n", cn, mbedtls_ssl_get_version(&ssl),
	    mbedtls_ssl_get_ciphersuite(&ssl));
	for (;;) {
		rc = mbedtls_ssl_read(&ssl, P.rx + rxlen, BUF_CAP - rxlen);
		if (rc == MBEDTLS_ERR_SSL_WANT_READ || rc == MBEDTLS_ERR_SSL_WANT_WRITE)
			continue;
		if (rc <= 0)
			break;
		rxlen += (size_t)rc;
		off = 0;
		while ((s = frame_next(P.rx + off, rxlen - off, &f, &used)) == FRAME_OK) {
			if (on_frame(&ssl, cn, &a, &f) == -1)
				goto out;
			off += used;
		}
		memmove(P.rx, P.rx + off, rxlen - off);
		rxlen -= off;
		if (s != FRAME_SHORT) {
			send_error(&ssl, s == FRAME_OVERSIZED ? FRAME_ERR_OVERSIZED :
			    FRAME_ERR_MALFORMED, frame_status_str(s));
			break;
		}
	}
out:
	printf("peer: session end accepted=%" PRIu64 " dups=%" PRIu64
	    " bad_frames=%" PRIu64 "\n", P.accepted, P.dups, P.bad_frames);
	fflush(stdout);
	mbedtls_ssl_close_notify(&ssl);
	mbedtls_ssl_free(&ssl);
}

static void __attribute__((noreturn))
serve(const char *port, const char *portfile)
{
	mbedtls_net_context lis, client;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int rc;

	mbedtls_net_init(&lis);
	if ((rc = mbedtls_net_bind(&lis, "127.0.0.1", port, MBEDTLS_NET_PROTO_TCP)))
		die("bind", rc);
	if (portfile != NULL) {
		FILE *f = fopen(portfile, "w");

		getsockname(lis.fd, (struct sockaddr *)&ss, &sl);
		fprintf(f, "%u\n", ntohs(((struct sockaddr_in *)&ss)->sin_port));
		fclose(f);
	}
	for (;;) {
		mbedtls_net_init(&client);
		if (mbedtls_net_accept(&lis, &client, NULL, 0, NULL) != 0)
			continue;
		session(&client);
		mbedtls_net_free(&client);
	}
}

/* Client mode: handshake and hello; 0 only if the server acks the hello. */
static int
client(const char *hostport, const char *name)
{
	mbedtls_net_context net;
	mbedtls_ssl_context ssl;
	char host[256], *colon, err[128], id[128] = "probe";
	struct frame_hello h = { 0 };
	struct frame_wr w;
	struct frame f;
	size_t used, len = 0;
	int rc;

	snprintf(host, sizeof(host), "%s", hostport);
	if ((colon = strrchr(host, ':')) == NULL)
		return 2;
	*colon = '\0';
	mbedtls_net_init(&net);
	mbedtls_ssl_init(&ssl);
	if ((rc = mbedtls_net_connect(&net, host, colon + 1, MBEDTLS_NET_PROTO_TCP)))
		die("connect", rc);
	mbedtls_ssl_setup(&ssl, &P.conf);
	mbedtls_ssl_set_hostname(&ssl, name);
	mbedtls_ssl_set_bio(&ssl, &net, mbedtls_net_send, NULL, mbedtls_net_recv_timeout);
	while ((rc = mbedtls_ssl_handshake(&ssl)) != 0)
		if (rc != MBEDTLS_ERR_SSL_WANT_READ && rc != MBEDTLS_ERR_SSL_WANT_WRITE)
			goto fail;
	printf("client: handshake done %s\n", mbedtls_ssl_get_version(&ssl));
	if (P.cert.raw.len > 0)
		cn_of(&P.cert, id, sizeof(id));
	h.appliance_id = (struct frame_str){ id, (uint16_t)strlen(id) };
	h.firmware = (struct frame_str){ "probe", 5 };
	frame_wr_init(&w, P.tx, BUF_CAP);
	frame_put_hello(&w, &h);
	if (send_all(&ssl, P.tx, w.len) == -1)
		goto fail;
	while ((rc = mbedtls_ssl_read(&ssl, P.rx + len, BUF_CAP - len)) > 0 ||
	    rc == MBEDTLS_ERR_SSL_WANT_READ) {
		len += rc > 0 ? (size_t)rc : 0;
		if (frame_next(P.rx, len, &f, &used) == FRAME_OK) {
			printf("client: server answered %s\n", frame_type_str(f.type));
			rc = f.type == FRAME_ACK ? 0 : 1;
			goto out;
		}
	}
fail:
	/* 2.28: a refused client cert can pass the client's handshake; the read fails */
	mbedtls_strerror(rc, err, sizeof(err));
	printf("client: refused: %s (-0x%04x)\n", err, (unsigned)-rc);
	rc = 1;
out:
	mbedtls_ssl_close_notify(&ssl);
	mbedtls_ssl_free(&ssl);
	mbedtls_net_free(&net);
	mbedtls_ssl_config_free(&P.conf);
	mbedtls_x509_crt_free(&P.ca);
	mbedtls_x509_crt_free(&P.cert);
	mbedtls_pk_free(&P.key);
	mbedtls_ctr_drbg_free(&P.drbg);
	mbedtls_entropy_free(&P.ent);
	free(P.rx);
	free(P.tx);
	return rc;
}

int
main(int argc, char **argv)
{
	const char *ca = NULL, *cert = NULL, *key = NULL, *port = NULL;
	const char *portfile = NULL, *db = NULL, *connect = NULL, *name = NULL;
	int ch, minor = 3;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	while ((ch = getopt(argc, argv, "a:c:k:l:P:d:p:C:n:V:gh:")) != -1) {
		switch (ch) {
		case 'a': ca = optarg; break;
		case 'c': cert = optarg; break;
		case 'k': key = optarg; break;
		case 'l': port = optarg; break;
		case 'P': portfile = optarg; break;
		case 'd': db = optarg; break;
		case 'p':
			if (P.npush < MAX_PUSH)
				P.push[P.npush++] = optarg;
			break;
		case 'C': connect = optarg; break;
		case 'g': P.hostile = 2; break;
		case 'h':
			P.lie = true;
			P.lie_seq = strtoull(optarg, NULL, 10);
			break;
		case 'n': name = optarg; break;
		case 'V':
			minor = strcmp(optarg, "1.0") == 0 ? 1 :
			    strcmp(optarg, "1.1") == 0 ? 2 : 3;
			break;
		default:
			fprintf(stderr, "usage: see the head of uplink_peer.c\n");
			return 2;
		}
	}
	P.rx = malloc(BUF_CAP);
	P.tx = malloc(BUF_CAP);
	if (ca == NULL || (cert == NULL) != (key == NULL) || P.rx == NULL || P.tx == NULL)
		return 2;
	if (connect != NULL) {
		setup(ca, cert, key, MBEDTLS_SSL_IS_CLIENT, minor);
		return client(connect, name != NULL ? name : "central.test");
	}
	if (cert == NULL || port == NULL || db == NULL)
		return 2;
	setup(ca, cert, key, MBEDTLS_SSL_IS_SERVER, 3);
	db_open(db);
	serve(port, portfile);
}
