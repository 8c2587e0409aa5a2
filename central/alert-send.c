/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The libcurl channels: the webhook (a JSON POST) and e-mail over SMTP. Only
 * this file includes curl. Every wire string goes out through out_json_str
 * (JSON) or out_tty (mail text), never raw.
 */
#include <curl/curl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "alert-int.h"
#include "cfg.h"
#include "out.h"
#include "version.h"

int
alert_curl_init(char *err, size_t errlen)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return snprintf(err, errlen, "libcurl does not start"), -1;
	return 0;
}

void
alert_webhook_body(const struct alert_msg *m, FILE *f)
{
	char dl[32];

	fprintf(f, "{\"lead\":%" PRId64 ",\"revision\":%" PRId64 ",\"kind\":", m->lead,
	    m->revision);
	out_json_str(f, m->kind);
	fputs(",\"tier\":", f);
	out_json_str(f, m->tier);
	fputs(",\"verdict\":", f);
	out_json_str(f, m->verdict);
	fprintf(f, ",\"score\":%" PRId64 ",\"deadline\":", m->score);
	out_json_str(f, out_time_iso(m->deadline, dl, sizeof(dl)));
	fputs(",\"ip\":", f);
	out_json_str(f, m->ip);
	fputs(",\"device_id\":", f);
	out_json_str(f, m->device);
	fprintf(f, ",\"link\":\"/leads/%" PRId64 "\",\"idempotency_key\":", m->lead);
	out_json_str(f, m->key);
	fputs("}", f);
}

/* Aborts a transfer when the worker stops. */
static int
on_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut, curl_off_t un)
{
	const struct alert_env *env = arg;

	(void)dt, (void)dn, (void)ut, (void)un;
	return atomic_load(env->stop) ? 1 : 0;
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
	(void)p, (void)arg;
	return size * n;
}

static CURL *
easy(const struct alert_env *env, const char *url, const char *protocols)
{
	CURL *c = curl_easy_init();

	if (c == NULL)
		return NULL;
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, protocols);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)env->cf->alert_timeout);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)(uintptr_t)env);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
	if (env->cf->alert_webhook_ca[0] != '\0' && strncmp(protocols, "http", 4) == 0)
		curl_easy_setopt(c, CURLOPT_CAINFO, env->cf->alert_webhook_ca);
	return c;
}

/* 2xx sent; 408, 429 and 5xx again later; any other answer failed for good. */
static enum alert_result
http_result(long code, char *err, size_t errlen)
{
	if (code >= 200 && code < 300)
		return ALERT_SENT;
	snprintf(err, errlen, "HTTP %ld", code);
	if (code == 408 || code == 429 || code >= 500)
		return ALERT_RETRY;
	return code >= 400 ? ALERT_FAILED : ALERT_RETRY;
}

/* JSON, the idempotency key, and no "Expect: 100-continue" round trip. */
static struct curl_slist *
headers(const char *idem)
{
	const char *const h[] = { "Content-Type: application/json", idem, "Expect:" };
	struct curl_slist *l = NULL, *n;

	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		if ((n = curl_slist_append(l, h[i])) == NULL) {
			curl_slist_free_all(l);
			return NULL;
		}
		l = n;
	}
	return l;
}

enum alert_result
alert_webhook(const struct alert_env *env, const struct alert_msg *m, char *err,
    size_t errlen)
{
	struct curl_slist *h = NULL;
	enum alert_result r = ALERT_RETRY;
	char *body = NULL, idem[128];
	size_t len = 0;
	long code = 0;
	CURLcode rc;
	CURL *c;
	FILE *f;

	if ((f = open_memstream(&body, &len)) == NULL)
		return snprintf(err, errlen, "out of memory"), ALERT_RETRY;
	alert_webhook_body(m, f);
	fclose(f);
	snprintf(idem, sizeof(idem), "Idempotency-Key: %s", m->key);
	if ((c = easy(env, env->cf->alert_webhook_url, "http,https")) == NULL ||
	    (h = headers(idem)) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "goipwatch-central/" GW_VERSION);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)len);
	if ((rc = curl_easy_perform(c)) != CURLE_OK)
		snprintf(err, errlen, "%s", curl_easy_strerror(rc));
	else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		r = http_result(code, err, errlen);
	}
done:
	curl_slist_free_all(h);
	curl_easy_cleanup(c);
	free(body);
	return r;
}

int
alert_addr_check(const char *list, char *err, size_t errlen)
{
	for (const char *p = list; *p != '\0'; p++)
		if (*p < 33 || *p > 126 || strchr("<>()[]\\\";:", *p) != NULL) {
			if (*p == ' ' && p > list && p[-1] == ',')
				continue;
			return snprintf(err, errlen, "mail address list '%.100s': want"
			    " plain addresses separated by ','", list), -1;
		}
	return 0;
}

/* The addresses of a list "a@b, c@d" as libcurl's recipients. */
static struct curl_slist *
rcpts(const char *list)
{
	struct curl_slist *l = NULL, *n;
	char buf[CFG_STR], *tok, *save = NULL;

	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ", ", &save); tok != NULL; tok = strtok_r(NULL, ", ", &save)) {
		if ((n = curl_slist_append(l, tok)) == NULL) {
			curl_slist_free_all(l);
			return NULL;
		}
		l = n;
	}
	return l;
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
base64(const unsigned char *p, size_t n, FILE *f)
{
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
		    (i + 2 < n ? p[i + 2] : 0);

		fputc(b64[v >> 18 & 63], f);
		fputc(b64[v >> 12 & 63], f);
		fputc(i + 1 < n ? b64[v >> 6 & 63] : '=', f);
		fputc(i + 2 < n ? b64[v & 63] : '=', f);
	}
}

/* Encoded words of at most 45 bytes (75 characters), cut between characters. */
void
alert_subject(const char *s, FILE *f)
{
	size_t n = strlen(s), i = 0;
	bool ascii = true;

	for (size_t k = 0; k < n; k++)
		ascii &= (unsigned char)s[k] >= 32 && (unsigned char)s[k] < 127;
	if (ascii) {
		fputs(s, f);
		return;
	}
	while (i < n) {
		size_t w = n - i > 45 ? 45 : n - i;

		while (i + w < n && ((unsigned char)s[i + w] & 0xC0) == 0x80)
			w--;	/* never split a character */
		fputs(i == 0 ? "=?UTF-8?B?" : "\r\n =?UTF-8?B?", f);
		base64((const unsigned char *)s + i, w, f);
		fputs("?=", f);
		i += w;
	}
}

void
alert_mail_message(const struct alert_env *env, const struct alert_msg *m,
    const char *to, FILE *f)
{
	struct out_tty t = { 0 };
	bool urgent = strcmp(m->kind, "urgent") == 0;
	char date[64], dl[32], subj[OUT_TTY_LEN + 128];
	time_t now = (time_t)env->now;
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S +0000", &tm);
	snprintf(subj, sizeof(subj), "[goipwatch] %s lead %" PRId64 ": %s %s",
	    urgent ? "urgent" : "half deadline:", m->lead, out_tty(&t, m->ip),
	    out_tty(&t, m->device));
	fprintf(f, "Date: %s\r\nFrom: %s\r\nTo: %s\r\nSubject: ", date,
	    env->cf->alert_mail_from, to);
	alert_subject(subj, f);
	fprintf(f, "\r\nMessage-ID: <%s@%s>\r\nX-Goipwatch-Key: %s\r\n"
	    "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n", m->key, env->host, m->key);
	fprintf(f, "%s\r\n\r\nLead:     %" PRId64 " (revision %" PRId64 ")\r\n",
	    urgent ? "An urgent lead needs review." :
	    "An urgent lead is still new at half its deadline.", m->lead, m->revision);
	fprintf(f, "Tier:     %s\r\nVerdict:  %s\r\nScore:    %" PRId64 "\r\n",
	    out_tty(&t, m->tier), out_tty(&t, m->verdict), m->score);
	fprintf(f, "Deadline: %s\r\nIP:       %s\r\nDevice:   %s\r\n",
	    out_time_iso(m->deadline, dl, sizeof(dl)), out_tty(&t, m->ip),
	    out_tty(&t, m->device));
	fprintf(f, "Link:     /leads/%" PRId64 "\r\nKey:      %s\r\n", m->lead, m->key);
}

struct upload {
	const char	*p;
	size_t		 left;
};

static size_t
read_upload(char *buf, size_t size, size_t n, void *arg)
{
	struct upload *u = arg;
	size_t k = size * n < u->left ? size * n : u->left;

	memcpy(buf, u->p, k);
	u->p += k;
	u->left -= k;
	return k;
}

enum alert_result
alert_mail(const struct alert_env *env, const struct alert_msg *m, char *err,
    size_t errlen)
{
	const struct cfg *cf = env->cf;
	const char *to = strcmp(m->kind, "urgent") != 0 &&
	    cf->alert_mail_supervisors[0] != '\0' ? cf->alert_mail_supervisors :
	    cf->alert_mail_to;
	enum alert_result r = ALERT_RETRY;
	struct curl_slist *rc_list = NULL;
	struct upload u;
	char *msg = NULL;
	size_t len = 0;
	long code = 0;
	CURLcode rc;
	CURL *c = NULL;
	FILE *f;

	if ((f = open_memstream(&msg, &len)) == NULL)
		return snprintf(err, errlen, "out of memory"), ALERT_RETRY;
	alert_mail_message(env, m, to, f);
	fclose(f);
	u = (struct upload){ msg, len };
	if ((rc_list = rcpts(to)) == NULL ||
	    (c = easy(env, cf->alert_smtp_url, "smtp,smtps")) == NULL) {
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, cf->alert_mail_from);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rc_list);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
	curl_easy_setopt(c, CURLOPT_READDATA, &u);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	if ((rc = curl_easy_perform(c)) == CURLE_OK)
		r = ALERT_SENT;
	else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		snprintf(err, errlen, "%s (SMTP %ld)", curl_easy_strerror(rc), code);
		r = code >= 500 && code < 600 ? ALERT_FAILED : ALERT_RETRY;
	}
done:
	curl_slist_free_all(rc_list);
	curl_easy_cleanup(c);
	free(msg);
	return r;
}
