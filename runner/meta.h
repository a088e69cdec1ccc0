/* SPDX-License-Identifier: GPL-2.0 */
/* meta.csv: key,value facts about the machine, the kernel, the module and the run. */
#ifndef ALLOCBENCH_META_H
#define ALLOCBENCH_META_H

#include <stddef.h>

#include "util.h"

struct config;
struct device;

struct meta_kv {
	char *key, *value;
};

struct meta {
	struct meta_kv *kv;
	size_t n, cap;
};

/* Sets (or replaces) key; keeps first-set order. 0 or -1 (ENOMEM). */
int meta_set(struct meta *m, const char *key, const char *fmt, ...) AB_PRINTF(3, 4);
const char *meta_get(const struct meta *m, const char *key);
void meta_free(struct meta *m);

/* "2024-05-01T12:34:56Z" */
void meta_utc_now(char *buf, size_t len);

/*
 * Every fact known before measuring: host, kernel, CPU, clocks, memory, the
 * module's INFO, the runner and the config. Facts that cannot be read are
 * "unavailable: <reason>".
 */
void meta_collect(struct meta *m, const struct device *dev, const struct config *cfg);

/* directmap_{4k,2m,1g}_bytes_<when> from /proc/meminfo ("before", "after"). */
void meta_directmap(struct meta *m, const char *when);

/*
 * Facts about the machine alone (host, kernel, CPU, caches, TLBs, THP), for
 * measurements that need no module: `allocbench uaccess` records where it ran.
 */
void meta_collect_machine(struct meta *m);

/* Writes path (via path.tmp and rename). 0 or -1 with errno. */
int meta_write(const struct meta *m, const char *path);

#endif
