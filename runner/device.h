/* SPDX-License-Identifier: GPL-2.0 */
/*
 * /dev/allocbench: open with clear reasons, INFO/ALLOCATOR/RUN wrappers, ABI check.
 */
#ifndef ALLOCBENCH_DEVICE_H
#define ALLOCBENCH_DEVICE_H

#include "allocbench.h"
#include "plan.h"

struct device {
	int fd;
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

/* ALLOCBENCH_IOC_RUN: fills the size field; 0 or -errno. */
int device_run(struct device *d, struct allocbench_run *req);

/* Allocator offered by this kernel (INFO.allocators bit). */
int device_has_allocator(const struct device *d, unsigned id);

#endif
