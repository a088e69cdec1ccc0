// SPDX-License-Identifier: GPL-2.0
/* [scale]: the threads list, the figures of one point, efficiency, and the config keys. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "plan.h"
#include "scale_calc.h"

static void test_threads_parse(void **state)
{
	struct scale_threads t;
	char err[256];

	(void)state;
	assert_int_equal(scale_threads_parse("threads", "1, 2,4 , all", 256, &t, err, sizeof(err)), 0);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.v[0], 1);
	assert_int_equal(t.v[2], 4);
	assert_int_equal(t.v[3], SCALE_THREADS_ALL);
	assert_int_equal(scale_threads_max(&t), 4);
	assert_int_equal(scale_threads_parse("threads", "all", 256, &t, err, sizeof(err)), 0);
	assert_int_equal(scale_threads_max(&t), 0);

	assert_int_equal(scale_threads_parse("threads", "0", 256, &t, err, sizeof(err)), -1);
	assert_string_equal(err, "threads: '0' is not a thread count (1..256) or 'all'");
	assert_int_equal(scale_threads_parse("threads", "257", 256, &t, err, sizeof(err)), -1);
	assert_int_equal(scale_threads_parse("threads", "two", 256, &t, err, sizeof(err)), -1);
	assert_string_equal(err, "threads: 'two' is not a thread count (1..256) or 'all'");
	assert_int_equal(scale_threads_parse("threads", "1,,2", 256, &t, err, sizeof(err)), -1);
	assert_string_equal(err, "threads: empty item in list");
	assert_int_equal(scale_threads_parse("threads", "", 256, &t, err, sizeof(err)), -1);
	assert_int_equal(scale_threads_parse("threads", "-1", 256, &t, err, sizeof(err)), -1);
	assert_int_equal(scale_threads_parse("threads", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,"
					     "21,22,23,24,25,26,27,28,29,30,31,32,33", 256, &t, err, sizeof(err)), -1);
	assert_string_equal(err, "threads: more than 32 thread counts");
}

static void test_threads_expand(void **state)
{
	struct scale_threads t;
	unsigned out[SCALE_MAX_COUNTS];
	char err[256];

	(void)state;
	assert_int_equal(scale_threads_parse("threads", "1, 2, all", 256, &t, err, sizeof(err)), 0);
	/* all = 2 online: the duplicate goes */
	assert_int_equal(scale_threads_expand(&t, 2, out, SCALE_MAX_COUNTS), 2);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 2);
	assert_int_equal(scale_threads_expand(&t, 8, out, SCALE_MAX_COUNTS), 3);
	assert_int_equal(out[2], 8);
	/* written out of order */
	assert_int_equal(scale_threads_parse("threads", "all, 4, 1, 4", 256, &t, err, sizeof(err)), 0);
	assert_int_equal(scale_threads_expand(&t, 2, out, SCALE_MAX_COUNTS), 3);
	assert_int_equal(out[0], 1);
	assert_int_equal(out[1], 2);
	assert_int_equal(out[2], 4);
	assert_int_equal(scale_threads_expand(&t, 2, out, 1), 1);
}

static void test_figures(void **state)
{
	/* 100 ops in 1 s and 50 ops in 0.5 s: both 100/s; 150 ops over the longest (1 s) */
	const struct scale_worker even[] = { { 100, 1000000000 }, { 50, 500000000 } };
	/* 300/s and 100/s */
	const struct scale_worker uneven[] = { { 300, 1000000000 }, { 100, 1000000000 } };
	const struct scale_worker idle[] = { { 0, 0 }, { 0, 0 } };
	struct scale_figures f;

	(void)state;
	assert_int_equal(scale_figures_compute(even, 2, &f), 0);
	assert_int_equal(f.total_ops, 150);
	assert_true(fabs(f.total_ops_per_s - 150) < 1e-9);
	assert_true(fabs(f.thread_mean - 100) < 1e-9);
	assert_true(fabs(f.min_max_ratio - 1) < 1e-12);
	assert_true(fabs(f.cv_pct) < 1e-9);

	assert_int_equal(scale_figures_compute(uneven, 2, &f), 0);
	assert_true(fabs(f.total_ops_per_s - 400) < 1e-9);
	assert_true(fabs(f.thread_min - 100) < 1e-9);
	assert_true(fabs(f.thread_max - 300) < 1e-9);
	assert_true(fabs(f.min_max_ratio - 1.0 / 3) < 1e-12);
	/* population sd 100 over mean 200 */
	assert_true(fabs(f.cv_pct - 50) < 1e-9);

	assert_int_equal(scale_figures_compute(uneven, 1, &f), 0);
	assert_true(fabs(f.cv_pct) < 1e-9);
	assert_true(fabs(f.min_max_ratio - 1) < 1e-12);

	assert_int_equal(scale_figures_compute(idle, 2, &f), 0);
	assert_true(isnan(f.total_ops_per_s) && isnan(f.min_max_ratio) && isnan(f.cv_pct));
	assert_int_equal(scale_figures_compute(idle, 0, &f), -1);
}

static void test_efficiency(void **state)
{
	(void)state;
	assert_true(fabs(scale_efficiency(150, 2, 100) - 0.75) < 1e-12);
	assert_true(fabs(scale_efficiency(100, 1, 100) - 1) < 1e-12);
	assert_true(fabs(scale_efficiency(500, 2, 100) - 2.5) < 1e-12);	/* superlinear is reported as is */
	assert_true(isnan(scale_efficiency(150, 0, 100)));
	assert_true(isnan(scale_efficiency(150, 2, 0)));
	assert_true(isnan(scale_efficiency(NAN, 2, 100)));
	assert_true(isnan(scale_efficiency(150, 2, NAN)));
	assert_true(isnan(scale_efficiency(0, 2, 100)));
}

/* Loads text as a config: 0, or -1 with the message after "PATH:" in msg. */
static int load_text(const char *text, struct config *cfg, char *msg, size_t len)
{
	char path[] = "/tmp/allocbench-test-scale-XXXXXX", err[CFG_ERR_LEN];
	int fd = mkstemp(path), rc;
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	rc = config_load(path, cfg, err, sizeof(err));
	unlink(path);
	snprintf(msg, len, "%s", rc ? err + strlen(path) + 1 : "");
	return rc;
}

static void test_config_keys(void **state)
{
	struct config cfg;
	struct plan p = { 0 };
	char msg[CFG_ERR_LEN], buf[32];

	(void)state;
	assert_int_equal(load_text("[run]\nsmp = 4\n[scale]\nallocators = kmalloc, vmalloc\npatterns = pair, remote_free\n"
				   "sizes = 64, 4K\nthreads = 1, all\nburst = 16\nduration_ms = 50\nwarmup_ms = 0\n"
				   "sample_every = 8\nsamples_per_thread = 100\n", &cfg, msg, sizeof(msg)), 0);
	assert_int_equal(config_get(&cfg, "smp", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "4");
	assert_int_equal(plan_build(&cfg, &p), 0);
	/* 2 allocators x 2 patterns x 2 sizes x {1, online}: 8 or 16 points */
	assert_true(p.per_repeat == (sysconf(_SC_NPROCESSORS_ONLN) > 1 ? 16u : 8u));
	plan_free(&p);
	config_free(&cfg);

	/* defaults: smp 2 */
	assert_int_equal(load_text("[scale]\n", &cfg, msg, sizeof(msg)), 0);
	assert_int_equal(config_get(&cfg, "smp", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "2");
	config_free(&cfg);
}

static void test_config_errors(void **state)
{
	struct config cfg;
	char msg[CFG_ERR_LEN], want[CFG_ERR_LEN];

	(void)state;
	/* more threads than CPUs (here or [run] smp): the threads key's line */
	assert_int_equal(load_text("[run]\nsmp = 2\n[scale]\nsizes = 64\nthreads = 1, 256\n", &cfg, msg, sizeof(msg)), -1);
	snprintf(want, sizeof(want), "5: threads: 256 is more than the %ld CPUs online here (use 'all' for every CPU)",
		 sysconf(_SC_NPROCESSORS_ONLN));
	assert_string_equal(msg, want);
	assert_int_equal(load_text("[scale]\nthreads = 1, none\n", &cfg, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "2: threads: 'none' is not a thread count (1..256) or 'all'");
	assert_int_equal(load_text("[scale]\npatterns = pair, ping\n", &cfg, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "2: unknown pattern 'ping' (known: all, pair, burst, remote_free)");
	assert_int_equal(load_text("[scale]\nburst = 0\n", &cfg, msg, sizeof(msg)), -1);
	assert_int_equal(load_text("[scale]\nduration_ms = 60001\n", &cfg, msg, sizeof(msg)), -1);
	assert_int_equal(load_text("[scale]\nsamples_per_thread = 65537\n", &cfg, msg, sizeof(msg)), -1);
	assert_int_equal(load_text("[scale]\nsample_every = 0\n", &cfg, msg, sizeof(msg)), -1);
	assert_int_equal(load_text("[scale]\nthread = 2\n", &cfg, msg, sizeof(msg)), -1);
	assert_string_equal(msg, "2: unknown key 'thread' in [scale]");
	assert_int_equal(load_text("[scale]\n[scale]\n", &cfg, msg, sizeof(msg)), -1);
	assert_int_equal(load_text("[run]\nsmp = 0\n[scale]\n", &cfg, msg, sizeof(msg)), -1);
	assert_int_equal(load_text("[run]\nsmp = 257\n[scale]\n", &cfg, msg, sizeof(msg)), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads_parse),
		cmocka_unit_test(test_threads_expand),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_efficiency),
		cmocka_unit_test(test_config_keys),
		cmocka_unit_test(test_config_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
