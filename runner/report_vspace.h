/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the limits part quotes of the [vspace] kind (report_vspace.c, whose
 * report part adds a section with the phases and the vspace chart): its
 * figures in the answer to "Why can vmalloc itself fail?", from
 * DIR/vspace.csv and vspace-summary.csv, each optional.
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

#endif
