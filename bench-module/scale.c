// SPDX-License-Identifier: GPL-2.0
/*
 * ALLOCBENCH_IOC_SCALE: one allocator on many CPUs at once.
 *
 * One kthread per CPU, bound to it, created and woken before the start;
 * they all wait for one flag, then run the pattern until a common deadline
 * or until the caller sets the stop flag (a signal). Nothing in a worker's
 * loop takes a lock of ours: what contends is the allocator's own locks,
 * which is what is measured. REMOTE_FREE hands objects to the next worker
 * through a single-producer single-consumer ring per worker.
 *
 * A worker that is done frees what it holds, says so, and waits for
 * kthread_stop(); the caller then drains the rings, so every object is
 * freed on every path before the request returns.
 */
#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpu.h>
#include <linux/cpumask.h>
#include <linux/err.h>
#include <linux/kthread.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/wait.h>
#include "allocbench.h"
#include "allocators.h"
#include "budget.h"
#include "internal.h"
#include "request.h"
#include "timing.h"

/* An object in flight from one worker to the next, with the CPU that made it. */
struct ab_handoff {
	void *obj;
	u32 cpu;
};

/*
 * Single producer (worker i - 1), single consumer (worker i): head and tail
 * only ever grow; acquire/release order the slot against the index.
 */
struct ab_ring {
	struct ab_handoff *slot;
	u32 mask;
	u32 head;	/* written by the producer */
	u32 tail;	/* written by the consumer */
};

struct ab_scale;

/**
 * struct ab_worker - one CPU's worker
 * @s: the request
 * @task: its kthread
 * @out: its figures, copied to user space at the end
 * @objs: objects it holds during a burst
 * @inbox: REMOTE_FREE: objects the previous worker hands it to free
 * @samples: its timed samples
 */
struct ab_worker {
	struct ab_scale *s;
	struct task_struct *task;
	struct allocbench_scale_thread out;
	void **objs;
	struct ab_ring inbox;
	u64 *samples;
};

/**
 * struct ab_scale - one SCALE request in flight
 * @r: the request
 * @a: the allocator
 * @req: its per-request state, shared by the workers (read-only once set up)
 * @w: the workers
 * @start: the workers wait here for @go
 * @go: set once every worker exists
 * @stop: set when the caller gives up early (a signal)
 * @start_ns: the common start
 * @deadline_ns: the common stop
 * @running: workers not done yet
 * @done: completed when @running reaches zero
 */
struct ab_scale {
	struct allocbench_scale r;
	const struct ab_allocator *a;
	struct ab_req req;
	struct ab_worker *w;
	wait_queue_head_t start;
	bool go;
	bool stop;
	u64 start_ns;
	u64 deadline_ns;
	atomic_t running;
	struct completion done;
};

/* Pairs between two looks at the clock and the stop flag (a burst is one look). */
#define AB_SCALE_STRIDE	64

static bool ab_ring_put(struct ab_ring *q, void *obj, u32 cpu)
{
	u32 head = q->head;

	if (head - smp_load_acquire(&q->tail) > q->mask)
		return false;
	q->slot[head & q->mask] = (struct ab_handoff){ .obj = obj, .cpu = cpu };
	smp_store_release(&q->head, head + 1);
	return true;
}

static bool ab_ring_get(struct ab_ring *q, struct ab_handoff *h)
{
	u32 tail = q->tail;

	if (tail == smp_load_acquire(&q->head))
		return false;
	*h = q->slot[tail & q->mask];
	smp_store_release(&q->tail, tail + 1);
	return true;
}

static bool ab_scale_over(struct ab_scale *s)
{
	return READ_ONCE(s->stop) || ktime_get_ns() >= s->deadline_ns;
}

static void ab_sample(struct ab_worker *w, u64 ticks)
{
	if (w->out.samples_written < w->s->r.samples_per_thread)
		w->samples[w->out.samples_written++] = ticks;
}

/* One operation in @every is timed (math64: no u64 % u32 on 32-bit kernels). */
static inline bool ab_scale_timed(const struct ab_worker *w, u32 every)
{
	u32 rem;

	div_u64_rem(w->out.ops, every, &rem);
	return !rem;
}

/* One allocation, timed when its turn comes. */
static void *ab_scale_alloc(struct ab_worker *w)
{
	struct ab_scale *s = w->s;
	bool timed = ab_scale_timed(w, s->r.sample_every);
	u64 t0 = 0;
	void *obj;

	if (timed)
		t0 = ab_now();
	obj = s->a->alloc(&s->req);
	if (timed)
		ab_sample(w, ab_now() - t0);
	w->out.ops++;
	if (!obj)
		w->out.failures++;
	return obj;
}

static void ab_scale_pair(struct ab_worker *w)
{
	struct ab_scale *s = w->s;
	bool timed = ab_scale_timed(w, s->r.sample_every);
	u64 t0 = 0;
	void *obj;

	if (timed)
		t0 = ab_now();
	obj = s->a->alloc(&s->req);
	if (obj)
		s->a->free(obj, &s->req);
	if (timed && obj)
		ab_sample(w, ab_now() - t0);
	w->out.ops++;
	if (!obj)
		w->out.failures++;
}

static void ab_scale_burst(struct ab_worker *w)
{
	struct ab_scale *s = w->s;
	u32 i, n = s->r.burst;

	for (i = 0; i < n; i++)
		w->objs[i] = ab_scale_alloc(w);
	for (i = 0; i < n; i++) {
		if (w->objs[i])
			s->a->free(w->objs[i], &s->req);
		w->objs[i] = NULL;
	}
}

/* Frees what the previous worker handed over; counts frees of other CPUs' objects. */
static void ab_scale_drain_inbox(struct ab_worker *w, u32 cpu)
{
	struct ab_scale *s = w->s;
	struct ab_handoff h;

	while (ab_ring_get(&w->inbox, &h)) {
		s->a->free(h.obj, &s->req);
		if (h.cpu != cpu)
			w->out.remote_frees++;
		else
			w->out.local_frees++;
	}
}

/*
 * A full ring means the next worker is behind: free our own inbox first
 * (it may be waiting on us in a ring of two), then try once more before
 * freeing the object here.
 */
static void ab_scale_remote(struct ab_worker *w, struct ab_worker *next, u32 cpu)
{
	struct ab_scale *s = w->s;
	u32 i;

	for (i = 0; i < s->r.burst; i++) {
		void *obj = ab_scale_alloc(w);

		if (!obj || ab_ring_put(&next->inbox, obj, cpu))
			continue;
		ab_scale_drain_inbox(w, cpu);
		if (ab_ring_put(&next->inbox, obj, cpu))
			continue;
		s->a->free(obj, &s->req);
		w->out.local_frees++;
	}
	ab_scale_drain_inbox(w, cpu);
}

static void ab_scale_loop(struct ab_worker *w, u32 cpu)
{
	struct ab_scale *s = w->s;
	u32 idx = w - s->w;
	struct ab_worker *next = &s->w[(idx + 1) % s->r.threads];
	u32 i;

	while (!ab_scale_over(s)) {
		switch (s->r.pattern) {
		case ALLOCBENCH_SCALE_PAIR:
			for (i = 0; i < AB_SCALE_STRIDE; i++)
				ab_scale_pair(w);
			break;
		case ALLOCBENCH_SCALE_BURST:
			ab_scale_burst(w);
			break;
		default:
			ab_scale_remote(w, next, cpu);
			break;
		}
		cond_resched();
	}
}

static int ab_scale_worker(void *data)
{
	struct ab_worker *w = data;
	struct ab_scale *s = w->s;
	u32 cpu = raw_smp_processor_id();

	wait_event(s->start, READ_ONCE(s->go) || kthread_should_stop());
	if (READ_ONCE(s->go)) {
		w->out.cpu = cpu;
		ab_scale_loop(w, cpu);
		w->out.elapsed_ns = ktime_get_ns() - s->start_ns;
		if (atomic_dec_and_test(&s->running))
			complete(&s->done);
	}
	/* Stay until kthread_stop(): the caller owns our task_struct's lifetime. */
	set_current_state(TASK_INTERRUPTIBLE);
	while (!kthread_should_stop()) {
		schedule();
		set_current_state(TASK_INTERRUPTIBLE);
	}
	__set_current_state(TASK_RUNNING);
	return 0;
}

static int ab_scale_validate(const void *req)
{
	const struct allocbench_scale *r = req;

	if (r->allocator >= ALLOCBENCH_NR_ALLOCATORS || r->gfp >= ALLOCBENCH_NR_GFP ||
	    r->pattern >= ALLOCBENCH_NR_SCALE_PATTERNS || r->flags)
		return -EINVAL;
	if (!r->threads || r->threads > ALLOCBENCH_MAX_THREADS ||
	    !r->duration_ms || r->duration_ms > ALLOCBENCH_MAX_SCALE_MS ||
	    !r->sample_every || r->samples_per_thread > ALLOCBENCH_MAX_SCALE_SAMPLES)
		return -EINVAL;
	if (r->pattern == ALLOCBENCH_SCALE_PAIR ? r->burst != 0 :
	    !r->burst || r->burst > ALLOCBENCH_MAX_BURST)
		return -EINVAL;
	if (r->elapsed_ns || r->cpus_online || r->out_flags ||
	    !ab_all_zero(r->reserved, ARRAY_SIZE(r->reserved)))
		return -EINVAL;
	return r->bytes ? 0 : -EINVAL;
}

/* REMOTE_FREE: room for two bursts in flight to each worker. */
static u32 ab_scale_ring_slots(const struct allocbench_scale *r)
{
	return r->pattern == ALLOCBENCH_SCALE_REMOTE_FREE ?
	       roundup_pow_of_two(2 * r->burst) : 0;
}

/* Objects all workers may hold at once: a burst each, and a full ring each. */
static int ab_scale_held(const struct allocbench_scale *r, u64 *objs)
{
	u64 per_worker = r->pattern == ALLOCBENCH_SCALE_PAIR ? 1 : r->burst;

	per_worker += ab_scale_ring_slots(r);
	return check_mul_overflow(per_worker, (u64)r->threads, objs) ? -ENOMEM : 0;
}

static int ab_scale_admit(struct ab_scale *s, void __user *uarg, u32 usize, u64 *reserved)
{
	struct allocbench_scale *r = &s->r;
	u64 objs, bytes;
	int ret;

	if (r->bytes > (u64)totalram_pages() << PAGE_SHIFT)
		return -E2BIG;
	ret = ab_answer_writable(uarg, r, usize, sizeof(*r));
	if (!ret)
		ret = ab_samples_writable(u64_to_user_ptr(r->samples),
					  (size_t)r->threads * r->samples_per_thread);
	if (!ret)
		ret = ab_user_writable(u64_to_user_ptr(r->threads_out),
				       (size_t)r->threads * sizeof(struct allocbench_scale_thread));
	if (ret)
		return ret;
	if (r->threads > num_online_cpus())
		return -ERANGE;
	s->a = &ab_allocators[r->allocator];
	if (!ab_available(s->a))
		return -EOPNOTSUPP;
	if (r->gfp == ALLOCBENCH_GFP_ATOMIC && !(s->a->flags & ALLOCBENCH_ALLOC_ATOMIC_OK))
		return -EOPNOTSUPP;
	if (ab_scale_held(r, &objs) ||
	    check_mul_overflow(objs, r->bytes, &bytes))
		return -ENOMEM;
	ret = ab_budget_reserve(bytes);
	if (!ret)
		*reserved = bytes;
	return ret;
}

static void ab_scale_free_workers(struct ab_scale *s)
{
	u32 i;

	for (i = 0; s->w && i < s->r.threads; i++) {
		kvfree(s->w[i].objs);
		kvfree(s->w[i].inbox.slot);
		kvfree(s->w[i].samples);
	}
	kfree(s->w);
	s->w = NULL;
}

static int ab_scale_alloc_workers(struct ab_scale *s)
{
	const struct allocbench_scale *r = &s->r;
	u32 ring = ab_scale_ring_slots(r);
	u32 i;

	s->w = kcalloc(r->threads, sizeof(*s->w), GFP_KERNEL);
	if (!s->w)
		return -ENOMEM;
	for (i = 0; i < r->threads; i++) {
		struct ab_worker *w = &s->w[i];

		w->s = s;
		w->samples = kvcalloc(max(r->samples_per_thread, 1U), sizeof(u64), GFP_KERNEL);
		if (r->pattern == ALLOCBENCH_SCALE_BURST)
			w->objs = kvcalloc(r->burst, sizeof(void *), GFP_KERNEL);
		if (ring) {
			w->inbox.slot = kvcalloc(ring, sizeof(*w->inbox.slot), GFP_KERNEL);
			w->inbox.mask = ring - 1;
		}
		if (!w->samples || (r->pattern == ALLOCBENCH_SCALE_BURST && !w->objs) ||
		    (ring && !w->inbox.slot))
			return -ENOMEM;
	}
	return 0;
}

/*
 * Stops every worker that exists (started or not), then frees what the
 * rings still hold: objects handed over after their consumer stopped.
 */
static void ab_scale_reap(struct ab_scale *s)
{
	struct ab_handoff h;
	u32 i;

	for (i = 0; i < s->r.threads; i++) {
		if (s->w[i].task) {
			kthread_stop(s->w[i].task);
			put_task_struct(s->w[i].task);
		}
		s->w[i].task = NULL;
	}
	for (i = 0; i < s->r.threads; i++)
		while (s->w[i].inbox.slot && ab_ring_get(&s->w[i].inbox, &h))
			s->a->free(h.obj, &s->req);
}

/* One worker per online CPU, in CPU order, created stopped and bound. */
static int ab_scale_spawn(struct ab_scale *s)
{
	u32 i = 0;
	int cpu;

	for_each_online_cpu(cpu) {
		struct task_struct *t;

		if (i == s->r.threads)
			break;
		t = kthread_create_on_node(ab_scale_worker, &s->w[i], cpu_to_node(cpu),
					   "allocbench/%d", cpu);
		if (IS_ERR(t))
			return PTR_ERR(t);
		get_task_struct(t);
		kthread_bind(t, cpu);
		s->w[i++].task = t;
	}
	return i == s->r.threads ? 0 : -ERANGE;
}

/* Start together, wait for all; a signal stops them early. */
static int ab_scale_go(struct ab_scale *s)
{
	u32 i;
	int ret = 0;

	atomic_set(&s->running, s->r.threads);
	for (i = 0; i < s->r.threads; i++)
		wake_up_process(s->w[i].task);
	s->start_ns = ktime_get_ns();
	s->deadline_ns = s->start_ns + (u64)s->r.duration_ms * NSEC_PER_MSEC;
	WRITE_ONCE(s->go, true);
	wake_up_all(&s->start);
	if (wait_for_completion_interruptible(&s->done)) {
		WRITE_ONCE(s->stop, true);
		wait_for_completion(&s->done);
		ret = -EINTR;
	}
	return ret;
}

/*
 * CPU hotplug is held off only while the workers are placed: holding it
 * while they run would nest it under whatever the allocators take. A CPU
 * that goes offline later moves its worker elsewhere; the worker's cpu
 * field says where it started.
 */
static int ab_scale_run(struct ab_scale *s)
{
	int ret;

	ret = ab_scale_alloc_workers(s);
	if (ret)
		return ret;
	ret = s->a->setup ? s->a->setup(&s->req) : 0;
	if (ret)
		return ret == -EINTR ? ret : -ENOMEM;
	cpus_read_lock();
	s->r.cpus_online = num_online_cpus();
	ret = s->r.threads > s->r.cpus_online ? -ERANGE : ab_scale_spawn(s);
	cpus_read_unlock();
	if (!ret)
		ret = ab_scale_go(s);
	ab_scale_reap(s);
	if (s->a->teardown)
		s->a->teardown(&s->req);
	return ret;
}

static int ab_scale_answer(struct ab_scale *s, void __user *uarg, u32 usize)
{
	const struct allocbench_scale *r = &s->r;
	struct allocbench_scale_thread __user *uthreads = u64_to_user_ptr(r->threads_out);
	u64 __user *usamples = u64_to_user_ptr(r->samples);
	u32 i;

	for (i = 0; i < r->threads; i++) {
		if (copy_to_user(&uthreads[i], &s->w[i].out, sizeof(s->w[i].out)) ||
		    copy_to_user(usamples + (size_t)i * r->samples_per_thread, s->w[i].samples,
				 (size_t)s->w[i].out.samples_written * sizeof(u64)))
			return -EFAULT;
	}
	return copy_to_user(uarg, r, min_t(size_t, usize, sizeof(*r))) ? -EFAULT : 0;
}

long ab_ioctl_scale(struct file *file, void __user *uarg)
{
	struct ab_scale *s;
	u64 reserved = 0, t0;
	u32 usize;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	init_waitqueue_head(&s->start);
	init_completion(&s->done);
	ret = ab_copy_request(&s->r, sizeof(s->r), uarg, ab_scale_validate, &usize);
	if (!ret)
		ret = ab_scale_admit(s, uarg, usize, &reserved);
	if (ret)
		goto out;

	s->req.bytes = s->r.bytes;
	s->req.gfp = ab_gfp_profiles[s->r.gfp] | __GFP_NOWARN;
	s->req.order = get_order(s->r.bytes);
	if (s->a->call_max && s->r.bytes > s->a->call_max()) {
		/* Calling would dump_stack(): say so, as RUN does. */
		s->r.out_flags |= ALLOCBENCH_OUT_NOT_ATTEMPTED;
		ret = copy_to_user(uarg, &s->r, min_t(size_t, usize, sizeof(s->r))) ? -EFAULT : 0;
		goto out;
	}
	ret = ab_measure_lock();
	if (ret)
		goto out;
	t0 = ktime_get_ns();
	ret = ab_scale_run(s);
	s->r.elapsed_ns = ktime_get_ns() - t0;
	ab_measure_unlock();
	if (!ret)
		ret = ab_scale_answer(s, uarg, usize);
out:
	if (s->w)
		ab_scale_free_workers(s);
	kfree(s);
	ab_budget_release(reserved);
	return ret;
}
