// SPDX-License-Identifier: GPL-2.0
/*
 * series_stats.c and modes.c on synthetic data: a point that drifts
 * halfway through a run, points that do not, sub-series that disagree,
 * repeats that agree or not, and two-mode detection on bimodal, unimodal,
 * skewed and quantised samples. Data come from a seeded generator, so
 * every run sees the same numbers.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "modes.h"
#include "plan.h"
#include "series_stats.h"
#include "stats.h"

static struct rng rng;

static double uniform(void)
{
	return ((double)(rng_next(&rng) >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(double mean, double sd)
{
	return mean + sd * sqrt(-2 * log(uniform())) * cos(2 * M_PI * uniform());
}

/* groups of `per` samples each, group k drawn around mean[k] with sd. */
static double *make_groups(const double *mean, size_t groups, size_t per, double sd, size_t *start)
{
	double *v = malloc(groups * per * sizeof(*v));

	for (size_t k = 0; k < groups; k++) {
		start[k] = k * per;
		for (size_t i = 0; i < per; i++)
			v[k * per + i] = normal(mean[k], sd);
	}
	start[groups] = groups * per;
	return v;
}

static int setup(void **state)
{
	(void)state;
	rng_seed(&rng, 8);
	return 0;
}

static double pooled_median(const double *v, size_t n)
{
	double *t = malloc(n * sizeof(*t)), m;
	struct stats st;

	memcpy(t, v, n * sizeof(*t));
	stats_compute(t, n, &st);
	m = st.p50;
	free(t);
	return m;
}

/*
 * The samples shift from 100 to 120 ns halfway through the run. The point
 * measured in six sub-series spread over the run gets an interval that
 * holds the run-long median; the same number of samples taken in one
 * contiguous burst (before the shift) gets a narrow interval that does not.
 */
static void test_drift_interval_covers_run_median(void **state)
{
	const double spread[6] = { 100, 100, 100, 120, 120, 120 }, burst[1] = { 100 };
	size_t start[7], bstart[2];
	double *v = make_groups(spread, 6, 200, 3, start);
	double *b = make_groups(burst, 1, 1200, 3, bstart);
	double run_median = pooled_median(v, 1200);
	struct between_stats sub, contiguous;

	(void)state;
	assert_int_equal(between_compute(v, start, 6, 0, &sub), 0);
	assert_int_equal(between_compute(b, bstart, 1, 0, &contiguous), 0);
	assert_true(run_median > 103 && run_median < 117);
	assert_true(sub.ci_lo <= run_median && run_median <= sub.ci_hi);
	assert_false(contiguous.ci_lo <= run_median && run_median <= contiguous.ci_hi);
	/* The samples alone, pooled, would not see the drift either. */
	assert_true(sub.sample_ci_hi - sub.sample_ci_lo < sub.ci_hi - sub.ci_lo);
	assert_int_equal(sub.groups, 6);
	assert_true(sub.sd > 9 && sub.sd < 12);
	assert_int_equal(sub.disagree, 1);
	assert_int_equal(contiguous.disagree, -1);
	free(v);
	free(b);
}

/* Without drift the interval stays close to the sample one, and nothing is flagged. */
static void test_no_drift(void **state)
{
	const double mean[6] = { 100, 100, 100, 100, 100, 100 };
	size_t start[7];
	double *v = make_groups(mean, 6, 200, 5, start);
	struct between_stats st;

	(void)state;
	assert_int_equal(between_compute(v, start, 6, 0, &st), 0);
	assert_int_equal(st.disagree, 0);
	assert_true(st.ci_lo <= st.median && st.median <= st.ci_hi);
	assert_true(st.ci_hi - st.ci_lo < 3.0);
	assert_true(st.ci_lo <= st.sample_ci_lo && st.sample_ci_hi <= st.ci_hi);
	free(v);
}

/* A 1 % drift is significant with this many samples but too small to flag. */
static void test_small_drift_not_flagged(void **state)
{
	const double mean[6] = { 100, 101, 100, 101, 100, 101 };
	size_t start[7];
	double *v = make_groups(mean, 6, 5000, 1, start);
	struct between_stats st;

	(void)state;
	assert_int_equal(between_compute(v, start, 6, 0, &st), 0);
	assert_int_equal(st.disagree, 0);
	free(v);
}

/* Medians one timer step apart are the timer's rounding, not drift. */
static void test_quantised_not_flagged(void **state)
{
	size_t start[7];
	double *v = malloc(600 * sizeof(*v));
	struct between_stats st;

	(void)state;
	for (size_t k = 0; k < 6; k++) {
		start[k] = k * 100;
		for (size_t i = 0; i < 100; i++)	/* 74.4 or 84.4: a 10 ns timer step */
			v[k * 100 + i] = (i * 7 + k * 13) % 100 < 45 + 10 * (k % 2) ? 74.4 : 84.4;
	}
	start[6] = 600;
	assert_int_equal(between_compute(v, start, 6, 10.0, &st), 0);
	assert_int_equal(st.disagree, 0);
	free(v);
}

/* One sub-series is today's behaviour: the sample interval; 2..5 use the range of their medians. */
static void test_few_groups(void **state)
{
	const double mean[3] = { 100, 104, 108 }, skewed[5] = { 100, 100, 101, 100, 400 };
	size_t start[6], one[2] = { 0, 600 };
	double *v = make_groups(mean, 3, 200, 2, start);
	struct between_stats st;

	(void)state;
	assert_int_equal(between_compute(v, one, 1, 0, &st), 0);
	assert_int_equal(st.groups, 1);
	assert_true(st.ci_lo == st.sample_ci_lo && st.ci_hi == st.sample_ci_hi);
	assert_int_equal(between_compute(v, start, 3, 0, &st), 0);
	assert_true(fabs(st.ci_lo - 100) < 0.5 && fabs(st.ci_hi - 108) < 0.5);
	free(v);
	/* One slow sub-series of five: the interval reaches it and never goes below zero. */
	v = make_groups(skewed, 5, 1, 1, start);
	assert_int_equal(between_compute(v, start, 5, 0, &st), 0);
	assert_true(st.ci_lo > 95 && st.ci_hi > 390);
	free(v);
}

static void test_empty_groups_skipped(void **state)
{
	double v[] = { 1, 2, 3, 4 };
	size_t start[] = { 0, 0, 2, 2, 4 };
	struct between_stats st;

	(void)state;
	assert_int_equal(between_compute(v, start, 4, 0, &st), 0);
	assert_int_equal(st.groups, 2);
	assert_int_equal(between_compute(v, (size_t[]){ 0, 0 }, 1, 0, &st), -1);
}

static void test_repeats(void **state)
{
	const double agree[3] = { 100, 102, 101 }, apart[3] = { 100, 120, 110 };
	size_t start[4];
	double *v = make_groups(agree, 3, 500, 2, start);
	struct repeat_stats st;

	(void)state;
	assert_int_equal(repeat_compute(v, start, 3, &st), 0);
	assert_int_equal(st.repeats, 3);
	assert_true(st.range_pct > 1 && st.range_pct < 3);
	assert_true(st.cv_pct > 0.5 && st.cv_pct < 1.5);
	free(v);
	v = make_groups(apart, 3, 500, 2, start);
	assert_int_equal(repeat_compute(v, start, 3, &st), 0);
	assert_true(st.range_pct > 17 && st.range_pct < 20);
	assert_true(st.cv_pct > 8 && st.cv_pct < 10);
	assert_int_equal(repeat_compute(v, start, 1, &st), 0);
	assert_true(isnan(st.cv_pct));
	free(v);
}

static void test_chi2_quantile(void **state)
{
	(void)state;
	/* Tables: chi2(0.999; 1) = 10.83, (5) = 20.52, (17) = 40.79. */
	assert_true(fabs(chi2_quantile(1, 3.090232) - 10.83) < 0.8);
	assert_true(fabs(chi2_quantile(5, 3.090232) - 20.52) < 0.3);
	assert_true(fabs(chi2_quantile(17, 3.090232) - 40.79) < 0.3);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double *sorted_copy(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v;
}

/* vmalloc(4K) under TCG: ~7 us, or ~14 us when the lazy purge lands in the series. */
static void test_modes_bimodal(void **state)
{
	size_t n = 2000;
	double *v = malloc(n * sizeof(*v));
	struct modes m;

	(void)state;
	for (size_t i = 0; i < n; i++)
		v[i] = i < 1200 ? 7000 * exp(normal(0, 0.08)) : 14000 * exp(normal(0, 0.1));
	assert_int_equal(modes_detect(sorted_copy(v, n), n, 10, &m), 2);
	assert_true(fabs(m.lo_ns - 7000) < 200);
	assert_true(fabs(m.hi_ns - 14000) < 400);
	assert_true(fabs(m.lo_share - 0.6) < 0.01 && fabs(m.hi_share - 0.4) < 0.01);
	assert_true(m.split_ns > 8500 && m.split_ns < 12000);
	assert_int_equal(m.above_split, (size_t)(m.hi_share * n + 0.5));
	free(v);
}

/* One mode, whatever its shape: normal, log-normal with a long tail, shifted exponential. */
static void test_modes_unimodal(void **state)
{
	size_t n = 3000;
	double *v = malloc(n * sizeof(*v));
	struct modes m;

	(void)state;
	for (size_t i = 0; i < n; i++)
		v[i] = normal(500, 40);
	assert_int_equal(modes_detect(sorted_copy(v, n), n, 0, &m), 1);
	assert_true(fabs(m.lo_ns - 500) < 5 && m.lo_share == 1 && isnan(m.split_ns));
	for (size_t i = 0; i < n; i++)
		v[i] = 300 * exp(normal(0, 0.6));
	assert_int_equal(modes_detect(sorted_copy(v, n), n, 0, &m), 1);
	for (size_t i = 0; i < n; i++)
		v[i] = 200 - 150 * log(uniform());
	assert_int_equal(modes_detect(sorted_copy(v, n), n, 0, &m), 1);
	/* 5 % of the samples hit by an interrupt: a tail, not a mode. */
	for (size_t i = 0; i < n; i++)
		v[i] = i % 20 ? normal(150, 10) : 10000 * exp(normal(0, 0.5));
	assert_int_equal(modes_detect(sorted_copy(v, n), n, 0, &m), 1);
	free(v);
}

/* A 10 ns timer step splits one mode into two neighbouring values: still one mode. */
static void test_modes_quantised(void **state)
{
	size_t n = 200;
	double v[200];
	struct modes m;

	(void)state;
	for (size_t i = 0; i < n; i++)
		v[i] = i < 102 ? 160.2 : i < 189 ? 170.2 : i < 192 ? 180.2 : 190.2;
	assert_int_equal(modes_detect(v, n, 10.0, &m), 1);
}

/*
 * A peak and a plateau on a 10 ns grid (kmem_cache free 4K under TCG): a
 * window narrower than one step would fall between two grid values and
 * find a valley that is only the rounding.
 */
static void test_modes_quantised_plateau(void **state)
{
	static const struct { double ns; int count; } grid[] = {
		{ 60.09, 22 }, { 70.11, 80 }, { 80.12, 15 }, { 90.14, 21 }, { 100.15, 24 },
		{ 110.17, 23 }, { 120.18, 4 }, { 130.20, 3 }, { 160.24, 2 }, { 180.27, 1 },
		{ 200.30, 1 }, { 210.32, 1 }, { 310.47, 1 }, { 370.56, 1 }, { 640.96, 1 },
	};
	double v[200];
	size_t n = 0;
	struct modes m;

	(void)state;
	for (size_t g = 0; g < sizeof(grid) / sizeof(grid[0]); g++)
		for (int i = 0; i < grid[g].count; i++)
			v[n++] = grid[g].ns;
	assert_int_equal(n, 200);
	assert_int_equal(modes_detect(v, n, 10.015, &m), 1);
}

static void test_modes_few_samples(void **state)
{
	double v[] = { 1, 1, 1, 1, 1, 100, 100, 100, 100, 100 };
	struct modes m;

	(void)state;
	assert_int_equal(modes_detect(v, 10, 0, &m), 1);
	assert_true(m.lo_ns == 50.5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_drift_interval_covers_run_median, setup),
		cmocka_unit_test_setup(test_no_drift, setup),
		cmocka_unit_test_setup(test_small_drift_not_flagged, setup),
		cmocka_unit_test_setup(test_quantised_not_flagged, setup),
		cmocka_unit_test_setup(test_few_groups, setup),
		cmocka_unit_test(test_empty_groups_skipped),
		cmocka_unit_test_setup(test_repeats, setup),
		cmocka_unit_test(test_chi2_quantile),
		cmocka_unit_test_setup(test_modes_bimodal, setup),
		cmocka_unit_test_setup(test_modes_unimodal, setup),
		cmocka_unit_test(test_modes_quantised),
		cmocka_unit_test(test_modes_quantised_plateau),
		cmocka_unit_test(test_modes_few_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
