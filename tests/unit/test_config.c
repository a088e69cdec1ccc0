// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <cmocka.h>

#include "config.h"
#include "experiment.h"
#include "names.h"
#include "plan.h"

#define BAD_DIR TOP_DIR "/tests/unit/bad-configs/"

/* "latency, access, ...": the section kinds, from experiment_kinds[]. */
static const char *kind_names(void)
{
	static char buf[512];
	size_t o = 0;

	for (int i = 0; experiment_kinds[i]; i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? ", " : "", experiment_kinds[i]->name);
	return buf;
}

/*
 * Every file in bad-configs/ with the exact message it must produce (after
 * "PATH:"); %s, where present, is the section kinds in an unknown-section
 * message, else the allocators.
 */
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
	{ "header-extra-bracket.conf", "1: unexpected text after [latency]: ']]' (a section header stands alone on its line)" },
	{ "header-trailing-key.conf", "2: unexpected text after [latency]: 'sizes = 64M' (a section header stands alone on its line)" },
	{ "header-trailing-text.conf", "1: unexpected text after [run]: 'garbage' (a section header stands alone on its line)" },
	{ "empty-list.conf", "3: ops: empty list" },
	{ "label-too-long.conf", "1: bad section name [latency aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa]: label longer than 63 characters" },
	{ "iterations-below-min.conf", "3: iterations (20) is below min_samples (50)" },
	{ "key-outside-section.conf", "1: key 'iterations' outside a section (start with [run] or [latency])" },
	{ "no-experiment.conf", "2: no experiment section: add [latency] (see configs/README.md)" },
	{ "number-out-of-range.conf", "2: bad number '5000' for batch (expected 1..4096)" },
	{ "overlapping-sections.conf", "5: [latency small] measures points that [latency] (line 1) already has, e.g. kmalloc alloc kernel 32: sections must not overlap" },
	{ "subseries-zero.conf", "2: bad number '0' for subseries (expected 1..64)" },
	{ "syntax-error.conf", "2: syntax error: expected '[section]', 'key = value' or a comment" },
	/* %s: every allocator of the runner's table (names.c), in ABI order */
	{ "unknown-allocator.conf", "2: unknown allocator 'kmallok' (known: all, %s)" },
	{ "unknown-gfp.conf", "2: unknown gfp 'nofs' (known: kernel, atomic, noretry, nowait)" },
	{ "unknown-key-latency.conf", "3: unknown key 'size' in [latency]" },
	{ "unknown-key-run.conf", "3: unknown key 'itertions' in [run]" },
	{ "unknown-op.conf", "2: unknown op 'realloc' (known: alloc, free, pair, burst)" },
	{ "uaccess-passes-range.conf", "3: bad number '500' for passes (expected 1..101)" },
	{ "uaccess-two-sections.conf", "4: only one [uaccess] section per config (the first is at line 1)" },
	{ "uaccess-unknown-backing.conf", "2: unknown backing 'gigantic' (known: 4k, thp, hugetlb)" },
	{ "unknown-section.conf", "4: unknown section [latnecy] (known: run, %s)" },
};
#define NBAD (sizeof(bad) / sizeof(bad[0]))

static void test_bad_configs(void **state)
{
	(void)state;
	for (size_t i = 0; i < NBAD; i++) {
		char path[512], msg[1024], want[1600], err[CFG_ERR_LEN] = "";
		struct config cfg;

		snprintf(path, sizeof(path), BAD_DIR "%s", bad[i].file);
		snprintf(msg, sizeof(msg), bad[i].msg,
			 strstr(bad[i].msg, "unknown section") ? kind_names() : allocator_names_list());
		snprintf(want, sizeof(want), "%s:%s", path, msg);
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

/* Writes len bytes (NUL bytes included) to a new temporary file; its path in path. */
static void write_temp(char *path, const char *text, size_t len)
{
	int fd;
	FILE *f;

	strcpy(path, "/tmp/allocbench-test-XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

/* Loads text (len bytes) and expects the error "PATH:" + want. */
static void expect_error(const char *text, size_t len, const char *want)
{
	char path[64], full[CFG_ERR_LEN], err[CFG_ERR_LEN] = "";
	struct config cfg;
	int rc;

	write_temp(path, text, len);
	rc = config_load(path, &cfg, err, sizeof(err));
	unlink(path);
	if (rc != -1)
		fail_msg("accepted, expected '%s'", want);
	snprintf(full, sizeof(full), "%s:%s", path, want);
	assert_string_equal(err, full);
	assert_null(cfg.sec);
}

/* Loads text and expects it to be accepted; cfg must be freed by the caller. */
static void expect_ok(const char *text, struct config *cfg)
{
	char path[64];

	write_temp(path, text, strlen(text));
	load_ok(path, cfg);
	unlink(path);
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
	assert_int_equal(cfg.nsec, 5);	/* [latency], [latency agree], [access], [mapping], [uaccess] */
	assert_string_equal(cfg.sec[0].title, "latency");
	assert_string_equal(cfg.sec[1].title, "latency agree");
	assert_string_equal(cfg.sec[2].title, "access");
	assert_string_equal(cfg.sec[3].title, "mapping");
	assert_string_equal(cfg.sec[4].title, "uaccess");
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
	assert_int_equal(cfg.nsec, 6);	/* + [access], [mapping], [scale], [uaccess] */
	assert_string_equal(cfg.sec[1].title, "latency atomic");
	assert_string_equal(cfg.sec[2].title, "access");
	assert_string_equal(cfg.sec[3].title, "mapping");
	assert_string_equal(cfg.sec[4].title, "scale");
	assert_int_equal(cfg.run.smp, 2);
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
	assert_int_equal(cfg.run.subseries, 6);
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


/* Only blanks or a comment may follow a section header; the header still counts. */
static void test_header_comment_allowed(void **state)
{
	struct config cfg;

	(void)state;
	expect_ok("[run]   ; how the run behaves\n[latency] # defaults\n[latency big];x\nsizes = 8M\n", &cfg);
	assert_int_equal(cfg.run.line, 1);
	assert_int_equal(cfg.nsec, 2);
	assert_string_equal(cfg.sec[1].title, "latency big");
	config_free(&cfg);
}

/*
 * A NUL byte ends the string fgets returns: the rest of the line was
 * ignored, and past 4,095 bytes read as a line of its own.
 */
static void test_nul_bytes(void **state)
{
	static const char short_nul[] = "[latency]\nsizes = 64M\0 garbage\n";
	static const char last_nul[] = "[latency]\nsizes = 64\0";
	char text[8192];
	size_t n = 0;

	(void)state;
	expect_error(short_nul, sizeof(short_nul) - 1, "2: NUL byte at column 12 (a config file is text)");
	expect_error(last_nul, sizeof(last_nul) - 1, "2: NUL byte at column 11 (a config file is text)");

	/* A value hidden after a NUL, 4,095 bytes into one physical line. */
	n += (size_t)sprintf(text + n, "[latency]\n; c");
	text[n++] = '\0';
	memset(text + n, 'x', 4095 - 4);
	n += 4095 - 4;
	n += (size_t)sprintf(text + n, "sizes = 64M\n");
	expect_error(text, n, "2: NUL byte at column 4 (a config file is text)");
}

/* Over-long lines are refused wherever they are: comment, value, last line without newline. */
static void test_long_lines(void **state)
{
	char text[12000];
	size_t n;

	(void)state;
	n = (size_t)sprintf(text, "[latency]\n; ");
	memset(text + n, 'x', 5000);
	n += 5000;
	strcpy(text + n, "\nsizes = 8\n");
	expect_error(text, strlen(text), "2: line too long (more than 198 characters)");

	n = (size_t)sprintf(text, "[latency]\nsizes = 8\n\n; ");
	memset(text + n, 'y', 9000);
	n += 9000;	/* no newline at the end */
	expect_error(text, n, "4: line too long (more than 198 characters)");

	n = (size_t)sprintf(text, "[latency]\nsizes = 8");
	memset(text + n, ' ', 190);
	strcpy(text + n + 190, "\n");
	expect_error(text, strlen(text), "2: line too long (more than 198 characters)");
}

/*
 * The first earlier section that overlaps is named, with the smallest point
 * both measure, even when a later-listed section shares a smaller size.
 */
static void test_overlap_names_first_section(void **state)
{
	static const char text[] =
		"[latency a]\nallocators = kmalloc\nsizes = 256\n"
		"[latency b]\nallocators = vmalloc\nsizes = 64\n"
		"[latency c]\nsizes = 64, 256, 512\n";

	(void)state;
	expect_error(text, sizeof(text) - 1,
		     "7: [latency c] measures points that [latency a] (line 1) already has, e.g. kmalloc alloc kernel 256: sections must not overlap");
}

/* n [latency] sections, each with a few keys and a size of its own. */
static char *many_sections(size_t n)
{
	size_t cap = n * 96 + 1, o = 0;
	char *text = malloc(cap);

	assert_non_null(text);
	for (size_t i = 0; i < n; i++)
		o += (size_t)snprintf(text + o, cap - o,
				      "[latency s%zu]\nallocators = kmalloc\nops = alloc\nsizes = %zu\n",
				      i, 8 + 8 * i);
	return text;
}

/* config_check_steps spent loading n sections. */
static unsigned long load_steps(size_t n)
{
	char *text = many_sections(n);
	unsigned long before = config_check_steps;
	struct config cfg;

	expect_ok(text, &cfg);
	free(text);
	assert_int_equal(cfg.nsec, n);
	config_free(&cfg);
	return config_check_steps - before;
}

/*
 * Loading grew with the square of the sections (every new section compared
 * with all earlier ones, every key with all earlier keys): 4x the sections
 * must cost about 4x the comparisons, not 16x. Counted, not timed.
 */
static void test_load_is_linear(void **state)
{
	unsigned long small, big;

	(void)state;
	small = load_steps(500);
	big = load_steps(2000);
	assert_true(small > 0);
	if (big > 5 * small)
		fail_msg("500 sections: %lu steps, 2000 sections: %lu (more than linear)", small, big);
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
		cmocka_unit_test(test_header_comment_allowed),
		cmocka_unit_test(test_nul_bytes),
		cmocka_unit_test(test_long_lines),
		cmocka_unit_test(test_overlap_names_first_section),
		cmocka_unit_test(test_load_is_linear),
	};

	return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
