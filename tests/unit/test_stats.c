// SPDX-License-Identifier: GPL-2.0
/*
 * stats_compute(): type-7 percentiles against hand-computed values, the
 * sample standard deviation, and the ranks of the distribution-free 95 %
 * CI of the median against exact binomial ranks computed independently
 * (python3: largest j with sum_{i<j} C(n,i)/2^n <= 0.025, using math.comb):
 *   n = 6: j = 1   n = 10: j = 2   n = 20: j = 6   n = 100: j = 40
 *   n = 101: j = 41   n = 1000: j = 469   n = 5000: j = 2431
 *   n = 10000: j = 4902   n = 10001: j = 4902   n = 20000: j = 9861
 * (upper rank n - j + 1 in each case; n <= 5 has no 95 % interval).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "stats.h"

size_t stats_median_ci_rank(size_t n);	/* stats.c */

#define EPS 1e-9
#define assert_near(a, b) do { \
	double _a = (a), _b = (b); \
	if (!(fabs(_a - _b) <= EPS * (1 + fabs(_b)))) \
		fail_msg("%s = %.12g, expected %.12g", #a, _a, _b); \
} while (0)

static void test_empty(void **state)
{
	struct stats st;
	double v[1] = { 5 };

	(void)state;
	memset(&st, 0xff, sizeof(st));
	assert_int_equal(stats_compute(v, 0, &st), -1);
	assert_int_equal(st.n, 0);
	assert_near(st.p50, 0);
}

static void test_odd_known(void **state)
{
	double v[] = { 50, 15, 40, 20, 35 };	/* sorted: 15 20 35 40 50 */
	struct stats st;

	(void)state;
	assert_int_equal(stats_compute(v, 5, &st), 0);
	assert_int_equal(st.n, 5);
	assert_near(v[0], 15);	/* sorted in place */
	assert_near(v[4], 50);
	assert_near(st.min, 15);
	assert_near(st.max, 50);
	assert_near(st.p10, 17);	/* h = 0.4:  15 + 0.4 * 5 */
	assert_near(st.p50, 35);	/* h = 2 */
	assert_near(st.p90, 46);	/* h = 3.6:  40 + 0.6 * 10 */
	assert_near(st.p99, 49.6);	/* h = 3.96 */
	assert_near(st.p999, 49.96);	/* h = 3.996 */
	assert_near(st.mean, 32);
	assert_near(st.stddev, sqrt(830.0 / 4));	/* squares 289 144 9 64 324 */
	/* n = 5: no interval reaches 95 %: [min, max] */
	assert_near(st.median_ci_lo, 15);
	assert_near(st.median_ci_hi, 50);
}

static void test_even_known(void **state)
{
	double v[] = { 4, 2, 3, 1 };
	struct stats st;

	(void)state;
	assert_int_equal(stats_compute(v, 4, &st), 0);
	assert_near(st.p50, 2.5);	/* h = 1.5 */
	assert_near(st.p10, 1.3);	/* h = 0.3 */
	assert_near(st.p90, 3.7);	/* h = 2.7 */
	assert_near(st.mean, 2.5);
	assert_near(st.stddev, sqrt(5.0 / 3));
}

static void test_n1(void **state)
{
	double v[] = { 42.5 };
	struct stats st;

	(void)state;
	assert_int_equal(stats_compute(v, 1, &st), 0);
	assert_near(st.min, 42.5);
	assert_near(st.p10, 42.5);
	assert_near(st.p50, 42.5);
	assert_near(st.p999, 42.5);
	assert_near(st.max, 42.5);
	assert_near(st.mean, 42.5);
	assert_near(st.stddev, 0);
	assert_near(st.median_ci_lo, 42.5);
	assert_near(st.median_ci_hi, 42.5);
}

static void test_n2(void **state)
{
	double v[] = { 3, 1 };
	struct stats st;

	(void)state;
	assert_int_equal(stats_compute(v, 2, &st), 0);
	assert_near(st.p50, 2);
	assert_near(st.p10, 1.2);
	assert_near(st.p90, 2.8);
	assert_near(st.p99, 2.98);
	assert_near(st.stddev, sqrt(2));
	assert_near(st.median_ci_lo, 1);
	assert_near(st.median_ci_hi, 3);
}

static void test_constant(void **state)
{
	double v[100];
	struct stats st;
	size_t i;

	(void)state;
	for (i = 0; i < 100; i++)
		v[i] = 7.25;
	assert_int_equal(stats_compute(v, 100, &st), 0);
	assert_near(st.min, 7.25);
	assert_near(st.p10, 7.25);
	assert_near(st.p50, 7.25);
	assert_near(st.p99, 7.25);
	assert_near(st.max, 7.25);
	assert_near(st.mean, 7.25);
	assert_near(st.stddev, 0);
	assert_near(st.median_ci_lo, 7.25);
	assert_near(st.median_ci_hi, 7.25);
}

/* Large offset, small spread: a naive sum-of-squares would lose it all. */
static void test_stddev_stable(void **state)
{
	double v[] = { 1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16 };
	struct stats st;

	(void)state;
	assert_int_equal(stats_compute(v, 4, &st), 0);
	assert_near(st.mean, 1e9 + 10);
	assert_near(st.stddev, sqrt(90.0 / 3));	/* deviations -6 -3 3 6 */
}

static void test_percentile_sorted(void **state)
{
	const double s[] = { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 };

	(void)state;
	assert_near(stats_percentile_sorted(s, 10, 0), 10);
	assert_near(stats_percentile_sorted(s, 10, 1), 100);
	assert_near(stats_percentile_sorted(s, 10, 0.5), 55);	/* h = 4.5 */
	assert_near(stats_percentile_sorted(s, 10, 0.25), 32.5);	/* h = 2.25, numpy: 32.5 */
	assert_near(stats_percentile_sorted(s, 10, 0.9), 91);	/* h = 8.1 */
	assert_true(isnan(stats_percentile_sorted(s, 0, 0.5)));
}

static void test_ci_ranks(void **state)
{
	static const struct { size_t n, j; } ref[] = {
		{ 1, 0 }, { 2, 0 }, { 5, 0 }, { 6, 1 }, { 7, 1 }, { 10, 2 }, { 11, 2 }, { 20, 6 },
		{ 100, 40 }, { 101, 41 }, { 1000, 469 }, { 5000, 2431 }, { 10000, 4902 },
		{ 10001, 4902 }, { 20000, 9861 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ref) / sizeof(ref[0]); i++) {
		size_t j = stats_median_ci_rank(ref[i].n);

		if (j != ref[i].j)
			fail_msg("n = %zu: rank %zu, expected %zu", ref[i].n, j, ref[i].j);
	}
}

/* Data 1..n in scrambled order: the CI bounds are the ranks themselves. */
static void ci_values(size_t n, double lo, double hi)
{
	double *v = malloc(n * sizeof(*v));
	struct stats st;
	size_t i;

	assert_non_null(v);
	for (i = 0; i < n; i++)
		v[i] = (double)((i * 7919) % n + 1);	/* 7919 is prime: a permutation */
	assert_int_equal(stats_compute(v, n, &st), 0);
	assert_near(st.median_ci_lo, lo);
	assert_near(st.median_ci_hi, hi);
	assert_true(st.median_ci_lo <= st.p50 && st.p50 <= st.median_ci_hi);
	free(v);
}

static void test_ci_values(void **state)
{
	(void)state;
	ci_values(10, 2, 9);
	ci_values(100, 40, 61);
	ci_values(1000, 469, 532);
	ci_values(20000, 9861, 10140);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_odd_known),
		cmocka_unit_test(test_even_known),
		cmocka_unit_test(test_n1),
		cmocka_unit_test(test_n2),
		cmocka_unit_test(test_constant),
		cmocka_unit_test(test_stddev_stable),
		cmocka_unit_test(test_percentile_sorted),
		cmocka_unit_test(test_ci_ranks),
		cmocka_unit_test(test_ci_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
