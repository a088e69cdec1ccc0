// SPDX-License-Identifier: GPL-2.0
#include "plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

void rng_seed(struct rng *r, uint64_t seed)
{
	r->s = seed;
}

uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint64_t rng_below(struct rng *r, uint64_t n)
{
	/* Reject the top partial block so every residue is equally likely. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;

	do
		x = rng_next(r);
	while (x >= limit);
	return x % n;
}

int plan_add(struct plan *p, const struct point *pt)
{
	if (p->n == p->cap) {
		size_t nc = p->cap ? p->cap * 2 : 256;
		struct point *nv = realloc(p->v, nc * sizeof(*nv));

		if (!nv)
			return -1;
		p->v = nv;
		p->cap = nc;
	}
	p->v[p->n++] = *pt;
	return 0;
}

int plan_one_point(const struct config *cfg, const struct section *sec, struct plan *p)
{
	struct point pt;

	(void)cfg;
	memset(&pt, 0, sizeof(pt));
	pt.sec = sec;
	return plan_add(p, &pt);
}

int plan_no_points(const struct config *cfg, const struct section *sec, struct plan *p)
{
	(void)cfg;
	(void)sec;
	(void)p;
	return 0;
}

void plan_shuffle(struct point *v, size_t n, struct rng *r)
{
	for (size_t i = n; i > 1; i--) {
		size_t j = (size_t)rng_below(r, i);
		struct point t = v[i - 1];

		v[i - 1] = v[j];
		v[j] = t;
	}
}

struct keyed_point {
	double key;
	size_t pos;
};

static int keyed_cmp(const void *a, const void *b)
{
	const struct keyed_point *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

static uint32_t most_visits(const struct point *v, size_t n)
{
	uint32_t m = 1;

	for (size_t i = 0; i < n; i++)
		if (v[i].visits > m)
			m = v[i].visits;
	return m;
}

/*
 * Where in the repeat a point runs, on a time axis of `strata` stretches:
 * its shuffled place, scaled into its own stretch (visit v of n covers
 * [v, v + 1) * strata / n) or into the whole repeat for single visits.
 */
static double stratum_key(const struct point *pt, size_t pos, size_t n, uint32_t strata)
{
	double place = ((double)pos + 0.5) / (double)n;
	uint32_t visits = pt->visits > 1 ? pt->visits : 1;

	if (visits == 1)
		return place * strata;
	return ((double)pt->visit + place) * strata / visits;
}

int plan_stratify(struct point *v, size_t n)
{
	uint32_t strata = most_visits(v, n);
	struct keyed_point *k;
	struct point *tmp;

	if (strata == 1 || n < 2)
		return 0;
	k = malloc(n * sizeof(*k));
	tmp = malloc(n * sizeof(*tmp));
	if (!k || !tmp) {
		free(k);
		free(tmp);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		k[i] = (struct keyed_point){ stratum_key(&v[i], i, n, strata), i };
	qsort(k, n, sizeof(*k), keyed_cmp);
	for (size_t i = 0; i < n; i++)
		tmp[i] = v[k[i].pos];
	memcpy(v, tmp, n * sizeof(*v));
	free(k);
	free(tmp);
	return 0;
}

int plan_build(const struct config *cfg, struct plan *p)
{
	memset(p, 0, sizeof(*p));
	for (unsigned r = 0; r < cfg->run.repeat; r++) {
		size_t start = p->n;
		struct rng rng;

		for (size_t i = 0; i < cfg->nsec; i++) {
			const struct section *s = &cfg->sec[i];

			if (s->kind->plan(cfg, s, p)) {
				plan_free(p);
				errno = ENOMEM;
				return -1;
			}
		}
		for (size_t i = start; i < p->n; i++)
			p->v[i].repeat = r;
		if (r == 0)
			p->per_repeat = p->n;
		/* One stream per repeat, decorrelated from the seed by splitmix itself. */
		rng_seed(&rng, cfg->run.seed);
		for (unsigned k = 0; k <= r; k++)
			rng_seed(&rng, rng_next(&rng) ^ k);
		plan_shuffle(p->v + start, p->n - start, &rng);
		if (plan_stratify(p->v + start, p->n - start)) {
			plan_free(p);
			errno = ENOMEM;
			return -1;
		}
	}
	return 0;
}

void plan_free(struct plan *p)
{
	free(p->v);
	memset(p, 0, sizeof(*p));
}

#define CMP(x, y) do { if ((x) != (y)) return (x) < (y) ? -1 : 1; } while (0)

int point_cmp(const void *a, const void *b)
{
	const struct point *x = a, *y = b;

	CMP(x->sec->kind_idx, y->sec->kind_idx);
	CMP(x->allocator, y->allocator);
	CMP(x->op, y->op);
	CMP(x->gfp, y->gfp);
	CMP(x->bytes, y->bytes);
	CMP(x->param, y->param);
	CMP(x->sec->line, y->sec->line);
	CMP(x->repeat, y->repeat);
	CMP(x->visit, y->visit);
	return 0;
}

void plan_sort(struct point *v, size_t n)
{
	qsort(v, n, sizeof(*v), point_cmp);
}
