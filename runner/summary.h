/* SPDX-License-Identifier: GPL-2.0 */
/* The summary printed at the end of `make bench`: median per op, size x allocator, and the parts' lines. */
#ifndef ALLOCBENCH_SUMMARY_H
#define ALLOCBENCH_SUMMARY_H

#include <stdio.h>

#include "report.h"

/*
 * Tables for op alloc and op pair (gfp kernel, per-op timing), then the
 * lines of the other report parts, fitting 'width' columns.
 */
void summary_print(FILE *out, const struct run_data *rd, int width);

#endif
