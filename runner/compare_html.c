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
#include <unistd.h>

#include "compare.h"
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

static void diff_table(FILE *f, const struct cmp_ctx *c)
{
	fputs("<h2>What differs (meta.csv)</h2>\n", f);
	if (!c->ndiff) {
		fputs("<p>Nothing but the moment and the boot: an A/A comparison.</p>\n", f);
		return;
	}
	fputs("<table><tr><th class=\"l\">key</th><th class=\"l\">A</th><th class=\"l\">B</th></tr>\n", f);
	for (size_t i = 0; i < c->ndiff; i++) {
		fputs("<tr><td class=\"l\">", f);
		esc(f, c->diff[i].key);
		fputs(c->diff[i].differs ? "" : " (varies within a side)", f);
		fputs("</td><td class=\"l\">", f);
		esc(f, c->diff[i].a);
		fputs("</td><td class=\"l\">", f);
		esc(f, c->diff[i].b);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
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

static void top_table(FILE *f, const struct cmp_ctx *c, int dir)
{
	size_t idx[20], n = cmp_top(c, dir, 20, idx);

	fprintf(f, "<h2>%s (B %s than A)</h2>\n", dir > 0 ? "Largest regressions" : "Largest improvements",
		dir > 0 ? "slower" : "faster");
	if (!n) {
		fputs("<p>None significant.</p>\n", f);
		return;
	}
	fputs("<table><tr><th class=\"l\">kind</th><th class=\"l\">allocator</th><th class=\"l\">op</th>"
	      "<th class=\"l\">gfp/view</th><th>size</th><th>A</th><th>B</th><th class=\"l\">ratio [95 % CI]</th>"
	      "<th></th><th>q</th></tr>\n", f);
	for (size_t i = 0; i < n; i++)
		point_row(f, &c->pts[idx[i]], 1);
	fputs("</table>\n", f);
}

static void geo_table(FILE *f, const struct cmp_geo *g, size_t ng)
{
	fputs("<h2>Geometric mean of the ratios over sizes</h2>\n", f);
	if (!ng) {
		fputs("<p>None: no series was measured on every run.</p>\n", f);
		return;
	}
	fputs("<table><tr><th class=\"l\">kind</th><th class=\"l\">allocator</th><th class=\"l\">op</th>"
	      "<th class=\"l\">gfp/view</th><th>sizes</th><th class=\"l\">ratio [95 % CI]</th><th>q</th></tr>\n", f);
	for (size_t i = 0; i < ng; i++)
		fprintf(f, "<tr class=\"%s\"><td class=\"l\">%s</td><td class=\"l\">%s</td><td class=\"l\">%s</td>"
			   "<td class=\"l\">%s</td><td>%zu</td><td class=\"l\">%.3gx [%.3g, %.3g]</td><td>%.2g</td></tr>\n",
			g[i].significant ? (g[i].ratio > 1 ? "slower" : "faster") : "", cmp_kind_name(g[i].key.kind),
			g[i].key.alloc, g[i].key.op, g[i].key.gfp, g[i].sizes, g[i].ratio, g[i].lo, g[i].hi, g[i].q);
	fputs("</table>\n", f);
}

static void tax_table(FILE *f, const struct cmp_ctx *c)
{
	struct cmp_tax t[64];
	size_t n = cmp_tlb_tax(c, t, ARRAY_SIZE(t));

	if (!n)
		return;
	fprintf(f, "<h2>TLB tax (kernel, page chase: %s)</h2>\n<table><tr><th>working set</th><th>tax A</th>"
		   "<th>tax B</th><th>B / A</th></tr>\n", t[0].how);
	for (size_t i = 0; i < n; i++) {
		char ws[32];

		fmt_bytes(ws, sizeof(ws), t[i].ws);
		fprintf(f, "<tr><td>%s</td><td>%.3gx</td><td>%.3gx</td><td>%.3g</td></tr>\n", ws, t[i].tax[0],
			t[i].tax[1], t[i].tax[1] / t[i].tax[0]);
	}
	fputs("</table>\n", f);
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

	if (!nch)
		return;
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

static void points_section(FILE *f, const struct cmp_ctx *c, const size_t *idx)
{
	char cur[96] = "", name[96];

	fputs("<h2>Every point</h2>\n", f);
	for (size_t i = 0; i < c->npts; i++) {
		const struct cmp_point *p = &c->pts[idx[i]];

		cmp_series_name(&p->key, name, sizeof(name));
		if (strcmp(name, cur)) {
			fprintf(f, "%s<h3>%s (%s)</h3>\n<table><tr><th class=\"l\">allocator</th><th>size</th><th>A</th>"
				   "<th>B</th><th class=\"l\">ratio [95 %% CI]</th><th></th><th>q</th><th>runs A/B</th>"
				   "<th>samples A/B</th><th class=\"l\">status A</th><th class=\"l\">status B</th>"
				   "<th class=\"l\">note</th></tr>\n", cur[0] ? "</table>\n" : "", name, cmp_metric(&p->key));
			snprintf(cur, sizeof(cur), "%s", name);
		}
		point_row(f, p, 0);
	}
	if (cur[0])
		fputs("</table>\n", f);
}

int cmp_write_html(const struct cmp_ctx *c, const struct cmp_geo *g, size_t ng, const struct cmp_chart *ch,
		   size_t nch, const char *path)
{
	char tmp[4200];
	size_t *idx = cmp_sorted(c);
	FILE *f;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!idx || !(f = fopen(tmp, "w"))) {
		free(idx);
		return -1;
	}
	head(f, c);
	diff_table(f, c);
	top_table(f, c, 1);
	top_table(f, c, -1);
	geo_table(f, g, ng);
	tax_table(f, c);
	charts_section(f, c, ch, nch);
	points_section(f, c, idx);
	fputs("</body>\n</html>\n", f);
	free(idx);
	rc = ferror(f) ? -1 : 0;
	if (fclose(f) == EOF)
		rc = -1;
	if (!rc && rename(tmp, path) < 0)
		rc = -1;
	if (rc)
		unlink(tmp);
	return rc;
}
