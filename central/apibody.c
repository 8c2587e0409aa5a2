/* SPDX-License-Identifier: BSD-2-Clause */
/* Strict JSON request bodies: only the fields a route names, only strings. */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "apibody.h"
#include "utf8.h"

static struct apibody_field *
field(struct apibody_field *f, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (strcmp(f[i].name, name) == 0)
			return &f[i];
	return NULL;
}

/* One member of the object into its field; -1 with err. */
static int
take(const cJSON *m, struct apibody_field *f, int n, char *err, size_t errlen)
{
	struct apibody_field *d = field(f, n, m->string);
	size_t len;

	if (d == NULL)
		return snprintf(err, errlen, "unknown field"), -1;
	if (d->seen)
		return snprintf(err, errlen, "field '%s' given twice", d->name), -1;
	if (!cJSON_IsString(m))
		return snprintf(err, errlen, "field '%s' must be a string", d->name), -1;
	len = strlen(m->valuestring);
	if (len >= d->cap)
		return snprintf(err, errlen, "field '%s' is too long", d->name), -1;
	if (!utf8_is_valid(m->valuestring, len))
		return snprintf(err, errlen, "field '%s' is not UTF-8", d->name), -1;
	memcpy(d->buf, m->valuestring, len + 1);
	d->seen = true;
	return 0;
}

int
apibody_parse(const char *body, size_t len, struct apibody_field *f, int n,
    char *err, size_t errlen)
{
	cJSON *root = cJSON_ParseWithLength(body, len), *m;
	int rc = 0;

	if (root == NULL || !cJSON_IsObject(root)) {
		cJSON_Delete(root);
		return snprintf(err, errlen, "want a JSON object"), -1;
	}
	for (m = root->child; m != NULL && rc == 0; m = m->next)
		rc = take(m, f, n, err, errlen);
	for (int i = 0; i < n && rc == 0; i++)
		if (f[i].required && !f[i].seen) {
			snprintf(err, errlen, "field '%s' is missing", f[i].name);
			rc = -1;
		}
	cJSON_Delete(root);
	return rc;
}
