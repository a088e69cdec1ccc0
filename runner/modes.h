/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Modes of one point's latency distribution: a point whose samples fall in
 * two separate groups (vmalloc's lazy purge of vmap areas lands in some
 * series and not others) is reported as its two modes and their shares,
 * not as one median that describes neither.
 */
#ifndef ALLOCBENCH_MODES_H
#define ALLOCBENCH_MODES_H

#include <stddef.h>

struct modes {
	int n;			/* 1 or 2 */
	double lo_ns, hi_ns;	/* median of the lower and of the upper mode; n == 1: lo_ns = median */
	double lo_share, hi_share;	/* fractions of the samples; n == 1: 1 and 0 */
	double split_ns;	/* the valley between the modes; NAN when n == 1 */
	size_t above_split;	/* samples above split_ns (the upper mode's); 0 when n == 1 */
};

/*
 * Looks for two modes in sorted[0..n) (ascending, ns). resolution_ns is the
 * timer's smallest step (0: unknown): modes one step apart are the timer's
 * quantisation, not the allocator's behaviour. Returns m->n.
 */
int modes_detect(const double *sorted, size_t n, double resolution_ns, struct modes *m);

#endif
