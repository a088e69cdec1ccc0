// SPDX-License-Identifier: GPL-2.0
/* The walk over the comparison that compare.md and compare.html share. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compare_doc.h"
#include "util.h"

static void write_top(FILE *f, const struct cmp_doc_format *fmt, const struct cmp_ctx *c, int dir)
{
	size_t idx[20], n = cmp_top(c, dir, 20, idx);

	fmt->top_head(f, dir, n);
	for (size_t i = 0; i < n; i++)
		fmt->top_row(f, &c->pts[idx[i]]);
	if (n)
		fputs(fmt->table_end, f);
}

static void write_tables(FILE *f, const struct cmp_doc_format *fmt, const struct cmp_ctx *c,
			 const struct cmp_geo *g, size_t ng)
{
	struct cmp_tax t[64];
	size_t ntax = cmp_tlb_tax(c, t, ARRAY_SIZE(t));

	fmt->diff_head(f, c->ndiff);
	for (size_t i = 0; i < c->ndiff; i++)
		fmt->diff_row(f, &c->diff[i]);
	if (c->ndiff)
		fputs(fmt->table_end, f);
	write_top(f, fmt, c, 1);
	write_top(f, fmt, c, -1);
	fmt->geo_head(f, ng);
	for (size_t i = 0; i < ng; i++)
		fmt->geo_row(f, &g[i]);
	if (ng)
		fputs(fmt->table_end, f);
	if (ntax) {
		fmt->tax_head(f, t[0].how);
		for (size_t i = 0; i < ntax; i++)
			fmt->tax_row(f, &t[i]);
		fputs(fmt->table_end, f);
	}
}

/* Every point in reading order, a table per series. */
static void write_points(FILE *f, const struct cmp_doc_format *fmt, const struct cmp_ctx *c,
			 const size_t *idx)
{
	char cur[96] = "", name[96];

	fputs(fmt->points_title, f);
	for (size_t i = 0; i < c->npts; i++) {
		const struct cmp_point *p = &c->pts[idx[i]];

		cmp_series_name(&p->key, name, sizeof(name));
		if (strcmp(name, cur)) {
			fmt->series_head(f, name, cmp_metric(&p->key), !cur[0]);
			snprintf(cur, sizeof(cur), "%s", name);
		}
		fmt->point_row(f, p);
	}
	if (cur[0])
		fputs(fmt->points_end, f);
}

int cmp_write_doc(const struct cmp_doc_format *fmt, const struct cmp_ctx *c, const struct cmp_geo *g,
		  size_t ng, const struct cmp_chart *ch, size_t nch, const char *path)
{
	char tmp[4200];
	size_t *idx = cmp_sorted(c);
	FILE *f;
	int rc;

	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!idx || !(f = fopen(tmp, "w"))) {
		free(idx);
		return -1;
	}
	fmt->head(f, c);
	write_tables(f, fmt, c, g, ng);
	if (nch)
		fmt->charts(f, c, ch, nch);
	write_points(f, fmt, c, idx);
	fputs(fmt->tail, f);
	free(idx);
	rc = ferror(f) ? -1 : 0;
	if (fclose(f) == EOF)
		rc = -1;
	if (!rc && rename(tmp, path) < 0)
		rc = -1;
	if (rc)
		unlink(tmp);
	return rc;
}
