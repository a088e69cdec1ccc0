/* SPDX-License-Identifier: GPL-2.0 */
/* --help texts of allocbench and its commands. */
#ifndef ALLOCBENCH_HELP_H
#define ALLOCBENCH_HELP_H

#include <stdio.h>

/* Full help of a command ("run", ...) or of the program (NULL). 0, or -1 if unknown. */
int help_print(const char *cmd, FILE *f);
/* "usage: ... (allocbench CMD --help for more)" on stderr. */
void help_usage(const char *cmd);

#endif
