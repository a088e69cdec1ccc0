// SPDX-License-Identifier: GPL-2.0
/*
 * The statistics of `allocbench compare` on synthetic data with a known
 * truth (GSL's seeded generator, so every run sees the same numbers):
 *   - lognormal samples with a true 10 % shift: the 95 % interval of the
 *     ratio covers 1.10 in at least 93 of 100 simulated comparisons, with
 *     several runs per side (run-to-run variation in the data) and with
 *     one run per side (sub-series drift only);
 *   - A/A comparisons of data whose runs differ (each boot shifts every
 *     sample of the run): at most ~5 % of the points are flagged, while a
 *     per-sample test of the very same data flags many;
 *   - the geometric mean over sizes covering the true 10 %;
 *   - Benjamini-Hochberg against the worked example of their 1995 paper;
 *   - Student's t against a textbook case (R: t.test(4:6, 1:3, var.equal = TRUE)).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "compare.h"
#include "compare_stats.h"

static gsl_rng *rng;

static int setup(void **state)
{
	(void)state;
	rng = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(rng, 20240601);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	gsl_rng_free(rng);
	return 0;
}

/* How the synthetic runs of one side are made (logs: the median of lognormal(mu, s) is e^mu). */
struct gen {
	double mu;		/* log of the true median */
	double run_sd;		/* each run (boot) shifts all its samples by N(0, run_sd) on the log scale */
	double sub_sd;		/* each sub-series drifts by N(0, sub_sd) */
	double sample_sd;	/* lognormal sigma of single samples */
	size_t nsub, per;	/* sub-series per run, samples per sub-series */
};

static void gen_run(const struct gen *g, struct cmp_runpt *rp)
{
	double run_shift = gsl_ran_gaussian(rng, g->run_sd);

	memset(rp, 0, sizeof(*rp));
	rp->status = LAT_OK;
	rp->resolution_ns = NAN;
	rp->grp = malloc(g->nsub * g->per * sizeof(*rp->grp));
	rp->gcap = g->nsub * g->per;
	for (size_t s = 0; s < g->nsub; s++) {
		double m = g->mu + run_shift + (g->sub_sd > 0 ? gsl_ran_gaussian(rng, g->sub_sd) : 0);

		for (size_t i = 0; i < g->per; i++) {
			rp->grp[rp->v.n] = (uint32_t)s;
			samples_push(&rp->v, gsl_ran_lognormal(rng, m, g->sample_sd));
		}
	}
	rp->p50 = cmp_median(rp->v.v, rp->v.n);
	rp->csv_samples = rp->v.n;
}

/* A comparison of npts points, na runs of A (made by ga) and nb of B (gb) per point. */
static struct cmp_ctx *gen_ctx(size_t npts, size_t na, size_t nb, const struct gen *ga, const struct gen *gb)
{
	struct cmp_ctx *c = calloc(1, sizeof(*c));

	c->opt.alpha = 0.05;
	c->opt.min_effect = 0.05;
	c->opt.seed = 1;
	c->side[0].n = na;
	c->side[1].n = nb;
	c->pts = calloc(npts, sizeof(*c->pts));
	c->npts = c->cap = npts;
	for (size_t i = 0; i < npts; i++) {
		struct cmp_point *p = &c->pts[i];

		p->key.kind = CMP_LATENCY;
		snprintf(p->key.alloc, sizeof(p->key.alloc), "kmalloc");
		snprintf(p->key.op, sizeof(p->key.op), "alloc");
		snprintf(p->key.gfp, sizeof(p->key.gfp), "kernel");
		p->key.size = 8ULL << i;
		p->run = calloc(na + nb, sizeof(*p->run));
		for (size_t r = 0; r < na + nb; r++)
			gen_run(r < na ? ga : gb, &p->run[r]);
	}
	return c;
}

static size_t covered(const struct cmp_ctx *c, double truth)
{
	size_t n = 0;

	for (size_t i = 0; i < c->npts; i++)
		n += c->pts[i].lo <= truth && truth <= c->pts[i].hi;
	return n;
}

static size_t flagged(const struct cmp_ctx *c, size_t *raw)
{
	size_t n = 0;

	*raw = 0;
	for (size_t i = 0; i < c->npts; i++) {
		n += c->pts[i].significant;
		*raw += c->pts[i].p < 0.05;
	}
	return n;
}

/* ---- known truth: a 10 % shift ---- */

/* n comparisons; the interval must cover the truth in at least min_cover of them. */
static void coverage_of(size_t n, size_t min_cover, size_t na, size_t nb, double run_sd, double sub_sd,
			enum cmp_method want)
{
	struct gen ga = { log(2000), run_sd, sub_sd, 0.3, 6, 50 }, gb = ga;
	struct cmp_ctx *c;
	size_t cov, sig;
	double lr = 0;

	gb.mu += log(1.10);
	c = gen_ctx(n, na, nb, &ga, &gb);
	cmp_compute(c);
	cov = covered(c, 1.10);
	for (size_t i = 0; i < c->npts; i++) {
		assert_int_equal(c->pts[i].method, want);
		lr += log(c->pts[i].ratio) / (double)n;
	}
	sig = c->nsig;
	print_message("  %zu+%zu runs, run sd %.2f, sub-series sd %.2f: interval covers 1.10 in %zu/%zu, "
		      "geometric mean ratio %.4f, %zu/%zu flagged\n", na, nb, run_sd, sub_sd, cov, n, exp(lr), sig, n);
	assert_true(cov >= min_cover);
	assert_true(fabs(exp(lr) - 1.10) < 0.02);
	cmp_free(c);
	free(c);
}

static void test_coverage_runs(void **state)
{
	(void)state;
	coverage_of(100, 93, 3, 3, 0.05, 0.01, CMP_M_RUNS);
	coverage_of(100, 93, 2, 2, 0.03, 0.01, CMP_M_RUNS);
	coverage_of(100, 93, 5, 4, 0.05, 0.02, CMP_M_RUNS);
	/* and over many more comparisons, where chance moves the share less */
	coverage_of(1000, 930, 3, 3, 0.05, 0.01, CMP_M_RUNS);
}

static void test_coverage_one_run(void **state)
{
	(void)state;
	/* one run per side: only what the run shows (sub-series drift) can be in the interval */
	coverage_of(100, 93, 1, 1, 0, 0.02, CMP_M_SUBSERIES);
	coverage_of(1000, 930, 1, 1, 0, 0.02, CMP_M_SUBSERIES);
}

/* ---- A/A: the same config twice, runs that differ ---- */

static void aa_of(size_t na, size_t nb, double run_sd, size_t max_flagged)
{
	struct gen g = { log(500), run_sd, 0.01, 0.3, 6, 50 };
	struct cmp_ctx *c = gen_ctx(300, na, nb, &g, &g);
	size_t raw, n;

	cmp_compute(c);
	n = flagged(c, &raw);
	print_message("  A/A %zu+%zu runs, run sd %.2f: %zu/300 points flagged (%.1f %%), raw p < 0.05: %zu "
		      "(%.1f %%)\n", na, nb, run_sd, n, n / 3.0, raw, raw / 3.0);
	assert_true(n <= max_flagged);
	/* the test is calibrated, not only conservative */
	assert_true(raw >= 3 && raw <= 30);
	cmp_free(c);
	free(c);
}

static void test_aa_runs(void **state)
{
	(void)state;
	aa_of(3, 3, 0.05, 15);
	aa_of(2, 2, 0.05, 15);
	aa_of(3, 3, 0.10, 15);
}

/* The same data compared sample by sample (each side's runs pooled as one): run-to-run variation is lost. */
static void test_aa_naive_flags_many(void **state)
{
	struct gen g = { log(500), 0.05, 0.0, 0.3, 1, 300 };
	struct cmp_ctx *c = gen_ctx(60, 3, 3, &g, &g);
	size_t n = 0;

	(void)state;
	for (size_t i = 0; i < c->npts; i++) {
		struct cmp_runpt *r = c->pts[i].run;
		double a[900], b[900];
		struct cmp_t t;

		for (size_t k = 0; k < 3; k++) {
			memcpy(a + 300 * k, r[k].v.v, 300 * sizeof(double));
			memcpy(b + 300 * k, r[3 + k].v.v, 300 * sizeof(double));
		}
		assert_int_equal(cmp_bootstrap(a, 900, b, 900, 500, rng, &t), 0);
		n += t.p < 0.05 && fabs(t.diff) >= log(1.05);
	}
	cmp_compute(c);
	print_message("  A/A, the same data per sample: %zu/60 flagged; per run: %zu/60\n", n, c->nsig);
	assert_true(n >= 12);
	assert_true(c->nsig <= 3);
	cmp_free(c);
	free(c);
}

/* ---- geometric mean over sizes ---- */

static void test_geomean(void **state)
{
	struct gen ga = { log(300), 0.05, 0.01, 0.3, 6, 50 }, gb = ga;
	struct cmp_ctx *c;
	struct cmp_geo *g = NULL;
	size_t n;

	(void)state;
	gb.mu += log(1.10);
	c = gen_ctx(12, 3, 3, &ga, &gb);
	cmp_compute(c);
	n = cmp_geomeans(c, &g);
	assert_int_equal(n, 1);
	print_message("  geometric mean over 12 sizes, 3+3 runs: %.4f [%.4f, %.4f], q %.2g\n", g[0].ratio, g[0].lo,
		      g[0].hi, g[0].q);
	assert_int_equal(g[0].sizes, 12);
	assert_int_equal(g[0].method, CMP_M_RUNS);
	assert_true(g[0].lo <= 1.10 && 1.10 <= g[0].hi);
	assert_true(g[0].lo > 1.0 && g[0].significant);
	free(g);
	cmp_free(c);
	free(c);
}

/* ---- Benjamini-Hochberg ---- */

static void test_bh_worked_example(void **state)
{
	/* Benjamini & Hochberg (1995), section 4: 15 p-values, q* = 0.05 rejects the four smallest. */
	static const double p[15] = { 0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344,
				      0.0459, 0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000 };
	static const double want[15] = { 0.0015, 0.003, 0.0095, 0.035625, 0.0603, 0.0638571, 0.0638571,
					 0.0645, 0.0765, 0.486, 0.581182, 0.714875, 0.753231, 0.813214, 1.0 };
	double shuffled[17], q[17];
	static const size_t order[15] = { 7, 14, 0, 3, 11, 5, 9, 1, 13, 4, 8, 2, 12, 6, 10 };
	size_t rejected = 0;

	(void)state;
	/* given in another order, with two points that have no p (not compared) */
	for (size_t i = 0; i < 15; i++)
		shuffled[i] = p[order[i]];
	shuffled[15] = NAN;
	shuffled[16] = NAN;
	cmp_bh(shuffled, 17, q);
	for (size_t i = 0; i < 15; i++) {
		assert_true(fabs(q[i] - want[order[i]]) < 1e-6);
		rejected += q[i] < 0.05;
	}
	assert_true(isnan(q[15]) && isnan(q[16]));
	assert_int_equal(rejected, 4);
}

static void test_ttest_textbook(void **state)
{
	static const double a[3] = { 1, 2, 3 }, b[3] = { 4, 5, 6 };
	struct cmp_t t;

	(void)state;
	assert_int_equal(cmp_ttest(a, 3, b, 3, 0, &t), 0);
	assert_true(fabs(t.diff - 3) < 1e-12);
	assert_true(fabs(t.df - 4) < 1e-12);
	assert_true(fabs(t.p - 0.02131) < 5e-5);
	assert_true(fabs(t.lo - 0.73303) < 1e-4);
	assert_true(fabs(t.hi - 5.26697) < 1e-4);
	/* a floor above the data's own variance widens the interval */
	assert_int_equal(cmp_ttest(a, 3, b, 3, 4, &t), 0);
	assert_true(t.p > 0.02131);
	/* no degree of freedom: refused */
	assert_int_equal(cmp_ttest(a, 1, b, 1, 0, &t), -1);
}

static void test_group_medians(void **state)
{
	static const double v[] = { 5, 1, 3, 10, 30, 20, 0 };
	static const uint32_t g[] = { 0, 0, 0, 2, 2, 2, 7 };
	double out[7];

	(void)state;
	assert_int_equal(cmp_group_log_medians(v, g, 7, 0.5, out), 3);
	assert_true(fabs(out[0] - log(3)) < 1e-12);
	assert_true(fabs(out[1] - log(20)) < 1e-12);
	assert_true(fabs(out[2] - log(0.5)) < 1e-12);	/* floored, not log(0) */
}

/* One run per side and one sub-series: the bootstrap of the samples, its interval covering the truth. */
static void test_bootstrap_coverage(void **state)
{
	struct gen ga = { log(100), 0, 0, 0.3, 1, 400 }, gb = ga;
	struct cmp_ctx *c;
	size_t cov;

	(void)state;
	gb.mu += log(1.10);
	c = gen_ctx(60, 1, 1, &ga, &gb);
	cmp_compute(c);
	cov = covered(c, 1.10);
	print_message("  bootstrap (one sub-series a side): covers 1.10 in %zu/60\n", cov);
	for (size_t i = 0; i < c->npts; i++)
		assert_int_equal(c->pts[i].method, CMP_M_BOOTSTRAP);
	assert_true(cov >= 52);
	cmp_free(c);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bh_worked_example),
		cmocka_unit_test(test_ttest_textbook),
		cmocka_unit_test(test_group_medians),
		cmocka_unit_test(test_coverage_runs),
		cmocka_unit_test(test_coverage_one_run),
		cmocka_unit_test(test_aa_runs),
		cmocka_unit_test(test_aa_naive_flags_many),
		cmocka_unit_test(test_bootstrap_coverage),
		cmocka_unit_test(test_geomean),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
