/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The allocator table: one entry per allocator, like struct file_operations.
 */
#ifndef _ALLOCBENCH_ALLOCATORS_H
#define _ALLOCBENCH_ALLOCATORS_H

#include <linux/types.h>
#include <linux/gfp.h>
#include "allocbench.h"

struct kmem_cache;
struct page;

/**
 * struct ab_req - per-request state shared by an allocator's callbacks
 * @bytes: object size requested
 * @gfp: full gfp mask, profile plus __GFP_NOWARN
 * @order: get_order(@bytes), for the page allocators
 * @cache: kmem_cache created by ->setup() for this object size
 * @pages: vmap: the pages every vmap() of this request maps
 * @nr_pages: vmap: entries in @pages
 */
struct ab_req {
	size_t bytes;
	gfp_t gfp;
	unsigned int order;
	struct kmem_cache *cache;
	struct page **pages;
	unsigned int nr_pages;
};

/**
 * struct ab_allocator - one allocator under test
 * @name: short name, reported through ALLOCBENCH_IOC_ALLOCATOR
 * @alloc: allocate one object of @req->bytes; returns an opaque handle or
 *	NULL. This is the timed call, so it does nothing but allocate.
 * @free: release a handle returned by @alloc. Timed as well.
 * @documented_max: the documented limit: largest size this API is meant
 *	to serve on the running kernel (KMALLOC_MAX_SIZE, the largest buddy
 *	order, ...), reported as allocbench_allocator_info.max_bytes. It is
 *	not a gate for RUN: RUN calls @alloc above it for real, so the limit
 *	is measured, not assumed; every allocator here returns NULL without
 *	a WARN there when __GFP_NOWARN is set (checked in mm/ of 6.1 and
 *	6.12), except where @call_max says not. ACCESS and FOOTPRINT, which
 *	inspect the object, refuse sizes above it with -ERANGE.
 * @call_max: optional: largest size it is safe to call @setup/@alloc with.
 *	Above it a request counts every operation as failed without calling
 *	anything and sets ALLOCBENCH_OUT_NOT_ATTEMPTED (kmem_cache_create()
 *	of an oversized object prints a warning and dump_stack()).
 * @setup: optional, untimed, once per request before the first @alloc:
 *	e.g. create the kmem_cache. An error counts every operation as failed.
 * @teardown: optional, untimed, undoes @setup after the last @free.
 * @addr: optional, kernel virtual address of a handle for the untimed touch
 *	pass; NULL means the handle is the address.
 * @fallback: optional, untimed: true if @alloc served the handle through
 *	its fallback path (kvmalloc: vmalloc instead of kmalloc).
 * @flags: ALLOCBENCH_ALLOC_* except AVAILABLE, which is derived from @alloc
 * @mapping: enum allocbench_mapping
 *
 * An entry with @alloc == NULL exists in the ABI but not on this kernel.
 */
struct ab_allocator {
	const char *name;
	void *(*alloc)(struct ab_req *req);
	void (*free)(void *obj, struct ab_req *req);
	u64 (*documented_max)(void);
	u64 (*call_max)(void);
	int (*setup)(struct ab_req *req);
	void (*teardown)(struct ab_req *req);
	void *(*addr)(void *obj, struct ab_req *req);
	bool (*fallback)(const void *obj);
	u32 flags;
	u32 mapping;
};

extern const struct ab_allocator ab_allocators[ALLOCBENCH_NR_ALLOCATORS];

static inline bool ab_available(const struct ab_allocator *a)
{
	return a->name && a->alloc;
}

/*
 * The gfp mask of each enum allocbench_gfp profile, without __GFP_NOWARN
 * (added by every user). Defined in run.c.
 */
extern const gfp_t ab_gfp_profiles[ALLOCBENCH_NR_GFP];

/* Largest order the buddy allocator serves, inclusive. */
unsigned int ab_max_order(void);

#endif /* _ALLOCBENCH_ALLOCATORS_H */
