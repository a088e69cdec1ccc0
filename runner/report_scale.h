/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Report pieces of the [scale] kind, all from DIR/scale.csv (optional) and
 * meta.csv: the section "Many CPUs at once (scale)" with the scaling table
 * (efficiency against the 1-thread row of the same allocator, size and
 * pattern), the terminal summary line, and the charts scale-ops-PATTERN,
 * scale-p99-PATTERN and scale-eff-PATTERN (plots/scale.gp). Rows with more
 * threads than the machine that ran the guest has cores (meta host_cores)
 * are marked as not scaling data and left out of the charts.
 */
#ifndef ALLOCBENCH_REPORT_SCALE_H
#define ALLOCBENCH_REPORT_SCALE_H

#include <stdio.h>

#include "report.h"

/* Whether the run folder holds scale.csv. */
int scale_run_has(const char *dir);
/* A run of [scale] alone: scale.csv and no latency.csv. */
int scale_run_without_latency(const char *dir);

/* The section "Many CPUs at once (scale)"; nothing without scale.csv. */
void scale_write_md(FILE *f, const struct run_data *rd, int charts_ok);

/* One line "scale: ..." for the terminal summary; nothing without scale.csv. */
void scale_summary_print(FILE *out, const struct run_data *rd);

/* The scale charts; how many rendered. */
int scale_charts_render(const struct run_data *rd, const char *gnuplot, const char *plots,
			const char *datadir, const char *footer, int quiet);

#endif
