/* SPDX-License-Identifier: GPL-2.0 */
/* Sizes in bytes: parsing ("4K", "8..64M x2") and human formatting ("4K", "1.5K"). */
#ifndef ALLOCBENCH_SIZES_H
#define ALLOCBENCH_SIZES_H

#include <stddef.h>
#include <stdint.h>

/* Upper bound on the entries one list may expand to (a typo like 1..1G +1 is an error, not 1e9 points). */
#define SIZE_LIST_MAX	4096

struct size_list {
	uint64_t *v;	/* sorted ascending, no duplicates */
	size_t n;
};

/*
 * One size: a whole number of bytes with an optional binary suffix K, M, G, T
 * (case-insensitive; K = 1024). Surrounding blanks are ignored. 0 is rejected.
 * Returns 0, or -1 with a message (no file/line prefix) in err.
 */
int size_parse(const char *s, uint64_t *out, char *err, size_t errlen);

/*
 * A comma list of sizes and ranges: "8..64M x2, 3000", "4K..64K +4K".
 * A range LO..HI xF holds LO, LO*F, ... up to and including HI (F >= 2);
 * LO..HI +S steps by S bytes. The result is sorted and de-duplicated.
 * Returns 0, or -1 with a message in err (l is then empty).
 */
int size_list_parse(const char *s, struct size_list *l, char *err, size_t errlen);
void size_list_free(struct size_list *l);

/*
 * Human form: the largest binary unit that gives an exact figure with at most
 * two decimals ("4K", "2M", "1.5K", "1.25M"), else plain bytes ("3000", "8").
 * Always NUL-terminates; returns buf.
 */
char *size_format(uint64_t bytes, char *buf, size_t len);

#endif
