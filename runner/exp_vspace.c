// SPDX-License-Identifier: GPL-2.0
/*
 * [vspace]: why vmalloc can fail with plenty of memory free. vmalloc needs
 * one free range of virtual addresses of the whole size (plus a guard
 * page); on 32-bit kernels the vmalloc range is about 120 MiB, and it
 * fragments like physical memory does.
 *
 * Three phases. before: the range (INFO vmalloc_start, vmalloc_total) and
 * its free gaps from /proc/vmallocinfo, and a vmalloc of fail_size, which
 * succeeds. fragmented: ALLOCBENCH_IOC_VSPACE HOLD fills every gap with
 * areas of area_size (vmap of one page: address space, not memory) and
 * unmaps all but every keep_every-th, so that no gap of fail_size is left
 * while MemFree hardly moves; the vmalloc of fail_size now fails, and
 * MemFree is read right before it. after: RELEASE, and the same vmalloc
 * succeeds again; /proc/vmallocinfo must show the areas it showed before.
 *
 * The module measures (holds, vmallocs); this file computes: the gaps, how
 * many areas fill them, and whether filling the range is reachable at all.
 * On 64-bit kernels the range is 32 TiB: filling it would take tens of
 * GiB of page tables, so the run reports the range and its gaps and says
 * fragmentation is not reachable at this scale, without trying.
 *
 * Writes vspace.csv (one row per phase), vspace-gaps.csv (every gap of
 * every phase) and vspace-summary.csv (key,value: the hold, the verdict).
 * The hold belongs to the runner's open file: released on every path
 * here, and by the module when the file closes (also on SIGKILL).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "allocbench.h"
#include "config.h"
#include "config_keys.h"
#include "csv.h"
#include "device.h"
#include "experiment.h"
#include "limits_run.h"
#include "plan.h"
#include "sizes.h"
#include "stats.h"
#include "ticks.h"
#include "util.h"
#include "vspace_calc.h"

#define VSPACE_SCHEMA_VERSION	1
#define VS_PHASES		3
#define VS_MAX_ATTEMPTS		64

static const char *const phase_names[VS_PHASES] = { "before", "fragmented", "after" };

struct vspace_section {
	uint64_t area_bytes;
	unsigned keep_every;
	uint64_t fail_bytes;		/* 0: auto */
	unsigned attempts;
};

/* Whole pages from 4K to 1G; fail_size also takes auto (0). */
static int parse_area_size(const struct cfg_key *k, void *obj, const char *value, int line,
			   char *err, size_t errlen)
{
	uint64_t v;

	(void)line;
	if (!strcmp(k->name, "fail_size") && !strcmp(value, "auto")) {
		v = 0;
	} else {
		if (size_parse(value, &v, err, errlen))
			return -1;
		if (!v || v % 4096 || v > ALLOCBENCH_VSPACE_MAX_AREA_BYTES) {
			snprintf(err, errlen, "%s: expected whole pages (a multiple of 4K) from 4K to 1G, not '%s'",
				 k->name, value);
			return -1;
		}
	}
	memcpy(cfg_field(k, obj), &v, sizeof(v));
	return 0;
}

static const struct cfg_key vspace_keys[] = {
	{ .name = "area_size", .type = CFG_CUSTOM, CFG_FIELD(struct vspace_section, area_bytes),
	  .parse = parse_area_size, .def = "1M", .help = "address space per held area, whole pages (4K..1G)" },
	{ .name = "keep_every", CFG_NUMBER(struct vspace_section, keep_every, 1, 1024), .def = "2",
	  .help = "keep one area in this many, by address" },
	{ .name = "fail_size", .type = CFG_CUSTOM, CFG_FIELD(struct vspace_section, fail_bytes),
	  .parse = parse_area_size, .def = "auto", .help = "the vmalloc size tried in each phase, or auto" },
	{ .name = "attempts", CFG_NUMBER(struct vspace_section, attempts, 1, VS_MAX_ATTEMPTS), .def = "3",
	  .help = "vmallocs per phase" },
};

/* ---- state ---- */

struct vs_phase {
	int done;			/* snapshot taken */
	int have_map;
	struct vspace_map map;
	uint64_t memfree, memavail;	/* right before the vmalloc */
	uint64_t held_areas, held_bytes;
	unsigned attempts, successes;
	double p50_ns;
	const char *status;		/* the vmalloc's outcome */
};

struct vs_state {
	int ran;
	struct vs_phase ph[VS_PHASES];
	uint64_t start, total, page, pmd;
	/*
	 * The usable range: whole pages from VMALLOC_START. x86-64 defines
	 * VMALLOC_END inclusive (START + 32 TiB - 1), so INFO's
	 * vmalloc_total = END - START is one byte short of a page multiple.
	 */
	uint64_t range;
	char machine[65];
	char vmalloc_param[64];
	uint64_t area_bytes, fail_bytes;
	unsigned keep_every;
	const char *vinfo;		/* how /proc/vmallocinfo read */
	const char *reach;		/* "yes", "no" or "unknown" */
	char reason[512];
	uint64_t fill_areas, cost, budget, pt_fill;
	struct allocbench_vspace hold, rel;
	int hold_rc, rel_rc;
	uint64_t missing, added;
	int diffed;
	double t0, wall_s;
};

static int vspace_run_begin(struct run_ctx *ctx, int idx, const struct plan *p)
{
	(void)p;
	ctx->state[idx] = calloc(1, sizeof(struct vs_state));
	return ctx->state[idx] ? 0 : -1;
}

/* "vmalloc=512M" from the running kernel's command line, or "default". */
static void read_vmalloc_param(char *buf, size_t len)
{
	char line[4096];
	const char *p;

	snprintf(buf, len, "default");
	if (read_line("/proc/cmdline", line, sizeof(line)))
		return;
	for (p = line; (p = strstr(p, "vmalloc=")); p++) {
		if (p == line || p[-1] == ' ') {
			size_t n = strcspn(p + 8, " \n");

			snprintf(buf, len, "%.*s", (int)(n < len - 1 ? n : len - 1), p + 8);
		}
	}
}

/* Snapshot of the range into ph; returns the text (for the diff), or NULL. */
static char *snapshot(struct vs_state *st, struct vs_phase *ph)
{
	int raised;
	char *text = lim_read_vmallocinfo(&raised);

	ph->done = 1;
	ph->memfree = lim_meminfo("MemFree");
	ph->memavail = lim_meminfo("MemAvailable");
	if (!text) {
		st->vinfo = "unreadable (needs root)";
		return NULL;
	}
	if (vspace_map_parse(text, st->start, st->start ? st->start + st->range : 0, &ph->map)) {
		free(text);
		return NULL;
	}
	ph->have_map = 1;
	if (!ph->map.addresses_real)
		st->vinfo = "hashed (kptr_restrict): no gaps";
	else if (!st->vinfo)
		st->vinfo = raised ? "real (kptr_restrict raised to 1 for the reads)" : "real";
	return text;
}

/* attempts vmallocs of bytes (timed alloc, untimed free). 0, or -1 to stop the run. */
static int try_vmalloc(struct run_ctx *ctx, struct vs_phase *ph, uint64_t bytes, unsigned attempts)
{
	const struct allocbench_info *in = &ctx->dev->info;
	uint64_t samples[VS_MAX_ATTEMPTS];
	double ns[VS_MAX_ATTEMPTS];
	struct allocbench_run r;
	int rc;

	ph->attempts = attempts;
	ph->p50_ns = NAN;
	ph->memfree = lim_meminfo("MemFree");
	ph->memavail = lim_meminfo("MemAvailable");
	memset(&r, 0, sizeof(r));
	r.allocator = ALLOCBENCH_VMALLOC;
	r.op = ALLOCBENCH_OP_ALLOC;
	r.gfp = ALLOCBENCH_GFP_KERNEL;
	r.bytes = bytes;
	r.count = attempts;
	r.batch = 1;
	r.samples = (uint64_t)(uintptr_t)samples;
	r.samples_cap = attempts;
	rc = device_run(ctx->dev, &r);
	if (rc == -EINTR)
		return -1;
	if (rc == -ENOMEM || rc == -E2BIG) {
		ph->status = "skipped";
		return 0;
	}
	if (rc) {
		ab_err("vspace: RUN vmalloc %" PRIu64 " failed: %s", bytes, strerror(-rc));
		ph->status = "error";
		return 0;
	}
	ph->successes = attempts > r.failures ? attempts - r.failures : 0;
	ph->status = ph->successes == attempts ? "ok" : ph->successes ? "partial" : "failed";
	if (r.samples_written) {
		size_t n = r.samples_written > attempts ? attempts : r.samples_written;

		for (size_t i = 0; i < n; i++)
			ns[i] = ticks_to_ns(in, samples[i], 1, 1);
		qsort(ns, n, sizeof(ns[0]), cmp_double);
		ph->p50_ns = stats_percentile_sorted(ns, n, 0.5);
	}
	return 0;
}

static int vspace_ioctl(struct run_ctx *ctx, struct allocbench_vspace *v, uint32_t cmd, uint64_t area,
			uint32_t areas, uint32_t keep_every)
{
	memset(v, 0, sizeof(*v));
	v->size = sizeof(*v);
	v->cmd = cmd;
	v->area_bytes = area;
	v->areas = areas;
	v->keep_every = keep_every;
	/* An interrupted HOLD is undone by the module, so sending it again is safe. */
	return device_ioctl(ctx->dev, ALLOCBENCH_IOC_VSPACE, v);
}

/* The smallest whole MiB above what the fragmented range can hold (< 2 slots). */
static uint64_t auto_fail_bytes(uint64_t area, uint64_t page)
{
	uint64_t mib = 1ULL << 20, need = 2 * (area + page);

	return (need + mib - 1) / mib * mib;
}

/* Can the range be filled, with the module's budget and limits? Sets reach and reason. */
static void judge_reach(struct vs_state *st, const struct vspace_map *m)
{
	char a[32], b[32], c[32], d[32];

	st->fill_areas = vspace_fit_count(m, st->area_bytes, st->page);
	st->cost = vspace_hold_cost(st->area_bytes, st->fill_areas, st->range, st->page, st->pmd);
	st->budget = lim_meminfo("MemAvailable") / 2;
	/* Page tables alone, to map the whole range once: whatever the area size. */
	st->pt_fill = st->pmd ? (st->range + st->pmd - 1) / st->pmd * st->page : 0;
	vspace_human(a, sizeof(a), st->range);
	vspace_human(b, sizeof(b), st->pt_fill);
	vspace_human(c, sizeof(c), st->budget * 2);
	vspace_human(d, sizeof(d), st->area_bytes);
	if (st->fill_areas > ALLOCBENCH_VSPACE_MAX_AREAS || st->cost > st->budget) {
		st->reach = "no";
		snprintf(st->reason, sizeof(st->reason),
			 "filling the %s range takes %" PRIu64 " areas of %s and at least %s of page tables, "
			 "against %s MemAvailable (the module holds at most %u areas and half of MemAvailable)",
			 a, st->fill_areas, d, b, c, ALLOCBENCH_VSPACE_MAX_AREAS);
	} else if (st->fill_areas < st->keep_every || !st->fill_areas) {
		st->reach = "no";
		snprintf(st->reason, sizeof(st->reason),
			 "only %" PRIu64 " areas of %s fit the range's gaps, fewer than keep_every (%u)",
			 st->fill_areas, d, st->keep_every);
	} else if (!vspace_fits(m, st->fail_bytes, st->page)) {
		st->reach = "no";
		snprintf(st->reason, sizeof(st->reason),
			 "vmalloc of fail_size does not fit the largest gap even before fragmenting: "
			 "choose a smaller area_size or fail_size");
	} else {
		st->reach = "yes";
		snprintf(st->reason, sizeof(st->reason),
			 "%" PRIu64 " areas of %s fill the %s range for about %s of memory", st->fill_areas, d, a,
			 vspace_human(b, sizeof(b), st->cost));
	}
}

static int vspace_run_point(struct run_ctx *ctx, int idx, const struct point *pt)
{
	struct vs_state *st = ctx->state[idx];
	const struct vspace_section *s = pt->sec->priv;
	const struct allocbench_info *in = &ctx->dev->info;
	char *before = NULL, *after = NULL;
	struct utsname u;
	char hb[32], hg[32];
	int rc = 0;

	if (pt->repeat || st->ran)
		return 0;
	st->ran = 1;
	st->t0 = now_seconds();
	st->start = in->vmalloc_start;
	st->total = in->vmalloc_total;
	st->page = in->page_size;
	st->pmd = in->pmd_size;
	st->range = st->page ? st->total / st->page * st->page : st->total;
	st->area_bytes = s->area_bytes;
	st->keep_every = s->keep_every;
	st->fail_bytes = s->fail_bytes ? s->fail_bytes : auto_fail_bytes(s->area_bytes, st->page);
	st->hold_rc = st->rel_rc = 1;	/* not sent */
	st->reach = "unknown";
	snprintf(st->machine, sizeof(st->machine), "%s", uname(&u) ? "unknown" : u.machine);
	read_vmalloc_param(st->vmalloc_param, sizeof(st->vmalloc_param));

	before = snapshot(st, &st->ph[0]);
	if (!st->ph[0].have_map || !st->ph[0].map.addresses_real || !st->start) {
		snprintf(st->reason, sizeof(st->reason), "%s",
			 !st->start ? "the module gave no vmalloc_start (older module, or no CAP_SYSLOG)" :
			 "no real addresses in /proc/vmallocinfo");
		goto out;
	}
	judge_reach(st, &st->ph[0].map);
	fprintf(stderr, "vspace: %s range %s, largest gap %s; reachable: %s (%s)\n", st->machine,
		vspace_human(hb, sizeof(hb), st->range), vspace_human(hg, sizeof(hg), st->ph[0].map.largest_gap),
		st->reach, st->reason);
	if (strcmp(st->reach, "yes")) {
		st->ph[0].status = "not_run";
		goto out;
	}
	if (try_vmalloc(ctx, &st->ph[0], st->fail_bytes, s->attempts)) {
		rc = -1;
		goto out;
	}

	fprintf(stderr, "vspace: holding %" PRIu64 " areas of %s, keeping one in %u\n", st->fill_areas,
		vspace_human(hb, sizeof(hb), st->area_bytes), st->keep_every);
	st->hold_rc = vspace_ioctl(ctx, &st->hold, ALLOCBENCH_VSPACE_HOLD, st->area_bytes,
				   (uint32_t)st->fill_areas, st->keep_every);
	if (st->hold_rc) {
		if (st->hold_rc == -EINTR) {
			rc = -1;
			goto out;
		}
		snprintf(st->reason, sizeof(st->reason), "HOLD failed: %s", st->hold_rc == -ENOTTY ?
			 "the module has no VSPACE ioctl" : strerror(-st->hold_rc));
		ab_err("vspace: %s", st->reason);
		goto out;
	}
	st->ph[1].held_areas = st->hold.held_areas;
	st->ph[1].held_bytes = st->hold.held_bytes;
	free(snapshot(st, &st->ph[1]));
	rc = try_vmalloc(ctx, &st->ph[1], st->fail_bytes, s->attempts);

	/* Released on every path, before anything else can fail. */
	st->rel_rc = vspace_ioctl(ctx, &st->rel, ALLOCBENCH_VSPACE_RELEASE, 0, 0, 0);
	if (st->rel_rc) {
		ab_err("vspace: RELEASE failed: %s (the module unmaps the areas when the device is closed)",
		       strerror(-st->rel_rc));
		rc = -1;
		goto out;
	}
	if (rc)
		goto out;
	after = snapshot(st, &st->ph[2]);
	if (before && after && !vspace_map_diff(before, after, st->start, st->start + st->range,
						 &st->missing, &st->added))
		st->diffed = 1;
	rc = try_vmalloc(ctx, &st->ph[2], st->fail_bytes, s->attempts);
out:
	free(before);
	free(after);
	st->wall_s = now_seconds() - st->t0;
	return rc;
}

/* ---- output ---- */

static const char *const vs_cols[] = {
	"schema_version", "phase", "kernel_machine", "vmalloc_param", "vmalloc_start", "vmalloc_total_bytes",
	"areas", "used_bytes", "lazy_bytes", "free_bytes", "gaps", "largest_gap_bytes", "held_areas",
	"held_bytes", "request_bytes", "request_fits_largest_gap", "attempts", "successes", "p50_ns",
	"memfree_bytes", "memavailable_bytes", "status",
};

static const char *const gap_cols[] = {
	"schema_version", "phase", "gap_offset_bytes", "gap_bytes",
};

static int write_phases(struct run_ctx *ctx, const struct vs_state *st)
{
	char path[4200], addr[32];
	struct csv_writer *w;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/vspace.csv", ctx->dir);
	w = csv_create(path, vs_cols, sizeof(vs_cols) / sizeof(vs_cols[0]));
	if (!w)
		return -1;
	snprintf(addr, sizeof(addr), "0x%" PRIx64, st->start);
	for (int p = 0; p < VS_PHASES; p++) {
		const struct vs_phase *ph = &st->ph[p];
		int gaps = ph->have_map && ph->map.addresses_real;

		if (!ph->done)
			continue;
		rc |= csv_u64(w, VSPACE_SCHEMA_VERSION);
		rc |= csv_str(w, phase_names[p]);
		rc |= csv_str(w, st->machine);
		rc |= csv_str(w, st->vmalloc_param);
		rc |= csv_str(w, addr);
		rc |= csv_u64(w, st->total);
		rc |= ph->have_map ? csv_u64(w, ph->map.areas) : csv_empty(w);
		rc |= ph->have_map ? csv_u64(w, ph->map.used_bytes) : csv_empty(w);
		rc |= ph->have_map ? csv_u64(w, ph->map.lazy_bytes) : csv_empty(w);
		rc |= gaps ? csv_u64(w, ph->map.free_bytes) : csv_empty(w);
		rc |= gaps ? csv_u64(w, ph->map.ngaps) : csv_empty(w);
		rc |= gaps ? csv_u64(w, ph->map.largest_gap) : csv_empty(w);
		rc |= csv_u64(w, ph->held_areas);
		rc |= csv_u64(w, ph->held_bytes);
		rc |= csv_u64(w, st->fail_bytes);
		rc |= csv_str(w, !gaps ? "" : vspace_fits(&ph->map, st->fail_bytes, st->page) ? "yes" : "no");
		rc |= csv_u64(w, ph->status && strcmp(ph->status, "not_run") ? ph->attempts : 0);
		rc |= csv_u64(w, ph->successes);
		rc |= csv_double(w, ph->p50_ns);
		rc |= csv_u64(w, ph->memfree);
		rc |= csv_u64(w, ph->memavail);
		rc |= csv_str(w, ph->status ? ph->status : "not_run");
		rc |= csv_end_row(w);
	}
	return csv_commit_or_abort(w, path, rc);
}

static int write_gaps(struct run_ctx *ctx, const struct vs_state *st)
{
	char path[4200];
	struct csv_writer *w;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/vspace-gaps.csv", ctx->dir);
	w = csv_create(path, gap_cols, sizeof(gap_cols) / sizeof(gap_cols[0]));
	if (!w)
		return -1;
	for (int p = 0; p < VS_PHASES; p++) {
		const struct vs_phase *ph = &st->ph[p];

		if (!ph->have_map)
			continue;
		for (size_t i = 0; i < ph->map.ngaps; i++) {
			rc |= csv_u64(w, VSPACE_SCHEMA_VERSION);
			rc |= csv_str(w, phase_names[p]);
			rc |= csv_u64(w, ph->map.gap[i].start - (ph->map.range_known ? st->start : 0));
			rc |= csv_u64(w, ph->map.gap[i].bytes);
			rc |= csv_end_row(w);
		}
	}
	return csv_commit_or_abort(w, path, rc);
}

static int write_summary(struct run_ctx *ctx, const struct vs_state *st)
{
	const struct vs_phase *b = &st->ph[0], *f = &st->ph[1], *a = &st->ph[2];
	char path[4200];
	struct lim_kv kv;
	int shown;

	snprintf(path, sizeof(path), "%s/vspace-summary.csv", ctx->dir);
	if (lim_kv_open(&kv, path))
		return -1;
	lim_kv_str(&kv, "kernel_machine", st->machine);
	lim_kv_u64(&kv, "pointer_bits", (st->start ? st->start : st->total) > UINT32_MAX ? 64 : 32);
	lim_kv_str(&kv, "vmalloc_param", st->vmalloc_param);
	lim_kv_u64(&kv, "vmalloc_total_bytes", st->total);
	lim_kv_u64(&kv, "range_bytes", st->range);
	lim_kv_str(&kv, "vmallocinfo", st->vinfo ? st->vinfo : "not read");
	lim_kv_u64(&kv, "area_bytes", st->area_bytes);
	lim_kv_u64(&kv, "keep_every", st->keep_every);
	lim_kv_u64(&kv, "fail_bytes", st->fail_bytes);
	lim_kv_str(&kv, "reachable", st->reach ? st->reach : "unknown");
	lim_kv_str(&kv, "reason", st->reason);
	lim_kv_u64(&kv, "fill_areas", st->fill_areas);
	lim_kv_u64(&kv, "hold_cost_bound_bytes", st->cost);
	lim_kv_u64(&kv, "budget_bytes", st->budget);
	lim_kv_u64(&kv, "pagetables_to_fill_range_bytes", st->pt_fill);
	if (!st->hold_rc) {
		lim_kv_u64(&kv, "hold_taken_areas", st->hold.taken_areas);
		lim_kv_u64(&kv, "hold_held_areas", st->hold.held_areas);
		lim_kv_u64(&kv, "hold_held_bytes", st->hold.held_bytes);
		lim_kv_u64(&kv, "hold_cost_bytes", st->hold.cost_bytes);
		lim_kv_str(&kv, "hold_range_full", st->hold.out_flags & ALLOCBENCH_VSPACE_OUT_FULL ? "yes" : "no");
		lim_kv_double(&kv, "hold_ms", (double)st->hold.elapsed_ns / 1e6);
	}
	if (!st->rel_rc) {
		lim_kv_u64(&kv, "released_areas", st->rel.held_areas);
		lim_kv_double(&kv, "release_ms", (double)st->rel.elapsed_ns / 1e6);
	}
	if (f->status) {
		lim_kv_u64(&kv, "memfree_at_failure_bytes", f->memfree);
		lim_kv_u64(&kv, "largest_gap_fragmented_bytes", f->map.largest_gap);
	}
	if (st->diffed) {
		lim_kv_u64(&kv, "areas_missing_after", st->missing);
		lim_kv_u64(&kv, "areas_added_after", st->added);
		lim_kv_str(&kv, "areas_restored", !st->missing && !st->added ? "yes" : "no");
	}
	shown = b->status && !strcmp(b->status, "ok") && f->status && !strcmp(f->status, "failed") &&
		a->status && !strcmp(a->status, "ok") && f->memfree > st->fail_bytes;
	lim_kv_str(&kv, "verdict", !strcmp(st->reach, "no") ? "not_reachable" :
		   shown ? "shown" : "not_shown");
	lim_kv_double(&kv, "wall_s", st->wall_s);
	return lim_kv_commit(&kv);
}

static int vspace_run_end(struct run_ctx *ctx, int idx, int commit)
{
	struct vs_state *st = ctx->state[idx];
	int rc = 0;

	if (!st)
		return 0;
	ctx->state[idx] = NULL;
	if (commit && st->ran) {
		rc |= write_phases(ctx, st);
		rc |= write_gaps(ctx, st);
		rc |= write_summary(ctx, st);
	}
	for (int p = 0; p < VS_PHASES; p++)
		if (st->ph[p].have_map)
			vspace_map_free(&st->ph[p].map);
	free(st);
	return rc ? -1 : 0;
}

const struct experiment_kind exp_vspace = {
	.name = "vspace",
	.summary = "fragment the vmalloc address range: a vmalloc fails with memory free (32-bit), the range and its gaps "
		   "-> vspace.csv, vspace-gaps.csv",
	.csv_name = "vspace.csv",
	.section_size = sizeof(struct vspace_section),
	.keys = vspace_keys,
	.nkeys = ARRAY_SIZE(vspace_keys),
	.finish = key_single_section,
	.plan = plan_one_point,
	.run_begin = vspace_run_begin,
	.run_point = vspace_run_point,
	.run_end = vspace_run_end,
};
