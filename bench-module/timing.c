// SPDX-License-Identifier: GPL-2.0
/*
 * Timer selection at module load, and the timer's overhead: at load and
 * again at the start of every RUN request.
 */
#include <linux/kernel.h>
#include <linux/preempt.h>
#include <linux/irqflags.h>
#include <linux/sched.h>
#include "allocbench.h"
#include "timing.h"

/*
 * Enough pairs for the minimum to settle, few enough to load quickly under
 * TCG; a request re-measures with fewer rounds, on its own CPU, just before
 * its series.
 */
#define AB_OVERHEAD_ROUNDS	64
#define AB_OVERHEAD_ROUNDS_NOW	4
#define AB_OVERHEAD_PAIRS	256

struct ab_timer ab_timer;
#ifdef CONFIG_X86_64
DEFINE_STATIC_KEY_TRUE(ab_use_tsc);
#endif

static u64 ab_timer_overhead(int rounds)
{
	u64 best = U64_MAX;
	unsigned long irqflags;
	int r, i;

	for (r = 0; r < rounds; r++) {
		/* IRQs off so an interrupt cannot land between the reads. */
		local_irq_save(irqflags);
		for (i = 0; i < AB_OVERHEAD_PAIRS; i++) {
			u64 t0 = ab_now();
			u64 t1 = ab_now();

			if (t1 - t0 < best)
				best = t1 - t0;
		}
		local_irq_restore(irqflags);
		cond_resched();
	}
	return best;
}

int ab_timer_init(void)
{
#ifdef CONFIG_X86_64
	/* rdtsc_ordered() needs a TSC, and ticks mean nothing without its rate. */
	if (boot_cpu_has(X86_FEATURE_TSC) && tsc_khz) {
		ab_timer.kind = ALLOCBENCH_TIMER_TSC;
		ab_timer.hz = (u64)tsc_khz * 1000;
	} else {
		pr_info("allocbench: no usable TSC, timing with ktime_get_ns()\n");
		static_branch_disable(&ab_use_tsc);
		ab_timer.kind = ALLOCBENCH_TIMER_KTIME;
		ab_timer.hz = NSEC_PER_SEC;
	}
#else
	ab_timer.kind = ALLOCBENCH_TIMER_KTIME;
	ab_timer.hz = NSEC_PER_SEC;
#endif
	ab_timer.overhead = ab_timer_overhead(AB_OVERHEAD_ROUNDS);
	return 0;
}

/* The timer's overhead now, for one request: a few rounds, same method as at load. */
u64 ab_timer_overhead_now(void)
{
	return ab_timer_overhead(AB_OVERHEAD_ROUNDS_NOW);
}
