// SPDX-License-Identifier: GPL-2.0
#include "help.h"

#include <string.h>

#include "config.h"
#include "names.h"
#include "util.h"

static const char exit_codes[] =
	"Exit codes:\n"
	"  0    success\n"
	"  1    a run or report failed at run time\n"
	"  2    bad option or bad config: nothing was run\n"
	"  3    /dev/allocbench missing or the module cannot load\n"
	"  130  interrupted (SIGINT/SIGTERM): partial files removed\n";

struct cmd_help {
	const char *name, *usage, *text;
};

static const struct cmd_help helps[] = {
	{ "run", "allocbench run -c CONFIG [-o DIR] [--meta KEY=VALUE]... [--no-report] [--quiet]",
	  "Validates CONFIG (nothing is created if it is bad), opens /dev/allocbench, pins\n"
	  "itself to [run] cpu, measures every planned point in a shuffled order, writes\n"
	  "DIR/{config.conf,meta.csv,latency.csv,samples.csv.gz} (each via a .tmp file and\n"
	  "a rename), then runs `allocbench report DIR`.\n"
	  "\n"
	  "Options:\n"
	  "  -c, --config FILE     the run configuration (format: configs/README.md)\n"
	  "  -o, --output DIR      output directory, created if missing; must not already\n"
	  "                        hold results (default results/<UTC>-<host>-<kernel>)\n"
	  "      --meta KEY=VALUE  extra fact for meta.csv (repeatable; KEY of [a-z0-9_]).\n"
	  "                        The VM harness passes target=host|vm,\n"
	  "                        accelerator=none|kvm|tcg, emulated=yes|no, qemu_version,\n"
	  "                        git_revision. Defaults: target=host accelerator=none\n"
	  "                        emulated=no\n"
	  "      --no-report       do not run `allocbench report DIR` afterwards\n"
	  "  -q, --quiet           no progress line and no notes on stderr\n"
	  "  -h, --help            this text\n"
	  "\n"
	  "SIGINT/SIGTERM stop after the current request; .tmp files are removed and the\n"
	  "exit code is 130. A second signal ends the process at once. Stopping and\n"
	  "continuing the runner (Ctrl-Z and fg, SIGSTOP/SIGCONT, a debugger) does not\n"
	  "end the run: the interrupted request is sent again.\n" },
	{ "check", "allocbench check -c CONFIG [--get KEY | --plan]",
	  "Validates CONFIG like `run` does, without the module. Errors are printed as\n"
	  "FILE:LINE: message. On success prints the number of planned points\n"
	  "(all repeats; allocators = all counts every allocator the ABI knows).\n"
	  "\n"
	  "Options:\n"
	  "  -c, --config FILE  the run configuration (a bare FILE argument works too)\n"
	  "      --get KEY      print the value of a [run] key instead (defaults applied;\n"
	  "                     memory in MiB as qemu -m takes it, e.g. 1024M)\n"
	  "      --plan         print the points in run order, one per line\n"
	  "  -h, --help         this text\n" },
	{ "info", "allocbench info",
	  "Prints the module's INFO as `key value` lines, one per field (sizes also in\n"
	  "human form, e.g. `kmalloc_max_size  4194304 (4M)`; allocators as names).\n" },
	{ "list", "allocbench list",
	  "One line per allocator: name, available (yes/no), contiguous, mapping,\n"
	  "atomic_ok, max_bytes (human form).\n" },
	{ "report", "allocbench report DIR",
	  "Rebuilds charts, report.md and the summary table of a run from its CSV files.\n" },
	{ "load", "allocbench load FILE.ko [PARAM=VALUE]...",
	  "Loads the module with finit_module(2) (not init_module: no retry of a module\n"
	  "whose init fails on purpose) and waits for /dev/allocbench. Says why it\n"
	  "failed: no module support (CONFIG_MODULES=n), not root or lockdown /\n"
	  "modules_disabled, built for another kernel (vermagic). Already loaded is\n"
	  "success (exit 0) with a note.\n" },
	{ "unload", "allocbench unload",
	  "Unloads the module with delete_module(2). Not loaded is success with a note.\n" },
};

static const struct cmd_help *find(const char *cmd)
{
	for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (!strcmp(helps[i].name, cmd))
			return &helps[i];
	return NULL;
}

static void config_keys(FILE *f)
{
	fprintf(f, "\nConfig keys (full table: configs/README.md):\n  [run]      ");
	for (int i = 0; config_run_keys[i]; i++)
		fprintf(f, "%s%s", i ? ", " : "", config_run_keys[i]);
	fprintf(f, "\n");
	for (int i = 0; experiment_kinds[i]; i++)
		fprintf(f, "  [%s] or [%s LABEL]: %s\n", experiment_kinds[i]->name,
			experiment_kinds[i]->name, experiment_kinds[i]->summary);
	fprintf(f, "  [latency]  allocators, ops, gfp, sizes, burst, touch\n"
		   "  allocators: all, %s\n  ops: %s\n  gfp: %s\n"
		   "  sizes: 64, 4K, 2M, 1G; ranges LO..HI xF, LO..HI +S; comma lists\n",
		allocator_names_list(), op_names_list(), gfp_names_list());
}

int help_print(const char *cmd, FILE *f)
{
	const struct cmd_help *h;

	if (!cmd) {
		fprintf(f,
			"allocbench %s: benchmark Linux kernel memory allocators (kmalloc, vmalloc,\n"
			"alloc_pages, ...) through the allocbench.ko module (/dev/allocbench).\n"
			"\n"
			"Usage: allocbench COMMAND [OPTIONS]\n"
			"\n"
			"Commands:\n"
			"  run     -c CONFIG [-o DIR]  measure, write CSV, then report\n"
			"  check   -c CONFIG [--get KEY]  validate a config, print the plan size\n"
			"  info                        the module's facts about this kernel\n"
			"  list                        allocators this kernel offers\n"
			"  report  DIR                 charts, report.md, summary table from the CSV\n"
			"  load    FILE.ko             load the module (finit_module)\n"
			"  unload                      unload the module\n"
			"  uaccess [OPTIONS]           user-space access latency: 4K vs THP vs hugetlb\n"
			"\n"
			"  allocbench COMMAND --help   options of one command\n"
			"  allocbench --version        runner version and ABI version\n",
			ALLOCBENCH_VERSION);
		config_keys(f);
		fprintf(f, "\n%s", exit_codes);
		return 0;
	}
	h = find(cmd);
	if (!h)
		return -1;
	fprintf(f, "Usage: %s\n\n%s", h->usage, h->text);
	if (!strcmp(cmd, "run") || !strcmp(cmd, "check"))
		config_keys(f);
	fprintf(f, "\n%s", exit_codes);
	return 0;
}

void help_usage(const char *cmd)
{
	const struct cmd_help *h = cmd ? find(cmd) : NULL;

	if (h)
		fprintf(stderr, "usage: %s\n(allocbench %s --help for more)\n", h->usage, cmd);
	else
		fprintf(stderr, "usage: allocbench COMMAND [OPTIONS] (allocbench --help for more)\n");
}
