// SPDX-License-Identifier: GPL-2.0
/*
 * Report part of the deep dives: report.md's section "Deep dives", links to
 * DIR/perf/<point>/ (made by `allocbench perf` / `make perf`), their top
 * symbols, and the command that dives into a point of this run.
 */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report_parts.h"

/* A key of a point's meta.csv (key,value; values here hold no quotes we need). */
static void point_meta(const char *dir, const char *key, char *out, size_t len)
{
	char p[4700], line[1024];
	size_t kl = strlen(key);
	FILE *f;

	out[0] = '\0';
	snprintf(p, sizeof(p), "%s/meta.csv", dir);
	f = fopen(p, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, key, kl) || line[kl] != ',')
			continue;
		line[strcspn(line, "\r\n")] = '\0';
		snprintf(out, len, "%s", line + kl + 1);
		break;
	}
	fclose(f);
}

/* "clear_page_rep 53.5 %, free_unref_page 9.0 %, ..." from top.tsv's self rows. */
static void top_symbols(const char *dir, char *out, size_t len, int max)
{
	char p[4700], line[1024];
	size_t o = 0;
	int n = 0;
	FILE *f;

	out[0] = '\0';
	snprintf(p, sizeof(p), "%s/top.tsv", dir);
	f = fopen(p, "re");
	if (!f)
		return;
	while (n < max && fgets(line, sizeof(line), f)) {
		char *pct, *sym;

		line[strcspn(line, "\r\n")] = '\0';
		if (strncmp(line, "self\t", 5))
			continue;
		pct = line + 5;
		sym = strchr(pct, '\t');
		if (!sym)
			continue;
		*sym++ = '\0';
		if (!strncmp(sym, "[k] ", 4) || !strncmp(sym, "[.] ", 4))
			sym += 4;
		sym[strcspn(sym, "`|")] = '\0';
		o += (size_t)snprintf(out + o, o < len ? len - o : 0, "%s`%s` %s %%", n ? ", " : "", sym, pct);
		n++;
	}
	fclose(f);
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The slowest measured point of the run's main series: an example to dive into. */
static int example_point(const struct run_data *rd, char *out, size_t len)
{
	const struct lat_point *best = NULL;
	char sz[32];

	for (size_t i = 0; i < rd->npts; i++) {
		const struct lat_point *p = &rd->pts[i];
		const struct lat_series *s = &rd->series[p->series];

		if (p->status != LAT_OK || !isfinite(p->p50) || !series_is_primary(s) || strcmp(s->op, "pair"))
			continue;
		if (!best || p->p50 > best->p50)
			best = p;
	}
	if (!best)
		return -1;
	fmt_bytes(sz, sizeof(sz), best->size);
	snprintf(out, len, "%s pair %s", rd->alloc_names[best->alloc], sz);
	return 0;
}

/* The section; nothing when the run has neither deep dives nor latency rows. */
static void perf_write_md(FILE *f, const struct run_data *rd, int charts_ok, const char *charts_note)
{
	char dir[4200], p[4600], buf[1024], ex[128];
	const char *target = rmeta_get(rd, "target"), *krel = rmeta_get(rd, "kernel_release");
	char **names = NULL;
	size_t n = 0, cap = 0;
	DIR *d;
	struct dirent *e;

	(void)charts_ok;	/* no charts of its own */
	(void)charts_note;
	snprintf(dir, sizeof(dir), "%s/perf", rd->dir);
	d = opendir(dir);
	while (d && (e = readdir(d))) {
		char **nn;

		if (e->d_name[0] == '.')
			continue;	/* . .. and dives still being written */
		snprintf(p, sizeof(p), "%s/%s/README.md", dir, e->d_name);
		if (access(p, R_OK))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 8;
			nn = realloc(names, cap * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		names[n] = strdup(e->d_name);
		if (names[n])
			n++;
	}
	if (d)
		closedir(d);
	if (!n && !rd->have_lat) {
		free(names);
		return;
	}
	if (n)
		qsort(names, n, sizeof(*names), name_cmp);
	fprintf(f, "## Deep dives\n\n");
	if (n)
		fprintf(f, "Each point below was repeated under `perf record -g` and `perf stat` (`make perf`); "
			   "its folder's README.md says how to read each file.\n\n");
	for (size_t i = 0; i < n; i++) {
		char sub[4600], point[256], event[128], kernel[128];

		snprintf(sub, sizeof(sub), "%s/%s", dir, names[i]);
		point_meta(sub, "point", point, sizeof(point));
		point_meta(sub, "event", event, sizeof(event));
		point_meta(sub, "kernel_release", kernel, sizeof(kernel));
		fprintf(f, "- **`%s`** (%s, %s): [README](perf/%s/README.md) · [flame graph](perf/%s/flamegraph.html) · "
			   "[report.txt](perf/%s/report.txt) · [stat.txt](perf/%s/stat.txt)\n",
			point[0] ? point : names[i], kernel[0] ? kernel : "kernel unknown",
			event[0] ? event : "event unknown", names[i], names[i], names[i], names[i]);
		top_symbols(sub, buf, sizeof(buf), 5);
		if (buf[0])
			fprintf(f, "  - where the CPU was: %s\n", buf);
		free(names[i]);
	}
	free(names);
	if (n)
		fprintf(f, "\n");
	if (rd->have_lat) {
		int vm = target && !strcmp(target, "vm");

		fprintf(f, "Any point of the tables above dives the same way: `make perf POINT=\"ALLOCATOR OP SIZE [gfp=GFP]\" "
			   "RUN=%s%s%s%s`", rd->dir, vm ? " TARGET=vm" : "", vm && krel ? " KERNEL=" : "",
			vm && krel ? krel : "");
		if (example_point(rd, ex, sizeof(ex)) == 0)
			fprintf(f, "; the slowest pair of this run, for example: `make perf POINT=\"%s\" RUN=%s%s%s%s`",
				ex, rd->dir, vm ? " TARGET=vm" : "", vm && krel ? " KERNEL=" : "", vm && krel ? krel : "");
		fprintf(f, ".\n\n");
	}
}

/* The folder of the deep dives: a run of `make perf` alone has no CSV of its own. */
static const char *const perf_files[] = { "perf", NULL };

const struct report_part report_part_perf = {
	.name = "perf",
	.files = perf_files,
	.write_md = perf_write_md,
};
