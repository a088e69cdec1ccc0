// SPDX-License-Identifier: GPL-2.0
/*
 * allocbench clock: this machine's TSC rate, counted against
 * CLOCK_MONOTONIC_RAW. The VM harness records it beside a guest's run
 * (meta.csv host_tsc_hz): QEMU passes the host's TSC through at its own
 * rate under TCG and KVM alike, so the guest kernel's calibration of that
 * counter (timer_hz) should match it. A calibration that went wrong at
 * boot on a loaded host scales every time of the run, and the guest alone
 * cannot see it: its clocks all run on the same miscalibrated counter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#define HAVE_TSC 1
#else
#define HAVE_TSC 0
#endif

#include "commands.h"
#include "help.h"
#include "util.h"

#define CLOCK_WINDOWS	3
#define CLOCK_WINDOW_NS	100000000L	/* 100 ms: a 1 us scheduling hiccup is 0.001 % */

#if HAVE_TSC
static double mono_raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* TSC ticks per second over one window; each end read between two clock reads. */
static double one_window(void)
{
	struct timespec pause = { 0, CLOCK_WINDOW_NS };
	double n0, n1;
	unsigned long long t0, t1;

	n0 = mono_raw_ns();
	t0 = __rdtsc();
	n0 = (n0 + mono_raw_ns()) / 2;
	nanosleep(&pause, NULL);
	n1 = mono_raw_ns();
	t1 = __rdtsc();
	n1 = (n1 + mono_raw_ns()) / 2;
	return (double)(t1 - t0) * 1e9 / (n1 - n0);
}
#endif

/* Whether the kernel says the TSC ticks at one rate whatever the CPU's frequency. */
static int tsc_constant(void)
{
	char *info = read_all("/proc/cpuinfo", NULL);
	int yes = info && strstr(info, " constant_tsc");

	free(info);
	return yes;
}

int cmd_clock(int argc, char **argv)
{
	double hz[CLOCK_WINDOWS];

	if (argc > 1) {
		ab_err("clock: unexpected argument '%s'", argv[1]);
		help_usage(argv[0]);
		return EXIT_USAGE;
	}
#if HAVE_TSC
	if (!tsc_constant()) {
		ab_err("clock: this CPU's TSC does not tick at a constant rate (no constant_tsc in "
		       "/proc/cpuinfo): there is no one rate to give");
		return EXIT_FAILURE_RUN;
	}
	for (int i = 0; i < CLOCK_WINDOWS; i++)
		hz[i] = one_window();
	qsort(hz, CLOCK_WINDOWS, sizeof(hz[0]), cmp_double);
	printf("%.0f\n", hz[CLOCK_WINDOWS / 2]);
	return EXIT_OK;
#else
	(void)hz;
	ab_err("clock: no TSC on this architecture");
	return EXIT_FAILURE_RUN;
#endif
}
