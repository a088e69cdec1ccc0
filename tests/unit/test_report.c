// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a run back (run_load): a damaged latency.csv is an error that
 * names the file and line, not a point silently drawn as missing.
 */
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

/* A run folder whose latency.csv has the good row, then row (line 3). */
static void make_run(char *dir, const char *row)
{
	char csv[2048];

	strcpy(dir, "/tmp/allocbench-report-XXXXXX");
	assert_non_null(mkdtemp(dir));
	write_text(dir, "meta.csv", "key,value\nschema_version,1\n");
	snprintf(csv, sizeof(csv), "%s%s%s", header, good_row, row);
	write_text(dir, "latency.csv", csv);
}

static void remove_run(const char *dir)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/meta.csv", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/latency.csv", dir);
	unlink(path);
	rmdir(dir);
}

/* Loads a run with row as line 3; want: NULL (accepted) or the message after "DIR/latency.csv:". */
static void expect_load(const char *row, const char *want)
{
	char dir[64], full[1024], err[4400] = "";
	struct run_data *rd = calloc(1, sizeof(*rd));
	int rc;

	assert_non_null(rd);
	make_run(dir, row);
	rc = run_load(dir, rd, err, sizeof(err));
	remove_run(dir);
	if (!want) {
		if (rc)
			fail_msg("row '%s' refused: %s", row, err);
		run_free(rd);
	} else {
		if (!rc)
			fail_msg("row '%s' accepted", row);
		snprintf(full, sizeof(full), "%s/latency.csv:%s", dir, want);
		assert_string_equal(err, full);
	}
	free(rd);
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_and_empty_cells),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_truncated_row),
	};

	return cmocka_run_group_tests_name("report", tests, NULL, NULL);
}
