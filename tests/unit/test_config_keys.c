// SPDX-License-Identifier: GPL-2.0
/*
 * The key tables (config_keys.h): each is sound on its own, and
 * configs/README.md documents exactly their keys, no more and no fewer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "config_keys.h"
#include "experiment.h"
#include "util.h"

#define README TOP_DIR "/configs/README.md"
#define MAX_DOC_KEYS 512

/* A key as the README documents it: in a "| `key` |" row under "## `[section]`". */
struct doc_key {
	char section[32];
	char key[64];
	int line;
	int matched;
};

static struct doc_key doc[MAX_DOC_KEYS];
static size_t ndoc;

/* "## `[name]`..." gives name; any other heading ends the section (""). */
static void heading_section(const char *line, char *section, size_t len)
{
	const char *end;

	section[0] = '\0';
	if (strncmp(line, "## `[", 5))
		return;
	end = strstr(line + 5, "]`");
	if (end && (size_t)(end - (line + 5)) < len)
		snprintf(section, len, "%.*s", (int)(end - (line + 5)), line + 5);
}

/* Every `key` in the first cell of a table row (one row may name several keys). */
static void row_keys(const char *line, const char *section, int lineno)
{
	const char *p = line + 1, *cell_end = strchr(p, '|');

	while (cell_end && (p = strchr(p, '`')) && p < cell_end) {
		const char *q = strchr(p + 1, '`');

		if (!q || q > cell_end)
			break;
		if (ndoc == MAX_DOC_KEYS)
			fail_msg("more than %d documented keys", MAX_DOC_KEYS);
		snprintf(doc[ndoc].section, sizeof(doc[ndoc].section), "%s", section);
		snprintf(doc[ndoc].key, sizeof(doc[ndoc].key), "%.*s", (int)(q - p - 1), p + 1);
		doc[ndoc].line = lineno;
		doc[ndoc].matched = 0;
		ndoc++;
		p = q + 1;
	}
}

static void read_readme(void)
{
	FILE *f = fopen(README, "r");
	char line[4096], section[32] = "";
	int lineno = 0;

	if (!f)
		fail_msg("cannot open %s", README);
	ndoc = 0;
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		if (!strncmp(line, "#", 1))
			heading_section(line, section, sizeof(section));
		else if (section[0] && !strncmp(line, "| `", 3))
			row_keys(line, section, lineno);
	}
	fclose(f);
}

/* Marks the documented keys of one table; fails on a key the README lacks. */
static void match_table(const char *section, const struct cfg_key *keys, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int found = 0;

		for (size_t d = 0; d < ndoc; d++) {
			if (!strcmp(doc[d].section, section) && !strcmp(doc[d].key, keys[i].name)) {
				doc[d].matched = 1;
				found = 1;
			}
		}
		if (!found)
			fail_msg("configs/README.md: [%s] key '%s' is not documented (a \"| `%s` |\" row)",
				 section, keys[i].name, keys[i].name);
	}
}

static void test_readme_matches_tables(void **state)
{
	(void)state;
	read_readme();
	assert_true(ndoc > 0);
	match_table("run", config_run_keys, config_run_nkeys);
	for (int k = 0; experiment_kinds[k]; k++)
		match_table(experiment_kinds[k]->name, experiment_kinds[k]->keys, experiment_kinds[k]->nkeys);
	for (size_t d = 0; d < ndoc; d++)
		if (!doc[d].matched)
			fail_msg("configs/README.md:%d: [%s] documents key '%s', which does not exist",
				 doc[d].line, doc[d].section, doc[d].key);
}

/* One table: unique names, fields inside the struct, what each type needs, defaults that parse. */
static void check_table(const char *section, const struct cfg_key *keys, size_t n, size_t struct_size,
			void (*release)(void *))
{
	void *obj = calloc(1, struct_size);
	char err[CFG_ERR_LEN] = "";

	assert_non_null(obj);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		const struct cfg_key *k = &keys[i];

		if (!k->name || !k->help || !*k->help)
			fail_msg("[%s] entry %zu: name and help are required", section, i);
		for (size_t j = 0; j < i; j++)
			if (!strcmp(keys[j].name, k->name))
				fail_msg("[%s] %s: listed twice", section, k->name);
		if (k->offset + k->size > struct_size || !k->size)
			fail_msg("[%s] %s: field outside the section's struct", section, k->name);
		if (k->type == CFG_NUM &&
		    ((k->size != 4 && k->size != 8) || k->min > k->max || (k->size == 4 && k->max > UINT32_MAX)))
			fail_msg("[%s] %s: bounds do not fit the field", section, k->name);
		if (k->type == CFG_NAMES && (!k->lookup || !k->what || !k->known))
			fail_msg("[%s] %s: a name set needs lookup, what and known", section, k->name);
		if (k->type == CFG_CUSTOM && !k->parse)
			fail_msg("[%s] %s: a custom key needs its parser", section, k->name);
		if (k->line_offset && k->line_offset - 1 + sizeof(int) > struct_size)
			fail_msg("[%s] %s: line field outside the section's struct", section, k->name);
	}
	if (cfg_keys_defaults(keys, n, obj, err, sizeof(err)))
		fail_msg("[%s] %s", section, err);
	if (release)
		release(obj);
	cfg_keys_release(keys, n, obj);
	free(obj);
}

static void test_tables_sound(void **state)
{
	(void)state;
	check_table("run", config_run_keys, config_run_nkeys, sizeof(struct run_config), NULL);
	for (int k = 0; experiment_kinds[k]; k++)
		check_table(experiment_kinds[k]->name, experiment_kinds[k]->keys, experiment_kinds[k]->nkeys,
			    experiment_kinds[k]->section_size, experiment_kinds[k]->section_release);
}

/* Every [run] key has a printed form, and a value printed is a value accepted. */
static void test_run_keys_print_and_parse_back(void **state)
{
	struct run_config r;
	char err[CFG_ERR_LEN], buf[1100];

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(cfg_keys_defaults(config_run_keys, config_run_nkeys, &r, err, sizeof(err)), 0);
	for (size_t i = 0; i < config_run_nkeys; i++) {
		const struct cfg_key *k = &config_run_keys[i];

		assert_int_equal(cfg_key_format(k, &r, buf, sizeof(buf)), 0);
		if (!k->def)
			continue;
		if (cfg_key_parse(k, &r, buf, 1, err, sizeof(err)))
			fail_msg("[run] %s = %s: %s", k->name, buf, err);
	}
	assert_null(cfg_key_find(config_run_keys, config_run_nkeys, "nonsense"));
}

/* The one memory-cap check of [latency] and [access]: products that overflow are over the cap. */
static void test_over_mem_cap(void **state)
{
	struct run_config r;

	(void)state;
	memset(&r, 0, sizeof(r));
	r.mem_cap_percent = 50;
	if (!mem_available_bytes())
		skip();
	assert_int_equal(config_over_mem_cap(&r, 4096, 1), 0);
	assert_int_equal(config_over_mem_cap(&r, UINT64_MAX / 2 + 1, 2), 1);
	assert_int_equal(config_over_mem_cap(&r, mem_available_bytes(), 1), 1);
	assert_int_equal(config_over_mem_cap(&r, mem_available_bytes() / 4, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_readme_matches_tables),
		cmocka_unit_test(test_tables_sound),
		cmocka_unit_test(test_run_keys_print_and_parse_back),
		cmocka_unit_test(test_over_mem_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
