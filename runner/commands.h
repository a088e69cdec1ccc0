/* SPDX-License-Identifier: GPL-2.0 */
/* Subcommands of the allocbench CLI: one entry point each, dispatched by main.c. */
#ifndef ALLOCBENCH_COMMANDS_H
#define ALLOCBENCH_COMMANDS_H

/* Each returns the process exit code (see exitcodes below). argv[0] is the subcommand name. */
int cmd_run(int argc, char **argv);	/* run -c CONFIG -o DIR: measure, write CSV, then report */
int cmd_check(int argc, char **argv);	/* check -c CONFIG [--get KEY]: validate a config, print the plan size */
int cmd_info(int argc, char **argv);	/* info: the module's INFO */
int cmd_list(int argc, char **argv);	/* list: allocators on this kernel */
int cmd_report(int argc, char **argv);	/* report DIR: charts, report.md, summary table from the CSV alone */
int cmd_load(int argc, char **argv);	/* load FILE.ko: finit_module() with a clear reason on failure */
int cmd_unload(int argc, char **argv);	/* unload: delete_module("allocbench") */
int cmd_uaccess(int argc, char **argv);	/* uaccess: user-space access latency, 4K vs THP vs hugetlb */
int cmd_perf(int argc, char **argv);	/* perf POINT | -c CONFIG: a deep dive under perf record/stat (cmd_perf.c) */
int cmd_clock(int argc, char **argv);	/* clock: this machine's TSC rate in Hz (cmd_clock.c) */
int cmd_compare(int argc, char **argv);	/* compare A-RUNS -- B-RUNS: ratios with intervals (cmd_compare.c) */

/* Exit codes: stable, documented in --help. */
enum {
	EXIT_OK = 0,
	EXIT_FAILURE_RUN = 1,	/* a run or report failed at run time */
	EXIT_USAGE = 2,		/* bad option, bad config: nothing was run */
	EXIT_NO_MODULE = 3,	/* /dev/allocbench missing or the module cannot load */
	EXIT_INTERRUPTED = 130,	/* SIGINT/SIGTERM: partial files removed */
};

#endif
