// SPDX-License-Identifier: GPL-2.0
/*
 * ALLOCBENCH_IOC_RUN: validate one request, then run its measurement loops.
 *
 * Only ->alloc and ->free sit between two timer reads. Everything else
 * (bookkeeping, touching the memory, cond_resched(), signal checks) happens
 * between samples. Samples are raw ticks; statistics are the runner's job.
 */
#include <linux/compiler.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include "allocbench.h"
#include "allocators.h"
#include "budget.h"
#include "internal.h"
#include "request.h"
#include "timing.h"

/*
 * One measurement at a time (a RUN series, a SCALE request): concurrent
 * ones would measure each other's contention.
 */
static DEFINE_MUTEX(ab_run_mutex);

int ab_measure_lock(void)
{
	return mutex_lock_interruptible(&ab_run_mutex) ? -EINTR : 0;
}

void ab_measure_unlock(void)
{
	mutex_unlock(&ab_run_mutex);
}

/**
 * struct ab_series - one RUN request in flight
 * @a: the allocator
 * @req: its per-request state
 * @objs: the objects held at once (batch or burst of them)
 * @buf: samples, copied to user space once at the end
 * @count: samples requested
 * @batch: operations per sample
 * @nwritten: samples stored in @buf (non-burst ops)
 * @failures: failed allocations
 * @fallbacks: allocations served by the allocator's fallback path
 * @cpu: CPU the series started on
 * @migrated: the series ran on another CPU at some point
 * @atomic: GFP_ATOMIC profile: timed regions run with preemption off
 * @touch: write one byte per page between allocation and free
 * @not_attempted: the size is above the allocator's @call_max: nothing called
 */
struct ab_series {
	const struct ab_allocator *a;
	struct ab_req req;
	void **objs;
	u64 *buf;
	u32 count;
	u32 batch;
	u32 nwritten;
	u32 failures;
	u64 fallbacks;
	u32 cpu;
	bool migrated;
	bool atomic;
	bool touch;
	bool not_attempted;
};

const gfp_t ab_gfp_profiles[ALLOCBENCH_NR_GFP] = {
	[ALLOCBENCH_GFP_KERNEL]		= GFP_KERNEL,
	[ALLOCBENCH_GFP_ATOMIC]		= GFP_ATOMIC,
	[ALLOCBENCH_GFP_NORETRY]	= GFP_KERNEL | __GFP_NORETRY,
	/*
	 * Neither reclaim bit. Without __GFP_DIRECT_RECLAIM the slow path
	 * neither reclaims nor compacts; without __GFP_KSWAPD_RECLAIM it does
	 * not call wake_all_kswapds() either, whose wakeup_kswapd() wakes
	 * kcompactd directly for a failing high-order request that cannot
	 * reclaim (mm/vmscan.c). GFP_NOWAIT keeps that bit, so it would let
	 * kcompactd rebuild the very blocks being measured as missing.
	 */
	[ALLOCBENCH_GFP_NOWAIT]		= GFP_KERNEL & ~__GFP_RECLAIM,
};

static void ab_add_failures(struct ab_series *s, u64 n)
{
	s->failures = min_t(u64, (u64)s->failures + n, U32_MAX);
}

/* Between samples only: reschedule, notice migration, honour signals. */
static int ab_checkpoint(struct ab_series *s)
{
	cond_resched();
	if (raw_smp_processor_id() != s->cpu)
		s->migrated = true;
	if (signal_pending(current))
		return -EINTR;
	return 0;
}

static __always_inline void ab_timed_enter(const struct ab_series *s)
{
	if (s->atomic)
		preempt_disable();
}

static __always_inline void ab_timed_exit(const struct ab_series *s)
{
	if (s->atomic)
		preempt_enable();
}

static void ab_free_held(struct ab_series *s, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		if (s->objs[i]) {
			s->a->free(s->objs[i], &s->req);
			s->objs[i] = NULL;
		}
	}
}

/* Account for one allocation; true if it succeeded. */
static bool ab_settle_one(struct ab_series *s, const void *obj)
{
	if (!obj) {
		ab_add_failures(s, 1);
		return false;
	}
	if (s->a->fallback && s->a->fallback(obj))
		s->fallbacks++;
	return true;
}

/*
 * Account for the n objects just allocated: failures and fallbacks.
 * Returns true if all of them succeeded, i.e. the sample may be stored.
 */
static bool ab_settle(struct ab_series *s, u32 n)
{
	bool ok = true;
	u32 i;

	for (i = 0; i < n; i++)
		ok &= ab_settle_one(s, s->objs[i]);
	return ok;
}

static void ab_touch(struct ab_series *s, u32 n)
{
	u32 i;

	for (i = 0; i < n; i++) {
		u8 *p = s->objs[i];
		size_t off;

		if (!p)
			continue;
		if (s->a->addr)
			p = s->a->addr(p, &s->req);
		for (off = 0; off < s->req.bytes; off += PAGE_SIZE) {
			WRITE_ONCE(p[off], 1);
			if (!(off & (SZ_2M - 1)))
				cond_resched();
		}
	}
}

static __always_inline u64 ab_timed_alloc(struct ab_series *s, u32 n)
{
	u64 t0, t1;
	u32 i;

	ab_timed_enter(s);
	t0 = ab_now();
	for (i = 0; i < n; i++)
		s->objs[i] = s->a->alloc(&s->req);
	t1 = ab_now();
	ab_timed_exit(s);
	return t1 - t0;
}

/* Frees every held object; the caller knows they are all non-NULL. */
static __always_inline u64 ab_timed_free(struct ab_series *s, u32 n)
{
	u64 t0, t1;
	u32 i;

	ab_timed_enter(s);
	t0 = ab_now();
	for (i = 0; i < n; i++)
		s->a->free(s->objs[i], &s->req);
	t1 = ab_now();
	ab_timed_exit(s);
	for (i = 0; i < n; i++)
		s->objs[i] = NULL;
	return t1 - t0;
}

static int ab_warmup(struct ab_series *s, u32 n)
{
	u32 i;
	int ret;

	for (i = 0; i < n; i++) {
		void *obj;

		ret = ab_checkpoint(s);
		if (ret)
			return ret;
		obj = s->a->alloc(&s->req);
		if (obj)
			s->a->free(obj, &s->req);
	}
	return 0;
}

/* OP_ALLOC: a batch of allocations timed together, freed untimed. */
static int ab_loop_alloc(struct ab_series *s)
{
	u32 i;
	int ret;

	for (i = 0; i < s->count; i++) {
		u64 t;

		ret = ab_checkpoint(s);
		if (ret)
			return ret;
		t = ab_timed_alloc(s, s->batch);
		if (ab_settle(s, s->batch))
			s->buf[s->nwritten++] = t;
		if (s->touch)
			ab_touch(s, s->batch);
		ab_free_held(s, s->batch);
	}
	return 0;
}

/* OP_FREE: a batch allocated untimed, then freed as one timed sample. */
static int ab_loop_free(struct ab_series *s)
{
	u32 i, j;
	int ret;

	for (i = 0; i < s->count; i++) {
		ret = ab_checkpoint(s);
		if (ret)
			return ret;
		for (j = 0; j < s->batch; j++)
			s->objs[j] = s->a->alloc(&s->req);
		if (!ab_settle(s, s->batch)) {
			ab_free_held(s, s->batch);
			continue;
		}
		if (s->touch)
			ab_touch(s, s->batch);
		s->buf[s->nwritten++] = ab_timed_free(s, s->batch);
	}
	return 0;
}

/*
 * OP_PAIR: allocation and free timed in one sample. Without TOUCH each
 * object is freed right after its allocation, the way a short-lived buffer
 * lives. With TOUCH the touch must stay untimed, so the sample is the batch
 * of allocations plus the batch of frees, two timed regions added up (two
 * timer overheads in the sample instead of one).
 */
static int ab_loop_pair(struct ab_series *s)
{
	u32 i, j;
	int ret;

	for (i = 0; i < s->count; i++) {
		u64 t0, t1;

		ret = ab_checkpoint(s);
		if (ret)
			return ret;
		if (s->touch) {
			t0 = ab_timed_alloc(s, s->batch);
			if (!ab_settle(s, s->batch)) {
				ab_free_held(s, s->batch);
				continue;
			}
			ab_touch(s, s->batch);
			s->buf[s->nwritten++] = t0 + ab_timed_free(s, s->batch);
			continue;
		}

		ab_timed_enter(s);
		t0 = ab_now();
		for (j = 0; j < s->batch; j++) {
			void *obj = s->a->alloc(&s->req);

			/* Kept only so ab_settle() can classify it; freed already. */
			s->objs[j] = obj;
			if (obj)
				s->a->free(obj, &s->req);
		}
		t1 = ab_now();
		ab_timed_exit(s);
		/* ab_settle() only compares addresses, never dereferences. */
		if (ab_settle(s, s->batch))
			s->buf[s->nwritten++] = t1 - t0;
		for (j = 0; j < s->batch; j++)
			s->objs[j] = NULL;
	}
	return 0;
}

/*
 * OP_BURST: 'burst' objects allocated one timed sample each, then freed one
 * timed sample each, in allocation order. Allocation samples fill
 * buf[0..n), free samples buf[count..count + n): with no failure that is
 * exactly the two halves the ABI describes.
 */
#define AB_BURST_FLOOR_STRIDE	64	/* objects between two looks at MemAvailable */

static int ab_loop_burst(struct ab_series *s, u32 burst)
{
	u64 *fbuf = s->buf + s->count;
	u32 g, j, na = 0, nf = 0;
	u64 t0, t1;
	int ret = 0;

	for (g = 0; g < s->count / burst; g++) {
		for (j = 0; j < burst; j++) {
			ret = ab_checkpoint(s);
			/* A burst holds what it took: stop before memory runs short. */
			if (!ret && !(j % AB_BURST_FLOOR_STRIDE) && ab_budget_below_floor())
				ret = -ENOMEM;
			if (ret) {
				ab_free_held(s, j);
				goto out;
			}
			ab_timed_enter(s);
			t0 = ab_now();
			s->objs[j] = s->a->alloc(&s->req);
			t1 = ab_now();
			ab_timed_exit(s);
			if (ab_settle_one(s, s->objs[j]))
				s->buf[na++] = t1 - t0;
		}
		if (s->touch)
			ab_touch(s, burst);
		/* No signal check here: freeing is what an interrupt would do. */
		for (j = 0; j < burst; j++) {
			void *obj = s->objs[j];

			if (!obj)
				continue;
			cond_resched();
			ab_timed_enter(s);
			t0 = ab_now();
			s->a->free(obj, &s->req);
			t1 = ab_now();
			ab_timed_exit(s);
			s->objs[j] = NULL;
			fbuf[nf++] = t1 - t0;
		}
	}
out:
	s->nwritten = na + nf;
	return ret;
}

/*
 * An allocator that does no work: timed through the same loop as the real
 * ones, it shows what the harness itself adds to a sample.
 */
static noinline void *ab_null_alloc(struct ab_req *req)
{
	return req;	/* any non-NULL handle */
}

static noinline void ab_null_free(void *obj, struct ab_req *req)
{
}

static const struct ab_allocator ab_null_allocator = {
	.name	= "null",
	.alloc	= ab_null_alloc,
	.free	= ab_null_free,
};

#define AB_CAL_ROUNDS	64
#define AB_CAL_REPEATS	16
#define AB_CAL_BATCH	64

/**
 * ab_run_calibrate() - measure the cost of one call through the table
 *
 * Timed regions reach ->alloc and ->free through function pointers, which
 * costs a retpoline or an IBRS-protected branch on many CPUs: several ns
 * against a 10-20 ns fast-path kmalloc. The minimum over many batches of
 * empty calls, less the timer's own overhead, is that cost per call; the
 * runner subtracts it.
 */
void ab_run_calibrate(void)
{
	const struct ab_allocator *a = &ab_null_allocator;
	void *objs[AB_CAL_BATCH];
	struct ab_series s = { };
	unsigned long irqflags;
	u64 best = U64_MAX;
	int r, i;

	/* Keep the call indirect: a known target would be devirtualised. */
	OPTIMIZER_HIDE_VAR(a);
	s.a = a;
	s.objs = objs;
	for (r = 0; r < AB_CAL_ROUNDS; r++) {
		local_irq_save(irqflags);
		for (i = 0; i < AB_CAL_REPEATS; i++)
			best = min(best, ab_timed_alloc(&s, AB_CAL_BATCH));
		local_irq_restore(irqflags);
		cond_resched();
	}
	ab_timer.call_mticks = best > ab_timer.overhead ?
		div_u64((best - ab_timer.overhead) * 1000, AB_CAL_BATCH) : 0;
}

/* The allocator's one-off setup, timed apart from the series. */
static int ab_series_setup(struct ab_series *s, u64 *setup_ns)
{
	u64 t0;
	int ret;

	if (!s->a->setup)
		return 0;
	t0 = ktime_get_ns();
	ret = s->a->setup(&s->req);
	*setup_ns += ktime_get_ns() - t0;
	return ret;
}

static void ab_series_teardown(struct ab_series *s, u64 *setup_ns)
{
	u64 t0;

	if (!s->a->teardown)
		return;
	t0 = ktime_get_ns();
	s->a->teardown(&s->req);
	*setup_ns += ktime_get_ns() - t0;
}

/* Runs the loops of a validated request; frees everything on every path. */
static int ab_series_run(struct ab_series *s, const struct allocbench_run *r,
			 u64 *setup_ns)
{
	const struct ab_allocator *a = s->a;
	int ret;

	if (a->call_max && r->bytes > a->call_max()) {
		/* Calling would dump_stack(): count it as failed, say so. */
		ab_add_failures(s, (u64)r->count * r->batch);
		s->not_attempted = true;
		return 0;
	}
	ret = ab_series_setup(s, setup_ns);
	if (ret == -EINTR)
		return ret;
	if (ret) {
		ab_add_failures(s, (u64)r->count * r->batch);
		return 0;
	}

	ret = ab_warmup(s, r->warmup);
	if (!ret) {
		switch (r->op) {
		case ALLOCBENCH_OP_ALLOC:
			ret = ab_loop_alloc(s);
			break;
		case ALLOCBENCH_OP_FREE:
			ret = ab_loop_free(s);
			break;
		case ALLOCBENCH_OP_PAIR:
			ret = ab_loop_pair(s);
			break;
		default:
			ret = ab_loop_burst(s, r->burst);
			break;
		}
	}
	ab_series_teardown(s, setup_ns);
	return ret;
}

/* Every -EINVAL case of the ABI, in one place. */
static int ab_run_validate(const void *req)
{
	const struct allocbench_run *r = req;
	u32 needed;
	int i;

	if (r->allocator >= ALLOCBENCH_NR_ALLOCATORS ||
	    r->op >= ALLOCBENCH_NR_OPS || r->gfp >= ALLOCBENCH_NR_GFP ||
	    r->pattern != ALLOCBENCH_PATTERN_NONE ||
	    (r->flags & ~ALLOCBENCH_RUN_FLAGS_ALL))
		return -EINVAL;
	if (!r->count || r->count > ALLOCBENCH_MAX_COUNT ||
	    !r->batch || r->batch > ALLOCBENCH_MAX_BATCH ||
	    r->warmup > ALLOCBENCH_MAX_WARMUP)
		return -EINVAL;
	if (r->op == ALLOCBENCH_OP_BURST) {
		/* Bursts time every operation on its own: batch must be 1. */
		if (!r->burst || r->burst > ALLOCBENCH_MAX_BURST ||
		    r->count % r->burst || r->batch != 1)
			return -EINVAL;
	} else if (r->burst) {
		return -EINVAL;
	}
	if (r->samples_written || r->failures || r->cpu || r->out_flags ||
	    r->__pad0 || r->fallbacks || r->elapsed_ns || r->setup_ns ||
	    r->timer_overhead_ticks)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(r->reserved); i++)
		if (r->reserved[i])
			return -EINVAL;
	if (!r->bytes)
		return -EINVAL;
	needed = r->op == ALLOCBENCH_OP_BURST ? 2 * r->count : r->count;
	if (r->samples_cap < needed)
		return -EINVAL;
	return 0;
}

/*
 * What one object really takes, for the memory guard: slab size classes and
 * buddy orders round up to a power of two (a 16385-byte request takes 32K),
 * the vmalloc family to whole pages. Counting bytes alone could let a
 * GFP_KERNEL request of small orders, which never fail, reach the OOM killer.
 * bytes is at most total RAM here, so the rounding cannot overflow.
 */
static u64 ab_consumed_bound(const struct ab_allocator *a, u64 bytes)
{
	if (a->flags & ALLOCBENCH_ALLOC_CONTIGUOUS)
		return roundup_pow_of_two(bytes);
	return PAGE_ALIGN(bytes);
}

/* Everything the ABI checks before the work starts, in its errno order. */
static int ab_run_admit(struct allocbench_run *r, void __user *uarg, u32 usize,
			u64 *reserved)
{
	const struct ab_allocator *a;
	u32 needed, held;
	u64 held_bytes;
	int ret;

	if (r->bytes > (u64)totalram_pages() << PAGE_SHIFT)
		return -E2BIG;
	/* A batch is one timed region without a scheduling point: keep it short. */
	if (r->batch > 1 && r->bytes * r->batch > ALLOCBENCH_MAX_BATCH_BYTES)
		return -E2BIG;

	/* Fail before measuring, not after: the buffer is written once, at the end. */
	needed = r->op == ALLOCBENCH_OP_BURST ? 2 * r->count : r->count;
	ret = ab_answer_writable(uarg, r, usize, sizeof(*r));
	if (!ret)
		ret = ab_samples_writable(u64_to_user_ptr(r->samples), needed);
	if (ret)
		return ret;

	/* The harness alone: nothing is called, nothing is held. */
	if (r->flags & ALLOCBENCH_RUN_NULL)
		return 0;
	a = &ab_allocators[r->allocator];
	if (!ab_available(a))
		return -EOPNOTSUPP;
	if (r->gfp == ALLOCBENCH_GFP_ATOMIC && !(a->flags & ALLOCBENCH_ALLOC_ATOMIC_OK))
		return -EOPNOTSUPP;

	held = max3(r->batch, r->burst, 1U);
	if (check_mul_overflow(ab_consumed_bound(a, r->bytes), (u64)held, &held_bytes))
		return -ENOMEM;
	ret = ab_budget_reserve(held_bytes);
	if (!ret)
		*reserved = held_bytes;
	return ret;
}

/* Copies samples and the answer out; both were checked writable before. */
static int ab_run_answer(const struct ab_series *s, struct allocbench_run *r,
			 void __user *uarg, u32 usize)
{
	u32 n = s->nwritten;

	r->samples_written = s->nwritten;
	r->failures = s->failures;
	r->cpu = s->cpu;
	r->out_flags = s->migrated ? ALLOCBENCH_OUT_MIGRATED : 0;
	if (s->not_attempted)
		r->out_flags |= ALLOCBENCH_OUT_NOT_ATTEMPTED;
	r->fallbacks = s->fallbacks;
	/* Bursts copy both halves, gaps included (zero) when allocations failed. */
	if (r->op == ALLOCBENCH_OP_BURST)
		n = 2 * r->count;
	if (copy_to_user(u64_to_user_ptr(r->samples), s->buf, (size_t)n * sizeof(u64)) ||
	    copy_to_user(uarg, r, min_t(size_t, usize, sizeof(*r))))
		return -EFAULT;
	return 0;
}

long ab_ioctl_run(struct file *file, void __user *uarg)
{
	struct allocbench_run r;
	struct ab_series s = { };
	u64 reserved = 0, t0;
	u32 usize, held;
	int ret;

	ret = ab_copy_request(&r, sizeof(r), uarg, ab_run_validate, &usize);
	if (!ret)
		ret = ab_run_admit(&r, uarg, usize, &reserved);
	if (ret)
		return ret;

	held = max3(r.batch, r.burst, 1U);
	s.buf = kvcalloc(r.op == ALLOCBENCH_OP_BURST ? 2 * r.count : r.count,
			 sizeof(u64), GFP_KERNEL);
	s.objs = kvcalloc(held, sizeof(void *), GFP_KERNEL);
	if (!s.buf || !s.objs) {
		ret = -ENOMEM;
		goto out_free;
	}

	if (mutex_lock_interruptible(&ab_run_mutex)) {
		ret = -EINTR;
		goto out_free;
	}
	s.a = &ab_allocators[r.allocator];
	if (r.flags & ALLOCBENCH_RUN_NULL) {
		s.a = &ab_null_allocator;
		/* Keep the call indirect, as it is for every real allocator. */
		OPTIMIZER_HIDE_VAR(s.a);
	}
	s.req.bytes = r.bytes;
	s.req.gfp = ab_gfp_profiles[r.gfp] | __GFP_NOWARN;
	s.req.order = get_order(r.bytes);
	s.count = r.count;
	s.batch = r.batch;
	s.atomic = r.gfp == ALLOCBENCH_GFP_ATOMIC;
	/* The null allocator's handle is not memory: nothing to touch. */
	s.touch = (r.flags & ALLOCBENCH_RUN_TOUCH) && !(r.flags & ALLOCBENCH_RUN_NULL);
	s.cpu = raw_smp_processor_id();
	t0 = ktime_get_ns();
	r.timer_overhead_ticks = ab_timer_overhead_now();
	ret = ab_series_run(&s, &r, &r.setup_ns);
	r.elapsed_ns = ktime_get_ns() - t0;
	if (raw_smp_processor_id() != s.cpu)
		s.migrated = true;
	mutex_unlock(&ab_run_mutex);
	if (!ret)
		ret = ab_run_answer(&s, &r, uarg, usize);
out_free:
	kvfree(s.objs);
	kvfree(s.buf);
	ab_budget_release(reserved);
	return ret;
}
