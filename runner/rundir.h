/* SPDX-License-Identifier: GPL-2.0 */
/* Reading the files of a run folder (results/<run>/) back for the report. */
#ifndef ALLOCBENCH_RUNDIR_H
#define ALLOCBENCH_RUNDIR_H

#include "csv.h"

/* Whether DIR/NAME exists and is readable. */
int rundir_exists(const char *dir, const char *name);
/* Reads DIR/NAME. 0, or -1 with "DIR/NAME:LINE: reason" in err. */
int rundir_load(const char *dir, const char *name, struct csv_table *t, char *err, size_t errlen);
/*
 * Reads DIR/NAME when it exists: 1 when loaded; 0 when absent or damaged
 * (then "allocbench report: FILE:LINE: reason (ignored)" on stderr), t empty.
 */
int rundir_load_optional(const char *dir, const char *name, struct csv_table *t);

#endif
