// SPDX-License-Identifier: GPL-2.0
/* Tick-to-ns conversion shared by every experiment kind; see ticks.h. */
#include "ticks.h"

#include <math.h>

double ticks_to_ns(const struct allocbench_info *in, uint64_t ticks, double regions, double calls)
{
	double t = (double)ticks - (double)in->timer_overhead_ticks * regions -
		   (double)in->call_overhead_mticks / 1000.0 * calls;

	if (!in->timer_hz)
		return NAN;
	return (t > 0 ? t : 0) * 1e9 / (double)in->timer_hz;
}

double ticks_less_harness_ns(const struct allocbench_info *in, uint64_t ticks, double harness_ticks,
			     unsigned ops)
{
	double t = (double)ticks - harness_ticks;

	if (!in->timer_hz || !ops)
		return NAN;
	return (t > 0 ? t : 0) * 1e9 / (double)in->timer_hz / ops;
}
