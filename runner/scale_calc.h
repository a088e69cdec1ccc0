/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The arithmetic of the [scale] kind, apart from any I/O so that unit tests
 * reach it: the threads list ("1, 2, 4, all"), the figures of one point
 * from its workers (total and per-thread ops/s, the spread between
 * threads) and scaling efficiency against the 1-thread point.
 */
#ifndef ALLOCBENCH_SCALE_CALC_H
#define ALLOCBENCH_SCALE_CALC_H

#include <stddef.h>
#include <stdint.h>

#define SCALE_MAX_COUNTS	32	/* entries of one threads list */
#define SCALE_THREADS_ALL	0U	/* "all": the CPUs online where the run runs */

struct scale_threads {
	unsigned v[SCALE_MAX_COUNTS];	/* as written; SCALE_THREADS_ALL for "all" */
	size_t n;
};

/*
 * A comma list of thread counts, each 1..max or "all". 0, or -1 with a
 * message (no file:line) in err.
 */
int scale_threads_parse(const char *key, const char *value, unsigned max, struct scale_threads *t,
			char *err, size_t errlen);

/* The largest count written (0 when the list is only "all"). */
unsigned scale_threads_max(const struct scale_threads *t);

/*
 * The counts to run where online CPUs are online: "all" replaced, sorted,
 * without duplicates. Returns how many were written to out (at most cap).
 */
size_t scale_threads_expand(const struct scale_threads *t, unsigned online, unsigned *out, size_t cap);

/* One worker as the module reports it (the fields the figures need). */
struct scale_worker {
	uint64_t ops;
	uint64_t elapsed_ns;
};

/* The figures of one point. Rates are NAN when no worker ran for any time. */
struct scale_figures {
	uint64_t total_ops;
	double total_ops_per_s;		/* all operations over the longest worker's time */
	double thread_mean, thread_min, thread_max;	/* per-thread ops/s */
	double min_max_ratio;		/* slowest / fastest thread: 1 = perfectly even */
	double cv_pct;			/* population CV of per-thread ops/s, % */
};

/* 0, or -1 when n == 0 (f zeroed, rates NAN). */
int scale_figures_compute(const struct scale_worker *w, size_t n, struct scale_figures *f);

/*
 * Scaling efficiency: ops/s at n threads / (n x ops/s at 1 thread). 1 is
 * linear scaling; NAN when either rate is missing or not positive.
 */
double scale_efficiency(double ops_n, unsigned n, double ops_1);

/* "pair", "burst", "remote_free" (enum allocbench_scale_pattern), NULL when out of range. */
const char *scale_pattern_name(unsigned p);
int scale_pattern_by_name(const char *s);	/* -1 when unknown */

#endif
