// SPDX-License-Identifier: GPL-2.0
/*
 * compare.md: what was compared and what differs, how to read the
 * intervals, the largest significant changes, geometric means over sizes,
 * the TLB tax of both sides, the charts, then every point.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "compare_doc.h"
#include "util.h"

/* The side's median of point (kind, alloc, op, gfp, ws); NAN when it has none. */
static double side_median(const struct cmp_ctx *c, int s, enum cmp_kind kind, const char *alloc, const char *op,
			  const char *gfp, uint64_t ws)
{
	for (size_t i = 0; i < c->npts; i++) {
		const struct cmp_key *k = &c->pts[i].key;

		if (k->kind == kind && k->size == ws && !strcmp(k->alloc, alloc) && !strcmp(k->op, op) &&
		    !strcmp(k->gfp, gfp))
			return c->pts[i].side[s].median;
	}
	return NAN;
}

static double tax_of(const struct cmp_ctx *c, int s, int mapping, uint64_t ws)
{
	double small = mapping ? side_median(c, s, CMP_MAPPING, "vmap", "page", "", ws)
			       : side_median(c, s, CMP_ACCESS, "vmalloc", "page", "native", ws);
	double huge = mapping ? side_median(c, s, CMP_MAPPING, "direct", "page", "", ws)
			      : side_median(c, s, CMP_ACCESS, "alloc_pages", "page", "native", ws);

	return small > 0 && huge > 0 ? small / huge : NAN;
}

size_t cmp_tlb_tax(const struct cmp_ctx *c, struct cmp_tax *t, size_t max)
{
	int mapping = c->have_kind[0][CMP_MAPPING] && c->have_kind[1][CMP_MAPPING];
	size_t n = 0;

	if (!mapping && !(c->have_kind[0][CMP_ACCESS] && c->have_kind[1][CMP_ACCESS]))
		return 0;
	for (size_t i = 0; i < c->npts && n < max; i++) {
		const struct cmp_key *k = &c->pts[i].key;
		size_t j;

		if (k->kind != (mapping ? CMP_MAPPING : CMP_ACCESS) || strcmp(k->op, "page"))
			continue;
		for (j = 0; j < n && t[j].ws != k->size; j++)
			;
		if (j < n)
			continue;
		t[n].ws = k->size;
		t[n].how = mapping ? "vmap / direct map (the same pages)" : "vmalloc / alloc_pages";
		for (int s = 0; s < 2; s++)
			t[n].tax[s] = tax_of(c, s, mapping, k->size);
		if (isfinite(t[n].tax[0]) || isfinite(t[n].tax[1]))
			n++;
	}
	for (size_t a = 1; a < n; a++)	/* by working set */
		for (size_t b = a; b > 0 && t[b - 1].ws > t[b].ws; b--) {
			struct cmp_tax x = t[b];

			t[b] = t[b - 1];
			t[b - 1] = x;
		}
	return n;
}

static void md_header(FILE *f, const struct cmp_ctx *c)
{
	char how[1024];

	fprintf(f, "# Comparison: %s\n\n", c->label);
	for (int s = 0; s < 2; s++) {
		fprintf(f, "- **%c** = %s, %zu run%s:", 'A' + s, c->side[s].label, c->side[s].n, c->side[s].n == 1 ? "" : "s");
		for (size_t r = 0; r < c->side[s].n; r++)
			fprintf(f, " `%s`%s", c->side[s].run[r].dir, r + 1 < c->side[s].n ? "," : "");
		fprintf(f, "\n");
	}
	fprintf(f, "\n");
	if (c->side[0].n == 1 && c->side[1].n == 1)
		fprintf(f, "> **One run per side: run-to-run variation not captured.**\n\n");
	for (size_t i = 0; i < c->nwarn; i++)
		fprintf(f, "> **Warning:** %s.\n\n", c->warn[i]);
	if (c->side[0].run[0].emulated || c->side[1].run[0].emulated)
		fprintf(f, "> Emulated (TCG) runs: absolute times are not hardware times; ratios show how the "
			   "setups differ under emulation.\n\n");
	cmp_method_text(c, how, sizeof(how));
	fprintf(f, "## How to read this\n\nratio = B / A of the medians (below 1: B is faster). %s A point is "
		   "**significant** when its Benjamini-Hochberg adjusted p-value (q, over the %zu points compared) "
		   "is below %g and the change is at least %g %% (`--min-effect`). Marks: `*` q < 0.05, `**` q < 0.01, "
		   "`***` q < 0.001. A point measured on one side only is listed with its status, never dropped.\n\n",
		how, c->ncompared, c->opt.alpha, c->opt.min_effect * 100);
	fprintf(f, "%zu points, %zu compared on both sides, **%zu significant**.\n\n", c->npts, c->ncompared, c->nsig);
}

static void md_diff_head(FILE *f, size_t n)
{
	fprintf(f, "## What differs (meta.csv)\n\n");
	if (!n)
		fprintf(f, "Nothing but the moment and the boot: an A/A comparison.\n\n");
	else
		fprintf(f, "| key | A | B |\n|---|---|---|\n");
}

static void md_diff_row(FILE *f, const struct cmp_diff *d)
{
	fprintf(f, "| %s%s | %s | %s |\n", d->key, d->differs ? "" : " (varies within a side)", d->a, d->b);
}

static void md_point_cells(FILE *f, const struct cmp_point *p)
{
	char a[32], b[32], r[64];

	fmt_ns(a, sizeof(a), p->side[0].median);
	fmt_ns(b, sizeof(b), p->side[1].median);
	cmp_fmt_ratio(p, r, sizeof(r));
	fprintf(f, "%s | %s | %s | %s | ", a, b, r, cmp_mark(p));
	if (isfinite(p->q))
		fprintf(f, "%.2g", p->q);
	else
		fprintf(f, "-");
}

static void md_top_head(FILE *f, int dir, size_t n)
{
	fprintf(f, "## %s (B %s than A)\n\n", dir > 0 ? "Largest regressions" : "Largest improvements",
		dir > 0 ? "slower" : "faster");
	if (!n)
		fprintf(f, "None significant.\n\n");
	else
		fprintf(f, "| kind | allocator | op | gfp/view | size | A | B | ratio [95 %% CI] | | q |\n"
			   "|---|---|---|---|---:|---:|---:|---|---|---:|\n");
}

static void md_top_row(FILE *f, const struct cmp_point *p)
{
	char sz[32];

	fmt_bytes(sz, sizeof(sz), p->key.size);
	fprintf(f, "| %s | %s | %s | %s | %s | ", cmp_kind_name(p->key.kind), p->key.alloc, p->key.op,
		p->key.gfp, sz);
	md_point_cells(f, p);
	fprintf(f, " |\n");
}

static void md_geo_head(FILE *f, size_t n)
{
	fprintf(f, "## Geometric mean of the ratios over sizes\n\nPer allocator and op, over the sizes every run of "
		   "both sides measured (q: Benjamini-Hochberg over these means).\n\n");
	if (!n)
		fprintf(f, "None: no series was measured on every run.\n\n");
	else
		fprintf(f, "| kind | allocator | op | gfp/view | sizes | ratio [95 %% CI] | q | significant |\n"
			   "|---|---|---|---|---:|---|---:|---|\n");
}

static void md_geo_row(FILE *f, const struct cmp_geo *g)
{
	fprintf(f, "| %s | %s | %s | %s | %zu | %.3gx [%.3g, %.3g] | %.2g | %s |\n", cmp_kind_name(g->key.kind),
		g->key.alloc, g->key.op, g->key.gfp, g->sizes, g->ratio, g->lo, g->hi, g->q,
		g->significant ? (g->ratio > 1 ? "slower" : "faster") : "");
}

static void md_tax_head(FILE *f, const char *how)
{
	fprintf(f, "## TLB tax (kernel, page chase: %s)\n\nns per access of 4K-mapped memory over huge-mapped "
		   "memory, each side's median; a tax that changes is the mapping, not the allocator.\n\n"
		   "| working set | tax A | tax B | B / A |\n|---:|---:|---:|---:|\n", how);
}

static void md_tax_row(FILE *f, const struct cmp_tax *t)
{
	char ws[32];

	fmt_bytes(ws, sizeof(ws), t->ws);
	fprintf(f, "| %s | %.3gx | %.3gx | %.3g |\n", ws, t->tax[0], t->tax[1], t->tax[1] / t->tax[0]);
}

static void md_charts(FILE *f, const struct cmp_ctx *c, const struct cmp_chart *ch, size_t nch)
{
	(void)c;
	fprintf(f, "## Charts\n\n");
	for (size_t i = 0; i < nch; i++)
		fprintf(f, "- [%s](%s)\n", ch[i].title, ch[i].file);
	fprintf(f, "\n");
}

static void md_series_head(FILE *f, const char *name, const char *metric, int first)
{
	(void)first;
	fprintf(f, "\n### %s (%s)\n\n| allocator | size | A | B | ratio [95 %% CI] | | q | runs A/B | "
		   "samples A/B | status A | status B | note |\n|---|---:|---:|---:|---|---|---:|---|---|---|---|---|\n",
		name, metric);
}

static void md_point_row(FILE *f, const struct cmp_point *p)
{
	char sz[32];

	fmt_bytes(sz, sizeof(sz), p->key.size);
	fprintf(f, "| %s | %s | ", p->key.alloc, sz);
	md_point_cells(f, p);
	fprintf(f, " | %zu/%zu | %llu/%llu | %s | %s | %s |\n", p->side[0].runs, p->side[1].runs,
		(unsigned long long)p->side[0].samples, (unsigned long long)p->side[1].samples,
		p->side[0].status_text, p->side[1].status_text, p->note);
}

static const struct cmp_doc_format md_format = {
	.head = md_header,
	.diff_head = md_diff_head,
	.diff_row = md_diff_row,
	.top_head = md_top_head,
	.top_row = md_top_row,
	.geo_head = md_geo_head,
	.geo_row = md_geo_row,
	.tax_head = md_tax_head,
	.tax_row = md_tax_row,
	.table_end = "\n",
	.charts = md_charts,
	.points_title = "## Every point\n",
	.series_head = md_series_head,
	.point_row = md_point_row,
	.points_end = "",
	.tail = "",
};

int cmp_write_md(const struct cmp_ctx *c, const struct cmp_geo *g, size_t ng, const struct cmp_chart *ch,
		 size_t nch, const char *path)
{
	return cmp_write_doc(&md_format, c, g, ng, ch, nch, path);
}
