// SPDX-License-Identifier: GPL-2.0
/* allocbench check -c CONFIG [--get KEY | --plan] */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "config.h"
#include "help.h"
#include "names.h"
#include "plan.h"
#include "sizes.h"
#include "util.h"

int cmd_check(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "get", required_argument, NULL, 'g' },
		{ "plan", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *path = NULL, *key = NULL;
	int show_plan = 0, c, rc = EXIT_OK;
	char err[CFG_ERR_LEN], val[1100];
	struct config cfg;
	struct plan plan;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+c:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c': path = optarg; break;
		case 'g': key = optarg; break;
		case 'p': show_plan = 1; break;
		case 'h': help_print("check", stdout); return EXIT_OK;
		default: help_usage("check"); return EXIT_USAGE;
		}
	}
	if (!path && optind < argc)
		path = argv[optind++];
	if (optind < argc || !path || (key && show_plan)) {
		if (optind < argc)
			ab_err("check: unexpected argument '%s'", argv[optind]);
		else if (!path)
			ab_err("check: -c CONFIG is required");
		else
			ab_err("check: --get and --plan exclude each other");
		help_usage("check");
		return EXIT_USAGE;
	}
	if (config_load(path, &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	if (key) {
		if (config_get(&cfg, key, val, sizeof(val))) {
			ab_err("check --get: unknown [run] key '%s' (keys: see allocbench check --help)", key);
			rc = EXIT_USAGE;
		} else {
			printf("%s\n", val);
		}
		config_free(&cfg);
		return rc;
	}
	if (plan_build(&cfg, &plan)) {
		ab_err("out of memory");
		config_free(&cfg);
		return EXIT_FAILURE_RUN;
	}
	if (show_plan) {
		for (size_t i = 0; i < plan.n; i++) {
			const struct point *p = &plan.v[i];
			char h[32];

			printf("%zu\t[%s]\trepeat=%u\t%s\t%s\t%s\t%s\tvisit=%u/%u\n", i, p->sec->title,
			       p->repeat, allocator_name(p->allocator), op_name(p->op), gfp_name(p->gfp),
			       size_format(p->bytes, h, sizeof(h)), p->visit + 1,
			       p->visits > 1 ? p->visits : 1);
		}
	} else {
		printf("%zu\n", plan.n);
	}
	plan_free(&plan);
	config_free(&cfg);
	return EXIT_OK;
}
