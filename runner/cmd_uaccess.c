// SPDX-License-Identifier: GPL-2.0
/*
 * `allocbench uaccess`: dependent-load latency over user buffers backed by
 * 4K pages, THP and hugetlb pages, written to uaccess.csv, with the TLB tax
 * (4K / huge) per working set on stdout. Runs on whatever CPU the runner
 * runs on: on the host that is real hardware even when the module itself
 * can only be run in an emulated VM.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "config.h"
#include "experiment.h"
#include "csv.h"
#include "meta.h"
#include "sizes.h"
#include "stats.h"
#include "uaccess.h"
#include "util.h"

#define UACCESS_SCHEMA_VERSION	1

struct uaccess_opts {
	struct uaccess_settings set;
	const char *out_dir;
	const char *config;
	int cpu;
	unsigned int mem_cap_percent;
	bool quiet;
};

/* p50 of the page-layout chase per backing and size, for the TLB-tax table. */
struct tax_cell {
	double p50[UACCESS_NR_BACKINGS];
	bool have[UACCESS_NR_BACKINGS];
};

static const char *const columns[] = {
	"schema_version", "backing", "layout", "working_set_bytes", "status",
	"passes", "steps_per_pass", "ns_per_access_p10", "ns_per_access_p50",
	"ns_per_access_p90", "bytes_per_ns_p10", "bytes_per_ns_p50",
	"bytes_per_ns_p90", "first_touch_ns_per_page", "huge_bytes",
	"dtlb_misses_per_access", "reason",
};
#define NCOLUMNS ARRAY_SIZE(columns)

static void usage(FILE *f)
{
	fprintf(f,
"usage: allocbench uaccess [options]\n"
"\n"
"Times dependent loads (p = *p) through the same pointer chains the module\n"
"uses, over user memory mapped with 4K pages (MADV_NOHUGEPAGE), transparent\n"
"huge pages (MADV_HUGEPAGE, confirmed through AnonHugePages in\n"
"/proc/self/smaps) and hugetlb pages (MAP_HUGETLB, when reserved). The gap\n"
"between them is the TLB and page-walk cost of the mapping.\n"
"\n"
"Layouts: page = one pointer per 4K page, pages in random order (a TLB miss\n"
"per load once the set outgrows the TLB); line = every cache line of a page\n"
"before the next page (mostly cache latency); seq = sequential read (bytes/ns).\n"
"Each buffer's first touch (one write per 4K page after mmap) is timed too.\n"
"\n"
"options:\n"
"  -c, --config FILE      take the settings of FILE's [uaccess] section (the\n"
"                         options below override them)\n"
"  -o, --out DIR          write DIR/uaccess.csv and DIR/uaccess-meta.csv (the\n"
"                         machine it ran on); default: print the table only\n"
"  -s, --sizes LIST       working sets, e.g. 4K..1G x2 (default 4K..1G x4)\n"
"  -b, --backings LIST    4k,thp,hugetlb (default all; hugetlb without reserved\n"
"                         pages is recorded as unavailable)\n"
"  -l, --layouts LIST     page,line,seq (default all)\n"
"  -p, --passes N         timed passes per point, median reported (default 7)\n"
"      --min-steps N      loads per pass at least (default 1048576)\n"
"      --seed N           chain seed (default 1)\n"
"      --cpu N            pin to CPU N, -1 for no pinning (default 0)\n"
"      --mem-cap-percent N  skip working sets above N %% of MemAvailable (default 50)\n"
"  -q, --quiet            no progress line, no table\n"
"  -h, --help             this text\n"
"\n"
"exit codes: 0 ok, 1 a measurement or file error, 2 bad options or config\n");
}

static int parse_uint(const char *arg, const char *opt, uint64_t lo, uint64_t hi,
		      unsigned long long *out)
{
	uint64_t v;

	if (parse_u64(arg, lo, hi, &v)) {
		fprintf(stderr, "allocbench uaccess: %s: '%s' is not a number in %llu..%llu\n",
			opt, arg, (unsigned long long)lo, (unsigned long long)hi);
		return -1;
	}
	*out = v;
	return 0;
}

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "out", required_argument, NULL, 'o' },
	{ "sizes", required_argument, NULL, 's' },
	{ "backings", required_argument, NULL, 'b' },
	{ "layouts", required_argument, NULL, 'l' },
	{ "passes", required_argument, NULL, 'p' },
	{ "min-steps", required_argument, NULL, 'M' },
	{ "seed", required_argument, NULL, 'S' },
	{ "cpu", required_argument, NULL, 'C' },
	{ "mem-cap-percent", required_argument, NULL, 'm' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};
static const char shortopts[] = "c:o:s:b:l:p:qh";

/* The [uaccess] key an option sets, or NULL for the options of the command itself. */
static const char *setting_key(int c)
{
	switch (c) {
	case 's': return "sizes";
	case 'b': return "backings";
	case 'l': return "layouts";
	case 'p': return "passes";
	case 'M': return "min_steps";
	case 'S': return "seed";
	default: return NULL;
	}
}

/* -c FILE wherever it stands, read before the other options so that they override it. */
static const char *config_arg(int argc, char **argv)
{
	const char *config = NULL;
	int c;

	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
		if (c == 'c')
			config = optarg;
	return config;
}

/* o->set becomes a copy of the [uaccess] section of o->config. 0 or -1 (said why). */
static int load_config_settings(struct uaccess_opts *o)
{
	struct config cfg;
	const struct uaccess_settings *sec;
	char err[512];

	if (config_load(o->config, &cfg, err, sizeof(err))) {
		fprintf(stderr, "allocbench uaccess: %s\n", err);
		return -1;
	}
	sec = config_uaccess(&cfg);
	if (!sec) {
		fprintf(stderr, "allocbench uaccess: %s has no [uaccess] section\n", o->config);
		config_free(&cfg);
		return -1;
	}
	uaccess_settings_free(&o->set);
	o->set = *sec;
	o->set.sizes = malloc(sec->nsizes * sizeof(*sec->sizes));
	if (o->set.sizes)
		memcpy(o->set.sizes, sec->sizes, sec->nsizes * sizeof(*sec->sizes));
	config_free(&cfg);
	if (!o->set.sizes) {
		fprintf(stderr, "allocbench uaccess: out of memory\n");
		return -1;
	}
	return 0;
}

/* One option of the command line. 0 or -1 (said why). */
static int apply_opt(struct uaccess_opts *o, int c, char *arg)
{
	const char *key = setting_key(c);
	unsigned long long v;
	char err[512];

	if (key) {
		if (uaccess_settings_set(&o->set, key, arg, err, sizeof(err))) {
			fprintf(stderr, "allocbench uaccess: --%s\n", err);
			return -1;
		}
		return 0;
	}
	switch (c) {
	case 'c':
		return 0;	/* read first, by config_arg() */
	case 'o':
		o->out_dir = arg;
		return 0;
	case 'C':
		if (!strcmp(arg, "-1")) {
			o->cpu = -1;
			return 0;
		}
		if (parse_uint(arg, "--cpu", 0, CPU_SETSIZE - 1, &v))
			return -1;
		o->cpu = (int)v;
		return 0;
	case 'm':
		if (parse_uint(arg, "--mem-cap-percent", 1, 90, &v))
			return -1;
		o->mem_cap_percent = (unsigned int)v;
		return 0;
	case 'q':
		o->quiet = true;
		return 0;
	case 'h':
		usage(stdout);
		exit(EXIT_OK);
	default:
		usage(stderr);
		return -1;
	}
}

/* Options override the config's [uaccess], which overrides the defaults. */
static int parse_opts(int argc, char **argv, struct uaccess_opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->mem_cap_percent = 50;
	if (uaccess_settings_init(&o->set)) {
		fprintf(stderr, "allocbench uaccess: out of memory\n");
		return -1;
	}
	o->config = config_arg(argc, argv);
	if (o->config && load_config_settings(o))
		return -1;
	optind = 0;
	opterr = 1;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1)
		if (apply_opt(o, c, optarg))
			return -1;
	if (optind < argc) {
		fprintf(stderr, "allocbench uaccess: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

static void *contiguous_page(void *ctx, size_t i)
{
	return (char *)ctx + i * 4096;
}

/* One CSV row; NaN cells are written empty. */
static int write_row(struct csv_writer *w, enum uaccess_backing bk, const char *layout,
		     uint64_t ws, const char *status, unsigned int passes, size_t steps,
		     const struct stats *ns, const struct stats *bw, double touch,
		     double huge_bytes, double dtlb, const char *reason)
{
	int rc = 0;

	rc |= csv_u64(w, UACCESS_SCHEMA_VERSION);
	rc |= csv_str(w, uaccess_backing_name(bk));
	rc |= csv_str(w, layout);
	rc |= csv_u64(w, ws);
	rc |= csv_str(w, status);
	rc |= passes ? csv_u64(w, passes) : csv_empty(w);
	rc |= steps ? csv_u64(w, steps) : csv_empty(w);
	if (ns) {
		rc |= csv_double(w, ns->p10);
		rc |= csv_double(w, ns->p50);
		rc |= csv_double(w, ns->p90);
	} else {
		rc |= csv_empty(w) | csv_empty(w) | csv_empty(w);
	}
	if (bw) {
		rc |= csv_double(w, bw->p10);
		rc |= csv_double(w, bw->p50);
		rc |= csv_double(w, bw->p90);
	} else {
		rc |= csv_empty(w) | csv_empty(w) | csv_empty(w);
	}
	rc |= touch >= 0 ? csv_double(w, touch) : csv_empty(w);
	rc |= huge_bytes >= 0 ? csv_u64(w, (uint64_t)huge_bytes) : csv_empty(w);
	rc |= dtlb >= 0 ? csv_double(w, dtlb) : csv_empty(w);
	rc |= csv_str(w, reason ? reason : "");
	rc |= csv_end_row(w);
	return rc;
}

/* Measures every layout on one buffer; returns 0 or -1 on a file error. */
static int measure_buffer(const struct uaccess_opts *o, struct csv_writer *w,
			  enum uaccess_backing bk, uint64_t ws, struct tax_cell *tax)
{
	struct uaccess_buffer b;
	char reason[256] = "";
	double samples[UACCESS_MAX_PASSES];
	int rc = 0;

	if (uaccess_map(&b, bk, ws, reason, sizeof(reason))) {
		for (int l = 0; l < UACCESS_NR_LAYOUTS && !rc; l++)
			if (o->set.layouts[l])
				rc = write_row(w, bk, uaccess_layout_name(l), ws, "unavailable", 0, 0,
					       NULL, NULL, -1, -1, -1, reason);
		return rc;
	}
	/* The mapping the kernel actually gave us, not the one we asked for. */
	bool huge_confirmed = bk == UACCESS_4K ? b.huge_bytes == 0 : b.huge_bytes >= b.bytes;
	const char *status = huge_confirmed ? "ok" : "mismatch";

	if (!huge_confirmed)
		snprintf(reason, sizeof(reason), "%zu of %zu bytes huge-mapped",
			 b.huge_bytes, b.bytes);

	for (int l = UACCESS_PAGE; l <= UACCESS_LINE && !rc; l++) {
		enum chain_layout cl = l == UACCESS_PAGE ? CHAIN_PAGE : CHAIN_LINE;
		size_t npages = b.bytes / 4096;
		uint32_t *scratch;
		struct chain chain;
		struct stats st;
		double dtlb = -1;
		char dtlb_reason[160] = "";

		if (!o->set.layouts[l])
			continue;
		scratch = malloc(chain_scratch_words(cl, npages, 4096, 64) * sizeof(uint32_t));
		if (!scratch || chain_build(&chain, cl, npages, 4096, 64, contiguous_page,
					    b.base, o->set.seed, scratch, NULL, NULL) ||
		    !chain_is_single_cycle(&chain, NULL, NULL)) {
			free(scratch);
			fprintf(stderr, "allocbench uaccess: chain self-check failed at %s %s %llu\n",
				uaccess_backing_name(bk), uaccess_layout_name(l), (unsigned long long)ws);
			uaccess_unmap(&b);
			return -1;
		}
		free(scratch);
		size_t steps = ((o->set.min_steps + chain.elements - 1) / chain.elements) * chain.elements;

		uaccess_chase(&chain, o->set.passes, o->set.min_steps, samples);
		stats_compute(samples, o->set.passes, &st);
		if (uaccess_dtlb_misses(&chain, steps, &dtlb, dtlb_reason, sizeof(dtlb_reason)))
			dtlb = -1;
		char row_reason[512];

		snprintf(row_reason, sizeof(row_reason), "%s%s%s", reason,
			 reason[0] && dtlb_reason[0] ? "; " : "",
			 dtlb < 0 ? dtlb_reason : "");
		rc = write_row(w, bk, uaccess_layout_name(l), ws, status, o->set.passes, steps, &st, NULL,
			       -1, (double)b.huge_bytes, dtlb, row_reason);
		if (l == UACCESS_PAGE && huge_confirmed) {
			tax->p50[bk] = st.p50;
			tax->have[bk] = true;
		}
	}
	if (o->set.layouts[UACCESS_SEQ] && !rc) {
		struct stats st;

		uaccess_seq_read(&b, o->set.passes, samples);
		stats_compute(samples, o->set.passes, &st);
		rc = write_row(w, bk, "seq", ws, status, o->set.passes, 0, NULL, &st, -1,
			       (double)b.huge_bytes, -1, reason);
	}
	if (!rc)
		rc = write_row(w, bk, "first_touch", ws, status, 1, 0, NULL, NULL,
			       b.first_touch_ns_per_page, (double)b.huge_bytes, -1, reason);
	uaccess_unmap(&b);
	return rc;
}

static void print_tax(const struct uaccess_opts *o, const struct tax_cell *tax)
{
	char sz[32];

	printf("\nTLB tax in user space (page layout, median ns per access; ratio = 4k / huge)\n");
	printf("%-10s %10s %10s %8s %10s %8s\n", "set", "4k", "thp", "4k/thp", "hugetlb", "4k/htlb");
	for (size_t i = 0; i < o->set.nsizes; i++) {
		const struct tax_cell *t = &tax[i];
		char c4[16] = "-", ct[16] = "-", rt[16] = "-", ch[16] = "-", rh[16] = "-";

		if (t->have[UACCESS_4K])
			snprintf(c4, sizeof(c4), "%.1f", t->p50[UACCESS_4K]);
		if (t->have[UACCESS_THP]) {
			snprintf(ct, sizeof(ct), "%.1f", t->p50[UACCESS_THP]);
			if (t->have[UACCESS_4K])
				snprintf(rt, sizeof(rt), "%.2fx", t->p50[UACCESS_4K] / t->p50[UACCESS_THP]);
		}
		if (t->have[UACCESS_HUGETLB]) {
			snprintf(ch, sizeof(ch), "%.1f", t->p50[UACCESS_HUGETLB]);
			if (t->have[UACCESS_4K])
				snprintf(rh, sizeof(rh), "%.2fx", t->p50[UACCESS_4K] / t->p50[UACCESS_HUGETLB]);
		}
		printf("%-10s %10s %10s %8s %10s %8s\n", size_format(o->set.sizes[i], sz, sizeof(sz)),
		       c4, ct, rt, ch, rh);
	}
}

/* uaccess-meta.csv: the machine these timings come from, which need not be
 * the one the module ran on (make bench runs uaccess on the host and the
 * module in a VM). Charts take their cache and TLB guides from it. */
static int write_machine_meta(const struct uaccess_opts *o)
{
	struct meta m = { 0 };
	char path[4096], now[64];
	int rc;

	meta_set(&m, "schema_version", "%d", UACCESS_SCHEMA_VERSION);
	meta_set(&m, "runner_version", "%s", ALLOCBENCH_VERSION);
	meta_utc_now(now, sizeof(now));
	meta_set(&m, "finished_utc", "%s", now);
	meta_collect_machine(&m);
	meta_set(&m, "cpu_pinned", "%d", o->cpu);
	meta_set(&m, "passes", "%u", o->set.passes);
	meta_set(&m, "min_steps", "%zu", o->set.min_steps);
	meta_set(&m, "seed", "%llu", (unsigned long long)o->set.seed);
	meta_set(&m, "timer", "clock_gettime(CLOCK_MONOTONIC_RAW)");
	snprintf(path, sizeof(path), "%s/uaccess-meta.csv", o->out_dir);
	rc = meta_write(&m, path);
	meta_free(&m);
	return rc;
}

int cmd_uaccess(int argc, char **argv)
{
	struct uaccess_opts o;
	struct csv_writer *w;
	struct tax_cell *tax;
	char path[4096];
	int rc = 0;

	if (parse_opts(argc, argv, &o)) {
		uaccess_settings_free(&o.set);
		return EXIT_USAGE;
	}
	if (o.cpu >= 0 && pin_to_cpu((unsigned)o.cpu, "--cpu")) {
		uaccess_settings_free(&o.set);
		return EXIT_USAGE;
	}
	if (o.out_dir && mkdir_p(o.out_dir, 0755)) {
		fprintf(stderr, "allocbench uaccess: cannot create %s: %s\n", o.out_dir, strerror(errno));
		uaccess_settings_free(&o.set);
		return EXIT_FAILURE_RUN;
	}
	snprintf(path, sizeof(path), "%s/uaccess.csv", o.out_dir ? o.out_dir : "/tmp");
	if (!o.out_dir)	/* table only: the CSV goes nowhere lasting */
		snprintf(path, sizeof(path), "/tmp/allocbench-uaccess-%d.csv", (int)getpid());
	w = csv_create(path, columns, NCOLUMNS);
	tax = calloc(o.set.nsizes, sizeof(*tax));
	if (!w || !tax) {
		fprintf(stderr, "allocbench uaccess: cannot write %s: %s\n", path, strerror(errno));
		if (w)
			csv_abort(w);
		free(tax);
		uaccess_settings_free(&o.set);
		return EXIT_FAILURE_RUN;
	}

	uint64_t cap = mem_available_bytes() / 100 * o.mem_cap_percent;
	bool tty = !o.quiet && isatty(STDERR_FILENO);
	size_t k = 0, total = o.set.nsizes * UACCESS_NR_BACKINGS;

	for (size_t i = 0; i < o.set.nsizes && !rc; i++) {
		for (int bk = 0; bk < UACCESS_NR_BACKINGS && !rc; bk++) {
			uint64_t ws = o.set.sizes[i];
			char sz[32];

			k++;
			if (!o.set.backings[bk])
				continue;
			if (tty)
				fprintf(stderr, "\r\033[K[%zu/%zu] uaccess %s %s", k, total,
					uaccess_backing_name(bk), size_format(ws, sz, sizeof(sz)));
			if (ws > cap) {
				char reason[128];

				snprintf(reason, sizeof(reason),
					 "skipped: above %u%% of MemAvailable", o.mem_cap_percent);
				for (int l = 0; l < UACCESS_NR_LAYOUTS && !rc; l++)
					if (o.set.layouts[l])
						rc = write_row(w, bk, uaccess_layout_name(l), ws, "skipped", 0,
							       0, NULL, NULL, -1, -1, -1, reason);
				continue;
			}
			rc = measure_buffer(&o, w, bk, ws, &tax[i]);
		}
	}
	if (tty)
		fprintf(stderr, "\r\033[K");
	if (rc) {
		csv_abort(w);
		fprintf(stderr, "allocbench uaccess: writing %s failed\n", path);
	} else if (csv_commit(w)) {
		fprintf(stderr, "allocbench uaccess: cannot commit %s: %s\n", path, strerror(errno));
		rc = -1;
	}
	if (!o.out_dir)
		unlink(path);
	if (!rc && o.out_dir && write_machine_meta(&o)) {
		fprintf(stderr, "allocbench uaccess: cannot write %s/uaccess-meta.csv: %s\n",
			o.out_dir, strerror(errno));
		rc = -1;
	}
	if (!rc && !o.quiet)
		print_tax(&o, tax);
	if (!rc && !o.quiet && o.out_dir)
		printf("wrote %s\n", path);
	free(tax);
	uaccess_settings_free(&o.set);
	return rc ? EXIT_FAILURE_RUN : EXIT_OK;
}
