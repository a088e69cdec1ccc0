// SPDX-License-Identifier: GPL-2.0
/*
 * Two-mode detection on log latency; see modes.h.
 *
 * Latency spreads multiplicatively, so everything happens on log(ns).
 * 1. Candidate split: the one that minimises the within-group sum of
 *    squares (Otsu's threshold, exact over the sorted data), each side
 *    holding at least MODES_MIN_SHARE of the samples.
 * 2. Separation: the two sides' medians must be at least MODES_MIN_RATIO
 *    apart, and MODES_MIN_SEPARATION robust spreads apart (distance over
 *    the root mean square of the sides' MAD-based sigmas, floored at one
 *    timer step). Splitting one skewed mode leaves wide sides and fails.
 * 3. Valley: the density between the two medians (samples within a window
 *    of a quarter of their distance) must fall to MODES_MAX_VALLEY of the
 *    lower of the densities at the two medians. One mode, cut anywhere, is
 *    densest between the cut halves' medians, and fails.
 * The valley's lowest point is the split reported; the modes and shares are
 * recounted from it. At most two modes are looked for.
 */
#include "modes.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "util.h"

#define MODES_MIN_SAMPLES	40
#define MODES_MIN_SHARE		0.10
#define MODES_MIN_RATIO		1.5
#define MODES_MIN_SEPARATION	3.0
#define MODES_MAX_VALLEY	0.5
#define MODES_VALLEY_STEPS	32
#define MAD_TO_SIGMA		1.4826

static void unimodal(const double *sorted, size_t n, struct modes *m)
{
	memset(m, 0, sizeof(*m));
	m->n = 1;
	m->lo_ns = n ? stats_percentile_sorted(sorted, n, 0.5) : NAN;
	m->hi_ns = NAN;
	m->lo_share = 1;
	m->split_ns = NAN;
}

/* log of every sample, floored so that a zero (all harness, after subtraction) stays finite. */
static double *log_samples(const double *sorted, size_t n)
{
	double floor_ns = fmax(1e-3 * stats_percentile_sorted(sorted, n, 0.5), 1e-3);
	double *y = malloc(n * sizeof(*y));

	if (!y)
		return NULL;
	for (size_t i = 0; i < n; i++)
		y[i] = log(fmax(sorted[i], floor_ns));
	return y;
}

/* Otsu: index s (first of the upper side) minimising the two sides' sums of squares. */
static size_t best_split(const double *y, size_t n, size_t min_side)
{
	double total = 0, total2 = 0, left = 0, left2 = 0, best = INFINITY;
	size_t best_s = 0;

	for (size_t i = 0; i < n; i++) {
		total += y[i];
		total2 += y[i] * y[i];
	}
	for (size_t s = 1; s < n; s++) {
		double nl = (double)s, nr = (double)(n - s), ss;

		left += y[s - 1];
		left2 += y[s - 1] * y[s - 1];
		if (s < min_side || n - s < min_side)
			continue;
		ss = (left2 - left * left / nl) + ((total2 - left2) - (total - left) * (total - left) / nr);
		if (ss < best) {
			best = ss;
			best_s = s;
		}
	}
	return best_s;
}

/* MAD-based sigma of sorted y[0..n). */
static double robust_sigma(const double *y, size_t n, double med)
{
	double *d = malloc(n * sizeof(*d)), s;

	if (!d)
		return INFINITY;
	for (size_t i = 0; i < n; i++)
		d[i] = fabs(y[i] - med);
	qsort(d, n, sizeof(*d), cmp_double);
	s = MAD_TO_SIGMA * stats_percentile_sorted(d, n, 0.5);
	free(d);
	return s;
}

/* First index with y >= x in sorted y[0..n). */
static size_t lower_bound(const double *y, size_t n, double x)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (y[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static double window_count(const double *y, size_t n, double at, double w)
{
	return (double)(lower_bound(y, n, at + w) - lower_bound(y, n, at - w));
}

/*
 * Lowest-density point strictly between the medians a < b; *ratio = its
 * density over the lower peak's. The window is a quarter of their distance,
 * but never narrower than one timer step: a narrower one could fall between
 * two quantised values and see a valley that is only the timer's rounding.
 */
static double find_valley(const double *y, size_t n, double a, double b, double step_log,
			  double *ratio)
{
	double w = fmax((b - a) / 4, step_log), best = INFINITY, at = (a + b) / 2;
	double peak = fmin(window_count(y, n, a, w), window_count(y, n, b, w));

	for (int i = 0; i <= MODES_VALLEY_STEPS; i++) {
		double t = a + w + (b - a - 2 * w) * i / MODES_VALLEY_STEPS;
		double c = window_count(y, n, t, w);

		if (c < best) {
			best = c;
			at = t;
		}
	}
	*ratio = peak > 0 ? best / peak : INFINITY;
	return at;
}

/* Whether the sides y[0..s) and y[s..n) are two modes; *valley is where they part. */
static int separated(const double *y, size_t n, size_t s, double step_log, double *valley)
{
	double ma = stats_percentile_sorted(y, s, 0.5);
	double mb = stats_percentile_sorted(y + s, n - s, 0.5);
	double sa = fmax(robust_sigma(y, s, ma), step_log);
	double sb = fmax(robust_sigma(y + s, n - s, mb), step_log);
	double ratio;

	if (mb - ma < log(MODES_MIN_RATIO))
		return 0;
	if ((mb - ma) / sqrt((sa * sa + sb * sb) / 2) < MODES_MIN_SEPARATION)
		return 0;
	*valley = find_valley(y, n, ma, mb, step_log, &ratio);
	return ratio <= MODES_MAX_VALLEY;
}

static void fill_two(const double *sorted, size_t n, size_t s, double split, struct modes *m)
{
	memset(m, 0, sizeof(*m));
	m->n = 2;
	m->lo_ns = stats_percentile_sorted(sorted, s, 0.5);
	m->hi_ns = stats_percentile_sorted(sorted + s, n - s, 0.5);
	m->lo_share = (double)s / (double)n;
	m->hi_share = (double)(n - s) / (double)n;
	m->split_ns = split;
	m->above_split = n - s;
}

int modes_detect(const double *sorted, size_t n, double resolution_ns, struct modes *m)
{
	size_t min_side = (size_t)ceil(MODES_MIN_SHARE * (double)n), s;
	double *y, valley, median;

	unimodal(sorted, n, m);
	if (n < MODES_MIN_SAMPLES)
		return m->n;
	y = log_samples(sorted, n);
	if (!y)
		return m->n;
	median = stats_percentile_sorted(sorted, n, 0.5);
	s = best_split(y, n, min_side);
	if (s && separated(y, n, s, median > 0 ? log1p(resolution_ns / median) : 0, &valley)) {
		size_t cut = lower_bound(y, n, valley);

		if (cut >= min_side && n - cut >= min_side)
			fill_two(sorted, n, cut, exp(valley), m);
	}
	free(y);
	return m->n;
}
