// SPDX-License-Identifier: GPL-2.0
/*
 * The report parts (report_parts.c) on small run folders written here: the
 * registry's shape, which files make a part present, and every CSV kind a
 * part reads, good and damaged. A damaged optional file is skipped with
 * "FILE:LINE: reason (ignored)" on stderr; the report is still written
 * and nothing crashes (tests/fuzz runs the same under ASan).
 */
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "charts.h"
#include "report.h"
#include "report_parts.h"
#include "summary.h"

/* One CSV kind: its file, a good two-row text, and the files it needs beside it to be read. */
struct kind {
	const char *file;
	const char *good;
	const char *companion;	/* NULL, or a kind's file that must be present too */
	const char *heading;	/* a line report.md has from the good file alone (with the companion) */
};

static const char access_csv[] =
	"schema_version,allocator,view,layout,working_set_bytes,status,passes,steps_per_pass,"
	"ns_per_access_p10,ns_per_access_p50,ns_per_access_p90,mapped_4k_bytes,mapped_2m_bytes,pmu_status\n"
	"1,kmalloc,native,page,65536,ok,3,4096,3.1,3.2,3.3,65536,0,unavailable\n"
	"1,kmalloc,native,page,4194304,ok,3,4096,9.1,9.2,9.7,0,4194304,unavailable\n";
static const char mapping_csv[] =
	"schema_version,mapping,layout,working_set_bytes,status,passes,steps_per_pass,"
	"ns_per_access_p10,ns_per_access_p50,ns_per_access_p90,ratio_over_direct\n"
	"1,direct,page,4194304,ok,3,4096,12.3,12.4,12.9,1\n"
	"1,vmap,page,4194304,ok,3,4096,9.1,9.2,9.3,0.74\n";
static const char uaccess_csv[] =
	"schema_version,backing,layout,working_set_bytes,status,passes,steps_per_pass,"
	"ns_per_access_p10,ns_per_access_p50,ns_per_access_p90,first_touch_ns_per_page,huge_bytes,reason\n"
	"1,4k,page,65536,ok,5,1048576,1.08,1.09,1.13,,0,\n"
	"1,thp,page,4194304,ok,5,1048576,1.0,1.05,1.1,,4194304,\n";
static const char uaccess_meta_csv[] = "key,value\nschema_version,1\ncpu_model,Test CPU\n";
static const char probe_csv[] =
	"schema_version,allocator,gfp,largest_ok_bytes,first_fail_bytes,attempts,status,cap_bytes,"
	"documented_max_bytes\n"
	"1,kmalloc,noretry,4194304,4194305,34,ok,451076096,4194304\n"
	"1,vmalloc,noretry,268435456,268439552,30,ok,451076096,0\n";
static const char limits_csv[] =
	"name,value,bytes,note\npage_size,4096,4096,PAGE_SIZE\n"
	"kmalloc_max_cache_size,8192,8192,KMALLOC_MAX_CACHE_SIZE\n";
static const char vmalloc_csv[] = "key,value\nvmalloc_total_bytes,35184372088831\ntotalram_bytes,1007087616\n";
static const char frag_csv[] =
	"schema_version,phase,allocator,gfp,order,size_bytes,attempts,successes,success_rate,p50_ns,"
	"p99_ns,fallbacks,status\n"
	"1,before,kmalloc,nowait,4,65536,16,16,1,847.4,21643.3,0,ok\n"
	"1,fragmented,kmalloc,nowait,4,65536,16,8,0.5,1027.7,3401.2,0,ok\n";
static const char buddyinfo_csv[] =
	"schema_version,phase,node,zone,order,free_blocks,free_bytes\n"
	"1,before,0,Normal,0,12,49152\n1,fragmented,0,Normal,0,400,1638400\n";
static const char frag_summary_csv[] = "key,value\nkeep_order,6\npercent,90\n";
static const char overhead_csv[] =
	"schema_version,allocator,size_bytes,status,consumed_bytes,ratio,data_bytes,guard_bytes,"
	"pgtable_bytes,meta_bytes,method\n"
	"1,kmalloc,8,ok,8,1,8,0,0,0,measured:ksize\n1,vmalloc,8,ok,8192,1024,4096,4096,0,0,measured\n";
static const char scale_csv[] =
	"schema_version,allocator,size_bytes,pattern,gfp,threads,burst,repeat,status,reason,duration_ms,"
	"total_ops,total_ops_per_s,thread_ops_per_s_mean,thread_ops_per_s_min,thread_ops_per_s_max,"
	"fairness_min_max_ratio,fairness_cv_pct,samples,p50_ns,p99_ns,failures,remote_frees,local_frees\n"
	"1,kmalloc,64,pair,kernel,1,0,0,ok,,500,1805696,3559988.6,3559988.6,3559988.6,3559988.6,1,0,"
	"4096,128.2,148.2,0,0,0\n"
	"1,kmalloc,64,pair,kernel,2,0,0,ok,,500,2857088,5712918.6,2856746.9,2825809.4,2887684.4,0.97,"
	"1.08,8192,128.2,188.3,0,0,0\n";
static const char vspace_csv[] =
	"schema_version,phase,kernel_machine,vmalloc_param,vmalloc_start,vmalloc_total_bytes,areas,"
	"used_bytes,lazy_bytes,free_bytes,gaps,largest_gap_bytes,held_areas,held_bytes,request_bytes,"
	"request_fits_largest_gap,attempts,successes,p50_ns,memfree_bytes,memavailable_bytes,status\n"
	"1,before,i686,,0xf8000000,125829120,40,4194304,0,121634816,3,100663296,0,0,67108864,1,3,3,"
	"1000,500000000,600000000,ok\n"
	"1,fragmented,i686,,0xf8000000,125829120,900,100663296,0,25165824,400,65536,800,96468992,"
	"67108864,0,3,0,,490000000,590000000,failed\n";
static const char vspace_gaps_csv[] =
	"schema_version,phase,gap_offset_bytes,gap_bytes\n1,before,0,100663296\n1,fragmented,4096,65536\n";
static const char vspace_summary_csv[] = "key,value\nrange_bytes,125829120\nreachable,yes\n";

static const struct kind kinds[] = {
	{ "access.csv", access_csv, NULL, "## What it costs to touch the memory" },
	{ "mapping.csv", mapping_csv, NULL, "## What it costs to touch the memory" },
	{ "uaccess.csv", uaccess_csv, NULL, "## What it costs to touch the memory" },
	{ "uaccess-meta.csv", uaccess_meta_csv, "uaccess.csv", "## What it costs to touch the memory" },
	{ "probe.csv", probe_csv, NULL, "## Limits, measured (probe)" },
	{ "limits.csv", limits_csv, "probe.csv", "## Answers" },
	{ "vmalloc.csv", vmalloc_csv, "probe.csv", "## Answers" },
	{ "frag.csv", frag_csv, NULL, "## Fragmentation" },
	{ "buddyinfo.csv", buddyinfo_csv, "frag.csv", "## Fragmentation" },
	{ "frag-summary.csv", frag_summary_csv, "frag.csv", "## Fragmentation" },
	{ "overhead.csv", overhead_csv, NULL, "## Overhead" },
	{ "scale.csv", scale_csv, NULL, "## Many CPUs at once (scale)" },
	{ "vspace.csv", vspace_csv, NULL, "## Virtual address space (vspace)" },
	{ "vspace-gaps.csv", vspace_gaps_csv, "vspace.csv", "## Virtual address space (vspace)" },
	{ "vspace-summary.csv", vspace_summary_csv, "vspace.csv", "## Virtual address space (vspace)" },
};

static const struct kind *kind_of(const char *file)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(kinds[i].file, file))
			return &kinds[i];
	fail_msg("no fixture for %s", file);
	return NULL;
}

static void write_text(const char *dir, const char *name, const char *text, size_t len)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void write_good(const char *dir, const char *file)
{
	const struct kind *k = kind_of(file);

	write_text(dir, file, k->good, strlen(k->good));
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void new_run(char *dir, size_t len)
{
	static const char meta[] = "key,value\nrun_name,parts\npage_size,4096\n";

	snprintf(dir, len, "/tmp/allocbench-parts-XXXXXX");
	assert_non_null(mkdtemp(dir));
	write_text(dir, "meta.csv", meta, strlen(meta));
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void remove_run(const char *dir)
{
	assert_int_equal(nftw(dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
}

/*
 * Loads the run and makes all of its report (charts with a gnuplot that
 * does nothing: their data files are still written). Returns report.md;
 * what went to stderr meanwhile in *errout. Both malloc'ed.
 */
static char *report_run(const char *dir, char **errout)
{
	char err[4400] = "", path[600];
	struct run_data *rd = calloc(1, sizeof(*rd));
	int saved = dup(STDERR_FILENO), fd;
	FILE *sum = tmpfile();
	char *md;

	assert_non_null(rd);
	assert_non_null(sum);
	snprintf(path, sizeof(path), "%s/stderr.txt", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	assert_true(saved >= 0 && fd >= 0);
	fflush(stderr);
	dup2(fd, STDERR_FILENO);
	close(fd);
	if (run_load(dir, rd, err, sizeof(err)) < 0) {
		dup2(saved, STDERR_FILENO);
		fail_msg("run_load: %s", err);
	}
	setenv("ALLOCBENCH_GNUPLOT", "/bin/true", 1);
	setenv("ALLOCBENCH_PLOTS", TOP_DIR "/plots", 1);
	assert_true(charts_render(rd, 0, err, sizeof(err)) >= 0);
	assert_int_equal(report_write_md(rd, "", 1), 0);
	summary_print(sum, rd, 100);
	fclose(sum);
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	run_free(rd);
	free(rd);
	*errout = read_file(path);
	snprintf(path, sizeof(path), "%s/report.md", dir);
	md = read_file(path);
	return md;
}

static void test_registry_shape(void **state)
{
	static const char *const order[] = { "latency", "access", "limits", "vspace", "scale", "perf",
					     "quality" };
	size_t n = 0;

	(void)state;
	for (const struct report_part *const *p = report_parts; *p; p++, n++) {
		assert_true(n < sizeof(order) / sizeof(order[0]));
		assert_string_equal((*p)->name, order[n]);
		assert_non_null((*p)->files);
		assert_non_null((*p)->files[0]);
		assert_true((*p)->write_md || (*p)->render_charts || (*p)->print_summary);
	}
	assert_int_equal(n, sizeof(order) / sizeof(order[0]));
}

/* A part is present by any one of its files; a run of parts alone loads without latency.csv. */
static void test_presence(void **state)
{
	char dir[64], sub[128], err[4400];
	struct run_data rd;

	(void)state;
	for (const struct report_part *const *p = report_parts; *p; p++) {
		for (const char *const *file = (*p)->files; *file; file++) {
			new_run(dir, sizeof(dir));
			assert_false(report_parts_any_present(dir));
			snprintf(sub, sizeof(sub), "%s/%s", dir, *file);
			if (!strcmp(*file, "perf"))
				assert_int_equal(mkdir(sub, 0755), 0);	/* the deep dives' folder */
			else
				write_text(dir, *file, "a\n1\n", 4);
			assert_true(report_part_present(*p, dir));
			assert_true(report_parts_any_present(dir));
			if (strcmp(*file, "latency.csv")) {
				if (run_load(dir, &rd, err, sizeof(err)) < 0)
					fail_msg("%s alone: %s", *file, err);
				assert_false(rd.have_lat);
				run_free(&rd);
			}
			remove_run(dir);
		}
	}
}

/* Each kind, good: its section is in report.md and nothing is said on stderr. */
static void test_good_files(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char dir[64], *md, *err;

		new_run(dir, sizeof(dir));
		write_good(dir, kinds[i].file);
		if (kinds[i].companion)
			write_good(dir, kinds[i].companion);
		md = report_run(dir, &err);
		if (!strstr(md, kinds[i].heading))
			fail_msg("%s: no '%s' in report.md", kinds[i].file, kinds[i].heading);
		if (strstr(err, "ignored"))
			fail_msg("%s: %s", kinds[i].file, err);
		free(md);
		free(err);
		remove_run(dir);
	}
}

/* Writes kind k damaged by how (0: its last row cut after half its fields; 1: an open quote). */
static void write_damaged(const char *dir, const struct kind *k, int how, char *want, size_t wantlen)
{
	const char *text = k->good;
	size_t len = strlen(text), last = len - 1, commas = 0, cut;
	char buf[2048];

	while (last > 0 && text[last - 1] != '\n')
		last--;
	for (size_t i = last; i < len; i++)
		commas += text[i] == ',';
	if (how == 0) {
		/* key,value files have one comma a row: cut before it, one field left */
		size_t keep = commas / 2;

		for (cut = last; keep; cut++)
			keep -= text[cut] == ',';
		if (commas == 1)
			cut = last + strcspn(text + last, ",");
		write_text(dir, k->file, text, cut);
		/* a row ending in a comma ends in an empty field */
		snprintf(want, wantlen, "%s/%s:3: %zu fields, the header has %zu (ignored)", dir, k->file,
			 commas == 1 ? (size_t)1 : commas / 2 + 1, commas + 1);
		return;
	}
	assert_true(len + 16 < sizeof(buf));
	snprintf(buf, sizeof(buf), "%s\"open,1\n", text);
	write_text(dir, k->file, buf, strlen(buf));
	snprintf(want, wantlen, "%s/%s:4: unterminated quoted field (ignored)", dir, k->file);
}

/* Each kind, damaged: said on stderr with its file and line, skipped, no crash. */
static void test_damaged_files(void **state)
{
	(void)state;
	for (int how = 0; how < 2; how++) {
		for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
			char dir[64], want[700], *md, *err;

			new_run(dir, sizeof(dir));
			write_damaged(dir, &kinds[i], how, want, sizeof(want));
			if (kinds[i].companion)
				write_good(dir, kinds[i].companion);
			md = report_run(dir, &err);
			if (!strstr(err, want))
				fail_msg("%s: want '%s' on stderr, got '%s'", kinds[i].file, want, err);
			assert_non_null(strstr(md, "# allocbench: parts"));
			free(md);
			free(err);
			remove_run(dir);
		}
	}
}

/* Numbers that are not numbers in every kind at once: read as absent, no crash. */
static void test_junk_numbers(void **state)
{
	char dir[64], *md, *err;

	(void)state;
	new_run(dir, sizeof(dir));
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		char buf[2048], *p;

		snprintf(buf, sizeof(buf), "%s", kinds[i].good);
		/* every digit after the header row becomes junk */
		for (p = strchr(buf, '\n') + 1; *p; p++)
			if (*p >= '0' && *p <= '9')
				*p = 'x';
		write_text(dir, kinds[i].file, buf, strlen(buf));
	}
	md = report_run(dir, &err);
	assert_non_null(strstr(md, "## Answers"));
	free(md);
	free(err);
	remove_run(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_registry_shape),
		cmocka_unit_test(test_presence),
		cmocka_unit_test(test_good_files),
		cmocka_unit_test(test_damaged_files),
		cmocka_unit_test(test_junk_numbers),
	};

	return cmocka_run_group_tests_name("report parts", tests, NULL, NULL);
}
