// SPDX-License-Identifier: GPL-2.0
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "sizes.h"

static uint64_t one(const char *s)
{
	char err[256];
	uint64_t v = 0;

	assert_int_equal(size_parse(s, &v, err, sizeof(err)), 0);
	return v;
}

static void bad(const char *s, const char *msg)
{
	char err[256] = "";
	uint64_t v;

	assert_int_equal(size_parse(s, &v, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
}

static void test_units(void **state)
{
	(void)state;
	assert_int_equal(one("64"), 64);
	assert_int_equal(one("4K"), 4096);
	assert_int_equal(one("4k"), 4096);
	assert_int_equal(one(" 2M "), 2ULL << 20);
	assert_int_equal(one("1G"), 1ULL << 30);
	assert_int_equal(one("3T"), 3ULL << 40);
	assert_int_equal(one("16383T"), 16383ULL << 40);
}

static void test_bad(void **state)
{
	(void)state;
	bad("4Q", "bad size '4Q': unknown suffix (use K, M, G or T)");
	bad("4KB", "bad size '4KB': unknown suffix (use K, M, G or T)");
	bad("", "bad size '': expected a number of bytes");
	bad("K", "bad size 'K': expected a number of bytes");
	bad("-1", "bad size '-1': expected a number of bytes");
	bad("0", "bad size '0': must be at least 1 byte");
	bad("4 K", "bad size '4 K': unexpected 'K'");
	bad("18446744073709551616", "bad size '18446744073709551616': too large");
	bad("16777216T", "bad size '16777216T': too large");
	bad("17179869184G", "bad size '17179869184G': too large");
}

static void list_is(const char *s, const uint64_t *want, size_t n)
{
	struct size_list l;
	char err[256] = "";

	if (size_list_parse(s, &l, err, sizeof(err)))
		fail_msg("%s: %s", s, err);
	assert_int_equal(l.n, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(l.v[i], want[i]);
	size_list_free(&l);
}

static void list_bad(const char *s, const char *msg)
{
	struct size_list l;
	char err[256] = "";

	assert_int_equal(size_list_parse(s, &l, err, sizeof(err)), -1);
	assert_string_equal(err, msg);
	assert_null(l.v);
	assert_int_equal(l.n, 0);
}

static void test_lists(void **state)
{
	static const uint64_t x2[] = { 8, 16, 32, 64 };
	static const uint64_t x4[] = { 1024, 4096, 16384 };	/* 64K not reached: 16K*4 > 20K */
	static const uint64_t step[] = { 4096, 8192, 12288, 16384 };
	static const uint64_t mixed[] = { 8, 16, 32, 64, 3000, 4096 };
	static const uint64_t dedupe[] = { 8, 4096, 1 << 20 };
	static const uint64_t big[] = { 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,
					32768, 65536, 131072, 262144, 524288, 1 << 20, 2 << 20,
					4 << 20, 8 << 20, 16 << 20, 32 << 20, 64 << 20 };

	(void)state;
	list_is("8..64 x2", x2, 4);
	list_is("1K..20K x4", x4, 3);
	list_is("4K..16K +4K", step, 4);
	list_is("4K..18K +4K", step, 4);
	list_is("3000, 8..64 x2, 4K", mixed, 6);
	list_is("1M, 8, 4K, 8, 1M,4096", dedupe, 3);
	list_is("8..64M x2", big, 24);
	list_is("64..64 x2", (const uint64_t[]){ 64 }, 1);
	/* The factor loop stops before overflowing. */
	list_is("8T..16777215T x1048576", (const uint64_t[]){ 8ULL << 40, 1ULL << 63 }, 2);
}

static void test_list_errors(void **state)
{
	(void)state;
	list_bad("", "empty list");
	list_bad("  ", "empty list");
	list_bad("4K,,8K", "empty item in size list");
	list_bad("4K,", "empty item in size list");
	list_bad("8..64", "bad range '8..64': needs a step, 'LO..HI xF' or 'LO..HI +S'");
	list_bad("8..64 x1", "bad range '8..64 x1': factor must be >= 2");
	list_bad("8..64 x", "bad range '8..64 x': factor must be a whole number >= 2");
	list_bad("8..64 x2.5", "bad range '8..64 x2.5': factor must be a whole number >= 2");
	list_bad("64..8 x2", "bad range '64..8 x2': end is below start");
	list_bad("8..64 +0", "bad range '8..64 +0': step must be at least 1 byte");
	list_bad("8..64 *2", "bad range '8..64 *2': unexpected '*2' (step is 'xF' or '+S')");
	list_bad("1..1G +1", "too many sizes (more than 4096)");
	list_bad("4Z", "bad size '4Z': unknown suffix (use K, M, G or T)");
	list_bad("0..8 x2", "bad size '0..8 x2': must be at least 1 byte");
}

static void fmt_is(uint64_t v, const char *want)
{
	char buf[32];

	assert_string_equal(size_format(v, buf, sizeof(buf)), want);
}

static void test_format(void **state)
{
	char tiny[3];

	(void)state;
	fmt_is(0, "0");
	fmt_is(8, "8");
	fmt_is(1023, "1023");
	fmt_is(1024, "1K");
	fmt_is(4096, "4K");
	fmt_is(1536, "1.5K");
	fmt_is(1280, "1.25K");
	fmt_is(3000, "3000");
	fmt_is(2 << 20, "2M");
	fmt_is(3 << 19, "1.5M");
	fmt_is(1ULL << 30, "1G");
	fmt_is(5ULL << 40, "5T");
	fmt_is((1ULL << 20) + 1, "1048577");
	fmt_is(UINT64_MAX, "18446744073709551615");
	/* Truncates, always NUL-terminated. */
	size_format(4096, tiny, sizeof(tiny));
	assert_string_equal(tiny, "4K");
	size_format(1536, tiny, sizeof(tiny));
	assert_int_equal(strlen(tiny), 2);
}

/* Every formatted size parses back to itself when it has a suffix-free or exact form. */
static void test_roundtrip(void **state)
{
	static const uint64_t v[] = { 1, 8, 4096, 65536, 2 << 20, 1ULL << 30, 3000, 12345 };

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char buf[32];

		assert_int_equal(one(size_format(v[i], buf, sizeof(buf))), v[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_list_errors),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_roundtrip),
	};

	return cmocka_run_group_tests_name("sizes", tests, NULL, NULL);
}
