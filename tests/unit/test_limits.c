// SPDX-License-Identifier: GPL-2.0
/*
 * limit_search(), buddyinfo_parse() and vmallocinfo_summarize(),
 * driven by a fake allocator and fixture texts.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "limit_search.h"

#define PAGE	4096ULL
#define MiB	(1ULL << 20)
#define GiB	(1ULL << 30)

/* A fake allocator: everything up to limit succeeds; refused above refuse_above. */
struct fake {
	uint64_t limit;
	uint64_t refuse_above;	/* 0: never */
	uint64_t error_at;	/* 0: never; else LIMIT_TRY_ERROR at this call number */
	unsigned calls;
	uint64_t last;
};

static enum limit_try fake_try(void *ctx, uint64_t bytes)
{
	struct fake *f = ctx;

	f->calls++;
	f->last = bytes;
	if (f->error_at && f->calls == f->error_at)
		return LIMIT_TRY_ERROR;
	if (f->refuse_above && bytes > f->refuse_above)
		return LIMIT_TRY_NOT_ATTEMPTED;
	return bytes <= f->limit ? LIMIT_TRY_OK : LIMIT_TRY_FAIL;
}

/* ceil(log2(x)) for x >= 1 */
static unsigned clog2(uint64_t x)
{
	unsigned n = 0;

	while ((1ULL << n) < x)
		n++;
	return n;
}

static void search(struct fake *f, uint64_t start, uint64_t cap, uint64_t gran, struct limit_result *r)
{
	assert_int_equal(limit_search(start, cap, gran, fake_try, f, r), 0);
	assert_int_equal(r->attempts, f->calls);
}

/* The exact limit is found when it is a page multiple, whatever its shape. */
static void test_exact_limit(void **state)
{
	static const uint64_t limits[] = {
		4 * MiB, 8 * MiB - PAGE, 4 * MiB + PAGE, 3 * MiB, PAGE, 123 * PAGE, 700 * MiB,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		struct fake f = { .limit = limits[i] };
		struct limit_result r;

		search(&f, PAGE, 2 * GiB, PAGE, &r);
		assert_int_equal(r.status, LIMIT_FOUND);
		assert_int_equal(r.largest_ok, limits[i]);
		assert_int_equal(r.first_fail, limits[i] + PAGE);
	}
}

/* A limit between pages: the answer is the page multiple below it, one page from the failure. */
static void test_page_granularity(void **state)
{
	struct fake f = { .limit = 5 * MiB + 100 };
	struct limit_result r;

	(void)state;
	search(&f, PAGE, 2 * GiB, PAGE, &r);
	assert_int_equal(r.status, LIMIT_FOUND);
	assert_int_equal(r.largest_ok, 5 * MiB);
	assert_int_equal(r.first_fail - r.largest_ok, PAGE);
	assert_int_equal(r.largest_ok % PAGE, 0);
	assert_int_equal(r.first_fail % PAGE, 0);
}

/* Nothing fails below the cap: the cap itself is tried, status capped. */
static void test_cap_reached(void **state)
{
	struct fake f = { .limit = 64 * GiB };
	struct limit_result r;

	(void)state;
	search(&f, PAGE, 300 * MiB, PAGE, &r);
	assert_int_equal(r.status, LIMIT_CAPPED);
	assert_int_equal(r.largest_ok, 300 * MiB);
	assert_int_equal(r.first_fail, 0);
	assert_int_equal(f.last, 300 * MiB);
	/* never above the cap */
	assert_true(f.last <= 300 * MiB);
}

/* The limit just below the cap: still found exactly, and no call above the cap. */
static void test_limit_below_cap(void **state)
{
	struct fake f = { .limit = 300 * MiB - PAGE };
	struct limit_result r;

	(void)state;
	search(&f, PAGE, 300 * MiB, PAGE, &r);
	assert_int_equal(r.status, LIMIT_FOUND);
	assert_int_equal(r.largest_ok, 300 * MiB - PAGE);
}

/* Doubling then bisection: at most log2(limit/start) + 1 + log2(range/gran) + 1 calls. */
static void test_attempts_bound(void **state)
{
	(void)state;
	for (uint64_t lim = PAGE; lim <= GiB; lim = lim * 3 + PAGE) {
		struct fake f = { .limit = lim };
		struct limit_result r;
		unsigned doubling = clog2(lim / PAGE + 1) + 1;
		unsigned bisect = clog2(lim / PAGE + 1) + 1;

		search(&f, PAGE, 2 * GiB, PAGE, &r);
		assert_int_equal(r.largest_ok, lim);
		assert_true(r.attempts <= doubling + bisect);
	}
}

/* Success is monotonic in the fake: every size tried below largest_ok succeeded, none above. */
static void test_none_ok_and_refused(void **state)
{
	struct fake none = { .limit = PAGE - 1 };
	struct fake refused = { .limit = 64 * MiB, .refuse_above = 4 * MiB };
	struct limit_result r;

	(void)state;
	search(&none, PAGE, GiB, PAGE, &r);
	assert_int_equal(r.status, LIMIT_NONE_OK);
	assert_int_equal(r.largest_ok, 0);
	assert_int_equal(none.calls, 1);

	search(&refused, PAGE, GiB, PAGE, &r);
	assert_int_equal(r.status, LIMIT_NOT_ATTEMPTED);
	assert_int_equal(r.largest_ok, 4 * MiB);
	assert_int_equal(r.first_fail, 4 * MiB + PAGE);
}

static void test_error_stops(void **state)
{
	struct fake f = { .limit = 64 * MiB, .error_at = 5 };
	struct limit_result r;

	(void)state;
	assert_int_equal(limit_search(PAGE, GiB, PAGE, fake_try, &f, &r), -1);
	assert_int_equal(r.status, LIMIT_ERROR);
	assert_int_equal(r.attempts, 5);
	assert_int_equal(f.calls, 5);
	/* what was known stays: 4 successes from one page doubling */
	assert_int_equal(r.largest_ok, 8 * PAGE);
}

/* ---- /proc/buddyinfo ---- */

static const char buddy_fixture[] =
	"Node 0, zone      DMA      1      0      1      0      2      1      1      0      1      1      3 \n"
	"Node 0, zone    DMA32   1517    903    462    230    101     40     12      6      3      2    200 \n"
	"Node 0, zone   Normal      4      3      2      1      0      0      0      0      0      0      0 \n"
	"Node 1, zone   Normal     10      0      0      0      0      0      0      0      0      0      1 \n";

static void test_buddyinfo_parse(void **state)
{
	struct buddyinfo bi;

	(void)state;
	assert_int_equal(buddyinfo_parse(buddy_fixture, &bi), 0);
	assert_int_equal(bi.n, 4);
	assert_string_equal(bi.z[0].zone, "DMA");
	assert_string_equal(bi.z[1].zone, "DMA32");
	assert_int_equal(bi.z[1].norders, 11);
	assert_int_equal(bi.z[1].free[0], 1517);
	assert_int_equal(bi.z[1].free[10], 200);
	assert_int_equal(bi.z[3].node, 1);

	/* orders >= 6 in DMA32: 12*64 + 6*128 + 3*256 + 2*512 + 200*1024 */
	assert_int_equal(buddyinfo_pages_from(&bi, "DMA32", 6), 12 * 64 + 6 * 128 + 3 * 256 + 2 * 512 + 200 * 1024);
	/* Normal: both nodes */
	assert_int_equal(buddyinfo_pages_from(&bi, "Normal", 0), 4 + 6 + 8 + 8 + 10 + 1024);
	/* all zones, order 10 only */
	assert_int_equal(buddyinfo_pages_from(&bi, NULL, 10), (3 + 200 + 0 + 1) * 1024ULL);
	assert_int_equal(buddyinfo_pages_from(&bi, "HighMem", 0), 0);
}

static void test_buddyinfo_bad(void **state)
{
	struct buddyinfo bi;

	(void)state;
	assert_int_equal(buddyinfo_parse("", &bi), -1);
	assert_int_equal(buddyinfo_parse("garbage\nmore garbage\n", &bi), -1);
	/* no trailing newline, fewer orders (another MAX_ORDER) */
	assert_int_equal(buddyinfo_parse("Node 0, zone Normal 1 2 3", &bi), 0);
	assert_int_equal(bi.n, 1);
	assert_int_equal(bi.z[0].norders, 3);
	assert_int_equal(buddyinfo_pages_from(&bi, NULL, 1), 2 * 2 + 3 * 4);
}

/* ---- /proc/vmallocinfo ---- */

/* Real addresses (root, kptr_restrict 0/1): size includes the guard page. */
static const char vmalloc_real[] =
	"0xffffc90000000000-0xffffc90000005000   20480 irq_init_percpu_irqstack+0x12a/0x1b0 vmap\n"
	"0xffffc90000005000-0xffffc90000007000    8192 acpi_os_map_iomem+0x1c9/0x1e0 phys=0x000000003ffe0000 ioremap\n"
	"0xffffc90000010000-0xffffc90000015000   20480 module_alloc+0x3e/0x50 pages=4 vmalloc N0=4\n"
	"0xffffc90000100000-0xffffc90000502000 4202496 ab_vmalloc+0x10/0x20 [allocbench] pages=1025 vmalloc vpages N0=1025\n";

/* kptr_restrict=2 or no CAP_SYSLOG: %pK prints zeroes. */
static const char vmalloc_hashed[] =
	"0x0000000000000000-0x0000000000000000   20480 0x0 vmap\n"
	"0x0000000000000000-0x0000000000000000    8192 0x0 ioremap\n"
	"0x0000000000000000-0x0000000000000000   20480 0x0 pages=4 vmalloc N0=4\n";

static void test_vmallocinfo_real(void **state)
{
	struct vmalloc_summary vs;

	(void)state;
	assert_int_equal(vmallocinfo_summarize(vmalloc_real, &vs), 0);
	assert_int_equal(vs.areas, 4);
	assert_int_equal(vs.used_bytes, 20480 + 8192 + 20480 + 4202496);
	assert_int_equal(vs.addresses_real, 1);
	/* gaps: 0x7000..0x10000 = 0x9000, 0x15000..0x100000 = 0xeb000 */
	assert_int_equal(vs.largest_gap, 0xeb000);
	assert_int_equal(vs.span, 0x502000);
}

static void test_vmallocinfo_hashed(void **state)
{
	struct vmalloc_summary vs;

	(void)state;
	assert_int_equal(vmallocinfo_summarize(vmalloc_hashed, &vs), 0);
	assert_int_equal(vs.areas, 3);
	assert_int_equal(vs.used_bytes, 20480 + 8192 + 20480);
	assert_int_equal(vs.addresses_real, 0);
	assert_int_equal(vs.largest_gap, 0);
	assert_int_equal(vs.span, 0);

	assert_int_equal(vmallocinfo_summarize("", &vs), 0);
	assert_int_equal(vs.areas, 0);
	assert_int_equal(vs.addresses_real, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_limit),
		cmocka_unit_test(test_page_granularity),
		cmocka_unit_test(test_cap_reached),
		cmocka_unit_test(test_limit_below_cap),
		cmocka_unit_test(test_attempts_bound),
		cmocka_unit_test(test_none_ok_and_refused),
		cmocka_unit_test(test_error_stops),
		cmocka_unit_test(test_buddyinfo_parse),
		cmocka_unit_test(test_buddyinfo_bad),
		cmocka_unit_test(test_vmallocinfo_real),
		cmocka_unit_test(test_vmallocinfo_hashed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
