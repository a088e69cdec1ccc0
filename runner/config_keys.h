/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Config keys as data: every section kind ([run] and each experiment kind)
 * has one table with an entry per key, and that entry alone drives the
 * key's parsing, bounds, default, help text and (for [run]) printing.
 * Adding a key is one line in its kind's table (and one in
 * configs/README.md, which a unit test holds to the tables).
 *
 * Values are parsed one way for every kind so that the same mistake gets
 * the same message whichever section it is in. Parsers return 0, or -1
 * with a message in err (config.c adds "FILE:LINE: ").
 */
#ifndef ALLOCBENCH_CONFIG_KEYS_H
#define ALLOCBENCH_CONFIG_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "sizes.h"

struct config;
struct section;

enum cfg_type {
	CFG_NUM,	/* whole number in [min, max]; an unsigned field of 4 or 8 bytes */
	CFG_SIZES,	/* a size list (struct size_list), freed with the section */
	CFG_BOOL,	/* yes/no into an int */
	CFG_NAMES,	/* comma list of names into a uint32_t bit mask through lookup */
	CFG_STRING,	/* text into a char array of the field's size */
	CFG_CUSTOM,	/* only through parse (the field's bytes are the parser's business) */
};

struct cfg_key;

/* A key's own parser, for values no type above describes. obj: the section's struct. */
typedef int cfg_parse_fn(const struct cfg_key *k, void *obj, const char *value, int line,
			 char *err, size_t errlen);

struct cfg_key {
	const char *name;
	enum cfg_type type;
	size_t offset;		/* of the field in the section's struct */
	size_t size;		/* of the field */
	uint64_t min, max;	/* CFG_NUM */
	const char *def;	/* default, as config text through the same parser; NULL: zero */
	const char *help;	/* one line for --help */
	/* CFG_NAMES: name -> bit or -1; "all" sets all_mask when non-zero */
	int (*lookup)(const char *name);
	const char *what;	/* one item in messages: "allocator" */
	const char *(*known)(void);	/* the accepted names, for messages */
	uint32_t all_mask;
	/* Optional: replaces the type's parser (CFG_CUSTOM: required). */
	cfg_parse_fn *parse;
	/* Optional, [run] only: the value as `check --get` prints it; else by type. */
	void (*format)(const struct cfg_key *k, const void *obj, char *buf, size_t len);
	/* 1 + offset of an int that gets the key's line; 0: not kept. */
	size_t line_offset;
};

/* Field of a section struct, for an entry: CFG_FIELD(struct lat_section, burst). */
#define CFG_FIELD(st, member)	.offset = offsetof(st, member), .size = sizeof(((st *)0)->member)
#define CFG_LINE(st, member)	.line_offset = offsetof(st, member) + 1
#define CFG_NUMBER(st, member, lo, hi) .type = CFG_NUM, CFG_FIELD(st, member), .min = (lo), .max = (hi)
/* The name sets most kinds share (names.h, allocbench.h): an entry adds .name, .def and .help. */
#define CFG_ALLOCATORS(st, member) .type = CFG_NAMES, CFG_FIELD(st, member), \
	.lookup = allocator_by_name, .what = "allocator", .known = allocator_names_list, \
	.all_mask = (1U << ALLOCBENCH_NR_ALLOCATORS) - 1
#define CFG_GFPS(st, member) .type = CFG_NAMES, CFG_FIELD(st, member), \
	.lookup = gfp_by_name, .what = "gfp", .known = gfp_names_list

/* The keys of [run] (config.c): parsing, defaults, check --get and --help. */
extern const struct cfg_key config_run_keys[];
extern const size_t config_run_nkeys;

/* The entry named key, or NULL. */
const struct cfg_key *cfg_key_find(const struct cfg_key *keys, size_t n, const char *key);

/* One key = value into obj. 0, or -1 with a message in err. */
int cfg_key_parse(const struct cfg_key *k, void *obj, const char *value, int line,
		  char *err, size_t errlen);

/* Every key's default into obj (zeroed before). 0, or -1 with the key and message in err. */
int cfg_keys_defaults(const struct cfg_key *keys, size_t n, void *obj, char *err, size_t errlen);

/* Frees what the table's types allocated in obj (size lists), not obj itself. */
void cfg_keys_release(const struct cfg_key *keys, size_t n, void *obj);

/* A key's value as text (CFG_NUM, CFG_STRING or its format). 0, or -1 if it has no text form. */
int cfg_key_format(const struct cfg_key *k, const void *obj, char *buf, size_t len);

/* The field of an entry in obj. */
static inline void *cfg_field(const struct cfg_key *k, void *obj)
{
	return (char *)obj + k->offset;
}

/*
 * A comma list of names into a bit mask through lookup (name -> bit or -1).
 * "all" means all_mask where all_mask != 0. what names one item in messages
 * ("allocator"), known lists the accepted names.
 */
int key_name_set(const char *key, const char *value, int (*lookup)(const char *),
		 const char *what, const char *known, uint32_t all_mask, uint32_t *mask,
		 char *err, size_t errlen);

/* A size list ("8..64M x2, 3000"), replacing *l. */
int key_sizes(const char *key, const char *value, struct size_list *l, char *err, size_t errlen);

/* A whole number in [lo, hi]. */
int key_u64(const char *key, const char *value, uint64_t lo, uint64_t hi, uint64_t *out,
	    char *err, size_t errlen);

/* yes/no (true/false, on/off, 1/0). */
int key_bool(const char *key, const char *value, int *out, char *err, size_t errlen);

/*
 * A finish() for a kind that allows one section per config: -1 (and *line)
 * on the second. Takes no index.
 */
int key_single_section(const struct config *cfg, const struct section *sec, const void *index,
		       char *err, size_t errlen, int *line);

#endif
