// SPDX-License-Identifier: GPL-2.0
/*
 * Report part of the [scale] kind, all from DIR/scale.csv (optional) and
 * meta.csv: the section "Many CPUs at once (scale)" with the scaling table
 * (efficiency against the 1-thread row of the same allocator, size and
 * pattern), the terminal summary line, and the charts scale-ops-PATTERN,
 * scale-p99-PATTERN and scale-eff-PATTERN (plots/scale.gp). Rows with more
 * threads than the machine that ran the guest has cores (meta host_cores)
 * are marked as not scaling data and left out of the charts.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv.h"
#include "gnuplot.h"
#include "report.h"
#include "report_parts.h"
#include "rundir.h"
#include "scale_calc.h"
#include "util.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

/* One point (allocator, size, pattern, threads), its repeats averaged. */
struct sc_pt {
	char alloc[32], pattern[16], status[16], reason[160];
	uint64_t size;
	unsigned threads;
	int measured;			/* repeats with figures */
	double ops, tmean, tmin, tmax, ratio, cv, p50, p99;
	uint64_t failures, remote, local;
	double eff;			/* NAN without a measured 1-thread point */
	int beyond;			/* more threads than host cores: not scaling data */
};

struct sc_data {
	struct sc_pt *v;
	size_t n;
	unsigned host_cores;		/* 0: unknown */
	int emulated;
};

static double cell_d(const struct csv_table *t, size_t r, const char *c)
{
	return parse_double_c(csv_cell(t, r, c));
}

/* Adds a repeat's figures to p (a running mean over the measured repeats). */
static void sc_add(struct sc_pt *p, const struct csv_table *t, size_t r)
{
	double *dst[] = { &p->ops, &p->tmean, &p->tmin, &p->tmax, &p->ratio, &p->cv, &p->p50, &p->p99 };
	static const char *const cols[] = {
		"total_ops_per_s", "thread_ops_per_s_mean", "thread_ops_per_s_min", "thread_ops_per_s_max",
		"fairness_min_max_ratio", "fairness_cv_pct", "p50_ns", "p99_ns",
	};
	int k = p->measured;

	if (!isfinite(cell_d(t, r, "total_ops_per_s")))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(cols); i++) {
		double x = cell_d(t, r, cols[i]);

		*dst[i] = k ? (isfinite(*dst[i]) && isfinite(x) ? (*dst[i] * k + x) / (k + 1) : NAN) : x;
	}
	p->failures += csv_cell_u64(t, r, "failures");
	p->remote += csv_cell_u64(t, r, "remote_frees");
	p->local += csv_cell_u64(t, r, "local_frees");
	p->measured++;
}

static struct sc_pt *sc_find(struct sc_data *d, const char *a, uint64_t size, const char *pat, unsigned th)
{
	for (size_t i = d->n; i-- > 0;)
		if (d->v[i].size == size && d->v[i].threads == th && !strcmp(d->v[i].alloc, a) &&
		    !strcmp(d->v[i].pattern, pat))
			return &d->v[i];
	return NULL;
}

static struct sc_pt *sc_new(struct sc_data *d, const struct csv_table *t, size_t r)
{
	struct sc_pt *nv = realloc(d->v, (d->n + 1) * sizeof(*nv)), *p;

	if (!nv)
		return NULL;
	d->v = nv;
	p = &d->v[d->n++];
	memset(p, 0, sizeof(*p));
	snprintf(p->alloc, sizeof(p->alloc), "%s", csv_cell(t, r, "allocator"));
	snprintf(p->pattern, sizeof(p->pattern), "%s", csv_cell(t, r, "pattern"));
	snprintf(p->status, sizeof(p->status), "%s", csv_cell(t, r, "status"));
	snprintf(p->reason, sizeof(p->reason), "%s", csv_cell(t, r, "reason"));
	p->size = csv_cell_u64(t, r, "size_bytes");
	p->threads = (unsigned)csv_cell_u64(t, r, "threads");
	p->ops = p->p99 = p->eff = NAN;
	return p;
}

static unsigned host_cores(const struct run_data *rd)
{
	const char *target = rmeta_get(rd, "target");
	uint64_t v;

	if (!rmeta_u64(rd, "host_cores", &v) && v)
		return (unsigned)v;
	if (target && !strcmp(target, "host") && !rmeta_u64(rd, "cpu_count", &v))
		return (unsigned)v;
	return 0;
}

/* Reads scale.csv into points. 1 with points, 0 without (d empty). */
static int sc_load(const struct run_data *rd, struct sc_data *d)
{
	struct csv_table t;

	memset(d, 0, sizeof(*d));
	if (!rundir_load_optional(rd->dir, "scale.csv", &t))
		return 0;
	d->host_cores = host_cores(rd);
	d->emulated = run_emulated(rd);
	for (size_t r = 0; r < t.nrows; r++) {
		const char *a = csv_cell(&t, r, "allocator"), *pat = csv_cell(&t, r, "pattern");
		uint64_t size = csv_cell_u64(&t, r, "size_bytes");
		unsigned th = (unsigned)csv_cell_u64(&t, r, "threads");
		struct sc_pt *p = sc_find(d, a, size, pat, th);

		if (!p && !(p = sc_new(d, &t, r)))
			break;
		if (!p->measured && isfinite(cell_d(&t, r, "total_ops_per_s")))
			snprintf(p->status, sizeof(p->status), "%s", csv_cell(&t, r, "status"));
		sc_add(p, &t, r);
	}
	csv_free(&t);
	for (size_t i = 0; i < d->n; i++) {
		struct sc_pt *p = &d->v[i], *one = sc_find(d, p->alloc, p->size, p->pattern, 1);

		p->eff = one ? scale_efficiency(p->ops, p->threads, one->ops) : NAN;
		p->beyond = d->host_cores && p->threads > d->host_cores;
	}
	return d->n > 0;
}

static void sc_free(struct sc_data *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* 1234567 -> "1.23M" */
static void fmt_rate(char *buf, size_t len, double v)
{
	if (!isfinite(v))
		snprintf(buf, len, "-");
	else if (v >= 1e9)
		snprintf(buf, len, "%.3gG", v / 1e9);
	else if (v >= 1e6)
		snprintf(buf, len, "%.3gM", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, len, "%.3gk", v / 1e3);
	else
		snprintf(buf, len, "%.3g", v);
}

/* v with the given decimals, "-" when not finite. */
static void fmt_num(char *buf, size_t len, int decimals, double v)
{
	if (isfinite(v))
		snprintf(buf, len, "%.*f", decimals, v);
	else
		snprintf(buf, len, "-");
}

/* What the machine could run in parallel, and what that means for the figures. */
static void md_parallel(FILE *f, const struct run_data *rd, const struct sc_data *d)
{
	const char *target = rmeta_any(rd, "unknown", "target", NULL);
	const char *cpus = rmeta_any(rd, "unknown", "cpu_count", NULL);
	int vm = !strcmp(target, "vm");

	fprintf(f, "Workers: one kernel thread bound to each of the first N online CPUs, started together, "
		   "each running its pattern for the time budget (`pair`: allocate and free; `burst`: "
		   "allocate a burst, then free it; `remote_free`: CPU i allocates, CPU i+1 frees through "
		   "a ring). One operation in `sample_every` is timed. Efficiency = ops/s at N ÷ (N × ops/s "
		   "at 1 thread) of the same allocator, size and pattern: 1 is linear scaling.\n\n");
	fprintf(f, "CPUs online where the module ran: %s%s%s%s; host cores: ", cpus,
		vm ? " (guest vCPUs, `[run] smp` = " : "", vm ? rmeta_any(rd, "?", "config_smp", NULL) : "",
		vm ? ")" : "");
	if (d->host_cores)
		fprintf(f, "%u.\n\n", d->host_cores);
	else
		fprintf(f, "unknown (meta.csv has no host_cores).\n\n");
	if (vm)
		fprintf(f, "> **vCPUs are host threads.** %s at most as many vCPUs as the host has cores "
			   "(%u here) run really in parallel: on this project's 2-core machines that is 2. "
			   "More vCPUs than host cores take turns on them, and their figures measure the "
			   "host's scheduler, not the allocator: rows with more threads than host cores are "
			   "marked † as **not scaling data** and are left out of the charts.%s\n\n",
			d->emulated ? "Under TCG, QEMU's multi-threaded TCG (MTTCG) runs each vCPU on its own "
				      "host thread, so" : "So", d->host_cores,
			d->emulated ? " Emulated figures show how contention between two CPUs shapes each "
				      "allocator (shared locks, per-CPU refills, remote frees) relative to its own "
				      "1-thread figure; they cannot show hardware ops/s, cache-line transfer costs "
				      "between real cores, or scaling beyond 2 CPUs." : "");
	else if (d->host_cores)
		fprintf(f, "Rows with more threads than cores (marked †) are not scaling data.\n\n");
}

static void md_row(FILE *f, const struct sc_pt *p)
{
	char ops[24], tm[24], tmin[24], tmax[24], ratio[16], cv[16], p50[24], p99[24], eff[16], sz[32];

	fmt_bytes(sz, sizeof(sz), p->size);
	if (!p->measured) {
		fprintf(f, "| %s | %s | %s | %u%s | — | — | — | — | — | — | — | — | — | — | %s%s%s |\n",
			p->alloc, sz, p->pattern, p->threads, p->beyond ? " †" : "", p->status,
			*p->reason ? ": " : "", p->reason);
		return;
	}
	fmt_rate(ops, sizeof(ops), p->ops);
	fmt_rate(tm, sizeof(tm), p->tmean);
	fmt_rate(tmin, sizeof(tmin), p->tmin);
	fmt_rate(tmax, sizeof(tmax), p->tmax);
	fmt_num(ratio, sizeof(ratio), 2, p->ratio);
	fmt_num(cv, sizeof(cv), 1, p->cv);
	fmt_ns(p50, sizeof(p50), p->p50);
	fmt_ns(p99, sizeof(p99), p->p99);
	fmt_num(eff, sizeof(eff), 2, p->eff);
	fprintf(f, "| %s | %s | %s | %u%s | %s | %s (%s–%s) | %s | %s | %s | %s | %s | %" PRIu64 " | %" PRIu64
		   " | %" PRIu64 " | %s%s |\n", p->alloc, sz, p->pattern, p->threads, p->beyond ? " †" : "",
		ops, tm, tmin, tmax, ratio, cv, p50, p99, eff, p->failures, p->remote, p->local, p->status,
		p->beyond ? ", not scaling data" : "");
}

static void md_charts(FILE *f, const struct run_data *rd, const struct sc_data *d, int charts_ok)
{
	static const char *const pats[] = { "pair", "burst", "remote_free" };
	static const char *const kinds[][2] = {
		{ "ops", "total ops/s" }, { "p99", "p99 latency" }, { "eff", "scaling efficiency" },
	};
	char p[PATH_MAX + 64];
	int any = 0;

	(void)d;
	for (size_t i = 0; charts_ok && i < ARRAY_SIZE(pats); i++)
		for (size_t k = 0; k < ARRAY_SIZE(kinds); k++) {
			snprintf(p, sizeof(p), "%s/charts/scale-%s-%s.svg", rd->dir, kinds[k][0], pats[i]);
			if (access(p, R_OK))
				continue;
			fprintf(f, "![%s vs threads, %s](charts/scale-%s-%s.svg)\n", kinds[k][1], pats[i],
				kinds[k][0], pats[i]);
			any = 1;
		}
	fprintf(f, any ? "\n" : "_Scale charts not rendered._\n\n");
}

/*
 * remote_free rows where most frees stayed local: the next worker's ring was
 * full, i.e. that CPU was not running beside the allocating one.
 */
static void md_remote_share(FILE *f, const struct sc_data *d)
{
	char sz[32];
	int n = 0;

	for (size_t i = 0; i < d->n; i++) {
		const struct sc_pt *p = &d->v[i];
		uint64_t all = p->remote + p->local;

		if (strcmp(p->pattern, "remote_free") || p->threads < 2 || !p->measured || !all ||
		    p->remote * 2 >= all)
			continue;
		fmt_bytes(sz, sizeof(sz), p->size);
		fprintf(f, "%s%s/%s × %u: %.1f %%", n++ ? ", " : "**Mostly local frees in remote_free** (share of "
			"frees made by another CPU than the allocating one): ", p->alloc, sz, p->threads,
			(double)p->remote * 100.0 / (double)all);
	}
	if (n)
		fprintf(f, ". A worker frees its own object when the next worker's ring is still full after "
			   "it drained its own, i.e. when the next CPU is not running beside it: vCPUs or "
			   "threads taking turns on fewer real cores. These rows measure mostly local frees.\n\n");
}

/* The host's load when the run started, when it says the vCPUs were not alone. */
static void md_host_load(FILE *f, const struct run_data *rd, const struct sc_data *d)
{
	double load = parse_double_c(rmeta_any(rd, "", "host_loadavg", NULL));

	size_t idle = 0;

	for (size_t i = 0; i < d->n; i++)
		idle += d->v[i].measured && d->v[i].threads > 1 && d->v[i].tmin == 0;
	if (idle)
		fprintf(f, "> **%zu point%s had a worker that made no operation** in its time budget "
			   "(min/max 0): its CPU did not run it before the deadline, a starved vCPU or a "
			   "busy CPU. `scale-threads.csv` has each worker's figures.\n\n", idle, idle > 1 ? "s" : "");
	if (isfinite(load) && d->host_cores && load > 0.5 * d->host_cores)
		fprintf(f, "> **The host was busy:** load average %.1f on %u cores when the run started. "
			   "Workers (vCPUs) shared the cores with other work, so the spread between threads and "
			   "the efficiencies above 1 thread say more about that than about the allocators.\n\n",
			load, d->host_cores);
}

/* The section "Many CPUs at once (scale)"; nothing without scale.csv. */
static void scale_write_md(FILE *f, const struct run_data *rd, int charts_ok, const char *charts_note)
{
	struct sc_data d;

	(void)charts_note;	/* a missing chart is left out, not explained */
	if (!sc_load(rd, &d))
		return;
	fprintf(f, "## Many CPUs at once (scale)\n\n");
	md_parallel(f, rd, &d);
	md_host_load(f, rd, &d);
	md_charts(f, rd, &d, charts_ok);
	fputs("| allocator | size | pattern | threads | ops/s | per thread: mean (min–max) | "
		   "min/max | CV % | p50 | p99 | efficiency | failures | remote frees | local frees | status |\n"
		   "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n", f);
	for (size_t i = 0; i < d.n; i++)
		md_row(f, &d.v[i]);
	fprintf(f, "\nops/s: all workers' operations over the longest worker's time (a pair counts once); "
		   "per thread: each worker's own rate; min/max and CV: the spread between threads "
		   "(1 and 0 %% are perfectly even); p50/p99: per sampled operation, the timer's own overhead "
		   "subtracted. Per-worker figures: `scale-threads.csv`; every sampled tick: "
		   "`scale-samples.csv.gz`.\n\n");
	md_remote_share(f, &d);
	sc_free(&d);
}

/* The largest thread count above 1 that is scaling data, or 0. */
static unsigned summary_threads(const struct sc_data *d, uint64_t *size)
{
	unsigned t = 0;

	*size = UINT64_MAX;
	for (size_t i = 0; i < d->n; i++) {
		const struct sc_pt *p = &d->v[i];

		if (p->measured && p->size < *size)
			*size = p->size;
		if (p->measured && !p->beyond && p->threads > 1 && isfinite(p->eff) && p->threads > t)
			t = p->threads;
	}
	return t;
}

/* One line "scale: ..." for the terminal summary; nothing without scale.csv. */
static void scale_summary_print(FILE *out, const struct run_data *rd, int width)
{
	static const char *const pats[] = { "pair", "burst", "remote_free" };
	struct sc_data d;
	uint64_t size;
	unsigned t;
	char sz[32];

	(void)width;	/* one short line */
	if (!sc_load(rd, &d))
		return;
	t = summary_threads(&d, &size);
	if (!t) {
		fprintf(out, "\nscale: %zu points, no efficiency to show: none above 1 thread both measured and "
			"within the host's cores (%u)\n", d.n, d.host_cores);
		sc_free(&d);
		return;
	}
	fmt_bytes(sz, sizeof(sz), size);
	fprintf(out, "\nscale: efficiency at %u threads, size %s (1 = linear)", t, sz);
	for (size_t k = 0; k < ARRAY_SIZE(pats); k++) {
		int first = 1;

		for (size_t i = 0; i < d.n; i++) {
			const struct sc_pt *p = &d.v[i];

			if (p->threads != t || p->size != size || strcmp(p->pattern, pats[k]) || !isfinite(p->eff))
				continue;
			if (first)
				fprintf(out, "%s%s:", k ? " | " : "; ", pats[k]);
			fprintf(out, " %s %.2f", p->alloc, p->eff);
			first = 0;
		}
	}
	fprintf(out, "%s\n", d.emulated ? "; emulated: shapes, not hardware figures" : "");
	sc_free(&d);
}

/* One value of a data row; "?" (gnuplot's missing value) when not finite. */
static void put_val(FILE *dat, double v)
{
	if (isfinite(v))
		fprintf(dat, " %.6g", v);
	else
		fprintf(dat, " ?");
}

/* How many distinct sizes of the run are below size: its dash type on the charts. */
static unsigned size_rank(const struct sc_data *d, uint64_t size)
{
	uint64_t seen[64];
	unsigned n = 0, below = 0;

	for (size_t i = 0; i < d->n && n < ARRAY_SIZE(seen); i++) {
		unsigned k = 0;

		while (k < n && seen[k] != d->v[i].size)
			k++;
		if (k == n) {
			seen[n++] = d->v[i].size;
			below += d->v[i].size < size;
		}
	}
	return below;
}

/* DATA: one block per allocator and size of the pattern, "threads ops_per_s p99_ns efficiency". */
static int write_dat(const struct sc_data *d, const char *pattern, const char *path, char *allocs,
		     char *labels, char *dashes, size_t len, unsigned *xmax)
{
	FILE *dat = fopen(path, "w");
	char last[64] = "", key[64], sz[32];
	int blocks = 0;

	if (!dat)
		return -1;
	for (size_t i = 0; i < d->n; i++) {
		const struct sc_pt *p = &d->v[i];

		if (strcmp(p->pattern, pattern) || !p->measured || p->beyond || !isfinite(p->ops))
			continue;
		snprintf(key, sizeof(key), "%s/%" PRIu64, p->alloc, p->size);
		if (strcmp(key, last)) {
			fprintf(dat, blocks ? "\n\n" : "");
			blocks++;
			snprintf(last, sizeof(last), "%s", key);
			fmt_bytes(sz, sizeof(sz), p->size);
			snprintf(allocs + strlen(allocs), len - strlen(allocs), "%s%s", blocks > 1 ? " " : "", p->alloc);
			snprintf(labels + strlen(labels), len - strlen(labels), "%s%s/%s", blocks > 1 ? " " : "",
				 p->alloc, sz);
			snprintf(dashes + strlen(dashes), len - strlen(dashes), "%s%d", blocks > 1 ? " " : "",
				 size_rank(d, p->size) % 5 + 1);
		}
		if (p->threads > *xmax)
			*xmax = p->threads;
		fprintf(dat, "%u", p->threads);
		put_val(dat, p->ops);
		put_val(dat, p->p99);
		put_val(dat, p->eff);
		fprintf(dat, "\n");
	}
	fclose(dat);
	return blocks;
}

/* The three charts of one pattern; how many rendered. */
static int chart_pattern(const struct run_data *rd, const struct sc_data *d, const char *pattern,
			 const char *gnuplot, const char *plots, const char *datadir, const char *footer)
{
	static const char *const metrics[] = { "ops", "p99", "eff" };
	char dat[PATH_MAX + 64], allocs[1024] = "", labels[1024] = "", dashes[256] = "";
	char name[64], vars[PATH_MAX + 128], script[PATH_MAX + 64], log[PATH_MAX + 128], note[256];
	unsigned xmax = 1;
	int blocks, n = 0;

	snprintf(dat, sizeof(dat), "%s/scale-%s.dat", datadir, pattern);
	blocks = write_dat(d, pattern, dat, allocs, labels, dashes, sizeof(dashes), &xmax);
	if (blocks <= 0)
		return 0;
	if (d->host_cores)
		snprintf(note, sizeof(note), "%s; rows with more threads than the %u host cores left out",
			 d->emulated ? "vCPUs are host threads (MTTCG)" : "threads bound one per CPU", d->host_cores);
	else
		snprintf(note, sizeof(note), "host cores unknown");
	snprintf(script, sizeof(script), "%s/scale.gp", plots);
	for (size_t m = 0; m < ARRAY_SIZE(metrics); m++) {
		FILE *v;

		snprintf(name, sizeof(name), "scale-%s-%s", metrics[m], pattern);
		snprintf(vars, sizeof(vars), "%s/%s.vars.gp", datadir, name);
		snprintf(log, sizeof(log), "%s/%s.log", datadir, name);
		v = fopen(vars, "w");
		if (!v)
			continue;
		fprintf(v, "# Variables for plots/scale.gp, written by `allocbench report`.\n");
		gp_set_str(v, "FOOTER", footer);
		fprintf(v, "EMULATED = %d\nDATA = \"scale-%s.dat\"\nOUT = \"../%s\"\nXMAX = %u\n",
			run_emulated(rd), pattern, name, xmax);
		gp_set_str(v, "METRIC", metrics[m]);
		gp_set_str(v, "PATTERN", pattern);
		gp_set_str(v, "NOTE", note);
		gp_set_str(v, "ALLOCS", allocs);
		gp_set_str(v, "LABELS", labels);
		gp_set_str(v, "DASHES", dashes);
		gp_allocators(v);
		fclose(v);
		n += gp_render(gnuplot, script, vars, log, name);
	}
	return n;
}

/* The scale charts; how many rendered. */
static int scale_charts_render(const struct run_data *rd, const char *gnuplot, const char *plots,
			       const char *datadir, const char *footer, int quiet)
{
	static const char *const pats[] = { "pair", "burst", "remote_free" };
	struct sc_data d;
	int n = 0;

	(void)quiet;
	if (!sc_load(rd, &d))
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(pats); i++)
		n += chart_pattern(rd, &d, pats[i], gnuplot, plots, datadir, footer);
	sc_free(&d);
	return n;
}

static const char *const scale_files[] = { "scale.csv", NULL };

const struct report_part report_part_scale = {
	.name = "scale",
	.files = scale_files,
	.write_md = scale_write_md,
	.render_charts = scale_charts_render,
	.print_summary = scale_summary_print,
};
