// SPDX-License-Identifier: GPL-2.0
/* The [scale] kind's arithmetic; see scale_calc.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "allocbench.h"
#include "scale_calc.h"
#include "util.h"

static const char *const pattern_names[ALLOCBENCH_NR_SCALE_PATTERNS] = {
	[ALLOCBENCH_SCALE_PAIR] = "pair",
	[ALLOCBENCH_SCALE_BURST] = "burst",
	[ALLOCBENCH_SCALE_REMOTE_FREE] = "remote_free",
};

const char *scale_pattern_name(unsigned p)
{
	return p < ALLOCBENCH_NR_SCALE_PATTERNS ? pattern_names[p] : NULL;
}

int scale_pattern_by_name(const char *s)
{
	for (unsigned p = 0; p < ALLOCBENCH_NR_SCALE_PATTERNS; p++)
		if (!strcmp(s, pattern_names[p]))
			return (int)p;
	return -1;
}

/* One item of the list, blanks trimmed: a count in 1..max or "all". */
static int threads_item(const char *key, char *p, unsigned max, unsigned *out, char *err, size_t errlen)
{
	char *end;
	uint64_t v;

	while (*p == ' ' || *p == '\t')
		p++;
	end = p + strlen(p);
	while (end > p && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (!*p) {
		snprintf(err, errlen, "%s: empty item in list", key);
		return -1;
	}
	if (!strcmp(p, "all")) {
		*out = SCALE_THREADS_ALL;
		return 0;
	}
	if (parse_u64(p, 1, max, &v)) {
		snprintf(err, errlen, "%s: '%s' is not a thread count (1..%u) or 'all'", key, p, max);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

int scale_threads_parse(const char *key, const char *value, unsigned max, struct scale_threads *t,
			char *err, size_t errlen)
{
	char buf[512], *p = buf, *comma;
	struct scale_threads r = { .n = 0 };

	if (strlen(value) >= sizeof(buf)) {
		snprintf(err, errlen, "%s: list too long", key);
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", value);
	do {
		comma = strchr(p, ',');
		if (comma)
			*comma = '\0';
		if (r.n == SCALE_MAX_COUNTS) {
			snprintf(err, errlen, "%s: more than %d thread counts", key, SCALE_MAX_COUNTS);
			return -1;
		}
		if (threads_item(key, p, max, &r.v[r.n], err, errlen))
			return -1;
		r.n++;
		p = comma + 1;
	} while (comma);
	*t = r;
	return 0;
}

unsigned scale_threads_max(const struct scale_threads *t)
{
	unsigned m = 0;

	for (size_t i = 0; i < t->n; i++)
		if (t->v[i] > m)
			m = t->v[i];
	return m;
}

static int cmp_unsigned(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return (x > y) - (x < y);
}

size_t scale_threads_expand(const struct scale_threads *t, unsigned online, unsigned *out, size_t cap)
{
	unsigned tmp[SCALE_MAX_COUNTS];
	size_t n = 0, k = 0;

	for (size_t i = 0; i < t->n && i < SCALE_MAX_COUNTS; i++)
		tmp[n++] = t->v[i] == SCALE_THREADS_ALL ? (online ? online : 1) : t->v[i];
	qsort(tmp, n, sizeof(tmp[0]), cmp_unsigned);
	for (size_t i = 0; i < n && k < cap; i++)
		if (!k || out[k - 1] != tmp[i])
			out[k++] = tmp[i];
	return k;
}

int scale_figures_compute(const struct scale_worker *w, size_t n, struct scale_figures *f)
{
	double sum = 0, sq = 0;
	uint64_t longest = 0;
	size_t ran = 0;

	memset(f, 0, sizeof(*f));
	f->total_ops_per_s = f->thread_mean = f->thread_min = f->thread_max = NAN;
	f->min_max_ratio = f->cv_pct = NAN;
	if (!n)
		return -1;
	for (size_t i = 0; i < n; i++) {
		double r;

		f->total_ops += w[i].ops;
		if (w[i].elapsed_ns > longest)
			longest = w[i].elapsed_ns;
		if (!w[i].elapsed_ns)
			continue;
		r = (double)w[i].ops * 1e9 / (double)w[i].elapsed_ns;
		if (!ran || r < f->thread_min)
			f->thread_min = r;
		if (!ran || r > f->thread_max)
			f->thread_max = r;
		sum += r;
		sq += r * r;
		ran++;
	}
	if (!ran)
		return 0;
	f->total_ops_per_s = (double)f->total_ops * 1e9 / (double)longest;
	f->thread_mean = sum / (double)ran;
	if (f->thread_max > 0) {
		double var = sq / (double)ran - f->thread_mean * f->thread_mean;

		f->min_max_ratio = f->thread_min / f->thread_max;
		f->cv_pct = (var > 0 ? sqrt(var) : 0) / f->thread_mean * 100.0;
	}
	return 0;
}

double scale_efficiency(double ops_n, unsigned n, double ops_1)
{
	if (!n || !(ops_n > 0) || !(ops_1 > 0) || !isfinite(ops_n) || !isfinite(ops_1))
		return NAN;
	return ops_n / ((double)n * ops_1);
}
