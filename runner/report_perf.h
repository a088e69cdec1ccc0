/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.md's "Deep dives" section: links to DIR/perf/<point>/ (made by
 * `allocbench perf` / `make perf`), their top symbols, and the command that
 * dives into a point of this run.
 */
#ifndef ALLOCBENCH_REPORT_PERF_H
#define ALLOCBENCH_REPORT_PERF_H

#include <stdio.h>

#include "report.h"

/* True when DIR has deep dives (perf/) but no latency.csv. */
int perf_run_without_latency(const char *dir);

/* The section; nothing when the run has neither deep dives nor latency rows. */
void perf_write_md(FILE *f, const struct run_data *rd);

#endif
