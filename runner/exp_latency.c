// SPDX-License-Identifier: GPL-2.0
/*
 * [latency]: allocation and free latency, per operation and (for fast
 * operations) per batch. Writes latency.csv; raw ticks go to samples.csv.gz.
 *
 * This file reads the section and plans its points: every point is planned
 * as [run] subseries visits per repeat, which plan.c spreads over the run.
 * lat_visit.c measures a visit (calibration at the first, then a sub-series
 * of per-op samples and, where one operation is short, of batch samples,
 * each beside the harness it is corrected by); lat_row.c writes one row per
 * point, repeats and sub-series pooled, with the interval of its median
 * taken from the spread between sub-series.
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
#include "lat_slot.h"
#include "names.h"
#include "plan.h"
#include "sizes.h"
#include "stats.h"
#include "util.h"


/* ---- config ---- */

static const struct cfg_key lat_keys[] = {
	{ .name = "allocators", CFG_ALLOCATORS(struct lat_section, allocators),
	  .def = "all", .help = "comma list of allocator names, or all (those this kernel offers)" },
	{ .name = "ops", .type = CFG_NAMES, CFG_FIELD(struct lat_section, ops), .lookup = op_by_name,
	  .what = "op", .known = op_names_list, .def = "alloc, free, pair, burst", .help = "comma list of ops" },
	{ .name = "gfp", CFG_GFPS(struct lat_section, gfps), .def = "kernel",
	  .help = "comma list of gfp profiles" },
	{ .name = "sizes", .type = CFG_SIZES, CFG_FIELD(struct lat_section, sizes), .def = "8..4M x2",
	  .help = "comma list of sizes and ranges" },
	{ .name = "burst", CFG_NUMBER(struct lat_section, burst, 1, ALLOCBENCH_MAX_BURST), .def = "64",
	  .help = "objects held at once by the burst op" },
	{ .name = "touch", .type = CFG_BOOL, CFG_FIELD(struct lat_section, touch), .def = "no",
	  .help = "write every page once between allocation and free (untimed)" },
};

/* One size of one [latency] section: sorted, the sections that share a size are neighbours. */
struct lat_size_ref {
	uint64_t bytes;
	size_t sec;		/* index in cfg->sec */
};

struct lat_index {
	struct lat_size_ref *v;
	size_t n;
};

static int size_ref_cmp(const void *a, const void *b)
{
	const struct lat_size_ref *x = a, *y = b;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? -1 : 1;
	return (x->sec > y->sec) - (x->sec < y->sec);
}

static void lat_index_free(void *index)
{
	struct lat_index *ix = index;

	free(ix->v);
	free(ix);
}

/* Every (size, section) of the config's [latency] sections, sorted by size then section. */
static void *lat_index_new(const struct config *cfg)
{
	struct lat_index *ix = calloc(1, sizeof(*ix));
	size_t total = 0;

	if (!ix)
		return NULL;
	for (size_t i = 0; i < cfg->nsec; i++)
		if (cfg->sec[i].kind == &exp_latency)
			total += ((const struct lat_section *)cfg->sec[i].priv)->sizes.n;
	ix->v = malloc((total ? total : 1) * sizeof(*ix->v));
	if (!ix->v) {
		free(ix);
		return NULL;
	}
	for (size_t i = 0; i < cfg->nsec; i++) {
		const struct lat_section *s = cfg->sec[i].priv;

		if (cfg->sec[i].kind != &exp_latency)
			continue;
		for (size_t k = 0; k < s->sizes.n; k++)
			ix->v[ix->n++] = (struct lat_size_ref){ s->sizes.v[k], i };
	}
	qsort(ix->v, ix->n, sizeof(*ix->v), size_ref_cmp);
	return ix;
}

/* First entry of the index with this size (or a larger one). */
static size_t index_lower_bound(const struct lat_index *ix, uint64_t bytes)
{
	size_t lo = 0, hi = ix->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ix->v[mid].bytes < bytes)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Allocator, op and gfp sets intersect: at a shared size both sections measure a same point. */
static int share_point_kinds(const struct lat_section *s, const struct lat_section *t)
{
	return (s->allocators & t->allocators) && (s->ops & t->ops) && (s->gfps & t->gfps);
}

static int lowest_bit(uint32_t m)
{
	return __builtin_ctz(m);
}

/*
 * Every (allocator, op, gfp, size) is one row of latency.csv: sections must
 * not overlap. The message names the first earlier section that overlaps and
 * their smallest shared point. Through the index, a size is compared only
 * with the earlier sections that hold it; those do not overlap each other,
 * so there are at most allocators x ops x gfps of them: loading stays linear.
 */
static int lat_finish(const struct config *cfg, const struct section *sec, const void *index,
		      char *err, size_t errlen, int *line)
{
	const struct lat_section *s = sec->priv, *t;
	const struct lat_index *ix = index;
	size_t self = (size_t)(sec - cfg->sec), first = SIZE_MAX;
	uint64_t shared = 0;
	const struct section *o;
	char h[32];

	for (size_t x = 0; x < s->sizes.n; x++) {
		for (size_t k = index_lower_bound(ix, s->sizes.v[x]);
		     k < ix->n && ix->v[k].bytes == s->sizes.v[x] && ix->v[k].sec < self &&
		     ix->v[k].sec < first; k++) {
			config_check_steps++;
			if (share_point_kinds(s, cfg->sec[ix->v[k].sec].priv)) {
				first = ix->v[k].sec;
				shared = s->sizes.v[x];
				break;
			}
		}
	}
	if (first == SIZE_MAX)
		return 0;
	o = &cfg->sec[first];
	t = o->priv;
	snprintf(err, errlen,
		 "[%s] measures points that [%s] (line %d) already has, e.g. %s %s %s %s: sections must not overlap",
		 sec->title, o->title, o->line,
		 allocator_name((unsigned)lowest_bit(s->allocators & t->allocators)),
		 op_name((unsigned)lowest_bit(s->ops & t->ops)),
		 gfp_name((unsigned)lowest_bit(s->gfps & t->gfps)),
		 size_format(shared, h, sizeof(h)));
	*line = sec->line;
	return -1;
}

/* Every visit of one point: its sub-series, spread over the repeat by plan_build(). */
static int plan_visits(const struct config *cfg, struct plan *p, struct point *pt)
{
	pt->visits = cfg->run.subseries;
	for (pt->visit = 0; pt->visit < pt->visits; pt->visit++)
		if (plan_add(p, pt))
			return -1;
	return 0;
}

static int lat_plan(const struct config *cfg, const struct section *sec, struct plan *p)
{
	const struct lat_section *s = sec->priv;
	struct point pt;

	memset(&pt, 0, sizeof(pt));
	pt.sec = sec;
	for (unsigned a = 0; a < ALLOCBENCH_NR_ALLOCATORS; a++) {
		if (!(s->allocators & (1U << a)))
			continue;
		for (unsigned op = 0; op < ALLOCBENCH_NR_OPS; op++) {
			if (!(s->ops & (1U << op)))
				continue;
			for (unsigned g = 0; g < ALLOCBENCH_NR_GFP; g++) {
				if (!(s->gfps & (1U << g)))
					continue;
				for (size_t i = 0; i < s->sizes.n; i++) {
					pt.allocator = a;
					pt.op = op;
					pt.gfp = g;
					pt.bytes = s->sizes.v[i];
					if (plan_visits(cfg, p, &pt))
						return -1;
				}
			}
		}
	}
	return 0;
}

/* ---- run ---- */

struct lat_state {
	struct slot *slots;
	size_t n;
	int fatal;
};

static int slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->allocator != y->allocator)
		return x->allocator < y->allocator ? -1 : 1;
	if (x->op != y->op)
		return x->op < y->op ? -1 : 1;
	if (x->gfp != y->gfp)
		return x->gfp < y->gfp ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? -1 : 1;
	return 0;
}

/* The point's first appearance in the plan: its slot is made then. */
static int is_first_of_point(const struct point *pt)
{
	return pt->sec->kind == &exp_latency && pt->repeat == 0 && pt->visit == 0;
}

static int lat_run_begin(struct run_ctx *ctx, int idx, const struct plan *p)
{
	struct lat_state *st = calloc(1, sizeof(*st));
	size_t n = 0;

	if (!st)
		return -1;
	for (size_t i = 0; i < p->n; i++)
		n += is_first_of_point(&p->v[i]);
	st->slots = calloc(n ? n : 1, sizeof(*st->slots));
	if (!st->slots) {
		free(st);
		return -1;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct point *pt = &p->v[i];
		const struct lat_section *ls = pt->sec->priv;
		struct slot *s;

		if (!is_first_of_point(pt))
			continue;
		s = &st->slots[st->n++];
		s->allocator = pt->allocator;
		s->op = pt->op;
		s->gfp = pt->gfp;
		s->bytes = pt->bytes;
		s->unit = pt->op == ALLOCBENCH_OP_BURST ? ls->burst : 1;
	}
	qsort(st->slots, st->n, sizeof(*st->slots), slot_cmp);
	ctx->state[idx] = st;
	return 0;
}

static int lat_run_point(struct run_ctx *ctx, int idx, const struct point *pt)
{
	struct lat_state *st = ctx->state[idx];
	struct slot key, *sl;
	int rc;

	memset(&key, 0, sizeof(key));
	key.allocator = pt->allocator;
	key.op = pt->op;
	key.gfp = pt->gfp;
	key.bytes = pt->bytes;
	sl = bsearch(&key, st->slots, st->n, sizeof(*st->slots), slot_cmp);
	if (!sl)
		return 0;
	rc = lat_visit(ctx, sl, pt);
	if (rc > 0)
		st->fatal = 1;
	return rc ? -1 : 0;
}

static void free_slot(struct slot *s)
{
	for (int h = 0; h < 2; h++) {
		samples_free(&s->perop[h]);
		samples_free(&s->harness[h]);
		marks_free(&s->marks[h]);
	}
	samples_free(&s->batch);
	samples_free(&s->batch_harness);
	samples_free(&s->timer);
	samples_free(&s->setup);
}

static void free_state(struct lat_state *st)
{
	for (size_t i = 0; i < st->n; i++)
		free_slot(&st->slots[i]);
	free(st->slots);
	free(st);
}

/* The slot's rows: one, or two for a burst (its allocations and its frees). */
static int write_slot(struct csv_writer *w, const struct run_ctx *ctx, struct slot *sl)
{
	const struct allocbench_info *in = &ctx->dev->info;

	if (sl->op != ALLOCBENCH_OP_BURST)
		return lat_write_row(w, in, sl, op_name(sl->op), 0);
	if (lat_write_row(w, in, sl, "burst_alloc", 0))
		return -1;
	return lat_write_row(w, in, sl, "burst_free", 1);
}

static int lat_run_end(struct run_ctx *ctx, int idx, int commit)
{
	struct lat_state *st = ctx->state[idx];
	char path[4096];
	struct csv_writer *w;
	unsigned migrated = 0;
	int rc = 0;

	if (!st)
		return 0;
	ctx->state[idx] = NULL;
	if (!commit || st->fatal) {
		free_state(st);
		return commit ? -1 : 0;
	}
	snprintf(path, sizeof(path), "%s/%s", ctx->dir, exp_latency.csv_name);
	w = csv_create(path, lat_columns, lat_ncolumns);
	if (!w) {
		ab_err("cannot create %s.tmp: %s", path, strerror(errno));
		free_state(st);
		return -1;
	}
	for (size_t i = 0; i < st->n && !rc; i++) {
		migrated += st->slots[i].migrated;
		rc = write_slot(w, ctx, &st->slots[i]);
	}
	if (rc) {
		ab_err("writing %s failed: %s", path, strerror(errno));
		csv_abort(w);
	} else if (csv_commit(w)) {
		ab_err("cannot commit %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (migrated)
		ab_err("warning: %u series moved to another CPU while measuring (is cpu pinning effective?)",
		       migrated);
	free_state(st);
	return rc;
}

static void lat_describe(const struct point *pt, char *buf, size_t len)
{
	char h[32];

	snprintf(buf, len, "%s %s %s %s (sub-series %u/%u)", allocator_name(pt->allocator),
		 op_name(pt->op), size_format(pt->bytes, h, sizeof(h)), gfp_name(pt->gfp), pt->visit + 1,
		 pt->visits > 1 ? pt->visits : 1);
}

const struct experiment_kind exp_latency = {
	.name = "latency",
	.summary = "allocation and free latency per allocator, op, gfp and size -> latency.csv",
	.csv_name = "latency.csv",
	.section_size = sizeof(struct lat_section),
	.keys = lat_keys,
	.nkeys = ARRAY_SIZE(lat_keys),
	.finish_index_new = lat_index_new,
	.finish_index_free = lat_index_free,
	.finish = lat_finish,
	.plan = lat_plan,
	.run_begin = lat_run_begin,
	.run_point = lat_run_point,
	.run_end = lat_run_end,
	.describe = lat_describe,
};
