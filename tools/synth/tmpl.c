/* SPDX-License-Identifier: BSD-2-Clause */
/* tmpl: load message templates from a directory and expand their {name} placeholders. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "synth.h"

#define TMPL_FILE_MAX	8192
#define TMPL_WORK_MAX	4096

static char *
tmpl_read(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	size_t n;

	if (f == NULL)
		return NULL;
	buf = malloc(TMPL_FILE_MAX + 1);
	if (buf == NULL) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, TMPL_FILE_MAX, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static bool
tmpl_is_template(const char *name)
{
	const char *dot = strrchr(name, '.');

	return dot != NULL && (strcmp(dot, ".sip") == 0 || strcmp(dot, ".sdp") == 0 ||
	    strcmp(dot, ".txt") == 0);
}

/* Every *.sip, *.sdp and *.txt file; its name without the extension is its key. */
int
tmpl_load_dir(struct tmpl_set *ts, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char path[1024];

	memset(ts, 0, sizeof(*ts));
	if (d == NULL) {
		fprintf(stderr, "synth: templates: cannot open %s\n", dir);
		return -1;
	}
	while ((de = readdir(d)) != NULL && ts->n < TMPL_MAX) {
		struct tmpl *t = &ts->t[ts->n];
		size_t len = strlen(de->d_name);
		int n;
		if (!tmpl_is_template(de->d_name))
			continue;
		n = snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (len >= sizeof(t->name) || n < 0 || (size_t)n >= sizeof(path)) {
			fprintf(stderr, "synth: templates: name too long: %s\n", de->d_name);
			continue;
		}
		if ((t->text = tmpl_read(path)) == NULL)
			continue;
		memcpy(t->name, de->d_name, len + 1);	/* fits: checked above */
		*strrchr(t->name, '.') = '\0';
		ts->n++;
	}
	closedir(d);
	return 0;
}

void
tmpl_fini(struct tmpl_set *ts)
{
	for (size_t i = 0; i < ts->n; i++)
		free(ts->t[i].text);
	ts->n = 0;
}

const char *
tmpl_get(const struct tmpl_set *ts, const char *name)
{
	for (size_t i = 0; i < ts->n; i++)
		if (strcmp(ts->t[i].name, name) == 0)
			return ts->t[i].text;
	fprintf(stderr, "synth: missing template %s\n", name);
	return NULL;
}

void
tvars_set(struct tvars *tv, const char *k, const char *v)
{
	for (size_t i = 0; i < tv->n; i++) {
		if (strcmp(tv->k[i], k) == 0) {
			tv->v[i] = v;
			return;
		}
	}
	if (tv->n < TVARS_MAX) {
		tv->k[tv->n] = k;
		tv->v[tv->n++] = v;
	}
}

static const char *
tvars_get(const struct tvars *tv, const char *k, size_t klen)
{
	for (size_t i = 0; i < tv->n; i++)
		if (strlen(tv->k[i]) == klen && memcmp(tv->k[i], k, klen) == 0)
			return tv->v[i];
	return NULL;
}

/* Length of a placeholder key at p ([a-z0-9_]+ then '}'), 0 if p is no placeholder. */
static size_t
tmpl_key_len(const char *p)
{
	size_t n = 0;

	while ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= '0' && p[n] <= '9') || p[n] == '_')
		n++;
	return n > 0 && p[n] == '}' ? n : 0;
}

/* Expands text into out (NUL-terminated); 0 on overflow or an unset placeholder. */
size_t
tmpl_expand(const char *text, const struct tvars *tv, char *out, size_t cap)
{
	size_t n = 0;

	for (const char *p = text; *p != '\0'; p++) {
		size_t klen = *p == '{' ? tmpl_key_len(p + 1) : 0;
		const char *v = klen ? tvars_get(tv, p + 1, klen) : NULL;
		size_t vlen = v ? strlen(v) : 1;
		if (klen && v == NULL) {
			fprintf(stderr, "synth: template variable {%.*s} unset\n", (int)klen, p + 1);
			return 0;
		}
		if (n + vlen + 1 > cap)
			return 0;
		memcpy(out + n, v ? v : p, vlen);
		n += vlen;
		p += klen ? klen + 1 : 0;
	}
	out[n] = '\0';
	return n;
}

/* LF line ends to CRLF; drops CRs already there. */
static size_t
tmpl_crlf(const char *in, size_t len, char *out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (in[i] == '\r')
			continue;
		if (n + 2 > cap)
			return 0;
		if (in[i] == '\n')
			out[n++] = '\r';
		out[n++] = in[i];
	}
	return n;
}

/*
 * A SIP message: the template's headers, a computed Content-Length, a blank
 * line and the body (if any), all with CRLF line ends.
 */
size_t
tmpl_sip(const struct tmpl_set *ts, const char *name, const struct tvars *tv,
    char *out, size_t cap)
{
	const char *text = tmpl_get(ts, name);
	char work[TMPL_WORK_MAX], body[TMPL_WORK_MAX], *sep;
	size_t wl, bl = 0, n;

	if (text == NULL || (wl = tmpl_expand(text, tv, work, sizeof(work) - 1)) == 0)
		return 0;
	while (wl > 0 && work[wl - 1] == '\n')
		work[--wl] = '\0';
	work[wl++] = '\n';
	work[wl] = '\0';
	sep = strstr(work, "\n\n");
	if (sep != NULL) {
		bl = tmpl_crlf(sep + 2, strlen(sep + 2), body, sizeof(body));
		sep[1] = '\0';
	}
	n = tmpl_crlf(work, strlen(work), out, cap);
	if (n == 0 || n + bl + 32 > cap)
		return 0;
	n += (size_t)snprintf(out + n, cap - n, "Content-Length: %zu\r\n\r\n", bl);
	memcpy(out + n, body, bl);
	return n + bl;
}
