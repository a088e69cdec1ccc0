// SPDX-License-Identifier: GPL-2.0
/* Deep-dive points ("vmalloc pair 1M gfp=kernel"): parsing and names. */
#include "perf_point.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocbench.h"
#include "names.h"
#include "sizes.h"
#include "util.h"

static void point_names(struct perf_point *pt)
{
	char h[32];
	const char *g = gfp_name(pt->gfp);
	int o;

	size_format(pt->bytes, h, sizeof(h));
	o = snprintf(pt->desc, sizeof(pt->desc), "%s %s %s gfp=%s", allocator_name(pt->allocator),
		     op_name(pt->op), h, g);
	if (pt->op == ALLOCBENCH_OP_BURST && o > 0 && (size_t)o < sizeof(pt->desc))
		o += snprintf(pt->desc + o, sizeof(pt->desc) - (size_t)o, " burst=%u", pt->burst);
	if (pt->touch && o > 0 && (size_t)o < sizeof(pt->desc))
		snprintf(pt->desc + o, sizeof(pt->desc) - (size_t)o, " touch");

	o = snprintf(pt->slug, sizeof(pt->slug), "%s-%s-%s-%s", allocator_name(pt->allocator),
		     op_name(pt->op), h, g);
	if (pt->op == ALLOCBENCH_OP_BURST && o > 0 && (size_t)o < sizeof(pt->slug))
		o += snprintf(pt->slug + o, sizeof(pt->slug) - (size_t)o, "-b%u", pt->burst);
	if (pt->touch && o > 0 && (size_t)o < sizeof(pt->slug))
		snprintf(pt->slug + o, sizeof(pt->slug) - (size_t)o, "-touch");
}

int perf_point_parse(const char *s, struct perf_point *pt, char *err, size_t errlen)
{
	char buf[256], *save = NULL, *w;
	int have_alloc = 0, have_op = 0, have_size = 0, have_gfp = 0, have_burst = 0;
	uint64_t burst = PERF_DEFAULT_BURST;

	memset(pt, 0, sizeof(*pt));
	pt->gfp = ALLOCBENCH_GFP_KERNEL;
	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "point too long (%zu characters)", strlen(s));
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	for (w = strtok_r(buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
		int id;
		char serr[128];

		if ((id = allocator_by_name(w)) >= 0) {
			if (have_alloc++) {
				snprintf(err, errlen, "'%s': two allocators in one point (%s and %s)", s,
					 allocator_name(pt->allocator), w);
				return -1;
			}
			pt->allocator = (unsigned)id;
		} else if ((id = op_by_name(w)) >= 0) {
			if (have_op++) {
				snprintf(err, errlen, "'%s': two ops in one point", s);
				return -1;
			}
			pt->op = (unsigned)id;
		} else if (!strncmp(w, "gfp=", 4) || gfp_by_name(w) >= 0) {
			const char *g = strncmp(w, "gfp=", 4) ? w : w + 4;

			id = gfp_by_name(g);
			if (id < 0) {
				snprintf(err, errlen, "'%s': unknown gfp profile '%s' (gfp: %s)", s, g,
					 gfp_names_list());
				return -1;
			}
			if (have_gfp++) {
				snprintf(err, errlen, "'%s': two gfp profiles in one point", s);
				return -1;
			}
			pt->gfp = (unsigned)id;
		} else if (!strncmp(w, "burst=", 6)) {
			if (parse_u64(w + 6, 1, ALLOCBENCH_MAX_BURST, &burst)) {
				snprintf(err, errlen, "'%s': burst must be 1..%u, not '%s'", s,
					 ALLOCBENCH_MAX_BURST, w + 6);
				return -1;
			}
			have_burst = 1;
		} else if (!strcmp(w, "touch")) {
			pt->touch = 1;
		} else if (isdigit((unsigned char)w[0])) {
			if (size_parse(w, &pt->bytes, serr, sizeof(serr))) {
				snprintf(err, errlen, "'%s': bad size '%s': %s", s, w, serr);
				return -1;
			}
			if (have_size++) {
				snprintf(err, errlen, "'%s': two sizes in one point", s);
				return -1;
			}
		} else {
			snprintf(err, errlen,
				 "unknown point '%s': '%s' is not an allocator, op, size, gfp=, burst= or touch "
				 "(allocators: %s; ops: %s; gfp: %s)",
				 s, w, allocator_names_list(), op_names_list(), gfp_names_list());
			return -1;
		}
	}
	if (!have_alloc || !have_op || !have_size) {
		snprintf(err, errlen,
			 "unknown point '%s': a point is ALLOCATOR OP SIZE [gfp=GFP], e.g. \"vmalloc pair 1M\" "
			 "(missing the %s)", s, !have_alloc ? "allocator" : !have_op ? "op" : "size");
		return -1;
	}
	if (have_burst && pt->op != ALLOCBENCH_OP_BURST) {
		snprintf(err, errlen, "'%s': burst= goes with op burst only", s);
		return -1;
	}
	if (pt->op == ALLOCBENCH_OP_BURST)
		pt->burst = (uint32_t)burst;
	point_names(pt);
	return 0;
}

int perf_point_list_parse(const char *s, struct perf_point **v, size_t *n, char *err, size_t errlen)
{
	char *copy = strdup(s), *save = NULL, *item;

	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (item = strtok_r(copy, ",;", &save); item; item = strtok_r(NULL, ",;", &save)) {
		struct perf_point pt, *nv;
		const char *p = item;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			continue;
		if (perf_point_parse(p, &pt, err, errlen))
			goto fail;
		for (size_t i = 0; i < *n; i++) {
			if (!strcmp((*v)[i].slug, pt.slug)) {
				snprintf(err, errlen, "point '%s' is listed twice", pt.desc);
				goto fail;
			}
		}
		if (*n >= PERF_MAX_POINTS) {
			snprintf(err, errlen, "more than %u points", PERF_MAX_POINTS);
			goto fail;
		}
		nv = realloc(*v, (*n + 1) * sizeof(**v));
		if (!nv) {
			snprintf(err, errlen, "out of memory");
			goto fail;
		}
		*v = nv;
		(*v)[(*n)++] = pt;
	}
	free(copy);
	if (!*n) {
		snprintf(err, errlen, "no point given (e.g. \"vmalloc pair 1M\")");
		return -1;
	}
	return 0;
fail:
	free(copy);
	return -1;
}
