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

/*
 * One latency sample's raw ticks in ns per operation, less the harness's own
 * cost: harness_ticks is the median sample of the same loop timed through
 * the module's empty allocator (ALLOCBENCH_RUN_NULL), which holds the timer
 * reads and the indirect calls; ops is the operations in one sample (the
 * batch). Never below zero; NAN when the timer has no rate.
 */
double ticks_less_harness_ns(const struct allocbench_info *in, uint64_t ticks, double harness_ticks,
			     unsigned ops);

#endif
