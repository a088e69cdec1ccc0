/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-open-file state and the requests of the limits and fragmentation
 * experiments (ALLOCBENCH_IOC_FRAG, ALLOCBENCH_IOC_FOOTPRINT).
 */
#ifndef _ALLOCBENCH_FRAG_H
#define _ALLOCBENCH_FRAG_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

struct file;
struct inode;

/**
 * struct ab_file - what one open /dev/allocbench owns
 * @lock: serialises the requests of this file that change its state
 * @held: pages of a fragmentation hold, linked through page->lru
 * @nr_held: entries in @held
 * @flush: blocks of the largest order taken at HOLD and split into order-0
 *	pages at release to push the released pins off the per-CPU free
 *	lists (see ab_frag_release_held()), linked through page->lru
 * @holding: this file owns the system's one hold
 *
 * Everything here is freed by ab_file_release(), so closing the file (and
 * therefore killing the process) gives every page back.
 */
struct ab_file {
	struct mutex lock;
	struct list_head held;
	unsigned long nr_held;
	struct list_head flush;
	bool holding;
};

int ab_file_open(struct inode *inode, struct file *file);
int ab_file_release(struct inode *inode, struct file *file);
long ab_ioctl_frag(struct file *file, void __user *uarg);
long ab_ioctl_footprint(void __user *uarg);

#endif /* _ALLOCBENCH_FRAG_H */
