/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for judge: verdicts, scores and tiers from a line's evidence kinds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "judge.h"

static struct conf *conf;
static struct line line;

static int
setup(void **state)
{
	(void)state;
	conf = conf_new_defaults();
	memset(&line, 0, sizeof(line));
	return conf == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	conf_free(conf);
	return 0;
}

static void
add(enum evidence_kind k)
{
	assert_true(line.nev < LINE_EVIDENCE);
	line.ev[line.nev].kind = (uint8_t)k;
	line.ev[line.nev].count = 1;
	line.nev++;
}

static struct judgement
judge(void)
{
	struct judgement j;

	judge_line(conf, &line, &j);
	return j;
}

static void
no_evidence_no_verdict(void **state)
{
	struct judgement j = judge();

	(void)state;
	assert_int_equal(j.verdict, VERDICT_NONE);
	assert_int_equal(j.tier, TIER_NONE);
	assert_int_equal(j.score, 0);
	assert_false(judge_changed(&line, &j));
}

/* One weak sign is not a device; DNS to a DBL domain alone is not enough. */
static void
one_weak_sign_is_not_a_verdict(void **state)
{
	(void)state;
	add(EV_K_DNS_DBL);
	assert_int_equal(judge().verdict, VERDICT_NONE);
	add(EV_K_DNS_DBL);	/* the same kind twice is still one kind */
	assert_int_equal(judge().verdict, VERDICT_NONE);
}

static void
two_weak_signs_make_a_general_goip(void **state)
{
	struct judgement j;

	(void)state;
	add(EV_K_DNS_DBL);
	add(EV_K_NTP_LONG);
	j = judge();
	assert_int_equal(j.verdict, VERDICT_GOIP);
	assert_int_equal(j.tier, TIER_GENERAL);
	assert_int_equal(j.score, 2 * conf->w_weak);
}

static void
device_fingerprint_is_goip_general(void **state)
{
	struct judgement j;

	(void)state;
	add(EV_K_SIP_UA);
	j = judge();
	assert_int_equal(j.verdict, VERDICT_GOIP);
	assert_int_equal(j.tier, TIER_GENERAL);
	assert_int_equal(j.score, conf->w_device);
	add(EV_K_SMS_KEEPALIVE);	/* each further device kind adds 10 */
	assert_int_equal(judge().score, conf->w_device + 10);
}

/* A SIM bank in use is a SIM box: urgent when the score reaches urgent_score. */
static void
simbank_is_urgent_simbox(void **state)
{
	struct judgement j;

	(void)state;
	add(EV_K_SIMBANK_LOGIN);
	j = judge();
	assert_int_equal(j.verdict, VERDICT_SIMBOX);
	assert_true(j.score >= conf->urgent_score);
	assert_int_equal(j.tier, TIER_URGENT);
}

static void
simbox_below_urgent_score_is_high(void **state)
{
	struct judgement j;

	(void)state;
	conf->urgent_score = 100;
	add(EV_K_OPAQUE_VOICE);
	j = judge();
	assert_int_equal(j.verdict, VERDICT_SIMBOX);
	assert_int_equal(j.score, conf->w_opaque);
	assert_int_equal(j.tier, TIER_HIGH);
}

static void
score_is_capped_at_100(void **state)
{
	(void)state;
	add(EV_K_SIMBANK_LOGIN);
	add(EV_K_TERMINATION);
	add(EV_K_SIP_UA);
	assert_int_equal(judge().score, 100);
}

/* A known fraud peer lifts a verdict one tier, never past urgent. */
static void
watchlist_escalates_one_tier(void **state)
{
	(void)state;
	line.watch = true;
	add(EV_K_SIP_UA);
	assert_int_equal(judge().tier, TIER_HIGH);
	add(EV_K_SIMBANK_LOGIN);
	assert_int_equal(judge().tier, TIER_URGENT);
}

/* An allowlisted line is capped at general, whatever the evidence. */
static void
allowlist_caps_at_general(void **state)
{
	struct judgement j;

	(void)state;
	line.allow = true;
	line.watch = true;
	add(EV_K_SIMBANK_LOGIN);
	add(EV_K_TERMINATION);
	j = judge();
	assert_int_equal(j.verdict, VERDICT_SIMBOX);
	assert_int_equal(j.tier, TIER_GENERAL);
}

static void
deadlines_follow_the_tier(void **state)
{
	(void)state;
	assert_int_equal(judge_window(TIER_URGENT), 2 * 3600 * USEC_PER_SEC);
	assert_int_equal(judge_window(TIER_HIGH), 24 * 3600 * USEC_PER_SEC);
	assert_int_equal(judge_window(TIER_GENERAL), 48 * 3600 * USEC_PER_SEC);
}

/* Reported again on a new kind, verdict or tier; not on more of the same kind. */
static void
changed_on_new_kind_tier_or_verdict(void **state)
{
	struct judgement j;

	(void)state;
	add(EV_K_SIP_UA);
	j = judge();
	assert_true(judge_changed(&line, &j));
	line.reported = true;
	line.verdict = j.verdict;
	line.tier = j.tier;
	line.reported_kinds = 1u << EV_K_SIP_UA;
	assert_false(judge_changed(&line, &j));
	add(EV_K_SIP_UA);
	j = judge();
	assert_false(judge_changed(&line, &j));
	add(EV_K_DNS_DBL);
	j = judge();
	assert_true(judge_changed(&line, &j));
	line.reported_kinds |= 1u << EV_K_DNS_DBL;
	add(EV_K_SIMBANK_LOGIN);
	line.reported_kinds |= 1u << EV_K_SIMBANK_LOGIN;
	j = judge();
	assert_true(judge_changed(&line, &j));	/* the verdict and tier moved */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(no_evidence_no_verdict),
		T(one_weak_sign_is_not_a_verdict),
		T(two_weak_signs_make_a_general_goip),
		T(device_fingerprint_is_goip_general),
		T(simbank_is_urgent_simbox),
		T(simbox_below_urgent_score_is_high),
		T(score_is_capped_at_100),
		T(watchlist_escalates_one_tier),
		T(allowlist_caps_at_general),
		T(deadlines_follow_the_tier),
		T(changed_on_new_kind_tier_or_verdict),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
