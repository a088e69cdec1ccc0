// SPDX-License-Identifier: GPL-2.0
/* Pure arithmetic of the access experiments (runner/access_calc.c). */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "access_calc.h"
#include "allocbench.h"

static struct allocbench_info timer(uint64_t overhead, uint64_t hz)
{
	struct allocbench_info in = { .timer_overhead_ticks = overhead, .timer_hz = hz };

	/* A call overhead must not touch the chase: it makes no such call. */
	in.call_overhead_mticks = 7000;
	return in;
}

static void test_ns_per_step(void **state)
{
	struct allocbench_info in;

	(void)state;
	/* 1 GHz: 1000 ticks over 10 steps = 100 ns. */
	in = timer(0, 1000000000ULL);
	assert_float_equal(access_ns_per_step(&in, 1000, 1, 10), 100.0, 1e-9);
	/* overhead subtracted once per chunk: 1000 - 4 * 25 = 900 ticks */
	in = timer(25, 1000000000ULL);
	assert_float_equal(access_ns_per_step(&in, 1000, 4, 10), 90.0, 1e-9);
	/* 2 GHz halves the time */
	in = timer(0, 2000000000ULL);
	assert_float_equal(access_ns_per_step(&in, 1000, 1, 10), 50.0, 1e-9);
	/* chunks 0 counts as one */
	in = timer(100, 1000000000ULL);
	assert_float_equal(access_ns_per_step(&in, 1000, 0, 9), 100.0, 1e-9);
	/* never negative */
	assert_float_equal(access_ns_per_step(&in, 10, 2, 1), 0.0, 1e-9);
	in = timer(0, 0);
	assert_true(isnan(access_ns_per_step(&in, 1000, 1, 10)));
	in = timer(0, 1000);
	assert_true(isnan(access_ns_per_step(&in, 1000, 1, 0)));
}

static void test_pmu_text(void **state)
{
	char b[256];

	(void)state;
	access_pmu_text(0, b, sizeof(b));
	assert_string_equal(b, "ok");
	access_pmu_text(-ENOENT, b, sizeof(b));
	assert_true(!strncmp(b, "unavailable: ", 13));
	assert_non_null(strstr(b, "ENOENT"));
	access_pmu_text(-EOPNOTSUPP, b, sizeof(b));
	assert_non_null(strstr(b, "EOPNOTSUPP"));
	access_pmu_text(-ENODATA, b, sizeof(b));
	assert_non_null(strstr(b, "never ran"));
	access_pmu_text(-1234, b, sizeof(b));
	assert_non_null(strstr(b, "errno 1234"));
}

static void test_ratio(void **state)
{
	(void)state;
	assert_float_equal(access_ratio(310, 228), 310.0 / 228.0, 1e-12);
	assert_true(isnan(access_ratio(NAN, 1)));
	assert_true(isnan(access_ratio(1, 0)));
	assert_true(isnan(access_ratio(-1, 2)));
	assert_true(isnan(access_ratio(INFINITY, 2)));
}

static void test_layout_names(void **state)
{
	(void)state;
	assert_string_equal(access_layout_name(ALLOCBENCH_PATTERN_PAGE), "page");
	assert_string_equal(access_layout_name(ALLOCBENCH_PATTERN_FIRST_TOUCH), "first_touch");
	assert_string_equal(access_layout_name(ALLOCBENCH_PATTERN_NONE), "unknown");
	assert_string_equal(access_layout_name(99), "unknown");
	for (unsigned p = ALLOCBENCH_PATTERN_PAGE; p < ALLOCBENCH_NR_PATTERNS; p++)
		assert_int_equal(access_layout_by_name(access_layout_name(p)), (int)p);
	assert_int_equal(access_layout_by_name("none"), -1);
	assert_int_equal(access_layout_by_name(""), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ns_per_step),
		cmocka_unit_test(test_pmu_text),
		cmocka_unit_test(test_ratio),
		cmocka_unit_test(test_layout_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
