// SPDX-License-Identifier: GPL-2.0
/*
 * The [latency] kind end to end against a module played by the test: plan,
 * visits, calibration, harness subtraction and the row of latency.csv.
 *
 * The fake module: one tick is one ns. A sample of the empty allocator
 * (ALLOCBENCH_RUN_NULL) is TIMER + batch * CALL ticks; a real one adds
 * batch * WORK. A request's wall time is its operations (warm-up
 * included) at OP_WALL_NS each, plus, for real requests, SETUP_NS of cache
 * creation and destruction that the module reports in setup_ns.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <zlib.h>

#include "allocbench.h"
#include "config.h"
#include "csv.h"
#include "device.h"
#include "experiment.h"
#include "plan.h"
#include "util.h"

#define TIMER		20
#define CALL		30
#define WORK		400
#define OP_WALL_NS	1000
#define SETUP_NS	50000000ULL	/* 50 ms: kmem_cache_destroy() waiting for an RCU barrier */

static struct {
	uint64_t op_wall_ns;		/* wall time of one operation; 0: OP_WALL_NS */
	uint64_t setup_ns;		/* reported in setup_ns and added to elapsed_ns of real requests */
	uint64_t first_extra_ns;	/* a one-off cost of the very first request, not in setup_ns */
	unsigned real_requests;
	int half_samples;		/* real requests return half the samples asked for */
} fake;

static int fake_ioctl(int fd, unsigned long cmd, void *arg)
{
	struct allocbench_run *r = arg;
	uint64_t *buf = (uint64_t *)(uintptr_t)r->samples;
	int null = !!(r->flags & ALLOCBENCH_RUN_NULL);
	uint64_t sample = TIMER + (uint64_t)r->batch * (CALL + (null ? 0 : WORK));

	(void)fd;
	assert_int_equal(cmd, ALLOCBENCH_IOC_RUN);
	r->samples_written = fake.half_samples && !null ? r->count / 2 : r->count;
	for (uint32_t i = 0; i < r->samples_written; i++)
		buf[i] = sample + i % 3;	/* a little noise around the median */
	r->timer_overhead_ticks = TIMER;
	r->elapsed_ns = ((uint64_t)r->count * r->batch + r->warmup) *
			(fake.op_wall_ns ? fake.op_wall_ns : OP_WALL_NS);
	if (!null) {
		r->setup_ns = fake.setup_ns;
		r->elapsed_ns += fake.setup_ns + (fake.real_requests ? 0 : fake.first_extra_ns);
		fake.real_requests++;
	}
	return 0;
}

static const char conf_text[] =
	"[run]\ntime_budget_ms = 100\niterations = 600\nmin_samples = 5\nwarmup = 10\n"
	"batch = 64\nbatch_below_ns = 1000\nsubseries = 6\n"
	"[latency]\nallocators = kmem_cache\nops = alloc\nsizes = 64\n";

struct run {
	char dir[64];
	struct config cfg;
	struct csv_table t;
};

static void load_text(const char *text, struct config *cfg)
{
	char path[] = "/tmp/allocbench-lat-XXXXXX";
	char err[CFG_ERR_LEN] = "";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	if (config_load(path, cfg, err, sizeof(err)))
		fail_msg("%s", err);
	unlink(path);
}

/* Where run_latency() writes samples.csv.gz rows; NULL: nowhere. */
static const char *raw_path;

/* Plans and runs the config's latency points against the fake, then reads latency.csv. */
static void run_latency(const char *text, struct run *run)
{
	struct device dev;
	struct run_ctx ctx;
	struct plan plan;
	char path[128], err[256];
	int idx = 0;

	memset(run, 0, sizeof(*run));
	snprintf(run->dir, sizeof(run->dir), "/tmp/allocbench-lat-run-XXXXXX");
	assert_non_null(mkdtemp(run->dir));
	load_text(text, &run->cfg);
	assert_int_equal(plan_build(&run->cfg, &plan), 0);
	memset(&dev, 0, sizeof(dev));
	dev.fd = -1;
	dev.ioctl_fn = fake_ioctl;
	dev.info.timer_kind = ALLOCBENCH_TIMER_KTIME;
	dev.info.timer_hz = 1000000000ULL;
	dev.info.allocators = (1ULL << ALLOCBENCH_NR_ALLOCATORS) - 1;
	memset(&ctx, 0, sizeof(ctx));
	ctx.cfg = &run->cfg;
	ctx.dev = &dev;
	ctx.dir = run->dir;
	ctx.samples = raw_path ? gzopen(raw_path, "wb1") : NULL;
	while (experiment_kinds[idx] != &exp_latency)
		idx++;
	assert_int_equal(exp_latency.run_begin(&ctx, idx, &plan), 0);
	for (size_t i = 0; i < plan.n; i++)
		if (plan.v[i].sec->kind == &exp_latency)
			assert_int_equal(exp_latency.run_point(&ctx, idx, &plan.v[i]), 0);
	assert_int_equal(exp_latency.run_end(&ctx, idx, 1), 0);
	if (ctx.samples)
		gzclose(ctx.samples);
	plan_free(&plan);
	snprintf(path, sizeof(path), "%s/latency.csv", run->dir);
	if (csv_read(path, &run->t, err, sizeof(err)))
		fail_msg("%s", err);
	unlink(path);
	rmdir(run->dir);
}

static void run_free(struct run *run)
{
	csv_free(&run->t);
	config_free(&run->cfg);
}

static double cell(const struct run *run, const char *col)
{
	const char *v = csv_get(&run->t, 0, col);

	if (!v)
		fail_msg("no column %s", col);
	return *v ? strtod(v, NULL) : NAN;
}

static int setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	ab_stop = 0;
	return 0;
}

#define assert_near(a, b, eps) do { \
	double _a = (a), _b = (b); \
	if (!(fabs(_a - _b) <= (eps))) \
		fail_msg("%s = %.6g, expected %.6g", #a, _a, _b); \
} while (0)

/*
 * A 50 ms setup (kmem_cache creation and destruction) in every request must
 * not make a 1 us operation look like a 50 ms one: the point gets every
 * sample its budget asks for (the iterations cap here), not min_samples.
 */
static void test_calibration_ignores_setup(void **state)
{
	struct run run;

	(void)state;
	fake.setup_ns = SETUP_NS;
	run_latency(conf_text, &run);
	assert_int_equal(run.t.nrows, 1);
	assert_near(cell(&run, "samples"), 600, 0);
	assert_near(cell(&run, "requested_samples"), 600, 0);
	assert_string_equal(csv_get(&run.t, 0, "note"), "");
	assert_near(cell(&run, "subseries"), 6, 0);
	run_free(&run);
}

/* A one-off cost outside setup_ns fools the first calibration; the next visits correct it. */
static void test_fooled_calibration_recovers(void **state)
{
	struct run run;

	(void)state;
	fake.first_extra_ns = 80000000ULL;	/* 80 ms once: first touch, a lazy purge */
	run_latency(conf_text, &run);
	assert_true(cell(&run, "samples") >= 0.9 * 600);
	assert_string_equal(csv_get(&run.t, 0, "note"), "");
	run_free(&run);
}

/* The harness's median cost, measured beside each series, comes off every sample. */
static void test_harness_subtracted(void **state)
{
	struct run run;

	(void)state;
	run_latency(conf_text, &run);
	assert_near(cell(&run, "p50_ns"), WORK, 1.01);
	assert_near(cell(&run, "batch_p50_ns"), WORK, 0.02);
	assert_near(cell(&run, "batch_diff_pct"), 0, 0.3);
	assert_near(cell(&run, "harness_ns"), TIMER + CALL + 1, 0.01);
	assert_near(cell(&run, "batch_harness_ns"), (TIMER + 64.0 * CALL + 1) / 64, 0.01);
	assert_near(cell(&run, "timer_overhead_ns"), TIMER, 0);
	assert_near(cell(&run, "timer_resolution_ns"), 1, 0);
	assert_near(cell(&run, "modes"), 1, 0);
	assert_near(cell(&run, "batch_ops"), 64, 0);
	run_free(&run);
}

/* A point that ends well below its requested samples says why in its row. */
static void test_short_point_says_why(void **state)
{
	struct run run;
	const char *note;

	(void)state;
	fake.half_samples = 1;
	run_latency(conf_text, &run);
	note = csv_get(&run.t, 0, "note");
	assert_near(cell(&run, "samples"), 300, 0);
	if (!strstr(note, "300 of 600 requested samples: the module returned fewer samples than asked"))
		fail_msg("note: %s", note);
	run_free(&run);
}

/* With repeats, the agreement of their medians is in the row. */
static void test_repeats_columns(void **state)
{
	char text[512];
	struct run run;

	(void)state;
	snprintf(text, sizeof(text), "[run]\nrepeat = 3\n%s", conf_text + strlen("[run]\n"));
	run_latency(text, &run);
	assert_near(cell(&run, "repeats"), 3, 0);
	assert_near(cell(&run, "repeat_cv_pct"), 0, 0.3);
	assert_near(cell(&run, "subseries"), 18, 0);
	assert_near(cell(&run, "samples"), 1800, 0);
	assert_near(cell(&run, "requested_samples"), 1800, 0);
	run_free(&run);
}

/*
 * A slow point whose budget allows min_samples (5) is measured in two
 * sub-series, not five of one sample each: each visit would pay a cold start.
 */
static void test_slow_point_fewer_subseries(void **state)
{
	struct run run;

	(void)state;
	fake.op_wall_ns = 50000000ULL;	/* 50 ms per operation, 100 ms budget */
	run_latency(conf_text, &run);
	assert_near(cell(&run, "samples"), 5, 0);
	assert_near(cell(&run, "requested_samples"), 5, 0);
	assert_near(cell(&run, "subseries"), 2, 0);
	run_free(&run);
}

/*
 * samples.csv.gz: every raw sample, and the harness each sub-series
 * subtracted (its median); the batch series in three of the six visits.
 */
static void test_raw_rows(void **state)
{
	char path[] = "/tmp/allocbench-lat-raw-XXXXXX", line[256];
	int fd = mkstemp(path), per_op = 0, harness = 0, batch = 0, first = 1;
	unsigned batch_visits = 0;
	struct run run;
	gzFile gz;

	(void)state;
	close(fd);
	raw_path = path;
	run_latency(conf_text, &run);
	raw_path = NULL;
	gz = gzopen(path, "rb");
	assert_non_null(gz);
	while (gzgets(gz, line, sizeof(line))) {
		if (first)
			assert_string_equal(line, "kmem_cache,alloc,kernel,64,harness,1,0,0,0,51\n");
		first = 0;
		per_op += !strncmp(line, "kmem_cache,alloc,kernel,64,per_op,1,", 36);
		harness += !strncmp(line, "kmem_cache,alloc,kernel,64,harness,1,", 37);
		if (!strncmp(line, "kmem_cache,alloc,kernel,64,batch,64,0,", 38)) {
			batch++;
			batch_visits |= 1U << atoi(line + 38);	/* the sub-series field */
		}
	}
	gzclose(gz);
	unlink(path);
	assert_int_equal(per_op, 600);
	assert_int_equal(harness, 6);
	/* The batch cross-check: three visits of six, spread (0, 2, 4), its samples all taken. */
	assert_int_equal(batch_visits, (1U << 0) | (1U << 2) | (1U << 4));
	assert_int_equal(batch, 600);
	run_free(&run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_calibration_ignores_setup, setup),
		cmocka_unit_test_setup(test_fooled_calibration_recovers, setup),
		cmocka_unit_test_setup(test_harness_subtracted, setup),
		cmocka_unit_test_setup(test_short_point_says_why, setup),
		cmocka_unit_test_setup(test_repeats_columns, setup),
		cmocka_unit_test_setup(test_slow_point_fewer_subseries, setup),
		cmocka_unit_test_setup(test_raw_rows, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
