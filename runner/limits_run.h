/* SPDX-License-Identifier: GPL-2.0 */
/* Helpers shared by the [probe], [frag] and [overhead] kinds. */
#ifndef ALLOCBENCH_LIMITS_RUN_H
#define ALLOCBENCH_LIMITS_RUN_H

#include <stddef.h>
#include <stdint.h>

struct allocbench_info;
struct csv_writer;



/* A key,value CSV written through tmp + rename. */
struct lim_kv {
	const char *path;
	struct csv_writer *w;
	int err;
};
int lim_kv_open(struct lim_kv *kv, const char *path);
void lim_kv_str(struct lim_kv *kv, const char *key, const char *value);
void lim_kv_u64(struct lim_kv *kv, const char *key, uint64_t value);
void lim_kv_double(struct lim_kv *kv, const char *key, double value);
int lim_kv_commit(struct lim_kv *kv);

/* "MemFree:" and friends from /proc/meminfo, bytes; 0 when missing. */
uint64_t lim_meminfo(const char *key);
/* Pages waiting on per-CPU free lists (sum of "count:" in /proc/zoneinfo); 0 when unreadable. */
uint64_t lim_pcp_pages(void);

/*
 * The text of /proc/vmallocinfo with real addresses where root can have
 * them (kptr_restrict raised from 0 to 1 for the one read, *raised = 1,
 * and put back); NULL when unreadable. Free it.
 */
char *lim_read_vmallocinfo(int *raised);

#endif
