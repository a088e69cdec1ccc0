/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics of one point measured as several groups of samples: its
 * sub-series (taken at different times of the run) or its repeats. A
 * point's samples sit in one array in the order they were taken; group k
 * is v[start[k] .. start[k + 1]), with start[ngroups] = n.
 *
 * The point's interval of the median comes from the variation between its
 * sub-series, so it includes drift over the run, not only the noise
 * between neighbouring samples (series_stats.c says how).
 */
#ifndef ALLOCBENCH_SERIES_STATS_H
#define ALLOCBENCH_SERIES_STATS_H

#include <stddef.h>

struct between_stats {
	size_t groups;			/* groups holding at least one sample */
	double median;			/* of all samples pooled */
	double sd;			/* standard deviation of the group medians; 0 for one group */
	double ci_lo, ci_hi;		/* 95 % interval of the median: between groups, hulled with the sample one */
	double sample_ci_lo, sample_ci_hi;	/* 95 % interval from the pooled samples alone */
	int disagree;			/* 1: groups differ beyond their own noise; 0: no; -1: < 2 groups */
};

/*
 * Fills *st from v[0..start[ngroups]) split into groups at start[]. v is not
 * changed. resolution_ns is the smallest step the timer shows (0: unknown):
 * medians of quantised samples move by whole steps, which is no
 * disagreement. 0, or -1 when there is no sample or no memory.
 */
int between_compute(const double *v, const size_t *start, size_t ngroups, double resolution_ns,
		    struct between_stats *st);

struct repeat_stats {
	size_t repeats;			/* groups holding at least one sample */
	double cv_pct;			/* standard deviation / mean of the group medians, in % */
	double range_pct;		/* (largest - smallest group median) / median of them, in % */
};

/* Agreement of the groups' medians (one group per repeat). 0, or -1 (no sample, no memory). */
int repeat_compute(const double *v, const size_t *start, size_t ngroups, struct repeat_stats *st);

/* Upper quantile of the chi-square distribution (Wilson-Hilferty), z = the normal quantile. */
double chi2_quantile(double df, double z);

#endif
