/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compare.md and compare.html are one document in two formats: the same
 * sections in the same order over the same tables. compare_doc.c walks the
 * comparison once; a format only says how a title, a header and a row look.
 */
#ifndef ALLOCBENCH_COMPARE_DOC_H
#define ALLOCBENCH_COMPARE_DOC_H

#include <stdio.h>

#include "compare.h"

struct cmp_doc_format {
	/* What was compared, the warnings, how to read it, the counts. */
	void (*head)(FILE *f, const struct cmp_ctx *c);
	/*
	 * Each table's *_head writes its title, then its header when it has
	 * rows or why it is empty; table_end follows the rows.
	 */
	void (*diff_head)(FILE *f, size_t n);
	void (*diff_row)(FILE *f, const struct cmp_diff *d);
	void (*top_head)(FILE *f, int dir, size_t n);	/* dir > 0: regressions */
	void (*top_row)(FILE *f, const struct cmp_point *p);
	void (*geo_head)(FILE *f, size_t n);
	void (*geo_row)(FILE *f, const struct cmp_geo *g);
	void (*tax_head)(FILE *f, const char *how);	/* only when there is a tax to show */
	void (*tax_row)(FILE *f, const struct cmp_tax *t);
	const char *table_end;
	/* The charts, when there are any. */
	void (*charts)(FILE *f, const struct cmp_ctx *c, const struct cmp_chart *ch, size_t nch);
	/* Every point: one table per series, first the one that opens the section. */
	const char *points_title;
	void (*series_head)(FILE *f, const char *name, const char *metric, int first);
	void (*point_row)(FILE *f, const struct cmp_point *p);
	const char *points_end;		/* after the last series' table */
	const char *tail;		/* the document's last words */
};

/* Writes the document to path (via path.tmp and rename). 0 or -1. */
int cmp_write_doc(const struct cmp_doc_format *fmt, const struct cmp_ctx *c, const struct cmp_geo *g,
		  size_t ng, const struct cmp_chart *ch, size_t nch, const char *path);

#endif
