/* SPDX-License-Identifier: BSD-2-Clause */
/* corpus: the labelled scenario captures and labels.json. */
#include <stdio.h>

#include "bench.h"

int
corpus_run(const struct corpus_opts *o, const struct tmpl_set *ts)
{
	(void)o;
	(void)ts;
	fprintf(stderr, "synth corpus: not implemented yet\n");
	return -1;
}
