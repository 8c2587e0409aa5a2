/* SPDX-License-Identifier: BSD-2-Clause */
/* Strict JSON request bodies: only the fields a route names, each of its type. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "apibody.h"
#include "utf8.h"

/* 2^53: beyond it a JSON number (a double) no longer holds every integer. */
#define EXACT_MAX	9007199254740992.0

/* A string of at most cap - 1 bytes of UTF-8 into buf; -1 with err. */
static int
take_str(const cJSON *m, const char *name, char *buf, size_t cap, char *err,
    size_t errlen)
{
	size_t len;

	if (!cJSON_IsString(m))
		return snprintf(err, errlen, "field '%s' must be a string", name), -1;
	len = strlen(m->valuestring);
	if (len >= cap)
		return snprintf(err, errlen, "field '%s' is too long (%zu bytes at most)",
		    name, cap - 1), -1;
	if (!utf8_is_valid(m->valuestring, len))
		return snprintf(err, errlen, "field '%s' is not UTF-8", name), -1;
	memcpy(buf, m->valuestring, len + 1);
	return 0;
}

static int
take_int(const cJSON *m, struct apibody_int *d, char *err, size_t errlen)
{
	double v = m->valuedouble;

	if (!cJSON_IsNumber(m))
		return snprintf(err, errlen, "field '%s' must be a number", d->name), -1;
	if (!(v >= -EXACT_MAX && v <= EXACT_MAX) || (double)(int64_t)v != v)
		return snprintf(err, errlen, "field '%s' must be a whole number",
		    d->name), -1;
	if ((int64_t)v < d->lo || (int64_t)v > d->hi)
		return snprintf(err, errlen, "field '%s' must be %lld..%lld", d->name,
		    (long long)d->lo, (long long)d->hi), -1;
	d->v = (int64_t)v;
	return 0;
}

static int
take_strs(const cJSON *m, struct apibody_strs *d, char *err, size_t errlen)
{
	const cJSON *e;
	int n = 0;

	if (!cJSON_IsArray(m))
		return snprintf(err, errlen, "field '%s' must be an array of strings",
		    d->name), -1;
	cJSON_ArrayForEach(e, m) {
		if (n == d->max)
			return snprintf(err, errlen, "field '%s' has more than %d"
			    " elements", d->name, d->max), -1;
		if (take_str(e, d->name, d->buf + (size_t)n * d->cap, d->cap, err,
		    errlen) == -1)
			return -1;
		n++;
	}
	if (n == 0)
		return snprintf(err, errlen, "field '%s' is empty", d->name), -1;
	d->n = n;
	return 0;
}

/* The field named m->string into its place; 0 when no field has that name. */
static int
take_named(const cJSON *m, struct apibody_spec *sp, bool **seen, char *err,
    size_t errlen)
{
	const char *k = m->string;

	for (int i = 0; i < sp->nstr; i++)
		if (strcmp(sp->str[i].name, k) == 0) {
			*seen = &sp->str[i].seen;
			return **seen ? 1 : take_str(m, k, sp->str[i].buf, sp->str[i].cap,
			    err, errlen);
		}
	for (int i = 0; i < sp->nnum; i++)
		if (strcmp(sp->num[i].name, k) == 0) {
			*seen = &sp->num[i].seen;
			return **seen ? 1 : take_int(m, &sp->num[i], err, errlen);
		}
	for (int i = 0; i < sp->nstrs; i++)
		if (strcmp(sp->strs[i].name, k) == 0) {
			*seen = &sp->strs[i].seen;
			return **seen ? 1 : take_strs(m, &sp->strs[i], err, errlen);
		}
	*seen = NULL;
	return 0;
}

/* One member of the object into its field; -1 with err. */
static int
take(const cJSON *m, struct apibody_spec *sp, char *err, size_t errlen)
{
	bool *seen;
	int rc = take_named(m, sp, &seen, err, errlen);

	if (seen == NULL)
		return snprintf(err, errlen, "unknown field"), -1;
	if (rc == 1)
		return snprintf(err, errlen, "field '%s' given twice", m->string), -1;
	*seen = rc == 0;
	return rc;
}

/* The first required field not seen, or NULL. */
static const char *
missing(const struct apibody_spec *sp)
{
	for (int i = 0; i < sp->nstr; i++)
		if (sp->str[i].required && !sp->str[i].seen)
			return sp->str[i].name;
	for (int i = 0; i < sp->nnum; i++)
		if (sp->num[i].required && !sp->num[i].seen)
			return sp->num[i].name;
	for (int i = 0; i < sp->nstrs; i++)
		if (sp->strs[i].required && !sp->strs[i].seen)
			return sp->strs[i].name;
	return NULL;
}

int
apibody_parse_spec(const char *body, size_t len, struct apibody_spec *sp, char *err,
    size_t errlen)
{
	cJSON *root = cJSON_ParseWithLength(body, len), *m;
	const char *name;
	int rc = 0;

	if (root == NULL || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return snprintf(err, errlen, "want a JSON object"), -1;
	}
	for (m = root->child; m != NULL && rc == 0; m = m->next)
		rc = take(m, sp, err, errlen);
	if (rc == 0 && (name = missing(sp)) != NULL) {
		snprintf(err, errlen, "field '%s' is missing", name);
		rc = -1;
	}
	cJSON_Delete(root);
	return rc;
}

int
apibody_parse(const char *body, size_t len, struct apibody_field *f, int n,
    char *err, size_t errlen)
{
	struct apibody_spec sp = { .str = f, .nstr = n };

	return apibody_parse_spec(body, len, &sp, err, errlen);
}
