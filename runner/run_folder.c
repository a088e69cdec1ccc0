// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "meta.h"
#include "run_folder.h"

void run_folder_default(char *buf, size_t len)
{
	struct utsname u;
	time_t t = time(NULL);
	struct tm tm;
	char ts[32];

	gmtime_r(&t, &tm);
	strftime(ts, sizeof(ts), "%Y%m%dT%H%M%SZ", &tm);
	if (uname(&u))
		memset(&u, 0, sizeof(u));
	snprintf(buf, len, "results/%s-%s-%s", ts, u.nodename[0] ? u.nodename : "host",
		 u.release[0] ? u.release : "kernel");
}

int meta_arg_valid(const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : 0;

	if (n == 0 || n > 63)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!((arg[i] >= 'a' && arg[i] <= 'z') || (arg[i] >= '0' && arg[i] <= '9') || arg[i] == '_'))
			return 0;
	return 1;
}

void meta_set_args(struct meta *m, const char *const *args, int n)
{
	for (int i = 0; i < n; i++) {
		const char *eq = strchr(args[i], '=');
		char key[64];

		snprintf(key, sizeof(key), "%.*s", (int)(eq - args[i]), args[i]);
		meta_set(m, key, "%s", eq + 1);
	}
}
