/* SPDX-License-Identifier: BSD-2-Clause */
/* goipwatch-central: the command table; each command lives in its module. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cfg.h"
#include "confstore.h"
#include "figures.h"
#include "fleet.h"
#include "leads.h"
#include "log.h"
#include "out.h"
#include "rings.h"
#include "server.h"
#include "sims.h"
#include "storage.h"
#include "tls-pki.h"
#include "version.h"

#define FRAME_BODY_MAX	(1 << 19)	/* a config body; the push frame must hold it */

struct ctx {
	struct cfg	 cfg;
	int		 argc;
	char		**argv;
	struct storage	*st;
};

static void __attribute__((noreturn))
usage(void)
{
	fputs("usage: goipwatch-central [-f central.conf] [-d DB] [-v] COMMAND\n"
	    "  serve                         run the TLS listener\n"
	    "  check                         check the configuration, print it\n"
	    "  leads [--tier T] [--overdue] [--json]\n"
	    "  lead show ID | lead feedback ID STATUS [--note TEXT] [--by NAME]\n"
	    "  rings | sims [--csv] | stats [--period day|week|month]\n"
	    "  export --csv|--json\n"
	    "  appliances | appliance group ID GROUP\n"
	    "  config set GROUP FILE | config status\n"
	    "  enroll CSR [-o CERT] [--days N]   sign an appliance CSR with the office CA\n"
	    "DB: sqlite:PATH (default sqlite:central.db) or postgresql://...\n", stderr);
	exit(2);
}

/* The value after flag at argv[i], or NULL when it is not there. */
static const char *
opt_val(struct ctx *x, const char *flag)
{
	for (int i = 1; i + 1 < x->argc; i++)
		if (strcmp(x->argv[i], flag) == 0)
			return x->argv[i + 1];
	return NULL;
}

static bool
opt_has(struct ctx *x, const char *flag)
{
	for (int i = 1; i < x->argc; i++)
		if (strcmp(x->argv[i], flag) == 0)
			return true;
	return false;
}

static int64_t
parse_id(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = s ? strtoll(s, &end, 10) : 0;
	if (s == NULL || errno != 0 || *end != '\0' || v <= 0) {
		fprintf(stderr, "goipwatch-central: want a lead id, not '%s'\n",
		    out_tty(&(struct out_tty){ 0 }, s));
		exit(2);
	}
	return v;
}

static int
cmd_serve(struct ctx *x)
{
	char err[512] = "";
	struct server *s = server_new(&x->cfg, err, sizeof(err));

	if (s == NULL)
		fatalx("serve: %s", err);
	server_run(s);
	server_free(s);
	return 0;
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
	struct leads_filter f = { opt_val(x, "--tier"), opt_has(x, "--overdue"),
	    (int64_t)time(NULL) };

	if (opt_has(x, "--json"))
		return leads_json(x->st, &f, stdout);
	return leads_list(x->st, &f, stdout);
}

static int
cmd_lead(struct ctx *x)
{
	const char *who = opt_val(x, "--by") ? opt_val(x, "--by") :
	    getenv("USER") ? getenv("USER") : "analyst";
	char err[300] = "";

	if (x->argc >= 3 && strcmp(x->argv[1], "show") == 0)
		return lead_show(x->st, parse_id(x->argv[2]), (int64_t)time(NULL), stdout);
	if (x->argc < 4 || strcmp(x->argv[1], "feedback") != 0)
		usage();
	if (lead_feedback(x->st, parse_id(x->argv[2]), x->argv[3], who,
	    opt_val(x, "--note"), (int64_t)time(NULL), err, sizeof(err)) == -1) {
		fprintf(stderr, "goipwatch-central: feedback: %s\n",
		    out_tty(&(struct out_tty){ 0 }, err));
		return 1;
	}
	printf("lead %s: %s by ", x->argv[2], x->argv[3]);
	out_tty_put(stdout, who);
	putchar('\n');
	return 0;
}

static int cmd_rings(struct ctx *x) { return rings_print(x->st, stdout); }
static int cmd_sims(struct ctx *x) { return sims_print(x->st, opt_has(x, "--csv"), stdout); }

static int
cmd_export(struct ctx *x)
{
	struct leads_filter f = { NULL, false, (int64_t)time(NULL) };

	if (opt_has(x, "--csv"))
		return leads_csv(x->st, stdout);
	if (opt_has(x, "--json"))
		return leads_json(x->st, &f, stdout);
	usage();
}

static int
cmd_stats(struct ctx *x)
{
	enum period p = PERIOD_DAY;

	if (opt_val(x, "--period") && period_parse(opt_val(x, "--period"), &p) == -1)
		usage();
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
	if (x->argc != 4 || strcmp(x->argv[1], "group") != 0)
		usage();
	return fleet_set_group(x->st, x->argv[2], x->argv[3]);
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = f ? malloc(FRAME_BODY_MAX + 1) : NULL;

	if (buf == NULL) {
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	*len = fread(buf, 1, FRAME_BODY_MAX + 1, f);
	fclose(f);
	if (*len > FRAME_BODY_MAX) {
		free(buf);
		return NULL;
	}
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
	if ((body = slurp(x->argv[3], &len)) == NULL)
		fatalx("%s: unreadable or larger than %d bytes", x->argv[3], FRAME_BODY_MAX);
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

static int
cmd_enroll(struct ctx *x)
{
	const char *outp = opt_val(x, "-o"), *days_s = opt_val(x, "--days");
	char pem[4096], serial[64], err[300];
	int days = days_s ? atoi(days_s) : 825;
	FILE *f;

	if (x->argc < 2 || days <= 0 || days > 3650)
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

struct command {
	const char	*name;
	int		(*fn)(struct ctx *);
	bool		 needs_db;
};

static const struct command commands[] = {
	{ "serve", cmd_serve, false }, { "check", cmd_check, false },
	{ "leads", cmd_leads, true }, { "lead", cmd_lead, true },
	{ "rings", cmd_rings, true }, { "sims", cmd_sims, true },
	{ "export", cmd_export, true }, { "stats", cmd_stats, true },
	{ "appliances", cmd_appliances, true }, { "appliance", cmd_appliance, true },
	{ "config", cmd_config, true }, { "enroll", cmd_enroll, false },
};

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
	struct ctx x = { 0 };
	char err[600];
	int i, verbose = 0, rc;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") == 0 && i + 1 < argc)
			conf = argv[++i];
		else if (strcmp(argv[i], "-d") == 0 && i + 1 < argc)
			db = argv[++i];
		else if (strcmp(argv[i], "-v") == 0)
			verbose++;
		else if (strcmp(argv[i], "-V") == 0)
			return puts("goipwatch-central " GW_VERSION) == EOF;
		else
			usage();
	}
	if (i == argc)
		usage();
	log_init("goipwatch-central", false, verbose + 1);
	load_cfg(&x, conf, db);
	x.argc = argc - i;
	x.argv = argv + i;
	for (size_t c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (strcmp(commands[c].name, x.argv[0]) != 0)
			continue;
		if (commands[c].needs_db &&
		    (x.st = storage_open(x.cfg.db, err, sizeof(err))) == NULL)
			fatalx("%s", err);
		if ((rc = commands[c].fn(&x)) == -1 && x.st != NULL)
			fprintf(stderr, "goipwatch-central: %s: %s\n", x.argv[0],
			    out_tty(&(struct out_tty){ 0 }, x.st->err));
		storage_close(x.st);
		return rc == 0 ? 0 : 1;
	}
	usage();
}
