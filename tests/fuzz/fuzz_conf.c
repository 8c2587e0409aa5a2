/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer harness for the config parser (conf.c over keytab.c): any bytes
 * either fail with a message or give a config whose printout parses back to
 * the same printout, with every key of the table equal.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "keytab.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(bool ok)
{
	if (!ok)
		__builtin_trap();
}

static char *
printed(const struct conf *c, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	check(f != NULL);
	conf_print(c, f);
	check(fclose(f) == 0);
	return buf;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct keytab *t = conf_keytab();
	struct conf *c, *c2;
	char err[256], *p1, *p2;
	size_t n1, n2, i;

	err[0] = '\0';
	if ((c = conf_parse((const char *)data, size, "fuzz", err, sizeof(err))) == NULL) {
		check(strncmp(err, "fuzz", 4) == 0);
		return 0;
	}
	p1 = printed(c, &n1);
	c2 = conf_parse(p1, n1, "printed", err, sizeof(err));
	check(c2 != NULL);
	p2 = printed(c2, &n2);
	check(n1 == n2 && memcmp(p1, p2, n1) == 0);
	for (i = 0; i < t->n; i++)
		check(keytab_equal(&t->keys[i], c, c2));
	free(p1);
	free(p2);
	conf_free(c);
	conf_free(c2);
	return 0;
}
