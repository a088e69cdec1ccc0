// SPDX-License-Identifier: GPL-2.0
#include "access_calc.h"
#include "ticks.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "allocbench.h"

double access_ns_per_step(const struct allocbench_info *in, uint64_t ticks, uint32_t chunks,
			  uint64_t steps)
{
	/* The chase makes no call through the allocator table: timer only. */
	if (!steps)
		return NAN;
	return ticks_to_ns(in, ticks, chunks ? chunks : 1, 0) / (double)steps;
}

static const char *errno_name(int e)
{
	switch (e) {
	case ENOENT: return "ENOENT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case EINVAL: return "EINVAL";
	case ENODEV: return "ENODEV";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	case EBUSY: return "EBUSY";
	case ENODATA: return "ENODATA";
	case ENOSPC: return "ENOSPC";
	default: return NULL;
	}
}

void access_pmu_text(int status, char *buf, size_t len)
{
	int e = status < 0 ? -status : status;
	const char *n = errno_name(e);
	const char *why;

	if (!status) {
		snprintf(buf, len, "ok");
		return;
	}
	switch (e) {
	case ENOENT:
	case EOPNOTSUPP:
		why = "no dTLB-miss event on this CPU (no PMU: TCG or a VM without vPMU)";
		break;
	case ENODATA:
		why = "the counter never ran (no free hardware counter)";
		break;
	default:
		why = strerror(e);
		break;
	}
	if (n)
		snprintf(buf, len, "unavailable: %s (%s)", why, n);
	else
		snprintf(buf, len, "unavailable: %s (errno %d)", why, e);
}

double access_ratio(double a, double b)
{
	if (!isfinite(a) || !isfinite(b) || a <= 0 || b <= 0)
		return NAN;
	return a / b;
}

static const char *const layouts[] = {
	[ALLOCBENCH_PATTERN_PAGE] = "page",
	[ALLOCBENCH_PATTERN_LINE] = "line",
	[ALLOCBENCH_PATTERN_SEQ] = "seq",
	[ALLOCBENCH_PATTERN_FIRST_TOUCH] = "first_touch",
};

const char *access_layout_name(unsigned pattern)
{
	if (pattern == ALLOCBENCH_PATTERN_NONE || pattern >= ALLOCBENCH_NR_PATTERNS)
		return "unknown";
	return layouts[pattern];
}

int access_layout_by_name(const char *s)
{
	for (unsigned p = ALLOCBENCH_PATTERN_PAGE; p < ALLOCBENCH_NR_PATTERNS; p++)
		if (!strcmp(s, layouts[p]))
			return (int)p;
	return -1;
}
