/* SPDX-License-Identifier: GPL-2.0 */
/* SIGINT and SIGTERM during a measurement: stop cleanly on the first, at once on the second. */
#ifndef ALLOCBENCH_RUN_SIGNALS_H
#define ALLOCBENCH_RUN_SIGNALS_H

/*
 * The first SIGINT or SIGTERM sets ab_stop and interrupts the ioctl in
 * progress (EINTR); the second ends the process.
 */
void catch_stop_signals(void);

#endif
