// SPDX-License-Identifier: GPL-2.0
#include "names.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/*
 * The allocators, one line each, in ABI order.
 *
 * name: one spelling in configs, CSV files, reports and charts. The module's
 * ALLOCATOR info says "__get_free_pages" (the kernel function); the runner
 * says "get_free_pages" because every CSV and results/examples already do,
 * and because "__x__" in report.md's tables would render as bold "x". The
 * kernel spelling is accepted in configs as the alias.
 *
 * color and point: one fixed colour and point type per allocator, the same
 * on every chart, so that kmalloc is the same blue in every slide of a
 * review. Colours are the Okabe-Ito colour-blind-safe set extended with
 * Tableau tones, chosen to stay distinct on white and when printed;
 * families of allocators share a hue family where that does not cost
 * distinctness, and every allocator also has its own point type, so the
 * charts survive greyscale printing. Point type 2 (X) is kept for failure
 * markers, 1 (+) and #333333 for names not in this table (plots/style.gp).
 * Points: 4/5 open/filled square, 6/7 circle, 8/9 triangle, 10/11 inverted
 * triangle, 12/13 diamond, 14/15 pentagon.
 */
static const struct allocator_desc allocators[ALLOCBENCH_NR_ALLOCATORS] = {
	/*                              name                 alias               abbr        color      point */
	[ALLOCBENCH_KMALLOC] =           { "kmalloc",           NULL,               "kmalloc",  "#0072B2",  7 },
	[ALLOCBENCH_KZALLOC] =           { "kzalloc",           NULL,               "kzalloc",  "#56B4E9",  6 },
	[ALLOCBENCH_KMEM_CACHE] =        { "kmem_cache",        NULL,               "kmcache",  "#009E73",  5 },
	[ALLOCBENCH_KVMALLOC] =          { "kvmalloc",          NULL,               "kvmalloc", "#CC79A7", 13 },
	[ALLOCBENCH_VMALLOC] =           { "vmalloc",           NULL,               "vmalloc",  "#D55E00",  9 },
	[ALLOCBENCH_VZALLOC] =           { "vzalloc",           NULL,               "vzalloc",  "#E69F00",  8 },
	[ALLOCBENCH_VMALLOC_HUGE] =      { "vmalloc_huge",      NULL,               "vhuge",    "#8C564B", 11 },
	[ALLOCBENCH_ALLOC_PAGES] =       { "alloc_pages",       NULL,               "pages",    "#000000",  4 },
	[ALLOCBENCH_GET_FREE_PAGES] =    { "get_free_pages",    "__get_free_pages", "gfpages",  "#7F7F7F", 12 },
	[ALLOCBENCH_ALLOC_PAGES_EXACT] = { "alloc_pages_exact", NULL,               "exact",    "#B8A000", 10 },
	[ALLOCBENCH_VMAP] =              { "vmap",              NULL,               "vmap",     "#6A3D9A", 15 },
	[ALLOCBENCH_FOLIO_ALLOC] =       { "folio_alloc",       NULL,               "folio",    "#17BECF", 14 },
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

#define NAME_AT(tab, i) ((i) < ARRAY_SIZE(tab) ? tab[i] : NULL)

const struct allocator_desc *allocator_desc(unsigned id)
{
	return id < ARRAY_SIZE(allocators) && allocators[id].name ? &allocators[id] : NULL;
}

const struct allocator_desc *allocator_desc_by_name(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(allocators); i++)
		if (allocators[i].name && !strcmp(allocators[i].name, name))
			return &allocators[i];
	return NULL;
}

const char *allocator_name(unsigned id)
{
	const struct allocator_desc *d = allocator_desc(id);

	return d ? d->name : NULL;
}

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

int allocator_by_name(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(allocators); i++)
		if (allocators[i].name && (!strcmp(allocators[i].name, s) ||
					   (allocators[i].alias && !strcmp(allocators[i].alias, s))))
			return (int)i;
	return -1;
}

int op_by_name(const char *s) { return lookup(ops, ALLOCBENCH_NR_OPS, s); }
int gfp_by_name(const char *s) { return lookup(gfps, ALLOCBENCH_NR_GFP, s); }

/* Appends s to the list in buf (", " between names); o is the length so far. */
static size_t join_one(char *buf, size_t len, size_t o, const char *s)
{
	if (o < len)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", o ? ", " : "", s);
	return o;
}

static const char *join(char *buf, size_t len, const char *const *tab, unsigned n)
{
	size_t o = 0;

	if (buf[0])
		return buf;
	for (unsigned i = 0; i < n; i++)
		o = join_one(buf, len, o, tab[i]);
	return buf;
}

const char *allocator_names_list(void)
{
	static char buf[512];
	size_t o = 0;

	if (buf[0])
		return buf;
	for (size_t i = 0; i < ARRAY_SIZE(allocators); i++)
		o = join_one(buf, sizeof(buf), o, allocators[i].name);
	return buf;
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
