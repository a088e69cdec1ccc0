// SPDX-License-Identifier: GPL-2.0
/*
 * compare.html: one self-contained page to attach to a review. The tables
 * of compare.md and every chart's SVG inline (their element ids prefixed
 * per chart, so that the charts' shared names do not collide), no script,
 * no font, image or style sheet fetched from anywhere.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare_doc.h"
#include "util.h"

static void esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		default: fputc(*s, f);
		}
	}
}

static const char style[] =
	"body{font-family:Helvetica,Arial,sans-serif;margin:2em auto;max-width:1250px;color:#222;line-height:1.4}"
	"table{border-collapse:collapse;margin:0.6em 0 1.4em;font-size:0.88em}"
	"th,td{border:1px solid #d0d0d0;padding:0.2em 0.55em;text-align:right}"
	"th{background:#f3f3f3}td.l,th.l{text-align:left}"
	"tr.slower td{background:#fde7e7}tr.faster td{background:#e5f4e8}"
	".warn{border-left:4px solid #B00020;background:#fff4f4;padding:0.4em 0.8em;margin:0.5em 0}"
	".note{border-left:4px solid #8a8a8a;background:#f6f6f6;padding:0.4em 0.8em;margin:0.5em 0}"
	"figure{margin:1em 0 2em}figure svg{width:100%;height:auto;border:1px solid #e3e3e3}"
	"code{font-size:0.9em}";

static void head(FILE *f, const struct cmp_ctx *c)
{
	char how[1024];

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>allocbench compare: ", f);
	esc(f, c->label);
	fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>Comparison: ", style);
	esc(f, c->label);
	fputs("</h1>\n<ul>\n", f);
	for (int s = 0; s < 2; s++) {
		fprintf(f, "<li><b>%c</b> = ", 'A' + s);
		esc(f, c->side[s].label);
		fprintf(f, ", %zu run%s:", c->side[s].n, c->side[s].n == 1 ? "" : "s");
		for (size_t r = 0; r < c->side[s].n; r++) {
			fputs(" <code>", f);
			esc(f, c->side[s].run[r].dir);
			fputs("</code>", f);
		}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
	if (c->side[0].n == 1 && c->side[1].n == 1)
		fputs("<p class=\"warn\"><b>One run per side: run-to-run variation not captured.</b></p>\n", f);
	for (size_t i = 0; i < c->nwarn; i++) {
		fputs("<p class=\"warn\"><b>Warning:</b> ", f);
		esc(f, c->warn[i]);
		fputs(".</p>\n", f);
	}
	cmp_method_text(c, how, sizeof(how));
	fputs("<p class=\"note\">ratio = B / A of the medians (below 1: B is faster). ", f);
	esc(f, how);
	fprintf(f, " Significant: Benjamini-Hochberg q &lt; %g over the %zu points compared and a change of at "
		   "least %g %%. Marks: * q &lt; 0.05, ** q &lt; 0.01, *** q &lt; 0.001.</p>\n<p>%zu points, %zu "
		   "compared on both sides, <b>%zu significant</b>.</p>\n", c->opt.alpha, c->ncompared,
		c->opt.min_effect * 100, c->npts, c->ncompared, c->nsig);
}

static void diff_head(FILE *f, size_t n)
{
	fputs("<h2>What differs (meta.csv)</h2>\n", f);
	if (!n)
		fputs("<p>Nothing but the moment and the boot: an A/A comparison.</p>\n", f);
	else
		fputs("<table><tr><th class=\"l\">key</th><th class=\"l\">A</th><th class=\"l\">B</th></tr>\n", f);
}

static void diff_row(FILE *f, const struct cmp_diff *d)
{
	fputs("<tr><td class=\"l\">", f);
	esc(f, d->key);
	fputs(d->differs ? "" : " (varies within a side)", f);
	fputs("</td><td class=\"l\">", f);
	esc(f, d->a);
	fputs("</td><td class=\"l\">", f);
	esc(f, d->b);
	fputs("</td></tr>\n", f);
}

/* One row of a points table; with_key: kind, allocator, op and gfp first. */
static void point_row(FILE *f, const struct cmp_point *p, int with_key)
{
	char sz[32], a[32], b[32], r[64];

	fmt_bytes(sz, sizeof(sz), p->key.size);
	fmt_ns(a, sizeof(a), p->side[0].median);
	fmt_ns(b, sizeof(b), p->side[1].median);
	cmp_fmt_ratio(p, r, sizeof(r));
	fprintf(f, "<tr class=\"%s\">", cmp_direction(p));
	if (with_key)
		fprintf(f, "<td class=\"l\">%s</td><td class=\"l\">%s</td><td class=\"l\">%s</td><td class=\"l\">%s</td>",
			cmp_kind_name(p->key.kind), p->key.alloc, p->key.op, p->key.gfp);
	else
		fprintf(f, "<td class=\"l\">%s</td>", p->key.alloc);
	fprintf(f, "<td>%s</td><td>%s</td><td>%s</td><td class=\"l\">%s</td><td>%s</td>", sz, a, b, r, cmp_mark(p));
	if (isfinite(p->q))
		fprintf(f, "<td>%.2g</td>", p->q);
	else
		fputs("<td>-</td>", f);
	if (!with_key) {
		fprintf(f, "<td>%zu/%zu</td><td>%llu/%llu</td><td class=\"l\">", p->side[0].runs, p->side[1].runs,
			(unsigned long long)p->side[0].samples, (unsigned long long)p->side[1].samples);
		esc(f, p->side[0].status_text);
		fputs("</td><td class=\"l\">", f);
		esc(f, p->side[1].status_text);
		fputs("</td><td class=\"l\">", f);
		esc(f, p->note);
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

static void top_head(FILE *f, int dir, size_t n)
{
	fprintf(f, "<h2>%s (B %s than A)</h2>\n", dir > 0 ? "Largest regressions" : "Largest improvements",
		dir > 0 ? "slower" : "faster");
	if (!n)
		fputs("<p>None significant.</p>\n", f);
	else
		fputs("<table><tr><th class=\"l\">kind</th><th class=\"l\">allocator</th><th class=\"l\">op</th>"
		      "<th class=\"l\">gfp/view</th><th>size</th><th>A</th><th>B</th><th class=\"l\">ratio [95 % CI]</th>"
		      "<th></th><th>q</th></tr>\n", f);
}

static void top_row(FILE *f, const struct cmp_point *p)
{
	point_row(f, p, 1);
}

static void geo_head(FILE *f, size_t n)
{
	fputs("<h2>Geometric mean of the ratios over sizes</h2>\n", f);
	if (!n)
		fputs("<p>None: no series was measured on every run.</p>\n", f);
	else
		fputs("<table><tr><th class=\"l\">kind</th><th class=\"l\">allocator</th><th class=\"l\">op</th>"
		      "<th class=\"l\">gfp/view</th><th>sizes</th><th class=\"l\">ratio [95 % CI]</th>"
		      "<th>q</th></tr>\n", f);
}

static void geo_row(FILE *f, const struct cmp_geo *g)
{
	fprintf(f, "<tr class=\"%s\"><td class=\"l\">%s</td><td class=\"l\">%s</td><td class=\"l\">%s</td>"
		   "<td class=\"l\">%s</td><td>%zu</td><td class=\"l\">%.3gx [%.3g, %.3g]</td><td>%.2g</td></tr>\n",
		g->significant ? (g->ratio > 1 ? "slower" : "faster") : "", cmp_kind_name(g->key.kind),
		g->key.alloc, g->key.op, g->key.gfp, g->sizes, g->ratio, g->lo, g->hi, g->q);
}

static void tax_head(FILE *f, const char *how)
{
	fprintf(f, "<h2>TLB tax (kernel, page chase: %s)</h2>\n<table><tr><th>working set</th><th>tax A</th>"
		   "<th>tax B</th><th>B / A</th></tr>\n", how);
}

static void tax_row(FILE *f, const struct cmp_tax *t)
{
	char ws[32];

	fmt_bytes(ws, sizeof(ws), t->ws);
	fprintf(f, "<tr><td>%s</td><td>%.3gx</td><td>%.3gx</td><td>%.3g</td></tr>\n", ws, t->tax[0], t->tax[1],
		t->tax[1] / t->tax[0]);
}

/* Copies one SVG without its XML prolog and namespace declarations, ids prefixed with "c<k>-". */
static void inline_svg(FILE *f, const char *svg, unsigned k)
{
	const char *p = strstr(svg, "<svg");

	if (!p)
		return;
	while (*p) {
		static const char *const drop[] = { " xmlns=\"http://www.w3.org/2000/svg\"",
						    " xmlns:xlink=\"http://www.w3.org/1999/xlink\"" };
		size_t i, skip = 0;

		for (i = 0; i < ARRAY_SIZE(drop) && !skip; i++)
			if (!strncmp(p, drop[i], strlen(drop[i])))
				skip = strlen(drop[i]);
		if (skip) {
			p += skip;
			continue;
		}
		if (!strncmp(p, "id='", 4) || !strncmp(p, "id=\"", 4)) {
			fprintf(f, "%.4sc%u-", p, k);
			p += 4;
		} else if (!strncmp(p, "href='#", 7) || !strncmp(p, "href=\"#", 7)) {
			fprintf(f, "%.7sc%u-", p, k);
			p += 7;
		} else if (!strncmp(p, "url(#", 5)) {
			fprintf(f, "url(#c%u-", k);
			p += 5;
		} else {
			fputc(*p++, f);
		}
	}
}

static void charts_section(FILE *f, const struct cmp_ctx *c, const struct cmp_chart *ch, size_t nch)
{
	char path[4400];

	fputs("<h2>Charts</h2>\n", f);
	for (size_t i = 0; i < nch; i++) {
		char *svg;

		snprintf(path, sizeof(path), "%s/%s", c->outdir, ch[i].file);
		if (!(svg = read_all(path, NULL)))
			continue;
		fputs("<figure>\n", f);
		inline_svg(f, svg, (unsigned)i);
		fputs("\n<figcaption>", f);
		esc(f, ch[i].title);
		fputs(" (<code>", f);
		esc(f, ch[i].file);
		fputs("</code>)</figcaption>\n</figure>\n", f);
		free(svg);
	}
}

static void series_head(FILE *f, const char *name, const char *metric, int first)
{
	fprintf(f, "%s<h3>%s (%s)</h3>\n<table><tr><th class=\"l\">allocator</th><th>size</th><th>A</th>"
		   "<th>B</th><th class=\"l\">ratio [95 %% CI]</th><th></th><th>q</th><th>runs A/B</th>"
		   "<th>samples A/B</th><th class=\"l\">status A</th><th class=\"l\">status B</th>"
		   "<th class=\"l\">note</th></tr>\n", first ? "" : "</table>\n", name, metric);
}

static void series_row(FILE *f, const struct cmp_point *p)
{
	point_row(f, p, 0);
}

static const struct cmp_doc_format html_format = {
	.head = head,
	.diff_head = diff_head,
	.diff_row = diff_row,
	.top_head = top_head,
	.top_row = top_row,
	.geo_head = geo_head,
	.geo_row = geo_row,
	.tax_head = tax_head,
	.tax_row = tax_row,
	.table_end = "</table>\n",
	.charts = charts_section,
	.points_title = "<h2>Every point</h2>\n",
	.series_head = series_head,
	.point_row = series_row,
	.points_end = "</table>\n",
	.tail = "</body>\n</html>\n",
};

int cmp_write_html(const struct cmp_ctx *c, const struct cmp_geo *g, size_t ng, const struct cmp_chart *ch,
		   size_t nch, const char *path)
{
	return cmp_write_doc(&html_format, c, g, ng, ch, nch, path);
}
