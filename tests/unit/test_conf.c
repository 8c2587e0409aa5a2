/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for conf.c: values, ranges, errors with line numbers, round trip. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"
#include "keytab.h"

static struct conf *
parse(const char *s, char *err)
{
	return conf_parse(s, strlen(s), "t.conf", err, 256);
}

static void
test_values(void **state)
{
	char err[256];
	struct conf *c;
	uint8_t a[16] = { [10] = 0xff, [11] = 0xff, [12] = 100, [13] = 64, [14] = 9, [15] = 9 };

	(void)state;
	c = parse("# comment\n  flow_capacity 1024  \nflow_timeout_udp 2m\n"
	    "frag_timeout 500ms\nsubscriber_prefix 100.64.0.0/10\n"
	    "subscriber_prefix 2001:db8::/32\nspool_fsync always\r\n", err);
	assert_non_null(c);
	assert_int_equal(c->flow_capacity, 1024);
	assert_int_equal(c->flow_timeout_udp, 120 * USEC_PER_SEC);
	assert_int_equal(c->frag_timeout, 500000);
	assert_int_equal(c->subscriber_prefixes.n, 2);
	assert_true(prefix_list_has(&c->subscriber_prefixes, a));
	a[13] = 128;
	assert_false(prefix_list_has(&c->subscriber_prefixes, a));
	assert_string_equal(c->spool_fsync, "always");
	assert_int_equal(c->flow_timeout_tcp, 300 * USEC_PER_SEC);	/* default kept */
	conf_free(c);
}

static void
expect_error(const char *text, const char *msg)
{
	char err[256];
	struct conf *c = parse(text, err);

	assert_null(c);
	assert_string_equal(err, msg);
}

static void
test_errors(void **state)
{
	(void)state;
	expect_error("workers 2\nbogus_key 1\n", "t.conf:2: unknown key");
	expect_error("workers 0\n", "t.conf:1: out of range");
	expect_error("workers 1x\n", "t.conf:1: not a whole number");
	expect_error("workers -1\n", "t.conf:1: not a whole number");
	expect_error("workers 99999999999999999999999\n", "t.conf:1: not a whole number");
	expect_error("flow_timeout_udp 5y\n",
	    "t.conf:1: not a duration (N, Ns, Nms, Nm, Nh, Nd)");
	expect_error("subscriber_prefix 300.1.1.1/8\n", "t.conf:1: not an address or prefix");
	expect_error("subscriber_prefix 10.0.0.0/33\n", "t.conf:1: not an address or prefix");
	expect_error("spool_fsync sometimes\n", "t.conf:1: not one of the allowed values");
	expect_error("workers\n", "t.conf:1: missing value");
	expect_error("workers 1 2\n", "t.conf:1: one value per line");
	/* a list written on one line is not one odd prefix: it is refused */
	expect_error("mobile_prefix 13,14,15\n",
	    "t.conf:1: digits only, one per line");
	expect_error("mobile_prefix 13;14\n", "t.conf:1: digits only, one per line");
	expect_error("country_code +86\n", "t.conf:1: digits only, one per line");
}

static void
test_nul_and_long_lines(void **state)
{
	char err[256], big[2000];
	struct conf *c;

	(void)state;
	c = conf_parse("workers 1\0\n", 11, "t.conf", err, sizeof(err));
	assert_null(c);
	assert_string_equal(err, "t.conf:1: NUL byte");
	memset(big, 'a', sizeof(big));
	c = conf_parse(big, sizeof(big), "t.conf", err, sizeof(err));
	assert_null(c);
	assert_string_equal(err, "t.conf:1: line too long");
}

/* printconf's output parses back to the same printout. */
static void
test_round_trip(void **state)
{
	char err[256], *p1 = NULL, *p2 = NULL;
	size_t n1, n2;
	struct conf *c, *c2;
	FILE *f;

	(void)state;
	c = parse("workers 3\nfrag_timeout 1500ms\ndomestic_prefix 2001:db8::/48\n"
	    "allow 192.0.2.1\ncentral_host office.example\n", err);
	assert_non_null(c);
	f = open_memstream(&p1, &n1);
	conf_print(c, f);
	fclose(f);
	c2 = conf_parse(p1, n1, "printed", err, sizeof(err));
	assert_non_null(c2);
	f = open_memstream(&p2, &n2);
	conf_print(c2, f);
	fclose(f);
	assert_string_equal(p1, p2);
	assert_non_null(strstr(p1, "frag_timeout 1500ms\n"));
	assert_non_null(strstr(p1, "allow 192.0.2.1/32\n"));
	free(p1);
	free(p2);
	conf_free(c);
	conf_free(c2);
}

/* Which keys a text named: what a push may not silently drop. */
static void
test_keys_named(void **state)
{
	char err[256], buf[64];
	struct conf *a, *b, *d;

	(void)state;
	a = parse("version 3\nworkers 2\npseudonymise_key "
	    "00112233445566778899aabbccddeeff\nallow 192.0.2.1\n", err);
	b = parse("# a comment\nworkers 4\n", err);
	d = parse(CONF_DROP_KEYS_ALLOWED " \r\nworkers 4\n", err);
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(d);
	assert_int_equal(conf_keys_named(a), 4);
	assert_int_equal(conf_keys_named(b), 1);
	assert_true(conf_key_is_set(a, "allow"));
	assert_false(conf_key_is_set(b, "allow"));
	assert_false(b->drop_keys_allowed);
	assert_true(d->drop_keys_allowed);
	/* version is the push's own; the others are named */
	assert_int_equal(conf_dropped_keys(a, b, buf, sizeof(buf)), 2);
	assert_string_equal(buf, "pseudonymise_key allow");
	assert_int_equal(conf_dropped_keys(b, a, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "");
	assert_int_equal(conf_dropped_keys(a, b, buf, 12), 2);
	assert_string_equal(buf, "...");
	assert_int_equal(conf_dropped_keys(a, b, buf, 22), 2);
	assert_string_equal(buf, "pseudonymise_key ...");
	assert_int_equal(conf_key_mark_set(b, "allow"), 0);
	assert_int_equal(conf_key_mark_set(b, "bogus"), -1);
	assert_int_equal(conf_dropped_keys(a, b, buf, sizeof(buf)), 1);
	/* the directive counts only as the first line, and names no key */
	conf_free(d);
	d = parse("workers 4\n" CONF_DROP_KEYS_ALLOWED "\n", err);
	assert_false(d->drop_keys_allowed);
	conf_free(d);
	d = parse(CONF_DROP_KEYS_ALLOWED "\n", err);
	assert_int_equal(conf_keys_named(d), 0);
	conf_free(a);
	conf_free(b);
	conf_free(d);
}

/* Defaults go through the file's setter: one out of range is an error. */
static void
test_defaults_checked(void **state)
{
	struct x { uint64_t n; char s[8]; } x;
	const struct keytab_key good[] = {
		{ "n", KT_U64, offsetof(struct x, n), 1, 10, NULL, "5", KT_START, NULL },
		{ "s", KT_STR, offsetof(struct x, s), 0, 8, "a|b", "b", KT_RELOAD, NULL },
	};
	const struct keytab_key bad[] = {
		{ "n", KT_U64, offsetof(struct x, n), 1, 10, NULL, "11", KT_START, NULL },
	};
	const struct keytab tg = { good, 2, 100, false }, tb = { bad, 1, 100, false };
	char err[128];

	(void)state;
	memset(&x, 0, sizeof(x));
	assert_int_equal(keytab_defaults(&tg, &x, err, sizeof(err)), 0);
	assert_int_equal(x.n, 5);
	assert_string_equal(x.s, "b");
	assert_int_equal(keytab_defaults(&tb, &x, err, sizeof(err)), -1);
	assert_string_equal(err, "default of n: out of range");
	/* and every default of the real table passes its own checks */
	const struct keytab *t = conf_keytab();
	struct conf *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	assert_int_equal(keytab_defaults(t, c, err, sizeof(err)), 0);
	conf_free(c);
}

/* The listing --print-keys gives (and the docs table is checked against). */
static void
test_print_keys(void **state)
{
	char *p = NULL;
	size_t n = 0;
	FILE *f;

	(void)state;
	f = open_memstream(&p, &n);
	conf_print_keys(f);
	fclose(f);
	assert_non_null(strstr(p, "| `workers` | number | 1 | 1-64 | start |\n"));
	assert_non_null(strstr(p, "| `flow_timeout_udp` | duration | 120s | 1s-1d | start |\n"));
	assert_non_null(strstr(p, "| `spool_fsync` | text | batch | always, batch, never | "
	    "start |\n"));
	assert_non_null(strstr(p, "| `term_window` | duration | 1h | 1m-7d | reload |\n"));
	assert_non_null(strstr(p, "| `allow` | list | - | address or prefix, repeated | "
	    "reload |\n"));
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_nul_and_long_lines),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_keys_named),
		cmocka_unit_test(test_defaults_checked),
		cmocka_unit_test(test_print_keys),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
