// SPDX-License-Identifier: GPL-2.0
/* Deep-dive points (`allocbench perf`, [perf] points =): parsing, names, config. */
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
#include "perf_point.h"

static void good(const char *s, const char *slug, const char *desc)
{
	struct perf_point pt;
	char err[512] = "";

	assert_int_equal(perf_point_parse(s, &pt, err, sizeof(err)), 0);
	assert_string_equal(pt.slug, slug);
	assert_string_equal(pt.desc, desc);
}

static void bad(const char *s, const char *needle)
{
	struct perf_point pt;
	char err[512] = "";

	assert_int_equal(perf_point_parse(s, &pt, err, sizeof(err)), -1);
	if (!strstr(err, needle))
		fail_msg("'%s': message '%s' lacks '%s'", s, err, needle);
}

static void test_points(void **state)
{
	(void)state;
	good("vmalloc pair 1M", "vmalloc-pair-1M-kernel", "vmalloc pair 1M gfp=kernel");
	good("vmalloc pair 1M gfp=kernel", "vmalloc-pair-1M-kernel", "vmalloc pair 1M gfp=kernel");
	good("  1M  pair\tvmalloc ", "vmalloc-pair-1M-kernel", "vmalloc pair 1M gfp=kernel");
	good("kmalloc pair 64 gfp=atomic", "kmalloc-pair-64-atomic", "kmalloc pair 64 gfp=atomic");
	good("kmalloc pair 64 noretry", "kmalloc-pair-64-noretry", "kmalloc pair 64 gfp=noretry");
	good("kmalloc burst 4K", "kmalloc-burst-4K-kernel-b64", "kmalloc burst 4K gfp=kernel burst=64");
	good("kmalloc burst 4K burst=16", "kmalloc-burst-4K-kernel-b16", "kmalloc burst 4K gfp=kernel burst=16");
	good("alloc_pages alloc 2M touch", "alloc_pages-alloc-2M-kernel-touch",
	     "alloc_pages alloc 2M gfp=kernel touch");
	good("__get_free_pages free 4K", "get_free_pages-free-4K-kernel", "get_free_pages free 4K gfp=kernel");
}

static void test_bad_points(void **state)
{
	(void)state;
	bad("vmaloc pair 1M", "unknown point 'vmaloc pair 1M': 'vmaloc' is not an allocator");
	bad("vmalloc pair", "missing the size");
	bad("vmalloc 1M", "missing the op");
	bad("pair 1M", "missing the allocator");
	bad("", "missing the allocator");
	bad("vmalloc kmalloc pair 1M", "two allocators");
	bad("vmalloc pair free 1M", "two ops");
	bad("vmalloc pair 1M 2M", "two sizes");
	bad("vmalloc pair 1Q", "bad size '1Q'");
	bad("vmalloc pair 1M gfp=sometimes", "unknown gfp profile 'sometimes'");
	bad("vmalloc pair 1M gfp=atomic noretry", "two gfp profiles");
	bad("kmalloc pair 64 burst=8", "burst= goes with op burst only");
	bad("kmalloc burst 64 burst=0", "burst must be 1..");
}

static void test_lists(void **state)
{
	struct perf_point *v = NULL;
	size_t n = 0;
	char err[512] = "";

	(void)state;
	assert_int_equal(perf_point_list_parse("vmalloc pair 1M, kmalloc pair 64; vzalloc alloc 4K", &v, &n,
					       err, sizeof(err)), 0);
	assert_int_equal(n, 3);
	assert_string_equal(v[1].slug, "kmalloc-pair-64-kernel");
	assert_int_equal(v[2].allocator, ALLOCBENCH_VZALLOC);
	assert_int_equal(perf_point_list_parse("kmalloc pair 64 gfp=kernel", &v, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "listed twice"));
	free(v);
	v = NULL;
	n = 0;
	assert_int_equal(perf_point_list_parse(" , ;", &v, &n, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no point given"));
	free(v);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_config_section(void **state)
{
	char path[] = "/tmp/allocbench-test-perf-XXXXXX";
	struct config cfg;
	const struct perf_settings *ps;
	char err[CFG_ERR_LEN];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_file(path, "[run]\nname = p\n[perf]\npoints = vmalloc pair 1M, kmalloc pair 64\nseconds = 3\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	ps = config_perf(&cfg);
	assert_non_null(ps);
	assert_int_equal(ps->n, 2);
	assert_int_equal(ps->seconds, 3);
	assert_string_equal(ps->points[0].slug, "vmalloc-pair-1M-kernel");
	config_free(&cfg);

	write_file(path, "[perf]\npoints = vmalloc pear 1M\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":2: "));
	assert_non_null(strstr(err, "'pear' is not an allocator"));

	write_file(path, "[perf]\nseconds = 3\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":1: [perf] needs points"));

	write_file(path, "[perf]\npoints = kmalloc pair 64\nseconds = 0\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ":3: "));

	write_file(path, "[run]\nname = q\n[latency]\nallocators = kmalloc\nsizes = 64\n");
	assert_int_equal(config_load(path, &cfg, err, sizeof(err)), 0);
	assert_null(config_perf(&cfg));
	config_free(&cfg);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_points),
		cmocka_unit_test(test_bad_points),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_config_section),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
