// SPDX-License-Identifier: GPL-2.0
/*
 * The allocators under test. Each callback is the bare API call: the run
 * loop times ->alloc and ->free exactly as a driver would call them.
 * Adding an allocator is one enum value in the ABI and one entry here.
 */
#include <linux/atomic.h>
#include <linux/gfp.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/vmalloc.h>
#include "allocators.h"
#include "compat.h"
#include "internal.h"

unsigned int ab_max_order(void)
{
	return AB_MAX_ORDER;
}

static u64 ab_kmalloc_max(void)
{
	return KMALLOC_MAX_SIZE;
}

/* kvmalloc refuses (with a WARN unless __GFP_NOWARN) anything above INT_MAX. */
static u64 ab_kvmalloc_max(void)
{
	return INT_MAX;
}

/* vmalloc rejects more pages than totalram, and the area itself is finite. */
static u64 ab_vmalloc_max(void)
{
	return min_t(u64, VMALLOC_END - VMALLOC_START,
		     (u64)totalram_pages() << PAGE_SHIFT);
}

static u64 ab_buddy_max(void)
{
	return PAGE_SIZE << AB_MAX_ORDER;
}

/* kmalloc / kzalloc */

static void *ab_kmalloc(struct ab_req *req)
{
	return kmalloc(req->bytes, req->gfp);
}

static void *ab_kzalloc(struct ab_req *req)
{
	return kzalloc(req->bytes, req->gfp);
}

static void ab_kfree(void *obj, struct ab_req *req)
{
	kfree(obj);
}

/* kmem_cache: a private, unmergeable cache per request */

static atomic_t ab_cache_seq = ATOMIC_INIT(0);

/*
 * Bytes SLUB adds to every object of our caches: red zones, tracking and a
 * moved free pointer when slub_debug is on (slub_debug=FZPU adds a few
 * hundred), 0 otherwise. The same for every object size that is a multiple
 * of the word size. An object plus this must fit in a slab of the largest
 * order, else kmem_cache_create() fails with a dump_stack().
 */
static unsigned int ab_slab_overhead;

#define AB_PROBE_SIZE	256
#define AB_KASAN_MAX_REDZONE	2048
#define AB_PROBE_OBJS	256	/* fills whole slabs: every slot has a neighbour */

static int ab_addr_cmp(const void *a, const void *b)
{
	unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;

	return x < y ? -1 : x > y;
}

/*
 * Objects sit in their slab at a fixed stride, the slot size. A fresh cache
 * fills whole slabs, so the smallest gap between two objects' addresses is
 * one slot, whatever order the (maybe randomised) freelist hands them out.
 */
static unsigned long ab_slot_size(struct kmem_cache *cache, unsigned long *addrs)
{
	unsigned long slot = ULONG_MAX;
	int i, n;

	for (n = 0; n < AB_PROBE_OBJS; n++) {
		void *obj = kmem_cache_alloc(cache, GFP_KERNEL | __GFP_NOWARN);

		if (!obj)
			break;
		addrs[n] = (unsigned long)obj;
	}
	sort(addrs, n, sizeof(*addrs), ab_addr_cmp, NULL);
	for (i = 1; i < n; i++)
		slot = min(slot, addrs[i] - addrs[i - 1]);
	for (i = 0; i < n; i++)
		kmem_cache_free(cache, (void *)addrs[i]);
	return slot;
}

/**
 * ab_slab_debug_measure() - measure what slub_debug adds to each object
 *
 * Called once at load; the kmem_cache limit (ab_kmem_cache_max()) follows.
 */
void ab_slab_debug_measure(void)
{
	struct kmem_cache *cache;
	unsigned long *addrs, slot;

	addrs = kmalloc_array(AB_PROBE_OBJS, sizeof(*addrs), GFP_KERNEL);
	cache = ab_kmem_cache_create("allocbench-probe", AB_PROBE_SIZE);
	if (addrs && cache) {
		slot = ab_slot_size(cache, addrs);
		if (slot != ULONG_MAX && slot > AB_PROBE_SIZE)
			ab_slab_overhead = slot - AB_PROBE_SIZE;
	}
	/*
	 * Generic KASAN's red zone grows with the object: 64 bytes at the
	 * probe's size, 2048 above 64 KiB (optimal_redzone() in
	 * mm/kasan/generic.c). Counting the large one on top errs low by the
	 * small one, never high.
	 */
	if (IS_ENABLED(CONFIG_KASAN_GENERIC))
		ab_slab_overhead += AB_KASAN_MAX_REDZONE;
	kmem_cache_destroy(cache);
	kfree(addrs);
}

/* The largest object a cache of ours takes: KMALLOC_MAX_SIZE, less debug metadata. */
static u64 ab_kmem_cache_max(void)
{
	u64 slab_max = (PAGE_SIZE << AB_MAX_ORDER) - ab_slab_overhead;

	return min_t(u64, KMALLOC_MAX_SIZE, round_down(slab_max, sizeof(void *)));
}

static int ab_cache_setup(struct ab_req *req)
{
	char name[32];

	/* Unique names: SLUB's sysfs refuses duplicates. */
	snprintf(name, sizeof(name), "allocbench-%zu-%d", req->bytes,
		 atomic_inc_return(&ab_cache_seq));
	req->cache = ab_kmem_cache_create(name, req->bytes);
	return req->cache ? 0 : -ENOMEM;
}

static void ab_cache_teardown(struct ab_req *req)
{
	kmem_cache_destroy(req->cache);
	req->cache = NULL;
}

static void *ab_cache_alloc(struct ab_req *req)
{
	return kmem_cache_alloc(req->cache, req->gfp);
}

static void ab_cache_free(void *obj, struct ab_req *req)
{
	kmem_cache_free(req->cache, obj);
}

/* kvmalloc */

static void *ab_kvmalloc(struct ab_req *req)
{
	return kvmalloc(req->bytes, req->gfp);
}

static void ab_kvfree(void *obj, struct ab_req *req)
{
	kvfree(obj);
}

static bool ab_kvmalloc_fallback(const void *obj)
{
	return is_vmalloc_addr(obj);
}

/* vmalloc family */

static void *ab_vmalloc(struct ab_req *req)
{
	return __vmalloc(req->bytes, req->gfp);
}

static void *ab_vzalloc(struct ab_req *req)
{
	return __vmalloc(req->bytes, req->gfp | __GFP_ZERO);
}

#if AB_HAVE_VMALLOC_HUGE
static void *ab_vmalloc_huge(struct ab_req *req)
{
	return vmalloc_huge(req->bytes, req->gfp);
}
#else
#define ab_vmalloc_huge NULL
#endif

static void ab_vfree(void *obj, struct ab_req *req)
{
	vfree(obj);
}

/* buddy allocator */

static void *ab_alloc_pages(struct ab_req *req)
{
	return alloc_pages(req->gfp, req->order);
}

static void ab_free_pages(void *obj, struct ab_req *req)
{
	__free_pages(obj, req->order);
}

static void *ab_page_addr(void *obj, struct ab_req *req)
{
	return page_address(obj);
}

static void *ab_get_free_pages(struct ab_req *req)
{
	return (void *)__get_free_pages(req->gfp, req->order);
}

static void ab_free_pages_addr(void *obj, struct ab_req *req)
{
	free_pages((unsigned long)obj, req->order);
}

static void *ab_alloc_pages_exact(struct ab_req *req)
{
	return alloc_pages_exact(req->bytes, req->gfp);
}

static void ab_free_pages_exact(void *obj, struct ab_req *req)
{
	free_pages_exact(obj, req->bytes);
}

/* folios: compound pages, prepared and freed as one unit */

#if AB_HAVE_FOLIO
static void *ab_folio_alloc(struct ab_req *req)
{
	return folio_alloc(req->gfp, req->order);
}

static void ab_folio_put(void *obj, struct ab_req *req)
{
	folio_put(obj);
}

static void *ab_folio_addr(void *obj, struct ab_req *req)
{
	return folio_address(obj);
}
#else
#define ab_folio_alloc	NULL
#define ab_folio_put	NULL
#define ab_folio_addr	NULL
#endif

/*
 * vmap: the pages are allocated once per request, untimed, and every vmap()
 * of the request maps the same set (aliases are legal). The timed region is
 * then exactly vmap() and vunmap(), and no per-operation page allocation
 * sits between two samples.
 */

static void ab_vmap_release(struct ab_req *req)
{
	unsigned int i;

	for (i = 0; i < req->nr_pages; i++)
		__free_page(req->pages[i]);
	kvfree(req->pages);
	req->pages = NULL;
	req->nr_pages = 0;
}

static int ab_vmap_setup(struct ab_req *req)
{
	unsigned long n = DIV_ROUND_UP(req->bytes, PAGE_SIZE);

	req->pages = kvmalloc_array(n, sizeof(*req->pages), GFP_KERNEL | __GFP_NOWARN);
	if (!req->pages)
		return -ENOMEM;
	for (req->nr_pages = 0; req->nr_pages < n; req->nr_pages++) {
		/* NORETRY: order-0 GFP_KERNEL would rather OOM-kill than fail. */
		struct page *page = alloc_page(GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN);

		if (!page) {
			ab_vmap_release(req);
			return -ENOMEM;
		}
		req->pages[req->nr_pages] = page;
		cond_resched();
		if (signal_pending(current)) {
			req->nr_pages++;
			ab_vmap_release(req);
			return -EINTR;
		}
	}
	return 0;
}

static void *ab_vmap(struct ab_req *req)
{
	return vmap(req->pages, req->nr_pages, VM_MAP, PAGE_KERNEL);
}

static void ab_vunmap(void *obj, struct ab_req *req)
{
	vunmap(obj);
}

#define AB_CONTIG	ALLOCBENCH_ALLOC_CONTIGUOUS
#define AB_ATOMIC	ALLOCBENCH_ALLOC_ATOMIC_OK
#define AB_ZEROED	ALLOCBENCH_ALLOC_ZEROED

/*
 * ATOMIC_OK: the slab and buddy allocators take GFP_ATOMIC. kvmalloc does
 * too: for a gfp that cannot block it tries kmalloc only and never reaches
 * vmalloc (mm/util.c, gfpflags_allow_blocking()). vmalloc, vmalloc_huge and
 * vmap allocate page tables with GFP_KERNEL and may sleep whatever the gfp.
 */
const struct ab_allocator ab_allocators[ALLOCBENCH_NR_ALLOCATORS] = {
	[ALLOCBENCH_KMALLOC] = {
		.name = "kmalloc",
		.alloc = ab_kmalloc, .free = ab_kfree,
		.documented_max = ab_kmalloc_max,
		.flags = AB_CONTIG | AB_ATOMIC,
		.mapping = ALLOCBENCH_MAP_DIRECT,
	},
	[ALLOCBENCH_KZALLOC] = {
		.name = "kzalloc",
		.alloc = ab_kzalloc, .free = ab_kfree,
		.documented_max = ab_kmalloc_max,
		.flags = AB_CONTIG | AB_ATOMIC | AB_ZEROED,
		.mapping = ALLOCBENCH_MAP_DIRECT,
	},
	[ALLOCBENCH_KMEM_CACHE] = {
		.name = "kmem_cache",
		.alloc = ab_cache_alloc, .free = ab_cache_free,
		/* Above it kmem_cache_create() fails loudly (dump_stack). */
		.documented_max = ab_kmem_cache_max,
		.call_max = ab_kmem_cache_max,
		.setup = ab_cache_setup, .teardown = ab_cache_teardown,
		.flags = AB_CONTIG | AB_ATOMIC,
		.mapping = ALLOCBENCH_MAP_DIRECT,
	},
	[ALLOCBENCH_KVMALLOC] = {
		.name = "kvmalloc",
		.alloc = ab_kvmalloc, .free = ab_kvfree,
		.documented_max = ab_kvmalloc_max,
		.fallback = ab_kvmalloc_fallback,
		.flags = AB_ATOMIC,
		.mapping = ALLOCBENCH_MAP_MIXED,
	},
	[ALLOCBENCH_VMALLOC] = {
		.name = "vmalloc",
		.alloc = ab_vmalloc, .free = ab_vfree,
		.documented_max = ab_vmalloc_max,
		.mapping = ALLOCBENCH_MAP_VMALLOC,
	},
	[ALLOCBENCH_VZALLOC] = {
		.name = "vzalloc",
		.alloc = ab_vzalloc, .free = ab_vfree,
		.documented_max = ab_vmalloc_max,
		.flags = AB_ZEROED,
		.mapping = ALLOCBENCH_MAP_VMALLOC,
	},
	[ALLOCBENCH_VMALLOC_HUGE] = {
		.name = "vmalloc_huge",
		.alloc = ab_vmalloc_huge, .free = ab_vfree,
		.documented_max = ab_vmalloc_max,
		.mapping = ALLOCBENCH_MAP_VMALLOC_HUGE,
	},
	[ALLOCBENCH_ALLOC_PAGES] = {
		.name = "alloc_pages",
		.alloc = ab_alloc_pages, .free = ab_free_pages,
		.documented_max = ab_buddy_max,
		.addr = ab_page_addr,
		.flags = AB_CONTIG | AB_ATOMIC,
		.mapping = ALLOCBENCH_MAP_DIRECT,
	},
	[ALLOCBENCH_GET_FREE_PAGES] = {
		.name = "__get_free_pages",
		.alloc = ab_get_free_pages, .free = ab_free_pages_addr,
		.documented_max = ab_buddy_max,
		.flags = AB_CONTIG | AB_ATOMIC,
		.mapping = ALLOCBENCH_MAP_DIRECT,
	},
	[ALLOCBENCH_ALLOC_PAGES_EXACT] = {
		.name = "alloc_pages_exact",
		.alloc = ab_alloc_pages_exact, .free = ab_free_pages_exact,
		.documented_max = ab_buddy_max,
		.flags = AB_CONTIG | AB_ATOMIC,
		.mapping = ALLOCBENCH_MAP_DIRECT,
	},
	[ALLOCBENCH_FOLIO_ALLOC] = {
		.name = "folio_alloc",
		.alloc = ab_folio_alloc, .free = ab_folio_put,
		.documented_max = ab_buddy_max,
		.addr = ab_folio_addr,
		.flags = AB_CONTIG | AB_ATOMIC,
		.mapping = ALLOCBENCH_MAP_DIRECT,
	},
	[ALLOCBENCH_VMAP] = {
		.name = "vmap",
		.alloc = ab_vmap, .free = ab_vunmap,
		.documented_max = ab_vmalloc_max,
		.setup = ab_vmap_setup, .teardown = ab_vmap_release,
		.mapping = ALLOCBENCH_MAP_VMALLOC,
	},
};
