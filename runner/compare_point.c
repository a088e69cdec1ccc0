// SPDX-License-Identifier: GPL-2.0
/*
 * One point's comparison (compare_stats.c does the arithmetic), the
 * Benjamini-Hochberg step over every compared point, the practical
 * threshold (--min-effect), and the geometric mean of the ratios over
 * sizes per allocator and op.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include "compare.h"
#include "compare_stats.h"

const char *cmp_method_name(enum cmp_method m)
{
	switch (m) {
	case CMP_M_RUNS: return "runs";
	case CMP_M_SUBSERIES: return "subseries";
	case CMP_M_BOOTSTRAP: return "bootstrap";
	default: return "none";
	}
}

const char *cmp_direction(const struct cmp_point *p)
{
	if (!p->compared || p->method == CMP_M_NONE)
		return "";
	if (!p->significant)
		return "same";
	return p->ratio > 1 ? "slower" : "faster";
}

const char *cmp_mark(const struct cmp_point *p)
{
	if (!p->significant)
		return "";
	return p->q < 0.001 ? "***" : p->q < 0.01 ? "**" : "*";
}

static int measured(enum lat_status st)
{
	return st == LAT_OK || st == LAT_PARTIAL;
}

/* The side's status in words: "ok", "partial", "failed", "ok 2/3 runs (1 failed)", "missing". */
static void side_status(struct cmp_sidefig *f, const enum lat_status *st, size_t n)
{
	size_t cnt[LAT_SKIPPED + 1] = { 0 }, worst = LAT_MISSING;

	for (size_t r = 0; r < n; r++)
		cnt[st[r]]++;
	for (int k = LAT_FAILED; k <= LAT_SKIPPED; k++)
		if (cnt[k] > cnt[worst] || (worst == LAT_MISSING && cnt[k]))
			worst = (size_t)k;
	if (f->runs == n) {
		f->status = cnt[LAT_PARTIAL] ? LAT_PARTIAL : LAT_OK;
		snprintf(f->status_text, sizeof(f->status_text), "%s", status_name(f->status));
	} else if (f->runs) {
		f->status = LAT_PARTIAL;
		snprintf(f->status_text, sizeof(f->status_text), "ok %zu/%zu runs (%s %zu)", f->runs, n,
			 status_name(worst ? (enum lat_status)worst : LAT_MISSING), n - f->runs);
	} else {
		f->status = cnt[worst] ? (enum lat_status)worst : LAT_MISSING;
		snprintf(f->status_text, sizeof(f->status_text), "%s", status_name(f->status));
	}
}

/* The side's measured runs as inference units (u has room for CMP_MAX_RUNS); fills the side figures. */
static size_t side_units(const struct cmp_ctx *c, struct cmp_point *p, int s, struct cmp_unit_run *u)
{
	struct cmp_sidefig *f = &p->side[s];
	enum lat_status st[CMP_MAX_RUNS];
	size_t n = 0;

	memset(f, 0, sizeof(*f));
	for (size_t r = 0; r < c->side[s].n; r++) {
		const struct cmp_runpt *rp = cmp_rp(c, p, s, r);

		st[r] = rp->status;
		f->runs_total += rp->status != LAT_MISSING;
		if (!measured(rp->status) || !(rp->p50 > 0))
			continue;
		u[n++] = (struct cmp_unit_run){ rp->p50, rp->resolution_ns, rp->v.v, rp->grp, rp->v.n };
		f->samples += rp->csv_samples ? rp->csv_samples : rp->v.n;
	}
	f->runs = n;
	f->median = NAN;
	if (n) {
		double l = 0;

		for (size_t i = 0; i < n; i++)
			l += log(u[i].median) / (double)n;
		f->median = exp(l);
	}
	side_status(f, st, c->side[s].n);
	return n;
}

static void one_sided_note(struct cmp_point *p)
{
	int ma = p->side[0].runs > 0, mb = p->side[1].runs > 0;

	if (ma && !mb)
		snprintf(p->note, sizeof(p->note), "measured on A only: B %s", p->side[1].status_text);
	else if (!ma && mb)
		snprintf(p->note, sizeof(p->note), "measured on B only: A %s", p->side[0].status_text);
	else
		snprintf(p->note, sizeof(p->note), "measured on neither side (A %s, B %s)", p->side[0].status_text,
			 p->side[1].status_text);
}

static void compute_point(const struct cmp_ctx *c, struct cmp_point *p, gsl_rng *rng)
{
	struct cmp_unit_run ua[CMP_MAX_RUNS], ub[CMP_MAX_RUNS];
	size_t na = side_units(c, p, 0, ua), nb = side_units(c, p, 1, ub);
	struct cmp_infer in;

	p->note[0] = '\0';
	p->ratio = p->lo = p->hi = p->p = p->q = p->df = p->se_log = NAN;
	p->method = CMP_M_NONE;
	p->compared = na && nb;
	if (!p->compared) {
		one_sided_note(p);
		return;
	}
	cmp_infer(ua, na, ub, nb, rng, &in);
	p->side[0].median = in.med_a;
	p->side[1].median = in.med_b;
	p->ratio = in.ratio;
	p->method = in.method;
	p->lo = in.lo;
	p->hi = in.hi;
	p->p = in.p;
	p->df = in.df;
	p->se_log = in.se;
	if (in.method == CMP_M_NONE)
		snprintf(p->note, sizeof(p->note), "no interval: one run per side and too few samples");
	else if (p->side[0].runs < p->side[0].runs_total || p->side[1].runs < p->side[1].runs_total)
		snprintf(p->note, sizeof(p->note), "some runs did not measure it (A %s, B %s)", p->side[0].status_text,
			 p->side[1].status_text);
}

/* |log ratio| reaches the practical threshold. */
static int big_enough(double ratio, double min_effect)
{
	return fabs(log(ratio)) >= log1p(min_effect) * (1 - 1e-12);
}

void cmp_compute(struct cmp_ctx *c)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double *pv = malloc((c->npts ? c->npts : 1) * sizeof(*pv)), *qv = malloc((c->npts ? c->npts : 1) * sizeof(*qv));

	if (rng)
		gsl_rng_set(rng, c->opt.seed);
	c->ncompared = c->nsig = 0;
	for (size_t i = 0; i < c->npts; i++) {
		compute_point(c, &c->pts[i], rng);
		c->ncompared += c->pts[i].compared && c->pts[i].method != CMP_M_NONE;
	}
	if (pv && qv) {
		for (size_t i = 0; i < c->npts; i++)
			pv[i] = c->pts[i].p;
		cmp_bh(pv, c->npts, qv);
		for (size_t i = 0; i < c->npts; i++) {
			struct cmp_point *p = &c->pts[i];

			p->q = qv[i];
			p->significant = isfinite(p->q) && p->q < c->opt.alpha && big_enough(p->ratio, c->opt.min_effect);
			c->nsig += p->significant;
		}
	}
	free(pv);
	free(qv);
	gsl_rng_free(rng);
}

/* ---- geometric means over sizes ---- */

static int same_series(const struct cmp_key *a, const struct cmp_key *b)
{
	return a->kind == b->kind && !strcmp(a->alloc, b->alloc) && !strcmp(a->op, b->op) && !strcmp(a->gfp, b->gfp);
}

/* Whether every run of both sides measured point p (the per-run means are then over one set of sizes). */
static int on_every_run(const struct cmp_ctx *c, const struct cmp_point *p)
{
	return p->compared && p->method != CMP_M_NONE && p->side[0].runs == c->side[0].n &&
	       p->side[1].runs == c->side[1].n;
}

/* Runs as units: each run's mean log median over the series' sizes, then the t test. */
static void geo_runs(const struct cmp_ctx *c, const size_t *idx, size_t k, struct cmp_geo *g)
{
	double x[2][CMP_MAX_RUNS] = { { 0 } }, floor = 0;
	struct cmp_t t;

	for (size_t j = 0; j < k; j++) {
		const struct cmp_point *p = &c->pts[idx[j]];

		for (int s = 0; s < 2; s++)
			for (size_t r = 0; r < c->side[s].n; r++) {
				const struct cmp_runpt *rp = cmp_rp(c, p, s, r);
				struct cmp_unit_run u = { rp->p50, rp->resolution_ns, rp->v.v, rp->grp, rp->v.n };

				x[s][r] += log(rp->p50) / (double)k;
				floor += cmp_run_var(&u) / (double)(k * k);
			}
	}
	floor /= (double)(c->side[0].n + c->side[1].n);
	cmp_ttest(x[0], c->side[0].n, x[1], c->side[1].n, floor, &t);
	g->method = CMP_M_RUNS;
	g->ratio = exp(t.diff);
	g->lo = exp(t.lo);
	g->hi = exp(t.hi);
	g->p = t.p;
}

/* One run per side: the points' log ratios are independent; Welch-Satterthwaite degrees of freedom. */
static void geo_single(const struct cmp_ctx *c, const size_t *idx, size_t k, struct cmp_geo *g)
{
	double d = 0, v = 0, den = 0;
	struct cmp_t t;

	for (size_t j = 0; j < k; j++) {
		const struct cmp_point *p = &c->pts[idx[j]];
		double vi = p->se_log * p->se_log / (double)(k * k);

		d += log(p->ratio) / (double)k;
		v += vi;
		den += isfinite(p->df) ? vi * vi / p->df : 0;
		if (p->method == CMP_M_BOOTSTRAP)
			g->method = CMP_M_BOOTSTRAP;
	}
	cmp_t_from_se(d, sqrt(v), den > 0 ? v * v / den : INFINITY, &t);
	if (g->method != CMP_M_BOOTSTRAP)
		g->method = CMP_M_SUBSERIES;
	g->ratio = exp(d);
	g->lo = exp(t.lo);
	g->hi = exp(t.hi);
	g->p = t.p;
}

/* The geometric mean of the series of point first (the sizes every run measured). 0, or -1: none. */
static int geo_of(const struct cmp_ctx *c, size_t first, size_t *idx, struct cmp_geo *g)
{
	size_t k = 0;

	for (size_t i = first; i < c->npts; i++)
		if (same_series(&c->pts[i].key, &c->pts[first].key) && on_every_run(c, &c->pts[i]))
			idx[k++] = i;
	if (!k)
		return -1;
	memset(g, 0, sizeof(*g));
	g->key = c->pts[first].key;
	g->key.size = 0;
	g->sizes = k;
	if (c->side[0].n + c->side[1].n >= 3)
		geo_runs(c, idx, k, g);
	else
		geo_single(c, idx, k, g);
	return 0;
}

/* Benjamini-Hochberg over the geometric means (a family of their own), then the threshold. */
static void geo_decide(const struct cmp_ctx *c, struct cmp_geo *g, size_t n)
{
	double *p = malloc((n ? n : 1) * sizeof(*p)), *q = malloc((n ? n : 1) * sizeof(*q));

	for (size_t i = 0; p && q && i < n; i++)
		p[i] = g[i].p;
	if (p && q)
		cmp_bh(p, n, q);
	for (size_t i = 0; i < n; i++) {
		g[i].q = p && q ? q[i] : NAN;
		g[i].significant = isfinite(g[i].q) && g[i].q < c->opt.alpha &&
				   big_enough(g[i].ratio, c->opt.min_effect);
	}
	free(p);
	free(q);
}

size_t cmp_geomeans(const struct cmp_ctx *c, struct cmp_geo **out)
{
	size_t *idx = malloc((c->npts ? c->npts : 1) * sizeof(*idx)), n = 0;
	struct cmp_geo *g = calloc(c->npts ? c->npts : 1, sizeof(*g));

	*out = g;
	if (!idx || !g) {
		free(idx);
		return 0;
	}
	for (size_t i = 0; i < c->npts; i++) {
		int seen = 0;

		for (size_t j = 0; j < i && !seen; j++)
			seen = same_series(&c->pts[j].key, &c->pts[i].key) && on_every_run(c, &c->pts[j]);
		if (!seen && on_every_run(c, &c->pts[i]) && !geo_of(c, i, idx, &g[n]))
			n++;
	}
	free(idx);
	geo_decide(c, g, n);
	return n;
}
