/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The plan: every section expanded into points (allocator x op x gfp x size),
 * the whole list once per repeat, each repeat shuffled from the seed so that
 * drift over time does not masquerade as a difference between allocators.
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

/*
 * Builds the run order: for each repeat r, every section's points, shuffled
 * with a generator seeded from (seed, r). 0 or -1.
 */
int plan_build(const struct config *cfg, struct plan *p);
void plan_free(struct plan *p);

/* Fisher-Yates shuffle of v[0..n) with r. */
void plan_shuffle(struct point *v, size_t n, struct rng *r);

/*
 * Canonical (output) order: kind, allocator (ABI order), op, gfp, size,
 * then section order and repeat. qsort comparator on struct point.
 */
int point_cmp(const void *a, const void *b);
void plan_sort(struct point *v, size_t n);

#endif
