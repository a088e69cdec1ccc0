// SPDX-License-Identifier: GPL-2.0
/*
 * [latency]: allocation and free latency, per operation and (for fast
 * operations) per batch. Writes latency.csv; raw ticks go to samples.csv.gz.
 *
 * Per point: a short calibration sets the number of samples from the time
 * budget (clamp(budget / op time, min_samples, iterations)); then one per-op
 * series (batch = 1), split into requests of at most ALLOCBENCH_MAX_COUNT;
 * then, where the per-op median is below batch_below_ns, a batch series.
 * Repeats of the same point are pooled into one row.
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
#include "names.h"
#include "plan.h"
#include "sizes.h"
#include "stats.h"
#include "ticks.h"
#include "util.h"

#define LAT_SCHEMA_VERSION	1
#define ALL_ALLOCATORS		((1U << ALLOCBENCH_NR_ALLOCATORS) - 1)

/* ---- config ---- */

struct lat_section {
	uint32_t allocators;		/* bit per enum allocbench_allocator */
	uint32_t ops;			/* bit per enum allocbench_op */
	uint32_t gfps;			/* bit per enum allocbench_gfp */
	struct size_list sizes;
	uint32_t burst;
	int touch;
};

static void *lat_section_new(void)
{
	struct lat_section *s = calloc(1, sizeof(*s));
	char err[128];

	if (!s)
		return NULL;
	s->allocators = ALL_ALLOCATORS;
	s->ops = (1U << ALLOCBENCH_NR_OPS) - 1;
	s->gfps = 1U << ALLOCBENCH_GFP_KERNEL;
	s->burst = 64;
	if (size_list_parse("8..4M x2", &s->sizes, err, sizeof(err))) {
		free(s);
		return NULL;
	}
	return s;
}

static void lat_section_free(void *priv)
{
	struct lat_section *s = priv;

	size_list_free(&s->sizes);
	free(s);
}

static int lat_parse_key(void *priv, const char *key, const char *value, int line,
			 char *err, size_t errlen)
{
	struct lat_section *s = priv;
	uint64_t v;

	(void)line;
	if (!strcmp(key, "allocators"))
		return key_name_set(key, value, allocator_by_name, "allocator", allocator_names_list(),
				    ALL_ALLOCATORS, &s->allocators, err, errlen);
	if (!strcmp(key, "ops"))
		return key_name_set(key, value, op_by_name, "op", op_names_list(), 0, &s->ops,
				    err, errlen);
	if (!strcmp(key, "gfp"))
		return key_name_set(key, value, gfp_by_name, "gfp", gfp_names_list(), 0, &s->gfps,
				    err, errlen);
	if (!strcmp(key, "sizes"))
		return key_sizes(key, value, &s->sizes, err, errlen);
	if (!strcmp(key, "burst")) {
		if (key_u64(key, value, 1, ALLOCBENCH_MAX_BURST, &v, err, errlen))
			return -1;
		s->burst = (uint32_t)v;
		return 0;
	}
	if (!strcmp(key, "touch"))
		return key_bool(key, value, &s->touch, err, errlen);
	return 1;
}

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

static int lat_plan(const struct config *cfg, const struct section *sec, struct plan *p)
{
	const struct lat_section *s = sec->priv;
	struct point pt;

	(void)cfg;
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
					if (plan_add(p, &pt))
						return -1;
				}
			}
		}
	}
	return 0;
}

/* ---- run ---- */

struct slot {
	uint32_t allocator, op, gfp;
	uint64_t bytes;
	struct samples perop[2];		/* [0]: the op (burst: allocations), [1]: burst frees */
	struct samples batch;
	uint64_t failures, fallbacks;
	unsigned batch_ops;		/* 0: no batch series ran */
	unsigned unsupported, skipped, measured, migrated;
};

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

static int lat_run_begin(struct run_ctx *ctx, int idx, const struct plan *p)
{
	struct lat_state *st = calloc(1, sizeof(*st));
	size_t n = 0;

	if (!st)
		return -1;
	for (size_t i = 0; i < p->n; i++)
		if (p->v[i].sec->kind == &exp_latency && p->v[i].repeat == 0)
			n++;
	st->slots = calloc(n ? n : 1, sizeof(*st->slots));
	if (!st->slots) {
		free(st);
		return -1;
	}
	for (size_t i = 0; i < p->n; i++) {
		const struct point *pt = &p->v[i];
		struct slot *s;

		if (pt->sec->kind != &exp_latency || pt->repeat != 0)
			continue;
		s = &st->slots[st->n++];
		s->allocator = pt->allocator;
		s->op = pt->op;
		s->gfp = pt->gfp;
		s->bytes = pt->bytes;
	}
	qsort(st->slots, st->n, sizeof(*st->slots), slot_cmp);
	ctx->state[idx] = st;
	return 0;
}

/* One sample in ns per operation (pair makes two calls per operation). */
static double sample_ns(const struct allocbench_info *in, uint64_t ticks, unsigned batch,
			unsigned calls_per_op, unsigned regions)
{
	return ticks_to_ns(in, ticks, regions, (double)calls_per_op * batch) / batch;
}

static int write_raw(struct run_ctx *ctx, const struct point *pt, const char *op, int batch_timing,
		     unsigned batch, size_t seq, uint64_t ticks)
{
	if (!ctx->samples)
		return 0;
	if (gzprintf(ctx->samples, "%s,%s,%s,%" PRIu64 ",%s,%u,%u,%zu,%" PRIu64 "\n",
		     allocator_name(pt->allocator), op, gfp_name(pt->gfp), pt->bytes,
		     batch_timing ? "batch" : "per_op", batch, pt->repeat, seq, ticks) <= 0)
		return -1;
	ctx->samples_rows++;
	return 0;
}

/*
 * One timed series of `count` samples of `batch` operations, in requests of at
 * most ALLOCBENCH_MAX_COUNT. Samples are pooled into the slot. 0 or -errno
 * of the failing request.
 */
static int run_series(struct run_ctx *ctx, struct slot *sl, const struct point *pt,
		      unsigned batch, uint64_t count, unsigned warmup, uint64_t *elapsed_ns)
{
	const struct lat_section *ls = pt->sec->priv;
	const struct allocbench_info *in = &ctx->dev->info;
	int burst = pt->op == ALLOCBENCH_OP_BURST;
	int pair = pt->op == ALLOCBENCH_OP_PAIR;
	uint64_t chunk_max = ALLOCBENCH_MAX_COUNT, done = 0;
	size_t seq[2] = { 0, 0 };
	uint64_t *buf;
	int rc = 0;

	if (burst)
		chunk_max -= chunk_max % ls->burst;
	buf = malloc((size_t)(burst ? 2 : 1) * (size_t)(count < chunk_max ? count : chunk_max) *
		     sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	*elapsed_ns = 0;
	while (done < count && !ab_stop) {
		struct allocbench_run r;
		uint32_t chunk = (uint32_t)(count - done < chunk_max ? count - done : chunk_max);

		memset(&r, 0, sizeof(r));
		r.allocator = pt->allocator;
		r.op = pt->op;
		r.gfp = pt->gfp;
		r.bytes = pt->bytes;
		r.count = chunk;
		r.batch = batch;
		r.burst = burst ? ls->burst : 0;
		r.warmup = done == 0 ? warmup : 0;
		r.pattern = ALLOCBENCH_PATTERN_NONE;
		r.flags = ls->touch ? ALLOCBENCH_RUN_TOUCH : 0;
		r.samples = (uint64_t)(uintptr_t)buf;
		r.samples_cap = burst ? 2 * chunk : chunk;
		rc = device_run(ctx->dev, &r);
		if (rc)
			break;
		*elapsed_ns += r.elapsed_ns;
		if (r.out_flags & ALLOCBENCH_OUT_MIGRATED)
			sl->migrated++;
		if (batch == 1) {
			sl->failures += r.failures;
			sl->fallbacks += r.fallbacks;
		}
		if (r.samples_written > r.samples_cap)
			r.samples_written = r.samples_cap;
		if (!burst) {
			struct samples *s = batch == 1 ? &sl->perop[0] : &sl->batch;

			for (uint32_t i = 0; i < r.samples_written; i++) {
				if (samples_push(s, sample_ns(in, buf[i], batch, pair ? 2 : 1,
							       pair && ls->touch ? 2 : 1)) ||
				    write_raw(ctx, pt, op_name(pt->op), batch > 1, batch, seq[0]++, buf[i])) {
					rc = -ENOMEM;
					break;
				}
			}
		} else {
			/*
			 * Allocations in buf[0..chunk), frees in buf[chunk..2*chunk);
			 * failed allocations store no sample and have no free.
			 */
			uint32_t ok = chunk > r.failures ? chunk - r.failures : 0;
			uint32_t na = r.samples_written < ok ? r.samples_written : ok;
			uint32_t nf = r.samples_written - na;

			for (uint32_t h = 0; h < 2 && !rc; h++) {
				const uint64_t *b = h ? buf + chunk : buf;
				uint32_t n = h ? nf : na;

				for (uint32_t i = 0; i < n; i++) {
					if (samples_push(&sl->perop[h], sample_ns(in, b[i], 1, 1, 1)) ||
					    write_raw(ctx, pt, h ? "burst_free" : "burst_alloc", 0, 1,
						      seq[h]++, b[i])) {
						rc = -ENOMEM;
						break;
					}
				}
			}
		}
		if (rc)
			break;
		done += chunk;
	}
	free(buf);
	return rc;
}

/* One short request, untimed by us: wall ns per operation (alloc + free) as the module saw it. */
static int calibrate(struct run_ctx *ctx, const struct point *pt, uint32_t count, uint32_t warmup,
		     double *ns_per_op)
{
	const struct lat_section *ls = pt->sec->priv;
	int burst = pt->op == ALLOCBENCH_OP_BURST;
	struct allocbench_run r;
	uint64_t *buf = calloc((size_t)count * 2, sizeof(*buf));
	int rc;

	if (!buf)
		return -ENOMEM;
	memset(&r, 0, sizeof(r));
	r.allocator = pt->allocator;
	r.op = pt->op;
	r.gfp = pt->gfp;
	r.bytes = pt->bytes;
	r.count = count;
	r.batch = 1;
	r.burst = burst ? ls->burst : 0;
	r.warmup = warmup;
	r.flags = ls->touch ? ALLOCBENCH_RUN_TOUCH : 0;
	r.samples = (uint64_t)(uintptr_t)buf;
	r.samples_cap = burst ? 2 * count : count;
	rc = device_run(ctx->dev, &r);
	free(buf);
	if (rc)
		return rc;
	*ns_per_op = (double)r.elapsed_ns / (double)(count + warmup);
	if (*ns_per_op < 1)
		*ns_per_op = 1;
	return 0;
}

static uint64_t clamp_count(const struct run_config *rc, double budget_ns, double per_sample_ns)
{
	double c = budget_ns / per_sample_ns;

	if (c < rc->min_samples)
		return rc->min_samples;
	if (c > rc->iterations)
		return rc->iterations;
	return (uint64_t)c;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median_of(const double *v, size_t n)
{
	double *t = malloc(n * sizeof(*t));
	double m;

	if (!t)
		return 0;
	memcpy(t, v, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_double);
	m = stats_percentile_sorted(t, n, 0.5);
	free(t);
	return m;
}

static int over_cap(const struct run_config *rc, uint64_t bytes, uint64_t held)
{
	uint64_t avail = mem_available_bytes();

	if (!avail)
		return 0;
	if (held && bytes > UINT64_MAX / held)
		return 1;
	return (double)(bytes * held) > (double)avail * rc->mem_cap_percent / 100.0;
}

/* Decides what an error of RUN means: 1 handled (row status), -1 stop the run. */
static int run_error(struct run_ctx *ctx, struct slot *sl, const struct point *pt, int err)
{
	char h[32];

	switch (err) {
	case -EOPNOTSUPP:
		sl->unsupported++;
		return 1;
	case -ENOMEM:	/* the module's own cap: more than half of MemAvailable held */
		sl->skipped++;
		return 1;
	case -EINTR:	/* SIGINT/SIGTERM, or device_ioctl() gave up and said why */
		return -1;
	default:
		ab_err("RUN %s %s gfp=%s size=%s failed: %s (runner and module disagree on the ABI? "
		       "rebuild both from one tree)", allocator_name(pt->allocator), op_name(pt->op),
		       gfp_name(pt->gfp), size_format(pt->bytes, h, sizeof(h)), strerror(-err));
		((struct lat_state *)ctx->state[pt->sec->kind_idx])->fatal = 1;
		return -1;
	}
}

static int lat_run_point(struct run_ctx *ctx, int idx, const struct point *pt)
{
	struct lat_state *st = ctx->state[idx];
	const struct run_config *rc = &ctx->cfg->run;
	const struct lat_section *ls = pt->sec->priv;
	const struct device *dev = ctx->dev;
	struct slot key, *sl;
	int burst = pt->op == ALLOCBENCH_OP_BURST;
	uint32_t unit = burst ? ls->burst : 1;
	double budget_ns = (double)rc->time_budget_ms * 1e6, est;
	uint64_t count, elapsed;
	unsigned warmup;
	size_t first;
	int err;

	memset(&key, 0, sizeof(key));
	key.allocator = pt->allocator;
	key.op = pt->op;
	key.gfp = pt->gfp;
	key.bytes = pt->bytes;
	sl = bsearch(&key, st->slots, st->n, sizeof(*st->slots), slot_cmp);
	if (!sl)
		return 0;

	if (!device_has_allocator(dev, pt->allocator) ||
	    (pt->gfp == ALLOCBENCH_GFP_ATOMIC && dev->alloc_known[pt->allocator] &&
	     !(dev->alloc[pt->allocator].flags & ALLOCBENCH_ALLOC_ATOMIC_OK))) {
		sl->unsupported++;
		return 0;
	}
	if (over_cap(rc, pt->bytes, unit)) {
		sl->skipped++;
		return 0;
	}

	/* Calibration: one operation (one burst) cold, then a few warm ones if they are cheap. */
	err = calibrate(ctx, pt, unit, 0, &est);
	if (!err && est * 32 * unit < budget_ns)
		err = calibrate(ctx, pt, burst ? unit : 16, rc->warmup < 16 ? rc->warmup : 16, &est);
	if (err)
		return run_error(ctx, sl, pt, err) < 0 ? -1 : 0;
	if (ab_stop)
		return -1;

	count = clamp_count(rc, budget_ns, est);
	if (burst) {
		count = count / unit * unit;
		if (count < unit)
			count = unit;
	}
	/* Warm-up takes at most about one budget: 64M zeroed allocations under TCG are slow. */
	warmup = rc->warmup;
	if (warmup && (double)warmup * est > budget_ns) {
		warmup = (unsigned)(budget_ns / est);
		if (warmup < 1)
			warmup = 1;
	}

	first = sl->perop[0].n;
	err = run_series(ctx, sl, pt, 1, count, warmup, &elapsed);
	if (err)
		return run_error(ctx, sl, pt, err) < 0 ? -1 : 0;
	if (ab_stop)
		return -1;
	sl->measured++;

	/* Batch series where single operations are too short to time one by one. */
	if (!burst && rc->batch > 1 && rc->batch_below_ns && sl->perop[0].n > first) {
		double med = median_of(sl->perop[0].v + first, sl->perop[0].n - first);

		if (med < rc->batch_below_ns && !over_cap(rc, pt->bytes, rc->batch) &&
		    pt->bytes * rc->batch <= ALLOCBENCH_MAX_BATCH_BYTES) {
			uint64_t bcount = clamp_count(rc, budget_ns, est * rc->batch);

			sl->batch_ops = rc->batch;
			err = run_series(ctx, sl, pt, rc->batch, bcount, warmup, &elapsed);
			if (err)
				return run_error(ctx, sl, pt, err) < 0 ? -1 : 0;
		}
	}
	return ab_stop ? -1 : 0;
}

static const char *const lat_columns[] = {
	"schema_version", "allocator", "op", "gfp", "size_bytes", "status", "samples", "failures",
	"min_ns", "p10_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns", "mean_ns",
	"stddev_ns", "median_ci_lo_ns", "median_ci_hi_ns", "min_cycles", "p50_cycles",
	"p99_cycles", "max_cycles", "batch_ops", "batch_samples", "batch_p10_ns", "batch_p50_ns",
	"batch_p90_ns", "fallbacks", "cpu_migrations",
};
#define LAT_NCOLS (sizeof(lat_columns) / sizeof(lat_columns[0]))

static int write_row(struct csv_writer *w, const struct allocbench_info *in, struct slot *sl,
		     const char *op, struct samples *s, int with_batch)
{
	struct stats st;
	const char *status;
	int rc = 0;
	int have = s->n > 0;

	if (have)
		stats_compute(s->v, s->n, &st);
	if (!have && sl->unsupported)
		status = "unsupported";
	else if (!have && sl->skipped && !sl->measured)
		status = "skipped";
	else if (!have)
		status = "failed";
	else if (sl->failures)
		status = "partial";
	else
		status = "ok";

	rc |= csv_u64(w, LAT_SCHEMA_VERSION);
	rc |= csv_str(w, allocator_name(sl->allocator));
	rc |= csv_str(w, op);
	rc |= csv_str(w, gfp_name(sl->gfp));
	rc |= csv_u64(w, sl->bytes);
	rc |= csv_str(w, status);
	rc |= csv_u64(w, s->n);
	rc |= csv_u64(w, sl->failures);
	if (have) {
		const double vals[] = { st.min, st.p10, st.p50, st.p90, st.p99, st.p999, st.max,
					st.mean, st.stddev, st.median_ci_lo, st.median_ci_hi };

		for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
			rc |= csv_double(w, vals[i]);
	} else {
		for (int i = 0; i < 11; i++)
			rc |= csv_empty(w);
	}
	if (have && in->timer_kind == ALLOCBENCH_TIMER_TSC) {
		/* TSC ticks are cycles: undo the ns conversion (the overhead stays subtracted). */
		double k = (double)in->timer_hz / 1e9;

		rc |= csv_double(w, st.min * k);
		rc |= csv_double(w, st.p50 * k);
		rc |= csv_double(w, st.p99 * k);
		rc |= csv_double(w, st.max * k);
	} else {
		for (int i = 0; i < 4; i++)
			rc |= csv_empty(w);
	}
	if (with_batch && sl->batch_ops) {
		rc |= csv_u64(w, sl->batch_ops);
		rc |= csv_u64(w, sl->batch.n);
		if (sl->batch.n) {
			struct stats bs;

			stats_compute(sl->batch.v, sl->batch.n, &bs);
			rc |= csv_double(w, bs.p10);
			rc |= csv_double(w, bs.p50);
			rc |= csv_double(w, bs.p90);
		} else {
			for (int i = 0; i < 3; i++)
				rc |= csv_empty(w);
		}
	} else {
		for (int i = 0; i < 5; i++)
			rc |= csv_empty(w);
	}
	rc |= csv_u64(w, sl->fallbacks);
	/* Requests of this point that did not stay on the pinned CPU: their samples may mix CPUs. */
	rc |= csv_u64(w, sl->migrated);
	rc |= csv_end_row(w);
	return rc ? -1 : 0;
}

static void free_state(struct lat_state *st)
{
	for (size_t i = 0; i < st->n; i++) {
		samples_free(&st->slots[i].perop[0]);
		samples_free(&st->slots[i].perop[1]);
		samples_free(&st->slots[i].batch);
	}
	free(st->slots);
	free(st);
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
	w = csv_create(path, lat_columns, LAT_NCOLS);
	if (!w) {
		ab_err("cannot create %s.tmp: %s", path, strerror(errno));
		free_state(st);
		return -1;
	}
	for (size_t i = 0; i < st->n && !rc; i++) {
		struct slot *sl = &st->slots[i];

		migrated += sl->migrated;
		if (sl->op == ALLOCBENCH_OP_BURST) {
			rc = write_row(w, &ctx->dev->info, sl, "burst_alloc", &sl->perop[0], 0);
			if (!rc)
				rc = write_row(w, &ctx->dev->info, sl, "burst_free", &sl->perop[1], 0);
		} else {
			rc = write_row(w, &ctx->dev->info, sl, op_name(sl->op), &sl->perop[0], 1);
		}
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

	snprintf(buf, len, "%s %s %s %s", allocator_name(pt->allocator), op_name(pt->op),
		 size_format(pt->bytes, h, sizeof(h)), gfp_name(pt->gfp));
}

const struct experiment_kind exp_latency = {
	.name = "latency",
	.summary = "allocation and free latency per allocator, op, gfp and size -> latency.csv",
	.csv_name = "latency.csv",
	.section_new = lat_section_new,
	.section_free = lat_section_free,
	.parse_key = lat_parse_key,
	.finish_index_new = lat_index_new,
	.finish_index_free = lat_index_free,
	.finish = lat_finish,
	.plan = lat_plan,
	.run_begin = lat_run_begin,
	.run_point = lat_run_point,
	.run_end = lat_run_end,
	.describe = lat_describe,
};
