/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Declarations shared by main.c and run.c.
 */
#ifndef _ALLOCBENCH_INTERNAL_H
#define _ALLOCBENCH_INTERNAL_H

#include <linux/types.h>
#include <linux/compiler.h>

int ab_copy_in(void *dst, size_t ksize, const void __user *src, u32 *usize);
int ab_check_tail(const void __user *src, u32 usize, size_t ksize);
long ab_ioctl_run(void __user *uarg);
/* access.c (issue 4) */
long ab_ioctl_access(void __user *uarg);
void ab_run_calibrate(void);

#endif /* _ALLOCBENCH_INTERNAL_H */
