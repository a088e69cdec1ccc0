/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The ioctl handlers main.c's table calls, one per file, and what init runs.
 */
#ifndef _ALLOCBENCH_INTERNAL_H
#define _ALLOCBENCH_INTERNAL_H

#include <linux/types.h>
#include <linux/compiler.h>

struct file;

long ab_ioctl_run(struct file *file, void __user *uarg);	/* run.c */
long ab_ioctl_access(struct file *file, void __user *uarg);	/* access.c */
long ab_ioctl_frag(struct file *file, void __user *uarg);	/* frag.c */
long ab_ioctl_footprint(struct file *file, void __user *uarg);	/* footprint.c */
long ab_ioctl_scale(struct file *file, void __user *uarg);	/* scale.c */
long ab_ioctl_vspace(struct file *file, void __user *uarg);	/* vspace.c */

/* One measurement at a time: RUN series and SCALE requests (run.c). */
int ab_measure_lock(void);
void ab_measure_unlock(void);

void ab_run_calibrate(void);					/* run.c */
void ab_slab_debug_measure(void);				/* allocators.c */

#endif /* _ALLOCBENCH_INTERNAL_H */
