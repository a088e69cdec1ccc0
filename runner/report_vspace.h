/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Report pieces of the [vspace] kind: its figures in the answer to "Why can
 * vmalloc itself fail?", a section with the phases, and the vspace chart
 * (a map of the vmalloc range per phase). All read DIR/vspace.csv,
 * vspace-gaps.csv and vspace-summary.csv, each optional.
 */
#ifndef ALLOCBENCH_REPORT_VSPACE_H
#define ALLOCBENCH_REPORT_VSPACE_H

#include <stdio.h>

#include "report.h"

/* Whether the run folder holds vspace.csv. */
int vspace_run_has(const char *dir);

/*
 * Sentences for the answer "Why can vmalloc itself fail?" from this run's
 * [vspace] figures (kernel, range, largest gap before / fragmented / after,
 * the size that failed and MemFree then). 1 when it wrote any, 0 when the
 * run has none. Ends with a space, not a paragraph break.
 */
int vspace_answer_md(FILE *f, const struct run_data *rd);

/* The section "Virtual address space (vspace)": table and chart. */
void vspace_write_md(FILE *f, const struct run_data *rd, int charts_ok);

/* The chart vspace (range map per phase); 1 when it rendered. */
int vspace_charts_render(const struct run_data *rd, const char *gnuplot, const char *plots,
			 const char *datadir, const char *footer, int quiet);

#endif
