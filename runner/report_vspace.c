// SPDX-License-Identifier: GPL-2.0
/*
 * Report part of the [vspace] kind: the section "Virtual address space
 * (vspace)" and the vspace chart, plus the sentences the limits part quotes
 * (report_vspace.h). Every figure comes from this run's vspace.csv /
 * vspace-summary.csv / vspace-gaps.csv; what is missing is said, not guessed.
 */
#include "report_vspace.h"

#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "gnuplot.h"
#include "report_parts.h"
#include "rundir.h"
#include "vspace_calc.h"

static const char *const phases[] = { "before", "fragmented", "after" };

struct vs_data {
	struct csv_table vs, sum, gaps;
	int have_vs, have_sum, have_gaps;
	int row[3];			/* vspace.csv row of each phase, -1 */
};

static void vs_load(const char *dir, struct vs_data *d, int gaps)
{
	memset(d, 0, sizeof(*d));
	d->have_vs = rundir_load_optional(dir, "vspace.csv", &d->vs);
	d->have_sum = rundir_load_optional(dir, "vspace-summary.csv", &d->sum);
	if (gaps)
		d->have_gaps = rundir_load_optional(dir, "vspace-gaps.csv", &d->gaps);
	for (int p = 0; p < 3; p++) {
		d->row[p] = -1;
		for (size_t r = 0; d->have_vs && r < d->vs.nrows; r++)
			if (!strcmp(csv_cell(&d->vs, r, "phase"), phases[p]))
				d->row[p] = (int)r;
	}
}

static void vs_free(struct vs_data *d)
{
	if (d->have_vs)
		csv_free(&d->vs);
	if (d->have_sum)
		csv_free(&d->sum);
	if (d->have_gaps)
		csv_free(&d->gaps);
}

/* A value of vspace-summary.csv; NULL (0) when the run has none. */
static const char *kv(const struct vs_data *d, const char *key)
{
	return d->have_sum ? csv_kv(&d->sum, key) : NULL;
}

static uint64_t kv_u64(const struct vs_data *d, const char *key)
{
	return d->have_sum ? csv_kv_u64(&d->sum, key) : 0;
}

static const char *cell(const struct vs_data *d, int p, const char *col)
{
	return d->row[p] < 0 ? "" : csv_cell(&d->vs, (size_t)d->row[p], col);
}

static uint64_t cell_u64(const struct vs_data *d, int p, const char *col)
{
	return d->row[p] < 0 ? 0 : csv_cell_u64(&d->vs, (size_t)d->row[p], col);
}

/* Bytes for prose: 4K, 3M, 1.8M, 970.9M, 32.0T. */
static const char *hb(char *buf, size_t len, uint64_t b)
{
	return vspace_human(buf, len, b);
}

static const char *hcell(char *buf, size_t len, const struct vs_data *d, int p, const char *col)
{
	return *cell(d, p, col) ? hb(buf, len, cell_u64(d, p, col)) : "n/a";
}

/* The usable range, whole pages (x86-64's VMALLOC_END is inclusive); INFO's figure without a summary. */
static uint64_t range_bytes(const struct vs_data *d)
{
	uint64_t r = kv_u64(d, "range_bytes");

	return r ? r : cell_u64(d, 0, "vmalloc_total_bytes");
}

int vspace_run_has(const char *dir)
{
	return rundir_exists(dir, "vspace.csv");
}

/* "vmalloc(3M) succeeded 3/3" */
static void outcome(FILE *f, const struct vs_data *d, int p)
{
	char a[32];

	fprintf(f, "vmalloc(%s) %s %s/%s", hb(a, sizeof(a), cell_u64(d, p, "request_bytes")),
		cell_u64(d, p, "successes") ? "succeeded" : "failed",
		cell_u64(d, p, "successes") ? cell(d, p, "successes") : cell(d, p, "attempts"),
		cell(d, p, "attempts"));
}

int vspace_answer_md(FILE *f, const struct run_data *rd)
{
	char a[32], b[32], c[32], e[32];
	const char *kern = rmeta_any(rd, "unknown", "kernel_release", "kernel", NULL);
	const char *reach, *verdict, *param;
	struct vs_data d;

	if (!vspace_run_has(rd->dir))
		return 0;
	vs_load(rd->dir, &d, 0);
	if (!d.have_vs || d.row[0] < 0) {
		vs_free(&d);
		return 0;
	}
	reach = kv(&d, "reachable") ? kv(&d, "reachable") : "unknown";
	verdict = kv(&d, "verdict") ? kv(&d, "verdict") : "unknown";
	param = cell(&d, 0, "vmalloc_param");
	fprintf(f, "**Measured by [vspace] on kernel %s** (%s, %s%s%s): the vmalloc range is **%s** "
		   "(VMALLOC_START %s); its largest free gap was **%s** before. ",
		kern, cell(&d, 0, "kernel_machine"), !strcmp(param, "default") ? "`vmalloc=` not set" : "`vmalloc=",
		!strcmp(param, "default") ? "" : param, !strcmp(param, "default") ? "" : "`",
		hb(a, sizeof(a), range_bytes(&d)), cell(&d, 0, "vmalloc_start"),
		hcell(b, sizeof(b), &d, 0, "largest_gap_bytes"));
	if (!strcmp(reach, "no")) {
		fprintf(f, "Fragmenting it is **not reachable at this scale**: %s. So [vspace] reported the range and "
			   "did not try; here vmalloc fails for memory long before it runs out of addresses. ",
			kv(&d, "reason") ? kv(&d, "reason") : "see vspace-summary.csv");
		vs_free(&d);
		return 1;
	}
	if (d.row[1] < 0) {
		fprintf(f, "The fragmented phase did not run (%s). ",
			kv(&d, "reason") && *kv(&d, "reason") ? kv(&d, "reason") : "see vspace-summary.csv");
		vs_free(&d);
		return 1;
	}
	outcome(f, &d, 0);
	fprintf(f, ". Then %s areas of %s were held with a hole between every %s (vmap() of one page: "
		   "address space, not memory; %s of memory at most): the largest free gap fell to **%s**, with %s of "
		   "the range free in total, and **",
		cell(&d, 1, "held_areas"), hb(a, sizeof(a), kv_u64(&d, "area_bytes")),
		kv(&d, "keep_every") && !strcmp(kv(&d, "keep_every"), "2") ? "two" : kv(&d, "keep_every"),
		hb(b, sizeof(b), kv_u64(&d, "hold_cost_bytes")), hcell(c, sizeof(c), &d, 1, "largest_gap_bytes"),
		hcell(e, sizeof(e), &d, 1, "free_bytes"));
	outcome(f, &d, 1);
	fprintf(f, " while MemFree was %s**", hb(a, sizeof(a), cell_u64(&d, 1, "memfree_bytes")));
	if (cell_u64(&d, 1, "request_bytes"))
		fprintf(f, " (%.0f× the size)",
			(double)cell_u64(&d, 1, "memfree_bytes") / (double)cell_u64(&d, 1, "request_bytes"));
	fprintf(f, ". ");
	if (d.row[2] >= 0) {
		fprintf(f, "Released: the largest gap was **%s** again and ", hcell(a, sizeof(a), &d, 2, "largest_gap_bytes"));
		outcome(f, &d, 2);
		if (kv(&d, "areas_restored"))
			fprintf(f, "; /proc/vmallocinfo %s its starting areas",
				!strcmp(kv(&d, "areas_restored"), "yes") ? "was back to" : "was **not** back to");
		fprintf(f, ". ");
	}
	if (!strcmp(verdict, "shown"))
		fprintf(f, "The failure was address space, not memory: no free range of the size was left. ");
	else
		fprintf(f, "_The experiment did not show the failure as planned (verdict %s): see vspace.csv._ ", verdict);
	if (kv(&d, "wall_s"))
		fprintf(f, "(The three phases took %.2g s.) ", strtod(kv(&d, "wall_s"), NULL));
	vs_free(&d);
	return 1;
}

/* The section "Virtual address space (vspace)": table and chart. */
static void vspace_write_md(FILE *f, const struct run_data *rd, int charts_ok, const char *charts_note)
{
	char a[32], b[32], c[32], e[32];
	struct vs_data d;

	(void)charts_note;	/* a missing chart is left out, not explained */
	if (!vspace_run_has(rd->dir))
		return;
	vs_load(rd->dir, &d, 0);
	if (!d.have_vs) {
		vs_free(&d);
		return;
	}
	fprintf(f, "## Virtual address space (vspace)\n\n");
	report_chart_link(f, rd, charts_ok, "vspace", "free gaps of the vmalloc range per phase");
	fprintf(f, "| phase | largest free gap | free in range | gaps | areas | held by [vspace] | vmalloc | MemFree |\n"
		   "|---|---:|---:|---:|---:|---:|---|---:|\n");
	for (int p = 0; p < 3; p++) {
		if (d.row[p] < 0)
			continue;
		fprintf(f, "| %s | %s | %s | %s | %s | %s | ", phases[p], hcell(a, sizeof(a), &d, p, "largest_gap_bytes"),
			hcell(b, sizeof(b), &d, p, "free_bytes"), *cell(&d, p, "gaps") ? cell(&d, p, "gaps") : "n/a",
			cell(&d, p, "areas"), cell_u64(&d, p, "held_areas") ?
			hb(c, sizeof(c), cell_u64(&d, p, "held_bytes")) : "-");
		if (!strcmp(cell(&d, p, "status"), "not_run"))
			fprintf(f, "not run");
		else
			outcome(f, &d, p);
		fprintf(f, " | %s |\n", hb(e, sizeof(e), cell_u64(&d, p, "memfree_bytes")));
	}
	fprintf(f, "\nvmalloc range %s from %s; reachable: %s (%s).\n\n",
		hb(a, sizeof(a), range_bytes(&d)), cell(&d, 0, "vmalloc_start"),
		kv(&d, "reachable") ? kv(&d, "reachable") : "unknown", kv(&d, "reason") ? kv(&d, "reason") : "");
	vs_free(&d);
}

/* The chart vspace (range map per phase); 1 when it rendered. */
static int vspace_charts_render(const struct run_data *rd, const char *gnuplot, const char *plots,
				const char *datadir, const char *footer, int quiet)
{
	char p[PATH_MAX + 64], script[PATH_MAX + 64], vars[PATH_MAX + 64], log[PATH_MAX + 64];
	char names[64] = "", largest[128] = "", a[32];
	const double mib = 1048576.0;
	struct vs_data d;
	FILE *v, *dat;
	int lanes = 0;

	(void)quiet;
	if (!vspace_run_has(rd->dir))
		return 0;
	vs_load(rd->dir, &d, 1);
	/* A map only where the range was fragmented: 32 TiB of one gap says nothing drawn. */
	if (!d.have_vs || !d.have_gaps || d.row[1] < 0) {
		vs_free(&d);
		return 0;
	}
	snprintf(p, sizeof(p), "%s/vspace.dat", datadir);
	dat = fopen(p, "w");
	if (!dat) {
		vs_free(&d);
		return 0;
	}
	for (int ph = 0; ph < 3; ph++) {
		if (d.row[ph] < 0)
			continue;
		fprintf(dat, "# %s\n", phases[ph]);
		for (size_t r = 0; r < d.gaps.nrows; r++) {
			if (strcmp(csv_cell(&d.gaps, r, "phase"), phases[ph]))
				continue;
			fprintf(dat, "%d %.6f %.6f\n", lanes, (double)csv_cell_u64(&d.gaps, r, "gap_offset_bytes") / mib,
				(double)(csv_cell_u64(&d.gaps, r, "gap_offset_bytes") +
					 csv_cell_u64(&d.gaps, r, "gap_bytes")) / mib);
		}
		fprintf(dat, "\n\n");
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", lanes ? " " : "", phases[ph]);
		snprintf(largest + strlen(largest), sizeof(largest) - strlen(largest), "%s%s", lanes ? " " : "",
			 hcell(a, sizeof(a), &d, ph, "largest_gap_bytes"));
		lanes++;
	}
	fclose(dat);
	snprintf(vars, sizeof(vars), "%s/vspace.vars.gp", datadir);
	v = fopen(vars, "w");
	if (!v) {
		vs_free(&d);
		return 0;
	}
	fprintf(v, "# Variables for plots/vspace.gp, written by `allocbench report`.\n");
	gp_set_str(v, "FOOTER", footer);
	fprintf(v, "EMULATED = %d\n", run_emulated(rd));
	fprintf(v, "DATA = \"vspace.dat\"\nOUT = \"../vspace\"\n");
	gp_allocators(v);
	gp_set_str(v, "PHASES", names);
	gp_set_str(v, "LARGEST", largest);
	fprintf(v, "TOTAL_MIB = %.6f\n", (double)range_bytes(&d) / mib);
	fprintf(v, "FAIL_MIB = %.6f\n", (double)cell_u64(&d, 1, "request_bytes") / mib);
	gp_set_str(v, "FAIL_STATUS", cell(&d, 1, "status"));
	gp_set_str(v, "MEMFREE", hb(a, sizeof(a), cell_u64(&d, 1, "memfree_bytes")));
	gp_set_str(v, "KERNEL", rmeta_any(rd, "unknown", "kernel_release", "kernel", NULL));
	fclose(v);
	vs_free(&d);
	snprintf(script, sizeof(script), "%s/vspace.gp", plots);
	snprintf(log, sizeof(log), "%s/vspace.log", datadir);
	return gp_render(gnuplot, script, vars, log, "vspace");
}

static const char *const vspace_files[] = { "vspace.csv", NULL };

const struct report_part report_part_vspace = {
	.name = "vspace",
	.files = vspace_files,
	.write_md = vspace_write_md,
	.render_charts = vspace_charts_render,
};
