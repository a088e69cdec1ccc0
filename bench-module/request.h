/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading and checking an ioctl's struct (request.c).
 */
#ifndef _ALLOCBENCH_REQUEST_H
#define _ALLOCBENCH_REQUEST_H

#include <linux/compiler.h>
#include <linux/types.h>

int ab_copy_request(void *dst, size_t ksize, const void __user *uarg,
		    int (*validate)(const void *req), u32 *usize);
int ab_answer_writable(void __user *uarg, const void *req, u32 usize, size_t ksize);
int ab_user_writable(void __user *uptr, size_t len);
int ab_samples_writable(u64 __user *usamples, size_t n);

/* True when every one of the @n reserved words is zero. */
static inline bool ab_all_zero(const __u64 *r, size_t n)
{
	while (n--)
		if (r[n])
			return false;
	return true;
}

#endif /* _ALLOCBENCH_REQUEST_H */
