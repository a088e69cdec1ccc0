// SPDX-License-Identifier: GPL-2.0
/*
 * One visit of a latency point: a sub-series of its samples.
 *
 * A point is visited [run] subseries times per repeat, at different places
 * of the shuffled plan (plan.c puts visit v in the v-th stretch of the
 * repeat). The first visit calibrates: one cold operation, then a few warm
 * ones, each timed by the module's wall clock less its setup_ns (cache
 * creation and destruction, vmap's pages), so a one-off cost cannot make
 * the point look slow. Each visit then takes its share of what is still to
 * take in this repeat, re-estimated from the wall time of the series just
 * before: a calibration fooled all the same is corrected at the next
 * visit. A slow point takes its few samples in fewer visits. A visit's
 * series is preceded by the same loop through the module's empty allocator
 * (ALLOCBENCH_RUN_NULL), whose median sample is the harness's own cost and
 * is subtracted from the series beside it.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocbench.h"
#include "config.h"
#include "device.h"
#include "experiment.h"
#include "lat_slot.h"
#include "names.h"
#include "plan.h"
#include "sizes.h"
#include "ticks.h"
#include "util.h"

#define CAL_OPS_COLD		1	/* first calibration: one operation (one burst) */
#define CAL_OPS_WARM		16	/* second one, when the first says it is cheap */
#define CAL_CHEAP_FACTOR	32	/* "cheap": 32 operations fit in the budget */
#define HARNESS_MIN_SAMPLES	32
#define HARNESS_MAX_SAMPLES	512
#define HARNESS_MIN_WARMUP	16
#define VISIT_REWARM_OPS	16	/* warm-up of a point's later visits, at most */
#define SUBSERIES_MIN_SAMPLES	8	/* a slow point's sub-series hold at least this many */
#define RAW_BLOCK		16384	/* bytes of samples.csv.gz rows handed to zlib at once */
/*
 * The batch series is a cross-check of the per-op median, not the source of
 * its interval: three moments of the run average its drift, and every
 * visit more would cost two requests.
 */
#define BATCH_MAX_SUBSERIES	3
#define REWARM_SHARE		0.1	/* ... taking at most this share of a visit's budget */
/* The runner's own memory or the samples file failed: not the module's -ENOMEM (its memory cap). */
#define RUNNER_NOMEM		(-ENOBUFS)

/* What one series brought back, as raw ticks. */
struct raw_series {
	uint64_t *ticks[2];	/* [0] the op (burst: allocations), [1] burst frees */
	size_t n[2];
	uint64_t failures, fallbacks;
	double wall_ns;		/* elapsed_ns - setup_ns, over its requests */
	double setup_ns;	/* setup_ns: the allocator's one-off setup and teardown */
	uint64_t timer_ticks;	/* the timer's overhead, as the first request measured it */
	unsigned requests, migrated;
};

static void raw_free(struct raw_series *r)
{
	free(r->ticks[0]);
	free(r->ticks[1]);
	memset(r, 0, sizeof(*r));
}

static int is_burst(const struct point *pt)
{
	return pt->op == ALLOCBENCH_OP_BURST;
}

static uint32_t unit_of(const struct point *pt)
{
	return is_burst(pt) ? ((const struct lat_section *)pt->sec->priv)->burst : 1;
}

static uint32_t touch_flag(const struct point *pt)
{
	return ((const struct lat_section *)pt->sec->priv)->touch ? ALLOCBENCH_RUN_TOUCH : 0;
}

static void fill_request(struct allocbench_run *r, const struct point *pt, uint32_t count,
			 unsigned batch, unsigned warmup, uint32_t flags, uint64_t *buf)
{
	memset(r, 0, sizeof(*r));
	r->allocator = pt->allocator;
	r->op = pt->op;
	r->gfp = pt->gfp;
	r->bytes = pt->bytes;
	r->count = count;
	r->batch = batch;
	r->burst = is_burst(pt) ? unit_of(pt) : 0;
	r->warmup = warmup;
	r->pattern = ALLOCBENCH_PATTERN_NONE;
	r->flags = flags;
	r->samples = (uint64_t)(uintptr_t)buf;
	r->samples_cap = is_burst(pt) ? 2 * count : count;
}

/* Appends one answered request's samples and totals to out. */
static void collect(struct raw_series *out, const struct allocbench_run *r, const uint64_t *buf,
		    int burst)
{
	uint32_t written = r->samples_written < r->samples_cap ? r->samples_written : r->samples_cap;
	/* Bursts: allocations in buf[0..count), frees after; a failed allocation has neither. */
	uint32_t ok = r->count > r->failures ? r->count - r->failures : 0;
	uint32_t na = burst ? (written < ok ? written : ok) : written;

	if (!out->requests)
		out->timer_ticks = r->timer_overhead_ticks;
	out->requests++;
	out->wall_ns += r->elapsed_ns > r->setup_ns ? (double)(r->elapsed_ns - r->setup_ns) : 0;
	out->setup_ns += (double)r->setup_ns;
	out->failures += r->failures;
	out->fallbacks += r->fallbacks;
	out->migrated += !!(r->out_flags & ALLOCBENCH_OUT_MIGRATED);
	memcpy(out->ticks[0] + out->n[0], buf, na * sizeof(*buf));
	out->n[0] += na;
	if (burst) {
		memcpy(out->ticks[1] + out->n[1], buf + r->count, (written - na) * sizeof(*buf));
		out->n[1] += written - na;
	}
}

/*
 * One series of count samples of batch operations, in requests of at most
 * ALLOCBENCH_MAX_COUNT; warm-up before the first. 0 or -errno of the
 * request that failed (out is then empty).
 */
static int take_series(struct run_ctx *ctx, const struct point *pt, unsigned batch, uint64_t count,
		       unsigned warmup, uint32_t flags, struct raw_series *out)
{
	int burst = is_burst(pt);
	uint64_t chunk_max = ALLOCBENCH_MAX_COUNT - ALLOCBENCH_MAX_COUNT % unit_of(pt), done = 0;
	size_t first = count < chunk_max ? count : chunk_max;
	uint64_t *buf = malloc((burst ? 2 : 1) * first * sizeof(*buf));
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->ticks[0] = malloc(count * sizeof(uint64_t));
	out->ticks[1] = burst ? malloc(count * sizeof(uint64_t)) : NULL;
	if (!buf || !out->ticks[0] || (burst && !out->ticks[1]))
		rc = RUNNER_NOMEM;
	while (!rc && done < count && !ab_stop) {
		uint32_t chunk = (uint32_t)(count - done < chunk_max ? count - done : chunk_max);
		struct allocbench_run r;

		fill_request(&r, pt, chunk, batch, done ? 0 : warmup, flags, buf);
		rc = device_run(ctx->dev, &r);
		if (!rc)
			collect(out, &r, buf, burst);
		done += chunk;
	}
	free(buf);
	if (rc)
		raw_free(out);
	return rc;
}

/* Median of v[0..n) (n > 0) and, through *step, the smallest gap between two distinct values. */
static double median_ticks(const uint64_t *v, size_t n, uint64_t *step)
{
	uint64_t *t = malloc(n * sizeof(*t));
	double m;

	if (!t)
		return (double)v[0];
	memcpy(t, v, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_u64);
	m = n % 2 ? (double)t[n / 2] : ((double)t[n / 2 - 1] + (double)t[n / 2]) / 2;
	for (size_t i = 1; step && i < n; i++)
		if (t[i] > t[i - 1] && (!*step || t[i] - t[i - 1] < *step))
			*step = t[i] - t[i - 1];
	free(t);
	return m;
}

static const char *half_op(const struct point *pt, int h)
{
	return is_burst(pt) ? (h ? "burst_free" : "burst_alloc") : op_name(pt->op);
}

/*
 * Rows of samples.csv.gz for one series, formatted here and handed to zlib
 * in blocks: a gzprintf() per sample costs more than many a sample under
 * TCG. Every row of a series shares its first eight fields.
 */
struct raw_rows {
	char buf[RAW_BLOCK];
	size_t len;
	char prefix[192];
	size_t plen;
};

static void raw_rows_start(struct raw_rows *o, const struct point *pt, int h, const char *timing,
			   unsigned batch)
{
	int n = snprintf(o->prefix, sizeof(o->prefix), "%s,%s,%s,%" PRIu64 ",%s,%u,%u,%u,",
			 allocator_name(pt->allocator), half_op(pt, h), gfp_name(pt->gfp), pt->bytes,
			 timing, batch, pt->repeat, pt->visit);

	o->plen = n > 0 && (size_t)n < sizeof(o->prefix) ? (size_t)n : 0;
	o->len = 0;
}

static char *put_u64(char *p, uint64_t v)
{
	char digits[24];
	int n = 0;

	do
		digits[n++] = (char)('0' + v % 10);
	while (v /= 10);
	while (n)
		*p++ = digits[--n];
	return p;
}

static int raw_rows_flush(struct run_ctx *ctx, struct raw_rows *o)
{
	if (o->len && gzwrite(ctx->samples, o->buf, (unsigned)o->len) != (int)o->len)
		return RUNNER_NOMEM;
	o->len = 0;
	return 0;
}

static int raw_row(struct run_ctx *ctx, struct raw_rows *o, size_t seq, uint64_t ticks)
{
	char *p;

	if (o->len + o->plen + 48 > sizeof(o->buf) && raw_rows_flush(ctx, o))
		return RUNNER_NOMEM;
	memcpy(o->buf + o->len, o->prefix, o->plen);
	p = put_u64(o->buf + o->len + o->plen, seq);
	*p++ = ',';
	p = put_u64(p, ticks);
	*p++ = '\n';
	o->len = (size_t)(p - o->buf);
	ctx->samples_rows++;
	return 0;
}

/* A real series' raw ticks, one row each (timing per_op or batch). */
static int write_raw_series(struct run_ctx *ctx, const struct point *pt, const struct raw_series *raw,
			    unsigned batch)
{
	struct raw_rows o;
	int rc = 0;

	for (int h = 0; ctx->samples && !rc && h < (is_burst(pt) ? 2 : 1); h++) {
		raw_rows_start(&o, pt, h, batch > 1 ? "batch" : "per_op", batch);
		for (size_t i = 0; !rc && i < raw->n[h]; i++)
			rc = raw_row(ctx, &o, i, raw->ticks[h][i]);
		if (!rc)
			rc = raw_rows_flush(ctx, &o);
	}
	return rc;
}

/*
 * The harness subtracted from a sub-series, one row (timing harness or
 * batch_harness, ticks = its median rounded): what a reader needs to redo
 * the subtraction, without doubling the file with the harness's samples.
 */
static int write_raw_harness(struct run_ctx *ctx, const struct point *pt, unsigned batch,
			     const double harness[2])
{
	struct raw_rows o;
	int rc = 0;

	for (int h = 0; ctx->samples && !rc && h < (is_burst(pt) ? 2 : 1); h++) {
		raw_rows_start(&o, pt, h, batch > 1 ? "batch_harness" : "harness", batch);
		rc = raw_row(ctx, &o, 0, (uint64_t)llround(harness[h]));
		if (!rc)
			rc = raw_rows_flush(ctx, &o);
	}
	return rc;
}

/* Harness samples to take beside a series of count: enough for a steady median, never many. */
static uint64_t harness_count(const struct point *pt, uint64_t count)
{
	uint64_t unit = unit_of(pt), n = count;

	if (n < HARNESS_MIN_SAMPLES)
		n = HARNESS_MIN_SAMPLES;
	if (n > HARNESS_MAX_SAMPLES)
		n = HARNESS_MAX_SAMPLES;
	return (n + unit - 1) / unit * unit;
}

/*
 * The harness's median cost of one sample of this very loop, in ticks
 * ([1]: burst frees). The empty allocator leaves memory untouched, so the
 * module times a touched pair in one region instead of two: the second
 * region's timer overhead is added back.
 */
static int measure_harness(struct run_ctx *ctx, struct slot *sl, const struct point *pt,
			   unsigned batch, uint64_t count, unsigned warmup, double harness[2])
{
	struct raw_series nul;
	int rc = take_series(ctx, pt, batch, harness_count(pt, count),
			     warmup > HARNESS_MIN_WARMUP ? warmup : HARNESS_MIN_WARMUP,
			     touch_flag(pt) | ALLOCBENCH_RUN_NULL, &nul);

	if (rc)
		return rc;
	for (int h = 0; h < 2; h++)
		harness[h] = nul.n[h] ? median_ticks(nul.ticks[h], nul.n[h],
						     batch == 1 ? &sl->step_ticks : NULL) : 0;
	if (pt->op == ALLOCBENCH_OP_PAIR && touch_flag(pt))
		harness[0] += (double)nul.timer_ticks;
	raw_free(&nul);
	return write_raw_harness(ctx, pt, batch, harness);
}

static int marks_push(struct marks *m, size_t start, uint32_t repeat)
{
	if (m->n == m->cap) {
		size_t nc = m->cap ? 2 * m->cap : 16;
		size_t *ns = realloc(m->start, nc * sizeof(*ns));
		uint32_t *nr;

		if (!ns)
			return -1;
		m->start = ns;
		nr = realloc(m->repeat, nc * sizeof(*nr));
		if (!nr)
			return -1;
		m->repeat = nr;
		m->cap = nc;
	}
	m->start[m->n] = start;
	m->repeat[m->n++] = repeat;
	return 0;
}

void marks_free(struct marks *m)
{
	free(m->start);
	free(m->repeat);
	memset(m, 0, sizeof(*m));
}

static double ticks_ns(const struct run_ctx *ctx, double ticks)
{
	return ctx->dev->info.timer_hz ? ticks * 1e9 / (double)ctx->dev->info.timer_hz : NAN;
}

/* Moves one real series into the point: ns per op less the harness, sub-series marked. */
static int keep_series(struct run_ctx *ctx, struct slot *sl, const struct point *pt, unsigned batch,
		       const struct raw_series *raw, const double harness[2])
{
	const struct allocbench_info *in = &ctx->dev->info;
	int rc = 0;

	for (int h = 0; !rc && h < (is_burst(pt) ? 2 : 1); h++) {
		struct samples *dst = batch > 1 ? &sl->batch : &sl->perop[h];

		if (batch == 1 && marks_push(&sl->marks[h], dst->n, pt->repeat))
			return RUNNER_NOMEM;
		rc = samples_push(batch > 1 ? &sl->batch_harness : &sl->harness[h],
				  ticks_ns(ctx, harness[h]) / batch);
		for (size_t i = 0; !rc && i < raw->n[h]; i++)
			rc = samples_push(dst, ticks_less_harness_ns(in, raw->ticks[h][i], harness[h],
								     batch));
	}
	if (!rc)
		rc = samples_push(&sl->timer, ticks_ns(ctx, (double)raw->timer_ticks));
	return rc ? RUNNER_NOMEM : write_raw_series(ctx, pt, raw, batch);
}

/* Counts what a real series did: failures, CPU moves, and its wall time for the next estimate. */
static void account(struct slot *sl, const struct raw_series *raw, unsigned batch, uint64_t count,
		    unsigned warmup)
{
	sl->migrated += raw->migrated;
	if (batch > 1)
		return;
	if (raw->requests)
		samples_push(&sl->setup, raw->setup_ns / raw->requests);
	sl->failures += raw->failures;
	sl->fallbacks += raw->fallbacks;
	if (raw->wall_ns > 0)
		sl->budget.last_ns = raw->wall_ns / (double)(count + warmup);
}

/* One sub-series: the harness beside it, then the series itself. 0 or -errno. */
static int take_subseries(struct run_ctx *ctx, struct slot *sl, const struct point *pt, unsigned batch,
			  uint64_t count, unsigned warmup)
{
	struct raw_series real;
	double harness[2];
	int rc = measure_harness(ctx, sl, pt, batch, count, warmup, harness);

	if (rc || ab_stop)
		return rc;
	rc = take_series(ctx, pt, batch, count, warmup, touch_flag(pt), &real);
	if (rc)
		return rc;
	account(sl, &real, batch, count, warmup);
	rc = keep_series(ctx, sl, pt, batch, &real, harness);
	raw_free(&real);
	return rc;
}

uint64_t lat_target(const struct run_config *rc, double per_sample_ns, uint32_t unit)
{
	double c = (double)rc->time_budget_ms * 1e6 / per_sample_ns;
	uint64_t n;

	if (c < rc->min_samples)
		n = rc->min_samples;
	else if (c > rc->iterations)
		n = rc->iterations;
	else
		n = (uint64_t)c;
	if (unit > 1)
		n = n < unit ? unit : n / unit * unit;
	return n;
}

double lat_estimate_ns(const struct lat_budget *b)
{
	double est = b->last_ns > 0 ? b->last_ns : b->cal_ns;

	return est >= 1 ? est : 1;
}

/*
 * How many of a repeat's visits take samples: all of them for a point with
 * samples to spare, fewer for a slow point that gets a handful (at least
 * SUBSERIES_MIN_SAMPLES each, two sub-series at least). Spreading single
 * samples of a 64M allocation over the run buys little interval and costs
 * a cold start at every visit, which would grow the run.
 */
static uint32_t active_visits(uint64_t target, uint32_t visits)
{
	uint64_t a = (target + SUBSERIES_MIN_SAMPLES - 1) / SUBSERIES_MIN_SAMPLES;

	if (a < 2)
		a = 2;
	return a < visits ? (uint32_t)a : visits;
}

/* Active visits before this one: ceil(visit * active / visits), so they spread evenly from the first. */
static uint32_t active_before(uint32_t visit, uint32_t active, uint32_t visits)
{
	return (uint32_t)(((uint64_t)visit * active + visits - 1) / visits);
}

/*
 * This visit's share of what the repeat still lacks (the target re-estimated
 * at every visit): the rest over the active visits left; the last visit
 * takes all of it.
 */
static uint64_t visit_quota(uint64_t target, uint64_t done, const struct point *pt, uint32_t unit,
			    uint32_t max_active)
{
	uint32_t visits = pt->visits > 1 ? pt->visits : 1;
	uint32_t active, left;
	uint64_t need, units;

	if (done >= target)
		return 0;
	units = need = (target - done + unit - 1) / unit;
	if (pt->visit + 1 < visits) {
		active = active_visits(target, visits);
		if (active > max_active)
			active = max_active;
		if (active > target / unit)
			active = target / unit > 1 ? (uint32_t)(target / unit) : 1;
		if (active_before(pt->visit + 1, active, visits) == active_before(pt->visit, active, visits))
			return 0;
		left = active - active_before(pt->visit, active, visits);
		units = (need + left - 1) / left;
	}
	return units * unit;
}

/*
 * Warm-up per visit. The point's first series gets all of [run] warmup
 * (code paths and caches met for the first time, after the calibration's
 * own warm-up), as long as it fits in a visit's share of the budget; later
 * ones only bring lists and caches back after other points ran: at most
 * VISIT_REWARM_OPS, and no more than a tenth of the visit's share. A slow
 * operation gets none: its own cost dwarfs a cold cache, and every
 * operation more would grow the run.
 */
static unsigned visit_warmup(const struct run_config *rc, const struct slot *sl, double est_ns,
			     const struct point *pt)
{
	double share = (double)rc->time_budget_ms * 1e6 / (pt->visits > 1 ? pt->visits : 1);
	double fits = sl->measured ? REWARM_SHARE * share / est_ns : share / est_ns;
	unsigned want = rc->warmup;

	if (sl->measured && want > VISIT_REWARM_OPS)
		want = VISIT_REWARM_OPS;
	return (double)want <= fits ? want : (unsigned)fits;
}

/* Wall ns per operation of one short series, its setup and teardown left out. */
static int calibrate(struct run_ctx *ctx, const struct point *pt, uint32_t count, uint32_t warmup,
		     double *ns_per_op)
{
	struct raw_series raw;
	int rc = take_series(ctx, pt, 1, count, warmup, touch_flag(pt), &raw);

	if (rc)
		return rc;
	*ns_per_op = raw.wall_ns / (double)(count + warmup);
	if (*ns_per_op < 1)
		*ns_per_op = 1;
	raw_free(&raw);
	return 0;
}

/* One operation (one burst) cold, then, if that was cheap, a few after a warm-up. */
static int calibrate_point(struct run_ctx *ctx, struct slot *sl, const struct point *pt)
{
	const struct run_config *rc = &ctx->cfg->run;
	uint32_t unit = unit_of(pt);
	double est, budget_ns = (double)rc->time_budget_ms * 1e6;
	int err = calibrate(ctx, pt, CAL_OPS_COLD * unit, 0, &est);

	if (!err && est * CAL_CHEAP_FACTOR * unit < budget_ns)
		err = calibrate(ctx, pt, is_burst(pt) ? unit : CAL_OPS_WARM,
				rc->warmup < CAL_OPS_WARM ? rc->warmup : CAL_OPS_WARM, &est);
	if (err)
		return err;
	sl->budget.cal_ns = est;
	sl->budget.calibrated = 1;
	return 0;
}

static void start_repeat(struct slot *sl, const struct point *pt)
{
	struct lat_budget *b = &sl->budget;

	if (b->repeat_started && b->repeat == pt->repeat)
		return;
	b->repeat_started = 1;
	b->repeat = pt->repeat;
	b->done = b->batch_done = 0;
	b->repeats++;
}

static int perop_visit(struct run_ctx *ctx, struct slot *sl, const struct point *pt)
{
	const struct run_config *rc = &ctx->cfg->run;
	double est = lat_estimate_ns(&sl->budget);
	uint64_t quota = visit_quota(lat_target(rc, est, unit_of(pt)), sl->budget.done, pt, unit_of(pt),
				     UINT32_MAX);
	int err;

	if (!quota)
		return 0;
	sl->budget.done += quota;
	sl->budget.asked += quota;
	err = take_subseries(ctx, sl, pt, 1, quota, visit_warmup(rc, sl, est, pt));
	if (!err)
		sl->measured++;
	return err;
}

static double median_of(const double *v, size_t n)
{
	double *t = malloc(n * sizeof(*t)), m;

	if (!t)
		return NAN;
	memcpy(t, v, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_double);
	m = stats_percentile_sorted(t, n, 0.5);
	free(t);
	return m;
}

/* Batches where one operation is too short to time alone: decided once, on the first samples. */
static void decide_batch(const struct run_config *rc, struct slot *sl, const struct point *pt)
{
	double med;

	if (sl->budget.batch_decided || !sl->perop[0].n)
		return;
	sl->budget.batch_decided = 1;
	if (is_burst(pt) || rc->batch <= 1 || !rc->batch_below_ns)
		return;
	med = median_of(sl->perop[0].v, sl->perop[0].n);
	if (med < rc->batch_below_ns && !config_over_mem_cap(rc, pt->bytes, rc->batch) &&
	    pt->bytes * rc->batch <= ALLOCBENCH_MAX_BATCH_BYTES)
		sl->batch_ops = rc->batch;
}

static int batch_visit(struct run_ctx *ctx, struct slot *sl, const struct point *pt)
{
	const struct run_config *rc = &ctx->cfg->run;
	double est = lat_estimate_ns(&sl->budget);
	uint64_t quota;

	decide_batch(rc, sl, pt);
	if (!sl->batch_ops)
		return 0;
	quota = visit_quota(lat_target(rc, est * sl->batch_ops, 1), sl->budget.batch_done, pt, 1,
			    BATCH_MAX_SUBSERIES);
	if (!quota)
		return 0;
	sl->budget.batch_done += quota;
	return take_subseries(ctx, sl, pt, sl->batch_ops, quota, visit_warmup(rc, sl, est, pt));
}

/* Whether the point can run at all here; counts why not. */
static int runs_here(struct run_ctx *ctx, struct slot *sl, const struct point *pt)
{
	const struct device *dev = ctx->dev;

	if (!device_has_allocator(dev, pt->allocator) ||
	    (pt->gfp == ALLOCBENCH_GFP_ATOMIC && dev->alloc_known[pt->allocator] &&
	     !(dev->alloc[pt->allocator].flags & ALLOCBENCH_ALLOC_ATOMIC_OK))) {
		sl->unsupported++;
		return 0;
	}
	/*
	 * MemAvailable is read at the point's first visit only: reading
	 * /proc/meminfo at every visit costs time, and the module's own memory
	 * budget still refuses any request that would cross its limit.
	 */
	if (!sl->cap_checked) {
		sl->cap_checked = 1;
		sl->beyond_cap = config_over_mem_cap(&ctx->cfg->run, pt->bytes, unit_of(pt));
	}
	if (sl->beyond_cap) {
		sl->skipped++;
		return 0;
	}
	return 1;
}

/* What an error of RUN means: 0 handled (the row says it), 1 fatal (reported), -1 stop. */
static int visit_error(struct slot *sl, const struct point *pt, int err)
{
	char h[32];

	switch (err) {
	case -EOPNOTSUPP:
		sl->unsupported++;
		return 0;
	case -ENOMEM:	/* the module's own cap: more than half of MemAvailable held */
		sl->skipped++;
		sl->skipped_visits += sl->measured > 0;
		return 0;
	case -EINTR:	/* SIGINT/SIGTERM, or device_ioctl() gave up and said why */
		return -1;
	case RUNNER_NOMEM:
		ab_err("%s %s %s: out of memory, or samples.csv.gz cannot be written",
		       allocator_name(pt->allocator), op_name(pt->op), size_format(pt->bytes, h, sizeof(h)));
		return 1;
	default:
		ab_err("RUN %s %s gfp=%s size=%s failed: %s (runner and module disagree on the ABI? "
		       "rebuild both from one tree)", allocator_name(pt->allocator), op_name(pt->op),
		       gfp_name(pt->gfp), size_format(pt->bytes, h, sizeof(h)), strerror(-err));
		return 1;
	}
}

int lat_visit(struct run_ctx *ctx, struct slot *sl, const struct point *pt)
{
	int err = 0;

	if (!runs_here(ctx, sl, pt))
		return 0;
	if (!sl->budget.calibrated)
		err = calibrate_point(ctx, sl, pt);
	if (!err && !ab_stop) {
		start_repeat(sl, pt);
		err = perop_visit(ctx, sl, pt);
	}
	if (!err && !ab_stop)
		err = batch_visit(ctx, sl, pt);
	if (err)
		return visit_error(sl, pt, err);
	return ab_stop ? -1 : 0;
}
