/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Names of the ABI's enums, as configs, CSV files and the CLI spell them.
 *
 * The allocator table in names.c is the runner's one list of allocators:
 * configs, CSV files, report.md, the terminal summary's abbreviations and
 * the charts' colours and point types (written into every chart variables
 * file) all come from it, and scripts read it through
 * `allocbench list --names`. Adding an allocator to the ABI is one line there.
 */
#ifndef ALLOCBENCH_NAMES_H
#define ALLOCBENCH_NAMES_H

#include "allocbench.h"

/* One allocator as the runner shows it. */
struct allocator_desc {
	const char *name;	/* configs, CSV files, reports, charts: "get_free_pages" */
	const char *alias;	/* also accepted in configs, or NULL: "__get_free_pages" */
	const char *abbr;	/* terminal summary column when full names do not fit */
	const char *color;	/* "#RRGGBB", the same on every chart */
	int point;		/* gnuplot point type; 2 (X) is kept for failure markers */
};

/* NULL when out of range. */
const struct allocator_desc *allocator_desc(unsigned id);
/* By canonical name (as in CSV files); NULL when unknown. */
const struct allocator_desc *allocator_desc_by_name(const char *name);

/* NULL when out of range. */
const char *allocator_name(unsigned id);	/* "kmalloc", ... in ABI order */
const char *op_name(unsigned op);		/* "alloc", "free", "pair", "burst" */
const char *gfp_name(unsigned gfp);		/* "kernel", "atomic", "noretry" */
const char *mapping_name(unsigned mapping);	/* "direct", "vmalloc", "vmalloc_huge", "mixed" */
const char *timer_kind_name(unsigned kind);	/* "tsc", "ktime" */
const char *max_order_kind_name(unsigned kind);

/* -1 when unknown. Exact, case-sensitive match; allocators also by alias. */
int allocator_by_name(const char *s);
int op_by_name(const char *s);
int gfp_by_name(const char *s);

/* Comma-separated list of all names, for error messages and --help. */
const char *allocator_names_list(void);
const char *op_names_list(void);
const char *gfp_names_list(void);

#endif
