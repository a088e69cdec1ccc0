// SPDX-License-Identifier: GPL-2.0
/*
 * names.c: the runner's one allocator table covers every allocator of the
 * ABI (a new enum value without its line fails here), with one name, an
 * abbreviation, a colour and a point type each, all distinct; names and the
 * kernel-spelling alias resolve back; configs/README.md documents them all.
 */
#include <ctype.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#include "allocbench.h"
#include "names.h"
#include "util.h"

static int is_color(const char *c)
{
	if (strlen(c) != 7 || c[0] != '#')
		return 0;
	for (int i = 1; i < 7; i++)
		if (!isxdigit((unsigned char)c[i]))
			return 0;
	return 1;
}

static void test_every_allocator_has_a_line(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ALLOCBENCH_NR_ALLOCATORS; i++) {
		const struct allocator_desc *d = allocator_desc(i);

		if (!d)
			fail_msg("allocator %u of the ABI has no line in runner/names.c", i);
		assert_non_null(d->name);
		assert_non_null(d->abbr);
		assert_non_null(d->color);
		if (!is_color(d->color))
			fail_msg("%s: colour '%s' is not #RRGGBB", d->name, d->color);
		if (d->point <= 0 || d->point == 2)
			fail_msg("%s: point type %d (2 is the failure marker)", d->name, d->point);
		assert_string_equal(allocator_name(i), d->name);
		assert_int_equal(allocator_by_name(d->name), (int)i);
		assert_ptr_equal(allocator_desc_by_name(d->name), d);
		if (d->alias)
			assert_int_equal(allocator_by_name(d->alias), (int)i);
	}
	assert_null(allocator_desc(ALLOCBENCH_NR_ALLOCATORS));
	assert_null(allocator_name(ALLOCBENCH_NR_ALLOCATORS));
	assert_null(allocator_desc_by_name("__get_free_pages"));	/* aliases are for configs only */
	assert_int_equal(allocator_by_name("__get_free_pages"), ALLOCBENCH_GET_FREE_PAGES);
	assert_int_equal(allocator_by_name("kmallok"), -1);
}

/* Two allocators that look or read alike on a chart or in the summary are a defect. */
static void test_all_distinct(void **state)
{
	(void)state;
	for (unsigned i = 0; i < ALLOCBENCH_NR_ALLOCATORS; i++) {
		for (unsigned j = 0; j < i; j++) {
			const struct allocator_desc *a = allocator_desc(i), *b = allocator_desc(j);

			if (!strcmp(a->name, b->name) || !strcmp(a->abbr, b->abbr))
				fail_msg("%s and %s share a name or abbreviation", a->name, b->name);
			if (!strcasecmp(a->color, b->color))
				fail_msg("%s and %s share the colour %s", a->name, b->name, a->color);
			if (a->point == b->point)
				fail_msg("%s and %s share the point type %d", a->name, b->name, a->point);
		}
	}
}

static void test_list(void **state)
{
	char want[512] = "";
	size_t o = 0;

	(void)state;
	for (unsigned i = 0; allocator_name(i); i++)
		o += (size_t)snprintf(want + o, sizeof(want) - o, "%s%s", i ? ", " : "", allocator_name(i));
	assert_string_equal(allocator_names_list(), want);
}

/* configs/README.md names every allocator a config may use. */
static void test_documented(void **state)
{
	char *doc = read_all(TOP_DIR "/configs/README.md", NULL);

	(void)state;
	assert_non_null(doc);
	for (unsigned i = 0; allocator_name(i); i++) {
		char quoted[64];

		snprintf(quoted, sizeof(quoted), "`%s`", allocator_name(i));
		if (!strstr(doc, quoted))
			fail_msg("configs/README.md does not name the allocator %s: add it to \"Allocator names\"",
				 allocator_name(i));
	}
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_allocator_has_a_line),
		cmocka_unit_test(test_all_distinct),
		cmocka_unit_test(test_list),
		cmocka_unit_test(test_documented),
	};

	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
