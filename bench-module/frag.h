/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-open-file state: what a fragmentation hold (ALLOCBENCH_IOC_FRAG)
 * keeps until its file is closed.
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
 * @flush: blocks taken at HOLD, at most one per zone, each of the largest
 *	order the zone had (page_private() holds it), used at release to
 *	drain every CPU's free lists of that zone (see ab_frag_drain_zone()),
 *	linked through page->lru
 * @reserved_pages: pages of the module's budget this hold reserved while
 *	it was being taken
 * @holding: this file owns the system's one hold
 * @vspace: this file's hold on the vmalloc range (vspace.c), or NULL
 *
 * Everything here is freed by ab_file_release(), so closing the file (and
 * therefore killing the process) gives every page back.
 */
struct ab_file {
	struct mutex lock;
	struct list_head held;
	unsigned long nr_held;
	struct list_head flush;
	unsigned long reserved_pages;
	bool holding;
	struct ab_vspace *vspace;
};

int ab_file_open(struct inode *inode, struct file *file);
int ab_file_release(struct inode *inode, struct file *file);

#endif /* _ALLOCBENCH_FRAG_H */
