// SPDX-License-Identifier: GPL-2.0
/*
 * Charts: finds gnuplot and plots/, makes DIR/charts/data/ and the footer
 * every chart carries, then lets each report part (report_parts.c) render
 * its own charts there.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "charts.h"
#include "report_parts.h"
#include "util.h"

static int is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int plots_ok(const char *dir)
{
	char p[PATH_MAX + 32];

	snprintf(p, sizeof(p), "%s/latency.gp", dir);
	if (!is_file(p))
		return 0;
	snprintf(p, sizeof(p), "%s/style.gp", dir);
	return is_file(p);
}

static int absolutize(const char *in, char *out, size_t len)
{
	char *r = realpath(in, NULL);

	if (!r)
		return -1;
	snprintf(out, len, "%s", r);
	free(r);
	return 0;
}

int charts_find_plots(char *out, size_t len)
{
	static const char *const rel[] = { "../plots", "../share/allocbench/plots", "plots", "../../plots" };
	const char *env = getenv("ALLOCBENCH_PLOTS");
	char exe[PATH_MAX], cand[PATH_MAX + 64];
	ssize_t n;
	size_t i;

	if (env && *env) {
		if (plots_ok(env))
			return absolutize(env, out, len);
		return -1;	/* an explicit setting that is wrong is an error, not a hint */
	}
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *sl;

		exe[n] = '\0';
		sl = strrchr(exe, '/');
		if (sl)
			*sl = '\0';
		for (i = 0; i < ARRAY_SIZE(rel); i++) {
			snprintf(cand, sizeof(cand), "%s/%s", exe, rel[i]);
			if (plots_ok(cand))
				return absolutize(cand, out, len);
		}
	}
#ifdef ALLOCBENCH_SRCDIR
	snprintf(cand, sizeof(cand), "%s/plots", ALLOCBENCH_SRCDIR);
	if (plots_ok(cand))
		return absolutize(cand, out, len);
#endif
	for (i = 0; i < ARRAY_SIZE(rel); i++)
		if (plots_ok(rel[i]))
			return absolutize(rel[i], out, len);
	return -1;
}

int charts_find_gnuplot(char *out, size_t len)
{
	const char *path = getenv("PATH"), *p, *e;
	const char *env = getenv("ALLOCBENCH_GNUPLOT");

	if (env && *env) {
		if (access(env, X_OK) == 0) {
			snprintf(out, len, "%s", env);
			return 0;
		}
		return -1;
	}
	if (!path)
		path = "/usr/bin:/bin";
	for (p = path; *p; p = *e ? e + 1 : e) {
		char c[PATH_MAX];

		e = strchr(p, ':');
		if (!e)
			e = p + strlen(p);
		snprintf(c, sizeof(c), "%.*s/gnuplot", (int)(e - p) ? (int)(e - p) : 1,
			 (e - p) ? p : ".");
		if (access(c, X_OK) == 0 && is_file(c)) {
			snprintf(out, len, "%s", c);
			return 0;
		}
	}
	return -1;
}

int charts_render(const struct run_data *rd, int quiet, char *why, size_t whylen)
{
	char gnuplot[PATH_MAX], plots[PATH_MAX];
	char charts[PATH_MAX + 16], datadir[PATH_MAX + 32], footer[1400];
	const char *accel = rmeta_get(rd, "accelerator");
	const char *name = rmeta_any(rd, NULL, "run_name", "name", NULL);
	int rendered = 0;

	if (why && whylen)
		why[0] = '\0';
	if (charts_find_gnuplot(gnuplot, sizeof(gnuplot)) < 0) {
		snprintf(why, whylen, "gnuplot is not installed (not found on PATH%s)",
			 getenv("ALLOCBENCH_GNUPLOT") ? " or at ALLOCBENCH_GNUPLOT" : "");
		return -1;
	}
	if (charts_find_plots(plots, sizeof(plots)) < 0) {
		snprintf(why, whylen, "the gnuplot scripts (plots/latency.gp) were not found%s",
			 getenv("ALLOCBENCH_PLOTS") ? " in ALLOCBENCH_PLOTS" :
			 "; set ALLOCBENCH_PLOTS to the plots/ directory");
		return -1;
	}
	snprintf(charts, sizeof(charts), "%s/charts", rd->dir);
	snprintf(datadir, sizeof(datadir), "%s/data", charts);
	if ((mkdir(charts, 0755) < 0 && errno != EEXIST) || (mkdir(datadir, 0755) < 0 && errno != EEXIST)) {
		snprintf(why, whylen, "cannot create %s: %s", datadir, strerror(errno));
		return -1;
	}
	if (!name) {
		const char *sl = strrchr(rd->dir, '/');

		name = sl && sl[1] ? sl + 1 : rd->dir;
	}
	snprintf(footer, sizeof(footer), "kernel %.100s  |  CPU %.100s  |  target %.40s%s%.40s%s  |  git %.60s  |  run %.100s",
		 rmeta_any(rd, "unknown", "kernel_release", "kernel", NULL), rmeta_any(rd, "unknown", "cpu_model", NULL),
		 rmeta_any(rd, "unknown", "target", NULL), accel ? " (" : "", accel ? accel : "",
		 accel ? ")" : "", rmeta_any(rd, "unknown", "git_revision", NULL), name);

	for (const struct report_part *const *part = report_parts; *part; part++)
		if ((*part)->render_charts)
			rendered += (*part)->render_charts(rd, gnuplot, plots, datadir, footer, quiet);
	return rendered;
}
