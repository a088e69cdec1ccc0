// SPDX-License-Identifier: GPL-2.0
#include "help.h"

#include <string.h>

#include "config.h"
#include "config_keys.h"
#include "experiment.h"
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
	  "(all repeats and visits: a latency point is visited [run] subseries times per\n"
	  "repeat; allocators = all counts every allocator the ABI knows).\n"
	  "\n"
	  "Options:\n"
	  "  -c, --config FILE  the run configuration (a bare FILE argument works too)\n"
	  "      --get KEY      print the value of a [run] key instead (defaults applied;\n"
	  "                     memory in MiB as qemu -m takes it, e.g. 1024M)\n"
	  "      --plan         print the points in run order, one per line (visit=V/N:\n"
	  "                     which of the point's sub-series this is)\n"
	  "  -h, --help         this text\n" },
	{ "info", "allocbench info",
	  "Prints the module's INFO as `key value` lines, one per field (sizes also in\n"
	  "human form, e.g. `kmalloc_max_size  4194304 (4M)`; allocators as names).\n" },
	{ "list", "allocbench list [--names]",
	  "One line per allocator: name, available (yes/no), contiguous, mapping,\n"
	  "atomic_ok, max_bytes (human form).\n"
	  "\n"
	  "Options:\n"
	  "  --names  every allocator the runner knows, one name a line in ABI order,\n"
	  "           without the module (for scripts)\n" },
	{ "report", "allocbench report DIR",
	  "Rebuilds charts, report.md and the summary table of a run from its CSV files.\n" },
	{ "load", "allocbench load FILE.ko [PARAM=VALUE]...",
	  "Loads the module with finit_module(2) (not init_module: no retry of a module\n"
	  "whose init fails on purpose) and waits for /dev/allocbench. Says why it\n"
	  "failed: no module support (CONFIG_MODULES=n), not root or lockdown /\n"
	  "modules_disabled, built for another kernel (vermagic). Already loaded is\n"
	  "success (exit 0) with a note.\n" },
	{ "perf", "allocbench perf [OPTIONS] POINT... | -c CONFIG",
	  "A deep dive: each POINT (\"vmalloc pair 1M\", \"kmalloc pair 64 gfp=atomic\";\n"
	  "words: ALLOCATOR OP SIZE [gfp=GFP] [burst=N] [touch]) is repeated for SECONDS\n"
	  "under `perf record -a -g` (cycles where the PMU has them, else cpu-clock),\n"
	  "then again under `perf stat -d -d`, into DIR/perf/<point>/: perf.data (with\n"
	  "--kcore, a build-id cache and the module's .ko, to be read elsewhere),\n"
	  "stat.txt, loop.txt, meta.csv, then scripts/perf-render.sh adds report.txt,\n"
	  "annotate/, stacks.folded, flamegraph.html and README.md. Written under a\n"
	  "temporary name, renamed when complete. Checked first: the points, perf\n"
	  "(package linux-perf), perf_event_paranoid, kptr_restrict, the module, and\n"
	  "that this kernel serves each point. `make perf` wraps it (and the vm target).\n"
	  "\n"
	  "Options:\n"
	  "  -c, --config FILE  points = ... and seconds = N of the config's [perf] section\n"
	  "  -s, --seconds N    time box of each repetition (default 10)\n"
	  "  -o, --output DIR   the run folder (default results/<UTC>-<host>-<kernel>);\n"
	  "                     gets meta.csv when it has none\n"
	  "  -e, --event EVENT  sampling event instead of cycles / cpu-clock\n"
	  "      --cpu N        CPU the loop is pinned to (default [run] cpu, 0)\n"
	  "      --ko FILE      the loaded allocbench.ko, copied for offline reading\n"
	  "      --record-only  no rendering (the VM target renders on the host)\n"
	  "      --list         print each point's folder name and words; nothing runs\n"
	  "      --loop         the point's RUN requests for SECONDS (what perf wraps);\n"
	  "                     --report FILE gets the loop's counts\n"
	  "      --meta KEY=VALUE  extra fact for meta.csv (repeatable)\n"
	  "  -q, --quiet        no progress lines\n"
	  "Environment: ALLOCBENCH_PERF (the perf binary), ALLOCBENCH_PERF_RENDER.\n" },
	{ "compare", "allocbench compare [-o DIR] [--min-effect PCT] [OPTIONS] A-RUNS... -- B-RUNS...",
	  "Compares two sides, each one or more run folders of the same config (repeats,\n"
	  "separate boots), point by point: median of A, median of B, ratio B/A with a\n"
	  "95 % interval, a significance mark, samples and runs per side, status each side\n"
	  "(a point measured on one side only is a row that says so). With several runs\n"
	  "a side, every run is one unit of Student's t test on log medians, so the\n"
	  "interval holds run-to-run variation; with one run per side it comes from the\n"
	  "run's sub-series and the report says \"run-to-run variation not captured\".\n"
	  "Significant: Benjamini-Hochberg q < ALPHA over all points and a change of at\n"
	  "least --min-effect. What differs between the sides is found by diffing their\n"
	  "meta.csv and names the folder and every chart title.\n"
	  "\n"
	  "Writes DIR/{compare.csv,compare-geomean.csv,compare-meta.csv,compare.md,\n"
	  "compare.html,charts/} (under DIR.tmp, renamed when complete), points\n"
	  "results/latest-compare at it, prints the largest significant regressions and\n"
	  "improvements, and the folder on the last line.\n"
	  "\n"
	  "Refused (exit 2): a folder that is not a run, CSV files of different schema\n"
	  "versions, sides without a point in common. Warned (report too): sides that\n"
	  "differ in more than one of kernel, cmdline, machine, target and emulation;\n"
	  "an emulated side against a native one; different configs.\n"
	  "\n"
	  "Options:\n"
	  "  -o, --output DIR      the folder (default results/compare-<UTC>-<what differs>)\n"
	  "      --min-effect PCT  smallest change called significant, in % (default 5)\n"
	  "      --alpha Q         false discovery rate (default 0.05)\n"
	  "      --seed N          bootstrap seed (one run per side without sub-series)\n"
	  "      --top N           rows of the terminal's lists (default 10)\n"
	  "      --no-charts       tables only\n"
	  "  -q, --quiet           only the folder on stdout\n"
	  "  -h, --help            this text\n" },
	{ "clock", "allocbench clock",
	  "Prints this machine's TSC rate in Hz, counted against CLOCK_MONOTONIC_RAW\n"
	  "over three 100 ms windows (the median). `make bench` records it as\n"
	  "host_tsc_hz beside a guest's run: the guest's timer_hz is its kernel's\n"
	  "calibration of the same counter, and a calibration more than 2 % off is\n"
	  "flagged in report.md and the summary. Exit 1 on a CPU whose TSC rate is not\n"
	  "constant (no constant_tsc) or that has no TSC.\n" },
	{ "unload", "allocbench unload",
	  "Unloads the module with delete_module(2). Not loaded is success with a note.\n" },
};

static const struct cmd_help *find(const char *cmd)
{
	for (size_t i = 0; i < ARRAY_SIZE(helps); i++)
		if (!strcmp(helps[i].name, cmd))
			return &helps[i];
	return NULL;
}

static void key_names(FILE *f, const struct cfg_key *keys, size_t n)
{
	fprintf(f, "      keys:");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s %s", i ? "," : "", keys[i].name);
	fprintf(f, "\n");
}

/* One key a line: name, help, bounds and default. */
static void key_lines(FILE *f, const struct cfg_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct cfg_key *k = &keys[i];
		char range[64] = "", def[160] = "";

		if (k->type == CFG_NUM)
			snprintf(range, sizeof(range), "%llu..%llu", (unsigned long long)k->min,
				 (unsigned long long)k->max);
		if (k->def)
			snprintf(def, sizeof(def), "%sdefault %s", range[0] ? ", " : "", k->def);
		fprintf(f, "      %-26s %s%s%s%s%s\n", k->name, k->help, range[0] || def[0] ? " (" : "",
			range, def, range[0] || def[0] ? ")" : "");
	}
}

/* detailed: every key with its help, bounds and [default]; else the names of each section's keys. */
static void config_keys(FILE *f, int detailed)
{
	void (*keys)(FILE *, const struct cfg_key *, size_t) = detailed ? key_lines : key_names;

	fprintf(f, "\nConfig keys (full table: configs/README.md):\n  [run]: how the whole run behaves\n");
	keys(f, config_run_keys, config_run_nkeys);
	for (int i = 0; experiment_kinds[i]; i++) {
		fprintf(f, "  [%s] or [%s LABEL]: %s\n", experiment_kinds[i]->name,
			experiment_kinds[i]->name, experiment_kinds[i]->summary);
		keys(f, experiment_kinds[i]->keys, experiment_kinds[i]->nkeys);
	}
	fprintf(f, "  allocators: all, %s\n  ops: %s\n  gfp: %s\n"
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
			"  perf    POINT | -c CONFIG   deep dive: one point under perf record -g and perf stat\n"
			"  compare A-RUNS -- B-RUNS    two sides of runs compared: ratios, intervals, charts\n"
			"  clock                       this machine's TSC rate (the VM harness checks guests with it)\n"
			"\n"
			"  allocbench COMMAND --help   options of one command\n"
			"  allocbench --version        runner version and ABI version\n",
			ALLOCBENCH_VERSION);
		config_keys(f, 0);
		fprintf(f, "\n%s", exit_codes);
		return 0;
	}
	h = find(cmd);
	if (!h)
		return -1;
	fprintf(f, "Usage: %s\n\n%s", h->usage, h->text);
	if (!strcmp(cmd, "run") || !strcmp(cmd, "check"))
		config_keys(f, !strcmp(cmd, "check"));
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
