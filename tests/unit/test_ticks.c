// SPDX-License-Identifier: GPL-2.0
/* Raw module ticks to ns: what is subtracted, and how often. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "ticks.h"

static void test_regions_and_calls(void **state)
{
	/* 1 GHz, 20 ticks per timer region, 41.015 ticks per table call
	 * (the figure TCG gave at load). */
	struct allocbench_info in = {
		.timer_hz = 1000000000ULL,
		.timer_overhead_ticks = 20,
		.call_overhead_mticks = 41015,
	};

	(void)state;
	/* Nothing subtracted. */
	assert_float_equal(ticks_to_ns(&in, 1000, 0, 0), 1000.0, 1e-9);
	/* One region, one call: 1000 - 20 - 41.015. */
	assert_float_equal(ticks_to_ns(&in, 1000, 1, 1), 938.985, 1e-9);
	/* A pair with touch: two regions, two calls. */
	assert_float_equal(ticks_to_ns(&in, 1000, 2, 2), 877.97, 1e-9);
	/* A batch of 64 pairs: one region, 128 calls. */
	assert_float_equal(ticks_to_ns(&in, 10000, 1, 128), 10000 - 20 - 41.015 * 128, 1e-6);
}

static void test_rate_and_clamp(void **state)
{
	struct allocbench_info in = { .timer_hz = 2000000000ULL, .timer_overhead_ticks = 10 };

	(void)state;
	/* 2 GHz: ticks are half-ns. */
	assert_float_equal(ticks_to_ns(&in, 110, 1, 0), 50.0, 1e-9);
	/* A sample below the overheads is zero, never negative. */
	assert_float_equal(ticks_to_ns(&in, 5, 1, 0), 0.0, 1e-9);
	/* No rate, no figure. */
	in.timer_hz = 0;
	assert_true(isnan(ticks_to_ns(&in, 110, 1, 0)));
}

/*
 * The harness measured beside a series (median of the same loop through the
 * module's empty allocator) comes off whole, then the sample is shared
 * among the operations of a batch.
 */
static void test_less_harness(void **state)
{
	struct allocbench_info in = { .timer_hz = 2000000000ULL };

	(void)state;
	/* 2 GHz: 500 ticks less a harness of 100.5 = 399.5 ticks = 199.75 ns. */
	assert_float_equal(ticks_less_harness_ns(&in, 500, 100.5, 1), 199.75, 1e-9);
	/* A batch of 64: (64 * 400 + 50 - 50) ticks over 64 operations = 200 ns each. */
	assert_float_equal(ticks_less_harness_ns(&in, 64 * 400 + 50, 50, 64), 200.0, 1e-9);
	/* A sample below its harness is zero, never negative. */
	assert_float_equal(ticks_less_harness_ns(&in, 90, 100, 1), 0.0, 1e-9);
	in.timer_hz = 0;
	assert_true(isnan(ticks_less_harness_ns(&in, 500, 100, 1)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_regions_and_calls),
		cmocka_unit_test(test_rate_and_clamp),
		cmocka_unit_test(test_less_harness),
	};

	return cmocka_run_group_tests_name("ticks", tests, NULL, NULL);
}
