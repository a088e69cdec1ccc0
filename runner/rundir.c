// SPDX-License-Identifier: GPL-2.0
#include "rundir.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int rundir_exists(const char *dir, const char *name)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, R_OK) == 0;
}

int rundir_load(const char *dir, const char *name, struct csv_table *t, char *err, size_t errlen)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return csv_read(path, t, err, errlen);
}

/*
 * Whether this message was printed before: report.md, the charts and the
 * summary each read a part's files, and a damaged file is worth one line.
 */
static int said_before(const char *msg)
{
	static uint64_t said[64];
	static size_t nsaid;
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */

	for (const char *c = msg; *c; c++)
		h = (h ^ (unsigned char)*c) * 1099511628211ULL;
	for (size_t i = 0; i < nsaid; i++)
		if (said[i] == h)
			return 1;
	if (nsaid < sizeof(said) / sizeof(said[0]))
		said[nsaid++] = h;
	return 0;
}

int rundir_load_optional(const char *dir, const char *name, struct csv_table *t)
{
	char err[4400];

	memset(t, 0, sizeof(*t));
	if (!rundir_exists(dir, name))
		return 0;
	if (rundir_load(dir, name, t, err, sizeof(err)) < 0) {
		if (!said_before(err))
			fprintf(stderr, "allocbench report: %s (ignored)\n", err);
		return 0;
	}
	return 1;
}
