// SPDX-License-Identifier: GPL-2.0
/* allocbench run -c CONFIG [-o DIR] [--meta k=v]... [--no-report] [--quiet] */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "device.h"
#include "experiment.h"
#include "help.h"
#include "meta.h"
#include "plan.h"
#include "progress.h"
#include "run_folder.h"
#include "run_signals.h"
#include "util.h"

#define MAX_META 64

static gzFile open_samples(const char *dir, char *tmp, size_t len)
{
	gzFile gz;

	snprintf(tmp, len, "%s/samples.csv.gz.tmp", dir);
	gz = gzopen(tmp, "wb6");
	if (!gz)
		return NULL;
	if (gzputs(gz, "allocator,op,gfp,size_bytes,timing,batch_ops,repeat,subseries,seq,ticks\n") < 0) {
		gzclose(gz);
		unlink(tmp);
		return NULL;
	}
	return gz;
}

/* What the command line asks of `allocbench run`. */
struct run_opts {
	const char *cfgpath, *outdir;
	const char *metas[MAX_META];	/* --meta key=value, in order */
	int nmeta, no_report, quiet;
	char dirbuf[1024];		/* the default output directory */
};

/* One --meta key=value. 0 or -1 (said why). */
static int add_meta_opt(struct run_opts *o, const char *arg)
{
	if (!meta_arg_valid(arg)) {
		ab_err("--meta '%s': expected key=value, key of [a-z0-9_]", arg);
		return -1;
	}
	if (o->nmeta == MAX_META) {
		ab_err("too many --meta (max %d)", MAX_META);
		return -1;
	}
	o->metas[o->nmeta++] = arg;
	return 0;
}

/* 0: run; 1: done (--help printed); -1: bad usage (said why). */
static int parse_run_opts(int argc, char **argv, struct run_opts *o)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "output", required_argument, NULL, 'o' },
		{ "meta", required_argument, NULL, 'm' },
		{ "no-report", no_argument, NULL, 'R' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	optind = 0;
	while ((c = getopt_long(argc, argv, "+c:o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': o->cfgpath = optarg; break;
		case 'o': o->outdir = optarg; break;
		case 'm':
			if (add_meta_opt(o, optarg))
				return -1;
			break;
		case 'R': o->no_report = 1; break;
		case 'q': o->quiet = 1; break;
		case 'h': help_print("run", stdout); return 1;
		default: help_usage("run"); return -1;
		}
	}
	if (optind < argc) {
		ab_err("run: unexpected argument '%s'", argv[optind]);
		help_usage("run");
		return -1;
	}
	if (!o->cfgpath) {
		ab_err("run: -c CONFIG is required");
		help_usage("run");
		return -1;
	}
	if (!o->outdir) {
		run_folder_default(o->dirbuf, sizeof(o->dirbuf));
		o->outdir = o->dirbuf;
	}
	return 0;
}

/* A run never lands on top of another: 0, or -1 when DIR holds a result CSV. */
static int outdir_free(const char *outdir)
{
	char path[4200];
	struct stat sb;

	for (int i = 0; experiment_kinds[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", outdir, experiment_kinds[i]->csv_name);
		if (stat(path, &sb) == 0) {
			ab_err("%s already holds a run (%s): choose another -o DIR", outdir,
			       experiment_kinds[i]->csv_name);
			return -1;
		}
	}
	return 0;
}

/* meta.csv as far as it is known before the run: the machine, the target, --meta. */
static void collect_meta(struct meta *meta, const struct device *dev, const struct config *cfg,
			 const struct run_opts *o, size_t npoints)
{
	meta_collect(meta, dev, cfg);
	meta_set(meta, "target", "host");
	meta_set(meta, "accelerator", "none");
	meta_set(meta, "emulated", "no");
	meta_set_args(meta, o->metas, o->nmeta);
	if (!strcmp(meta_get(meta, "accelerator"), "tcg") && !strcmp(meta_get(meta, "emulated"), "no")) {
		int given = 0;

		for (int i = 0; i < o->nmeta; i++)
			given |= !strncmp(o->metas[i], "emulated=", 9);
		if (!given)
			meta_set(meta, "emulated", "yes");
	}
	meta_set(meta, "points", "%zu", npoints);
}

/* The output directory, with a copy of the config in it. 0 or -1 (said why). */
static int prepare_outdir(const char *outdir, const char *cfgpath)
{
	char path[4200];

	if (mkdir_p(outdir, 0755)) {
		ab_err("cannot create %s: %s", outdir, strerror(errno));
		return -1;
	}
	snprintf(path, sizeof(path), "%s/config.conf", outdir);
	if (copy_file_atomic(cfgpath, path)) {
		ab_err("cannot copy %s to %s: %s", cfgpath, path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Every point of the plan, in order, until the end, an interruption or a fatal error. 1 when fatal. */
static int measure_plan(struct run_ctx *ctx, const struct plan *plan, const struct run_opts *o, double *t0)
{
	struct progress prog;
	int fatal = 0;

	for (int i = 0; experiment_kinds[i]; i++)
		if (experiment_kinds[i]->run_begin(ctx, i, plan)) {
			ab_err("out of memory");
			fatal = 1;
		}
	if (!o->quiet)
		fprintf(stderr, "allocbench: %zu points from %s -> %s\n", plan->n, o->cfgpath, o->outdir);
	progress_init(&prog, plan->n, o->quiet);
	*t0 = now_seconds();
	for (size_t k = 0; k < plan->n && !fatal && !ab_stop; k++) {
		const struct point *pt = &plan->v[k];

		progress_update(&prog, k, pt);
		if (pt->sec->kind->run_point(ctx, pt->sec->kind_idx, pt) && !ab_stop)
			fatal = 1;
	}
	progress_done(&prog);
	return fatal;
}

/*
 * Every kind writes its CSV and samples.csv.gz gets its name when the run
 * is complete; else all are removed. 1 when fatal (or already was).
 */
static int commit_outputs(struct run_ctx *ctx, const char *tmp_samples, const char *outdir, int fatal)
{
	int commit = !fatal && !ab_stop;
	char path[4200];

	for (int i = 0; experiment_kinds[i]; i++)
		if (experiment_kinds[i]->run_end(ctx, i, commit) && commit)
			fatal = 1;
	if (gzclose(ctx->samples) != Z_OK && !fatal && !ab_stop) {
		ab_err("writing %s failed", tmp_samples);
		fatal = 1;
	}
	if (fatal || ab_stop) {
		unlink(tmp_samples);
		return fatal;
	}
	snprintf(path, sizeof(path), "%s/samples.csv.gz", outdir);
	if (rename(tmp_samples, path)) {
		ab_err("cannot rename %s: %s", tmp_samples, strerror(errno));
		unlink(tmp_samples);
		fatal = 1;
	}
	return fatal;
}

/* meta.csv, last: what is only known once the run is over. 0 or -1 (said why). */
static int write_meta(struct meta *meta, const char *outdir, double t0)
{
	char path[4200], now[64];

	meta_utc_now(now, sizeof(now));
	meta_set(meta, "finished_utc", "%s", now);
	meta_set(meta, "duration_s", "%.1f", now_seconds() - t0);
	meta_directmap(meta, "after");
	snprintf(path, sizeof(path), "%s/meta.csv", outdir);
	if (meta_write(meta, path)) {
		ab_err("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Measures the plan into the output directory: every file of the run, or none but config.conf. An exit code. */
static int measure(const struct run_opts *o, const struct config *cfg, const struct plan *plan,
		   struct device *dev, struct meta *meta)
{
	char tmp_samples[4200];
	struct run_ctx ctx;
	double t0 = 0;
	int fatal;

	if (prepare_outdir(o->outdir, o->cfgpath))
		return EXIT_FAILURE_RUN;
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = cfg;
	ctx.dev = dev;
	ctx.dir = o->outdir;
	ctx.samples = open_samples(o->outdir, tmp_samples, sizeof(tmp_samples));
	if (!ctx.samples) {
		ab_err("cannot create %s: %s", tmp_samples, strerror(errno));
		return EXIT_FAILURE_RUN;
	}
	catch_stop_signals();
	fatal = measure_plan(&ctx, plan, o, &t0);
	fatal = commit_outputs(&ctx, tmp_samples, o->outdir, fatal);
	if (ab_stop) {
		ab_err("interrupted: partial results removed (%s keeps only config.conf)", o->outdir);
		return EXIT_INTERRUPTED;
	}
	if (fatal) {
		ab_err("run failed: no results written in %s", o->outdir);
		return EXIT_FAILURE_RUN;
	}
	if (write_meta(meta, o->outdir, t0))
		return EXIT_FAILURE_RUN;
	if (!o->quiet)
		fprintf(stderr, "allocbench: results in %s\n", o->outdir);
	return EXIT_OK;
}

/* `allocbench report DIR` on the finished run. An exit code. */
static int report_run(const char *outdir)
{
	char *av[] = { "report", (char *)outdir, NULL };

	if (cmd_report(2, av) != EXIT_OK) {
		ab_err("report failed; the data in %s are complete: retry with `allocbench report %s`",
		       outdir, outdir);
		return EXIT_FAILURE_RUN;
	}
	return EXIT_OK;
}

int cmd_run(int argc, char **argv)
{
	struct run_opts o;
	char err[CFG_ERR_LEN];
	struct config cfg;
	struct plan plan;
	struct device dev;
	struct meta meta = { 0 };
	int rc;

	rc = parse_run_opts(argc, argv, &o);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	if (config_load(o.cfgpath, &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	if (plan_build(&cfg, &plan)) {
		ab_err("out of memory planning %s", o.cfgpath);
		config_free(&cfg);
		return EXIT_FAILURE_RUN;
	}
	if (outdir_free(o.outdir)) {
		rc = EXIT_USAGE;
		goto out_plan;
	}
	rc = device_open(&dev);
	if (rc)
		goto out_plan;
	if (pin_to_cpu(cfg.run.cpu, "[run] cpu")) {
		rc = EXIT_USAGE;
		goto out_dev;
	}
	collect_meta(&meta, &dev, &cfg, &o, plan.n);
	rc = measure(&o, &cfg, &plan, &dev, &meta);
	if (rc == EXIT_OK) {
		device_close(&dev);	/* the report needs no module */
		if (!o.no_report)
			rc = report_run(o.outdir);
	}
	meta_free(&meta);
out_dev:
	device_close(&dev);
out_plan:
	plan_free(&plan);
	config_free(&cfg);
	return rc;
}
