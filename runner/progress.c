// SPDX-License-Identifier: GPL-2.0
#include "progress.h"

#include <stdio.h>
#include <unistd.h>

#include "config.h"
#include "experiment.h"
#include "names.h"
#include "plan.h"
#include "sizes.h"
#include "util.h"

void progress_init(struct progress *p, size_t total, int quiet)
{
	p->enabled = !quiet && isatty(STDERR_FILENO);
	p->total = total;
	p->start = now_seconds();
	p->width = 0;
}

static void fmt_duration(double s, char *buf, size_t len)
{
	unsigned long t = (unsigned long)(s + 0.5);

	if (t >= 3600)
		snprintf(buf, len, "%luh%02lum", t / 3600, t / 60 % 60);
	else
		snprintf(buf, len, "%lum%02lus", t / 60, t % 60);
}

void progress_update(struct progress *p, size_t k, const struct point *pt)
{
	char h[32], el[32], eta[32], what[160];
	double elapsed;
	int n;

	if (!p->enabled)
		return;
	elapsed = now_seconds() - p->start;
	fmt_duration(elapsed, el, sizeof(el));
	if (k > 0)
		fmt_duration(elapsed / (double)k * (double)(p->total - k), eta, sizeof(eta));
	else
		snprintf(eta, sizeof(eta), "?");
	if (pt->sec->kind->describe)
		pt->sec->kind->describe(pt, what, sizeof(what));
	else
		snprintf(what, sizeof(what), "%s %s %s", pt->sec->kind->name,
			 allocator_name(pt->allocator) ? allocator_name(pt->allocator) : "-",
			 size_format(pt->bytes, h, sizeof(h)));
	n = fprintf(stderr, "\r[%zu/%zu] %s  elapsed %s  ETA %s", k + 1, p->total, what, el, eta);
	if (n > 0 && n < p->width)
		fprintf(stderr, "%*s", p->width - n, "");
	if (n > 0)
		p->width = n;
	fflush(stderr);
}

void progress_done(struct progress *p)
{
	if (!p->enabled || !p->width)
		return;
	fprintf(stderr, "\r%*s\r", p->width, "");
	fflush(stderr);
	p->width = 0;
}
