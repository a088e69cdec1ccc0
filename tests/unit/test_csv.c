// SPDX-License-Identifier: GPL-2.0
/*
 * csv.c: RFC 4180 quoting, write -> read round trip, the temporary file
 * (absent after commit and after abort), reader errors with file:line, and
 * dot decimals under a comma-decimal LC_NUMERIC.
 */
#include <errno.h>
#include <locale.h>
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

#include "csv.h"

static char dir[256];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/test_csv.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static void path_of(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	static char buf[8192];
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static const char *const cols3[] = { "name", "size_bytes", "p50_ns" };

static void test_quoting(void **state)
{
	static const char *const cols[] = { "a", "b" };
	char p[300];
	struct csv_writer *w;

	(void)state;
	path_of(p, sizeof(p), "q.csv");
	w = csv_create(p, cols, 2);
	assert_non_null(w);
	assert_int_equal(csv_str(w, "plain"), 0);
	assert_int_equal(csv_str(w, "a,b"), 0);
	assert_int_equal(csv_end_row(w), 0);
	csv_str(w, "say \"hi\"");
	csv_str(w, "two\nlines");
	csv_end_row(w);
	csv_str(w, " lead");
	csv_empty(w);
	csv_end_row(w);
	csv_str(w, "cr\r");
	csv_str(w, "");
	csv_end_row(w);
	assert_int_equal(csv_commit(w), 0);
	assert_string_equal(slurp(p),
			    "a,b\n"
			    "plain,\"a,b\"\n"
			    "\"say \"\"hi\"\"\",\"two\nlines\"\n"
			    "\" lead\",\n"
			    "\"cr\r\",\n");
}

static void test_round_trip(void **state)
{
	static const char *const names[] = { "kmalloc", "a,b", "q\"uote", "multi\nline", "" };
	struct csv_table t;
	char p[300], err[512];
	struct csv_writer *w;
	size_t i;

	(void)state;
	path_of(p, sizeof(p), "rt.csv");
	w = csv_create(p, cols3, 3);
	assert_non_null(w);
	for (i = 0; i < 5; i++) {
		assert_int_equal(csv_str(w, names[i]), 0);
		assert_int_equal(csv_u64(w, UINT64_C(1) << (i * 15)), 0);
		assert_int_equal(csv_double(w, 1234567.891 * (double)(i + 1)), 0);
		assert_int_equal(csv_end_row(w), 0);
	}
	assert_int_equal(csv_commit(w), 0);

	assert_int_equal(csv_read(p, &t, err, sizeof(err)), 0);
	assert_int_equal(t.ncols, 3);
	assert_int_equal(t.nrows, 5);
	assert_int_equal(csv_column(&t, "p50_ns"), 2);
	assert_int_equal(csv_column(&t, "nope"), -1);
	assert_null(csv_get(&t, 0, "nope"));
	for (i = 0; i < 5; i++) {
		char want[64];

		assert_string_equal(csv_get(&t, i, "name"), names[i]);
		snprintf(want, sizeof(want), "%llu", 1ULL << (i * 15));
		assert_string_equal(csv_get(&t, i, "size_bytes"), want);
		/* 10 significant digits survive: 1234567.891 is not 1.23457e+06 */
		assert_true(fabs(strtod(csv_get(&t, i, "p50_ns"), NULL) - 1234567.891 * (double)(i + 1)) < 1e-3);
	}
	assert_string_equal(csv_get(&t, 0, "p50_ns"), "1234567.891");
	csv_free(&t);
}

static void test_numbers(void **state)
{
	static const char *const cols[] = { "u", "i", "d1", "d2", "d3", "nan", "neg0" };
	char p[300];
	struct csv_writer *w;

	(void)state;
	path_of(p, sizeof(p), "n.csv");
	w = csv_create(p, cols, 7);
	csv_u64(w, UINT64_MAX);
	csv_i64(w, INT64_MIN);
	csv_double(w, 0.1);
	csv_double(w, 48.5);
	csv_double(w, 6.02e23);
	csv_double(w, NAN);
	csv_double(w, -0.0);
	assert_int_equal(csv_end_row(w), 0);
	assert_int_equal(csv_commit(w), 0);
	assert_string_equal(slurp(p), "u,i,d1,d2,d3,nan,neg0\n"
			    "18446744073709551615,-9223372036854775808,0.1,48.5,6.02e+23,,0\n");
}

static void test_tmp_lifecycle(void **state)
{
	char p[300], tmp[320];
	struct csv_writer *w;

	(void)state;
	path_of(p, sizeof(p), "life.csv");
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);

	w = csv_create(p, cols3, 3);
	assert_non_null(w);
	assert_int_equal(access(tmp, F_OK), 0);	/* written under the temporary name */
	assert_int_equal(access(p, F_OK), -1);	/* the real name does not exist yet */
	csv_str(w, "x");
	csv_u64(w, 1);
	csv_double(w, 2);
	csv_end_row(w);
	assert_int_equal(csv_commit(w), 0);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(access(p, F_OK), 0);

	/* abort: neither a new file nor a temporary is left; the old file stays */
	w = csv_create(p, cols3, 3);
	assert_non_null(w);
	csv_str(w, "half");
	csv_abort(w);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_string_equal(slurp(p), "name,size_bytes,p50_ns\nx,1,2\n");

	path_of(p, sizeof(p), "aborted.csv");
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	w = csv_create(p, cols3, 3);
	csv_abort(w);
	assert_int_equal(access(tmp, F_OK), -1);
	assert_int_equal(access(p, F_OK), -1);
}

static void test_row_width(void **state)
{
	char p[300], tmp[320];
	struct csv_writer *w;

	(void)state;
	path_of(p, sizeof(p), "width.csv");
	snprintf(tmp, sizeof(tmp), "%s.tmp", p);
	w = csv_create(p, cols3, 3);
	csv_str(w, "short");
	errno = 0;
	assert_int_equal(csv_end_row(w), -1);
	assert_int_equal(errno, EINVAL);
	/* the error is sticky: commit refuses and cleans up */
	assert_int_equal(csv_commit(w), -1);
	assert_int_equal(access(p, F_OK), -1);
	assert_int_equal(access(tmp, F_OK), -1);

	w = csv_create(p, cols3, 3);
	csv_str(w, "a");
	csv_str(w, "b");
	csv_str(w, "c");
	assert_int_equal(csv_str(w, "one too many"), -1);
	csv_abort(w);
	assert_null(csv_create("/nonexistent-dir/x.csv", cols3, 3));
}

static void read_err(const char *name, const char *text, const char *want_suffix)
{
	char p[300], err[512], want[600];
	struct csv_table t;

	path_of(p, sizeof(p), name);
	spit(p, text);
	assert_int_equal(csv_read(p, &t, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:%s", p, want_suffix);
	assert_string_equal(err, want);
	assert_int_equal(t.nrows, 0);
	assert_null(t.header);
}

static void test_reader_errors(void **state)
{
	char err[512];
	struct csv_table t;

	(void)state;
	read_err("e1.csv", "a,b,c\n1,2,3\n1,2\n", "3: 2 fields, the header has 3");
	read_err("e2.csv", "a,b\n1,2\n\"open,2\n3,4\n", "3: unterminated quoted field");
	read_err("e3.csv", "a,b\n\"x\"y,2\n", "2: unexpected character 'y' after closing quote");
	read_err("e4.csv", "a,b\nx\"y,2\n", "2: quote inside an unquoted field");
	read_err("e5.csv", "", "1: empty file: no header row");
	read_err("e6.csv", "a,a\n1,2\n", "1: duplicate column 'a'");
	/* a quoted field spanning lines moves the line count on */
	read_err("e7.csv", "a,b\n\"x\ny\",1\n1\n", "4: 1 fields, the header has 2");
	assert_int_equal(csv_read("/nonexistent/x.csv", &t, err, sizeof(err)), -1);
	assert_string_equal(err, "/nonexistent/x.csv: No such file or directory");
}

static void test_reader_crlf(void **state)
{
	char p[300], err[512];
	struct csv_table t;

	(void)state;
	path_of(p, sizeof(p), "crlf.csv");
	spit(p, "\xEF\xBB\xBFkey,value\r\nkernel,6.1\r\n\r\nnote,\"a,\r\nb\"\r\nempty,\r\nlast,x");
	assert_int_equal(csv_read(p, &t, err, sizeof(err)), 0);
	assert_int_equal(t.ncols, 2);
	assert_int_equal(t.nrows, 4);
	assert_string_equal(t.header[0], "key");
	assert_string_equal(csv_get(&t, 0, "value"), "6.1");
	assert_string_equal(csv_get(&t, 1, "value"), "a,\r\nb");
	assert_string_equal(csv_get(&t, 2, "value"), "");
	assert_string_equal(csv_get(&t, 3, "value"), "x");
	assert_null(csv_get(&t, 4, "value"));
	csv_free(&t);
	csv_free(&t);	/* twice is harmless */
}

/* A comma-decimal locale, from the system or built with localedef. */
static int comma_locale(void)
{
	static const char *const names[] = { "de_DE.UTF-8", "de_DE.utf8", "de_DE", "fr_FR.UTF-8" };
	char cmd[1024], locdir[300];
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (setlocale(LC_NUMERIC, names[i]))
			return 1;
	snprintf(locdir, sizeof(locdir), "%s/locale", dir);
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s' && localedef -i de_DE -f UTF-8 '%s/de_DE.UTF-8' "
		 ">/dev/null 2>&1", locdir, locdir);
	if (system(cmd) != 0)
		return 0;
	setenv("LOCPATH", locdir, 1);
	return setlocale(LC_NUMERIC, "de_DE.UTF-8") != NULL;
}

static void test_locale(void **state)
{
	static const char *const cols[] = { "v" };
	char p[300], probe[32];
	struct csv_writer *w;

	(void)state;
	if (!comma_locale()) {
		print_message("no comma-decimal locale available: skipped\n");
		skip();
	}
	snprintf(probe, sizeof(probe), "%.1f", 1.5);
	assert_string_equal(probe, "1,5");	/* the locale really is in effect */
	path_of(p, sizeof(p), "loc.csv");
	w = csv_create(p, cols, 1);
	csv_double(w, 1234.5678);
	csv_end_row(w);
	csv_double(w, 0.001);
	csv_end_row(w);
	assert_int_equal(csv_commit(w), 0);
	setlocale(LC_NUMERIC, "C");
	assert_string_equal(slurp(p), "v\n1234.5678\n0.001\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quoting),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_tmp_lifecycle),
		cmocka_unit_test(test_row_width),
		cmocka_unit_test(test_reader_errors),
		cmocka_unit_test(test_reader_crlf),
		cmocka_unit_test(test_locale),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
