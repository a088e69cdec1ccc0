/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The statistics of `allocbench compare`, free of files so that the unit
 * tests can feed them synthetic data with a known truth. Ratios are
 * handled as differences of natural logarithms; distributions and random
 * numbers come from GSL.
 */
#ifndef ALLOCBENCH_COMPARE_STATS_H
#define ALLOCBENCH_COMPARE_STATS_H

#include <stddef.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "compare.h"

#define CMP_LEVEL		0.95	/* of every interval */
#define CMP_BOOT_ITERS		2000
#define CMP_BOOT_MAX_N		4000	/* samples per side a bootstrap draws from (every k-th beyond) */

/* A difference of logs (B - A) with its standard error, interval and two-sided p. */
struct cmp_t {
	double diff, se, df;	/* df: INFINITY for the normal distribution */
	double lo, hi, p;
};

/*
 * Student's two-sample t test on xa and xb (logs), the pooled variance
 * taken as at least var_floor (a bound known from elsewhere: the noise
 * inside each unit, the timer's step). 0, or -1 when na or nb is 0 or
 * na + nb < 3 (no degree of freedom).
 */
int cmp_ttest(const double *xa, size_t na, const double *xb, size_t nb, double var_floor, struct cmp_t *t);

/* Interval and p of diff from its standard error and degrees of freedom (INFINITY: normal). */
void cmp_t_from_se(double diff, double se, double df, struct cmp_t *t);

/*
 * Percentile bootstrap of log(median(b) / median(a)): resamples each side's
 * samples with replacement. p is twice the share of resamples on the other
 * side of zero (at least 1 / iters). 0, or -1 when a side is empty or out
 * of memory.
 */
int cmp_bootstrap(const double *a, size_t na, const double *b, size_t nb, unsigned iters, gsl_rng *rng,
		  struct cmp_t *t);

/*
 * Benjamini-Hochberg adjusted p-values (q) of p[0..n): q_(i) = min over
 * j >= i of p_(j) m / j, at most 1, m the number of finite p. NAN p are
 * not part of the family and get a NAN q.
 */
void cmp_bh(const double *p, size_t n, double *q);

/* Median of v[0..n) (not changed); NAN when n is 0. */
double cmp_median(const double *v, size_t n);

/* One run of one side of a point, as the inference sees it. */
struct cmp_unit_run {
	double median;		/* the run's median (ns), > 0 */
	double resolution;	/* the timer's step (ns) at this point; NAN or 0 when unknown */
	const double *v;	/* its samples (ns), may be NULL */
	const uint32_t *grp;	/* the sub-series of each sample */
	size_t n;
};

struct cmp_infer {
	enum cmp_method method;
	double med_a, med_b;	/* geometric means of the runs' medians */
	double ratio, lo, hi, p, df, se;
};

/*
 * Ratio B/A of one point with its interval and p: the t test on the runs'
 * log medians when the sides hold three runs or more together (each run's
 * own noise and the timer's step bound the variance from below), else on
 * the sub-series' log medians of the one run per side, else a bootstrap of
 * the samples. method CMP_M_NONE when none applies.
 */
void cmp_infer(const struct cmp_unit_run *a, size_t na, const struct cmp_unit_run *b, size_t nb, gsl_rng *rng,
	       struct cmp_infer *out);

/*
 * Log medians of the groups of one run (samples v with group ids grp, any
 * order): writes them to out (room for n), returns how many. Values below
 * floor count as floor (a median of zero after the harness subtraction).
 */
size_t cmp_group_log_medians(const double *v, const uint32_t *grp, size_t n, double floor, double *out);

/*
 * The variance of one run's log median that the run itself shows: the
 * between-sub-series variance of its log medians over their count, and
 * the timer step's quantisation ((step / median)^2 / 12), whichever is
 * larger; 0 when neither is known.
 */
double cmp_run_var(const struct cmp_unit_run *r);

#endif
