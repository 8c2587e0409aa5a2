/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * goipwatchd: options and privileges; the pipeline lives in engine.c, signals,
 * reload and the uplink in daemon.c.
 */
#include <errno.h>
#include <getopt.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "conf.h"
#include "control.h"
#include "daemon.h"
#include "engine.h"
#include "geo.h"
#include "log.h"
#include "report.h"
#include "selftest.h"
#include "stats.h"
#include "version.h"

#define EXIT_BADINPUT	2
#define DRAIN_MAX	86400	/* -W seconds */
#define OUT_BUF		(1u << 20)	/* offline records: one write(2) a MiB */

static char outbuf[OUT_BUF];

static void __attribute__((noreturn))
usage(void)
{
	fprintf(stderr,
	    "usage: goipwatchd [-nv] [-f conf] [-j workers] [-c count] [-w out.jsonl]\n"
	    "                  [-W secs] (-r file | -i iface [-D driver] [-F filter] [-u user]\n"
	    "                  [-S sock] [-M port])\n"
	    "       goipwatchd --self-test [-f conf] [-i iface]\n"
	    "       goipwatchd --print-keys\n"
	    "  -r FILE   analyse a pcap/pcapng file (- for stdin)\n"
	    "  -i IFACE  capture live; -D pcap-live|af-packet (default %s)\n"
	    "  -n        check the configuration and exit (-v prints it normalised)\n"
	    "  -q ADDR   with -n: where ADDR falls (subscriber, trusted peer, domestic, foreign)\n"
	    "  -W SECS   at exit, wait up to SECS for the uplink to deliver the spool\n"
	    "  -S SOCK   control socket (default %s)\n"
	    "  -M PORT   metrics port on 127.0.0.1 (default %d, 0: none)\n"
	    "  --self-test  check capture, clock, central, TLS and config signature\n"
	    "  --print-keys  every config key: type, default, range, when it applies\n"
	    "  -X inject=N  test only: N synthetic detection records to central\n"
	    "  -X nowatchdog  do not arm the board's watchdog\n",
	    CAPTURE_DEFAULT, CONTROL_SOCKET, CONTROL_METRICS_PORT);
	exit(EXIT_BADINPUT);
}

/*
 * Drops root after the capture handles, the spool and the keys are open;
 * keeps nothing it won't need. The spool changes owner first.
 */
static int
drop_privileges(const char *user, bool required, struct daemon *d)
{
	struct passwd *pw;
	char err[512];

	if (geteuid() != 0)
		return 0;
	if ((pw = getpwnam(user)) == NULL) {
		if (required)
			return log_warnx("user %s does not exist", user), -1;
		log_warnx("user %s does not exist: still running as root", user);
		return 0;
	}
	if (daemon_chown(d, pw->pw_uid, pw->pw_gid, err, sizeof(err)) == -1)
		return log_warnx("%s", err), -1;
	if (setgroups(1, &pw->pw_gid) == -1 || setresgid(pw->pw_gid, pw->pw_gid,
	    pw->pw_gid) == -1 || setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1)
		return log_warn("cannot drop privileges to %s", user), -1;
	log_info("running as %s", user);
	return 0;
}

/* A wrong option or value: one line naming it and why, exit 2 (no usage text). */
/*
 * The version reported to central and on the control socket: the image's
 * release (GOIPWATCH_FIRMWARE from /usr/lib/goipwatch/release through the
 * board's unit drop-in) when set and sane, else the build's GW_VERSION.
 */
static const char *
firmware_version(void)
{
	const char *v = getenv("GOIPWATCH_FIRMWARE");
	size_t n;

	if (v == NULL || (n = strlen(v)) == 0 || n > 64 ||
	    strspn(v, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.+~_-") != n)
		return GW_VERSION;
	return v;
}

static void __attribute__((noreturn, format(printf, 1, 2)))
bad_option(const char *fmt, ...)
{
	va_list ap;

	fputs("goipwatchd: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (goipwatchd -h for usage)\n", stderr);
	exit(EXIT_BADINPUT);
}

static int
parse_count(const char *s, uint64_t max, uint64_t *v)
{
	char *e;

	errno = 0;
	*v = strtoull(s, &e, 10);
	return (errno || e == s || *e != '\0' || *s == '-' || *v > max) ? -1 : 0;
}

/* A whole number in min..max for option opt, or exit 2 naming it. */
static uint64_t
opt_count(int opt, const char *what, const char *s, uint64_t min, uint64_t max)
{
	uint64_t v;

	if (parse_count(s, max, &v) == -1 || v < min)
		bad_option("-%c '%s': want %s, a whole number %" PRIu64 "..%" PRIu64,
		    opt, s, what, min, max);
	return v;
}

struct main_opts {
	const char	*conf, *user, *out, *ctl_socket;
	const char	*query[16];		/* -q: addresses to place */
	size_t		 nquery;
	bool		 check, user_required, self_test, no_watchdog;
	int		 verbose;
	uint64_t	 workers, drain_secs, inject, metrics_port;
	struct engine_opts eo;
};

/* -X key=value: debugging and test switches. */
static void
parse_x(const char *s, struct main_opts *m)
{
	if (strncmp(s, "inject=", 7) == 0) {
		if (parse_count(s + 7, UINT64_MAX, &m->inject) == -1)
			bad_option("-X: '%s': inject wants a whole number", s);
	} else if (strcmp(s, "nowatchdog") == 0)
		m->no_watchdog = true;
	else
		bad_option("-X: unknown switch '%s' (inject=N, nowatchdog)", s);
}

static void
parse_args(int argc, char **argv, struct main_opts *m)
{
	static const struct option longopts[] = {
		{ "self-test", no_argument, NULL, 'T' },
		{ "print-keys", no_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 },
	};
	int ch;

	memset(m, 0, sizeof(*m));
	m->user = "goipwatch";
	m->ctl_socket = CONTROL_SOCKET;
	m->metrics_port = CONTROL_METRICS_PORT;
	m->eo.cap.snaplen = 65535;
	m->eo.cap.driver = CAPTURE_DEFAULT;
	opterr = 0;	/* the errors below name the option */
	while ((ch = getopt_long(argc, argv, ":c:D:f:F:hi:j:M:nq:r:S:Tu:vVw:W:X:",
	    longopts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			m->eo.max_packets = opt_count(ch, "a packet count", optarg, 0,
			    UINT64_MAX);
			break;
		case 'D': m->eo.cap.driver = optarg; break;
		case 'f': m->conf = optarg; break;
		case 'F': m->eo.cap.filter = optarg; break;
		case 'h': usage();
		case 'i': m->eo.cap.source = optarg; m->eo.live = true; break;
		case 'j':
			m->workers = opt_count(ch, "workers", optarg, 1, 64);
			break;
		case 'M':
			m->metrics_port = opt_count(ch, "a port (0: none)", optarg, 0,
			    65535);
			break;
		case 'n': m->check = true; break;
		case 'q':
			if (m->nquery == sizeof(m->query) / sizeof(m->query[0]))
				bad_option("-q: at most 16 addresses");
			m->query[m->nquery++] = optarg;
			break;
		case 'S': m->ctl_socket = optarg; break;
		case 'T': m->self_test = true; break;
		case 'K': conf_print_keys(stdout); exit(0);
		case 'r': m->eo.cap.source = optarg; m->eo.cap.driver = "pcap-file"; break;
		case 'u': m->user = optarg; m->user_required = true; break;
		case 'v': m->verbose++; break;
		case 'V': printf("goipwatchd %s\n", firmware_version()); exit(0);
		case 'w': m->out = optarg; break;
		case 'W':
			m->drain_secs = opt_count(ch, "seconds", optarg, 0, DRAIN_MAX);
			break;
		case 'X': parse_x(optarg, m); break;
		case ':':
			bad_option("option %s needs a value", argv[optind - 1]);
		default:
			if (optopt != 0)
				bad_option("unknown option '-%c'", optopt);
			bad_option("unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc != optind)
		bad_option("extra argument '%s'", argv[optind]);
	if (m->nquery && !m->check)
		bad_option("-q needs -n");
	if (!m->check && !m->self_test && m->eo.cap.source == NULL)
		bad_option("nothing to do: want -r FILE, -i IFACE, -n or --self-test");
}

static struct conf *
load_conf(const struct main_opts *m)
{
	char err[512];
	struct conf *c;

	c = m->conf ? conf_load(m->conf, err, sizeof(err)) : conf_new_defaults();
	if (c == NULL) {
		log_warnx("%s", m->conf ? err : "out of memory");
		exit(EXIT_BADINPUT);
	}
	if (m->workers)
		c->workers = m->workers;
	else if (!m->eo.live)
		c->workers = 1;		/* offline default: one worker, same output */
	return c;
}

static void
write_stats(struct engine *e, FILE *out)
{
	static char line[REPORT_LINE_MAX];
	struct engine_stats st;
	struct jw w;

	engine_stats(e, &st);
	jw_init(&w, line, sizeof(line));
	stats_write(&w, &st, engine_detect(e));
	if (jw_finish(&w) > 0)
		fputs(line, out);
}

/* Detection records also go to central, through the spool. */
static int
report_to_daemon(void *arg, const char *line, size_t len)
{
	return daemon_report(arg, line, len);
}

/* Live: the control socket, metrics, and the board's watchdog and LEDs. */
static struct control *
start_control(const struct main_opts *m, const struct conf *c, struct engine *e,
    struct daemon *d, struct board **hw)
{
	struct board_opts bo = { .no_watchdog = m->no_watchdog };
	struct control_opts co = {
		.socket_path = m->ctl_socket, .metrics_port = (uint16_t)m->metrics_port,
		.firmware_version = firmware_version(), .site_id = c->site_id,
		.config_version = c->version, .uplink = daemon_uplink(d),
		.reload = daemon_reload(d),
	};
	struct control *ctl;
	char err[512];

	if ((*hw = board_open(&bo, err, sizeof(err))) == NULL)
		log_warnx("%s (no watchdog, no LEDs)", err);
	co.board = *hw;
	if ((ctl = control_new(&co, e, err, sizeof(err))) == NULL ||
	    control_start(ctl) == -1) {
		log_warnx("control: %s", ctl ? "cannot start its thread" : err);
		control_free(ctl);
		return NULL;
	}
	return ctl;
}

/* The pipeline with the daemon around it; the exit status of main. */
static int
run(struct main_opts *m, struct conf *c)
{
	struct daemon_opts dopt = { m->conf, firmware_version(), m->inject };
	struct control *ctl = NULL;
	struct board *hw = NULL;
	struct engine *e;
	struct daemon *d;
	char err[512] = "";
	int rc;

	if ((e = engine_new(c, &m->eo, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		return m->eo.live ? 1 : EXIT_BADINPUT;
	}
	if ((d = daemon_new(c, &dopt, err, sizeof(err))) == NULL) {
		log_warnx("%s", err);
		engine_free(e);
		return 1;
	}
	engine_set_reporter(e, report_to_daemon, d);
	if (engine_set_confswap(e, daemon_confswap(d)) == -1) {
		log_warnx("no room for another configuration reader");
		daemon_free(d);
		engine_free(e);
		return 1;
	}
	if ((m->eo.live && drop_privileges(m->user, m->user_required, d) == -1) ||
	    daemon_start(d, e, err, sizeof(err)) == -1) {
		if (err[0] != '\0')
			log_warnx("%s", err);
		daemon_free(d);
		engine_free(e);
		return 1;
	}
	if (m->eo.live)
		ctl = start_control(m, c, e, d, &hw);
	if ((rc = engine_run(e, err, sizeof(err))) == -1)
		log_warnx("%s", err);
	control_free(ctl);	/* before engine_free: stops sampling and ticks */
	board_close(hw);	/* a clean exit disarms the watchdog before the drain */
	daemon_engine_done(d);
	write_stats(e, m->eo.out);
	if (fflush(m->eo.out) == EOF || ferror(m->eo.out))
		log_warn("writing records"), rc = -1;
	(void)daemon_drain(d, m->drain_secs * USEC_PER_SEC);
	engine_free(e);		/* before daemon_free: its workers read the confswap */
	daemon_free(d);
	return rc == -1 ? (m->eo.live ? 1 : EXIT_BADINPUT) : 0;
}

/* -n -q ADDR: where each address falls, by the rules of the detect stage. */
static int
query_where(const struct main_opts *m, const struct conf *c)
{
	char err[256], cc[3], ip[REPORT_IP_LEN], path[CONF_STR_MAX + 16];
	struct prefix p;
	struct geo *g;
	size_t i;

	geo_path(c, path, sizeof(path));
	if ((g = geo_open(path, err, sizeof(err))) == NULL)
		log_warnx("geoip_db %s", err);
	printf("geoip_db %s: %s; home_country %s\n", path, geo_describe(g),
	    c->home_country);
	for (i = 0; i < m->nquery; i++) {
		enum geo_where w;

		if (strchr(m->query[i], '/') != NULL || prefix_parse(m->query[i], &p) == -1) {
			log_warnx("-q: not an address");
			geo_close(g);
			return -1;
		}
		w = geo_where(c, g, p.addr, cc);
		if (cc[0] == '\0')
			geo_country(g, p.addr, cc);
		printf("%s %s (%s), country %s\n", report_ip(p.addr, ip),
		    w == GEO_FOREIGN ? "foreign" : "domestic", geo_where_names[w],
		    cc[0] ? cc : "unknown");
	}
	geo_close(g);
	return 0;
}

int
main(int argc, char **argv)
{
	struct main_opts m;
	struct conf *c;
	int rc;

	parse_args(argc, argv, &m);
	log_init("goipwatchd", false, m.verbose);
	c = load_conf(&m);
	if (m.check) {
		if (m.verbose)
			conf_print(c, stdout);
		if (m.nquery && query_where(&m, c) == -1) {
			conf_free(c);
			return EXIT_BADINPUT;
		}
		fprintf(stderr, "configuration OK\n");
		conf_free(c);
		return 0;
	}
	if (m.self_test) {
		rc = selftest_run(c, m.eo.cap.source, stdout);
		conf_free(c);
		return rc;
	}
	m.eo.out = stdout;
	if (m.out != NULL && (m.eo.out = fopen(m.out, "w")) == NULL)
		fatal("%s", m.out);
	/* From a file, stdio's own buffer (4 KiB) made a system call per 4 KiB
	 * of records. Live and stdin (a pipe may be a live feed) keep it: a
	 * reader of -w waits for no more than that. A terminal keeps its lines. */
	if (!m.eo.live && strcmp(m.eo.cap.source, "-") != 0 && !isatty(fileno(m.eo.out)))
		setvbuf(m.eo.out, outbuf, _IOFBF, sizeof(outbuf));
	m.eo.cap.ring_bytes = c->ring_bytes;
	m.eo.cap.snaplen = (unsigned)c->snaplen;
	m.eo.cap.promisc = true;
	m.eo.cap.fanout_id = (unsigned)getpid() & 0xffff;
	signal(SIGPIPE, SIG_IGN);
	rc = run(&m, c);
	conf_free(c);
	return rc;
}
