// SPDX-License-Identifier: GPL-2.0
/*
 * allocbench: times the kernel's memory allocators from user space requests.
 *
 * /dev/allocbench takes three ioctls (include/uapi/allocbench.h): INFO
 * describes the kernel, ALLOCATOR one table entry, RUN one measurement.
 */
#include <linux/compat.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include "allocbench.h"
#include "allocators.h"
#include "compat.h"
#include "frag.h"
#include "internal.h"
#include "timing.h"

#define AB_MODULE_VERSION	"1.0.0"

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

static int ab_reserved_zero(const __u64 *r, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (r[i])
			return -EINVAL;
	return 0;
}

static int ab_info_validate(const void *req)
{
	const struct allocbench_info *in = req;

	return ab_reserved_zero(in->reserved, ARRAY_SIZE(in->reserved));
}

static long ab_ioctl_info(void __user *uarg)
{
	struct allocbench_info info;
	u32 usize;
	int i, ret;

	ret = ab_copy_request(&info, sizeof(info), uarg, ab_info_validate, &usize);
	if (ret)
		return ret;

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	info.abi_version = ALLOCBENCH_ABI_VERSION;
	strscpy(info.module_version, AB_MODULE_VERSION, sizeof(info.module_version));
	info.page_size = PAGE_SIZE;
	info.max_order = AB_MAX_ORDER;
	info.max_order_const = AB_MAX_ORDER_CONST;
	info.max_order_kind = AB_MAX_ORDER_KIND;
	info.page_alloc_costly_order = PAGE_ALLOC_COSTLY_ORDER;
	info.nr_cpus = num_online_cpus();
	info.kmalloc_max_size = KMALLOC_MAX_SIZE;
	info.kmalloc_max_cache_size = KMALLOC_MAX_CACHE_SIZE;
	info.pmd_size = PMD_SIZE;
	info.vmalloc_total = VMALLOC_END - VMALLOC_START;
	info.totalram_bytes = (u64)totalram_pages() << PAGE_SHIFT;
	info.timer_kind = ab_timer.kind;
	info.init_on_alloc = want_init_on_alloc(GFP_KERNEL);
	info.init_on_free = want_init_on_free();
	info.timer_hz = ab_timer.hz;
	info.timer_overhead_ticks = ab_timer.overhead;
	info.call_overhead_mticks = ab_timer.call_mticks;
	for (i = 0; i < ALLOCBENCH_NR_ALLOCATORS; i++)
		if (ab_available(&ab_allocators[i]))
			info.allocators |= BIT_ULL(i);

	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
}

static int ab_allocator_validate(const void *req)
{
	const struct allocbench_allocator_info *ai = req;

	if (ai->id >= ALLOCBENCH_NR_ALLOCATORS)
		return -EINVAL;
	return ab_reserved_zero(ai->reserved, ARRAY_SIZE(ai->reserved));
}

static long ab_ioctl_allocator(void __user *uarg)
{
	struct allocbench_allocator_info ai;
	const struct ab_allocator *a;
	u32 usize, id;
	int ret;

	ret = ab_copy_request(&ai, sizeof(ai), uarg, ab_allocator_validate, &usize);
	if (ret)
		return ret;

	id = ai.id;
	a = &ab_allocators[id];
	memset(&ai, 0, sizeof(ai));
	ai.size = sizeof(ai);
	ai.id = id;
	strscpy(ai.name, a->name, sizeof(ai.name));
	ai.flags = a->flags;
	if (ab_available(a))
		ai.flags |= ALLOCBENCH_ALLOC_AVAILABLE;
	ai.mapping = a->mapping;
	ai.max_bytes = a->documented_max();

	if (copy_to_user(uarg, &ai, sizeof(ai)))
		return -EFAULT;
	return 0;
}

static long ab_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	if (_IOC_TYPE(cmd) != ALLOCBENCH_IOC_MAGIC)
		return -ENOTTY;
	switch (_IOC_NR(cmd)) {
	case _IOC_NR(ALLOCBENCH_IOC_INFO):
		return ab_ioctl_info(uarg);
	case _IOC_NR(ALLOCBENCH_IOC_ALLOCATOR):
		return ab_ioctl_allocator(uarg);
	case _IOC_NR(ALLOCBENCH_IOC_RUN):
		return ab_ioctl_run(uarg);
	/* access latency (issue 4) */
	case _IOC_NR(ALLOCBENCH_IOC_ACCESS):
		return ab_ioctl_access(uarg);
	/* limits and fragmentation (issue 3) */
	case _IOC_NR(ALLOCBENCH_IOC_FRAG):
		return ab_ioctl_frag(file, uarg);
	case _IOC_NR(ALLOCBENCH_IOC_FOOTPRINT):
		return ab_ioctl_footprint(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations ab_fops = {
	.owner		= THIS_MODULE,
	/* per-file state (issue 3): a fragmentation hold dies with its file */
	.open		= ab_file_open,
	.release	= ab_file_release,
	.unlocked_ioctl	= ab_ioctl,
	/* All structs are fixed-width with 8-byte aligned u64s: same layout. */
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static struct miscdevice ab_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "allocbench",
	.fops	= &ab_fops,
	.mode	= 0600,
};

static int __init ab_init(void)
{
	int ret;

	ret = ab_timer_init();
	if (ret)
		return ret;
	ab_run_calibrate();
	ret = misc_register(&ab_misc);
	if (ret)
		return ret;
	pr_info("allocbench: %s, timer %s %llu Hz overhead %llu ticks, call %llu.%03llu ticks, kmem_cache unmerged by %s\n",
		AB_MODULE_VERSION,
		ab_timer.kind == ALLOCBENCH_TIMER_TSC ? "tsc" : "ktime",
		ab_timer.hz, ab_timer.overhead, ab_timer.call_mticks / 1000,
		ab_timer.call_mticks % 1000, AB_KMEM_CACHE_UNMERGE);
	return 0;
}

static void __exit ab_exit(void)
{
	misc_deregister(&ab_misc);
}

module_init(ab_init);
module_exit(ab_exit);

MODULE_DESCRIPTION("Benchmark of the kernel memory allocators");
MODULE_AUTHOR("allocbench");
/* GPL: vmalloc_huge() and si_mem_available() are EXPORT_SYMBOL_GPL. */
MODULE_LICENSE("GPL");
MODULE_VERSION(AB_MODULE_VERSION);
