/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A finished run as read back from its CSV files, and the frame of the
 * report built from it: report.md (report.c), the terminal summary
 * (summary.c) and the charts (charts.c), each filled by the report parts
 * (report_parts.h). Nothing here measures; everything comes from the run
 * folder: DIR/meta.csv and DIR/latency.csv here (shown by
 * report_latency.c and report_quality.c), the other kinds' files in their
 * parts (report_access.c: access.csv, mapping.csv, uaccess.csv,
 * uaccess-meta.csv; report_limits.c: probe.csv, limits.csv, vmalloc.csv,
 * frag.csv, buddyinfo.csv, frag-summary.csv, overhead.csv;
 * report_vspace.c: vspace.csv, vspace-gaps.csv, vspace-summary.csv;
 * report_scale.c: scale.csv; report_perf.c: perf/). A run may hold any of
 * them.
 *
 * latency.csv columns read (by name; order free; extra columns ignored):
 *   allocator      name as in the ABI (kmalloc ... vmap)            required
 *   op             alloc | free | pair | burst_alloc | burst_free    required
 *   size_bytes     allocation size                                   required
 *   status         ok | partial | failed | unsupported | skipped     required
 *                  (partial: some operations failed, the statistics
 *                  cover the ones that succeeded)
 *   gfp            kernel | atomic | noretry        optional, default kernel
 *   batch          operations per sample            optional, default 1;
 *                  rows with batch > 1 are batch-timed series (per-op
 *                  figures, i.e. already divided by batch)
 *   batch_ops batch_samples batch_p10_ns batch_p50_ns batch_p90_ns
 *                  optional: the batch-timed figures of the same point
 *                  (what the runner writes); shown in report.md only
 *   touch          0/1 or no/yes                    optional, default 0
 *   samples, failures                               optional
 *   p10_ns p50_ns p90_ns p99_ns                     empty when not measured
 *   median_ci_lo_ns median_ci_hi_ns                 optional
 *   modes mode1_ns mode2_ns                         optional: two-mode points
 *                  are marked on the charts; these and the other columns
 *                  of schema 2 (sub-series, repeats, overheads, note) feed
 *                  report.md's "Measurement quality" (report_quality.c)
 *
 * meta.csv is key,value. Keys read (all optional; missing ones print as
 * "unknown" and guides whose value is missing are left out):
 *   run_name (or name), kernel_release (or kernel), cpu_model, target, accelerator, emulated,
 *   git_revision, timer_kind, timer_hz, timer_overhead_ticks,
 *   timer_overhead_ns, timer_overhead_subtracted, init_on_alloc, init_on_free,
 *   cmdline, cpu_pinned, iterations, min_samples, time_budget_ms,
 *   repeat, subseries, warmup, page_size, max_order, page_alloc_costly_order,
 *   kmalloc_max_cache_size, kmalloc_max_size, pmd_size, module_version,
 *   runner_version, thp, preempt, slub_debug, kasan, host_tsc_hz (the
 *   guest's timer_hz is checked against it); report_scale.c also
 *   cpu_count, config_smp, host_cores, host_loadavg.
 */
#ifndef ALLOCBENCH_REPORT_H
#define ALLOCBENCH_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "csv.h"

#define REPORT_MAX_ALLOCATORS	32
#define REPORT_MAX_SERIES	64

enum lat_status {
	LAT_MISSING = 0,	/* no row for this point */
	LAT_OK,
	LAT_PARTIAL,
	LAT_FAILED,
	LAT_UNSUPPORTED,
	LAT_SKIPPED,
};

struct lat_point {
	int alloc;		/* index into run_data.alloc_names */
	int series;		/* index into run_data.series */
	uint64_t size;
	enum lat_status status;
	double p10, p50, p90, p99, ci_lo, ci_hi;	/* NAN when absent */
	int modes;		/* 2: the samples fall in two modes (mode_lo, mode_hi, NAN otherwise) */
	double mode_lo, mode_hi;
	uint64_t samples, failures;
};

/* One chart / one table: an op under one gfp profile, touch on or off, per-op timing. */
struct lat_series {
	char op[24];
	char gfp[16];
	int touch;
	int batched;		/* batch > 1 rows: reported in report.md only */
	char slug[64];		/* file name part: alloc, alloc-atomic, burst-alloc-touch, ... */
};

struct run_data {
	char dir[4096];
	struct csv_table meta;
	struct csv_table lat;
	int have_lat;
	char *alloc_names[REPORT_MAX_ALLOCATORS];	/* fixed ABI order first, then unknown names */
	size_t nalloc;
	struct lat_series series[REPORT_MAX_SERIES];
	size_t nseries;
	struct lat_point *pts;
	size_t npts, cap;
};

/*
 * Loads DIR/meta.csv and DIR/latency.csv (none for a run of other kinds
 * only, i.e. when a report part is present: have_lat stays 0). -1 with
 * "FILE:LINE: reason" (or "FILE: reason") in err.
 */
int run_load(const char *dir, struct run_data *rd, char *err, size_t errlen);
void run_free(struct run_data *rd);

/* meta value by key, or NULL (missing or empty). */
const char *rmeta_get(const struct run_data *rd, const char *key);
/* First present key of a NULL-terminated list, or dflt. */
const char *rmeta_any(const struct run_data *rd, const char *dflt, ...);
int rmeta_u64(const struct run_data *rd, const char *key, uint64_t *v);
int run_emulated(const struct run_data *rd);
/*
 * A guest's timer against the host's TSC (meta timer_hz and host_tsc_hz, the
 * timer being the TSC): the ratio timer_hz / host_tsc_hz, or NAN when the run
 * cannot be checked. RUN_TIMER_TOLERANCE: beyond it every time is off.
 */
#define RUN_TIMER_TOLERANCE 0.02
double run_timer_ratio(const struct run_data *rd);
/* The warning for a ratio beyond the tolerance, one line without newline; "" otherwise. */
void run_timer_warning(char *buf, size_t len, const struct run_data *rd);

/* Index of the series for op/gfp/touch (per-op timing), or -1. */
int run_find_series(const struct run_data *rd, const char *op, const char *gfp, int touch);
/* Whether the series is the main one for its op (gfp kernel, no touch, per-op timing). */
int series_is_primary(const struct lat_series *s);
/* The point of (series, allocator, size), or NULL. */
const struct lat_point *run_point(const struct run_data *rd, int series, int alloc, uint64_t size);
/* Sorted distinct sizes of a series; returns the count, *out malloc'ed. */
size_t run_series_sizes(const struct run_data *rd, int series, uint64_t **out);
/* Whether an allocator has any row in the series. */
int run_series_has_alloc(const struct run_data *rd, int series, int alloc);

/* Formatting, C locale, never locale-dependent. */
void fmt_ns(char *buf, size_t len, double ns);		/* 48ns, 1.23us, 3.4ms, 1.20s */
void fmt_bytes(char *buf, size_t len, uint64_t b);	/* 8, 4K, 2M, 1G, 3000, 1.5K */
double parse_double_c(const char *s);			/* NAN when empty or bad */
const char *status_name(enum lat_status st);
/* ok, partial, failed (fail, error), unsupported (n/a), skipped (skip); any case. 0 or -1. */
int lat_status_parse(const char *s, enum lat_status *st);
/* Where an op or access pattern sorts in tables: latency ops, then patterns, then the rest. */
int op_display_rank(const char *op);
/* csv.c: a double as csv_double() writes it ("%.10g", C locale; "" when not finite). */
int csv_format_double(char *buf, size_t len, double v);

/* report.md: the frame around the parts' sections. */
int report_write_md(const struct run_data *rd, const char *charts_note, int charts_ok);

/*
 * report_quality.c: how far the figures can be trusted. The "How this was
 * measured" sentences on overheads and intervals (0: latency.csv predates
 * them, nothing written) and the "Measurement quality" section.
 */
int quality_how_md(FILE *f, const struct run_data *rd);

/* "![alt](charts/NAME.svg)" and a blank line, when charts_ok and the SVG is there. */
void report_chart_link(FILE *f, const struct run_data *rd, int charts_ok, const char *name, const char *alt);

/* Short name of the gfp profile for titles: GFP_KERNEL, GFP_ATOMIC, ... */
const char *gfp_title(const char *gfp);

#endif
