/* SPDX-License-Identifier: GPL-2.0 */
/* Charts of a run: one gnuplot invocation per chart and format, from plots/latency.gp. */
#ifndef ALLOCBENCH_CHARTS_H
#define ALLOCBENCH_CHARTS_H

#include <stddef.h>

#include "report.h"

/*
 * Renders DIR/charts/latency-<slug>.svg and .png for every per-op series.
 * Data and variables go to DIR/charts/data/latency-<slug>.{dat,fail,vars.gp}
 * so that each chart can be re-rendered by hand (see plots/latency.gp).
 * Returns the number of charts rendered, or -1 when none could be (gnuplot
 * missing, plots/ not found): 'why' then says so in one line. Failures of
 * single charts are printed to stderr and do not stop the others.
 */
int charts_render(const struct run_data *rd, int quiet, char *why, size_t whylen);

/* Directory holding latency.gp and style.gp: ALLOCBENCH_PLOTS, next to the
 * executable (../plots, ../share/allocbench/plots), or the source tree. */
int charts_find_plots(char *out, size_t len);

/* access (issue 4): runs gnuplot -c SCRIPT VARS FMT, output to LOG. 0 or -1. */
int charts_run_gnuplot(const char *gnuplot, const char *script, const char *vars, const char *fmt,
		       const char *log);

#endif
