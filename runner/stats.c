// SPDX-License-Identifier: GPL-2.0
/*
 * Order statistics of one series of samples.
 *
 * Percentiles: type 7 (R's default, numpy's "linear"): h = (n - 1) q,
 * x[floor h] + (h - floor h) (x[floor h + 1] - x[floor h]), 0-based.
 *
 * Median CI: the number B of samples below the true median is
 * binomial(n, 1/2) for any continuous distribution, so the interval
 * [x_(j), x_(n-j+1)] (1-based order statistics) covers the median with
 * probability 1 - 2 P(B <= j - 1). We take the largest j >= 1 whose
 * coverage is still >= 95 %, i.e. the narrowest symmetric interval that
 * keeps the guarantee. The binomial CDF is summed exactly (in log space,
 * so no overflow) up to CI_EXACT_MAX samples; beyond that the normal
 * approximation j = floor((n - 1.959964 sqrt(n)) / 2) is used, which
 * agrees with the exact ranks at the switch-over (checked by the tests).
 * For n <= 5 not even [min, max] reaches 95 % (its coverage is
 * 1 - 2^(1-n): 0 %, 50 %, 75 %, 87.5 %, 93.75 % for n = 1..5); the
 * interval returned is then [min, max], the widest there is, and it covers
 * less than 95 %. Consumers wanting to flag this can test n < 6.
 *
 * stddev is the sample standard deviation (divisor n - 1, Welford's
 * update for numerical stability); it is 0 when n == 1.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util.h"

#define CI_EXACT_MAX	10000
#define CI_Z95		1.959963984540054
#define CI_ALPHA_HALF	0.025

double stats_percentile_sorted(const double *sorted, size_t n, double q)
{
	double h, frac;
	size_t lo;

	if (n == 0)
		return NAN;
	if (q <= 0)
		return sorted[0];
	if (q >= 1)
		return sorted[n - 1];
	h = (double)(n - 1) * q;
	lo = (size_t)floor(h);
	if (lo >= n - 1)
		return sorted[n - 1];
	frac = h - (double)lo;
	return sorted[lo] + frac * (sorted[lo + 1] - sorted[lo]);
}

size_t stats_median_ci_rank(size_t n)
{
	if (n < 6)
		return 0;
	if (n <= CI_EXACT_MAX) {
		/* pmf(i) = C(n, i) / 2^n, built up by pmf(i+1) = pmf(i) (n-i)/(i+1) in logs */
		double logp = -(double)n * M_LN2, cdf = 0;
		size_t i;

		for (i = 0; i <= n / 2; i++) {
			double p = exp(logp);

			if (cdf + p > CI_ALPHA_HALF)
				break;
			cdf += p;
			logp += log((double)(n - i)) - log((double)(i + 1));
		}
		return i;	/* P(B <= i - 1) <= 0.025 < P(B <= i) */
	}
	return (size_t)floor(((double)n - CI_Z95 * sqrt((double)n)) / 2.0);
}

int stats_compute(double *v, size_t n, struct stats *st)
{
	double mean = 0, m2 = 0;
	size_t i, j;

	memset(st, 0, sizeof(*st));
	if (n == 0 || !v)
		return -1;
	qsort(v, n, sizeof(*v), cmp_double);

	st->n = n;
	st->min = v[0];
	st->max = v[n - 1];
	st->p10 = stats_percentile_sorted(v, n, 0.10);
	st->p50 = stats_percentile_sorted(v, n, 0.50);
	st->p90 = stats_percentile_sorted(v, n, 0.90);
	st->p99 = stats_percentile_sorted(v, n, 0.99);
	st->p999 = stats_percentile_sorted(v, n, 0.999);

	for (i = 0; i < n; i++) {
		double d = v[i] - mean;

		mean += d / (double)(i + 1);
		m2 += d * (v[i] - mean);
	}
	st->mean = mean;
	st->stddev = n > 1 ? sqrt(m2 / (double)(n - 1)) : 0;

	j = stats_median_ci_rank(n);
	if (j == 0) {
		st->median_ci_lo = v[0];
		st->median_ci_hi = v[n - 1];
	} else {
		st->median_ci_lo = v[j - 1];
		st->median_ci_hi = v[n - j];
	}
	return 0;
}

int samples_push(struct samples *s, double x)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		double *nv = realloc(s->v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		s->v = nv;
		s->cap = nc;
	}
	s->v[s->n++] = x;
	return 0;
}

void samples_free(struct samples *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}
