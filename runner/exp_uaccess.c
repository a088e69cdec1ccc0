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
#include "plan.h"
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

/* A list of names into the settings' flags (bool[], one per bit of key_name_set's mask). */
static int parse_flags(const struct cfg_key *k, void *obj, const char *value, int line,
		       char *err, size_t errlen)
{
	bool *flags = cfg_field(k, obj);
	uint32_t mask;

	(void)line;
	if (key_name_set(k->name, value, k->lookup, k->what, k->known(), 0, &mask, err, errlen))
		return -1;
	for (size_t i = 0; i < k->size / sizeof(bool); i++)
		flags[i] = (mask >> i) & 1;
	return 0;
}

static int parse_sizes(const struct cfg_key *k, void *obj, const char *value, int line,
		       char *err, size_t errlen)
{
	struct uaccess_settings *s = obj;
	struct size_list l = { s->sizes, s->nsizes };

	(void)line;
	if (key_sizes(k->name, value, &l, err, errlen))
		return -1;
	s->sizes = l.v;
	s->nsizes = l.n;
	return 0;
}

static const char *backings_known(void)
{
	return "4k, thp, hugetlb";
}

static const char *layouts_known(void)
{
	return "page, line, seq";
}

static const struct cfg_key ua_keys[] = {
	{ .name = "sizes", .type = CFG_CUSTOM, CFG_FIELD(struct uaccess_settings, sizes), .parse = parse_sizes,
	  .def = "4K..1G x4", .help = "working sets" },
	{ .name = "backings", .type = CFG_CUSTOM, CFG_FIELD(struct uaccess_settings, backings),
	  .parse = parse_flags, .lookup = backing_by_name, .what = "backing", .known = backings_known,
	  .def = "4k, thp, hugetlb", .help = "comma list of 4k, thp, hugetlb" },
	{ .name = "layouts", .type = CFG_CUSTOM, CFG_FIELD(struct uaccess_settings, layouts),
	  .parse = parse_flags, .lookup = layout_by_name, .what = "layout", .known = layouts_known,
	  .def = "page, line, seq", .help = "comma list of page, line, seq" },
	{ .name = "passes", CFG_NUMBER(struct uaccess_settings, passes, 1, UACCESS_MAX_PASSES), .def = "7",
	  .help = "timed passes per point, median reported" },
	{ .name = "min_steps", CFG_NUMBER(struct uaccess_settings, min_steps, 1, 1ULL << 32), .def = "1048576",
	  .help = "loads per pass at least" },
	{ .name = "seed", CFG_NUMBER(struct uaccess_settings, seed, 0, UINT64_MAX), .def = "1",
	  .help = "chain shuffle seed" },
};

int uaccess_settings_init(struct uaccess_settings *s)
{
	char err[256];

	memset(s, 0, sizeof(*s));
	if (cfg_keys_defaults(ua_keys, ARRAY_SIZE(ua_keys), s, err, sizeof(err))) {
		uaccess_settings_free(s);
		return -1;
	}
	return 0;
}

int uaccess_settings_set(struct uaccess_settings *s, const char *key, const char *value,
			 char *err, size_t errlen)
{
	const struct cfg_key *k = cfg_key_find(ua_keys, ARRAY_SIZE(ua_keys), key);

	return k ? cfg_key_parse(k, s, value, 0, err, errlen) : 1;
}

static void ua_section_release(void *priv)
{
	uaccess_settings_free(priv);
}

/* No points: the module run never measures this section. */
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
	.section_size = sizeof(struct uaccess_settings),
	.keys = ua_keys,
	.nkeys = ARRAY_SIZE(ua_keys),
	.section_release = ua_section_release,
	.finish = key_single_section,
	.plan = plan_no_points,
	.run_begin = ua_run_begin,
	.run_point = NULL,	/* never called: the kind plans no points */
	.run_end = ua_run_end,
};
