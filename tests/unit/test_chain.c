// SPDX-License-Identifier: GPL-2.0
/* The pointer-chain builder shared by the module and the runner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../bench-module/chain.h"

#define PAGE	4096
#define LINE	64

struct buffer {
	char *mem;
	size_t npages;
	uint32_t *scratch;
	/* Non-contiguous layouts: page i lives at mem + order[i] * PAGE, as the
	 * direct map of separately allocated pages would. */
	size_t *order;
};

static void *page_at(void *ctx, size_t i)
{
	struct buffer *b = ctx;

	return b->mem + (b->order ? b->order[i] : i) * PAGE;
}

static void buffer_init(struct buffer *b, size_t npages, enum chain_layout layout,
			bool scattered)
{
	b->npages = npages;
	b->mem = aligned_alloc(PAGE, npages * PAGE);
	assert_non_null(b->mem);
	memset(b->mem, 0, npages * PAGE);
	b->scratch = calloc(chain_scratch_words(layout, npages, PAGE, LINE), sizeof(uint32_t));
	assert_non_null(b->scratch);
	b->order = NULL;
	if (scattered) {
		b->order = calloc(npages, sizeof(*b->order));
		assert_non_null(b->order);
		for (size_t i = 0; i < npages; i++)	/* reverse order */
			b->order[i] = npages - 1 - i;
	}
}

static void buffer_fini(struct buffer *b)
{
	free(b->mem);
	free(b->scratch);
	free(b->order);
}

/* Walks the cycle and checks every element is inside the buffer, at a line
 * boundary, visited once, and that the layout's locality rule holds. */
static void check_cycle(const struct chain *c, const struct buffer *b)
{
	size_t nlines = b->npages * (PAGE / LINE);
	unsigned char *seen = calloc(nlines, 1);
	void **p = c->start;
	size_t steps = 0, lines_left_in_page = 0;
	size_t pages_visited = 0;
	ptrdiff_t cur_page = -1;

	assert_non_null(seen);
	assert_true(chain_is_single_cycle(c, NULL, NULL));
	do {
		ptrdiff_t off = (char *)p - b->mem;

		assert_true(off >= 0 && (size_t)off < b->npages * PAGE);
		assert_int_equal(off % LINE, 0);
		assert_int_equal(seen[off / LINE], 0);
		seen[off / LINE] = 1;
		if (off / PAGE != cur_page) {
			/* Line layout: a page is left only once all its lines were seen. */
			if (c->layout == CHAIN_LINE && cur_page >= 0)
				assert_int_equal(lines_left_in_page, 0);
			cur_page = off / PAGE;
			pages_visited++;
			lines_left_in_page = PAGE / LINE;
		}
		lines_left_in_page--;
		p = (void **)*p;
		steps++;
	} while (p != c->start);
	assert_int_equal(steps, c->elements);
	assert_int_equal(pages_visited, b->npages);	/* each page entered once */
	free(seen);
}

static void build_and_check(enum chain_layout layout, size_t npages, bool scattered)
{
	struct buffer b;
	struct chain c;

	buffer_init(&b, npages, layout, scattered);
	assert_int_equal(chain_build(&c, layout, npages, PAGE, LINE, page_at, &b, 42, b.scratch, NULL, NULL), 0);
	assert_int_equal(c.elements, layout == CHAIN_PAGE ? npages : npages * (PAGE / LINE));
	check_cycle(&c, &b);
	buffer_fini(&b);
}

static void test_page_layout_single_cycle(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 17, 64, 1000, 4099 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		build_and_check(CHAIN_PAGE, sizes[i], false);
		build_and_check(CHAIN_PAGE, sizes[i], true);
	}
}

static void test_line_layout_single_cycle(void **state)
{
	static const size_t sizes[] = { 1, 2, 3, 17, 256 };

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		build_and_check(CHAIN_LINE, sizes[i], false);
		build_and_check(CHAIN_LINE, sizes[i], true);
	}
}

/* Same seed, same chain; another seed, another chain. */
static void test_deterministic_for_seed(void **state)
{
	struct buffer a, b;
	struct chain ca, cb;

	(void)state;
	for (int layout = 0; layout < CHAIN_NR_LAYOUTS; layout++) {
		buffer_init(&a, 128, layout, false);
		buffer_init(&b, 128, layout, false);
		assert_int_equal(chain_build(&ca, layout, 128, PAGE, LINE, page_at, &a, 7, a.scratch, NULL, NULL), 0);
		assert_int_equal(chain_build(&cb, layout, 128, PAGE, LINE, page_at, &b, 7, b.scratch, NULL, NULL), 0);
		/* Compare as offsets: the two buffers live at different addresses. */
		void **pa = ca.start, **pb = cb.start;

		for (size_t i = 0; i < ca.elements; i++) {
			assert_int_equal((char *)pa - a.mem, (char *)pb - b.mem);
			pa = (void **)*pa;
			pb = (void **)*pb;
		}
		assert_int_equal(chain_build(&cb, layout, 128, PAGE, LINE, page_at, &b, 8, b.scratch, NULL, NULL), 0);
		pa = ca.start;
		pb = cb.start;
		size_t same = 0;

		for (size_t i = 0; i < ca.elements; i++) {
			same += (char *)pa - a.mem == (char *)pb - b.mem;
			pa = (void **)*pa;
			pb = (void **)*pb;
		}
		assert_true(same < ca.elements / 4);
		buffer_fini(&a);
		buffer_fini(&b);
	}
}

/* The page layout must not put every pointer at the same offset: that would
 * map all loads to a handful of cache sets and measure conflict misses. */
static void test_page_layout_varies_offset(void **state)
{
	struct buffer b;
	struct chain c;
	size_t offsets[PAGE / LINE] = { 0 };
	size_t used = 0;

	(void)state;
	buffer_init(&b, 512, CHAIN_PAGE, false);
	assert_int_equal(chain_build(&c, CHAIN_PAGE, 512, PAGE, LINE, page_at, &b, 3, b.scratch, NULL, NULL), 0);
	void **p = c.start;

	for (size_t i = 0; i < c.elements; i++) {
		offsets[((char *)p - b.mem) % PAGE / LINE]++;
		p = (void **)*p;
	}
	for (size_t i = 0; i < PAGE / LINE; i++)
		used += offsets[i] != 0;
	assert_true(used > (PAGE / LINE) / 2);
	buffer_fini(&b);
}

static void test_invalid_shapes(void **state)
{
	struct chain c;
	uint32_t scratch[8];

	(void)state;
	assert_int_equal(chain_elements(CHAIN_PAGE, 0, PAGE, LINE), 0);
	assert_int_equal(chain_elements(CHAIN_PAGE, 4, 3000, LINE), 0);	/* not a power of two */
	assert_int_equal(chain_elements(CHAIN_PAGE, 4, PAGE, 4), 0);	/* line below a pointer */
	assert_int_equal(chain_elements(CHAIN_LINE, 4, PAGE, 2 * PAGE), 0);
	assert_int_equal(chain_elements(CHAIN_NR_LAYOUTS, 4, PAGE, LINE), 0);
	assert_int_equal(chain_scratch_words(CHAIN_PAGE, 0, PAGE, LINE), 0);
	assert_int_equal(chain_build(&c, CHAIN_PAGE, 0, PAGE, LINE, page_at, NULL, 1, scratch, NULL, NULL), -1);
	assert_int_equal(chain_build(&c, CHAIN_PAGE, 1, PAGE, LINE, NULL, NULL, 1, scratch, NULL, NULL), -1);
}

/* A corrupted link is caught by the self-check. */
static void test_self_check_detects_break(void **state)
{
	struct buffer b;
	struct chain c;

	(void)state;
	buffer_init(&b, 16, CHAIN_PAGE, false);
	assert_int_equal(chain_build(&c, CHAIN_PAGE, 16, PAGE, LINE, page_at, &b, 5, b.scratch, NULL, NULL), 0);
	assert_true(chain_is_single_cycle(&c, NULL, NULL));
	void **second = (void **)*(void **)c.start;

	*second = second;	/* a self-loop two steps in: the walk never returns */
	assert_false(chain_is_single_cycle(&c, NULL, NULL));
	buffer_fini(&b);
}

/* Counts ticks; asks to stop once the count reaches stop_at (0: never). */
struct ticker {
	unsigned int calls, stop_at;
};

static bool tick(void *ctx)
{
	struct ticker *t = ctx;

	return ++t->calls == t->stop_at;
}

/* Long builds and checks tick every CHAIN_TICK_ELEMENTS, and a tick can stop them. */
static void test_tick_and_stop(void **state)
{
	struct ticker t = { 0, 0 };
	struct buffer b;
	struct chain c;

	(void)state;
	buffer_init(&b, 64, CHAIN_LINE, false);	/* 4096 elements, 64 pages */
	assert_int_equal(chain_build(&c, CHAIN_LINE, 64, PAGE, LINE, page_at, &b, 1, b.scratch,
				     tick, &t), 0);
	assert_true(t.calls >= 1);
	t.calls = 0;
	assert_true(chain_is_single_cycle(&c, tick, &t));
	assert_int_equal(t.calls, 1);	/* 4096 steps: one tick */

	t = (struct ticker){ 0, 1 };
	assert_false(chain_is_single_cycle(&c, tick, &t));
	t = (struct ticker){ 0, 1 };
	assert_int_equal(chain_build(&c, CHAIN_LINE, 64, PAGE, LINE, page_at, &b, 1, b.scratch,
				     tick, &t), -2);
	buffer_fini(&b);
}

static void test_chase_follows_links(void **state)
{
	struct buffer b;
	struct chain c;

	(void)state;
	buffer_init(&b, 33, CHAIN_PAGE, false);
	assert_int_equal(chain_build(&c, CHAIN_PAGE, 33, PAGE, LINE, page_at, &b, 9, b.scratch, NULL, NULL), 0);
	assert_ptr_equal(chain_chase(c.start, c.elements), c.start);
	assert_ptr_equal(chain_chase(c.start, 5 * c.elements), c.start);
	assert_ptr_not_equal(chain_chase(c.start, 1), c.start);
	assert_ptr_equal(chain_chase(c.start, 1), *(void **)c.start);
	buffer_fini(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_page_layout_single_cycle),
		cmocka_unit_test(test_line_layout_single_cycle),
		cmocka_unit_test(test_deterministic_for_seed),
		cmocka_unit_test(test_page_layout_varies_offset),
		cmocka_unit_test(test_invalid_shapes),
		cmocka_unit_test(test_self_check_detects_break),
		cmocka_unit_test(test_chase_follows_links),
		cmocka_unit_test(test_tick_and_stop),
	};

	return cmocka_run_group_tests_name("chain", tests, NULL, NULL);
}
