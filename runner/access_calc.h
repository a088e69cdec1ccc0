/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure arithmetic of the access experiments, shared by
 * exp_access.c and the report, unit-tested in tests/unit/test_access.c.
 */
#ifndef ALLOCBENCH_ACCESS_CALC_H
#define ALLOCBENCH_ACCESS_CALC_H

#include <stddef.h>
#include <stdint.h>

/*
 * ns per step of one pass: the pass's ticks less one timer overhead per
 * timed chunk, converted with the timer's rate, divided by the steps. NAN
 * when the inputs cannot give a figure (no timer rate, or steps 0).
 */
struct allocbench_info;
double access_ns_per_step(const struct allocbench_info *in, uint64_t ticks, uint32_t chunks,
			  uint64_t steps);

/* "ok" for status 0, else "unavailable: <why> (ENAME)" for -errno. */
void access_pmu_text(int status, char *buf, size_t len);

/* a / b when both are finite and positive, else NAN. */
double access_ratio(double a, double b);

/* Layout names of [access]: page, line, seq, first_touch (ABI pattern - 1). */
const char *access_layout_name(unsigned pattern);
int access_layout_by_name(const char *s);	/* ABI pattern, or -1 */

#endif
