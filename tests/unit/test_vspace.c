// SPDX-License-Identifier: GPL-2.0
/*
 * vspace_calc.c: the vmalloc range read from /proc/vmallocinfo. The
 * fixture is a real file, from Debian's 6.1 686-pae kernel in QEMU with
 * allocbench loaded (tests/unit/fixtures/vmallocinfo-6.1-686.txt); the
 * rest are small texts that each show one rule.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "util.h"
#include "vspace_calc.h"

#define PAGE	4096ULL
#define PMD	(2ULL << 20)
#define MiB	(1ULL << 20)
#define TiB	(1ULL << 40)

/* The fixture's kernel: VMALLOC_START 0xf77fe000, VMALLOC_TOTAL 120 MiB. */
#define I386_START	0xf77fe000ULL
#define I386_TOTAL	(120 * MiB)

static char *fixture(void)
{
	char *t = read_all(TOP_DIR "/tests/unit/fixtures/vmallocinfo-6.1-686.txt", NULL);

	assert_non_null(t);
	return t;
}

static void test_fixture_gaps(void **state)
{
	struct vspace_map m;
	char *t = fixture();
	uint64_t sum = 0;

	(void)state;
	assert_int_equal(vspace_map_parse(t, I386_START, I386_START + I386_TOTAL, &m), 0);
	assert_true(m.addresses_real);
	assert_true(m.range_known);
	assert_int_equal(m.lines, 28);
	assert_int_equal(m.areas, 28);
	assert_int_equal(m.used_bytes, 1294336);
	assert_int_equal(m.lazy_areas, 0);
	assert_int_equal(m.outside, 0);
	/* Areas tile the range from VMALLOC_START: the holes are exactly the rest. */
	assert_int_equal(m.ngaps, 8);
	assert_int_equal(m.free_bytes, I386_TOTAL - m.used_bytes);
	for (size_t i = 0; i < m.ngaps; i++)
		sum += m.gap[i].bytes;
	assert_int_equal(sum, m.free_bytes);
	/* The first hole: one page between two load_module areas. */
	assert_int_equal(m.gap[0].start, 0xf7812000ULL);
	assert_int_equal(m.gap[0].bytes, PAGE);
	/* The largest: after n_tty_open's area, up to the percpu area at the top. */
	assert_int_equal(m.largest_gap, 0xfefbc000ULL - 0xf7be4000ULL);
	assert_int_equal(m.largest_gap_start, 0xf7be4000ULL);
	vspace_map_free(&m);
	free(t);
}

static void test_fixture_fit(void **state)
{
	struct vspace_map m;
	char *t = fixture();

	(void)state;
	assert_int_equal(vspace_map_parse(t, I386_START, I386_START + I386_TOTAL, &m), 0);
	/* 1 MiB areas and their guard page: 117 fit (all in the one large hole and the 2.8M one). */
	assert_int_equal(vspace_fit_count(&m, MiB, PAGE), 117);
	assert_int_equal(vspace_fit_count(&m, 4 * MiB, PAGE), (m.largest_gap) / (4 * MiB + PAGE));
	/* vmalloc(n) needs n rounded up to a page, plus the guard page. */
	assert_true(vspace_fits(&m, 64 * MiB, PAGE));
	assert_true(vspace_fits(&m, m.largest_gap - PAGE, PAGE));
	assert_false(vspace_fits(&m, m.largest_gap - PAGE + 1, PAGE));
	assert_false(vspace_fits(&m, m.largest_gap, PAGE));
	vspace_map_free(&m);
	free(t);
}

/* Without VMALLOC_START, only the holes between areas are known. */
static void test_unknown_start(void **state)
{
	struct vspace_map m;
	char *t = fixture();

	(void)state;
	assert_int_equal(vspace_map_parse(t, 0, 0, &m), 0);
	assert_false(m.range_known);
	assert_int_equal(m.ngaps, 8);
	/* The fixture's areas start at VMALLOC_START and end at VMALLOC_END: the same holes. */
	assert_int_equal(m.largest_gap, 0xfefbc000ULL - 0xf7be4000ULL);
	vspace_map_free(&m);
	free(t);
}

/* Leading and trailing holes count when the range is known. */
static void test_edges(void **state)
{
	static const char text[] =
		"0x0000000000011000-0x0000000000013000    8192 a+0x1/0x2 pages=1 vmalloc\n"
		"0x0000000000020000-0x0000000000022000    8192 b+0x1/0x2 vmap\n";
	struct vspace_map m;

	(void)state;
	assert_int_equal(vspace_map_parse(text, 0x10000, 0x30000, &m), 0);
	assert_int_equal(m.ngaps, 3);
	assert_int_equal(m.gap[0].start, 0x10000);
	assert_int_equal(m.gap[0].bytes, 0x1000);
	assert_int_equal(m.gap[1].start, 0x13000);
	assert_int_equal(m.gap[1].bytes, 0xd000);
	assert_int_equal(m.gap[2].start, 0x22000);
	assert_int_equal(m.gap[2].bytes, 0xe000);
	assert_int_equal(m.largest_gap, 0xe000);
	assert_int_equal(m.free_bytes, 0x20000 - 0x4000);
	vspace_map_free(&m);
}

/*
 * "unpurged vm_area": freed, waiting for the lazy purge; the allocator
 * purges before it fails, so the range is free. vm_map_ram is busy. Lines
 * outside the range (x86-64's module area) are not the range's.
 */
static void test_lazy_and_outside(void **state)
{
	static const char text[] =
		"0x0000000000010000-0x0000000000012000    8192 a+0x1/0x2 pages=1 vmalloc\n"
		"0x0000000000012000-0x0000000000020000   57344 unpurged vm_area\n"
		"0x0000000000020000-0x0000000000024000   16384 vm_map_ram\n"
		"0xffffffffc0000000-0xffffffffc0002000    8192 load_module+0x1/0x2 pages=1 vmalloc\n";
	struct vspace_map m;

	(void)state;
	assert_int_equal(vspace_map_parse(text, 0x10000, 0x30000, &m), 0);
	assert_int_equal(m.lines, 4);
	assert_int_equal(m.areas, 2);
	assert_int_equal(m.lazy_areas, 1);
	assert_int_equal(m.lazy_bytes, 57344);
	assert_int_equal(m.outside, 1);
	assert_int_equal(m.ngaps, 2);
	assert_int_equal(m.largest_gap, 0xe000);	/* the lazy range is free */
	assert_int_equal(m.largest_gap_start, 0x12000);
	assert_int_equal(m.free_bytes, 0xe000 + 0xc000);
	vspace_map_free(&m);
}

/* %pK with kptr_restrict = 0 hashes the addresses: no gaps can be computed. */
static void test_hashed(void **state)
{
	static const char text[] =
		"0x00000000a1b2c3d4-0x00000000e5f60718    8192 a+0x1/0x2 pages=1 vmalloc\n"
		"0x000000001f2e3d4c-0x000000005b6a7988   16384 b+0x1/0x2 pages=3 vmalloc\n"
		"0x0000000000000000-0x0000000000000000   12288 c+0x1/0x2 ioremap\n";
	struct vspace_map m;

	(void)state;
	assert_int_equal(vspace_map_parse(text, I386_START, I386_START + I386_TOTAL, &m), 0);
	assert_false(m.addresses_real);
	assert_int_equal(m.lines, 3);
	assert_int_equal(m.ngaps, 0);
	assert_int_equal(m.largest_gap, 0);
	assert_int_equal(vspace_fit_count(&m, MiB, PAGE), 0);
	vspace_map_free(&m);
	assert_int_equal(vspace_map_parse("", I386_START, I386_START + I386_TOTAL, &m), 0);
	assert_int_equal(m.lines, 0);
	assert_int_equal(m.ngaps, 0);
	vspace_map_free(&m);
}

/* Areas compared by address, lazily freed ranges ignored. */
static void test_diff(void **state)
{
	static const char a[] =
		"0x0000000000010000-0x0000000000012000    8192 a+0x1/0x2 pages=1 vmalloc\n"
		"0x0000000000020000-0x0000000000022000    8192 b+0x1/0x2 vmap\n";
	static const char b[] =
		"0x0000000000010000-0x0000000000012000    8192 a+0x1/0x2 pages=1 vmalloc\n"
		"0x0000000000014000-0x0000000000020000   49152 unpurged vm_area\n"
		"0x0000000000020000-0x0000000000022000    8192 b+0x1/0x2 vmap\n";
	static const char c[] =
		"0x0000000000010000-0x0000000000012000    8192 a+0x1/0x2 pages=1 vmalloc\n"
		"0x0000000000024000-0x0000000000026000    8192 c+0x1/0x2 vmap\n";
	uint64_t missing, added;
	char *t = fixture();

	(void)state;
	assert_int_equal(vspace_map_diff(a, b, 0x10000, 0x30000, &missing, &added), 0);
	assert_int_equal(missing, 0);
	assert_int_equal(added, 0);
	assert_int_equal(vspace_map_diff(a, c, 0x10000, 0x30000, &missing, &added), 0);
	assert_int_equal(missing, 1);
	assert_int_equal(added, 1);
	assert_int_equal(vspace_map_diff(t, t, I386_START, I386_START + I386_TOTAL, &missing, &added), 0);
	assert_int_equal(missing + added, 0);
	free(t);
}

/*
 * The hold's cost bound, as the module reserves it: on i386 filling 120 MiB
 * takes at most the 61 PTE pages the range has; on x86-64 filling 32 TiB
 * takes 16 Mi PTE pages, 64 GiB: not reachable.
 */
static void test_cost(void **state)
{
	uint64_t c32 = vspace_hold_cost(MiB, 117, 120 * MiB, PAGE, PMD);
	uint64_t c64 = vspace_hold_cost(MiB, (32 * TiB) / (MiB + PAGE), 32 * TiB, PAGE, PMD);

	(void)state;
	assert_int_equal(c32, PAGE + 61 * PAGE + 117 * 256 + 256 * sizeof(void *));
	assert_true(c32 < 300 * 1024);
	assert_true(c64 > 64ULL << 30);
	/* Few small areas: two PTE pages each at most. */
	assert_int_equal(vspace_hold_cost(16 * PAGE, 8, 120 * MiB, PAGE, PMD),
			 PAGE + 16 * PAGE + 8 * 256 + 16 * sizeof(void *));
	assert_int_equal(vspace_hold_cost(MiB, 1, 120 * MiB, PAGE, 0), UINT64_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_gaps),
		cmocka_unit_test(test_fixture_fit),
		cmocka_unit_test(test_unknown_start),
		cmocka_unit_test(test_edges),
		cmocka_unit_test(test_lazy_and_outside),
		cmocka_unit_test(test_hashed),
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_cost),
	};

	return cmocka_run_group_tests_name("vspace", tests, NULL, NULL);
}
