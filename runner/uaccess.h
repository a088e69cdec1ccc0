/* SPDX-License-Identifier: GPL-2.0 */
/*
 * User-space reference for the access experiments: the same pointer chains
 * the module chases, over mmap'd buffers backed by 4K pages, transparent huge
 * pages or hugetlb pages. This half runs on real hardware wherever the runner
 * runs, so it shows the TLB tax even where the module can only run emulated.
 */
#ifndef ALLOCBENCH_UACCESS_H
#define ALLOCBENCH_UACCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../bench-module/chain.h"

enum uaccess_backing {
	UACCESS_4K,		/* MADV_NOHUGEPAGE */
	UACCESS_THP,		/* MADV_HUGEPAGE, confirmed through AnonHugePages */
	UACCESS_HUGETLB,	/* MAP_HUGETLB, needs reserved pages */
	UACCESS_NR_BACKINGS
};

const char *uaccess_backing_name(enum uaccess_backing b);

enum uaccess_layout {
	UACCESS_PAGE,		/* chain, one pointer per 4K page */
	UACCESS_LINE,		/* chain, every line of a page first */
	UACCESS_SEQ,		/* sequential read, bytes per ns */
	UACCESS_NR_LAYOUTS
};

const char *uaccess_layout_name(enum uaccess_layout l);

/* What to measure: the [uaccess] section of a config, or the CLI options. */
struct uaccess_settings {
	uint64_t *sizes;	/* sorted working sets */
	size_t nsizes;
	bool backings[UACCESS_NR_BACKINGS];
	bool layouts[UACCESS_NR_LAYOUTS];
	unsigned int passes;
	size_t min_steps;
	uint64_t seed;
};

#define UACCESS_MAX_PASSES	101

/* Defaults: 4K..1G x4, every backing and layout, 7 passes, 1M loads. 0 or -1 (ENOMEM). */
int uaccess_settings_init(struct uaccess_settings *s);
void uaccess_settings_free(struct uaccess_settings *s);
/*
 * One setting by its config key (sizes, backings, layouts, passes,
 * min_steps, seed). 0; -1 with a message in err; 1 for an unknown key.
 */
int uaccess_settings_set(struct uaccess_settings *s, const char *key, const char *value,
			 char *err, size_t errlen);

struct uaccess_buffer {
	enum uaccess_backing backing;
	void *map;		/* what mmap returned */
	size_t map_bytes;
	char *base;		/* 2M aligned start of the working set */
	size_t bytes;
	size_t huge_bytes;	/* bytes the kernel confirms are huge-mapped */
	double first_touch_ns_per_page;	/* one write per 4K page right after mmap */
};

/*
 * Maps and faults in a buffer. On failure returns -1 and writes why to
 * reason (e.g. no hugetlb pages reserved): the caller records the point as
 * unavailable with that reason.
 */
int uaccess_map(struct uaccess_buffer *b, enum uaccess_backing backing,
		size_t bytes, char *reason, size_t reasonlen);
void uaccess_unmap(struct uaccess_buffer *b);

/* AnonHugePages (or, for hugetlb, the mapping's size when it is hugetlb) of
 * the mapping containing addr, in bytes, from /proc/self/smaps; -1 if unknown. */
long long uaccess_smaps_huge_bytes(const void *addr);

/*
 * Times 'passes' passes of a chain over the buffer (after one untimed pass)
 * and stores ns per access of each pass in ns[]. A pass is at least
 * min_steps loads, rounded up to whole cycles of the chain.
 */
int uaccess_chase(const struct chain *c, unsigned int passes, size_t min_steps,
		  double *ns);

/* Sequential read of the whole buffer, 'passes' times: bytes per ns of each. */
void uaccess_seq_read(const struct uaccess_buffer *b, unsigned int passes,
		      double *bytes_per_ns);

/*
 * dTLB load misses per access over one chase pass, where the CPU exposes
 * them to perf_event_open(); returns -1 and the reason otherwise.
 */
int uaccess_dtlb_misses(const struct chain *c, size_t steps, double *per_access,
			char *reason, size_t reasonlen);

#endif
