/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running gnuplot on a chart's variables file, and writing the parts of
 * variables files every chart shares: string literals and the allocator
 * table (names, colours, point types) that plots/style.gp reads.
 */
#ifndef ALLOCBENCH_GNUPLOT_H
#define ALLOCBENCH_GNUPLOT_H

#include <stdio.h>

/* A gnuplot double-quoted string literal; newlines and tabs become blanks. */
void gp_str(FILE *f, const char *s);
/* One line KEY = "s". */
void gp_set_str(FILE *f, const char *key, const char *s);

/*
 * AB_ALLOCATORS, AB_COLORS and AB_POINTS: every allocator of the runner's
 * table in ABI order with its colour and point type (names.c), for
 * ab_color(), ab_pt() and ab_index() of plots/style.gp.
 */
void gp_allocators(FILE *f);

/*
 * Renders one chart: `gnuplot -c SCRIPT VARS svg`, then png, gnuplot's
 * messages in LOG (emptied first). 1 when both formats rendered; else 0,
 * after naming the chart and format and quoting the end of LOG on stderr.
 */
int gp_render(const char *gnuplot, const char *script, const char *vars, const char *log,
	      const char *chart);

#endif
