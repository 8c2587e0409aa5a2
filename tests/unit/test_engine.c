/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests for engine.c's drop table: one definition of what a drop is. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "engine.h"

static void
test_each_stage_counts_its_own(void **state)
{
	struct engine_stats st;
	uint64_t d[ED_N];

	(void)state;
	memset(&st, 0, sizeof(st));
	st.cap.kernel_drops = 1;
	st.cap.iface_drops = 2;
	st.cap.ring_drops = 3;
	st.dispatch_drops = 4;
	st.w.decode[DECODE_OK] = 1000;		/* decoded: not a drop */
	st.w.decode[DECODE_FRAGMENT] = 100;	/* held for reassembly: not a drop */
	st.w.decode[DECODE_TRUNCATED] = 3;
	st.w.inner_decode[DECODE_OK] = 70;
	st.w.inner_decode[DECODE_BAD_IP] = 2;
	st.w.reasm.result[REASM_HELD] = 50;
	st.w.reasm.result[REASM_COMPLETE] = 60;
	st.w.reasm.timeouts = 6;
	st.w.flow.expired[FLOW_END_EVICTED] = 7;
	st.w.dpi.pool_full = 8;
	st.w.voip.state_pool_full = 9;
	st.record_drops = 10;
	st.w.record_overflow = 11;
	engine_drops(&st, d);
	assert_int_equal(d[ED_KERNEL], 1);
	assert_int_equal(d[ED_INTERFACE], 2);
	assert_int_equal(d[ED_CAPTURE_RING], 3);
	assert_int_equal(d[ED_DISPATCH], 4);
	assert_int_equal(d[ED_DECODE], 5);
	assert_int_equal(d[ED_REASM], 6);
	assert_int_equal(d[ED_FLOW_EVICTED], 7);
	assert_int_equal(d[ED_DPI_POOL], 8);
	assert_int_equal(d[ED_VOIP_POOL], 9);
	assert_int_equal(d[ED_RECORD_RING], 10);
	assert_int_equal(d[ED_RECORD_OVERFLOW], 11);
}

/* Lost packets and records light the alarm; capacity and bad input do not. */
static void
test_what_is_a_loss(void **state)
{
	(void)state;
	assert_true(engine_drop_is_loss[ED_KERNEL]);
	assert_true(engine_drop_is_loss[ED_DISPATCH]);
	assert_true(engine_drop_is_loss[ED_RECORD_RING]);
	assert_false(engine_drop_is_loss[ED_DECODE]);
	assert_false(engine_drop_is_loss[ED_FLOW_EVICTED]);
	for (size_t i = 0; i < ED_N; i++)
		assert_non_null(engine_drop_names[i]);
	assert_string_equal(engine_drop_names[ED_REASM], "reassembly");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_stage_counts_its_own),
		cmocka_unit_test(test_what_is_a_loss),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
