/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Values of experiment-section keys, parsed one way for every kind so that
 * the same mistake gets the same message whichever section it is in. Each
 * returns 0, or -1 with a message in err (config.c adds "FILE:LINE: ").
 */
#ifndef ALLOCBENCH_CONFIG_KEYS_H
#define ALLOCBENCH_CONFIG_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "sizes.h"

struct config;
struct section;

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
