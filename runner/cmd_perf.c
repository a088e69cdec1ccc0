// SPDX-License-Identifier: GPL-2.0
/*
 * allocbench perf: deep dives. One point of the latency grid is repeated,
 * time-boxed, under `perf record -a -g` (the kernel's call graphs, the
 * module's own functions by name), then once more under `perf stat`; the
 * folder DIR/perf/<point>/ gets everything needed to read the profile on
 * another machine afterwards (perf.data with a copy of /proc/kcore's text
 * through --kcore, kallsyms, modules, a build-id cache holding this runner,
 * the module's .ko). Rendering (perf report / annotate / script, the flame
 * graph, README.md) is scripts/perf-render.sh, run here unless
 * --record-only (the VM target renders on the host).
 *
 * Everything is checked before anything is created: the points, perf
 * itself, perf_event_paranoid, kptr_restrict, the module and whether this
 * kernel serves each point. A point's folder is written under a temporary
 * name and renamed when complete.
 *
 * `allocbench perf --loop POINT -s N` is what perf wraps: the RUN ioctl in a
 * loop for N seconds, pinned to one CPU.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <linux/perf_event.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "allocbench.h"
#include "commands.h"
#include "config.h"
#include "device.h"
#include "meta.h"
#include "names.h"
#include "perf_point.h"
#include "run_folder.h"
#include "run_signals.h"
#include "sizes.h"
#include "util.h"

#define MAX_META	32
#define REQUEST_NS	100000000ULL	/* aim for ~0.1 s per RUN request in the loop */

/* ---- the loop perf wraps ---- */

static uint32_t loop_batch(const struct perf_point *pt)
{
	uint64_t b;

	if (pt->op == ALLOCBENCH_OP_BURST)
		return 1;	/* bursts time every operation: the module wants batch 1 */
	/* Batches keep the harness's own timer reads out of the profile. */
	b = ALLOCBENCH_MAX_BATCH_BYTES / pt->bytes;
	if (b > 64)
		b = 64;
	return b ? (uint32_t)b : 1;
}

static uint32_t clamp_count(const struct perf_point *pt, uint64_t c)
{
	uint64_t max = ALLOCBENCH_MAX_COUNT;

	if (pt->op == ALLOCBENCH_OP_BURST) {
		max -= max % pt->burst;
		c -= c % pt->burst;
		if (c < pt->burst)
			c = pt->burst;
	}
	if (c < 1)
		c = 1;
	return (uint32_t)(c > max ? max : c);
}

static void run_request(const struct perf_point *pt, struct allocbench_run *r, uint32_t count,
			uint32_t batch, uint32_t warmup, uint64_t *buf)
{
	memset(r, 0, sizeof(*r));
	r->allocator = pt->allocator;
	r->op = pt->op;
	r->gfp = pt->gfp;
	r->bytes = pt->bytes;
	r->count = count;
	r->batch = batch;
	r->burst = pt->op == ALLOCBENCH_OP_BURST ? pt->burst : 0;
	r->warmup = warmup;
	r->pattern = ALLOCBENCH_PATTERN_NONE;
	r->flags = pt->touch ? ALLOCBENCH_RUN_TOUCH : 0;
	r->samples = (uint64_t)(uintptr_t)buf;
	r->samples_cap = pt->op == ALLOCBENCH_OP_BURST ? 2 * count : count;
}

/* Why a RUN of this point failed, in the user's words. */
static void explain_run_error(const struct device *dev, const struct perf_point *pt, int err)
{
	char h[32];

	size_format(pt->bytes, h, sizeof(h));
	switch (err) {
	case EOPNOTSUPP:
		if (!device_has_allocator(dev, pt->allocator))
			ab_err("%s: this kernel does not offer %s (allocbench list shows what it offers)",
			       pt->desc, allocator_name(pt->allocator));
		else
			ab_err("%s: %s cannot be called with gfp=%s on this kernel (pick another gfp=)",
			       pt->desc, allocator_name(pt->allocator), gfp_name(pt->gfp));
		break;
	case E2BIG:
		ab_err("%s: %s is more than this machine's memory", pt->desc, h);
		break;
	case ENOMEM:
		ab_err("%s: the module's memory budget (half of MemAvailable) cannot hold this point", pt->desc);
		break;
	case EINVAL:
		ab_err("%s: the module refused the request (EINVAL): an invalid combination", pt->desc);
		break;
	case EINTR:
		ab_err("%s: interrupted", pt->desc);
		break;
	default:
		ab_err("%s: RUN failed: %s", pt->desc, strerror(err));
		break;
	}
}

static int perf_loop(const struct perf_point *pt, unsigned seconds, unsigned cpu, const char *report)
{
	struct device dev;
	struct allocbench_run r;
	uint32_t batch = loop_batch(pt), count = clamp_count(pt, 1);
	uint64_t *buf, requests = 0, ops = 0, failures = 0, elapsed = 0;
	double t0, t_end, now;
	size_t cap = 2 * (size_t)ALLOCBENCH_MAX_COUNT;
	FILE *f;
	int rc;

	catch_stop_signals();
	rc = device_open(&dev);
	if (rc)
		return rc;
	if (pin_to_cpu(cpu, "--cpu")) {
		device_close(&dev);
		return EXIT_USAGE;
	}
	buf = malloc(cap * sizeof(*buf));
	if (!buf) {
		ab_err("out of memory for the samples buffer");
		device_close(&dev);
		return EXIT_FAILURE_RUN;
	}
	t0 = now_seconds();
	t_end = t0 + seconds;
	for (now = t0; now < t_end && !ab_stop; now = now_seconds()) {
		uint64_t left_ns = (uint64_t)((t_end - now) * 1e9), target, n;

		run_request(pt, &r, count, batch, requests ? 0 : 16, buf);
		rc = device_run(&dev, &r);
		if (rc) {
			if (ab_stop)
				break;
			explain_run_error(&dev, pt, -rc);
			free(buf);
			device_close(&dev);
			return EXIT_FAILURE_RUN;
		}
		requests++;
		n = (uint64_t)count * batch;	/* a burst's count is its allocations (each also freed) */
		ops += n;
		failures += r.failures;
		elapsed += r.elapsed_ns;
		/* Next request: ~0.1 s, never much past the deadline. */
		target = left_ns < REQUEST_NS ? left_ns : REQUEST_NS;
		if (r.elapsed_ns > 0 && target > 0)
			count = clamp_count(pt, (uint64_t)((double)count * (double)target / (double)r.elapsed_ns));
		if (count > cap / 2)
			count = clamp_count(pt, cap / 2);
	}
	free(buf);
	device_close(&dev);
	f = report ? fopen(report, "we") : stderr;
	if (!f) {
		ab_err("cannot write %s: %s", report, strerror(errno));
		return EXIT_FAILURE_RUN;
	}
	fprintf(f, "point=%s\nseconds_asked=%u\nseconds=%.2f\nrequests=%" PRIu64 "\noperations=%" PRIu64
		   "\nfailures=%" PRIu64 "\nbatch=%u\ncpu=%u\n",
		pt->desc, seconds, now_seconds() - t0, requests, ops, failures, batch, cpu);
	if (ops)
		fprintf(f, "ns_per_operation=%.1f\n", (double)elapsed / (double)ops);
	fprintf(f, "interrupted=%s\n", ab_stop ? "yes" : "no");
	if (f != stderr && fclose(f)) {
		ab_err("cannot write %s: %s", report, strerror(errno));
		return EXIT_FAILURE_RUN;
	}
	if (ab_stop)
		return EXIT_INTERRUPTED;
	return ops ? EXIT_OK : EXIT_FAILURE_RUN;
}

/* ---- checks before anything is created ---- */

static int find_in_path(const char *name, char *out, size_t len)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *d;

	if (strchr(name, '/')) {
		snprintf(out, len, "%s", name);
		return access(out, X_OK);
	}
	copy = strdup(path && *path ? path : "/usr/local/bin:/usr/bin:/bin");
	if (!copy)
		return -1;
	for (d = strtok_r(copy, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(out, len, "%s/%s", *d ? d : ".", name);
		if (access(out, X_OK) == 0) {
			free(copy);
			return 0;
		}
	}
	free(copy);
	return -1;
}

/*
 * Runs argv with stdout and stderr appended to log (NULL: inherited).
 * Returns the exit status, 128 + signal, or -1 when it could not start.
 */
static int run_cmd(char *const argv[], const char *log)
{
	pid_t pid;
	int st;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (log) {
			int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

			if (fd >= 0) {
				dup2(fd, STDOUT_FILENO);
				dup2(fd, STDERR_FILENO);
			}
		}
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		execvp(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

static long sys_perf_event_open(struct perf_event_attr *a, pid_t pid, int cpu)
{
	return syscall(SYS_perf_event_open, a, pid, cpu, -1, 0UL);
}

/*
 * Can this process open the event system-wide on CPU 0, kernel included?
 * 0, or -errno with why in words.
 */
static int probe_event(uint32_t type, uint64_t config, char *why, size_t len)
{
	struct perf_event_attr a;
	long fd;
	int e;

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = type;
	a.config = config;
	a.disabled = 1;
	fd = sys_perf_event_open(&a, -1, 0);
	if (fd >= 0) {
		close((int)fd);
		snprintf(why, len, "ok");
		return 0;
	}
	e = errno;
	switch (e) {
	case ENOENT:
	case EOPNOTSUPP:
	case ENODEV:
	case EINVAL:
		snprintf(why, len, "unavailable: no hardware PMU event here (perf_event_open: %s; "
			 "an emulated CPU or a VM without a virtual PMU)", strerror(e));
		break;
	case EACCES:
	case EPERM:
		snprintf(why, len, "unavailable: not permitted (perf_event_open: %s)", strerror(e));
		break;
	case ENOSYS:
		snprintf(why, len, "unavailable: this kernel has no perf events (CONFIG_PERF_EVENTS)");
		break;
	default:
		snprintf(why, len, "unavailable: perf_event_open: %s", strerror(e));
		break;
	}
	return -e;
}

static int sysctl_int(const char *path, int dflt)
{
	char b[64];

	return read_line(path, b, sizeof(b)) == 0 ? atoi(b) : dflt;
}

/* perf_event_paranoid and the kernel's own refusal: a message, or 0. */
static int check_perf_access(void)
{
	char why[256];
	int e = probe_event(PERF_TYPE_SOFTWARE, PERF_COUNT_SW_CPU_CLOCK, why, sizeof(why));
	int par = sysctl_int("/proc/sys/kernel/perf_event_paranoid", 99);

	if (!e)
		return 0;
	if (e == -EACCES || e == -EPERM) {
		ab_err("perf cannot sample the kernel system-wide here: kernel.perf_event_paranoid is %d "
		       "and this process has neither CAP_PERFMON nor CAP_SYS_ADMIN.\n"
		       "  Allow it for now:  sudo sysctl kernel.perf_event_paranoid=-1\n"
		       "  (or run allocbench perf as root; persistent: a file in /etc/sysctl.d/)", par);
		return -1;
	}
	if (e == -ENOSYS || e == -ENOENT) {
		ab_err("this kernel has no perf events (CONFIG_PERF_EVENTS is off): no deep dive possible here");
		return -1;
	}
	ab_err("perf events cannot be opened here (%s): no deep dive possible", why);
	return -1;
}

/* Kernel addresses visible in /proc/kallsyms (kptr_restrict): a message, or 0. */
static int check_kallsyms(void)
{
	FILE *f = fopen("/proc/kallsyms", "re");
	char line[512];
	int lines = 0, nonzero = 0;
	int kr = sysctl_int("/proc/sys/kernel/kptr_restrict", -1);

	if (!f) {
		ab_err("cannot read /proc/kallsyms (%s): perf could not name kernel functions", strerror(errno));
		return -1;
	}
	while (!nonzero && lines++ < 1000 && fgets(line, sizeof(line), f))
		if (strspn(line, "0") < 16)
			nonzero = 1;
	fclose(f);
	if (!nonzero) {
		ab_err("kernel symbols are hidden: /proc/kallsyms shows only zero addresses "
		       "(kernel.kptr_restrict is %d), so perf could not name any kernel function.\n"
		       "  Allow it for now:  sudo sysctl kernel.kptr_restrict=0\n"
		       "  (kptr_restrict=1 needs CAP_SYSLOG, kptr_restrict=2 hides them from everyone)", kr);
		return -1;
	}
	return 0;
}

/* Can this kernel serve the point? A one-sample request, as the loop will send. */
static int check_point(struct device *dev, const struct perf_point *pt)
{
	struct allocbench_run r;
	static uint64_t buf[2 * ALLOCBENCH_MAX_BURST];
	char h[32], k[32];
	int rc;

	if (!device_has_allocator(dev, pt->allocator)) {
		ab_err("%s: this kernel (module %s) does not offer %s (`allocbench list` shows what it offers)",
		       pt->desc, dev->info.module_version, allocator_name(pt->allocator));
		return -1;
	}
	run_request(pt, &r, clamp_count(pt, 1), loop_batch(pt), 0, buf);
	rc = device_run(dev, &r);
	if (rc) {
		explain_run_error(dev, pt, -rc);
		return -1;
	}
	if (r.out_flags & ALLOCBENCH_OUT_NOT_ATTEMPTED) {
		ab_err("%s: the module does not attempt %s of %s on this kernel (above its limit): nothing to profile",
		       pt->desc, allocator_name(pt->allocator), size_format(pt->bytes, h, sizeof(h)));
		return -1;
	}
	if (r.failures && r.samples_written == 0) {
		ab_err("%s: every allocation failed on this kernel (%s of %s; kmalloc stops at %s): nothing to profile",
		       pt->desc, allocator_name(pt->allocator), size_format(pt->bytes, h, sizeof(h)),
		       size_format(dev->info.kmalloc_max_size, k, sizeof(k)));
		return -1;
	}
	return 0;
}

/* ---- files ---- */

static int rm_entry(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void rm_rf(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* First line of a command's output (perf --version). */
static void cmd_first_line(char *const argv[], const char *tmpfile, char *out, size_t len)
{
	out[0] = '\0';
	unlink(tmpfile);
	if (run_cmd(argv, tmpfile) == 0)
		read_line(tmpfile, out, len);
	unlink(tmpfile);
	if (!out[0])
		snprintf(out, len, "unknown");
}

/* ---- recording one point ---- */

struct rec_opts {
	const char *perf;	/* the perf binary */
	const char *self;	/* this runner, for --loop */
	const char *event;	/* sampling event */
	const char *event_note;	/* why this event */
	const char *ko;		/* the module file, or NULL */
	const char *render;	/* scripts/perf-render.sh, or NULL (--record-only) */
	int kcore;		/* perf record --kcore */
	unsigned seconds, cpu;
	int quiet;
	struct meta *meta;	/* the run's facts, copied into each point's meta.csv */
	char cycles_status[256], dtlb_status[256], kcore_status[128], perf_version[128];
};

/* One point being recorded: its folder while it is written, and the loop's arguments as text. */
struct rec_point {
	const struct perf_point *pt;
	char tmp[4400];
	char secs[16], cpu[16];
};

/* How a step of the recording ended: the point is removed unless REC_OK. */
enum rec_step { REC_OK, REC_FAILED, REC_INTERRUPTED };

/* Ends argv, from n on, with "-- SELF perf --loop POINT -s N --cpu C --report REPORT". */
static void add_loop_argv(char **argv, int n, const struct rec_point *rp, const struct rec_opts *o,
			 char *report)
{
	argv[n++] = "--";
	argv[n++] = (char *)o->self;
	argv[n++] = "perf";
	argv[n++] = "--loop";
	argv[n++] = (char *)rp->pt->desc;
	argv[n++] = "-s";
	argv[n++] = (char *)rp->secs;
	argv[n++] = "--cpu";
	argv[n++] = (char *)rp->cpu;
	argv[n++] = "--report";
	argv[n++] = report;
	argv[n] = NULL;
}

/* Runs one perf command; it failed unless it exits 0 and leaves the file made. Its log in the error. */
static enum rec_step run_perf_step(char *const argv[], const char *log, const char *made, const char *what,
				   const struct rec_point *rp)
{
	int rc = run_cmd(argv, log);

	if (ab_stop)
		return REC_INTERRUPTED;
	if (rc != 0 || access(made, R_OK)) {
		char *l = read_all(log, NULL);

		ab_err("%s: %s failed (exit %d); its output:\n%s", rp->pt->desc, what, rc, l ? l : "(none)");
		free(l);
		return REC_FAILED;
	}
	return REC_OK;
}

/*
 * perf record -a -g: every CPU, so deferred work (kworkers purging vmap areas,
 * RCU frees, kcompactd) shows beside the loop itself.
 */
static enum rec_step perf_record(const struct rec_point *rp, const struct rec_opts *o)
{
	char data[4600], loop[4600], log[4600];
	char *argv[32];
	int n = 0;

	snprintf(data, sizeof(data), "%s/perf.data", rp->tmp);
	snprintf(loop, sizeof(loop), "%s/loop.txt", rp->tmp);
	snprintf(log, sizeof(log), "%s/record.log", rp->tmp);
	argv[n++] = (char *)o->perf;
	argv[n++] = "record";
	argv[n++] = "-a";
	argv[n++] = "-g";
	argv[n++] = "-e";
	argv[n++] = (char *)o->event;
	if (o->kcore)
		argv[n++] = "--kcore";
	/* The runner's user stack is one ioctl() and, without frame pointers,
	 * unwinds into garbage: kernel call chains only. */
	argv[n++] = "--kernel-callchains";
	argv[n++] = "-N";	/* no ~/.debug copies: the folder keeps its own (below) */
	argv[n++] = "-o";
	argv[n++] = data;
	add_loop_argv(argv, n, rp, o, loop);
	return run_perf_step(argv, log, loop, "perf record", rp);
}

/* perf stat of the same loop: task-clock, and the hardware counters where they exist. */
static enum rec_step perf_stat(const struct rec_point *rp, const struct rec_opts *o)
{
	char stat[4600], loop[4600], log[4600];
	char *argv[32] = { (char *)o->perf, "stat", "-d", "-d", "-o", stat };

	snprintf(stat, sizeof(stat), "%s/stat.txt", rp->tmp);
	snprintf(loop, sizeof(loop), "%s/loop-stat.txt", rp->tmp);
	snprintf(log, sizeof(log), "%s/stat.log", rp->tmp);
	add_loop_argv(argv, 6, rp, o, loop);
	return run_perf_step(argv, log, stat, "perf stat", rp);
}

/* What reading the profile elsewhere needs; a copy that fails is a warning. */
static void copy_context(const char *tmp, const struct rec_opts *o)
{
	char p[4600], dir[4600], log[4600];
	char *argv[] = { (char *)o->perf, "--buildid-dir", dir, "buildid-cache", "-a", (char *)o->self, NULL };

	snprintf(p, sizeof(p), "%s/modules", tmp);
	if (copy_file_atomic("/proc/modules", p))
		ab_err("warning: cannot copy /proc/modules: %s", strerror(errno));
	if (!o->kcore) {	/* --kcore keeps its own copy in perf.data/kcore_dir */
		snprintf(p, sizeof(p), "%s/kallsyms", tmp);
		if (copy_file_atomic("/proc/kallsyms", p))
			ab_err("warning: cannot copy /proc/kallsyms: %s", strerror(errno));
	}
	if (o->ko) {
		snprintf(p, sizeof(p), "%s/allocbench.ko", tmp);
		if (copy_file_atomic(o->ko, p))
			ab_err("warning: cannot copy %s: %s", o->ko, strerror(errno));
	}
	snprintf(dir, sizeof(dir), "%s/.debug", tmp);
	snprintf(log, sizeof(log), "%s/buildid.log", tmp);
	if (run_cmd(argv, log) != 0)
		ab_err("warning: perf buildid-cache -a %s failed: user-space frames may stay unnamed", o->self);
}

/* meta.csv of the point: the run's facts and this deep dive's. 0 or -1 (said why). */
static int write_point_meta(const struct rec_point *rp, const struct rec_opts *o)
{
	const struct perf_point *pt = rp->pt;
	struct meta m = { 0 };
	char p[4600], ts[64];
	int rc = 0;

	for (size_t i = 0; i < o->meta->n; i++)
		meta_set(&m, o->meta->kv[i].key, "%s", o->meta->kv[i].value);
	meta_set(&m, "kind", "perf");
	meta_set(&m, "point", "%s", pt->desc);
	meta_set(&m, "point_slug", "%s", pt->slug);
	meta_set(&m, "seconds", "%u", o->seconds);
	meta_set(&m, "cpu_pinned", "%u", o->cpu);
	meta_set(&m, "event", "%s", o->event);
	meta_set(&m, "event_reason", "%s", o->event_note);
	meta_set(&m, "cycles", "%s", o->cycles_status);
	meta_set(&m, "dtlb_load_misses", "%s", o->dtlb_status);
	meta_set(&m, "kcore", "%s", o->kcore_status);
	meta_set(&m, "perf_version", "%s", o->perf_version);
	meta_utc_now(ts, sizeof(ts));
	meta_set(&m, "recorded_utc", "%s", ts);
	snprintf(p, sizeof(p), "%s/meta.csv", rp->tmp);
	if (meta_write(&m, p)) {
		ab_err("cannot write %s: %s", p, strerror(errno));
		rc = -1;
	}
	meta_free(&m);
	return rc;
}

/* scripts/perf-render.sh on the folder, unless the host renders it later. */
static enum rec_step render_point(const struct rec_point *rp, const struct rec_opts *o)
{
	char *argv[] = { "bash", (char *)o->render, (char *)rp->tmp, NULL };
	int rc;

	if (!o->render)
		return REC_OK;
	if (!o->quiet)
		fprintf(stderr, "allocbench perf: %s: rendering (%s)\n", rp->pt->desc, o->render);
	rc = run_cmd(argv, NULL);
	if (ab_stop)
		return REC_INTERRUPTED;
	if (rc != 0) {
		ab_err("%s: %s failed (exit %d): nothing kept", rp->pt->desc, o->render, rc);
		return REC_FAILED;
	}
	return REC_OK;
}

/* The complete folder in place, replacing an earlier dive of the same point. 0 or -1 (said why). */
static int put_in_place(const struct rec_point *rp, const char *perfdir, const char *fin)
{
	char old[4400];

	snprintf(old, sizeof(old), "%s/.%s.old.%ld", perfdir, rp->pt->slug, (long)getpid());
	if (access(fin, F_OK) == 0) {
		if (rename(fin, old)) {
			ab_err("cannot move the earlier %s aside: %s", fin, strerror(errno));
			return -1;
		}
	}
	if (rename(rp->tmp, fin)) {
		ab_err("cannot rename %s to %s: %s", rp->tmp, fin, strerror(errno));
		rename(old, fin);
		return -1;
	}
	rm_rf(old);
	return 0;
}

/* The steps of one point, in a temporary folder that becomes PERFDIR/<slug> when all succeeded. */
static enum rec_step record_steps(const struct rec_point *rp, const char *perfdir, const char *fin,
				  const struct rec_opts *o)
{
	enum rec_step st;

	if (!o->quiet)
		fprintf(stderr, "allocbench perf: %s: perf record (%s, %u s)\n", rp->pt->desc, o->event,
			o->seconds);
	st = perf_record(rp, o);
	if (st != REC_OK)
		return st;
	if (!o->quiet)
		fprintf(stderr, "allocbench perf: %s: perf stat (%u s)\n", rp->pt->desc, o->seconds);
	st = perf_stat(rp, o);
	if (st != REC_OK)
		return st;
	copy_context(rp->tmp, o);
	if (write_point_meta(rp, o))
		return REC_FAILED;
	st = render_point(rp, o);
	if (st != REC_OK)
		return st;
	return put_in_place(rp, perfdir, fin) ? REC_FAILED : REC_OK;
}

static int record_point(const struct perf_point *pt, const char *perfdir, const struct rec_opts *o)
{
	struct rec_point rp = { .pt = pt };
	char fin[4400];

	snprintf(rp.tmp, sizeof(rp.tmp), "%s/.%s.tmp.%ld", perfdir, pt->slug, (long)getpid());
	snprintf(fin, sizeof(fin), "%s/%s", perfdir, pt->slug);
	rm_rf(rp.tmp);
	if (mkdir(rp.tmp, 0755)) {
		ab_err("cannot create %s: %s", rp.tmp, strerror(errno));
		return EXIT_FAILURE_RUN;
	}
	snprintf(rp.secs, sizeof(rp.secs), "%u", o->seconds);
	snprintf(rp.cpu, sizeof(rp.cpu), "%u", o->cpu);
	switch (record_steps(&rp, perfdir, fin, o)) {
	case REC_OK:
		printf("%s\n", fin);
		return EXIT_OK;
	case REC_INTERRUPTED:
		rm_rf(rp.tmp);
		ab_err("interrupted: %s removed", rp.tmp);
		return EXIT_INTERRUPTED;
	default:
		rm_rf(rp.tmp);
		return EXIT_FAILURE_RUN;
	}
}

/* ---- the command line ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: allocbench perf [OPTIONS] POINT...        a deep dive of each point\n"
		"       allocbench perf [OPTIONS] -c CONFIG        the points of the config's [perf] section\n"
		"       allocbench perf --list POINT... | -c CONFIG   the points and their folder names\n"
		"       allocbench perf --loop POINT -s N          (what perf wraps) the point for N seconds\n"
		"(allocbench perf --help for more)\n");
}

/* What the command line asks of `allocbench perf`. */
struct perf_args {
	const char *cfgpath, *outdir, *event, *ko, *loop_report;
	const char *metas[MAX_META];	/* --meta key=value, in order */
	int nmeta, record_only, list, loop, quiet;
	uint64_t seconds, cpu;		/* 0: not given */
};

/* One option of getopt_long. 0, or -1 (said why). */
static int take_option(int c, struct perf_args *a)
{
	switch (c) {
	case 'c': a->cfgpath = optarg; break;
	case 'o': a->outdir = optarg; break;
	case 'e': a->event = optarg; break;
	case 'k': a->ko = optarg; break;
	case 'R': a->record_only = 1; break;
	case 'l': a->list = 1; break;
	case 'L': a->loop = 1; break;
	case 'r': a->loop_report = optarg; break;
	case 'q': a->quiet = 1; break;
	case 's':
		if (parse_u64(optarg, 1, PERF_MAX_SECONDS, &a->seconds)) {
			ab_err("perf: -s takes whole seconds, 1..%u, not '%s'", PERF_MAX_SECONDS, optarg);
			return -1;
		}
		break;
	case 'C':
		if (parse_u64(optarg, 0, CFG_MAX_CPU, &a->cpu)) {
			ab_err("perf: --cpu takes a CPU number, not '%s'", optarg);
			return -1;
		}
		break;
	case 'm':
		if (!meta_arg_valid(optarg)) {
			ab_err("perf: --meta takes KEY=VALUE with KEY of [a-z0-9_], not '%s'", optarg);
			return -1;
		}
		if (a->nmeta == MAX_META) {
			ab_err("perf: at most %d --meta", MAX_META);
			return -1;
		}
		a->metas[a->nmeta++] = optarg;
		break;
	default:
		usage(stderr);
		return -1;
	}
	return 0;
}

/* 0: go on with the points from argv[optind]; 1: done (--help printed); -1: bad usage (said why). */
static int parse_perf_args(int argc, char **argv, struct perf_args *a)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "seconds", required_argument, NULL, 's' },
		{ "output", required_argument, NULL, 'o' },
		{ "event", required_argument, NULL, 'e' },
		{ "cpu", required_argument, NULL, 'C' },
		{ "ko", required_argument, NULL, 'k' },
		{ "record-only", no_argument, NULL, 'R' },
		{ "list", no_argument, NULL, 'l' },
		{ "loop", no_argument, NULL, 'L' },
		{ "report", required_argument, NULL, 'r' },
		{ "meta", required_argument, NULL, 'm' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	optind = 0;
	while ((c = getopt_long(argc, argv, "c:s:o:e:qh", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			return 1;
		}
		if (take_option(c, a))
			return -1;
	}
	return 0;
}

/* The points the arguments name. 0, or -1 (said why). */
static int points_from_args(int argc, char **argv, struct perf_point **pts, size_t *npts)
{
	char err[CFG_ERR_LEN];
	int words = 1;

	for (int i = optind; i < argc; i++)
		if (strpbrk(argv[i], " \t,;"))
			words = 0;
	if (words) {	/* allocbench perf vmalloc pair 1M: the words of one point */
		char joined[512] = "";
		size_t o = 0;

		for (int i = optind; i < argc && o < sizeof(joined); i++)
			o += (size_t)snprintf(joined + o, sizeof(joined) - o, "%s%s", o ? " " : "", argv[i]);
		if (perf_point_list_parse(joined, pts, npts, err, sizeof(err))) {
			ab_err("perf: %s", err);
			return -1;
		}
		return 0;
	}
	for (int i = optind; i < argc; i++) {
		if (perf_point_list_parse(argv[i], pts, npts, err, sizeof(err))) {
			ab_err("perf: %s", err);
			return -1;
		}
	}
	return 0;
}

/*
 * The config's [perf] section: its points when the arguments named none, and
 * the seconds and CPU the command line left unset. An exit code.
 */
static int settings_from_config(const struct config *cfg, struct perf_args *a, struct perf_point **pts,
				size_t *npts)
{
	const struct perf_settings *ps = config_perf(cfg);

	if (!*npts) {
		if (!ps) {
			ab_err("perf: %s has no [perf] section (points = vmalloc pair 1M, ...)", a->cfgpath);
			return EXIT_USAGE;
		}
		*pts = malloc(ps->n * sizeof(**pts));
		if (!*pts)
			return EXIT_FAILURE_RUN;
		memcpy(*pts, ps->points, ps->n * sizeof(**pts));
		*npts = ps->n;
	}
	if (!a->seconds && ps && ps->seconds)
		a->seconds = ps->seconds;
	if (!a->cpu)
		a->cpu = cfg->run.cpu;
	return EXIT_OK;
}

/* ---- the programs a deep dive runs, and the points, checked ---- */

/* The programs a deep dive runs. */
struct perf_tools {
	char perf[4096];	/* perf itself */
	char self[4096];	/* this runner */
	char render[4096];	/* scripts/perf-render.sh; "" with --record-only */
};

/* perf-render.sh: ALLOCBENCH_PERF_RENDER, else beside this runner's folder. 0, or -1 (said why). */
static int find_renderer(struct perf_tools *t)
{
	const char *env = getenv("ALLOCBENCH_PERF_RENDER");
	char *sl;

	if (env && *env) {
		snprintf(t->render, sizeof(t->render), "%s", env);
	} else {
		snprintf(t->render, sizeof(t->render), "%s", t->self);
		sl = strrchr(t->render, '/');
		if (sl)
			snprintf(sl, sizeof(t->render) - (size_t)(sl - t->render), "/../scripts/perf-render.sh");
	}
	if (access(t->render, R_OK)) {
		ab_err("perf: the renderer %s is missing (set ALLOCBENCH_PERF_RENDER, or use "
		       "--record-only and render later with scripts/perf-render.sh)", t->render);
		return -1;
	}
	return 0;
}

/* --ko, perf, this runner, the renderer, perf's access to the kernel. An exit code. */
static int find_tools(const struct perf_args *a, struct perf_tools *t)
{
	const char *pe = getenv("ALLOCBENCH_PERF");
	ssize_t n;

	if (a->ko && access(a->ko, R_OK)) {
		ab_err("perf: --ko %s: %s", a->ko, strerror(errno));
		return EXIT_USAGE;
	}
	if (find_in_path(pe && *pe ? pe : "perf", t->perf, sizeof(t->perf))) {
		ab_err("perf is not installed (no `perf` in PATH): install the Debian package linux-perf\n"
		       "  sudo apt-get install linux-perf   (scripts/install-deps.sh installs it with the rest)");
		return EXIT_FAILURE_RUN;
	}
	n = readlink("/proc/self/exe", t->self, sizeof(t->self) - 1);
	if (n <= 0) {
		ab_err("cannot find this program's own path (/proc/self/exe): %s", strerror(errno));
		return EXIT_FAILURE_RUN;
	}
	t->self[n] = '\0';
	t->render[0] = '\0';
	if (!a->record_only && find_renderer(t))
		return EXIT_USAGE;
	if (check_perf_access() || check_kallsyms())
		return EXIT_FAILURE_RUN;
	return EXIT_OK;
}

/* The module, and whether it serves every point. An exit code; on EXIT_OK dev is open. */
static int open_and_check_points(struct device *dev, const struct perf_point *pts, size_t npts)
{
	int rc = device_open(dev);

	if (rc)
		return rc;
	for (size_t i = 0; i < npts && !rc; i++)
		if (check_point(dev, &pts[i]))
			rc = EXIT_USAGE;
	if (rc)
		device_close(dev);
	return rc;
}

/* ---- the recording's settings and facts ---- */

/* The sampling event, the hardware events' availability and /proc/kcore. */
static void probe_recording(struct rec_opts *ro, const char *event)
{
	int fd;

	probe_event(PERF_TYPE_HARDWARE, PERF_COUNT_HW_CPU_CYCLES, ro->cycles_status, sizeof(ro->cycles_status));
	probe_event(PERF_TYPE_HW_CACHE, PERF_COUNT_HW_CACHE_DTLB | (PERF_COUNT_HW_CACHE_OP_READ << 8) |
		    (PERF_COUNT_HW_CACHE_RESULT_MISS << 16), ro->dtlb_status, sizeof(ro->dtlb_status));
	if (event) {
		ro->event = event;
		ro->event_note = "asked for (-e)";
	} else if (!strcmp(ro->cycles_status, "ok")) {
		ro->event = "cycles";
		ro->event_note = "the PMU's cycles";
	} else {
		ro->event = "cpu-clock";
		ro->event_note = "cycles unavailable here: a timer (cpu-clock) samples instead";
	}
	fd = open("/proc/kcore", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		ro->kcore = 1;
		snprintf(ro->kcore_status, sizeof(ro->kcore_status), "yes: perf.data/kcore_dir");
	} else {
		snprintf(ro->kcore_status, sizeof(ro->kcore_status), "no: /proc/kcore: %s", strerror(errno));
	}
}

/* The run's facts (meta.csv of the run folder when it has none, and of each point). */
static void collect_run_meta(struct meta *meta, const struct device *dev, const struct perf_args *a,
			     const struct perf_point *pts, size_t npts)
{
	char name[512] = "deep dive:", ts[64], b[4096];
	size_t o = strlen(name);

	meta_set(meta, "schema_version", "1");
	for (size_t i = 0; i < npts && o < sizeof(name); i++)
		o += (size_t)snprintf(name + o, sizeof(name) - o, "%s %s", i ? ";" : "", pts[i].desc);
	meta_set(meta, "run_name", "%s", name);
	meta_utc_now(ts, sizeof(ts));
	meta_set(meta, "started_utc", "%s", ts);
	meta_collect_machine(meta);
	if (read_line("/proc/cmdline", b, sizeof(b)) == 0)
		meta_set(meta, "cmdline", "%s", b);
	meta_set(meta, "init_on_alloc", "%u", dev->info.init_on_alloc);
	meta_set(meta, "init_on_free", "%u", dev->info.init_on_free);
	meta_set(meta, "page_size", "%u", dev->info.page_size);
	meta_set(meta, "max_order", "%u", dev->info.max_order);
	meta_set(meta, "page_alloc_costly_order", "%u", dev->info.page_alloc_costly_order);
	meta_set(meta, "pmd_size", "%" PRIu64, (uint64_t)dev->info.pmd_size);
	meta_set(meta, "totalram_bytes", "%" PRIu64, (uint64_t)dev->info.totalram_bytes);
	meta_set(meta, "kmalloc_max_size", "%" PRIu64, (uint64_t)dev->info.kmalloc_max_size);
	meta_set(meta, "kmalloc_max_cache_size", "%" PRIu64, (uint64_t)dev->info.kmalloc_max_cache_size);
	meta_set(meta, "module_version", "%s", dev->info.module_version);
	meta_set(meta, "runner_version", "%s", ALLOCBENCH_VERSION);
	meta_set(meta, "target", "host");
	meta_set(meta, "accelerator", "none");
	meta_set(meta, "emulated", "no");
	meta_set_args(meta, a->metas, a->nmeta);
}

/* ---- recording every point ---- */

/* Every point into OUTDIR/perf/, then the run's report.md refreshed to link them. An exit code. */
static int record_points(const struct perf_args *a, const struct rec_opts *ro, const struct perf_point *pts,
			 size_t npts)
{
	char dirbuf[4096], perfdir[4200], mp[4400];
	const char *outdir = a->outdir;
	int rc = EXIT_OK;

	if (!outdir) {
		run_folder_default(dirbuf, sizeof(dirbuf));
		outdir = dirbuf;
	}
	snprintf(perfdir, sizeof(perfdir), "%s/perf", outdir);
	if (mkdir_p(perfdir, 0755)) {
		ab_err("cannot create %s: %s", perfdir, strerror(errno));
		return EXIT_FAILURE_RUN;
	}
	snprintf(mp, sizeof(mp), "%s/meta.csv", outdir);
	if (access(mp, F_OK) && meta_write(ro->meta, mp))
		ab_err("warning: cannot write %s: %s", mp, strerror(errno));
	catch_stop_signals();
	for (size_t i = 0; i < npts && rc == EXIT_OK && !ab_stop; i++)
		rc = record_point(&pts[i], perfdir, ro);
	if (ab_stop && rc == EXIT_OK)
		rc = EXIT_INTERRUPTED;
	if (rc == EXIT_OK && !a->record_only) {	/* the run's report.md links its deep dives */
		char *av[] = { "report", (char *)outdir, "--quiet", NULL };

		if (cmd_report(3, av) != EXIT_OK)
			ab_err("warning: report.md of %s not refreshed (allocbench report %s)", outdir, outdir);
	}
	return rc;
}

/* Checks everything, then records every point. An exit code. */
static int deep_dive(const struct perf_args *a, const struct perf_point *pts, size_t npts)
{
	struct perf_tools tools;
	struct rec_opts ro;
	struct meta meta = { 0 };
	struct device dev;
	char *pv[] = { tools.perf, "--version", NULL };
	char vtmp[64];
	int rc;

	rc = find_tools(a, &tools);
	if (rc)
		return rc;
	rc = open_and_check_points(&dev, pts, npts);
	if (rc)
		return rc;
	memset(&ro, 0, sizeof(ro));
	ro.perf = tools.perf;
	ro.self = tools.self;
	ro.ko = a->ko;
	ro.render = a->record_only ? NULL : tools.render;
	ro.seconds = (unsigned)a->seconds;
	ro.cpu = (unsigned)a->cpu;
	ro.quiet = a->quiet;
	ro.meta = &meta;
	probe_recording(&ro, a->event);
	collect_run_meta(&meta, &dev, a, pts, npts);
	device_close(&dev);
	snprintf(vtmp, sizeof(vtmp), "/tmp/allocbench-perf-version.%ld", (long)getpid());
	cmd_first_line(pv, vtmp, ro.perf_version, sizeof(ro.perf_version));
	rc = record_points(a, &ro, pts, npts);
	meta_free(&meta);
	return rc;
}

/* --list, --loop or the deep dive of the points. An exit code. */
static int perf_command(struct perf_args *a, const struct perf_point *pts, size_t npts)
{
	if (!npts) {
		ab_err("perf: which point? e.g. allocbench perf \"vmalloc pair 1M\" (or -c CONFIG with a [perf] section)");
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!a->seconds)
		a->seconds = PERF_DEFAULT_SECONDS;
	if (a->list) {
		for (size_t i = 0; i < npts; i++)
			printf("%s\t%s\n", pts[i].slug, pts[i].desc);
		return EXIT_OK;
	}
	if (a->loop) {
		if (npts != 1) {
			ab_err("perf --loop takes one point");
			return EXIT_USAGE;
		}
		return perf_loop(&pts[0], (unsigned)a->seconds, (unsigned)a->cpu, a->loop_report);
	}
	return deep_dive(a, pts, npts);
}

int cmd_perf(int argc, char **argv)
{
	struct perf_args a;
	struct perf_point *pts = NULL;
	size_t npts = 0;
	char err[CFG_ERR_LEN];
	struct config cfg;
	int have_cfg = 0, rc;

	rc = parse_perf_args(argc, argv, &a);
	if (rc)
		return rc > 0 ? EXIT_OK : EXIT_USAGE;
	/* The points: arguments, or the config's [perf] section. */
	if (optind < argc && points_from_args(argc, argv, &pts, &npts)) {
		free(pts);
		return EXIT_USAGE;
	}
	if (a.cfgpath) {
		if (config_load(a.cfgpath, &cfg, err, sizeof(err))) {
			ab_err("%s", err);
			free(pts);
			return EXIT_USAGE;
		}
		have_cfg = 1;
		rc = settings_from_config(&cfg, &a, &pts, &npts);
	}
	if (rc == EXIT_OK)
		rc = perf_command(&a, pts, npts);
	free(pts);
	if (have_cfg)
		config_free(&cfg);
	return rc;
}
