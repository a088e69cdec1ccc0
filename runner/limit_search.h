/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pure logic of the limits and fragmentation experiments: the
 * search for the largest size an allocator serves, the /proc/buddyinfo
 * parser and the /proc/vmallocinfo summary. No I/O beyond the text given,
 * so the unit tests drive them with fakes.
 */
#ifndef ALLOCBENCH_LIMIT_SEARCH_H
#define ALLOCBENCH_LIMIT_SEARCH_H

#include <stddef.h>
#include <stdint.h>

/* ---- limit search: doubling, then bisection ---- */

enum limit_try {
	LIMIT_TRY_OK = 0,		/* a real allocation succeeded */
	LIMIT_TRY_FAIL = 1,		/* it failed */
	LIMIT_TRY_NOT_ATTEMPTED = 2,	/* the module refused to call the allocator */
	LIMIT_TRY_CAPPED = 3,		/* the size is above what may be held (memory cap) */
	LIMIT_TRY_ERROR = -1,		/* stop: error or interrupted */
};

enum limit_status {
	LIMIT_FOUND = 0,	/* largest_ok and first_fail bracket the limit */
	LIMIT_CAPPED,		/* the cap was reached before any failure */
	LIMIT_NOT_ATTEMPTED,	/* the limit lies where the module will not call */
	LIMIT_NONE_OK,		/* even the smallest size failed */
	LIMIT_ERROR,		/* the search stopped on an error */
};

struct limit_result {
	uint64_t largest_ok;	/* 0 when none succeeded */
	uint64_t first_fail;	/* smallest size seen to fail (or refused); 0 if none */
	unsigned attempts;	/* calls of try() */
	enum limit_status status;
};

typedef enum limit_try (*limit_try_fn)(void *ctx, uint64_t bytes);

/*
 * Finds the largest size in [start, cap] for which try() succeeds, assuming
 * success is monotonic (every size below a success succeeds): doubles from
 * start until a failure or the cap, then bisects until largest_ok and
 * first_fail are gran apart (gran >= 1). A size where try() says
 * NOT_ATTEMPTED or CAPPED is treated as a failure for the search and sets
 * the status when it is what bounded the answer. Returns 0, or -1 when
 * try() returned LIMIT_TRY_ERROR (res then holds what was known).
 */
int limit_search(uint64_t start, uint64_t cap, uint64_t gran, limit_try_fn try_fn, void *ctx,
		 struct limit_result *res);
const char *limit_status_name(enum limit_status st);

/* ---- /proc/buddyinfo ---- */

#define BUDDY_MAX_ORDERS	16
#define BUDDY_MAX_ZONES		16

struct buddy_zone {
	int node;
	char zone[32];
	unsigned norders;		/* columns seen */
	uint64_t free[BUDDY_MAX_ORDERS];	/* free blocks per order */
};

struct buddyinfo {
	struct buddy_zone z[BUDDY_MAX_ZONES];
	size_t n;
};

/* Parses the text of /proc/buddyinfo. 0, or -1 when no zone line was found. */
int buddyinfo_parse(const char *text, struct buddyinfo *bi);
/* Free pages in blocks of order >= min_order, in every zone (or only `zone` when not NULL). */
uint64_t buddyinfo_pages_from(const struct buddyinfo *bi, const char *zone, unsigned min_order);

/* ---- /proc/vmallocinfo ---- */

struct vmalloc_summary {
	uint64_t areas;		/* lines parsed */
	uint64_t used_bytes;	/* sum of the size column (guard pages included) */
	uint64_t largest_gap;	/* largest hole between consecutive areas (by address) */
	uint64_t span;		/* last end - first start */
	int addresses_real;	/* 1 when end - start == size on the lines (not hashed by %pK) */
};

/*
 * Summarises the text of /proc/vmallocinfo: areas and bytes always; gaps
 * only when the addresses are real (root with kptr_restrict >= 1 shows
 * them; otherwise %pK hashes or zeroes them and addresses_real is 0).
 * 0, or -1 on allocation failure.
 */
int vmallocinfo_summarize(const char *text, struct vmalloc_summary *vs);

#endif
