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
#include "config_keys.h"
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

static int backing_by_name(const char *name)
{
	for (int i = 0; i < UACCESS_NR_BACKINGS; i++)
		if (!strcmp(name, uaccess_backing_name((enum uaccess_backing)i)))
			return i;
	return -1;
}

static int layout_by_name(const char *name)
{
	for (int i = 0; i < UACCESS_NR_LAYOUTS; i++)
		if (!strcmp(name, layout_names[i]))
			return i;
	return -1;
}

/* A list of names into the settings' flags, through key_name_set's mask. */
static int parse_flags(const char *key, const char *value, int (*lookup)(const char *),
		       const char *what, const char *known, bool *flags, int n,
		       char *err, size_t errlen)
{
	uint32_t mask;

	if (key_name_set(key, value, lookup, what, known, 0, &mask, err, errlen))
		return -1;
	for (int i = 0; i < n; i++)
		flags[i] = (mask >> i) & 1;
	return 0;
}

int uaccess_settings_set(struct uaccess_settings *s, const char *key, const char *value,
			 char *err, size_t errlen)
{
	uint64_t v;

	if (!strcmp(key, "sizes")) {
		struct size_list l = { s->sizes, s->nsizes };

		if (key_sizes(key, value, &l, err, errlen))
			return -1;
		s->sizes = l.v;
		s->nsizes = l.n;
		return 0;
	}
	if (!strcmp(key, "backings"))
		return parse_flags(key, value, backing_by_name, "backing", "4k, thp, hugetlb",
				   s->backings, UACCESS_NR_BACKINGS, err, errlen);
	if (!strcmp(key, "layouts"))
		return parse_flags(key, value, layout_by_name, "layout", "page, line, seq",
				   s->layouts, UACCESS_NR_LAYOUTS, err, errlen);
	if (!strcmp(key, "passes")) {
		if (key_u64(key, value, 1, UACCESS_MAX_PASSES, &v, err, errlen))
			return -1;
		s->passes = (unsigned int)v;
		return 0;
	}
	if (!strcmp(key, "min_steps")) {
		if (key_u64(key, value, 1, 1ULL << 32, &v, err, errlen))
			return -1;
		s->min_steps = (size_t)v;
		return 0;
	}
	if (!strcmp(key, "seed"))
		return key_u64(key, value, 0, UINT64_MAX, &s->seed, err, errlen);
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
	.finish = key_single_section,
	.plan = ua_plan,
	.run_begin = ua_run_begin,
	.run_point = NULL,	/* never called: the kind plans no points */
	.run_end = ua_run_end,
};
