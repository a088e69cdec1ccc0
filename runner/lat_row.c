// SPDX-License-Identifier: GPL-2.0
/*
 * One row of latency.csv: the pooled samples' order statistics, the
 * interval of the median from the sub-series (series_stats.c), the modes
 * (modes.c), the agreement of repeats, the batch-timed figures, the
 * overheads subtracted, and a note when the point has fewer samples than
 * its budget asked for or its per-op and batch figures disagree.
 */
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocbench.h"
#include "csv.h"
#include "lat_slot.h"
#include "modes.h"
#include "names.h"
#include "series_stats.h"
#include "util.h"

#define LAT_SCHEMA_VERSION	2
#define SHORT_SAMPLES_SHARE	0.9	/* a point below this share of its requested samples says why */
#define AGREE_PCT		5.0	/* per-op and batch medians should agree within this */
#define AGREE_ABOVE_STEPS	10.0	/* ... where the per-op median is this many timer steps, or more */

const char *const lat_columns[] = {
	"schema_version", "allocator", "op", "gfp", "size_bytes", "status", "samples",
	"requested_samples", "failures",
	"min_ns", "p10_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns", "mean_ns",
	"stddev_ns", "median_ci_lo_ns", "median_ci_hi_ns", "sample_ci_lo_ns", "sample_ci_hi_ns",
	"subseries", "subseries_sd_ns", "subseries_disagree",
	"modes", "mode1_ns", "mode1_share", "mode2_ns", "mode2_share", "mode_split_ns", "mode2_samples",
	"repeats", "repeat_cv_pct", "repeat_range_pct",
	"min_cycles", "p50_cycles", "p99_cycles", "max_cycles",
	"batch_ops", "batch_samples", "batch_p10_ns", "batch_p50_ns", "batch_p90_ns", "batch_diff_pct",
	"timer_overhead_ns", "timer_resolution_ns", "harness_ns", "batch_harness_ns", "setup_ns",
	"fallbacks", "cpu_migrations", "note",
};
const size_t lat_ncolumns = sizeof(lat_columns) / sizeof(lat_columns[0]);

/* Everything one row says, computed before any of it is written. */
struct row_figs {
	int have;			/* samples exist */
	struct stats st;
	struct between_stats bt;
	struct repeat_stats rp;
	struct modes md;
	int have_batch;
	struct stats bs;
	double batch_diff_pct;
	double harness_ns, batch_harness_ns, timer_ns, resolution_ns, setup_ns;
	uint64_t requested;
	char note[384];
};

/* Median of one value per series (harness, timer): NAN when there is none. */
static double median_kept(const struct samples *s)
{
	double *t, m;

	if (!s->n)
		return NAN;
	t = malloc(s->n * sizeof(*t));
	if (!t)
		return NAN;
	memcpy(t, s->v, s->n * sizeof(*t));
	qsort(t, s->n, sizeof(*t), cmp_double);
	m = stats_percentile_sorted(t, s->n, 0.5);
	free(t);
	return m;
}

/*
 * Group starts for series_stats.c: every sub-series (by_repeat = 0), or
 * every repeat, whose sub-series are neighbours in the pooled array.
 * Returns the number of groups (starts[] has one more entry, n), 0 if none.
 */
static size_t group_starts(const struct marks *mk, size_t n, int by_repeat, size_t *starts)
{
	size_t g = 0;

	for (size_t k = 0; k < mk->n; k++)
		if (!by_repeat || k == 0 || mk->repeat[k] != mk->repeat[k - 1])
			starts[g++] = mk->start[k];
	if (!g)
		starts[g++] = 0;	/* samples without marks: one group */
	starts[g] = n;
	return g;
}

/*
 * Interval, repeat agreement, order statistics and modes of samples s, in
 * that order: the first two need the samples in the order they were taken,
 * stats_compute() sorts them. Without memory the interval is left unknown.
 */
static void spread_figs(struct samples *s, const struct marks *mk, struct row_figs *f)
{
	size_t *starts = malloc((mk->n + 2) * sizeof(*starts));

	f->bt.ci_lo = f->bt.ci_hi = f->bt.sample_ci_lo = f->bt.sample_ci_hi = NAN;
	f->rp.cv_pct = f->rp.range_pct = NAN;
	if (starts) {
		between_compute(s->v, starts, group_starts(mk, s->n, 0, starts), f->resolution_ns, &f->bt);
		repeat_compute(s->v, starts, group_starts(mk, s->n, 1, starts), &f->rp);
		free(starts);
	}
	stats_compute(s->v, s->n, &f->st);
	modes_detect(s->v, s->n, f->resolution_ns, &f->md);
}

static void batch_figs(struct slot *sl, struct row_figs *f)
{
	f->batch_diff_pct = NAN;
	if (!sl->batch_ops || !sl->batch.n)
		return;
	f->have_batch = 1;
	stats_compute(sl->batch.v, sl->batch.n, &f->bs);
	if (f->have && f->st.p50 > 0)
		f->batch_diff_pct = 100.0 * (f->bs.p50 - f->st.p50) / f->st.p50;
}

static void add_reason(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add_reason(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used && used + 2 < len) {
		memcpy(buf + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* Why a point holds fewer samples than its visits asked for: the first cause that applies. */
static void short_reason(char *buf, size_t len, const struct slot *sl, size_t n, uint64_t requested)
{
	char why[160];

	if (sl->failures)
		snprintf(why, sizeof(why), "%" PRIu64 " allocations failed", sl->failures);
	else if (sl->skipped_visits)
		snprintf(why, sizeof(why), "%u sub-series turned away by the memory cap", sl->skipped_visits);
	else
		snprintf(why, sizeof(why), "the module returned fewer samples than asked");
	add_reason(buf, len, "%zu of %" PRIu64 " requested samples: %s", n, requested, why);
}

/*
 * Per-op and batch figures of one point disagree: say what the data can
 * say. A batch of alloc or free holds (or releases) batch objects in a row,
 * which runs the per-CPU cache refills and releases that one object at a
 * time never reaches. A pair batch is the per-op loop repeated: there the
 * difference is the timer's rounding when it is two steps or less, drift
 * when the batch median lies inside the per-op interval (which the spread
 * between sub-series sets), and otherwise something the data cannot name.
 */
static void batch_reason(char *buf, size_t len, const struct slot *sl, const struct row_figs *f)
{
	double gap = fabs(f->bs.p50 - f->st.p50);

	if (sl->op != ALLOCBENCH_OP_PAIR)
		add_reason(buf, len, "per-op and batch medians differ by %+.1f %%: a batch holds %u objects "
			   "at once, so per-CPU cache refills and releases land in it", f->batch_diff_pct,
			   sl->batch_ops);
	else if (gap <= 2 * f->resolution_ns)
		add_reason(buf, len, "per-op and batch medians differ by %+.1f %%, within two timer steps "
			   "(%.1f ns): the per-op median is quantised", f->batch_diff_pct, f->resolution_ns);
	else if (f->bs.p50 >= f->bt.ci_lo && f->bs.p50 <= f->bt.ci_hi)
		add_reason(buf, len, "per-op and batch medians differ by %+.1f %%, within the per-op "
			   "interval: the point drifts between sub-series", f->batch_diff_pct);
	else
		add_reason(buf, len, "per-op and batch medians differ by %+.1f %%, beyond the per-op "
			   "interval and the timer's steps: not explained by drift or rounding",
			   f->batch_diff_pct);
}

static void row_note(const struct slot *sl, size_t n, struct row_figs *f)
{
	f->note[0] = '\0';
	if (f->requested && (double)n < SHORT_SAMPLES_SHARE * (double)f->requested)
		short_reason(f->note, sizeof(f->note), sl, n, f->requested);
	if (f->have_batch && isfinite(f->batch_diff_pct) && fabs(f->batch_diff_pct) > AGREE_PCT &&
	    f->st.p50 >= AGREE_ABOVE_STEPS * f->resolution_ns)
		batch_reason(f->note, sizeof(f->note), sl, f);
}

static void compute_figs(const struct allocbench_info *in, struct slot *sl, int half, int with_batch,
			 struct row_figs *f)
{
	struct samples *s = &sl->perop[half];

	memset(f, 0, sizeof(*f));
	f->resolution_ns = sl->step_ticks && in->timer_hz ?
			   (double)sl->step_ticks * 1e9 / (double)in->timer_hz : NAN;
	f->harness_ns = median_kept(&sl->harness[half]);
	f->batch_harness_ns = median_kept(&sl->batch_harness);
	f->timer_ns = median_kept(&sl->timer);
	f->setup_ns = median_kept(&sl->setup);
	f->have = s->n > 0;
	if (f->have)
		spread_figs(s, &sl->marks[half], f);
	if (with_batch)
		batch_figs(sl, f);
	f->requested = sl->budget.asked;
	row_note(sl, s->n, f);
}

static const char *row_status(const struct slot *sl, int have)
{
	if (!have && sl->unsupported)
		return "unsupported";
	if (!have && sl->skipped && !sl->measured)
		return "skipped";
	if (!have)
		return "failed";
	return sl->failures ? "partial" : "ok";
}

static int put_doubles(struct csv_writer *w, const double *v, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		rc |= csv_double(w, v[i]);
	return rc;
}

static int put_empty(struct csv_writer *w, size_t n)
{
	int rc = 0;

	for (size_t i = 0; i < n; i++)
		rc |= csv_empty(w);
	return rc;
}

static int put_quantiles(struct csv_writer *w, const struct row_figs *f)
{
	const struct stats *st = &f->st;
	const double v[] = { st->min, st->p10, st->p50, st->p90, st->p99, st->p999, st->max, st->mean,
			     st->stddev, f->bt.ci_lo, f->bt.ci_hi, f->bt.sample_ci_lo, f->bt.sample_ci_hi };

	return f->have ? put_doubles(w, v, 13) : put_empty(w, 13);
}

static int put_spread(struct csv_writer *w, const struct row_figs *f)
{
	const struct modes *m = &f->md;
	int rc = 0;

	if (!f->have)
		return put_empty(w, 13);
	rc |= csv_u64(w, f->bt.groups);
	rc |= csv_double(w, f->bt.sd);
	rc |= f->bt.disagree < 0 ? csv_empty(w) : csv_u64(w, (uint64_t)f->bt.disagree);
	rc |= csv_u64(w, (uint64_t)m->n);
	rc |= put_doubles(w, (const double[]){ m->lo_ns, m->lo_share }, 2);
	if (m->n == 2)
		rc |= put_doubles(w, (const double[]){ m->hi_ns, m->hi_share, m->split_ns }, 3) |
		      csv_u64(w, m->above_split);
	else
		rc |= put_empty(w, 4);
	rc |= csv_u64(w, f->rp.repeats);
	rc |= put_doubles(w, (const double[]){ f->rp.cv_pct, f->rp.range_pct }, 2);
	return rc;
}

static int put_cycles(struct csv_writer *w, const struct allocbench_info *in, const struct row_figs *f)
{
	/* TSC ticks are cycles: undo the ns conversion (the harness stays subtracted). */
	double k = (double)in->timer_hz / 1e9;

	if (!f->have || in->timer_kind != ALLOCBENCH_TIMER_TSC)
		return put_empty(w, 4);
	return put_doubles(w, (const double[]){ f->st.min * k, f->st.p50 * k, f->st.p99 * k,
						f->st.max * k }, 4);
}

static int put_batch(struct csv_writer *w, const struct slot *sl, const struct row_figs *f, int with_batch)
{
	if (!with_batch || !sl->batch_ops)
		return put_empty(w, 6);
	if (!f->have_batch)
		return csv_u64(w, sl->batch_ops) | csv_u64(w, 0) | put_empty(w, 4);
	return csv_u64(w, sl->batch_ops) | csv_u64(w, sl->batch.n) |
	       put_doubles(w, (const double[]){ f->bs.p10, f->bs.p50, f->bs.p90, f->batch_diff_pct }, 4);
}

int lat_write_row(struct csv_writer *w, const struct allocbench_info *in, struct slot *sl, const char *op,
		  int half)
{
	int with_batch = sl->op != ALLOCBENCH_OP_BURST, err = 0;
	size_t n = sl->perop[half].n;
	struct row_figs f;

	compute_figs(in, sl, half, with_batch, &f);
	err |= csv_u64(w, LAT_SCHEMA_VERSION);
	err |= csv_str(w, allocator_name(sl->allocator));
	err |= csv_str(w, op);
	err |= csv_str(w, gfp_name(sl->gfp));
	err |= csv_u64(w, sl->bytes);
	err |= csv_str(w, row_status(sl, f.have));
	err |= csv_u64(w, n);
	err |= f.requested ? csv_u64(w, f.requested) : csv_empty(w);
	err |= csv_u64(w, sl->failures);
	err |= put_quantiles(w, &f);
	err |= put_spread(w, &f);
	err |= put_cycles(w, in, &f);
	err |= put_batch(w, sl, &f, with_batch);
	err |= put_doubles(w, (const double[]){ f.timer_ns, f.resolution_ns, f.harness_ns,
						with_batch ? f.batch_harness_ns : NAN, f.setup_ns }, 5);
	err |= csv_u64(w, sl->fallbacks);
	/* Requests of this point that did not stay on the pinned CPU: their samples may mix CPUs. */
	err |= csv_u64(w, sl->migrated);
	err |= csv_str(w, f.note);
	err |= csv_end_row(w);
	return err ? -1 : 0;
}
