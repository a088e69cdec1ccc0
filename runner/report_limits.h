/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Report pieces of the limits and fragmentation experiments: the
 * charts limits, frag-success, buddyinfo and overhead, and the report.md
 * section "Answers". All read DIR/probe.csv, limits.csv, vmalloc.csv,
 * frag.csv, buddyinfo.csv, frag-summary.csv and overhead.csv, each optional.
 */
#ifndef ALLOCBENCH_REPORT_LIMITS_H
#define ALLOCBENCH_REPORT_LIMITS_H

#include <stdio.h>

#include "report.h"

/* True when DIR has probe.csv, frag.csv or overhead.csv but no latency.csv. */
int limits_run_without_latency(const char *dir);

/* Renders the charts; returns how many rendered (0 when no CSV). */
int limits_charts_render(const struct run_data *rd, const char *gnuplot, const char *plots,
			 const char *datadir, const char *footer, int quiet);

/* The report.md section "Answers"; nothing when none of the CSVs exists. */
void limits_write_md(FILE *f, const struct run_data *rd, int charts_ok);

#endif
