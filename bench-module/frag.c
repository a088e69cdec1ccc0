// SPDX-License-Identifier: GPL-2.0
/*
 * ALLOCBENCH_IOC_FRAG: fragment physical memory on purpose, for as long as
 * the file that asked stays open.
 *
 * HOLD, first pass: take a share of the free memory as order-0 pages, then
 * free all of them but one page in every 2^keep_order-aligned block. The
 * buddy allocator serves order-0 requests from the smallest free blocks it
 * has and, once a migrate type runs dry, steals the largest block of
 * another, so this pass eats through whole pageblocks and leaves one pinned
 * page in every 2^keep_order-aligned block it covered.
 *
 * HOLD, second pass: what the first pass did not reach is still free in
 * large blocks. Each remaining block of order >= keep_order is allocated
 * (no reclaim, no compaction), split, and all but its first page freed.
 * Afterwards no 2^keep_order-aligned block can become free: free memory
 * stays large while every order >= keep_order fails, and compaction cannot
 * help because the pinned pages are unmovable.
 *
 * RELEASE frees the pins, which land on the per-CPU free lists of the CPU
 * that frees them, as do the pages the first pass freed. Until those lists
 * are drained the pins cannot merge with their buddies: 6.1 never drains
 * them on its own and 6.12 takes tens of seconds. Modules cannot call
 * drain_all_pages(), but alloc_contig_range() calls it for the zone of the
 * range it isolates. So HOLD also sets aside one block of the largest order
 * in each zone it can reach, and RELEASE, after freeing the pins, frees
 * that block and takes it back through alloc_contig_range(): every CPU's
 * lists of the zone are drained and the pins merge. The block itself then
 * goes back page by page, onto this CPU's list: the machine is back in its
 * starting shape minus at most one block of the largest order per zone.
 *
 * Every allocation here is made without direct reclaim, kswapd, retries or
 * emergency reserves (so never the OOM killer), and free memory is never
 * taken below a floor. Pages are linked through page->lru, which an order-0
 * page owned by its allocator may use.
 */
#include <linux/atomic.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/list_sort.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmstat.h>
#include "allocbench.h"
#include "allocators.h"
#include "budget.h"
#include "compat.h"
#include "frag.h"
#include "internal.h"
#include "request.h"
#include "vspace.h"

/* One hold in the whole system: two would only fight over the floor. */
static atomic_t ab_frag_busy = ATOMIC_INIT(0);

/* How often (in pages) the loops reschedule and look at signals and the floor. */
#define AB_FRAG_STRIDE	512

/* No reclaim of any kind, no retries, no reserves: fail fast, never OOM. */
#define AB_FRAG_GFP	((GFP_KERNEL | __GFP_NOWARN | __GFP_NORETRY | \
			  __GFP_NOMEMALLOC) & ~__GFP_RECLAIM)

static unsigned long ab_free_pages_now(void)
{
	return global_zone_page_state(NR_FREE_PAGES);
}

/* An eighth of RAM, at least 32 MiB: far above every zone watermark. */
static unsigned long ab_frag_floor(void)
{
	return max(totalram_pages() / 8, (unsigned long)(SZ_32M >> PAGE_SHIFT));
}

int ab_file_open(struct inode *inode, struct file *file)
{
	struct ab_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return -ENOMEM;
	mutex_init(&f->lock);
	INIT_LIST_HEAD(&f->held);
	INIT_LIST_HEAD(&f->flush);
	file->private_data = f;
	return 0;
}

/*
 * Free @block, then take it back through alloc_contig_range(), whose
 * isolation of the range drains every CPU's free lists of the block's zone
 * (see the top of this file). If another allocation took part of the
 * block in between, isolation fails and the lists stay as they are.
 */
static void ab_frag_drain_zone(struct page *block, unsigned int order)
{
	unsigned long pfn = page_to_pfn(block), nr = 1UL << order;

	set_page_private(block, 0);
	__free_pages(block, order);
#if AB_HAVE_CONTIG_DRAIN
	if (!ab_alloc_contig_range(pfn, pfn + nr, GFP_KERNEL | __GFP_NOWARN))
		free_contig_range(pfn, nr);
#endif
}

/* Free the pins, then drain the free lists of every zone they were in. */
static unsigned long ab_frag_free_pinned(struct ab_file *f)
{
	struct page *page, *next;
	unsigned long n = 0;

	/* A large hold is hundreds of thousands of pages: reschedule. */
	list_for_each_entry_safe(page, next, &f->held, lru) {
		list_del(&page->lru);
		__free_page(page);
		if (!(++n % AB_FRAG_STRIDE))
			cond_resched();
	}
	list_for_each_entry_safe(page, next, &f->flush, lru) {
		list_del(&page->lru);
		ab_frag_drain_zone(page, page_private(page));
	}
	return n;
}

/*
 * One block per zone the hold can reach: the first pass takes pages from
 * every zone GFP_KERNEL falls back to (normal, DMA32, and DMA last of all).
 * Movable blocks: alloc_contig_range() isolates them as movable and leaves
 * them so. Where a zone is missing its modifier lands in another zone, and
 * the duplicate block is given back.
 */
static const gfp_t ab_frag_flush_zones[] = {
	__GFP_MOVABLE, __GFP_DMA32 | __GFP_MOVABLE, __GFP_DMA,
};

/* The largest block, down to one pageblock (what isolation works on). */
static struct page *ab_frag_flush_block(gfp_t zone_gfp)
{
	unsigned int order;

	for (order = ab_max_order(); order + 1 > pageblock_order; order--) {
		struct page *page = alloc_pages(AB_FRAG_GFP | zone_gfp, order);

		if (page) {
			set_page_private(page, order);
			return page;
		}
		if (!order)
			break;
	}
	return NULL;
}

static void ab_frag_take_flush_blocks(struct ab_file *f)
{
	struct page *page, *kept;
	int i;

	for (i = 0; i < ARRAY_SIZE(ab_frag_flush_zones); i++) {
		bool dup = false;

		page = ab_frag_flush_block(ab_frag_flush_zones[i]);
		if (!page)
			continue;
		list_for_each_entry(kept, &f->flush, lru)
			dup |= page_zone(kept) == page_zone(page);
		if (dup) {
			unsigned int order = page_private(page);

			set_page_private(page, 0);
			__free_pages(page, order);
		} else {
			list_add(&page->lru, &f->flush);
		}
	}
}

static unsigned long ab_frag_release_held(struct ab_file *f)
{
	unsigned long n;

	n = ab_frag_free_pinned(f);
	f->nr_held = 0;
	if (f->holding) {
		f->holding = false;
		atomic_set(&ab_frag_busy, 0);
	}
	return n;
}

int ab_file_release(struct inode *inode, struct file *file)
{
	struct ab_file *f = file->private_data;

	if (!f)
		return 0;
	ab_frag_release_held(f);
	ab_vspace_file_release(f);
	mutex_destroy(&f->lock);
	kfree(f);
	file->private_data = NULL;
	return 0;
}

/* Between pages: reschedule, honour signals. */
static int ab_frag_checkpoint(void)
{
	cond_resched();
	return signal_pending(current) ? -EINTR : 0;
}

/*
 * list_sort() never reschedules by itself; it keeps calling the comparison
 * for that purpose (see lib/list_sort.c). A hold can be millions of pages.
 */
static int ab_pfn_cmp(void *priv, const struct list_head *a,
		      const struct list_head *b)
{
	unsigned long pa = page_to_pfn(list_entry(a, struct page, lru));
	unsigned long pb = page_to_pfn(list_entry(b, struct page, lru));
	unsigned long *calls = priv;

	if (!(++*calls % (AB_FRAG_STRIDE * 8)))
		cond_resched();
	return pa > pb;
}

/*
 * First pass: order-0 pages, sorted by PFN, then the first page taken in
 * every 2^order-aligned block is kept and the rest freed. Keeping the first
 * one seen, not the one at a fixed offset, pins every block the pass
 * touched, also those whose other pages sat on per-CPU free lists.
 */
static int ab_frag_take(struct ab_file *f, struct allocbench_frag *r,
			unsigned long target, unsigned long floor)
{
	unsigned long mask = (1UL << r->keep_order) - 1;
	unsigned long n = 0, last = ULONG_MAX, cmp_calls = 0;
	struct page *page, *next;
	LIST_HEAD(taken);
	int ret = 0;

	while (n < target) {
		if (!(n % AB_FRAG_STRIDE)) {
			ret = ab_frag_checkpoint();
			if (ret)
				break;
			if (ab_free_pages_now() <= floor) {
				r->out_flags |= ALLOCBENCH_FRAG_OUT_FLOOR;
				break;
			}
		}
		page = alloc_page(AB_FRAG_GFP);
		if (!page)
			break;
		list_add(&page->lru, &taken);
		n++;
	}
	r->taken_pages = n;

	if (!ret)
		list_sort(&cmp_calls, &taken, ab_pfn_cmp);
	n = 0;
	list_for_each_entry_safe(page, next, &taken, lru) {
		unsigned long block = page_to_pfn(page) & ~mask;

		list_del(&page->lru);
		if (!ret && block != last) {
			last = block;
			list_add(&page->lru, &f->held);
			f->nr_held++;
		} else {
			__free_page(page);
		}
		if (!(++n % AB_FRAG_STRIDE))
			cond_resched();
	}
	return ret;
}

/* Second pass: pin the first page of every free block of order >= keep_order. */
static int ab_frag_sweep(struct ab_file *f, struct allocbench_frag *r,
			 unsigned long budget, unsigned long floor)
{
	unsigned int order = r->keep_order;
	unsigned long i, n;
	int ret = 0;

	for (n = 0; n < budget; n++) {
		struct page *page;

		ret = ab_frag_checkpoint();
		if (ret)
			break;
		if (ab_free_pages_now() <= floor + (1UL << order)) {
			r->out_flags |= ALLOCBENCH_FRAG_OUT_FLOOR;
			break;
		}
		page = alloc_pages(AB_FRAG_GFP, order);
		if (!page)
			break;
		split_page(page, order);
		for (i = 1; i < (1UL << order); i++)
			__free_page(page + i);
		list_add(&page->lru, &f->held);
		f->nr_held++;
	}
	r->swept_blocks = n;
	return ret;
}

static long ab_frag_hold(struct ab_file *f, struct allocbench_frag *r)
{
	unsigned long free_now = ab_free_pages_now();
	unsigned long floor = ab_frag_floor();
	int ret;

	if (f->holding || atomic_cmpxchg(&ab_frag_busy, 0, 1))
		return -EBUSY;
	f->holding = true;
	r->floor_pages = floor;
	/*
	 * What other requests in flight reserved stays free too; the hold's
	 * own reservation ends with the request, when its pages are gone
	 * from MemAvailable.
	 */
	f->reserved_pages = ab_budget_reserve_pages(free_now / 100 * r->percent, floor);

	ab_frag_take_flush_blocks(f);
	ret = ab_frag_take(f, r, f->reserved_pages, floor);
	if (!ret)
		ret = ab_frag_sweep(f, r, (free_now >> r->keep_order) + 1, floor);
	ab_budget_release((u64)f->reserved_pages << PAGE_SHIFT);
	f->reserved_pages = 0;
	if (ret) {
		ab_frag_release_held(f);
		return ret;
	}
	r->held_pages = f->nr_held;
	return 0;
}

static int ab_frag_validate(const void *req)
{
	const struct allocbench_frag *r = req;
	int i;

	if (r->cmd >= ALLOCBENCH_NR_FRAG_CMDS)
		return -EINVAL;
	if (r->cmd == ALLOCBENCH_FRAG_HOLD) {
		if (!r->percent || r->percent > ALLOCBENCH_FRAG_MAX_PERCENT ||
		    r->keep_order < ALLOCBENCH_FRAG_MIN_KEEP_ORDER ||
		    r->keep_order > ab_max_order())
			return -EINVAL;
	} else if (r->percent || r->keep_order) {
		return -EINVAL;
	}
	if (r->taken_pages || r->swept_blocks || r->held_pages ||
	    r->free_before_pages || r->free_after_pages || r->floor_pages ||
	    r->out_flags || r->__pad0 || r->elapsed_ns)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(r->reserved); i++)
		if (r->reserved[i])
			return -EINVAL;
	return 0;
}

long ab_ioctl_frag(struct file *file, void __user *uarg)
{
	struct ab_file *f = file->private_data;
	struct allocbench_frag r;
	u64 t0;
	u32 usize;
	long ret;

	ret = ab_copy_request(&r, sizeof(r), uarg, ab_frag_validate, &usize);
	if (!ret)
		ret = ab_answer_writable(uarg, &r, usize, sizeof(r));
	if (ret)
		return ret;
	if (!f)
		return -EBADF;

	if (mutex_lock_interruptible(&f->lock))
		return -EINTR;
	t0 = ktime_get_ns();
	r.free_before_pages = ab_free_pages_now();
	if (r.cmd == ALLOCBENCH_FRAG_HOLD)
		ret = ab_frag_hold(f, &r);
	else
		r.held_pages = ab_frag_release_held(f);
	r.free_after_pages = ab_free_pages_now();
	r.elapsed_ns = ktime_get_ns() - t0;
	/* The page may have been made read-only since: a HOLD is then undone. */
	if (!ret && copy_to_user(uarg, &r, min_t(size_t, usize, sizeof(r)))) {
		if (r.cmd == ALLOCBENCH_FRAG_HOLD)
			ab_frag_release_held(f);
		ret = -EFAULT;
	}
	mutex_unlock(&f->lock);
	return ret;
}
