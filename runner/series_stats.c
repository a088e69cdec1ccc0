// SPDX-License-Identifier: GPL-2.0
/*
 * Between-group statistics of one point; see series_stats.h.
 *
 * The interval. Each group (sub-series) is one look at the point at one
 * time of the run; its median is one draw of "the point's median at a
 * random time", drift included. With m >= 6 groups the interval is the
 * distribution-free order-statistic interval of the median of those m
 * medians (the binomial ranks stats.c uses for samples; for m = 6 that is
 * [smallest, largest], 96.9 %). With 2..5 groups no interval of them
 * reaches 95 % without assuming a shape, and a t-interval on a handful of
 * skewed medians reaches below zero: their range is used, covering
 * 1 - 2^(1-m) (50 % .. 93.75 %), as stats.c does for n <= 5 samples.
 * Either way it is widened to hold the interval of the pooled samples, so
 * it is never narrower than what the samples alone say. One group: the
 * samples' interval, as before there were sub-series.
 *
 * Disagreement. Under "no drift" each group median scatters around a
 * common value with the standard error of a median, 1.2533 sigma /
 * sqrt(n_k) (sigma from the pooled within-group MAD, a robust scale), plus
 * the rounding of a quantised timer (step^2 / 12). Q = sum of squared
 * standardised deviations from their weighted mean is then chi-square
 * with m - 1 degrees of freedom; groups disagree when Q is beyond its
 * 99.9 % quantile AND the medians' standard deviation is at least 2 % of
 * the median: with thousands of samples a drift too small to matter is
 * still significant, and it is not worth a flag.
 */
#include "series_stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util.h"

#define MAD_TO_SIGMA		1.4826		/* normal consistency of the MAD */
#define MEDIAN_SE_FACTOR	1.2533		/* sqrt(pi / 2): se(median) = this * sigma / sqrt(n) */
#define Z_999			3.090232306	/* one-sided 0.1 % normal quantile */
#define DISAGREE_MIN_REL_SD	0.02

/* Median of v[0..n) through a scratch copy (n > 0). */
static double median_copy(const double *v, size_t n, double *scratch)
{
	memcpy(scratch, v, n * sizeof(*v));
	qsort(scratch, n, sizeof(*scratch), cmp_double);
	return stats_percentile_sorted(scratch, n, 0.5);
}

/* Medians of the non-empty groups into med[], their sizes into cnt[]; returns how many. */
static size_t group_medians(const double *v, const size_t *start, size_t ngroups, double *scratch,
			    double *med, size_t *cnt)
{
	size_t m = 0;

	for (size_t k = 0; k < ngroups; k++) {
		size_t len = start[k + 1] - start[k];

		if (!len)
			continue;
		med[m] = median_copy(v + start[k], len, scratch);
		if (cnt)
			cnt[m] = len;
		m++;
	}
	return m;
}

static void mean_sd(const double *x, size_t m, double *mean, double *sd)
{
	double s = 0, ss = 0;

	for (size_t i = 0; i < m; i++)
		s += x[i];
	*mean = s / (double)m;
	for (size_t i = 0; i < m; i++)
		ss += (x[i] - *mean) * (x[i] - *mean);
	*sd = m > 1 ? sqrt(ss / (double)(m - 1)) : 0;
}

double chi2_quantile(double df, double z)
{
	double a = 2.0 / (9.0 * df), c = 1.0 - a + z * sqrt(a);

	return df * c * c * c;
}

/* Pooled within-group scale: MAD of every sample around its own group's median. */
static double within_sigma(const double *v, const size_t *start, size_t ngroups, const double *med,
			   double *scratch)
{
	size_t n = 0, g = 0;

	for (size_t k = 0; k < ngroups; k++) {
		if (start[k + 1] == start[k])
			continue;
		for (size_t i = start[k]; i < start[k + 1]; i++)
			scratch[n++] = fabs(v[i] - med[g]);
		g++;
	}
	qsort(scratch, n, sizeof(*scratch), cmp_double);
	return MAD_TO_SIGMA * stats_percentile_sorted(scratch, n, 0.5);
}

/* Variance of one group's median under "no drift": sampling noise plus the timer's rounding. */
static double median_variance(double sigma, size_t n, double resolution)
{
	double v = MEDIAN_SE_FACTOR * MEDIAN_SE_FACTOR * sigma * sigma / (double)n +
		   resolution * resolution / 12.0;

	return v > 0 ? v : 1e-12;
}

static int groups_disagree(const double *med, const size_t *cnt, size_t m, double sigma,
			   double resolution, double median, double sd)
{
	double wsum = 0, wmean = 0, q = 0;

	if (m < 2)
		return -1;
	if (resolution > 0 && sigma < resolution)
		sigma = resolution;
	for (size_t i = 0; i < m; i++) {
		double var = median_variance(sigma, cnt[i], resolution);

		wsum += 1.0 / var;
		wmean += med[i] / var;
	}
	wmean /= wsum;
	for (size_t i = 0; i < m; i++)
		q += (med[i] - wmean) * (med[i] - wmean) / median_variance(sigma, cnt[i], resolution);
	return q > chi2_quantile((double)(m - 1), Z_999) && sd >= DISAGREE_MIN_REL_SD * fabs(median);
}

/* The interval from the group medians alone (m >= 2): order statistics of the medians, sorted here. */
static void between_interval(double *med, size_t m, double *lo, double *hi)
{
	size_t j = stats_median_ci_rank(m);

	qsort(med, m, sizeof(*med), cmp_double);
	if (!j)
		j = 1;	/* fewer than 6: the range, below 95 % */
	*lo = med[j - 1];
	*hi = med[m - j];
}

int between_compute(const double *v, const size_t *start, size_t ngroups, double resolution_ns,
		    struct between_stats *st)
{
	size_t n = start[ngroups], m, *cnt = NULL;
	double *scratch = NULL, *med = NULL, mean;
	struct stats pooled;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	st->disagree = -1;
	if (!n)
		return -1;
	scratch = malloc(n * sizeof(*scratch));
	med = malloc(ngroups * sizeof(*med));
	cnt = malloc(ngroups * sizeof(*cnt));
	if (!scratch || !med || !cnt)
		goto out;
	memcpy(scratch, v, n * sizeof(*v));
	stats_compute(scratch, n, &pooled);
	st->median = pooled.p50;
	st->sample_ci_lo = st->ci_lo = pooled.median_ci_lo;
	st->sample_ci_hi = st->ci_hi = pooled.median_ci_hi;
	m = group_medians(v, start, ngroups, scratch, med, cnt);
	st->groups = m;
	mean_sd(med, m, &mean, &st->sd);
	if (m >= 2) {
		double lo, hi, sigma = within_sigma(v, start, ngroups, med, scratch);

		st->disagree = groups_disagree(med, cnt, m, sigma, resolution_ns, st->median, st->sd);
		between_interval(med, m, &lo, &hi);
		st->ci_lo = fmin(st->ci_lo, lo);
		st->ci_hi = fmax(st->ci_hi, hi);
	}
	rc = 0;
out:
	free(scratch);
	free(med);
	free(cnt);
	return rc;
}

int repeat_compute(const double *v, const size_t *start, size_t ngroups, struct repeat_stats *st)
{
	size_t n = start[ngroups], m;
	double *scratch, *med, mean, sd;

	memset(st, 0, sizeof(*st));
	st->cv_pct = st->range_pct = NAN;
	if (!n)
		return -1;
	scratch = malloc(n * sizeof(*scratch));
	med = malloc(ngroups * sizeof(*med));
	if (!scratch || !med) {
		free(scratch);
		free(med);
		return -1;
	}
	m = group_medians(v, start, ngroups, scratch, med, NULL);
	st->repeats = m;
	if (m >= 2) {
		double mid;

		mean_sd(med, m, &mean, &sd);
		qsort(med, m, sizeof(*med), cmp_double);
		mid = stats_percentile_sorted(med, m, 0.5);
		st->cv_pct = mean > 0 ? 100.0 * sd / mean : NAN;
		st->range_pct = mid > 0 ? 100.0 * (med[m - 1] - med[0]) / mid : NAN;
	}
	free(scratch);
	free(med);
	return 0;
}
