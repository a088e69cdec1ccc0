// SPDX-License-Identifier: GPL-2.0
/*
 * The two sides of a comparison, read from their run folders: every point
 * of latency.csv, access.csv and mapping.csv (by column name, extra columns
 * ignored), then the raw samples of those points from samples.csv.gz (the
 * harness row of each sub-series is subtracted from its samples, as the
 * run did). Refusals: a folder that is not a run, CSV files of different
 * schema versions, sides without a point in common.
 */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "compare.h"
#include "rundir.h"
#include "util.h"

static const char *const kind_names[CMP_NKINDS] = { "latency", "access", "mapping" };
static const char *const kind_files[CMP_NKINDS] = { "latency.csv", "access.csv", "mapping.csv" };

const char *cmp_kind_name(enum cmp_kind k)
{
	return k < CMP_NKINDS ? kind_names[k] : "unknown";
}

struct cmp_runpt *cmp_rp(const struct cmp_ctx *c, const struct cmp_point *p, int s, size_t r)
{
	return &p->run[s ? c->side[0].n + r : r];
}

const char *cmp_meta(const struct cmp_run *r, const char *key)
{
	return csv_kv(&r->meta, key);
}

void cmp_series_name(const struct cmp_key *k, char *buf, size_t len)
{
	if (k->kind == CMP_LATENCY)
		snprintf(buf, len, "latency %s %s", k->op, k->gfp);
	else if (k->kind == CMP_ACCESS)
		snprintf(buf, len, "access %s %s", k->op, k->gfp);
	else
		snprintf(buf, len, "mapping %s", k->op);
}

void cmp_series_slug(const struct cmp_key *k, char *buf, size_t len)
{
	char op[32];

	snprintf(op, sizeof(op), "%s", k->op);
	for (char *q = op; *q; q++)
		if (*q == '_')
			*q = '-';
	if (k->kind == CMP_LATENCY)
		snprintf(buf, len, "%s%s%s", op, strcmp(k->gfp, "kernel") ? "-" : "",
			 strcmp(k->gfp, "kernel") ? k->gfp : "");
	else if (k->kind == CMP_ACCESS)
		snprintf(buf, len, "access-%s%s", op, strcmp(k->gfp, "native") ? "-direct" : "");
	else
		snprintf(buf, len, "mapping-%s", op);
}

/* ---- the point index ---- */

static uint64_t key_hash(const struct cmp_key *k)
{
	char s[160];
	uint64_t h = 1469598103934665603ULL;
	int n = snprintf(s, sizeof(s), "%d|%s|%s|%s|%" PRIu64, (int)k->kind, k->alloc, k->op, k->gfp, k->size);

	for (int i = 0; i < n && i < (int)sizeof(s); i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static int key_eq(const struct cmp_key *a, const struct cmp_key *b)
{
	return a->kind == b->kind && a->size == b->size && !strcmp(a->alloc, b->alloc) &&
	       !strcmp(a->op, b->op) && !strcmp(a->gfp, b->gfp);
}

/* Slot of key in the hash: its entry, or the empty one where it would go. */
static size_t hash_slot(const struct cmp_ctx *c, const struct cmp_key *k)
{
	size_t i = (size_t)(key_hash(k) & (c->hcap - 1));

	while (c->hash[i] && !key_eq(&c->pts[c->hash[i] - 1].key, k))
		i = (i + 1) & (c->hcap - 1);
	return i;
}

static int hash_grow(struct cmp_ctx *c)
{
	size_t ncap = c->hcap ? 2 * c->hcap : 1024;
	size_t *nh = calloc(ncap, sizeof(*nh));

	if (!nh)
		return -1;
	free(c->hash);
	c->hash = nh;
	c->hcap = ncap;
	for (size_t p = 0; p < c->npts; p++)
		c->hash[hash_slot(c, &c->pts[p].key)] = p + 1;
	return 0;
}

static struct cmp_point *find_point(const struct cmp_ctx *c, const struct cmp_key *k)
{
	size_t i;

	if (!c->hcap)
		return NULL;
	i = hash_slot(c, k);
	return c->hash[i] ? &c->pts[c->hash[i] - 1] : NULL;
}

/* The point of key k, made when new. NULL when out of memory. */
static struct cmp_point *get_point(struct cmp_ctx *c, const struct cmp_key *k)
{
	struct cmp_point *p = find_point(c, k);
	size_t nr = c->side[0].n + c->side[1].n;

	if (p)
		return p;
	if ((c->npts + 1) * 2 > c->hcap && hash_grow(c))
		return NULL;
	if (c->npts == c->cap) {
		size_t ncap = c->cap ? 2 * c->cap : 256;
		struct cmp_point *np = realloc(c->pts, ncap * sizeof(*np));

		if (!np)
			return NULL;
		c->pts = np;
		c->cap = ncap;
	}
	p = &c->pts[c->npts];
	memset(p, 0, sizeof(*p));
	p->key = *k;
	p->run = calloc(nr, sizeof(*p->run));
	if (!p->run)
		return NULL;
	for (size_t r = 0; r < nr; r++)
		p->run[r].p50 = p->run[r].resolution_ns = NAN;
	c->hash[hash_slot(c, k)] = ++c->npts;
	return p;
}

/* ---- CSV rows ---- */

/* The key and median of row i of a kind's CSV. 0, or -1 when the row is not a point. */
static int row_key(enum cmp_kind kind, const struct csv_table *t, size_t i, struct cmp_key *k, double *p50)
{
	const char *layout = csv_cell(t, i, "layout");

	memset(k, 0, sizeof(*k));
	k->kind = kind;
	if (kind == CMP_LATENCY) {
		const char *touch = csv_cell(t, i, "touch"), *gfp = csv_cell(t, i, "gfp");

		if (csv_cell_u64(t, i, "batch") > 1)
			return -1;	/* a batch-timed row of an old layout */
		snprintf(k->alloc, sizeof(k->alloc), "%s", csv_cell(t, i, "allocator"));
		snprintf(k->op, sizeof(k->op), "%s", csv_cell(t, i, "op"));
		snprintf(k->gfp, sizeof(k->gfp), "%s%s", *gfp ? gfp : "kernel",
			 parse_bool(touch) == 1 ? "-touch" : "");
		k->size = csv_cell_u64(t, i, "size_bytes");
		*p50 = parse_double_c(csv_cell(t, i, "p50_ns"));
	} else {
		snprintf(k->alloc, sizeof(k->alloc), "%s",
			 csv_cell(t, i, kind == CMP_ACCESS ? "allocator" : "mapping"));
		snprintf(k->op, sizeof(k->op), "%s", layout);
		snprintf(k->gfp, sizeof(k->gfp), "%s", kind == CMP_ACCESS ? csv_cell(t, i, "view") : "");
		k->size = csv_cell_u64(t, i, "working_set_bytes");
		if (!strcmp(layout, "seq"))	/* ns per 8-byte load, like the other layouts' ns per step */
			*p50 = 8.0 / parse_double_c(csv_cell(t, i, "bytes_per_ns_p50"));
		else
			*p50 = parse_double_c(csv_cell(t, i, !strcmp(layout, "first_touch") ? "ns_per_page_p50"
										: "ns_per_access_p50"));
	}
	return k->alloc[0] && k->op[0] && k->size ? 0 : -1;
}

static int load_rows(struct cmp_ctx *c, int s, size_t r, enum cmp_kind kind, const struct csv_table *t)
{
	for (size_t i = 0; i < t->nrows; i++) {
		struct cmp_key k;
		struct cmp_point *p;
		struct cmp_runpt *rp;
		double p50;

		if (row_key(kind, t, i, &k, &p50))
			continue;
		p = get_point(c, &k);
		if (!p)
			return -1;
		rp = cmp_rp(c, p, s, r);
		if (lat_status_parse(csv_cell(t, i, "status"), &rp->status))
			rp->status = LAT_FAILED;	/* a status no runner writes */
		rp->p50 = p50;
		rp->resolution_ns = parse_double_c(csv_cell(t, i, "timer_resolution_ns"));
		rp->csv_samples = csv_cell_u64(t, i, kind == CMP_LATENCY ? "samples" : "passes");
	}
	return 0;
}

/* ---- samples.csv.gz ---- */

enum { F_ALLOC, F_OP, F_GFP, F_SIZE, F_TIMING, F_BATCH, F_REPEAT, F_SUB, F_SEQ, F_TICKS, NF };

static const char *const sample_cols[NF] = {
	"allocator", "op", "gfp", "size_bytes", "timing", "batch_ops", "repeat", "subseries", "seq", "ticks",
};

/* Splits line at commas (no quoting in this file) into at most max fields. */
static size_t split(char *line, char **f, size_t max)
{
	size_t n = 0;

	line[strcspn(line, "\r\n")] = '\0';
	f[n++] = line;
	for (char *q = line; *q && n < max; q++)
		if (*q == ',') {
			*q = '\0';
			f[n++] = q + 1;
		}
	return n;
}

/* Column positions of the header; F_SUB may be missing (-1). 0, or -1 when a required one is. */
static int sample_header(char *line, int *pos)
{
	char *f[64];
	size_t n = split(line, f, ARRAY_SIZE(f));

	for (int k = 0; k < NF; k++) {
		pos[k] = -1;
		for (size_t i = 0; i < n; i++)
			if (!strcmp(f[i], sample_cols[k]))
				pos[k] = (int)i;
		if (pos[k] < 0 && k != F_SUB)
			return -1;
	}
	return 0;
}

/* The mapping a (allocator, view) pair of [mapping] is: as exp_access.c names them. */
static const char *mapping_of(const char *alloc, const char *view)
{
	if (!strcmp(alloc, "vmap"))
		return strcmp(view, "direct") ? "vmap" : "direct";
	return alloc;
}

static int push_sample(struct cmp_runpt *rp, double ns, uint32_t g)
{
	if (rp->v.n == rp->gcap) {
		size_t nc = rp->gcap ? 2 * rp->gcap : 64;
		uint32_t *ng = realloc(rp->grp, nc * sizeof(*ng));

		if (!ng)
			return -1;
		rp->grp = ng;
		rp->gcap = nc;
	}
	if (samples_push(&rp->v, ns))
		return -1;
	rp->grp[rp->v.n - 1] = g;
	return 0;
}

/* One data row of samples.csv.gz. 0, or -1 when out of memory. */
static int sample_row(struct cmp_ctx *c, int s, size_t r, char **f, const int *pos)
{
	const struct cmp_run *run = &c->side[s].run[r];
	const char *timing = f[pos[F_TIMING]], *op = f[pos[F_OP]];
	uint64_t ticks = strtoull(f[pos[F_TICKS]], NULL, 10), steps = strtoull(f[pos[F_BATCH]], NULL, 10);
	uint32_t rep = (uint32_t)strtoul(f[pos[F_REPEAT]], NULL, 10);
	struct cmp_key k = { .size = strtoull(f[pos[F_SIZE]], NULL, 10) };
	struct cmp_point *p;
	struct cmp_runpt *rp;
	int pass = !strcmp(timing, "pass"), acc = pass && !strncmp(op, "access_", 7);

	if (!pass && strcmp(timing, "per_op") && strcmp(timing, "harness"))
		return 0;
	if (pass && !acc && strncmp(op, "mapping_", 8))
		return 0;
	k.kind = pass ? (acc ? CMP_ACCESS : CMP_MAPPING) : CMP_LATENCY;
	snprintf(k.alloc, sizeof(k.alloc), "%s", k.kind == CMP_MAPPING ? mapping_of(f[pos[F_ALLOC]], f[pos[F_GFP]])
								     : f[pos[F_ALLOC]]);
	snprintf(k.op, sizeof(k.op), "%s", pass ? op + (acc ? 7 : 8) : op);
	snprintf(k.gfp, sizeof(k.gfp), "%s", k.kind == CMP_MAPPING ? "" : f[pos[F_GFP]]);
	if (!(p = find_point(c, &k)))
		return 0;
	rp = cmp_rp(c, p, s, r);
	if (!strcmp(timing, "harness")) {
		rp->harness = (double)ticks;
		return 0;
	}
	if (pass)	/* one group per pass: each times the whole chain once */
		return push_sample(rp, (double)ticks * 1e9 / run->timer_hz / (double)(steps ? steps : 1),
				   rep << 16 | (uint32_t)strtoul(f[pos[F_SEQ]], NULL, 10));
	return push_sample(rp, fmax((double)ticks - rp->harness, 0) * 1e9 / run->timer_hz,
			   rep << 16 | (pos[F_SUB] >= 0 ? (uint32_t)strtoul(f[pos[F_SUB]], NULL, 10) : 0));
}

/* Reads DIR/samples.csv.gz when there is one. 0 (also: none, unreadable: said), -1 out of memory. */
static int load_samples(struct cmp_ctx *c, int s, size_t r)
{
	const struct cmp_run *run = &c->side[s].run[r];
	char path[4200], line[1024], *f[64];
	int pos[NF], rc = 0, zerr = Z_OK;
	gzFile gz;

	snprintf(path, sizeof(path), "%s/samples.csv.gz", run->dir);
	if (!rundir_exists(run->dir, "samples.csv.gz") || !(run->timer_hz > 0))
		return 0;
	gz = gzopen(path, "rb");
	if (!gz || !gzgets(gz, line, sizeof(line)) || sample_header(line, pos)) {
		fprintf(stderr, "allocbench compare: %s: unreadable or without its columns: its points are "
			"compared by their medians only\n", path);
		if (gz)
			gzclose(gz);
		return 0;
	}
	while (!rc && gzgets(gz, line, sizeof(line)))
		if (split(line, f, ARRAY_SIZE(f)) >= NF - (pos[F_SUB] < 0))
			rc = sample_row(c, s, r, f, pos);
	if (!rc && (gzerror(gz, &zerr), zerr != Z_OK && zerr != Z_STREAM_END))
		fprintf(stderr, "allocbench compare: %s ends early (damaged or truncated): the samples before the "
			"damage are used\n", path);
	gzclose(gz);
	return rc;
}

/* ---- run folders ---- */

static int is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The name of a run folder inside dir (a matrix's folder holds several), "" when none. */
static void inner_run(const char *dir, char *name, size_t len)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char sub[4400];

	name[0] = '\0';
	while (d && (e = readdir(d))) {
		snprintf(sub, sizeof(sub), "%s/%s", dir, e->d_name);
		if (e->d_name[0] != '.' && is_dir(sub) && rundir_exists(sub, "meta.csv")) {
			snprintf(name, len, "%s", e->d_name);
			break;
		}
	}
	if (d)
		closedir(d);
}

/* Whether a run folder; otherwise why not, in err. */
static int check_run_dir(const char *dir, char *err, size_t errlen)
{
	char inner[256];
	int any = 0;

	if (!is_dir(dir)) {
		struct stat st;

		snprintf(err, errlen, "'%s' is not a run folder: %s", dir, stat(dir, &st) < 0 ? "it does not exist" :
			 "it is a file, not a folder");
		return -1;
	}
	if (rundir_exists(dir, "compare.csv") && !rundir_exists(dir, "meta.csv")) {
		snprintf(err, errlen, "'%s' is a comparison, not a run folder: give the run folders it compared "
			 "(compare-meta.csv lists them)", dir);
		return -1;
	}
	for (int k = 0; k < CMP_NKINDS; k++)
		any |= rundir_exists(dir, kind_files[k]);
	if (!rundir_exists(dir, "meta.csv") && (inner_run(dir, inner, sizeof(inner)), inner[0])) {
		snprintf(err, errlen, "'%s' is not a run folder but holds run folders (%s, ...): give those, "
			 "e.g. %s/<cell>-r*", dir, inner, dir);
		return -1;
	}
	if (!rundir_exists(dir, "meta.csv") || !any) {
		snprintf(err, errlen, "'%s' is not a run folder: it holds no %s (a run folder, written by "
			 "`allocbench run` or make bench, holds meta.csv and latency.csv, access.csv or mapping.csv)",
			 dir, rundir_exists(dir, "meta.csv") ? "latency.csv, access.csv or mapping.csv" : "meta.csv");
		return -1;
	}
	return 0;
}

/* Schema versions: every run's meta.csv and each kind's CSV must agree with the first that has it. */
struct schema_seen {
	char ver[CMP_NKINDS + 1][16];
	char where[CMP_NKINDS + 1][4200];
};

static int check_schema(struct schema_seen *sv, int k, const char *file, const char *ver, const char *dir,
			char *err, size_t errlen)
{
	if (!ver || !*ver)
		ver = "(none)";
	if (!sv->ver[k][0]) {
		snprintf(sv->ver[k], sizeof(sv->ver[k]), "%s", ver);
		snprintf(sv->where[k], sizeof(sv->where[k]), "%s", dir);
		return 0;
	}
	if (!strcmp(sv->ver[k], ver))
		return 0;
	snprintf(err, errlen, "different schema versions: %s/%s has schema_version %s, %s/%s has %s: runs "
		 "written by different runner versions cannot be compared point by point (re-run the older side "
		 "with this runner)", sv->where[k], file, sv->ver[k], dir, file, ver);
	return -1;
}

/* The columns a kind's CSV must have to be compared. 0, or -1 with the first missing one named. */
static int missing_column(const struct csv_table *t, enum cmp_kind k, const char *dir, char *err, size_t errlen)
{
	static const char *const need[CMP_NKINDS][6] = {
		{ "allocator", "op", "size_bytes", "status", "p50_ns", NULL },
		{ "allocator", "view", "layout", "working_set_bytes", "status", NULL },
		{ "mapping", "layout", "working_set_bytes", "status", NULL },
	};

	for (size_t i = 0; need[k][i]; i++)
		if (csv_column(t, need[k][i]) < 0) {
			snprintf(err, errlen, "%s/%s has no column %s: not a %s file this runner can compare", dir,
				 kind_files[k], need[k][i], kind_files[k]);
			return -1;
		}
	return 0;
}

static int load_kind(struct cmp_ctx *c, int s, size_t r, int k, struct schema_seen *sv, char *err, size_t errlen)
{
	struct cmp_run *run = &c->side[s].run[r];
	struct csv_table t;
	int rc = 0;

	if (!rundir_exists(run->dir, kind_files[k]))
		return 0;
	if (rundir_load(run->dir, kind_files[k], &t, err, errlen) < 0)
		return -1;
	if (missing_column(&t, (enum cmp_kind)k, run->dir, err, errlen)) {
		csv_free(&t);
		return -1;
	}
	c->have_kind[s][k] = 1;
	if (t.nrows)
		rc = check_schema(sv, k + 1, kind_files[k], csv_cell(&t, 0, "schema_version"), run->dir, err, errlen);
	if (!rc && load_rows(c, s, r, (enum cmp_kind)k, &t)) {
		snprintf(err, errlen, "out of memory reading %s/%s", run->dir, kind_files[k]);
		rc = -1;
	}
	csv_free(&t);
	return rc;
}

static int load_run(struct cmp_ctx *c, int s, size_t r, struct schema_seen *sv, char *err, size_t errlen)
{
	struct cmp_run *run = &c->side[s].run[r];
	const char *hz, *em;

	if (rundir_load(run->dir, "meta.csv", &run->meta, err, errlen) < 0)
		return -1;
	if (check_schema(sv, 0, "meta.csv", cmp_meta(run, "schema_version"), run->dir, err, errlen))
		return -1;
	hz = cmp_meta(run, "timer_hz");
	run->timer_hz = hz ? parse_double_c(hz) : NAN;
	if (!(run->timer_hz > 0) && (hz = cmp_meta(run, "tsc_khz")))
		run->timer_hz = parse_double_c(hz) * 1e3;
	em = cmp_meta(run, "emulated");
	run->emulated = em && parse_bool(em) == 1;
	for (int k = 0; k < CMP_NKINDS; k++)
		if (load_kind(c, s, r, k, sv, err, errlen))
			return -1;
	return 0;
}

/* Whether some point is measured on both sides. */
static int overlap(const struct cmp_ctx *c)
{
	for (size_t i = 0; i < c->npts; i++) {
		int both = 1;

		for (int s = 0; s < 2 && both; s++) {
			int any = 0;

			for (size_t r = 0; r < c->side[s].n; r++) {
				enum lat_status st = cmp_rp(c, &c->pts[i], s, r)->status;

				any |= st == LAT_OK || st == LAT_PARTIAL;
			}
			both = any;
		}
		if (both)
			return 1;
	}
	return 0;
}

static int set_dirs(struct cmp_ctx *c, int s, char **dirs, size_t n, char *err, size_t errlen)
{
	if (!n || n > CMP_MAX_RUNS) {
		snprintf(err, errlen, "side %c needs 1 to %d run folders, not %zu", 'A' + s, CMP_MAX_RUNS, n);
		return -1;
	}
	c->side[s].n = n;
	for (size_t r = 0; r < n; r++) {
		size_t l = strlen(dirs[r]);

		while (l > 1 && dirs[r][l - 1] == '/')
			l--;
		snprintf(c->side[s].run[r].dir, sizeof(c->side[s].run[r].dir), "%.*s", (int)l, dirs[r]);
		if (check_run_dir(c->side[s].run[r].dir, err, errlen))
			return -1;
	}
	return 0;
}

int cmp_load(struct cmp_ctx *c, char **a, size_t na, char **b, size_t nb, char *err, size_t errlen)
{
	struct schema_seen sv;

	memset(&sv, 0, sizeof(sv));
	if (set_dirs(c, 0, a, na, err, errlen) || set_dirs(c, 1, b, nb, err, errlen))
		return -1;
	for (int s = 0; s < 2; s++)
		for (size_t r = 0; r < c->side[s].n; r++)
			if (load_run(c, s, r, &sv, err, errlen))
				return -1;
	if (!overlap(c)) {
		snprintf(err, errlen, "the sides have no point in common: no (kind, allocator, op, size) is measured "
			 "on both (%zu points in all): compare runs of the same config", c->npts);
		return -1;
	}
	for (int s = 0; s < 2; s++)
		for (size_t r = 0; r < c->side[s].n; r++)
			if (load_samples(c, s, r)) {
				snprintf(err, errlen, "out of memory reading %s/samples.csv.gz", c->side[s].run[r].dir);
				return -1;
			}
	return 0;
}

void cmp_free(struct cmp_ctx *c)
{
	size_t nr = c->side[0].n + c->side[1].n;

	for (size_t i = 0; i < c->npts; i++) {
		for (size_t r = 0; r < nr; r++) {
			samples_free(&c->pts[i].run[r].v);
			free(c->pts[i].run[r].grp);
		}
		free(c->pts[i].run);
	}
	free(c->pts);
	free(c->hash);
	for (int s = 0; s < 2; s++)
		for (size_t r = 0; r < c->side[s].n; r++)
			csv_free(&c->side[s].run[r].meta);
	c->pts = NULL;
	c->hash = NULL;
	c->npts = c->cap = c->hcap = 0;
}
