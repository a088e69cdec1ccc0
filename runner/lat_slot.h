/* SPDX-License-Identifier: GPL-2.0 */
/*
 * [latency] internals shared by exp_latency.c (config, plan, CSV),
 * lat_visit.c (measuring one visit of a point) and lat_row.c (one row of
 * latency.csv): the state of one point across its visits and repeats.
 */
#ifndef ALLOCBENCH_LAT_SLOT_H
#define ALLOCBENCH_LAT_SLOT_H

#include <stddef.h>
#include <stdint.h>

#include "sizes.h"
#include "stats.h"

struct run_ctx;
struct run_config;
struct point;
struct section;
struct csv_writer;
struct allocbench_info;

/* The [latency] section's keys (exp_latency.c parses them). */
struct lat_section {
	uint32_t allocators;		/* bit per enum allocbench_allocator */
	uint32_t ops;			/* bit per enum allocbench_op */
	uint32_t gfps;			/* bit per enum allocbench_gfp */
	struct size_list sizes;
	uint32_t burst;
	int touch;
};

/* Where each sub-series starts in one pooled sample array, and its repeat. */
struct marks {
	size_t *start;
	uint32_t *repeat;
	size_t n, cap;
};

/*
 * How many samples a point gets: calibrated once, at its first visit, and
 * re-estimated from each per-op series it runs, so that a calibration
 * fooled by a one-off cost is corrected by the next visit; the last visit
 * of a repeat takes whatever the repeat still lacks.
 */
struct lat_budget {
	int calibrated;
	double cal_ns;			/* the calibration's wall ns per operation */
	double last_ns;			/* the latest per-op series' wall ns per operation; 0: none yet */
	int batch_decided;
	int repeat_started;
	uint32_t repeat;		/* repeat the counters below count */
	uint64_t done, batch_done;	/* samples asked for in this repeat */
	uint64_t asked;			/* per-op samples asked for in all repeats */
	uint32_t repeats;		/* repeats that took samples */
};

struct slot {
	uint32_t allocator, op, gfp;
	uint64_t bytes;
	uint32_t unit;			/* samples come in multiples of this: the burst, or 1 */
	struct samples perop[2];	/* ns per op, harness removed: [0] the op (burst: allocations), [1] burst frees */
	struct marks marks[2];		/* the sub-series of perop[h] */
	struct samples batch;		/* ns per op of the batch-timed samples */
	struct samples harness[2];	/* one per sub-series: the harness's median cost of a sample, ns */
	struct samples batch_harness;	/* one per batch sub-series: the harness per operation, ns */
	struct samples timer;		/* one per series: the timer's own overhead, ns */
	struct samples setup;		/* one per per-op series: setup_ns per request (left out of timing) */
	uint64_t step_ticks;		/* smallest tick step seen in harness samples; 0: none */
	struct lat_budget budget;
	uint64_t failures, fallbacks;
	unsigned batch_ops;		/* 0: no batch series ran */
	unsigned unsupported, skipped, measured, migrated;
	unsigned skipped_visits;	/* visits the memory cap turned away after samples were taken */
	int cap_checked, beyond_cap;	/* the memory cap, as checked at the first visit */
};

/* Samples one repeat asks for at this wall cost per sample (clamp(budget / cost)), a multiple of unit. */
uint64_t lat_target(const struct run_config *rc, double per_sample_ns, uint32_t unit);
/* The budget's current estimate of one operation's wall time, ns. */
double lat_estimate_ns(const struct lat_budget *b);

/*
 * Measures one visit of pt into sl. 0 (whatever was measured), 1 when a
 * request failed in a way that means runner and module disagree (reported;
 * the run must stop and write nothing), -1 to stop the run (interrupted).
 */
int lat_visit(struct run_ctx *ctx, struct slot *sl, const struct point *pt);

/* Writes the row of sl's samples perop[half] (op names it). 0 or -1. */
int lat_write_row(struct csv_writer *w, const struct allocbench_info *in, struct slot *sl, const char *op,
		  int half);

extern const char *const lat_columns[];
extern const size_t lat_ncolumns;

void marks_free(struct marks *m);

#endif
