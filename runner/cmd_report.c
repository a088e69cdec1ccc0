// SPDX-License-Identifier: GPL-2.0
/*
 * allocbench report DIR [--no-charts] [--quiet]
 *
 * Rebuilds DIR/charts/, DIR/report.md and the terminal summary from the
 * run's CSV files alone (meta.csv and whichever of latency.csv, access.csv,
 * probe.csv, ... the run wrote), so a run can be re-reported after the
 * scripts change, on another machine, or after a copy.
 * Missing gnuplot is not an error: charts are skipped with one message and
 * report.md says why.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "charts.h"
#include "commands.h"
#include "report.h"
#include "summary.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: allocbench report DIR [--no-charts] [--quiet]\n"
		"  Rebuild DIR/charts/*.svg|png, DIR/report.md and the summary table\n"
		"  from the run's CSV files (DIR/meta.csv, DIR/latency.csv, ...).\n"
		"  --no-charts  do not run gnuplot\n"
		"  --quiet      no summary table on stdout\n"
		"  Environment: ALLOCBENCH_PLOTS (directory of latency.gp, style.gp),\n"
		"  ALLOCBENCH_GNUPLOT (gnuplot binary), COLUMNS (summary width).\n");
}

static int term_width(void)
{
	struct winsize ws;
	const char *c = getenv("COLUMNS");

	if (c && atoi(c) >= 40)
		return atoi(c);
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
		return ws.ws_col;
	return 100;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-charts", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct run_data *rd;
	char err[4400], why[512] = "";
	const char *dir;
	int no_charts = 0, quiet = 0, c, charts = -1;
	size_t l;

	optind = 0;	/* glibc: full re-initialisation (cmd_run calls us after its own getopt) */
	while ((c = getopt_long(argc, argv, "nqh", opts, NULL)) != -1) {
		switch (c) {
		case 'n':
			no_charts = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "allocbench report: %s\n", optind >= argc ? "missing DIR" : "one DIR only");
		usage(stderr);
		return EXIT_USAGE;
	}
	dir = argv[optind];
	rd = calloc(1, sizeof(*rd));
	if (!rd) {
		perror("allocbench report");
		return EXIT_FAILURE_RUN;
	}
	{
		/* "results/x/" and "results/x" name the same run */
		char d[4096];

		snprintf(d, sizeof(d), "%s", dir);
		for (l = strlen(d); l > 1 && d[l - 1] == '/'; l--)
			d[l - 1] = '\0';
		if (run_load(d, rd, err, sizeof(err)) < 0) {
			fprintf(stderr, "allocbench report: %s\n", err);
			free(rd);
			return EXIT_FAILURE_RUN;
		}
	}

	if (no_charts) {
		snprintf(why, sizeof(why), "`allocbench report --no-charts` was asked not to render them");
	} else {
		charts = charts_render(rd, quiet, why, sizeof(why));
		if (charts < 0)
			fprintf(stderr, "allocbench report: charts skipped: %s\n", why);
	}
	if (report_write_md(rd, why, charts > 0) < 0) {
		fprintf(stderr, "allocbench report: cannot write %s/report.md: %m\n", rd->dir);
		run_free(rd);
		free(rd);
		return EXIT_FAILURE_RUN;
	}
	if (!quiet)
		summary_print(stdout, rd, term_width());
	run_free(rd);
	free(rd);
	return EXIT_OK;
}
