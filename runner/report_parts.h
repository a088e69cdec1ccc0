/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The parts of a report: one per kind of data a run folder may hold
 * (latency, access, limits, ...), each in its own report_*.c. report.md,
 * the charts and the terminal summary frame the parts and loop over
 * report_parts[]: a part is not called by name. Adding a part is one file
 * that defines a struct report_part, its extern below and one line in
 * report_parts[] (report_parts.c).
 */
#ifndef ALLOCBENCH_REPORT_PARTS_H
#define ALLOCBENCH_REPORT_PARTS_H

#include <stdio.h>

#include "report.h"

struct report_part {
	const char *name;
	/*
	 * NULL-terminated: the run-folder entries (CSV files; perf/ for the
	 * deep dives) whose presence makes the part present in a run. A run
	 * without latency.csv is a run of the parts present.
	 */
	const char *const *files;

	/*
	 * Optional (NULL: nothing of that kind); each says nothing when its
	 * data are absent. charts_ok: charts were rendered; charts_note: why
	 * not, for a part that says so where its chart would be.
	 */
	void (*write_md)(FILE *f, const struct run_data *rd, int charts_ok, const char *charts_note);
	/* Writes its data and variables under datadir and runs gnuplot; how many charts rendered. */
	int (*render_charts)(const struct run_data *rd, const char *gnuplot, const char *plots,
			     const char *datadir, const char *footer, int quiet);
	/* Lines of the terminal summary, fitting 'width' columns. */
	void (*print_summary)(FILE *out, const struct run_data *rd, int width);
};

/* NULL-terminated, in report order. */
extern const struct report_part *const report_parts[];
extern const struct report_part report_part_latency;	/* report_latency.c */
extern const struct report_part report_part_access;	/* report_access.c */
extern const struct report_part report_part_limits;	/* report_limits.c */
extern const struct report_part report_part_vspace;	/* report_vspace.c */
extern const struct report_part report_part_scale;	/* report_scale.c */
extern const struct report_part report_part_perf;	/* report_perf.c */
extern const struct report_part report_part_quality;	/* report_quality.c */

/* Whether one of the part's files exists in DIR. */
int report_part_present(const struct report_part *part, const char *dir);
/* Whether any part is present in DIR. */
int report_parts_any_present(const char *dir);

#endif
