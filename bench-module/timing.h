/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark clock. x86-64 reads the TSC with ordering so the timed
 * region cannot leak across the read; elsewhere ktime_get_ns(). Ticks are
 * raw: the caller never subtracts the overhead, the runner does.
 */
#ifndef _ALLOCBENCH_TIMING_H
#define _ALLOCBENCH_TIMING_H

#include <linux/types.h>
#include <linux/timekeeping.h>
#include <linux/jump_label.h>
#ifdef CONFIG_X86_64
#include <asm/msr.h>
#include <asm/tsc.h>
#endif

/**
 * struct ab_timer - the clock chosen at load time
 * @kind: enum allocbench_timer
 * @hz: ticks per second
 * @overhead: minimum ticks between two back-to-back reads
 * @call_mticks: thousandths of a tick per call through the allocator table
 *	inside a timed region, measured by ab_run_calibrate()
 */
struct ab_timer {
	u32 kind;
	u64 hz;
	u64 overhead;
	u64 call_mticks;
};

extern struct ab_timer ab_timer;

int ab_timer_init(void);
u64 ab_timer_overhead_now(void);

#ifdef CONFIG_X86_64
/* Patched to ktime at load if the TSC is unusable; costs nothing otherwise. */
DECLARE_STATIC_KEY_TRUE(ab_use_tsc);

static __always_inline u64 ab_now(void)
{
	if (static_branch_likely(&ab_use_tsc))
		return rdtsc_ordered();
	return ktime_get_ns();
}
#else
static __always_inline u64 ab_now(void)
{
	return ktime_get_ns();
}
#endif

#endif /* _ALLOCBENCH_TIMING_H */
