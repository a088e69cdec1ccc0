// SPDX-License-Identifier: GPL-2.0
/* allocbench load FILE.ko [PARAMS] | allocbench unload: finit_module(2) / delete_module(2). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "allocbench.h"
#include "commands.h"
#include "device.h"
#include "help.h"
#include "util.h"

#define MODULE_NAME "allocbench"

static int no_module_support(void)
{
	return access("/proc/modules", F_OK) != 0;
}

static int locked_down(char *why, size_t len)
{
	char buf[256];

	if (read_line("/proc/sys/kernel/modules_disabled", buf, sizeof(buf)) == 0 && !strcmp(buf, "1")) {
		snprintf(why, len, "kernel.modules_disabled=1");
		return 1;
	}
	if (read_line("/sys/kernel/security/lockdown", buf, sizeof(buf)) == 0) {
		char *a = strchr(buf, '['), *b = a ? strchr(a, ']') : NULL;

		if (a && b && strncmp(a, "[none]", 6)) {
			*b = '\0';
			snprintf(why, len, "lockdown=%s", a + 1);
			return 1;
		}
	}
	return 0;
}

/* The module parameters: the arguments after FILE.ko, space-separated. 0, or -1 (said why). */
static int join_params(int argc, char **argv, char *params, size_t len)
{
	size_t o = 0;

	params[0] = '\0';
	for (int i = 2; i < argc; i++) {
		int n = snprintf(params + o, len - o, "%s%s", o ? " " : "", argv[i]);

		if (n < 0 || (size_t)n >= len - o) {
			ab_err("load: module parameters too long");
			return -1;
		}
		o += (size_t)n;
	}
	return 0;
}

/* devtmpfs/udev create the node asynchronously: wait up to 2 s. */
static void wait_for_device(void)
{
	for (int i = 0; i < 100 && access(ALLOCBENCH_DEVICE, F_OK); i++)
		nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
	if (access(ALLOCBENCH_DEVICE, F_OK))
		ab_err("note: module loaded but %s did not appear (no devtmpfs/udev?)", ALLOCBENCH_DEVICE);
}

/* Already loaded: fine when it speaks this runner's ABI, else an older build. An exit code. */
static int already_loaded(const char *ko)
{
	struct device d;

	if (device_open(&d) == 0) {
		device_close(&d);
		fprintf(stderr, "allocbench: note: module %s is already loaded (unload first to load a new build)\n",
			MODULE_NAME);
		return EXIT_OK;
	}
	ab_err("module %s is already loaded from another build: unload it (sudo allocbench unload, "
	       "once no allocbench run uses it), then load %s", MODULE_NAME, ko);
	return EXIT_NO_MODULE;
}

/* Why finit_module(ko) failed with errno e, in the user's words. An exit code. */
static int explain_load_error(int e, const char *ko)
{
	char why[128];
	struct utsname u;

	if (uname(&u))
		memset(&u, 0, sizeof(u));
	switch (e) {
	case EEXIST:
		return already_loaded(ko);
	case ENOSYS:
		ab_err("this kernel has no module support (CONFIG_MODULES=n): use the VM target (make bench TARGET=vm)");
		return EXIT_NO_MODULE;
	case EPERM:
	case EACCES:
		if (locked_down(why, sizeof(why)))
			ab_err("module loading is locked down (%s, as under Secure Boot): the kernel loads only modules "
			       "signed with a key it trusts. Sign %s with an enrolled Machine Owner Key (MOK: mokutil "
			       "--import; scripts/sign-file of the kernel's headers), or use the VM target (make bench TARGET=vm)",
			       why, ko);
		else if (geteuid() != 0)
			ab_err("not root: loading a module needs root (sudo allocbench load %s)", ko);
		else
			ab_err("not root or module loading locked down (lockdown/modules_disabled, or no CAP_SYS_MODULE in a container): "
			       "use the VM target (make bench TARGET=vm)");
		return EXIT_NO_MODULE;
	case ENOEXEC:
	case EINVAL:
		ab_err("module built for another kernel (vermagic) or not a module: rebuild against "
		       "/lib/modules/%s/build (make -C bench-module); see dmesg", u.release);
		return EXIT_NO_MODULE;
	case EKEYREJECTED:
	case EBADMSG:
		ab_err("module signature rejected (module.sig_enforce or lockdown): sign it with a key the kernel "
		       "trusts (an enrolled Machine Owner Key, MOK) or use the VM target (make bench TARGET=vm)");
		return EXIT_NO_MODULE;
	case ENOENT:
		if (no_module_support()) {
			ab_err("this kernel has no module support (CONFIG_MODULES=n): use the VM target (make bench TARGET=vm)");
			return EXIT_NO_MODULE;
		}
		/* fall through */
	default:
		ab_err("finit_module(%s) failed: %s (see dmesg)", ko, strerror(e));
		return EXIT_NO_MODULE;
	}
}

int cmd_load(int argc, char **argv)
{
	char params[4096];
	int fd, e;

	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2)
			ab_err("load: unknown option '%s'", argv[1]);
		else
			ab_err("load: FILE.ko is required");
		help_usage("load");
		return EXIT_USAGE;
	}
	if (join_params(argc, argv, params, sizeof(params)))
		return EXIT_USAGE;
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ab_err("cannot open %s: %s%s", argv[1], strerror(errno),
		       errno == ENOENT ? " (build it with `make -C bench-module`)" : "");
		return EXIT_NO_MODULE;
	}
	if (syscall(SYS_finit_module, fd, params, 0) == 0) {
		close(fd);
		wait_for_device();
		return EXIT_OK;
	}
	e = errno;
	close(fd);
	return explain_load_error(e, argv[1]);
}

int cmd_unload(int argc, char **argv)
{
	if (argc > 1) {
		ab_err("unload: unexpected argument '%s'", argv[1]);
		help_usage("unload");
		return EXIT_USAGE;
	}
	if (syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK) == 0)
		return EXIT_OK;
	switch (errno) {
	case ENOENT:
		if (no_module_support()) {
			ab_err("this kernel has no module support (CONFIG_MODULES=n)");
			return EXIT_NO_MODULE;
		}
		fprintf(stderr, "allocbench: note: module %s is not loaded\n", MODULE_NAME);
		return EXIT_OK;
	case ENOSYS:
		ab_err("this kernel has no module support (CONFIG_MODULES=n)");
		return EXIT_NO_MODULE;
	case EPERM:
		ab_err("not root or module unloading locked down: unloading needs root");
		return EXIT_NO_MODULE;
	case EWOULDBLOCK:
		ab_err("module %s is in use (is an allocbench run still going?)", MODULE_NAME);
		return EXIT_FAILURE_RUN;
	default:
		ab_err("delete_module(%s) failed: %s", MODULE_NAME, strerror(errno));
		return EXIT_FAILURE_RUN;
	}
}
