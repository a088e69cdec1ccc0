/* SPDX-License-Identifier: GPL-2.0 */
/* Charts of a run: one gnuplot invocation per chart and format (gnuplot.c), from plots/. */
#ifndef ALLOCBENCH_CHARTS_H
#define ALLOCBENCH_CHARTS_H

#include <stddef.h>

#include "report.h"

/*
 * Renders the charts of every report part (report_parts.c) as
 * DIR/charts/NAME.svg and .png: latency-<slug> for every per-op series,
 * then access, limits, vspace and scale charts. Data and variables go to
 * DIR/charts/data/ (for latency latency-<slug>.{dat,fail,vars.gp}) so that
 * each chart can be re-rendered by hand (see plots/latency.gp).
 * Returns the number of charts rendered, or -1 when none could be (gnuplot
 * missing, plots/ not found): 'why' then says so in one line. Failures of
 * single charts are printed to stderr and do not stop the others.
 */
int charts_render(const struct run_data *rd, int quiet, char *why, size_t whylen);

/* Directory holding latency.gp and style.gp: ALLOCBENCH_PLOTS, next to the
 * executable (../plots, ../share/allocbench/plots), or the source tree. */
int charts_find_plots(char *out, size_t len);

/* The gnuplot binary: ALLOCBENCH_GNUPLOT, else the first on PATH. 0, or -1 when there is none. */
int charts_find_gnuplot(char *out, size_t len);

#endif
