/* SPDX-License-Identifier: GPL-2.0 */
/* Names of the ABI's enums, as configs, CSV files and the CLI spell them. */
#ifndef ALLOCBENCH_NAMES_H
#define ALLOCBENCH_NAMES_H

#include "allocbench.h"

/* NULL when out of range. */
const char *allocator_name(unsigned id);	/* "kmalloc", ... in ABI order */
const char *op_name(unsigned op);		/* "alloc", "free", "pair", "burst" */
const char *gfp_name(unsigned gfp);		/* "kernel", "atomic", "noretry" */
const char *mapping_name(unsigned mapping);	/* "direct", "vmalloc", "vmalloc_huge", "mixed" */
const char *timer_kind_name(unsigned kind);	/* "tsc", "ktime" */
const char *max_order_kind_name(unsigned kind);

/* -1 when unknown. Exact, case-sensitive match. */
int allocator_by_name(const char *s);
int op_by_name(const char *s);
int gfp_by_name(const char *s);

/* Comma-separated list of all names, for error messages and --help. */
const char *allocator_names_list(void);
const char *op_names_list(void);
const char *gfp_names_list(void);

#endif
