// SPDX-License-Identifier: GPL-2.0
#include "names.h"

#include <stdio.h>
#include <string.h>

static const char *const allocators[ALLOCBENCH_NR_ALLOCATORS] = {
	[ALLOCBENCH_KMALLOC] = "kmalloc",
	[ALLOCBENCH_KZALLOC] = "kzalloc",
	[ALLOCBENCH_KMEM_CACHE] = "kmem_cache",
	[ALLOCBENCH_KVMALLOC] = "kvmalloc",
	[ALLOCBENCH_VMALLOC] = "vmalloc",
	[ALLOCBENCH_VZALLOC] = "vzalloc",
	[ALLOCBENCH_VMALLOC_HUGE] = "vmalloc_huge",
	[ALLOCBENCH_ALLOC_PAGES] = "alloc_pages",
	[ALLOCBENCH_GET_FREE_PAGES] = "get_free_pages",
	[ALLOCBENCH_ALLOC_PAGES_EXACT] = "alloc_pages_exact",
	[ALLOCBENCH_VMAP] = "vmap",
	[ALLOCBENCH_FOLIO_ALLOC] = "folio_alloc",
};

static const char *const ops[ALLOCBENCH_NR_OPS] = {
	[ALLOCBENCH_OP_ALLOC] = "alloc",
	[ALLOCBENCH_OP_FREE] = "free",
	[ALLOCBENCH_OP_PAIR] = "pair",
	[ALLOCBENCH_OP_BURST] = "burst",
};

static const char *const gfps[ALLOCBENCH_NR_GFP] = {
	[ALLOCBENCH_GFP_KERNEL] = "kernel",
	[ALLOCBENCH_GFP_ATOMIC] = "atomic",
	[ALLOCBENCH_GFP_NORETRY] = "noretry",
	[ALLOCBENCH_GFP_NOWAIT] = "nowait",
};

static const char *const mappings[] = {
	[ALLOCBENCH_MAP_DIRECT] = "direct",
	[ALLOCBENCH_MAP_VMALLOC] = "vmalloc",
	[ALLOCBENCH_MAP_VMALLOC_HUGE] = "vmalloc_huge",
	[ALLOCBENCH_MAP_MIXED] = "mixed",
};

#define NAME_AT(tab, i) ((i) < sizeof(tab) / sizeof(tab[0]) ? tab[i] : NULL)

const char *allocator_name(unsigned id) { return NAME_AT(allocators, id); }
const char *op_name(unsigned op) { return NAME_AT(ops, op); }
const char *gfp_name(unsigned gfp) { return NAME_AT(gfps, gfp); }
const char *mapping_name(unsigned m) { return NAME_AT(mappings, m); }

const char *timer_kind_name(unsigned kind)
{
	return kind == ALLOCBENCH_TIMER_TSC ? "tsc" : kind == ALLOCBENCH_TIMER_KTIME ? "ktime" : NULL;
}

const char *max_order_kind_name(unsigned kind)
{
	switch (kind) {
	case ALLOCBENCH_MAX_ORDER_EXCLUSIVE: return "max_order_exclusive";
	case ALLOCBENCH_MAX_ORDER_INCLUSIVE: return "max_order_inclusive";
	case ALLOCBENCH_MAX_PAGE_ORDER: return "max_page_order";
	default: return NULL;
	}
}

static int lookup(const char *const *tab, unsigned n, const char *s)
{
	for (unsigned i = 0; i < n; i++)
		if (tab[i] && !strcmp(tab[i], s))
			return (int)i;
	return -1;
}

int allocator_by_name(const char *s) { return lookup(allocators, ALLOCBENCH_NR_ALLOCATORS, s); }
int op_by_name(const char *s) { return lookup(ops, ALLOCBENCH_NR_OPS, s); }
int gfp_by_name(const char *s) { return lookup(gfps, ALLOCBENCH_NR_GFP, s); }

static const char *join(char *buf, size_t len, const char *const *tab, unsigned n)
{
	size_t o = 0;

	if (buf[0])
		return buf;
	for (unsigned i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", tab[i]);
	return buf;
}

const char *allocator_names_list(void)
{
	static char buf[256];

	return join(buf, sizeof(buf), allocators, ALLOCBENCH_NR_ALLOCATORS);
}

const char *op_names_list(void)
{
	static char buf[64];

	return join(buf, sizeof(buf), ops, ALLOCBENCH_NR_OPS);
}

const char *gfp_names_list(void)
{
	static char buf[64];

	return join(buf, sizeof(buf), gfps, ALLOCBENCH_NR_GFP);
}
