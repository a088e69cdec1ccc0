// SPDX-License-Identifier: GPL-2.0
/*
 * abi-abuse: malformed requests against /dev/allocbench, each with the errno
 * the ABI documents, plus a few valid ones that must succeed.
 *
 *   gcc -std=c11 -O2 -Wall -Wextra -Werror -static \
 *       -I bench-module/include/uapi tests/integration/abi-abuse.c
 *
 * Prints "ok - <desc>" / "not ok - <desc> (got X, want Y)" per case and
 * "N passed, N failed" at the end; exits 1 if any case failed.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "allocbench.h"

#define COUNT_OK	100
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int fd = -1;
static int passed, failed;
static struct allocbench_info info;
static uint64_t samples[2 * 4096];

static const char *errname(int e)
{
	switch (e) {
	case 0: return "0";
	case EINVAL: return "EINVAL";
	case E2BIG: return "E2BIG";
	case EFAULT: return "EFAULT";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ENOMEM: return "ENOMEM";
	case ENOTTY: return "ENOTTY";
	case EINTR: return "EINTR";
	case EBUSY: return "EBUSY";
	case ERANGE: return "ERANGE";
	case EPERM: return "EPERM";
	case EBADF: return "EBADF";
	default: return strerror(e);
	}
}

static void report(int ok, const char *fmt, ...)
{
	va_list ap;

	printf(ok ? "ok - " : "not ok - ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (ok)
		passed++;
	else
		failed++;
}

/* ioctl returning 0 or the positive errno. */
static int xioctl(unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? errno : 0;
}

static void expect(const char *desc, int got, int want)
{
	if (got == want)
		report(1, "%s", desc);
	else
		report(0, "%s (got %s, want %s)", desc, errname(got), errname(want));
}

/* A valid request: kmalloc 64 B, pair, COUNT_OK samples. */
static struct allocbench_run valid_run(void)
{
	struct allocbench_run r;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.allocator = ALLOCBENCH_KMALLOC;
	r.op = ALLOCBENCH_OP_PAIR;
	r.gfp = ALLOCBENCH_GFP_KERNEL;
	r.bytes = 64;
	r.count = COUNT_OK;
	r.batch = 1;
	r.samples = (uintptr_t)samples;
	r.samples_cap = ARRAY_SIZE(samples);
	return r;
}

static int run(struct allocbench_run *r)
{
	return xioctl(ALLOCBENCH_IOC_RUN, r);
}

/* One table row: mutate a valid request, expect an errno. */
struct bad_case {
	const char *desc;
	void (*mutate)(struct allocbench_run *r);
	int want;
};

#define MUT(name, body) static void name(struct allocbench_run *r) { body; }

MUT(m_alloc, r->allocator = ALLOCBENCH_NR_ALLOCATORS)
MUT(m_alloc_huge, r->allocator = 0xffffffffu)
MUT(m_op, r->op = ALLOCBENCH_NR_OPS)
MUT(m_gfp, r->gfp = ALLOCBENCH_NR_GFP)
MUT(m_pattern, r->pattern = 1)
MUT(m_flag, r->flags = 1u << 31)
MUT(m_flag2, r->flags = ALLOCBENCH_RUN_FLAGS_ALL | (ALLOCBENCH_RUN_FLAGS_ALL + 1))
MUT(m_bytes0, r->bytes = 0)
MUT(m_bytes_big, r->bytes = info.totalram_bytes + info.page_size)
MUT(m_bytes_max, r->bytes = ~0ull)
MUT(m_count0, r->count = 0)
MUT(m_count_big, r->count = ALLOCBENCH_MAX_COUNT + 1; r->samples_cap = ~0u)
MUT(m_batch0, r->batch = 0)
MUT(m_batch_big, r->batch = ALLOCBENCH_MAX_BATCH + 1)
MUT(m_batch_bytes, r->bytes = 1 << 20; r->batch = (ALLOCBENCH_MAX_BATCH_BYTES >> 20) + 1;
	r->count = 1; r->samples_cap = COUNT_OK)
MUT(m_warmup_big, r->warmup = ALLOCBENCH_MAX_WARMUP + 1)
MUT(m_burst_pair, r->burst = 10)
MUT(m_burst_div, r->op = ALLOCBENCH_OP_BURST; r->burst = 7)
MUT(m_burst0, r->op = ALLOCBENCH_OP_BURST; r->burst = 0)
MUT(m_burst_big, r->op = ALLOCBENCH_OP_BURST; r->count = 2 * ALLOCBENCH_MAX_BURST + 2;
	r->burst = ALLOCBENCH_MAX_BURST + 1; r->samples_cap = ~0u)
MUT(m_burst_batch, r->op = ALLOCBENCH_OP_BURST; r->burst = 10; r->batch = 2)
MUT(m_cap, r->samples_cap = COUNT_OK - 1)
MUT(m_cap_burst, r->op = ALLOCBENCH_OP_BURST; r->burst = 10; r->samples_cap = COUNT_OK)
MUT(m_null, r->samples = 0)
MUT(m_one, r->samples = 1)
MUT(m_kaddr, r->samples = 0xffff888000000000ull)
MUT(m_noncanon, r->samples = 0x8000000000000000ull)
MUT(m_reserved, r->reserved[1] = 1)
MUT(m_pad, r->__pad0 = 1)
MUT(m_out_written, r->samples_written = 1)
MUT(m_out_failures, r->failures = 1)
MUT(m_out_cpu, r->cpu = 1)
MUT(m_out_flags, r->out_flags = 1)
MUT(m_out_fallbacks, r->fallbacks = 1)
MUT(m_out_elapsed, r->elapsed_ns = 1)
MUT(m_out_setup, r->setup_ns = 1)
MUT(m_out_timer, r->timer_overhead_ticks = 1)
MUT(m_size_small, r->size = sizeof(*r) - 8)
MUT(m_size0, r->size = 0)
MUT(m_atomic_vmalloc, r->allocator = ALLOCBENCH_VMALLOC; r->gfp = ALLOCBENCH_GFP_ATOMIC)
MUT(m_atomic_vzalloc, r->allocator = ALLOCBENCH_VZALLOC; r->gfp = ALLOCBENCH_GFP_ATOMIC)
MUT(m_atomic_vmap, r->allocator = ALLOCBENCH_VMAP; r->gfp = ALLOCBENCH_GFP_ATOMIC)
MUT(m_atomic_huge, r->allocator = ALLOCBENCH_VMALLOC_HUGE; r->gfp = ALLOCBENCH_GFP_ATOMIC)
MUT(m_guard, r->allocator = ALLOCBENCH_VMALLOC; r->bytes = info.totalram_bytes; r->op = ALLOCBENCH_OP_ALLOC)
/* Objects held at once, not one long region: a burst (a batch would hit MAX_BATCH_BYTES). */
MUT(m_guard_burst, r->bytes = info.totalram_bytes / 16; r->op = ALLOCBENCH_OP_BURST;
	r->burst = 10; r->count = 10)
/* Errno order: the earlier class wins when two are wrong at once. */
MUT(m_order_inval_e2big, r->allocator = ALLOCBENCH_NR_ALLOCATORS; r->bytes = ~0ull)
MUT(m_order_e2big_fault, r->bytes = ~0ull; r->samples = 0)
MUT(m_order_fault_notsupp, r->allocator = ALLOCBENCH_VMALLOC; r->gfp = ALLOCBENCH_GFP_ATOMIC; r->samples = 1)
MUT(m_order_notsupp_nomem, r->allocator = ALLOCBENCH_VMALLOC; r->gfp = ALLOCBENCH_GFP_ATOMIC;
	r->bytes = info.totalram_bytes; r->op = ALLOCBENCH_OP_BURST; r->burst = 4; r->count = 4)

static const struct bad_case bad_cases[] = {
	{ "RUN allocator = NR_ALLOCATORS -> EINVAL", m_alloc, EINVAL },
	{ "RUN allocator = 0xffffffff -> EINVAL", m_alloc_huge, EINVAL },
	{ "RUN op = NR_OPS -> EINVAL", m_op, EINVAL },
	{ "RUN gfp = NR_GFP -> EINVAL", m_gfp, EINVAL },
	{ "RUN pattern = 1 -> EINVAL", m_pattern, EINVAL },
	{ "RUN unknown flag bit 31 -> EINVAL", m_flag, EINVAL },
	{ "RUN every known flag plus the next bit -> EINVAL", m_flag2, EINVAL },
	{ "RUN bytes = 0 -> EINVAL", m_bytes0, EINVAL },
	{ "RUN bytes = totalram + 1 page -> E2BIG", m_bytes_big, E2BIG },
	{ "RUN bytes = U64_MAX -> E2BIG", m_bytes_max, E2BIG },
	{ "RUN count = 0 -> EINVAL", m_count0, EINVAL },
	{ "RUN count = MAX_COUNT + 1 -> EINVAL", m_count_big, EINVAL },
	{ "RUN batch = 0 -> EINVAL", m_batch0, EINVAL },
	{ "RUN batch = MAX_BATCH + 1 -> EINVAL", m_batch_big, EINVAL },
	{ "RUN warmup = MAX_WARMUP + 1 -> EINVAL", m_warmup_big, EINVAL },
	{ "RUN 1M x batch above MAX_BATCH_BYTES -> E2BIG", m_batch_bytes, E2BIG },
	{ "RUN burst set with op pair -> EINVAL", m_burst_pair, EINVAL },
	{ "RUN burst 7 does not divide count 100 -> EINVAL", m_burst_div, EINVAL },
	{ "RUN op burst with burst = 0 -> EINVAL", m_burst0, EINVAL },
	{ "RUN burst = MAX_BURST + 1 -> EINVAL", m_burst_big, EINVAL },
	{ "RUN op burst with batch 2 -> EINVAL", m_burst_batch, EINVAL },
	{ "RUN samples_cap = count - 1 -> EINVAL", m_cap, EINVAL },
	{ "RUN burst samples_cap = count (< 2 * count) -> EINVAL", m_cap_burst, EINVAL },
	{ "RUN samples = NULL -> EFAULT", m_null, EFAULT },
	{ "RUN samples = (void *)1 -> EFAULT", m_one, EFAULT },
	{ "RUN samples = kernel address 0xffff888000000000 -> EFAULT", m_kaddr, EFAULT },
	{ "RUN samples = non-canonical 0x8000000000000000 -> EFAULT", m_noncanon, EFAULT },
	{ "RUN reserved[1] != 0 -> EINVAL", m_reserved, EINVAL },
	{ "RUN __pad0 != 0 -> EINVAL", m_pad, EINVAL },
	{ "RUN output samples_written != 0 on input -> EINVAL", m_out_written, EINVAL },
	{ "RUN output failures != 0 on input -> EINVAL", m_out_failures, EINVAL },
	{ "RUN output cpu != 0 on input -> EINVAL", m_out_cpu, EINVAL },
	{ "RUN output out_flags != 0 on input -> EINVAL", m_out_flags, EINVAL },
	{ "RUN output fallbacks != 0 on input -> EINVAL", m_out_fallbacks, EINVAL },
	{ "RUN output elapsed_ns != 0 on input -> EINVAL", m_out_elapsed, EINVAL },
	{ "RUN output setup_ns != 0 on input -> EINVAL", m_out_setup, EINVAL },
	{ "RUN output timer_overhead_ticks != 0 on input -> EINVAL", m_out_timer, EINVAL },
	{ "RUN size = sizeof - 8 -> EINVAL", m_size_small, EINVAL },
	{ "RUN size = 0 -> EINVAL", m_size0, EINVAL },
	{ "RUN vmalloc with gfp atomic -> EOPNOTSUPP", m_atomic_vmalloc, EOPNOTSUPP },
	{ "RUN vzalloc with gfp atomic -> EOPNOTSUPP", m_atomic_vzalloc, EOPNOTSUPP },
	{ "RUN vmap with gfp atomic -> EOPNOTSUPP", m_atomic_vmap, EOPNOTSUPP },
	{ "RUN vmalloc_huge with gfp atomic -> EOPNOTSUPP", m_atomic_huge, EOPNOTSUPP },
	{ "RUN vmalloc of totalram (> MemAvailable / 2) -> ENOMEM", m_guard, ENOMEM },
	{ "RUN burst of 10 x totalram/16 -> ENOMEM", m_guard_burst, ENOMEM },
	{ "RUN order: bad allocator beats bytes > totalram -> EINVAL", m_order_inval_e2big, EINVAL },
	{ "RUN order: bytes > totalram beats NULL samples -> E2BIG", m_order_e2big_fault, E2BIG },
	{ "RUN order: bad samples beats atomic vmalloc -> EFAULT", m_order_fault_notsupp, EFAULT },
	{ "RUN order: atomic vmalloc beats memory guard -> EOPNOTSUPP", m_order_notsupp_nomem, EOPNOTSUPP },
};

/* A struct followed by tail bytes, for the "newer runner" cases. */
struct run_big {
	struct allocbench_run r;
	uint64_t tail[4];
};

static void test_sizes(void)
{
	struct run_big big;
	struct {
		struct allocbench_info i;
		uint64_t tail[2];
	} ibig;
	long page = sysconf(_SC_PAGESIZE);
	char *map;

	memset(&big, 0, sizeof(big));
	big.r = valid_run();
	big.r.size = sizeof(big);
	big.tail[2] = 1;
	expect("RUN size larger with nonzero tail -> E2BIG", run(&big.r), E2BIG);

	big.r = valid_run();
	big.r.size = sizeof(big);
	big.tail[2] = 0;
	expect("RUN size larger with zero tail -> 0", run(&big.r), 0);

	/* Order: an -EINVAL field wins over a nonzero tail. */
	big.r = valid_run();
	big.r.size = sizeof(big);
	big.r.op = 77;
	big.tail[0] = 1;
	expect("RUN order: bad op beats nonzero tail -> EINVAL", run(&big.r), EINVAL);

	expect("RUN struct pointer NULL -> EFAULT", xioctl(ALLOCBENCH_IOC_RUN, NULL), EFAULT);

	/* The samples buffer ends in an unmapped page. */
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (map != MAP_FAILED) {
		struct allocbench_run r = valid_run();

		munmap(map + page, page);
		r.samples = (uintptr_t)(map + page - 8 * (COUNT_OK / 2));
		r.samples_cap = COUNT_OK;
		expect("RUN samples buffer running into an unmapped page -> EFAULT", run(&r), EFAULT);
		mprotect(map, page, PROT_READ);
		r.samples = (uintptr_t)map;
		expect("RUN samples buffer read-only -> EFAULT", run(&r), EFAULT);
		munmap(map, page);
	}

	memset(&ibig, 0, sizeof(ibig));
	ibig.i.size = 0;
	expect("INFO size = 0 -> EINVAL", xioctl(ALLOCBENCH_IOC_INFO, &ibig), EINVAL);
	ibig.i.size = sizeof(ibig.i) - 4;
	expect("INFO size = sizeof - 4 -> EINVAL", xioctl(ALLOCBENCH_IOC_INFO, &ibig), EINVAL);
	ibig.i.size = sizeof(ibig);
	ibig.tail[1] = 5;
	expect("INFO size larger with nonzero tail -> E2BIG", xioctl(ALLOCBENCH_IOC_INFO, &ibig), E2BIG);
	memset(&ibig, 0, sizeof(ibig));
	ibig.i.size = sizeof(ibig.i);
	ibig.i.reserved[5] = 1;
	expect("INFO reserved[5] != 0 -> EINVAL", xioctl(ALLOCBENCH_IOC_INFO, &ibig), EINVAL);
	memset(&ibig, 0, sizeof(ibig));
	ibig.i.size = sizeof(ibig.i);
	ibig.i.vmalloc_start = 1;	/* was reserved[0]: still zero on input */
	expect("INFO vmalloc_start != 0 on input -> EINVAL", xioctl(ALLOCBENCH_IOC_INFO, &ibig), EINVAL);
	expect("INFO struct pointer bad -> EFAULT", xioctl(ALLOCBENCH_IOC_INFO, (void *)1), EFAULT);
}

static void test_allocator_ioctl(void)
{
	struct allocbench_allocator_info ai;

	memset(&ai, 0, sizeof(ai));
	ai.size = sizeof(ai);
	ai.id = ALLOCBENCH_NR_ALLOCATORS;
	expect("ALLOCATOR id = NR_ALLOCATORS -> EINVAL", xioctl(ALLOCBENCH_IOC_ALLOCATOR, &ai), EINVAL);
	ai.id = 0x80000000u;
	expect("ALLOCATOR id = 0x80000000 -> EINVAL", xioctl(ALLOCBENCH_IOC_ALLOCATOR, &ai), EINVAL);
	ai.id = 0;
	ai.size = 4;
	expect("ALLOCATOR size = 4 -> EINVAL", xioctl(ALLOCBENCH_IOC_ALLOCATOR, &ai), EINVAL);
	ai.size = sizeof(ai);
	ai.reserved[0] = 1;
	expect("ALLOCATOR reserved[0] != 0 -> EINVAL", xioctl(ALLOCBENCH_IOC_ALLOCATOR, &ai), EINVAL);

	memset(&ai, 0, sizeof(ai));
	ai.size = sizeof(ai);
	ai.id = ALLOCBENCH_KMALLOC;
	expect("ALLOCATOR kmalloc -> 0", xioctl(ALLOCBENCH_IOC_ALLOCATOR, &ai), 0);
	report(!strcmp(ai.name, "kmalloc") && (ai.flags & ALLOCBENCH_ALLOC_AVAILABLE) &&
	       (ai.flags & ALLOCBENCH_ALLOC_ATOMIC_OK) && ai.max_bytes == info.kmalloc_max_size,
	       "ALLOCATOR kmalloc: name, AVAILABLE|ATOMIC_OK, max_bytes == KMALLOC_MAX_SIZE");

	memset(&ai, 0, sizeof(ai));
	ai.size = sizeof(ai);
	ai.id = ALLOCBENCH_VMALLOC;
	expect("ALLOCATOR vmalloc -> 0", xioctl(ALLOCBENCH_IOC_ALLOCATOR, &ai), 0);
	report(!strcmp(ai.name, "vmalloc") && !(ai.flags & ALLOCBENCH_ALLOC_ATOMIC_OK) &&
	       ai.mapping == ALLOCBENCH_MAP_VMALLOC,
	       "ALLOCATOR vmalloc: not ATOMIC_OK, vmalloc mapping");
}

static void test_unknown_ioctls(void)
{
	struct allocbench_run r = valid_run();

	expect("ioctl nr 99 -> ENOTTY",
	       xioctl(_IOWR(ALLOCBENCH_IOC_MAGIC, 99, struct allocbench_run), &r), ENOTTY);
	expect("ioctl nr 0 -> ENOTTY", xioctl(_IO(ALLOCBENCH_IOC_MAGIC, 0), NULL), ENOTTY);
	expect("ioctl wrong type 'x' -> ENOTTY",
	       xioctl(_IOWR('x', 3, struct allocbench_run), &r), ENOTTY);
	/* The size in the command is not authoritative: the struct's is. */
	expect("RUN with an odd _IOC_SIZE in the command -> 0",
	       xioctl(_IOWR(ALLOCBENCH_IOC_MAGIC, 3, uint64_t), &r), 0);
}

static void test_valid(void)
{
	struct allocbench_run r;
	int ret, i, nonzero;

	r = valid_run();
	ret = run(&r);
	expect("RUN kmalloc 64 pair count 100 -> 0", ret, 0);
	for (i = 0, nonzero = 0; i < COUNT_OK; i++)
		nonzero += samples[i] != 0;
	report(!ret && r.samples_written == COUNT_OK && !r.failures && nonzero == COUNT_OK &&
	       r.elapsed_ns > 0 && r.size == sizeof(r),
	       "RUN kmalloc 64 pair: samples_written %u == 100, failures %u == 0, %d nonzero samples",
	       r.samples_written, r.failures, nonzero);

	r = valid_run();
	r.bytes = 8u << 20;
	r.op = ALLOCBENCH_OP_ALLOC;
	r.count = 10;
	ret = run(&r);
	expect("RUN kmalloc 8M alloc -> 0", ret, 0);
	report(!ret && r.failures == 10 && r.samples_written == 0,
	       "RUN kmalloc 8M alloc: failures %u == count 10, samples_written %u == 0",
	       r.failures, r.samples_written);

	r = valid_run();
	r.op = ALLOCBENCH_OP_BURST;
	r.burst = 25;
	r.flags = ALLOCBENCH_RUN_TOUCH;
	ret = run(&r);
	report(!ret && r.samples_written == 2 * COUNT_OK && samples[COUNT_OK] && samples[2 * COUNT_OK - 1],
	       "RUN kmalloc 64 burst 25 count 100 touch -> 200 samples (ret %s, %u)",
	       errname(ret), r.samples_written);

	r = valid_run();
	r.op = ALLOCBENCH_OP_ALLOC;
	r.batch = 16;
	r.gfp = ALLOCBENCH_GFP_ATOMIC;
	r.warmup = 100;
	ret = run(&r);
	report(!ret && r.samples_written == COUNT_OK,
	       "RUN kmalloc 64 alloc batch 16 atomic warmup 100 -> 100 samples (ret %s, %u)",
	       errname(ret), r.samples_written);

	r = valid_run();
	r.allocator = ALLOCBENCH_KVMALLOC;
	r.bytes = 8u << 20;
	r.count = 4;
	ret = run(&r);
	report(!ret && r.samples_written == 4 && r.fallbacks == 4,
	       "RUN kvmalloc 8M pair -> 4 samples, fallbacks %llu == 4 (ret %s)",
	       (unsigned long long)r.fallbacks, errname(ret));

	r = valid_run();
	r.allocator = ALLOCBENCH_VMAP;
	r.bytes = 1u << 20;
	r.count = 8;
	r.op = ALLOCBENCH_OP_FREE;
	r.flags = ALLOCBENCH_RUN_TOUCH;
	ret = run(&r);
	report(!ret && r.samples_written == 8 && !r.failures,
	       "RUN vmap 1M free touch -> 8 samples (ret %s, %u)", errname(ret), r.samples_written);

	/* The harness alone: the same loop through an allocator that does nothing. */
	r = valid_run();
	r.allocator = ALLOCBENCH_KMEM_CACHE;
	r.flags = ALLOCBENCH_RUN_NULL | ALLOCBENCH_RUN_TOUCH;
	r.bytes = 1u << 20;
	ret = run(&r);
	report(!ret && r.samples_written == COUNT_OK && !r.failures && !r.setup_ns &&
	       r.timer_overhead_ticks > 0,
	       "RUN NULL kmem_cache 1M pair touch -> 100 samples, no setup (ret %s, %u, setup %llu ns)",
	       errname(ret), r.samples_written, (unsigned long long)r.setup_ns);
	r = valid_run();
	r.allocator = ALLOCBENCH_KMEM_CACHE;
	r.count = 4;
	ret = run(&r);
	report(!ret && r.samples_written == 4 && r.setup_ns > 0 && r.setup_ns < r.elapsed_ns,
	       "RUN kmem_cache 64 pair: setup_ns %llu (cache create/destroy) > 0, within elapsed %llu",
	       (unsigned long long)r.setup_ns, (unsigned long long)r.elapsed_ns);

	r = valid_run();
	r.allocator = ALLOCBENCH_VMALLOC_HUGE;
	r.bytes = 2u << 20;
	r.count = 4;
	ret = run(&r);
	if (info.allocators & (1ull << ALLOCBENCH_VMALLOC_HUGE))
		expect("RUN vmalloc_huge 2M pair (available) -> 0", ret, 0);
	else
		expect("RUN vmalloc_huge (not available) -> EOPNOTSUPP", ret, EOPNOTSUPP);
}

/* ---- limits and fragmentation: RUN above limits, FRAG, FOOTPRINT ---- */

static void test_run_above_limits(void)
{
	struct allocbench_run r;
	int ret;

	/* kmem_cache above KMALLOC_MAX_SIZE: refused by the module, counted as failures */
	r = valid_run();
	r.allocator = ALLOCBENCH_KMEM_CACHE;
	r.bytes = 2 * info.kmalloc_max_size;
	r.op = ALLOCBENCH_OP_ALLOC;
	r.count = 4;
	ret = run(&r);
	report(!ret && r.failures == 4 && !r.samples_written && (r.out_flags & ALLOCBENCH_OUT_NOT_ATTEMPTED),
	       "RUN kmem_cache 2 x KMALLOC_MAX_SIZE -> 0, failures %u == 4, NOT_ATTEMPTED set (ret %s, out_flags %#x)",
	       r.failures, errname(ret), r.out_flags);

	/* alloc_pages one order above the largest: a real call that fails, not a refusal */
	r = valid_run();
	r.allocator = ALLOCBENCH_ALLOC_PAGES;
	r.bytes = (uint64_t)info.page_size << (info.max_order + 1);
	r.op = ALLOCBENCH_OP_ALLOC;
	r.count = 4;
	ret = run(&r);
	report(!ret && r.failures == 4 && !(r.out_flags & ALLOCBENCH_OUT_NOT_ATTEMPTED),
	       "RUN alloc_pages order max+1 -> 0, failures %u == 4, attempted (ret %s, out_flags %#x)",
	       r.failures, errname(ret), r.out_flags);

	/* the nowait profile (no reclaim, no compaction) serves small requests */
	r = valid_run();
	r.gfp = ALLOCBENCH_GFP_NOWAIT;
	ret = run(&r);
	report(!ret && r.samples_written == COUNT_OK && !r.failures,
	       "RUN kmalloc 64 pair gfp nowait -> 100 samples, no failures (ret %s, %u)",
	       errname(ret), r.samples_written);
}

static struct allocbench_frag frag_req(uint32_t cmd)
{
	struct allocbench_frag f;

	memset(&f, 0, sizeof(f));
	f.size = sizeof(f);
	f.cmd = cmd;
	if (cmd == ALLOCBENCH_FRAG_HOLD) {
		f.percent = 10;
		f.keep_order = 6;
	}
	return f;
}

static int frag(struct allocbench_frag *f)
{
	return xioctl(ALLOCBENCH_IOC_FRAG, f);
}

static void test_frag(void)
{
	struct {
		struct allocbench_frag f;
		uint64_t tail[2];
	} big;
	struct allocbench_frag f;
	int fd2, ret;

#define FRAG_BAD(desc, cmd, mut, want) do { f = frag_req(cmd); mut; expect(desc, frag(&f), want); } while (0)
	FRAG_BAD("FRAG cmd = NR_FRAG_CMDS -> EINVAL", ALLOCBENCH_FRAG_HOLD, f.cmd = ALLOCBENCH_NR_FRAG_CMDS, EINVAL);
	FRAG_BAD("FRAG cmd = 0xffffffff -> EINVAL", ALLOCBENCH_FRAG_HOLD, f.cmd = 0xffffffffu, EINVAL);
	FRAG_BAD("FRAG HOLD percent = 0 -> EINVAL", ALLOCBENCH_FRAG_HOLD, f.percent = 0, EINVAL);
	FRAG_BAD("FRAG HOLD percent = MAX_PERCENT + 1 -> EINVAL", ALLOCBENCH_FRAG_HOLD,
		 f.percent = ALLOCBENCH_FRAG_MAX_PERCENT + 1, EINVAL);
	FRAG_BAD("FRAG HOLD keep_order = MIN_KEEP_ORDER - 1 -> EINVAL", ALLOCBENCH_FRAG_HOLD,
		 f.keep_order = ALLOCBENCH_FRAG_MIN_KEEP_ORDER - 1, EINVAL);
	FRAG_BAD("FRAG HOLD keep_order = max_order + 1 -> EINVAL", ALLOCBENCH_FRAG_HOLD,
		 f.keep_order = info.max_order + 1, EINVAL);
	FRAG_BAD("FRAG RELEASE with percent != 0 -> EINVAL", ALLOCBENCH_FRAG_RELEASE, f.percent = 10, EINVAL);
	FRAG_BAD("FRAG RELEASE with keep_order != 0 -> EINVAL", ALLOCBENCH_FRAG_RELEASE, f.keep_order = 6, EINVAL);
	FRAG_BAD("FRAG reserved[3] != 0 -> EINVAL", ALLOCBENCH_FRAG_HOLD, f.reserved[3] = 1, EINVAL);
	FRAG_BAD("FRAG __pad0 != 0 -> EINVAL", ALLOCBENCH_FRAG_HOLD, f.__pad0 = 1, EINVAL);
	FRAG_BAD("FRAG output held_pages != 0 on input -> EINVAL", ALLOCBENCH_FRAG_HOLD, f.held_pages = 1, EINVAL);
	FRAG_BAD("FRAG output taken_pages != 0 on input -> EINVAL", ALLOCBENCH_FRAG_HOLD, f.taken_pages = 1, EINVAL);
	FRAG_BAD("FRAG output out_flags != 0 on input -> EINVAL", ALLOCBENCH_FRAG_HOLD, f.out_flags = 1, EINVAL);
	FRAG_BAD("FRAG output elapsed_ns != 0 on input -> EINVAL", ALLOCBENCH_FRAG_HOLD, f.elapsed_ns = 1, EINVAL);
	FRAG_BAD("FRAG size = sizeof - 8 -> EINVAL", ALLOCBENCH_FRAG_HOLD, f.size = sizeof(f) - 8, EINVAL);
	FRAG_BAD("FRAG size = 0 -> EINVAL", ALLOCBENCH_FRAG_HOLD, f.size = 0, EINVAL);
#undef FRAG_BAD
	expect("FRAG struct pointer NULL -> EFAULT", xioctl(ALLOCBENCH_IOC_FRAG, NULL), EFAULT);

	memset(&big, 0, sizeof(big));
	big.f = frag_req(ALLOCBENCH_FRAG_RELEASE);
	big.f.size = sizeof(big);
	big.tail[1] = 1;
	expect("FRAG size larger with nonzero tail -> E2BIG", frag(&big.f), E2BIG);
	big.tail[1] = 0;
	expect("FRAG RELEASE size larger with zero tail -> 0", frag(&big.f), 0);

	f = frag_req(ALLOCBENCH_FRAG_RELEASE);
	ret = frag(&f);
	report(!ret && f.held_pages == 0,
	       "FRAG RELEASE without a hold -> 0, held_pages %llu == 0 (ret %s)",
	       (unsigned long long)f.held_pages, errname(ret));

	/* A small hold (10 % of free memory), then the busy cases, then release. */
	f = frag_req(ALLOCBENCH_FRAG_HOLD);
	ret = frag(&f);
	report(!ret && f.held_pages > 0 && f.floor_pages > 0,
	       "FRAG HOLD 10 %% keep_order 6 -> 0, held_pages %llu > 0 (ret %s)",
	       (unsigned long long)f.held_pages, errname(ret));
	f = frag_req(ALLOCBENCH_FRAG_HOLD);
	expect("FRAG second HOLD on the same file while held -> EBUSY", frag(&f), EBUSY);
	fd2 = open(ALLOCBENCH_DEVICE, O_RDWR);
	if (fd2 >= 0) {
		f = frag_req(ALLOCBENCH_FRAG_HOLD);
		expect("FRAG HOLD on another file while held -> EBUSY",
		       ioctl(fd2, ALLOCBENCH_IOC_FRAG, &f) ? errno : 0, EBUSY);
		f = frag_req(ALLOCBENCH_FRAG_RELEASE);
		ret = ioctl(fd2, ALLOCBENCH_IOC_FRAG, &f) ? errno : 0;
		report(!ret && f.held_pages == 0,
		       "FRAG RELEASE on another file does not touch the hold -> 0, held_pages %llu == 0",
		       (unsigned long long)f.held_pages);
		close(fd2);
	}
	f = frag_req(ALLOCBENCH_FRAG_RELEASE);
	ret = frag(&f);
	report(!ret && f.held_pages > 0, "FRAG RELEASE -> 0, freed %llu pages (ret %s)",
	       (unsigned long long)f.held_pages, errname(ret));

	/* A hold left to close(): another file can hold afterwards. */
	fd2 = open(ALLOCBENCH_DEVICE, O_RDWR);
	if (fd2 >= 0) {
		f = frag_req(ALLOCBENCH_FRAG_HOLD);
		ret = ioctl(fd2, ALLOCBENCH_IOC_FRAG, &f) ? errno : 0;
		close(fd2);
		expect("FRAG HOLD on a second file, then close() without RELEASE -> 0", ret, 0);
		f = frag_req(ALLOCBENCH_FRAG_HOLD);
		expect("FRAG HOLD after the holder closed its file -> 0", frag(&f), 0);
		f = frag_req(ALLOCBENCH_FRAG_RELEASE);
		expect("FRAG RELEASE -> 0", frag(&f), 0);
	}
}

static struct allocbench_footprint fp_req(void)
{
	struct allocbench_footprint p;

	memset(&p, 0, sizeof(p));
	p.size = sizeof(p);
	p.allocator = ALLOCBENCH_KMALLOC;
	p.gfp = ALLOCBENCH_GFP_KERNEL;
	p.bytes = 100;
	return p;
}

static int footprint(struct allocbench_footprint *p)
{
	return xioctl(ALLOCBENCH_IOC_FOOTPRINT, p);
}

static void test_footprint(void)
{
	struct {
		struct allocbench_footprint p;
		uint64_t tail[2];
	} big;
	struct allocbench_footprint p;
	int ret;

#define FP_BAD(desc, mut, want) do { p = fp_req(); mut; expect(desc, footprint(&p), want); } while (0)
	FP_BAD("FOOTPRINT allocator = NR_ALLOCATORS -> EINVAL", p.allocator = ALLOCBENCH_NR_ALLOCATORS, EINVAL);
	FP_BAD("FOOTPRINT gfp = NR_GFP -> EINVAL", p.gfp = ALLOCBENCH_NR_GFP, EINVAL);
	FP_BAD("FOOTPRINT bytes = 0 -> EINVAL", p.bytes = 0, EINVAL);
	FP_BAD("FOOTPRINT reserved[0] != 0 -> EINVAL", p.reserved[0] = 1, EINVAL);
	FP_BAD("FOOTPRINT __pad0 != 0 -> EINVAL", p.__pad0 = 1, EINVAL);
	FP_BAD("FOOTPRINT output consumed_bytes != 0 on input -> EINVAL", p.consumed_bytes = 1, EINVAL);
	FP_BAD("FOOTPRINT output method != 0 on input -> EINVAL", p.method = 1, EINVAL);
	FP_BAD("FOOTPRINT output failed != 0 on input -> EINVAL", p.failed = 1, EINVAL);
	FP_BAD("FOOTPRINT size = sizeof - 8 -> EINVAL", p.size = sizeof(p) - 8, EINVAL);
	FP_BAD("FOOTPRINT size = 0 -> EINVAL", p.size = 0, EINVAL);
	FP_BAD("FOOTPRINT bytes = totalram + 1 page -> E2BIG", p.bytes = info.totalram_bytes + info.page_size, E2BIG);
	FP_BAD("FOOTPRINT vmalloc with gfp atomic -> EOPNOTSUPP",
	       p.allocator = ALLOCBENCH_VMALLOC; p.gfp = ALLOCBENCH_GFP_ATOMIC, EOPNOTSUPP);
	FP_BAD("FOOTPRINT kmalloc 2 x KMALLOC_MAX_SIZE -> ERANGE", p.bytes = 2 * info.kmalloc_max_size, ERANGE);
	{
		/*
		 * A 32-bit kernel's vmalloc range (~120 MiB) is below that size:
		 * the ABI checks -ERANGE (above max_bytes) before -ENOMEM.
		 */
		struct allocbench_allocator_info vi;
		uint64_t want = info.totalram_bytes / 4 * 3;

		memset(&vi, 0, sizeof(vi));
		vi.size = sizeof(vi);
		vi.id = ALLOCBENCH_VMALLOC;
		if (!xioctl(ALLOCBENCH_IOC_ALLOCATOR, &vi) && vi.max_bytes && want > vi.max_bytes)
			FP_BAD("FOOTPRINT vmalloc of totalram / 4 * 3, above vmalloc's max_bytes (32-bit) -> ERANGE",
			       p.allocator = ALLOCBENCH_VMALLOC; p.bytes = want, ERANGE);
		else
			FP_BAD("FOOTPRINT vmalloc of totalram / 4 * 3 (> MemAvailable / 2) -> ENOMEM",
			       p.allocator = ALLOCBENCH_VMALLOC; p.bytes = want, ENOMEM);
	}
	FP_BAD("FOOTPRINT order: bad gfp beats bytes > totalram -> EINVAL",
	       p.gfp = ALLOCBENCH_NR_GFP; p.bytes = ~0ull, EINVAL);
#undef FP_BAD
	expect("FOOTPRINT struct pointer NULL -> EFAULT", xioctl(ALLOCBENCH_IOC_FOOTPRINT, NULL), EFAULT);

	memset(&big, 0, sizeof(big));
	big.p = fp_req();
	big.p.size = sizeof(big);
	big.tail[0] = 1;
	expect("FOOTPRINT size larger with nonzero tail -> E2BIG", footprint(&big.p), E2BIG);

	p = fp_req();
	ret = footprint(&p);
	report(!ret && !p.failed && p.data_bytes == 128 && p.consumed_bytes >= p.data_bytes &&
	       (p.method & ALLOCBENCH_FP_DATA_MEASURED),
	       "FOOTPRINT kmalloc 100 -> 0, data_bytes %llu == 128 (ksize), measured (ret %s)",
	       (unsigned long long)p.data_bytes, errname(ret));
	p = fp_req();
	p.allocator = ALLOCBENCH_VMALLOC;
	p.bytes = 3 * info.page_size + 1;
	p.gfp = ALLOCBENCH_GFP_NOWAIT;
	ret = footprint(&p);
	report(!ret && !p.failed && p.data_bytes == 4ull * info.page_size && p.guard_bytes == info.page_size,
	       "FOOTPRINT vmalloc 3 pages + 1 gfp nowait -> 0, data %llu == 4 pages, guard %llu == 1 page (ret %s)",
	       (unsigned long long)p.data_bytes, (unsigned long long)p.guard_bytes, errname(ret));
}

/* ---- failing requests leave nothing behind; who may ask ---- */

/* A copy of @n bytes of @src in a page of its own, made read-only. */
static void *readonly_copy(const void *src, size_t n)
{
	long page = sysconf(_SC_PAGESIZE);
	void *p = mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memcpy(p, src, n);
	if (mprotect(p, page, PROT_READ)) {
		munmap(p, page);
		return NULL;
	}
	return p;
}

static void readonly_free(void *p)
{
	if (p)
		munmap(p, sysconf(_SC_PAGESIZE));
}

/* True when every one of the @n samples still holds @v. */
static int samples_hold(uint64_t v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (samples[i] != v)
			return 0;
	return 1;
}

static void test_readonly_structs(void)
{
	const uint64_t sentinel = 0xabababababababull;
	struct allocbench_run r = valid_run();
	struct allocbench_frag f = frag_req(ALLOCBENCH_FRAG_HOLD);
	struct allocbench_footprint p = fp_req();
	struct allocbench_access a;
	void *ro;
	int fd2, ret;

	for (size_t i = 0; i < ARRAY_SIZE(samples); i++)
		samples[i] = sentinel;
	ro = readonly_copy(&r, sizeof(r));
	ret = ro ? xioctl(ALLOCBENCH_IOC_RUN, ro) : -1;
	report(ret == EFAULT && samples_hold(sentinel, COUNT_OK),
	       "RUN with the struct in a read-only page -> EFAULT, no sample written (ret %s)",
	       errname(ret));
	readonly_free(ro);

	ro = readonly_copy(&f, sizeof(f));
	expect("FRAG HOLD with the struct in a read-only page -> EFAULT",
	       ro ? xioctl(ALLOCBENCH_IOC_FRAG, ro) : -1, EFAULT);
	readonly_free(ro);
	fd2 = open(ALLOCBENCH_DEVICE, O_RDWR);
	if (fd2 >= 0) {
		f = frag_req(ALLOCBENCH_FRAG_HOLD);
		expect("FRAG HOLD on another file after the read-only HOLD failed -> 0 (no hold left)",
		       ioctl(fd2, ALLOCBENCH_IOC_FRAG, &f) ? errno : 0, 0);
		f = frag_req(ALLOCBENCH_FRAG_RELEASE);
		ioctl(fd2, ALLOCBENCH_IOC_FRAG, &f);
		close(fd2);
	}
	f = frag_req(ALLOCBENCH_FRAG_RELEASE);
	ret = frag(&f);
	report(!ret && f.held_pages == 0,
	       "FRAG RELEASE on the file whose HOLD failed frees nothing (held_pages %llu == 0)",
	       (unsigned long long)f.held_pages);

	ro = readonly_copy(&p, sizeof(p));
	expect("FOOTPRINT with the struct in a read-only page -> EFAULT",
	       ro ? xioctl(ALLOCBENCH_IOC_FOOTPRINT, ro) : -1, EFAULT);
	readonly_free(ro);

	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.allocator = ALLOCBENCH_KMALLOC;
	a.pattern = ALLOCBENCH_PATTERN_PAGE;
	a.bytes = 16 * info.page_size;
	a.passes = 2;
	a.samples = (uintptr_t)samples;
	a.samples_cap = 2;
	samples[0] = samples[1] = sentinel;
	ro = readonly_copy(&a, sizeof(a));
	ret = ro ? xioctl(ALLOCBENCH_IOC_ACCESS, ro) : -1;
	report(ret == EFAULT && samples_hold(sentinel, 2),
	       "ACCESS with the struct in a read-only page -> EFAULT, no sample written (ret %s)",
	       errname(ret));
	readonly_free(ro);
}

/* The errno of @cmd on a descriptor @fdx, from a child that dropped to user nobody. */
static int ioctl_as_nobody(int fdx, unsigned long cmd, void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setgid(65534) || setuid(65534))
			_exit(255);
		_exit(ioctl(fdx, cmd, arg) ? errno : 0);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void test_permissions(void)
{
	struct allocbench_run r = valid_run();
	struct allocbench_frag f = frag_req(ALLOCBENCH_FRAG_HOLD);
	struct allocbench_info in;
	int rofd;

	memset(&in, 0, sizeof(in));
	in.size = sizeof(in);
	expect("INFO without CAP_SYS_ADMIN -> 0", ioctl_as_nobody(fd, ALLOCBENCH_IOC_INFO, &in), 0);
	expect("RUN without CAP_SYS_ADMIN (node opened by root) -> EPERM",
	       ioctl_as_nobody(fd, ALLOCBENCH_IOC_RUN, &r), EPERM);
	expect("FRAG HOLD without CAP_SYS_ADMIN -> EPERM",
	       ioctl_as_nobody(fd, ALLOCBENCH_IOC_FRAG, &f), EPERM);

	rofd = open(ALLOCBENCH_DEVICE, O_RDONLY);
	if (rofd < 0) {
		report(0, "open %s read-only: %s", ALLOCBENCH_DEVICE, strerror(errno));
		return;
	}
	expect("INFO on a read-only descriptor -> 0", ioctl(rofd, ALLOCBENCH_IOC_INFO, &in) ? errno : 0, 0);
	expect("RUN on a read-only descriptor -> EBADF", ioctl(rofd, ALLOCBENCH_IOC_RUN, &r) ? errno : 0, EBADF);
	expect("FRAG HOLD on a read-only descriptor -> EBADF",
	       ioctl(rofd, ALLOCBENCH_IOC_FRAG, &f) ? errno : 0, EBADF);
	close(rofd);
}

/* Free blocks of @order summed over every zone of /proc/buddyinfo; *zones = zone lines. */
static long buddy_free_blocks(unsigned int order, int *zones)
{
	char line[512];
	long total = 0;
	FILE *f = fopen("/proc/buddyinfo", "r");

	*zones = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "zone");
		unsigned int i;

		if (!p)
			continue;
		p += 4;
		while (*p == ' ')
			p++;
		while (*p && *p != ' ')	/* the zone's name */
			p++;
		for (i = 0; i <= order; i++) {
			char *end;
			long v = strtol(p, &end, 10);

			if (end == p)
				break;
			if (i == order) {
				total += v;
				(*zones)++;
			}
			p = end;
		}
	}
	fclose(f);
	return total;
}

/* HOLD then RELEASE (or close) must give the largest blocks back, at once. */
static void test_buddy_after_hold(void)
{
	struct allocbench_frag f;
	struct allocbench_run r;
	long before, after;
	int zones, fd2, ret;

	before = buddy_free_blocks(info.max_order, &zones);
	f = frag_req(ALLOCBENCH_FRAG_HOLD);
	f.percent = 20;
	f.keep_order = info.max_order;
	ret = frag(&f);
	expect("FRAG HOLD 20 %, keep_order = max_order -> 0", ret, 0);
	f = frag_req(ALLOCBENCH_FRAG_RELEASE);
	frag(&f);
	after = buddy_free_blocks(info.max_order, &zones);
	report(before > 0 && after >= before - zones,
	       "after RELEASE: free order-%u blocks %ld, before the hold %ld (at most one lost per zone, %d zones)",
	       info.max_order, after, before, zones);

	fd2 = open(ALLOCBENCH_DEVICE, O_RDWR);
	if (fd2 >= 0) {
		before = buddy_free_blocks(info.max_order, &zones);
		f = frag_req(ALLOCBENCH_FRAG_HOLD);
		f.percent = 20;
		f.keep_order = info.max_order;
		ioctl(fd2, ALLOCBENCH_IOC_FRAG, &f);
		close(fd2);
		after = buddy_free_blocks(info.max_order, &zones);
		report(before > 0 && after >= before - zones,
		       "after close() of a holding file: free order-%u blocks %ld, before %ld (%d zones)",
		       info.max_order, after, before, zones);
	}

	/* What the frag experiment measures next: no-reclaim allocations of the largest order. */
	r = valid_run();
	r.allocator = ALLOCBENCH_ALLOC_PAGES;
	r.bytes = (uint64_t)info.page_size << info.max_order;
	r.op = ALLOCBENCH_OP_ALLOC;
	r.gfp = ALLOCBENCH_GFP_NOWAIT;
	r.count = 16;
	ret = run(&r);
	report(after < 16 + zones || (!ret && !r.failures),
	       "after the holds: 16 order-%u allocations without reclaim -> %u failures (ret %s, %ld free blocks)",
	       info.max_order, r.failures, errname(ret), after);
}

/* slub_debug's metadata lowers the largest object a kmem_cache takes. */
static void test_kmem_cache_limit(void)
{
	struct allocbench_allocator_info ai;
	struct allocbench_footprint p;
	struct allocbench_run r;
	char cmdline[1024] = "";
	int debug, ret;
	FILE *f = fopen("/proc/cmdline", "r");

	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = 0;
		fclose(f);
	}
	debug = strstr(cmdline, "slub_debug=") != NULL;
	memset(&ai, 0, sizeof(ai));
	ai.size = sizeof(ai);
	ai.id = ALLOCBENCH_KMEM_CACHE;
	ret = xioctl(ALLOCBENCH_IOC_ALLOCATOR, &ai);
	report(!ret && ai.max_bytes > 0 && ai.max_bytes <= info.kmalloc_max_size &&
	       (debug ? ai.max_bytes < info.kmalloc_max_size : ai.max_bytes == info.kmalloc_max_size),
	       "ALLOCATOR kmem_cache: max_bytes %llu, KMALLOC_MAX_SIZE %llu, slub_debug %s",
	       (unsigned long long)ai.max_bytes, (unsigned long long)info.kmalloc_max_size,
	       debug ? "on: lower" : "off: equal");

	/* Exactly KMALLOC_MAX_SIZE: attempted only when it fits, never a dump_stack. */
	r = valid_run();
	r.allocator = ALLOCBENCH_KMEM_CACHE;
	r.bytes = info.kmalloc_max_size;
	r.op = ALLOCBENCH_OP_ALLOC;
	r.count = 2;
	ret = run(&r);
	report(!ret && (ai.max_bytes < r.bytes ? (r.out_flags & ALLOCBENCH_OUT_NOT_ATTEMPTED) && r.failures == 2
					       : !(r.out_flags & ALLOCBENCH_OUT_NOT_ATTEMPTED)),
	       "RUN kmem_cache KMALLOC_MAX_SIZE: %s (ret %s, failures %u, out_flags %#x)",
	       ai.max_bytes < r.bytes ? "not attempted" : "attempted", errname(ret), r.failures, r.out_flags);

	/* The largest size it reports is really served. */
	r = valid_run();
	r.allocator = ALLOCBENCH_KMEM_CACHE;
	r.bytes = ai.max_bytes;
	r.op = ALLOCBENCH_OP_ALLOC;
	r.count = 2;
	ret = run(&r);
	report(!ret && !(r.out_flags & ALLOCBENCH_OUT_NOT_ATTEMPTED) && r.samples_written == 2,
	       "RUN kmem_cache at its max_bytes %llu -> 2 samples (ret %s, failures %u)",
	       (unsigned long long)ai.max_bytes, errname(ret), r.failures);

	p = fp_req();
	p.allocator = ALLOCBENCH_KMEM_CACHE;
	p.bytes = info.kmalloc_max_size;
	expect("FOOTPRINT kmem_cache KMALLOC_MAX_SIZE -> ERANGE above max_bytes, else 0",
	       footprint(&p), ai.max_bytes < p.bytes ? ERANGE : 0);
}

static long vmstat_value(const char *key)
{
	char name[64];
	long v, found = -1;
	FILE *f = fopen("/proc/vmstat", "r");

	if (!f)
		return -1;
	while (fscanf(f, "%63s %ld", name, &v) == 2)
		if (!strcmp(name, key))
			found = v;
	fclose(f);
	return found;
}

/* MemAvailable in bytes, from /proc/meminfo. */
static unsigned long long mem_available(void)
{
	char line[256];
	unsigned long long kb = 0;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

/*
 * A large burst on one file while another loops HOLD 95 % / RELEASE: each
 * fine alone, together they once invoked the OOM killer. One budget for
 * both: the burst completes or stops with ENOMEM, nobody is killed. With
 * @hold_first the hold starts first (the burst is refused or shrinks the
 * next holds); else the burst starts first and the holds must leave it
 * the memory it reserved.
 */
static void concurrent_budget(int hold_first)
{
	unsigned long long burst = mem_available() / 2 / 8192 * 9 / 10;
	long oom_before = vmstat_value("oom_kill");
	struct allocbench_run r = valid_run();
	uint64_t *buf;
	int status = -1, ret;
	pid_t holder;

	if (burst > ALLOCBENCH_MAX_BURST)
		burst = ALLOCBENCH_MAX_BURST;
	/* Four rounds of the burst: the holds land while the burst holds memory. */
	buf = calloc(2 * 4 * burst, sizeof(*buf));
	if (!buf || burst < 16) {
		report(0, "concurrent budget: no room for a burst (%llu objects)", burst);
		free(buf);
		return;
	}
	holder = fork();
	if (holder == 0) {
		int hfd = open(ALLOCBENCH_DEVICE, O_RDWR);

		if (!hold_first)
			usleep(300 * 1000);
		for (int i = 0; hfd >= 0 && i < 6; i++) {
			struct allocbench_frag f = frag_req(ALLOCBENCH_FRAG_HOLD);

			f.percent = ALLOCBENCH_FRAG_MAX_PERCENT;
			f.keep_order = ALLOCBENCH_FRAG_MIN_KEEP_ORDER;
			ioctl(hfd, ALLOCBENCH_IOC_FRAG, &f);
			usleep(100 * 1000);
			f = frag_req(ALLOCBENCH_FRAG_RELEASE);
			ioctl(hfd, ALLOCBENCH_IOC_FRAG, &f);
		}
		_exit(0);
	}
	if (hold_first)
		usleep(50 * 1000);
	r.bytes = 8192;
	r.op = ALLOCBENCH_OP_BURST;
	r.count = 4 * burst;
	r.burst = burst;
	r.samples = (uintptr_t)buf;
	r.samples_cap = 2 * 4 * burst;
	ret = run(&r);
	if (holder > 0)
		waitpid(holder, &status, 0);
	report((ret == 0 || ret == ENOMEM) && holder > 0 && WIFEXITED(status) &&
	       vmstat_value("oom_kill") == oom_before,
	       "RUN kmalloc 8K burst %llu, %s, another file holding 95 %%: %s, %u samples in %llu ms, oom_kill %ld -> %ld, holder %s",
	       burst, hold_first ? "hold first" : "burst first", errname(ret), r.samples_written,
	       (unsigned long long)r.elapsed_ns / 1000000,
	       oom_before, vmstat_value("oom_kill"),
	       holder > 0 && WIFEXITED(status) ? "exited" : "killed");
	free(buf);
}

static void test_concurrent_budget(void)
{
	concurrent_budget(1);
	concurrent_budget(0);
}

/* ---- many CPUs at once: SCALE ---- */

static struct allocbench_scale_thread scale_threads[ALLOCBENCH_MAX_THREADS];

static struct allocbench_scale scale_req(uint32_t pattern, uint32_t threads)
{
	struct allocbench_scale r;

	memset(&r, 0, sizeof(r));
	r.size = sizeof(r);
	r.allocator = ALLOCBENCH_KMALLOC;
	r.pattern = pattern;
	r.gfp = ALLOCBENCH_GFP_KERNEL;
	r.bytes = 256;
	r.threads = threads;
	r.burst = pattern == ALLOCBENCH_SCALE_PAIR ? 0 : 32;
	r.duration_ms = 200;
	r.sample_every = 16;
	r.samples = (uintptr_t)samples;
	r.samples_per_thread = 64;
	r.threads_out = (uintptr_t)scale_threads;
	return r;
}

static int scale(struct allocbench_scale *r)
{
	return xioctl(ALLOCBENCH_IOC_SCALE, r);
}

static void test_scale_errors(void)
{
	struct allocbench_scale r;

#define SCALE_BAD(desc, mut, want) do { r = scale_req(ALLOCBENCH_SCALE_PAIR, 1); mut; expect(desc, scale(&r), want); } while (0)
	SCALE_BAD("SCALE allocator = NR_ALLOCATORS -> EINVAL", r.allocator = ALLOCBENCH_NR_ALLOCATORS, EINVAL);
	SCALE_BAD("SCALE pattern = NR_SCALE_PATTERNS -> EINVAL", r.pattern = ALLOCBENCH_NR_SCALE_PATTERNS, EINVAL);
	SCALE_BAD("SCALE threads = 0 -> EINVAL", r.threads = 0, EINVAL);
	SCALE_BAD("SCALE threads = MAX_THREADS + 1 -> EINVAL", r.threads = ALLOCBENCH_MAX_THREADS + 1, EINVAL);
	SCALE_BAD("SCALE duration_ms = 0 -> EINVAL", r.duration_ms = 0, EINVAL);
	SCALE_BAD("SCALE duration_ms above the limit -> EINVAL", r.duration_ms = ALLOCBENCH_MAX_SCALE_MS + 1, EINVAL);
	SCALE_BAD("SCALE sample_every = 0 -> EINVAL", r.sample_every = 0, EINVAL);
	SCALE_BAD("SCALE burst with pattern pair -> EINVAL", r.burst = 4, EINVAL);
	SCALE_BAD("SCALE burst = 0 with pattern burst -> EINVAL", r.pattern = ALLOCBENCH_SCALE_BURST, EINVAL);
	SCALE_BAD("SCALE flags != 0 -> EINVAL", r.flags = 1, EINVAL);
	SCALE_BAD("SCALE reserved[0] != 0 -> EINVAL", r.reserved[0] = 1, EINVAL);
	SCALE_BAD("SCALE output elapsed_ns != 0 on input -> EINVAL", r.elapsed_ns = 1, EINVAL);
	SCALE_BAD("SCALE bytes = 0 -> EINVAL", r.bytes = 0, EINVAL);
	SCALE_BAD("SCALE bytes above total RAM -> E2BIG", r.bytes = info.totalram_bytes + info.page_size, E2BIG);
	SCALE_BAD("SCALE threads_out NULL -> EFAULT", r.threads_out = 0, EFAULT);
	SCALE_BAD("SCALE samples NULL -> EFAULT", r.samples = 0, EFAULT);
	SCALE_BAD("SCALE threads above online CPUs -> ERANGE", r.threads = info.nr_cpus + 1, ERANGE);
	SCALE_BAD("SCALE vmalloc with gfp atomic -> EOPNOTSUPP",
		  r.allocator = ALLOCBENCH_VMALLOC; r.gfp = ALLOCBENCH_GFP_ATOMIC, EOPNOTSUPP);
	SCALE_BAD("SCALE burst of 65536 x totalram/1024 on every CPU -> ENOMEM",
		  r.pattern = ALLOCBENCH_SCALE_BURST; r.burst = ALLOCBENCH_MAX_BURST;
		  r.bytes = info.totalram_bytes / 1024, ENOMEM);
#undef SCALE_BAD
}

static void test_scale_patterns(void)
{
	static const char *const names[] = { "pair", "burst", "remote_free" };
	uint32_t threads = info.nr_cpus < 2 ? info.nr_cpus : 2;

	for (uint32_t p = 0; p < ALLOCBENCH_NR_SCALE_PATTERNS; p++) {
		struct allocbench_scale r = scale_req(p, threads);
		uint64_t ops = 0, remote = 0;
		int ret, cpus_ok = 1, samples_ok = 1;

		memset(scale_threads, 0xff, sizeof(scale_threads));
		ret = scale(&r);
		for (uint32_t t = 0; t < threads; t++) {
			ops += scale_threads[t].ops;
			remote += scale_threads[t].remote_frees;
			cpus_ok &= scale_threads[t].cpu < info.nr_cpus;
			samples_ok &= scale_threads[t].samples_written > 0 &&
				      scale_threads[t].samples_written <= r.samples_per_thread;
		}
		report(!ret && ops > 0 && cpus_ok && samples_ok && r.cpus_online == info.nr_cpus &&
		       (p != ALLOCBENCH_SCALE_REMOTE_FREE || threads < 2 || remote > 0) &&
		       (threads < 2 || scale_threads[0].cpu != scale_threads[1].cpu),
		       "SCALE kmalloc 256 %s x %u threads, 200 ms -> 0: %llu ops, %llu remote frees, CPUs %u/%u (ret %s)",
		       names[p], threads, (unsigned long long)ops, (unsigned long long)remote,
		       scale_threads[0].cpu, threads > 1 ? scale_threads[1].cpu : 0, errname(ret));
	}
}

/* MemFree in kB, from /proc/meminfo. */
static long mem_free_kb(void)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemFree: %ld kB", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* A runner killed mid-SCALE: every worker stops, every object comes back. */
/*
 * MemFree plus the pages waiting on per-CPU free lists (the "count:" lines of
 * /proc/zoneinfo), in kB: freed pages land on those lists first, outside
 * MemFree. On a 32-bit kernel the HighMem zone has lists of its own, and
 * MemFree alone read 2 % low after every page had come back.
 */
static long mem_free_pcp_kb(void)
{
	char line[256];
	long kb = mem_free_kb(), pages = 0, n;
	FILE *f = fopen("/proc/zoneinfo", "r");

	if (!f || kb < 0)
		return kb;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, " count: %ld", &n) == 1)
			pages += n;
	fclose(f);
	return kb + pages * (long)(info.page_size / 1024);
}

/*
 * kmem_cache_shrink() of every slab cache (/sys/kernel/slab/NAME/shrink):
 * empty slabs back to the page allocator and, under KASAN, the quarantine
 * of freed objects flushed. What a request freed then counts as free, and
 * what is still allocated does not.
 */
static void shrink_slabs(void)
{
	DIR *d = opendir("/sys/kernel/slab");
	struct dirent *e;
	char path[512];

	if (!d)
		return;
	while ((e = readdir(d))) {
		int fd;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", e->d_name);
		fd = open(path, O_WRONLY);
		if (fd < 0)
			continue;
		/* a cache that cannot shrink keeps its slabs: they are measured as held */
		(void)!write(fd, "1", 1);
		close(fd);
	}
	closedir(d);
}

/* mem_free_pcp_kb() after shrinking the slab caches, polled until it reaches want (at most 5 s). */
static long mem_free_settled_kb(long want)
{
	long kb = -1;

	for (int i = 0; i < 25; i++) {
		shrink_slabs();
		kb = mem_free_pcp_kb();
		if (kb >= want)
			break;
		usleep(200 * 1000);
	}
	return kb;
}

static void test_scale_kill(void)
{
	long before, after;
	int status = 0;
	pid_t child;

	shrink_slabs();
	before = mem_free_pcp_kb();
	child = fork();

	if (child == 0) {
		struct allocbench_scale r = scale_req(ALLOCBENCH_SCALE_REMOTE_FREE,
						      info.nr_cpus < 2 ? info.nr_cpus : 2);

		r.duration_ms = 30000;
		r.burst = 4096;
		r.bytes = 4096;
		_exit(scale(&r));
	}
	usleep(500 * 1000);
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, &status, 0);
	}
	after = mem_free_settled_kb(before - before / 50);
	report(child > 0 && WIFSIGNALED(status) && after > before - before / 50,
	       "SIGKILL during SCALE remote_free 4K burst 4096: killed %s, MemFree + per-CPU lists %ld -> %ld kB (within 2 %%)",
	       WIFSIGNALED(status) ? "yes" : "no", before, after);
}

static void test_scale(void)
{
	test_scale_errors();
	test_scale_patterns();
	test_scale_kill();
}

/* ---- ALLOCBENCH_IOC_VSPACE ---- */

static struct allocbench_vspace vspace_req(uint32_t cmd)
{
	struct allocbench_vspace v;

	memset(&v, 0, sizeof(v));
	v.size = sizeof(v);
	v.cmd = cmd;
	if (cmd == ALLOCBENCH_VSPACE_HOLD) {
		v.area_bytes = 16 * (uint64_t)info.page_size;
		v.areas = 8;
		v.keep_every = 2;
	}
	return v;
}

static int vspace_on(int fdx, struct allocbench_vspace *v)
{
	return ioctl(fdx, ALLOCBENCH_IOC_VSPACE, v) ? errno : 0;
}

/* Lines of /proc/vmallocinfo naming our caller (vmap from the module). */
static int vmallocinfo_lines(const char *what)
{
	char line[512];
	int n = 0;
	FILE *f = fopen("/proc/vmallocinfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	fclose(f);
	return n;
}

static void test_vspace(void)
{
	struct {
		struct allocbench_vspace v;
		uint64_t tail[2];
	} big;
	struct allocbench_vspace v;
	struct allocbench_info in;
	int fd2, ret, base;
	void *ro;

	report(info.vmalloc_start != 0, "INFO vmalloc_start given to root (CAP_SYSLOG): 0x%llx",
	       (unsigned long long)info.vmalloc_start);
	memset(&in, 0, sizeof(in));
	in.size = sizeof(in);
	/* A child that dropped to user nobody asks and says what it saw. */
	{
		int status;
		pid_t pid = fork();

		if (pid == 0) {
			if (setgid(65534) || setuid(65534))
				_exit(255);
			_exit(ioctl(fd, ALLOCBENCH_IOC_INFO, &in) ? 2 : in.vmalloc_start ? 1 : 0);
		}
		ret = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	}
	report(ret == 0, "INFO vmalloc_start is 0 without CAP_SYSLOG (a kernel address) (child said %d)", ret);

#define VS_BAD(desc, cmd, mut, want) do { v = vspace_req(cmd); mut; expect(desc, vspace_on(fd, &v), want); } while (0)
	VS_BAD("VSPACE cmd = NR_VSPACE_CMDS -> EINVAL", ALLOCBENCH_VSPACE_HOLD, v.cmd = ALLOCBENCH_NR_VSPACE_CMDS, EINVAL);
	VS_BAD("VSPACE HOLD area_bytes = 0 -> EINVAL", ALLOCBENCH_VSPACE_HOLD, v.area_bytes = 0, EINVAL);
	VS_BAD("VSPACE HOLD area_bytes not page aligned -> EINVAL", ALLOCBENCH_VSPACE_HOLD,
	       v.area_bytes = info.page_size + 1, EINVAL);
	VS_BAD("VSPACE HOLD area_bytes = MAX_AREA_BYTES + page -> EINVAL", ALLOCBENCH_VSPACE_HOLD,
	       v.area_bytes = ALLOCBENCH_VSPACE_MAX_AREA_BYTES + info.page_size, EINVAL);
	VS_BAD("VSPACE HOLD areas = 0 -> EINVAL", ALLOCBENCH_VSPACE_HOLD, v.areas = 0, EINVAL);
	VS_BAD("VSPACE HOLD areas = MAX_AREAS + 1 -> EINVAL", ALLOCBENCH_VSPACE_HOLD,
	       v.areas = ALLOCBENCH_VSPACE_MAX_AREAS + 1; v.keep_every = 1, EINVAL);
	VS_BAD("VSPACE HOLD keep_every = 0 -> EINVAL", ALLOCBENCH_VSPACE_HOLD, v.keep_every = 0, EINVAL);
	VS_BAD("VSPACE HOLD keep_every > areas -> EINVAL", ALLOCBENCH_VSPACE_HOLD, v.keep_every = v.areas + 1, EINVAL);
	VS_BAD("VSPACE RELEASE with areas != 0 -> EINVAL", ALLOCBENCH_VSPACE_RELEASE, v.areas = 1, EINVAL);
	VS_BAD("VSPACE RELEASE with area_bytes != 0 -> EINVAL", ALLOCBENCH_VSPACE_RELEASE,
	       v.area_bytes = info.page_size, EINVAL);
	VS_BAD("VSPACE output held_areas != 0 on input -> EINVAL", ALLOCBENCH_VSPACE_HOLD, v.held_areas = 1, EINVAL);
	VS_BAD("VSPACE output cost_bytes != 0 on input -> EINVAL", ALLOCBENCH_VSPACE_HOLD, v.cost_bytes = 1, EINVAL);
	VS_BAD("VSPACE __pad0 != 0 -> EINVAL", ALLOCBENCH_VSPACE_HOLD, v.__pad0 = 1, EINVAL);
	VS_BAD("VSPACE reserved[3] != 0 -> EINVAL", ALLOCBENCH_VSPACE_HOLD, v.reserved[3] = 1, EINVAL);
	VS_BAD("VSPACE size = sizeof - 8 -> EINVAL", ALLOCBENCH_VSPACE_HOLD, v.size = sizeof(v) - 8, EINVAL);
	if (info.totalram_bytes < ALLOCBENCH_VSPACE_MAX_AREA_BYTES ||
	    info.vmalloc_total < ALLOCBENCH_VSPACE_MAX_AREA_BYTES)
		VS_BAD("VSPACE HOLD area_bytes above total RAM or the vmalloc range -> ERANGE",
		       ALLOCBENCH_VSPACE_HOLD, v.area_bytes = ALLOCBENCH_VSPACE_MAX_AREA_BYTES; v.areas = 1;
		       v.keep_every = 1, ERANGE);
#undef VS_BAD
	expect("VSPACE struct pointer NULL -> EFAULT", xioctl(ALLOCBENCH_IOC_VSPACE, NULL), EFAULT);
	memset(&big, 0, sizeof(big));
	big.v = vspace_req(ALLOCBENCH_VSPACE_RELEASE);
	big.v.size = sizeof(big);
	big.tail[1] = 1;
	expect("VSPACE size larger with nonzero tail -> E2BIG", vspace_on(fd, &big.v), E2BIG);

	v = vspace_req(ALLOCBENCH_VSPACE_HOLD);
	expect("VSPACE HOLD without CAP_SYS_ADMIN -> EPERM", ioctl_as_nobody(fd, ALLOCBENCH_IOC_VSPACE, &v), EPERM);
	fd2 = open(ALLOCBENCH_DEVICE, O_RDONLY);
	if (fd2 >= 0) {
		expect("VSPACE HOLD on a read-only descriptor -> EBADF", vspace_on(fd2, &v), EBADF);
		close(fd2);
	}

	v = vspace_req(ALLOCBENCH_VSPACE_RELEASE);
	ret = vspace_on(fd, &v);
	report(!ret && !v.held_areas, "VSPACE RELEASE without a hold -> 0, held_areas %u == 0 (ret %s)",
	       v.held_areas, errname(ret));

	base = vmallocinfo_lines(" vmap");
	v = vspace_req(ALLOCBENCH_VSPACE_HOLD);
	ret = vspace_on(fd, &v);
	report(!ret && v.taken_areas == 8 && v.held_areas == 4 && v.cost_bytes > 0 &&
	       v.held_bytes == 4 * (v.area_bytes + info.page_size) && !(v.out_flags & ALLOCBENCH_VSPACE_OUT_FULL),
	       "VSPACE HOLD 8 areas of 16 pages, keep one in 2 -> 0, took %u, holds %u (%llu bytes, cost %llu) (ret %s)",
	       v.taken_areas, v.held_areas, (unsigned long long)v.held_bytes, (unsigned long long)v.cost_bytes,
	       errname(ret));
	report(vmallocinfo_lines(" vmap") == base + 4, "VSPACE: /proc/vmallocinfo shows the 4 areas held (%d vmap lines, %d before)",
	       vmallocinfo_lines(" vmap"), base);
	v = vspace_req(ALLOCBENCH_VSPACE_HOLD);
	expect("VSPACE second HOLD on the same file while held -> EBUSY", vspace_on(fd, &v), EBUSY);
	fd2 = open(ALLOCBENCH_DEVICE, O_RDWR);
	if (fd2 >= 0) {
		v = vspace_req(ALLOCBENCH_VSPACE_HOLD);
		expect("VSPACE HOLD on another file while held -> EBUSY", vspace_on(fd2, &v), EBUSY);
		v = vspace_req(ALLOCBENCH_VSPACE_RELEASE);
		ret = vspace_on(fd2, &v);
		report(!ret && !v.held_areas, "VSPACE RELEASE on another file does not touch the hold (held_areas %u)",
		       v.held_areas);
		close(fd2);
	}
	v = vspace_req(ALLOCBENCH_VSPACE_RELEASE);
	ret = vspace_on(fd, &v);
	report(!ret && v.held_areas == 4, "VSPACE RELEASE -> 0, unmapped %u areas (ret %s)", v.held_areas, errname(ret));
	report(vmallocinfo_lines(" vmap") == base, "VSPACE: /proc/vmallocinfo back to %d vmap lines (%d)",
	       base, vmallocinfo_lines(" vmap"));

	/* A hold left to close(); a read-only struct undoes its HOLD. */
	fd2 = open(ALLOCBENCH_DEVICE, O_RDWR);
	if (fd2 >= 0) {
		v = vspace_req(ALLOCBENCH_VSPACE_HOLD);
		ret = vspace_on(fd2, &v);
		close(fd2);
		expect("VSPACE HOLD on a second file, then close() without RELEASE -> 0", ret, 0);
		report(vmallocinfo_lines(" vmap") == base, "VSPACE: close() unmapped every area (%d vmap lines, %d before)",
		       vmallocinfo_lines(" vmap"), base);
	}
	/* SIGKILL while holding: the file's release unmaps everything. */
	{
		int pfd[2], status;
		char c = 0;
		pid_t pid;

		if (pipe(pfd) == 0) {
			pid = fork();
			if (pid == 0) {
				int cfd = open(ALLOCBENCH_DEVICE, O_RDWR);

				v = vspace_req(ALLOCBENCH_VSPACE_HOLD);
				c = cfd >= 0 && vspace_on(cfd, &v) == 0 ? 'h' : 'x';
				if (write(pfd[1], &c, 1) != 1)
					_exit(1);
				for (;;)
					pause();
			}
			close(pfd[1]);
			if (pid > 0 && read(pfd[0], &c, 1) == 1) {
				int held = vmallocinfo_lines(" vmap");

				kill(pid, SIGKILL);
				waitpid(pid, &status, 0);
				report(c == 'h' && held == base + 4 && vmallocinfo_lines(" vmap") == base,
				       "VSPACE: SIGKILL of a holder unmaps its areas (%c; %d vmap lines held, %d after, %d before)",
				       c, held, vmallocinfo_lines(" vmap"), base);
			} else {
				report(0, "VSPACE: SIGKILL case: fork or pipe failed");
			}
			close(pfd[0]);
		}
	}
	v = vspace_req(ALLOCBENCH_VSPACE_HOLD);
	ro = readonly_copy(&v, sizeof(v));
	expect("VSPACE HOLD with the struct in a read-only page -> EFAULT",
	       ro ? xioctl(ALLOCBENCH_IOC_VSPACE, ro) : -1, EFAULT);
	readonly_free(ro);
	v = vspace_req(ALLOCBENCH_VSPACE_HOLD);
	expect("VSPACE HOLD after the read-only HOLD failed -> 0 (no hold left)", vspace_on(fd, &v), 0);
	v = vspace_req(ALLOCBENCH_VSPACE_RELEASE);
	expect("VSPACE RELEASE -> 0", vspace_on(fd, &v), 0);
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_signal(void)
{
	struct sigaction sa;
	struct allocbench_run r = valid_run();
	static uint64_t big[ALLOCBENCH_MAX_COUNT];
	int ret;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART: the ioctl must return */
	sigaction(SIGALRM, &sa, NULL);
	r.allocator = ALLOCBENCH_VMALLOC;
	r.bytes = 16384;
	r.count = ALLOCBENCH_MAX_COUNT;
	r.samples = (uintptr_t)big;
	r.samples_cap = ALLOCBENCH_MAX_COUNT;
	alarm(1);
	ret = run(&r);
	alarm(0);
	expect("RUN interrupted by a signal -> EINTR", ret, EINTR);
}

static void test_bad_runs(void)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad_cases); i++) {
		struct allocbench_run r = valid_run();

		bad_cases[i].mutate(&r);
		expect(bad_cases[i].desc, run(&r), bad_cases[i].want);
	}
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "bad-runs", test_bad_runs },
	{ "sizes", test_sizes },
	{ "allocator", test_allocator_ioctl },
	{ "unknown", test_unknown_ioctls },
	{ "valid", test_valid },
	{ "above-limits", test_run_above_limits },
	{ "frag", test_frag },
	{ "footprint", test_footprint },
	{ "readonly", test_readonly_structs },
	{ "permissions", test_permissions },
	{ "buddy", test_buddy_after_hold },
	{ "kmem-cache-limit", test_kmem_cache_limit },
	{ "concurrent-budget", test_concurrent_budget },
	{ "scale", test_scale },
	{ "vspace", test_vspace },
	{ "signal", test_signal },
};

/* abi-abuse [TEST...]: every test, or only those named (to check one defect alone). */
int main(int argc, char **argv)
{
	size_t i;
	int ret, a;

	fd = open(ALLOCBENCH_DEVICE, O_RDWR);
	if (fd < 0) {
		perror(ALLOCBENCH_DEVICE);
		printf("0 passed, 1 failed\n");
		return 1;
	}

	memset(&info, 0, sizeof(info));
	info.size = sizeof(info);
	ret = xioctl(ALLOCBENCH_IOC_INFO, &info);
	expect("INFO valid -> 0", ret, 0);
	report(!ret && info.abi_version == ALLOCBENCH_ABI_VERSION && info.page_size &&
	       info.timer_hz && info.totalram_bytes && info.kmalloc_max_size &&
	       (info.allocators & 1) && info.module_version[0],
	       "INFO fields: abi %u, module %s, page %u, max_order %u, timer_hz %llu, overhead %llu",
	       info.abi_version, info.module_version, info.page_size, info.max_order,
	       (unsigned long long)info.timer_hz, (unsigned long long)info.timer_overhead_ticks);

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		int wanted = argc < 2;

		for (a = 1; a < argc; a++)
			wanted |= !strcmp(argv[a], tests[i].name);
		if (wanted)
			tests[i].fn();
	}

	printf("%d passed, %d failed\n", passed, failed);
	close(fd);
	return failed ? 1 : 0;
}
