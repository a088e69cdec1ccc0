// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics of `allocbench compare` (see compare_stats.h). Why a t test on
 * the runs' medians and not a test on the samples: on a noisy or emulated
 * machine the medians of separate boots differ far more than the noise
 * between neighbouring samples says, and a per-sample test calls all of it
 * significant. With runs as units, the interval is as wide as the runs
 * disagree, and Student's t keeps it honest with two or three runs a side.
 */
#include "compare_stats.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>

static int cmp_dbl(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

double cmp_median(const double *v, size_t n)
{
	double *t, m;

	if (!n)
		return NAN;
	t = malloc(n * sizeof(*t));
	if (!t)
		return NAN;
	memcpy(t, v, n * sizeof(*t));
	qsort(t, n, sizeof(*t), cmp_dbl);
	m = n % 2 ? t[n / 2] : (t[n / 2 - 1] + t[n / 2]) / 2;
	free(t);
	return m;
}

void cmp_t_from_se(double diff, double se, double df, struct cmp_t *t)
{
	double q, stat;
	int normal = !isfinite(df) || df > 1e6;

	t->diff = diff;
	t->se = se;
	t->df = normal ? INFINITY : df;
	if (!isfinite(diff) || !(se >= 0) || (!normal && df <= 0)) {
		t->lo = t->hi = t->p = NAN;
		return;
	}
	if (se == 0) {
		/* Every unit agrees exactly: the difference is certain, or there is none. */
		t->lo = t->hi = diff;
		t->p = diff == 0 ? 1.0 : 0.0;
		return;
	}
	q = normal ? gsl_cdf_ugaussian_Pinv(0.5 + CMP_LEVEL / 2) : gsl_cdf_tdist_Pinv(0.5 + CMP_LEVEL / 2, df);
	stat = fabs(diff) / se;
	t->lo = diff - q * se;
	t->hi = diff + q * se;
	t->p = 2 * (normal ? gsl_cdf_ugaussian_Q(stat) : gsl_cdf_tdist_Q(stat, df));
	if (t->p > 1)
		t->p = 1;
}

static double mean_of(const double *x, size_t n)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += x[i];
	return s / (double)n;
}

static double ss_of(const double *x, size_t n, double m)
{
	double s = 0;

	for (size_t i = 0; i < n; i++)
		s += (x[i] - m) * (x[i] - m);
	return s;
}

int cmp_ttest(const double *xa, size_t na, const double *xb, size_t nb, double var_floor, struct cmp_t *t)
{
	double ma, mb, var, df;

	memset(t, 0, sizeof(*t));
	if (!na || !nb || na + nb < 3) {
		t->diff = t->se = t->lo = t->hi = t->p = t->df = NAN;
		return -1;
	}
	ma = mean_of(xa, na);
	mb = mean_of(xb, nb);
	df = (double)(na + nb - 2);
	var = (ss_of(xa, na, ma) + ss_of(xb, nb, mb)) / df;
	if (isfinite(var_floor) && var < var_floor)
		var = var_floor;
	cmp_t_from_se(mb - ma, sqrt(var * (1.0 / (double)na + 1.0 / (double)nb)), df, t);
	return 0;
}

void cmp_bh(const double *p, size_t n, double *q)
{
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx)), m = 0;
	double run = 1.0;

	for (size_t i = 0; i < n; i++)
		q[i] = NAN;
	if (!idx)
		return;
	for (size_t i = 0; i < n; i++)
		if (isfinite(p[i]))
			idx[m++] = i;
	/* insertion into ascending p order: stable, and the families are small */
	for (size_t i = 1; i < m; i++) {
		size_t k = idx[i], j = i;

		while (j > 0 && p[idx[j - 1]] > p[k]) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = k;
	}
	for (size_t r = m; r > 0; r--) {
		double v = p[idx[r - 1]] * (double)m / (double)r;

		if (v < run)
			run = v;
		q[idx[r - 1]] = run;
	}
	free(idx);
}

/* k-th smallest of v[0..n) (reorders v): quickselect, median-of-three pivot. */
static double select_kth(double *v, size_t n, size_t k)
{
	ptrdiff_t lo = 0, hi = (ptrdiff_t)n - 1;

	while (hi > lo) {
		ptrdiff_t mid = lo + (hi - lo) / 2, i = lo, j = hi;
		double a = v[lo], b = v[mid], c = v[hi];
		double pivot = a < b ? (b < c ? b : (a < c ? c : a)) : (a < c ? a : (b < c ? c : b));

		while (i <= j) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i <= j) {
				double tmp = v[i];

				v[i++] = v[j];
				v[j--] = tmp;
			}
		}
		if ((ptrdiff_t)k <= j)
			hi = j;
		else if ((ptrdiff_t)k >= i)
			lo = i;
		else
			break;
	}
	return v[k];
}

/* Median of one resample of src (m values, every step-th of n when n is large). */
static double resample_median(const double *src, size_t n, double *buf, size_t m, gsl_rng *rng)
{
	size_t step = n / m;

	for (size_t i = 0; i < m; i++)
		buf[i] = src[gsl_rng_uniform_int(rng, m) * step];
	if (m % 2)
		return select_kth(buf, m, m / 2);
	return (select_kth(buf, m, m / 2 - 1) + select_kth(buf, m, m / 2)) / 2;
}

/* Draws of log(median b / median a) into d[0..iters). 0 or -1 (no memory). */
static int boot_draws(const double *a, size_t na, const double *b, size_t nb, unsigned iters, gsl_rng *rng,
		      double *d)
{
	size_t ma = na < CMP_BOOT_MAX_N ? na : CMP_BOOT_MAX_N, mb = nb < CMP_BOOT_MAX_N ? nb : CMP_BOOT_MAX_N;
	double *buf = malloc((ma > mb ? ma : mb) * sizeof(*buf));

	if (!buf)
		return -1;
	for (unsigned i = 0; i < iters; i++) {
		double x = resample_median(a, na, buf, ma, rng), y = resample_median(b, nb, buf, mb, rng);

		d[i] = log(y > 0 ? y : 1e-3) - log(x > 0 ? x : 1e-3);
	}
	free(buf);
	return 0;
}

int cmp_bootstrap(const double *a, size_t na, const double *b, size_t nb, unsigned iters, gsl_rng *rng,
		  struct cmp_t *t)
{
	double *d, ma = cmp_median(a, na), mb = cmp_median(b, nb), m, below = 0;

	memset(t, 0, sizeof(*t));
	if (!na || !nb || iters < 10 || !(d = malloc(iters * sizeof(*d))))
		return -1;
	if (boot_draws(a, na, b, nb, iters, rng, d)) {
		free(d);
		return -1;
	}
	t->diff = log(mb > 0 ? mb : 1e-3) - log(ma > 0 ? ma : 1e-3);
	m = mean_of(d, iters);
	t->se = sqrt(ss_of(d, iters, m) / (iters - 1));
	t->df = INFINITY;
	for (unsigned i = 0; i < iters; i++)
		below += t->diff >= 0 ? d[i] <= 0 : d[i] >= 0;
	qsort(d, iters, sizeof(*d), cmp_dbl);
	t->lo = d[(size_t)floor((1 - CMP_LEVEL) / 2 * (iters - 1))];
	t->hi = d[(size_t)ceil((1 + CMP_LEVEL) / 2 * (iters - 1))];
	t->p = fmin(1.0, fmax(2 * below / iters, 1.0 / iters));
	free(d);
	return 0;
}

struct gv {
	uint32_t g;
	double v;
};

static int cmp_gv(const void *x, const void *y)
{
	const struct gv *a = x, *b = y;

	if (a->g != b->g)
		return a->g < b->g ? -1 : 1;
	return (a->v > b->v) - (a->v < b->v);
}

size_t cmp_group_log_medians(const double *v, const uint32_t *grp, size_t n, double floor, double *out)
{
	struct gv *t = malloc((n ? n : 1) * sizeof(*t));
	size_t ng = 0, i = 0;

	if (!t)
		return 0;
	for (size_t k = 0; k < n; k++)
		t[k] = (struct gv){ grp ? grp[k] : 0, v[k] };
	qsort(t, n, sizeof(*t), cmp_gv);
	while (i < n) {
		size_t j = i;
		double m;

		while (j < n && t[j].g == t[i].g)
			j++;
		m = (j - i) % 2 ? t[i + (j - i) / 2].v : (t[i + (j - i) / 2 - 1].v + t[i + (j - i) / 2].v) / 2;
		out[ng++] = log(m > floor ? m : floor);
		i = j;
	}
	free(t);
	return ng;
}

/* Smallest value a log is taken of: a tenth of the timer's step, or 0.01 ns. */
static double log_floor(const struct cmp_unit_run *r)
{
	return isfinite(r->resolution) && r->resolution > 0 ? r->resolution / 10 : 0.01;
}

double cmp_run_var(const struct cmp_unit_run *r)
{
	double q = 0, w = 0, *g;
	size_t ng;

	if (isfinite(r->resolution) && r->resolution > 0 && r->median > 0)
		q = (r->resolution / r->median) * (r->resolution / r->median) / 12;
	if (r->n >= 2 && (g = malloc(r->n * sizeof(*g)))) {
		ng = cmp_group_log_medians(r->v, r->grp, r->n, log_floor(r), g);
		if (ng >= 2)
			w = ss_of(g, ng, mean_of(g, ng)) / (double)(ng - 1) / (double)ng;
		free(g);
	}
	return q > w ? q : w;
}

/* Logs of the runs' medians, and the mean of their own variances (the floor). */
static void run_logs(const struct cmp_unit_run *r, size_t n, double *x, double *var_sum)
{
	for (size_t i = 0; i < n; i++) {
		x[i] = log(r[i].median);
		*var_sum += cmp_run_var(&r[i]);
	}
}

/* The timer step's quantisation of one sub-series median, as a variance of its log. */
static double step_var(const struct cmp_unit_run *r)
{
	if (!isfinite(r->resolution) || r->resolution <= 0 || !(r->median > 0))
		return 0;
	return (r->resolution / r->median) * (r->resolution / r->median) / 12;
}

/* One run per side: the sub-series' log medians as units, centred on the runs' medians. */
static int infer_subseries(const struct cmp_unit_run *a, const struct cmp_unit_run *b, struct cmp_t *t)
{
	double *ga = malloc((a->n ? a->n : 1) * sizeof(*ga)), *gb = malloc((b->n ? b->n : 1) * sizeof(*gb));
	size_t na = 0, nb = 0;
	int rc = -1;

	if (ga && gb && a->n && b->n) {
		na = cmp_group_log_medians(a->v, a->grp, a->n, log_floor(a), ga);
		nb = cmp_group_log_medians(b->v, b->grp, b->n, log_floor(b), gb);
	}
	if (na >= 2 && nb >= 2 && !cmp_ttest(ga, na, gb, nb, (step_var(a) + step_var(b)) / 2, t)) {
		cmp_t_from_se(log(b->median) - log(a->median), t->se, t->df, t);
		rc = 0;
	}
	free(ga);
	free(gb);
	return rc;
}

void cmp_infer(const struct cmp_unit_run *a, size_t na, const struct cmp_unit_run *b, size_t nb, gsl_rng *rng,
	       struct cmp_infer *out)
{
	double xa[CMP_MAX_RUNS], xb[CMP_MAX_RUNS], vsum = 0;
	struct cmp_t t;

	memset(out, 0, sizeof(*out));
	out->method = CMP_M_NONE;
	out->ratio = out->lo = out->hi = out->p = out->df = out->se = out->med_a = out->med_b = NAN;
	if (!na || !nb || na > CMP_MAX_RUNS || nb > CMP_MAX_RUNS)
		return;
	run_logs(a, na, xa, &vsum);
	run_logs(b, nb, xb, &vsum);
	out->med_a = exp(mean_of(xa, na));
	out->med_b = exp(mean_of(xb, nb));
	out->ratio = out->med_b / out->med_a;
	if (na + nb >= 3) {
		cmp_ttest(xa, na, xb, nb, vsum / (double)(na + nb), &t);
		out->method = CMP_M_RUNS;
	} else if (!infer_subseries(a, b, &t)) {
		out->method = CMP_M_SUBSERIES;
	} else if (rng && a->n >= 5 && b->n >= 5 &&
		   !cmp_bootstrap(a->v, a->n, b->v, b->n, CMP_BOOT_ITERS, rng, &t)) {
		/* centred on the runs' medians, as the other methods */
		double shift = log(out->ratio) - t.diff;

		t.lo += shift;
		t.hi += shift;
		out->method = CMP_M_BOOTSTRAP;
	} else {
		return;
	}
	out->lo = exp(t.lo);
	out->hi = exp(t.hi);
	out->p = t.p;
	out->df = t.df;
	out->se = t.se;
}
