/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * uplink_sender: the appliance side of the uplink without the packet path, for
 * tests and the benchmark. Appends numbered detection records to a spool (record
 * n gets seq n while heartbeats are off) and runs the real uplink thread, with
 * the daemon's apply path (reload.c).
 *
 *   uplink_sender -s SPOOL -p PORT -a CA -c CERT -k KEY [-n NAME] [-K PUBKEY]
 *       [-N RECORDS] [-r PER_SEC] [-m MAX_BYTES] [-f always|batch|never]
 *       [-H HEARTBEAT_S] [-b BACKOFF_MS] [-V CONFIG_VERSION]
 *       [-w] (exit once all N are acked) [-1] (exit after one session attempt)
 *       [-t SECONDS] (give up) [-z PAD_BYTES] [-C N] (exit after N config pushes)
 *       [-R FILE] (send FILE's lines, raw bytes, as the records instead)
 *       [-e HOST[:PORT],...] (the centrals in order, as central_host; -p: the
 *       default port) [-F FAILBACK_S] (as central_failback)
 *       [-E FILES -Z BYTES] (instead: FILES evidence files of BYTES random bytes,
 *       signed with the key, each through the spool with its record, as
 *       goipwatchd sends them; prints files/s and MB/s once all are acked)
 * Prints "status ..." on exit; exit 0 on success, 1 on failure or timeout.
 */
#include <sys/stat.h>
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "evspool.h"
#include "sign.h"
#include "log.h"
#include "reload.h"
#include "spool.h"
#include "uplink.h"

static volatile sig_atomic_t quit;

static void
on_signal(int sig)
{
	(void)sig;
	quit = 1;
}

/* The daemon's apply (reload.c: the one parser, the checks, the swap), and a line. */
static int
apply(void *arg, const char *buf, size_t len, uint64_t version, char *err,
    size_t errlen)
{
	if (reload_push(arg, buf, len, version, err, errlen) == -1)
		return -1;
	printf("sender: applied config version %" PRIu64 "\n", version);
	return 0;
}

static void
counters(void *arg, struct health_counters *hc)
{
	(void)arg;
	hc->packets = 1000;
	hc->drops_ring = 1;
}

static uint64_t
num(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0') {
		fprintf(stderr, "sender: bad number %s\n", s);
		exit(2);
	}
	return v;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
print_status(struct uplink *u, double secs, uint64_t n)
{
	struct uplink_status st;

	uplink_status(u, &st);
	printf("status state=%s id=%s sessions=%" PRIu64 " failures=%" PRIu64
	    " refused=%" PRIu64 " sent=%" PRIu64 " acked=%" PRIu64
	    " spool_acked=%" PRIu64 " depth=%" PRIu64 " dropped=%" PRIu64
	    " torn=%" PRIu64 " skipped=%" PRIu64 " write_errors=%" PRIu64
	    " config_version=%" PRIu64 " config_applied=%" PRIu64
	    " config_refused=%" PRIu64 " heartbeats=%" PRIu64 " bad_frames=%" PRIu64
	    " failovers=%" PRIu64 " central=%s\n",
	    st.state_str, st.appliance_id, st.sessions, st.failures, st.refused,
	    st.records_sent, st.acked, st.spool.acked, st.spool.depth,
	    st.spool.dropped, st.spool.torn_bytes, st.spool.skipped,
	    st.spool.write_errors, st.config_version,
	    st.config_applied, st.config_refused, st.heartbeats, st.bad_frames,
	    st.failovers, st.endpoint);
	printf("session %s\nlast_error %s\n", st.session, st.last_error);
	if (secs > 0 && st.records_sent > 0)
		printf("rate %.0f records/s (%" PRIu64 " records in %.3f s)\n",
		    (double)n / secs, n, secs);
}

/* Appends each line of path (raw bytes, NUL included) as one record; their count. */
static uint64_t
append_file(struct spool *s, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	uint64_t n = 0;

	if (f == NULL)
		return 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		if (line[len - 1] == '\n')
			len--;
		if (spool_append(s, line, (size_t)len, NULL) == -1)
			break;
		n++;
	}
	free(line);
	fclose(f);
	return n;
}

/* FILES signed files of size bytes in dir, each spooled as goipwatchd does; -1 on error. */
static int
append_evidence(struct spool *s, const char *key, const char *dir, uint64_t files,
    uint64_t size)
{
	struct evspool_stats es = { 0 };
	struct signer *sg;
	uint8_t sha[32], sig[SIGN_MAX], *buf;
	uint64_t x = 88172645463325252ull;
	char path[1024], err[600], hex[65], rec[512];
	size_t siglen;
	FILE *f;
	int len;

	if ((sg = signer_load(key, err, sizeof(err))) == NULL ||
	    (buf = malloc(size ? size : 1)) == NULL)
		return printf("sender: %s\n", err), -1;
	(void)mkdir(dir, 0750);
	for (uint64_t i = 1; i <= files; i++) {
		for (uint64_t k = 0; k < size; k++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			buf[k] = (uint8_t)x;
		}
		snprintf(path, sizeof(path), "%s/ev-%" PRIu64 ".pcapng", dir, i);
		if ((f = fopen(path, "wb")) == NULL || fwrite(buf, 1, size, f) != size ||
		    fclose(f) != 0 || signer_sign_file(sg, path, sha, sig, &siglen) == -1)
			return printf("sender: cannot write %s\n", path), -1;
		strcat(path, ".sig");
		if ((f = fopen(path, "wb")) == NULL || fwrite(sig, 1, siglen, f) != siglen ||
		    fclose(f) != 0)
			return -1;
		sign_hex(sha, hex);
		len = snprintf(rec, sizeof(rec), "{\"type\":\"detection\",\"ev\":%" PRIu64
		    ",\"evidence_file\":{\"file\":\"ev-%" PRIu64 ".pcapng\",\"sha256\":\"%s\"}}",
		    i, i, hex);
		if (evspool_append(s, dir, rec, (size_t)len, &es, NULL, err, sizeof(err)) == -1 ||
		    spool_append(s, rec, (size_t)len, NULL) == -1)
			return printf("sender: %s\n", err), -1;
	}
	free(buf);
	signer_free(sg);
	return 0;
}

int
main(int argc, char **argv)
{
	struct uplink_conf uc = { .host = "127.0.0.1", .server_name = "central.test",
	    .firmware_version = "0.1.0-test", .apply = apply, .counters = counters,
	    .backoff_min = 200000, .backoff_max = 2000000 };
	const char *spooldir = NULL;
	const char *recfile = NULL;
	uint64_t n = 0, rate = 0, max_bytes = 64u << 20, pad = 0, timeout = 60;
	enum spool_fsync pol = SPOOL_FSYNC_BATCH;
	bool wait_acked = false, once = false;
	uint64_t want_cacks = 0, evfiles = 0, evsize = 50000;
	struct uplink_status st;
	struct reload *rl;
	struct conf *boot;
	struct spool *s;
	struct uplink *u;
	char err[512], rec[SPOOL_MAX_RECORD];
	double t0, t_end;
	int ch, rc = 1;

	setvbuf(stdout, NULL, _IOLBF, 0);
	log_init("uplink_sender", false, 0);
	while ((ch = getopt(argc, argv, "s:p:a:c:k:n:K:N:r:m:f:H:b:V:w1t:z:C:R:e:F:E:Z:")) != -1) {
		switch (ch) {
		case 's': spooldir = optarg; break;
		case 'p': uc.port = (uint16_t)num(optarg); break;
		case 'a': uc.tls_ca = optarg; break;
		case 'c': uc.tls_cert = optarg; break;
		case 'k': uc.tls_key = optarg; break;
		case 'n': uc.server_name = optarg; break;
		case 'K': uc.config_pubkey = optarg; break;
		case 'N': n = num(optarg); break;
		case 'r': rate = num(optarg); break;
		case 'm': max_bytes = num(optarg); break;
		case 'f':
			if (spool_fsync_parse(optarg, &pol) == -1)
				return 2;
			break;
		case 'H': uc.heartbeat_interval = num(optarg) * USEC_PER_SEC; break;
		case 'b': uc.backoff_min = num(optarg) * 1000; break;
		case 'V': uc.config_version = num(optarg); break;
		case 'w': wait_acked = true; break;
		case '1': once = true; break;
		case 't': timeout = num(optarg); break;
		case 'C': want_cacks = num(optarg); break;
		case 'R': recfile = optarg; break;
		case 'e': uc.host = optarg; break;
		case 'F': uc.failback = num(optarg) * USEC_PER_SEC; break;
		case 'E': evfiles = num(optarg); break;
		case 'Z': evsize = num(optarg); break;
		case 'z': pad = num(optarg) < 60000 ? num(optarg) : 60000; break;
		default: return 2;
		}
	}
	if (spooldir == NULL)
		return 2;
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if ((boot = conf_new_defaults()) == NULL)
		return 1;
	boot->version = uc.config_version;
	if ((rl = reload_new(boot, NULL, err, sizeof(err))) == NULL)
		return 1;
	uc.apply_arg = rl;
	if ((s = spool_open(spooldir, max_bytes, pol, err, sizeof(err))) == NULL ||
	    (u = uplink_new(&uc, s, err, sizeof(err))) == NULL) {
		printf("sender: %s\n", err);
		return 1;
	}
	if (recfile != NULL && (n = append_file(s, recfile)) == 0)
		return 1;
	if (evfiles > 0) {
		char evdir[600];

		snprintf(evdir, sizeof(evdir), "%s.ev", spooldir);
		if (append_evidence(s, uc.tls_key, evdir, evfiles, evsize) == -1)
			return 1;
		spool_stats(s, &st.spool);
		n = st.spool.next_seq - 1;
	}
	t0 = now_s();
	if (uplink_start(u) == -1)
		return 1;
	for (;;) {
		spool_stats(s, &st.spool);
		/* record n carries "n": n, so a restart continues where it stopped */
		if (st.spool.next_seq <= n) {
			int len = snprintf(rec, sizeof(rec), "{\"type\":\"detection\","
			    "\"n\":%" PRIu64 ",\"pad\":\"%*s\"}", st.spool.next_seq,
			    (int)pad, "");

			if (spool_append(s, rec, (size_t)len, NULL) == -1)
				printf("sender: append failed\n");
			if (rate > 0)
				usleep((useconds_t)(1000000 / rate));
			if (!quit)
				continue;
		}
		uplink_status(u, &st);
		if (quit || now_s() - t0 > (double)timeout)
			break;
		if (once && st.state == UPLINK_UP) {
			rc = 0;
			break;
		}
		if (once && st.failures > 0)
			break;
		if (want_cacks > 0 && st.config_applied + st.config_refused >= want_cacks) {
			rc = 0;
			break;
		}
		if (wait_acked && st.spool.acked >= n && st.spool.next_seq > n) {
			rc = 0;
			break;
		}
		usleep(2000);
	}
	t_end = now_s();
	uplink_stop(u);
	print_status(u, wait_acked && rc == 0 ? t_end - t0 : 0, n);
	if (evfiles > 0 && wait_acked && rc == 0)
		printf("evidence %" PRIu64 " files of %" PRIu64 " bytes in %.3f s: %.1f files/s,"
		    " %.2f MB/s\n", evfiles, evsize, t_end - t0,
		    (double)evfiles / (t_end - t0),
		    (double)(evfiles * evsize) / 1e6 / (t_end - t0));
	if (quit)
		rc = 0;
	uplink_free(u);
	spool_close(s);
	reload_free(rl);
	conf_free(boot);
	return rc;
}
