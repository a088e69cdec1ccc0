/* SPDX-License-Identifier: GPL-2.0 */
/* Order statistics of one series of samples: exact percentiles, no binning. */
#ifndef ALLOCBENCH_STATS_H
#define ALLOCBENCH_STATS_H

#include <stddef.h>

struct stats {
	size_t n;
	double min, p10, p50, p90, p99, p999, max;
	double mean, stddev;		/* stddev: sample (n - 1) */
	double median_ci_lo, median_ci_hi;	/* 95 %, distribution-free */
};

/* A growable array of samples, in the order they were taken. */
struct samples {
	double *v;
	size_t n, cap;
};

/* Appends x; 0, or -1 when out of memory (s unchanged). */
int samples_push(struct samples *s, double x);
/* Frees the array; s is empty afterwards. */
void samples_free(struct samples *s);

/*
 * Sorts v[0..n) in place and fills *st. Percentiles use linear interpolation
 * between closest ranks (type 7, as R and numpy default). The median's CI is
 * the order-statistic interval from the binomial(n, 1/2) distribution, so it
 * holds for any distribution. Returns 0, or -1 when n == 0 (st zeroed, n = 0).
 */
int stats_compute(double *v, size_t n, struct stats *st);

/*
 * Lower rank j (1-based) of the 95 % order-statistic interval of the median
 * of n values: [x_(j), x_(n-j+1)]; 0 when no interval reaches 95 % (n <= 5).
 */
size_t stats_median_ci_rank(size_t n);

/* Percentile q in [0, 1] of an already sorted array (type 7). */
double stats_percentile_sorted(const double *sorted, size_t n, double q);

#endif
