/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plan: every section expanded into points (allocator x op x gfp x size),
 * the whole list once per repeat, each repeat shuffled from the seed so that
 * drift over time does not masquerade as a difference between allocators.
 * A kind may plan one measurement as several visits (latency sub-series):
 * visit v of n lands in the v-th of n equal stretches of its repeat's
 * order, so that the visits of one point span the whole repeat.
 */
#ifndef ALLOCBENCH_PLAN_H
#define ALLOCBENCH_PLAN_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct section;
struct experiment_kind;

struct point {
	const struct section *sec;	/* sec->kind runs it */
	uint32_t allocator;		/* enum allocbench_allocator */
	uint32_t op;			/* enum allocbench_op */
	uint32_t gfp;			/* enum allocbench_gfp */
	uint32_t repeat;		/* 0 .. repeat-1 */
	uint64_t bytes;
	uint64_t param;			/* kind-specific */
	uint32_t visit;			/* 0 .. visits-1 */
	uint32_t visits;		/* visits of this measurement per repeat; 0 or 1: one */
};

struct plan {
	struct point *v;
	size_t n, cap;
	size_t per_repeat;		/* points in one repeat */
};

/* Small deterministic PRNG (splitmix64): same seed, same sequence, on every libc. */
struct rng {
	uint64_t s;
};
void rng_seed(struct rng *r, uint64_t seed);
uint64_t rng_next(struct rng *r);
/* Uniform in [0, n), n > 0, without modulo bias. */
uint64_t rng_below(struct rng *r, uint64_t n);

/* Appends one point (kinds call this from their plan()). 0 or -1 (ENOMEM). */
int plan_add(struct plan *p, const struct point *pt);
/* A kind's plan() when its whole section is one point ([frag], [vspace]). */
int plan_one_point(const struct config *cfg, const struct section *sec, struct plan *p);
/* A kind's plan() when `allocbench run` measures none of it (run by another command). */
int plan_no_points(const struct config *cfg, const struct section *sec, struct plan *p);

/*
 * Builds the run order: for each repeat r, every section's points, shuffled
 * with a generator seeded from (seed, r), then spread into strata: visit v
 * of n goes to the v-th n-th of the repeat, keeping its shuffled place
 * inside that stretch; single-visit points keep their shuffled place in the
 * whole repeat. Without multi-visit points the order is the shuffle's. 0 or -1.
 */
int plan_build(const struct config *cfg, struct plan *p);
void plan_free(struct plan *p);

/* Fisher-Yates shuffle of v[0..n) with r. */
void plan_shuffle(struct point *v, size_t n, struct rng *r);
/* Stable reorder of a shuffled v[0..n) into visit strata, as plan_build() does. 0 or -1 (ENOMEM). */
int plan_stratify(struct point *v, size_t n);

/*
 * Canonical (output) order: kind, allocator (ABI order), op, gfp, size,
 * then section order and repeat. qsort comparator on struct point.
 */
int point_cmp(const void *a, const void *b);
void plan_sort(struct point *v, size_t n);

#endif
