/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Report pieces of the access experiments: charts access-page,
 * access-line, mapping and uaccess, the report.md section "What it costs to
 * touch the memory" and the TLB-tax lines of the terminal summary. All read
 * DIR/access.csv, DIR/mapping.csv and DIR/uaccess.csv, each optional.
 */
#ifndef ALLOCBENCH_REPORT_ACCESS_H
#define ALLOCBENCH_REPORT_ACCESS_H

#include <stdio.h>

#include "report.h"

/* True when DIR has access.csv, mapping.csv or uaccess.csv but no latency.csv. */
int access_run_without_latency(const char *dir);

/* Renders the access charts; returns how many rendered (0 when no CSV). */
int access_charts_render(const struct run_data *rd, const char *gnuplot, const char *plots,
			 const char *datadir, const char *footer, int quiet);

/* The report.md section; nothing when none of the CSVs exists. */
void access_write_md(FILE *f, const struct run_data *rd, int charts_ok);

/* The TLB-tax table on the terminal; nothing when none of the CSVs exists. */
void access_summary_print(FILE *out, const struct run_data *rd);

#endif
