// SPDX-License-Identifier: GPL-2.0
/*
 * The access experiments in the report: charts from plots/access.gp,
 * plots/mapping.gp and plots/uaccess.gp, the report.md section "What it costs
 * to touch the memory" and the terminal TLB-tax table. Every figure comes
 * from DIR/access.csv, DIR/mapping.csv and DIR/uaccess.csv; each is optional.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "gnuplot.h"
#include "report_parts.h"
#include "rundir.h"
#include "util.h"

#define MAX_CURVES	48
#define MAX_PTS		64

struct curve {
	char name[48];		/* colour key, optionally "/layout" for a dashed line */
	size_t n;
	uint64_t ws[MAX_PTS];
	double p50[MAX_PTS], p10[MAX_PTS], p90[MAX_PTS];
};

struct chart {
	struct curve c[MAX_CURVES];
	size_t n;
};

static struct curve *curve_get(struct chart *ch, const char *name)
{
	for (size_t i = 0; i < ch->n; i++)
		if (!strcmp(ch->c[i].name, name))
			return &ch->c[i];
	if (ch->n == MAX_CURVES)
		return NULL;
	memset(&ch->c[ch->n], 0, sizeof(ch->c[0]));
	snprintf(ch->c[ch->n].name, sizeof(ch->c[0].name), "%s", name);
	return &ch->c[ch->n++];
}

static void curve_add(struct chart *ch, const char *name, uint64_t ws, double p50, double p10, double p90)
{
	struct curve *c = curve_get(ch, name);

	if (!c || c->n == MAX_PTS || !isfinite(p50) || p50 <= 0 || !ws)
		return;
	c->ws[c->n] = ws;
	c->p50[c->n] = p50;
	c->p10[c->n] = isfinite(p10) && p10 > 0 ? p10 : p50;
	c->p90[c->n] = isfinite(p90) && p90 > 0 ? p90 : p50;
	c->n++;
}

/* rows of table t with layout 'layout' (and status ok) into curves named by name_col[/layout]. */
static void chart_from(struct chart *ch, const struct csv_table *t, const char *name_col,
		       const char *layout, int suffix)
{
	for (size_t r = 0; r < t->nrows; r++) {
		char name[48];
		const char *view = csv_get(t, r, "view");

		if (strcmp(csv_cell(t, r, "layout"), layout) || strcmp(csv_cell(t, r, "status"), "ok"))
			continue;
		snprintf(name, sizeof(name), "%s%s%s%s%s", csv_cell(t, r, name_col),
			 view && !strcmp(view, "direct") ? "(direct)" : "", suffix ? "/" : "",
			 suffix ? layout : "", "");
		curve_add(ch, name, csv_cell_u64(t, r, "working_set_bytes"),
			  parse_double_c(csv_cell(t, r, "ns_per_access_p50")),
			  parse_double_c(csv_cell(t, r, "ns_per_access_p10")),
			  parse_double_c(csv_cell(t, r, "ns_per_access_p90")));
	}
}

struct aguide {
	uint64_t x;
	char label[64];
};

static size_t add_g(struct aguide *g, size_t n, uint64_t x, const char *label)
{
	char h[32];

	if (!x || n >= 12)
		return n;
	for (size_t i = 0; i < n; i++)
		if (g[i].x == x)
			return n;
	fmt_bytes(h, sizeof(h), x);
	g[n].x = x;
	snprintf(g[n].label, sizeof(g[n].label), "%s (%s)", label, h);
	return n + 1;
}

/* Cache sizes and TLB reach (entries x page size) from meta.csv. */
static size_t access_guides(const struct run_data *rd, struct aguide *g)
{
	uint64_t v;
	size_t n = 0;

	if (rmeta_u64(rd, "l1d_bytes", &v) == 0)
		n = add_g(g, n, v, "L1d");
	if (rmeta_u64(rd, "l2_bytes", &v) == 0)
		n = add_g(g, n, v, "L2");
	if (rmeta_u64(rd, "l3_bytes", &v) == 0)
		n = add_g(g, n, v, "L3");
	if (rmeta_u64(rd, "dtlb_l1_4k_entries", &v) == 0)
		n = add_g(g, n, v * 4096, "L1 dTLB reach 4K");
	if (rmeta_u64(rd, "dtlb_l2_4k_entries", &v) == 0)
		n = add_g(g, n, v * 4096, "L2 TLB reach 4K");
	if (rmeta_u64(rd, "dtlb_l2_2m_entries", &v) == 0)
		n = add_g(g, n, v * 2097152ULL, "L2 TLB reach 2M");
	return n;
}

/* Writes DATA and VARS of one chart and renders it twice; 1 when rendered. */
static int render(const struct run_data *rd, const struct chart *ch, const char *gnuplot,
		  const char *plots, const char *script, const char *datadir, const char *slug,
		  const char *title, const char *subtitle, const char *ylabel, const char *footer,
		  const char *note, int emulated, const struct aguide *g, size_t ng, int quiet)
{
	char p[4096 + 128], sp[4096 + 64], log[4096 + 128], names[2048] = "";
	double ymin = INFINITY, ymax = -INFINITY;
	uint64_t xmin = 0, xmax = 0;
	size_t blocks = 0;
	FILE *d, *v;

	(void)rd;
	snprintf(p, sizeof(p), "%s/%s.dat", datadir, slug);
	d = fopen(p, "w");
	if (!d)
		return 0;
	fprintf(d, "# allocbench %s: one block per series\n# working_set_bytes p50_ns p10_ns p90_ns\n", slug);
	for (size_t i = 0; i < ch->n; i++) {
		const struct curve *c = &ch->c[i];

		if (!c->n)
			continue;
		fprintf(d, "%s# %s\n", blocks ? "\n\n" : "", c->name);
		for (size_t k = 0; k < c->n; k++) {
			fprintf(d, "%" PRIu64 " %.6g %.6g %.6g\n", c->ws[k], c->p50[k], c->p10[k], c->p90[k]);
			ymin = c->p10[k] < ymin ? c->p10[k] : ymin;
			ymax = c->p90[k] > ymax ? c->p90[k] : ymax;
			xmin = !xmin || c->ws[k] < xmin ? c->ws[k] : xmin;
			xmax = c->ws[k] > xmax ? c->ws[k] : xmax;
		}
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", blocks ? " " : "",
			 c->name);
		blocks++;
	}
	fclose(d);
	if (!blocks) {
		if (!quiet)
			fprintf(stderr, "allocbench report: chart %s skipped: no measured point\n", slug);
		return 0;
	}
	snprintf(p, sizeof(p), "%s/%s.vars.gp", datadir, slug);
	v = fopen(p, "w");
	if (!v)
		return 0;
	fprintf(v, "# Variables for plots/%s, written by `allocbench report`.\n"
		   "#   gnuplot -c PATH/TO/plots/%s %s svg\n", script, script, p);
	fprintf(v, "TITLE = ");
	gp_str(v, title);
	fprintf(v, "\nSUBTITLE = ");
	gp_str(v, subtitle);
	fprintf(v, "\nYLABEL = ");
	gp_str(v, ylabel);
	fprintf(v, "\nDATA = \"%s.dat\"\nOUT = \"../%s\"\nSERIES = ", slug, slug);
	gp_str(v, names);
	fprintf(v, "\nFOOTER = ");
	gp_str(v, footer);
	fprintf(v, "\nNOTE = ");
	gp_str(v, note ? note : "");
	fprintf(v, "\nEMULATED = %d\nXMIN = %" PRIu64 ".\nXMAX = %" PRIu64 ".\nYMIN = %.6g\nYMAX = %.6g\n",
		emulated, xmin, xmax, ymin, ymax);
	fprintf(v, "NGUIDES = %zu\n", ng);
	for (size_t i = 0; i < ng; i++) {
		fprintf(v, "GUIDE_X_%zu = %" PRIu64 ".\nGUIDE_LABEL_%zu = ", i + 1, g[i].x, i + 1);
		gp_str(v, g[i].label);
		fputc('\n', v);
	}
	gp_allocators(v);
	fclose(v);
	snprintf(sp, sizeof(sp), "%s/%s", plots, script);
	snprintf(log, sizeof(log), "%s/%s.log", datadir, slug);
	return gp_render(gnuplot, sp, p, log, slug);
}

/*
 * uaccess-meta.csv, written by `allocbench uaccess -o`, describes the machine
 * the user-space timings come from: under `make bench` that is the host,
 * whatever target ran the module. Loads it into um (meta only); -1 if absent.
 */
static int uaccess_machine(const struct run_data *rd, struct run_data *um)
{
	memset(um, 0, sizeof(*um));
	snprintf(um->dir, sizeof(um->dir), "%s", rd->dir);
	return rundir_load_optional(rd->dir, "uaccess-meta.csv", &um->meta) ? 0 : -1;
}

/* "host vm (AMD EPYC, under a hypervisor)" or "" when unknown. */
static void uaccess_where(const struct run_data *um, char *buf, size_t len)
{
	const char *hv = rmeta_get(um, "hypervisor");

	snprintf(buf, len, "host %s (%s%s)", rmeta_any(um, "?", "hostname", NULL),
		 rmeta_any(um, "unknown CPU", "cpu_model", NULL),
		 hv && !strcmp(hv, "yes") ? ", a hardware-virtualised guest" : "");
}

/* The charts access-page, access-line, mapping and uaccess; how many rendered (0 without the CSVs). */
static int access_charts_render(const struct run_data *rd, const char *gnuplot, const char *plots,
				const char *datadir, const char *footer, int quiet)
{
	struct csv_table acc, map, ua;
	struct aguide g[12];
	size_t ng = access_guides(rd, g);
	int emu = run_emulated(rd), n = 0;
	struct chart *ch = calloc(1, sizeof(*ch));
	char note[512];

	if (!ch)
		return 0;
	if (rundir_load_optional(rd->dir, "access.csv", &acc)) {
		static const char *const lay[] = { "page", "line" };

		for (int i = 0; i < 2; i++) {
			char slug[32], title[128];

			memset(ch, 0, sizeof(*ch));
			chart_from(ch, &acc, "allocator", lay[i], 0);
			snprintf(slug, sizeof(slug), "access-%s", lay[i]);
			snprintf(title, sizeof(title), "Access latency of each allocator's memory: %s chase", lay[i]);
			n += render(rd, ch, gnuplot, plots, "access.gp", datadir, slug, title,
				    i == 0 ? "one load per page, random page order (a TLB miss per load); median, band p10–p90"
					   : "every line of a page, then the next page (TLB misses amortised); median, band p10–p90",
				    "ns per access (log scale)", footer, "", emu, g, ng, quiet);
		}
		csv_free(&acc);
	}
	if (rundir_load_optional(rd->dir, "mapping.csv", &map)) {
		memset(ch, 0, sizeof(*ch));
		chart_from(ch, &map, "mapping", "page", 1);
		chart_from(ch, &map, "mapping", "line", 1);
		n += render(rd, ch, gnuplot, plots, "mapping.gp", datadir, "mapping",
			    "The same pages, different mappings: direct map vs vmap() vs vmalloc_huge",
			    "direct and vmap: the very same order-0 pages; solid page chase, dashed line chase",
			    "ns per access (log scale)", footer, "", emu, g, ng, quiet);
		csv_free(&map);
	}
	if (rundir_load_optional(rd->dir, "uaccess.csv", &ua)) {
		struct run_data um;
		struct aguide ug[12];
		char where[256], ufooter[1024];
		int have_machine = uaccess_machine(rd, &um) == 0;

		memset(ch, 0, sizeof(*ch));
		chart_from(ch, &ua, "backing", "page", 1);
		chart_from(ch, &ua, "backing", "line", 1);
		if (have_machine) {
			/* Its own machine's caches and TLBs, and never the TCG
			 * warning: user code runs on the real CPU. */
			uaccess_where(&um, where, sizeof(where));
			snprintf(note, sizeof(note), "uaccess ran in user space on %s: hardware times", where);
			snprintf(ufooter, sizeof(ufooter), "kernel %.100s  |  CPU %.100s  |  THP %.20s  |  runner %.60s",
				 rmeta_any(&um, "?", "kernel_release", NULL),
				 rmeta_any(&um, "?", "cpu_model", NULL), rmeta_any(&um, "?", "thp", NULL),
				 rmeta_any(&um, "?", "runner_version", NULL));
			n += render(rd, ch, gnuplot, plots, "uaccess.gp", datadir, "uaccess",
				    "User space: 4K pages vs transparent huge pages vs hugetlb",
				    "same chain code as the module; solid: page chase, dashed: line chase",
				    "ns per access (log scale)", ufooter, note, 0, ug,
				    access_guides(&um, ug), quiet);
			csv_free(&um.meta);
		} else {
			snprintf(note, sizeof(note), "%s",
				 "uaccess ran in user space on the machine named in the footer");
			n += render(rd, ch, gnuplot, plots, "uaccess.gp", datadir, "uaccess",
				    "User space: 4K pages vs transparent huge pages vs hugetlb",
				    "same chain code as the module; solid: page chase, dashed: line chase",
				    "ns per access (log scale)", footer, note, emu, g, ng, quiet);
		}
		csv_free(&ua);
	}
	free(ch);
	return n;
}

/* ---- report.md and summary ---- */

/* p50 of a row matching (keycol=key, layout, ws); NAN if none or not ok. */
static double find_p50(const struct csv_table *t, const char *keycol, const char *key, const char *view,
		       const char *layout, uint64_t ws, size_t *row)
{
	for (size_t r = 0; r < t->nrows; r++) {
		const char *vw = csv_get(t, r, "view");

		if (strcmp(csv_cell(t, r, keycol), key) || strcmp(csv_cell(t, r, "layout"), layout) ||
		    csv_cell_u64(t, r, "working_set_bytes") != ws)
			continue;
		if (view && vw && strcmp(vw, view))
			continue;
		if (row)
			*row = r;
		if (strcmp(csv_cell(t, r, "status"), "ok"))
			return NAN;
		return parse_double_c(csv_cell(t, r, "ns_per_access_p50"));
	}
	return NAN;
}

static size_t collect_ws(const struct csv_table *t, const char *layout, uint64_t *ws, size_t n, size_t cap)
{
	for (size_t r = 0; t && r < t->nrows; r++) {
		uint64_t w = csv_cell_u64(t, r, "working_set_bytes");
		size_t i;

		if (strcmp(csv_cell(t, r, "layout"), layout))
			continue;
		for (i = 0; i < n && ws[i] != w; i++)
			;
		if (i == n && n < cap)
			ws[n++] = w;
	}
	return n;
}

/* "2M", "1G", "4K", or "4K 25% / 2M 75%" from the mapped_* columns of a row. */
static void levels_text(const struct csv_table *t, size_t r, char *buf, size_t len)
{
	static const char *const cols[] = { "mapped_4k_bytes", "mapped_2m_bytes", "mapped_1g_bytes" };
	static const char *const names[] = { "4K", "2M", "1G" };
	uint64_t v[3], total = 0;
	size_t o = 0;

	buf[0] = '\0';
	for (int i = 0; i < 3; i++) {
		if (!*csv_cell(t, r, cols[i])) {
			snprintf(buf, len, "?");
			return;
		}
		v[i] = csv_cell_u64(t, r, cols[i]);
		total += v[i];
	}
	if (!total) {
		snprintf(buf, len, "?");
		return;
	}
	for (int i = 0; i < 3; i++) {
		if (!v[i])
			continue;
		if (v[i] == total)
			o += (size_t)snprintf(buf + o, len - o, "%s", names[i]);
		else
			o += (size_t)snprintf(buf + o, len - o, "%s%s %.0f%%", o ? " / " : "", names[i],
					      100.0 * (double)v[i] / (double)total);
		if (o >= len)
			break;
	}
}

static void cell_ns(char *b, size_t len, double ns)
{
	if (isfinite(ns))
		fmt_ns(b, len, ns);
	else
		snprintf(b, len, "n/a");
}

static void cell_ratio(char *b, size_t len, double a, double c)
{
	if (isfinite(a) && isfinite(c) && a > 0 && c > 0)
		snprintf(b, len, "%.2fx", a / c);
	else
		snprintf(b, len, "n/a");
}

/*
 * The TLB-tax table: per working set, kernel side (vmap view vs direct view
 * of the same pages, vmalloc_huge; else vmalloc vs alloc_pages from
 * access.csv) and user side (4k vs thp). md != 0: markdown, else plain.
 */
static void tax_table(FILE *f, const struct run_data *rd, const struct csv_table *acc,
		      const struct csv_table *map, const struct csv_table *ua, int md)
{
	uint64_t ws[MAX_PTS];
	size_t n = 0;
	const char *emu = run_emulated(rd) ? " (emulated)" : "";
	char h[32], a[32], b[32], c[32], d[32], u4[32], ut[32], utx[32], lv[48];

	n = collect_ws(map, "page", ws, n, MAX_PTS);
	n = collect_ws(acc, "page", ws, n, MAX_PTS);
	n = collect_ws(ua, "page", ws, n, MAX_PTS);
	qsort(ws, n, sizeof(ws[0]), cmp_u64);
	if (md) {
		fprintf(f, "| working set | kernel 4K-mapped%s | kernel huge-mapped%s | direct-map level | "
			   "kernel tax | vmalloc_huge%s | user 4k | user thp | user tax |\n"
			   "|---:|---:|---:|:--|---:|---:|---:|---:|---:|\n", emu, emu, emu);
	} else {
		fprintf(f, "%-6s %12s %12s %-14s %8s %12s %10s %10s %8s\n", "ws", "kern 4K", "kern huge",
			"direct level", "k tax", "vm_huge", "user 4k", "user thp", "u tax");
	}
	for (size_t i = 0; i < n; i++) {
		double k4 = NAN, kh = NAN, vh = NAN, u4k = NAN, uthp = NAN;
		size_t row = (size_t)-1;

		if (map) {
			k4 = find_p50(map, "mapping", "vmap", NULL, "page", ws[i], NULL);
			kh = find_p50(map, "mapping", "direct", NULL, "page", ws[i], &row);
			vh = find_p50(map, "mapping", "vmalloc_huge", NULL, "page", ws[i], NULL);
		}
		if (acc && !isfinite(k4))
			k4 = find_p50(acc, "allocator", "vmalloc", "native", "page", ws[i], NULL);
		if (acc && !isfinite(kh))
			kh = find_p50(acc, "allocator", "alloc_pages", "native", "page", ws[i], NULL);
		if (acc && !isfinite(vh))
			vh = find_p50(acc, "allocator", "vmalloc_huge", "native", "page", ws[i], NULL);
		if (ua) {
			u4k = find_p50(ua, "backing", "4k", NULL, "page", ws[i], NULL);
			uthp = find_p50(ua, "backing", "thp", NULL, "page", ws[i], NULL);
		}
		fmt_bytes(h, sizeof(h), ws[i]);
		cell_ns(a, sizeof(a), k4);
		cell_ns(b, sizeof(b), kh);
		cell_ratio(c, sizeof(c), k4, kh);
		cell_ns(d, sizeof(d), vh);
		cell_ns(u4, sizeof(u4), u4k);
		cell_ns(ut, sizeof(ut), uthp);
		cell_ratio(utx, sizeof(utx), u4k, uthp);
		if (map && row != (size_t)-1)
			levels_text(map, row, lv, sizeof(lv));
		else
			snprintf(lv, sizeof(lv), "?");
		if (md)
			fprintf(f, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", h, a, b, lv, c, d, u4, ut, utx);
		else
			fprintf(f, "%-6s %12s %12s %-14s %8s %12s %10s %10s %8s\n", h, a, b, lv, c, d, u4, ut, utx);
	}
}

/* Matrix of the page chase: working set x allocator, p50 and mapping level. */
static void access_matrix(FILE *f, const struct csv_table *acc, const char *layout, const char *col,
			  const char *unit)
{
	const char *allocs[32];
	size_t na = 0, n = 0;
	uint64_t ws[MAX_PTS];

	for (size_t r = 0; r < acc->nrows; r++) {
		const char *an = csv_cell(acc, r, "allocator");
		size_t i;

		if (strcmp(csv_cell(acc, r, "layout"), layout))
			continue;
		for (i = 0; i < na && strcmp(allocs[i], an); i++)
			;
		if (i == na && na < 32)
			allocs[na++] = an;
	}
	n = collect_ws(acc, layout, ws, 0, MAX_PTS);
	if (!na || !n)
		return;
	qsort(ws, n, sizeof(ws[0]), cmp_u64);
	fprintf(f, "| working set |");
	for (size_t i = 0; i < na; i++)
		fprintf(f, " %s |", allocs[i]);
	fprintf(f, "\n|---:|");
	for (size_t i = 0; i < na; i++)
		fprintf(f, "---:|");
	fputc('\n', f);
	for (size_t w = 0; w < n; w++) {
		char h[32];

		fmt_bytes(h, sizeof(h), ws[w]);
		fprintf(f, "| %s |", h);
		for (size_t i = 0; i < na; i++) {
			size_t r;

			for (r = 0; r < acc->nrows; r++)
				if (!strcmp(csv_cell(acc, r, "allocator"), allocs[i]) &&
				    !strcmp(csv_cell(acc, r, "layout"), layout) &&
				    csv_cell_u64(acc, r, "working_set_bytes") == ws[w])
					break;
			if (r == acc->nrows) {
				fprintf(f, " |");
			} else if (strcmp(csv_cell(acc, r, "status"), "ok")) {
				fprintf(f, " %s |", csv_cell(acc, r, "status"));
			} else {
				char lv[48], v[32];
				double x = parse_double_c(csv_cell(acc, r, col));

				levels_text(acc, r, lv, sizeof(lv));
				if (!strcmp(unit, "ns"))
					cell_ns(v, sizeof(v), x);
				else
					snprintf(v, sizeof(v), "%.2f %s", x, unit);
				fprintf(f, " %s (%s) |", v, lv);
			}
		}
		fputc('\n', f);
	}
	fputc('\n', f);
}

/* The section "What it costs to touch the memory"; nothing when none of the CSVs exists. */
static void access_write_md(FILE *f, const struct run_data *rd, int charts_ok, const char *charts_note)
{
	struct csv_table acc, map, ua;
	int ha = rundir_load_optional(rd->dir, "access.csv", &acc);
	int hm = rundir_load_optional(rd->dir, "mapping.csv", &map);
	int hu = rundir_load_optional(rd->dir, "uaccess.csv", &ua);
	const char *pmu = NULL;
	struct run_data um;
	char where[256] = "";
	static const char *const charts[] = { "access-page", "access-line", "mapping", "uaccess" };

	(void)charts_note;	/* a missing chart is left out, not explained */
	if (!ha && !hm && !hu)
		return;
	if (hu && uaccess_machine(rd, &um) == 0) {
		uaccess_where(&um, where, sizeof(where));
		csv_free(&um.meta);
	}
	fprintf(f, "## What it costs to touch the memory\n\n");
	fprintf(f, "Dependent loads (`p = *p`) through each allocator's memory, the pointer chain built by the "
		   "same code (`bench-module/chain.c`) in the module and in user space. **page**: one load per "
		   "page, pages in random order (every load a potential TLB miss); **line**: every cache line of "
		   "a page before the next page (TLB misses amortised). Median of the passes.%s\n\n",
		   run_emulated(rd) ? " **Kernel figures are emulated (TCG): the ratios between mappings mean "
				      "more than the absolute times, and even they reflect QEMU's soft-TLB, not a "
				      "hardware page walk.**" : "");
	for (size_t i = 0; i < ARRAY_SIZE(charts); i++)
		report_chart_link(f, rd, charts_ok, charts[i], charts[i]);
	fprintf(f, "### TLB tax per working set (ratio 4K-mapped / huge-mapped, page chase, median)\n\n"
		   "Kernel: `vmap()` of N order-0 pages (4K PTEs) vs the same pages through the direct map "
		   "(mapping.csv; without it vmalloc vs alloc_pages from access.csv). User: `allocbench uaccess`, "
		   "4K pages (MADV_NOHUGEPAGE) vs THP%s%s.\n\n",
		   !hu ? " (no uaccess.csv in this run)" : where[0] ? ", run on " : "", hu ? where : "");
	tax_table(f, rd, ha ? &acc : NULL, hm ? &map : NULL, hu ? &ua : NULL, 1);
	fputc('\n', f);
	if (ha) {
		fprintf(f, "### Page chase per allocator (median ns per access; mapping level measured with lookup_address)\n\n");
		access_matrix(f, &acc, "page", "ns_per_access_p50", "ns");
		fprintf(f, "### Line chase per allocator\n\n");
		access_matrix(f, &acc, "line", "ns_per_access_p50", "ns");
		fprintf(f, "### Sequential read per allocator (bytes per ns)\n\n");
		access_matrix(f, &acc, "seq", "bytes_per_ns_p50", "B/ns");
		fprintf(f, "### First touch (one write per page right after allocation, ns per page)\n\n");
		access_matrix(f, &acc, "first_touch", "ns_per_page_p50", "ns");
		for (size_t r = 0; r < acc.nrows && !pmu; r++)
			if (*csv_cell(&acc, r, "pmu_status") && strcmp(csv_cell(&acc, r, "status"), "ok") == 0)
				pmu = csv_cell(&acc, r, "pmu_status");
		if (pmu)
			fprintf(f, "dTLB counters: %s.\n\n", pmu);
	}
	{
		const char *k[] = { "directmap_4k_bytes_before", "directmap_2m_bytes_before",
				    "directmap_1g_bytes_before", "directmap_4k_bytes_after",
				    "directmap_2m_bytes_after", "directmap_1g_bytes_after" };
		uint64_t v[6];
		int all = 1;

		for (int i = 0; i < 6; i++)
			all &= rmeta_u64(rd, k[i], &v[i]) == 0;
		if (all) {
			char b[6][32];

			for (int i = 0; i < 6; i++)
				fmt_bytes(b[i], sizeof(b[i]), v[i]);
			fprintf(f, "Direct map (/proc/meminfo) before the run: 4K %s, 2M %s, 1G %s; after: 4K %s, "
				   "2M %s, 1G %s.\n\n", b[0], b[1], b[2], b[3], b[4], b[5]);
		}
	}
	if (ha)
		csv_free(&acc);
	if (hm)
		csv_free(&map);
	if (hu)
		csv_free(&ua);
}

/* The TLB-tax table on the terminal; nothing when none of the CSVs exists. */
static void access_summary_print(FILE *out, const struct run_data *rd, int width)
{
	struct csv_table acc, map, ua;
	int ha = rundir_load_optional(rd->dir, "access.csv", &acc);
	int hm = rundir_load_optional(rd->dir, "mapping.csv", &map);
	int hu = rundir_load_optional(rd->dir, "uaccess.csv", &ua);

	(void)width;	/* a few narrow columns */
	if (!ha && !hm && !hu)
		return;
	fprintf(out, "\nTLB tax (page chase, median ns per access; 4K-mapped / huge-mapped)%s:\n",
		run_emulated(rd) ? ", kernel side emulated (TCG)" : "");
	tax_table(out, rd, ha ? &acc : NULL, hm ? &map : NULL, hu ? &ua : NULL, 0);
	if (ha)
		csv_free(&acc);
	if (hm)
		csv_free(&map);
	if (hu)
		csv_free(&ua);
}

static const char *const access_files[] = { "access.csv", "mapping.csv", "uaccess.csv", NULL };

const struct report_part report_part_access = {
	.name = "access",
	.files = access_files,
	.write_md = access_write_md,
	.render_charts = access_charts_render,
	.print_summary = access_summary_print,
};
