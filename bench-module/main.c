// SPDX-License-Identifier: GPL-2.0
/*
 * allocbench: times the kernel's memory allocators from user space requests.
 *
 * /dev/allocbench: module init and the ioctl table. Each ioctl lives in
 * its own file (include/uapi/allocbench.h documents them): INFO and
 * ALLOCATOR here, RUN in run.c, ACCESS in access.c, FRAG in frag.c,
 * FOOTPRINT in footprint.c, SCALE in scale.c, VSPACE in vspace.c.
 */
#include <linux/capability.h>
#include <linux/compat.h>
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/math64.h>
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
#include "request.h"
#include "timing.h"

#define AB_MODULE_VERSION	"1.0.0"

static int ab_info_validate(const void *req)
{
	const struct allocbench_info *in = req;

	/* vmalloc_start was reserved[0]: zero on input, as before */
	if (in->vmalloc_start)
		return -EINVAL;
	return ab_all_zero(in->reserved, ARRAY_SIZE(in->reserved)) ? 0 : -EINVAL;
}

static long ab_ioctl_info(struct file *file, void __user *uarg)
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
	/* A kernel address: only for those who may see vmallocinfo's (kptr_restrict 1). */
	if (capable(CAP_SYSLOG))
		info.vmalloc_start = VMALLOC_START;
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
	return ab_all_zero(ai->reserved, ARRAY_SIZE(ai->reserved)) ? 0 : -EINVAL;
}

static long ab_ioctl_allocator(struct file *file, void __user *uarg)
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

/**
 * struct ab_ioctl_door - one ioctl of /dev/allocbench
 * @cmd: its number, checked in full (type, nr, direction and size)
 * @handler: reads, validates and answers the request
 * @takes_memory: the request allocates or holds memory: it needs
 *	CAP_SYS_ADMIN and a descriptor open for writing, whatever the node's
 *	mode says (a udev rule or a chmod must not hand out memory pinning)
 */
struct ab_ioctl_door {
	unsigned int cmd;
	long (*handler)(struct file *file, void __user *uarg);
	bool takes_memory;
};

static const struct ab_ioctl_door ab_doors[] = {
	{ ALLOCBENCH_IOC_INFO,		ab_ioctl_info,		false },
	{ ALLOCBENCH_IOC_ALLOCATOR,	ab_ioctl_allocator,	false },
	{ ALLOCBENCH_IOC_RUN,		ab_ioctl_run,		true },
	{ ALLOCBENCH_IOC_ACCESS,	ab_ioctl_access,	true },
	{ ALLOCBENCH_IOC_FRAG,		ab_ioctl_frag,		true },
	{ ALLOCBENCH_IOC_FOOTPRINT,	ab_ioctl_footprint,	true },
	{ ALLOCBENCH_IOC_SCALE,		ab_ioctl_scale,		true },
	{ ALLOCBENCH_IOC_VSPACE,	ab_ioctl_vspace,	true },
};

static long ab_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	const struct ab_ioctl_door *door = NULL;
	int i;

	/*
	 * Matched by type and number only: the struct's own size field, not
	 * _IOC_SIZE(cmd), says which layout the caller speaks.
	 */
	for (i = 0; i < ARRAY_SIZE(ab_doors); i++)
		if (_IOC_TYPE(cmd) == _IOC_TYPE(ab_doors[i].cmd) &&
		    _IOC_NR(cmd) == _IOC_NR(ab_doors[i].cmd))
			door = &ab_doors[i];
	if (!door)
		return -ENOTTY;
	if (door->takes_memory) {
		if (!capable(CAP_SYS_ADMIN))
			return -EPERM;
		if (!(file->f_mode & FMODE_WRITE))
			return -EBADF;
	}
	return door->handler(file, (void __user *)arg);
}

static const struct file_operations ab_fops = {
	.owner		= THIS_MODULE,
	/* per-file state: a fragmentation hold and a vmalloc-range hold die with their file */
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
	u32 call_frac;
	int ret;

	ret = ab_timer_init();
	if (ret)
		return ret;
	ab_run_calibrate();
	ab_slab_debug_measure();
	ret = misc_register(&ab_misc);
	if (ret)
		return ret;
	pr_info("allocbench: %s, timer %s %llu Hz overhead %llu ticks, call %llu.%03u ticks, kmem_cache unmerged by %s, up to %llu bytes\n",
		AB_MODULE_VERSION,
		ab_timer.kind == ALLOCBENCH_TIMER_TSC ? "tsc" : "ktime",
		ab_timer.hz, ab_timer.overhead,
		div_u64_rem(ab_timer.call_mticks, 1000, &call_frac),
		call_frac, AB_KMEM_CACHE_UNMERGE,
		ab_allocators[ALLOCBENCH_KMEM_CACHE].call_max());
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
