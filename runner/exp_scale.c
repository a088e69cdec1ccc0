// SPDX-License-Identifier: GPL-2.0
/*
 * [scale]: many CPUs at once. For each allocator x size x pattern x thread
 * count, one ALLOCBENCH_IOC_SCALE request: the module binds one worker
 * kthread to each of the first N online CPUs, starts them together and
 * stops them after duration_ms (pair, burst, or remote_free through a ring
 * to the next worker). The runner turns the workers' counters into total
 * and per-thread ops/s and their spread, and the sampled ticks (one
 * operation in sample_every) into latency percentiles, the timer's own
 * overhead and the call through the allocator table subtracted as for RUN
 * samples. Scaling efficiency needs the 1-thread row and is computed at
 * report time (report_scale.c).
 *
 * Writes scale.csv (one row per point and repeat), scale-threads.csv (one
 * row per worker) and scale-samples.csv.gz (every sampled tick, raw), each
 * under a .tmp name until the run completes.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
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
#include "names.h"
#include "plan.h"
#include "scale_calc.h"
#include "sizes.h"
#include "stats.h"
#include "ticks.h"
#include "util.h"

#define SCALE_SCHEMA_VERSION	1
#define ALL_PATTERNS		((1U << ALLOCBENCH_NR_SCALE_PATTERNS) - 1)

struct scale_section {
	uint32_t allocators;
	uint32_t patterns;
	struct size_list sizes;
	struct scale_threads threads;
	int threads_line;		/* line of the threads key, 0: default */
	unsigned burst, duration_ms, warmup_ms, sample_every, samples_per_thread;
};

static const char *patterns_known(void)
{
	return "pair, burst, remote_free";
}

static int parse_threads(const struct cfg_key *k, void *obj, const char *value, int line,
			 char *err, size_t errlen)
{
	struct scale_section *s = obj;

	(void)line;
	return scale_threads_parse(k->name, value, ALLOCBENCH_MAX_THREADS, &s->threads, err, errlen);
}

#define SCALE_NUM(member, lo, hi) CFG_NUMBER(struct scale_section, member, lo, hi)

static const struct cfg_key scale_keys[] = {
	{ .name = "allocators", CFG_ALLOCATORS(struct scale_section, allocators),
	  .def = "kmalloc, kmem_cache, vmalloc, alloc_pages", .help = "comma list of allocator names, or all" },
	{ .name = "patterns", .type = CFG_NAMES, CFG_FIELD(struct scale_section, patterns),
	  .lookup = scale_pattern_by_name, .what = "pattern", .known = patterns_known, .all_mask = ALL_PATTERNS,
	  .def = "pair, burst, remote_free", .help = "comma list of pair, burst, remote_free, or all" },
	{ .name = "sizes", .type = CFG_SIZES, CFG_FIELD(struct scale_section, sizes), .def = "64",
	  .help = "object sizes and ranges" },
	{ .name = "threads", .type = CFG_CUSTOM, CFG_FIELD(struct scale_section, threads), .parse = parse_threads,
	  CFG_LINE(struct scale_section, threads_line), .def = "1, 2, all",
	  .help = "comma list of thread counts and all (the CPUs online)" },
	{ .name = "burst", SCALE_NUM(burst, 1, ALLOCBENCH_MAX_BURST), .def = "64",
	  .help = "objects per burst of burst and remote_free" },
	{ .name = "duration_ms", SCALE_NUM(duration_ms, 1, ALLOCBENCH_MAX_SCALE_MS), .def = "200",
	  .help = "time budget of one point" },
	{ .name = "warmup_ms", SCALE_NUM(warmup_ms, 0, ALLOCBENCH_MAX_SCALE_MS), .def = "20",
	  .help = "untimed request of this length before each point (0: none)" },
	{ .name = "sample_every", SCALE_NUM(sample_every, 1, UINT32_MAX), .def = "64",
	  .help = "one operation in this many is timed" },
	{ .name = "samples_per_thread", SCALE_NUM(samples_per_thread, 0, ALLOCBENCH_MAX_SCALE_SAMPLES),
	  .def = "4096", .help = "timed samples kept per worker" },
};

static unsigned online_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (unsigned)n : 1;
}

/*
 * More threads than CPUs is an error where it can be known: above the CPUs
 * online here and above the vm target's guest CPUs ([run] smp), whichever
 * is larger (a config checked on the host for a bigger guest is fine; in
 * the guest, smp is what is online). Left over: ERANGE rows at run time.
 */
static int scale_finish(const struct config *cfg, const struct section *sec, const void *index,
			char *err, size_t errlen, int *line)
{
	const struct scale_section *s = sec->priv;
	unsigned limit = online_cpus(), want = scale_threads_max(&s->threads);

	if (key_single_section(cfg, sec, index, err, errlen, line))
		return -1;
	if (cfg->run.smp > limit)
		limit = cfg->run.smp;
	if (want > limit) {
		if (s->threads_line)
			*line = s->threads_line;
		snprintf(err, errlen, "threads: %u is more than the %u CPUs online here%s (use 'all' for every CPU)",
			 want, online_cpus(), cfg->run.smp > online_cpus() ? " and [run] smp" : "");
		return -1;
	}
	return 0;
}

static int scale_plan(const struct config *cfg, const struct section *sec, struct plan *p)
{
	const struct scale_section *s = sec->priv;
	unsigned counts[SCALE_MAX_COUNTS];
	size_t nc = scale_threads_expand(&s->threads, online_cpus(), counts, SCALE_MAX_COUNTS);
	struct point pt;

	(void)cfg;
	memset(&pt, 0, sizeof(pt));
	pt.sec = sec;
	pt.gfp = ALLOCBENCH_GFP_KERNEL;
	for (unsigned a = 0; a < ALLOCBENCH_NR_ALLOCATORS; a++)
		for (unsigned pat = 0; (s->allocators & (1U << a)) && pat < ALLOCBENCH_NR_SCALE_PATTERNS; pat++)
			for (size_t i = 0; (s->patterns & (1U << pat)) && i < s->sizes.n; i++)
				for (size_t t = 0; t < nc; t++) {
					pt.allocator = a;
					pt.op = pat;
					pt.bytes = s->sizes.v[i];
					pt.param = counts[t];
					if (plan_add(p, &pt))
						return -1;
				}
	return 0;
}

static void scale_describe(const struct point *pt, char *buf, size_t len)
{
	char sz[32];

	snprintf(buf, len, "scale %s %s %s x%" PRIu64, allocator_name(pt->allocator),
		 scale_pattern_name(pt->op), size_format(pt->bytes, sz, sizeof(sz)), pt->param);
}

/* ---- state ---- */

struct scale_row {
	uint32_t allocator, pattern, threads, repeat, burst, duration_ms;
	uint64_t bytes;
	const char *status;
	char reason[160];
	struct allocbench_scale req;
	struct allocbench_scale_thread *w;	/* threads of them when measured */
	struct scale_figures fig;
	struct stats lat;
	uint64_t failures, remote_frees, local_frees;
};

struct scale_state {
	struct scale_row *rows;
	size_t n, cap;
	gzFile raw;
	char raw_tmp[4200];
	uint64_t raw_rows;
};

static int scale_run_begin(struct run_ctx *ctx, int idx, const struct plan *p)
{
	struct scale_state *st = calloc(1, sizeof(*st));

	(void)p;
	if (!st)
		return -1;
	ctx->state[idx] = st;
	snprintf(st->raw_tmp, sizeof(st->raw_tmp), "%s/scale-samples.csv.gz.tmp", ctx->dir);
	st->raw = gzopen(st->raw_tmp, "wb6");
	if (!st->raw || gzputs(st->raw, "allocator,pattern,gfp,size_bytes,threads,repeat,thread,cpu,seq,ticks\n") < 0) {
		ab_err("cannot write %s: %s", st->raw_tmp, strerror(errno));
		return -1;
	}
	return 0;
}

static struct scale_row *new_row(struct scale_state *st, const struct point *pt, const struct scale_section *s)
{
	struct scale_row *r;

	if (st->n == st->cap) {
		size_t nc = st->cap ? st->cap * 2 : 64;
		struct scale_row *nr = realloc(st->rows, nc * sizeof(*nr));

		if (!nr)
			return NULL;
		st->rows = nr;
		st->cap = nc;
	}
	r = &st->rows[st->n++];
	memset(r, 0, sizeof(*r));
	r->allocator = pt->allocator;
	r->pattern = pt->op;
	r->threads = (uint32_t)pt->param;
	r->repeat = pt->repeat;
	r->bytes = pt->bytes;
	r->burst = pt->op == ALLOCBENCH_SCALE_PAIR ? 0 : s->burst;
	r->duration_ms = s->duration_ms;
	r->lat.p50 = r->lat.p90 = r->lat.p99 = r->lat.p999 = r->lat.max = NAN;
	return r;
}

/* Raw ticks of every worker, one row each, into scale-samples.csv.gz. */
static int write_raw(struct scale_state *st, const struct scale_row *r, const uint64_t *samples,
		     unsigned per_thread)
{
	for (uint32_t t = 0; t < r->threads; t++) {
		uint32_t n = r->w[t].samples_written < per_thread ? r->w[t].samples_written : per_thread;

		for (uint32_t i = 0; i < n; i++) {
			if (gzprintf(st->raw, "%s,%s,kernel,%" PRIu64 ",%u,%u,%u,%u,%u,%" PRIu64 "\n",
				     allocator_name(r->allocator), scale_pattern_name(r->pattern), r->bytes,
				     r->threads, r->repeat, t, r->w[t].cpu, i,
				     samples[(size_t)t * per_thread + i]) <= 0)
				return -1;
			st->raw_rows++;
		}
	}
	return 0;
}

/* Counters and figures of a measured row; the sampled ticks in ns into its percentiles. */
static int summarize(const struct allocbench_info *in, struct scale_row *r, const uint64_t *samples,
		     unsigned per_thread)
{
	struct scale_worker wk[ALLOCBENCH_MAX_THREADS];
	/* a pair sample holds two calls through the allocator table, the others one */
	double calls = r->pattern == ALLOCBENCH_SCALE_PAIR ? 2 : 1;
	struct samples ns = { 0 };

	for (uint32_t t = 0; t < r->threads; t++) {
		const struct allocbench_scale_thread *w = &r->w[t];
		uint32_t n = w->samples_written < per_thread ? w->samples_written : per_thread;

		wk[t].ops = w->ops;
		wk[t].elapsed_ns = w->elapsed_ns;
		r->failures += w->failures;
		r->remote_frees += w->remote_frees;
		r->local_frees += w->local_frees;
		for (uint32_t i = 0; i < n; i++)
			if (samples_push(&ns, ticks_to_ns(in, samples[(size_t)t * per_thread + i], 1, calls))) {
				samples_free(&ns);
				return -1;
			}
	}
	scale_figures_compute(wk, r->threads, &r->fig);
	if (ns.n)
		stats_compute(ns.v, ns.n, &r->lat);
	samples_free(&ns);
	if (r->fig.total_ops == 0)
		r->status = "failed";
	else
		r->status = r->failures ? "partial" : "ok";
	return 0;
}

/* A module refusal as a row: 0 (row written), or -1 to stop the run. */
static int refusal(struct run_ctx *ctx, struct scale_row *r, int err)
{
	uint64_t need = (uint64_t)r->threads * (r->burst ? r->burst : 1) * r->bytes;
	char hb[32], hn[32];

	switch (-err) {
	case ENOMEM:
		r->status = "skipped";
		snprintf(r->reason, sizeof(r->reason),
			 "memory guard: %u threads x %u objects of %s (%s%s) exceed the module's budget "
			 "(half of MemAvailable, less what other requests hold)",
			 r->threads, r->burst ? r->burst : 1, size_format(r->bytes, hb, sizeof(hb)),
			 size_format(need, hn, sizeof(hn)),
			 r->pattern == ALLOCBENCH_SCALE_REMOTE_FREE ? " and the rings" : "");
		return 0;
	case ERANGE:
		r->status = "skipped";
		snprintf(r->reason, sizeof(r->reason), "more threads (%u) than CPUs online (%ld)", r->threads,
			 sysconf(_SC_NPROCESSORS_ONLN));
		return 0;
	case E2BIG:
		r->status = "skipped";
		snprintf(r->reason, sizeof(r->reason), "size above total RAM");
		return 0;
	case EOPNOTSUPP:
	case ENOTTY:
		r->status = "unsupported";
		snprintf(r->reason, sizeof(r->reason), "%s", err == -ENOTTY ? "the module has no SCALE ioctl" :
			 "not offered by this kernel");
		return 0;
	case EINTR:	/* SIGINT/SIGTERM, or device_ioctl() gave up and said why */
		return -1;
	default:
		(void)ctx;
		ab_err("SCALE %s %s %" PRIu64 " x%u failed: %s", allocator_name(r->allocator),
		       scale_pattern_name(r->pattern), r->bytes, r->threads, strerror(-err));
		return -1;
	}
}

static void fill_request(struct allocbench_scale *q, const struct scale_row *r, const struct scale_section *s,
			 unsigned duration_ms, unsigned per_thread, uint64_t *samples,
			 struct allocbench_scale_thread *w)
{
	memset(q, 0, sizeof(*q));
	q->allocator = r->allocator;
	q->pattern = r->pattern;
	q->gfp = ALLOCBENCH_GFP_KERNEL;
	q->bytes = r->bytes;
	q->threads = r->threads;
	q->burst = r->burst;
	q->duration_ms = duration_ms;
	q->sample_every = s->sample_every;
	q->samples = (uint64_t)(uintptr_t)samples;
	q->samples_per_thread = per_thread;
	q->threads_out = (uint64_t)(uintptr_t)w;
}

/* One point: an untimed warm-up request, then the measured one. 0 or -1 (stop). */
static int measure(struct run_ctx *ctx, struct scale_state *st, struct scale_row *r,
		   const struct scale_section *s)
{
	unsigned per = s->samples_per_thread;
	uint64_t *samples = calloc((size_t)r->threads * (per ? per : 1), sizeof(*samples));
	int err = 0, rc = 0;

	r->w = calloc(r->threads, sizeof(*r->w));
	if (!samples || !r->w) {
		free(samples);
		ab_err("scale: out of memory");
		return -1;
	}
	if (s->warmup_ms) {
		fill_request(&r->req, r, s, s->warmup_ms, 0, samples, r->w);
		err = device_scale(ctx->dev, &r->req);
	}
	if (!err) {
		memset(r->w, 0, r->threads * sizeof(*r->w));
		fill_request(&r->req, r, s, s->duration_ms, per, samples, r->w);
		err = device_scale(ctx->dev, &r->req);
	}
	if (err) {
		free(r->w);
		r->w = NULL;
		rc = refusal(ctx, r, err);
	} else if (summarize(&ctx->dev->info, r, samples, per) ||
		   (st->raw && write_raw(st, r, samples, per))) {
		ab_err("scale: out of memory, or scale-samples.csv.gz cannot be written");
		rc = -1;
	}
	free(samples);
	return rc;
}

static int scale_run_point(struct run_ctx *ctx, int idx, const struct point *pt)
{
	struct scale_state *st = ctx->state[idx];
	const struct scale_section *s = pt->sec->priv;
	struct scale_row *r = new_row(st, pt, s);

	if (!r)
		return -1;
	if (!device_has_allocator(ctx->dev, pt->allocator)) {
		r->status = "unsupported";
		snprintf(r->reason, sizeof(r->reason), "not offered by this kernel");
		return 0;
	}
	return measure(ctx, st, r, s);
}

static int row_cmp(const void *a, const void *b)
{
	const struct scale_row *x = a, *y = b;

	if (x->allocator != y->allocator)
		return x->allocator < y->allocator ? -1 : 1;
	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? -1 : 1;
	if (x->pattern != y->pattern)
		return x->pattern < y->pattern ? -1 : 1;
	if (x->threads != y->threads)
		return x->threads < y->threads ? -1 : 1;
	return (x->repeat > y->repeat) - (x->repeat < y->repeat);
}

static const char *const scale_cols[] = {
	"schema_version", "allocator", "size_bytes", "pattern", "gfp", "threads", "burst", "repeat",
	"status", "reason", "duration_ms", "elapsed_ns", "cpus_online", "total_ops", "total_ops_per_s",
	"thread_ops_per_s_mean", "thread_ops_per_s_min", "thread_ops_per_s_max", "fairness_min_max_ratio",
	"fairness_cv_pct", "samples", "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns", "failures",
	"remote_frees", "local_frees",
};

/* The measured columns of one row (after "reason"); empty cells when not measured. */
static int write_figures(struct csv_writer *w, const struct scale_row *r)
{
	const double v[] = {
		r->fig.total_ops_per_s, r->fig.thread_mean, r->fig.thread_min, r->fig.thread_max,
		r->fig.min_max_ratio, r->fig.cv_pct,
	};
	const double l[] = { r->lat.p50, r->lat.p90, r->lat.p99, r->lat.p999, r->lat.max };
	int rc = 0;

	if (!r->w) {
		for (int k = 0; k < 18; k++)
			rc |= csv_empty(w);
		return rc;
	}
	rc |= csv_u64(w, r->req.elapsed_ns);
	rc |= csv_u64(w, r->req.cpus_online);
	rc |= csv_u64(w, r->fig.total_ops);
	for (size_t k = 0; k < ARRAY_SIZE(v); k++)
		rc |= isfinite(v[k]) ? csv_double(w, v[k]) : csv_empty(w);
	rc |= csv_u64(w, r->lat.n);
	for (size_t k = 0; k < ARRAY_SIZE(l); k++)
		rc |= r->lat.n && isfinite(l[k]) ? csv_double(w, l[k]) : csv_empty(w);
	rc |= csv_u64(w, r->failures);
	rc |= csv_u64(w, r->remote_frees);
	rc |= csv_u64(w, r->local_frees);
	return rc;
}

static int write_row(struct csv_writer *w, const struct scale_row *r)
{
	int rc = 0;

	rc |= csv_u64(w, SCALE_SCHEMA_VERSION);
	rc |= csv_str(w, allocator_name(r->allocator));
	rc |= csv_u64(w, r->bytes);
	rc |= csv_str(w, scale_pattern_name(r->pattern));
	rc |= csv_str(w, "kernel");
	rc |= csv_u64(w, r->threads);
	rc |= csv_u64(w, r->burst);
	rc |= csv_u64(w, r->repeat);
	rc |= csv_str(w, r->status);
	rc |= csv_str(w, r->reason);
	rc |= csv_u64(w, r->duration_ms);
	rc |= write_figures(w, r);
	return rc | csv_end_row(w);
}

static const char *const thread_cols[] = {
	"schema_version", "allocator", "size_bytes", "pattern", "threads", "repeat", "thread", "cpu",
	"ops", "elapsed_ns", "ops_per_s", "failures", "remote_frees", "local_frees", "samples",
};

static int write_thread_rows(struct csv_writer *w, const struct scale_row *r)
{
	int rc = 0;

	for (uint32_t t = 0; r->w && t < r->threads; t++) {
		const struct allocbench_scale_thread *x = &r->w[t];

		rc |= csv_u64(w, SCALE_SCHEMA_VERSION);
		rc |= csv_str(w, allocator_name(r->allocator));
		rc |= csv_u64(w, r->bytes);
		rc |= csv_str(w, scale_pattern_name(r->pattern));
		rc |= csv_u64(w, r->threads);
		rc |= csv_u64(w, r->repeat);
		rc |= csv_u64(w, t);
		rc |= csv_u64(w, x->cpu);
		rc |= csv_u64(w, x->ops);
		rc |= csv_u64(w, x->elapsed_ns);
		rc |= x->elapsed_ns ? csv_double(w, (double)x->ops * 1e9 / (double)x->elapsed_ns) : csv_empty(w);
		rc |= csv_u64(w, x->failures);
		rc |= csv_u64(w, x->remote_frees);
		rc |= csv_u64(w, x->local_frees);
		rc |= csv_u64(w, x->samples_written);
		rc |= csv_end_row(w);
	}
	return rc;
}

/* One CSV of the run from the rows (tmp + rename). 0 or -1. */
static int write_csv(const char *dir, const char *name, const char *const *cols, size_t ncols,
		     const struct scale_state *st, int (*row)(struct csv_writer *, const struct scale_row *))
{
	char path[4200];
	struct csv_writer *w;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	w = csv_create(path, cols, ncols);
	if (!w) {
		ab_err("cannot create %s.tmp: %s", path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < st->n && !rc; i++)
		rc = row(w, &st->rows[i]);
	return csv_commit_or_abort(w, path, rc);
}

/* Closes the raw samples; renamed to their final name only when commit. */
static int close_raw(struct scale_state *st, int commit)
{
	char final[4200];
	int rc = 0;

	if (!st->raw)
		return 0;
	if (gzclose(st->raw) != Z_OK)
		rc = -1;
	st->raw = NULL;
	snprintf(final, sizeof(final), "%.*s", (int)(strlen(st->raw_tmp) - 4), st->raw_tmp);
	if (!commit || rc || rename(st->raw_tmp, final) < 0) {
		if (commit)
			ab_err("cannot commit %s", final);
		unlink(st->raw_tmp);
		return commit ? -1 : 0;
	}
	return 0;
}

static int scale_run_end(struct run_ctx *ctx, int idx, int commit)
{
	struct scale_state *st = ctx->state[idx];
	int rc = 0;

	if (!st)
		return 0;
	ctx->state[idx] = NULL;
	commit = commit && st->n;
	if (commit) {
		qsort(st->rows, st->n, sizeof(*st->rows), row_cmp);
		rc |= write_csv(ctx->dir, "scale.csv", scale_cols, ARRAY_SIZE(scale_cols), st, write_row);
		rc |= write_csv(ctx->dir, "scale-threads.csv", thread_cols, ARRAY_SIZE(thread_cols), st,
				write_thread_rows);
	}
	rc |= close_raw(st, commit && !rc);
	for (size_t i = 0; i < st->n; i++)
		free(st->rows[i].w);
	free(st->rows);
	free(st);
	return rc ? -1 : 0;
}

const struct experiment_kind exp_scale = {
	.name = "scale",
	.summary = "many CPUs at once: ops/s, fairness, sampled latency and remote frees per thread count -> scale.csv",
	.csv_name = "scale.csv",
	.section_size = sizeof(struct scale_section),
	.keys = scale_keys,
	.nkeys = ARRAY_SIZE(scale_keys),
	.finish = scale_finish,
	.plan = scale_plan,
	.run_begin = scale_run_begin,
	.run_point = scale_run_point,
	.run_end = scale_run_end,
	.describe = scale_describe,
};
