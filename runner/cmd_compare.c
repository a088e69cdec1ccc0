// SPDX-License-Identifier: GPL-2.0
/*
 * allocbench compare [-o DIR] [OPTIONS] A-RUNS... -- B-RUNS...
 *
 * Reads both sides (compare_load.c), compares every point (compare_point.c),
 * diffs the sides' meta.csv (compare_meta.c), writes the folder under a
 * temporary name (DIR.tmp) and renames it when complete, points
 * results/latest-compare at it, and prints the summary.
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "compare.h"
#include "help.h"
#include "util.h"

#define MAX_CHARTS 96

struct cmp_args {
	const char *out;
	char **a, **b;
	size_t na, nb;
};

static int parse_double_opt(const char *name, const char *s, double lo, double hi, double *out)
{
	char *end;
	double v = strtod(s, &end);

	if (end == s || *end || !(v >= lo && v <= hi)) {
		ab_err("%s '%s': expected a number from %g to %g", name, s, lo, hi);
		return -1;
	}
	*out = v;
	return 0;
}

/* Options, then the two sides split at "--". 0: go; 1: --help printed; -1: bad usage (said). */
static int parse_args(int argc, char **argv, struct cmp_opts *o, struct cmp_args *a)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' }, { "min-effect", required_argument, NULL, 'e' },
		{ "alpha", required_argument, NULL, 'a' }, { "seed", required_argument, NULL, 's' },
		{ "top", required_argument, NULL, 't' }, { "no-charts", no_argument, NULL, 'C' },
		{ "quiet", no_argument, NULL, 'q' }, { "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	double v;
	int ch, i, sep = -1;

	memset(a, 0, sizeof(*a));
	optind = 0;
	while ((ch = getopt_long(argc, argv, "+o:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'o': a->out = optarg; break;
		case 'e':
			if (parse_double_opt("--min-effect", optarg, 0, 1000, &v))
				return -1;
			o->min_effect = v / 100;
			break;
		case 'a':
			if (parse_double_opt("--alpha", optarg, 1e-9, 0.5, &o->alpha))
				return -1;
			break;
		case 's': o->seed = strtoul(optarg, NULL, 10); break;
		case 't':
			if (parse_double_opt("--top", optarg, 0, 60, &v))
				return -1;
			o->top = (int)v;
			break;
		case 'C': o->no_charts = 1; break;
		case 'q': o->quiet = 1; break;
		case 'h': help_print("compare", stdout); return 1;
		default: help_usage("compare"); return -1;
		}
	}
	/* getopt took a leading "--" as the end of options: the sides then follow with their own. */
	if (optind > 1 && !strcmp(argv[optind - 1], "--") && optind < argc && strcmp(argv[optind], "--")) {
		for (i = optind; i < argc && strcmp(argv[i], "--"); i++)
			;
		if (i == argc)
			optind--;
	}
	for (i = optind; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			if (sep >= 0) {
				ab_err("compare: '--' given twice: give the sides as A-RUNS... -- B-RUNS...");
				return -1;
			}
			sep = i;
		}
	if (sep < 0 || sep == optind || sep == argc - 1) {
		ab_err("compare: give both sides, each one or more run folders: A-RUNS... -- B-RUNS...");
		help_usage("compare");
		return -1;
	}
	a->a = argv + optind;
	a->na = (size_t)(sep - optind);
	a->b = argv + sep + 1;
	a->nb = (size_t)(argc - sep - 1);
	return 0;
}

/* The output folder: -o, else results/compare-<UTC>-<what differs>. Must not hold anything. */
static int pick_outdir(struct cmp_ctx *c, const char *out)
{
	char ts[32];
	time_t t = time(NULL);
	struct tm tm;
	struct stat st;

	if (out) {
		snprintf(c->outdir, sizeof(c->outdir), "%s", out);
	} else {
		gmtime_r(&t, &tm);
		strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
		snprintf(c->outdir, sizeof(c->outdir), "results/compare-%s-%s", ts, c->slug);
	}
	if (stat(c->outdir, &st) == 0 && (!S_ISDIR(st.st_mode) || rmdir(c->outdir) < 0)) {
		ab_err("compare: output %s already exists and is not an empty folder", c->outdir);
		return -1;
	}
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* Removes the temporary folder of a comparison that failed half-way. */
static void remove_tmp(const char *dir)
{
	if (nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS) < 0 && errno != ENOENT)
		ab_err("compare: could not remove %s: %s", dir, strerror(errno));
}

/* Every file of the comparison into c->outdir (the temporary folder). 0, or -1 (said why). */
static int write_all(struct cmp_ctx *c, const struct cmp_geo *g, size_t ng)
{
	struct cmp_chart *ch = calloc(MAX_CHARTS, sizeof(*ch));
	char p[4200], why[512] = "";
	size_t nch = 0;
	int rc = 0;

	if (!ch || mkdir_p(c->outdir, 0755) < 0) {
		ab_err("compare: cannot create %s: %s", c->outdir, strerror(errno));
		free(ch);
		return -1;
	}
#define OUT(name, call) do { snprintf(p, sizeof(p), "%s/%s", c->outdir, name); \
	if (!rc && (call) < 0) { ab_err("compare: cannot write %s: %s", p, strerror(errno)); rc = -1; } } while (0)
	OUT("compare.csv", cmp_write_csv(c, p));
	OUT("compare-geomean.csv", cmp_write_geo_csv(c, g, ng, p));
	OUT("compare-meta.csv", cmp_write_meta_csv(c, p));
	if (!rc && !c->opt.no_charts) {
		nch = cmp_charts_render(c, ch, MAX_CHARTS, why, sizeof(why));
		if (why[0])
			ab_err("compare: no charts: %s (the tables are written)", why);
	}
	OUT("compare.md", cmp_write_md(c, g, ng, ch, nch, p));
	OUT("compare.html", cmp_write_html(c, g, ng, ch, nch, p));
#undef OUT
	free(ch);
	return rc;
}

/* results/latest-compare -> the folder, when it lives in a folder named results. */
static void link_latest(const char *dir)
{
	char d1[4096], d2[4096], link[4200];

	snprintf(d1, sizeof(d1), "%s", dir);
	snprintf(d2, sizeof(d2), "%s", dir);
	if (strcmp(basename(dirname(d1)), "results"))
		return;
	snprintf(d1, sizeof(d1), "%s", dir);
	snprintf(link, sizeof(link), "%s/latest-compare", dirname(d1));
	unlink(link);
	if (symlink(basename(d2), link) < 0)
		ab_err("compare: cannot point %s at %s: %s", link, dir, strerror(errno));
}

/* Writes under DIR.tmp, then renames. */
static int finish(struct cmp_ctx *c, const char *out)
{
	struct cmp_geo *g = NULL;
	size_t ng = cmp_geomeans(c, &g);
	char final[4096];
	int rc;

	if (pick_outdir(c, out)) {
		free(g);
		return EXIT_USAGE;
	}
	snprintf(final, sizeof(final), "%s", c->outdir);
	snprintf(c->outdir, sizeof(c->outdir), "%.4000s.tmp", final);
	remove_tmp(c->outdir);
	rc = write_all(c, g, ng);
	if (!rc && rename(c->outdir, final) < 0) {
		ab_err("compare: cannot rename %s to %s: %s", c->outdir, final, strerror(errno));
		rc = -1;
	}
	if (rc) {
		remove_tmp(c->outdir);
		free(g);
		return EXIT_FAILURE_RUN;
	}
	snprintf(c->outdir, sizeof(c->outdir), "%s", final);
	link_latest(final);
	if (!c->opt.quiet) {
		cmp_print_summary(c, g, ng, stdout);
		printf("report: %s/compare.md (and compare.html)\n", final);
	}
	printf("%s\n", final);
	free(g);
	return EXIT_OK;
}

int cmd_compare(int argc, char **argv)
{
	struct cmp_ctx *c = calloc(1, sizeof(*c));
	struct cmp_args a;
	char err[8192];
	int rc;

	if (!c) {
		ab_err("compare: out of memory");
		return EXIT_FAILURE_RUN;
	}
	c->opt = (struct cmp_opts){ .min_effect = 0.05, .alpha = 0.05, .seed = 1, .top = 10 };
	rc = parse_args(argc, argv, &c->opt, &a);
	if (rc) {
		free(c);
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	}
	if (cmp_load(c, a.a, a.na, a.b, a.nb, err, sizeof(err))) {
		ab_err("compare: refused: %s", err);
		cmp_free(c);
		free(c);
		return EXIT_USAGE;
	}
	cmp_compute(c);
	cmp_meta_diff(c);
	rc = finish(c, a.out);
	cmp_free(c);
	free(c);
	return rc;
}
