/* SPDX-License-Identifier: BSD-2-Clause */
/* bench: the `synth bench` and `synth corpus` entry points. */
#ifndef BENCH_H
#define BENCH_H

#include "synth.h"

struct bench_opts {
	const char *profile;
	const char *out;
	uint64_t packets;
	uint64_t seed;
};
int bench_run(const struct bench_opts *o, const struct tmpl_set *ts);

struct corpus_opts {
	const char *out_dir;
	uint64_t seed;
	double scale;		/* multiplies every scenario's duration */
};
int corpus_run(const struct corpus_opts *o, const struct tmpl_set *ts);

#endif
