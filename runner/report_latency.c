// SPDX-License-Identifier: GPL-2.0
/*
 * The latency part of the report, all from latency.csv (loaded by
 * run_load(), report.c): a report.md section per series (chart, medians,
 * p10-p90), the charts latency-<slug> and the summary tables.
 *
 * Charts: for every per-op series, a data file, a failure file and a
 * variables file under DIR/charts/data/ (latency-<slug>.{dat,fail,vars.gp}),
 * then plots/latency.gp run once for SVG and once for PNG (gnuplot.c), so
 * that each chart can be re-rendered by hand. gnuplot's messages go to
 * DIR/charts/data/latency-<slug>.log; a chart that fails is reported with
 * the tail of that log and the others still render.
 *
 * Summary: for op alloc and op pair (gfp kernel, per-op timing, memory not
 * touched), one table each, rows = sizes, columns = allocators present,
 * cells = median in human units. FAIL: every allocation failed; n/a:
 * unsupported or skipped; a '~' suffix: partial (some allocations failed).
 * Allocator names are abbreviated (names.c), with a legend, when the full
 * names would not fit the width, and the columns are split into blocks one
 * under the other when even the abbreviations do not.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gnuplot.h"
#include "names.h"
#include "report.h"
#include "report_parts.h"
#include "util.h"

/* ---- report.md ---- */

static void md_cell(char *buf, size_t len, const struct lat_point *p, int range)
{
	char a[32], b[32];

	if (!p) {
		snprintf(buf, len, " ");
		return;
	}
	switch (p->status) {
	case LAT_OK:
	case LAT_PARTIAL:
		if (range) {
			fmt_ns(a, sizeof(a), p->p10);
			fmt_ns(b, sizeof(b), p->p90);
			snprintf(buf, len, "%s–%s", a, b);
		} else {
			fmt_ns(a, sizeof(a), p->p50);
			snprintf(buf, len, "%s%s", a, p->status == LAT_PARTIAL ? " ~" : "");
		}
		break;
	case LAT_FAILED:
		snprintf(buf, len, "**FAIL**");
		break;
	case LAT_UNSUPPORTED:
	case LAT_SKIPPED:
		snprintf(buf, len, "n/a");
		break;
	default:
		snprintf(buf, len, " ");
	}
}

static void md_table(FILE *f, const struct run_data *rd, int s, int range)
{
	uint64_t *sizes;
	size_t ns = run_series_sizes(rd, s, &sizes), i, a;
	char buf[96];

	fprintf(f, "| size |");
	for (a = 0; a < rd->nalloc; a++)
		if (run_series_has_alloc(rd, s, (int)a))
			fprintf(f, " %s |", rd->alloc_names[a]);
	fprintf(f, "\n|---:|");
	for (a = 0; a < rd->nalloc; a++)
		if (run_series_has_alloc(rd, s, (int)a))
			fprintf(f, "---:|");
	fprintf(f, "\n");
	for (i = 0; i < ns; i++) {
		fmt_bytes(buf, sizeof(buf), sizes[i]);
		fprintf(f, "| %s |", buf);
		for (a = 0; a < rd->nalloc; a++) {
			if (!run_series_has_alloc(rd, s, (int)a))
				continue;
			md_cell(buf, sizeof(buf), run_point(rd, s, (int)a, sizes[i]), range);
			fprintf(f, " %s |", buf);
		}
		fprintf(f, "\n");
	}
	free(sizes);
	fprintf(f, "\n");
}

static void latency_write_md(FILE *f, const struct run_data *rd, int charts_ok, const char *charts_note)
{
	char chart[4400];
	size_t s;

	for (s = 0; s < rd->nseries; s++) {
		const struct lat_series *se = &rd->series[s];

		fprintf(f, "## Latency: op `%s`, %s%s%s\n\n", se->op, gfp_title(se->gfp),
			se->touch ? ", memory touched" : "",
			se->batched ? ", batch-timed (per operation, batches of several operations)" : "");
		if (!se->batched) {
			snprintf(chart, sizeof(chart), "%s/charts/latency-%s.svg", rd->dir, se->slug);
			if (charts_ok && access(chart, R_OK) == 0)
				fprintf(f, "![latency of %s](charts/latency-%s.svg)\n\n"
					   "PNG: [charts/latency-%s.png](charts/latency-%s.png)\n\n",
					se->op, se->slug, se->slug, se->slug);
			else
				fprintf(f, "_Chart not rendered: %s._\n\n", charts_note && *charts_note ?
					charts_note : "see the output of `allocbench report`");
		}
		fprintf(f, "Median per operation:\n\n");
		md_table(f, rd, (int)s, 0);
		fprintf(f, "p10–p90:\n\n");
		md_table(f, rd, (int)s, 1);
	}
	if (rd->nseries == 0 && rd->have_lat)
		fprintf(f, "latency.csv holds no rows.\n\n");
}

/* ---- charts ---- */

static void gp_num(FILE *f, double v)
{
	char b[64];

	csv_format_double(b, sizeof(b), v);
	fputs(*b ? b : "0", f);
}

static const char *op_desc(const char *op)
{
	if (!strcmp(op, "alloc"))
		return "allocation timed, free untimed";
	if (!strcmp(op, "free"))
		return "free timed, allocation untimed";
	if (!strcmp(op, "pair"))
		return "allocation + free timed together";
	if (!strcmp(op, "burst_alloc"))
		return "back-to-back allocations of a burst, each timed";
	if (!strcmp(op, "burst_free"))
		return "frees of a burst, each timed";
	return "";
}

struct guide {
	uint64_t x;
	char label[96];
};

static size_t add_guide(struct guide *g, size_t n, uint64_t x, const char *label)
{
	char h[32];
	size_t i;

	if (!x)
		return n;
	fmt_bytes(h, sizeof(h), x);
	for (i = 0; i < n; i++) {
		if (g[i].x == x) {
			/* two constants at one size: one line, both names */
			size_t l = strlen(g[i].label);
			char *paren = strrchr(g[i].label, '(');

			if (paren && paren > g[i].label && l + strlen(label) + 4 < sizeof(g[i].label)) {
				char tail[32];

				snprintf(tail, sizeof(tail), "%s", paren);
				snprintf(paren - 1, sizeof(g[i].label) - (size_t)(paren - 1 - g[i].label),
					 " = %s %s", label, tail);
			}
			return n;
		}
	}
	g[n].x = x;
	snprintf(g[n].label, sizeof(g[n].label), "%s (%s)", label, h);
	return n + 1;
}

static size_t guides(const struct run_data *rd, struct guide *g)
{
	uint64_t v, ps, o;
	size_t n = 0;

	if (rmeta_u64(rd, "kmalloc_max_cache_size", &v) == 0)
		n = add_guide(g, n, v, "KMALLOC_MAX_CACHE_SIZE");
	if (rmeta_u64(rd, "page_size", &ps) == 0 && rmeta_u64(rd, "page_alloc_costly_order", &o) == 0 && o < 40)
		n = add_guide(g, n, ps << o, "PAGE_ALLOC_COSTLY_ORDER");
	if (rmeta_u64(rd, "pmd_size", &v) == 0)
		n = add_guide(g, n, v, "PMD_SIZE");
	if (rmeta_u64(rd, "kmalloc_max_size", &v) == 0)
		n = add_guide(g, n, v, "KMALLOC_MAX_SIZE");
	if (rmeta_u64(rd, "page_size", &ps) == 0 && rmeta_u64(rd, "max_order", &o) == 0 && o < 40)
		n = add_guide(g, n, ps << o, "largest order");
	return n;
}

/* What one latency chart shows: the blocks of its data files and their extent. */
struct lat_chart {
	char allocs[1024], fails[1024];	/* allocator of each DATA / FAILDATA block */
	size_t nblk, nfblk;
	size_t nmodes;			/* points with two modes (columns 5 and 6 of DATA) */
	uint64_t xmin, xmax;
	double ymin, ymax;
};

/* Columns 5 and 6 of a DATA row: the two modes of a two-mode point, NaN (not drawn) otherwise. */
static void write_modes(FILE *d, const struct lat_point *pt, struct lat_chart *c)
{
	int two = pt->modes == 2 && isfinite(pt->mode_lo) && pt->mode_lo > 0 && isfinite(pt->mode_hi);

	if (!two) {
		fputs(" NaN NaN", d);
		return;
	}
	fputc(' ', d);
	gp_num(d, pt->mode_lo);
	fputc(' ', d);
	gp_num(d, pt->mode_hi);
	c->nmodes++;
	if (pt->mode_lo < c->ymin)
		c->ymin = pt->mode_lo;
	if (pt->mode_hi > c->ymax)
		c->ymax = pt->mode_hi;
}

/* Appends allocator a's points of series s: measured ones to d, failed sizes to fl. */
static void write_alloc_blocks(const struct run_data *rd, int s, size_t a, const uint64_t *sizes, size_t ns,
			       FILE *d, FILE *fl, struct lat_chart *c)
{
	int has = 0, hasf = 0;

	for (size_t i = 0; i < ns; i++) {
		const struct lat_point *pt = run_point(rd, s, (int)a, sizes[i]);

		if (!pt)
			continue;
		if ((pt->status == LAT_OK || pt->status == LAT_PARTIAL) && isfinite(pt->p50) &&
		    pt->p50 > 0) {
			double lo = isfinite(pt->p10) && pt->p10 > 0 ? pt->p10 : pt->p50;
			double hi = isfinite(pt->p90) && pt->p90 > 0 ? pt->p90 : pt->p50;

			if (!has) {
				fprintf(d, "%s# %s\n", c->nblk ? "\n\n" : "", rd->alloc_names[a]);
				has = 1;
			}
			fprintf(d, "%llu ", (unsigned long long)sizes[i]);
			gp_num(d, pt->p50);
			fputc(' ', d);
			gp_num(d, lo);
			fputc(' ', d);
			gp_num(d, hi);
			write_modes(d, pt, c);
			fputc('\n', d);
			if (lo < c->ymin)
				c->ymin = lo;
			if (hi > c->ymax)
				c->ymax = hi;
		} else if (pt->status == LAT_FAILED) {
			if (!hasf) {
				fprintf(fl, "%s# %s\n", c->nfblk ? "\n\n" : "", rd->alloc_names[a]);
				hasf = 1;
			}
			fprintf(fl, "%llu\n", (unsigned long long)sizes[i]);
		} else {
			continue;
		}
		if (!c->xmin || sizes[i] < c->xmin)
			c->xmin = sizes[i];
		if (sizes[i] > c->xmax)
			c->xmax = sizes[i];
	}
	if (has) {
		snprintf(c->allocs + strlen(c->allocs), sizeof(c->allocs) - strlen(c->allocs), "%s%s",
			 c->nblk ? " " : "", rd->alloc_names[a]);
		c->nblk++;
	}
	if (hasf) {
		snprintf(c->fails + strlen(c->fails), sizeof(c->fails) - strlen(c->fails), "%s%s",
			 c->nfblk ? " " : "", rd->alloc_names[a]);
		c->nfblk++;
	}
}

/* The data and failure files of series s, one block per allocator. 0 or -1. */
static int write_chart_data(const struct run_data *rd, int s, const char *datadir, struct lat_chart *c)
{
	const struct lat_series *se = &rd->series[s];
	char p[PATH_MAX + 128];
	uint64_t *sizes;
	size_t ns = run_series_sizes(rd, s, &sizes);
	FILE *d, *fl;
	int rc = 0;

	snprintf(p, sizeof(p), "%s/latency-%s.dat", datadir, se->slug);
	d = fopen(p, "w");
	snprintf(p, sizeof(p), "%s/latency-%s.fail", datadir, se->slug);
	fl = fopen(p, "w");
	if (!d || !fl) {
		if (d)
			fclose(d);
		if (fl)
			fclose(fl);
		free(sizes);
		return -1;
	}
	fprintf(d, "# allocbench latency, op %s, gfp %s%s: one block per allocator\n"
		   "# size_bytes p50_ns p10_ns p90_ns mode1_ns mode2_ns (NaN: one mode)\n", se->op, se->gfp, se->touch ? ", touched" : "");
	fprintf(fl, "# allocbench failures, op %s, gfp %s: one block per allocator\n# size_bytes\n",
		se->op, se->gfp);
	for (size_t a = 0; a < rd->nalloc; a++)
		write_alloc_blocks(rd, s, a, sizes, ns, d, fl, c);
	free(sizes);
	if (fclose(d) == EOF)
		rc = -1;
	if (fclose(fl) == EOF)
		rc = -1;
	return rc;
}

/* The variables file of series s for plots/latency.gp. 0 or -1. */
static int write_chart_vars(const struct run_data *rd, int s, const char *datadir, const char *footer,
			    const struct guide *g, size_t ng, const struct lat_chart *c)
{
	const struct lat_series *se = &rd->series[s];
	char p[PATH_MAX + 128], t[256], sub[256];
	FILE *v;

	snprintf(p, sizeof(p), "%s/latency-%s.vars.gp", datadir, se->slug);
	v = fopen(p, "w");
	if (!v)
		return -1;
	fprintf(v, "# Variables for plots/latency.gp, written by `allocbench report`.\n"
		   "# Render by hand (from any directory):\n"
		   "#   gnuplot -c PATH/TO/plots/latency.gp %s svg\n"
		   "# Paths below are relative to this file's directory.\n", p);
	snprintf(t, sizeof(t), "Latency of %s (%s)%s", se->op, gfp_title(se->gfp),
		 se->touch ? ", memory touched" : "");
	snprintf(sub, sizeof(sub), "median per operation, band p10–p90; %s", op_desc(se->op));
	fprintf(v, "TITLE = ");
	gp_str(v, t);
	fprintf(v, "\nSUBTITLE = ");
	gp_str(v, sub);
	fprintf(v, "\nDATA = \"latency-%s.dat\"\nFAILDATA = \"latency-%s.fail\"\nOUT = \"../latency-%s\"\n",
		se->slug, se->slug, se->slug);
	fprintf(v, "ALLOCS = ");
	gp_str(v, c->allocs);
	fprintf(v, "\nFAILS = ");
	gp_str(v, c->fails);
	fprintf(v, "\nFOOTER = ");
	gp_str(v, footer);
	fprintf(v, "\nEMULATED = %d\nNMODES = %zu\n", run_emulated(rd), c->nmodes);
	fprintf(v, "XMIN = %llu.\nXMAX = %llu.\nYMIN = ", (unsigned long long)c->xmin,
		(unsigned long long)c->xmax);
	gp_num(v, c->ymin);
	fprintf(v, "\nYMAX = ");
	gp_num(v, c->ymax);
	fprintf(v, "\nNGUIDES = %zu\n", ng);
	for (size_t i = 0; i < ng; i++) {
		fprintf(v, "GUIDE_X_%zu = %llu.\nGUIDE_LABEL_%zu = ", i + 1, (unsigned long long)g[i].x, i + 1);
		gp_str(v, g[i].label);
		fputc('\n', v);
	}
	gp_allocators(v);
	if (fclose(v) == EOF)
		return -1;
	return 0;
}

/* Writes data, failures and variables of one series; 0, 1 when there is nothing to plot, -1 on error. */
static int write_chart_inputs(const struct run_data *rd, int s, const char *datadir, const char *footer,
			      const struct guide *g, size_t ng)
{
	struct lat_chart c = { .ymin = INFINITY, .ymax = -INFINITY };

	if (write_chart_data(rd, s, datadir, &c) < 0)
		return -1;
	if (c.nblk == 0)
		return 1;
	return write_chart_vars(rd, s, datadir, footer, g, ng, &c);
}

static int latency_charts_render(const struct run_data *rd, const char *gnuplot, const char *plots,
				 const char *datadir, const char *footer, int quiet)
{
	char script[PATH_MAX + 32];
	struct guide g[8];
	size_t s, ng;
	int rendered = 0;

	snprintf(script, sizeof(script), "%s/latency.gp", plots);
	ng = guides(rd, g);

	for (s = 0; s < rd->nseries; s++) {
		const struct lat_series *se = &rd->series[s];
		char vars[PATH_MAX + 160], log[PATH_MAX + 160];
		int rc;

		if (se->batched)
			continue;
		rc = write_chart_inputs(rd, (int)s, datadir, footer, g, ng);
		if (rc < 0) {
			fprintf(stderr, "allocbench report: chart %s: cannot write its data in %s: %s\n",
				se->slug, datadir, strerror(errno));
			continue;
		}
		if (rc > 0) {
			if (!quiet)
				fprintf(stderr, "allocbench report: chart %s skipped: no measured point\n", se->slug);
			continue;
		}
		snprintf(vars, sizeof(vars), "%s/latency-%s.vars.gp", datadir, se->slug);
		snprintf(log, sizeof(log), "%s/latency-%s.log", datadir, se->slug);
		rendered += gp_render(gnuplot, script, vars, log, se->slug);
	}
	return rendered;
}

/* ---- terminal summary ---- */

/* The allocator's short name from the runner's table; unknown names as they are. */
static const char *abbr(const char *name)
{
	const struct allocator_desc *d = allocator_desc_by_name(name);

	return d ? d->abbr : name;
}

static void cell(char *buf, size_t len, const struct lat_point *p)
{
	char v[32];

	if (!p) {
		snprintf(buf, len, "-");
		return;
	}
	switch (p->status) {
	case LAT_OK:
		fmt_ns(buf, len, p->p50);
		break;
	case LAT_PARTIAL:
		fmt_ns(v, sizeof(v), p->p50);
		snprintf(buf, len, "%s~", v);
		break;
	case LAT_FAILED:
		snprintf(buf, len, "FAIL");
		break;
	case LAT_UNSUPPORTED:
	case LAT_SKIPPED:
		snprintf(buf, len, "n/a");
		break;
	default:
		snprintf(buf, len, "-");
	}
}

/* One table of the summary: a series, its sizes (rows) and the allocators it has (columns). */
struct sum_table {
	const struct run_data *rd;
	int s;
	uint64_t *sizes;
	size_t ns, nc;
	int cols[REPORT_MAX_ALLOCATORS];	/* allocator of each column */
	int w[REPORT_MAX_ALLOCATORS];		/* width of each column */
	int sw;					/* width of the size column */
	int use_abbr, partial;
};

static const char *col_head(const struct sum_table *t, size_t i)
{
	const char *n = t->rd->alloc_names[t->cols[i]];

	return t->use_abbr ? abbr(n) : n;
}

/* Sets the column widths for the current headers; returns the whole table's width. */
static int measure_columns(struct sum_table *t)
{
	char buf[64];
	int total = t->sw;

	for (size_t i = 0; i < t->nc; i++) {
		t->w[i] = (int)strlen(col_head(t, i));
		for (size_t k = 0; k < t->ns; k++) {
			const struct lat_point *p = run_point(t->rd, t->s, t->cols[i], t->sizes[k]);

			cell(buf, sizeof(buf), p);
			if ((int)strlen(buf) > t->w[i])
				t->w[i] = (int)strlen(buf);
			if (p && p->status == LAT_PARTIAL)
				t->partial = 1;
		}
		total += 1 + t->w[i];
	}
	return total;
}

/* Columns [from, to) beside the size column: the header, then one row per size. */
static void print_block(FILE *out, const struct sum_table *t, size_t from, size_t to)
{
	char buf[64];

	fprintf(out, "%*s", t->sw, "size");
	for (size_t i = from; i < to; i++)
		fprintf(out, " %*s", t->w[i], col_head(t, i));
	fprintf(out, "\n");
	for (size_t k = 0; k < t->ns; k++) {
		fmt_bytes(buf, sizeof(buf), t->sizes[k]);
		fprintf(out, "%*s", t->sw, buf);
		for (size_t c = from; c < to; c++) {
			cell(buf, sizeof(buf), run_point(t->rd, t->s, t->cols[c], t->sizes[k]));
			fprintf(out, " %*s", t->w[c], buf);
		}
		fprintf(out, "\n");
	}
}

/* All columns, in as many blocks one under the other as the width needs (one when they fit). */
static void print_blocks(FILE *out, const struct sum_table *t, int width)
{
	size_t from = 0;

	while (from < t->nc) {
		size_t to = from;
		int total = t->sw;

		do {
			total += 1 + t->w[to++];
		} while (to < t->nc && total + 1 + t->w[to] <= width);
		if (from)
			fprintf(out, "\n");
		print_block(out, t, from, to);
		from = to;
	}
}

/* "abbr=name" for every abbreviated header, wrapped at the width. */
static void print_legend(FILE *out, const struct sum_table *t, int width)
{
	int col = 0;

	if (!t->use_abbr)
		return;
	for (size_t i = 0; i < t->nc; i++) {
		const char *n = t->rd->alloc_names[t->cols[i]], *h = abbr(n);
		int l;

		if (!strcmp(n, h))
			continue;
		l = (int)(strlen(h) + strlen(n) + 3);
		if (col && col + l > width) {
			fprintf(out, "\n");
			col = 0;
		}
		col += fprintf(out, "%s%s=%s", col ? ", " : "  ", h, n);
	}
	if (col)
		fprintf(out, "\n");
}

static void table(FILE *out, const struct run_data *rd, int s, int width)
{
	struct sum_table t = { .rd = rd, .s = s, .sw = 4 };
	char buf[64];

	t.ns = run_series_sizes(rd, s, &t.sizes);
	for (size_t a = 0; a < rd->nalloc; a++)
		if (run_series_has_alloc(rd, s, (int)a))
			t.cols[t.nc++] = (int)a;
	for (size_t k = 0; k < t.ns; k++) {
		fmt_bytes(buf, sizeof(buf), t.sizes[k]);
		if ((int)strlen(buf) > t.sw)
			t.sw = (int)strlen(buf);
	}
	if (measure_columns(&t) > width) {
		t.use_abbr = 1;
		measure_columns(&t);
	}
	print_blocks(out, &t, width);
	print_legend(out, &t, width);
	if (t.partial)
		fprintf(out, "  (~ = some allocations failed; the median covers the ones that succeeded)\n");
	free(t.sizes);
}

static void latency_summary_print(FILE *out, const struct run_data *rd, int width)
{
	static const char *const ops[] = { "alloc", "pair" };
	size_t i;
	int shown = 0;

	for (i = 0; i < ARRAY_SIZE(ops); i++) {
		int s = run_find_series(rd, ops[i], "kernel", 0);

		if (s < 0)
			continue;
		fprintf(out, "\nop %s (%s)\n", ops[i],
			!strcmp(ops[i], "alloc") ? "allocation timed, free untimed" : "allocation + free timed together");
		table(out, rd, s, width);
		shown++;
	}
	if (!shown && rd->have_lat)
		fprintf(out, "\n(no per-op alloc or pair rows in latency.csv)\n");
}

static const char *const latency_files[] = { "latency.csv", NULL };

const struct report_part report_part_latency = {
	.name = "latency",
	.files = latency_files,
	.write_md = latency_write_md,
	.render_charts = latency_charts_render,
	.print_summary = latency_summary_print,
};
