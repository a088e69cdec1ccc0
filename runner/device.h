/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/allocbench: open with clear reasons, INFO/ALLOCATOR/RUN wrappers, ABI check.
 */
#ifndef ALLOCBENCH_DEVICE_H
#define ALLOCBENCH_DEVICE_H

#include "allocbench.h"
#include "plan.h"

/* ioctl(2), or a stand-in for the module in tests. -1 with errno on failure. */
typedef int (*device_ioctl_fn)(int fd, unsigned long cmd, void *arg);

struct device {
	int fd;
	device_ioctl_fn ioctl_fn;	/* NULL: ioctl(2) */
	struct allocbench_info info;
	struct allocbench_allocator_info alloc[ALLOCBENCH_NR_ALLOCATORS];
	int alloc_known[ALLOCBENCH_NR_ALLOCATORS];	/* ALLOCATOR ioctl answered */
};

/*
 * Opens the device, reads INFO and every allocator, checks the ABI version.
 * 0, or prints why on stderr and returns EXIT_NO_MODULE.
 */
int device_open(struct device *d);
void device_close(struct device *d);

/*
 * Times one request is sent again after EINTR before giving up: enough for
 * any job control or debugger session, finite if something keeps
 * interrupting the process.
 */
#define DEVICE_MAX_RESTARTS	100

/*
 * One request to the module (cmd's _IOC_SIZE bytes at arg): 0 or -errno.
 * The module stops a request on any pending signal, and stopping and
 * continuing the process (Ctrl-Z, SIGSTOP/SIGCONT, a debugger attaching)
 * leaves one pending: EINTR alone does not mean the user asked to stop.
 * Only ab_stop (our SIGINT/SIGTERM handler) does; otherwise the request is
 * sent again, as it was before the first try (the module guarantees that an
 * interrupted request left nothing allocated or held).
 */
int device_ioctl(struct device *d, unsigned long cmd, void *arg);

/* ALLOCBENCH_IOC_RUN: fills the size field; 0 or -errno, through device_ioctl(). */
int device_run(struct device *d, struct allocbench_run *req);

/* ALLOCBENCH_IOC_SCALE: fills the size field; 0 or -errno, through device_ioctl(). */
int device_scale(struct device *d, struct allocbench_scale *req);

/* Allocator offered by this kernel (INFO.allocators bit). */
int device_has_allocator(const struct device *d, unsigned id);

#endif
