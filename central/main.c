/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central: the command table; each command lives in its module. */
#include <sys/stat.h>

#include <errno.h>
#include <malloc.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "alert.h"
#include "api.h"
#include "audit.h"
#include "cfg.h"
#include "confstore.h"
#include "evidence-cli.h"
#include "figures.h"
#include "filestore.h"
#include "fleet.h"
#include "housekeep.h"
#include "leads.h"
#include "record.h"
#include "log.h"
#include "out.h"
#include "rings.h"
#include "rollout.h"
#include "server.h"
#include "sims.h"
#include "storage.h"
#include "tls-pki.h"
#include "users.h"
#include "version.h"

#define FRAME_BODY_MAX	(1 << 19)	/* a config body; the push frame must hold it */
#define MAX_ARGS	16		/* positional words and options of a command */
#define EXIT_USAGE	2

struct opt {
	const char	*name;
	const char	*val;		/* NULL: a flag */
};

struct ctx {
	struct cfg	 cfg;
	int		 argc;		/* the command and its positional words */
	const char	*argv[MAX_ARGS + 1];
	int		 nopts;
	struct opt	 opts[MAX_ARGS];
	struct storage	*st;
};

static void __attribute__((noreturn))
usage(void)
{
	fputs("usage: goipwatch-central [-f central.conf] [-d DB] [-v] COMMAND\n"
	    "       goipwatch-central --print-keys   every config key, its range and default\n"
	    "  serve                         run the TLS listener\n"
	    "  check                         check the configuration, print it\n"
	    "  leads [--tier T] [--overdue] [--status S,..] [--site S] [--assignee U]\n"
	    "        [--limit N] [--json]\n"
	    "  lead show ID | lead feedback ID STATUS [--note TEXT] [--by NAME]\n"
	    "  lead assign ID USER [--note TEXT] [--by NAME]\n"
	    "  rings [--since EPOCH] [--tier T] | stats [--period day|week|month]\n"
	    "  sims [--carrier MCCMNC] [--cutting] [--csv] | sim history [SIM]\n"
	    "  sim disposition SIM shut_down|restored|not_ours [--at EPOCH] [--note T]\n"
	    "  export --csv|--json\n"
	    "  alerts [--state pending|sent|failed]   the alert queue (docs/central.md)\n"
	    "  appliances | appliance group ID GROUP | appliance site ID SITE\n"
	    "  config set GROUP FILE | config status\n"
	    "  geodb add FILE [--group G] [--label L] | geodb status   push the country database\n"
	    "  firmware add BUNDLE [--group G] | firmware list   store a signed RAUC bundle\n"
	    "  firmware rollout VERSION --group G [--canary N] [--window SECONDS]\n"
	    "      [--allow-downgrade] | firmware status [VERSION] | firmware halt VERSION\n"
	    "      [--group G]   canaries first, the rest once they are healthy\n"
	    "  enroll CSR [-o CERT] [--days N]   sign an appliance CSR with the office CA\n"
	    "  evidence list|verify LEAD | evidence get LEAD [-o DIR]   a lead's evidence files\n"
	    "  evidence verify FILE [--ca CA]   FILE with FILE.sig, FILE.crt, offline\n"
	    "  housekeep                     one housekeeping round now (evidence retention)\n"
	    "  user add NAME --role ROLE [--carrier MCCMNC] [--cert-cn CN] [--password-stdin]\n"
	    "  user passwd NAME [--password-stdin] | user disable NAME | user list\n"
	    "  user token NAME --role ROLE | user revoke-token ID | user cert NAME CN\n"
	    "                                      (docs/api.md)\n"
	    "DB: sqlite:PATH (default sqlite:central.db) or postgresql://...\n", stderr);
	exit(EXIT_USAGE);
}

/* A wrong word on the command line: one line naming it, exit 2. */
static void __attribute__((noreturn, format(printf, 1, 2)))
bad_usage(const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fputs("goipwatch-central: ", stderr);
	out_tty_put(stderr, msg);	/* it echoes what was typed */
	fputs(" (goipwatch-central -h for usage)\n", stderr);
	exit(EXIT_USAGE);
}

/* The value of option flag, or NULL when it was not given. */
static const char *
opt_val(const struct ctx *x, const char *flag)
{
	for (int i = 0; i < x->nopts; i++)
		if (strcmp(x->opts[i].name, flag) == 0)
			return x->opts[i].val;
	return NULL;
}

static bool
opt_has(const struct ctx *x, const char *flag)
{
	for (int i = 0; i < x->nopts; i++)
		if (strcmp(x->opts[i].name, flag) == 0)
			return true;
	return false;
}

/*
 * Splits a command's words into positional ones and the options spec allows
 * ("--tier= --json": '=' takes a value). Anything else starting with '-' is an
 * error naming it.
 */
static void
parse_cmd_args(struct ctx *x, int argc, char **argv, const char *spec)
{
	size_t n;
	const char *p;

	x->argc = x->nopts = 0;
	for (int i = 0; i < argc; i++) {
		if (i == 0 || argv[i][0] != '-' || argv[i][1] == '\0') {
			if (x->argc == MAX_ARGS)
				bad_usage("%s: too many arguments", argv[0]);
			x->argv[x->argc++] = argv[i];
			continue;
		}
		n = strlen(argv[i]);
		for (p = spec; (p = strstr(p, argv[i])) != NULL; p += n)
			if ((p == spec || p[-1] == ' ') &&
			    (p[n] == '\0' || p[n] == ' ' || p[n] == '='))
				break;
		if (p == NULL)
			bad_usage("%s: unknown option '%s'", argv[0], argv[i]);
		if (x->nopts == MAX_ARGS)
			bad_usage("%s: too many options", argv[0]);
		x->opts[x->nopts].name = argv[i];
		x->opts[x->nopts].val = NULL;
		if (p[n] == '=' && (x->opts[x->nopts].val = argv[++i]) == NULL)
			bad_usage("%s: option '%s' needs a value", argv[0], argv[i - 1]);
		x->nopts++;
	}
	x->argv[x->argc] = NULL;
}

/*
 * An enumerated value, matched without regard to case; returns the canonical
 * name, or exits 2 naming the value and the accepted ones.
 */
static const char *
enum_val(const char *what, const char *v, const char *(*name)(int), int first)
{
	char list[256];
	size_t n = 0;
	const char *s;

	for (int i = first; (s = name(i)) != NULL; i++)
		if (strcasecmp(v, s) == 0)
			return s;
	list[0] = '\0';
	for (int i = first; (s = name(i)) != NULL && n < sizeof(list); i++)
		n += (size_t)snprintf(list + n, sizeof(list) - n, "%s%s", i > first ?
		    ", " : "", s);
	bad_usage("%s: unknown value '%s' (accepted: %s)", what, v, list);
}

/* record.c's tiers past "none", which no lead has. */
static const char *
tier_name(int i)
{
	return i >= 1 && i <= 3 ? record_tier_name(i) : NULL;
}

/* A whole decimal number in lo..hi, or exit 2 naming what and the value. */
static int64_t
num_val(const char *what, const char *s, int64_t lo, int64_t hi)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (*s == '\0' || errno != 0 || *end != '\0' || v < lo || v > hi)
		bad_usage("%s: want a whole number %" PRId64 "..%" PRId64 ", not '%s'",
		    what, lo, hi, s);
	return v;
}

static int64_t
parse_id(const char *s)
{
	return num_val("lead id", s ? s : "", 1, INT64_MAX);
}

static int
cmd_serve(struct ctx *x)
{
	char err[512] = "";
	struct server *s = server_new(&x->cfg, err, sizeof(err));
	struct api *a = NULL;
	struct housekeep *hk;
	struct alerter *al;

	if (s == NULL)
		fatalx("serve: %s", err);
	/*
	 * The console's answers are built in buffers of tens of KiB on a
	 * thread per connection: keep freed memory in the arenas instead of
	 * giving it back and faulting it in again for the next answer.
	 */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	/* After server_new: its threads inherit the blocked signals. */
	if (api_is_enabled(&x->cfg) && (a = api_start(&x->cfg, err, sizeof(err))) == NULL)
		fatalx("serve: %s", err);
	if ((hk = housekeep_start(&x->cfg, err, sizeof(err))) == NULL)
		fatalx("serve: %s", err);
	if ((al = alert_start(&x->cfg, err, sizeof(err))) == NULL)
		fatalx("serve: %s", err);
	server_run(s);
	alert_stop(al);
	housekeep_stop(hk);
	api_stop(a);
	server_free(s);
	return 0;
}

static int
cmd_user(struct ctx *x)
{
	struct users_cli u = {
		.role = opt_val(x, "--role"), .carrier = opt_val(x, "--carrier"),
		.cert_cn = opt_val(x, "--cert-cn"),
		.pw_stdin = opt_has(x, "--password-stdin"),
		.cost = { (uint32_t)x->cfg.api_argon2_t, (uint32_t)x->cfg.api_argon2_kib },
	};
	int rc = users_cli(x->st, &u, x->argc, x->argv);

	if (rc == -2)
		exit(EXIT_USAGE);
	return rc;
}

static int
cmd_check(struct ctx *x)
{
	cfg_print(&x->cfg, stdout);
	return 0;
}

static int
cmd_leads(struct ctx *x)
{
	const char *tier = opt_val(x, "--tier"), *status = opt_val(x, "--status");
	const char *limit = opt_val(x, "--limit");
	struct leads_filter f = { .tier = tier ? enum_val("--tier", tier, tier_name, 1) :
	    NULL, .overdue = opt_has(x, "--overdue"), .now = (int64_t)time(NULL),
	    .site = opt_val(x, "--site"), .assignee = opt_val(x, "--assignee"),
	    .limit = limit ? (int)num_val("--limit", limit, 1, 1000000) : 0 };
	char err[200];

	if (status != NULL && leads_filter_status(&f, status, err, sizeof(err)) == -1)
		bad_usage("--status: %s (accepted: new, acknowledged, confirmed,"
		    " false_positive, dismantled)", err);
	if (opt_has(x, "--json"))
		return leads_json(x->st, &f, stdout);
	return leads_list(x->st, &f, stdout);
}

/* lead feedback ID STATUS | lead assign ID USER: one workflow step. */
static int
lead_change(struct ctx *x, const char *who)
{
	const char *note = opt_val(x, "--note"), *verb = x->argv[1], *what;
	int64_t id = parse_id(x->argv[2]);
	char err[300] = "";
	enum lead_result rc;

	if (note != NULL && strlen(note) > LEAD_NOTE_MAX)
		bad_usage("--note: %d bytes at most", LEAD_NOTE_MAX);
	if (strcmp(verb, "assign") == 0) {
		what = x->argv[3];
		rc = lead_assign(x->st, id, what, who, note, (int64_t)time(NULL), err,
		    sizeof(err));
	} else {
		what = enum_val("status", x->argv[3], lead_status_name, 0);
		rc = lead_move(x->st, id, what, who, note, (int64_t)time(NULL), err,
		    sizeof(err));
	}
	if (rc != LEAD_OK) {
		fprintf(stderr, "goipwatch-central: %s: %s\n", verb,
		    out_tty(&(struct out_tty){ 0 }, err));
		return 1;
	}
	printf("lead %s: %s%s by ", x->argv[2], strcmp(verb, "assign") == 0 ?
	    "assigned to " : "", out_tty(&(struct out_tty){ 0 }, what));
	out_tty_put(stdout, who);
	putchar('\n');
	return 0;
}

static int
cmd_lead(struct ctx *x)
{
	const char *who = opt_val(x, "--by") ? opt_val(x, "--by") :
	    getenv("USER") ? getenv("USER") : "analyst";

	if (x->argc == 3 && strcmp(x->argv[1], "show") == 0)
		return lead_show(x->st, parse_id(x->argv[2]), (int64_t)time(NULL), stdout);
	if (x->argc != 4 || (strcmp(x->argv[1], "feedback") != 0 &&
	    strcmp(x->argv[1], "assign") != 0))
		usage();
	return lead_change(x, who);
}

/* evidence list|get|verify LEAD, evidence verify FILE (no database) */
static int
cmd_evidence(struct ctx *x)
{
	const char *ca = opt_val(x, "--ca") ? opt_val(x, "--ca") : x->cfg.tls_ca;
	const char *outdir = opt_val(x, "-o") ? opt_val(x, "-o") : ".";
	char who[64];

	if (evidence_cli_is_offline(x->argc, x->argv)) {
		if (ca[0] == '\0')
			bad_usage("evidence verify FILE: no office CA (--ca or tls_ca)");
		return evidence_verify_file(x->argv[2], ca, stdout);
	}
	if (x->argc != 3)
		usage();
	if (strcmp(x->argv[1], "list") == 0)
		return evidence_list(x->st, parse_id(x->argv[2]), stdout);
	if (strcmp(x->argv[1], "verify") == 0)
		return evidence_verify_lead(x->st, x->cfg.evidence_dir,
		    parse_id(x->argv[2]), stdout);
	if (strcmp(x->argv[1], "get") == 0)
		return evidence_get(x->st, x->cfg.evidence_dir, parse_id(x->argv[2]),
		    outdir, audit_unix_user(who, sizeof(who)), stdout);
	usage();
}

/* One housekeeping round now (serve runs them every housekeep_interval). */
static int
cmd_housekeep(struct ctx *x)
{
	return housekeep_once(x->st, &x->cfg, (int64_t)time(NULL));
}

static int
cmd_alerts(struct ctx *x)
{
	const char *st = opt_val(x, "--state");

	return alert_print(x->st, st ? enum_val("--state", st, alert_state_name, 0) :
	    NULL, stdout);
}

static int
cmd_rings(struct ctx *x)
{
	const char *tier = opt_val(x, "--tier"), *since = opt_val(x, "--since");
	struct rings_filter f = { .tier = tier ? enum_val("--tier", tier, tier_name, 1) :
	    NULL, .since = since ? num_val("--since", since, 0, INT64_MAX) : 0 };

	return rings_print(x->st, &f, stdout);
}

/* --carrier MCCMNC, or exit 2. */
static const char *
carrier_val(const struct ctx *x)
{
	const char *c = opt_val(x, "--carrier");

	if (c != NULL && !users_carrier_is_valid(c))
		bad_usage("--carrier: want MCC+MNC, 5 or 6 digits, not '%s'", c);
	return c;
}

static int
cmd_sims(struct ctx *x)
{
	struct sims_view v = { .f = { .carrier = carrier_val(x),
	    .cutting = opt_has(x, "--cutting") } };

	if (x->argc != 1)
		usage();
	if (opt_has(x, "--csv"))
		return sims_csv(x->st, &v, stdout, NULL);
	return sims_print(x->st, &v, stdout);
}

/* sim disposition KEY STATE [--at EPOCH] [--note T] | sim history [KEY] */
static int
cmd_sim(struct ctx *x)
{
	const char *at = opt_val(x, "--at");
	char who[80];
	struct sims_disposition d = { .note = opt_val(x, "--note"),
	    .who = audit_unix_user(who, sizeof(who)), .now = (int64_t)time(NULL) };
	struct sims_filter f = { 0 };
	int missing;

	if (x->argc >= 2 && x->argc <= 3 && strcmp(x->argv[1], "history") == 0) {
		f.key = x->argv[2];
		return sims_history_print(x->st, &f, stdout);
	}
	if (x->argc != 4 || strcmp(x->argv[1], "disposition") != 0)
		usage();
	d.disposition = enum_val("disposition", x->argv[3], sims_disposition_name, 0);
	d.at = at ? num_val("--at", at, SIMS_AT_MIN, d.now + SIMS_AT_SLACK) : d.now;
	if (d.note != NULL && strlen(d.note) >= SIMS_NOTE_MAX)
		bad_usage("--note: longer than %d bytes", SIMS_NOTE_MAX - 1);
	if (sims_dispose(x->st, &f, &x->argv[2], 1, &d, &missing) == -1) {
		if (missing == -1)
			return -1;
		fputs("goipwatch-central: sim disposition: no SIM ", stderr);
		out_tty_put(stderr, x->argv[2]);
		fputc('\n', stderr);
		return 1;
	}
	if (audit_add(x->st, who, NULL, "sim disposition", x->argv[2], d.disposition) == -1)
		return -1;
	printf("SIM %s: %s\n", out_tty(&(struct out_tty){ 0 }, x->argv[2]), d.disposition);
	return 0;
}

static int
cmd_export(struct ctx *x)
{
	struct leads_filter f = { .now = (int64_t)time(NULL) };

	if (opt_has(x, "--csv"))
		return leads_csv(x->st, &f, stdout);
	if (opt_has(x, "--json"))
		return leads_json(x->st, &f, stdout);
	usage();
}

static int
cmd_stats(struct ctx *x)
{
	enum period p = PERIOD_DAY;

	if (opt_val(x, "--period") != NULL)
		(void)period_parse(enum_val("--period", opt_val(x, "--period"),
		    period_name, 0), &p);
	return figures_print(x->st, p, (int64_t)time(NULL), stdout);
}

static int
cmd_appliances(struct ctx *x)
{
	int silent = fleet_print(x->st, (int64_t)time(NULL),
	    (int64_t)x->cfg.silent_after, stdout);

	if (silent > 0)
		printf("ALARM: %d appliance%s silent for more than %" PRIu64 " s\n", silent,
		    silent == 1 ? "" : "s", x->cfg.silent_after);
	return silent < 0 ? -1 : 0;
}

static int
cmd_appliance(struct ctx *x)
{
	const char *what = x->argc == 4 ? x->argv[1] : "";
	char err[300] = "";
	int rc;

	if (strcmp(what, "group") == 0)
		rc = fleet_set_group(x->st, x->argv[2], x->argv[3], err, sizeof(err));
	else if (strcmp(what, "site") == 0)
		rc = fleet_set_site(x->st, x->argv[2], x->argv[3], err, sizeof(err));
	else
		usage();
	if (rc == -1) {
		fprintf(stderr, "goipwatch-central: appliance %s: %s\n", what,
		    out_tty(&(struct out_tty){ 0 }, err));
		return 1;
	}
	return 0;
}

/* A regular file of at most FRAME_BODY_MAX bytes; NULL with the reason in err. */
static char *
slurp(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct stat sb;
	char *buf = NULL;

	if (f == NULL || fstat(fileno(f), &sb) == -1) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	} else if (!S_ISREG(sb.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
	} else if (sb.st_size > FRAME_BODY_MAX) {
		snprintf(err, errlen, "%s: larger than %d bytes", path, FRAME_BODY_MAX);
	} else if ((buf = malloc(FRAME_BODY_MAX + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
	} else if ((*len = fread(buf, 1, FRAME_BODY_MAX + 1, f)) > FRAME_BODY_MAX ||
	    ferror(f)) {
		snprintf(err, errlen, "%s: unreadable or larger than %d bytes", path,
		    FRAME_BODY_MAX);
		free(buf);
		buf = NULL;
	}
	if (f != NULL)
		fclose(f);
	return buf;
}

static int
cmd_config(struct ctx *x)
{
	const char *who = getenv("USER") ? getenv("USER") : "office";
	char err[300] = "", *body;
	uint64_t version;
	size_t len;

	if (x->argc == 2 && strcmp(x->argv[1], "status") == 0)
		return confstore_status(x->st, stdout);
	if (x->argc != 4 || strcmp(x->argv[1], "set") != 0)
		usage();
	if (x->cfg.config_key[0] == '\0')
		fatalx("config set: no config_key in the configuration");
	if ((body = slurp(x->argv[3], &len, err, sizeof(err))) == NULL)
		fatalx("config set: %s", err);
	if (confstore_set(x->st, x->argv[2], body, len, x->cfg.config_key, who, &version,
	    err, sizeof(err)) == -1) {
		free(body);
		fatalx("config set: %s", err);
	}
	free(body);
	printf("group %s: config version %" PRIu64 " signed and stored\n",
	    out_tty(&(struct out_tty){ 0 }, x->argv[2]), version);
	return 0;
}

/* geodb add FILE [--group G] [--label L] | geodb status */
static int
cmd_geodb(struct ctx *x)
{
	const char *who = getenv("USER") ? getenv("USER") : "office";
	const char *grp = opt_val(x, "--group") ? opt_val(x, "--group") : "default";
	const char *label = opt_val(x, "--label"), *base;
	char err[600] = "";
	uint64_t version;

	if (x->argc == 2 && strcmp(x->argv[1], "status") == 0)
		return filestore_status(x->st, FRAME_FILE_GEODB, stdout);
	if (x->argc != 3 || strcmp(x->argv[1], "add") != 0)
		usage();
	if (x->cfg.config_key[0] == '\0')
		fatalx("geodb add: no config_key in the configuration (it signs the offer)");
	base = strrchr(x->argv[2], '/') ? strrchr(x->argv[2], '/') + 1 : x->argv[2];
	if (filestore_add(x->st, x->cfg.files_dir, FRAME_FILE_GEODB, grp, x->argv[2],
	    label ? label : base, x->cfg.config_key, who, &version, err,
	    sizeof(err)) == -1)
		fatalx("geodb add: %s", err);
	printf("group %s: geodb version %" PRIu64 " signed and stored\n",
	    out_tty(&(struct out_tty){ 0 }, grp), version);
	return 0;
}

/* firmware rollout VERSION --group G [--canary N] [--window S] [--allow-downgrade] */
static int
firmware_rollout(struct ctx *x, const char *who)
{
	const char *canary = opt_val(x, "--canary"), *window = opt_val(x, "--window");
	struct rollout_req q = { .fw_version = x->argv[2], .grp = opt_val(x, "--group"),
	    .who = who, .keypath = x->cfg.config_key,
	    .canaries = canary ? num_val("--canary", canary, 1, 100000) : 1,
	    .window = window ? num_val("--window", window, 1, 86400 * 30) : 3600,
	    .allow_downgrade = opt_has(x, "--allow-downgrade") };
	char err[600] = "";
	int64_t id;

	if (q.grp == NULL)
		bad_usage("firmware rollout: --group G is required");
	if (q.allow_downgrade && x->cfg.config_key[0] == '\0')
		fatalx("firmware rollout: no config_key in the configuration (it signs"
		    " the offer that allows a downgrade)");
	if (rollout_start(x->st, &q, (int64_t)time(NULL), &id, err, sizeof(err)) == -1)
		fatalx("firmware rollout: %s", err);	/* log.c escapes it */
	printf("rollout %" PRId64 ": firmware %s to group %s, %" PRId64 " canar%s first"
	    " (window %" PRId64 " s%s)\n", id, out_tty(&(struct out_tty){ 0 }, q.fw_version),
	    out_tty(&(struct out_tty){ 0 }, q.grp), q.canaries, q.canaries == 1 ? "y" :
	    "ies", q.window, q.allow_downgrade ? ", downgrade allowed" : "");
	return 0;
}

static int
firmware_halt(struct ctx *x, const char *who)
{
	char err[600] = "";
	int n;

	if ((n = rollout_halt(x->st, x->argv[2], opt_val(x, "--group"), who,
	    (int64_t)time(NULL), err, sizeof(err))) == -1)
		fatalx("firmware halt: %s", err);
	if (n == 0)
		fatalx("firmware halt: no active rollout of firmware %s",
		    out_tty(&(struct out_tty){ 0 }, x->argv[2]));
	printf("%d rollout%s of firmware %s halted\n", n, n == 1 ? "" : "s",
	    out_tty(&(struct out_tty){ 0 }, x->argv[2]));
	return 0;
}

/* firmware add BUNDLE [--group G] | list | rollout | status [VERSION] | halt */
static int
cmd_firmware(struct ctx *x)
{
	const char *who = getenv("USER") ? getenv("USER") : "office";
	const char *grp = opt_val(x, "--group") ? opt_val(x, "--group") : "default";
	char err[600] = "", label[FILESTORE_LABEL];
	uint64_t version;

	if (x->argc == 2 && strcmp(x->argv[1], "list") == 0)
		return filestore_firmware_list(x->st, stdout);
	if ((x->argc == 2 || x->argc == 3) && strcmp(x->argv[1], "status") == 0)
		return rollout_status(x->st, x->argc == 3 ? x->argv[2] : NULL, stdout);
	if (x->argc == 3 && strcmp(x->argv[1], "rollout") == 0)
		return firmware_rollout(x, who);
	if (x->argc == 3 && strcmp(x->argv[1], "halt") == 0)
		return firmware_halt(x, who);
	if (x->argc != 3 || strcmp(x->argv[1], "add") != 0)
		usage();
	if (x->cfg.config_key[0] == '\0')
		fatalx("firmware add: no config_key in the configuration"
		    " (it signs the offer)");
	if (filestore_firmware_info(x->cfg.firmware_ca, x->cfg.files_dir, x->argv[2],
	    label, sizeof(label), err, sizeof(err)) == -1)
		fatalx("firmware add: %s: refused: %s",
		    out_tty(&(struct out_tty){ 0 }, x->argv[2]), err);
	if (filestore_add(x->st, x->cfg.files_dir, FRAME_FILE_FIRMWARE, grp, x->argv[2],
	    label, x->cfg.config_key, who, &version, err, sizeof(err)) == -1)
		fatalx("firmware add: %s", err);
	printf("group %s: firmware %s stored as version %" PRIu64 " (offered only by a"
	    " rollout)\n", out_tty(&(struct out_tty){ 0 }, grp), label, version);
	return 0;
}

static int
cmd_enroll(struct ctx *x)
{
	const char *outp = opt_val(x, "-o"), *days_s = opt_val(x, "--days");
	char pem[4096], serial[64], err[300];
	int days = days_s ? (int)num_val("--days", days_s, 1, 3650) : 825;
	FILE *f;

	if (x->argc != 2)
		usage();
	if (x->cfg.ca_key[0] == '\0' || x->cfg.tls_ca[0] == '\0')
		fatalx("enroll: tls_ca and ca_key must be configured");
	if (pki_enroll(x->cfg.tls_ca, x->cfg.ca_key, x->argv[1], days, pem, sizeof(pem),
	    serial, sizeof(serial), err, sizeof(err)) == -1)
		fatalx("enroll: %s", err);
	if ((f = outp ? fopen(outp, "w") : stdout) == NULL || fputs(pem, f) == EOF)
		fatalx("enroll: %s: %s", outp, strerror(errno));
	if (outp != NULL)
		fclose(f);
	if (x->cfg.allow_serials[0] != '\0' &&
	    (f = fopen(x->cfg.allow_serials, "a")) != NULL) {
		fprintf(f, "%s\n", serial);
		fclose(f);
	}
	fprintf(stderr, "enrolled: serial %s\n", serial);
	return 0;
}

enum db_use { DB_NONE, DB_READ, DB_WRITE };

struct command {
	const char	*name;
	int		(*fn)(struct ctx *);
	enum db_use	 db;
	const char	*opts;		/* accepted options; '=': takes a value */
	const char	*read_subs;	/* DB_WRITE commands: read-only subcommands
					 * (words separated by one blank) */
};

static const struct command commands[] = {
	{ "serve", cmd_serve, DB_NONE, "", NULL },
	{ "check", cmd_check, DB_NONE, "", NULL },
	{ "leads", cmd_leads, DB_READ, "--tier= --overdue --json --status= --site="
	    " --assignee= --limit=", NULL },
	{ "lead", cmd_lead, DB_WRITE, "--note= --by=", "show" },
	{ "alerts", cmd_alerts, DB_READ, "--state=", NULL },
	{ "rings", cmd_rings, DB_READ, "--since= --tier=", NULL },
	{ "sims", cmd_sims, DB_READ, "--carrier= --cutting --csv", NULL },
	{ "sim", cmd_sim, DB_WRITE, "--at= --note=", "history" },
	{ "export", cmd_export, DB_READ, "--csv --json", NULL },
	{ "stats", cmd_stats, DB_READ, "--period=", NULL },
	{ "appliances", cmd_appliances, DB_READ, "", NULL },
	{ "appliance", cmd_appliance, DB_WRITE, "", NULL },
	{ "config", cmd_config, DB_WRITE, "", "status" },
	{ "geodb", cmd_geodb, DB_WRITE, "--group= --label=", "status" },
	{ "firmware", cmd_firmware, DB_WRITE, "--group= --canary= --window="
	    " --allow-downgrade", "list status" },
	{ "enroll", cmd_enroll, DB_NONE, "-o= --days=", NULL },
	{ "evidence", cmd_evidence, DB_WRITE, "-o= --ca=", "list" },
	{ "housekeep", cmd_housekeep, DB_WRITE, "", NULL },
	{ "user", cmd_user, DB_WRITE, "--role= --carrier= --cert-cn= --password-stdin",
	    "list" },
};

/* Is w one of the blank-separated words of list? */
static bool
word_in(const char *list, const char *w)
{
	size_t n = strlen(w);

	if (n == 0)
		return false;
	for (const char *p = list; (p = strstr(p, w)) != NULL; p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == '\0' || p[n] == ' '))
			return true;
	return false;
}

/* Read-only commands open the database read-only and never migrate it. */
static enum db_use
db_use(const struct command *c, const struct ctx *x)
{
	if (c->fn == cmd_evidence && evidence_cli_is_offline(x->argc, x->argv))
		return DB_NONE;
	if (c->db == DB_WRITE && c->read_subs != NULL && x->argc > 1 &&
	    word_in(c->read_subs, x->argv[1]))
		return DB_READ;
	return c->db;
}

static void
load_cfg(struct ctx *x, const char *path, const char *db)
{
	char err[600];

	cfg_defaults(&x->cfg);
	if (path != NULL && cfg_load(&x->cfg, path, err, sizeof(err)) == -1)
		fatalx("%s", err);
	if (db != NULL && cfg_set(&x->cfg, "db", db, err, sizeof(err)) == -1)
		fatalx("-d: %s", err);
}

int
main(int argc, char **argv)
{
	const char *conf = NULL, *db = NULL;
	const struct command *c = NULL;
	struct ctx x = { 0 };
	char err[600];
	int i, verbose = 0, rc;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if ((strcmp(argv[i], "-f") == 0 || strcmp(argv[i], "-d") == 0) &&
		    i + 1 == argc)
			bad_usage("option '%s' needs a value", argv[i]);
		if (strcmp(argv[i], "-f") == 0)
			conf = argv[++i];
		else if (strcmp(argv[i], "-d") == 0)
			db = argv[++i];
		else if (strcmp(argv[i], "-v") == 0)
			verbose++;
		else if (strcmp(argv[i], "-V") == 0)
			return puts("goipwatch-central " GW_VERSION) == EOF;
		else if (strcmp(argv[i], "-h") == 0)
			usage();
		else if (strcmp(argv[i], "--print-keys") == 0) {
			cfg_print_keys(stdout);
			return 0;
		}
		else
			bad_usage("unknown option '%s'", argv[i]);
	}
	if (i == argc)
		usage();
	for (size_t k = 0; k < sizeof(commands) / sizeof(commands[0]); k++)
		if (strcmp(commands[k].name, argv[i]) == 0)
			c = &commands[k];
	if (c == NULL)
		bad_usage("unknown command '%s'", argv[i]);
	parse_cmd_args(&x, argc - i, argv + i, c->opts);
	log_init("goipwatch-central", false, verbose + 1);
	load_cfg(&x, conf, db);
	if (db_use(c, &x) != DB_NONE && (x.st = storage_open_mode(x.cfg.db,
	    db_use(c, &x) == DB_READ, err, sizeof(err))) == NULL)
		fatalx("%s", err);	/* log.c escapes it */
	if ((rc = c->fn(&x)) == -1 && x.st != NULL)
		fprintf(stderr, "goipwatch-central: %s: %s\n", x.argv[0],
		    out_tty(&(struct out_tty){ 0 }, x.st->err));
	storage_close(x.st);
	return rc == 0 ? 0 : 1;
}
