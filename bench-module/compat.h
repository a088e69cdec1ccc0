/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel API differences across versions. This is the only file that looks
 * at LINUX_VERSION_CODE or probes for version-specific symbols; the rest of
 * the module uses the AB_* names defined here.
 */
#ifndef _ALLOCBENCH_COMPAT_H
#define _ALLOCBENCH_COMPAT_H

#include <linux/version.h>
#include <linux/gfp.h>
#include <linux/mmzone.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "allocbench.h"

/*
 * The buddy allocator's order limit: MAX_ORDER was exclusive until 6.4,
 * inclusive in 6.4-6.7 and renamed MAX_PAGE_ORDER (inclusive) in 6.8.
 * AB_MAX_ORDER is always the largest order served (inclusive).
 */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 8, 0)
#define AB_MAX_ORDER		MAX_PAGE_ORDER
#define AB_MAX_ORDER_CONST	MAX_PAGE_ORDER
#define AB_MAX_ORDER_KIND	ALLOCBENCH_MAX_PAGE_ORDER
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
#define AB_MAX_ORDER		MAX_ORDER
#define AB_MAX_ORDER_CONST	MAX_ORDER
#define AB_MAX_ORDER_KIND	ALLOCBENCH_MAX_ORDER_INCLUSIVE
#else
#define AB_MAX_ORDER		(MAX_ORDER - 1)
#define AB_MAX_ORDER_CONST	MAX_ORDER
#define AB_MAX_ORDER_KIND	ALLOCBENCH_MAX_ORDER_EXCLUSIVE
#endif

/* folio_alloc() and folio_put() appeared in 5.16. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 16, 0)
#define AB_HAVE_FOLIO		1
#else
#define AB_HAVE_FOLIO		0
#endif

/* vmalloc_huge() appeared (exported GPL) in 5.18. */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(5, 18, 0)
#define AB_HAVE_VMALLOC_HUGE	1
#else
#define AB_HAVE_VMALLOC_HUGE	0
#endif

/*
 * A kmem_cache that slab merging cannot fold into an existing cache of the
 * same size, so the benchmark really measures a private cache.
 * SLAB_NO_MERGE (6.5+) says so directly. Before it, slab_unmergeable() and
 * kmem_cache_create_usercopy() skip merging for any cache with a usercopy
 * region, but only when CONFIG_HARDENED_USERCOPY keeps usersize != 0; without
 * it the last resort is a constructor, which also forbids merging.
 */
#ifdef SLAB_NO_MERGE
#define AB_KMEM_CACHE_UNMERGE	"SLAB_NO_MERGE"
static inline struct kmem_cache *ab_kmem_cache_create(const char *name,
						      unsigned int size)
{
	return kmem_cache_create(name, size, 0, SLAB_NO_MERGE, NULL);
}
#elif IS_ENABLED(CONFIG_HARDENED_USERCOPY)
#define AB_KMEM_CACHE_UNMERGE	"usercopy region"
static inline struct kmem_cache *ab_kmem_cache_create(const char *name,
						      unsigned int size)
{
	return kmem_cache_create_usercopy(name, size, 0, 0, 0, size, NULL);
}
#else
#define AB_KMEM_CACHE_UNMERGE	"constructor"
static inline void ab_kmem_cache_ctor(void *obj)
{
}

static inline struct kmem_cache *ab_kmem_cache_create(const char *name,
						      unsigned int size)
{
	return kmem_cache_create(name, size, 0, 0, ab_kmem_cache_ctor);
}
#endif

/*
 * alloc_contig_range() (exported, CONFIG_CONTIG_ALLOC) drains every CPU's
 * free lists of its range's zone right after it isolates the range: the one
 * exported door to drain_all_pages(), which memory hot-remove and CMA use.
 * Upstream (6.16) replaced its migratetype argument by acr_flags_t.
 */
#ifdef CONFIG_CONTIG_ALLOC
#define AB_HAVE_CONTIG_DRAIN	1
#ifdef ACR_FLAGS_NONE
#define ab_alloc_contig_range(start, end, gfp) \
	alloc_contig_range(start, end, ACR_FLAGS_NONE, gfp)
#else
#define ab_alloc_contig_range(start, end, gfp) \
	alloc_contig_range(start, end, MIGRATE_MOVABLE, gfp)
#endif
#else
#define AB_HAVE_CONTIG_DRAIN	0
#endif


/*
 * lookup_address() walks init_mm and says which level maps an address
 * (PG_LEVEL_4K/2M/1G); x86 exports it (GPL). Elsewhere the module reports
 * the mapping levels as unavailable.
 */
#ifdef CONFIG_X86_64
#define AB_HAVE_LOOKUP_ADDRESS	1
#else
#define AB_HAVE_LOOKUP_ADDRESS	0
#endif

#endif /* _ALLOCBENCH_COMPAT_H */
