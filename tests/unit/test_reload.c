/* SPDX-License-Identifier: BSD-2-Clause */
/* Reload: pushes and the -f file through one check; a bad config never replaces a good one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "detect-int.h"
#include "keytab.h"
#include "reload.h"

static struct reload *
boot(const char *text, const char *path)
{
	char err[256];
	struct conf *c = conf_parse(text, strlen(text), "boot", err, sizeof(err));
	struct reload *r;

	if (c == NULL)
		fail_msg("%s", err);
	r = reload_new(c, path, err, sizeof(err));
	conf_free(c);		/* the reload holds its own copy */
	if (r == NULL)
		fail_msg("%s", err);
	return r;
}

static const struct conf *
running(struct reload *r)
{
	return confswap_latest(reload_confswap(r));
}

static int
push(struct reload *r, const char *body, uint64_t version, char *err, size_t len)
{
	return reload_push(r, body, strlen(body), version, err, len);
}

static void
test_push_checks(void **state)
{
	struct reload *r = boot("version 1\nworkers 2\nterm_window 60m\n"
	    "central_host 192.0.2.1\nsubscriber_prefix 10.0.0.0/8\n", NULL);
	struct conf *def = conf_new_defaults();
	char err[256];

	(void)state;
	assert_non_null(def);
	assert_int_equal(running(r)->subscriber_prefixes.n, 1);
	/* invalid: the parser's message, the old config stays */
	assert_int_equal(push(r, "version 3\nterm_window x\n", 3, err, sizeof(err)), -1);
	assert_string_equal(err, "push:2: not a duration (N, Ns, Nms, Nm, Nh, Nd)");
	/* mislabelled */
	assert_int_equal(push(r, "version 7\n", 6, err, sizeof(err)), -1);
	assert_string_equal(err, "push: the body says version 7 but was signed as 6");
	assert_int_equal(running(r)->version, 1);
	/* leaves out a key the running config sets: refused, and says which */
	assert_int_equal(push(r, "term_window 30m\n", 4, err, sizeof(err)), -1);
	assert_string_equal(err, "push: leaves out 1 key the running config sets: "
	    "subscriber_prefix (a first line '" CONF_DROP_KEYS_ALLOWED "' allows it)");
	assert_int_equal(running(r)->version, 1);
	/* changes keys read only at start: it could never be in force, refused */
	assert_int_equal(push(r, CONF_DROP_KEYS_ALLOWED "\nterm_window 30m\nworkers 8\n"
	    "central_host 203.0.113.9\n", 4, err, sizeof(err)), -1);
	assert_string_equal(err, "push: changes keys read only at start, which a push "
	    "cannot set: workers central_host (leave them out, or set them in the "
	    "local config file)");
	/* the capacities and the workers' settings are start-up keys too */
	assert_int_equal(push(r, CONF_DROP_KEYS_ALLOWED "\nline_capacity 99\n"
	    "call_capacity 99\nvoip_capacity 99\nsip_tcp_capacity 9\n"
	    "sip_tcp_buffer 9999\nsip_max_bytes 9999\nreg_capacity 99\n"
	    "flow_timeout_udp 30s\n", 4, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ": flow_timeout_udp voip_capacity sip_tcp_capacity "
	    "sip_tcp_buffer sip_max_bytes call_capacity reg_capacity line_capacity ("));
	/* the workers' pacing and the uplink's site: kept at start, so refused */
	assert_int_equal(push(r, CONF_DROP_KEYS_ALLOWED "\nopaque_min_packets 50\n"
	    "site_id other\n", 4, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "cannot set: site_id opaque_min_packets ("));
	assert_int_equal(running(r)->version, 1);
	/* good with the directive, without a version key: takes the signed one;
	 * a start-up key at its running value is fine */
	assert_int_equal(push(r, CONF_DROP_KEYS_ALLOWED "\nterm_window 30m\nworkers 2\n"
	    "central_host 192.0.2.1\n", 4, err, sizeof(err)), 0);
	assert_int_equal(running(r)->version, 4);
	assert_int_equal(running(r)->term_window, 30 * 60 * USEC_PER_SEC);
	assert_int_equal(running(r)->workers, 2);
	assert_string_equal(running(r)->central_host, "192.0.2.1");
	/* lists are data: the push's (here the defaults) replace the old ones */
	assert_int_equal(running(r)->subscriber_prefixes.n, def->subscriber_prefixes.n);
	/* start-up keys stay named (in force); only live keys must be repeated */
	assert_int_equal(push(r, "term_window 20m\n", 6, err, sizeof(err)), 0);
	assert_int_equal(running(r)->line_capacity, def->line_capacity);
	/* an empty push names no key: refused, the running config stays */
	assert_int_equal(push(r, "", 7, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "leaves out 1 key the running config sets: "
	    "term_window"));
	assert_int_equal(running(r)->version, 6);
	/* stale: below the running version */
	assert_int_equal(push(r, "version 3\n", 3, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "below the running version 6"));
	assert_int_equal(running(r)->version, 6);
	reload_free(r);
	reload_free(NULL);
	conf_free(def);
}

static void
test_file(void **state)
{
	char path[] = "/tmp/test_reload.XXXXXX", pend[128];
	struct reload *r;
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd != -1);
	close(fd);
	r = boot("version 2\n", path);
	f = fopen(path, "w");
	fputs("version 2\nterm_window banana\n", f);
	fclose(f);
	assert_int_equal(reload_file(r), -1);		/* logged with path:2 */
	assert_int_equal(running(r)->term_window, 3600 * USEC_PER_SEC);
	f = fopen(path, "w");
	fputs("version 1\nterm_window 20m\n", f);	/* older than running */
	fclose(f);
	assert_int_equal(reload_file(r), -1);
	f = fopen(path, "w");
	fputs("version 2\nterm_window 20m\n", f);
	fclose(f);
	assert_int_equal(reload_file(r), 0);
	assert_int_equal(running(r)->term_window, 20 * 60 * USEC_PER_SEC);
	/* a start-up key changed in the file: kept, and status says it waits */
	assert_int_equal(reload_pending(r, pend, sizeof(pend)), 0);
	assert_string_equal(pend, "");
	f = fopen(path, "w");
	fputs("version 2\nterm_window 20m\nworkers 3\nsite_id b\n", f);
	fclose(f);
	assert_int_equal(reload_file(r), 0);
	assert_int_equal(running(r)->workers, 1);
	assert_true(reload_pending(r, pend, sizeof(pend)) > 0);
	assert_string_equal(pend, "site_id workers");
	/* a push leaves the file's pending keys pending */
	assert_int_equal(push(r, "version 3\nterm_window 20m\n", 3, pend, sizeof(pend)), 0);
	assert_int_equal(reload_pending(r, pend, sizeof(pend)), strlen("site_id workers"));
	/* the file back at the running values: nothing waits */
	f = fopen(path, "w");
	fputs("version 3\nterm_window 20m\n", f);
	fclose(f);
	assert_int_equal(reload_file(r), 0);
	assert_int_equal(reload_pending(r, pend, sizeof(pend)), 0);
	assert_string_equal(pend, "");
	unlink(path);
	assert_int_equal(reload_file(r), -1);		/* gone: keeps running */
	assert_int_equal(running(r)->term_window, 20 * 60 * USEC_PER_SEC);
	reload_free(r);
	r = boot("", NULL);
	assert_int_equal(reload_file(r), -1);		/* no -f file */
	reload_free(r);
}

/* Every reload of every key: what the detect stage's consumers then see. */
static char out[1 << 16];
static size_t outlen;

static void
capture(void *arg, const char *line, size_t len)
{
	(void)arg;
	if (outlen + len < sizeof(out)) {
		memcpy(out + outlen, line, len);
		outlen += len;
		out[outlen] = '\0';
	}
}

#define T0	((usec_t)1700000000 * USEC_PER_SEC)
static const uint8_t LINE[16] = { [10] = 0xff, [11] = 0xff, 100, 64, 1, 7 };
static const uint8_t PEER[16] = { [10] = 0xff, [11] = 0xff, 203, 0, 113, 10 };

static void
sip(struct detect *d, usec_t ts, bool from_line, const char *method, int status)
{
	static struct event e;
	struct sip_msg *m = &e.u.sip.msg;

	memset(&e, 0, sizeof(e));
	e.kind = EV_SIP;
	e.ts = ts;
	memcpy(e.t.src, from_line ? LINE : PEER, 16);
	memcpy(e.t.dst, from_line ? PEER : LINE, 16);
	e.t.sport = e.t.dport = 5060;
	e.t.ipver = 4;
	e.t.l4proto = 17;
	m->is_request = status == 0;
	snprintf(m->method, sizeof(m->method), "%s", status ? "" : method);
	snprintf(m->cseq_method, sizeof(m->cseq_method), "%s", method);
	m->status = (uint16_t)status;
	snprintf(m->call_id, sizeof(m->call_id), "probe");
	snprintf(m->to.tag, sizeof(m->to.tag), "%s", status ? "t" : "");
	m->expires = m->contact_expires = -1;
	m->content_length = -1;
	detect_event(d, &e);
}

/* Read at every event through d->conf: the detect stage holds the new config. */
static bool
sees_live(struct detect *d, const struct conf *c)
{
	return d->conf == c;
}

/* Copied into the stage: the HMAC key of the pseudonyms. */
static bool
sees_pseudonym_key(struct detect *d, const struct conf *c)
{
	return sees_live(d, c) && d->hkeylen == strlen(c->pseudonymise_key) / 2;
}

/* Copied into the call table: an unanswered INVITE ends at the new timeout. */
static bool
sees_setup_timeout(struct detect *d, const struct conf *c)
{
	sip(d, T0, true, "INVITE", 0);
	detect_tick(d, T0 + c->call_setup_timeout + USEC_PER_SEC);
	return sees_live(d, c) && strstr(out, "\"end\":\"timeout\"") != NULL;
}

/* Copied into the call table: an answered call ends at the new timeout. */
static bool
sees_call_timeout(struct detect *d, const struct conf *c)
{
	sip(d, T0, true, "INVITE", 0);
	sip(d, T0, false, "INVITE", 200);
	detect_tick(d, T0 + c->call_timeout + USEC_PER_SEC);
	return sees_live(d, c) && strstr(out, "\"end\":\"timeout\"") != NULL;
}

/* Copied into the call and registration tables: LINE calls PEER, now a subscriber. */
static bool
sees_subscribers(struct detect *d, const struct conf *c)
{
	sip(d, T0, true, "INVITE", 0);
	detect_finish(d, T0 + USEC_PER_SEC);
	return sees_live(d, c) && strstr(out, "\"direction\":\"inbound\"") != NULL;
}

/* Read by reload.c itself (the version check) and reported by the uplink. */
static bool
sees_version(struct detect *d, const struct conf *c)
{
	(void)d;
	return c->version == UINT64_MAX;
}

/*
 * Each RELOAD key, the value a test reload sets (NULL: one the table allows
 * other than the default) and how the consumer shows it; a START key only
 * when the table's stand-in value would not pass conf_check. A RELOAD key missing
 * here fails test_every_key: say how a reload reaches its reader.
 */
static const struct probe {
	const char	*key, *value;
	bool		(*sees)(struct detect *, const struct conf *);
} probes[] = {
	{ "version", NULL, sees_version },
	{ "call_setup_timeout", "5s", sees_setup_timeout },
	{ "call_timeout", "60s", sees_call_timeout },
	{ "country_code", NULL, sees_live }, { "mobile_prefix", NULL, sees_live },
	{ "home_country", "US", sees_live }, { "geoip_db", NULL, sees_live },
	{ "term_strong_callees", NULL, sees_live }, { "term_strong_hours", NULL, sees_live },
	{ "term_strong_answered_min", NULL, sees_live },
	{ "term_strong_answered_max", NULL, sees_live },
	{ "term_strong_once", NULL, sees_live }, { "w_breadth", NULL, sees_live },
	{ "trusted_peer", NULL, sees_live },
	{ "mobile_length", NULL, sees_live }, { "ua_strong", NULL, sees_live },
	{ "ua_weak", NULL, sees_live }, { "term_window", NULL, sees_live },
	{ "term_min_invites", NULL, sees_live }, { "term_min_callees", NULL, sees_live },
	{ "term_concurrent", NULL, sees_live }, { "opaque_window", NULL, sees_live },
	{ "opaque_min_flows", NULL, sees_live }, { "opaque_concurrent", NULL, sees_live },
	{ "w_device", NULL, sees_live }, { "w_weak", NULL, sees_live },
	{ "w_simbank", NULL, sees_live }, { "w_termination", NULL, sees_live },
	{ "w_opaque", NULL, sees_live }, { "w_behaviour", NULL, sees_live },
	{ "w_cadence", NULL, sees_live }, { "w_watch", NULL, sees_live },
	{ "urgent_score", NULL, sees_live },
	{ "pseudonymise_key", "00112233445566778899aabbccddeeff", sees_pseudonym_key },
	{ "subscriber_prefix", "203.0.113.0/24", sees_subscribers },
	{ "domestic_prefix", NULL, sees_live }, { "allow", NULL, sees_live },
	{ "watch", NULL, sees_live }, { "report_calls_per_line", NULL, sees_live },
	/* start-up keys whose value has a form of its own: only the value is used */
	{ "firmware_reboot_window", "02:00-04:00", NULL },
};

static const struct probe *
probe_find(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		if (strcmp(probes[i].key, key) == 0)
			return &probes[i];
	return NULL;
}

/* A value the key's checks accept that differs from the default. */
static void
other_value(const struct keytab_key *k, const struct conf *def, char *buf, size_t len)
{
	uint64_t v;

	switch (k->type) {
	case KT_U64:
	case KT_DUR:
		memcpy(&v, (const char *)def + k->off, sizeof(v));
		v = v == k->max ? k->min : k->max;
		if (k->type == KT_DUR)
			snprintf(buf, len, "%llums", (unsigned long long)(v / 1000));
		else
			snprintf(buf, len, "%llu", (unsigned long long)v);
		break;
	case KT_STR:
		if (k->choices != NULL && strcmp(k->choices, KEYTAB_DIGITS) != 0) {
			/* the first choice that is not the default */
			const char *c = k->choices, *cur = (const char *)def + k->off;
			size_t n = strcspn(c, "|");

			if (strlen(cur) == n && strncmp(c, cur, n) == 0)
				c += n + 1, n = strcspn(c, "|");
			snprintf(buf, len, "%.*s", (int)n, c);
		} else
			snprintf(buf, len, "%s", k->choices != NULL ? "7" : "probe");
		break;
	case KT_LIST:
		snprintf(buf, len, "%s", k->choices != NULL ? "9" :
		    strcmp(k->list->what, "text") == 0 ? "Probe-UA" : "198.51.100.0/24");
		break;
	}
}

static void
try_key(const struct keytab_key *k, const struct conf *def, const char *path)
{
	char body[512], value[128], err[512];
	const struct probe *p = probe_find(k->name);
	struct sink s = { .emit = capture };
	struct reload *r = boot("version 1\n", path);
	uint64_t version = strcmp(k->name, "version") == 0 ? UINT64_MAX : 2;
	struct detect *d;
	FILE *f;

	if (p != NULL && p->value != NULL)
		snprintf(value, sizeof(value), "%s", p->value);
	else
		other_value(k, def, value, sizeof(value));
	snprintf(body, sizeof(body), CONF_DROP_KEYS_ALLOWED "\n%s %s\n", k->name, value);
	if (k->applies == KT_START) {
		if (push(r, body, version, err, sizeof(err)) != -1 ||
		    strstr(err, "read only at start") == NULL || strstr(err, k->name) == NULL)
			fail_msg("%s %s: a push must be refused, naming it: %s", k->name,
			    value, err);
		/* the local file: kept until a restart, never half applied */
		f = fopen(path, "w");
		fprintf(f, "version 2\n%s %s\n", k->name, value);
		fclose(f);
		if (reload_file(r) != 0 || !keytab_equal(k, running(r), def))
			fail_msg("%s %s: a SIGHUP must keep the running value", k->name,
			    value);
		reload_free(r);
		return;
	}
	if (p == NULL)
		fail_msg("%s: a reloadable key without a probe in test_reload.c", k->name);
	if (push(r, body, version, err, sizeof(err)) != 0)
		fail_msg("%s %s: %s", k->name, value, err);
	if (keytab_equal(k, running(r), def))
		fail_msg("%s %s: the push did not change it", k->name, value);
	outlen = 0;
	out[0] = '\0';
	assert_non_null(d = detect_new(def, &s));
	assert_int_equal(detect_set_conf(d, running(r)), 0);
	if (!p->sees(d, running(r)))
		fail_msg("%s %s: the detect stage did not follow the reload", k->name, value);
	detect_free(d);
	reload_free(r);
}

/*
 * The key table says when each key applies: a START key a push changes is
 * refused with its name (a SIGHUP keeps it until a restart), a RELOAD key
 * reaches the detect stage's reader.
 */
static void
test_every_key(void **state)
{
	const struct keytab *t = conf_keytab();
	char path[] = "/tmp/test_reload.XXXXXX";
	struct conf *def = conf_new_defaults();
	int fd = mkstemp(path);
	size_t i;

	(void)state;
	assert_non_null(def);
	assert_true(fd != -1);
	close(fd);
	for (i = 0; i < t->n; i++)
		try_key(&t->keys[i], def, path);
	for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++)
		assert_non_null(keytab_find(t, probes[i].key));
	unlink(path);
	conf_free(def);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_checks),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_every_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
