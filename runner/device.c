// SPDX-License-Identifier: GPL-2.0
#include "device.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "commands.h"
#include "util.h"

static int sys_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg);
}

/*
 * EPERM and EBADF come from the module's door, before any request is read:
 * say what they mean once, whatever experiment sent the request.
 */
static void explain_refusal(int err)
{
	static int told;

	if (told++)
		return;
	if (err == EPERM)
		ab_err("%s refused a request: requests that take memory need CAP_SYS_ADMIN, "
		       "whatever the device node's mode says: run allocbench as root (sudo).",
		       ALLOCBENCH_DEVICE);
	else
		ab_err("%s refused a request: the descriptor is not open for writing.",
		       ALLOCBENCH_DEVICE);
}

int device_ioctl(struct device *d, unsigned long cmd, void *arg)
{
	device_ioctl_fn fn = d->ioctl_fn ? d->ioctl_fn : sys_ioctl;
	size_t size = _IOC_SIZE(cmd);
	unsigned char request[1U << _IOC_SIZEBITS];	/* the request as the caller made it */

	if (size)
		memcpy(request, arg, size);
	for (unsigned restarts = 0;; restarts++) {
		int err;

		if (fn(d->fd, cmd, arg) == 0)
			return 0;
		err = errno;
		if (err == EPERM || err == EBADF)
			explain_refusal(err);
		if (err != EINTR || ab_stop)
			return -err;
		if (restarts == DEVICE_MAX_RESTARTS) {
			ab_err("a request to %s was interrupted %u times in a row (is something stopping "
			       "and continuing the runner?): giving up", ALLOCBENCH_DEVICE, restarts + 1);
			return -EINTR;
		}
		if (size)
			memcpy(arg, request, size);
	}
}

/* Where `make module` leaves the module for the running kernel, for messages. */
static const char *ko_hint(char *buf, size_t len)
{
	struct utsname u;

	snprintf(buf, len, "build/%s/module/allocbench.ko", uname(&u) == 0 ? u.release : "$(uname -r)");
	return buf;
}

int device_open(struct device *d)
{
	char ko[sizeof(((struct utsname *)0)->release) + 32];
	int err;

	memset(d, 0, sizeof(*d));
	d->fd = -1;
	d->fd = open(ALLOCBENCH_DEVICE, O_RDWR | O_CLOEXEC);
	if (d->fd < 0) {
		int e = errno;

		switch (e) {
		case ENOENT:
			ab_err("%s does not exist: the allocbench module is not loaded.\n"
			       "  Build and load it:  make module && sudo runner/allocbench load %s\n"
			       "  or run `make bench`, which builds it and falls back to a VM when this kernel cannot load it.",
			       ALLOCBENCH_DEVICE, ko_hint(ko, sizeof(ko)));
			break;
		case EACCES:
		case EPERM:
			ab_err("%s: permission denied: the device is mode 0600, run allocbench as root (sudo).",
			       ALLOCBENCH_DEVICE);
			break;
		case ENXIO:
		case ENODEV:
			ab_err("%s exists but no driver answers: the module was unloaded; load it again "
			       "(sudo allocbench load %s).", ALLOCBENCH_DEVICE, ko_hint(ko, sizeof(ko)));
			break;
		default:
			ab_err("cannot open %s: %s", ALLOCBENCH_DEVICE, strerror(e));
			break;
		}
		return EXIT_NO_MODULE;
	}
	memset(&d->info, 0, sizeof(d->info));
	d->info.size = sizeof(d->info);
	err = device_ioctl(d, ALLOCBENCH_IOC_INFO, &d->info);
	if (err) {
		int e = -err;

		if (e == ENOTTY || e == EINVAL || e == E2BIG)
			ab_err("%s does not answer INFO (%s): the loaded module speaks another ABI than "
			       "this runner (ABI %d). Rebuild both from the same tree and reload the module.",
			       ALLOCBENCH_DEVICE, strerror(e), ALLOCBENCH_ABI_VERSION);
		else
			ab_err("INFO on %s failed: %s", ALLOCBENCH_DEVICE, strerror(e));
		device_close(d);
		return EXIT_NO_MODULE;
	}
	if (d->info.abi_version != ALLOCBENCH_ABI_VERSION) {
		ab_err("module ABI %u, runner ABI %d: rebuild the runner and the module from the same tree "
		       "(make runner module), then reload (sudo allocbench unload; sudo allocbench load %s).",
		       d->info.abi_version, ALLOCBENCH_ABI_VERSION, ko_hint(ko, sizeof(ko)));
		device_close(d);
		return EXIT_NO_MODULE;
	}
	d->info.module_version[ALLOCBENCH_VERSION_LEN - 1] = '\0';
	for (unsigned i = 0; i < ALLOCBENCH_NR_ALLOCATORS; i++) {
		struct allocbench_allocator_info *a = &d->alloc[i];

		memset(a, 0, sizeof(*a));
		a->size = sizeof(*a);
		a->id = i;
		if (device_ioctl(d, ALLOCBENCH_IOC_ALLOCATOR, a) == 0) {
			a->name[ALLOCBENCH_NAME_LEN - 1] = '\0';
			d->alloc_known[i] = 1;
		}
	}
	return 0;
}

void device_close(struct device *d)
{
	if (d->fd >= 0)
		close(d->fd);
	d->fd = -1;
}

int device_run(struct device *d, struct allocbench_run *req)
{
	req->size = sizeof(*req);
	return device_ioctl(d, ALLOCBENCH_IOC_RUN, req);
}

int device_scale(struct device *d, struct allocbench_scale *req)
{
	req->size = sizeof(*req);
	return device_ioctl(d, ALLOCBENCH_IOC_SCALE, req);
}

int device_has_allocator(const struct device *d, unsigned id)
{
	return id < 64 && (d->info.allocators >> id) & 1;
}
