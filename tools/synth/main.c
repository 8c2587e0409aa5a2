/* SPDX-License-Identifier: BSD-2-Clause */
/* synth: command table and option parsing for the trace synthesiser. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define SYNTH_TEMPLATES	"tools/synth/templates"

static void
usage(void)
{
	fprintf(stderr,
	    "usage: synth bench --profile newflows|steady|scan [-n PACKETS] [--seed N] -o FILE\n"
	    "       synth corpus [--seed N] [--scale X] --out DIR\n"
	    "common: --templates DIR (default " SYNTH_TEMPLATES ")\n");
}

static int
parse_u64(const char *s, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	if (errno != 0 || end == s || *end != '\0' || s[0] == '-') {
		fprintf(stderr, "synth: bad number: %s\n", s);
		return -1;
	}
	return 0;
}

static int
parse_scale(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !(*v > 0.0 && *v <= 100.0)) {
		fprintf(stderr, "synth: bad scale (0 < x <= 100): %s\n", s);
		return -1;
	}
	return 0;
}

static const struct option synth_longopts[] = {
	{ "profile", required_argument, NULL, 'p' },
	{ "packets", required_argument, NULL, 'n' },
	{ "seed", required_argument, NULL, 's' },
	{ "out", required_argument, NULL, 'o' },
	{ "scale", required_argument, NULL, 'x' },
	{ "templates", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

struct synth_args {
	const char *profile, *out, *templates;
	uint64_t packets, seed;
	double scale;
};

static int
synth_parse(int argc, char **argv, struct synth_args *a)
{
	int c;

	a->profile = "newflows";
	a->out = NULL;
	a->templates = SYNTH_TEMPLATES;
	a->packets = 1000000;
	a->seed = 1;
	a->scale = 1.0;
	while ((c = getopt_long(argc, argv, "p:n:s:o:x:t:h", synth_longopts, NULL)) != -1) {
		int rc = 0;
		switch (c) {
		case 'p': a->profile = optarg; break;
		case 'n': rc = parse_u64(optarg, &a->packets); break;
		case 's': rc = parse_u64(optarg, &a->seed); break;
		case 'o': a->out = optarg; break;
		case 'x': rc = parse_scale(optarg, &a->scale); break;
		case 't': a->templates = optarg; break;
		default: return -1;
		}
		if (rc != 0)
			return -1;
	}
	if (optind != argc || a->out == NULL)
		return -1;
	return 0;
}

static int
cmd_bench(const struct synth_args *a, const struct tmpl_set *ts)
{
	struct bench_opts o = { a->profile, a->out, a->packets, a->seed };

	return bench_run(&o, ts);
}

static int
cmd_corpus(const struct synth_args *a, const struct tmpl_set *ts)
{
	struct corpus_opts o = { a->out, a->seed, a->scale };

	return corpus_run(&o, ts);
}

static const struct {
	const char *name;
	int (*run)(const struct synth_args *, const struct tmpl_set *);
} synth_cmds[] = {
	{ "bench", cmd_bench },
	{ "corpus", cmd_corpus },
};

int
main(int argc, char **argv)
{
	struct synth_args a;
	struct tmpl_set ts;
	int rc = -1;

	if (argc < 2) {
		usage();
		return 2;
	}
	for (size_t i = 0; i < sizeof(synth_cmds) / sizeof(synth_cmds[0]); i++) {
		if (strcmp(argv[1], synth_cmds[i].name) != 0)
			continue;
		if (synth_parse(argc - 1, argv + 1, &a) != 0) {
			usage();
			return 2;
		}
		if (tmpl_load_dir(&ts, a.templates) != 0)
			return 1;
		rc = synth_cmds[i].run(&a, &ts);
		tmpl_fini(&ts);
		return rc == 0 ? 0 : 1;
	}
	usage();
	return 2;
}
