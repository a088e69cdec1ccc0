// SPDX-License-Identifier: GPL-2.0
/* Pure logic of the limits and fragmentation experiments: see limit_search.h. */
#include "limit_search.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *limit_status_name(enum limit_status st)
{
	switch (st) {
	case LIMIT_FOUND: return "ok";
	case LIMIT_CAPPED: return "capped";
	case LIMIT_NOT_ATTEMPTED: return "not_attempted";
	case LIMIT_NONE_OK: return "none_ok";
	default: return "error";
	}
}

int limit_search(uint64_t start, uint64_t cap, uint64_t gran, limit_try_fn try_fn, void *ctx,
		 struct limit_result *res)
{
	uint64_t lo = 0, hi = 0, size;
	enum limit_try hi_why = LIMIT_TRY_FAIL, t;

	memset(res, 0, sizeof(*res));
	res->status = LIMIT_ERROR;
	if (!gran)
		gran = 1;
	if (!start || start > cap)
		start = cap;
	if (!start)
		return -1;

	/* Doubling: the first failure or the cap. */
	for (size = start;;) {
		t = try_fn(ctx, size);
		res->attempts++;
		if (t == LIMIT_TRY_ERROR)
			goto stop;
		if (t == LIMIT_TRY_OK) {
			lo = size;
			if (size == cap)
				break;
			size = size > cap / 2 ? cap : size * 2;
			continue;
		}
		hi = size;
		hi_why = t;
		break;
	}
	if (!hi) {
		res->largest_ok = lo;
		res->status = LIMIT_CAPPED;
		return 0;
	}
	/* Bisection between lo (ok, or 0) and hi (failed). */
	while (hi - lo > gran) {
		uint64_t mid = lo + (hi - lo) / 2;

		mid -= mid % gran;
		if (mid <= lo)
			mid = lo + gran;
		if (mid >= hi)
			break;
		t = try_fn(ctx, mid);
		res->attempts++;
		if (t == LIMIT_TRY_ERROR)
			goto stop;
		if (t == LIMIT_TRY_OK) {
			lo = mid;
		} else {
			hi = mid;
			hi_why = t;
		}
	}
	res->largest_ok = lo;
	res->first_fail = hi;
	if (!lo)
		res->status = LIMIT_NONE_OK;
	else if (hi_why == LIMIT_TRY_NOT_ATTEMPTED)
		res->status = LIMIT_NOT_ATTEMPTED;
	else if (hi_why == LIMIT_TRY_CAPPED)
		res->status = LIMIT_CAPPED;
	else
		res->status = LIMIT_FOUND;
	return 0;
stop:
	res->largest_ok = lo;
	res->first_fail = hi;
	res->status = LIMIT_ERROR;
	return -1;
}

int buddyinfo_parse(const char *text, struct buddyinfo *bi)
{
	const char *p = text;

	memset(bi, 0, sizeof(*bi));
	while (p && *p) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char line[1024], zone[32];
		int node, off = 0;

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		p = eol ? eol + 1 : NULL;
		/* "Node 0, zone   Normal   1   2 ..." */
		if (sscanf(line, "Node %d, zone %31s%n", &node, zone, &off) == 2 && bi->n < BUDDY_MAX_ZONES) {
			struct buddy_zone *z = &bi->z[bi->n];
			const char *q = line + off;
			char *end;

			z->node = node;
			snprintf(z->zone, sizeof(z->zone), "%s", zone);
			while (z->norders < BUDDY_MAX_ORDERS) {
				unsigned long long v = strtoull(q, &end, 10);

				if (end == q)
					break;
				z->free[z->norders++] = v;
				q = end;
			}
			if (z->norders)
				bi->n++;
		}
	}
	return bi->n ? 0 : -1;
}

uint64_t buddyinfo_pages_from(const struct buddyinfo *bi, const char *zone, unsigned min_order)
{
	uint64_t pages = 0;

	for (size_t i = 0; i < bi->n; i++) {
		if (zone && strcmp(bi->z[i].zone, zone))
			continue;
		for (unsigned o = min_order; o < bi->z[i].norders; o++)
			pages += bi->z[i].free[o] << o;
	}
	return pages;
}

struct vm_range {
	uint64_t start, end;
};

static int range_cmp(const void *a, const void *b)
{
	const struct vm_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return 0;
}

int vmallocinfo_summarize(const char *text, struct vmalloc_summary *vs)
{
	struct vm_range *r = NULL;
	size_t n = 0, cap = 0, real = 0;
	const char *p = text;

	memset(vs, 0, sizeof(*vs));
	while (p && *p) {
		unsigned long long s, e, sz;
		const char *eol = strchr(p, '\n');

		if (sscanf(p, "%llx-%llx %llu", &s, &e, &sz) == 3) {
			vs->areas++;
			vs->used_bytes += sz;
			if (e > s && e - s == sz)
				real++;
			if (n == cap) {
				size_t nc = cap ? cap * 2 : 256;
				struct vm_range *nr = realloc(r, nc * sizeof(*nr));

				if (!nr) {
					free(r);
					return -1;
				}
				r = nr;
				cap = nc;
			}
			r[n].start = s;
			r[n].end = e;
			n++;
		}
		p = eol ? eol + 1 : NULL;
	}
	/* Hashed (%pK, kptr_restrict=0) or zeroed addresses do not span their size. */
	vs->addresses_real = n > 0 && real * 10 >= n * 9;
	if (vs->addresses_real) {
		uint64_t reach;

		qsort(r, n, sizeof(*r), range_cmp);
		reach = r[0].end;
		for (size_t i = 1; i < n; i++) {
			if (r[i].start > reach && r[i].start - reach > vs->largest_gap)
				vs->largest_gap = r[i].start - reach;
			if (r[i].end > reach)
				reach = r[i].end;
		}
		vs->span = reach - r[0].start;
	}
	free(r);
	return 0;
}
