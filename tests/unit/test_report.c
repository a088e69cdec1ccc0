// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a run back (run_load): a damaged latency.csv or meta.csv is an
 * error that names the file and line, not a point silently drawn as
 * missing; a run without latency.csv loads when a report part is present.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "report.h"

static const char header[] =
	"schema_version,allocator,op,gfp,size_bytes,status,samples,failures,p10_ns,p50_ns,p90_ns,"
	"p99_ns,median_ci_lo_ns,median_ci_hi_ns,batch_ops,batch_samples,batch_p10_ns,batch_p50_ns,"
	"batch_p90_ns\n";
static const char good_row[] = "1,kmalloc,alloc,kernel,8,ok,100,0,10,20,30,40,19,21,64,100,1,2,3\n";

static void write_text(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A run folder with meta.csv and latency.csv as given (NULL: no such file). */
static void make_run_files(char *dir, const char *meta, const char *latency)
{
	strcpy(dir, "/tmp/allocbench-report-XXXXXX");
	assert_non_null(mkdtemp(dir));
	if (meta)
		write_text(dir, "meta.csv", meta);
	if (latency)
		write_text(dir, "latency.csv", latency);
}

/* A run folder whose latency.csv has the good row, then row (line 3). */
static void make_run(char *dir, const char *row)
{
	char csv[2048];

	snprintf(csv, sizeof(csv), "%s%s%s", header, good_row, row);
	make_run_files(dir, "key,value\nschema_version,1\n", csv);
}

static void remove_run(const char *dir)
{
	static const char *const files[] = { "meta.csv", "latency.csv", "scale.csv" };
	char path[512];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Loads the run in dir (then removes it); want: the error after "DIR/", or NULL for none. */
static void expect_dir(const char *dir, const char *want)
{
	char full[1024], err[4400] = "";
	struct run_data *rd = calloc(1, sizeof(*rd));
	int rc;

	assert_non_null(rd);
	rc = run_load(dir, rd, err, sizeof(err));
	remove_run(dir);
	if (!want) {
		if (rc)
			fail_msg("refused: %s", err);
		run_free(rd);
	} else {
		if (!rc)
			fail_msg("accepted, want '%s'", want);
		snprintf(full, sizeof(full), "%s/%s", dir, want);
		assert_string_equal(err, full);
	}
	free(rd);
}

/* Loads a run with row as line 3; want: NULL (accepted) or the message after "DIR/latency.csv:". */
static void expect_load(const char *row, const char *want)
{
	char dir[64], full[512];

	make_run(dir, row);
	snprintf(full, sizeof(full), "latency.csv:%s", want ? want : "");
	expect_dir(dir, want ? full : NULL);
}

static void test_good_and_empty_cells(void **state)
{
	(void)state;
	expect_load("1,kmalloc,free,kernel,8,ok,100,0,10,20,30,40,19,21,64,100,1,2,3\n", NULL);
	/* empty cells are values the runner did not have */
	expect_load("1,kmalloc,free,kernel,8,skipped,0,0,,,,,,,,,,,\n", NULL);
}

/* A bad number used to read as "no value": the point was drawn as missing, silently. */
static void test_bad_numbers(void **state)
{
	(void)state;
	expect_load("1,kmalloc,free,kernel,8,ok,100,0,10,abc,30,40,19,21,64,100,1,2,3\n",
		    "3: bad number 'abc' for p50_ns");
	expect_load("1,kmalloc,free,kernel,8,ok,100,0,10,20,30,40,19,21,64,100,1,2,1e999\n",
		    "3: bad number '1e999' for batch_p90_ns");
	expect_load("1,kmalloc,free,kernel,8,ok,100,0,10,20,30,nan,19,21,64,100,1,2,3\n",
		    "3: bad number 'nan' for p99_ns");
	expect_load("1,kmalloc,free,kernel,8,ok,-1,0,10,20,30,40,19,21,64,100,1,2,3\n",
		    "3: bad count '-1' for samples");
	expect_load("1,kmalloc,free,kernel,8,ok,100,2.5,10,20,30,40,19,21,64,100,1,2,3\n",
		    "3: bad count '2.5' for failures");
}

static void test_truncated_row(void **state)
{
	(void)state;
	expect_load("1,kmalloc,free,kernel,8,ok,100,0,1", "3: 9 fields, the header has 19");
}

/* The fields that say which point a row is. */
static void test_bad_keys(void **state)
{
	(void)state;
	expect_load("1,kmalloc,free,kernel,0,ok,100,0,10,20,30,40,19,21,64,100,1,2,3\n",
		    "3: bad size_bytes '0'");
	expect_load("1,kmalloc,free,kernel,4K,ok,100,0,10,20,30,40,19,21,64,100,1,2,3\n",
		    "3: bad size_bytes '4K'");
	expect_load("1,kmalloc,free,kernel,8,fine,100,0,10,20,30,40,19,21,64,100,1,2,3\n",
		    "3: unknown status 'fine' (ok, partial, failed, unsupported, skipped)");
	expect_load("1,,free,kernel,8,ok,100,0,10,20,30,40,19,21,64,100,1,2,3\n",
		    "3: empty allocator or op");
	expect_load("1,kmalloc,,kernel,8,ok,100,0,10,20,30,40,19,21,64,100,1,2,3\n",
		    "3: empty allocator or op");
}

static void test_bad_batch(void **state)
{
	char dir[64], csv[1024];

	(void)state;
	snprintf(csv, sizeof(csv), "allocator,op,size_bytes,status,batch,p50_ns\n"
		 "kmalloc,alloc,8,ok,1,20\nkmalloc,alloc,16,ok,many,20\n");
	make_run_files(dir, "key,value\n", csv);
	expect_dir(dir, "latency.csv:3: bad batch 'many'");
}

static void test_bad_structure(void **state)
{
	char dir[64];

	(void)state;
	make_run_files(dir, "key,value\n", "allocator,op,size_bytes,p50_ns\nkmalloc,alloc,8,20\n");
	expect_dir(dir, "latency.csv:1: missing column 'status'");
	make_run_files(dir, "key,value\n", "");
	expect_dir(dir, "latency.csv:1: empty file: no header row");
	/* cut inside a quoted field: the line where the field opened */
	make_run_files(dir, "key,value\n", "allocator,op,size_bytes,status\nkmalloc,alloc,8,ok\n\"vmal");
	expect_dir(dir, "latency.csv:3: unterminated quoted field");
	expect_load("1,kmalloc,free,kernel,8,ok,100,0,10,20,30,40,19,21,64,100,1,2,3,4\n",
		    "3: 20 fields, the header has 19");
}

static void test_bad_meta(void **state)
{
	char dir[64];

	(void)state;
	make_run_files(dir, "name,value\nx,1\n", header);
	expect_dir(dir, "meta.csv:1: expected the columns key,value");
	make_run_files(dir, "key,value\nx,\"1\n", header);
	expect_dir(dir, "meta.csv:2: unterminated quoted field");
	make_run_files(dir, NULL, header);
	expect_dir(dir, "meta.csv: No such file or directory");
}

/* No latency.csv: fine when a report part is present, the plain error when none is. */
static void test_without_latency(void **state)
{
	char dir[64];

	(void)state;
	make_run_files(dir, "key,value\n", NULL);
	expect_dir(dir, "latency.csv: No such file or directory");
	make_run_files(dir, "key,value\n", NULL);
	write_text(dir, "scale.csv", "schema_version\n1\n");
	expect_dir(dir, NULL);
}

/* A per-op row with batch-timed figures is two points: per-op, and the batch-timed series. */
static void test_batch_point(void **state)
{
	char dir[64], err[4400];
	struct run_data *rd = calloc(1, sizeof(*rd));
	const struct lat_point *p;
	int s;

	(void)state;
	assert_non_null(rd);
	make_run(dir, "");
	assert_int_equal(run_load(dir, rd, err, sizeof(err)), 0);
	remove_run(dir);
	assert_true(rd->have_lat);
	assert_int_equal(rd->nseries, 2);
	s = run_find_series(rd, "alloc", "kernel", 0);
	assert_int_equal(s, 0);
	p = run_point(rd, s, 0, 8);
	assert_non_null(p);
	assert_int_equal(p->status, LAT_OK);
	assert_true(p->p50 == 20 && p->ci_lo == 19 && p->samples == 100);
	assert_true(rd->series[1].batched);
	assert_string_equal(rd->series[1].slug, "alloc-batch");
	p = run_point(rd, 1, 0, 8);
	assert_non_null(p);
	assert_true(p->p10 == 1 && p->p50 == 2 && p->p90 == 3 && isnan(p->p99));
	run_free(rd);
	free(rd);
}

/* The guest's timer against the host's TSC: the ratio, and a warning only beyond 2 %. */
static void expect_timer(const char *meta, double want_ratio, int want_warning)
{
	char dir[64], err[4400], warn[256];
	struct run_data *rd = calloc(1, sizeof(*rd));
	double r;

	assert_non_null(rd);
	make_run_files(dir, meta, header);
	assert_int_equal(run_load(dir, rd, err, sizeof(err)), 0);
	remove_run(dir);
	r = run_timer_ratio(rd);
	if (isnan(want_ratio))
		assert_true(isnan(r));
	else
		assert_true(fabs(r - want_ratio) < 1e-9);
	run_timer_warning(warn, sizeof(warn), rd);
	assert_int_equal(*warn != '\0', want_warning);
	if (want_warning)
		assert_non_null(strstr(warn, "every time in this run is off"));
	run_free(rd);
	free(rd);
}

static void test_timer_against_host(void **state)
{
	(void)state;
	expect_timer("key,value\ntimer_kind,tsc\ntimer_hz,2596000000\nhost_tsc_hz,2596000000\n", 1, 0);
	/* 1.9 % off: inside; 7.3 % slow and 3 % fast: outside */
	expect_timer("key,value\ntimer_kind,tsc\ntimer_hz,2546676000\nhost_tsc_hz,2596000000\n",
		     2546676000.0 / 2596000000.0, 0);
	expect_timer("key,value\ntimer_kind,tsc\ntimer_hz,2596000000\nhost_tsc_hz,2800000000\n",
		     2596000000.0 / 2800000000.0, 1);
	expect_timer("key,value\ntimer_kind,tsc\ntimer_hz,2673880000\nhost_tsc_hz,2596000000\n",
		     2673880000.0 / 2596000000.0, 1);
	/* nothing to check against: no host rate, another timer, an empty value */
	expect_timer("key,value\ntimer_kind,tsc\ntimer_hz,2596000000\n", NAN, 0);
	expect_timer("key,value\ntimer_kind,ktime\ntimer_hz,1000000000\nhost_tsc_hz,2596000000\n", NAN, 0);
	expect_timer("key,value\ntimer_kind,tsc\ntimer_hz,2596000000\nhost_tsc_hz,\n", NAN, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_and_empty_cells),
		cmocka_unit_test(test_timer_against_host),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_truncated_row),
		cmocka_unit_test(test_bad_keys),
		cmocka_unit_test(test_bad_batch),
		cmocka_unit_test(test_bad_structure),
		cmocka_unit_test(test_bad_meta),
		cmocka_unit_test(test_without_latency),
		cmocka_unit_test(test_batch_point),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
