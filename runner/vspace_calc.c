// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/vmallocinfo read as a map of the vmalloc range (vspace_calc.h).
 *
 * A line is "0xSTART-0xEND SIZE caller ... [vmalloc|ioremap|vmap|...]",
 * "0xSTART-0xEND SIZE vm_map_ram" (busy: vm_map_ram blocks), or
 * "0xSTART-0xEND SIZE unpurged vm_area" (freed, waiting for the lazy purge:
 * free for the allocator, which purges before it gives up). SIZE spans
 * the guard page, so busy areas tile the range and the holes between them
 * are exactly what a new area can use.
 */
#include "vspace_calc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct va_range {
	uint64_t start, end;
};

static int range_cmp(const void *a, const void *b)
{
	const struct va_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->end > y->end) - (x->end < y->end);
}

/* Busy ranges of the text, sorted; *n entries, *lazy and counters in m. NULL on ENOMEM. */
static struct va_range *busy_ranges(const char *text, struct vspace_map *m, size_t *n)
{
	struct va_range *r = NULL;
	size_t cap = 0, real = 0, parsed = 0;
	const char *p = text;

	*n = 0;
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		unsigned long long s, e, sz;
		int off = 0;

		if (sscanf(p, "%llx-%llx %llu %n", &s, &e, &sz, &off) == 3) {
			const char *rest = p + off;
			size_t restlen = eol ? (size_t)(eol - rest) : strlen(rest);

			parsed++;
			if (e > s && e - s == sz)
				real++;
			if (restlen >= 16 && !strncmp(rest, "unpurged vm_area", 16)) {
				m->lazy_areas++;
				m->lazy_bytes += sz;
			} else if (m->range_known && (s < m->start || e > m->end)) {
				m->outside++;
			} else {
				if (*n == cap) {
					size_t nc = cap ? cap * 2 : 256;
					struct va_range *nr = realloc(r, nc * sizeof(*nr));

					if (!nr) {
						free(r);
						return NULL;
					}
					r = nr;
					cap = nc;
				}
				r[*n].start = s;
				r[*n].end = e;
				(*n)++;
				m->areas++;
				m->used_bytes += sz;
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	m->lines = parsed;
	/* Hashed (%pK, kptr_restrict=0) or zeroed addresses do not span their size. */
	m->addresses_real = parsed > 0 && real * 10 >= parsed * 9;
	if (*n)
		qsort(r, *n, sizeof(*r), range_cmp);
	if (!r)
		r = malloc(sizeof(*r));	/* an empty, valid array */
	return r;
}

static int add_gap(struct vspace_map *m, size_t *cap, uint64_t start, uint64_t bytes)
{
	if (m->ngaps == *cap) {
		size_t nc = *cap ? *cap * 2 : 64;
		struct vspace_gap *ng = realloc(m->gap, nc * sizeof(*ng));

		if (!ng)
			return -1;
		m->gap = ng;
		*cap = nc;
	}
	m->gap[m->ngaps].start = start;
	m->gap[m->ngaps].bytes = bytes;
	m->ngaps++;
	m->free_bytes += bytes;
	if (bytes > m->largest_gap) {
		m->largest_gap = bytes;
		m->largest_gap_start = start;
	}
	return 0;
}

int vspace_map_parse(const char *text, uint64_t start, uint64_t end, struct vspace_map *m)
{
	struct va_range *r;
	size_t n, cap = 0;
	uint64_t cursor;

	memset(m, 0, sizeof(*m));
	m->start = start;
	m->end = end;
	m->range_known = start != 0 && end > start;
	r = busy_ranges(text, m, &n);
	if (!r)
		return -1;
	if (!m->addresses_real || (!m->range_known && !n)) {
		free(r);
		return 0;
	}
	cursor = m->range_known ? start : r[0].start;
	for (size_t i = 0; i < n; i++) {
		if (r[i].start > cursor && add_gap(m, &cap, cursor, r[i].start - cursor)) {
			free(r);
			return -1;
		}
		if (r[i].end > cursor)
			cursor = r[i].end;
	}
	if (m->range_known && end > cursor && add_gap(m, &cap, cursor, end - cursor)) {
		free(r);
		return -1;
	}
	free(r);
	return 0;
}

void vspace_map_free(struct vspace_map *m)
{
	free(m->gap);
	m->gap = NULL;
	m->ngaps = 0;
}

uint64_t vspace_fit_count(const struct vspace_map *m, uint64_t area_bytes, uint64_t page_bytes)
{
	uint64_t slot = area_bytes + page_bytes, n = 0;

	if (!slot)
		return 0;
	for (size_t i = 0; i < m->ngaps; i++)
		n += m->gap[i].bytes / slot;
	return n;
}

int vspace_fits(const struct vspace_map *m, uint64_t bytes, uint64_t page_bytes)
{
	uint64_t need = page_bytes ? (bytes + page_bytes - 1) / page_bytes * page_bytes + page_bytes : bytes;

	return m->largest_gap >= need;
}

int vspace_map_diff(const char *text_a, const char *text_b, uint64_t start, uint64_t end,
		    uint64_t *missing, uint64_t *added)
{
	struct vspace_map ma, mb;
	struct va_range *a, *b;
	size_t na, nb, i = 0, j = 0;

	*missing = *added = 0;
	memset(&ma, 0, sizeof(ma));
	memset(&mb, 0, sizeof(mb));
	ma.start = mb.start = start;
	ma.end = mb.end = end;
	ma.range_known = mb.range_known = start != 0 && end > start;
	a = busy_ranges(text_a, &ma, &na);
	if (!a)
		return -1;
	b = busy_ranges(text_b, &mb, &nb);
	if (!b) {
		free(a);
		return -1;
	}
	while (i < na || j < nb) {
		if (j == nb || (i < na && range_cmp(&a[i], &b[j]) < 0)) {
			(*missing)++;
			i++;
		} else if (i == na || range_cmp(&a[i], &b[j]) > 0) {
			(*added)++;
			j++;
		} else {
			i++;
			j++;
		}
	}
	free(a);
	free(b);
	return 0;
}

char *vspace_human(char *buf, size_t len, uint64_t bytes)
{
	static const char suf[] = "KMGTPE";
	double d = (double)bytes;
	uint64_t unit = 1;
	int i = -1;

	while (d >= 1024 && i < 5) {
		d /= 1024;
		unit *= 1024;
		i++;
	}
	if (i < 0)
		snprintf(buf, len, "%" PRIu64, bytes);
	else if (bytes % unit == 0)
		snprintf(buf, len, "%" PRIu64 "%c", bytes / unit, suf[i]);
	else
		snprintf(buf, len, "%.1f%c", d, suf[i]);
	return buf;
}

uint64_t vspace_hold_cost(uint64_t area_bytes, uint64_t areas, uint64_t range_bytes,
			  uint64_t page_bytes, uint64_t pmd_bytes)
{
	uint64_t per_area, range_ptes, ptes;

	if (!pmd_bytes || !page_bytes)
		return UINT64_MAX;
	per_area = (area_bytes + pmd_bytes - 1) / pmd_bytes + 1;
	range_ptes = (range_bytes + pmd_bytes - 1) / pmd_bytes + 1;
	ptes = areas > range_ptes / per_area ? range_ptes : areas * per_area;
	if (ptes > range_ptes)
		ptes = range_ptes;
	return page_bytes + ptes * page_bytes + areas * 256 +
	       area_bytes / page_bytes * sizeof(void *);
}
