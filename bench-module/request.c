// SPDX-License-Identifier: GPL-2.0
/*
 * Reading an ioctl's struct from user space, and the checks every request
 * makes before it does any work, in the ABI's errno order.
 */
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/uaccess.h>
#include "request.h"

/*
 * The struct's own size field is authoritative, not _IOC_SIZE(cmd): a
 * runner built against a newer header still reaches us, and every layout
 * is judged like copy_struct_from_user() judges it. Tail bytes are checked
 * after the request's own checks because the ABI orders -EINVAL before -E2BIG.
 */
static int ab_copy_in(void *dst, size_t ksize, const void __user *src, u32 *usize)
{
	if (get_user(*usize, (const u32 __user *)src))
		return -EFAULT;
	/* ABI 1 is the first layout: nothing smaller exists. */
	if (*usize < ksize)
		return -EINVAL;
	if (copy_from_user(dst, src, ksize))
		return -EFAULT;
	return 0;
}

static int ab_check_tail(const void __user *src, u32 usize, size_t ksize)
{
	int ret;

	if (usize == ksize)
		return 0;
	/* Bounded like perf_copy_attr(): no struct of ours will reach a page. */
	if (usize > PAGE_SIZE)
		return -E2BIG;
	ret = check_zeroed_user(src + ksize, usize - ksize);
	if (ret < 0)
		return ret;
	return ret ? 0 : -E2BIG;
}

/**
 * ab_copy_request() - read an ioctl's struct, errors in the ABI's order
 * @dst: the module's copy, @ksize bytes
 * @ksize: sizeof the module's layout
 * @uarg: the caller's struct; its first __u32 is the caller's size
 * @validate: the request's own checks on @dst (-EINVAL and kin), or NULL
 * @usize: out: the caller's size, for copying the answer back
 *
 * -EFAULT when unreadable; -EINVAL below the first layout; then whatever
 * @validate says; then -E2BIG for a larger layout whose unknown tail is
 * not zero. Every ioctl reads its request through here.
 */
int ab_copy_request(void *dst, size_t ksize, const void __user *uarg,
		    int (*validate)(const void *req), u32 *usize)
{
	int ret;

	ret = ab_copy_in(dst, ksize, uarg, usize);
	if (!ret && validate)
		ret = validate(dst);
	if (!ret)
		ret = ab_check_tail(uarg, *usize, ksize);
	return ret;
}

/**
 * ab_answer_writable() - fail now if the answer could not be written later
 * @uarg: the caller's struct
 * @req: the module's copy of it, as read
 * @usize: the caller's size
 * @ksize: sizeof the module's layout
 *
 * Writes the request back unchanged. A struct in a read-only page then
 * fails with -EFAULT before any memory is taken or any sample written, so
 * a failed ioctl has no lasting effect.
 */
int ab_answer_writable(void __user *uarg, const void *req, u32 usize, size_t ksize)
{
	return copy_to_user(uarg, req, min_t(size_t, usize, ksize)) ? -EFAULT : 0;
}

/* Reads one byte and writes it back: -EFAULT unless the page is writable. */
static int ab_touch_user_byte(u8 __user *p)
{
	u8 v;

	return get_user(v, p) || put_user(v, p) ? -EFAULT : 0;
}

/**
 * ab_user_writable() - @len bytes at @uptr exist and can be written
 * @uptr: the caller's buffer
 * @len: its length
 *
 * One byte of every page it spans, and its last byte, is read and written
 * back unchanged: a buffer that runs into a read-only or unmapped page
 * fails with -EFAULT and nothing in it has changed.
 */
int ab_user_writable(void __user *uptr, size_t len)
{
	unsigned long addr = (unsigned long)uptr, end;

	if (!len)
		return 0;
	if (!access_ok(uptr, len))
		return -EFAULT;
	end = addr + len - 1;
	for (; addr < end; addr = (addr | (PAGE_SIZE - 1)) + 1)
		if (ab_touch_user_byte((u8 __user *)addr))
			return -EFAULT;
	return ab_touch_user_byte((u8 __user *)end);
}

/* The sample buffer of @n entries can be written (see ab_user_writable()). */
int ab_samples_writable(u64 __user *usamples, size_t n)
{
	return ab_user_writable(usamples, n * sizeof(u64));
}
