// SPDX-License-Identifier: GPL-2.0
/*
 * The terminal summary: for op alloc and op pair (gfp kernel, per-op
 * timing, memory not touched), one table each, rows = sizes, columns =
 * allocators present, cells = median in human units. FAIL: every
 * allocation failed; n/a: unsupported or skipped; a '~' suffix: partial
 * (some allocations failed). Allocator names are abbreviated, with a
 * legend, when the full names would not fit the width.
 */
#include <stdlib.h>
#include <string.h>

#include "summary.h"
#include "report_access.h"

static const struct { const char *name, *abbr; } abbrevs[] = {
	{ "kmem_cache", "kmcache" },
	{ "kvmalloc", "kvmalloc" },
	{ "vmalloc_huge", "vhuge" },
	{ "alloc_pages", "pages" },
	{ "get_free_pages", "gfpages" },
	{ "alloc_pages_exact", "exact" },
	{ "folio_alloc", "folio" },
};

static const char *abbr(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(abbrevs) / sizeof(abbrevs[0]); i++)
		if (!strcmp(abbrevs[i].name, name))
			return abbrevs[i].abbr;
	return name;
}

static void cell(char *buf, size_t len, const struct lat_point *p)
{
	char v[32];

	if (!p) {
		snprintf(buf, len, "-");
		return;
	}
	switch (p->status) {
	case LAT_OK:
		fmt_ns(buf, len, p->p50);
		break;
	case LAT_PARTIAL:
		fmt_ns(v, sizeof(v), p->p50);
		snprintf(buf, len, "%s~", v);
		break;
	case LAT_FAILED:
		snprintf(buf, len, "FAIL");
		break;
	case LAT_UNSUPPORTED:
	case LAT_SKIPPED:
		snprintf(buf, len, "n/a");
		break;
	default:
		snprintf(buf, len, "-");
	}
}

static void table(FILE *out, const struct run_data *rd, int s, int width)
{
	int cols[REPORT_MAX_ALLOCATORS], w[REPORT_MAX_ALLOCATORS], sw = 4;
	size_t nc = 0, i, a, ns;
	uint64_t *sizes;
	int use_abbr = 0, total, partial = 0, any_abbr = 0;
	char buf[64];

	ns = run_series_sizes(rd, s, &sizes);
	for (a = 0; a < rd->nalloc; a++)
		if (run_series_has_alloc(rd, s, (int)a))
			cols[nc++] = (int)a;
	for (i = 0; i < ns; i++) {
		fmt_bytes(buf, sizeof(buf), sizes[i]);
		if ((int)strlen(buf) > sw)
			sw = (int)strlen(buf);
	}
again:
	total = sw;
	for (i = 0; i < nc; i++) {
		const char *h = use_abbr ? abbr(rd->alloc_names[cols[i]]) : rd->alloc_names[cols[i]];
		size_t k;

		w[i] = (int)strlen(h);
		for (k = 0; k < ns; k++) {
			const struct lat_point *p = run_point(rd, s, cols[i], sizes[k]);

			cell(buf, sizeof(buf), p);
			if ((int)strlen(buf) > w[i])
				w[i] = (int)strlen(buf);
			if (p && p->status == LAT_PARTIAL)
				partial = 1;
		}
		total += 1 + w[i];
	}
	if (total > width && !use_abbr) {
		use_abbr = 1;
		goto again;
	}

	fprintf(out, "%*s", sw, "size");
	for (i = 0; i < nc; i++) {
		const char *h = use_abbr ? abbr(rd->alloc_names[cols[i]]) : rd->alloc_names[cols[i]];

		if (h != rd->alloc_names[cols[i]] && strcmp(h, rd->alloc_names[cols[i]]))
			any_abbr = 1;
		fprintf(out, " %*s", w[i], h);
	}
	fprintf(out, "\n");
	for (i = 0; i < ns; i++) {
		size_t c;

		fmt_bytes(buf, sizeof(buf), sizes[i]);
		fprintf(out, "%*s", sw, buf);
		for (c = 0; c < nc; c++) {
			cell(buf, sizeof(buf), run_point(rd, s, cols[c], sizes[i]));
			fprintf(out, " %*s", w[c], buf);
		}
		fprintf(out, "\n");
	}
	if (any_abbr) {
		int col = 0;

		for (i = 0; i < nc; i++) {
			const char *n = rd->alloc_names[cols[i]], *h = abbr(n);
			int l;

			if (!strcmp(n, h))
				continue;
			l = (int)(strlen(h) + strlen(n) + 3);
			if (col && col + l > width) {
				fprintf(out, "\n");
				col = 0;
			}
			col += fprintf(out, "%s%s=%s", col ? ", " : "  ", h, n);
		}
		fprintf(out, "\n");
	}
	if (partial)
		fprintf(out, "  (~ = some allocations failed; the median covers the ones that succeeded)\n");
	free(sizes);
}

void summary_print(FILE *out, const struct run_data *rd, int width)
{
	static const char *const ops[] = { "alloc", "pair" };
	const char *name = rmeta_any(rd, NULL, "run_name", "name", NULL);
	size_t i;
	int shown = 0;

	if (width < 40)
		width = 100;
	fprintf(out, "\nallocbench%s%s: median latency per operation, GFP_KERNEL\n", name ? " " : "",
		name ? name : "");
	fprintf(out, "FAIL = every allocation failed, n/a = not supported or skipped, - = not measured\n");
	if (run_emulated(rd))
		fprintf(out, "WARNING: emulated (TCG): absolute times are not hardware times; compare within this run only.\n");
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		int s = run_find_series(rd, ops[i], "kernel", 0);

		if (s < 0)
			continue;
		fprintf(out, "\nop %s (%s)\n", ops[i],
			!strcmp(ops[i], "alloc") ? "allocation timed, free untimed" : "allocation + free timed together");
		table(out, rd, s, width);
		shown++;
	}
	if (!shown && rd->have_lat)
		fprintf(out, "\n(no per-op alloc or pair rows in latency.csv)\n");
	access_summary_print(out, rd);	/* access (issue 4) */
	fprintf(out, "\nreport: %s/report.md\n", rd->dir);
}
