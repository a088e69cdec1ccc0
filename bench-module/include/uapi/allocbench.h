/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * allocbench: the ABI between allocbench.ko and the allocbench runner.
 *
 * One header, two sides: the module and the runner both include this file,
 * as mm/gup_test.h is shared by the kernel and the selftests.
 *
 * Every struct starts with a __u32 'size' that the caller sets to
 * sizeof(struct) as it knows it. The module accepts any size from the
 * first published layout up to its own; bytes it does not know must be zero
 * (-E2BIG otherwise), like copy_struct_from_user(). Fields marked "out" are
 * written by the module; "reserved" fields must be zero on input.
 *
 * Who may ask: INFO and ALLOCATOR answer anyone who can open the node
 * (mode 0600). RUN, ACCESS, FRAG, FOOTPRINT, SCALE and VSPACE take memory
 * (or address space), so they also
 * need CAP_SYS_ADMIN (-EPERM) and a descriptor open for writing (-EBADF),
 * checked before anything else, whatever the node's mode is.
 *
 * An ioctl that fails has no lasting effect: nothing stays allocated or
 * held, and a struct that cannot be written back fails with -EFAULT before
 * any work is done or any sample is written. All requests in flight share
 * one memory budget: what they may hold at once together stays under half
 * of MemAvailable (-ENOMEM for the request that would cross it).
 *
 * The module measures and nothing else: samples are raw timer ticks with no
 * overhead subtracted, and the runner computes every statistic. For latency
 * it times the same loop through ALLOCBENCH_RUN_NULL beside each series and
 * subtracts that harness's median; where it has no such series (the other
 * kinds, old latency runs) it subtracts allocbench_info.timer_overhead_ticks
 * once per sample and call_overhead_mticks per allocator call in it. Ticks
 * become ns through timer_hz.
 */
#ifndef _UAPI_ALLOCBENCH_H
#define _UAPI_ALLOCBENCH_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define ALLOCBENCH_DEVICE	"/dev/allocbench"
#define ALLOCBENCH_ABI_VERSION	1

/* Allocators: values are ABI, never renumber. */
enum allocbench_allocator {
	ALLOCBENCH_KMALLOC		= 0,
	ALLOCBENCH_KZALLOC		= 1,
	ALLOCBENCH_KMEM_CACHE		= 2,	/* one cache per object size, unmerged */
	ALLOCBENCH_KVMALLOC		= 3,
	ALLOCBENCH_VMALLOC		= 4,
	ALLOCBENCH_VZALLOC		= 5,
	ALLOCBENCH_VMALLOC_HUGE		= 6,	/* where the kernel exports it */
	ALLOCBENCH_ALLOC_PAGES		= 7,	/* order = get_order(bytes) */
	ALLOCBENCH_GET_FREE_PAGES	= 8,	/* __get_free_pages() */
	ALLOCBENCH_ALLOC_PAGES_EXACT	= 9,
	ALLOCBENCH_VMAP			= 10,	/* vmap() of order-0 pages; only vmap/vunmap timed */
	/*
	 * folio_alloc()/folio_put(): a compound page (__GFP_COMP), the way
	 * most page allocations are made now; order = get_order(bytes)
	 */
	ALLOCBENCH_FOLIO_ALLOC		= 11,
	ALLOCBENCH_NR_ALLOCATORS
};

/* Operations: what one sample times. */
enum allocbench_op {
	ALLOCBENCH_OP_ALLOC	= 0,	/* timed allocation, untimed free */
	ALLOCBENCH_OP_FREE	= 1,	/* untimed allocation, timed free */
	ALLOCBENCH_OP_PAIR	= 2,	/* allocation + free timed together */
	/*
	 * 'burst' objects allocated back to back (each timed), then all freed
	 * (each timed): exercises slab refills and page-allocator paths that a
	 * tight pair loop hides. samples[0..count) are the allocations,
	 * samples[count..2*count) the frees, so the buffer needs 2 * count.
	 */
	ALLOCBENCH_OP_BURST	= 3,
	ALLOCBENCH_NR_OPS
};

/* GFP profiles. Every profile adds __GFP_NOWARN: failures are data, not dmesg noise. */
enum allocbench_gfp {
	ALLOCBENCH_GFP_KERNEL	= 0,	/* GFP_KERNEL */
	ALLOCBENCH_GFP_ATOMIC	= 1,	/* GFP_ATOMIC, each operation timed with preemption off */
	ALLOCBENCH_GFP_NORETRY	= 2,	/* GFP_KERNEL | __GFP_NORETRY */
	/*
	 * GFP_KERNEL & ~__GFP_RECLAIM: no direct reclaim, no direct
	 * compaction, and no kswapd/kcompactd wakeup either, so a high-order
	 * request is served from the free lists as they are or fails. This is
	 * the clean "no compaction" measurement; __GFP_NORETRY still runs one
	 * light compaction pass, and GFP_NOWAIT would wake kcompactd, which
	 * repairs fragmentation in the background while it is measured.
	 */
	ALLOCBENCH_GFP_NOWAIT	= 3,
	ALLOCBENCH_NR_GFP
};

/*
 * Memory layout a request touches. RUN accepts only NONE; ACCESS takes
 * PAGE .. FIRST_TOUCH.
 */
enum allocbench_pattern {
	ALLOCBENCH_PATTERN_NONE	= 0,	/* the only value RUN accepts */
	ALLOCBENCH_PATTERN_PAGE	= 1,	/* chase: one pointer per page, random page order */
	ALLOCBENCH_PATTERN_LINE	= 2,	/* chase: every line of a page, then the next page */
	ALLOCBENCH_PATTERN_SEQ	= 3,	/* sequential read, 8-byte loads */
	ALLOCBENCH_PATTERN_FIRST_TOUCH = 4, /* one write per page right after allocation */
	ALLOCBENCH_NR_PATTERNS
};

/* allocbench_run.flags */
#define ALLOCBENCH_RUN_TOUCH	(1U << 0)	/* write every page once between alloc and free, untimed */
/*
 * Time the very same loop (op, batch, burst, warm-up, preemption) through an
 * allocator that does nothing: each sample is then the harness's own cost,
 * timer reads and indirect calls included, measured beside the series it
 * corrects instead of once at load. The allocator field must still be
 * valid; it is not called, and no memory is taken.
 */
#define ALLOCBENCH_RUN_NULL	(1U << 1)
#define ALLOCBENCH_RUN_FLAGS_ALL	(ALLOCBENCH_RUN_TOUCH | ALLOCBENCH_RUN_NULL)

/* allocbench_run.out_flags */
#define ALLOCBENCH_OUT_MIGRATED	(1U << 0)	/* the series did not stay on one CPU */

/* allocbench_info.timer_kind */
enum allocbench_timer {
	ALLOCBENCH_TIMER_TSC	= 0,	/* rdtsc_ordered(); ticks are TSC cycles */
	ALLOCBENCH_TIMER_KTIME	= 1,	/* ktime_get_ns(); ticks are ns */
};

/* allocbench_info.max_order_kind: how this kernel names its order limit. */
enum allocbench_max_order_kind {
	ALLOCBENCH_MAX_ORDER_EXCLUSIVE	= 0,	/* MAX_ORDER, orders 0..MAX_ORDER-1 (< 6.4) */
	ALLOCBENCH_MAX_ORDER_INCLUSIVE	= 1,	/* MAX_ORDER, orders 0..MAX_ORDER (6.4 - 6.7) */
	ALLOCBENCH_MAX_PAGE_ORDER	= 2,	/* MAX_PAGE_ORDER, inclusive (>= 6.8) */
};

#define ALLOCBENCH_VERSION_LEN	32
#define ALLOCBENCH_NAME_LEN	24

struct allocbench_info {
	__u32 size;			/* in: sizeof(struct allocbench_info) */
	__u32 abi_version;		/* out: ALLOCBENCH_ABI_VERSION */
	char module_version[ALLOCBENCH_VERSION_LEN];	/* out: NUL-terminated */
	__u32 page_size;		/* out: PAGE_SIZE */
	__u32 max_order;		/* out: largest order the buddy allocator serves (inclusive) */
	__u32 max_order_const;		/* out: value of MAX_ORDER / MAX_PAGE_ORDER as defined */
	__u32 max_order_kind;		/* out: enum allocbench_max_order_kind */
	__u32 page_alloc_costly_order;	/* out: PAGE_ALLOC_COSTLY_ORDER */
	__u32 nr_cpus;			/* out: online CPUs */
	__u64 kmalloc_max_size;		/* out: KMALLOC_MAX_SIZE */
	__u64 kmalloc_max_cache_size;	/* out: KMALLOC_MAX_CACHE_SIZE */
	__u64 pmd_size;			/* out: PMD_SIZE (largest vmalloc_huge mapping) */
	__u64 vmalloc_total;		/* out: VMALLOC_END - VMALLOC_START */
	__u64 totalram_bytes;		/* out: totalram_pages() << PAGE_SHIFT */
	__u32 timer_kind;		/* out: enum allocbench_timer */
	__u32 init_on_alloc;		/* out: 1 if init_on_alloc is on */
	__u32 init_on_free;		/* out: 1 if init_on_free is on */
	__u32 __pad0;
	__u64 timer_hz;			/* out: ticks per second */
	__u64 timer_overhead_ticks;	/* out: min cost of two back-to-back reads, at load */
	__u64 allocators;		/* out: bit n set if allocator n is available */
	/*
	 * out: thousandths of a tick one call through the allocator table
	 * costs inside a timed region (an empty allocator, minimum of many
	 * batches, timer overhead removed). Timed regions call ->alloc and
	 * ->free indirectly, which costs a retpoline on some CPUs: the runner
	 * subtracts this per call, as it subtracts timer_overhead_ticks once
	 * per sample.
	 */
	__u64 call_overhead_mticks;
	/*
	 * out: VMALLOC_START, the first address of the vmalloc range (it
	 * ends at vmalloc_start + vmalloc_total), for reading
	 * /proc/vmallocinfo: the gap before the first area and after the
	 * last. A kernel address (randomised by KASLR on x86-64), so given
	 * only to a caller with CAP_SYSLOG, the capability that shows
	 * /proc/vmallocinfo's addresses with kptr_restrict = 1; 0 otherwise.
	 * Was reserved[0] (zero on input, as before): the layout and
	 * ALLOCBENCH_ABI_VERSION are unchanged, and an older module leaves
	 * it 0.
	 */
	__u64 vmalloc_start;
	__u64 reserved[6];		/* zero */
};

/* Facts about one allocator: the module's ops-table entry, as user space sees it. */
#define ALLOCBENCH_ALLOC_AVAILABLE	(1U << 0)	/* this kernel offers it */
#define ALLOCBENCH_ALLOC_CONTIGUOUS	(1U << 1)	/* physically contiguous memory */
#define ALLOCBENCH_ALLOC_ATOMIC_OK	(1U << 2)	/* may be called with GFP_ATOMIC */
#define ALLOCBENCH_ALLOC_ZEROED		(1U << 3)	/* always returns zeroed memory */

enum allocbench_mapping {
	ALLOCBENCH_MAP_DIRECT	= 0,	/* linear map (page_address): 2M/1G pages where possible */
	ALLOCBENCH_MAP_VMALLOC	= 1,	/* vmalloc area, 4K PTEs */
	ALLOCBENCH_MAP_VMALLOC_HUGE = 2, /* vmalloc area, PMD mappings where size allows */
	ALLOCBENCH_MAP_MIXED	= 3,	/* kvmalloc: direct when kmalloc serves it, else vmalloc */
};

struct allocbench_allocator_info {
	__u32 size;			/* in: sizeof(struct allocbench_allocator_info) */
	__u32 id;			/* in: enum allocbench_allocator */
	char name[ALLOCBENCH_NAME_LEN];	/* out: NUL-terminated, e.g. "kmalloc" */
	__u32 flags;			/* out: ALLOCBENCH_ALLOC_* */
	__u32 mapping;			/* out: enum allocbench_mapping */
	/*
	 * out: the documented limit, the largest size the API is meant to
	 * serve on this kernel. RUN still calls the allocator above it for
	 * real (except where it sets ALLOCBENCH_OUT_NOT_ATTEMPTED);
	 * ACCESS and FOOTPRINT refuse sizes above it with -ERANGE.
	 */
	__u64 max_bytes;
	__u64 reserved[4];		/* zero */
};

/* Limits the module enforces on a request (validation, not policy). */
#define ALLOCBENCH_MAX_COUNT	(1U << 20)	/* samples per request */
#define ALLOCBENCH_MAX_BATCH	4096U		/* operations per sample */
#define ALLOCBENCH_MAX_BURST	65536U		/* objects held at once by a burst */
#define ALLOCBENCH_MAX_WARMUP	(1U << 20)
/*
 * bytes x batch, when batch > 1: a batch is one timed region with no
 * scheduling point in it (preemption off for the atomic profile), so it is
 * kept to what takes milliseconds, not seconds.
 */
#define ALLOCBENCH_MAX_BATCH_BYTES	(16U << 20)

struct allocbench_run {
	__u32 size;		/* in: sizeof(struct allocbench_run) */
	__u32 allocator;	/* in: enum allocbench_allocator */
	__u32 op;		/* in: enum allocbench_op */
	__u32 gfp;		/* in: enum allocbench_gfp */
	__u64 bytes;		/* in: allocation size, 1 .. totalram */
	__u32 count;		/* in: samples to take, 1 .. ALLOCBENCH_MAX_COUNT */
	__u32 batch;		/* in: operations per sample, 1 .. ALLOCBENCH_MAX_BATCH; 1 = per-op timing */
	__u32 burst;		/* in: objects per burst for OP_BURST (count must be a multiple), else 0 */
	__u32 warmup;		/* in: untimed operations first, 0 .. ALLOCBENCH_MAX_WARMUP */
	__u32 pattern;		/* in: enum allocbench_pattern */
	__u32 flags;		/* in: ALLOCBENCH_RUN_* */
	__u64 samples;		/* in: user pointer to __u64[samples_cap] */
	__u32 samples_cap;	/* in: entries available: count, or 2 * count for OP_BURST */
	__u32 samples_written;	/* out: samples stored; failed operations store none */
	__u32 failures;		/* out: operations whose allocation failed */
	__u32 cpu;		/* out: CPU the series started on */
	__u32 out_flags;	/* out: ALLOCBENCH_OUT_* */
	__u32 __pad0;
	__u64 fallbacks;	/* out: kvmalloc only: allocations served by vmalloc */
	__u64 elapsed_ns;	/* out: wall time of the whole request */
	__u64 setup_ns;		/* out: of elapsed_ns, the allocator's one-off setup and
				 * teardown (kmem_cache create/destroy, vmap's pages) */
	__u64 timer_overhead_ticks; /* out: min of back-to-back timer reads, measured
				 * at the start of this request on its CPU */
	__u64 reserved[2];	/* zero */
};

/*
 * Errors of ALLOCBENCH_IOC_RUN, in the order they are checked:
 *  -EPERM      the caller lacks CAP_SYS_ADMIN
 *  -EBADF      the descriptor is not open for writing
 *  -EFAULT     the struct itself cannot be read
 *  -EINVAL     size below the first layout; unknown allocator, op, gfp,
 *              pattern or flag; count or batch 0; count, batch or warmup
 *              above its limit; burst not matching op; reserved or output
 *              fields not zero; bytes == 0; samples_cap smaller than count
 *              (2 * count for OP_BURST)
 *  -E2BIG      size above PAGE_SIZE, or above the module's layout with
 *              nonzero tail bytes;
 *              bytes above total RAM; batch > 1 with bytes x batch above
 *              ALLOCBENCH_MAX_BATCH_BYTES
 *  -EFAULT     the struct cannot be written back, or the samples buffer
 *              is not writable (nothing is written to it then)
 *  -EOPNOTSUPP allocator not available on this kernel, or gfp not allowed
 *              for it (atomic vmalloc)
 *  -ENOMEM     the objects held at once, with what every other request in
 *              flight reserved, would exceed half of MemAvailable; or a
 *              burst stopped because MemAvailable fell under 1/32 of RAM
 *              (another request took memory meanwhile); or the module's
 *              own bookkeeping could not be allocated
 *  -EINTR      a signal arrived; nothing is left allocated
 * An allocation that fails inside a valid request is not an error: it is
 * counted in 'failures' and the ioctl returns 0.
 */
/* ---- access latency: ALLOCBENCH_IOC_ACCESS ---- */

/*
 * ALLOCBENCH_IOC_ACCESS: what the memory an allocator returns costs to use.
 * One buffer of 'bytes' is allocated through the allocator (untimed), a
 * pointer chain (bench-module/chain.c, the same code the runner's uaccess
 * uses) is built over the pages of the chosen view, checked to be one cycle
 * through every element, chased once untimed, then 'passes' times timed.
 * Each sample is the ticks of one pass of steps_per_pass accesses, summed
 * over chunks_per_pass timed chunks (preemption is off inside a chunk and
 * the module reschedules between chunks): the runner subtracts the timer
 * overhead once per chunk.
 *
 *   PAGE, LINE    a step is one dependent load (p = *p)
 *   SEQ           a step is one 8-byte load of a sequential read of the
 *                 whole buffer (repeated until min_steps)
 *   FIRST_TOUCH   a step is one byte written per page; every pass allocates
 *                 a fresh buffer (untimed), times the writes, frees it
 *                 (untimed); min_steps is ignored
 */
enum allocbench_view {
	ALLOCBENCH_VIEW_NATIVE	= 0,	/* the allocator's own mapping */
	ALLOCBENCH_VIEW_DIRECT	= 1,	/* vmap only: the same pages through page_address() */
	ALLOCBENCH_NR_VIEWS
};

/* allocbench_access.flags */
#define ALLOCBENCH_ACCESS_PMU	(1U << 0)	/* try dTLB-miss counters (perf, kernel-only) */
#define ALLOCBENCH_ACCESS_FLAGS_ALL	(ALLOCBENCH_ACCESS_PMU)

/* allocbench_access.out_flags (ALLOCBENCH_OUT_MIGRATED also applies) */
#define ALLOCBENCH_ACCESS_OUT_LEVELS	(1U << 1)	/* mapped_*_bytes are valid */
#define ALLOCBENCH_ACCESS_OUT_DTLB	(1U << 2)	/* dtlb_load_misses is valid */

#define ALLOCBENCH_MAX_PASSES	1024U
#define ALLOCBENCH_MAX_STEPS	(1ULL << 32)	/* min_steps limit */

struct allocbench_access {
	__u32 size;		/* in: sizeof(struct allocbench_access) */
	__u32 allocator;	/* in: enum allocbench_allocator */
	__u32 pattern;		/* in: ALLOCBENCH_PATTERN_PAGE .. FIRST_TOUCH */
	__u32 view;		/* in: enum allocbench_view */
	__u64 bytes;		/* in: working set, a multiple of PAGE_SIZE */
	__u64 seed;		/* in: chain shuffle seed (same seed, same chain) */
	__u64 min_steps;	/* in: accesses per pass at least, 0 .. ALLOCBENCH_MAX_STEPS */
	__u32 passes;		/* in: timed passes (samples), 1 .. ALLOCBENCH_MAX_PASSES */
	__u32 flags;		/* in: ALLOCBENCH_ACCESS_* */
	__u64 samples;		/* in: user pointer to __u64[samples_cap], ticks per pass */
	__u32 samples_cap;	/* in: entries available, >= passes */
	__u32 samples_written;	/* out: passes timed (0 when the allocation failed) */
	__u64 steps_per_pass;	/* out: accesses in one pass */
	__u64 elements;		/* out: chain elements (PAGE/LINE), words (SEQ), pages (FIRST_TOUCH) */
	__u32 chunks_per_pass;	/* out: timed regions summed into one sample */
	__u32 failures;		/* out: allocations that failed (the request returns 0) */
	__u64 mapped_4k_bytes;	/* out: bytes of the view mapped by 4K PTEs */
	__u64 mapped_2m_bytes;	/* out: ... by 2M PMD entries */
	__u64 mapped_1g_bytes;	/* out: ... by 1G PUD entries */
	__u64 mapped_other_bytes; /* out: ... not present or at another level */
	__s32 levels_status;	/* out: 0, or -EOPNOTSUPP where the walk is x86-64 only */
	__s32 pmu_status;	/* out: 0 when dtlb_load_misses is valid, else -errno
				 * (-EOPNOTSUPP when not asked, or why perf refused) */
	__u64 dtlb_load_misses;	/* out: dTLB read misses, kernel mode, over the timed passes */
	__u32 cpu;		/* out: CPU the request started on */
	__u32 out_flags;	/* out: ALLOCBENCH_OUT_MIGRATED, ALLOCBENCH_ACCESS_OUT_* */
	__u64 elapsed_ns;	/* out: wall time of the whole request */
	__u64 reserved[4];	/* zero */
};

/*
 * Errors of ALLOCBENCH_IOC_ACCESS, in the order they are checked:
 *  -EPERM      the caller lacks CAP_SYS_ADMIN
 *  -EBADF      the descriptor is not open for writing
 *  -EFAULT     the struct itself cannot be read
 *  -EINVAL     size below the first layout; unknown allocator, pattern
 *              (NONE included), view or flag; view DIRECT with an allocator
 *              other than vmap; passes 0 or above ALLOCBENCH_MAX_PASSES;
 *              min_steps above ALLOCBENCH_MAX_STEPS; reserved or output
 *              fields not zero; bytes 0 or not a multiple of PAGE_SIZE;
 *              samples_cap smaller than passes
 *  -E2BIG      size above PAGE_SIZE, or above the module's layout with
 *              nonzero tail bytes;
 *              bytes above total RAM
 *  -EFAULT     the struct cannot be written back, or the samples buffer
 *              is not writable
 *  -EOPNOTSUPP allocator not available on this kernel
 *  -ERANGE     bytes above what the allocator serves (allocator max_bytes)
 *  -ENOMEM     the working set, with what every other request in flight
 *              reserved, exceeds half of MemAvailable; or the module's own
 *              bookkeeping could not be allocated
 *  -EINTR      a signal arrived; nothing is left allocated
 * An allocation that fails is not an error: failures = 1, samples_written
 * = 0, the ioctl returns 0.
 */

/* ---- limits and fragmentation ---- */

/*
 * allocbench_run.out_flags: the module did not call the allocator because a
 * request of this size is known to end in a WARN or dump_stack() even with
 * __GFP_NOWARN (kmem_cache_create() of an object that, with the metadata
 * slub_debug adds, does not fit in a slab of the largest order: the
 * kmem_cache entry's max_bytes, KMALLOC_MAX_SIZE without slub_debug).
 * Every operation is then counted in 'failures'; the runner reports "not
 * attempted: above <limit>". Every other allocator is really called above
 * its documented limit (allocbench_allocator_info.max_bytes) and fails, or
 * not, on its own.
 */
#define ALLOCBENCH_OUT_NOT_ATTEMPTED	(1U << 8)

/*
 * ALLOCBENCH_IOC_FRAG: fragment physical memory on purpose, for the open
 * file. HOLD takes 'percent' of the free memory as order-0 pages, then
 * frees all of them but one page in every 2^keep_order by PFN; it then
 * pins one page of each remaining free block of order >= keep_order the
 * same way (allocated without reclaim, split, all but one page freed), so
 * no 2^keep_order-aligned block can become free while the hold lasts.
 * Allocations never reclaim, compact, retry or wake the OOM killer; free
 * memory never drops below floor_pages, nor below what other requests in
 * flight reserved. The pages belong to the open file: RELEASE frees them,
 * and so does close() (also when the process is killed), and either then
 * drains every CPU's free lists of the zones involved, so that the freed
 * pages merge at once (6.1 never drains those lists on its own): free
 * blocks per order (/proc/buddyinfo) are back in their starting shape
 * minus at most one block of the largest order per zone. One hold at a
 * time in the whole system.
 */
enum allocbench_frag_cmd {
	ALLOCBENCH_FRAG_HOLD	= 0,
	ALLOCBENCH_FRAG_RELEASE	= 1,
	ALLOCBENCH_NR_FRAG_CMDS
};

#define ALLOCBENCH_FRAG_MIN_KEEP_ORDER	4	/* orders 0..3 always stay served */
#define ALLOCBENCH_FRAG_MAX_PERCENT	95

/* allocbench_frag.out_flags */
#define ALLOCBENCH_FRAG_OUT_FLOOR	(1U << 0)	/* stopped at the free-memory floor */

struct allocbench_frag {
	__u32 size;		/* in: sizeof(struct allocbench_frag) */
	__u32 cmd;		/* in: enum allocbench_frag_cmd */
	__u32 percent;		/* in: HOLD: 1 .. ALLOCBENCH_FRAG_MAX_PERCENT; RELEASE: 0 */
	__u32 keep_order;	/* in: HOLD: MIN_KEEP_ORDER .. largest order; RELEASE: 0 */
	__u64 taken_pages;	/* out: order-0 pages taken by the first pass */
	__u64 swept_blocks;	/* out: free blocks of order >= keep_order pinned afterwards */
	__u64 held_pages;	/* out: pages held now (HOLD) or just freed (RELEASE) */
	__u64 free_before_pages; /* out: NR_FREE_PAGES before the request */
	__u64 free_after_pages;	/* out: NR_FREE_PAGES after it */
	__u64 floor_pages;	/* out: the floor HOLD kept free memory above */
	__u32 out_flags;	/* out: ALLOCBENCH_FRAG_OUT_* */
	__u32 __pad0;
	__u64 elapsed_ns;	/* out: wall time of the request */
	__u64 reserved[4];	/* zero */
};

/*
 * Errors of ALLOCBENCH_IOC_FRAG, in the order they are checked:
 *  -EPERM      the caller lacks CAP_SYS_ADMIN
 *  -EBADF      the descriptor is not open for writing
 *  -EFAULT     the struct itself cannot be read
 *  -EINVAL     size below the first layout; unknown cmd; percent or
 *              keep_order out of range (not zero for RELEASE); output or
 *              reserved fields not zero
 *  -E2BIG      size above PAGE_SIZE, or above the module's layout with
 *              nonzero tail bytes
 *  -EFAULT     the struct cannot be written back (a HOLD is undone)
 *  -EBUSY      HOLD while a hold exists (this file's or another's)
 *  -EINTR      a signal arrived during HOLD; nothing is left held
 * RELEASE without a hold, or on a file that does not own the hold,
 * returns 0 with held_pages = 0.
 */

/*
 * ALLOCBENCH_IOC_FOOTPRINT: memory one allocation of 'bytes' really
 * consumes. One object is allocated (untimed), inspected and freed.
 *   slab (kmalloc, kzalloc, kmem_cache, kvmalloc served by kmalloc):
 *        data_bytes = ksize() (measured); for kmem_cache the cache's object
 *        size as ksize() reports it
 *   buddy: data_bytes = PAGE_SIZE << order (alloc_pages_exact: the pages
 *        it keeps, PAGE_ALIGN(bytes))
 *   vmalloc family, vmap: data_bytes = pages found mapped by walking the
 *        area with vmalloc_to_page() (measured); guard_bytes = the guard
 *        page of the area (address space, not memory; computed);
 *        pgtable_bytes = PTE pages the area spans (computed from its
 *        address; zero for PMD-mapped parts); meta_bytes = the page array
 *        and the area descriptors (computed)
 * consumed_bytes = data_bytes + pgtable_bytes + meta_bytes.
 */
#define ALLOCBENCH_FP_DATA_MEASURED	(1U << 0)	/* data_bytes measured, not computed */
#define ALLOCBENCH_FP_VMALLOC		(1U << 1)	/* served from the vmalloc area */
#define ALLOCBENCH_FP_HUGE		(1U << 2)	/* at least one PMD mapping seen */

struct allocbench_footprint {
	__u32 size;		/* in: sizeof(struct allocbench_footprint) */
	__u32 allocator;	/* in: enum allocbench_allocator */
	__u32 gfp;		/* in: enum allocbench_gfp (not atomic for vmalloc, vmap) */
	__u32 method;		/* out: ALLOCBENCH_FP_* */
	__u64 bytes;		/* in: 1 .. min(max_bytes, totalram) */
	__u64 consumed_bytes;	/* out */
	__u64 data_bytes;	/* out */
	__u64 guard_bytes;	/* out */
	__u64 pgtable_bytes;	/* out */
	__u64 meta_bytes;	/* out */
	__u32 failed;		/* out: 1 if the allocation failed (the ioctl returns 0) */
	__u32 __pad0;
	__u64 reserved[4];	/* zero */
};

/*
 * Errors of ALLOCBENCH_IOC_FOOTPRINT, in the order they are checked:
 *  -EPERM      the caller lacks CAP_SYS_ADMIN
 *  -EBADF      the descriptor is not open for writing
 *  -EFAULT     the struct itself cannot be read
 *  -EINVAL     size below the first layout; unknown allocator or gfp;
 *              bytes 0; output, __pad0 or reserved fields not zero
 *  -E2BIG      size above PAGE_SIZE, or above the module's layout with
 *              nonzero tail bytes;
 *              bytes above total RAM
 *  -EOPNOTSUPP allocator not available on this kernel, or gfp atomic for
 *              an allocator that may sleep
 *  -ERANGE     bytes above the allocator's documented limit (max_bytes)
 *  -EFAULT     the struct cannot be written back
 *  -ENOMEM     bytes, with what every other request in flight reserved,
 *              above half of MemAvailable
 * An allocation that fails is not an error: failed = 1, the ioctl
 * returns 0.
 */

/* ---- many CPUs at once: ALLOCBENCH_IOC_SCALE ---- */

/*
 * ALLOCBENCH_IOC_SCALE: one worker kthread bound to each of the first
 * 'threads' online CPUs, all started together, each running the pattern on
 * the allocator for 'duration_ms', then all stopped. Workers take no lock
 * of the module's while they run; the request holds the module's
 * measurement lock, so no RUN series runs beside it. Every operation is
 * counted; one in 'sample_every' is timed (ticks, raw, like RUN's
 * samples), up to 'samples_per_thread' per worker.
 *
 *   PAIR         allocate and free one object, again and again; a timed
 *                sample is the pair
 *   BURST        allocate 'burst' objects, then free them; a timed sample
 *                is one allocation
 *   REMOTE_FREE  worker i allocates 'burst' objects and hands them to
 *                worker i+1 (mod threads) through a ring, which frees
 *                them: the slab remote-free and page-allocator drain
 *                paths; a timed sample is one allocation. A full ring
 *                makes the allocating worker free the object itself
 *                (counted in local_frees). With one thread every free is
 *                local.
 * Every object a worker holds, and every object left in a ring, is freed
 * before the request returns, also when a signal stops it.
 */
enum allocbench_scale_pattern {
	ALLOCBENCH_SCALE_PAIR		= 0,
	ALLOCBENCH_SCALE_BURST		= 1,
	ALLOCBENCH_SCALE_REMOTE_FREE	= 2,
	ALLOCBENCH_NR_SCALE_PATTERNS
};

#define ALLOCBENCH_MAX_THREADS		256U
#define ALLOCBENCH_MAX_SCALE_MS		60000U
#define ALLOCBENCH_MAX_SCALE_SAMPLES	(1U << 16)	/* per thread */

/* One worker's figures, out; an array of 'threads' of them at threads_out. */
struct allocbench_scale_thread {
	__u64 ops;		/* allocations made (PAIR: pairs) */
	__u64 failures;		/* allocations that failed */
	__u64 remote_frees;	/* objects this worker freed that another CPU allocated */
	__u64 local_frees;	/* REMOTE_FREE: objects freed by their allocating worker */
	__u64 elapsed_ns;	/* from the common start to this worker's stop */
	__u32 cpu;		/* the CPU the worker was bound to */
	__u32 samples_written;	/* timed samples in this worker's slice of samples */
	__u64 reserved[2];	/* written as zero */
};

struct allocbench_scale {
	__u32 size;		/* in: sizeof(struct allocbench_scale) */
	__u32 allocator;	/* in: enum allocbench_allocator */
	__u32 pattern;		/* in: enum allocbench_scale_pattern */
	__u32 gfp;		/* in: enum allocbench_gfp */
	__u64 bytes;		/* in: object size, 1 .. totalram */
	__u32 threads;		/* in: 1 .. min(online CPUs, ALLOCBENCH_MAX_THREADS) */
	__u32 burst;		/* in: BURST, REMOTE_FREE: 1 .. ALLOCBENCH_MAX_BURST; PAIR: 0 */
	__u32 duration_ms;	/* in: 1 .. ALLOCBENCH_MAX_SCALE_MS */
	__u32 sample_every;	/* in: time one operation in this many, >= 1 */
	__u64 samples;		/* in: user pointer to __u64[threads * samples_per_thread] */
	__u32 samples_per_thread; /* in: 0 .. ALLOCBENCH_MAX_SCALE_SAMPLES */
	__u32 flags;		/* in: zero (none defined) */
	__u64 threads_out;	/* in: user pointer to struct allocbench_scale_thread[threads] */
	__u64 elapsed_ns;	/* out: wall time of the whole request */
	__u32 cpus_online;	/* out: online CPUs when the request ran */
	__u32 out_flags;	/* out: ALLOCBENCH_OUT_NOT_ATTEMPTED as for RUN */
	__u64 reserved[4];	/* zero */
};

/*
 * Errors of ALLOCBENCH_IOC_SCALE, in the order they are checked:
 *  -EPERM      the caller lacks CAP_SYS_ADMIN
 *  -EBADF      the descriptor is not open for writing
 *  -EFAULT     the struct itself cannot be read
 *  -EINVAL     size below the first layout; unknown allocator, pattern,
 *              gfp or flag; threads 0 or above ALLOCBENCH_MAX_THREADS;
 *              burst not matching the pattern or above ALLOCBENCH_MAX_BURST;
 *              duration_ms 0 or above ALLOCBENCH_MAX_SCALE_MS;
 *              sample_every 0; samples_per_thread above its limit; output
 *              or reserved fields not zero; bytes 0
 *  -E2BIG      size above PAGE_SIZE, or above the module's layout with
 *              nonzero tail bytes; bytes above total RAM
 *  -EFAULT     the struct cannot be written back, or the samples or
 *              threads_out buffers are not writable
 *  -ERANGE     threads above the CPUs online now
 *  -EOPNOTSUPP allocator not available on this kernel, or gfp atomic for
 *              an allocator that may sleep
 *  -ENOMEM     the objects all workers hold at once (threads x burst, and
 *              for REMOTE_FREE the rings), with what every other request in
 *              flight reserved, exceed half of MemAvailable; or the
 *              module's own bookkeeping or a worker could not be made
 *  -EINTR      a signal arrived; every worker stopped, nothing is held
 * An allocation that fails is not an error: it is counted in its worker's
 * failures and the ioctl returns 0.
 */

/* ---- the vmalloc address range: ALLOCBENCH_IOC_VSPACE ---- */

/*
 * ALLOCBENCH_IOC_VSPACE: fragment the vmalloc *address range* on purpose,
 * for as long as the file that asked stays open, at almost no memory cost.
 *
 * HOLD first purges the ranges freed earlier and not yet purged (the
 * "unpurged vm_area" lines of /proc/vmallocinfo), then maps 'areas' areas
 * of 'area_bytes' each with vmap(VM_MAP) of one and the same page
 * repeated: an area costs address space (area_bytes plus its guard page)
 * and the page tables that map it, not memory. vmalloc places every area
 * at the lowest free address that fits, so the areas fill the range's
 * free gaps from the bottom: sum over the gaps of
 * floor(gap / (area_bytes + PAGE_SIZE)) of them fill it. The areas are then sorted
 * by address and all but every keep_every-th one (rank 0, keep_every,
 * 2 x keep_every, ...) are unmapped: keep_every = 2 leaves a hole of
 * area_bytes + one guard page between every two areas it keeps. The
 * unmapped ranges are purged at once (vm_unmap_aliases()), so that
 * /proc/vmallocinfo shows them as gaps, not as lazily freed areas.
 *
 * vmap() warns on its own when the range has no room ("vmap allocation
 * for size N failed", one ratelimited line: it takes no __GFP_NOWARN), so
 * a caller sizes 'areas' from the free gaps of /proc/vmallocinfo
 * (allocbench_info.vmalloc_start marks where the range begins); a HOLD
 * that runs out of room anyway stops there and says so (out_flags).
 *
 * RELEASE unmaps every area and purges, and so does close() (also when
 * the process is killed): /proc/vmallocinfo is back to its starting
 * areas. The page tables that mapped the areas stay, as every vmalloc'ed
 * range's do (the kernel never frees them). One hold at a time in the
 * whole system. The memory a hold may cost (page, page tables, area
 * descriptors) is reserved from the module's budget until it ends.
 */
enum allocbench_vspace_cmd {
	ALLOCBENCH_VSPACE_HOLD		= 0,
	ALLOCBENCH_VSPACE_RELEASE	= 1,
	ALLOCBENCH_NR_VSPACE_CMDS
};

#define ALLOCBENCH_VSPACE_MAX_AREAS		(1U << 20)
#define ALLOCBENCH_VSPACE_MAX_AREA_BYTES	(1ULL << 30)

/* allocbench_vspace.out_flags */
#define ALLOCBENCH_VSPACE_OUT_FULL	(1U << 0)	/* a vmap() found no room: taken_areas < areas */

struct allocbench_vspace {
	__u32 size;		/* in: sizeof(struct allocbench_vspace) */
	__u32 cmd;		/* in: enum allocbench_vspace_cmd */
	__u64 area_bytes;	/* in: HOLD: a multiple of PAGE_SIZE, PAGE_SIZE ..
				 * ALLOCBENCH_VSPACE_MAX_AREA_BYTES; RELEASE: 0 */
	__u32 areas;		/* in: HOLD: 1 .. ALLOCBENCH_VSPACE_MAX_AREAS; RELEASE: 0 */
	__u32 keep_every;	/* in: HOLD: 1 (keep all) .. areas; RELEASE: 0 */
	__u32 taken_areas;	/* out: areas mapped by HOLD (fewer than 'areas' when the range filled up) */
	__u32 held_areas;	/* out: areas held after HOLD, or unmapped by RELEASE */
	__u64 held_bytes;	/* out: address space they hold, guard pages included */
	__u64 cost_bytes;	/* out: memory the hold costs: the page, the page tables
				 * and area descriptors (computed, an upper bound) */
	__u32 out_flags;	/* out: ALLOCBENCH_VSPACE_OUT_* */
	__u32 __pad0;
	__u64 elapsed_ns;	/* out: wall time of the request */
	__u64 reserved[4];	/* zero */
};

/*
 * Errors of ALLOCBENCH_IOC_VSPACE, in the order they are checked:
 *  -EPERM      the caller lacks CAP_SYS_ADMIN
 *  -EBADF      the descriptor is not open for writing
 *  -EFAULT     the struct itself cannot be read
 *  -EINVAL     size below the first layout; unknown cmd; HOLD with
 *              area_bytes 0, not a multiple of PAGE_SIZE or above
 *              ALLOCBENCH_VSPACE_MAX_AREA_BYTES, areas 0 or above
 *              ALLOCBENCH_VSPACE_MAX_AREAS, keep_every 0 or above areas;
 *              RELEASE with any of them nonzero; output, __pad0 or
 *              reserved fields not zero
 *  -E2BIG      size above PAGE_SIZE, or above the module's layout with
 *              nonzero tail bytes
 *  -EFAULT     the struct cannot be written back (a HOLD is undone)
 *  -ERANGE     HOLD with area_bytes above the vmalloc range (VMALLOC_TOTAL)
 *              or above total RAM (vmap() maps at most that many pages)
 *  -EBUSY      HOLD while a hold exists (this file's or another's)
 *  -ENOMEM     the hold's memory cost, with what every other request in
 *              flight reserved, exceeds half of MemAvailable; or the page
 *              or the module's bookkeeping could not be allocated
 *  -EINTR      a signal arrived during HOLD; nothing is left held
 * A HOLD whose range fills up before 'areas' is not an error: it keeps
 * what it took, sets ALLOCBENCH_VSPACE_OUT_FULL and returns 0. RELEASE
 * without a hold, or on a file that does not own it, returns 0 with
 * held_areas = 0.
 */

#define ALLOCBENCH_IOC_MAGIC	0xAB
#define ALLOCBENCH_IOC_INFO	_IOWR(ALLOCBENCH_IOC_MAGIC, 1, struct allocbench_info)
#define ALLOCBENCH_IOC_ALLOCATOR _IOWR(ALLOCBENCH_IOC_MAGIC, 2, struct allocbench_allocator_info)
#define ALLOCBENCH_IOC_RUN	_IOWR(ALLOCBENCH_IOC_MAGIC, 3, struct allocbench_run)
#define ALLOCBENCH_IOC_ACCESS	_IOWR(ALLOCBENCH_IOC_MAGIC, 4, struct allocbench_access)

#define ALLOCBENCH_IOC_FRAG	_IOWR(ALLOCBENCH_IOC_MAGIC, 5, struct allocbench_frag)
#define ALLOCBENCH_IOC_FOOTPRINT _IOWR(ALLOCBENCH_IOC_MAGIC, 6, struct allocbench_footprint)
#define ALLOCBENCH_IOC_SCALE	_IOWR(ALLOCBENCH_IOC_MAGIC, 7, struct allocbench_scale)
#define ALLOCBENCH_IOC_VSPACE	_IOWR(ALLOCBENCH_IOC_MAGIC, 8, struct allocbench_vspace)

#endif /* _UAPI_ALLOCBENCH_H */
