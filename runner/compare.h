/* SPDX-License-Identifier: GPL-2.0 */
/*
 * `allocbench compare`: two sides, each one or more run folders of the same
 * config (repeats, separate boots), compared point by point.
 *
 *   compare_load.c    run folders -> points (latency.csv, access.csv,
 *                     mapping.csv, samples.csv.gz), refusals
 *   compare_stats.c   the statistics (t tests on logs, bootstrap, BH)
 *   compare_point.c   one point's ratio, interval and test; geometric means
 *   compare_meta.c    what differs between the sides (meta.csv), labels,
 *                     warnings, compare-meta.csv
 *   compare_out.c     compare.csv, compare-geomean.csv, compare.md, terminal
 *   compare_charts.c  ratio, overlay and TLB-tax charts (plots/compare-*.gp)
 *   compare_html.c    compare.html: one self-contained page
 *   cmd_compare.c     the command
 *
 * Units of a point's statistics: when a side holds several runs, each run
 * is one unit (its median; run-to-run variation is in the test). With one
 * run per side, the units are the run's sub-series (its drift is in the
 * test, boot-to-boot variation is not, and the report says so).
 */
#ifndef ALLOCBENCH_COMPARE_H
#define ALLOCBENCH_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "csv.h"
#include "report.h"
#include "stats.h"

#define CMP_SCHEMA_VERSION	1
#define CMP_MAX_RUNS		64	/* per side */

enum cmp_kind { CMP_LATENCY, CMP_ACCESS, CMP_MAPPING, CMP_NKINDS };

/* What a point is: the same key on both sides is the same point. */
struct cmp_key {
	enum cmp_kind kind;
	char alloc[32];		/* allocator; mapping: the mapping (direct, vmap, vmalloc_huge) */
	char op[24];		/* latency: op (alloc ... burst_free); access, mapping: layout */
	char gfp[16];		/* latency: gfp profile; access: view (native, direct); mapping: "" */
	uint64_t size;		/* size_bytes; access, mapping: working_set_bytes */
};

/* One run's figures of one point. */
struct cmp_runpt {
	enum lat_status status;	/* LAT_MISSING: the run has no row for the point */
	double p50;		/* the CSV's median (ns; access: ns per step), NAN when none */
	double resolution_ns;	/* the timer's step at this point, NAN when unknown */
	uint64_t csv_samples;
	struct samples v;	/* samples rebuilt from samples.csv.gz (ns), in file order */
	uint32_t *grp;		/* sub-series (or pass) of each sample */
	size_t gcap;
	double harness;		/* ticks: the current sub-series' harness while reading */
};

/* Per-side figures of one compared point. */
struct cmp_sidefig {
	size_t runs;		/* runs with a measured median */
	size_t runs_total;	/* runs with a row for the point */
	uint64_t samples;
	double median;		/* geometric mean of the runs' medians */
	enum lat_status status;	/* the side's status: ok when every run measured it */
	char status_text[48];	/* "ok", "failed", "ok 2/3 runs", "missing" */
};

enum cmp_method {
	CMP_M_NONE,		/* not comparable (a side not measured, or no units) */
	CMP_M_RUNS,		/* t test on the runs' log medians (run-to-run variation included) */
	CMP_M_SUBSERIES,	/* one run per side: t test on the sub-series' log medians */
	CMP_M_BOOTSTRAP,	/* one run per side, no sub-series: bootstrap of the samples */
};

struct cmp_point {
	struct cmp_key key;
	struct cmp_runpt *run;	/* A's runs, then B's: see cmp_rp() */
	struct cmp_sidefig side[2];
	enum cmp_method method;
	double ratio, lo, hi;	/* B/A and its 95 % interval; NAN when not comparable */
	double p, q, df;
	int significant;	/* q < alpha and the change is at least min_effect */
	int compared;		/* both sides measured: in the BH family */
	double se_log;		/* standard error of log(ratio), NAN when none */
	char note[160];
};

struct cmp_run {
	char dir[4096];
	struct csv_table meta;
	double timer_hz;
	int emulated;
};

struct cmp_side {
	struct cmp_run run[CMP_MAX_RUNS];
	size_t n;
	char label[160];	/* what this side is, from the meta diff: "6.1.0-56", "init_on_alloc=1" */
};

/* One differing (or varying) meta.csv key. */
struct cmp_diff {
	char key[64];
	char a[256], b[256];	/* the side's value, or "(varies: x, y)" */
	int differs;		/* 1: each side constant, sides differ; 0: varies within a side */
};

#define CMP_MAX_WARN	8
#define CMP_MAX_DIFF	96

struct cmp_opts {
	double min_effect;	/* fraction: 0.05 */
	double alpha;		/* false discovery rate: 0.05 */
	unsigned long seed;	/* bootstrap */
	int quiet, no_charts;
	int top;		/* rows of the terminal's regressions/improvements */
};

struct cmp_ctx {
	struct cmp_opts opt;
	struct cmp_side side[2];
	struct cmp_point *pts;
	size_t npts, cap;
	size_t *hash;		/* open addressing: point index + 1, 0 empty */
	size_t hcap;
	int have_kind[2][CMP_NKINDS];	/* [side][kind]: some run of the side has the CSV */
	char label[256];	/* "6.1.0-56 → 6.12.117" */
	char slug[128];		/* for the folder name: "6.1.0-56-to-6.12.117" */
	struct cmp_diff diff[CMP_MAX_DIFF];
	size_t ndiff;
	char warn[CMP_MAX_WARN][320];
	size_t nwarn;
	char outdir[4096];
	size_t ncompared, nsig;
};

/* compare_load.c */
/* Loads both sides' runs and their points. 0, or -1 with the refusal in err. */
int cmp_load(struct cmp_ctx *c, char **a, size_t na, char **b, size_t nb, char *err, size_t errlen);
void cmp_free(struct cmp_ctx *c);
/* The figures of point p in run r of side s. */
struct cmp_runpt *cmp_rp(const struct cmp_ctx *c, const struct cmp_point *p, int s, size_t r);
const char *cmp_kind_name(enum cmp_kind k);
/* "latency alloc kernel", "access page native", "mapping page": the chart and table a point belongs to. */
void cmp_series_name(const struct cmp_key *k, char *buf, size_t len);
/* File-name part of a series: "alloc", "alloc-atomic", "access-page", "mapping-page". */
void cmp_series_slug(const struct cmp_key *k, char *buf, size_t len);
/* Whether a meta value of one run (NULL when missing). */
const char *cmp_meta(const struct cmp_run *r, const char *key);

/* compare_point.c */
/* Every point's side figures, ratio, interval and p; then BH and significance. */
void cmp_compute(struct cmp_ctx *c);
const char *cmp_method_name(enum cmp_method m);
/* "slower", "faster", "same" (not significant) or "" (not compared). */
const char *cmp_direction(const struct cmp_point *p);
/* "***", "**", "*" when significant; "" otherwise. */
const char *cmp_mark(const struct cmp_point *p);

/* Geometric mean of the ratios over sizes of one (kind, allocator, op, gfp). */
struct cmp_geo {
	struct cmp_key key;	/* size 0 */
	size_t sizes;		/* sizes measured on every run of both sides */
	double ratio, lo, hi, p, q;	/* q: Benjamini-Hochberg over the geometric means */
	enum cmp_method method;
	int significant;
};
/* All geometric means, malloc'ed in *out; returns their count. */
size_t cmp_geomeans(const struct cmp_ctx *c, struct cmp_geo **out);

/* compare_meta.c */
/* Diffs the runs' meta.csv: c->diff, c->label, c->slug, the side labels and the warnings. */
void cmp_meta_diff(struct cmp_ctx *c);
/* A note to both sides' runs' config.conf: 0 same, 1 differ (warning added). */
int cmp_write_meta_csv(const struct cmp_ctx *c, const char *path);
/* Shortened kernel release: "6.1.0-56-amd64" -> "6.1.0-56", "6.12.117+deb12-amd64" -> "6.12.117". */
void cmp_short_kernel(const char *rel, char *out, size_t len);

/* compare_charts.c (declared first: compare.md lists the charts) */
struct cmp_chart {
	char file[128];		/* "charts/compare-ratio-alloc.svg" relative to the output folder */
	char title[256];
};

/* compare_out.c */
int cmp_write_csv(const struct cmp_ctx *c, const char *path);
int cmp_write_geo_csv(const struct cmp_ctx *c, const struct cmp_geo *g, size_t ng, const char *path);
int cmp_write_md(const struct cmp_ctx *c, const struct cmp_geo *g, size_t ng, const struct cmp_chart *ch,
		 size_t nch, const char *path);
/* The terminal's summary: counts, warnings, the largest significant regressions and improvements. */
void cmp_print_summary(const struct cmp_ctx *c, const struct cmp_geo *g, size_t ng, FILE *f);
/* Significant points, slower (dir > 0) or faster, largest change first: up to max indices. */
size_t cmp_top(const struct cmp_ctx *c, int dir, size_t max, size_t *idx);
/* How the intervals were made, in one paragraph (compare.md, compare.html). */
void cmp_method_text(const struct cmp_ctx *c, char *buf, size_t len);
/* Every point's index in reading order: kind, op, gfp, allocator (ABI order), size. malloc'ed; NULL. */
size_t *cmp_sorted(const struct cmp_ctx *c);
/* "ns_per_op", "ns_per_access", ...: what a point's medians measure. */
const char *cmp_metric(const struct cmp_key *k);
/* "1.71x [1.55, 1.90]"; "-" when not compared. */
void cmp_fmt_ratio(const struct cmp_point *p, char *buf, size_t len);

/* The kernel's TLB tax (4K-mapped / huge-mapped page chase) per working set, both sides. */
struct cmp_tax {
	uint64_t ws;
	double tax[2];		/* NAN when a side lacks it */
	const char *how;	/* "vmap / direct map" or "vmalloc / alloc_pages" */
};
/* Fills up to max rows; returns their count (0 when a side has no access data). */
size_t cmp_tlb_tax(const struct cmp_ctx *c, struct cmp_tax *t, size_t max);
/* Renders the charts into DIR/charts/; fills up to max entries. Returns the count (0: none). */
size_t cmp_charts_render(const struct cmp_ctx *c, struct cmp_chart *ch, size_t max, char *why, size_t whylen);

/* compare_html.c */
int cmp_write_html(const struct cmp_ctx *c, const struct cmp_geo *g, size_t ng, const struct cmp_chart *ch,
		   size_t nch, const char *path);

#endif
