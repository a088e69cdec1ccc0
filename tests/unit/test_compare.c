// SPDX-License-Identifier: GPL-2.0
/*
 * `allocbench compare` on run folders made here: refusals (not a run
 * folder, different schema versions, no point in common), the labels found
 * by diffing meta.csv ("6.1.0-56 → 6.12.117", "init_on_alloc=1 → 0"), the
 * warnings, samples rebuilt from samples.csv.gz (harness subtracted,
 * sub-series kept apart), a point that fails on one side only, and the
 * files of a comparison.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>

#include "commands.h"
#include "compare.h"
#include "util.h"

static char tmp[256];

static void put(const char *dir, const char *name, const char *text)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A run: meta (kernel, cmdline, emulated), one latency row per size of kmalloc alloc at
 * median p50[i] (0: failed), samples around it in 3 sub-series with a harness of 100 ticks. */
struct fake {
	const char *kernel, *cmdline, *emulated, *schema;
	double p50[3];
	int shift;		/* added to every sample (ticks) */
};

static const uint64_t sizes[3] = { 64, 4096, 65536 };

static void make_meta(const char *dir, const struct fake *f)
{
	char m[1024];

	snprintf(m, sizeof(m), "key,value\nschema_version,1\nkernel_release,%s\ncmdline,console=ttyS0 %s "
		 "allocbench.accel=tcg\ninit_on_alloc,%s\ncpu_model,QEMU Virtual CPU\ntarget,vm\naccelerator,%s\n"
		 "emulated,%s\ntimer_hz,1000000000\nstarted_utc,%d\n", f->kernel, f->cmdline,
		 strstr(f->cmdline, "init_on_alloc=0") ? "0" : "1", strcmp(f->emulated, "yes") ? "kvm" : "tcg",
		 f->emulated, rand());
	put(dir, "meta.csv", m);
	put(dir, "config.conf", "[run]\nname = t\n");
}

static void make_run(const char *dir, const struct fake *f)
{
	char path[512], row[256], lat[2048];
	gzFile gz;

	mkdir(dir, 0755);
	make_meta(dir, f);
	snprintf(lat, sizeof(lat), "schema_version,allocator,op,gfp,size_bytes,status,samples,p50_ns,extra_col\n");
	snprintf(path, sizeof(path), "%s/samples.csv.gz", dir);
	gz = gzopen(path, "wb");
	gzputs(gz, "allocator,op,gfp,size_bytes,timing,batch_ops,repeat,subseries,seq,ticks\n");
	for (int i = 0; i < 3; i++) {
		snprintf(row, sizeof(row), "%s,kmalloc,alloc,kernel,%llu,%s,%d,%g,x\n", f->schema,
			 (unsigned long long)sizes[i], f->p50[i] > 0 ? "ok" : "failed", f->p50[i] > 0 ? 30 : 0, f->p50[i]);
		strcat(lat, row);
		for (int s = 0; f->p50[i] > 0 && s < 3; s++) {
			gzprintf(gz, "kmalloc,alloc,kernel,%llu,harness,1,0,%d,0,100\n", (unsigned long long)sizes[i], s);
			for (int k = 0; k < 10; k++)
				gzprintf(gz, "kmalloc,alloc,kernel,%llu,per_op,1,0,%d,%d,%d\n", (unsigned long long)sizes[i],
					 s, k, 100 + (int)f->p50[i] + f->shift + (k - 5) + s);
		}
	}
	gzclose(gz);
	put(dir, "latency.csv", lat);
}

static int setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/allocbench-test-compare.XXXXXX");
	assert_non_null(mkdtemp(tmp));
	return 0;
}

static int teardown(void **state)
{
	char cmd[300];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd) == 0 ? 0 : -1;
}

static struct cmp_ctx *ctx_new(void)
{
	struct cmp_ctx *c = calloc(1, sizeof(*c));

	c->opt = (struct cmp_opts){ .min_effect = 0.05, .alpha = 0.05, .seed = 1, .top = 10 };
	return c;
}

static void ctx_done(struct cmp_ctx *c)
{
	cmp_free(c);
	free(c);
}

static const struct fake k61 = { "6.1.0-56-amd64", "init_on_alloc=0", "yes", "2", { 1000, 2000, 3000 }, 0 };
static const struct fake k612 = { "6.12.117+deb12-amd64", "init_on_alloc=0", "yes", "2", { 1000, 2500, 0 }, 0 };

/* Loads side a and side b (one folder each) into a new context; returns it, err set on refusal. */
static struct cmp_ctx *load2(const char *a, const char *b, int *rc, char *err, size_t len)
{
	struct cmp_ctx *c = ctx_new();
	char *da[1] = { (char *)a }, *db[1] = { (char *)b };

	*rc = cmp_load(c, da, 1, db, 1, err, len);
	return c;
}

static void test_refusals(void **state)
{
	char a[300], b[300], bad[300], err[8192];
	struct fake other = k612;
	struct cmp_ctx *c;
	int rc;

	(void)state;
	snprintf(a, sizeof(a), "%s/r61", tmp);
	make_run(a, &k61);
	/* not a folder, a folder without meta.csv, a comparison */
	snprintf(bad, sizeof(bad), "%s/nothing", tmp);
	c = load2(a, bad, &rc, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "is not a run folder: it does not exist"));
	ctx_done(c);
	snprintf(bad, sizeof(bad), "%s/empty", tmp);
	mkdir(bad, 0755);
	c = load2(a, bad, &rc, err, sizeof(err));
	assert_non_null(strstr(err, "it holds no meta.csv"));
	ctx_done(c);
	put(bad, "compare.csv", "x\n");
	c = load2(a, bad, &rc, err, sizeof(err));
	assert_non_null(strstr(err, "is a comparison, not a run folder"));
	ctx_done(c);
	/* schema versions */
	other.schema = "3";
	snprintf(b, sizeof(b), "%s/schema3", tmp);
	make_run(b, &other);
	c = load2(a, b, &rc, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "different schema versions"));
	assert_non_null(strstr(err, "latency.csv has schema_version 2"));
	ctx_done(c);
	/* no point in common: every point failed on one side */
	other = k612;
	other.p50[0] = other.p50[1] = other.p50[2] = 0;
	snprintf(b, sizeof(b), "%s/allfail", tmp);
	make_run(b, &other);
	c = load2(a, b, &rc, err, sizeof(err));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(err, "no point in common"));
	ctx_done(c);
}

static void test_samples_rebuilt(void **state)
{
	char a[300], b[300], err[8192];
	struct cmp_ctx *c;
	int rc;

	(void)state;
	snprintf(a, sizeof(a), "%s/s61", tmp);
	snprintf(b, sizeof(b), "%s/s612", tmp);
	make_run(a, &k61);
	make_run(b, &k612);
	c = load2(a, b, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	assert_int_equal(c->npts, 3);
	for (size_t i = 0; i < c->npts; i++) {
		const struct cmp_runpt *rp = cmp_rp(c, &c->pts[i], 0, 0);

		assert_int_equal(rp->v.n, 30);
		/* ticks = 100 (harness) + p50 + k - 5 + sub-series: the harness is gone, 1 tick = 1 ns */
		assert_true(fabs(rp->v.v[0] - (c->pts[i].key.size == 64 ? 995 : c->pts[i].key.size == 4096 ? 1995 : 2995))
			    < 1e-9);
		assert_int_equal(rp->grp[29], 2);
	}
	cmp_compute(c);
	for (size_t i = 0; i < c->npts; i++) {
		const struct cmp_point *p = &c->pts[i];

		if (p->key.size == 65536) {
			/* failed on B only: a row that says so, not compared */
			assert_false(p->compared);
			assert_string_equal(p->side[1].status_text, "failed");
			assert_non_null(strstr(p->note, "measured on A only: B failed"));
		} else {
			assert_int_equal(p->method, CMP_M_SUBSERIES);
			assert_true(fabs(p->ratio - (p->key.size == 64 ? 1.0 : 1.25)) < 1e-9);
		}
	}
	ctx_done(c);
}

static void label_of(const struct fake *fa, const struct fake *fb, const char *want, const char *want_slug,
		     size_t nwarn, const char *warn_part)
{
	char a[300], b[300], err[8192];
	struct cmp_ctx *c;
	int rc;

	snprintf(a, sizeof(a), "%s/l-a-%d", tmp, rand());
	snprintf(b, sizeof(b), "%s/l-b-%d", tmp, rand());
	make_run(a, fa);
	make_run(b, fb);
	c = load2(a, b, &rc, err, sizeof(err));
	assert_int_equal(rc, 0);
	cmp_compute(c);
	cmp_meta_diff(c);
	print_message("  label \"%s\", slug %s, %zu warning(s)%s%s\n", c->label, c->slug, c->nwarn,
		      c->nwarn ? ": " : "", c->nwarn ? c->warn[0] : "");
	assert_string_equal(c->label, want);
	assert_string_equal(c->slug, want_slug);
	assert_int_equal(c->nwarn, nwarn);
	if (warn_part)
		assert_non_null(strstr(c->warn[0], warn_part));
	ctx_done(c);
}

static void test_labels_and_warnings(void **state)
{
	struct fake on = k612, off = k612, native = k612, both = k61;

	(void)state;
	label_of(&k61, &k612, "6.1.0-56 → 6.12.117", "6.1.0-56-to-6.12.117", 0, NULL);
	on.cmdline = "init_on_alloc=1";
	label_of(&on, &off, "init_on_alloc=1 → 0", "init_on_alloc=1-to-0", 0, NULL);
	label_of(&k612, &k612, "A/A: the same setup", "same-setup", 0, NULL);
	/* two categories differ: kernel and cmdline */
	both.cmdline = "init_on_alloc=1";
	label_of(&both, &k612, "6.1.0-56 → 6.12.117, init_on_alloc=1 → 0", "6.1.0-56-to-6.12.117_init_on_alloc=1-to-0",
		 1, "more than one of kernel, cmdline");
	/* emulated against native: two categories (emulation) and its own warning */
	native.emulated = "no";
	label_of(&k612, &native, "tcg → kvm", "tcg-to-kvm", 1, "one side is emulated and the other is not");
}

static void test_short_kernel(void **state)
{
	static const char *const cases[][2] = {
		{ "6.1.0-56-amd64", "6.1.0-56" }, { "6.12.117+deb12-amd64", "6.12.117" },
		{ "6.1.0-50-686-pae", "6.1.0-50" }, { "6.8.0-31-generic", "6.8.0-31" }, { "6.13.0", "6.13.0" },
		{ "6.12.0-rc3+", "6.12.0" },
	};
	char out[64];

	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		cmp_short_kernel(cases[i][0], out, sizeof(out));
		assert_string_equal(out, cases[i][1]);
	}
}

/* The whole command on two sides of two runs each: every file, the rows, the refusal exit code. */
static void test_command_files(void **state)
{
	char a1[300], a2[300], b1[300], b2[300], out[300], p[400];
	struct fake slow = k61;
	char *argv[] = { "compare", "-q", "--no-charts", "-o", out, a1, a2, "--", b1, b2 };
	char *bad[] = { "compare", a1, b1 };
	char *text;

	(void)state;
	snprintf(a1, sizeof(a1), "%s/c-a1", tmp);
	snprintf(a2, sizeof(a2), "%s/c-a2", tmp);
	snprintf(b1, sizeof(b1), "%s/c-b1", tmp);
	snprintf(b2, sizeof(b2), "%s/c-b2", tmp);
	snprintf(out, sizeof(out), "%s/cmp", tmp);
	make_run(a1, &k61);
	make_run(a2, &k61);
	slow.p50[2] = 6000;	/* 2x slower at 64K on B */
	make_run(b1, &slow);
	slow.shift = 3;
	make_run(b2, &slow);
	assert_int_equal(cmd_compare(ARRAY_SIZE(argv), argv), EXIT_OK);
	for (const char *const *f = (const char *const[]){ "compare.csv", "compare-meta.csv", "compare-geomean.csv",
							  "compare.md", "compare.html", NULL }; *f; f++) {
		snprintf(p, sizeof(p), "%s/%s", out, *f);
		assert_int_equal(access(p, R_OK), 0);
	}
	snprintf(p, sizeof(p), "%s/compare.csv", out);
	text = read_all(p, NULL);
	assert_non_null(strstr(text, "latency,kmalloc,alloc,kernel,65536,ns_per_op,ok,ok,2,2,60,60,3000,"));
	assert_non_null(strstr(text, ",slower,"));
	assert_non_null(strstr(text, ",runs,"));
	free(text);
	snprintf(p, sizeof(p), "%s/compare.html", out);
	text = read_all(p, NULL);
	assert_null(strstr(text, "http://"));
	assert_null(strstr(text, "https://"));
	free(text);
	snprintf(p, sizeof(p), "%s.tmp", out);
	assert_int_not_equal(access(p, F_OK), 0);	/* renamed when complete */
	assert_int_equal(cmd_compare(ARRAY_SIZE(bad), bad), EXIT_USAGE);	/* no "--" */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_kernel),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_samples_rebuilt),
		cmocka_unit_test(test_labels_and_warnings),
		cmocka_unit_test(test_command_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
