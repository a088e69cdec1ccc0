/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Deep dives (`allocbench perf`, `make perf`): one point of the latency
 * grid, named the way a user reads it off a chart, repeated under perf.
 *
 *   "vmalloc pair 1M"  "kmalloc pair 64 gfp=atomic"  "kmalloc burst 4K burst=16"
 *
 * Words in any order: exactly one allocator, one op and one size; optional
 * gfp=NAME (or the bare gfp name; default kernel), burst=N (op burst only,
 * default 64) and touch (write every page between alloc and free).
 */
#ifndef ALLOCBENCH_PERF_POINT_H
#define ALLOCBENCH_PERF_POINT_H

#include <stddef.h>
#include <stdint.h>

#define PERF_DEFAULT_SECONDS	10U
#define PERF_MAX_SECONDS	3600U
#define PERF_MAX_POINTS		64U
#define PERF_DEFAULT_BURST	64U

struct perf_point {
	unsigned allocator, op, gfp;
	uint64_t bytes;
	uint32_t burst;		/* op burst: objects per burst; else 0 */
	int touch;
	char desc[128];		/* canonical words: "vmalloc pair 1M gfp=kernel" */
	char slug[128];		/* folder name: "vmalloc-pair-1M-kernel" */
};

/* One point. 0, or -1 with a message naming the bad word in err. */
int perf_point_parse(const char *s, struct perf_point *pt, char *err, size_t errlen);

/*
 * Points separated by commas or semicolons, appended to *v (realloc'd; *n
 * counts them). A repeated point is an error. 0 or -1 with a message.
 */
int perf_point_list_parse(const char *s, struct perf_point **v, size_t *n, char *err, size_t errlen);

/* The [perf] section of a config (exp_perf.c), or NULL when it has none. */
struct config;
struct perf_settings {
	struct perf_point *points;
	size_t n;
	unsigned seconds;	/* 0: not set */
};
const struct perf_settings *config_perf(const struct config *cfg);

#endif
