// SPDX-License-Identifier: GPL-2.0
#include <signal.h>
#include <string.h>

#include "run_signals.h"
#include "util.h"

static void on_stop_signal(int sig)
{
	ab_stop = 1;
	signal(sig, SIG_DFL);	/* a second ^C ends the process at once */
}

void catch_stop_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	/* No SA_RESTART: the ioctl returns EINTR, and device_ioctl() sees ab_stop set. */
	sa.sa_handler = on_stop_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}
