// SPDX-License-Identifier: GPL-2.0
/*
 * Charts of a comparison, into DIR/charts/ (data and variables files in
 * DIR/charts/data/, so that each can be re-rendered by hand):
 *   compare-ratio-<series>   ratio B/A against size, CI whiskers, filled
 *                            markers where significant (plots/compare-ratio.gp)
 *   compare-latency-<series> both sides' medians, A solid, B dashed
 *                            (plots/compare-overlay.gp)
 *   compare-tlb-tax          the kernel's TLB tax of both sides (plots/compare-tlb.gp)
 * Colours and point types are the allocator table's (names.c via gnuplot.c).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "charts.h"
#include "compare.h"
#include "gnuplot.h"
#include "util.h"

struct chart_env {
	char gnuplot[PATH_MAX], plots[PATH_MAX], datadir[PATH_MAX + 32];
	char footer[1400];
	int emulated;
};

/* A range [b, e) of the sorted points: one series. */
struct range {
	const size_t *idx;
	size_t b, e;
};

static void footer(const struct cmp_ctx *c, char *buf, size_t len)
{
	const struct cmp_run *a = &c->side[0].run[0], *b = &c->side[1].run[0];
	const char *ka = cmp_meta(a, "kernel_release"), *kb = cmp_meta(b, "kernel_release");
	const char *acc = cmp_meta(a, "accelerator"), *cpu = cmp_meta(a, "cpu_model"), *git = cmp_meta(b, "git_revision");
	char sa[64], sb[64];

	cmp_short_kernel(ka ? ka : "unknown", sa, sizeof(sa));
	cmp_short_kernel(kb ? kb : "unknown", sb, sizeof(sb));
	snprintf(buf, len, "A = %.120s (%zu run%s)  |  B = %.120s (%zu run%s)  |  kernel %s%s%s  |  CPU %.60s  |  "
		 "target %.20s%s%.10s%s  |  git %.40s", c->side[0].label, c->side[0].n, c->side[0].n == 1 ? "" : "s",
		 c->side[1].label, c->side[1].n, c->side[1].n == 1 ? "" : "s", sa, strcmp(sa, sb) ? " / " : "",
		 strcmp(sa, sb) ? sb : "", cpu ? cpu : "unknown", cmp_meta(a, "target") ? cmp_meta(a, "target") : "unknown",
		 acc ? " (" : "", acc ? acc : "", acc ? ")" : "", git ? git : "unknown");
}

static int env_init(const struct cmp_ctx *c, struct chart_env *env, char *why, size_t whylen)
{
	char charts[PATH_MAX];

	if (charts_find_gnuplot(env->gnuplot, sizeof(env->gnuplot)) < 0) {
		snprintf(why, whylen, "gnuplot is not installed (not found on PATH or at ALLOCBENCH_GNUPLOT)");
		return -1;
	}
	if (charts_find_plots(env->plots, sizeof(env->plots)) < 0) {
		snprintf(why, whylen, "the gnuplot scripts (plots/) were not found; set ALLOCBENCH_PLOTS");
		return -1;
	}
	snprintf(charts, sizeof(charts), "%.4000s/charts", c->outdir);
	snprintf(env->datadir, sizeof(env->datadir), "%s/data", charts);
	if (mkdir_p(env->datadir, 0755) < 0) {
		snprintf(why, whylen, "cannot create %s: %s", env->datadir, strerror(errno));
		return -1;
	}
	footer(c, env->footer, sizeof(env->footer));
	env->emulated = c->side[0].run[0].emulated || c->side[1].run[0].emulated;
	return 0;
}

static void gp_num(FILE *f, double v)
{
	if (isfinite(v))
		fprintf(f, "%.6g", v);
	else
		fputs("NaN", f);
}

/* Extent of what a chart shows. */
struct extent {
	uint64_t xmin, xmax;
	double ymin, ymax;
};

static void grow(struct extent *x, uint64_t size, double lo, double hi)
{
	if (!x->xmin || size < x->xmin)
		x->xmin = size;
	if (size > x->xmax)
		x->xmax = size;
	if (isfinite(lo) && lo > 0 && lo < x->ymin)
		x->ymin = lo;
	if (isfinite(hi) && hi > x->ymax)
		x->ymax = hi;
}

/* Appends name to a space-separated list. */
static void add_word(char *list, size_t len, const char *w)
{
	size_t l = strlen(list);

	snprintf(list + l, len - l, "%s%s", l ? " " : "", w);
}

/* The ratio data: one block per allocator ("size ratio lo hi significant"), one-sided failures apart. */
static void ratio_data(const struct cmp_ctx *c, struct range r, FILE *d, FILE *fl, char *allocs, char *fails,
		       struct extent *x, struct extent *ci)
{
	const char *cur = NULL, *curf = NULL;

	for (size_t i = r.b; i < r.e; i++) {
		const struct cmp_point *p = &c->pts[r.idx[i]];

		if (p->compared && isfinite(p->ratio)) {
			if (!cur || strcmp(cur, p->key.alloc)) {
				fprintf(d, "%s# %s\n", cur ? "\n\n" : "", p->key.alloc);
				add_word(allocs, 1024, p->key.alloc);
				cur = p->key.alloc;
			}
			fprintf(d, "%llu ", (unsigned long long)p->key.size);
			gp_num(d, p->ratio);
			fputc(' ', d);
			gp_num(d, p->lo);
			fputc(' ', d);
			gp_num(d, p->hi);
			fprintf(d, " %d\n", p->significant);
			grow(x, p->key.size, p->ratio, p->ratio);
			grow(ci, p->key.size, p->lo, p->hi);
		} else if (p->side[0].runs || p->side[1].runs) {
			if (!curf || strcmp(curf, p->key.alloc)) {
				fprintf(fl, "%s# %s\n", curf ? "\n\n" : "", p->key.alloc);
				add_word(fails, 1024, p->key.alloc);
				curf = p->key.alloc;
			}
			fprintf(fl, "%llu %d\n", (unsigned long long)p->key.size, p->side[0].runs ? 2 : 1);
			grow(x, p->key.size, NAN, NAN);
		}
	}
}

/* Whether v is a tic at level (0 finest .. 3: powers of ten only). */
static int tic_at(double v, int level)
{
	static const double fine[] = { 0.8, 0.9, 0.95, 1.05, 1.1, 1.25 };
	double m = v / pow(10, floor(log10(v) + 1e-9));

	if (fabs(v - 1) < 1e-9)
		return 1;
	for (size_t i = 0; level == 0 && i < ARRAY_SIZE(fine); i++)
		if (fabs(v - fine[i]) < 1e-9)
			return 1;
	if (level <= 1 && (fabs(v - 0.8) < 1e-9 || fabs(v - 1.25) < 1e-9))
		return 1;
	if (level <= 2 && (fabs(m - 2) < 1e-6 || fabs(m - 5) < 1e-6))
		return 1;
	return fabs(m - 1) < 1e-6;
}

/* Tics within [lo, hi] (from 1e-5 to 1e5): the finest level that keeps them to ten at most. */
static void ratio_tics(double lo, double hi, char *buf, size_t len)
{
	static const double fine[] = { 0.8, 0.9, 0.95, 1.05, 1.1, 1.25 };
	double cand[80];
	size_t nc = 0, o;
	int level;

	for (int e = -5; e <= 4; e++)
		for (int m = 1; m <= 5; m += m == 1 ? 1 : 3)
			cand[nc++] = m * pow(10, e);
	for (size_t i = 0; i < ARRAY_SIZE(fine); i++)
		cand[nc++] = fine[i];
	/* fine tics only where the axis spans little: they would overprint on a wide one */
	for (level = hi / lo < 3 ? 0 : hi / lo < 30 ? 1 : 2; level < 3; level++) {
		size_t n = 0;

		for (size_t i = 0; i < nc; i++)
			n += cand[i] >= lo && cand[i] <= hi && tic_at(cand[i], level);
		if (n <= 10)
			break;
	}
	o = (size_t)snprintf(buf, len, "(");
	for (size_t i = 0, k = 0; i < nc && o < len; i++)
		if (cand[i] >= lo && cand[i] <= hi && tic_at(cand[i], level))
			o += (size_t)snprintf(buf + o, len - o, "%s\"%g\" %g", k++ ? ", " : "", cand[i], cand[i]);
	snprintf(buf + o, o < len ? len - o : 0, ")");
}

/* The common head of a variables file. NULL when it cannot be created. */
static FILE *vars_open(const struct chart_env *env, const char *name, const char *title, const char *sub)
{
	char p[PATH_MAX + 200];
	FILE *v;

	snprintf(p, sizeof(p), "%s/%s.vars.gp", env->datadir, name);
	v = fopen(p, "w");
	if (!v)
		return NULL;
	fprintf(v, "# Variables for plots/%s, written by `allocbench compare`.\n# Render by hand: gnuplot -c "
		   "PATH/TO/plots/<script> %s svg\n", strstr(name, "ratio") ? "compare-ratio.gp" :
		   strstr(name, "tlb") ? "compare-tlb.gp" : "compare-overlay.gp", p);
	gp_set_str(v, "TITLE", title);
	{
		/* gnuplot strings hold no newline: a second subtitle line is a variable of its own */
		const char *nl = strchr(sub, '\n');
		char first[512];

		snprintf(first, sizeof(first), "%.*s", nl ? (int)(nl - sub) : (int)strlen(sub), sub);
		gp_set_str(v, "SUBTITLE", first);
		gp_set_str(v, "SUBTITLE2", nl ? nl + 1 : "");
	}
	gp_set_str(v, "FOOTER", env->footer);
	fprintf(v, "EMULATED = %d\nOUT = \"../%s\"\n", env->emulated, name);
	gp_allocators(v);
	return v;
}

/* Renders name with script once its variables file is closed: 1 rendered, 0 not. */
static int render(const struct chart_env *env, const char *script, const char *name)
{
	char s[PATH_MAX + 64], vars[PATH_MAX + 200], log[PATH_MAX + 200];

	snprintf(s, sizeof(s), "%s/%s", env->plots, script);
	snprintf(vars, sizeof(vars), "%s/%s.vars.gp", env->datadir, name);
	snprintf(log, sizeof(log), "%s/%s.log", env->datadir, name);
	return gp_render(env->gnuplot, s, vars, log, name);
}

static FILE *data_open(const struct chart_env *env, const char *name, const char *ext)
{
	char p[PATH_MAX + 200];

	snprintf(p, sizeof(p), "%s/%s.%s", env->datadir, name, ext);
	return fopen(p, "w");
}

/* "alloc (GFP_KERNEL)", "access, page chase (native)", "mapping, page chase". */
static void series_title(const struct cmp_key *k, char *buf, size_t len)
{
	if (k->kind == CMP_LATENCY)
		snprintf(buf, len, "latency of %s (%s)", k->op, gfp_title(k->gfp));
	else if (k->kind == CMP_ACCESS)
		snprintf(buf, len, "access, %s layout (%s view)", k->op, k->gfp);
	else
		snprintf(buf, len, "mapping, %s layout (the same pages via direct map and vmap)", k->op);
}

static const char *units_text(const struct cmp_ctx *c)
{
	return c->side[0].n + c->side[1].n >= 3 ? "runs as units: run-to-run variation included"
						: "one run per side: run-to-run variation not captured";
}

static int ratio_chart(const struct cmp_ctx *c, const struct chart_env *env, struct range r, struct cmp_chart *out)
{
	const struct cmp_key *k = &c->pts[r.idx[r.b]].key;
	char slug[64], name[96], st[160], t[512], sub[320], allocs[1024] = "", fails[1024] = "", tics[512];
	struct extent x = { 0, 0, INFINITY, -INFINITY }, ci = x;
	double lim = 1 + c->opt.min_effect;
	FILE *d, *fl, *v;

	cmp_series_slug(k, slug, sizeof(slug));
	snprintf(name, sizeof(name), "compare-ratio-%s", slug);
	d = data_open(env, name, "dat");
	fl = data_open(env, name, "fail");
	if (d && fl)
		ratio_data(c, r, d, fl, allocs, fails, &x, &ci);
	if (d)
		fclose(d);
	if (fl)
		fclose(fl);
	if (!d || !fl || !allocs[0])
		return 0;
	/* whiskers widen the view up to four times the ratios' own range; longer ones are clipped */
	x.ymin = fmin(fmin(x.ymin, 1 / lim), fmax(ci.ymin, x.ymin / 4));
	x.ymax = fmax(fmax(x.ymax, lim), fmin(ci.ymax, x.ymax * 4));
	series_title(k, st, sizeof(st));
	snprintf(t, sizeof(t), "Ratio B/A, %s: %s", st, c->label);
	snprintf(sub, sizeof(sub), "median B / median A; whiskers: 95 %% interval (%s)\nfilled: significant "
		 "(BH q < %g and a change of %g %% or more); grey band: within %g %% of 1", units_text(c),
		 c->opt.alpha, c->opt.min_effect * 100, c->opt.min_effect * 100);
	if (!(v = vars_open(env, name, t, sub)))
		return 0;
	ratio_tics(x.ymin / 1.15, x.ymax * 1.15, tics, sizeof(tics));
	fprintf(v, "DATA = \"%s.dat\"\nFAILDATA = \"%s.fail\"\n", name, name);
	gp_set_str(v, "ALLOCS", allocs);
	gp_set_str(v, "FAILS", fails);
	fprintf(v, "XMIN = %llu.\nXMAX = %llu.\nYMIN = %.6g\nYMAX = %.6g\nBAND = %.6g\nYTICS = '%s'\n",
		(unsigned long long)x.xmin, (unsigned long long)x.xmax, x.ymin, x.ymax, lim, tics);
	fprintf(v, "XLABEL = \"%s\"\n", k->kind == CMP_LATENCY ? "allocation size (bytes, log2 scale)"
							       : "working set (bytes, log2 scale)");
	fclose(v);
	snprintf(out->file, sizeof(out->file), "charts/%s.svg", name);
	snprintf(out->title, sizeof(out->title), "Ratio B/A, %s", st);
	return render(env, "compare-ratio.gp", name);
}

/* Overlay data: per allocator two blocks, A's medians then B's ("size median"). */
static void overlay_data(const struct cmp_ctx *c, struct range r, FILE *d, char *allocs, struct extent *x)
{
	size_t n = 0;

	for (size_t i = r.b; i < r.e;) {
		const char *a = c->pts[r.idx[i]].key.alloc;
		size_t j = i;
		int any = 0;

		while (j < r.e && !strcmp(c->pts[r.idx[j]].key.alloc, a))
			any |= isfinite(c->pts[r.idx[j++]].side[0].median) || isfinite(c->pts[r.idx[j - 1]].side[1].median);
		for (int s = 0; any && s < 2; s++) {
			fprintf(d, "%s# %s %c\n", n++ ? "\n\n" : "", a, 'A' + s);
			for (size_t k = i; k < j; k++) {
				const struct cmp_point *p = &c->pts[r.idx[k]];

				if (!isfinite(p->side[s].median))
					continue;
				fprintf(d, "%llu ", (unsigned long long)p->key.size);
				gp_num(d, p->side[s].median);
				fputc('\n', d);
				grow(x, p->key.size, p->side[s].median, p->side[s].median);
			}
		}
		if (any)
			add_word(allocs, 1024, a);
		i = j;
	}
}

static int overlay_chart(const struct cmp_ctx *c, const struct chart_env *env, struct range r, struct cmp_chart *out)
{
	const struct cmp_key *k = &c->pts[r.idx[r.b]].key;
	char slug[64], name[96], st[160], t[512], sub[512], allocs[1024] = "";
	struct extent x = { 0, 0, INFINITY, -INFINITY };
	FILE *d, *v;

	cmp_series_slug(k, slug, sizeof(slug));
	snprintf(name, sizeof(name), "compare-%s%s", k->kind == CMP_LATENCY ? "latency-" : "", slug);
	if (!(d = data_open(env, name, "dat")))
		return 0;
	overlay_data(c, r, d, allocs, &x);
	fclose(d);
	if (!allocs[0] || !(x.ymax > 0))
		return 0;
	series_title(k, st, sizeof(st));
	snprintf(t, sizeof(t), "%c%s: %s", toupper((unsigned char)st[0]), st + 1, c->label);
	snprintf(sub, sizeof(sub), "median %s; solid: A = %s, dashed: B = %s", cmp_metric(k), c->side[0].label,
		 c->side[1].label);
	if (!(v = vars_open(env, name, t, sub)))
		return 0;
	fprintf(v, "DATA = \"%s.dat\"\n", name);
	gp_set_str(v, "ALLOCS", allocs);
	gp_set_str(v, "LABEL_A", c->side[0].label);
	gp_set_str(v, "LABEL_B", c->side[1].label);
	fprintf(v, "XMIN = %llu.\nXMAX = %llu.\nYMIN = %.6g\nYMAX = %.6g\n", (unsigned long long)x.xmin,
		(unsigned long long)x.xmax, x.ymin, x.ymax);
	fprintf(v, "XLABEL = \"%s\"\nYLABEL = \"%s\"\n", k->kind == CMP_LATENCY ? "allocation size (bytes, log2 scale)"
		: "working set (bytes, log2 scale)", k->kind == CMP_LATENCY ? "latency per operation (ns, log scale)"
		: "ns per access (log scale)");
	fclose(v);
	snprintf(out->file, sizeof(out->file), "charts/%s.svg", name);
	snprintf(out->title, sizeof(out->title), "%c%s, A and B", toupper((unsigned char)st[0]), st + 1);
	return render(env, "compare-overlay.gp", name);
}

static int tax_chart(const struct cmp_ctx *c, const struct chart_env *env, struct cmp_chart *out)
{
	struct cmp_tax t[64];
	size_t n = cmp_tlb_tax(c, t, ARRAY_SIZE(t));
	char t1[400], sub[512], tics[512];
	struct extent x = { 0, 0, INFINITY, -INFINITY };
	FILE *d, *v;

	if (!n || !(d = data_open(env, "compare-tlb-tax", "dat")))
		return 0;
	fprintf(d, "# working_set_bytes tax_a tax_b (4K-mapped / huge-mapped, page chase)\n");
	for (size_t i = 0; i < n; i++) {
		fprintf(d, "%llu ", (unsigned long long)t[i].ws);
		gp_num(d, t[i].tax[0]);
		fputc(' ', d);
		gp_num(d, t[i].tax[1]);
		fputc('\n', d);
		grow(&x, t[i].ws, fmin(t[i].tax[0], t[i].tax[1]), fmax(t[i].tax[0], t[i].tax[1]));
	}
	fclose(d);
	snprintf(t1, sizeof(t1), "TLB tax of the kernel's 4K mappings: %s", c->label);
	snprintf(sub, sizeof(sub), "ns per access of %s, page chase; 1.0 = no tax\nsolid: A = %s, dashed: B = %s",
		 t[0].how, c->side[0].label, c->side[1].label);
	if (!(v = vars_open(env, "compare-tlb-tax", t1, sub)))
		return 0;
	x.ymin = fmin(x.ymin, 1 / 1.1);
	x.ymax = fmax(x.ymax, 1.1);
	ratio_tics(x.ymin / 1.15, x.ymax * 1.15, tics, sizeof(tics));
	/* one working set: room for the neighbouring size labels */
	fprintf(v, "DATA = \"compare-tlb-tax.dat\"\nXMIN = %llu.\nXMAX = %llu.\nYMIN = %.6g\nYMAX = %.6g\nYTICS = '%s'\n",
		(unsigned long long)x.xmin / (n == 1 ? 4 : 1), (unsigned long long)x.xmax * (n == 1 ? 4 : 1),
		x.ymin, x.ymax, tics);
	gp_set_str(v, "LABEL_A", c->side[0].label);
	gp_set_str(v, "LABEL_B", c->side[1].label);
	fclose(v);
	snprintf(out->file, sizeof(out->file), "charts/compare-tlb-tax.svg");
	snprintf(out->title, sizeof(out->title), "TLB tax of the kernel's 4K mappings, A and B");
	return render(env, "compare-tlb.gp", "compare-tlb-tax");
}

static int same_series(const struct cmp_key *a, const struct cmp_key *b)
{
	return a->kind == b->kind && !strcmp(a->op, b->op) && !strcmp(a->gfp, b->gfp);
}

size_t cmp_charts_render(const struct cmp_ctx *c, struct cmp_chart *ch, size_t max, char *why, size_t whylen)
{
	struct chart_env *env = calloc(1, sizeof(*env));
	size_t *idx = cmp_sorted(c), n = 0;

	why[0] = '\0';
	if (!env || !idx || env_init(c, env, why, whylen)) {
		free(env);
		free(idx);
		return 0;
	}
	for (size_t b = 0; b < c->npts && n + 2 < max;) {
		struct range r = { idx, b, b };

		while (r.e < c->npts && same_series(&c->pts[idx[r.e]].key, &c->pts[idx[b]].key))
			r.e++;
		n += ratio_chart(c, env, r, &ch[n]);
		n += overlay_chart(c, env, r, &ch[n]);
		b = r.e;
	}
	if (n < max)
		n += tax_chart(c, env, &ch[n]);
	free(env);
	free(idx);
	return n;
}
