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
	char path[] = "/tmp/test_reload.XXXXXX";
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
	unlink(path);
	assert_int_equal(reload_file(r), -1);		/* gone: keeps running */
	assert_int_equal(running(r)->term_window, 20 * 60 * USEC_PER_SEC);
	reload_free(r);
	r = boot("", NULL);
	assert_int_equal(reload_file(r), -1);		/* no -f file */
	reload_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_push_checks),
		cmocka_unit_test(test_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
