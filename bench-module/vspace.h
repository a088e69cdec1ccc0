/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vmalloc-range hold of ALLOCBENCH_IOC_VSPACE (vspace.c): per open file,
 * like the fragmentation hold, so that close() gives it back.
 */
#ifndef _ALLOCBENCH_VSPACE_H
#define _ALLOCBENCH_VSPACE_H

struct ab_file;
struct ab_vspace;

/* Unmaps every area @f holds and purges them; called by ab_file_release(). */
void ab_vspace_file_release(struct ab_file *f);

#endif /* _ALLOCBENCH_VSPACE_H */
