// SPDX-License-Identifier: GPL-2.0
/*
 * ALLOCBENCH_IOC_FOOTPRINT: the memory one allocation really consumes.
 *
 * Measured where the kernel lets a module look: ksize() for slab objects,
 * vmalloc_to_page() over the area for the vmalloc family. Computed where it
 * does not: find_vm_area() is not exported, so the guard page, the page
 * tables and the area's descriptors follow from mm/vmalloc.c's layout.
 * No address ever leaves the module.
 */
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "allocbench.h"
#include "allocators.h"
#include "budget.h"
#include "compat.h"
#include "internal.h"
#include "request.h"

/* What kmalloc() really hands out for a request of n bytes. */
static u64 ab_kmalloc_footprint(size_t n)
{
	if (n > KMALLOC_MAX_CACHE_SIZE)
		return PAGE_SIZE << get_order(n);
	return kmalloc_size_roundup(n);
}

/*
 * A vmalloc-family area: walk its pages (the walk stops at the guard page,
 * which is never mapped), then add what mm/vmalloc.c allocates around them.
 */
static void ab_fp_vmalloc(const void *obj, struct allocbench_footprint *r,
			  bool own_array)
{
	unsigned long start = (unsigned long)obj, addr = start;
	unsigned long limit = start + ALIGN(r->bytes, PMD_SIZE);
	unsigned long pages = 0, ptes = 0, last_pmd = ~0UL;
	struct page *first = NULL;
	bool contiguous = true;

	for (; addr < limit; addr += PAGE_SIZE) {
		struct page *page = vmalloc_to_page((void *)addr);

		if (!page)
			break;
		if (!first)
			first = page;
		else if (page != first + pages)
			contiguous = false;
		if ((addr >> PMD_SHIFT) != last_pmd) {
			last_pmd = addr >> PMD_SHIFT;
			ptes++;
		}
		pages++;
		if (!(pages % 512))
			cond_resched();
	}
	r->method |= ALLOCBENCH_FP_DATA_MEASURED | ALLOCBENCH_FP_VMALLOC;
	r->data_bytes = (u64)pages << PAGE_SHIFT;
	r->guard_bytes = PAGE_SIZE;
	/*
	 * A PMD-aligned area of whole, physically contiguous 2 MiB runs is
	 * what vmalloc_huge maps with PMD entries: no PTE page then.
	 */
	if (IS_ALIGNED(start, PMD_SIZE) && pages >= PTRS_PER_PTE &&
	    !(pages % PTRS_PER_PTE) && contiguous) {
		r->method |= ALLOCBENCH_FP_HUGE;
		ptes = 0;
	}
	r->pgtable_bytes = (u64)ptes * PAGE_SIZE;
	/* struct vm_struct (kmalloc) and struct vmap_area (its own cache). */
	r->meta_bytes = kmalloc_size_roundup(sizeof(struct vm_struct)) +
			sizeof(struct vmap_area);
	/* The page array: kmalloc'ed up to a page, vmalloc'ed above. */
	if (own_array) {
		size_t array = pages * sizeof(struct page *);

		r->meta_bytes += array > PAGE_SIZE ? PAGE_ALIGN(array) :
			ab_kmalloc_footprint(array);
	}
}

static void ab_fp_inspect(u32 id, void *obj, struct ab_req *req,
			  struct allocbench_footprint *r)
{
	switch (id) {
	case ALLOCBENCH_KMALLOC:
	case ALLOCBENCH_KZALLOC:
	case ALLOCBENCH_KMEM_CACHE:
		r->data_bytes = ksize(obj);
		r->method |= ALLOCBENCH_FP_DATA_MEASURED;
		break;
	case ALLOCBENCH_KVMALLOC:
		if (is_vmalloc_addr(obj)) {
			ab_fp_vmalloc(obj, r, true);
		} else {
			r->data_bytes = ksize(obj);
			r->method |= ALLOCBENCH_FP_DATA_MEASURED;
		}
		break;
	case ALLOCBENCH_VMALLOC:
	case ALLOCBENCH_VZALLOC:
	case ALLOCBENCH_VMALLOC_HUGE:
		ab_fp_vmalloc(obj, r, true);
		break;
	case ALLOCBENCH_VMAP:
		/* The caller's page array is ours, not vmap()'s. */
		ab_fp_vmalloc(obj, r, false);
		break;
	case ALLOCBENCH_ALLOC_PAGES_EXACT:
		r->data_bytes = PAGE_ALIGN(req->bytes);
		break;
#if AB_HAVE_FOLIO
	case ALLOCBENCH_FOLIO_ALLOC:
		r->data_bytes = folio_size(obj);
		r->method |= ALLOCBENCH_FP_DATA_MEASURED;
		break;
#endif
	default:	/* alloc_pages, __get_free_pages: the whole order */
		r->data_bytes = PAGE_SIZE << req->order;
		break;
	}
	r->consumed_bytes = r->data_bytes + r->pgtable_bytes + r->meta_bytes;
}

static int ab_fp_validate(const void *req)
{
	const struct allocbench_footprint *r = req;
	int i;

	if (r->allocator >= ALLOCBENCH_NR_ALLOCATORS ||
	    r->gfp >= ALLOCBENCH_NR_GFP || !r->bytes)
		return -EINVAL;
	if (r->method || r->consumed_bytes || r->data_bytes || r->guard_bytes ||
	    r->pgtable_bytes || r->meta_bytes || r->failed || r->__pad0)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(r->reserved); i++)
		if (r->reserved[i])
			return -EINVAL;
	return 0;
}

long ab_ioctl_footprint(struct file *file, void __user *uarg)
{
	struct allocbench_footprint r;
	const struct ab_allocator *a;
	struct ab_req req = { };
	u32 usize;
	void *obj;
	long ret;

	ret = ab_copy_request(&r, sizeof(r), uarg, ab_fp_validate, &usize);
	if (ret)
		return ret;
	if (r.bytes > (u64)totalram_pages() << PAGE_SHIFT)
		return -E2BIG;
	a = &ab_allocators[r.allocator];
	if (!ab_available(a))
		return -EOPNOTSUPP;
	if (r.gfp == ALLOCBENCH_GFP_ATOMIC &&
	    !(a->flags & ALLOCBENCH_ALLOC_ATOMIC_OK))
		return -EOPNOTSUPP;
	if (r.bytes > a->documented_max() ||
	    (a->call_max && r.bytes > a->call_max()))
		return -ERANGE;
	ret = ab_answer_writable(uarg, &r, usize, sizeof(r));
	if (ret)
		return ret;
	ret = ab_budget_reserve(r.bytes);
	if (ret)
		return ret;

	req.bytes = r.bytes;
	req.gfp = ab_gfp_profiles[r.gfp] | __GFP_NOWARN;
	req.order = get_order(r.bytes);
	if (a->setup && a->setup(&req)) {
		r.failed = 1;
		goto out;
	}
	obj = a->alloc(&req);
	if (obj) {
		ab_fp_inspect(r.allocator, obj, &req, &r);
		a->free(obj, &req);
	} else {
		r.failed = 1;
	}
	if (a->teardown)
		a->teardown(&req);
out:
	ab_budget_release(r.bytes);
	if (copy_to_user(uarg, &r, min_t(size_t, usize, sizeof(r))))
		return -EFAULT;
	return 0;
}
