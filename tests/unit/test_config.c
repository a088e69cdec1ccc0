// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <cmocka.h>

#include "config.h"
#include "plan.h"

#define BAD_DIR TOP_DIR "/tests/unit/bad-configs/"

/* Every file in bad-configs/ with the exact message it must produce (after "PATH:"). */
static const struct {
	const char *file, *msg;
} bad[] = {
	{ "bad-bool.conf", "2: bad value 'maybe' for touch (expected yes or no)" },
	{ "bad-label.conf", "1: bad section name [latency a b]: expected [latency] or [latency LABEL] (label: letters, digits, _ - .)" },
	{ "bad-memory.conf", "2: memory must be a whole number of MiB, at least 64M (got '1000000')" },
	{ "bad-number.conf", "3: bad number 'lots' for iterations (expected 1..16777216)" },
	{ "bad-range.conf", "2: sizes: bad range '64..8 x2': end is below start" },
	{ "bad-size.conf", "3: sizes: bad size '4Q': unknown suffix (use K, M, G or T)" },
	{ "burst-zero.conf", "3: bad number '0' for burst (expected 1..65536)" },
	{ "duplicate-key.conf", "4: duplicate key 'seed' in [run] (first at line 2)" },
	{ "duplicate-section.conf", "4: duplicate section [latency] (first at line 1)" },
	{ "empty-list.conf", "3: ops: empty list" },
	{ "iterations-below-min.conf", "3: iterations (20) is below min_samples (50)" },
	{ "key-outside-section.conf", "1: key 'iterations' outside a section (start with [run] or [latency])" },
	{ "no-experiment.conf", "2: no experiment section: add [latency] (see configs/README.md)" },
	{ "number-out-of-range.conf", "2: bad number '5000' for batch (expected 1..4096)" },
	{ "overlapping-sections.conf", "5: [latency small] measures points that [latency] (line 1) already has, e.g. kmalloc alloc kernel 32: sections must not overlap" },
	{ "syntax-error.conf", "2: syntax error: expected '[section]', 'key = value' or a comment" },
	{ "unknown-allocator.conf", "2: unknown allocator 'kmallok' (known: all, kmalloc, kzalloc, kmem_cache, kvmalloc, vmalloc, vzalloc, vmalloc_huge, alloc_pages, get_free_pages, alloc_pages_exact, vmap)" },
	{ "unknown-gfp.conf", "2: unknown gfp 'nofs' (known: kernel, atomic, noretry, nowait)" },
	{ "unknown-key-latency.conf", "3: unknown key 'size' in [latency]" },
	{ "unknown-key-run.conf", "3: unknown key 'itertions' in [run]" },
	{ "unknown-op.conf", "2: unknown op 'realloc' (known: alloc, free, pair, burst)" },
	{ "uaccess-passes-range.conf", "3: bad number '500' for passes (expected 1..101)" },
	{ "uaccess-two-sections.conf", "4: only one [uaccess] section per config (the first is at line 1)" },
	{ "uaccess-unknown-backing.conf", "2: unknown backing 'gigantic' (known: 4k, thp, hugetlb)" },
	{ "unknown-section.conf", "4: unknown section [latnecy] (known: run, latency, access, mapping, probe, frag, overhead, uaccess)" },
};
#define NBAD (sizeof(bad) / sizeof(bad[0]))

static void test_bad_configs(void **state)
{
	(void)state;
	for (size_t i = 0; i < NBAD; i++) {
		char path[512], want[1024], err[CFG_ERR_LEN] = "";
		struct config cfg;

		snprintf(path, sizeof(path), BAD_DIR "%s", bad[i].file);
		snprintf(want, sizeof(want), "%s:%s", path, bad[i].msg);
		if (config_load(path, &cfg, err, sizeof(err)) != -1)
			fail_msg("%s: accepted", bad[i].file);
		assert_string_equal(err, want);
		assert_null(cfg.sec);	/* freed on error */
	}
}

/* A new bad config without an expected message is a test failure, not a silent pass. */
static void test_bad_configs_all_listed(void **state)
{
	DIR *d = opendir(BAD_DIR);
	struct dirent *e;
	size_t n = 0;

	(void)state;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name), i;

		if (len < 6 || strcmp(e->d_name + len - 5, ".conf"))
			continue;
		for (i = 0; i < NBAD; i++)
			if (!strcmp(bad[i].file, e->d_name))
				break;
		if (i == NBAD)
			fail_msg("bad-configs/%s has no expected message in test_config.c", e->d_name);
		n++;
	}
	closedir(d);
	assert_int_equal(n, NBAD);
	assert_true(n >= 12);
}

static void load_ok(const char *path, struct config *cfg)
{
	char err[CFG_ERR_LEN] = "";

	if (config_load(path, cfg, err, sizeof(err)))
		fail_msg("%s", err);
}

static void test_quick_conf(void **state)
{
	struct config cfg;
	char v[1100];

	(void)state;
	load_ok(TOP_DIR "/configs/quick.conf", &cfg);
	assert_string_equal(cfg.run.name, "quick");
	assert_int_equal(cfg.run.iterations, 200);
	assert_int_equal(cfg.run.warmup, 50);
	assert_int_equal(cfg.nsec, 4);	/* [latency], [access], [mapping], [uaccess] */
	assert_string_equal(cfg.sec[0].title, "latency");
	assert_string_equal(cfg.sec[1].title, "access");
	assert_string_equal(cfg.sec[2].title, "mapping");
	assert_string_equal(cfg.sec[3].title, "uaccess");
	assert_int_equal(config_get(&cfg, "cmdline", v, sizeof(v)), 0);
	assert_string_equal(v, "init_on_alloc=0");
	assert_int_equal(config_get(&cfg, "memory", v, sizeof(v)), 0);
	assert_string_equal(v, "1024M");
	assert_int_equal(config_get(&cfg, "nonsense", v, sizeof(v)), -1);
	config_free(&cfg);
}

static void test_default_conf(void **state)
{
	struct config cfg;
	char v[64];

	(void)state;
	load_ok(TOP_DIR "/configs/default.conf", &cfg);
	assert_string_equal(cfg.run.name, "default");	/* from the file name */
	assert_int_equal(cfg.run.iterations, 1000);
	assert_int_equal(cfg.run.time_budget_ms, 100);
	assert_int_equal(cfg.nsec, 5);	/* + [access], [mapping], [uaccess] */
	assert_string_equal(cfg.sec[1].title, "latency atomic");
	assert_string_equal(cfg.sec[2].title, "access");
	assert_string_equal(cfg.sec[3].title, "mapping");
	assert_string_equal(cfg.sec[1].label, "atomic");
	assert_int_equal(config_get(&cfg, "cmdline", v, sizeof(v)), 0);
	assert_string_equal(v, "");
	config_free(&cfg);
}

/* Defaults of configs/README.md when a key is absent. */
static void test_defaults(void **state)
{
	char path[] = "/tmp/allocbench-test-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct config cfg;

	(void)state;
	fputs("; only an experiment\n[latency]\n", f);
	fclose(f);
	load_ok(path, &cfg);
	unlink(path);
	assert_int_equal(cfg.run.cpu, 0);
	assert_int_equal(cfg.run.seed, 1);
	assert_int_equal(cfg.run.repeat, 1);
	assert_int_equal(cfg.run.warmup, 200);
	assert_int_equal(cfg.run.iterations, 1000);
	assert_int_equal(cfg.run.min_samples, 5);
	assert_int_equal(cfg.run.time_budget_ms, 100);
	assert_int_equal(cfg.run.batch, 64);
	assert_int_equal(cfg.run.batch_below_ns, 1000);
	assert_int_equal(cfg.run.memory, 1ULL << 30);
	assert_int_equal(cfg.run.mem_cap_percent, 50);
	assert_string_equal(cfg.run.cmdline, "");
	config_free(&cfg);
}

static void test_missing_file(void **state)
{
	struct config cfg;
	char err[CFG_ERR_LEN];

	(void)state;
	assert_int_equal(config_load("/nonexistent/x.conf", &cfg, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/x.conf: cannot open: No such file or directory");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_bad_configs_all_listed),
		cmocka_unit_test(test_quick_conf),
		cmocka_unit_test(test_default_conf),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_missing_file),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
