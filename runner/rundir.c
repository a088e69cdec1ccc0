// SPDX-License-Identifier: GPL-2.0
#include "rundir.h"

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

int rundir_load_optional(const char *dir, const char *name, struct csv_table *t)
{
	char err[4400];

	memset(t, 0, sizeof(*t));
	if (!rundir_exists(dir, name))
		return 0;
	if (rundir_load(dir, name, t, err, sizeof(err)) < 0) {
		fprintf(stderr, "allocbench report: %s (ignored)\n", err);
		return 0;
	}
	return 1;
}
