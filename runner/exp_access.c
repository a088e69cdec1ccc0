// SPDX-License-Identifier: GPL-2.0
/*
 * [access] and [mapping]: what an allocator's memory costs to use.
 *
 * [access]: for each allocator, layout and working set, one ALLOCBENCH_IOC_ACCESS
 * request of `passes` timed passes over a buffer from that allocator, chased
 * through the allocator's own mapping. Writes access.csv.
 *
 * [mapping]: the same order-0 pages behind two mappings (the vmap allocator
 * chased through vmap() and through the direct map), plus a vmalloc_huge
 * buffer of the same size; ratio vmap / direct per working set. Writes
 * mapping.csv.
 *
 * Points are (allocator, op = pattern, gfp = view, bytes). Repeats pool
 * their passes into one row. Raw ticks per pass go to samples.csv.gz with
 * op "access_<layout>" or "mapping_<layout>", gfp the view ("native",
 * "direct"), timing "pass", batch_ops the steps per pass.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "access_calc.h"
#include "allocbench.h"
#include "config.h"
#include "config_keys.h"
#include "csv.h"
#include "device.h"
#include "experiment.h"
#include "names.h"
#include "plan.h"
#include "sizes.h"
#include "stats.h"
#include "util.h"

#define ACC_SCHEMA_VERSION	1
#define PAT_BIT(p)		(1U << (p))

/* ---- config ---- */

struct acc_section {
	uint32_t allocators;
	uint32_t layouts;		/* bit per enum allocbench_pattern */
	struct size_list sizes;
	unsigned passes;
	uint64_t min_steps;
	uint64_t seed;
	int seed_set;
	int pmu;
};

static int parse_working_sets(const struct cfg_key *k, void *obj, const char *value, int line,
			      char *err, size_t errlen)
{
	struct acc_section *s = obj;

	(void)line;
	if (key_sizes(k->name, value, &s->sizes, err, errlen))
		return -1;
	for (size_t i = 0; i < s->sizes.n; i++)
		if (s->sizes.v[i] % 4096) {
			snprintf(err, errlen, "sizes: working sets are whole pages (multiples of 4K)");
			return -1;
		}
	return 0;
}

static int parse_seed(const struct cfg_key *k, void *obj, const char *value, int line,
		      char *err, size_t errlen)
{
	struct acc_section *s = obj;

	(void)line;
	if (key_u64(k->name, value, 0, UINT64_MAX, &s->seed, err, errlen))
		return -1;
	s->seed_set = 1;
	return 0;
}

static int map_layout_by_name(const char *s)
{
	int p = access_layout_by_name(s);

	return p == ALLOCBENCH_PATTERN_PAGE || p == ALLOCBENCH_PATTERN_LINE ? p : -1;
}

static const char *acc_layouts_known(void)
{
	return "page, line, seq, first_touch";
}

static const char *map_layouts_known(void)
{
	return "page, line";
}

/* Keys [access] and [mapping] share. */
#define ACC_COMMON_KEYS \
	{ .name = "sizes", .type = CFG_SIZES, CFG_FIELD(struct acc_section, sizes), .parse = parse_working_sets, \
	  .def = "4K..1G x4", .help = "working sets, whole pages" }, \
	{ .name = "passes", CFG_NUMBER(struct acc_section, passes, 1, ALLOCBENCH_MAX_PASSES), .def = "7", \
	  .help = "timed passes (samples) per point" }, \
	{ .name = "min_steps", CFG_NUMBER(struct acc_section, min_steps, 0, ALLOCBENCH_MAX_STEPS), \
	  .def = "65536", .help = "accesses per pass at least" }, \
	{ .name = "seed", .type = CFG_CUSTOM, CFG_FIELD(struct acc_section, seed), .parse = parse_seed, \
	  .help = "chain shuffle seed (default: [run] seed)" }, \
	{ .name = "pmu", .type = CFG_BOOL, CFG_FIELD(struct acc_section, pmu), .def = "yes", \
	  .help = "try the dTLB-miss counter" }

static const struct cfg_key acc_keys[] = {
	{ .name = "allocators", CFG_ALLOCATORS(struct acc_section, allocators),
	  .def = "all", .help = "comma list of allocator names, or all" },
	{ .name = "layouts", .type = CFG_NAMES, CFG_FIELD(struct acc_section, layouts),
	  .lookup = access_layout_by_name, .what = "layout", .known = acc_layouts_known,
	  .def = "page, line, seq, first_touch", .help = "comma list of page, line, seq, first_touch" },
	ACC_COMMON_KEYS,
};

static const struct cfg_key map_keys[] = {
	{ .name = "layouts", .type = CFG_NAMES, CFG_FIELD(struct acc_section, layouts),
	  .lookup = map_layout_by_name, .what = "layout", .known = map_layouts_known,
	  .def = "page, line", .help = "page and/or line" },
	ACC_COMMON_KEYS,
};

/* One section of each kind: every point is one row. */
static int plan_one(struct plan *p, const struct section *sec, unsigned a, unsigned pat,
		    unsigned view, uint64_t bytes)
{
	struct point pt;

	memset(&pt, 0, sizeof(pt));
	pt.sec = sec;
	pt.allocator = a;
	pt.op = pat;
	pt.gfp = view;
	pt.bytes = bytes;
	return plan_add(p, &pt);
}

static int acc_plan(const struct config *cfg, const struct section *sec, struct plan *p)
{
	const struct acc_section *s = sec->priv;

	(void)cfg;
	for (unsigned a = 0; a < ALLOCBENCH_NR_ALLOCATORS; a++)
		for (unsigned pat = 1; pat < ALLOCBENCH_NR_PATTERNS; pat++)
			for (size_t i = 0; i < s->sizes.n; i++)
				if ((s->allocators & (1U << a)) && (s->layouts & PAT_BIT(pat)) &&
				    plan_one(p, sec, a, pat, ALLOCBENCH_VIEW_NATIVE, s->sizes.v[i]))
					return -1;
	return 0;
}

/* The three mappings of [mapping], in output order. */
struct map_kind {
	const char *name;
	unsigned allocator, view;
};
static const struct map_kind map_kinds[] = {
	{ "direct", ALLOCBENCH_VMAP, ALLOCBENCH_VIEW_DIRECT },
	{ "vmap", ALLOCBENCH_VMAP, ALLOCBENCH_VIEW_NATIVE },
	{ "vmalloc_huge", ALLOCBENCH_VMALLOC_HUGE, ALLOCBENCH_VIEW_NATIVE },
};
#define NMAP ARRAY_SIZE(map_kinds)

static int map_plan(const struct config *cfg, const struct section *sec, struct plan *p)
{
	const struct acc_section *s = sec->priv;

	(void)cfg;
	for (size_t k = 0; k < NMAP; k++)
		for (unsigned pat = 1; pat < ALLOCBENCH_NR_PATTERNS; pat++)
			for (size_t i = 0; i < s->sizes.n; i++)
				if ((s->layouts & PAT_BIT(pat)) &&
				    plan_one(p, sec, map_kinds[k].allocator, pat, map_kinds[k].view,
					     s->sizes.v[i]))
					return -1;
	return 0;
}

/* ---- run ---- */

struct acc_slot {
	uint32_t allocator, pattern, view;
	uint64_t bytes;
	struct samples passes;		/* ns per step of each pass (seq: ns per 8-byte load) */
	uint64_t steps_per_pass;
	uint64_t mapped[4];		/* 4k, 2m, 1g, other */
	int levels_ok, levels_status;
	int pmu_status, pmu_seen;
	uint64_t dtlb, dtlb_steps;
	unsigned unsupported, skipped, failed, measured, migrated;
};

struct acc_state {
	struct acc_slot *slots;
	size_t n;
	int fatal;
};

static int acc_slot_cmp(const void *a, const void *b)
{
	const struct acc_slot *x = a, *y = b;

	if (x->allocator != y->allocator)
		return x->allocator < y->allocator ? -1 : 1;
	if (x->view != y->view)
		return x->view > y->view ? -1 : 1;	/* direct before native */
	if (x->pattern != y->pattern)
		return x->pattern < y->pattern ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? -1 : 1;
	return 0;
}

static int run_begin(struct run_ctx *ctx, int idx, const struct plan *p,
		     const struct experiment_kind *kind)
{
	struct acc_state *st = calloc(1, sizeof(*st));
	size_t n = 0;

	if (!st)
		return -1;
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].sec->kind == kind && p->v[i].repeat == 0)
			n++;
	st->slots = calloc(n ? n : 1, sizeof(*st->slots));
	if (!st->slots) {
		free(st);
		return -1;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct point *pt = &p->v[i];
		struct acc_slot *s;

		if (pt->sec->kind != kind || pt->repeat != 0)
			continue;
		s = &st->slots[st->n++];
		s->allocator = pt->allocator;
		s->pattern = pt->op;
		s->view = pt->gfp;
		s->bytes = pt->bytes;
		s->pmu_status = -EOPNOTSUPP;
	}
	qsort(st->slots, st->n, sizeof(*st->slots), acc_slot_cmp);
	ctx->state[idx] = st;
	return 0;
}

static int acc_run_begin(struct run_ctx *ctx, int idx, const struct plan *p)
{
	return run_begin(ctx, idx, p, &exp_access);
}

static int map_run_begin(struct run_ctx *ctx, int idx, const struct plan *p)
{
	return run_begin(ctx, idx, p, &exp_mapping);
}

static int device_access(struct device *d, struct allocbench_access *a)
{
	a->size = sizeof(*a);
	return device_ioctl(d, ALLOCBENCH_IOC_ACCESS, a);
}

/* The slot of a point, or NULL when the point is not this kind's. */
static struct acc_slot *slot_of(struct acc_state *st, const struct point *pt)
{
	struct acc_slot key;

	memset(&key, 0, sizeof(key));
	key.allocator = pt->allocator;
	key.pattern = pt->op;
	key.view = pt->gfp;
	key.bytes = pt->bytes;
	return bsearch(&key, st->slots, st->n, sizeof(*st->slots), acc_slot_cmp);
}

/* 1 when the point cannot be measured here (counted as unsupported or skipped in its slot). */
static int not_measurable(struct run_ctx *ctx, const struct point *pt, struct acc_slot *sl)
{
	if (!device_has_allocator(ctx->dev, pt->allocator) ||
	    (ctx->dev->alloc_known[pt->allocator] &&
	     pt->bytes > ctx->dev->alloc[pt->allocator].max_bytes)) {
		sl->unsupported++;
		return 1;
	}
	if (config_over_mem_cap(&ctx->cfg->run, pt->bytes, 1)) {
		sl->skipped++;
		return 1;
	}
	return 0;
}

/*
 * One ACCESS request for the point, the passes' ticks in buf. 0 when the
 * module answered; 1 when it could not serve the point (counted in the
 * slot); -1 to stop the run (interrupted, or an error, said why).
 */
static int request_access(struct run_ctx *ctx, struct acc_state *st, const struct point *pt,
			  struct acc_slot *sl, struct allocbench_access *r, uint64_t *buf)
{
	const struct acc_section *as = pt->sec->priv;
	char h[32];
	int err;

	memset(r, 0, sizeof(*r));
	r->allocator = pt->allocator;
	r->pattern = pt->op;
	r->view = pt->gfp;
	r->bytes = pt->bytes;
	r->seed = (as->seed_set ? as->seed : ctx->cfg->run.seed) + pt->repeat;
	r->min_steps = as->min_steps;
	r->passes = as->passes;
	r->flags = as->pmu ? ALLOCBENCH_ACCESS_PMU : 0;
	r->samples = (uint64_t)(uintptr_t)buf;
	r->samples_cap = ALLOCBENCH_MAX_PASSES;
	err = device_access(ctx->dev, r);
	switch (err) {
	case 0:
		return 0;
	case -EOPNOTSUPP:
	case -ERANGE:
		sl->unsupported++;
		return 1;
	case -ENOMEM:
		sl->skipped++;
		return 1;
	case -EINTR:	/* SIGINT/SIGTERM, or device_ioctl() gave up and said why */
		return -1;
	default:
		ab_err("ACCESS %s %s view %u size %s failed: %s (runner and module disagree on the ABI? "
		       "rebuild both from one tree)", allocator_name(pt->allocator),
		       access_layout_name(pt->op), pt->gfp, size_format(pt->bytes, h, sizeof(h)),
		       strerror(-err));
		st->fatal = 1;
		return -1;
	}
}

/* What a measured request says besides its passes: mapping levels, dTLB misses. */
static void record_counters(struct acc_slot *sl, const struct allocbench_access *r)
{
	sl->measured++;
	sl->steps_per_pass = r->steps_per_pass;
	if (r->out_flags & ALLOCBENCH_ACCESS_OUT_LEVELS) {
		sl->levels_ok = 1;
		sl->mapped[0] = r->mapped_4k_bytes;
		sl->mapped[1] = r->mapped_2m_bytes;
		sl->mapped[2] = r->mapped_1g_bytes;
		sl->mapped[3] = r->mapped_other_bytes;
	}
	sl->levels_status = r->levels_status;
	if (r->out_flags & ALLOCBENCH_ACCESS_OUT_DTLB) {
		sl->dtlb += r->dtlb_load_misses;
		sl->dtlb_steps += (uint64_t)r->samples_written * r->steps_per_pass;
		if (!sl->pmu_seen)
			sl->pmu_status = 0;
	} else {
		sl->pmu_status = r->pmu_status ? r->pmu_status : -ENODATA;
	}
	sl->pmu_seen = 1;
}

/* The passes of a measured request: ns per step into the slot, raw ticks into samples.csv.gz. 0 or -1. */
static int record_passes(struct run_ctx *ctx, const struct point *pt, struct acc_slot *sl,
			 const struct allocbench_access *r, const uint64_t *buf, const char *prefix)
{
	const struct allocbench_info *in = &ctx->dev->info;

	for (uint32_t i = 0; i < r->samples_written && i < r->samples_cap; i++) {
		double ns = access_ns_per_step(in, buf[i], r->chunks_per_pass, r->steps_per_pass);

		if (samples_push(&sl->passes, ns))
			return -1;
		if (!ctx->samples)
			continue;
		if (gzprintf(ctx->samples, "%s,%s_%s,%s,%" PRIu64 ",pass,%" PRIu64 ",%u,0,%u,%" PRIu64 "\n",
			     allocator_name(pt->allocator), prefix, access_layout_name(pt->op),
			     pt->gfp == ALLOCBENCH_VIEW_DIRECT ? "direct" : "native", pt->bytes,
			     (uint64_t)r->steps_per_pass, pt->repeat, i, (uint64_t)buf[i]) <= 0)
			return -1;
		ctx->samples_rows++;
	}
	return 0;
}

/* One point of [access] or [mapping]; prefix names the kind in samples.csv.gz. 0, or -1 to stop the run. */
static int access_run_point(struct run_ctx *ctx, int idx, const struct point *pt, const char *prefix)
{
	struct acc_state *st = ctx->state[idx];
	struct acc_slot *sl = slot_of(st, pt);
	struct allocbench_access r;
	uint64_t buf[ALLOCBENCH_MAX_PASSES];
	int rc;

	if (!sl || not_measurable(ctx, pt, sl))
		return 0;
	rc = request_access(ctx, st, pt, sl, &r, buf);
	if (rc)
		return rc < 0 ? -1 : 0;
	if (r.out_flags & ALLOCBENCH_OUT_MIGRATED)
		sl->migrated++;
	if (!r.samples_written) {
		sl->failed++;
		return ab_stop ? -1 : 0;
	}
	record_counters(sl, &r);
	if (record_passes(ctx, pt, sl, &r, buf, prefix))
		return -1;
	return ab_stop ? -1 : 0;
}

static int acc_run_point(struct run_ctx *ctx, int idx, const struct point *pt)
{
	return access_run_point(ctx, idx, pt, "access");
}

static int map_run_point(struct run_ctx *ctx, int idx, const struct point *pt)
{
	return access_run_point(ctx, idx, pt, "mapping");
}

static const char *slot_status(const struct acc_slot *s)
{
	if (s->passes.n)
		return "ok";
	if (s->unsupported)
		return "unsupported";
	if (s->skipped && !s->failed)
		return "skipped";
	return "failed";
}

struct figures {
	int have;
	struct stats st;
};

static void slot_stats(struct acc_slot *s, struct figures *f)
{
	memset(f, 0, sizeof(*f));
	if (s->passes.n) {
		double *t = malloc(s->passes.n * sizeof(*t));

		if (!t)
			return;
		memcpy(t, s->passes.v, s->passes.n * sizeof(*t));
		f->have = stats_compute(t, s->passes.n, &f->st) == 0;
		free(t);
	}
}

static void put_triple(struct csv_writer *w, int *rc, int on, double a, double b, double c)
{
	if (on) {
		*rc |= csv_double(w, a);
		*rc |= csv_double(w, b);
		*rc |= csv_double(w, c);
	} else {
		*rc |= csv_empty(w) | csv_empty(w) | csv_empty(w);
	}
}

static void put_common_tail(struct csv_writer *w, int *rc, const struct allocbench_info *in,
			    const struct acc_slot *s, const struct figures *f, int cycles_on)
{
	char pmu[256];

	if (f->have && cycles_on && in->timer_kind == ALLOCBENCH_TIMER_TSC)
		*rc |= csv_double(w, f->st.p50 * (double)in->timer_hz / 1e9);
	else
		*rc |= csv_empty(w);
	for (int i = 0; i < 4; i++) {
		if (s->levels_ok)
			*rc |= csv_u64(w, s->mapped[i]);
		else
			*rc |= csv_empty(w);
	}
	if (s->dtlb_steps && !s->pmu_status)
		*rc |= csv_double(w, (double)s->dtlb / (double)s->dtlb_steps);
	else
		*rc |= csv_empty(w);
	if (!s->pmu_seen)
		snprintf(pmu, sizeof(pmu), "unavailable: not measured");
	else
		access_pmu_text(s->pmu_status, pmu, sizeof(pmu));
	*rc |= csv_str(w, pmu);
}

static const char *const acc_columns[] = {
	"schema_version", "allocator", "view", "layout", "working_set_bytes", "status", "passes",
	"steps_per_pass", "ns_per_access_p10", "ns_per_access_p50", "ns_per_access_p90",
	"bytes_per_ns_p10", "bytes_per_ns_p50", "bytes_per_ns_p90", "ns_per_page_p10",
	"ns_per_page_p50", "ns_per_page_p90", "cycles_per_access_p50", "mapped_4k_bytes",
	"mapped_2m_bytes", "mapped_1g_bytes", "mapped_other_bytes", "dtlb_misses_per_access",
	"pmu_status",
};
#define ACC_NCOLS ARRAY_SIZE(acc_columns)

static int acc_write_row(struct csv_writer *w, const struct allocbench_info *in, struct acc_slot *s)
{
	struct figures f;
	int rc = 0, chase, seq, ft;

	slot_stats(s, &f);
	chase = s->pattern == ALLOCBENCH_PATTERN_PAGE || s->pattern == ALLOCBENCH_PATTERN_LINE;
	seq = s->pattern == ALLOCBENCH_PATTERN_SEQ;
	ft = s->pattern == ALLOCBENCH_PATTERN_FIRST_TOUCH;
	rc |= csv_u64(w, ACC_SCHEMA_VERSION);
	rc |= csv_str(w, allocator_name(s->allocator));
	rc |= csv_str(w, s->view == ALLOCBENCH_VIEW_DIRECT ? "direct" : "native");
	rc |= csv_str(w, access_layout_name(s->pattern));
	rc |= csv_u64(w, s->bytes);
	rc |= csv_str(w, slot_status(s));
	rc |= csv_u64(w, s->passes.n);
	if (f.have)
		rc |= csv_u64(w, s->steps_per_pass);
	else
		rc |= csv_empty(w);
	put_triple(w, &rc, f.have && chase, f.st.p10, f.st.p50, f.st.p90);
	/* seq: a step is an 8-byte load; bytes/ns is 8 / (ns per load), so p10 <-> p90. */
	put_triple(w, &rc, f.have && seq, 8.0 / f.st.p90, 8.0 / f.st.p50, 8.0 / f.st.p10);
	put_triple(w, &rc, f.have && ft, f.st.p10, f.st.p50, f.st.p90);
	put_common_tail(w, &rc, in, s, &f, !seq);
	rc |= csv_end_row(w);
	return rc ? -1 : 0;
}

static const char *const map_columns[] = {
	"schema_version", "mapping", "layout", "working_set_bytes", "status", "passes",
	"steps_per_pass", "ns_per_access_p10", "ns_per_access_p50", "ns_per_access_p90",
	"cycles_per_access_p50", "mapped_4k_bytes", "mapped_2m_bytes", "mapped_1g_bytes",
	"mapped_other_bytes", "dtlb_misses_per_access", "pmu_status", "ratio_over_direct",
	"ratio_vmap_over_direct",
};
#define MAP_NCOLS ARRAY_SIZE(map_columns)

static const char *map_name(const struct acc_slot *s)
{
	for (size_t k = 0; k < NMAP; k++)
		if (map_kinds[k].allocator == s->allocator && map_kinds[k].view == s->view)
			return map_kinds[k].name;
	return "unknown";
}

static struct acc_slot *find_slot(struct acc_state *st, unsigned a, unsigned view, unsigned pat,
				  uint64_t bytes)
{
	struct acc_slot key;

	memset(&key, 0, sizeof(key));
	key.allocator = a;
	key.view = view;
	key.pattern = pat;
	key.bytes = bytes;
	return bsearch(&key, st->slots, st->n, sizeof(*st->slots), acc_slot_cmp);
}

static double slot_p50(struct acc_slot *s)
{
	struct figures f;

	if (!s)
		return NAN;
	slot_stats(s, &f);
	return f.have ? f.st.p50 : NAN;
}

static int map_write_row(struct csv_writer *w, const struct allocbench_info *in,
			 struct acc_state *st, struct acc_slot *s)
{
	struct figures f;
	double direct, vmap;
	int rc = 0;

	slot_stats(s, &f);
	direct = slot_p50(find_slot(st, ALLOCBENCH_VMAP, ALLOCBENCH_VIEW_DIRECT, s->pattern, s->bytes));
	vmap = slot_p50(find_slot(st, ALLOCBENCH_VMAP, ALLOCBENCH_VIEW_NATIVE, s->pattern, s->bytes));
	rc |= csv_u64(w, ACC_SCHEMA_VERSION);
	rc |= csv_str(w, map_name(s));
	rc |= csv_str(w, access_layout_name(s->pattern));
	rc |= csv_u64(w, s->bytes);
	rc |= csv_str(w, slot_status(s));
	rc |= csv_u64(w, s->passes.n);
	if (f.have)
		rc |= csv_u64(w, s->steps_per_pass);
	else
		rc |= csv_empty(w);
	put_triple(w, &rc, f.have, f.st.p10, f.st.p50, f.st.p90);
	put_common_tail(w, &rc, in, s, &f, 1);
	rc |= csv_double(w, access_ratio(f.have ? f.st.p50 : NAN, direct));
	rc |= csv_double(w, access_ratio(vmap, direct));
	rc |= csv_end_row(w);
	return rc ? -1 : 0;
}

static void free_state(struct acc_state *st)
{
	for (size_t i = 0; i < st->n; i++)
		samples_free(&st->slots[i].passes);
	free(st->slots);
	free(st);
}

static int run_end(struct run_ctx *ctx, int idx, int commit, const struct experiment_kind *kind)
{
	struct acc_state *st = ctx->state[idx];
	int mapping = kind == &exp_mapping;
	char path[4096];
	struct csv_writer *w;
	unsigned migrated = 0;
	int rc = 0;

	if (!st)
		return 0;
	ctx->state[idx] = NULL;
	if (!commit || st->fatal || !st->n) {
		int fatal = st->fatal;

		free_state(st);
		return commit && fatal ? -1 : 0;
	}
	snprintf(path, sizeof(path), "%s/%s", ctx->dir, kind->csv_name);
	w = mapping ? csv_create(path, map_columns, MAP_NCOLS) : csv_create(path, acc_columns, ACC_NCOLS);
	if (!w) {
		ab_err("cannot create %s.tmp: %s", path, strerror(errno));
		free_state(st);
		return -1;
	}
	/* mapping.csv in the order direct, vmap, vmalloc_huge. */
	if (mapping) {
		for (size_t k = 0; k < NMAP && !rc; k++)
			for (size_t i = 0; i < st->n && !rc; i++) {
				struct acc_slot *s = &st->slots[i];

				if (s->allocator == map_kinds[k].allocator && s->view == map_kinds[k].view)
					rc = map_write_row(w, &ctx->dev->info, st, s);
			}
	} else {
		for (size_t i = 0; i < st->n && !rc; i++)
			rc = acc_write_row(w, &ctx->dev->info, &st->slots[i]);
	}
	for (size_t i = 0; i < st->n; i++)
		migrated += st->slots[i].migrated;
	if (rc) {
		ab_err("writing %s failed: %s", path, strerror(errno));
		csv_abort(w);
	} else if (csv_commit(w)) {
		ab_err("cannot commit %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (migrated)
		ab_err("warning: %u access requests moved to another CPU while measuring", migrated);
	free_state(st);
	return rc;
}

static int acc_run_end(struct run_ctx *ctx, int idx, int commit)
{
	return run_end(ctx, idx, commit, &exp_access);
}

static int map_run_end(struct run_ctx *ctx, int idx, int commit)
{
	return run_end(ctx, idx, commit, &exp_mapping);
}

static void acc_describe(const struct point *pt, char *buf, size_t len)
{
	char h[32];

	snprintf(buf, len, "%s %s%s %s", pt->sec->kind->name, allocator_name(pt->allocator),
		 pt->gfp == ALLOCBENCH_VIEW_DIRECT ? " (direct map)" : "",
		 access_layout_name(pt->op));
	snprintf(buf + strlen(buf), len - strlen(buf), " %s", size_format(pt->bytes, h, sizeof(h)));
}

const struct experiment_kind exp_access = {
	.name = "access",
	.summary = "ns per access of each allocator's memory (page/line chase, seq read, first touch) -> access.csv",
	.csv_name = "access.csv",
	.section_size = sizeof(struct acc_section),
	.keys = acc_keys,
	.nkeys = ARRAY_SIZE(acc_keys),
	.finish = key_single_section,
	.plan = acc_plan,
	.run_begin = acc_run_begin,
	.run_point = acc_run_point,
	.run_end = acc_run_end,
	.describe = acc_describe,
};

const struct experiment_kind exp_mapping = {
	.name = "mapping",
	.summary = "the same pages via the direct map, vmap() and vmalloc_huge: the mapping's cost -> mapping.csv",
	.csv_name = "mapping.csv",
	.section_size = sizeof(struct acc_section),
	.keys = map_keys,
	.nkeys = ARRAY_SIZE(map_keys),
	.finish = key_single_section,
	.plan = map_plan,
	.run_begin = map_run_begin,
	.run_point = map_run_point,
	.run_end = map_run_end,
	.describe = acc_describe,
};
