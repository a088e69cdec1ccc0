/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by the module's files.
 */
#ifndef _ALLOCBENCH_INTERNAL_H
#define _ALLOCBENCH_INTERNAL_H

#include <linux/types.h>
#include <linux/compiler.h>

int ab_copy_request(void *dst, size_t ksize, const void __user *uarg,
		    int (*validate)(const void *req), u32 *usize);
long ab_ioctl_run(void __user *uarg);
/* access.c (issue 4) */
long ab_ioctl_access(void __user *uarg);
void ab_run_calibrate(void);

#endif /* _ALLOCBENCH_INTERNAL_H */
