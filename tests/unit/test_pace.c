/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for pace.c: voice-like pacing of opaque UDP flows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "jw.h"
#include "pace.h"

#define MS	1000ULL
#define T0	(1764408000ULL * USEC_PER_SEC)

static uint32_t rng = 12345;

static uint32_t
rnd(uint32_t n)
{
	rng = rng * 1103515245u + 12345u;
	return (rng >> 8) % n;
}

/*
 * One direction of G.729-like traffic: 20 ms +- 2 ms jitter, 20-byte frames
 * with a 12-byte header, a 2-byte SID and a 1.5 s VAD gap every 5 s.
 */
static void
g729_dir(struct pace *pc, int dir, usec_t start, unsigned seconds)
{
	usec_t t = start, end = start + seconds * USEC_PER_SEC;
	unsigned i = 0;

	while (t < end) {
		pace_update(pc, dir, t + rnd(4000), 32);
		if (++i % 250 == 0) {
			pace_update(pc, dir, t + 20 * MS, 2);	/* SID, then silence */
			t += 1500 * MS;
		}
		t += 20 * MS;
	}
}

static void
test_g729_vad_is_voice(void **state)
{
	struct pace pc;
	struct pace_params p;
	unsigned ms;

	(void)state;
	pace_params_default(&p);
	pace_init(&pc);
	g729_dir(&pc, 0, T0, 30);
	g729_dir(&pc, 1, T0 + 7 * MS, 30);
	assert_true(pace_is_voice(&pc, &p));
	assert_true(pace_share(&pc.dir[0], 3, &ms) > 0.9);
	assert_int_equal(ms, 20);
	assert_true(pace_size_mean(&pc.dir[0]) == 32.0);
	assert_true(pace_size_stddev(&pc.dir[1]) == 0.0);
	assert_true(pc.dir[0].sid > 0);
	assert_true(pc.dir[0].gaps > 0);
	/* A single direction is not enough when both are required ... */
	pace_init(&pc);
	g729_dir(&pc, 0, T0, 30);
	assert_false(pace_is_voice(&pc, &p));
	/* ... and is when they are not. */
	p.both_directions = false;
	assert_true(pace_is_voice(&pc, &p));
	/* Too short. */
	pace_init(&pc);
	g729_dir(&pc, 0, T0, 4);
	g729_dir(&pc, 1, T0, 4);
	p.both_directions = true;
	assert_false(pace_is_voice(&pc, &p));
}

static void
test_30ms(void **state)
{
	struct pace pc;
	struct pace_params p;
	unsigned ms, i;

	(void)state;
	pace_params_default(&p);
	pace_init(&pc);
	for (i = 0; i < 600; i++) {
		pace_update(&pc, 0, T0 + i * 30 * MS + rnd(2000), 24 + rnd(3));
		pace_update(&pc, 1, T0 + i * 30 * MS + 11 * MS, 24);
	}
	assert_true(pace_is_voice(&pc, &p));
	assert_true(pace_share(&pc.dir[0], 3, &ms) > 0.95);
	assert_int_equal(ms, 30);
}

static void
test_bulk_is_not(void **state)
{
	struct pace pc;
	struct pace_params p;
	usec_t t = T0;
	unsigned i;

	(void)state;
	pace_params_default(&p);
	pace_init(&pc);
	/* Bulk transfer with ACK-like returns: irregular gaps, big sizes. */
	for (i = 0; i < 3000; i++) {
		t += 1 * MS + rnd(45 * MS);
		pace_update(&pc, 0, t, 200 + rnd(1200));
		if (i % 3 == 0)
			pace_update(&pc, 1, t + 2 * MS, 40);
	}
	assert_false(pace_is_voice(&pc, &p));
	assert_true(pace_share(&pc.dir[0], 3, NULL) < 0.6);
	assert_true(pace_size_stddev(&pc.dir[0]) > 100);
}

static void
test_near_misses(void **state)
{
	struct pace pc;
	struct pace_params p;
	unsigned i;

	(void)state;
	pace_params_default(&p);
	/* Paced at 20 ms both ways but sizes swing like video. */
	pace_init(&pc);
	for (i = 0; i < 1000; i++) {
		pace_update(&pc, 0, T0 + i * 20 * MS, 100 + rnd(300));
		pace_update(&pc, 1, T0 + i * 20 * MS + 3 * MS, 32);
	}
	assert_false(pace_is_voice(&pc, &p));
	p.max_size_stddev = 200;
	assert_true(pace_is_voice(&pc, &p));
	pace_params_default(&p);
	/* Constant small sizes but a 25 ms beat: just outside +-3 ms of both. */
	pace_init(&pc);
	for (i = 0; i < 1000; i++) {
		pace_update(&pc, 0, T0 + i * 25 * MS, 32);
		pace_update(&pc, 1, T0 + i * 25 * MS + 5 * MS, 32);
	}
	assert_false(pace_is_voice(&pc, &p));
	assert_true(pace_share(&pc.dir[0], 3, NULL) == 0.0);
	/* A wider tolerance takes it in: the parameter is honoured. */
	p.tolerance_ms = 5;
	assert_true(pace_is_voice(&pc, &p));
	p.tolerance_ms = 99;	/* clamped to PACE_TOL_MAX */
	assert_true(pace_share(&pc.dir[0], p.tolerance_ms, NULL) == 1.0);
}

static void
test_write(void **state)
{
	struct pace pc;
	struct pace_params p;
	struct jw w;
	char buf[1024];

	(void)state;
	pace_params_default(&p);
	pace_init(&pc);
	g729_dir(&pc, 0, T0, 12);
	g729_dir(&pc, 1, T0, 12);
	jw_init(&w, buf, sizeof(buf));
	jw_obj_open(&w, NULL);
	pace_write(&pc, &p, &w);
	jw_obj_close(&w);
	assert_true(jw_finish(&w) > 0);
	assert_non_null(strstr(buf, "\"interval_ms_orig\":20"));
	assert_non_null(strstr(buf, "\"size_mean_resp\":32.0"));
	assert_non_null(strstr(buf, "\"packets_orig\":"));
	assert_non_null(strstr(buf, "\"sid_frames_resp\":"));
	assert_non_null(strstr(buf, "\"duration\":1"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_g729_vad_is_voice),
		cmocka_unit_test(test_30ms),
		cmocka_unit_test(test_bulk_is_not),
		cmocka_unit_test(test_near_misses),
		cmocka_unit_test(test_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
