// SPDX-License-Identifier: GPL-2.0
#include "gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "names.h"
#include "util.h"

extern char **environ;

void gp_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		fputc(*s == '\n' || *s == '\r' || *s == '\t' ? ' ' : *s, f);
	}
	fputc('"', f);
}

void gp_set_str(FILE *f, const char *key, const char *s)
{
	fprintf(f, "%s = ", key);
	gp_str(f, s);
	fputc('\n', f);
}

void gp_allocators(FILE *f)
{
	const struct allocator_desc *d;
	unsigned i;

	fprintf(f, "# Allocators in ABI order, their colours and point types (runner/names.c).\n");
	fprintf(f, "AB_ALLOCATORS = \"");
	for (i = 0; (d = allocator_desc(i)); i++)
		fprintf(f, "%s%s", i ? " " : "", d->name);
	fprintf(f, "\"\nAB_COLORS = \"");
	for (i = 0; (d = allocator_desc(i)); i++)
		fprintf(f, "%s%s", i ? " " : "", d->color);
	fprintf(f, "\"\nAB_POINTS = \"");
	for (i = 0; (d = allocator_desc(i)); i++)
		fprintf(f, "%s%d", i ? " " : "", d->point);
	fprintf(f, "\"\n");
}

/* gnuplot -c SCRIPT VARS FMT, stdout and stderr appended to LOG. 0 or -1. */
static int run_gnuplot(const char *gnuplot, const char *script, const char *vars, const char *fmt,
		       const char *log)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)gnuplot, "-c", (char *)script, (char *)vars, (char *)fmt, NULL };
	pid_t pid;
	int st, rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, log, O_WRONLY | O_CREAT | O_APPEND, 0644);
	rc = posix_spawn(&pid, gnuplot, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc) {
		errno = rc;
		return -1;
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

/* The last lines of a log on stderr, indented. */
static void print_log_tail(const char *log)
{
	char line[512], lines[6][512];
	size_t n = 0, i;
	FILE *f = fopen(log, "r");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f))
		snprintf(lines[n++ % ARRAY_SIZE(lines)], sizeof(lines[0]), "%s", line);
	fclose(f);
	for (i = n > ARRAY_SIZE(lines) ? n - ARRAY_SIZE(lines) : 0; i < n; i++)
		fprintf(stderr, "    %s", lines[i % ARRAY_SIZE(lines)]);
}

int gp_render(const char *gnuplot, const char *script, const char *vars, const char *log,
	      const char *chart)
{
	static const char *const fmts[] = { "svg", "png" };
	int ok = 1;

	unlink(log);
	for (size_t k = 0; k < ARRAY_SIZE(fmts); k++) {
		if (run_gnuplot(gnuplot, script, vars, fmts[k], log) < 0) {
			fprintf(stderr, "allocbench report: gnuplot failed on chart %s (%s); its messages (%s):\n",
				chart, fmts[k], log);
			print_log_tail(log);
			ok = 0;
		}
	}
	return ok;
}
