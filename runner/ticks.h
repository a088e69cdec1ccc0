/* SPDX-License-Identifier: GPL-2.0 */
/* Raw ticks from the module to ns, with the harness's own costs removed. */
#ifndef ALLOCBENCH_TICKS_H
#define ALLOCBENCH_TICKS_H

#include <stdint.h>

#include "allocbench.h"

/*
 * One sample's raw ticks in ns: the timer's own overhead comes off once per
 * timed region in it, and the cost of a call through the module's allocator
 * table once per call in it (both measured by the module at load, see
 * struct allocbench_info). Never below zero; NAN when the timer has no rate.
 */
double ticks_to_ns(const struct allocbench_info *in, uint64_t ticks, double regions, double calls);

#endif
