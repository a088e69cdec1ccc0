// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal summary: the run's name and the legend of the cells, then
 * the lines of each report part (report_parts.c: the latency tables, the
 * TLB tax, the scale line) and where report.md is.
 */
#include "report_parts.h"
#include "summary.h"

void summary_print(FILE *out, const struct run_data *rd, int width)
{
	const char *name = rmeta_any(rd, NULL, "run_name", "name", NULL);
	char warn[256];

	if (width < 40)
		width = 100;
	/* the heading and legend of the latency tables, when there are any */
	if (rd->nseries) {
		fprintf(out, "\nallocbench%s%s: median latency per operation, GFP_KERNEL\n", name ? " " : "",
			name ? name : "");
		fprintf(out, "FAIL = every allocation failed, n/a = not supported or skipped, - = not measured\n");
	} else {
		fprintf(out, "\nallocbench%s%s\n", name ? " " : "", name ? name : "");
	}
	if (run_emulated(rd))
		fprintf(out, "WARNING: emulated (TCG): absolute times are not hardware times; compare within this run only.\n");
	run_timer_warning(warn, sizeof(warn), rd);
	if (*warn)
		fprintf(out, "WARNING: timer off: %s.\n", warn);
	for (const struct report_part *const *part = report_parts; *part; part++)
		if ((*part)->print_summary)
			(*part)->print_summary(out, rd, width);
	fprintf(out, "\nreport: %s/report.md\n", rd->dir);
}
