/* SPDX-License-Identifier: GPL-2.0 */
/* One live status line on a terminal: [k/n] allocator op size gfp  elapsed  ETA. */
#ifndef ALLOCBENCH_PROGRESS_H
#define ALLOCBENCH_PROGRESS_H

#include <stddef.h>

struct point;

struct progress {
	int enabled;		/* stderr is a TTY and not --quiet */
	size_t total;
	double start;
	int width;		/* of the last line drawn */
};

void progress_init(struct progress *p, size_t total, int quiet);
/* Before measuring point k (0-based). */
void progress_update(struct progress *p, size_t k, const struct point *pt);
/* Erases the line. */
void progress_done(struct progress *p);

#endif
