// SPDX-License-Identifier: GPL-2.0
/*
 * [probe]: the largest allocation each allocator serves right now, found by
 * measurement: RUN with op alloc, one real allocation per try, doubling from
 * 4K then bisecting (to the page, to the byte for slab allocators), never
 * above a cap taken from MemAvailable. Writes probe.csv, the kernel's
 * theoretical limits beside it (limits.csv), and a summary of the vmalloc
 * address space from /proc/vmallocinfo (vmalloc.csv).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "allocbench.h"
#include "config.h"
#include "config_keys.h"
#include "csv.h"
#include "device.h"
#include "experiment.h"
#include "limit_search.h"
#include "limits_run.h"
#include "names.h"
#include "plan.h"
#include "sizes.h"
#include "util.h"

#define PROBE_SCHEMA_VERSION	1
#define SLAB_ALLOCATORS		((1U << ALLOCBENCH_KMALLOC) | (1U << ALLOCBENCH_KZALLOC) | \
				 (1U << ALLOCBENCH_KMEM_CACHE))

struct probe_section {
	uint32_t allocators;
	uint32_t gfp;		/* enum allocbench_gfp */
	unsigned cap_percent;	/* of MemAvailable */
	int byte_gran;		/* granularity = byte: every allocator to the byte */
	unsigned count;		/* allocations per try */
};

static int parse_probe_gfp(const struct cfg_key *k, void *obj, const char *value, int line,
			   char *err, size_t errlen)
{
	struct probe_section *s = obj;
	int g = gfp_by_name(value);

	(void)k;
	(void)line;
	if (g < 0 || g == ALLOCBENCH_GFP_ATOMIC) {
		snprintf(err, errlen, "bad gfp '%s' for [probe] (expected noretry, nowait or kernel)", value);
		return -1;
	}
	s->gfp = (uint32_t)g;
	return 0;
}

static int parse_granularity(const struct cfg_key *k, void *obj, const char *value, int line,
			     char *err, size_t errlen)
{
	struct probe_section *s = obj;

	(void)k;
	(void)line;
	if (!strcmp(value, "page")) {
		s->byte_gran = 0;
	} else if (!strcmp(value, "byte")) {
		s->byte_gran = 1;
	} else {
		snprintf(err, errlen, "bad granularity '%s' (expected page or byte)", value);
		return -1;
	}
	return 0;
}

static const struct cfg_key probe_keys[] = {
	{ .name = "allocators", CFG_ALLOCATORS(struct probe_section, allocators),
	  .def = "all", .help = "comma list of allocator names, or all" },
	{ .name = "gfp", .type = CFG_CUSTOM, CFG_FIELD(struct probe_section, gfp), .parse = parse_probe_gfp,
	  .def = "noretry", .help = "one profile: noretry, nowait or kernel" },
	{ .name = "cap_percent", CFG_NUMBER(struct probe_section, cap_percent, 1, 90), .def = "50",
	  .help = "no size tried above this share of MemAvailable" },
	{ .name = "granularity", .type = CFG_CUSTOM, CFG_FIELD(struct probe_section, byte_gran),
	  .parse = parse_granularity, .def = "page", .help = "page or byte: how close the bisection gets" },
	{ .name = "count", CFG_NUMBER(struct probe_section, count, 1, 8), .def = "1",
	  .help = "allocations per tried size, all must succeed" },
};

static int probe_plan(const struct config *cfg, const struct section *sec, struct plan *p)
{
	const struct probe_section *s = sec->priv;
	struct point pt;

	(void)cfg;
	memset(&pt, 0, sizeof(pt));
	pt.sec = sec;
	pt.gfp = s->gfp;
	for (unsigned a = 0; a < ALLOCBENCH_NR_ALLOCATORS; a++) {
		if (!(s->allocators & (1U << a)))
			continue;
		pt.allocator = a;
		if (plan_add(p, &pt))
			return -1;
	}
	return 0;
}

struct probe_row {
	int used;
	uint32_t gfp;
	struct limit_result res;
	uint64_t cap;
	const char *note;
};

struct probe_state {
	struct probe_row rows[ALLOCBENCH_NR_ALLOCATORS];
	uint64_t mem_available;		/* at the first probe */
	int any;
};

static int probe_run_begin(struct run_ctx *ctx, int idx, const struct plan *p)
{
	struct probe_state *st;

	(void)p;
	st = calloc(1, sizeof(*st));
	if (!st)
		return -1;
	ctx->state[idx] = st;
	return 0;
}

struct try_ctx {
	struct run_ctx *run;
	const struct point *pt;
	const struct probe_section *s;
	int unsupported;
};

static enum limit_try probe_try(void *priv, uint64_t bytes)
{
	struct try_ctx *t = priv;
	uint64_t samples[8];
	struct allocbench_run r;
	int rc;

	if (ab_stop)
		return LIMIT_TRY_ERROR;
	memset(&r, 0, sizeof(r));
	r.allocator = t->pt->allocator;
	r.op = ALLOCBENCH_OP_ALLOC;
	r.gfp = t->pt->gfp;
	r.bytes = bytes;
	r.count = t->s->count;
	r.batch = 1;
	r.samples = (uint64_t)(uintptr_t)samples;
	r.samples_cap = t->s->count;
	rc = device_run(t->run->dev, &r);
	if (t->run->verbose)
		fprintf(stderr, "probe %s %" PRIu64 ": rc=%d failures=%u flags=%#x\n",
			allocator_name(t->pt->allocator), bytes, rc, r.failures, r.out_flags);
	switch (rc) {
	case 0:
		break;
	case -ENOMEM:	/* the module's own cap: half of MemAvailable */
	case -E2BIG:	/* above total RAM */
		return LIMIT_TRY_CAPPED;
	case -EOPNOTSUPP:
		t->unsupported = 1;
		return LIMIT_TRY_ERROR;
	case -EINTR:	/* SIGINT/SIGTERM, or device_ioctl() gave up and said why */
		return LIMIT_TRY_ERROR;
	default:
		ab_err("probe: RUN %s %" PRIu64 " bytes failed: %s", allocator_name(t->pt->allocator),
		       bytes, strerror(-rc));
		return LIMIT_TRY_ERROR;
	}
	if (r.out_flags & ALLOCBENCH_OUT_NOT_ATTEMPTED)
		return LIMIT_TRY_NOT_ATTEMPTED;
	return r.failures ? LIMIT_TRY_FAIL : LIMIT_TRY_OK;
}

static int probe_run_point(struct run_ctx *ctx, int idx, const struct point *pt)
{
	struct probe_state *st = ctx->state[idx];
	const struct probe_section *s = pt->sec->priv;
	const struct allocbench_info *in = &ctx->dev->info;
	struct probe_row *row = &st->rows[pt->allocator];
	struct try_ctx t = { ctx, pt, s, 0 };
	uint64_t avail = mem_available_bytes(), cap, gran, page = in->page_size;

	if (pt->repeat || row->used)
		return 0;
	row->used = 1;
	row->gfp = pt->gfp;
	if (!st->any) {
		st->mem_available = avail;
		st->any = 1;
	}
	cap = (uint64_t)((double)avail * s->cap_percent / 100.0);
	if (cap > in->totalram_bytes)
		cap = in->totalram_bytes;
	cap -= cap % page;
	row->cap = cap;
	if (!device_has_allocator(ctx->dev, pt->allocator)) {
		row->res.status = LIMIT_ERROR;
		row->note = "unsupported";
		return 0;
	}
	gran = (s->byte_gran || (SLAB_ALLOCATORS & (1U << pt->allocator))) ? 1 : page;
	if (limit_search(page, cap, gran, probe_try, &t, &row->res)) {
		if (t.unsupported)
			row->note = "unsupported";
		return ab_stop ? -1 : 0;
	}
	return 0;
}

static const char *const probe_cols[] = {
	"schema_version", "allocator", "gfp", "largest_ok_bytes", "first_fail_bytes", "attempts",
	"status", "cap_bytes", "documented_max_bytes",
};

static int write_probe(struct run_ctx *ctx, struct probe_state *st)
{
	char path[4200];
	struct csv_writer *w;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/probe.csv", ctx->dir);
	w = csv_create(path, probe_cols, ARRAY_SIZE(probe_cols));
	if (!w) {
		ab_err("cannot create %s.tmp: %s", path, strerror(errno));
		return -1;
	}
	for (unsigned a = 0; a < ALLOCBENCH_NR_ALLOCATORS; a++) {
		const struct probe_row *r = &st->rows[a];

		if (!r->used)
			continue;
		rc |= csv_u64(w, PROBE_SCHEMA_VERSION);
		rc |= csv_str(w, allocator_name(a));
		rc |= csv_str(w, gfp_name(r->gfp));
		if (r->res.largest_ok)
			rc |= csv_u64(w, r->res.largest_ok);
		else
			rc |= csv_empty(w);
		if (r->res.first_fail)
			rc |= csv_u64(w, r->res.first_fail);
		else
			rc |= csv_empty(w);
		rc |= csv_u64(w, r->res.attempts);
		rc |= csv_str(w, r->note ? r->note : limit_status_name(r->res.status));
		rc |= csv_u64(w, r->cap);
		if (ctx->dev->alloc_known[a])
			rc |= csv_u64(w, ctx->dev->alloc[a].max_bytes);
		else
			rc |= csv_empty(w);
		rc |= csv_end_row(w);
	}
	return csv_commit_or_abort(w, path, rc);
}

static const char *const limit_cols[] = { "name", "value", "bytes", "note" };

static int limit_row(struct csv_writer *w, const char *name, uint64_t value, uint64_t bytes,
		     const char *note)
{
	int rc = 0;

	rc |= csv_str(w, name);
	rc |= csv_u64(w, value);
	rc |= csv_u64(w, bytes);
	rc |= csv_str(w, note);
	rc |= csv_end_row(w);
	return rc;
}

/* The kernel's own limits, as INFO reports them, and the folk formula. */
static int write_limits(struct run_ctx *ctx, struct probe_state *st)
{
	const struct allocbench_info *in = &ctx->dev->info;
	const char *kind = max_order_kind_name(in->max_order_kind);
	uint64_t ps = in->page_size, formula = ps << in->max_order_const;
	char path[4200], note[256];
	struct csv_writer *w;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/limits.csv", ctx->dir);
	w = csv_create(path, limit_cols, 4);
	if (!w) {
		ab_err("cannot create %s.tmp: %s", path, strerror(errno));
		return -1;
	}
	rc |= limit_row(w, "page_size", ps, ps, "PAGE_SIZE");
	rc |= limit_row(w, "kmalloc_max_cache_size", in->kmalloc_max_cache_size,
			in->kmalloc_max_cache_size, "KMALLOC_MAX_CACHE_SIZE: largest kmalloc served by a slab cache");
	rc |= limit_row(w, "kmalloc_max_size", in->kmalloc_max_size, in->kmalloc_max_size,
			"KMALLOC_MAX_SIZE: largest kmalloc (one buddy block of the largest order)");
	rc |= limit_row(w, "max_order", in->max_order, ps << in->max_order,
			"largest buddy order served (inclusive) and its block size PAGE_SIZE << order");
	snprintf(note, sizeof(note), "%s = %u (%s): the formula 2^%s x PAGE_SIZE gives %s",
		 in->max_order_kind == ALLOCBENCH_MAX_PAGE_ORDER ? "MAX_PAGE_ORDER" : "MAX_ORDER",
		 in->max_order_const, kind ? kind : "unknown",
		 in->max_order_kind == ALLOCBENCH_MAX_PAGE_ORDER ? "MAX_PAGE_ORDER" : "MAX_ORDER",
		 formula == (ps << in->max_order) ? "the real largest block" :
		 "twice the real largest block (the constant is exclusive)");
	rc |= limit_row(w, "formula_2pow_max_order_x_page_size", in->max_order_const, formula, note);
	rc |= limit_row(w, "pmd_size", in->pmd_size, in->pmd_size, "PMD_SIZE (vmalloc_huge mapping)");
	rc |= limit_row(w, "vmalloc_total", in->vmalloc_total, in->vmalloc_total,
			"VMALLOC_END - VMALLOC_START: the vmalloc address range");
	rc |= limit_row(w, "totalram", in->totalram_bytes, in->totalram_bytes, "total RAM (totalram_pages)");
	rc |= limit_row(w, "mem_available", st->mem_available, st->mem_available,
			"MemAvailable when the probe started");
	return csv_commit_or_abort(w, path, rc);
}

static int write_vmalloc(struct run_ctx *ctx)
{
	const struct allocbench_info *in = &ctx->dev->info;
	struct vmalloc_summary vs;
	struct lim_kv kv;
	char path[4200];
	int raised;
	char *text = lim_read_vmallocinfo(&raised);

	snprintf(path, sizeof(path), "%s/vmalloc.csv", ctx->dir);
	if (lim_kv_open(&kv, path)) {
		free(text);
		return -1;
	}
	lim_kv_u64(&kv, "vmalloc_total_bytes", in->vmalloc_total);
	lim_kv_u64(&kv, "totalram_bytes", in->totalram_bytes);
	lim_kv_u64(&kv, "pointer_bits", sizeof(void *) * 8);
	if (!text || vmallocinfo_summarize(text, &vs)) {
		lim_kv_str(&kv, "vmallocinfo", "unreadable (needs root)");
	} else {
		lim_kv_str(&kv, "vmallocinfo", "read");
		lim_kv_u64(&kv, "areas", vs.areas);
		lim_kv_u64(&kv, "used_bytes", vs.used_bytes);
		lim_kv_str(&kv, "addresses", vs.addresses_real ?
			   (raised ? "real (kptr_restrict raised to 1 for the read)" : "real") :
			   "hashed (kptr_restrict): no gaps");
		if (vs.addresses_real) {
			lim_kv_u64(&kv, "largest_gap_bytes", vs.largest_gap);
			lim_kv_u64(&kv, "span_bytes", vs.span);
			lim_kv_u64(&kv, "unused_bytes", in->vmalloc_total > vs.used_bytes ?
				   in->vmalloc_total - vs.used_bytes : 0);
		}
	}
	free(text);
	return lim_kv_commit(&kv);
}

static int probe_run_end(struct run_ctx *ctx, int idx, int commit)
{
	struct probe_state *st = ctx->state[idx];
	int rc = 0;

	if (!st)
		return 0;
	ctx->state[idx] = NULL;
	if (commit && st->any) {
		rc |= write_probe(ctx, st);
		rc |= write_limits(ctx, st);
		rc |= write_vmalloc(ctx);
	}
	free(st);
	return rc ? -1 : 0;
}

const struct experiment_kind exp_probe = {
	.name = "probe",
	.summary = "largest allocation each allocator serves now (doubling + bisection) -> probe.csv, limits.csv, vmalloc.csv",
	.csv_name = "probe.csv",
	.section_size = sizeof(struct probe_section),
	.keys = probe_keys,
	.nkeys = ARRAY_SIZE(probe_keys),
	.finish = key_single_section,
	.plan = probe_plan,
	.run_begin = probe_run_begin,
	.run_point = probe_run_point,
	.run_end = probe_run_end,
};
