// SPDX-License-Identifier: GPL-2.0
/*
 * Reading a run back from its CSV files, the shared formatting helpers and
 * report.md. See report.h for the columns and keys read.
 */
#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "names.h"
#include "report.h"
#include "report_parts.h"
#include "rundir.h"
#include "util.h"

/* Order of ops in reports and charts. */
static locale_t c_loc(void)
{
	static locale_t loc;

	if (!loc)
		loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	return loc;
}

/* snprintf under the C locale: dot decimals whatever LC_NUMERIC says. */
static int c_snprintf(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int c_snprintf(char *buf, size_t len, const char *fmt, ...)
{
	locale_t old = (locale_t)0;
	va_list ap;
	int n;

	if (c_loc())
		old = uselocale(c_loc());
	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	if (c_loc())
		uselocale(old);
	return n;
}

double parse_double_c(const char *s)
{
	char *end;
	double v;

	if (!s)
		return NAN;
	while (*s == ' ' || *s == '\t')
		s++;
	if (!*s)
		return NAN;
	v = c_loc() ? strtod_l(s, &end, c_loc()) : strtod(s, &end);
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end)
		return NAN;
	return v;
}

/* A CSV field as a whole number (absent, empty or not a number: -1). */
static int field_u64(const char *s, uint64_t *v)
{
	return s ? parse_u64(s, 0, UINT64_MAX, v) : -1;
}

void fmt_ns(char *buf, size_t len, double ns)
{
	static const struct { double div; const char *unit; } u[] = {
		{ 1, "ns" }, { 1e3, "us" }, { 1e6, "ms" }, { 1e9, "s" },
	};
	size_t i = 0;
	double v;

	if (!isfinite(ns)) {
		c_snprintf(buf, len, "-");
		return;
	}
	while (i + 1 < sizeof(u) / sizeof(u[0]) && fabs(ns) >= u[i + 1].div * 0.9995)
		i++;
	v = ns / u[i].div;
	if (i == 0 && fabs(v) >= 10)
		c_snprintf(buf, len, "%.0f%s", v, u[i].unit);
	else if (fabs(v) >= 99.95)
		c_snprintf(buf, len, "%.0f%s", v, u[i].unit);
	else if (fabs(v) >= 9.995)
		c_snprintf(buf, len, "%.1f%s", v, u[i].unit);
	else
		c_snprintf(buf, len, "%.2f%s", v, u[i].unit);
}

void fmt_bytes(char *buf, size_t len, uint64_t b)
{
	static const char suf[] = "KMGTPE";
	int i = -1;
	uint64_t v = b;

	while (v >= 1024 && v % 1024 == 0 && i < 5) {
		v /= 1024;
		i++;
	}
	if (i >= 0) {
		c_snprintf(buf, len, "%llu%c", (unsigned long long)v, suf[i]);
		return;
	}
	if (b < 10240) {
		c_snprintf(buf, len, "%llu", (unsigned long long)b);
		return;
	}
	{
		double d = (double)b;

		i = -1;
		while (d >= 1024 && i < 5) {
			d /= 1024;
			i++;
		}
		c_snprintf(buf, len, "%.1f%c", d, suf[i]);
	}
}

const char *status_name(enum lat_status st)
{
	switch (st) {
	case LAT_OK: return "ok";
	case LAT_PARTIAL: return "partial";
	case LAT_FAILED: return "failed";
	case LAT_UNSUPPORTED: return "unsupported";
	case LAT_SKIPPED: return "skipped";
	default: return "missing";
	}
}

int lat_status_parse(const char *s, enum lat_status *st)
{
	if (!strcasecmp(s, "ok"))
		*st = LAT_OK;
	else if (!strcasecmp(s, "partial"))
		*st = LAT_PARTIAL;
	else if (!strcasecmp(s, "failed") || !strcasecmp(s, "fail") || !strcasecmp(s, "error"))
		*st = LAT_FAILED;
	else if (!strcasecmp(s, "unsupported") || !strcasecmp(s, "n/a"))
		*st = LAT_UNSUPPORTED;
	else if (!strcasecmp(s, "skipped") || !strcasecmp(s, "skip"))
		*st = LAT_SKIPPED;
	else
		return -1;
	return 0;
}

/* A CSV field as yes/no: only a yes is a yes (absent, empty or junk: no). */
static int field_yes(const char *s)
{
	return s && (parse_bool(s) == 1 || !strcasecmp(s, "y"));
}

const char *gfp_title(const char *gfp)
{
	if (!strcmp(gfp, "kernel"))
		return "GFP_KERNEL";
	if (!strcmp(gfp, "atomic"))
		return "GFP_ATOMIC";
	if (!strcmp(gfp, "noretry"))
		return "GFP_KERNEL|__GFP_NORETRY";
	if (!strcmp(gfp, "nowait"))
		return "GFP_KERNEL&~__GFP_RECLAIM";
	return gfp;
}

void report_chart_link(FILE *f, const struct run_data *rd, int charts_ok, const char *name, const char *alt)
{
	char p[sizeof(rd->dir) + 128];

	snprintf(p, sizeof(p), "%s/charts/%s.svg", rd->dir, name);
	if (charts_ok && access(p, R_OK) == 0)
		fprintf(f, "![%s](charts/%s.svg)\n\n", alt, name);
}

const char *rmeta_get(const struct run_data *rd, const char *key)
{
	const char *v = csv_kv(&rd->meta, key);

	return v && *v ? v : NULL;
}

const char *rmeta_any(const struct run_data *rd, const char *dflt, ...)
{
	const char *k, *v = NULL;
	va_list ap;

	va_start(ap, dflt);
	while ((k = va_arg(ap, const char *)) != NULL) {
		v = rmeta_get(rd, k);
		if (v)
			break;
	}
	va_end(ap);
	return v ? v : dflt;
}

int rmeta_u64(const struct run_data *rd, const char *key, uint64_t *v)
{
	return field_u64(rmeta_get(rd, key), v);
}

int run_emulated(const struct run_data *rd)
{
	const char *e = rmeta_get(rd, "emulated"), *a = rmeta_get(rd, "accelerator");

	if (e)
		return field_yes(e);
	return a && !strcasecmp(a, "tcg");
}

double run_timer_ratio(const struct run_data *rd)
{
	const char *kind = rmeta_get(rd, "timer_kind");
	double hz = parse_double_c(rmeta_any(rd, "", "timer_hz", NULL));
	double host = parse_double_c(rmeta_any(rd, "", "host_tsc_hz", NULL));

	if (!kind || strcmp(kind, "tsc") || !(hz > 0) || !(host > 0))
		return NAN;
	return hz / host;
}

void run_timer_warning(char *buf, size_t len, const struct run_data *rd)
{
	double r = run_timer_ratio(rd);

	buf[0] = '\0';
	if (!isfinite(r) || fabs(r - 1) <= RUN_TIMER_TOLERANCE)
		return;
	snprintf(buf, len, "the guest calibrated its TSC at %.1f MHz, the host's runs at %.1f MHz "
		 "(%+.1f %%): every time in this run is off by that factor; run it again on a quieter host",
		 parse_double_c(rmeta_get(rd, "timer_hz")) / 1e6,
		 parse_double_c(rmeta_get(rd, "host_tsc_hz")) / 1e6, (r - 1) * 100);
}

static int alloc_index(struct run_data *rd, const char *name)
{
	size_t i;

	for (i = 0; i < rd->nalloc; i++)
		if (!strcmp(rd->alloc_names[i], name))
			return (int)i;
	if (rd->nalloc >= REPORT_MAX_ALLOCATORS)
		return -1;
	rd->alloc_names[rd->nalloc] = strdup(name);
	if (!rd->alloc_names[rd->nalloc])
		return -1;
	return (int)rd->nalloc++;
}

int op_display_rank(const char *op)
{
	static const char *const ops[] = { "alloc", "free", "pair", "burst_alloc", "burst_free",
					   "page", "line", "seq", "first_touch" };

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++)
		if (!strcmp(op, ops[i]))
			return (int)i;
	return (int)ARRAY_SIZE(ops);
}

static int gfp_rank(const char *g)
{
	if (!strcmp(g, "kernel"))
		return 0;
	if (!strcmp(g, "noretry"))
		return 1;
	if (!strcmp(g, "atomic"))
		return 2;
	if (!strcmp(g, "nowait"))
		return 3;
	return 4;
}

static int series_index(struct run_data *rd, const char *op, const char *gfp, int touch, int batched)
{
	struct lat_series *s;
	size_t i;
	char *p;

	for (i = 0; i < rd->nseries; i++) {
		s = &rd->series[i];
		if (!strcmp(s->op, op) && !strcmp(s->gfp, gfp) && s->touch == touch &&
		    s->batched == batched)
			return (int)i;
	}
	if (rd->nseries >= REPORT_MAX_SERIES)
		return -1;
	s = &rd->series[rd->nseries];
	memset(s, 0, sizeof(*s));
	snprintf(s->op, sizeof(s->op), "%s", op);
	snprintf(s->gfp, sizeof(s->gfp), "%s", gfp);
	s->touch = touch;
	s->batched = batched;
	snprintf(s->slug, sizeof(s->slug), "%s%s%s%s%s", op, strcmp(gfp, "kernel") ? "-" : "",
		 strcmp(gfp, "kernel") ? gfp : "", touch ? "-touch" : "", batched ? "-batch" : "");
	for (p = s->slug; *p; p++)
		if (*p == '_' || *p == '/' || *p == ' ')
			*p = '-';
	return (int)rd->nseries++;
}

int series_is_primary(const struct lat_series *s)
{
	return !strcmp(s->gfp, "kernel") && !s->touch && !s->batched;
}

static int series_cmp(const struct lat_series *a, const struct lat_series *b)
{
	int d;

	if (a->batched != b->batched)
		return a->batched - b->batched;
	if ((d = op_display_rank(a->op) - op_display_rank(b->op)))
		return d;
	if ((d = strcmp(a->op, b->op)))
		return d;
	if ((d = gfp_rank(a->gfp) - gfp_rank(b->gfp)))
		return d;
	if ((d = strcmp(a->gfp, b->gfp)))
		return d;
	return a->touch - b->touch;
}

/* Sorts the series into report order and renumbers the points. */
static void sort_series(struct run_data *rd)
{
	int map[REPORT_MAX_SERIES];
	struct lat_series tmp[REPORT_MAX_SERIES];
	size_t order[REPORT_MAX_SERIES], i, j;

	for (i = 0; i < rd->nseries; i++)
		order[i] = i;
	for (i = 1; i < rd->nseries; i++) {
		size_t o = order[i];

		for (j = i; j > 0 && series_cmp(&rd->series[o], &rd->series[order[j - 1]]) < 0; j--)
			order[j] = order[j - 1];
		order[j] = o;
	}
	for (i = 0; i < rd->nseries; i++) {
		tmp[i] = rd->series[order[i]];
		map[order[i]] = (int)i;
	}
	memcpy(rd->series, tmp, rd->nseries * sizeof(tmp[0]));
	for (i = 0; i < rd->npts; i++)
		rd->pts[i].series = map[rd->pts[i].series];
}

static int load_csv(const char *dir, const char *name, struct csv_table *t, char *err, size_t errlen)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return csv_read(path, t, err, errlen);
}

/* Adds a point; the same point twice (two config sections) keeps the better measured one. */
static int add_point(struct run_data *rd, const struct lat_point *p)
{
	size_t k;

	for (k = 0; k < rd->npts; k++) {
		struct lat_point *q = &rd->pts[k];

		if (q->series == p->series && q->alloc == p->alloc && q->size == p->size) {
			int qm = q->status == LAT_OK || q->status == LAT_PARTIAL;
			int pm = p->status == LAT_OK || p->status == LAT_PARTIAL;

			if (pm > qm || (pm == qm && p->samples > q->samples))
				*q = *p;
			return 0;
		}
	}
	if (rd->npts == rd->cap) {
		size_t cap = rd->cap ? rd->cap * 2 : 256;
		struct lat_point *np = realloc(rd->pts, cap * sizeof(*np));

		if (!np)
			return -1;
		rd->pts = np;
		rd->cap = cap;
	}
	rd->pts[rd->npts++] = *p;
	return 0;
}

/* Number columns of latency.csv that the report reads; the runner leaves a cell empty when it has no value. */
static const char *const lat_real_cols[] = {
	"p10_ns", "p50_ns", "p90_ns", "p99_ns", "median_ci_lo_ns", "median_ci_hi_ns",
	"batch_p10_ns", "batch_p50_ns", "batch_p90_ns",
	"sample_ci_lo_ns", "sample_ci_hi_ns", "subseries_sd_ns", "mode1_ns", "mode1_share",
	"mode2_ns", "mode2_share", "mode_split_ns", "repeat_cv_pct", "repeat_range_pct",
	"batch_diff_pct", "timer_overhead_ns", "timer_resolution_ns", "harness_ns",
	"batch_harness_ns", "setup_ns",
};
static const char *const lat_count_cols[] = {
	"samples", "failures", "batch_ops", "batch_samples", "requested_samples", "subseries",
	"subseries_disagree", "modes", "mode2_samples", "repeats",
};

static int blank(const char *s)
{
	return !s || !s[strspn(s, " \t")];
}

/*
 * A cell that is neither empty nor a number is damage: read as "no value",
 * it would turn a measured point into a missing one without a word.
 * 0, or -1 with "FILE:LINE: ..." in err.
 */
static int check_lat_numbers(const struct csv_table *t, size_t r, const char *path, size_t line,
			     char *err, size_t errlen)
{
	uint64_t u;

	for (size_t i = 0; i < sizeof(lat_real_cols) / sizeof(lat_real_cols[0]); i++) {
		const char *v = csv_get(t, r, lat_real_cols[i]);

		if (!blank(v) && !isfinite(parse_double_c(v))) {
			snprintf(err, errlen, "%s:%zu: bad number '%s' for %s", path, line, v, lat_real_cols[i]);
			return -1;
		}
	}
	for (size_t i = 0; i < sizeof(lat_count_cols) / sizeof(lat_count_cols[0]); i++) {
		const char *v = csv_get(t, r, lat_count_cols[i]);

		if (!blank(v) && field_u64(v, &u) < 0) {
			snprintf(err, errlen, "%s:%zu: bad count '%s' for %s", path, line, v, lat_count_cols[i]);
			return -1;
		}
	}
	return 0;
}

static int out_of_memory(const struct run_data *rd, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: out of memory", rd->dir);
	return -1;
}

/* The allocators of the ABI, in its order: tables and charts list them first. */
static int add_abi_allocators(struct run_data *rd)
{
	for (unsigned i = 0; allocator_name(i); i++)
		if (alloc_index(rd, allocator_name(i)) < 0)
			return -1;
	return 0;
}

/* DIR/meta.csv, which every run has: key,value. 0, or -1 with err. */
static int load_meta(const char *dir, struct run_data *rd, char *err, size_t errlen)
{
	if (load_csv(dir, "meta.csv", &rd->meta, err, errlen) < 0)
		return -1;
	if (csv_column(&rd->meta, "key") < 0 || csv_column(&rd->meta, "value") < 0) {
		snprintf(err, errlen, "%s/meta.csv:1: expected the columns key,value", dir);
		return -1;
	}
	return 0;
}

/* DIR/latency.csv (path) with the columns every row needs. 0, or -1 with err. */
static int load_latency_table(const char *dir, struct run_data *rd, const char *path,
			      char *err, size_t errlen)
{
	static const char *const required[] = { "allocator", "op", "size_bytes", "status" };

	if (load_csv(dir, "latency.csv", &rd->lat, err, errlen) < 0)
		return -1;
	rd->have_lat = 1;
	for (size_t i = 0; i < ARRAY_SIZE(required); i++) {
		if (csv_column(&rd->lat, required[i]) < 0) {
			snprintf(err, errlen, "%s:1: missing column '%s'", path, required[i]);
			return -1;
		}
	}
	return 0;
}

/* The row's gfp profile; empty or absent: kernel. */
static const char *row_gfp(const struct csv_table *t, size_t r)
{
	const char *gfp = csv_get(t, r, "gfp");

	return gfp && *gfp ? gfp : "kernel";
}

/* The figures of row r (checked by check_lat_numbers) into p. */
static void lat_row_figures(const struct csv_table *t, size_t r, struct lat_point *p)
{
	uint64_t nmodes;

	p->p10 = parse_double_c(csv_get(t, r, "p10_ns"));
	p->p50 = parse_double_c(csv_get(t, r, "p50_ns"));
	p->p90 = parse_double_c(csv_get(t, r, "p90_ns"));
	p->p99 = parse_double_c(csv_get(t, r, "p99_ns"));
	p->ci_lo = parse_double_c(csv_get(t, r, "median_ci_lo_ns"));
	p->ci_hi = parse_double_c(csv_get(t, r, "median_ci_hi_ns"));
	p->modes = field_u64(csv_get(t, r, "modes"), &nmodes) == 0 && nmodes == 2 ? 2 : 1;
	p->mode_lo = parse_double_c(csv_get(t, r, "mode1_ns"));
	p->mode_hi = parse_double_c(csv_get(t, r, "mode2_ns"));
	if (field_u64(csv_get(t, r, "samples"), &p->samples) < 0)
		p->samples = 0;
	if (field_u64(csv_get(t, r, "failures"), &p->failures) < 0)
		p->failures = 0;
	/* a measured status without a median is not a measurement */
	if ((p->status == LAT_OK || p->status == LAT_PARTIAL) && !isfinite(p->p50))
		p->status = p->samples || p->failures ? LAT_FAILED : LAT_SKIPPED;
}

/*
 * Row r of latency.csv as the point it measured, and its batch column.
 * 0, or -1 with "FILE:LINE: ..." in err.
 */
static int lat_row_point(struct run_data *rd, size_t r, const char *path, struct lat_point *p,
			 uint64_t *batch, char *err, size_t errlen)
{
	const char *an = csv_get(&rd->lat, r, "allocator");
	const char *op = csv_get(&rd->lat, r, "op");
	const char *bs = csv_get(&rd->lat, r, "batch");
	const char *st = csv_get(&rd->lat, r, "status");
	size_t line = r + 2;	/* physical line when no field spans lines */

	*p = (struct lat_point){ 0 };
	*batch = 1;
	if (!*an || !*op) {
		snprintf(err, errlen, "%s:%zu: empty allocator or op", path, line);
		return -1;
	}
	if (field_u64(csv_get(&rd->lat, r, "size_bytes"), &p->size) < 0 || p->size == 0) {
		snprintf(err, errlen, "%s:%zu: bad size_bytes '%s'", path, line,
			 csv_get(&rd->lat, r, "size_bytes"));
		return -1;
	}
	if (lat_status_parse(st, &p->status) < 0) {
		snprintf(err, errlen, "%s:%zu: unknown status '%s' (ok, partial, failed, unsupported, skipped)",
			 path, line, st);
		return -1;
	}
	if (bs && *bs && field_u64(bs, batch) < 0) {
		snprintf(err, errlen, "%s:%zu: bad batch '%s'", path, line, bs);
		return -1;
	}
	if (check_lat_numbers(&rd->lat, r, path, line, err, errlen) < 0)
		return -1;
	p->alloc = alloc_index(rd, an);
	p->series = series_index(rd, op, row_gfp(&rd->lat, r), field_yes(csv_get(&rd->lat, r, "touch")),
				 *batch > 1);
	if (p->alloc < 0 || p->series < 0) {
		snprintf(err, errlen, "%s:%zu: too many distinct allocators or series", path, line);
		return -1;
	}
	lat_row_figures(&rd->lat, r, p);
	return 0;
}

/*
 * The batch-timed figures of per-op point p (row r), when the runner took
 * them, as a point of the batch-timed series. 0, or -1 with err.
 */
static int add_batch_point(struct run_data *rd, size_t r, const struct lat_point *p, uint64_t batch,
			   const char *path, char *err, size_t errlen)
{
	const struct csv_table *t = &rd->lat;
	struct lat_point b = *p;
	uint64_t bops = 0;

	b.p50 = parse_double_c(csv_get(t, r, "batch_p50_ns"));
	if (field_u64(csv_get(t, r, "batch_ops"), &bops) != 0 || bops <= 1 || !isfinite(b.p50) || batch > 1)
		return 0;
	b.p10 = parse_double_c(csv_get(t, r, "batch_p10_ns"));
	b.p90 = parse_double_c(csv_get(t, r, "batch_p90_ns"));
	b.p99 = b.ci_lo = b.ci_hi = NAN;
	b.modes = 1;
	if (field_u64(csv_get(t, r, "batch_samples"), &b.samples) < 0)
		b.samples = 0;
	b.status = LAT_OK;
	b.series = series_index(rd, csv_get(t, r, "op"), row_gfp(t, r), field_yes(csv_get(t, r, "touch")), 1);
	if (b.series < 0) {
		snprintf(err, errlen, "%s:%zu: too many series", path, r + 2);
		return -1;
	}
	if (add_point(rd, &b) < 0)
		return out_of_memory(rd, err, errlen);
	return 0;
}

/* Every row of latency.csv (path) as points. 0, or -1 with err. */
static int load_latency_rows(struct run_data *rd, const char *path, char *err, size_t errlen)
{
	for (size_t r = 0; r < rd->lat.nrows; r++) {
		struct lat_point p;
		uint64_t batch;

		if (lat_row_point(rd, r, path, &p, &batch, err, errlen) < 0)
			return -1;
		if (add_point(rd, &p) < 0)
			return out_of_memory(rd, err, errlen);
		if (add_batch_point(rd, r, &p, batch, path, err, errlen) < 0)
			return -1;
	}
	return 0;
}

int run_load(const char *dir, struct run_data *rd, char *err, size_t errlen)
{
	char path[4200];

	memset(rd, 0, sizeof(*rd));
	snprintf(rd->dir, sizeof(rd->dir), "%s", dir);
	if (add_abi_allocators(rd) < 0) {
		out_of_memory(rd, err, errlen);
		goto fail;
	}
	if (load_meta(dir, rd, err, errlen) < 0)
		goto fail;
	/* a run of other kinds alone ([access], [probe], [scale], deep dives ...) has no latency.csv */
	if (!rundir_exists(dir, "latency.csv") && report_parts_any_present(dir))
		return 0;
	snprintf(path, sizeof(path), "%s/latency.csv", dir);
	if (load_latency_table(dir, rd, path, err, errlen) < 0)
		goto fail;
	if (load_latency_rows(rd, path, err, errlen) < 0)
		goto fail;
	sort_series(rd);
	return 0;
fail:
	run_free(rd);
	return -1;
}

void run_free(struct run_data *rd)
{
	size_t i;

	csv_free(&rd->meta);
	csv_free(&rd->lat);
	for (i = 0; i < rd->nalloc; i++)
		free(rd->alloc_names[i]);
	free(rd->pts);
	rd->pts = NULL;
	rd->nalloc = rd->npts = rd->cap = rd->nseries = 0;
}

int run_find_series(const struct run_data *rd, const char *op, const char *gfp, int touch)
{
	size_t i;

	for (i = 0; i < rd->nseries; i++) {
		const struct lat_series *s = &rd->series[i];

		if (!strcmp(s->op, op) && !strcmp(s->gfp, gfp) && s->touch == touch && !s->batched)
			return (int)i;
	}
	return -1;
}

const struct lat_point *run_point(const struct run_data *rd, int series, int alloc, uint64_t size)
{
	size_t i;

	for (i = 0; i < rd->npts; i++) {
		const struct lat_point *p = &rd->pts[i];

		if (p->series == series && p->alloc == alloc && p->size == size)
			return p;
	}
	return NULL;
}

size_t run_series_sizes(const struct run_data *rd, int series, uint64_t **out)
{
	uint64_t *v = malloc((rd->npts ? rd->npts : 1) * sizeof(*v));
	size_t i, n = 0, m = 0;

	*out = v;
	if (!v)
		return 0;
	for (i = 0; i < rd->npts; i++)
		if (rd->pts[i].series == series)
			v[n++] = rd->pts[i].size;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (i = 0; i < n; i++)
		if (m == 0 || v[m - 1] != v[i])
			v[m++] = v[i];
	return m;
}

int run_series_has_alloc(const struct run_data *rd, int series, int alloc)
{
	size_t i;

	for (i = 0; i < rd->npts; i++)
		if (rd->pts[i].series == series && rd->pts[i].alloc == alloc)
			return 1;
	return 0;
}

/* ---- report.md ---- */

static void md_bytes_fact(FILE *f, const struct run_data *rd, const char *label, const char *key,
			  const char *what)
{
	uint64_t v;
	char h[32];

	if (rmeta_u64(rd, key, &v) < 0) {
		fprintf(f, "| %s | unknown (no `%s` in meta.csv) | %s |\n", label, key, what);
		return;
	}
	fmt_bytes(h, sizeof(h), v);
	fprintf(f, "| %s | %s (%llu bytes) | %s |\n", label, h, (unsigned long long)v, what);
}

static void md_facts(FILE *f, const struct run_data *rd)
{
	uint64_t ps, mo, co;
	char h[32];

	fprintf(f, "## Kernel facts\n\n| fact | value | why it matters |\n|---|---|---|\n");
	md_bytes_fact(f, rd, "PAGE_SIZE", "page_size", "unit of the page allocator");
	md_bytes_fact(f, rd, "KMALLOC_MAX_CACHE_SIZE", "kmalloc_max_cache_size",
		      "largest kmalloc served from a slab cache; above it kmalloc goes to the page allocator");
	md_bytes_fact(f, rd, "KMALLOC_MAX_SIZE", "kmalloc_max_size", "largest kmalloc at all; larger requests fail");
	if (rmeta_u64(rd, "max_order", &mo) == 0 && rmeta_u64(rd, "page_size", &ps) == 0 && mo < 40) {
		fmt_bytes(h, sizeof(h), ps << mo);
		fprintf(f, "| largest buddy order | %llu (%s) | largest physically contiguous block alloc_pages serves |\n",
			(unsigned long long)mo, h);
	} else {
		fprintf(f, "| largest buddy order | %s | largest physically contiguous block alloc_pages serves |\n",
			rmeta_any(rd, "unknown", "max_order", NULL));
	}
	if (rmeta_u64(rd, "page_alloc_costly_order", &co) == 0 && rmeta_u64(rd, "page_size", &ps) == 0 && co < 40) {
		fmt_bytes(h, sizeof(h), ps << co);
		fprintf(f, "| PAGE_ALLOC_COSTLY_ORDER | %llu (%s) | above it the page allocator gives up sooner, compaction and reclaim behave differently |\n",
			(unsigned long long)co, h);
	}
	if (rmeta_get(rd, "pmd_size"))
		md_bytes_fact(f, rd, "PMD_SIZE", "pmd_size", "vmalloc_huge maps with huge pages from this size");
	fprintf(f, "\n");
}

/* First failing size per allocator in each primary per-op series. */
static void md_failures(FILE *f, const struct run_data *rd)
{
	size_t s, a, i;
	int any = 0;

	fprintf(f, "## Where allocators fail\n\nFrom the data: the largest size that worked, the first size "
		   "that failed, and sizes the allocator does not support on this kernel.\n\n");
	for (s = 0; s < rd->nseries; s++) {
		const struct lat_series *se = &rd->series[s];
		uint64_t *sizes;
		size_t ns;

		if (se->batched || se->touch)
			continue;
		ns = run_series_sizes(rd, (int)s, &sizes);
		fprintf(f, "### op `%s` (%s)\n\n| allocator | largest success | first failure | failed sizes | not supported |\n|---|---:|---:|---:|---|\n",
			se->op, gfp_title(se->gfp));
		for (a = 0; a < rd->nalloc; a++) {
			uint64_t ok = 0, first = 0;
			size_t nfail = 0, nuns = 0;
			int after = 0;
			char b1[32] = "-", b2[32] = "-", b3[64] = "";

			if (!run_series_has_alloc(rd, (int)s, (int)a))
				continue;
			for (i = 0; i < ns; i++) {
				const struct lat_point *p = run_point(rd, (int)s, (int)a, sizes[i]);

				if (!p)
					continue;
				if (p->status == LAT_OK || p->status == LAT_PARTIAL) {
					ok = sizes[i];
					if (first)
						after = 1;
				} else if (p->status == LAT_FAILED) {
					if (!first)
						first = sizes[i];
					nfail++;
				} else {
					nuns++;
				}
			}
			if (ok)
				fmt_bytes(b1, sizeof(b1), ok);
			if (first) {
				fmt_bytes(b2, sizeof(b2), first);
				any = 1;
			}
			if (nuns)
				snprintf(b3, sizeof(b3), "%zu size%s", nuns, nuns > 1 ? "s" : "");
			fprintf(f, "| %s | %s | %s%s | %zu | %s |\n", rd->alloc_names[a], b1, b2,
				after ? " (succeeds again above)" : "", nfail, b3);
		}
		fprintf(f, "\n");
		free(sizes);
	}
	if (!any)
		fprintf(f, "No allocation failed in this run.\n\n");
}

/* The timer, its overhead and the call overhead, and whether they were subtracted. */
static void md_how_timer(FILE *f, const struct run_data *rd, int harness)
{
	const char *timer = rmeta_any(rd, NULL, "timer_kind", NULL);
	const char *hz = rmeta_get(rd, "timer_hz");
	const char *ovt = rmeta_get(rd, "timer_overhead_ticks");
	const char *ovn = rmeta_get(rd, "timer_overhead_ns");
	const char *sub = rmeta_any(rd, NULL, "timer_overhead_subtracted", "overhead_subtracted", NULL);
	const char *call = rmeta_get(rd, "call_overhead_mticks");

	if (!timer) {
		fprintf(f, "The timer is not recorded in meta.csv. ");
		return;
	}
	fprintf(f, "Times were read with the %s timer", timer);
	if (hz)
		fprintf(f, " (%s Hz", hz);
	if (hz && isfinite(run_timer_ratio(rd)))
		fprintf(f, ", %.2f %% from the host's TSC rate, %s Hz",
			fabs(run_timer_ratio(rd) - 1) < 5e-5 ? 0.0 : (run_timer_ratio(rd) - 1) * 100,
			rmeta_get(rd, "host_tsc_hz"));
	if (hz)
		fprintf(f, ")");
	if ((ovt || ovn) && !harness) {
		fprintf(f, "; its own overhead, ");
		if (ovt)
			fprintf(f, "%s ticks", ovt);
		if (ovt && ovn)
			fprintf(f, " = ");
		if (ovn)
			fprintf(f, "%s ns", ovn);
		fprintf(f, " per reading, %s", sub && !field_yes(sub) ? "was NOT subtracted" :
			   "was subtracted from every sample");
	}
	if (call && !harness)
		fprintf(f, "; the module reaches each allocator through a function pointer, and "
			   "that call's own cost (%.3f ticks, measured at load with an empty "
			   "allocator) was subtracted per call", atof(call) / 1000.0);
	fprintf(f, ". ");
}

/* Warm-up, the time budget and the repeats: how many samples a point was given. */
static void md_how_plan(FILE *f, const struct run_data *rd, int harness)
{
	const char *it = rmeta_get(rd, "iterations"), *mins = rmeta_get(rd, "min_samples");
	const char *bud = rmeta_get(rd, "time_budget_ms"), *wu = rmeta_get(rd, "warmup");
	const char *rep = rmeta_get(rd, "repeat");

	if (wu && harness)
		fprintf(f, "A point's first sub-series started after up to %s untimed warm-up operations, "
			   "later ones after up to 16 (fewer where they would take more than a sub-series' "
			   "share of the time budget, a tenth of it for later ones). ", wu);
	else if (wu)
		fprintf(f, "Every series started after %s untimed warm-up operations. ", wu);
	if (bud || it || mins) {
		fprintf(f, "The number of samples per point follows a time budget");
		if (bud)
			fprintf(f, " of %s ms", bud);
		if (mins || it)
			fprintf(f, ", clamped to [%s, %s] samples", mins ? mins : "?", it ? it : "?");
		fprintf(f, ". ");
	}
	if (rep && strcmp(rep, "1"))
		fprintf(f, "The whole plan ran %s times in different shuffled orders and each row pools "
			   "the samples of every repeat. ", rep);
}

/* The range and median of the samples the measured points hold. */
static void md_how_samples(FILE *f, const struct run_data *rd)
{
	uint64_t smin = UINT64_MAX, smax = 0, *sv;
	size_t i, n = 0;

	sv = malloc((rd->npts ? rd->npts : 1) * sizeof(*sv));
	for (i = 0; sv && i < rd->npts; i++) {
		const struct lat_point *p = &rd->pts[i];

		if ((p->status == LAT_OK || p->status == LAT_PARTIAL) && p->samples) {
			sv[n++] = p->samples;
			if (p->samples < smin)
				smin = p->samples;
			if (p->samples > smax)
				smax = p->samples;
		}
	}
	if (n) {
		qsort(sv, n, sizeof(*sv), cmp_u64);
		fprintf(f, "In this run a point holds %llu to %llu samples (median %llu). ",
			(unsigned long long)smin, (unsigned long long)smax, (unsigned long long)sv[n / 2]);
	}
	free(sv);
}

/* Kernel settings that change the figures: init_on_alloc/free, the command line. */
static void md_how_kernel(FILE *f, const struct run_data *rd)
{
	const char *ioa = rmeta_get(rd, "init_on_alloc"), *iof = rmeta_get(rd, "init_on_free");
	const char *cmd = rmeta_get(rd, "cmdline");

	if (ioa) {
		int on = field_yes(ioa);

		fprintf(f, "init_on_alloc=%s%s", on ? "1" : "0",
			on ? " (every slab and page allocation is zeroed, which dominates the large sizes)" : "");
		if (iof)
			fprintf(f, ", init_on_free=%s", field_yes(iof) ? "1" : "0");
		fprintf(f, ". ");
	}
	if (cmd)
		fprintf(f, "Kernel command line: `%s`. ", cmd);
}

static void md_how(FILE *f, const struct run_data *rd)
{
	const char *cpu = rmeta_any(rd, NULL, "cpu_pinned", "pinned_cpu", NULL);
	/* Runs with a harness column subtracted a measured harness, not these load-time minima. */
	int harness = csv_column(&rd->lat, "harness_ns") >= 0;

	fprintf(f, "## How this was measured\n\n");
	fprintf(f, "Each point is the distribution of single-operation latencies of one allocator at "
		   "one size, measured by allocbench.ko in the kernel");
	if (cpu)
		fprintf(f, " on CPU %s (the runner pins itself there)", cpu);
	fprintf(f, ". ");
	md_how_timer(f, rd, harness);
	md_how_plan(f, rd, harness);
	md_how_samples(f, rd);
	md_how_kernel(f, rd);
	fprintf(f, "\n\n");
	harness = quality_how_md(f, rd);
	fprintf(f, "The tables give the median; charts add the p10–p90 band. Statistics are exact order "
		   "statistics of the raw samples (no averaging of loops); the 95 %% confidence interval of each "
		   "median%s is in `latency.csv` (`median_ci_lo_ns`, `median_ci_hi_ns`). ",
		harness ? ", built as said above," : ", distribution-free,");
	fprintf(f, "`~` marks a partial point (some operations failed; the figure covers the ones that "
		   "succeeded), **FAIL** a size where every allocation failed, n/a a size the allocator does "
		   "not support or that was skipped.\n\n");
}

int report_write_md(const struct run_data *rd, const char *charts_note, int charts_ok)
{
	char path[4200], tmp[4300], warn[256];
	const char *name = rmeta_any(rd, NULL, "run_name", "name", NULL);
	const char *accel = rmeta_get(rd, "accelerator");
	FILE *f;
	int fd;

	snprintf(path, sizeof(path), "%s/report.md", rd->dir);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	if (!name) {
		const char *sl = strrchr(rd->dir, '/');

		name = sl && sl[1] ? sl + 1 : rd->dir;
	}
	fprintf(f, "# allocbench: %s\n\n", name);
	fprintf(f, "**Kernel** %s · **CPU** %s · **Target** %s%s%s%s · **git** %s\n\n",
		rmeta_any(rd, "unknown", "kernel_release", "kernel", NULL), rmeta_any(rd, "unknown", "cpu_model", NULL),
		rmeta_any(rd, "unknown", "target", NULL), accel ? " (" : "", accel ? accel : "", accel ? ")" : "",
		rmeta_any(rd, "unknown", "git_revision", NULL));
	if (run_emulated(rd))
		fprintf(f, "> **Emulated (TCG): absolute times are not hardware times; compare allocators "
			   "within this run only.**\n\n");
	run_timer_warning(warn, sizeof(warn), rd);
	if (*warn)
		fprintf(f, "> **Timer off: %s.**\n\n", warn);
	md_how(f, rd);

	for (const struct report_part *const *part = report_parts; *part; part++)
		if ((*part)->write_md)
			(*part)->write_md(f, rd, charts_ok, charts_note);
	md_facts(f, rd);
	md_failures(f, rd);
	fprintf(f, "---\nRebuilt from the run's CSV files by `allocbench report`; module %s, runner %s.\n",
		rmeta_any(rd, "unknown", "module_version", NULL), rmeta_any(rd, "unknown", "runner_version", NULL));

	if (fflush(f) == EOF || ferror(f)) {
		fclose(f);
		unlink(tmp);
		return -1;
	}
	fd = fileno(f);
	fsync(fd);
	if (fclose(f) == EOF || rename(tmp, path) < 0) {
		unlink(tmp);
		return -1;
	}
	return 0;
}
