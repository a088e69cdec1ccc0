/* SPDX-License-Identifier: GPL-2.0 */
/* What a run's folder gets from the command line: its default name and the --meta KEY=VALUE facts. */
#ifndef ALLOCBENCH_RUN_FOLDER_H
#define ALLOCBENCH_RUN_FOLDER_H

#include <stddef.h>

struct meta;

/* "results/<UTC time>-<host>-<kernel release>" */
void run_folder_default(char *buf, size_t len);

/* Whether arg is KEY=VALUE with KEY of 1 to 63 characters of [a-z0-9_]. */
int meta_arg_valid(const char *arg);

/* Sets each KEY=VALUE (already checked by meta_arg_valid) in m, in order. */
void meta_set_args(struct meta *m, const char *const *args, int n);

#endif
