// SPDX-License-Identifier: GPL-2.0
/*
 * Charts: for every per-op latency series, a data file, a failure file and
 * a variables file under DIR/charts/data/, then plots/latency.gp run once
 * for SVG and once for PNG (gnuplot.c). gnuplot's messages go to
 * DIR/charts/data/latency-<slug>.log; a chart that fails is reported with
 * the tail of that log and the others still render. The access and limits
 * parts add their charts the same way.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "charts.h"
#include "gnuplot.h"
#include "report_access.h"
#include "report_limits.h"
#include "report_scale.h"
#include "util.h"

static int is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int plots_ok(const char *dir)
{
	char p[PATH_MAX + 32];

	snprintf(p, sizeof(p), "%s/latency.gp", dir);
	if (!is_file(p))
		return 0;
	snprintf(p, sizeof(p), "%s/style.gp", dir);
	return is_file(p);
}

static int absolutize(const char *in, char *out, size_t len)
{
	char *r = realpath(in, NULL);

	if (!r)
		return -1;
	snprintf(out, len, "%s", r);
	free(r);
	return 0;
}

int charts_find_plots(char *out, size_t len)
{
	static const char *const rel[] = { "../plots", "../share/allocbench/plots", "plots", "../../plots" };
	const char *env = getenv("ALLOCBENCH_PLOTS");
	char exe[PATH_MAX], cand[PATH_MAX + 64];
	ssize_t n;
	size_t i;

	if (env && *env) {
		if (plots_ok(env))
			return absolutize(env, out, len);
		return -1;	/* an explicit setting that is wrong is an error, not a hint */
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *sl;

		exe[n] = '\0';
		sl = strrchr(exe, '/');
		if (sl)
			*sl = '\0';
		for (i = 0; i < ARRAY_SIZE(rel); i++) {
			snprintf(cand, sizeof(cand), "%s/%s", exe, rel[i]);
			if (plots_ok(cand))
				return absolutize(cand, out, len);
		}
	}
#ifdef ALLOCBENCH_SRCDIR
	snprintf(cand, sizeof(cand), "%s/plots", ALLOCBENCH_SRCDIR);
	if (plots_ok(cand))
		return absolutize(cand, out, len);
#endif
	for (i = 0; i < ARRAY_SIZE(rel); i++)
		if (plots_ok(rel[i]))
			return absolutize(rel[i], out, len);
	return -1;
}

int charts_find_gnuplot(char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *e;
	const char *env = getenv("ALLOCBENCH_GNUPLOT");

	if (env && *env) {
		if (access(env, X_OK) == 0) {
			snprintf(out, len, "%s", env);
			return 0;
		}
		return -1;
	}
	if (!path)
		path = "/usr/bin:/bin";
	for (p = path; *p; p = *e ? e + 1 : e) {
		char c[PATH_MAX];

		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		snprintf(c, sizeof(c), "%.*s/gnuplot", (int)(e - p) ? (int)(e - p) : 1,
			 (e - p) ? p : ".");
		if (access(c, X_OK) == 0 && is_file(c)) {
			snprintf(out, len, "%s", c);
			return 0;
		}
	}
	return -1;
}

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

int charts_render(const struct run_data *rd, int quiet, char *why, size_t whylen)
{
	char gnuplot[PATH_MAX], plots[PATH_MAX], script[PATH_MAX + 32];
	char charts[PATH_MAX + 16], datadir[PATH_MAX + 32], footer[1400];
	const char *accel = rmeta_get(rd, "accelerator");
	const char *name = rmeta_any(rd, NULL, "run_name", "name", NULL);
	struct guide g[8];
	size_t s, ng;
	int rendered = 0;

	if (why && whylen)
		why[0] = '\0';
	if (charts_find_gnuplot(gnuplot, sizeof(gnuplot)) < 0) {
		snprintf(why, whylen, "gnuplot is not installed (not found on PATH%s)",
			 getenv("ALLOCBENCH_GNUPLOT") ? " or at ALLOCBENCH_GNUPLOT" : "");
		return -1;
	}
	if (charts_find_plots(plots, sizeof(plots)) < 0) {
		snprintf(why, whylen, "the gnuplot scripts (plots/latency.gp) were not found%s",
			 getenv("ALLOCBENCH_PLOTS") ? " in ALLOCBENCH_PLOTS" :
			 "; set ALLOCBENCH_PLOTS to the plots/ directory");
		return -1;
	}
	snprintf(script, sizeof(script), "%s/latency.gp", plots);
	snprintf(charts, sizeof(charts), "%s/charts", rd->dir);
	snprintf(datadir, sizeof(datadir), "%s/data", charts);
	if ((mkdir(charts, 0755) < 0 && errno != EEXIST) || (mkdir(datadir, 0755) < 0 && errno != EEXIST)) {
		snprintf(why, whylen, "cannot create %s: %s", datadir, strerror(errno));
		return -1;
	}
	if (!name) {
		const char *sl = strrchr(rd->dir, '/');

		name = sl && sl[1] ? sl + 1 : rd->dir;
	}
	snprintf(footer, sizeof(footer), "kernel %.100s  |  CPU %.100s  |  target %.40s%s%.40s%s  |  git %.60s  |  run %.100s",
		 rmeta_any(rd, "unknown", "kernel_release", "kernel", NULL), rmeta_any(rd, "unknown", "cpu_model", NULL),
		 rmeta_any(rd, "unknown", "target", NULL), accel ? " (" : "", accel ? accel : "",
		 accel ? ")" : "", rmeta_any(rd, "unknown", "git_revision", NULL), name);
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
	/* access-page, access-line, mapping, uaccess */
	rendered += access_charts_render(rd, gnuplot, plots, datadir, footer, quiet);
	/* limits, frag-success, buddyinfo, overhead */
	rendered += limits_charts_render(rd, gnuplot, plots, datadir, footer, quiet);
	/* scale-ops-*, scale-p99-*, scale-eff-* */
	rendered += scale_charts_render(rd, gnuplot, plots, datadir, footer, quiet);
	return rendered;
}
