// SPDX-License-Identifier: GPL-2.0
/*
 * ALLOCBENCH_IOC_VSPACE: fragment the vmalloc address range on purpose, for
 * as long as the file that asked stays open.
 *
 * vmalloc can fail with plenty of memory free: it needs one free range of
 * *virtual* addresses of the whole size (plus a guard page), and on 32-bit
 * kernels the range is about 120 MiB. To show it, HOLD takes address
 * space, not memory: each area is vmap(VM_MAP) of one and the same page,
 * repeated area_bytes / PAGE_SIZE times, so it costs its page tables and
 * two small descriptors (struct vm_struct and struct vmap_area). The
 * kernel's get_vm_area() would reserve a range without mapping anything,
 * but it is not exported; vmap() is.
 *
 * HOLD first purges the ranges freed earlier and still waiting for the
 * lazy purge. The areas then land at the lowest free address that fits
 * (the vmap allocator is first fit by address), so 'areas' of them fill
 * the free gaps from the bottom. They are then sorted by address and all but every keep_every-th
 * unmapped, leaving a hole of area_bytes + guard between every two that
 * stay. vunmap() only queues a range for a lazy purge; vm_unmap_aliases()
 * purges the queue now, so /proc/vmallocinfo shows the holes at once.
 *
 * Every area belongs to the open file (struct ab_file): RELEASE unmaps
 * them, and so does close(), also when the process is killed. The memory
 * the hold may cost is reserved from the module's budget until then.
 * The module only holds and says what it held; the runner reads
 * /proc/vmallocinfo and computes the gaps.
 */
#include <linux/atomic.h>
#include <linux/build_bug.h>
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "allocbench.h"
#include "budget.h"
#include "frag.h"
#include "internal.h"
#include "request.h"
#include "vspace.h"

/* The same layout on 32- and 64-bit kernels: every __u64 8-byte aligned. */
static_assert(sizeof(struct allocbench_vspace) == 96);

/* One hold in the whole system: two would only fight over the same range. */
static atomic_t ab_vspace_busy = ATOMIC_INIT(0);

/**
 * struct ab_vspace - one file's hold on the vmalloc range
 * @page: the one page every area maps
 * @addr: the areas held, by address after HOLD
 * @n: entries in @addr
 * @area_bytes: size of each area, guard page excluded
 * @reserved_bytes: what the hold reserved from the module's budget
 */
struct ab_vspace {
	struct page *page;
	void **addr;
	u32 n;
	u64 area_bytes;
	u64 reserved_bytes;
};

/*
 * What a hold may cost, an upper bound: the page; the PTE pages mapping
 * the areas (each area spans at most DIV_ROUND_UP(area, PMD_SIZE) + 1 of
 * them, and the whole range no more than it has); per area a vm_struct
 * (kmalloc, rounded to its size class), a vmap_area and our pointer; the
 * page array vmap() reads.
 */
static u64 ab_vspace_cost(u64 area_bytes, u32 areas)
{
	u64 range_ptes = DIV_ROUND_UP_ULL((u64)(VMALLOC_END - VMALLOC_START), PMD_SIZE) + 1;
	u64 ptes = min_t(u64, (u64)areas * (DIV_ROUND_UP_ULL(area_bytes, PMD_SIZE) + 1), range_ptes);
	u64 meta = roundup_pow_of_two(sizeof(struct vm_struct)) + sizeof(struct vmap_area) +
		   sizeof(void *);

	return PAGE_SIZE + (ptes << PAGE_SHIFT) + (u64)areas * meta +
	       (area_bytes >> PAGE_SHIFT) * sizeof(struct page *);
}

static int ab_addr_cmp(const void *a, const void *b)
{
	unsigned long x = (unsigned long)*(void * const *)a;
	unsigned long y = (unsigned long)*(void * const *)b;

	return x < y ? -1 : x > y;
}

/* Unmaps every area, purges the lazily freed ranges, frees the rest. */
static u32 ab_vspace_free(struct ab_vspace *v)
{
	u32 i, n = v->n;

	for (i = 0; i < n; i++) {
		vunmap(v->addr[i]);
		if (!(i % 64))
			cond_resched();
	}
	v->n = 0;
	if (n)
		vm_unmap_aliases();
	if (v->page)
		__free_page(v->page);
	kvfree(v->addr);
	ab_budget_release(v->reserved_bytes);
	kfree(v);
	return n;
}

/* The file's hold, if any, given back; the number of areas unmapped. */
static u32 ab_vspace_drop(struct ab_file *f)
{
	struct ab_vspace *v = f->vspace;

	if (!v)
		return 0;
	f->vspace = NULL;
	atomic_set(&ab_vspace_busy, 0);
	return ab_vspace_free(v);
}

void ab_vspace_file_release(struct ab_file *f)
{
	ab_vspace_drop(f);
}

/* Map up to r->areas areas; sort them by address; keep one in keep_every. */
static int ab_vspace_take(struct ab_vspace *v, struct allocbench_vspace *r)
{
	unsigned long npages = r->area_bytes >> PAGE_SHIFT, i;
	struct page **pages;
	u32 n, kept;
	int ret = 0;

	pages = kvmalloc_array(npages, sizeof(*pages), GFP_KERNEL | __GFP_NOWARN);
	if (!pages)
		return -ENOMEM;
	for (i = 0; i < npages; i++)
		pages[i] = v->page;

	/*
	 * Ranges freed earlier wait for a lazy purge, still busy: an area
	 * cannot use them, and they split the gaps. Purge them first, so the
	 * free gaps are those /proc/vmallocinfo shows (its "unpurged vm_area"
	 * lines counted free) and a caller's count of what fits is exact.
	 */
	vm_unmap_aliases();
	for (n = 0; n < r->areas; n++) {
		cond_resched();
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		v->addr[n] = vmap(pages, npages, VM_MAP, PAGE_KERNEL_RO);
		if (!v->addr[n]) {
			r->out_flags |= ALLOCBENCH_VSPACE_OUT_FULL;
			break;
		}
		v->n = n + 1;
	}
	kvfree(pages);
	r->taken_areas = v->n;
	if (ret)
		return ret;

	sort(v->addr, v->n, sizeof(*v->addr), ab_addr_cmp, NULL);
	for (i = 0, kept = 0; i < v->n; i++) {
		if (i % r->keep_every) {
			vunmap(v->addr[i]);
			cond_resched();
		} else {
			v->addr[kept++] = v->addr[i];
		}
	}
	if (kept < v->n)
		vm_unmap_aliases();
	v->n = kept;
	return 0;
}

static long ab_vspace_hold(struct ab_file *f, struct allocbench_vspace *r)
{
	struct ab_vspace *v;
	u64 cost;
	int ret;

	if (r->area_bytes > (u64)(VMALLOC_END - VMALLOC_START) ||
	    r->area_bytes > ((u64)totalram_pages() << PAGE_SHIFT))
		return -ERANGE;
	if (f->vspace || atomic_cmpxchg(&ab_vspace_busy, 0, 1))
		return -EBUSY;

	cost = ab_vspace_cost(r->area_bytes, r->areas);
	ret = ab_budget_reserve(cost);
	if (ret)
		goto out_busy;
	ret = -ENOMEM;
	v = kzalloc(sizeof(*v), GFP_KERNEL | __GFP_NOWARN);
	if (!v) {
		ab_budget_release(cost);
		goto out_busy;
	}
	v->reserved_bytes = cost;
	v->area_bytes = r->area_bytes;
	v->page = alloc_page(GFP_KERNEL | __GFP_NOWARN | __GFP_ZERO);
	v->addr = kvmalloc_array(r->areas, sizeof(*v->addr), GFP_KERNEL | __GFP_NOWARN);
	if (v->page && v->addr)
		ret = ab_vspace_take(v, r);
	if (ret) {
		ab_vspace_free(v);
		goto out_busy;
	}
	f->vspace = v;
	r->held_areas = v->n;
	r->held_bytes = (u64)v->n * (r->area_bytes + PAGE_SIZE);
	r->cost_bytes = cost;
	return 0;

out_busy:
	atomic_set(&ab_vspace_busy, 0);
	return ret;
}

static int ab_vspace_validate(const void *req)
{
	const struct allocbench_vspace *r = req;

	if (r->cmd >= ALLOCBENCH_NR_VSPACE_CMDS)
		return -EINVAL;
	if (r->cmd == ALLOCBENCH_VSPACE_HOLD) {
		if (!r->area_bytes || !PAGE_ALIGNED(r->area_bytes) ||
		    r->area_bytes > ALLOCBENCH_VSPACE_MAX_AREA_BYTES ||
		    !r->areas || r->areas > ALLOCBENCH_VSPACE_MAX_AREAS ||
		    !r->keep_every || r->keep_every > r->areas)
			return -EINVAL;
	} else if (r->area_bytes || r->areas || r->keep_every) {
		return -EINVAL;
	}
	if (r->taken_areas || r->held_areas || r->held_bytes || r->cost_bytes ||
	    r->out_flags || r->__pad0 || r->elapsed_ns)
		return -EINVAL;
	return ab_all_zero(r->reserved, ARRAY_SIZE(r->reserved)) ? 0 : -EINVAL;
}

long ab_ioctl_vspace(struct file *file, void __user *uarg)
{
	struct ab_file *f = file->private_data;
	struct allocbench_vspace r;
	u32 usize;
	u64 t0;
	long ret;

	ret = ab_copy_request(&r, sizeof(r), uarg, ab_vspace_validate, &usize);
	if (!ret)
		ret = ab_answer_writable(uarg, &r, usize, sizeof(r));
	if (ret)
		return ret;
	if (!f)
		return -EBADF;

	if (mutex_lock_interruptible(&f->lock))
		return -EINTR;
	t0 = ktime_get_ns();
	if (r.cmd == ALLOCBENCH_VSPACE_HOLD)
		ret = ab_vspace_hold(f, &r);
	else
		r.held_areas = ab_vspace_drop(f);
	r.elapsed_ns = ktime_get_ns() - t0;
	/* The page may have been made read-only since: a HOLD is then undone. */
	if (!ret && copy_to_user(uarg, &r, min_t(size_t, usize, sizeof(r)))) {
		if (r.cmd == ALLOCBENCH_VSPACE_HOLD)
			ab_vspace_drop(f);
		ret = -EFAULT;
	}
	mutex_unlock(&f->lock);
	return ret;
}
