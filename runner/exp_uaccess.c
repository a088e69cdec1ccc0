// SPDX-License-Identifier: GPL-2.0
/*
 * [uaccess]: the user-space access experiment's settings. The section is
 * validated with the rest of the config but plans no points: the module run
 * (possibly in a VM) skips it, and `allocbench uaccess -c CONFIG` runs it on
 * the machine the runner is on, whose CPU is real hardware.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "experiment.h"
#include "sizes.h"
#include "uaccess.h"
#include "util.h"

static const char *const layout_names[UACCESS_NR_LAYOUTS] = {
	[UACCESS_PAGE] = "page",
	[UACCESS_LINE] = "line",
	[UACCESS_SEQ] = "seq",
};

const char *uaccess_layout_name(enum uaccess_layout l)
{
	return l < UACCESS_NR_LAYOUTS ? layout_names[l] : "?";
}

int uaccess_settings_init(struct uaccess_settings *s)
{
	char err[128];

	memset(s, 0, sizeof(*s));
	for (int i = 0; i < UACCESS_NR_BACKINGS; i++)
		s->backings[i] = true;
	for (int i = 0; i < UACCESS_NR_LAYOUTS; i++)
		s->layouts[i] = true;
	s->passes = 7;
	s->min_steps = 1U << 20;
	s->seed = 1;
	return uaccess_settings_set(s, "sizes", "4K..1G x4", err, sizeof(err)) ? -1 : 0;
}

void uaccess_settings_free(struct uaccess_settings *s)
{
	free(s->sizes);
	s->sizes = NULL;
	s->nsizes = 0;
}

/* A comma list of names into a set of flags; every name must be known. */
static int parse_set(const char *key, const char *value, const char *(*name)(int), int n,
		     bool *chosen, char *err, size_t errlen)
{
	char *copy = strdup(value), *save = NULL;
	bool any = false;
	int rc = 0;

	if (!copy) {
		snprintf(err, errlen, "%s: out of memory", key);
		return -1;
	}
	memset(chosen, 0, (size_t)n * sizeof(*chosen));
	for (char *tok = strtok_r(copy, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
		int i;

		for (i = 0; i < n && strcmp(tok, name(i)); i++)
			;
		if (i == n) {
			snprintf(err, errlen, "%s: unknown value '%s'", key, tok);
			rc = -1;
			break;
		}
		chosen[i] = any = true;
	}
	if (!rc && !any) {
		snprintf(err, errlen, "%s: empty list", key);
		rc = -1;
	}
	free(copy);
	return rc;
}

static const char *backing_at(int i)
{
	return uaccess_backing_name((enum uaccess_backing)i);
}

static const char *layout_at(int i)
{
	return uaccess_layout_name((enum uaccess_layout)i);
}

int uaccess_settings_set(struct uaccess_settings *s, const char *key, const char *value,
			 char *err, size_t errlen)
{
	uint64_t v;

	if (!strcmp(key, "sizes")) {
		struct size_list l;

		if (size_list_parse(value, &l, err, errlen))
			return -1;
		free(s->sizes);
		s->sizes = l.v;
		s->nsizes = l.n;
		return 0;
	}
	if (!strcmp(key, "backings"))
		return parse_set(key, value, backing_at, UACCESS_NR_BACKINGS, s->backings, err, errlen);
	if (!strcmp(key, "layouts"))
		return parse_set(key, value, layout_at, UACCESS_NR_LAYOUTS, s->layouts, err, errlen);
	if (!strcmp(key, "passes")) {
		if (parse_u64(value, 1, UACCESS_MAX_PASSES, &v)) {
			snprintf(err, errlen, "passes: '%s' is not a number in 1..%d", value,
				 UACCESS_MAX_PASSES);
			return -1;
		}
		s->passes = (unsigned int)v;
		return 0;
	}
	if (!strcmp(key, "min_steps")) {
		if (parse_u64(value, 1, 1ULL << 32, &v)) {
			snprintf(err, errlen, "min_steps: '%s' is not a number in 1..%llu", value,
				 1ULL << 32);
			return -1;
		}
		s->min_steps = (size_t)v;
		return 0;
	}
	if (!strcmp(key, "seed")) {
		if (parse_u64(value, 0, UINT64_MAX, &v)) {
			snprintf(err, errlen, "seed: '%s' is not a number", value);
			return -1;
		}
		s->seed = v;
		return 0;
	}
	return 1;
}

static void *ua_section_new(void)
{
	struct uaccess_settings *s = calloc(1, sizeof(*s));

	if (s && uaccess_settings_init(s)) {
		free(s);
		return NULL;
	}
	return s;
}

static void ua_section_free(void *priv)
{
	if (priv)
		uaccess_settings_free(priv);
	free(priv);
}

static int ua_parse_key(void *priv, const char *key, const char *value, int line,
			char *err, size_t errlen)
{
	(void)line;
	return uaccess_settings_set(priv, key, value, err, errlen);
}

static int ua_finish(const struct config *cfg, const struct section *sec, char *err,
		     size_t errlen, int *line)
{
	/* One [uaccess] per config: `allocbench uaccess -c` must know which. */
	for (size_t i = 0; i < cfg->nsec && &cfg->sec[i] != sec; i++) {
		if (cfg->sec[i].kind == sec->kind) {
			snprintf(err, errlen, "a second [uaccess] section (the first is at line %d)",
				 cfg->sec[i].line);
			*line = sec->line;
			return -1;
		}
	}
	return 0;
}

/* No points: the module run never measures this section. */
static int ua_plan(const struct config *cfg, const struct section *sec, struct plan *p)
{
	(void)cfg;
	(void)sec;
	(void)p;
	return 0;
}

static int ua_run_begin(struct run_ctx *ctx, int idx, const struct plan *p)
{
	(void)ctx;
	(void)idx;
	(void)p;
	return 0;
}

static int ua_run_end(struct run_ctx *ctx, int idx, int commit)
{
	(void)ctx;
	(void)idx;
	(void)commit;
	return 0;
}

const struct uaccess_settings *config_uaccess(const struct config *cfg)
{
	for (size_t i = 0; i < cfg->nsec; i++)
		if (cfg->sec[i].kind == &exp_uaccess)
			return cfg->sec[i].priv;
	return NULL;
}

const struct experiment_kind exp_uaccess = {
	.name = "uaccess",
	.summary = "user-space access latency, 4K vs THP vs hugetlb: run on the host by `allocbench uaccess -c`",
	.csv_name = "uaccess.csv",
	.section_new = ua_section_new,
	.section_free = ua_section_free,
	.parse_key = ua_parse_key,
	.finish = ua_finish,
	.plan = ua_plan,
	.run_begin = ua_run_begin,
	.run_point = NULL,	/* never called: the kind plans no points */
	.run_end = ua_run_end,
};
