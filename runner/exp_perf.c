// SPDX-License-Identifier: GPL-2.0
/*
 * [perf]: the points of a deep dive (`allocbench perf -c CONFIG`, `make perf
 * CONFIG=...`). Validated with the rest of the config; plans no points, so
 * `allocbench run` and `make bench` skip it.
 *
 *   [perf]
 *   points = vmalloc pair 1M, kmalloc pair 64 gfp=atomic
 *   seconds = 10
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "config_keys.h"
#include "experiment.h"
#include "perf_point.h"
#include "plan.h"
#include "util.h"

static void pf_section_release(void *priv)
{
	struct perf_settings *s = priv;

	free(s->points);
}

static int parse_points(const struct cfg_key *k, void *obj, const char *value, int line,
			char *err, size_t errlen)
{
	struct perf_settings *s = obj;

	(void)k;
	(void)line;
	free(s->points);
	s->points = NULL;
	s->n = 0;
	return perf_point_list_parse(value, &s->points, &s->n, err, errlen) ? -1 : 0;
}

/* No defaults: points are required, seconds = 0 lets `allocbench perf` pick its own. */
static const struct cfg_key pf_keys[] = {
	{ .name = "points", .type = CFG_CUSTOM, CFG_FIELD(struct perf_settings, points), .parse = parse_points,
	  .help = "comma list of ALLOCATOR OP SIZE [gfp=GFP] [burst=N] [touch] (required)" },
	{ .name = "seconds", CFG_NUMBER(struct perf_settings, seconds, 1, PERF_MAX_SECONDS),
	  .help = "time box of each repetition (default 10)" },
};

static int pf_finish(const struct config *cfg, const struct section *sec, const void *index,
		     char *err, size_t errlen, int *line)
{
	const struct perf_settings *s = sec->priv;

	if (key_single_section(cfg, sec, index, err, errlen, line))
		return -1;
	if (!s->n) {
		snprintf(err, errlen, "[perf] needs points = ALLOCATOR OP SIZE[, ...], e.g. vmalloc pair 1M");
		*line = sec->line;
		return -1;
	}
	return 0;
}

static int pf_run_begin(struct run_ctx *ctx, int idx, const struct plan *p)
{
	(void)ctx;
	(void)idx;
	(void)p;
	return 0;
}

static int pf_run_end(struct run_ctx *ctx, int idx, int commit)
{
	(void)ctx;
	(void)idx;
	(void)commit;
	return 0;
}

const struct perf_settings *config_perf(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->nsec; i++)
		if (cfg->sec[i].kind == &exp_perf)
			return cfg->sec[i].priv;
	return NULL;
}

const struct experiment_kind exp_perf = {
	.name = "perf",
	.summary = "deep dives: points = ALLOCATOR OP SIZE[, ...], seconds = N; run by `allocbench perf -c` / `make perf`",
	.csv_name = "perf",	/* a folder: perf/<point>/ */
	.section_size = sizeof(struct perf_settings),
	.keys = pf_keys,
	.nkeys = ARRAY_SIZE(pf_keys),
	.section_release = pf_section_release,
	.finish = pf_finish,
	.plan = plan_no_points,
	.run_begin = pf_run_begin,
	.run_point = NULL,	/* never called: the kind plans no points */
	.run_end = pf_run_end,
};
