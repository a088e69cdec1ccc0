// SPDX-License-Identifier: GPL-2.0
/*
 * [frag]: fragment physical memory on purpose and measure the consequences.
 *
 * Three phases: before (baseline), fragmented (ALLOCBENCH_IOC_FRAG HOLD:
 * one page pinned in every 2^keep_order block), after (RELEASE). In each,
 * a snapshot of /proc/buddyinfo, /proc/pagetypeinfo and the debugfs
 * extfrag indexes, then success rate and latency of alloc_pages at every
 * order and of kmalloc, kvmalloc and vmalloc at large sizes, under gfp
 * nowait (no reclaim and no compaction of any kind, nor a kswapd/kcompactd
 * wakeup: what the free lists hold right now), noretry (one light direct
 * compaction pass) and kernel (full direct compaction and reclaim: the
 * cost of compaction shows up as latency). After release the run checks that the machine is
 * back to its baseline shape. The hold belongs to the runner's open file:
 * it is released on every path here, and by the module when the file is
 * closed (also when the runner is killed).
 *
 * Writes frag.csv (measurements), buddyinfo.csv, extfrag.csv,
 * frag-summary.csv (key,value: the hold and the verdict) and
 * pagetypeinfo-<phase>.txt.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocbench.h"
#include "config.h"
#include "config_keys.h"
#include "ticks.h"
#include "csv.h"
#include "device.h"
#include "experiment.h"
#include "limit_search.h"
#include "limits_run.h"
#include "names.h"
#include "plan.h"
#include "sizes.h"
#include "stats.h"
#include "util.h"

#define FRAG_SCHEMA_VERSION	1
#define FRAG_PHASES		3
#define FRAG_DEFAULT_ALLOCS	((1U << ALLOCBENCH_ALLOC_PAGES) | (1U << ALLOCBENCH_KMALLOC) | \
				 (1U << ALLOCBENCH_KVMALLOC) | (1U << ALLOCBENCH_VMALLOC))
#define FRAG_ALLOWED		(FRAG_DEFAULT_ALLOCS | (1U << ALLOCBENCH_KZALLOC) | \
				 (1U << ALLOCBENCH_VZALLOC) | (1U << ALLOCBENCH_GET_FREE_PAGES) | \
				 (1U << ALLOCBENCH_ALLOC_PAGES_EXACT) | (1U << ALLOCBENCH_VMALLOC_HUGE))

static const char *const phase_names[FRAG_PHASES] = { "before", "fragmented", "after" };

struct frag_section {
	unsigned percent;
	unsigned keep_order;
	unsigned attempts;		/* per point, gfp nowait and noretry */
	unsigned attempts_kernel;	/* per point, gfp kernel (direct compaction: slow) */
	uint32_t gfps;
	uint32_t allocators;
	struct size_list sizes;
	unsigned memfree_tolerance;	/* percent */
	unsigned recover_percent;
};

static int parse_frag_gfp(const struct cfg_key *k, void *obj, const char *value, int line,
			  char *err, size_t errlen)
{
	struct frag_section *s = obj;

	(void)line;
	if (key_name_set(k->name, value, gfp_by_name, "gfp", gfp_names_list(), 0, &s->gfps, err, errlen))
		return -1;
	if (s->gfps & (1U << ALLOCBENCH_GFP_ATOMIC)) {
		snprintf(err, errlen, "gfp atomic is not measured by [frag] (expected nowait, noretry, kernel)");
		return -1;
	}
	return 0;
}

static int parse_frag_allocators(const struct cfg_key *k, void *obj, const char *value, int line,
				 char *err, size_t errlen)
{
	struct frag_section *s = obj;

	(void)line;
	if (key_name_set(k->name, value, allocator_by_name, "allocator", allocator_names_list(), 0,
			 &s->allocators, err, errlen))
		return -1;
	if (s->allocators & ~FRAG_ALLOWED) {
		size_t n = (size_t)snprintf(err, errlen, "allocators: [frag] measures ");

		/* the allowed ones, in the order of the mask's bits */
		for (unsigned bit = 0, first = 1; allocator_name(bit) && n < errlen; bit++) {
			if (!(FRAG_ALLOWED & (1U << bit)))
				continue;
			n += (size_t)snprintf(err + n, errlen - n, "%s%s", first ? "" : ", ", allocator_name(bit));
			first = 0;
		}
		return -1;
	}
	return 0;
}

#define FRAG_NUM(member, lo, hi) CFG_NUMBER(struct frag_section, member, lo, hi)

static const struct cfg_key frag_keys[] = {
	{ .name = "percent", FRAG_NUM(percent, 1, ALLOCBENCH_FRAG_MAX_PERCENT), .def = "90",
	  .help = "share of free memory the first pass takes" },
	{ .name = "keep_order", FRAG_NUM(keep_order, ALLOCBENCH_FRAG_MIN_KEEP_ORDER, 10), .def = "6",
	  .help = "one page kept per 2^keep_order-aligned block" },
	{ .name = "attempts", FRAG_NUM(attempts, 1, 1024), .def = "16",
	  .help = "attempts per point of the nowait and noretry series" },
	{ .name = "attempts_kernel", FRAG_NUM(attempts_kernel, 1, 1024), .def = "8",
	  .help = "attempts per point of the kernel series" },
	{ .name = "gfp", CFG_GFPS(struct frag_section, gfps), .parse = parse_frag_gfp, .def = "nowait, kernel",
	  .help = "comma list of nowait, noretry, kernel" },
	{ .name = "allocators", .type = CFG_CUSTOM, CFG_FIELD(struct frag_section, allocators),
	  .parse = parse_frag_allocators,
	  .def = "alloc_pages, kmalloc, kvmalloc, vmalloc", .help = "comma list of allocator names" },
	{ .name = "sizes", .type = CFG_SIZES, CFG_FIELD(struct frag_section, sizes), .def = "64K..4M x2",
	  .help = "sizes for the allocators other than alloc_pages / get_free_pages" },
	{ .name = "memfree_tolerance_percent", FRAG_NUM(memfree_tolerance, 1, 50), .def = "2",
	  .help = "after must be within this of before" },
	{ .name = "recover_percent", FRAG_NUM(recover_percent, 1, 100), .def = "90",
	  .help = "high-order success after release, as a share of before" },
};

/* ---- state ---- */

struct frag_meas {
	int phase;
	uint32_t allocator, gfp;
	unsigned order;			/* get_order(size) */
	uint64_t bytes;
	unsigned attempts, successes;
	uint64_t fallbacks;
	double p50, p99;		/* NAN when no success */
	const char *status;
};

struct extfrag_row {
	int phase;
	int node;
	char zone[32];
	unsigned order;
	double extfrag, unusable;	/* NAN when unavailable */
};

struct frag_state {
	int ran;
	struct frag_meas *m;
	size_t nm, capm;
	struct buddyinfo bi[FRAG_PHASES];
	int have_bi[FRAG_PHASES];
	struct extfrag_row *ef;
	size_t nef, capef;
	uint64_t memfree[FRAG_PHASES], memfree_raw[FRAG_PHASES], memavail[FRAG_PHASES];
	struct allocbench_frag hold, rel;
	int hold_rc;
	const char *hold_status;
	unsigned keep_order, percent, tol, recover;
};

static int frag_run_begin(struct run_ctx *ctx, int idx, const struct plan *p)
{
	(void)p;
	ctx->state[idx] = calloc(1, sizeof(struct frag_state));
	return ctx->state[idx] ? 0 : -1;
}

static unsigned order_of(uint64_t bytes, uint64_t page)
{
	unsigned o = 0;

	while ((page << o) < bytes)
		o++;
	return o;
}

static int add_meas(struct frag_state *st, const struct frag_meas *m)
{
	if (st->nm == st->capm) {
		size_t nc = st->capm ? st->capm * 2 : 128;
		struct frag_meas *nv = realloc(st->m, nc * sizeof(*nv));

		if (!nv)
			return -1;
		st->m = nv;
		st->capm = nc;
	}
	st->m[st->nm++] = *m;
	return 0;
}

/* One point: `attempts` allocations, each timed, freed untimed. 0 or -1 (stop). */
static int measure_point(struct run_ctx *ctx, struct frag_state *st, int phase, uint32_t alloc,
			 uint32_t gfp, uint64_t bytes, unsigned attempts)
{
	const struct allocbench_info *in = &ctx->dev->info;
	struct frag_meas m;
	struct allocbench_run r;
	uint64_t samples[1024];
	double ns[1024];
	int rc;

	memset(&m, 0, sizeof(m));
	m.phase = phase;
	m.allocator = alloc;
	m.gfp = gfp;
	m.bytes = bytes;
	m.order = order_of(bytes, in->page_size);
	m.attempts = attempts;
	m.p50 = m.p99 = NAN;
	if (!device_has_allocator(ctx->dev, alloc)) {
		m.status = "unsupported";
		return add_meas(st, &m);
	}
	memset(&r, 0, sizeof(r));
	r.allocator = alloc;
	r.op = ALLOCBENCH_OP_ALLOC;
	r.gfp = gfp;
	r.bytes = bytes;
	r.count = attempts;
	r.batch = 1;
	r.samples = (uint64_t)(uintptr_t)samples;
	r.samples_cap = attempts;
	rc = device_run(ctx->dev, &r);
	if (rc == -EINTR)	/* SIGINT/SIGTERM, or device_ioctl() gave up and said why */
		return -1;
	if (rc == -ENOMEM || rc == -E2BIG) {
		m.status = "skipped";
		return add_meas(st, &m);
	}
	if (rc == -EOPNOTSUPP) {
		m.status = "unsupported";
		return add_meas(st, &m);
	}
	if (rc) {
		ab_err("frag: RUN %s %" PRIu64 " failed: %s", allocator_name(alloc), bytes, strerror(-rc));
		return -1;
	}
	m.successes = attempts > r.failures ? attempts - r.failures : 0;
	m.fallbacks = r.fallbacks;
	if (r.out_flags & ALLOCBENCH_OUT_NOT_ATTEMPTED)
		m.status = "not_attempted";
	else
		m.status = m.successes == attempts ? "ok" : m.successes ? "partial" : "failed";
	if (r.samples_written) {
		size_t n = r.samples_written > attempts ? attempts : r.samples_written;

		for (size_t i = 0; i < n; i++)
			ns[i] = ticks_to_ns(in, samples[i], 1, 1);
		qsort(ns, n, sizeof(ns[0]), cmp_double);
		m.p50 = stats_percentile_sorted(ns, n, 0.5);
		m.p99 = stats_percentile_sorted(ns, n, 0.99);
	}
	return add_meas(st, &m);
}

static int measure_phase(struct run_ctx *ctx, struct frag_state *st, const struct frag_section *s,
			 int phase)
{
	const struct allocbench_info *in = &ctx->dev->info;
	static const uint32_t gfp_order[] = { ALLOCBENCH_GFP_NOWAIT, ALLOCBENCH_GFP_NORETRY,
					      ALLOCBENCH_GFP_KERNEL };

	for (size_t gi = 0; gi < ARRAY_SIZE(gfp_order); gi++) {
		uint32_t g = gfp_order[gi];
		unsigned att = g == ALLOCBENCH_GFP_KERNEL ? s->attempts_kernel : s->attempts;

		if (!(s->gfps & (1U << g)))
			continue;
		for (uint32_t a = 0; a < ALLOCBENCH_NR_ALLOCATORS; a++) {
			if (!(s->allocators & (1U << a)))
				continue;
			if (a == ALLOCBENCH_ALLOC_PAGES || a == ALLOCBENCH_GET_FREE_PAGES) {
				for (unsigned o = 0; o <= in->max_order; o++)
					if (measure_point(ctx, st, phase, a, g, (uint64_t)in->page_size << o, att))
						return -1;
				continue;
			}
			for (size_t i = 0; i < s->sizes.n; i++)
				if (measure_point(ctx, st, phase, a, g, s->sizes.v[i], att))
					return -1;
		}
		if (ab_stop)
			return -1;
	}
	return 0;
}

/* "Node 0, zone    DMA32  -1.000 0.000 ..." */
static void parse_index(struct frag_state *st, int phase, const char *text, int unusable)
{
	const char *p = text;

	while (p && *p) {
		const char *eol = strchr(p, '\n');
		char zone[32];
		int node, off = 0;

		if (sscanf(p, "Node %d, zone %31s%n", &node, zone, &off) == 2) {
			const char *q = p + off;
			char *end;

			for (unsigned o = 0; o < BUDDY_MAX_ORDERS; o++) {
				double v = strtod(q, &end);
				struct extfrag_row *row = NULL;

				if (end == q || (eol && end > eol))
					break;
				q = end;
				for (size_t i = 0; i < st->nef; i++)
					if (st->ef[i].phase == phase && st->ef[i].node == node &&
					    st->ef[i].order == o && !strcmp(st->ef[i].zone, zone))
						row = &st->ef[i];
				if (!row) {
					if (st->nef == st->capef) {
						size_t nc = st->capef ? st->capef * 2 : 64;
						struct extfrag_row *nv = realloc(st->ef, nc * sizeof(*nv));

						if (!nv)
							return;
						st->ef = nv;
						st->capef = nc;
					}
					row = &st->ef[st->nef++];
					row->phase = phase;
					row->node = node;
					snprintf(row->zone, sizeof(row->zone), "%s", zone);
					row->order = o;
					row->extfrag = row->unusable = NAN;
				}
				if (unusable)
					row->unusable = v;
				else
					row->extfrag = v;
			}
		}
		p = eol ? eol + 1 : NULL;
	}
}

static void snapshot(struct run_ctx *ctx, struct frag_state *st, int phase)
{
	char path[4200];
	char *t;

	/* Free pages on per-CPU lists are free but not in MemFree: count them in. */
	st->memfree_raw[phase] = lim_meminfo("MemFree");
	st->memfree[phase] = st->memfree_raw[phase] + lim_pcp_pages() * ctx->dev->info.page_size;
	st->memavail[phase] = lim_meminfo("MemAvailable");
	t = read_all("/proc/buddyinfo", NULL);
	if (t && buddyinfo_parse(t, &st->bi[phase]) == 0)
		st->have_bi[phase] = 1;
	free(t);
	t = read_all("/proc/pagetypeinfo", NULL);
	if (t) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/pagetypeinfo-%s.txt", ctx->dir, phase_names[phase]);
		f = fopen(path, "we");
		if (f) {
			fputs(t, f);
			fclose(f);
		}
		free(t);
	}
	t = read_all("/sys/kernel/debug/extfrag/extfrag_index", NULL);
	if (t) {
		parse_index(st, phase, t, 0);
		free(t);
	}
	t = read_all("/sys/kernel/debug/extfrag/unusable_index", NULL);
	if (t) {
		parse_index(st, phase, t, 1);
		free(t);
	}
}

static int frag_ioctl(struct run_ctx *ctx, struct allocbench_frag *f, uint32_t cmd, unsigned percent,
		      unsigned keep_order)
{
	memset(f, 0, sizeof(*f));
	f->size = sizeof(*f);
	f->cmd = cmd;
	f->percent = percent;
	f->keep_order = keep_order;
	/* An interrupted HOLD is undone by the module, so sending it again is safe. */
	return device_ioctl(ctx->dev, ALLOCBENCH_IOC_FRAG, f);
}

static int frag_run_point(struct run_ctx *ctx, int idx, const struct point *pt)
{
	struct frag_state *st = ctx->state[idx];
	const struct frag_section *s = pt->sec->priv;
	const struct allocbench_info *in = &ctx->dev->info;
	int rc = 0, rrc;

	if (pt->repeat || st->ran)
		return 0;
	st->ran = 1;
	st->keep_order = s->keep_order > in->max_order ? in->max_order : s->keep_order;
	st->percent = s->percent;
	st->tol = s->memfree_tolerance;
	st->recover = s->recover_percent;

	/*
	 * before and after are snapshotted at the end of their phase: freed
	 * order-0 pages wait on per-CPU lists (neither in MemFree nor merged
	 * in buddyinfo) until something drains them, and the phase's failing
	 * high-order attempts do. Both snapshots see the same drained state.
	 */
	fprintf(stderr, "frag: phase before\n");
	if (measure_phase(ctx, st, s, 0))
		return -1;
	snapshot(ctx, st, 0);

	fprintf(stderr, "frag: holding one page in every %u (%u%% of free memory first)\n",
		1U << st->keep_order, st->percent);
	st->hold_rc = frag_ioctl(ctx, &st->hold, ALLOCBENCH_FRAG_HOLD, st->percent, st->keep_order);
	if (st->hold_rc) {
		st->hold_status = st->hold_rc == -ENOTTY ? "unsupported (module without FRAG)" :
				  st->hold_rc == -EBUSY ? "busy (another hold exists)" :
				  st->hold_rc == -EINTR ? "interrupted" : "error";
		if (st->hold_rc == -EINTR)
			return -1;	/* SIGINT/SIGTERM, or device_ioctl() gave up and said why */
		if (st->hold_rc != -ENOTTY && st->hold_rc != -EBUSY)
			ab_err("frag: HOLD failed: %s", strerror(-st->hold_rc));
		return ab_stop ? -1 : 0;
	}
	st->hold_status = "held";
	snapshot(ctx, st, 1);
	rc = measure_phase(ctx, st, s, 1);

	/* Released on every path, before anything else can fail. */
	rrc = frag_ioctl(ctx, &st->rel, ALLOCBENCH_FRAG_RELEASE, 0, 0);
	if (rrc) {
		ab_err("frag: RELEASE failed: %s (the module frees the pages when the device is closed)",
		       strerror(-rrc));
		return -1;
	}
	if (rc)
		return -1;
	fprintf(stderr, "frag: released %" PRIu64 " pages; phase after\n", (uint64_t)st->rel.held_pages);
	if (measure_phase(ctx, st, s, 2))
		return -1;
	snapshot(ctx, st, 2);
	return 0;
}

/* ---- output ---- */

static const char *const meas_cols[] = {
	"schema_version", "phase", "allocator", "gfp", "order", "size_bytes", "attempts", "successes",
	"success_rate", "p50_ns", "p99_ns", "fallbacks", "status",
};

static const char *const bi_cols[] = {
	"schema_version", "phase", "node", "zone", "order", "free_blocks", "free_bytes",
};

static const char *const ef_cols[] = {
	"phase", "node", "zone", "order", "extfrag_index", "unusable_index",
};

static int write_meas(struct run_ctx *ctx, const struct frag_state *st)
{
	char path[4200];
	struct csv_writer *w;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/frag.csv", ctx->dir);
	w = csv_create(path, meas_cols, ARRAY_SIZE(meas_cols));
	if (!w)
		return -1;
	for (size_t i = 0; i < st->nm; i++) {
		const struct frag_meas *m = &st->m[i];

		rc |= csv_u64(w, FRAG_SCHEMA_VERSION);
		rc |= csv_str(w, phase_names[m->phase]);
		rc |= csv_str(w, allocator_name(m->allocator));
		rc |= csv_str(w, gfp_name(m->gfp));
		rc |= csv_u64(w, m->order);
		rc |= csv_u64(w, m->bytes);
		rc |= csv_u64(w, m->attempts);
		rc |= csv_u64(w, m->successes);
		rc |= csv_double(w, m->attempts ? (double)m->successes / m->attempts : NAN);
		rc |= csv_double(w, m->p50);
		rc |= csv_double(w, m->p99);
		rc |= csv_u64(w, m->fallbacks);
		rc |= csv_str(w, m->status);
		rc |= csv_end_row(w);
	}
	return csv_commit_or_abort(w, path, rc);
}

static int write_bi(struct run_ctx *ctx, const struct frag_state *st)
{
	const uint64_t ps = ctx->dev->info.page_size;
	char path[4200];
	struct csv_writer *w;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/buddyinfo.csv", ctx->dir);
	w = csv_create(path, bi_cols, ARRAY_SIZE(bi_cols));
	if (!w)
		return -1;
	for (int p = 0; p < FRAG_PHASES; p++) {
		if (!st->have_bi[p])
			continue;
		for (size_t z = 0; z < st->bi[p].n; z++) {
			const struct buddy_zone *bz = &st->bi[p].z[z];

			for (unsigned o = 0; o < bz->norders; o++) {
				rc |= csv_u64(w, FRAG_SCHEMA_VERSION);
				rc |= csv_str(w, phase_names[p]);
				rc |= csv_u64(w, (uint64_t)bz->node);
				rc |= csv_str(w, bz->zone);
				rc |= csv_u64(w, o);
				rc |= csv_u64(w, bz->free[o]);
				rc |= csv_u64(w, (bz->free[o] << o) * ps);
				rc |= csv_end_row(w);
			}
		}
	}
	return csv_commit_or_abort(w, path, rc);
}

static int write_ef(struct run_ctx *ctx, const struct frag_state *st)
{
	char path[4200];
	struct csv_writer *w;
	int rc = 0;

	if (!st->nef)
		return 0;
	snprintf(path, sizeof(path), "%s/extfrag.csv", ctx->dir);
	w = csv_create(path, ef_cols, ARRAY_SIZE(ef_cols));
	if (!w)
		return -1;
	for (size_t i = 0; i < st->nef; i++) {
		const struct extfrag_row *e = &st->ef[i];

		rc |= csv_str(w, phase_names[e->phase]);
		rc |= csv_u64(w, (uint64_t)e->node);
		rc |= csv_str(w, e->zone);
		rc |= csv_u64(w, e->order);
		rc |= csv_double(w, e->extfrag);
		rc |= csv_double(w, e->unusable);
		rc |= csv_end_row(w);
	}
	return csv_commit_or_abort(w, path, rc);
}

static int write_summary(struct run_ctx *ctx, const struct frag_state *st)
{
	const uint64_t ps = ctx->dev->info.page_size;
	char path[4200], key[64];
	struct lim_kv kv;
	double dfree = NAN, rec = NAN;
	uint64_t hi[FRAG_PHASES] = { 0 };
	int ok_free = 0, ok_hi = 0;

	snprintf(path, sizeof(path), "%s/frag-summary.csv", ctx->dir);
	if (lim_kv_open(&kv, path))
		return -1;
	lim_kv_u64(&kv, "keep_order", st->keep_order);
	lim_kv_u64(&kv, "percent", st->percent);
	lim_kv_str(&kv, "hold", st->hold_status ? st->hold_status : "not run");
	lim_kv_u64(&kv, "taken_pages", st->hold.taken_pages);
	lim_kv_u64(&kv, "swept_blocks", st->hold.swept_blocks);
	lim_kv_u64(&kv, "held_pages", st->hold.held_pages);
	lim_kv_u64(&kv, "held_bytes", st->hold.held_pages * ps);
	lim_kv_u64(&kv, "floor_bytes", st->hold.floor_pages * ps);
	lim_kv_str(&kv, "stopped_at_floor", st->hold.out_flags & ALLOCBENCH_FRAG_OUT_FLOOR ? "yes" : "no");
	lim_kv_double(&kv, "hold_ms", (double)st->hold.elapsed_ns / 1e6);
	lim_kv_u64(&kv, "released_pages", st->rel.held_pages);
	lim_kv_double(&kv, "release_ms", (double)st->rel.elapsed_ns / 1e6);
	for (int p = 0; p < FRAG_PHASES; p++) {
		snprintf(key, sizeof(key), "memfree_%s_bytes", phase_names[p]);
		lim_kv_u64(&kv, key, st->memfree_raw[p]);
		snprintf(key, sizeof(key), "free_incl_pcp_%s_bytes", phase_names[p]);
		lim_kv_u64(&kv, key, st->memfree[p]);
		snprintf(key, sizeof(key), "memavailable_%s_bytes", phase_names[p]);
		lim_kv_u64(&kv, key, st->memavail[p]);
		if (st->have_bi[p]) {
			hi[p] = buddyinfo_pages_from(&st->bi[p], NULL, st->keep_order) * ps;
			snprintf(key, sizeof(key), "highorder_free_%s_bytes", phase_names[p]);
			lim_kv_u64(&kv, key, hi[p]);
		}
	}
	if (st->hold_status && !strcmp(st->hold_status, "held") && st->memfree[0] && st->memfree[2]) {
		dfree = ((double)st->memfree[2] - (double)st->memfree[0]) / (double)st->memfree[0] * 100.0;
		ok_free = fabs(dfree) <= st->tol;
		/* MemFree plus the per-CPU lists: what the machine has free, wherever it waits */
		lim_kv_double(&kv, "memfree_delta_percent", dfree);
		lim_kv_u64(&kv, "memfree_tolerance_percent", st->tol);
		lim_kv_str(&kv, "memfree_recovered", ok_free ? "yes" : "no");
		/*
		 * High orders are judged by what the allocator does, not by
		 * buddyinfo alone: released pages may wait on per-CPU lists,
		 * unmerged, until a drain. alloc_pages at orders >= keep_order
		 * (the least helped gfp measured: nowait, else noretry, else
		 * kernel) must succeed after at least recover_percent of what
		 * it did before.
		 */
		uint64_t okb = 0, oka = 0;
		uint32_t rg = ALLOCBENCH_GFP_KERNEL;

		for (size_t i = 0; i < st->nm; i++) {
			if (st->m[i].gfp == ALLOCBENCH_GFP_NOWAIT)
				rg = ALLOCBENCH_GFP_NOWAIT;
			else if (st->m[i].gfp == ALLOCBENCH_GFP_NORETRY && rg != ALLOCBENCH_GFP_NOWAIT)
				rg = ALLOCBENCH_GFP_NORETRY;
		}
		for (size_t i = 0; i < st->nm; i++) {
			const struct frag_meas *m = &st->m[i];

			if (m->allocator != ALLOCBENCH_ALLOC_PAGES || m->gfp != rg ||
			    m->order < st->keep_order)
				continue;
			if (m->phase == 0)
				okb += m->successes;
			else if (m->phase == 2)
				oka += m->successes;
		}
		if (hi[0])
			lim_kv_double(&kv, "highorder_free_after_percent_of_before", (double)hi[2] / (double)hi[0] * 100.0);
		if (okb) {
			rec = (double)oka / (double)okb * 100.0;
			ok_hi = rec >= st->recover;
			lim_kv_double(&kv, "highorder_recovered_percent", rec);
			lim_kv_u64(&kv, "highorder_recover_min_percent", st->recover);
			lim_kv_str(&kv, "highorder_recovered", ok_hi ? "yes" : "no");
		}
		lim_kv_str(&kv, "baseline_restored", ok_free && ok_hi ? "yes" : "no");
	}
	return lim_kv_commit(&kv);
}

static int frag_run_end(struct run_ctx *ctx, int idx, int commit)
{
	struct frag_state *st = ctx->state[idx];
	int rc = 0;

	if (!st)
		return 0;
	ctx->state[idx] = NULL;
	if (commit && st->ran) {
		rc |= write_meas(ctx, st);
		rc |= write_bi(ctx, st);
		rc |= write_ef(ctx, st);
		rc |= write_summary(ctx, st);
	}
	free(st->m);
	free(st->ef);
	free(st);
	return rc ? -1 : 0;
}

const struct experiment_kind exp_frag = {
	.name = "frag",
	.summary = "fragment memory on purpose: buddyinfo and high-order success before/fragmented/after -> frag.csv, buddyinfo.csv",
	.csv_name = "frag.csv",
	.section_size = sizeof(struct frag_section),
	.keys = frag_keys,
	.nkeys = ARRAY_SIZE(frag_keys),
	.finish = key_single_section,
	.plan = plan_one_point,
	.run_begin = frag_run_begin,
	.run_point = frag_run_point,
	.run_end = frag_run_end,
};
