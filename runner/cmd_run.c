// SPDX-License-Identifier: GPL-2.0
/* allocbench run -c CONFIG [-o DIR] [--meta k=v]... [--no-report] [--quiet] */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "device.h"
#include "experiment.h"
#include "help.h"
#include "meta.h"
#include "plan.h"
#include "progress.h"
#include "util.h"

#define MAX_META 64

static void on_signal(int sig)
{
	ab_stop = 1;
	signal(sig, SIG_DFL);	/* a second ^C ends the process at once */
}

static int valid_meta_key(const char *k, size_t n)
{
	if (n == 0 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((k[i] >= 'a' && k[i] <= 'z') || (k[i] >= '0' && k[i] <= '9') || k[i] == '_'))
			return 0;
	return 1;
}

static void default_dir(char *buf, size_t len)
{
	struct utsname u;
	time_t t = time(NULL);
	struct tm tm;
	char ts[32];

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	snprintf(buf, len, "results/%s-%s-%s", ts, u.nodename[0] ? u.nodename : "host",
		 u.release[0] ? u.release : "kernel");
}

static gzFile open_samples(const char *dir, char *tmp, size_t len)
{
	gzFile gz;

	snprintf(tmp, len, "%s/samples.csv.gz.tmp", dir);
	gz = gzopen(tmp, "wb6");
	if (!gz)
		return NULL;
	if (gzputs(gz, "allocator,op,gfp,size_bytes,timing,batch_ops,repeat,seq,ticks\n") < 0) {
		gzclose(gz);
		unlink(tmp);
		return NULL;
	}
	return gz;
}

int cmd_run(int argc, char **argv)
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
	const char *cfgpath = NULL, *outdir = NULL, *metas[MAX_META];
	int nmeta = 0, no_report = 0, quiet = 0, c, rc = EXIT_OK, fatal = 0;
	char err[CFG_ERR_LEN], dirbuf[1024], path[4200], tmp_samples[4200];
	struct config cfg;
	struct plan plan;
	struct device dev;
	struct meta meta = { 0 };
	struct run_ctx ctx;
	struct progress prog;
	struct sigaction sa;
	struct stat sb;
	double t0;

	optind = 0;
	while ((c = getopt_long(argc, argv, "+c:o:qh", opts, NULL)) != -1) {
		switch (c) {
		case 'c': cfgpath = optarg; break;
		case 'o': outdir = optarg; break;
		case 'm': {
			const char *eq = strchr(optarg, '=');

			if (!eq || !valid_meta_key(optarg, (size_t)(eq - optarg))) {
				ab_err("--meta '%s': expected key=value, key of [a-z0-9_]", optarg);
				return EXIT_USAGE;
			}
			if (nmeta == MAX_META) {
				ab_err("too many --meta (max %d)", MAX_META);
				return EXIT_USAGE;
			}
			metas[nmeta++] = optarg;
			break;
		}
		case 'R': no_report = 1; break;
		case 'q': quiet = 1; break;
		case 'h': help_print("run", stdout); return EXIT_OK;
		default: help_usage("run"); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		ab_err("run: unexpected argument '%s'", argv[optind]);
		help_usage("run");
		return EXIT_USAGE;
	}
	if (!cfgpath) {
		ab_err("run: -c CONFIG is required");
		help_usage("run");
		return EXIT_USAGE;
	}
	if (config_load(cfgpath, &cfg, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return EXIT_USAGE;
	}
	if (plan_build(&cfg, &plan)) {
		ab_err("out of memory planning %s", cfgpath);
		config_free(&cfg);
		return EXIT_FAILURE_RUN;
	}
	if (!outdir) {
		default_dir(dirbuf, sizeof(dirbuf));
		outdir = dirbuf;
	}
	for (int i = 0; experiment_kinds[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", outdir, experiment_kinds[i]->csv_name);
		if (stat(path, &sb) == 0) {
			ab_err("%s already holds a run (%s): choose another -o DIR", outdir,
			       experiment_kinds[i]->csv_name);
			rc = EXIT_USAGE;
			goto out_plan;
		}
	}
	rc = device_open(&dev);
	if (rc)
		goto out_plan;
	if (pin_to_cpu(cfg.run.cpu, "[run] cpu")) {
		rc = EXIT_USAGE;
		goto out_dev;
	}

	meta_collect(&meta, &dev, &cfg);
	meta_set(&meta, "target", "host");
	meta_set(&meta, "accelerator", "none");
	meta_set(&meta, "emulated", "no");
	for (int i = 0; i < nmeta; i++) {
		const char *eq = strchr(metas[i], '=');
		char key[64];

		snprintf(key, sizeof(key), "%.*s", (int)(eq - metas[i]), metas[i]);
		meta_set(&meta, key, "%s", eq + 1);
	}
	if (!strcmp(meta_get(&meta, "accelerator"), "tcg") && !strcmp(meta_get(&meta, "emulated"), "no")) {
		int given = 0;

		for (int i = 0; i < nmeta; i++)
			given |= !strncmp(metas[i], "emulated=", 9);
		if (!given)
			meta_set(&meta, "emulated", "yes");
	}
	meta_set(&meta, "points", "%zu", plan.n);

	if (mkdir_p(outdir, 0755)) {
		ab_err("cannot create %s: %s", outdir, strerror(errno));
		rc = EXIT_FAILURE_RUN;
		goto out_meta;
	}
	snprintf(path, sizeof(path), "%s/config.conf", outdir);
	if (copy_file_atomic(cfgpath, path)) {
		ab_err("cannot copy %s to %s: %s", cfgpath, path, strerror(errno));
		rc = EXIT_FAILURE_RUN;
		goto out_meta;
	}

	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &cfg;
	ctx.dev = &dev;
	ctx.dir = outdir;
	ctx.samples = open_samples(outdir, tmp_samples, sizeof(tmp_samples));
	if (!ctx.samples) {
		ab_err("cannot create %s: %s", tmp_samples, strerror(errno));
		rc = EXIT_FAILURE_RUN;
		goto out_meta;
	}

	memset(&sa, 0, sizeof(sa));
	/* No SA_RESTART: the ioctl returns EINTR, and device_ioctl() sees ab_stop set. */
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	for (int i = 0; experiment_kinds[i]; i++)
		if (experiment_kinds[i]->run_begin(&ctx, i, &plan)) {
			ab_err("out of memory");
			fatal = 1;
		}
	if (!quiet)
		fprintf(stderr, "allocbench: %zu points from %s -> %s\n", plan.n, cfgpath, outdir);
	progress_init(&prog, plan.n, quiet);
	t0 = now_seconds();
	for (size_t k = 0; k < plan.n && !fatal && !ab_stop; k++) {
		const struct point *pt = &plan.v[k];

		progress_update(&prog, k, pt);
		if (pt->sec->kind->run_point(&ctx, pt->sec->kind_idx, pt) && !ab_stop)
			fatal = 1;
	}
	progress_done(&prog);

	{
		int commit = !fatal && !ab_stop;

		for (int i = 0; experiment_kinds[i]; i++)
			if (experiment_kinds[i]->run_end(&ctx, i, commit) && commit)
				fatal = 1;
		if (gzclose(ctx.samples) != Z_OK && !fatal && !ab_stop) {
			ab_err("writing %s failed", tmp_samples);
			fatal = 1;
		}
		if (fatal || ab_stop) {
			unlink(tmp_samples);
		} else {
			snprintf(path, sizeof(path), "%s/samples.csv.gz", outdir);
			if (rename(tmp_samples, path)) {
				ab_err("cannot rename %s: %s", tmp_samples, strerror(errno));
				unlink(tmp_samples);
				fatal = 1;
			}
		}
	}
	if (ab_stop) {
		ab_err("interrupted: partial results removed (%s keeps only config.conf)", outdir);
		rc = EXIT_INTERRUPTED;
		goto out_meta;
	}
	if (fatal) {
		ab_err("run failed: no results written in %s", outdir);
		rc = EXIT_FAILURE_RUN;
		goto out_meta;
	}
	{
		char now[64];

		meta_utc_now(now, sizeof(now));
		meta_set(&meta, "finished_utc", "%s", now);
		meta_set(&meta, "duration_s", "%.1f", now_seconds() - t0);
		meta_directmap(&meta, "after");	/* access (issue 4) */
	}
	snprintf(path, sizeof(path), "%s/meta.csv", outdir);
	if (meta_write(&meta, path)) {
		ab_err("cannot write %s: %s", path, strerror(errno));
		rc = EXIT_FAILURE_RUN;
		goto out_meta;
	}
	if (!quiet)
		fprintf(stderr, "allocbench: results in %s\n", outdir);
	device_close(&dev);
	if (!no_report) {
		char *av[] = { "report", (char *)outdir, NULL };

		if (cmd_report(2, av) != EXIT_OK) {
			ab_err("report failed; the data in %s are complete: retry with `allocbench report %s`",
			       outdir, outdir);
			rc = EXIT_FAILURE_RUN;
		}
	}
out_meta:
	meta_free(&meta);
out_dev:
	device_close(&dev);
out_plan:
	plan_free(&plan);
	config_free(&cfg);
	return rc;
}
