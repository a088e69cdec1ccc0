// SPDX-License-Identifier: GPL-2.0
/* allocbench: subcommand dispatch, --help, --version. */
#include <stdio.h>
#include <string.h>

#include "allocbench.h"
#include "commands.h"
#include "help.h"
#include "util.h"

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
} commands[] = {
	{ "run", cmd_run },
	{ "check", cmd_check },
	{ "info", cmd_info },
	{ "list", cmd_list },
	{ "report", cmd_report },
	{ "load", cmd_load },
	{ "unload", cmd_unload },
	{ "uaccess", cmd_uaccess },
	{ "perf", cmd_perf },
	{ "compare", cmd_compare },
	{ "clock", cmd_clock },
};

/* Commands that own their options and --help (written elsewhere). */
static int own_help(const char *cmd)
{
	return !strcmp(cmd, "report") || !strcmp(cmd, "uaccess");
}

int main(int argc, char **argv)
{
	const char *cmd;

	if (argc < 2) {
		help_usage(NULL);
		return EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
		if (argc > 2 && !own_help(argv[2]) && !help_print(argv[2], stdout))
			return EXIT_OK;
		help_print(NULL, stdout);
		return EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
		printf("allocbench %s (ABI %d)\n", ALLOCBENCH_VERSION, ALLOCBENCH_ABI_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(commands[i].name, cmd))
			continue;
		if (argc > 2 && !own_help(cmd) &&
		    (!strcmp(argv[2], "--help") || !strcmp(argv[2], "-h"))) {
			help_print(cmd, stdout);
			return EXIT_OK;
		}
		return commands[i].fn(argc - 1, argv + 1);
	}
	ab_err("unknown command '%s'", cmd);
	help_usage(NULL);
	return EXIT_USAGE;
}
