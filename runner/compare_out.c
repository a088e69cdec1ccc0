// SPDX-License-Identifier: GPL-2.0
/*
 * The comparison's tables: compare.csv (tidy, one row per point, every
 * point of either side, a point that fails on one side only included),
 * compare-geomean.csv, compare.md and the terminal's summary.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "names.h"
#include "util.h"

const char *cmp_metric(const struct cmp_key *k)
{
	if (k->kind == CMP_LATENCY)
		return "ns_per_op";
	if (!strcmp(k->op, "first_touch"))
		return "ns_per_page";
	if (!strcmp(k->op, "seq"))
		return "ns_per_8_bytes";
	return "ns_per_access";
}

void cmp_fmt_ratio(const struct cmp_point *p, char *buf, size_t len)
{
	if (!p->compared || !isfinite(p->ratio))
		snprintf(buf, len, "-");
	else if (isfinite(p->lo) && isfinite(p->hi))
		snprintf(buf, len, "%.3gx [%.3g, %.3g]", p->ratio, p->lo, p->hi);
	else
		snprintf(buf, len, "%.3gx [no interval]", p->ratio);
}

/* ---- order: kind, op, gfp, allocator (ABI order), size ---- */

static int alloc_rank(const char *a)
{
	static const char *const maps[] = { "direct", "vmap", "vmalloc_huge" };
	int id = allocator_by_name(a);

	for (size_t i = 0; id < 0 && i < ARRAY_SIZE(maps); i++)
		if (!strcmp(a, maps[i]))
			return (int)i;
	return id < 0 ? 1000 : id;
}

static const struct cmp_ctx *sort_ctx;

static int key_order(const void *x, const void *y)
{
	const struct cmp_key *a = &sort_ctx->pts[*(const size_t *)x].key, *b = &sort_ctx->pts[*(const size_t *)y].key;
	int d;

	if (a->kind != b->kind)
		return a->kind < b->kind ? -1 : 1;
	if ((d = op_display_rank(a->op) - op_display_rank(b->op)) || (d = strcmp(a->op, b->op)) || (d = strcmp(a->gfp, b->gfp)))
		return d;
	if ((d = alloc_rank(a->alloc) - alloc_rank(b->alloc)) || (d = strcmp(a->alloc, b->alloc)))
		return d;
	return (a->size > b->size) - (a->size < b->size);
}

size_t *cmp_sorted(const struct cmp_ctx *c)
{
	size_t *idx = malloc((c->npts ? c->npts : 1) * sizeof(*idx));

	if (!idx)
		return NULL;
	for (size_t i = 0; i < c->npts; i++)
		idx[i] = i;
	sort_ctx = c;
	qsort(idx, c->npts, sizeof(*idx), key_order);
	return idx;
}

/* ---- compare.csv ---- */

static const char *const csv_cols[] = {
	"schema_version", "kind", "allocator", "op", "gfp", "size_bytes", "metric", "status_a", "status_b",
	"runs_a", "runs_b", "samples_a", "samples_b", "median_a_ns", "median_b_ns", "ratio", "ratio_ci_lo",
	"ratio_ci_hi", "change_pct", "p_value", "q_value", "significant", "direction", "mark", "method", "df",
	"note",
};

static int num_or_empty(struct csv_writer *w, double v)
{
	return isfinite(v) ? csv_double(w, v) : csv_empty(w);
}

static int csv_point(struct csv_writer *w, const struct cmp_point *p)
{
	int rc = 0;

	rc |= csv_u64(w, CMP_SCHEMA_VERSION) | csv_str(w, cmp_kind_name(p->key.kind)) | csv_str(w, p->key.alloc);
	rc |= csv_str(w, p->key.op) | csv_str(w, p->key.gfp) | csv_u64(w, p->key.size);
	rc |= csv_str(w, cmp_metric(&p->key)) | csv_str(w, p->side[0].status_text) | csv_str(w, p->side[1].status_text);
	rc |= csv_u64(w, p->side[0].runs) | csv_u64(w, p->side[1].runs);
	rc |= csv_u64(w, p->side[0].samples) | csv_u64(w, p->side[1].samples);
	rc |= num_or_empty(w, p->side[0].median) | num_or_empty(w, p->side[1].median);
	rc |= num_or_empty(w, p->ratio) | num_or_empty(w, p->lo) | num_or_empty(w, p->hi);
	rc |= num_or_empty(w, 100 * (p->ratio - 1)) | num_or_empty(w, p->p) | num_or_empty(w, p->q);
	rc |= p->compared && p->method != CMP_M_NONE ? csv_u64(w, (uint64_t)p->significant) : csv_empty(w);
	rc |= csv_str(w, cmp_direction(p)) | csv_str(w, cmp_mark(p)) | csv_str(w, cmp_method_name(p->method));
	rc |= isfinite(p->df) ? csv_double(w, p->df) : csv_empty(w);
	rc |= csv_str(w, p->note);
	return rc | csv_end_row(w);
}

int cmp_write_csv(const struct cmp_ctx *c, const char *path)
{
	struct csv_writer *w = csv_create(path, csv_cols, ARRAY_SIZE(csv_cols));
	size_t *idx = cmp_sorted(c);
	int rc = 0;

	if (!w || !idx) {
		if (w)
			csv_abort(w);
		free(idx);
		return -1;
	}
	for (size_t i = 0; i < c->npts && !rc; i++)
		rc = csv_point(w, &c->pts[idx[i]]);
	free(idx);
	if (rc) {
		csv_abort(w);
		return -1;
	}
	return csv_commit(w);
}

static const char *const geo_cols[] = {
	"schema_version", "kind", "allocator", "op", "gfp", "sizes", "ratio", "ratio_ci_lo", "ratio_ci_hi",
	"change_pct", "p_value", "q_value", "significant", "method",
};

int cmp_write_geo_csv(const struct cmp_ctx *c, const struct cmp_geo *g, size_t ng, const char *path)
{
	struct csv_writer *w = csv_create(path, geo_cols, ARRAY_SIZE(geo_cols));
	int rc = 0;

	(void)c;
	if (!w)
		return -1;
	for (size_t i = 0; i < ng && !rc; i++) {
		rc |= csv_u64(w, CMP_SCHEMA_VERSION) | csv_str(w, cmp_kind_name(g[i].key.kind));
		rc |= csv_str(w, g[i].key.alloc) | csv_str(w, g[i].key.op) | csv_str(w, g[i].key.gfp);
		rc |= csv_u64(w, g[i].sizes) | num_or_empty(w, g[i].ratio) | num_or_empty(w, g[i].lo);
		rc |= num_or_empty(w, g[i].hi) | num_or_empty(w, 100 * (g[i].ratio - 1)) | num_or_empty(w, g[i].p);
		rc |= num_or_empty(w, g[i].q) | csv_u64(w, (uint64_t)g[i].significant);
		rc |= csv_str(w, cmp_method_name(g[i].method)) | csv_end_row(w);
	}
	if (rc) {
		csv_abort(w);
		return -1;
	}
	return csv_commit(w);
}

/* ---- summaries ---- */

static int by_effect(const void *x, const void *y)
{
	double a = fabs(log(sort_ctx->pts[*(const size_t *)x].ratio));
	double b = fabs(log(sort_ctx->pts[*(const size_t *)y].ratio));

	return (a < b) - (a > b);
}

size_t cmp_top(const struct cmp_ctx *c, int dir, size_t max, size_t *idx)
{
	size_t *all = malloc((c->npts ? c->npts : 1) * sizeof(*all)), n = 0;

	if (!all)
		return 0;
	for (size_t i = 0; i < c->npts; i++)
		if (c->pts[i].significant && (dir > 0 ? c->pts[i].ratio > 1 : c->pts[i].ratio < 1))
			all[n++] = i;
	sort_ctx = c;
	qsort(all, n, sizeof(*all), by_effect);
	if (n > max)
		n = max;
	memcpy(idx, all, n * sizeof(*idx));
	free(all);
	return n;
}

void cmp_method_text(const struct cmp_ctx *c, char *buf, size_t len)
{
	size_t na = c->side[0].n, nb = c->side[1].n;

	if (na + nb >= 3)
		snprintf(buf, len, "Each side's median is the geometric mean of its runs' medians. The 95 %% interval "
			 "of the ratio and its p-value come from Student's t test on the runs' log medians (%zu + %zu "
			 "runs): every run is one unit, so the run-to-run variation (boots, module loads) is in the "
			 "interval; the variance is never taken below what each run shows between its own sub-series "
			 "and the timer's step.", na, nb);
	else
		snprintf(buf, len, "One run per side: run-to-run variation not captured. The interval comes from "
			 "the variation between each run's sub-series (drift within the run), or from a bootstrap "
			 "of the samples where a run has no sub-series; separate boots can differ by more. Repeat "
			 "each side (REPEAT=3) for intervals that hold across boots.");
}

/* One line of the terminal's top lists. */
static void print_point(FILE *f, const struct cmp_point *p)
{
	char sz[32], a[32], b[32], r[64], what[96];

	fmt_bytes(sz, sizeof(sz), p->key.size);
	fmt_ns(a, sizeof(a), p->side[0].median);
	fmt_ns(b, sizeof(b), p->side[1].median);
	cmp_fmt_ratio(p, r, sizeof(r));
	snprintf(what, sizeof(what), "%s %s %s%s%s", p->key.kind == CMP_LATENCY ? "" : cmp_kind_name(p->key.kind),
		 p->key.alloc, p->key.op, p->key.gfp[0] && strcmp(p->key.gfp, "kernel") && strcmp(p->key.gfp, "native")
		 ? " " : "", strcmp(p->key.gfp, "kernel") && strcmp(p->key.gfp, "native") ? p->key.gfp : "");
	fprintf(f, "  %-34s %6s  %9s -> %-9s %-24s %s\n", what[0] == ' ' ? what + 1 : what, sz, a, b, r, cmp_mark(p));
}

static void print_top(const struct cmp_ctx *c, FILE *f, int dir)
{
	size_t idx[64], n = cmp_top(c, dir, c->opt.top > 0 && c->opt.top < 64 ? (size_t)c->opt.top : 10, idx);

	fprintf(f, "%s (B %s than A), largest first:%s\n", dir > 0 ? "Largest regressions" : "Largest improvements",
		dir > 0 ? "slower" : "faster", n ? "" : " none significant");
	for (size_t i = 0; i < n; i++)
		print_point(f, &c->pts[idx[i]]);
}

void cmp_print_summary(const struct cmp_ctx *c, const struct cmp_geo *g, size_t ng, FILE *f)
{
	size_t gs = 0;

	fprintf(f, "\ncompare: %s\n  A = %s (%zu run%s)   B = %s (%zu run%s)\n", c->label, c->side[0].label,
		c->side[0].n, c->side[0].n == 1 ? "" : "s", c->side[1].label, c->side[1].n, c->side[1].n == 1 ? "" : "s");
	fprintf(f, "  %zu points, %zu compared on both sides, %zu significant (Benjamini-Hochberg q < %g and a "
		"change of %g %% or more)\n", c->npts, c->ncompared, c->nsig, c->opt.alpha, c->opt.min_effect * 100);
	if (c->side[0].n == 1 && c->side[1].n == 1)
		fprintf(f, "  note: one run per side: run-to-run variation not captured (REPEAT=3 for intervals across boots)\n");
	for (size_t i = 0; i < c->nwarn; i++)
		fprintf(f, "  warning: %s\n", c->warn[i]);
	print_top(c, f, 1);
	print_top(c, f, -1);
	for (size_t i = 0; i < ng; i++)
		gs += g[i].significant;
	fprintf(f, "Geometric means over sizes: %zu of %zu series changed significantly (compare-geomean.csv)\n", gs, ng);
}
