/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The module's one memory budget (budget.c).
 */
#ifndef _ALLOCBENCH_BUDGET_H
#define _ALLOCBENCH_BUDGET_H

#include <linux/types.h>

int ab_budget_reserve(u64 bytes);
unsigned long ab_budget_reserve_pages(unsigned long want, unsigned long keep_free);
void ab_budget_release(u64 bytes);
bool ab_budget_below_floor(void);

#endif /* _ALLOCBENCH_BUDGET_H */
