// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "allocbench.h"
#include "config.h"
#include "plan.h"

/* Writes text to a temp config and loads it. */
static void load_text(const char *text, struct config *cfg)
{
	char path[] = "/tmp/allocbench-plan-XXXXXX";
	char err[CFG_ERR_LEN] = "";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	if (config_load(path, cfg, err, sizeof(err)))
		fail_msg("%s", err);
	unlink(path);
}

static const char small[] =
	"[run]\nseed = %s\nrepeat = %s\nsubseries = %s\n"
	"[latency]\nallocators = kmalloc, vmalloc, alloc_pages\nops = alloc, pair\n"
	"gfp = kernel\nsizes = 8..4K x2\n"
	"[latency atomic]\nallocators = kmalloc\nops = alloc\ngfp = atomic\nsizes = 64, 128\n";

static void build_visits(const char *seed, const char *repeat, const char *subseries,
			 struct config *cfg, struct plan *p)
{
	char text[1024];

	snprintf(text, sizeof(text), small, seed, repeat, subseries);
	load_text(text, cfg);
	assert_int_equal(plan_build(cfg, p), 0);
}

/* One visit per point: the plan as it was before sub-series. */
static void build(const char *seed, const char *repeat, struct config *cfg, struct plan *p)
{
	char text[1024];

	snprintf(text, sizeof(text), small, seed, repeat, "1");
	load_text(text, cfg);
	assert_int_equal(plan_build(cfg, p), 0);
}

static void test_count(void **state)
{
	struct config cfg;
	struct plan p;
	char err[CFG_ERR_LEN];

	(void)state;
	build("1", "1", &cfg, &p);
	/* 3 allocators x 2 ops x 10 sizes + 1 x 1 x 2 */
	assert_int_equal(p.n, 62);
	assert_int_equal(p.per_repeat, 62);
	plan_free(&p);
	config_free(&cfg);

	build("1", "3", &cfg, &p);
	assert_int_equal(p.n, 186);
	for (size_t i = 0; i < p.n; i++)
		assert_int_equal(p.v[i].repeat, i / 62);
	plan_free(&p);
	config_free(&cfg);

	assert_int_equal(config_load(TOP_DIR "/configs/quick.conf", &cfg, err, sizeof(err)), 0);
	assert_int_equal(plan_build(&cfg, &p), 0);
	/*
	 * [latency]: every allocator x 4 ops x 7 sizes, each visited 6 times
	 * (the default subseries); [latency agree]: 2 allocators x 3 ops x 1
	 * size, 6 visits each; [access]: every allocator x 1 layout x 2 sizes;
	 * [mapping]: direct, vmap, vmalloc_huge x 1 layout x 1 size; [uaccess]
	 * plans nothing (it runs on the host).
	 */
	assert_int_equal(p.n, ALLOCBENCH_NR_ALLOCATORS * 4 * 7 * 6 + 2 * 3 * 6 +
			      ALLOCBENCH_NR_ALLOCATORS * 2 + 3);
	plan_free(&p);
	config_free(&cfg);
}

static int same_order(const struct plan *a, const struct plan *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].allocator != b->v[i].allocator || a->v[i].op != b->v[i].op ||
		    a->v[i].gfp != b->v[i].gfp || a->v[i].bytes != b->v[i].bytes)
			return 0;
	return 1;
}

static void test_deterministic(void **state)
{
	struct config c1, c2, c3;
	struct plan p1, p2, p3;

	(void)state;
	build("7", "1", &c1, &p1);
	build("7", "1", &c2, &p2);
	build("8", "1", &c3, &p3);
	assert_true(same_order(&p1, &p2));
	assert_false(same_order(&p1, &p3));
	/* Shuffled at all: not the canonical order. */
	{
		struct point *s = malloc(p1.n * sizeof(*s));
		int moved = 0;

		memcpy(s, p1.v, p1.n * sizeof(*s));
		plan_sort(s, p1.n);
		for (size_t i = 0; i < p1.n; i++)
			moved += s[i].allocator != p1.v[i].allocator || s[i].bytes != p1.v[i].bytes ||
				 s[i].op != p1.v[i].op;
		assert_true(moved > 0);
		free(s);
	}
	plan_free(&p1);
	plan_free(&p2);
	plan_free(&p3);
	config_free(&c1);
	config_free(&c2);
	config_free(&c3);
}

/* A pinned sequence: the shuffle must not change across libcs or refactors. */
static void test_rng_pinned(void **state)
{
	struct rng r;

	(void)state;
	rng_seed(&r, 1);
	assert_int_equal(rng_next(&r), 0x910a2dec89025cc1ULL);
	assert_int_equal(rng_next(&r), 0xbeeb8da1658eec67ULL);
	rng_seed(&r, 42);
	for (int i = 0; i < 10000; i++)
		assert_true(rng_below(&r, 7) < 7);
	assert_int_equal(rng_below(&r, 1), 0);
}

/* Each repeat is its own order of the same points. */
static void test_repeats(void **state)
{
	struct config cfg;
	struct plan p;
	size_t n;
	struct point *a, *b;
	int differs = 0;

	(void)state;
	build("1", "2", &cfg, &p);
	n = p.per_repeat;
	for (size_t i = 0; i < n; i++)
		differs |= p.v[i].bytes != p.v[n + i].bytes || p.v[i].allocator != p.v[n + i].allocator ||
			   p.v[i].op != p.v[n + i].op;
	assert_true(differs);
	a = malloc(n * sizeof(*a));
	b = malloc(n * sizeof(*b));
	memcpy(a, p.v, n * sizeof(*a));
	memcpy(b, p.v + n, n * sizeof(*b));
	plan_sort(a, n);
	plan_sort(b, n);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(a[i].allocator, b[i].allocator);
		assert_int_equal(a[i].op, b[i].op);
		assert_int_equal(a[i].gfp, b[i].gfp);
		assert_int_equal(a[i].bytes, b[i].bytes);
	}
	free(a);
	free(b);
	plan_free(&p);
	config_free(&cfg);
}

static void test_sorted(void **state)
{
	struct config cfg;
	struct plan p;

	(void)state;
	build("3", "2", &cfg, &p);
	plan_sort(p.v, p.n);
	for (size_t i = 1; i < p.n; i++) {
		const struct point *x = &p.v[i - 1], *y = &p.v[i];

		assert_true(point_cmp(x, y) <= 0);
		assert_true(x->allocator < y->allocator ||
			    (x->allocator == y->allocator &&
			     (x->op < y->op || (x->op == y->op &&
			      (x->gfp < y->gfp || (x->gfp == y->gfp &&
			       (x->bytes < y->bytes || (x->bytes == y->bytes && x->repeat < y->repeat))))))));
	}
	/* The first point is kmalloc alloc kernel 8, repeat 0. */
	assert_int_equal(p.v[0].allocator, 0);
	assert_int_equal(p.v[0].bytes, 8);
	assert_int_equal(p.v[0].repeat, 0);
	plan_free(&p);
	config_free(&cfg);
}

/* Visit v of n runs in the v-th n-th of its repeat; every point gets all its visits. */
static void test_visits_stratified(void **state)
{
	struct config cfg;
	struct plan p;
	size_t n;

	(void)state;
	build_visits("5", "2", "6", &cfg, &p);
	assert_int_equal(p.n, 62 * 6 * 2);
	n = p.per_repeat;
	assert_int_equal(n, 62 * 6);
	for (size_t i = 0; i < p.n; i++) {
		const struct point *pt = &p.v[i];

		assert_int_equal(pt->visits, 6);
		assert_int_equal(pt->repeat, i / n);
		assert_int_equal(pt->visit, (i % n) / 62);
	}
	plan_free(&p);
	config_free(&cfg);
}

/* Each stretch is its own shuffle: a point's visits do not sit at one offset. */
static void test_visits_move(void **state)
{
	struct config cfg;
	struct plan p;
	int moved = 0;

	(void)state;
	build_visits("5", "1", "3", &cfg, &p);
	for (size_t i = 0; i < 62; i++)
		moved |= p.v[i].allocator != p.v[62 + i].allocator || p.v[i].bytes != p.v[62 + i].bytes ||
			 p.v[i].op != p.v[62 + i].op || p.v[i].gfp != p.v[62 + i].gfp;
	assert_true(moved);
	plan_free(&p);
	config_free(&cfg);
}

/* Single-visit points of other kinds are spread over the whole repeat, not packed in a stretch. */
static void test_stratify_spreads_single(void **state)
{
	struct point v[40];
	size_t last_single = 0, first_single = 40;

	(void)state;
	memset(v, 0, sizeof(v));
	for (size_t i = 0; i < 40; i++) {
		v[i].bytes = i;
		v[i].visits = i % 4 ? 3 : 1;	/* 10 single, 30 visits of 3 */
		v[i].visit = (uint32_t)(i % 3);
	}
	assert_int_equal(plan_stratify(v, 40), 0);
	for (size_t i = 0; i < 40; i++) {
		if (v[i].visits == 1) {
			if (i < first_single)
				first_single = i;
			last_single = i;
		}
	}
	assert_true(first_single < 10);
	assert_true(last_single > 30);
	for (size_t i = 1; i < 40; i++)
		if (v[i].visits == 3 && v[i - 1].visits == 3)
			assert_true(v[i].visit >= v[i - 1].visit);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_visits_stratified),
		cmocka_unit_test(test_visits_move),
		cmocka_unit_test(test_stratify_spreads_single),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_rng_pinned),
		cmocka_unit_test(test_repeats),
		cmocka_unit_test(test_sorted),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
