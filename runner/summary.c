// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal summary: for op alloc and op pair (gfp kernel, per-op
 * timing, memory not touched), one table each, rows = sizes, columns =
 * allocators present, cells = median in human units. FAIL: every
 * allocation failed; n/a: unsupported or skipped; a '~' suffix: partial
 * (some allocations failed). Allocator names are abbreviated (names.c),
 * with a legend, when the full names would not fit the width, and the
 * columns are split into blocks one under the other when even the
 * abbreviations do not.
 */
#include <stdlib.h>
#include <string.h>

#include "names.h"
#include "report_access.h"
#include "report_scale.h"
#include "summary.h"
#include "util.h"

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

void summary_print(FILE *out, const struct run_data *rd, int width)
{
	static const char *const ops[] = { "alloc", "pair" };
	const char *name = rmeta_any(rd, NULL, "run_name", "name", NULL);
	size_t i;
	int shown = 0;

	if (width < 40)
		width = 100;
	fprintf(out, "\nallocbench%s%s: median latency per operation, GFP_KERNEL\n", name ? " " : "",
		name ? name : "");
	fprintf(out, "FAIL = every allocation failed, n/a = not supported or skipped, - = not measured\n");
	if (run_emulated(rd))
		fprintf(out, "WARNING: emulated (TCG): absolute times are not hardware times; compare within this run only.\n");
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
	access_summary_print(out, rd);
	scale_summary_print(out, rd);
	fprintf(out, "\nreport: %s/report.md\n", rd->dir);
}
