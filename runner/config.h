/* SPDX-License-Identifier: GPL-2.0 */
/* Run configurations (configs/README.md): libinih, every key checked, FILE:LINE errors. */
#ifndef ALLOCBENCH_CONFIG_H
#define ALLOCBENCH_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "experiment.h"

#define CFG_ERR_LEN	1024
#define CFG_LABEL_LEN	64	/* a section label's characters + 1 */

/* Limits of [run] values (validation, not policy). */
#define CFG_MAX_ITERATIONS	(16U << 20)
#define CFG_MAX_REPEAT		1000U
#define CFG_MAX_CPU		4095U
#define CFG_MAX_BUDGET_MS	3600000U
#define CFG_MIN_MEMORY		(64ULL << 20)
#define CFG_MAX_SUBSERIES	64U
#define CFG_MAX_SMP		256U

struct run_config {
	char name[128];
	unsigned cpu;
	uint64_t seed;
	unsigned repeat;
	unsigned warmup;
	unsigned iterations;
	unsigned min_samples;
	unsigned time_budget_ms;
	unsigned batch;
	unsigned batch_below_ns;
	/*
	 * Visits per latency point and repeat: its samples are taken in this
	 * many sub-series spread over the run, so that its interval sees drift.
	 */
	unsigned subseries;
	char cmdline[1024];
	uint64_t memory;
	unsigned smp;			/* vm target: guest CPUs (qemu -smp) */
	unsigned mem_cap_percent;
	int line;			/* line of [run], 0 if absent */
	int line_iterations, line_min_samples;
};

struct section {
	const struct experiment_kind *kind;
	int kind_idx;			/* index in experiment_kinds[] */
	char label[CFG_LABEL_LEN];	/* "" for [latency] */
	char title[96];			/* "latency" or "latency atomic", as in the file */
	int line;			/* line of the header */
	void *priv;			/* the kind's parsed keys */
};

struct config {
	char path[4096];
	struct run_config run;
	struct section *sec;
	size_t nsec;
};

/*
 * Reads and validates a config. 0, or -1 with "FILE:LINE: message" in err
 * (cfg is then freed). Nothing is measured before this succeeds.
 */
int config_load(const char *path, struct config *cfg, char *err, size_t errlen);
void config_free(struct config *cfg);

/*
 * The value of a [run] key as text: memory as MiB with a suffix ("1024M", what qemu -m takes),
 * cmdline verbatim, numbers in decimal.
 * 0, or -1 if the key does not exist.
 */
int config_get(const struct config *cfg, const char *key, char *buf, size_t len);

/*
 * Comparisons made by config_load()'s duplicate-section, duplicate-key and
 * overlap checks since the program started. Unit tests read it to see that
 * loading stays linear in the number of sections without timing anything.
 */
extern unsigned long config_check_steps;

/*
 * 1 when count objects of bytes each would hold more than [run]
 * mem_cap_percent of MemAvailable (0 when MemAvailable is unknown).
 */
int config_over_mem_cap(const struct run_config *rc, uint64_t bytes, uint64_t count);

#endif
