/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vmalloc range as /proc/vmallocinfo shows it: busy areas, the free
 * gaps between them, and how many areas of a size still fit. Pure
 * computation on the text given (the [vspace] kind reads the file; the
 * unit tests feed fixtures).
 */
#ifndef ALLOCBENCH_VSPACE_CALC_H
#define ALLOCBENCH_VSPACE_CALC_H

#include <stddef.h>
#include <stdint.h>

struct vspace_gap {
	uint64_t start;		/* first free address */
	uint64_t bytes;
};

struct vspace_map {
	uint64_t start, end;	/* the range [start, end); start 0: unknown (see range_known) */
	int range_known;	/* 0: gaps only between areas, none before the first or after the last */
	int addresses_real;	/* 1 when end - start == size on the lines (not hashed by %pK) */
	uint64_t lines;		/* area lines parsed */
	uint64_t areas;		/* busy areas inside the range */
	uint64_t used_bytes;	/* their address space, guard pages included */
	/*
	 * "unpurged vm_area" lines: ranges freed but not yet purged. The
	 * allocator purges them and retries before it fails, so they count
	 * as free.
	 */
	uint64_t lazy_areas, lazy_bytes;
	uint64_t outside;	/* lines outside the range (x86-64: the module area) */
	struct vspace_gap *gap;	/* by address */
	size_t ngaps;
	uint64_t free_bytes;	/* sum of the gaps */
	uint64_t largest_gap;
	uint64_t largest_gap_start;
};

/*
 * Parses the text of /proc/vmallocinfo against the range [start, end)
 * (start = 0 when unknown: gaps are then only those between areas). On
 * success the map owns an array: vspace_map_free(). 0, or -1 when out of
 * memory. Hashed addresses leave addresses_real = 0 and no gaps.
 */
int vspace_map_parse(const char *text, uint64_t start, uint64_t end, struct vspace_map *m);
void vspace_map_free(struct vspace_map *m);

/*
 * How many areas of area_bytes (each with its guard page of page_bytes)
 * the gaps hold, placed first fit as the kernel does: sum of
 * floor(gap / (area_bytes + page_bytes)).
 */
uint64_t vspace_fit_count(const struct vspace_map *m, uint64_t area_bytes, uint64_t page_bytes);

/*
 * Would vmalloc(bytes) find room? It needs one gap of bytes rounded up to
 * a page plus the guard page.
 */
int vspace_fits(const struct vspace_map *m, uint64_t bytes, uint64_t page_bytes);

/*
 * The busy areas of two maps compared by address: how many of a's are
 * missing from b and how many of b's are new. Lazily freed ranges are
 * not areas. Both maps need addresses_real. 0, or -1 when out of memory.
 */
int vspace_map_diff(const char *text_a, const char *text_b, uint64_t start, uint64_t end,
		    uint64_t *missing, uint64_t *added);

/*
 * Upper bound of the memory a hold of `areas` areas of area_bytes costs,
 * the same bound the module reserves (bench-module/vspace.c): one page,
 * the PTE pages (each area spans at most ceil(area / pmd) + 1, the range
 * no more than it has), and per area about 256 bytes of descriptors.
 */
uint64_t vspace_hold_cost(uint64_t area_bytes, uint64_t areas, uint64_t range_bytes,
			  uint64_t page_bytes, uint64_t pmd_bytes);

/*
 * Bytes for people: "4K", "3M", "120M" when whole, else one decimal in the
 * largest unit below 1024 ("1.8M", "970.9M", "32.0T"); plain bytes below 1K.
 */
char *vspace_human(char *buf, size_t len, uint64_t bytes);

#endif
