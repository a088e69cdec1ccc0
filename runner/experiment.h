/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Experiment kinds: one per config section type ([latency], [access],
 * [probe], ...: the list is experiment_kinds[] in config.c). Adding a kind
 * is one file that defines a struct experiment_kind with its key table
 * (config_keys.h), its extern below and one line in experiment_kinds[];
 * what the report makes of its CSV is a report part (report_parts.h).
 */
#ifndef ALLOCBENCH_EXPERIMENT_H
#define ALLOCBENCH_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

struct config;
struct section;
struct cfg_key;
struct plan;
struct point;
struct device;

#define EXP_MAX_KINDS	16

/* What a run hands every kind: read-mostly, one per `allocbench run`. */
struct run_ctx {
	const struct config *cfg;
	struct device *dev;
	const char *dir;		/* output directory */
	gzFile samples;		/* samples.csv.gz.tmp, shared by all kinds; NULL if none */
	uint64_t samples_rows;
	void *state[EXP_MAX_KINDS];	/* per kind, indexed like experiment_kinds[] */
	int verbose;
};

struct experiment_kind {
	const char *name;		/* section name: [name] or [name LABEL] */
	const char *summary;		/* one line for --help */
	const char *csv_name;		/* file it writes in the run directory */

	/*
	 * Config: a section is a zeroed struct of section_size bytes (priv),
	 * filled with the defaults of keys[] and then with the file's keys,
	 * each parsed as its entry says (config_keys.h).
	 */
	size_t section_size;
	const struct cfg_key *keys;
	size_t nkeys;
	/* Optional: frees what keys' own parsers allocated (not priv, nor its size lists). */
	void (*section_release)(void *priv);
	/*
	 * Optional: an index of the whole config for finish(), built once
	 * before the first finish() and freed after the last, for checks that
	 * would otherwise compare each section with every earlier one (and make
	 * loading quadratic in the number of sections). NULL: out of memory.
	 */
	void *(*finish_index_new)(const struct config *cfg);
	void (*finish_index_free)(void *index);
	/*
	 * Validates a complete section once the whole file is read (earlier
	 * sections of the config are complete; cfg->nsec counts only them).
	 * index is this kind's finish_index_new() result, or NULL without one.
	 * On error fills err and *line (preset to the section header's line)
	 * and returns -1.
	 */
	int (*finish)(const struct config *cfg, const struct section *sec, const void *index,
		      char *err, size_t errlen, int *line);

	/* Plan: appends this section's points for one repeat. 0 or -1 (ENOMEM). */
	int (*plan)(const struct config *cfg, const struct section *sec, struct plan *p);

	/* Run: set up state (ctx->state[idx]), measure one point, write the CSV. */
	int (*run_begin)(struct run_ctx *ctx, int idx, const struct plan *p);
	/* 0: done (whatever the row's status); -1: stop the run (ab_stop or fatal error, reported). */
	int (*run_point)(struct run_ctx *ctx, int idx, const struct point *pt);
	/* commit != 0: write the CSV (tmp + rename); else discard. Frees state. 0 or -1. */
	int (*run_end)(struct run_ctx *ctx, int idx, int commit);

	/* Optional: one point in a few words for the progress line ("vmalloc alloc 4K kernel"). */
	void (*describe)(const struct point *pt, char *buf, size_t len);
};

/* NULL-terminated, in the order their CSVs are described in --help. */
extern const struct experiment_kind *const experiment_kinds[];
extern const struct experiment_kind exp_latency;
/* limits and fragmentation: exp_probe.c, exp_frag.c, exp_overhead.c */
extern const struct experiment_kind exp_probe;
extern const struct experiment_kind exp_frag;
extern const struct experiment_kind exp_overhead;
/* the vmalloc address range, fragmented on purpose: exp_vspace.c */
extern const struct experiment_kind exp_vspace;
/* many CPUs at once: exp_scale.c */
extern const struct experiment_kind exp_scale;
/* access latency: exp_access.c */
extern const struct experiment_kind exp_access;
extern const struct experiment_kind exp_mapping;
/* [uaccess]: exp_uaccess.c; plans no points, read by `allocbench uaccess -c` */
extern const struct experiment_kind exp_uaccess;
struct uaccess_settings;
/* The config's [uaccess] section, or NULL. */
const struct uaccess_settings *config_uaccess(const struct config *cfg);
/* [perf]: exp_perf.c; plans no points, read by `allocbench perf -c` (perf_point.h) */
extern const struct experiment_kind exp_perf;

#endif
