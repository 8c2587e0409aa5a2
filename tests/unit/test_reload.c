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
	struct reload *r = boot("version 1\nworkers 2\nflow_timeout_udp 60s\n"
	    "central_host 192.0.2.1\nsubscriber_prefix 10.0.0.0/8\n", NULL);
	struct conf *def = conf_new_defaults();
	char err[256];

	(void)state;
	assert_non_null(def);
	assert_int_equal(running(r)->subscriber_prefixes.n, 1);
	/* invalid: the parser's message, the old config stays */
	assert_int_equal(push(r, "version 3\nflow_timeout_udp x\n", 3, err, sizeof(err)), -1);
	assert_string_equal(err, "push:2: not a duration (N, Ns, Nms, Nm, Nh, Nd)");
	/* mislabelled */
	assert_int_equal(push(r, "version 7\n", 6, err, sizeof(err)), -1);
	assert_string_equal(err, "push: the body says version 7 but was signed as 6");
	assert_int_equal(running(r)->version, 1);
	/* good, without a version key: takes the signed one; restart keys are kept */
	assert_int_equal(push(r, "flow_timeout_udp 30s\nworkers 8\n"
	    "central_host 203.0.113.9\n", 4, err, sizeof(err)), 0);
	assert_int_equal(running(r)->version, 4);
	assert_int_equal(running(r)->flow_timeout_udp, 30 * USEC_PER_SEC);
	assert_int_equal(running(r)->workers, 2);
	assert_string_equal(running(r)->central_host, "192.0.2.1");
	/* lists are data: the push's (here the defaults) replace the old ones */
	assert_int_equal(running(r)->subscriber_prefixes.n, def->subscriber_prefixes.n);
	/* stale: below the running version */
	assert_int_equal(push(r, "version 3\n", 3, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "below the running version 4"));
	assert_int_equal(running(r)->version, 4);
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
	fputs("version 2\nflow_timeout_tcp banana\n", f);
	fclose(f);
	assert_int_equal(reload_file(r), -1);		/* logged with path:2 */
	assert_int_equal(running(r)->flow_timeout_tcp, 300 * USEC_PER_SEC);
	f = fopen(path, "w");
	fputs("version 1\nflow_timeout_tcp 20s\n", f);	/* older than running */
	fclose(f);
	assert_int_equal(reload_file(r), -1);
	f = fopen(path, "w");
	fputs("version 2\nflow_timeout_tcp 20s\n", f);
	fclose(f);
	assert_int_equal(reload_file(r), 0);
	assert_int_equal(running(r)->flow_timeout_tcp, 20 * USEC_PER_SEC);
	unlink(path);
	assert_int_equal(reload_file(r), -1);		/* gone: keeps running */
	assert_int_equal(running(r)->flow_timeout_tcp, 20 * USEC_PER_SEC);
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
