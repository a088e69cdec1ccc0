// SPDX-License-Identifier: GPL-2.0
/*
 * What differs between the two sides, found by diffing their runs'
 * meta.csv (never typed by the user): the label every title and the
 * folder name carry ("6.1.0-56 → 6.12.117", "init_on_alloc=1 → 0"), the
 * warnings (sides that differ in more than one of kernel, command line,
 * machine, target and emulation; emulated against native; configs that
 * differ), and compare-meta.csv.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "meta.h"
#include "util.h"

/* Facts of one boot or one moment, not of the setup: never a difference. */
static int volatile_key(const char *k)
{
	static const char *const keys[] = {
		"started_utc", "finished_utc", "duration_s", "mem_available_bytes", "hugetlb_pages_free",
		"config_file", "timer_overhead_ticks", "call_overhead_mticks", "tsc_khz", "timer_hz",
		"timer_overhead_ns", "points", "seed", "host_loadavg", "host_tsc_hz",
	};

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(k, keys[i]))
			return 1;
	return !strncmp(k, "directmap_", 10);
}

/* The command line as a setup: without the harness's own words (accelerator, console). */
static void norm_cmdline(const char *in, char *out, size_t len)
{
	char buf[2048], *save = NULL, *tok;
	size_t o = 0;

	snprintf(buf, sizeof(buf), "%s", in ? in : "");
	out[0] = '\0';
	for (tok = strtok_r(buf, " \t", &save); tok; tok = strtok_r(NULL, " \t", &save)) {
		if (!strncmp(tok, "allocbench.accel=", 17))
			continue;
		if (o < len)
			o += (size_t)snprintf(out + o, len - o, "%s%s", o ? " " : "", tok);
	}
}

/* The value of key in run r, the command line normalised; "" when missing. */
static void value_of(const struct cmp_run *r, const char *key, char *out, size_t len)
{
	const char *v = cmp_meta(r, key);

	if (!strcmp(key, "cmdline"))
		norm_cmdline(v, out, len);
	else
		snprintf(out, len, "%s", v ? v : "");
}

/* The side's one value of key (1), or 0 when its runs disagree (out then lists the first two). */
static int side_value(const struct cmp_side *s, const char *key, char *out, size_t len)
{
	char first[256], v[256];

	value_of(&s->run[0], key, first, sizeof(first));
	for (size_t r = 1; r < s->n; r++) {
		value_of(&s->run[r], key, v, sizeof(v));
		if (strcmp(v, first)) {
			snprintf(out, len, "(varies: %.100s, %.100s)", first, v);
			return 0;
		}
	}
	snprintf(out, len, "%s", first);
	return 1;
}

static int have_diff(const struct cmp_ctx *c, const char *key)
{
	for (size_t i = 0; i < c->ndiff; i++)
		if (!strcmp(c->diff[i].key, key))
			return 1;
	return 0;
}

static void diff_key(struct cmp_ctx *c, const char *key)
{
	struct cmp_diff *d;
	int ca, cb;

	if (volatile_key(key) || have_diff(c, key) || c->ndiff == CMP_MAX_DIFF)
		return;
	d = &c->diff[c->ndiff];
	memset(d, 0, sizeof(*d));
	snprintf(d->key, sizeof(d->key), "%s", key);
	ca = side_value(&c->side[0], key, d->a, sizeof(d->a));
	cb = side_value(&c->side[1], key, d->b, sizeof(d->b));
	if (ca && cb && !strcmp(d->a, d->b))
		return;
	d->differs = ca && cb;
	c->ndiff++;
}

static const struct cmp_diff *find_diff(const struct cmp_ctx *c, const char *key, int differs_only)
{
	for (size_t i = 0; i < c->ndiff; i++)
		if (!strcmp(c->diff[i].key, key) && (c->diff[i].differs || !differs_only))
			return &c->diff[i];
	return NULL;
}

void cmp_short_kernel(const char *rel, char *out, size_t len)
{
	size_t v = strcspn(rel, "-+"), n;
	const char *abi = rel + v;

	/* the version, then at most one numeric ABI part: "-56" of Debian, "-31" of Ubuntu */
	if (*abi == '+')
		abi += strcspn(abi, "-");	/* "+deb12": the distribution's tag */
	n = *abi == '-' ? strspn(abi + 1, "0123456789") : 0;
	if (n && abi[1 + n] && abi[1 + n] != '-')
		n = 0;				/* "-rc3", "-00012gabc": not an ABI number */
	snprintf(out, len, "%.*s%s%.*s", (int)v, rel, n ? "-" : "", (int)n, n ? abi + 1 : "");
}

/* One label part "a → b" and the sides' own labels (full_b: B's, when b is shortened as "0" for "x=0"). */
static void add_part2(struct cmp_ctx *c, const char *a, const char *b, const char *full_b)
{
	size_t l = strlen(c->label);

	snprintf(c->label + l, sizeof(c->label) - l, "%s%s → %s", l ? ", " : "", a, b);
	for (int s = 0; s < 2; s++) {
		size_t k = strlen(c->side[s].label);

		snprintf(c->side[s].label + k, sizeof(c->side[s].label) - k, "%s%s", k ? ", " : "", s ? full_b : a);
	}
}

static void add_part(struct cmp_ctx *c, const char *a, const char *b)
{
	add_part2(c, a, b, b);
}

/* Of "name=value" words: the value of name in a command line, NULL when absent (last one wins). */
static const char *param(const char *cmdline, const char *name, char *buf, size_t len)
{
	char tmp[2048], *save = NULL, *tok;
	const char *found = NULL;
	size_t nl = strlen(name);

	snprintf(tmp, sizeof(tmp), "%s", cmdline);
	for (tok = strtok_r(tmp, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
		if (!strncmp(tok, name, nl) && (tok[nl] == '=' || !tok[nl])) {
			snprintf(buf, len, "%s", tok[nl] == '=' ? tok + nl + 1 : "");
			found = buf;
		}
	return found;
}

/* The command line's differing parameters as "init_on_alloc=1 → 0" parts. */
static void cmdline_parts(struct cmp_ctx *c, const char *a, const char *b)
{
	char tmp[2048], *save = NULL, *tok, va[256], vb[256], seen[2048] = " ", pa[300], pb[300], fb[300];
	const char *both[2] = { a, b };

	for (int s = 0; s < 2; s++) {
		snprintf(tmp, sizeof(tmp), "%s", both[s]);
		for (tok = strtok_r(tmp, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			char name[128], key[132];
			const char *x, *y;

			snprintf(name, sizeof(name), "%.*s", (int)strcspn(tok, "="), tok);
			snprintf(key, sizeof(key), " %s ", name);
			if (strstr(seen, key))
				continue;
			snprintf(seen + strlen(seen), sizeof(seen) - strlen(seen), "%s ", name);
			x = param(a, name, va, sizeof(va));
			y = param(b, name, vb, sizeof(vb));
			if (x && y && !strcmp(x, y))
				continue;
			snprintf(pa, sizeof(pa), x ? "%s=%s" : "%s unset", name, x ? x : "");
			snprintf(pb, sizeof(pb), "%s", y ? y : "unset");
			snprintf(fb, sizeof(fb), y ? "%s=%s" : "%s unset", name, y ? y : "");
			add_part2(c, pa, x ? pb : fb, fb);
		}
	}
}

/* Label parts, in the order a reviewer reads them. Returns the categories that differ. */
static int label_parts(struct cmp_ctx *c, char *cats, size_t len)
{
	static const struct { const char *cat, *key; } keys[] = {
		{ "kernel", "kernel_release" }, { "cmdline", "cmdline" }, { "cmdline", "init_on_alloc" },
		{ "cmdline", "init_on_free" }, { "machine", "cpu_model" }, { "machine", "hostname" },
		{ "machine", "cpu_count" }, { "target", "target" }, { "emulation", "accelerator" },
		{ "emulation", "emulated" }, { "config", "run_name" }, { "revision", "git_revision" },
	};
	int n = 0;

	cats[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct cmp_diff *d = find_diff(c, keys[i].key, 1);
		char sa[128], sb[128];

		if (!d || (!strcmp(keys[i].key, "hostname") && (!strcmp(d->a, "(none)") || !strcmp(d->b, "(none)"))))
			continue;
		if (!strcmp(keys[i].key, "init_on_alloc") || !strcmp(keys[i].key, "init_on_free")) {
			if (find_diff(c, "cmdline", 1))
				continue;	/* the command line's part says it */
			snprintf(sa, sizeof(sa), "%s=%.100s", keys[i].key, d->a);
			snprintf(sb, sizeof(sb), "%s=%.100s", keys[i].key, d->b);
			add_part2(c, sa, d->b, sb);
		} else if (!strcmp(keys[i].key, "kernel_release")) {
			cmp_short_kernel(d->a, sa, sizeof(sa));
			cmp_short_kernel(d->b, sb, sizeof(sb));
			add_part(c, strcmp(sa, sb) ? sa : d->a, strcmp(sa, sb) ? sb : d->b);
		} else if (!strcmp(keys[i].key, "cmdline")) {
			cmdline_parts(c, d->a, d->b);
		} else if (!strcmp(keys[i].key, "emulated") && find_diff(c, "accelerator", 1)) {
			continue;
		} else {
			add_part(c, d->a, d->b);
		}
		if (!strstr(cats, keys[i].cat) && strcmp(keys[i].cat, "config") && strcmp(keys[i].cat, "revision")) {
			snprintf(cats + strlen(cats), len - strlen(cats), "%s%s", *cats ? ", " : "", keys[i].cat);
			n++;
		}
	}
	return n;
}

static void warn(struct cmp_ctx *c, const char *fmt, ...) AB_PRINTF(2, 3);

static void warn(struct cmp_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->nwarn == CMP_MAX_WARN)
		return;
	va_start(ap, fmt);
	vsnprintf(c->warn[c->nwarn++], sizeof(c->warn[0]), fmt, ap);
	va_end(ap);
}

/* Whether every run's config.conf is the same as the first run of side 0's. -1: some run has none. */
static int configs_same(const struct cmp_ctx *c, int *within)
{
	char path[4200], *first = NULL, *t;
	int same = 1;

	*within = 0;
	for (int s = 0; s < 2; s++)
		for (size_t r = 0; r < c->side[s].n; r++) {
			snprintf(path, sizeof(path), "%s/config.conf", c->side[s].run[r].dir);
			if (!(t = read_all(path, NULL))) {
				free(first);
				return -1;
			}
			if (!first) {
				first = t;
				continue;
			}
			if (strcmp(first, t)) {
				same = 0;
				*within |= r > 0;
			}
			free(t);
		}
	free(first);
	return same;
}

static int cmp_hz(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/* The median timer rate of side s (0 when unknown). */
static double side_hz(const struct cmp_ctx *c, int s)
{
	double v[CMP_MAX_RUNS];
	size_t n = 0;

	for (size_t r = 0; r < c->side[s].n; r++)
		if (c->side[s].run[r].timer_hz > 0)
			v[n++] = c->side[s].run[r].timer_hz;
	if (!n)
		return 0;
	qsort(v, n, sizeof(v[0]), cmp_hz);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * Timer rates that disagree: every ns figure of a run is its ticks over its
 * rate, so a guest whose TSC calibration went wrong at boot (a loaded host
 * under TCG) makes every figure of that run wrong by the same factor.
 */
static void timer_warnings(struct cmp_ctx *c)
{
	double hz[2] = { side_hz(c, 0), side_hz(c, 1) };

	for (int s = 0; s < 2; s++)
		for (size_t r = 0; r < c->side[s].n && c->side[s].n > 1; r++) {
			double h = c->side[s].run[r].timer_hz;

			if (h > 0 && hz[s] > 0 && fabs(h / hz[s] - 1) > 0.02)
				warn(c, "%s's run %s has a timer rate of %.0f kHz, %+.0f %% off its side's median (%.0f kHz): "
				     "its ns figures are off by that factor (TSC calibration at boot?); leave it out or "
				     "re-run it", s ? "B" : "A", c->side[s].run[r].dir, h / 1e3, 100 * (h / hz[s] - 1), hz[s] / 1e3);
		}
	if (hz[0] > 0 && hz[1] > 0 && fabs(hz[1] / hz[0] - 1) > 0.05 && !find_diff(c, "cpu_model", 1))
		warn(c, "the sides' timer rates differ by %+.0f %% on one CPU model (A %.0f kHz, B %.0f kHz): a TSC "
		     "calibrated wrongly at boot makes every ratio off by that factor", 100 * (hz[1] / hz[0] - 1),
		     hz[0] / 1e3, hz[1] / 1e3);
}

static void make_warnings(struct cmp_ctx *c, int ncat, const char *cats)
{
	const struct cmp_diff *em = find_diff(c, "emulated", 1);
	int within = 0, same = configs_same(c, &within);

	if (ncat > 1)
		warn(c, "the sides differ in more than one of kernel, cmdline, machine, target and emulation (%s): "
		     "each ratio mixes their effects", cats);
	if (em)
		warn(c, "one side is emulated and the other is not (A emulated=%s, B emulated=%s): ratios then "
		     "compare emulation with hardware, not the two setups", em->a, em->b);
	if (same == 0)
		warn(c, "the runs ran different configs (config.conf differs%s): only the points both sides "
		     "measured are compared", within ? ", also within a side" : "");
	for (size_t i = 0; i < c->ndiff; i++)
		if (!c->diff[i].differs && (!strcmp(c->diff[i].key, "kernel_release") ||
					    !strcmp(c->diff[i].key, "cmdline") || !strcmp(c->diff[i].key, "cpu_model")))
			warn(c, "the runs of one side differ in %s (%s | %s): a side should be repeats of one setup",
			     c->diff[i].key, c->diff[i].a, c->diff[i].b);
	timer_warnings(c);
}

static void make_slug(struct cmp_ctx *c)
{
	size_t o = 0;

	for (const char *p = c->label; *p && o + 4 < sizeof(c->slug) && o < 80; p++) {
		if (!strncmp(p, " → ", 5)) {
			o += (size_t)snprintf(c->slug + o, sizeof(c->slug) - o, "-to-");
			p += 4;
		} else if (!strncmp(p, ", ", 2)) {
			c->slug[o++] = '_';
			p++;
		} else {
			c->slug[o++] = isalnum((unsigned char)*p) || strchr("._=+-", *p) ? *p : '_';
		}
	}
	c->slug[o] = '\0';
}

void cmp_meta_diff(struct cmp_ctx *c)
{
	char cats[128];
	int ncat;

	c->ndiff = c->nwarn = 0;
	c->label[0] = c->side[0].label[0] = c->side[1].label[0] = '\0';
	for (int s = 0; s < 2; s++)
		for (size_t r = 0; r < c->side[s].n; r++)
			for (size_t i = 0; i < c->side[s].run[r].meta.nrows; i++)
				diff_key(c, csv_cell(&c->side[s].run[r].meta, i, "key"));
	ncat = label_parts(c, cats, sizeof(cats));
	if (!c->label[0]) {
		snprintf(c->label, sizeof(c->label), "A/A: the same setup");
		snprintf(c->side[0].label, sizeof(c->side[0].label), "A");
		snprintf(c->side[1].label, sizeof(c->side[1].label), "B");
		snprintf(c->slug, sizeof(c->slug), "same-setup");
	} else {
		make_slug(c);
	}
	make_warnings(c, ncat, cats);
}

int cmp_write_meta_csv(const struct cmp_ctx *c, const char *path)
{
	struct meta m = { 0 };
	char now[32], key[160];
	int rc;

	meta_utc_now(now, sizeof(now));
	meta_set(&m, "schema_version", "%d", CMP_SCHEMA_VERSION);
	meta_set(&m, "created_utc", "%s", now);
	meta_set(&m, "runner_version", "%s", ALLOCBENCH_VERSION);
	meta_set(&m, "label", "%s", c->label);
	meta_set(&m, "label_a", "%s", c->side[0].label);
	meta_set(&m, "label_b", "%s", c->side[1].label);
	meta_set(&m, "min_effect_pct", "%g", c->opt.min_effect * 100);
	meta_set(&m, "fdr", "Benjamini-Hochberg at %g", c->opt.alpha);
	meta_set(&m, "interval", "95 %%");
	meta_set(&m, "points", "%zu", c->npts);
	meta_set(&m, "points_compared", "%zu", c->ncompared);
	meta_set(&m, "points_significant", "%zu", c->nsig);
	for (int s = 0; s < 2; s++) {
		meta_set(&m, s ? "runs_b" : "runs_a", "%zu", c->side[s].n);
		for (size_t r = 0; r < c->side[s].n; r++) {
			snprintf(key, sizeof(key), "run_%c%zu", s ? 'b' : 'a', r + 1);
			meta_set(&m, key, "%s", c->side[s].run[r].dir);
		}
	}
	for (size_t i = 0; i < c->ndiff; i++) {
		const struct cmp_diff *d = &c->diff[i];

		snprintf(key, sizeof(key), "%s.%s.a", d->differs ? "differs" : "varies", d->key);
		meta_set(&m, key, "%s", d->a);
		snprintf(key, sizeof(key), "%s.%s.b", d->differs ? "differs" : "varies", d->key);
		meta_set(&m, key, "%s", d->b);
	}
	for (size_t i = 0; i < c->nwarn; i++) {
		snprintf(key, sizeof(key), "warning_%zu", i + 1);
		meta_set(&m, key, "%s", c->warn[i]);
	}
	if (c->side[0].n == 1 && c->side[1].n == 1)
		meta_set(&m, "notice", "one run per side: run-to-run variation not captured");
	rc = meta_write(&m, path);
	meta_free(&m);
	return rc;
}
