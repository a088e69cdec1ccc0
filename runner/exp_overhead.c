// SPDX-License-Identifier: GPL-2.0
/*
 * [overhead]: memory one allocation really consumes, per allocator and size
 * (ALLOCBENCH_IOC_FOOTPRINT): slab rounding (ksize), whole orders of the
 * buddy allocator, pages + guard + page tables + descriptors of vmalloc.
 * Writes overhead.csv.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocbench.h"
#include "config.h"
#include "config_keys.h"
#include "csv.h"
#include "device.h"
#include "experiment.h"
#include "limits_run.h"
#include "names.h"
#include "plan.h"
#include "sizes.h"
#include "util.h"

#define OVH_SCHEMA_VERSION	1
#define OVH_DEFAULT_SIZES \
	"8..4M x2, 24, 100, 200, 1000, 3000, 5000, 9000, 12K, 20000, 100000, 300000, 1000000, 3000000"

struct ovh_section {
	uint32_t allocators;
	struct size_list sizes;
};

static const struct cfg_key ovh_keys[] = {
	{ .name = "allocators", CFG_ALLOCATORS(struct ovh_section, allocators),
	  .def = "all", .help = "comma list of allocator names, or all" },
	{ .name = "sizes", .type = CFG_SIZES, CFG_FIELD(struct ovh_section, sizes), .def = OVH_DEFAULT_SIZES,
	  .help = "comma list of sizes and ranges" },
};

static int ovh_plan(const struct config *cfg, const struct section *sec, struct plan *p)
{
	const struct ovh_section *s = sec->priv;
	struct point pt;

	(void)cfg;
	memset(&pt, 0, sizeof(pt));
	pt.sec = sec;
	pt.gfp = ALLOCBENCH_GFP_KERNEL;
	for (unsigned a = 0; a < ALLOCBENCH_NR_ALLOCATORS; a++) {
		if (!(s->allocators & (1U << a)))
			continue;
		for (size_t i = 0; i < s->sizes.n; i++) {
			pt.allocator = a;
			pt.bytes = s->sizes.v[i];
			if (plan_add(p, &pt))
				return -1;
		}
	}
	return 0;
}

struct ovh_row {
	uint32_t allocator;
	uint64_t bytes;
	const char *status;
	struct allocbench_footprint fp;
};

struct ovh_state {
	struct ovh_row *rows;
	size_t n, cap;
};

static int ovh_run_begin(struct run_ctx *ctx, int idx, const struct plan *p)
{
	(void)p;
	ctx->state[idx] = calloc(1, sizeof(struct ovh_state));
	return ctx->state[idx] ? 0 : -1;
}

static int ovh_run_point(struct run_ctx *ctx, int idx, const struct point *pt)
{
	struct ovh_state *st = ctx->state[idx];
	struct ovh_row *row;
	int err;

	if (pt->repeat)
		return 0;
	if (st->n == st->cap) {
		size_t nc = st->cap ? st->cap * 2 : 256;
		struct ovh_row *nr = realloc(st->rows, nc * sizeof(*nr));

		if (!nr)
			return -1;
		st->rows = nr;
		st->cap = nc;
	}
	row = &st->rows[st->n++];
	memset(row, 0, sizeof(*row));
	row->allocator = pt->allocator;
	row->bytes = pt->bytes;
	row->fp.size = sizeof(row->fp);
	row->fp.allocator = pt->allocator;
	row->fp.gfp = ALLOCBENCH_GFP_KERNEL;
	row->fp.bytes = pt->bytes;
	if (!device_has_allocator(ctx->dev, pt->allocator)) {
		row->status = "unsupported";
		return 0;
	}
	err = device_ioctl(ctx->dev, ALLOCBENCH_IOC_FOOTPRINT, &row->fp);
	if (err) {
		switch (-err) {
		case ENOTTY:
			row->status = "unsupported";	/* a module without FOOTPRINT */
			return 0;
		case EOPNOTSUPP:
			row->status = "unsupported";
			return 0;
		case ERANGE:
			row->status = "above_limit";
			return 0;
		case ENOMEM:
		case E2BIG:
			row->status = "skipped";
			return 0;
		case EINTR:	/* SIGINT/SIGTERM, or device_ioctl() gave up and said why */
			return -1;
		default:
			ab_err("FOOTPRINT %s %" PRIu64 " failed: %s", allocator_name(pt->allocator),
			       pt->bytes, strerror(-err));
			return -1;
		}
	}
	row->status = row->fp.failed ? "failed" : "ok";
	return 0;
}

static int ovh_row_cmp(const void *a, const void *b)
{
	const struct ovh_row *x = a, *y = b;

	if (x->allocator != y->allocator)
		return x->allocator < y->allocator ? -1 : 1;
	return (x->bytes > y->bytes) - (x->bytes < y->bytes);
}

static void method_text(const struct ovh_row *r, char *buf, size_t len)
{
	const struct allocbench_footprint *fp = &r->fp;

	if (fp->method & ALLOCBENCH_FP_VMALLOC)
		snprintf(buf, len, "measured:vmalloc_to_page%s; computed:guard,page_tables,descriptors",
			 fp->method & ALLOCBENCH_FP_HUGE ? " (PMD-mapped)" : "");
	else if (fp->method & ALLOCBENCH_FP_DATA_MEASURED)
		snprintf(buf, len, "measured:ksize");
	else if (r->allocator == ALLOCBENCH_ALLOC_PAGES_EXACT)
		snprintf(buf, len, "computed:PAGE_ALIGN (pages kept)");
	else
		snprintf(buf, len, "computed:PAGE_SIZE<<order");
}

static const char *const ovh_cols[] = {
	"schema_version", "allocator", "size_bytes", "status", "consumed_bytes", "ratio",
	"data_bytes", "guard_bytes", "pgtable_bytes", "meta_bytes", "method",
};

static int ovh_run_end(struct run_ctx *ctx, int idx, int commit)
{
	struct ovh_state *st = ctx->state[idx];
	struct csv_writer *w = NULL;
	char path[4200], m[160];
	int rc = 0;

	if (!st)
		return 0;
	ctx->state[idx] = NULL;
	if (!commit || !st->n)
		goto out;
	qsort(st->rows, st->n, sizeof(*st->rows), ovh_row_cmp);
	snprintf(path, sizeof(path), "%s/overhead.csv", ctx->dir);
	w = csv_create(path, ovh_cols, ARRAY_SIZE(ovh_cols));
	if (!w) {
		ab_err("cannot create %s.tmp: %s", path, strerror(errno));
		rc = -1;
		goto out;
	}
	for (size_t i = 0; i < st->n; i++) {
		const struct ovh_row *r = &st->rows[i];
		int ok = !strcmp(r->status, "ok");

		rc |= csv_u64(w, OVH_SCHEMA_VERSION);
		rc |= csv_str(w, allocator_name(r->allocator));
		rc |= csv_u64(w, r->bytes);
		rc |= csv_str(w, r->status);
		if (ok) {
			method_text(r, m, sizeof(m));
			rc |= csv_u64(w, r->fp.consumed_bytes);
			rc |= csv_double(w, (double)r->fp.consumed_bytes / (double)r->bytes);
			rc |= csv_u64(w, r->fp.data_bytes);
			rc |= csv_u64(w, r->fp.guard_bytes);
			rc |= csv_u64(w, r->fp.pgtable_bytes);
			rc |= csv_u64(w, r->fp.meta_bytes);
			rc |= csv_str(w, m);
		} else {
			for (int k = 0; k < 7; k++)
				rc |= csv_empty(w);
		}
		rc |= csv_end_row(w);
	}
	rc = csv_commit_or_abort(w, path, rc);
out:
	free(st->rows);
	free(st);
	return rc ? -1 : 0;
}

const struct experiment_kind exp_overhead = {
	.name = "overhead",
	.summary = "memory one allocation really consumes (ksize, orders, vmalloc guard and page tables) -> overhead.csv",
	.csv_name = "overhead.csv",
	.section_size = sizeof(struct ovh_section),
	.keys = ovh_keys,
	.nkeys = ARRAY_SIZE(ovh_keys),
	.finish = key_single_section,
	.plan = ovh_plan,
	.run_begin = ovh_run_begin,
	.run_point = ovh_run_point,
	.run_end = ovh_run_end,
};
