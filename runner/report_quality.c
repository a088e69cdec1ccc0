// SPDX-License-Identifier: GPL-2.0
/*
 * report.md on how far the latency figures can be trusted, from the
 * columns latency.csv has since schema 2: how intervals and overheads were
 * made ("How this was measured"), then "Measurement quality": drift
 * between sub-series, two-mode points, per-op against batch figures,
 * points short of samples, repeatability and the overheads subtracted.
 * Runs of schema 1 lack the columns: nothing is written for them.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "report_parts.h"
#include "util.h"

#define AGREE_PCT		5.0	/* per-op vs batch, and repeats: "agree" */
#define AGREE_ABOVE_STEPS	10.0	/* per-op medians this many timer steps or more are comparable */
#define SHORT_SHARE		0.9
#define TOP_ROWS		12

static double num(const struct run_data *rd, size_t r, const char *col)
{
	return parse_double_c(csv_get(&rd->lat, r, col));
}

static const char *cell(const struct run_data *rd, size_t r, const char *col)
{
	const char *v = csv_get(&rd->lat, r, col);

	return v ? v : "";
}

static int measured(const struct run_data *rd, size_t r)
{
	const char *st = cell(rd, r, "status");

	return (!strcmp(st, "ok") || !strcmp(st, "partial")) && isfinite(num(rd, r, "p50_ns"));
}

/* "kmalloc alloc 64 (kernel)" */
static void point_name(const struct run_data *rd, size_t r, char *buf, size_t len)
{
	char b[32];
	uint64_t size = (uint64_t)num(rd, r, "size_bytes");
	const char *gfp = cell(rd, r, "gfp");

	fmt_bytes(b, sizeof(b), size);
	snprintf(buf, len, "%s %s %s (%s)", cell(rd, r, "allocator"), cell(rd, r, "op"), b,
		 *gfp ? gfp : "kernel");
}

static void ns_cell(char *buf, size_t len, double ns)
{
	if (isfinite(ns))
		fmt_ns(buf, len, ns);
	else
		snprintf(buf, len, "-");
}

/* Rows picked for a table, worst first. */
struct ranked {
	size_t row;
	double key;
};

static int ranked_cmp(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	return (x->key < y->key) - (x->key > y->key);
}

/* ---- How this was measured ---- */

static void how_intervals(FILE *f, const struct run_data *rd)
{
	const char *k = rmeta_get(rd, "subseries");

	fprintf(f, "**Intervals that include drift.** Every point was measured in sub-series: the runner "
		   "visits it %s times per repeat, each visit in its own stretch of the shuffled plan, so its "
		   "samples are spread over the whole run (a slow point that gets only a handful of samples "
		   "takes them in fewer sub-series, 8 samples each at least, 2 at least). The first visit calibrates (one operation cold, then "
		   "a few after a warm-up, each timed by the module's wall clock less its `setup_ns`: cache "
		   "creation and destruction and vmap's page allocation stay out of it); every visit takes its "
		   "share of what the time budget still asks for in its repeat, re-estimated from the wall "
		   "time of the series before it, so a calibration fooled all the same is corrected at the "
		   "next visit (`requested_samples` is what the visits asked for). The 95 %% interval of a median is built from its sub-series: each sub-series "
		   "median is one look at the point at one moment of the run. With 6 or more sub-series (all "
		   "repeats together) the interval is the distribution-free order-statistic interval of the "
		   "median of those medians (with 6, their range: 96.9 %%); with 2 to 5 it is the pooled median "
		   "± t(0.975, m−1)·sd/√m. Either way it is widened to hold the interval the pooled samples "
		   "alone give (`sample_ci_lo_ns`, `sample_ci_hi_ns`), so it covers drift over the run as well "
		   "as the noise between neighbouring samples. `subseries_sd_ns` is the spread of the "
		   "sub-series medians; `subseries_disagree` = 1 flags a point whose sub-series differ beyond "
		   "their own noise (a χ² test at 0.1 %% on the sub-series medians, their noise taken from the "
		   "pooled within-series MAD and the timer's rounding, and a spread of at least 2 %% of the "
		   "median).\n\n", k ? k : "`subseries`");
}

static void how_overheads(FILE *f)
{
	fprintf(f, "**Overheads measured beside each series.** Before every sub-series the module times the "
		   "very same loop (op, batch, warm-up, preemption) through an allocator that does nothing "
		   "(`ALLOCBENCH_RUN_NULL`): its median sample is the harness's own cost — timer reads, "
		   "indirect calls, the loop — and it is subtracted from every sample of the sub-series it "
		   "precedes; batch series get their own. Both are columns of `latency.csv`: `harness_ns` "
		   "(per sample), `batch_harness_ns` (per operation of a batch), and `timer_overhead_ns` (the "
		   "timer's own cost, as each request measured it on its CPU). `timer_resolution_ns` is the "
		   "smallest step between two distinct harness samples: medians only a few steps above it "
		   "are quantised.\n\n");
}

int quality_how_md(FILE *f, const struct run_data *rd)
{
	if (csv_column(&rd->lat, "subseries") < 0 || csv_column(&rd->lat, "harness_ns") < 0)
		return 0;
	how_intervals(f, rd);
	how_overheads(f);
	return 1;
}

/* ---- Measurement quality ---- */

static void drift_table(FILE *f, const struct run_data *rd, struct ranked *v, size_t n)
{
	char name[128], med[32], lo[32], hi[32], slo[32], shi[32];

	qsort(v, n, sizeof(*v), ranked_cmp);
	fprintf(f, "| point | median | interval (sub-series) | interval (samples alone) | sub-series sd |\n"
		   "|---|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < n && i < TOP_ROWS; i++) {
		size_t r = v[i].row;
		double p50 = num(rd, r, "p50_ns");

		point_name(rd, r, name, sizeof(name));
		ns_cell(med, sizeof(med), p50);
		ns_cell(lo, sizeof(lo), num(rd, r, "median_ci_lo_ns"));
		ns_cell(hi, sizeof(hi), num(rd, r, "median_ci_hi_ns"));
		ns_cell(slo, sizeof(slo), num(rd, r, "sample_ci_lo_ns"));
		ns_cell(shi, sizeof(shi), num(rd, r, "sample_ci_hi_ns"));
		fprintf(f, "| %s | %s | %s–%s | %s–%s | %.1f %% |\n", name, med, lo, hi, slo, shi,
			100.0 * num(rd, r, "subseries_sd_ns") / p50);
	}
	fprintf(f, "\n");
}

static void md_drift(FILE *f, const struct run_data *rd, struct ranked *v)
{
	size_t tested = 0, n = 0;

	for (size_t r = 0; r < rd->lat.nrows; r++) {
		const char *d = cell(rd, r, "subseries_disagree");

		if (!measured(rd, r) || !*d)
			continue;
		tested++;
		if (!strcmp(d, "1"))
			v[n++] = (struct ranked){ r, (num(rd, r, "median_ci_hi_ns") - num(rd, r, "median_ci_lo_ns")) /
						  num(rd, r, "p50_ns") };
	}
	fprintf(f, "### Drift between sub-series\n\n");
	if (!tested) {
		fprintf(f, "No point was measured in two or more sub-series (`subseries = 1`): the intervals "
			   "see only the noise between neighbouring samples, not drift.\n\n");
		return;
	}
	fprintf(f, "%zu of %zu points measured in two or more sub-series have sub-series that disagree "
		   "beyond their own noise: the point moved while the run went on (other load on the machine, "
		   "caches and lists in another state). Their intervals are as wide as the drift. The widest, "
		   "relative to the median:\n\n", n, tested);
	if (n)
		drift_table(f, rd, v, n);
}

static void modes_table(FILE *f, const struct run_data *rd, struct ranked *v, size_t n)
{
	char name[128], m1[32], m2[32], split[32], med[32];

	fprintf(f, "| point | mode 1 (share) | mode 2 (share) | samples above %s | median |\n"
		   "|---|---:|---:|---:|---:|\n", "the split");
	for (size_t i = 0; i < n && i < 3 * TOP_ROWS; i++) {
		size_t r = v[i].row;

		point_name(rd, r, name, sizeof(name));
		ns_cell(m1, sizeof(m1), num(rd, r, "mode1_ns"));
		ns_cell(m2, sizeof(m2), num(rd, r, "mode2_ns"));
		ns_cell(split, sizeof(split), num(rd, r, "mode_split_ns"));
		ns_cell(med, sizeof(med), num(rd, r, "p50_ns"));
		fprintf(f, "| %s | %s (%.0f %%) | %s (%.0f %%) | %s (> %s) | %s |\n", name, m1,
			100 * num(rd, r, "mode1_share"), m2, 100 * num(rd, r, "mode2_share"),
			cell(rd, r, "mode2_samples"), split, med);
	}
	if (n > 3 * TOP_ROWS)
		fprintf(f, "| … %zu more in `latency.csv` (`modes` = 2) | | | | |\n", n - 3 * TOP_ROWS);
	fprintf(f, "\n");
}

static void md_modes(FILE *f, const struct run_data *rd, struct ranked *v)
{
	size_t n = 0;

	for (size_t r = 0; r < rd->lat.nrows; r++)
		if (measured(rd, r) && !strcmp(cell(rd, r, "modes"), "2"))
			v[n++] = (struct ranked){ r, num(rd, r, "mode2_ns") / num(rd, r, "mode1_ns") };
	fprintf(f, "### Points with two modes\n\n");
	if (!n) {
		fprintf(f, "No point has two modes (two groups of samples at least 1.5× apart, each holding "
			   "10 %% of them or more, with a valley between them).\n\n");
		return;
	}
	qsort(v, n, sizeof(*v), ranked_cmp);
	fprintf(f, "%zu point%s fall%s in two modes: groups of samples at least 1.5× apart, each holding 10 %% "
		   "of them or more, with a valley between them (found on log latency: the split that "
		   "separates the samples best, kept when the two sides' medians are three robust spreads "
		   "apart and the density between them falls to half). One median would describe neither "
		   "group: read the modes. The charts ring these points. Widest apart first:\n\n", n,
		n == 1 ? "" : "s", n == 1 ? "s" : "");
	modes_table(f, rd, v, n);
}

static int batch_comparable(const struct run_data *rd, size_t r)
{
	double step = num(rd, r, "timer_resolution_ns");

	return measured(rd, r) && isfinite(num(rd, r, "batch_diff_pct")) &&
	       (!isfinite(step) || num(rd, r, "p50_ns") >= AGREE_ABOVE_STEPS * step);
}

static void batch_counts(FILE *f, const struct run_data *rd)
{
	static const char *const ops[] = { "pair", "alloc", "free" };

	for (size_t o = 0; o < 3; o++) {
		size_t n = 0, agree = 0;

		for (size_t r = 0; r < rd->lat.nrows; r++) {
			if (strcmp(cell(rd, r, "op"), ops[o]) || !batch_comparable(rd, r))
				continue;
			n++;
			agree += fabs(num(rd, r, "batch_diff_pct")) <= AGREE_PCT;
		}
		if (n)
			fprintf(f, "- `%s`: %zu of %zu agree within %.0f %%\n", ops[o], agree, n, AGREE_PCT);
	}
	fprintf(f, "\n");
}

static void md_batch(FILE *f, const struct run_data *rd, struct ranked *v)
{
	char name[128], a[32], b[32];
	size_t n = 0;

	fprintf(f, "### Per-op and batch figures\n\nWhere a point was also timed in batches (in three of its "
		   "visits at most, each with its own harness), its batch median per operation is compared "
		   "with its per-op median, for the points whose per-op median is at "
		   "least %.0f timer steps (`timer_resolution_ns`), so that the comparison is not the timer's "
		   "rounding. A `pair` batch is the per-op loop repeated: the two should agree, and where "
		   "they do not the row's `note` says whether the gap is within two timer steps (the per-op "
		   "median is quantised), inside the per-op interval (drift) or neither. An `alloc` or "
		   "`free` batch holds its objects at once, so the per-CPU cache refills and releases that "
		   "one object at a time never reaches land in it: a difference there is a finding, and the "
		   "row's `note` says so.\n\n", AGREE_ABOVE_STEPS);
	batch_counts(f, rd);
	for (size_t r = 0; r < rd->lat.nrows; r++)
		if (batch_comparable(rd, r) && fabs(num(rd, r, "batch_diff_pct")) > AGREE_PCT)
			v[n++] = (struct ranked){ r, fabs(num(rd, r, "batch_diff_pct")) };
	if (!n)
		return;
	qsort(v, n, sizeof(*v), ranked_cmp);
	fprintf(f, "| point | per-op median | batch median | difference |\n|---|---:|---:|---:|\n");
	for (size_t i = 0; i < n && i < TOP_ROWS; i++) {
		point_name(rd, v[i].row, name, sizeof(name));
		ns_cell(a, sizeof(a), num(rd, v[i].row, "p50_ns"));
		ns_cell(b, sizeof(b), num(rd, v[i].row, "batch_p50_ns"));
		fprintf(f, "| %s | %s | %s | %+.1f %% |\n", name, a, b, num(rd, v[i].row, "batch_diff_pct"));
	}
	fprintf(f, "\n");
}

static void md_samples(FILE *f, const struct run_data *rd)
{
	size_t n = 0, shown = 0;
	char name[128];

	for (size_t r = 0; r < rd->lat.nrows; r++)
		n += measured(rd, r) && num(rd, r, "samples") < SHORT_SHARE * num(rd, r, "requested_samples");
	fprintf(f, "### Samples\n\n");
	if (!n) {
		fprintf(f, "Every measured point holds at least %.0f %% of the samples its visits asked for "
			   "(`requested_samples`: what the time budget asks at the point's measured cost).\n\n",
			100 * SHORT_SHARE);
		return;
	}
	fprintf(f, "%zu measured point%s hold%s less than %.0f %% of the samples %s visits asked for "
		   "(`requested_samples`); the row says why (`note`):\n\n"
		   "| point | samples | requested | why |\n|---|---:|---:|---|\n",
		n, n == 1 ? "" : "s", n == 1 ? "s" : "", 100 * SHORT_SHARE, n == 1 ? "its" : "their");
	for (size_t r = 0; r < rd->lat.nrows && shown < 3 * TOP_ROWS; r++) {
		if (!measured(rd, r) || !(num(rd, r, "samples") < SHORT_SHARE * num(rd, r, "requested_samples")))
			continue;
		point_name(rd, r, name, sizeof(name));
		fprintf(f, "| %s | %s | %s | %s |\n", name, cell(rd, r, "samples"),
			cell(rd, r, "requested_samples"), cell(rd, r, "note"));
		shown++;
	}
	fprintf(f, "\n");
}

/* Median of the finite values of one column over measured rows with repeats; NAN when none. */
static double column_median(const struct run_data *rd, const char *col, size_t *count)
{
	double *v = malloc((rd->lat.nrows ? rd->lat.nrows : 1) * sizeof(*v)), m = NAN;
	size_t n = 0;

	for (size_t r = 0; v && r < rd->lat.nrows; r++)
		if (measured(rd, r) && isfinite(num(rd, r, col)))
			v[n++] = num(rd, r, col);
	if (n) {
		qsort(v, n, sizeof(*v), cmp_double);
		m = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	}
	free(v);
	if (count)
		*count = n;
	return m;
}

static void md_repeats(FILE *f, const struct run_data *rd, struct ranked *v)
{
	const char *rep = rmeta_get(rd, "repeat");
	size_t n = 0, agree = 0, ncv;
	double cv = column_median(rd, "repeat_cv_pct", &ncv);

	fprintf(f, "### Repeatability\n\n");
	for (size_t r = 0; r < rd->lat.nrows; r++) {
		if (!measured(rd, r) || !isfinite(num(rd, r, "repeat_range_pct")))
			continue;
		v[n++] = (struct ranked){ r, num(rd, r, "repeat_range_pct") };
		agree += num(rd, r, "repeat_range_pct") <= AGREE_PCT;
	}
	if (!n) {
		fprintf(f, "The plan ran once: set `repeat = 3` in `[run]` to see how well each point "
			   "reproduces (`repeat_cv_pct` and this paragraph).\n\n");
		return;
	}
	fprintf(f, "The plan ran %s times. **%zu of %zu points (%.1f %%) have repeats that agree within "
		   "%.0f %%**: the largest and smallest of their repeats' medians differ by at most %.0f %% of "
		   "their median (`repeat_range_pct`). The median coefficient of variation of a point's median "
		   "across repeats is %.2f %% (`repeat_cv_pct`). Least repeatable:\n\n",
		rep ? rep : "several", agree, n, 100.0 * agree / n, AGREE_PCT, AGREE_PCT, cv);
	qsort(v, n, sizeof(*v), ranked_cmp);
	fprintf(f, "| point | median | repeats differ by | CV |\n|---|---:|---:|---:|\n");
	for (size_t i = 0; i < n && i < TOP_ROWS; i++) {
		char name[128], med[32];

		point_name(rd, v[i].row, name, sizeof(name));
		ns_cell(med, sizeof(med), num(rd, v[i].row, "p50_ns"));
		fprintf(f, "| %s | %s | %.1f %% | %.1f %% |\n", name, med, v[i].key,
			num(rd, v[i].row, "repeat_cv_pct"));
	}
	fprintf(f, "\n");
}

static void md_overheads(FILE *f, const struct run_data *rd)
{
	char h[32], b[32], t[32], s[32];

	ns_cell(h, sizeof(h), column_median(rd, "harness_ns", NULL));
	ns_cell(b, sizeof(b), column_median(rd, "batch_harness_ns", NULL));
	ns_cell(t, sizeof(t), column_median(rd, "timer_overhead_ns", NULL));
	ns_cell(s, sizeof(s), column_median(rd, "timer_resolution_ns", NULL));
	fprintf(f, "### Overheads subtracted\n\nMedians over the points: the harness cost %s per sample "
		   "(timer reads and the indirect calls of one operation; a `pair` makes two), %s per "
		   "operation inside a batch; the timer's own overhead %s; the timer's resolution %s. Each "
		   "point's own figures are in its row.\n\n", h, b, t, s);
}

/* The section "Measurement quality"; nothing for a run without latency.csv or of schema 1. */
static void quality_write_md(FILE *f, const struct run_data *rd, int charts_ok, const char *charts_note)
{
	struct ranked *v;

	(void)charts_ok;	/* no charts of its own */
	(void)charts_note;
	if (!rd->have_lat || csv_column(&rd->lat, "subseries") < 0)
		return;
	v = malloc((rd->lat.nrows ? rd->lat.nrows : 1) * sizeof(*v));
	if (!v)
		return;
	fprintf(f, "## Measurement quality\n\n");
	md_drift(f, rd, v);
	md_modes(f, rd, v);
	md_batch(f, rd, v);
	md_samples(f, rd);
	md_repeats(f, rd, v);
	md_overheads(f, rd);
	free(v);
}

static const char *const quality_files[] = { "latency.csv", NULL };

const struct report_part report_part_quality = {
	.name = "quality",
	.files = quality_files,
	.write_md = quality_write_md,
};
