// SPDX-License-Identifier: GPL-2.0
/*
 * ALLOCBENCH_IOC_ACCESS: what the memory an allocator returns costs to use.
 *
 * One buffer is allocated through the allocator's ops table (untimed), a
 * pointer chain (chain.c, shared with the runner's user-space reference) is
 * built over the pages of the chosen view and checked to be a single cycle,
 * chased once untimed, then timed pass by pass. A pass is timed in chunks
 * of bounded length with preemption off inside a chunk; between chunks the
 * module reschedules and honours signals, so a 1 GiB working set under TCG
 * neither trips the soft-lockup detector nor starves the CPU.
 *
 * The page-table level that maps every page of the view is read with
 * lookup_address() (x86), and dTLB read misses with an in-kernel perf
 * counter where a PMU exists: its errno is reported otherwise, never a zero.
 *
 * Serialised by its own mutex (ab_access_mutex), not RUN's: an access
 * request and a RUN request may overlap if two runners are started at once.
 */
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/perf_event.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "allocbench.h"
#include "allocators.h"
#include "chain.h"
#include "budget.h"
#include "compat.h"
#include "internal.h"
#include "request.h"
#include "timing.h"

static DEFINE_MUTEX(ab_access_mutex);

/* The runner's uaccess uses 64-byte lines too: the chains are identical. */
#define AB_LINE_SIZE		64
/*
 * Longest timed region, preemption off: dependent loads, 8-byte reads, page
 * writes. 4096 missing loads are ~1 ms on hardware and tens of ms under TCG.
 */
#define AB_CHUNK_LOADS		(1U << 12)
#define AB_CHUNK_WORDS		(1U << 17)
#define AB_CHUNK_PAGES		512U

/* Keeps the chased and summed values alive: nothing is optimised away. */
static void *ab_access_sink;
static u64 ab_access_sum;

/**
 * struct ab_access - one ACCESS request in flight
 * @r: the request, outputs filled as they are known
 * @a: the allocator
 * @req: its per-request state
 * @obj: the handle ->alloc returned
 * @base: address of the buffer in the allocator's own mapping
 * @direct: chase the vmap pages through the direct map
 * @npages: pages in the view
 * @buf: samples, copied to user space at the end
 * @perf: dTLB-miss counter, or NULL
 * @migrated: the request ran on another CPU at some point
 */
struct ab_access {
	struct allocbench_access r;
	const struct ab_allocator *a;
	struct ab_req req;
	void *obj;
	char *base;
	bool direct;
	size_t npages;
	u64 *buf;
	struct perf_event *perf;
	bool migrated;
};

static void *ab_view_page(void *ctx, size_t i)
{
	struct ab_access *x = ctx;

	if (x->direct)
		return page_address(x->req.pages[i]);
	return x->base + i * PAGE_SIZE;
}

static int ab_access_checkpoint(struct ab_access *x)
{
	cond_resched();
	if (raw_smp_processor_id() != x->r.cpu)
		x->migrated = true;
	if (signal_pending(current))
		return -EINTR;
	return 0;
}

/* chain.c's tick while building and checking a chain: stay responsive. */
static bool ab_chain_tick(void *unused)
{
	cond_resched();
	return signal_pending(current);
}

/* Allocates the buffer through the ops table; -ENOMEM is a counted failure. */
static int ab_access_alloc(struct ab_access *x)
{
	x->obj = x->a->alloc(&x->req);
	if (!x->obj) {
		x->r.failures++;
		return -ENOMEM;
	}
	x->base = x->a->addr ? x->a->addr(x->obj, &x->req) : x->obj;
	return 0;
}

static void ab_access_free(struct ab_access *x)
{
	if (x->obj)
		x->a->free(x->obj, &x->req);
	x->obj = NULL;
	x->base = NULL;
}

/* Which page-table level maps each page of the view. */
static void ab_access_levels(struct ab_access *x)
{
#if AB_HAVE_LOOKUP_ADDRESS
	size_t i;

	for (i = 0; i < x->npages; i++) {
		unsigned int level = 0;
		pte_t *pte = lookup_address((unsigned long)ab_view_page(x, i), &level);

		if (!pte || !pte_present(*pte))
			x->r.mapped_other_bytes += PAGE_SIZE;
		else if (level == PG_LEVEL_4K)
			x->r.mapped_4k_bytes += PAGE_SIZE;
		else if (level == PG_LEVEL_2M)
			x->r.mapped_2m_bytes += PAGE_SIZE;
		else if (level == PG_LEVEL_1G)
			x->r.mapped_1g_bytes += PAGE_SIZE;
		else
			x->r.mapped_other_bytes += PAGE_SIZE;
		if (!(i & 4095))
			cond_resched();
	}
	x->r.levels_status = 0;
	x->r.out_flags |= ALLOCBENCH_ACCESS_OUT_LEVELS;
#else
	x->r.levels_status = -EOPNOTSUPP;
#endif
}

/* A kernel-only dTLB read-miss counter bound to this task; its errno otherwise. */
static void ab_access_perf_open(struct ab_access *x)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_HW_CACHE,
		.size = sizeof(attr),
		.config = PERF_COUNT_HW_CACHE_DTLB |
			  (PERF_COUNT_HW_CACHE_OP_READ << 8) |
			  (PERF_COUNT_HW_CACHE_RESULT_MISS << 16),
		.disabled = 1,
		.exclude_user = 1,
		.exclude_hv = 1,
		.exclude_idle = 1,
	};
	struct perf_event *ev;

	x->r.pmu_status = -EOPNOTSUPP;
	if (!(x->r.flags & ALLOCBENCH_ACCESS_PMU))
		return;
	ev = perf_event_create_kernel_counter(&attr, -1, current, NULL, NULL);
	if (IS_ERR(ev)) {
		x->r.pmu_status = PTR_ERR(ev);
		return;
	}
	x->perf = ev;
	x->r.pmu_status = 0;
}

static void ab_access_perf_close(struct ab_access *x)
{
	u64 enabled = 0, running = 0, count;

	if (!x->perf)
		return;
	perf_event_disable(x->perf);
	count = perf_event_read_value(x->perf, &enabled, &running);
	perf_event_release_kernel(x->perf);
	x->perf = NULL;
	if (!running) {
		/* Never counted (no free counter): no figure, not a zero. */
		x->r.pmu_status = -ENODATA;
		return;
	}
	if (running < enabled)
		/* Scaled for multiplexing, in 128 bits: count * enabled can overflow. */
		count = mul_u64_u64_div_u64(count, enabled, running);
	x->r.dtlb_load_misses = count;
	x->r.out_flags |= ALLOCBENCH_ACCESS_OUT_DTLB;
}

/* One chunk of the chase, preemption off; returns its ticks. */
static u64 ab_chase_chunk(void **p, u64 n)
{
	u64 t0, t1;

	preempt_disable();
	t0 = ab_now();
	*p = chain_chase(*p, n);
	t1 = ab_now();
	preempt_enable();
	return t1 - t0;
}

/* Sum of the 8-byte words of pages [first, first + n) of the view. */
static u64 ab_seq_pages(struct ab_access *x, size_t first, size_t n)
{
	u64 sum = 0;
	size_t i, w;

	for (i = first; i < first + n; i++) {
		const u64 *q = ab_view_page(x, i);

		for (w = 0; w < PAGE_SIZE / sizeof(u64); w++)
			sum += READ_ONCE(q[w]);
	}
	return sum;
}

static u64 ab_seq_chunk(struct ab_access *x, size_t first, size_t n)
{
	u64 t0, t1, sum;

	preempt_disable();
	t0 = ab_now();
	sum = ab_seq_pages(x, first, n);
	t1 = ab_now();
	preempt_enable();
	ab_access_sum += sum;
	return t1 - t0;
}

static u64 ab_touch_chunk(struct ab_access *x, size_t first, size_t n)
{
	u64 t0, t1;
	size_t i;

	preempt_disable();
	t0 = ab_now();
	for (i = first; i < first + n; i++)
		WRITE_ONCE(*(u8 *)ab_view_page(x, i), 1);
	t1 = ab_now();
	preempt_enable();
	return t1 - t0;
}

/* One pass over the buffer: the sum of its chunks' ticks in *ticks. */
static int ab_pass(struct ab_access *x, struct chain *c, void **p, u64 *ticks)
{
	u64 done = 0, t = 0;
	u32 chunks = 0;
	int ret;

	while (done < x->r.steps_per_pass) {
		u64 n;

		ret = ab_access_checkpoint(x);
		if (ret)
			return ret;
		switch (x->r.pattern) {
		case ALLOCBENCH_PATTERN_SEQ: {
			/* Whole pages: 512 words each; elements is a page multiple. */
			size_t wpp = PAGE_SIZE / sizeof(u64);
			size_t first, np;
			u64 word;

			/* math64: a 32-bit kernel has no u64 % u64 of its own */
			div64_u64_rem(done, x->r.elements, &word);
			first = (size_t)word / wpp;
			np = min_t(u64, AB_CHUNK_WORDS / wpp, x->npages - first);

			n = (u64)np * wpp;
			t += ab_seq_chunk(x, first, np);
			break;
		}
		case ALLOCBENCH_PATTERN_FIRST_TOUCH:
			n = min_t(u64, AB_CHUNK_PAGES, x->r.steps_per_pass - done);
			t += ab_touch_chunk(x, done, n);
			break;
		default:
			n = min_t(u64, AB_CHUNK_LOADS, x->r.steps_per_pass - done);
			t += ab_chase_chunk(p, n);
			break;
		}
		done += n;
		chunks++;
	}
	x->r.chunks_per_pass = chunks;
	*ticks = t;
	return 0;
}

/* PAGE, LINE, SEQ: one buffer, one warm-up pass, then the timed passes. */
static int ab_access_chase(struct ab_access *x)
{
	enum chain_layout layout = x->r.pattern == ALLOCBENCH_PATTERN_LINE ?
				   CHAIN_LINE : CHAIN_PAGE;
	bool seq = x->r.pattern == ALLOCBENCH_PATTERN_SEQ;
	struct chain c = { };
	u32 *scratch = NULL;
	void *p = NULL;
	u64 cycles;
	u32 i;
	int ret;

	ret = ab_access_alloc(x);
	if (ret)
		return 0;	/* a counted failure, not an error */
	if (seq) {
		x->r.elements = x->npages * (PAGE_SIZE / sizeof(u64));
	} else {
		size_t words = chain_scratch_words(layout, x->npages, PAGE_SIZE,
						   AB_LINE_SIZE);

		scratch = words ? kvmalloc_array(words, sizeof(*scratch),
						 GFP_KERNEL) : NULL;
		if (!scratch) {
			ret = -ENOMEM;
			goto out;
		}
		ret = chain_build(&c, layout, x->npages, PAGE_SIZE, AB_LINE_SIZE,
				  ab_view_page, x, x->r.seed, scratch, ab_chain_tick, NULL);
		if (ret) {
			ret = ret == -2 ? -EINTR : -EINVAL;
			goto out;
		}
		kvfree(scratch);
		scratch = NULL;
		/* A broken chain would measure something else: refuse it. */
		if (!chain_is_single_cycle(&c, ab_chain_tick, NULL)) {
			if (signal_pending(current)) {
				ret = -EINTR;
				goto out;
			}
			pr_warn_once("allocbench: chain is not a single cycle\n");
			ret = -EIO;
			goto out;
		}
		x->r.elements = c.elements;
		p = c.start;
	}
	cycles = max_t(u64, 1, DIV_ROUND_UP_ULL(x->r.min_steps, x->r.elements));
	x->r.steps_per_pass = cycles * x->r.elements;
	ab_access_levels(x);

	/* Warm-up: the whole working set once, untimed (TCG translates here). */
	{
		u64 saved = x->r.steps_per_pass, t;

		x->r.steps_per_pass = x->r.elements;
		ret = ab_pass(x, &c, &p, &t);
		x->r.steps_per_pass = saved;
		if (ret)
			goto out;
	}

	ab_access_perf_open(x);
	if (x->perf)
		perf_event_enable(x->perf);
	for (i = 0; i < x->r.passes; i++) {
		ret = ab_pass(x, &c, &p, &x->buf[i]);
		if (ret)
			break;
		x->r.samples_written++;
	}
	ab_access_perf_close(x);
	ab_access_sink = p;
out:
	kvfree(scratch);
	ab_access_free(x);
	return ret;
}

/* FIRST_TOUCH: a fresh buffer per pass, only the writes timed. */
static int ab_access_first_touch(struct ab_access *x)
{
	u64 t;
	u32 i;
	int ret = 0;

	x->r.elements = x->npages;
	x->r.steps_per_pass = x->npages;

	/* Warm-up round trip, and the mapping levels of a typical buffer. */
	if (ab_access_alloc(x))
		return 0;
	ab_access_levels(x);
	ret = ab_pass(x, NULL, NULL, &t);
	ab_access_free(x);
	if (ret)
		return ret;

	ab_access_perf_open(x);
	for (i = 0; i < x->r.passes; i++) {
		ret = ab_access_checkpoint(x);
		if (ret)
			break;
		if (ab_access_alloc(x))
			break;	/* counted; the passes so far stand */
		if (x->perf)
			perf_event_enable(x->perf);
		ret = ab_pass(x, NULL, NULL, &x->buf[i]);
		if (x->perf)
			perf_event_disable(x->perf);
		ab_access_free(x);
		if (ret)
			break;
		x->r.samples_written++;
	}
	ab_access_perf_close(x);
	return ret;
}

static int ab_access_validate(const void *req)
{
	const struct allocbench_access *r = req;
	int i;

	if (r->allocator >= ALLOCBENCH_NR_ALLOCATORS ||
	    r->pattern == ALLOCBENCH_PATTERN_NONE ||
	    r->pattern >= ALLOCBENCH_NR_PATTERNS ||
	    r->view >= ALLOCBENCH_NR_VIEWS ||
	    (r->flags & ~ALLOCBENCH_ACCESS_FLAGS_ALL))
		return -EINVAL;
	if (r->view == ALLOCBENCH_VIEW_DIRECT &&
	    r->allocator != ALLOCBENCH_VMAP)
		return -EINVAL;
	if (!r->passes || r->passes > ALLOCBENCH_MAX_PASSES ||
	    r->min_steps > ALLOCBENCH_MAX_STEPS)
		return -EINVAL;
	if (r->samples_written || r->steps_per_pass || r->elements ||
	    r->chunks_per_pass || r->failures || r->mapped_4k_bytes ||
	    r->mapped_2m_bytes || r->mapped_1g_bytes ||
	    r->mapped_other_bytes || r->levels_status || r->pmu_status ||
	    r->dtlb_load_misses || r->cpu || r->out_flags || r->elapsed_ns)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(r->reserved); i++)
		if (r->reserved[i])
			return -EINVAL;
	if (!r->bytes || !IS_ALIGNED(r->bytes, PAGE_SIZE))
		return -EINVAL;
	if (r->samples_cap < r->passes)
		return -EINVAL;
	return 0;
}

long ab_ioctl_access(struct file *file, void __user *uarg)
{
	struct ab_access *x;
	u64 __user *usamples;
	u64 reserved = 0, t0;
	u32 usize;
	int ret;

	x = kzalloc(sizeof(*x), GFP_KERNEL);
	if (!x)
		return -ENOMEM;
	ret = ab_copy_request(&x->r, sizeof(x->r), uarg, ab_access_validate, &usize);
	if (ret)
		goto out;
	ret = -E2BIG;
	if (x->r.bytes > (u64)totalram_pages() << PAGE_SHIFT)
		goto out;

	usamples = u64_to_user_ptr(x->r.samples);
	ret = ab_answer_writable(uarg, &x->r, usize, sizeof(x->r));
	if (!ret)
		ret = ab_samples_writable(usamples, x->r.passes);
	if (ret)
		goto out;

	x->a = &ab_allocators[x->r.allocator];
	ret = -EOPNOTSUPP;
	if (!ab_available(x->a))
		goto out;
	ret = -ERANGE;
	if (x->r.bytes > x->a->documented_max())
		goto out;
	ret = ab_budget_reserve(x->r.bytes);
	if (ret)
		goto out;
	reserved = x->r.bytes;
	ret = -ENOMEM;
	x->buf = kvcalloc(x->r.passes, sizeof(u64), GFP_KERNEL);
	if (!x->buf)
		goto out;

	ret = -EINTR;
	if (mutex_lock_interruptible(&ab_access_mutex))
		goto out;
	x->req.bytes = x->r.bytes;
	x->req.gfp = GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN;
	x->req.order = get_order(x->r.bytes);
	x->npages = x->r.bytes >> PAGE_SHIFT;
	x->direct = x->r.view == ALLOCBENCH_VIEW_DIRECT;
	x->r.cpu = raw_smp_processor_id();
	x->r.pmu_status = -EOPNOTSUPP;
	t0 = ktime_get_ns();
	/* A setup that could not allocate is a counted failure; a signal is not. */
	ret = x->a->setup ? x->a->setup(&x->req) : 0;
	if (ret && ret != -EINTR) {
		x->r.failures++;
		ret = 0;
	} else if (!ret) {
		if (x->r.pattern == ALLOCBENCH_PATTERN_FIRST_TOUCH)
			ret = ab_access_first_touch(x);
		else
			ret = ab_access_chase(x);
		if (x->a->teardown)
			x->a->teardown(&x->req);
	}
	x->r.elapsed_ns = ktime_get_ns() - t0;
	if (raw_smp_processor_id() != x->r.cpu)
		x->migrated = true;
	mutex_unlock(&ab_access_mutex);
	if (ret)
		goto out;

	if (x->migrated)
		x->r.out_flags |= ALLOCBENCH_OUT_MIGRATED;
	if (copy_to_user(usamples, x->buf,
			 (size_t)x->r.samples_written * sizeof(u64)) ||
	    copy_to_user(uarg, &x->r, min_t(size_t, usize, sizeof(x->r))))
		ret = -EFAULT;
out:
	if (x->buf)
		kvfree(x->buf);
	kfree(x);
	ab_budget_release(reserved);
	return ret;
}
