/* SPDX-License-Identifier: BSD-2-Clause */
/* Table-driven "key value" configuration: parse, range check, print, list. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "keytab.h"

#define US_PER_S	(uint64_t)1000000

const struct keytab_key *
keytab_find(const struct keytab *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->keys[i].name, name) == 0)
			return &t->keys[i];
	return NULL;
}

/* Whole decimal number, nothing else; never atoi. */
static int
keytab_u64(const char *s, uint64_t *v, const char **end)
{
	char *e;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &e, 10);
	if (errno != 0)
		return -1;
	*end = e;
	return 0;
}

static int
keytab_dur(const char *s, uint64_t *us)
{
	static const struct { const char *sfx; uint64_t mul; } units[] = {
		{ "", US_PER_S }, { "s", US_PER_S }, { "ms", 1000 },
		{ "m", 60 * US_PER_S }, { "h", 3600 * US_PER_S }, { "d", 86400 * US_PER_S },
	};
	const char *e;
	uint64_t v;
	size_t i;

	if (keytab_u64(s, &v, &e) == -1)
		return -1;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(e, units[i].sfx) != 0)
			continue;
		if (v > UINT64_MAX / units[i].mul)
			return -1;
		*us = v * units[i].mul;
		return 0;
	}
	return -1;
}

static bool
keytab_choice_ok(const char *choices, const char *v)
{
	size_t n = strlen(v);
	const char *p = choices;

	while (p != NULL) {
		if (strncmp(p, v, n) == 0 && (p[n] == '|' || p[n] == '\0'))
			return true;
		if ((p = strchr(p, '|')) != NULL)
			p++;
	}
	return false;
}

static bool
is_digits(const struct keytab_key *k)
{
	return k->choices != NULL && strcmp(k->choices, KEYTAB_DIGITS) == 0;
}

int
keytab_set(const struct keytab_key *k, void *obj, const char *v, const char **why)
{
	void *dst = (char *)obj + k->off;
	const char *e;
	uint64_t n;

	if (is_digits(k) && v[strspn(v, KEYTAB_DIGITS)] != '\0')
		return *why = "digits only, one per line", -1;
	switch (k->type) {
	case KT_U64:
		if (keytab_u64(v, &n, &e) == -1 || *e != '\0')
			return *why = "not a whole number", -1;
		break;
	case KT_DUR:
		if (keytab_dur(v, &n) == -1)
			return *why = "not a duration (N, Ns, Nms, Nm, Nh, Nd)", -1;
		break;
	case KT_STR:
		if (strlen(v) >= k->max)
			return *why = "too long", -1;
		if (k->choices != NULL && !is_digits(k) && !keytab_choice_ok(k->choices, v))
			return *why = "not one of the allowed values", -1;
		memcpy(dst, v, strlen(v) + 1);
		return 0;
	case KT_LIST:
		return k->list->add(dst, v, why);
	default:
		return *why = "bad key type", -1;
	}
	if (n < k->min || n > k->max)
		return *why = "out of range", -1;
	memcpy(dst, &n, sizeof(n));
	return 0;
}

/* A list default is its entries, space separated; "" sets none. */
static int
keytab_set_default(const struct keytab_key *k, void *obj, const char **why)
{
	char buf[512], *p, *save = NULL;

	if (k->type != KT_LIST)
		return keytab_set(k, obj, k->def, why);
	if (strlen(k->def) >= sizeof(buf))
		return *why = "too long", -1;
	memcpy(buf, k->def, strlen(k->def) + 1);
	k->list->clear((char *)obj + k->off);
	for (p = strtok_r(buf, " ", &save); p != NULL; p = strtok_r(NULL, " ", &save))
		if (keytab_set(k, obj, p, why) == -1)
			return -1;
	return 0;
}

int
keytab_defaults(const struct keytab *t, void *obj, char *err, size_t errlen)
{
	const char *why;
	size_t i;

	for (i = 0; i < t->n; i++) {
		if (t->keys[i].def == NULL)
			continue;
		if (keytab_set_default(&t->keys[i], obj, &why) == -1) {
			snprintf(err, errlen, "default of %s: %s", t->keys[i].name, why);
			return -1;
		}
	}
	return 0;
}

bool
keytab_is_set(const struct keytab *t, const uint64_t *set, size_t i)
{
	return i < t->n && (set[i / 64] >> (i % 64) & 1) != 0;
}

void
keytab_mark(const struct keytab *t, uint64_t *set, size_t i)
{
	if (i < t->n)
		set[i / 64] |= (uint64_t)1 << (i % 64);
}

/* Splits one line into key and value in place; returns false for blank lines. */
static bool
keytab_split(char *line, char **key, char **val)
{
	char *p;

	if ((p = strchr(line, '#')) != NULL)
		*p = '\0';
	while (*line == ' ' || *line == '\t')
		line++;
	p = line + strlen(line);
	while (p > line && (p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\r'))
		*--p = '\0';
	if (*line == '\0')
		return false;
	*key = line;
	p = line + strcspn(line, " \t");
	if (*p != '\0')
		*p++ = '\0';
	while (*p == ' ' || *p == '\t')
		p++;
	*val = p;
	return true;
}

static int
keytab_line(const struct keytab *t, void *obj, uint64_t *set, char *line,
    const char **why)
{
	const struct keytab_key *k;
	char *key, *val;
	size_t i;

	if (!keytab_split(line, &key, &val))
		return 0;
	if ((k = keytab_find(t, key)) == NULL)
		return *why = "unknown key", -1;
	if (*val == '\0')
		return *why = "missing value", -1;
	if (!t->blanks && strpbrk(val, " \t") != NULL)
		return *why = "one value per line", -1;
	i = (size_t)(k - t->keys);
	/* the text's first entry of a list replaces the default entries */
	if (k->type == KT_LIST && !keytab_is_set(t, set, i))
		k->list->clear((char *)obj + k->off);
	if (keytab_set(k, obj, val, why) == -1)
		return -1;
	keytab_mark(t, set, i);
	return 0;
}

int
keytab_parse(const struct keytab *t, void *obj, uint64_t *set, const char *buf,
    size_t len, const char *name, char *err, size_t errlen)
{
	const char *p = buf, *end = buf + len, *nl, *why = NULL;
	size_t lineno = 0, n;
	char *line;

	if ((line = malloc(t->line_max + 1)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", name);
		return -1;
	}
	for (; p < end; p = nl + 1) {
		lineno++;
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			nl = end;
		n = (size_t)(nl - p);
		if (n > t->line_max) {
			why = "line too long";
		} else if (memchr(p, '\0', n) != NULL) {
			why = "NUL byte";
		} else {
			memcpy(line, p, n);
			line[n] = '\0';
			if (keytab_line(t, obj, set, line, &why) == 0)
				continue;
		}
		snprintf(err, errlen, "%s:%zu: %s", name, lineno, why);
		free(line);
		return -1;
	}
	free(line);
	return 0;
}

char *
keytab_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	char *buf = NULL;
	FILE *f;
	long sz;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fseek(f, 0, SEEK_END) == -1 || (sz = ftell(f)) < 0 || sz > (1 << 24) ||
	    fseek(f, 0, SEEK_SET) == -1) {
		snprintf(err, errlen, "%s: unreadable or larger than 16 MiB", path);
		fclose(f);
		return NULL;
	}
	if ((buf = malloc((size_t)sz + 1)) == NULL ||
	    fread(buf, 1, (size_t)sz, f) != (size_t)sz) {
		snprintf(err, errlen, "%s: read failed", path);
		free(buf);
		buf = NULL;
	} else {
		buf[sz] = '\0';
		*len = (size_t)sz;
	}
	fclose(f);
	return buf;
}

static void
dur_print(FILE *out, uint64_t us)
{
	if (us % US_PER_S != 0)
		fprintf(out, "%" PRIu64 "ms", us / 1000);
	else
		fprintf(out, "%" PRIu64 "s", us / US_PER_S);
}

void
keytab_print_key(const struct keytab_key *k, const void *obj, FILE *out)
{
	const void *v = (const char *)obj + k->off;
	uint64_t n;

	switch (k->type) {
	case KT_U64:
	case KT_DUR:
		memcpy(&n, v, sizeof(n));
		fprintf(out, "%s ", k->name);
		if (k->type == KT_U64)
			fprintf(out, "%" PRIu64, n);
		else
			dur_print(out, n);
		fputc('\n', out);
		break;
	case KT_STR:
		if (*(const char *)v != '\0')
			fprintf(out, "%s %s\n", k->name, (const char *)v);
		break;
	case KT_LIST:
		k->list->print(k->name, v, out);
		break;
	}
}

void
keytab_print(const struct keytab *t, const void *obj, FILE *out)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		keytab_print_key(&t->keys[i], obj, out);
}

/* The key's printout in a heap string; NULL when out of memory. */
static char *
keytab_printed(const struct keytab_key *k, const void *obj)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if ((f = open_memstream(&buf, &len)) == NULL)
		return NULL;
	keytab_print_key(k, obj, f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

bool
keytab_equal(const struct keytab_key *k, const void *a, const void *b)
{
	char *x, *y;
	bool eq;

	if (k->type != KT_LIST)
		return k->type == KT_STR ?
		    strcmp((const char *)a + k->off, (const char *)b + k->off) == 0 :
		    memcmp((const char *)a + k->off, (const char *)b + k->off, 8) == 0;
	x = keytab_printed(k, a);
	y = keytab_printed(k, b);
	eq = x != NULL && y != NULL && strcmp(x, y) == 0;
	free(x);
	free(y);
	return eq;
}

/* A list by its printout: "key value" lines back through keytab_set. */
static int
keytab_copy_list(const struct keytab_key *k, void *dst, const void *src)
{
	char *buf = keytab_printed(k, src), *p, *nl, *sp;
	const char *why;
	int rc = 0;

	if (buf == NULL)
		return -1;
	k->list->clear((char *)dst + k->off);
	for (p = buf; rc == 0 && (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
		*nl = '\0';
		if ((sp = strchr(p, ' ')) == NULL)
			rc = -1;
		else
			rc = keytab_set(k, dst, sp + 1, &why);
	}
	free(buf);
	return rc;
}

int
keytab_copy(const struct keytab_key *k, void *dst, const void *src)
{
	if (k->type == KT_LIST)
		return keytab_copy_list(k, dst, src);
	memcpy((char *)dst + k->off, (const char *)src + k->off,
	    k->type == KT_STR ? (size_t)k->max : sizeof(uint64_t));
	return 0;
}

/* A bound for the listing: 2^N for large powers of two, durations in units. */
static void
bound_print(FILE *out, const struct keytab_key *k, uint64_t v)
{
	static const struct { const char *sfx; uint64_t mul; } units[] = {
		{ "d", 86400 * US_PER_S }, { "h", 3600 * US_PER_S },
		{ "m", 60 * US_PER_S }, { "s", US_PER_S }, { "ms", 1000 },
	};
	size_t i;

	if (k->type == KT_DUR) {
		for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (v != 0 && v % units[i].mul == 0) {
				fprintf(out, "%" PRIu64 "%s", v / units[i].mul, units[i].sfx);
				return;
			}
		fprintf(out, "%" PRIu64 "%s", v, v == 0 ? "s" : "us");
	} else if (v == UINT64_MAX)
		fprintf(out, "2^64-1");
	else if (v >= 1024 && (v & (v - 1)) == 0)
		fprintf(out, "2^%d", __builtin_ctzll(v));
	else
		fprintf(out, "%" PRIu64, v);
}

static void
range_print(FILE *out, const struct keytab_key *k)
{
	const char *p;

	if (k->type == KT_U64 || k->type == KT_DUR) {
		bound_print(out, k, k->min);
		fputc('-', out);
		bound_print(out, k, k->max);
	} else if (k->choices != NULL && is_digits(k))
		fputs("digits", out);
	else if (k->choices != NULL) {
		for (p = k->choices; *p != '\0'; p++) {	/* '|' would end the cell */
			if (*p == '|')
				fputs(", ", out);
			else
				fputc(*p, out);
		}
	} else if (k->type == KT_STR)
		fprintf(out, "up to %" PRIu64 " bytes", k->max - 1);
	else
		fprintf(out, "%s, repeated", k->list->what);
}

void
keytab_print_keys(const struct keytab *t, FILE *out)
{
	static const char *const types[] = { "number", "duration", "text", "list" };
	const struct keytab_key *k;
	size_t i;

	for (i = 0; i < t->n; i++) {
		k = &t->keys[i];
		fprintf(out, "| `%s` | %s | %s | ", k->name, types[k->type],
		    k->def == NULL || k->def[0] == '\0' ? "-" : k->def);
		range_print(out, k);
		fprintf(out, " | %s |\n", k->applies == KT_START ? "start" : "reload");
	}
}

void
keytab_fini(const struct keytab *t, void *obj)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->keys[i].type == KT_LIST)
			t->keys[i].list->clear((char *)obj + t->keys[i].off);
}
