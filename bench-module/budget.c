// SPDX-License-Identifier: GPL-2.0
/*
 * One memory budget for every request in flight, whoever made it.
 *
 * A request reserves, before it takes anything, the most memory it may
 * hold at once. The reservation succeeds only while everything reserved
 * stays under half of MemAvailable, so two requests that are each fine
 * alone cannot together push the machine into the OOM killer. A
 * reservation is returned when the request has freed its memory. Memory a
 * finished fragmentation hold keeps is not reserved: it is already gone
 * from MemAvailable, and counting it twice would refuse the small
 * allocations the hold exists to measure.
 *
 * Requests that take memory a little at a time (bursts) also check a
 * MemAvailable floor between operations: a fragmentation hold can still
 * take free memory under them after their reservation.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/spinlock.h>
#include <linux/vmstat.h>
#include "budget.h"

static DEFINE_SPINLOCK(ab_budget_lock);
static u64 ab_reserved_bytes;

static u64 ab_budget_limit(void)
{
	return (u64)max(si_mem_available(), 0L) * PAGE_SIZE / 2;
}

/**
 * ab_budget_reserve() - reserve @bytes, or -ENOMEM
 * @bytes: the most the request will hold at once
 */
int ab_budget_reserve(u64 bytes)
{
	u64 limit = ab_budget_limit();
	int ret = 0;

	spin_lock(&ab_budget_lock);
	if (bytes > limit || ab_reserved_bytes > limit - bytes)
		ret = -ENOMEM;
	else
		ab_reserved_bytes += bytes;
	spin_unlock(&ab_budget_lock);
	return ret;
}

/**
 * ab_budget_reserve_pages() - reserve up to @want pages of what is free
 * @want: pages asked for
 * @keep_free: pages that must stay free besides every other reservation
 *
 * For the fragmentation hold, whose size is a share of free memory, not
 * of MemAvailable. Returns the pages reserved (maybe 0); release them with
 * ab_budget_release(pages << PAGE_SHIFT).
 */
unsigned long ab_budget_reserve_pages(unsigned long want, unsigned long keep_free)
{
	unsigned long free = global_zone_page_state(NR_FREE_PAGES);
	unsigned long others, got;

	spin_lock(&ab_budget_lock);
	others = ab_reserved_bytes >> PAGE_SHIFT;
	got = free > keep_free + others ? free - keep_free - others : 0;
	got = min(got, want);
	ab_reserved_bytes += (u64)got << PAGE_SHIFT;
	spin_unlock(&ab_budget_lock);
	return got;
}

void ab_budget_release(u64 bytes)
{
	spin_lock(&ab_budget_lock);
	/* Never wraps, even if a caller returned more than it reserved. */
	ab_reserved_bytes -= min(bytes, ab_reserved_bytes);
	spin_unlock(&ab_budget_lock);
}

/*
 * A thirty-second of RAM, at least 16 MiB: far above the zone watermarks,
 * and under the fragmentation hold's own floor of free memory (an eighth),
 * so a request measuring a hold is not stopped by the hold alone.
 * MemAvailable, not free pages: a host whose memory is mostly page cache
 * has little free memory and plenty available.
 */
bool ab_budget_below_floor(void)
{
	long floor = max(totalram_pages() / 32, (unsigned long)(SZ_16M >> PAGE_SHIFT));

	return si_mem_available() < floor;
}
