// SPDX-License-Identifier: GPL-2.0
/*
 * Report part of the limits and fragmentation experiments: the charts
 * limits, frag-success, buddyinfo and overhead, and the report.md section
 * "Answers". All read DIR/probe.csv, limits.csv, vmalloc.csv, frag.csv,
 * buddyinfo.csv, frag-summary.csv and overhead.csv, each optional; the
 * answer on vmalloc failing also quotes the [vspace] figures
 * (report_vspace.c). Every figure in "Answers" is read from this run's CSV
 * files; a paragraph whose data are missing says so instead of guessing.
 */
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv.h"
#include "gnuplot.h"
#include "report_parts.h"
#include "report_vspace.h"
#include "rundir.h"
#include "util.h"

struct lim_data {
	struct csv_table probe, limits, vm, frag, bi, fsum, ovh;
	int have_probe, have_limits, have_vm, have_frag, have_bi, have_fsum, have_ovh;
};

static void lim_load(const char *dir, struct lim_data *d)
{
	memset(d, 0, sizeof(*d));
	d->have_probe = rundir_load_optional(dir, "probe.csv", &d->probe);
	d->have_limits = rundir_load_optional(dir, "limits.csv", &d->limits);
	d->have_vm = rundir_load_optional(dir, "vmalloc.csv", &d->vm);
	d->have_frag = rundir_load_optional(dir, "frag.csv", &d->frag);
	d->have_bi = rundir_load_optional(dir, "buddyinfo.csv", &d->bi);
	d->have_fsum = rundir_load_optional(dir, "frag-summary.csv", &d->fsum);
	d->have_ovh = rundir_load_optional(dir, "overhead.csv", &d->ovh);
}

static void lim_free(struct lim_data *d)
{
	if (d->have_probe)
		csv_free(&d->probe);
	if (d->have_limits)
		csv_free(&d->limits);
	if (d->have_vm)
		csv_free(&d->vm);
	if (d->have_frag)
		csv_free(&d->frag);
	if (d->have_bi)
		csv_free(&d->bi);
	if (d->have_fsum)
		csv_free(&d->fsum);
	if (d->have_ovh)
		csv_free(&d->ovh);
}

/* key,value tables */
/* limits.csv: bytes (or value) of a name */
static uint64_t lim_get(const struct lim_data *d, const char *name, const char *col)
{
	if (!d->have_limits)
		return 0;
	for (size_t r = 0; r < d->limits.nrows; r++)
		if (!strcmp(csv_cell(&d->limits, r, "name"), name))
			return csv_cell_u64(&d->limits, r, col);
	return 0;
}

static int probe_row(const struct lim_data *d, const char *alloc)
{
	if (!d->have_probe)
		return -1;
	for (size_t r = 0; r < d->probe.nrows; r++)
		if (!strcmp(csv_cell(&d->probe, r, "allocator"), alloc))
			return (int)r;
	return -1;
}

/* Sizes in prose: exact where that is short (4M, 8328), else three
 * significant figures (32.0T rather than 34359726092K). */
static void hb(char *buf, size_t len, uint64_t b)
{
	static const char suf[] = "KMGTPE";
	double d = (double)b;
	int i = -1;

	fmt_bytes(buf, len, b);
	if (strlen(buf) <= 6)
		return;
	while (d >= 1024 && i < 5) {
		d /= 1024;
		i++;
	}
	snprintf(buf, len, d >= 100 ? "%.0f%c" : d >= 10 ? "%.1f%c" : "%.2f%c", d, suf[i]);
}

/* A CSV number in prose with a few decimals (none from 100 up); the cell itself if not a number. */
static const char *num(char *buf, size_t len, const char *cellv, int decimals)
{
	char *end;
	double v;

	if (!cellv || !*cellv)
		return "n/a";
	v = strtod(cellv, &end);
	if (*end)
		return cellv;
	snprintf(buf, len, "%.*f", v >= 100 || v <= -100 ? 0 : decimals, v);
	return buf;
}

static unsigned log2u(uint64_t v)
{
	unsigned o = 0;

	while (v > 1) {
		v >>= 1;
		o++;
	}
	return o;
}

/* frag.csv: successes and attempts over rows matching */
struct tally {
	uint64_t att, ok, fb;
	double p50;	/* of the single matching row, or NAN */
};

static struct tally frag_tally(const struct lim_data *d, const char *phase, const char *alloc,
			       const char *gfp, unsigned min_order, unsigned max_order, uint64_t size)
{
	struct tally t = { 0, 0, 0, NAN };
	unsigned rows = 0;

	for (size_t r = 0; d->have_frag && r < d->frag.nrows; r++) {
		unsigned o = (unsigned)csv_cell_u64(&d->frag, r, "order");

		if (strcmp(csv_cell(&d->frag, r, "phase"), phase) || strcmp(csv_cell(&d->frag, r, "allocator"), alloc) ||
		    strcmp(csv_cell(&d->frag, r, "gfp"), gfp))
			continue;
		if (size ? csv_cell_u64(&d->frag, r, "size_bytes") != size : (o < min_order || o > max_order))
			continue;
		t.att += csv_cell_u64(&d->frag, r, "attempts");
		t.ok += csv_cell_u64(&d->frag, r, "successes");
		t.fb += csv_cell_u64(&d->frag, r, "fallbacks");
		t.p50 = parse_double_c(csv_cell(&d->frag, r, "p50_ns"));
		rows++;
	}
	if (rows != 1)
		t.p50 = NAN;
	return t;
}

/* Largest order of alloc_pages that succeeded at least once in a phase, -1 if none. */
static int frag_largest_order(const struct lim_data *d, const char *phase, const char *gfp)
{
	int best = -1;

	for (size_t r = 0; d->have_frag && r < d->frag.nrows; r++)
		if (!strcmp(csv_cell(&d->frag, r, "phase"), phase) &&
		    !strcmp(csv_cell(&d->frag, r, "allocator"), "alloc_pages") &&
		    !strcmp(csv_cell(&d->frag, r, "gfp"), gfp) && csv_cell_u64(&d->frag, r, "successes") > 0 &&
		    (int)csv_cell_u64(&d->frag, r, "order") > best)
			best = (int)csv_cell_u64(&d->frag, r, "order");
	return best;
}

/*
 * The "no compaction" series: gfp nowait when the run measured it, else the
 * older noretry series (which still runs one light compaction pass).
 */
static const char *frag_nc_gfp(const struct lim_data *d)
{
	for (size_t r = 0; d->have_frag && r < d->frag.nrows; r++)
		if (!strcmp(csv_cell(&d->frag, r, "gfp"), "nowait"))
			return "nowait";
	return "noretry";
}

static uint64_t frag_largest_size(const struct lim_data *d, const char *alloc)
{
	uint64_t best = 0;

	for (size_t r = 0; d->have_frag && r < d->frag.nrows; r++)
		if (!strcmp(csv_cell(&d->frag, r, "allocator"), alloc) && csv_cell_u64(&d->frag, r, "size_bytes") > best)
			best = csv_cell_u64(&d->frag, r, "size_bytes");
	return best;
}

static void q_kmalloc(FILE *f, const struct lim_data *d)
{
	char a[32], b[32], c[32], e[32];
	int k = probe_row(d, "kmalloc"), p = probe_row(d, "alloc_pages");
	uint64_t kmax = lim_get(d, "kmalloc_max_size", "bytes");
	uint64_t ps = lim_get(d, "page_size", "bytes");
	uint64_t maxo = lim_get(d, "max_order", "value"), formula = lim_get(d, "formula_2pow_max_order_x_page_size", "bytes");
	uint64_t cst = lim_get(d, "formula_2pow_max_order_x_page_size", "value");
	const char *kind = "";

	fprintf(f, "**What is the largest block kmalloc can return, and why?** ");
	if (k < 0 || !d->have_limits) {
		fprintf(f, "_Not measured in this run: add a [probe] section (configs/limits.conf)._\n\n");
		return;
	}
	for (size_t r = 0; r < d->limits.nrows; r++)
		if (!strcmp(csv_cell(&d->limits, r, "name"), "formula_2pow_max_order_x_page_size"))
			kind = csv_cell(&d->limits, r, "note");
	hb(a, sizeof(a), csv_cell_u64(&d->probe, (size_t)k, "largest_ok_bytes"));
	fprintf(f, "Here kmalloc served up to **%s (%s bytes)** and failed at %s bytes (%s real attempts, gfp %s); "
		   "KMALLOC_MAX_SIZE on this kernel is %" PRIu64 " bytes, so the measured limit %s it. ",
		a, csv_cell(&d->probe, (size_t)k, "largest_ok_bytes"), csv_cell(&d->probe, (size_t)k, "first_fail_bytes"),
		csv_cell(&d->probe, (size_t)k, "attempts"), csv_cell(&d->probe, (size_t)k, "gfp"), kmax,
		csv_cell_u64(&d->probe, (size_t)k, "largest_ok_bytes") == kmax ? "is exactly" : "differs from");
	hb(b, sizeof(b), lim_get(d, "kmalloc_max_cache_size", "bytes"));
	fprintf(f, "Above KMALLOC_MAX_CACHE_SIZE (%s) kmalloc takes one block of order get_order(size) from the buddy "
		   "allocator, so its ceiling is the largest buddy block", b);
	if (p >= 0) {
		uint64_t pb = csv_cell_u64(&d->probe, (size_t)p, "largest_ok_bytes");

		hb(c, sizeof(c), pb);
		fprintf(f, ": alloc_pages served up to %s = order %u (status %s), and the kernel's largest order is %" PRIu64,
			c, ps && pb ? log2u(pb / ps) : 0, csv_cell(&d->probe, (size_t)p, "status"), maxo);
	}
	hb(e, sizeof(e), formula);
	hb(c, sizeof(c), ps << maxo);
	fprintf(f, ". The folk formula 2^MAX_ORDER × PAGE_SIZE evaluated with this kernel's constant (%" PRIu64
		   ") gives **%s** against a real largest block of **%s**: %s.\n\n", cst, e, c,
		formula == (ps << maxo) ? "they match, because the constant is inclusive on this kernel (MAX_PAGE_ORDER since 6.8, inclusive MAX_ORDER since 6.4)" :
		"off by one order, because before 6.4 MAX_ORDER was exclusive (orders 0..MAX_ORDER-1)");
	(void)kind;
}

static void q_frag(FILE *f, const struct lim_data *d)
{
	char a[32], b[32], c[32], e[32], g[32], h[32], nbuf[32];
	uint64_t ko, held, mf0, mf1, hi0, hi1, ksz;
	struct tally t0, t1, k0, k1, kk0, kk1;
	const char *nc = frag_nc_gfp(d);
	int lo0, lo1;

	fprintf(f, "**Why do large kmalloc calls fail on a machine that has been running a while, even with plenty "
		   "of free memory?** ");
	if (!d->have_frag || !d->have_fsum || !csv_kv(&d->fsum, "held_pages") || csv_kv_u64(&d->fsum, "held_pages") == 0) {
		fprintf(f, "_Not measured in this run: add a [frag] section (configs/frag.conf)._\n\n");
		return;
	}
	ko = csv_kv_u64(&d->fsum, "keep_order");
	held = csv_kv_u64(&d->fsum, "held_bytes");
	mf0 = csv_kv_u64(&d->fsum, "memfree_before_bytes");
	mf1 = csv_kv_u64(&d->fsum, "memfree_fragmented_bytes");
	hi0 = csv_kv_u64(&d->fsum, "highorder_free_before_bytes");
	hi1 = csv_kv_u64(&d->fsum, "highorder_free_fragmented_bytes");
	hb(a, sizeof(a), held);
	hb(b, sizeof(b), mf0);
	hb(c, sizeof(c), mf1);
	hb(e, sizeof(e), hi0);
	hb(g, sizeof(g), hi1);
	fprintf(f, "Fragmentation, measured: pinning one page in every %u (%s held in all) left MemFree at **%s** "
		   "(%s before), but free memory in blocks of order ≥ %" PRIu64 " fell from %s to **%s**. ",
		1U << ko, a, c, b, ko, e, g);
	t0 = frag_tally(d, "before", "alloc_pages", nc, 8, 99, 0);
	t1 = frag_tally(d, "fragmented", "alloc_pages", nc, 8, 99, 0);
	lo0 = frag_largest_order(d, "before", nc);
	lo1 = frag_largest_order(d, "fragmented", nc);
	fprintf(f, "alloc_pages at orders ≥ 8 (gfp %s) succeeded %" PRIu64 "/%" PRIu64 " times before and **%" PRIu64
		   "/%" PRIu64 "** fragmented; the largest order that still succeeded went from %d to %d. ",
		nc, t0.ok, t0.att, t1.ok, t1.att, lo0, lo1);
	ksz = frag_largest_size(d, "kmalloc");
	if (ksz) {
		k0 = frag_tally(d, "before", "kmalloc", nc, 0, 0, ksz);
		k1 = frag_tally(d, "fragmented", "kmalloc", nc, 0, 0, ksz);
		hb(h, sizeof(h), ksz);
		fprintf(f, "kmalloc(%s) succeeded %" PRIu64 "/%" PRIu64 " before and **%" PRIu64 "/%" PRIu64 "** fragmented: %s ",
			h, k0.ok, k0.att, k1.ok, k1.att,
			k1.ok * k0.att < k0.ok * k1.att ?
			"it needs one physically contiguous block, and free memory is now in pieces." :
			strcmp(nc, "noretry") ?
			"no drop here: the free lists still held blocks of this size outside the pinned ranges." :
			"no drop here: gfp noretry still runs one light compaction pass, which rebuilt contiguous blocks "
			"from the movable pages of blocks the hold could not pin.");
		kk0 = frag_tally(d, "before", "alloc_pages", "kernel", 10, 10, 0);
		kk1 = frag_tally(d, "fragmented", "alloc_pages", "kernel", 10, 10, 0);
		if (kk0.att && kk1.att) {
			fmt_ns(a, sizeof(a), kk0.p50);
			fmt_ns(b, sizeof(b), kk1.p50);
			fprintf(f, "With gfp kernel (direct compaction and reclaim allowed) order 10 succeeded %" PRIu64 "/%" PRIu64
				   " before (median %s) and %" PRIu64 "/%" PRIu64 " fragmented (median of the successes %s)%s",
				kk0.ok, kk0.att, isnan(kk0.p50) ? "n/a" : a, kk1.ok, kk1.att, isnan(kk1.p50) ? "n/a" : b,
				kk1.ok < kk1.att ? ": compaction cannot move the pinned, unmovable pages." : ".");
		}
	}
	fprintf(f, " After release: MemFree changed by %s %% (tolerance %s %%), high-order free memory recovered to "
		   "%s %% of baseline: baseline restored: **%s**.\n\n",
		num(nbuf, sizeof(nbuf), csv_kv(&d->fsum, "memfree_delta_percent"), 3),
		csv_kv(&d->fsum, "memfree_tolerance_percent") ? csv_kv(&d->fsum, "memfree_tolerance_percent") : "n/a",
		csv_kv(&d->fsum, "highorder_recovered_percent") ? csv_kv(&d->fsum, "highorder_recovered_percent") : "n/a",
		csv_kv(&d->fsum, "baseline_restored") ? csv_kv(&d->fsum, "baseline_restored") : "n/a");
}

static void q_vmalloc_standin(FILE *f, const struct lim_data *d)
{
	char a[32], b[32];
	int v = probe_row(d, "vmalloc"), k = probe_row(d, "kmalloc");
	uint64_t sz = frag_largest_size(d, "vmalloc");

	fprintf(f, "**Can vmalloc stand in?** ");
	if (v < 0 && !sz) {
		fprintf(f, "_Not measured in this run._\n\n");
		return;
	}
	fprintf(f, "Yes, when the caller does not need physically contiguous memory: vmalloc maps scattered order-0 "
		   "pages into one virtual range. ");
	if (sz && d->have_fsum && csv_kv_u64(&d->fsum, "held_pages")) {
		struct tally vf = frag_tally(d, "fragmented", "vmalloc", frag_nc_gfp(d), 0, 0, sz);
		struct tally kf = frag_tally(d, "fragmented", "kmalloc", frag_nc_gfp(d), 0, 0, sz);
		struct tally kv1 = frag_tally(d, "fragmented", "kvmalloc", frag_nc_gfp(d), 0, 0, sz);

		hb(a, sizeof(a), sz);
		fprintf(f, "In the fragmented state, at %s: vmalloc succeeded **%" PRIu64 "/%" PRIu64 "**, kmalloc %" PRIu64
			   "/%" PRIu64 ", and kvmalloc %" PRIu64 "/%" PRIu64 " of which %" PRIu64
			   " fell back to vmalloc. ", a, vf.ok, vf.att, kf.ok, kf.att, kv1.ok, kv1.att, kv1.fb);
		if (!strcmp(frag_nc_gfp(d), "nowait") && kv1.att && !kv1.fb) {
			struct tally kvk = frag_tally(d, "fragmented", "kvmalloc", "kernel", 0, 0, sz);

			fprintf(f, "kvmalloc falls back to vmalloc only when the gfp allows blocking (GFP_KERNEL and "
				   "kin): with gfp nowait it is kmalloc alone");
			if (kvk.att)
				fprintf(f, "; with gfp kernel it succeeded %" PRIu64 "/%" PRIu64 ", %" PRIu64
					   " through vmalloc", kvk.ok, kvk.att, kvk.fb);
			fprintf(f, ". ");
		}
	}
	if (v >= 0 && k >= 0) {
		hb(a, sizeof(a), csv_cell_u64(&d->probe, (size_t)v, "largest_ok_bytes"));
		hb(b, sizeof(b), csv_cell_u64(&d->probe, (size_t)k, "largest_ok_bytes"));
		fprintf(f, "The probe found vmalloc serving %s (status %s) against kmalloc's %s.", a,
			csv_cell(&d->probe, (size_t)v, "status"), b);
	}
	fprintf(f, "\n\n");
}

static void q_vmalloc_fail(FILE *f, const struct lim_data *d, const struct run_data *rd)
{
	char a[32], b[32], c[32], e[32];
	int v = probe_row(d, "vmalloc");
	uint64_t total = d->have_vm ? csv_kv_u64(&d->vm, "vmalloc_total_bytes") : lim_get(d, "vmalloc_total", "bytes");
	uint64_t ram = d->have_vm ? csv_kv_u64(&d->vm, "totalram_bytes") : lim_get(d, "totalram", "bytes");
	uint64_t avail = lim_get(d, "mem_available", "bytes");

	fprintf(f, "**Why can vmalloc itself fail?** ");
	if (!total) {
		/* [vspace] alone: its figures are the answer */
		if (vspace_answer_md(f, rd))
			fprintf(f, "\n\n");
		else
			fprintf(f, "_Not measured in this run: add a [probe] or [vspace] section._\n\n");
		return;
	}
	hb(a, sizeof(a), total);
	hb(b, sizeof(b), ram);
	fprintf(f, "Two reasons: no memory for the pages, or no free virtual range of the size. On this %s-bit kernel the "
		   "vmalloc range (VMALLOC_TOTAL) is **%s**, %.0f× the %s of RAM. ",
		d->have_vm && csv_kv(&d->vm, "pointer_bits") ? csv_kv(&d->vm, "pointer_bits") : "64", a,
		ram ? (double)total / (double)ram : 0.0, b);
	if (d->have_vm && csv_kv(&d->vm, "areas")) {
		hb(a, sizeof(a), csv_kv_u64(&d->vm, "used_bytes"));
		fprintf(f, "/proc/vmallocinfo lists %s areas using %s", csv_kv(&d->vm, "areas"), a);
		if (csv_kv(&d->vm, "largest_gap_bytes")) {
			hb(b, sizeof(b), csv_kv_u64(&d->vm, "largest_gap_bytes"));
			fprintf(f, "; the largest gap between two areas is %s", b);
		} else {
			fprintf(f, " (addresses hashed: gaps not computed)");
		}
		fprintf(f, ". ");
	}
	if (v >= 0) {
		uint64_t ok = csv_cell_u64(&d->probe, (size_t)v, "largest_ok_bytes");
		const char *st = csv_cell(&d->probe, (size_t)v, "status");

		hb(a, sizeof(a), ok);
		hb(c, sizeof(c), csv_cell_u64(&d->probe, (size_t)v, "cap_bytes"));
		hb(e, sizeof(e), avail);
		if (!strcmp(st, "capped"))
			fprintf(f, "The probe's vmalloc reached %s, its memory cap (%s, a share of MemAvailable %s), without one "
				   "failure: the limit it would meet is memory, %.4f %% of the address range.", a, c, e,
				total ? 100.0 * (double)ok / (double)total : 0.0);
		else
			fprintf(f, "The probe's vmalloc succeeded up to %s and first failed at %s bytes with MemAvailable %s: "
				   "memory ran out while %.4f %% of the address range was asked for.", a,
				csv_cell(&d->probe, (size_t)v, "first_fail_bytes"), e,
				total ? 100.0 * (double)ok / (double)total : 0.0);
		if (!vspace_run_has(rd->dir))
			fprintf(f, " On 32-bit kernels the range is about 128 MiB and the address space runs out first.");
	}
	if (vspace_run_has(rd->dir)) {
		fprintf(f, " ");
		vspace_answer_md(f, rd);
	}
	fprintf(f, "\n\n");
}

static void q_overhead(FILE *f, const struct lim_data *d)
{
	static const struct { const char *alloc; uint64_t size; } ex[] = {
		{ "kmalloc", 5000 }, { "kmalloc", 100 }, { "alloc_pages", 5000 }, { "alloc_pages_exact", 300000 },
		{ "alloc_pages", 300000 }, { "vmalloc", 8 }, { "vmalloc", 1000000 },
	};
	char nbuf[32];
	int first = 1;

	if (!d->have_ovh)
		return;
	fprintf(f, "**What does one allocation really consume?** ");
	for (size_t i = 0; i < ARRAY_SIZE(ex); i++) {
		for (size_t r = 0; r < d->ovh.nrows; r++) {
			char a[32], b[32];

			if (strcmp(csv_cell(&d->ovh, r, "allocator"), ex[i].alloc) ||
			    csv_cell_u64(&d->ovh, r, "size_bytes") != ex[i].size || strcmp(csv_cell(&d->ovh, r, "status"), "ok"))
				continue;
			hb(a, sizeof(a), ex[i].size);
			hb(b, sizeof(b), csv_cell_u64(&d->ovh, r, "consumed_bytes"));
			fprintf(f, "%s%s(%s) consumes %s (×%s; %s)", first ? "" : "; ", ex[i].alloc, a, b,
				num(nbuf, sizeof(nbuf), csv_cell(&d->ovh, r, "ratio"), 2),
				csv_cell(&d->ovh, r, "method"));
			first = 0;
		}
	}
	fprintf(f, first ? "_overhead.csv holds none of the example sizes._\n\n" :
		".  Slab rounds to its size classes, the buddy allocator to whole orders (alloc_pages_exact gives the "
		"tail back), vmalloc to pages plus a guard page of address space and its page tables.\n\n");
}

static void probe_table(FILE *f, const struct lim_data *d)
{
	fprintf(f, "| allocator | largest ok | first fail | attempts | status | documented max |\n"
		   "|---|---:|---:|---:|---|---:|\n");
	for (size_t r = 0; r < d->probe.nrows; r++) {
		char a[32] = "—", b[32] = "—", c[32] = "—";
		const char *st = csv_cell(&d->probe, r, "status");

		if (*csv_cell(&d->probe, r, "largest_ok_bytes"))
			hb(a, sizeof(a), csv_cell_u64(&d->probe, r, "largest_ok_bytes"));
		if (*csv_cell(&d->probe, r, "first_fail_bytes"))
			snprintf(b, sizeof(b), "%s", csv_cell(&d->probe, r, "first_fail_bytes"));
		if (*csv_cell(&d->probe, r, "documented_max_bytes"))
			hb(c, sizeof(c), csv_cell_u64(&d->probe, r, "documented_max_bytes"));
		fprintf(f, "| %s | %s (%s) | %s | %s | %s%s%s | %s |\n", csv_cell(&d->probe, r, "allocator"), a,
			csv_cell(&d->probe, r, "largest_ok_bytes"), b, csv_cell(&d->probe, r, "attempts"), st,
			!strcmp(st, "not_attempted") ? ": above " : "",
			!strcmp(st, "not_attempted") ? a : "", c);
	}
	fprintf(f, "\n");
}

/* The section "Answers" and the measured limits; nothing when none of the CSVs exists. */
static void limits_write_md(FILE *f, const struct run_data *rd, int charts_ok, const char *charts_note)
{
	struct lim_data d;

	(void)charts_note;	/* a missing chart is left out, not explained */
	lim_load(rd->dir, &d);
	if (!d.have_probe && !d.have_frag && !d.have_ovh && !vspace_run_has(rd->dir)) {
		lim_free(&d);
		return;
	}
	fprintf(f, "## Answers\n\n");
	q_kmalloc(f, &d);
	q_frag(f, &d);
	q_vmalloc_standin(f, &d);
	q_vmalloc_fail(f, &d, rd);
	q_overhead(f, &d);
	if (d.have_probe) {
		fprintf(f, "## Limits, measured (probe)\n\n");
		report_chart_link(f, rd, charts_ok, "limits", "largest successful size per allocator");
		probe_table(f, &d);
	}
	if (d.have_frag) {
		fprintf(f, "## Fragmentation\n\n");
		report_chart_link(f, rd, charts_ok, "frag-success", "success rate by order");
		report_chart_link(f, rd, charts_ok, "buddyinfo", "free blocks per order");
	}
	if (d.have_ovh) {
		fprintf(f, "## Overhead\n\n");
		report_chart_link(f, rd, charts_ok, "overhead", "consumed over requested");
	}
	lim_free(&d);
}

/* ---- charts ---- */

/* Renders chart NAME: plots/NAME.gp on DATADIR/NAME.vars.gp. 1 when rendered. */
static int render_named(const char *gnuplot, const char *plots, const char *datadir, const char *name)
{
	char script[PATH_MAX + 64], vars[PATH_MAX + 64], log[PATH_MAX + 64];

	snprintf(script, sizeof(script), "%s/%s.gp", plots, name);
	snprintf(vars, sizeof(vars), "%s/%s.vars.gp", datadir, name);
	snprintf(log, sizeof(log), "%s/%s.log", datadir, name);
	return gp_render(gnuplot, script, vars, log, name);
}

static FILE *open_vars(const char *datadir, const char *name, const char *footer, int emulated)
{
	char p[PATH_MAX + 64];
	FILE *v;

	snprintf(p, sizeof(p), "%s/%s.vars.gp", datadir, name);
	v = fopen(p, "w");
	if (!v)
		return NULL;
	fprintf(v, "# Variables for plots/%s.gp, written by `allocbench report`.\n", name);
	gp_set_str(v, "FOOTER", footer);
	fprintf(v, "EMULATED = %d\n", emulated);
	fprintf(v, "DATA = \"%s.dat\"\nOUT = \"../%s\"\n", name, name);
	gp_allocators(v);
	return v;
}

static int chart_limits(const struct run_data *rd, const struct lim_data *d, const char *gnuplot,
			const char *plots, const char *datadir, const char *footer)
{
	char p[PATH_MAX + 64];
	FILE *v, *dat;
	char names[512] = "";
	int n = 0;

	snprintf(p, sizeof(p), "%s/limits.dat", datadir);
	dat = fopen(p, "w");
	if (!dat)
		return 0;
	for (size_t r = 0; r < d->probe.nrows; r++) {
		uint64_t ok = csv_cell_u64(&d->probe, r, "largest_ok_bytes");

		if (!ok)
			continue;
		fprintf(dat, "%d \"%s\" %" PRIu64 " \"%s\"\n", n++, csv_cell(&d->probe, r, "allocator"), ok,
			csv_cell(&d->probe, r, "status"));
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", n > 1 ? " " : "",
			 csv_cell(&d->probe, r, "allocator"));
	}
	fclose(dat);
	if (!n)
		return 0;
	v = open_vars(datadir, "limits", footer, run_emulated(rd));
	if (!v)
		return 0;
	fprintf(v, "NBARS = %d\n", n);
	gp_set_str(v, "NAMES", names);
	fprintf(v, "KMALLOC_MAX = %" PRIu64 ".\n", lim_get(d, "kmalloc_max_size", "bytes"));
	fprintf(v, "BUDDY_MAX = %" PRIu64 ".\n", lim_get(d, "max_order", "bytes"));
	fprintf(v, "FORMULA = %" PRIu64 ".\n", lim_get(d, "formula_2pow_max_order_x_page_size", "bytes"));
	fprintf(v, "FORMULA_CONST = %" PRIu64 "\n", lim_get(d, "formula_2pow_max_order_x_page_size", "value"));
	fprintf(v, "TOTALRAM = %" PRIu64 ".\n", lim_get(d, "totalram", "bytes"));
	fprintf(v, "VMALLOC_TOTAL = %" PRIu64 ".\n", lim_get(d, "vmalloc_total", "bytes"));
	fprintf(v, "CAP = %" PRIu64 ".\n", d->probe.nrows ? csv_cell_u64(&d->probe, 0, "cap_bytes") : 0);
	fclose(v);
	return render_named(gnuplot, plots, datadir, "limits");
}

static int chart_frag(const struct run_data *rd, const struct lim_data *d, const char *gnuplot,
		      const char *plots, const char *datadir, const char *footer)
{
	static const char *const phases[] = { "before", "fragmented", "after" };
	static const char *const gfps[] = { "nowait", "noretry", "kernel" };
	char p[PATH_MAX + 64];
	FILE *v, *dat;
	int blocks = 0, rendered = 0;
	char names[256] = "";

	snprintf(p, sizeof(p), "%s/frag-success.dat", datadir);
	dat = fopen(p, "w");
	if (!dat)
		return 0;
	for (int g = 0; g < 3; g++)
		for (int ph = 0; ph < 3; ph++) {
			int rows = 0;

			for (size_t r = 0; r < d->frag.nrows; r++) {
				if (strcmp(csv_cell(&d->frag, r, "allocator"), "alloc_pages") ||
				    strcmp(csv_cell(&d->frag, r, "phase"), phases[ph]) || strcmp(csv_cell(&d->frag, r, "gfp"), gfps[g]))
					continue;
				fprintf(dat, "%s %s\n", csv_cell(&d->frag, r, "order"), csv_cell(&d->frag, r, "success_rate"));
				rows++;
			}
			if (!rows)
				continue;
			fprintf(dat, "\n\n");
			blocks++;
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s:%s", blocks > 1 ? " " : "",
				 phases[ph], gfps[g]);
		}
	fclose(dat);
	if (blocks) {
		v = open_vars(datadir, "frag-success", footer, run_emulated(rd));
		if (v) {
			gp_set_str(v, "SERIES", names);
			fprintf(v, "KEEP_ORDER = %" PRIu64 "\n", d->have_fsum ? csv_kv_u64(&d->fsum, "keep_order") : 0);
			fclose(v);
			rendered += render_named(gnuplot, plots, datadir, "frag-success");
		}
	}
	if (!d->have_bi)
		return rendered;
	snprintf(p, sizeof(p), "%s/buddyinfo.dat", datadir);
	dat = fopen(p, "w");
	if (!dat)
		return rendered;
	blocks = 0;
	names[0] = '\0';
	for (int ph = 0; ph < 3; ph++) {
		uint64_t sum[32] = { 0 };
		int maxo = -1;

		for (size_t r = 0; r < d->bi.nrows; r++) {
			unsigned o = (unsigned)csv_cell_u64(&d->bi, r, "order");

			if (strcmp(csv_cell(&d->bi, r, "phase"), phases[ph]) || o >= 32)
				continue;
			sum[o] += csv_cell_u64(&d->bi, r, "free_blocks");
			if ((int)o > maxo)
				maxo = (int)o;
		}
		if (maxo < 0)
			continue;
		for (int o = 0; o <= maxo; o++)
			fprintf(dat, "%d %" PRIu64 "\n", o, sum[o]);
		fprintf(dat, "\n\n");
		blocks++;
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", blocks > 1 ? " " : "",
			 phases[ph]);
	}
	fclose(dat);
	if (!blocks)
		return rendered;
	v = open_vars(datadir, "buddyinfo", footer, run_emulated(rd));
	if (!v)
		return rendered;
	gp_set_str(v, "SERIES", names);
	fclose(v);
	return rendered + render_named(gnuplot, plots, datadir, "buddyinfo");
}

static int chart_overhead(const struct run_data *rd, const struct lim_data *d, const char *gnuplot,
			  const char *plots, const char *datadir, const char *footer)
{
	char p[PATH_MAX + 64], names[512] = "", last[64] = "";
	FILE *v, *dat;
	int blocks = 0;

	snprintf(p, sizeof(p), "%s/overhead.dat", datadir);
	dat = fopen(p, "w");
	if (!dat)
		return 0;
	/* overhead.csv is sorted by allocator, then size */
	for (size_t r = 0; r < d->ovh.nrows; r++) {
		const char *a = csv_cell(&d->ovh, r, "allocator");

		if (strcmp(csv_cell(&d->ovh, r, "status"), "ok"))
			continue;
		if (strcmp(a, last)) {
			if (blocks)
				fprintf(dat, "\n\n");
			blocks++;
			snprintf(last, sizeof(last), "%s", a);
			snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", blocks > 1 ? " " : "", a);
		}
		fprintf(dat, "%s %s\n", csv_cell(&d->ovh, r, "size_bytes"), csv_cell(&d->ovh, r, "ratio"));
	}
	fclose(dat);
	if (!blocks)
		return 0;
	v = open_vars(datadir, "overhead", footer, run_emulated(rd));
	if (!v)
		return 0;
	gp_set_str(v, "ALLOCS", names);
	fclose(v);
	return render_named(gnuplot, plots, datadir, "overhead");
}

/* The charts limits, frag-success, buddyinfo and overhead; how many rendered. */
static int limits_charts_render(const struct run_data *rd, const char *gnuplot, const char *plots,
				const char *datadir, const char *footer, int quiet)
{
	struct lim_data d;
	int n = 0;

	(void)quiet;	/* these charts have no notes to silence; failures are always said */
	lim_load(rd->dir, &d);
	if (d.have_probe)
		n += chart_limits(rd, &d, gnuplot, plots, datadir, footer);
	if (d.have_frag)
		n += chart_frag(rd, &d, gnuplot, plots, datadir, footer);
	if (d.have_ovh)
		n += chart_overhead(rd, &d, gnuplot, plots, datadir, footer);
	lim_free(&d);
	return n;
}

/* vspace.csv too: "Answers" says why vmalloc failed from the [vspace] figures alone. */
static const char *const limits_files[] = { "probe.csv", "frag.csv", "overhead.csv", "vspace.csv", NULL };

const struct report_part report_part_limits = {
	.name = "limits",
	.files = limits_files,
	.write_md = limits_write_md,
	.render_charts = limits_charts_render,
};
