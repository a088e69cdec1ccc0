// SPDX-License-Identifier: GPL-2.0
/*
 * ioctl-fuzz: a seeded, reproducible fuzzer of /dev/allocbench, with an
 * oracle for the errno order include/uapi/allocbench.h documents.
 *
 *   gcc -std=c11 -O2 -Wall -Wextra -Werror -static -pthread \
 *       -I bench-module/include/uapi tests/integration/ioctl-fuzz.c
 *
 *   ioctl-fuzz [-s SEED] [-n REQUESTS] [-j CHILDREN] [-k IOCTL,...]
 *              [-r STREAM:INDEX] [-w] [-A] [-d DEVICE] [-v]
 *
 * Every request is a pure function of (SEED, STREAM, INDEX): a valid
 * template for one ioctl (INFO, ALLOCATOR, RUN, ACCESS, FRAG, FOOTPRINT,
 * SCALE, VSPACE, or an unknown number), then 0-4 mutations: boundary and
 * random values of any field, reserved and output fields set, the size
 * field smaller or larger with a zero or nonzero tail, a command with
 * another direction or size, a read-only descriptor or a caller without
 * CAP_SYS_ADMIN, a share of RAM near the memory budget, and bad pointers
 * for the struct, the samples buffer and SCALE's threads_out (NULL, 1,
 * kernel, non-canonical, unmapped, above TASK_SIZE, read-only pages, a
 * struct or buffer running into a PROT_NONE or read-only page, a buffer
 * one entry short, misaligned).
 *
 * oracle() computes, from the request alone, the errno the header's
 * "Errors of ..., in the order they are checked" lists give, or the set
 * of results the header allows where the outcome depends on the machine
 * (ENOMEM near the budget, EBUSY while another hold exists, EINTR while
 * signals fly). Every answer is also checked: input fields and tails
 * unchanged, output fields consistent (samples_written vs failures, the
 * samples buffer written only below what the request may write, zeros
 * where samples are missing, SCALE's per-thread figures, VSPACE's kept
 * areas), no kernel pointer, no change at all after a failure. Requests
 * that pass every check are kept cheap under TCG (a cost estimate shrinks
 * them), except a few large ones.
 *
 * Phases: 55 % of REQUESTS one at a time (stream 0, strict oracle: ENOMEM
 * decided from MemAvailable, EBUSY from the holds it made, which it
 * releases soon), then 45 % from CHILDREN processes of 2 threads each
 * (streams 1.., lenient oracle) while a chaos process SIGKILLs children in
 * the middle of long requests of every kind, closes a descriptor in one
 * thread while another is in an ioctl, makes the struct read-only or
 * interrupts with a signal during a request (then checks nothing is held
 * and nothing half-delivered), and sends requests as an unprivileged user
 * through a node made world-writable. Last ("aftermath", -A skips it): a
 * FRAG and a VSPACE hold must still be possible (no hold leaked), and the
 * budget must hold no reservation left over (a burst reserving 35 % of
 * MemAvailable passes, 65 % gets ENOMEM).
 *
 *   -k IOCTL,...   only these (names as in the summary: RUN,FRAG,...)
 *   -w             warm-up only: build what the kernel keeps for good
 *                  (vmalloc-area page tables, kthread stacks) before a
 *                  memory baseline; sends no fuzz
 *   -r S:I         send request I of stream S again, alone, and print it
 *
 * Every mismatch prints the seed, stream and index, the request and the
 * reason; "-s SEED -r STREAM:INDEX" (with the same -k) sends that one
 * request again. The last line is "N passed, N failed"; exit 1 on any
 * failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <linux/capability.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "allocbench.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define THREADS		2	/* per child */
#define SAMP_PAGES	16	/* per-thread samples area: 8192 entries */
#define BIG_ENTRIES	(2ull * ALLOCBENCH_MAX_COUNT)
#define MAX_DUMPS	40	/* mismatches printed in full */
#define CHEAP_US	30000.0	/* estimated cost a request may have */
#define LARGE_US	3e6	/* ... and a rare large one */

/* ---- ioctls and errno classes ------------------------------------------------ */

enum { K_INFO, K_ALLOCATOR, K_RUN, K_ACCESS, K_FRAG, K_FOOTPRINT, K_SCALE, K_VSPACE, K_UNKNOWN, NKINDS };
static const char *const kind_name[NKINDS] = {
	"INFO", "ALLOCATOR", "RUN", "ACCESS", "FRAG", "FOOTPRINT", "SCALE", "VSPACE", "unknown",
};
static const unsigned long kind_cmd[NKINDS] = {
	ALLOCBENCH_IOC_INFO, ALLOCBENCH_IOC_ALLOCATOR, ALLOCBENCH_IOC_RUN,
	ALLOCBENCH_IOC_ACCESS, ALLOCBENCH_IOC_FRAG, ALLOCBENCH_IOC_FOOTPRINT,
	ALLOCBENCH_IOC_SCALE, ALLOCBENCH_IOC_VSPACE, 0,
};
static const size_t kind_size[NKINDS] = {
	sizeof(struct allocbench_info), sizeof(struct allocbench_allocator_info),
	sizeof(struct allocbench_run), sizeof(struct allocbench_access),
	sizeof(struct allocbench_frag), sizeof(struct allocbench_footprint),
	sizeof(struct allocbench_scale), sizeof(struct allocbench_vspace), 0,
};
#define TSIZE	sizeof(struct allocbench_scale_thread)

enum { C_OK, C_PERM, C_BADF, C_FAULT, C_INVAL, C_2BIG, C_OPNOTSUPP, C_RANGE,
       C_NOMEM, C_BUSY, C_INTR, C_NOTTY, C_OTHER, NCLASSES };
static const char *const class_name[NCLASSES] = {
	"0", "EPERM", "EBADF", "EFAULT", "EINVAL", "E2BIG", "EOPNOTSUPP", "ERANGE",
	"ENOMEM", "EBUSY", "EINTR", "ENOTTY", "other",
};
#define M(c)	(1u << (c))

static int classify(int e)
{
	switch (e) {
	case 0: return C_OK;
	case EPERM: return C_PERM;
	case EBADF: return C_BADF;
	case EFAULT: return C_FAULT;
	case EINVAL: return C_INVAL;
	case E2BIG: return C_2BIG;
	case EOPNOTSUPP: return C_OPNOTSUPP;
	case ERANGE: return C_RANGE;
	case ENOMEM: return C_NOMEM;
	case EBUSY: return C_BUSY;
	case EINTR: return C_INTR;
	case ENOTTY: return C_NOTTY;
	default: return C_OTHER;
	}
}

static void mask_str(unsigned mask, char *buf, size_t len)
{
	size_t n = 0;
	int c;

	buf[0] = 0;
	for (c = 0; c < NCLASSES; c++)
		if (mask & M(c))
			n += snprintf(buf + n, n < len ? len - n : 0, "%s%s", n ? "|" : "", class_name[c]);
}

/* ---- seeded randomness: one stream per (seed, stream, index) ------------------ */

struct rng { uint64_t s; };

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint64_t rnd(struct rng *r) { return splitmix(&r->s); }
static uint64_t below(struct rng *r, uint64_t n) { return n ? rnd(r) % n : 0; }
static bool pct(struct rng *r, unsigned p) { return below(r, 100) < p; }

static struct rng rng_for(uint64_t seed, uint64_t stream, uint64_t index)
{
	struct rng r;
	uint64_t s = seed;

	r.s = splitmix(&s) ^ (stream * 0xd1342543de82ef95ull);
	r.s = splitmix(&r.s) ^ (index * 0xa0761d6478bd642full);
	rnd(&r);
	return r;
}

/* 1 .. max, every bit length about as likely */
static uint64_t log_uniform(struct rng *r, uint64_t max)
{
	unsigned bits = 64 - __builtin_clzll(max | 1), b = 1 + below(r, bits);
	uint64_t v = (b >= 64 ? rnd(r) : (rnd(r) & ((1ull << b) - 1))) | (1ull << (b - 1));

	return v > max ? max : v;
}

/* ---- the kernel's facts, from INFO and ALLOCATOR at start ------------------------ */

static const char *dev_path = ALLOCBENCH_DEVICE;
static struct allocbench_info info0;
static struct allocbench_allocator_info ai0[ALLOCBENCH_NR_ALLOCATORS];
static uint64_t pgsz, totalram;
static uint64_t seed = 1;
static int verbose, replaying;

static bool available(uint32_t a)
{
	return a < ALLOCBENCH_NR_ALLOCATORS && (info0.allocators & (1ull << a));
}

static bool atomic_ok(uint32_t a)
{
	return ai0[a].flags & ALLOCBENCH_ALLOC_ATOMIC_OK;
}

static uint64_t pow2_up(uint64_t x)
{
	return x <= 1 ? 1 : 1ull << (64 - __builtin_clzll(x - 1));
}

/* What the module reserves for one object (contiguous: a power of two). */
static uint64_t consumed_bound(uint32_t a, uint64_t bytes)
{
	if (ai0[a].flags & ALLOCBENCH_ALLOC_CONTIGUOUS)
		return pow2_up(bytes);
	return (bytes + pgsz - 1) & ~(pgsz - 1);
}

static uint64_t mem_available(void)
{
	char line[256];
	uint64_t kb = 0;
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %" SCNu64, &kb) == 1)
			break;
	fclose(f);
	return kb * 1024;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- shared statistics (children write them too) ------------------------------ */

struct stats {
	_Atomic unsigned long sent, passed, failed, dumps;
	_Atomic unsigned long by[NKINDS][NCLASSES];
	_Atomic unsigned long decided, from_set, work, large;
	_Atomic unsigned long kills, kills_mid, kill_ms_max;
	_Atomic unsigned long closes, mprots, mprot_efault, eintr_tries, eintr_got, privs;
	_Atomic unsigned long checks_passed, checks_failed;
	_Atomic unsigned long us[NKINDS];	/* time spent in each ioctl */
};
static struct stats *st;

/* ---- per-thread memory: where structs and sample buffers are placed ------------- */

/*
 * Pages: srw[3] RW | sguard PROT_NONE | w RW | ro[2] RO | samp[SAMP_PAGES] RW |
 * sampguard PROT_NONE | samp_ro RO | hole (unmapped) | tout[TOUT_PAGES] RW |
 * toutguard PROT_NONE
 */
#define TOUT_PAGES	5	/* SCALE threads_out: room for ALLOCBENCH_MAX_THREADS entries */

struct arena {
	char *base, *srw, *sguard, *w, *ro, *samp, *sampguard, *samp_ro, *hole, *tout, *toutguard;
	size_t len;
};

static int arena_init(struct arena *a)
{
	size_t p = pgsz, n = 3 + 1 + 1 + 2 + SAMP_PAGES + 1 + 1 + 1 + TOUT_PAGES + 1;
	char *b = mmap(NULL, n * p, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (b == MAP_FAILED)
		return -1;
	a->base = b;
	a->len = n * p;
	a->srw = b;
	a->sguard = b + 3 * p;
	a->w = a->sguard + p;
	a->ro = a->w + p;
	a->samp = a->ro + 2 * p;
	a->sampguard = a->samp + SAMP_PAGES * p;
	a->samp_ro = a->sampguard + p;
	a->hole = a->samp_ro + p;
	a->tout = a->hole + p;
	a->toutguard = a->tout + TOUT_PAGES * p;
	if (mprotect(a->sguard, p, PROT_NONE) || mprotect(a->ro, 2 * p, PROT_READ) ||
	    mprotect(a->sampguard, p, PROT_NONE) || mprotect(a->samp_ro, p, PROT_READ) ||
	    mprotect(a->toutguard, p, PROT_NONE) || munmap(a->hole, p))
		return -1;
	return 0;
}

/* msync() fails with ENOMEM on an unmapped range: the hole is still a hole. */
static bool still_unmapped(void *p)
{
	return msync(p, pgsz, MS_ASYNC) && errno == ENOMEM;
}

/* ---- one request ---------------------------------------------------------------- */

enum { FD_RW, FD_RO, FD_WO, FD_NOCAP, FD_NOCAP_RO, NFDMODES };
static const char *const fd_name[NFDMODES] = { "rw", "rdonly", "wronly", "rw-nocap", "rdonly-nocap" };

enum { SP_OK, SP_NULL, SP_ONE, SP_KERNEL, SP_NONCANON, SP_HOLE, SP_LOW, SP_TOP,
       SP_RO, SP_RO_PART, SP_GUARD_PART, NSP };
static const char *const sp_name[NSP] = {
	"ok", "NULL", "1", "kernel", "non-canonical", "unmapped", "low", "above-TASK_SIZE",
	"read-only", "into-read-only", "into-PROT_NONE",
};

enum { BP_OK, BP_EXACT, BP_SHORT, BP_MISALIGNED, BP_BIG, BP_NULL, BP_ONE, BP_KERNEL,
       BP_NONCANON, BP_HOLE, BP_RO, BP_TOP, NBP };
static const char *const bp_name[NBP] = {
	"ok", "exact-fit", "one-short", "misaligned", "big", "NULL", "1", "kernel",
	"non-canonical", "unmapped", "read-only", "above-TASK_SIZE",
};

union ustruct {
	struct allocbench_info info;
	struct allocbench_allocator_info ai;
	struct allocbench_run run;
	struct allocbench_access acc;
	struct allocbench_frag frag;
	struct allocbench_footprint fp;
	struct allocbench_scale sc;
	struct allocbench_vspace vs;
	unsigned char raw[256];
};

struct req {
	int kind;
	unsigned long cmd;
	int fdmode;
	int sp, bp;
	uint64_t sp_arg, bp_arg;	/* placement parameters (offsets) */
	union ustruct u;
	unsigned char tail[4096];	/* bytes after the known layout, usize <= PAGE_SIZE */
	/* placement, derived */
	uintptr_t addr;			/* the ioctl argument */
	bool r4, rk, rt, wk;		/* size readable, struct readable, tail readable, writable */
	uint64_t wn;			/* u64 entries writable at the samples pointer */
	int tp;				/* SCALE threads_out placement (a BP_ class) */
	uint64_t wt;			/* ... and the entries writable there */
	size_t img_len;			/* bytes of our image at addr that we can read back */
	bool large;
	char muts[160];			/* what was mutated, for the dump */
};

static uint32_t usize_of(const struct req *q) { return q->u.run.size; }
static size_t ksize_of(const struct req *q) { return kind_size[q->kind]; }

static uint64_t needed_of(const struct req *q)
{
	if (q->kind == K_RUN)
		return q->u.run.op == ALLOCBENCH_OP_BURST ? 2ull * q->u.run.count : q->u.run.count;
	if (q->kind == K_ACCESS)
		return q->u.acc.passes;
	if (q->kind == K_SCALE)
		return (uint64_t)q->u.sc.threads * q->u.sc.samples_per_thread;
	return 0;
}

static __u64 *samples_field(struct req *q)
{
	if (q->kind == K_RUN)
		return &q->u.run.samples;
	if (q->kind == K_ACCESS)
		return &q->u.acc.samples;
	if (q->kind == K_SCALE)
		return &q->u.sc.samples;
	return NULL;
}

static bool tail_nonzero(const struct req *q)
{
	uint32_t us = usize_of(q), i;
	size_t ks = ksize_of(q);

	if (us <= ks || us > pgsz)
		return false;
	for (i = 0; i < us - ks; i++)
		if (q->tail[i])
			return true;
	return false;
}

/* ---- the oracle: a pure function of the request and what it may depend on ----- */

enum { MODE_SEQ, MODE_CONC };

struct octx {
	int mode;
	bool signals;		/* EINTR allowed */
	bool have_avail;
	uint64_t avail;		/* MemAvailable just before (MODE_SEQ) */
	bool hold_any;		/* a hold exists (MODE_SEQ) */
	bool vs_hold_any;	/* a VSPACE hold exists (MODE_SEQ) */
};

struct expect {
	unsigned mask;
	bool need_avail;	/* ask again with avail filled in */
	bool work;		/* the request may run (0 is among the answers) */
	bool zeros_ok;		/* on failure, the samples buffer may hold zeros (never, since the module only probes it) */
	char why[200];
};

static bool all_zero(const void *p, size_t n)
{
	const unsigned char *c = p;

	while (n--)
		if (*c++)
			return false;
	return true;
}

/* Every -EINVAL of RUN, as the header lists them; NULL when none. */
static const char *inval_run(const struct allocbench_run *x)
{
	uint64_t needed = x->op == ALLOCBENCH_OP_BURST ? 2ull * x->count : x->count;

	if (x->allocator >= ALLOCBENCH_NR_ALLOCATORS) return "unknown allocator";
	if (x->op >= ALLOCBENCH_NR_OPS) return "unknown op";
	if (x->gfp >= ALLOCBENCH_NR_GFP) return "unknown gfp";
	if (x->pattern != ALLOCBENCH_PATTERN_NONE) return "pattern not NONE";
	if (x->flags & ~ALLOCBENCH_RUN_FLAGS_ALL) return "unknown flag";
	if (!x->count) return "count 0";
	if (x->count > ALLOCBENCH_MAX_COUNT) return "count above ALLOCBENCH_MAX_COUNT";
	if (!x->batch) return "batch 0";
	if (x->batch > ALLOCBENCH_MAX_BATCH) return "batch above ALLOCBENCH_MAX_BATCH";
	if (x->warmup > ALLOCBENCH_MAX_WARMUP) return "warmup above ALLOCBENCH_MAX_WARMUP";
	if (x->op == ALLOCBENCH_OP_BURST) {
		if (!x->burst) return "burst 0 with op burst";
		if (x->burst > ALLOCBENCH_MAX_BURST) return "burst above ALLOCBENCH_MAX_BURST";
		if (x->count % x->burst) return "count not a multiple of burst";
		if (x->batch != 1) return "batch not 1 with op burst";
	} else if (x->burst) {
		return "burst set without op burst";
	}
	if (x->samples_written || x->failures || x->cpu || x->out_flags || x->fallbacks ||
	    x->elapsed_ns || x->setup_ns || x->timer_overhead_ticks)
		return "output field not zero";
	if (x->__pad0 || !all_zero(x->reserved, sizeof(x->reserved)))
		return "reserved field not zero";
	if (!x->bytes) return "bytes 0";
	if (x->samples_cap < needed) return "samples_cap below count (2 x count for burst)";
	return NULL;
}

static const char *inval_access(const struct allocbench_access *x)
{
	if (x->allocator >= ALLOCBENCH_NR_ALLOCATORS) return "unknown allocator";
	if (x->pattern == ALLOCBENCH_PATTERN_NONE || x->pattern >= ALLOCBENCH_NR_PATTERNS)
		return "pattern NONE or unknown";
	if (x->view >= ALLOCBENCH_NR_VIEWS) return "unknown view";
	if (x->flags & ~ALLOCBENCH_ACCESS_FLAGS_ALL) return "unknown flag";
	if (x->view == ALLOCBENCH_VIEW_DIRECT && x->allocator != ALLOCBENCH_VMAP)
		return "view DIRECT without vmap";
	if (!x->passes || x->passes > ALLOCBENCH_MAX_PASSES) return "passes 0 or above limit";
	if (x->min_steps > ALLOCBENCH_MAX_STEPS) return "min_steps above limit";
	if (x->samples_written || x->steps_per_pass || x->elements || x->chunks_per_pass ||
	    x->failures || x->mapped_4k_bytes || x->mapped_2m_bytes || x->mapped_1g_bytes ||
	    x->mapped_other_bytes || x->levels_status || x->pmu_status ||
	    x->dtlb_load_misses || x->cpu || x->out_flags || x->elapsed_ns)
		return "output field not zero";
	if (!all_zero(x->reserved, sizeof(x->reserved))) return "reserved field not zero";
	if (!x->bytes || x->bytes % pgsz) return "bytes 0 or not a page multiple";
	if (x->samples_cap < x->passes) return "samples_cap below passes";
	return NULL;
}

static const char *inval_frag(const struct allocbench_frag *x)
{
	if (x->cmd >= ALLOCBENCH_NR_FRAG_CMDS) return "unknown cmd";
	if (x->cmd == ALLOCBENCH_FRAG_HOLD) {
		if (!x->percent || x->percent > ALLOCBENCH_FRAG_MAX_PERCENT)
			return "percent out of range";
		if (x->keep_order < ALLOCBENCH_FRAG_MIN_KEEP_ORDER || x->keep_order > info0.max_order)
			return "keep_order out of range";
	} else if (x->percent || x->keep_order) {
		return "percent or keep_order set for RELEASE";
	}
	if (x->taken_pages || x->swept_blocks || x->held_pages || x->free_before_pages ||
	    x->free_after_pages || x->floor_pages || x->out_flags || x->elapsed_ns)
		return "output field not zero";
	if (x->__pad0 || !all_zero(x->reserved, sizeof(x->reserved)))
		return "reserved field not zero";
	return NULL;
}

static const char *inval_fp(const struct allocbench_footprint *x)
{
	if (x->allocator >= ALLOCBENCH_NR_ALLOCATORS) return "unknown allocator";
	if (x->gfp >= ALLOCBENCH_NR_GFP) return "unknown gfp";
	if (!x->bytes) return "bytes 0";
	if (x->method || x->consumed_bytes || x->data_bytes || x->guard_bytes ||
	    x->pgtable_bytes || x->meta_bytes || x->failed)
		return "output field not zero";
	if (x->__pad0 || !all_zero(x->reserved, sizeof(x->reserved)))
		return "reserved field not zero";
	return NULL;
}

static const char *inval_scale(const struct allocbench_scale *x)
{
	if (x->allocator >= ALLOCBENCH_NR_ALLOCATORS) return "unknown allocator";
	if (x->pattern >= ALLOCBENCH_NR_SCALE_PATTERNS) return "unknown pattern";
	if (x->gfp >= ALLOCBENCH_NR_GFP) return "unknown gfp";
	if (x->flags) return "unknown flag";
	if (!x->threads || x->threads > ALLOCBENCH_MAX_THREADS) return "threads 0 or above ALLOCBENCH_MAX_THREADS";
	if (x->pattern == ALLOCBENCH_SCALE_PAIR ? x->burst != 0 : !x->burst || x->burst > ALLOCBENCH_MAX_BURST)
		return "burst not matching the pattern or above ALLOCBENCH_MAX_BURST";
	if (!x->duration_ms || x->duration_ms > ALLOCBENCH_MAX_SCALE_MS) return "duration_ms 0 or above limit";
	if (!x->sample_every) return "sample_every 0";
	if (x->samples_per_thread > ALLOCBENCH_MAX_SCALE_SAMPLES) return "samples_per_thread above limit";
	if (x->elapsed_ns || x->cpus_online || x->out_flags) return "output field not zero";
	if (!all_zero(x->reserved, sizeof(x->reserved))) return "reserved field not zero";
	if (!x->bytes) return "bytes 0";
	return NULL;
}

static const char *inval_vspace(const struct allocbench_vspace *x)
{
	if (x->cmd >= ALLOCBENCH_NR_VSPACE_CMDS) return "unknown cmd";
	if (x->cmd == ALLOCBENCH_VSPACE_HOLD) {
		if (!x->area_bytes || x->area_bytes % pgsz || x->area_bytes > ALLOCBENCH_VSPACE_MAX_AREA_BYTES)
			return "area_bytes 0, not a page multiple or above limit";
		if (!x->areas || x->areas > ALLOCBENCH_VSPACE_MAX_AREAS) return "areas 0 or above limit";
		if (!x->keep_every || x->keep_every > x->areas) return "keep_every 0 or above areas";
	} else if (x->area_bytes || x->areas || x->keep_every) {
		return "RELEASE with area_bytes, areas or keep_every set";
	}
	if (x->taken_areas || x->held_areas || x->held_bytes || x->cost_bytes || x->out_flags || x->elapsed_ns)
		return "output field not zero";
	if (x->__pad0 || !all_zero(x->reserved, sizeof(x->reserved))) return "reserved field not zero";
	return NULL;
}

/* What a VSPACE hold reserves, as the header describes it (an upper bound). */
static uint64_t vspace_cost(const struct allocbench_vspace *x)
{
	uint64_t range_ptes = info0.vmalloc_total / info0.pmd_size + 1;
	uint64_t ptes = (uint64_t)x->areas * ((x->area_bytes + info0.pmd_size - 1) / info0.pmd_size + 1);

	if (ptes > range_ptes)
		ptes = range_ptes;
	return pgsz + ptes * pgsz + (uint64_t)x->areas * 200 + x->area_bytes / pgsz * 8;
}

static const char *inval_of(const struct req *q)
{
	switch (q->kind) {
	case K_INFO:
		return all_zero(q->u.info.reserved, sizeof(q->u.info.reserved)) ? NULL :
			"reserved field not zero";
	case K_ALLOCATOR:
		if (q->u.ai.id >= ALLOCBENCH_NR_ALLOCATORS)
			return "unknown allocator id";
		return all_zero(q->u.ai.reserved, sizeof(q->u.ai.reserved)) ? NULL :
			"reserved field not zero";
	case K_RUN: return inval_run(&q->u.run);
	case K_ACCESS: return inval_access(&q->u.acc);
	case K_FRAG: return inval_frag(&q->u.frag);
	case K_FOOTPRINT: return inval_fp(&q->u.fp);
	case K_SCALE: return inval_scale(&q->u.sc);
	case K_VSPACE: return inval_vspace(&q->u.vs);
	}
	return NULL;
}

#define ONLY(e, c, ...) do { (e)->mask = M(c); snprintf((e)->why, sizeof((e)->why), __VA_ARGS__); return; } while (0)

/*
 * A request that passes every check reserves 'held' bytes of the budget
 * (half of MemAvailable, shared by every request in flight). Alone, the
 * answer is ENOMEM well above the limit, 0 well below it, either near it.
 */
static void decide_memory(struct expect *e, const struct octx *c, uint64_t held, bool burst)
{
	double limit;

	e->zeros_ok = false;	/* the module probes the buffer, it never clears it */
	if (c->mode == MODE_CONC) {
		/* MemAvailable is at most total RAM: well above half of it, nobody gets in */
		e->mask = held > totalram / 2.0 * 1.25 ? M(C_NOMEM) : M(C_OK) | M(C_NOMEM);
		snprintf(e->why, sizeof(e->why), "valid; %" PRIu64 " bytes held at once, others share the budget", held);
	} else if (!c->have_avail) {
		e->need_avail = true;
		return;
	} else {
		limit = c->avail / 2.0;
		if (held > limit * 1.25)
			e->mask = M(C_NOMEM);
		else if (held < limit * 0.8)
			e->mask = M(C_OK);
		else
			e->mask = M(C_OK) | M(C_NOMEM);
		/* a burst stops when MemAvailable falls under max(RAM/32, 16M) */
		if (burst) {
			double floor = totalram / 32.0 > 16 << 20 ? totalram / 32.0 : 16 << 20;

			if (c->avail - (double)held < floor * 1.5)
				e->mask |= M(C_NOMEM);
		}
		snprintf(e->why, sizeof(e->why), "valid; %" PRIu64 " bytes held at once, budget %.0f (MemAvailable/2)",
			 held, limit);
	}
	if (c->signals)
		e->mask |= M(C_INTR);
	e->work = e->mask & M(C_OK);
}

static void oracle(const struct req *q, const struct octx *c, struct expect *e)
{
	bool mem = q->kind >= K_RUN && q->kind <= K_VSPACE;
	uint32_t usize = usize_of(q);
	size_t ksize = ksize_of(q);
	const char *why;

	memset(e, 0, sizeof(*e));
	if (q->kind == K_UNKNOWN)
		ONLY(e, C_NOTTY, "unknown ioctl number");
	if (mem && (q->fdmode == FD_NOCAP || q->fdmode == FD_NOCAP_RO))
		ONLY(e, C_PERM, "caller without CAP_SYS_ADMIN");
	if (mem && (q->fdmode == FD_RO || q->fdmode == FD_NOCAP_RO))
		ONLY(e, C_BADF, "descriptor not open for writing");
	if (!q->r4)
		ONLY(e, C_FAULT, "size field cannot be read");
	if (usize < ksize)
		ONLY(e, C_INVAL, "size %u below the first layout (%zu)", usize, ksize);
	if (!q->rk)
		ONLY(e, C_FAULT, "struct cannot be read");
	why = inval_of(q);
	if (why)
		ONLY(e, C_INVAL, "%s", why);
	if (usize > ksize) {
		if (usize > pgsz)
			ONLY(e, C_2BIG, "size %u above PAGE_SIZE", usize);
		if (!q->rt) {
			/*
			 * Tail bytes are read in order: a nonzero byte before the
			 * unreadable part may be seen first (E2BIG) or not.
			 */
			size_t i, rd = q->img_len > ksize ? q->img_len - ksize : 0;

			for (i = 0; i < rd && !q->tail[i]; i++)
				;
			if (i < rd) {
				e->mask = M(C_FAULT) | M(C_2BIG);
				snprintf(e->why, sizeof(e->why), "tail partly unreadable, a nonzero byte before the fault");
				return;
			}
			ONLY(e, C_FAULT, "tail bytes (size %u) cannot be read", usize);
		}
		if (tail_nonzero(q))
			ONLY(e, C_2BIG, "nonzero tail bytes after the module's layout");
	}
	switch (q->kind) {
	case K_INFO:
	case K_ALLOCATOR:
		if (!q->wk)
			ONLY(e, C_FAULT, "struct cannot be written back");
		e->mask = M(C_OK);
		snprintf(e->why, sizeof(e->why), "valid");
		return;
	case K_RUN: {
		const struct allocbench_run *x = &q->u.run;
		uint64_t held, n = x->batch > x->burst ? x->batch : x->burst;

		if (x->bytes > totalram)
			ONLY(e, C_2BIG, "bytes above total RAM");
		if (x->batch > 1 && x->bytes * x->batch > ALLOCBENCH_MAX_BATCH_BYTES)
			ONLY(e, C_2BIG, "bytes x batch above ALLOCBENCH_MAX_BATCH_BYTES");
		if (!q->wk)
			ONLY(e, C_FAULT, "struct cannot be written back");
		if (q->wn < needed_of(q))
			ONLY(e, C_FAULT, "samples buffer: %" PRIu64 " of %" PRIu64 " entries writable",
			     q->wn, needed_of(q));
		if (x->flags & ALLOCBENCH_RUN_NULL) {
			/*
			 * "The allocator field must still be valid; it is not
			 * called, and no memory is taken": no ENOMEM. Whether an
			 * unavailable allocator still gets EOPNOTSUPP the header
			 * does not say: either is accepted.
			 */
			e->mask = M(C_OK);
			e->work = true;
			e->zeros_ok = false;
			if (!available(x->allocator) ||
			    (x->gfp == ALLOCBENCH_GFP_ATOMIC && !atomic_ok(x->allocator)))
				e->mask |= M(C_OPNOTSUPP);
			if (c->signals)
				e->mask |= M(C_INTR);
			snprintf(e->why, sizeof(e->why), "valid RUN_NULL: nothing called, nothing held");
			return;
		}
		e->zeros_ok = false;
		if (!available(x->allocator))
			ONLY(e, C_OPNOTSUPP, "allocator not available");
		if (x->gfp == ALLOCBENCH_GFP_ATOMIC && !atomic_ok(x->allocator))
			ONLY(e, C_OPNOTSUPP, "atomic gfp for an allocator that may sleep");
		held = consumed_bound(x->allocator, x->bytes) * (n ? n : 1);
		decide_memory(e, c, held, x->op == ALLOCBENCH_OP_BURST);
		return;
	}
	case K_ACCESS: {
		const struct allocbench_access *x = &q->u.acc;

		if (x->bytes > totalram)
			ONLY(e, C_2BIG, "bytes above total RAM");
		if (!q->wk)
			ONLY(e, C_FAULT, "struct cannot be written back");
		/* ACCESS's EFAULT, unlike RUN's, does not promise an untouched buffer */
		e->zeros_ok = false;
		if (q->wn < x->passes)
			ONLY(e, C_FAULT, "samples buffer: %" PRIu64 " of %u entries writable", q->wn, x->passes);
		if (!available(x->allocator))
			ONLY(e, C_OPNOTSUPP, "allocator not available");
		if (x->bytes > ai0[x->allocator].max_bytes)
			ONLY(e, C_RANGE, "bytes above the allocator's max_bytes");
		decide_memory(e, c, x->bytes, false);
		return;
	}
	case K_FRAG:
		if (!q->wk)
			ONLY(e, C_FAULT, "struct cannot be written back");
		if (q->u.frag.cmd == ALLOCBENCH_FRAG_RELEASE) {
			e->work = true;
			e->mask = M(C_OK);
			snprintf(e->why, sizeof(e->why), "valid RELEASE");
			return;
		}
		if (c->mode == MODE_CONC) {
			e->mask = M(C_OK) | M(C_BUSY);
			snprintf(e->why, sizeof(e->why), "valid HOLD; other holds may exist");
		} else if (c->hold_any) {
			ONLY(e, C_BUSY, "HOLD while a hold exists");
		} else {
			e->mask = M(C_OK);
			snprintf(e->why, sizeof(e->why), "valid HOLD, no hold exists");
		}
		if (c->signals)
			e->mask |= M(C_INTR);
		e->work = e->mask & M(C_OK);
		return;
	case K_FOOTPRINT: {
		const struct allocbench_footprint *x = &q->u.fp;

		if (x->bytes > totalram)
			ONLY(e, C_2BIG, "bytes above total RAM");
		if (!available(x->allocator))
			ONLY(e, C_OPNOTSUPP, "allocator not available");
		if (x->gfp == ALLOCBENCH_GFP_ATOMIC && !atomic_ok(x->allocator))
			ONLY(e, C_OPNOTSUPP, "atomic gfp for an allocator that may sleep");
		if (x->bytes > ai0[x->allocator].max_bytes)
			ONLY(e, C_RANGE, "bytes above the allocator's max_bytes");
		if (!q->wk)
			ONLY(e, C_FAULT, "struct cannot be written back");
		decide_memory(e, c, x->bytes, false);
		return;
	}
	case K_SCALE: {
		const struct allocbench_scale *x = &q->u.sc;
		uint64_t per = x->pattern == ALLOCBENCH_SCALE_PAIR ? 1 : x->burst;

		if (x->bytes > totalram)
			ONLY(e, C_2BIG, "bytes above total RAM");
		if (!q->wk)
			ONLY(e, C_FAULT, "struct cannot be written back");
		/* SCALE's EFAULT does not promise an untouched buffer either */
		e->zeros_ok = false;
		/*
		 * No sample to write (samples_per_thread 0): whether a pointer
		 * outside user space is "not writable" the header leaves open
		 * (access_ok() of 0 bytes still checks the address).
		 */
		if (!needed_of(q) && (q->bp == BP_KERNEL || q->bp == BP_NONCANON || q->bp == BP_TOP)) {
			struct req q2 = *q;
			struct expect e2;

			q2.bp = BP_OK;
			q2.wn = UINT64_MAX;
			oracle(&q2, c, &e2);
			*e = e2;
			e->mask |= M(C_FAULT);
			return;
		}
		if (q->wn < needed_of(q))
			ONLY(e, C_FAULT, "samples buffer: %" PRIu64 " of %" PRIu64 " entries writable",
			     q->wn, needed_of(q));
		if (q->wt < x->threads)
			ONLY(e, C_FAULT, "threads_out: %" PRIu64 " of %u entries writable", q->wt, x->threads);
		if (x->threads > info0.nr_cpus)
			ONLY(e, C_RANGE, "threads %u above the %u CPUs online", x->threads, info0.nr_cpus);
		if (!available(x->allocator))
			ONLY(e, C_OPNOTSUPP, "allocator not available");
		if (x->gfp == ALLOCBENCH_GFP_ATOMIC && !atomic_ok(x->allocator))
			ONLY(e, C_OPNOTSUPP, "atomic gfp for an allocator that may sleep");
		if (x->pattern == ALLOCBENCH_SCALE_REMOTE_FREE)
			per += pow2_up(2ull * x->burst);
		/* the module counts objects x bytes, the bytes as asked */
		if (per * x->threads > UINT64_MAX / x->bytes)
			ONLY(e, C_NOMEM, "objects x bytes overflow");
		decide_memory(e, c, per * x->threads * x->bytes, false);
		return;
	}
	case K_VSPACE: {
		const struct allocbench_vspace *x = &q->u.vs;

		if (!q->wk)
			ONLY(e, C_FAULT, "struct cannot be written back");
		if (x->cmd == ALLOCBENCH_VSPACE_RELEASE) {
			e->work = true;
			e->mask = M(C_OK);
			snprintf(e->why, sizeof(e->why), "valid RELEASE");
			return;
		}
		if (x->area_bytes > info0.vmalloc_total || x->area_bytes > totalram)
			ONLY(e, C_RANGE, "area_bytes above VMALLOC_TOTAL or total RAM");
		if (c->mode == MODE_SEQ && c->vs_hold_any)
			ONLY(e, C_BUSY, "HOLD while a VSPACE hold exists");
		decide_memory(e, c, vspace_cost(x), false);
		if (c->mode == MODE_CONC)
			e->mask |= M(C_BUSY);
		e->zeros_ok = false;
		return;
	}
	}
}

/* ---- generating requests -------------------------------------------------------- */

static uint64_t pick(struct rng *r, const uint64_t *v, size_t n)
{
	return v[below(r, n)];
}

/* sizes near every boundary the module or the kernel has */
static uint64_t bytes_points[64];
static size_t nbytes_points;

static void init_points(void)
{
	uint64_t kmax = info0.kmalloc_max_size, kc = ai0[ALLOCBENCH_KMEM_CACHE].max_bytes;
	uint64_t top = pgsz << info0.max_order, v[] = {
		1, 2, 7, 8, 9, 63, 64, 65, 4095, 4096, 4097, 8191, 8192, 8193, 12288, 16383, 16385,
		info0.kmalloc_max_cache_size - 1, info0.kmalloc_max_cache_size + 1, 65536, 65537,
		info0.pmd_size - 1, info0.pmd_size, info0.pmd_size + 1,
		kmax - 1, kmax, kmax + 1, 2 * kmax, kc - 8, kc, kc + 1, kc + 8,
		top - 1, top, top + 1, 2 * top,
		totalram / 2, totalram - 1, totalram, totalram + 1, totalram + pgsz,
		0x7fffffffull, 0x80000000ull, 0xffffffffull, 1ull << 32,
		info0.vmalloc_total, 1ull << 63, ~0ull, 0,
	};

	nbytes_points = ARRAY_SIZE(v);
	memcpy(bytes_points, v, sizeof(v));
}

static uint64_t gen_bytes(struct rng *r)
{
	if (pct(r, 25))
		return pick(r, bytes_points, nbytes_points);
	if (pct(r, 10))
		return rnd(r);
	return log_uniform(r, pct(r, 85) ? 65536 : 4u << 20);
}

static uint32_t u32_boundary(struct rng *r, uint32_t lim)
{
	const uint64_t v[] = { 0, 1, 2, lim - 1, lim, (uint64_t)lim + 1, 0xffffffffu, 0x80000000u };
	uint64_t x = pct(r, 80) ? pick(r, v, ARRAY_SIZE(v)) : rnd(r);

	return (uint32_t)x;
}

static uint32_t gen_allocator(struct rng *r)
{
	const uint64_t bad[] = { ALLOCBENCH_NR_ALLOCATORS, ALLOCBENCH_NR_ALLOCATORS + 1, 0xffffffffu, 0x80000000u };

	if (pct(r, 85))
		return below(r, ALLOCBENCH_NR_ALLOCATORS);
	return pct(r, 70) ? pick(r, bad, ARRAY_SIZE(bad)) : (uint32_t)rnd(r);
}

static uint32_t gen_enum(struct rng *r, uint32_t nr)
{
	if (pct(r, 80))
		return below(r, nr + 1);	/* nr itself is the first invalid */
	return pct(r, 50) ? 0xffffffffu : (uint32_t)rnd(r);
}

static void tmpl_run(struct rng *r, struct allocbench_run *x)
{
	memset(x, 0, sizeof(*x));
	x->size = sizeof(*x);
	x->allocator = below(r, ALLOCBENCH_NR_ALLOCATORS);
	x->op = below(r, ALLOCBENCH_NR_OPS);
	x->gfp = below(r, ALLOCBENCH_NR_GFP);
	if (x->gfp == ALLOCBENCH_GFP_ATOMIC && !atomic_ok(x->allocator) && pct(r, 90))
		x->gfp = ALLOCBENCH_GFP_KERNEL;
	x->bytes = pct(r, 85) ? log_uniform(r, pct(r, 85) ? 65536 : 4u << 20) :
		pick(r, bytes_points, nbytes_points);
	if (!x->bytes || x->bytes > 8u << 20)
		x->bytes = 1 + below(r, 4096);
	x->count = 1 + below(r, pct(r, 80) ? 16 : 256);
	x->batch = 1;
	if (x->op == ALLOCBENCH_OP_BURST) {
		x->burst = 1 + below(r, 64);
		x->count = x->burst * (1 + below(r, 4));
	} else if (pct(r, 25)) {
		x->batch = 1 + below(r, 16);
		if (x->bytes * x->batch > ALLOCBENCH_MAX_BATCH_BYTES)
			x->batch = 1;
	}
	x->warmup = pct(r, 50) ? below(r, 16) : 0;
	x->flags = pct(r, 25) ? ALLOCBENCH_RUN_TOUCH : 0;
	x->samples_cap = (x->op == ALLOCBENCH_OP_BURST ? 2 * x->count : x->count) + (pct(r, 50) ? 0 : below(r, 4));
}

static void tmpl_access(struct rng *r, struct allocbench_access *x)
{
	memset(x, 0, sizeof(*x));
	x->size = sizeof(*x);
	x->allocator = below(r, ALLOCBENCH_NR_ALLOCATORS);
	x->pattern = 1 + below(r, ALLOCBENCH_NR_PATTERNS - 1);
	if (x->allocator == ALLOCBENCH_VMAP && pct(r, 40))
		x->view = ALLOCBENCH_VIEW_DIRECT;
	x->bytes = pgsz * (1 + below(r, pct(r, 80) ? 16 : 256));
	x->seed = rnd(r);
	x->min_steps = pct(r, 50) ? 0 : below(r, 4096);
	x->passes = 1 + below(r, 4);
	x->flags = pct(r, 20) ? ALLOCBENCH_ACCESS_PMU : 0;
	x->samples_cap = x->passes + below(r, 3);
}

static void tmpl_frag(struct rng *r, struct allocbench_frag *x)
{
	memset(x, 0, sizeof(*x));
	x->size = sizeof(*x);
	if (pct(r, 40)) {
		x->cmd = ALLOCBENCH_FRAG_HOLD;
		x->percent = 1 + below(r, 8);
		x->keep_order = ALLOCBENCH_FRAG_MIN_KEEP_ORDER +
			below(r, info0.max_order - ALLOCBENCH_FRAG_MIN_KEEP_ORDER + 1);
	} else {
		x->cmd = ALLOCBENCH_FRAG_RELEASE;
	}
}

static void tmpl_fp(struct rng *r, struct allocbench_footprint *x)
{
	memset(x, 0, sizeof(*x));
	x->size = sizeof(*x);
	x->allocator = below(r, ALLOCBENCH_NR_ALLOCATORS);
	x->gfp = below(r, ALLOCBENCH_NR_GFP);
	if (x->gfp == ALLOCBENCH_GFP_ATOMIC && !atomic_ok(x->allocator) && pct(r, 90))
		x->gfp = ALLOCBENCH_GFP_KERNEL;
	x->bytes = pct(r, 80) ? log_uniform(r, 4u << 20) : pick(r, bytes_points, nbytes_points);
}

static void tmpl_scale(struct rng *r, struct allocbench_scale *x)
{
	memset(x, 0, sizeof(*x));
	x->size = sizeof(*x);
	x->allocator = below(r, ALLOCBENCH_NR_ALLOCATORS);
	x->pattern = below(r, ALLOCBENCH_NR_SCALE_PATTERNS);
	x->gfp = below(r, ALLOCBENCH_NR_GFP);
	if (x->gfp == ALLOCBENCH_GFP_ATOMIC && !atomic_ok(x->allocator) && pct(r, 90))
		x->gfp = ALLOCBENCH_GFP_KERNEL;
	x->bytes = pct(r, 85) ? log_uniform(r, 65536) : pick(r, bytes_points, nbytes_points);
	if (!x->bytes || x->bytes > 4u << 20)
		x->bytes = 1 + below(r, 4096);
	x->threads = 1 + below(r, info0.nr_cpus);
	x->burst = x->pattern == ALLOCBENCH_SCALE_PAIR ? 0 : 1 + below(r, 32);
	x->duration_ms = 1 + below(r, 5);
	x->sample_every = 1 + below(r, 8);
	x->samples_per_thread = pct(r, 20) ? 0 : below(r, 64);
}

static void tmpl_vspace(struct rng *r, struct allocbench_vspace *x)
{
	memset(x, 0, sizeof(*x));
	x->size = sizeof(*x);
	if (pct(r, 40)) {
		x->cmd = ALLOCBENCH_VSPACE_HOLD;
		x->area_bytes = pgsz * (1 + below(r, pct(r, 80) ? 16 : 1024));
		x->areas = 1 + below(r, 64);
		x->keep_every = 1 + below(r, x->areas < 4 ? x->areas : 4);
	} else {
		x->cmd = ALLOCBENCH_VSPACE_RELEASE;
	}
}

static void note(struct req *q, const char *fmt, ...)
{
	size_t n = strlen(q->muts);
	va_list ap;

	if (n + 2 >= sizeof(q->muts))
		return;
	if (n)
		q->muts[n++] = ' ';
	va_start(ap, fmt);
	vsnprintf(q->muts + n, sizeof(q->muts) - n, fmt, ap);
	va_end(ap);
}

/* One field of the kind's struct set to a boundary or random value. */
static void mutate_field(struct rng *r, struct req *q)
{
	switch (q->kind) {
	case K_INFO:
		if (pct(r, 60)) {
			q->u.info.reserved[below(r, 7)] = 1 + below(r, 255);
			note(q, "reserved");
		} else {
			q->u.info.abi_version = rnd(r);	/* an output field: ignored */
			note(q, "abi_version");
		}
		return;
	case K_ALLOCATOR:
		if (pct(r, 60)) {
			q->u.ai.id = gen_allocator(r);
			note(q, "id");
		} else if (pct(r, 50)) {
			q->u.ai.reserved[below(r, 4)] = rnd(r) | 1;
			note(q, "reserved");
		} else {
			q->u.ai.max_bytes = rnd(r);
			note(q, "max_bytes(out)");
		}
		return;
	case K_RUN: {
		struct allocbench_run *x = &q->u.run;

		switch (below(r, 16)) {
		case 0: x->allocator = gen_allocator(r); note(q, "allocator"); break;
		case 1: x->op = gen_enum(r, ALLOCBENCH_NR_OPS); note(q, "op"); break;
		case 2: x->gfp = gen_enum(r, ALLOCBENCH_NR_GFP); note(q, "gfp"); break;
		case 3: case 4: x->bytes = gen_bytes(r); note(q, "bytes"); break;
		case 5: x->count = u32_boundary(r, ALLOCBENCH_MAX_COUNT); note(q, "count"); break;
		case 6: x->batch = u32_boundary(r, ALLOCBENCH_MAX_BATCH); note(q, "batch"); break;
		case 7: x->burst = pct(r, 50) ? u32_boundary(r, ALLOCBENCH_MAX_BURST) : 1 + below(r, x->count + 1);
			note(q, "burst"); break;
		case 8: x->warmup = u32_boundary(r, ALLOCBENCH_MAX_WARMUP); note(q, "warmup"); break;
		case 9: x->pattern = gen_enum(r, ALLOCBENCH_NR_PATTERNS) | 1; note(q, "pattern"); break;
		case 10: x->flags = pct(r, 50) ? (uint32_t)(1u << below(r, 32)) :
				pct(r, 50) ? (uint32_t)below(r, 2 * ALLOCBENCH_RUN_FLAGS_ALL + 2) : (uint32_t)rnd(r);
			note(q, "flags=%#x", x->flags); break;
		case 11: {
			uint64_t needed = needed_of(q);
			const uint64_t v[] = { 0, 1, needed ? needed - 1 : 0, needed, needed + 1, 0xffffffffu };

			x->samples_cap = (uint32_t)pick(r, v, ARRAY_SIZE(v));
			note(q, "samples_cap");
			break;
		}
		case 12: {
			static const size_t outs[] = {
				offsetof(struct allocbench_run, samples_written), offsetof(struct allocbench_run, failures),
				offsetof(struct allocbench_run, cpu), offsetof(struct allocbench_run, out_flags),
			};
			size_t o = outs[below(r, ARRAY_SIZE(outs))];

			*(uint32_t *)((char *)x + o) = 1 + (uint32_t)below(r, 0xffffffffu);
			note(q, "out32");
			break;
		}
		case 13:
			switch (below(r, 4)) {
			case 0: x->fallbacks = rnd(r) | 1; break;
			case 1: x->elapsed_ns = rnd(r) | 1; break;
			case 2: x->setup_ns = rnd(r) | 1; break;
			default: x->timer_overhead_ticks = rnd(r) | 1; break;
			}
			note(q, "out64");
			break;
		case 14: x->reserved[below(r, ARRAY_SIZE(x->reserved))] = rnd(r) | 1; note(q, "reserved"); break;
		default: x->__pad0 = 1 + below(r, 0xffff); note(q, "__pad0"); break;
		}
		return;
	}
	case K_ACCESS: {
		struct allocbench_access *x = &q->u.acc;

		switch (below(r, 14)) {
		case 0: x->allocator = gen_allocator(r); note(q, "allocator"); break;
		case 1: x->pattern = gen_enum(r, ALLOCBENCH_NR_PATTERNS); note(q, "pattern"); break;
		case 2: x->view = gen_enum(r, ALLOCBENCH_NR_VIEWS); note(q, "view"); break;
		case 3: case 4: x->bytes = pct(r, 60) ? (gen_bytes(r) & ~(pgsz - 1)) : gen_bytes(r); note(q, "bytes"); break;
		case 5: {
			const uint64_t v[] = { 0, 1, ALLOCBENCH_MAX_STEPS - 1, ALLOCBENCH_MAX_STEPS,
					       ALLOCBENCH_MAX_STEPS + 1, ~0ull };

			x->min_steps = pct(r, 80) ? pick(r, v, ARRAY_SIZE(v)) : rnd(r);
			note(q, "min_steps");
			break;
		}
		case 6: x->passes = u32_boundary(r, ALLOCBENCH_MAX_PASSES); note(q, "passes"); break;
		case 7: x->flags = pct(r, 50) ? (uint32_t)(1u << below(r, 32)) : (uint32_t)rnd(r); note(q, "flags"); break;
		case 8: {
			const uint64_t v[] = { 0, x->passes ? x->passes - 1 : 0, x->passes, 0xffffffffu };

			x->samples_cap = (uint32_t)pick(r, v, ARRAY_SIZE(v));
			note(q, "samples_cap");
			break;
		}
		case 9: {
			static const size_t outs[] = {
				offsetof(struct allocbench_access, samples_written),
				offsetof(struct allocbench_access, chunks_per_pass),
				offsetof(struct allocbench_access, failures),
				offsetof(struct allocbench_access, levels_status),
				offsetof(struct allocbench_access, pmu_status),
				offsetof(struct allocbench_access, cpu),
				offsetof(struct allocbench_access, out_flags),
			};

			*(uint32_t *)((char *)x + outs[below(r, ARRAY_SIZE(outs))]) = 1 + (uint32_t)below(r, 0xfffffffeu);
			note(q, "out32");
			break;
		}
		case 10: {
			static const size_t outs[] = {
				offsetof(struct allocbench_access, steps_per_pass),
				offsetof(struct allocbench_access, elements),
				offsetof(struct allocbench_access, mapped_4k_bytes),
				offsetof(struct allocbench_access, mapped_2m_bytes),
				offsetof(struct allocbench_access, mapped_1g_bytes),
				offsetof(struct allocbench_access, mapped_other_bytes),
				offsetof(struct allocbench_access, dtlb_load_misses),
				offsetof(struct allocbench_access, elapsed_ns),
			};

			*(uint64_t *)((char *)x + outs[below(r, ARRAY_SIZE(outs))]) = rnd(r) | 1;
			note(q, "out64");
			break;
		}
		case 11: x->reserved[below(r, ARRAY_SIZE(x->reserved))] = rnd(r) | 1; note(q, "reserved"); break;
		case 12: x->seed = rnd(r); note(q, "seed"); break;	/* any seed is valid */
		default: x->view = ALLOCBENCH_VIEW_DIRECT; note(q, "view=direct"); break;
		}
		return;
	}
	case K_FRAG: {
		struct allocbench_frag *x = &q->u.frag;

		switch (below(r, 8)) {
		case 0: x->cmd = gen_enum(r, ALLOCBENCH_NR_FRAG_CMDS); note(q, "cmd"); break;
		case 1: x->percent = u32_boundary(r, ALLOCBENCH_FRAG_MAX_PERCENT); note(q, "percent"); break;
		case 2: {
			const uint64_t v[] = { 0, ALLOCBENCH_FRAG_MIN_KEEP_ORDER - 1, ALLOCBENCH_FRAG_MIN_KEEP_ORDER,
					       info0.max_order, info0.max_order + 1, 0xffffffffu };

			x->keep_order = (uint32_t)pick(r, v, ARRAY_SIZE(v));
			note(q, "keep_order");
			break;
		}
		case 3: {
			static const size_t outs[] = {
				offsetof(struct allocbench_frag, taken_pages), offsetof(struct allocbench_frag, swept_blocks),
				offsetof(struct allocbench_frag, held_pages), offsetof(struct allocbench_frag, free_before_pages),
				offsetof(struct allocbench_frag, free_after_pages), offsetof(struct allocbench_frag, floor_pages),
				offsetof(struct allocbench_frag, elapsed_ns),
			};

			*(uint64_t *)((char *)x + outs[below(r, ARRAY_SIZE(outs))]) = rnd(r) | 1;
			note(q, "out64");
			break;
		}
		case 4: x->out_flags = 1 + below(r, 0xffff); note(q, "out_flags"); break;
		case 5: x->__pad0 = 1 + below(r, 0xffff); note(q, "__pad0"); break;
		case 6: x->reserved[below(r, ARRAY_SIZE(x->reserved))] = rnd(r) | 1; note(q, "reserved"); break;
		default:	/* a big hold: the cost check keeps it rare */
			x->cmd = ALLOCBENCH_FRAG_HOLD;
			x->percent = 1 + below(r, ALLOCBENCH_FRAG_MAX_PERCENT);
			x->keep_order = ALLOCBENCH_FRAG_MIN_KEEP_ORDER +
				below(r, info0.max_order - ALLOCBENCH_FRAG_MIN_KEEP_ORDER + 1);
			note(q, "hold");
			break;
		}
		return;
	}
	case K_FOOTPRINT: {
		struct allocbench_footprint *x = &q->u.fp;

		switch (below(r, 8)) {
		case 0: x->allocator = gen_allocator(r); note(q, "allocator"); break;
		case 1: x->gfp = gen_enum(r, ALLOCBENCH_NR_GFP); note(q, "gfp"); break;
		case 2: case 3: x->bytes = gen_bytes(r); note(q, "bytes"); break;
		case 4: {
			static const size_t outs[] = {
				offsetof(struct allocbench_footprint, consumed_bytes),
				offsetof(struct allocbench_footprint, data_bytes),
				offsetof(struct allocbench_footprint, guard_bytes),
				offsetof(struct allocbench_footprint, pgtable_bytes),
				offsetof(struct allocbench_footprint, meta_bytes),
			};

			*(uint64_t *)((char *)x + outs[below(r, ARRAY_SIZE(outs))]) = rnd(r) | 1;
			note(q, "out64");
			break;
		}
		case 5: if (pct(r, 50)) x->method = 1 + below(r, 7); else x->failed = 1; note(q, "out32"); break;
		case 6: x->reserved[below(r, ARRAY_SIZE(x->reserved))] = rnd(r) | 1; note(q, "reserved"); break;
		default: x->__pad0 = 1 + below(r, 0xffff); note(q, "__pad0"); break;
		}
		return;
	}
	case K_SCALE: {
		struct allocbench_scale *x = &q->u.sc;

		switch (below(r, 14)) {
		case 0: x->allocator = gen_allocator(r); note(q, "allocator"); break;
		case 1: x->pattern = gen_enum(r, ALLOCBENCH_NR_SCALE_PATTERNS); note(q, "pattern"); break;
		case 2: x->gfp = gen_enum(r, ALLOCBENCH_NR_GFP); note(q, "gfp"); break;
		case 3: x->bytes = gen_bytes(r); note(q, "bytes"); break;
		case 4: {
			const uint64_t v[] = { 0, 1, info0.nr_cpus, info0.nr_cpus + 1, ALLOCBENCH_MAX_THREADS,
					       ALLOCBENCH_MAX_THREADS + 1, 0xffffffffu };

			x->threads = pct(r, 85) ? (uint32_t)pick(r, v, ARRAY_SIZE(v)) : (uint32_t)rnd(r);
			note(q, "threads=%u", x->threads);
			break;
		}
		case 5: x->burst = pct(r, 70) ? u32_boundary(r, ALLOCBENCH_MAX_BURST) : 1 + below(r, 64);
			note(q, "burst"); break;
		case 6: x->duration_ms = u32_boundary(r, ALLOCBENCH_MAX_SCALE_MS); note(q, "duration_ms"); break;
		case 7: x->sample_every = pct(r, 50) ? 0 : (uint32_t)rnd(r); note(q, "sample_every"); break;
		case 8: x->samples_per_thread = u32_boundary(r, ALLOCBENCH_MAX_SCALE_SAMPLES); note(q, "samples_per_thread"); break;
		case 9: x->flags = pct(r, 50) ? 1u << below(r, 32) : (uint32_t)rnd(r); note(q, "flags"); break;
		case 10:
			if (pct(r, 50)) x->cpus_online = 1 + below(r, 64); else x->out_flags = 1u << below(r, 32);
			note(q, "out32"); break;
		case 11: x->elapsed_ns = rnd(r) | 1; note(q, "elapsed_ns"); break;
		case 12: x->reserved[below(r, ARRAY_SIZE(x->reserved))] = rnd(r) | 1; note(q, "reserved"); break;
		default: q->tp = 1 + below(r, NBP - 1); break;	/* threads_out pointer */
		}
		return;
	}
	case K_VSPACE: {
		struct allocbench_vspace *x = &q->u.vs;

		switch (below(r, 10)) {
		case 0: x->cmd = gen_enum(r, ALLOCBENCH_NR_VSPACE_CMDS); note(q, "cmd"); break;
		case 1: {
			const uint64_t v[] = { 0, 1, pgsz - 1, pgsz, pgsz + 1, info0.pmd_size,
					       ALLOCBENCH_VSPACE_MAX_AREA_BYTES, ALLOCBENCH_VSPACE_MAX_AREA_BYTES + pgsz,
					       totalram, totalram + pgsz, info0.vmalloc_total + pgsz, ~0ull & ~(pgsz - 1) };

			x->area_bytes = pct(r, 85) ? pick(r, v, ARRAY_SIZE(v)) : rnd(r);
			note(q, "area_bytes");
			break;
		}
		case 2: x->areas = u32_boundary(r, ALLOCBENCH_VSPACE_MAX_AREAS); note(q, "areas"); break;
		case 3: {
			const uint64_t v[] = { 0, 1, x->areas, (uint64_t)x->areas + 1, 0xffffffffu };

			x->keep_every = (uint32_t)pick(r, v, ARRAY_SIZE(v));
			note(q, "keep_every");
			break;
		}
		case 4:
			switch (below(r, 3)) {
			case 0: x->taken_areas = 1 + below(r, 100); break;
			case 1: x->held_areas = 1 + below(r, 100); break;
			default: x->out_flags = 1u << below(r, 32); break;
			}
			note(q, "out32");
			break;
		case 5:
			switch (below(r, 3)) {
			case 0: x->held_bytes = rnd(r) | 1; break;
			case 1: x->cost_bytes = rnd(r) | 1; break;
			default: x->elapsed_ns = rnd(r) | 1; break;
			}
			note(q, "out64");
			break;
		case 6: x->__pad0 = 1 + below(r, 0xffff); note(q, "__pad0"); break;
		case 7: x->reserved[below(r, ARRAY_SIZE(x->reserved))] = rnd(r) | 1; note(q, "reserved"); break;
		default:	/* a bigger hold: the cost check keeps it rare */
			x->cmd = ALLOCBENCH_VSPACE_HOLD;
			x->area_bytes = pgsz << below(r, 19);
			x->areas = 1 + below(r, 4096);
			x->keep_every = 1 + below(r, x->areas);
			note(q, "hold");
			break;
		}
		return;
	}
	}
}

static void mutate(struct rng *r, struct req *q)
{
	size_t ks = ksize_of(q);

	switch (below(r, 12)) {
	case 0: {	/* the size field */
		const uint64_t v[] = { 0, 1, 3, 4, ks - 8, ks - 1, ks + 1, ks + 4, ks + 8, ks + 64,
				       pgsz - 1, pgsz, pgsz + 1, 65536, 0xffffffffu, 0x80000000u };

		q->u.run.size = pct(r, 85) ? (uint32_t)pick(r, v, ARRAY_SIZE(v)) : (uint32_t)rnd(r);
		note(q, "size=%u", q->u.run.size);
		return;
	}
	case 1: {	/* a larger layout with a nonzero tail */
		uint32_t us = ks + 1 + below(r, pgsz - ks);

		q->u.run.size = pct(r, 20) ? pgsz : us;
		if (pct(r, 75))
			q->tail[below(r, q->u.run.size - ks)] = 1 + below(r, 255);
		note(q, "size=%u tail", q->u.run.size);
		return;
	}
	case 2:		/* the struct pointer */
		q->sp = 1 + below(r, NSP - 1);
		return;
	case 3:		/* who asks */
		q->fdmode = 1 + below(r, NFDMODES - 1);
		return;
	case 4: {	/* another direction or size in the command: the struct's size rules */
		unsigned dir = below(r, 4), size = below(r, 1u << 14);

		q->cmd = _IOC(dir, ALLOCBENCH_IOC_MAGIC, _IOC_NR(kind_cmd[q->kind]), size);
		note(q, "cmd=%#lx", q->cmd);
		return;
	}
	case 5:		/* the samples pointer */
		if (samples_field(q)) {
			q->bp = 1 + below(r, NBP - 1);
			return;
		}
		/* fall through */
	case 6: {	/* memory pressure: a share of RAM, near the budget (half of MemAvailable) */
		static const unsigned eighths[] = { 1, 2, 3, 4, 5, 6, 7 };
		uint64_t b = totalram / 8 * eighths[below(r, ARRAY_SIZE(eighths))];

		switch (q->kind) {
		case K_RUN:
			if (pct(r, 30) && q->u.run.op == ALLOCBENCH_OP_BURST) {
				q->u.run.bytes = 1u << 20;
				q->u.run.burst = q->u.run.count = b >> 20;
				q->u.run.samples_cap = 2 * q->u.run.count;
			} else {
				q->u.run.bytes = b;
				q->u.run.batch = 1;
			}
			break;
		case K_ACCESS: q->u.acc.bytes = b & ~(pgsz - 1); break;
		case K_FOOTPRINT: q->u.fp.bytes = b; break;
		case K_SCALE:
			q->u.sc.bytes = b / (q->u.sc.threads ? q->u.sc.threads : 1);
			break;
		default:
			mutate_field(r, q);
			return;
		}
		note(q, "pressure %u/8 of RAM", (unsigned)(b / (totalram / 8)));
		return;
	}
	default:
		mutate_field(r, q);
		return;
	}
}

static unsigned kind_weight[NKINDS] = { 4, 5, 28, 16, 8, 15, 8, 7, 9 };
static unsigned weight_sum = 100;

static void gen(struct rng *r, struct req *q)
{
	unsigned w = below(r, weight_sum), acc = 0, nm, i;

	memset(q, 0, sizeof(*q));
	for (q->kind = 0; q->kind < NKINDS - 1; q->kind++) {
		acc += kind_weight[q->kind];
		if (w < acc)
			break;
	}
	q->fdmode = FD_RW;
	q->sp = SP_OK;
	q->bp = BP_OK;
	q->tp = BP_OK;
	q->cmd = kind_cmd[q->kind];
	switch (q->kind) {
	case K_INFO:
		q->u.info.size = sizeof(q->u.info);
		break;
	case K_ALLOCATOR:
		q->u.ai.size = sizeof(q->u.ai);
		q->u.ai.id = below(r, ALLOCBENCH_NR_ALLOCATORS);
		break;
	case K_RUN: tmpl_run(r, &q->u.run); break;
	case K_ACCESS: tmpl_access(r, &q->u.acc); break;
	case K_FRAG: tmpl_frag(r, &q->u.frag); break;
	case K_FOOTPRINT: tmpl_fp(r, &q->u.fp); break;
	case K_SCALE: tmpl_scale(r, &q->u.sc); break;
	case K_VSPACE: tmpl_vspace(r, &q->u.vs); break;
	case K_UNKNOWN: {
		static const unsigned types[] = { 0xAA, 0xAC, 'x', 'Q', 'z', 0xFF };
		unsigned nr, type = ALLOCBENCH_IOC_MAGIC;

		if (pct(r, 30))
			type = types[below(r, ARRAY_SIZE(types))];
		do
			nr = below(r, 256);
		while (type == ALLOCBENCH_IOC_MAGIC && nr >= 1 && nr < K_UNKNOWN + 1);
		q->cmd = _IOC(below(r, 4), type, nr, below(r, 1u << 14));
		for (i = 0; i < sizeof(q->u.raw); i++)
			q->u.raw[i] = pct(r, 70) ? 0 : rnd(r);
		q->u.run.size = sizeof(struct allocbench_run);
		note(q, "cmd=%#lx", q->cmd);
		return;
	}
	}
	/* 0 mutations 35 %, 1 35 %, then 2..4 */
	w = below(r, 100);
	nm = w < 35 ? 0 : w < 70 ? 1 : 2 + below(r, 3);
	for (i = 0; i < nm; i++)
		mutate(r, q);
}

/* ---- cost: keep requests cheap under TCG ------------------------------------------- */

static bool slab_served(uint32_t a, uint64_t bytes)
{
	if (a == ALLOCBENCH_KMEM_CACHE)
		return true;
	return (a == ALLOCBENCH_KMALLOC || a == ALLOCBENCH_KZALLOC || a == ALLOCBENCH_KVMALLOC) &&
	       bytes <= info0.kmalloc_max_cache_size;
}

/* Rough microseconds under TCG with slub_debug: what the request will cost. */
static double cost_us(const struct req *q)
{
	switch (q->kind) {
	case K_RUN: {
		const struct allocbench_run *x = &q->u.run;
		double pages = (double)((x->bytes + pgsz - 1) / pgsz), per, ops;

		if (x->allocator == ALLOCBENCH_KMEM_CACHE && x->bytes > ai0[ALLOCBENCH_KMEM_CACHE].max_bytes)
			return 50;	/* not attempted */
		per = 5 + pages * 2;
		if (x->allocator == ALLOCBENCH_KZALLOC || x->allocator == ALLOCBENCH_VZALLOC)
			per += x->bytes * 0.004;
		if (slab_served(x->allocator, x->bytes))
			per += x->bytes * 0.01;
		if (x->flags & ALLOCBENCH_RUN_TOUCH)
			per += pages * 1.5;
		ops = (double)x->warmup + (double)x->count * (x->op == ALLOCBENCH_OP_BURST ? 1 : x->batch);
		return ops * per + (x->allocator == ALLOCBENCH_VMAP ? pages * 4 : 0) +
		       (x->allocator == ALLOCBENCH_KMEM_CACHE ? 3000 : 0) + x->count * 0.2;
	}
	case K_ACCESS: {
		const struct allocbench_access *x = &q->u.acc;
		double pages = (double)(x->bytes / pgsz), elems, steps, c;

		elems = x->pattern == ALLOCBENCH_PATTERN_LINE ? pages * 64 :
			x->pattern == ALLOCBENCH_PATTERN_SEQ ? pages * 512 : pages;
		if (x->pattern == ALLOCBENCH_PATTERN_FIRST_TOUCH)
			return (x->passes + 1.0) * pages * 6;
		steps = x->min_steps > elems ? ((double)x->min_steps / elems + 1) * elems : elems;
		c = pages * 6 + elems * 0.5 + (x->passes + 1.0) * steps * 0.03;
		if (slab_served(x->allocator, x->bytes))
			c += x->bytes * 0.01;
		return c;
	}
	case K_FRAG:
		if (q->u.frag.cmd != ALLOCBENCH_FRAG_HOLD)
			return 3000;
		return 20000 + q->u.frag.percent / 100.0 * (totalram / pgsz) * 3;
	case K_FOOTPRINT: {
		const struct allocbench_footprint *x = &q->u.fp;
		double pages = (double)((x->bytes + pgsz - 1) / pgsz);

		return 50 + pages * 6 + (slab_served(x->allocator, x->bytes) ? x->bytes * 0.02 : 0) +
		       (x->allocator == ALLOCBENCH_KMEM_CACHE ? 3000 : 0);
	}
	case K_SCALE: {
		const struct allocbench_scale *x = &q->u.sc;
		double pages = (double)((x->bytes + pgsz - 1) / pgsz);

		if (x->allocator == ALLOCBENCH_KMEM_CACHE && x->bytes > ai0[ALLOCBENCH_KMEM_CACHE].max_bytes)
			return 50;	/* not attempted */
		/* the duration is wall time; a burst in flight is freed at the end */
		return x->duration_ms * 1000.0 + x->threads * 5000.0 + x->burst * x->threads * (5 + pages * 2) +
		       (x->allocator == ALLOCBENCH_VMAP ? pages * 4 : 0) +
		       (x->allocator == ALLOCBENCH_KMEM_CACHE ? 3000 : 0);
	}
	case K_VSPACE: {
		const struct allocbench_vspace *x = &q->u.vs;

		if (x->cmd != ALLOCBENCH_VSPACE_HOLD)
			return 3000;
		/* a vmap per area, a PTE per page of it, the purge */
		return 5000 + x->areas * (30.0 + (double)(x->area_bytes / pgsz) * 0.1);
	}
	}
	return 10;
}

/* Shrink the request until it is cheap; it stays as valid as it was where it can. */
static void tame(struct rng *r, struct req *q, double limit)
{
	int guard = 64;

	while (cost_us(q) > limit && guard--) {
		switch (q->kind) {
		case K_RUN: {
			struct allocbench_run *x = &q->u.run;

			switch (below(r, 5)) {
			case 0:
				if (x->op == ALLOCBENCH_OP_BURST) {
					if (x->burst > 1)
						x->burst = x->burst / 2 ? x->burst / 2 : 1;
					x->count = x->burst * (1 + below(r, 2));
				} else {
					x->count = x->count / 4 ? x->count / 4 : 1;
				}
				break;
			case 1: x->warmup /= 4; break;
			case 2: if (x->batch > 1) x->batch /= 2; break;
			case 3: x->flags &= ~ALLOCBENCH_RUN_TOUCH; break;
			default: if (x->bytes > 1) x->bytes /= 2; break;
			}
			if (x->samples_cap > needed_of(q) + 16)
				x->samples_cap = needed_of(q) + below(r, 4);
			break;
		}
		case K_ACCESS: {
			struct allocbench_access *x = &q->u.acc;

			switch (below(r, 3)) {
			case 0: x->passes = x->passes / 2 ? x->passes / 2 : 1; break;
			case 1: x->min_steps /= 16; break;
			default: if (x->bytes > pgsz) x->bytes = ((x->bytes / 2) & ~(pgsz - 1)) ?: pgsz; break;
			}
			if (x->samples_cap > x->passes + 16)
				x->samples_cap = x->passes;
			break;
		}
		case K_FRAG:
			if (q->u.frag.percent > 1)
				q->u.frag.percent /= 2;
			else
				return;
			break;
		case K_FOOTPRINT:
			if (q->u.fp.bytes > 1)
				q->u.fp.bytes /= 2;
			break;
		case K_VSPACE: {
			struct allocbench_vspace *x = &q->u.vs;

			if (pct(r, 50) && x->areas > 1) {
				x->areas /= 2;
				if (x->keep_every > x->areas)
					x->keep_every = x->areas;
			} else if (x->area_bytes > pgsz) {
				x->area_bytes = (x->area_bytes / 2) & ~(pgsz - 1);
			} else if (x->areas <= 1) {
				return;
			}
			break;
		}
		case K_SCALE: {
			struct allocbench_scale *x = &q->u.sc;

			switch (below(r, 3)) {
			case 0: x->duration_ms = x->duration_ms / 4 ? x->duration_ms / 4 : 1; break;
			case 1: if (x->burst > 1) x->burst /= 2; break;
			default: if (x->bytes > 1) x->bytes /= 2; break;
			}
			break;
		}
		default:
			return;
		}
	}
}

/* ---- placing the request in memory --------------------------------------------------- */

static pthread_mutex_t big_lock = PTHREAD_MUTEX_INITIALIZER;
static char *big;	/* BIG_ENTRIES u64 then a PROT_NONE page; main process only */

struct thr {
	int stream, mode;
	int fd[3];		/* rw, rdonly, wronly */
	struct arena ar;
	bool signals;
	bool big_held;
	/* MODE_SEQ bookkeeping */
	int hold_owner;		/* -1, or the fd index that holds */
	uint64_t hold_pages;
	int hold_countdown;
	int vs_owner;		/* the same for VSPACE holds */
	uint64_t vs_areas;
	int vs_countdown;
	uint64_t large_left;
	uint64_t index;
};

/* The struct: its address and what of it can be read and written. */
static void place_struct(struct rng *r, struct thr *t, struct req *q)
{
	struct arena *a = &t->ar;
	size_t ks = ksize_of(q) ? ksize_of(q) : 64, us = usize_of(q);
	size_t need = (us > ks && us <= pgsz) ? us : ks;
	size_t wlen = us < ks ? us : ks, d;

	if (q->sp == SP_HOLE && !still_unmapped(a->hole))
		q->sp = SP_LOW;
	if (q->sp == SP_RO_PART && wlen < 2)
		q->sp = SP_RO;
	q->r4 = q->rk = q->rt = q->wk = false;
	q->img_len = 0;
	switch (q->sp) {
	case SP_OK:
		d = pct(r, 80) ? below(r, (3 * pgsz - need) / 8) * 8 : below(r, 3 * pgsz - need);
		q->addr = (uintptr_t)a->srw + d;
		q->r4 = q->rk = q->rt = q->wk = true;
		q->img_len = need;
		break;
	case SP_NULL: q->addr = 0; break;
	case SP_ONE: q->addr = 1; break;
	case SP_KERNEL:
		q->addr = pct(r, 50) ? 0xffff888000000000ull + below(r, 1ull << 30) :
			0xffffffff81000000ull + below(r, 1u << 24);
		break;
	case SP_NONCANON: q->addr = 0x0000800000000000ull + below(r, 0xfffe000000000000ull); break;
	case SP_HOLE: q->addr = (uintptr_t)a->hole + below(r, pgsz - 8); break;
	case SP_LOW: q->addr = 0x1000 + below(r, 0xe000); break;
	case SP_TOP: q->addr = 0x7ffffffff000ull + below(r, 0xff8); break;
	case SP_RO:
		q->addr = (uintptr_t)a->ro + below(r, (2 * pgsz - need) / 8) * 8;
		q->r4 = q->rk = q->rt = true;
		q->img_len = need;
		break;
	case SP_RO_PART:	/* starts in a RW page, the written part runs into a RO page */
		d = 1 + below(r, wlen - 1);
		q->addr = (uintptr_t)a->ro - d;
		q->r4 = q->rk = q->rt = true;
		q->img_len = need;
		break;
	default:		/* SP_GUARD_PART: only the first d bytes are mapped */
		switch (below(r, 3)) {
		case 0: d = 1 + below(r, 4); break;			/* size field cut */
		case 1: d = 4 + below(r, ks - 4); break;		/* struct cut */
		default: d = need > ks ? ks + below(r, need - ks) : 4 + below(r, ks - 4); break;
		}
		q->addr = (uintptr_t)a->sguard - d;
		q->r4 = d >= 4;
		q->rk = d >= ks;
		q->rt = d >= need;
		q->wk = d >= wlen;
		q->img_len = d;
		break;
	}
}

/* The samples buffer: its address and how many entries can be written there. */
static void place_samples(struct rng *r, struct thr *t, struct req *q)
{
	struct arena *a = &t->ar;
	__u64 *f = samples_field(q);
	uint64_t needed = needed_of(q), area = SAMP_PAGES * pgsz / 8, off;
	char *end = a->sampguard;

	if (!f)
		return;
	if (q->bp == BP_BIG && !(big && !t->big_held && !pthread_mutex_trylock(&big_lock)))
		q->bp = BP_OK;
	else if (q->bp == BP_BIG)
		t->big_held = true;
	if ((q->bp == BP_EXACT || q->bp == BP_SHORT) && (needed > area || needed < 1))
		q->bp = BP_OK;
	if (q->bp == BP_HOLE && !still_unmapped(a->hole))
		q->bp = BP_NULL;
	switch (q->bp) {
	case BP_OK:
		off = needed < area ? below(r, area - needed + 1) : 0;
		*f = (uintptr_t)(a->samp + off * 8);
		q->wn = area - off;
		break;
	case BP_EXACT:
		*f = (uintptr_t)(end - needed * 8);
		q->wn = needed;
		break;
	case BP_SHORT:
		*f = (uintptr_t)(end - (needed - 1) * 8);
		q->wn = needed - 1;
		break;
	case BP_MISALIGNED:
		off = 1 + below(r, 7);
		*f = (uintptr_t)(a->samp + off);
		q->wn = (SAMP_PAGES * pgsz - off) / 8;
		break;
	case BP_BIG:
		*f = (uintptr_t)big;
		q->wn = BIG_ENTRIES;
		break;
	case BP_NULL: *f = 0; q->wn = 0; break;
	case BP_ONE: *f = 1; q->wn = 0; break;
	case BP_KERNEL: *f = 0xffff888000000000ull + below(r, 1ull << 30); q->wn = 0; break;
	case BP_NONCANON: *f = 0x8000000000000000ull + below(r, 1ull << 62); q->wn = 0; break;
	case BP_HOLE: *f = (uintptr_t)a->hole; q->wn = 0; break;
	case BP_RO: *f = (uintptr_t)a->samp_ro + 8 * below(r, 16); q->wn = 0; break;
	default: *f = 0x7ffffffff000ull - 8 * below(r, 4); q->wn = 0; break;	/* runs past TASK_SIZE */
	}
}

/* SCALE's threads_out: its address and how many entries can be written there. */
static void place_tout(struct rng *r, struct thr *t, struct req *q)
{
	struct arena *a = &t->ar;
	uint64_t area = TOUT_PAGES * pgsz / TSIZE, n, off;
	char *end = a->toutguard;

	if (q->kind != K_SCALE)
		return;
	n = q->u.sc.threads;
	if ((q->tp == BP_EXACT || q->tp == BP_SHORT) && (n > area || n < 1))
		q->tp = BP_OK;
	if (q->tp == BP_BIG || (q->tp == BP_HOLE && !still_unmapped(a->hole)))
		q->tp = BP_OK;
	switch (q->tp) {
	case BP_OK:
		off = n < area ? below(r, area - n + 1) : 0;
		q->u.sc.threads_out = (uintptr_t)(a->tout + off * TSIZE);
		q->wt = area - off;
		break;
	case BP_EXACT: q->u.sc.threads_out = (uintptr_t)(end - n * TSIZE); q->wt = n; break;
	case BP_SHORT: q->u.sc.threads_out = (uintptr_t)(end - (n - 1) * TSIZE); q->wt = n - 1; break;
	case BP_MISALIGNED:
		off = 1 + below(r, 7);
		q->u.sc.threads_out = (uintptr_t)(a->tout + off);
		q->wt = (TOUT_PAGES * pgsz - off) / TSIZE;
		break;
	case BP_NULL: q->u.sc.threads_out = 0; q->wt = 0; break;
	case BP_ONE: q->u.sc.threads_out = 1; q->wt = 0; break;
	case BP_KERNEL: q->u.sc.threads_out = 0xffff888000000000ull + below(r, 1ull << 30); q->wt = 0; break;
	case BP_NONCANON: q->u.sc.threads_out = 0x8000000000000000ull + below(r, 1ull << 62); q->wt = 0; break;
	case BP_HOLE: q->u.sc.threads_out = (uintptr_t)a->hole; q->wt = 0; break;
	case BP_RO: q->u.sc.threads_out = (uintptr_t)a->samp_ro; q->wt = 0; break;
	default: q->u.sc.threads_out = 0x7ffffffff000ull - TSIZE; q->wt = 0; break;
	}
	/* no thread entries to write: any pointer will do */
	if (!n)
		q->wt = UINT64_MAX;
}

static void release_big(struct thr *t)
{
	if (t->big_held) {
		t->big_held = false;
		pthread_mutex_unlock(&big_lock);
	}
}

/* ---- sending and checking ------------------------------------------------------------- */

#define SENTINEL	0xa5a5a5a5a5a5a5a5ull

static void write_struct(struct thr *t, const struct req *q, unsigned char *image)
{
	size_t ks = ksize_of(q) ? ksize_of(q) : 64, us = usize_of(q);

	memcpy(image, q->u.raw, ks);
	if (us > ks && us <= pgsz)
		memcpy(image + ks, q->tail, us - ks);
	if (!q->img_len)
		return;
	if (q->sp == SP_RO || q->sp == SP_RO_PART)
		mprotect(t->ar.ro, 2 * pgsz, PROT_READ | PROT_WRITE);
	memcpy((void *)q->addr, image, q->img_len);
	if (q->sp == SP_RO || q->sp == SP_RO_PART)
		mprotect(t->ar.ro, 2 * pgsz, PROT_READ);
}

/* Entries we fill with a sentinel before and look at after: what the module may write plus 64. */
static uint64_t watch_len(const struct req *q)
{
	uint64_t n = needed_of(q) + 64;

	return n < q->wn ? n : q->wn;
}

static void fill_samples(struct req *q)
{
	uint64_t *s, n = watch_len(q), i;
	__u64 *f = samples_field(q);

	if (!f || !n)
		return;
	s = (uint64_t *)(uintptr_t)*f;
	for (i = 0; i < n; i++)
		memcpy(&s[i], &(uint64_t){ SENTINEL }, 8);	/* may be misaligned */
}

static uint64_t get_sample(const struct req *q, uint64_t i)
{
	uint64_t v;
	const __u64 *f = samples_field((struct req *)q);

	memcpy(&v, (const char *)(uintptr_t)*f + i * 8, 8);
	return v;
}

/* SCALE: threads_out entries we fill and look at: threads + 2 */
static uint64_t tout_watch(const struct req *q)
{
	uint64_t n;

	if (q->kind != K_SCALE || q->wt == UINT64_MAX)
		return 0;
	n = (uint64_t)q->u.sc.threads + 2;
	return n < q->wt ? n : q->wt;
}

static void fill_tout(const struct req *q)
{
	uint64_t n = tout_watch(q);

	if (n)
		memset((void *)(uintptr_t)q->u.sc.threads_out, 0xa5, n * TSIZE);
}

static bool tout_untouched(const struct req *q, uint64_t from)
{
	const unsigned char *p = (const unsigned char *)(uintptr_t)q->u.sc.threads_out;
	uint64_t i, n = tout_watch(q);

	for (i = from * TSIZE; i < n * TSIZE; i++)
		if (p[i] != 0xa5)
			return false;
	return true;
}

static int set_cap_admin(bool on)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -1;
	if (on)
		d[0].effective |= 1u << CAP_SYS_ADMIN;
	else
		d[0].effective &= ~(1u << CAP_SYS_ADMIN);
	return syscall(SYS_capset, &h, d);
}

static int fd_index(int fdmode)
{
	switch (fdmode) {
	case FD_RO: case FD_NOCAP_RO: return 1;
	case FD_WO: return 2;
	default: return 0;
	}
}

static bool looks_kernel(uint64_t v)
{
	return v >= 0xffff800000000000ull && v != ~0ull;
}

/* Checks of a successful answer; NULL when it is consistent. */
static const char *check_ok(struct thr *t, const struct req *q, const unsigned char *before,
			    const unsigned char *after, char *why, size_t len)
{
	size_t ks = ksize_of(q), us = usize_of(q);
	uint64_t i, needed = needed_of(q), wl = watch_len(q);

	if (us > ks && us <= pgsz && q->img_len >= us && memcmp(before + ks, after + ks, us - ks))
		return "bytes after the module's layout changed";
	switch (q->kind) {
	case K_INFO: {
		struct allocbench_info a;

		memcpy(&a, after, sizeof(a));
		if (a.size != ks && a.size != us)
			return "INFO size neither the caller's nor the module's";
		a.size = info0.size;
		if (memcmp(&a, &info0, sizeof(a)))
			return "INFO differs from the first answer";
		return NULL;
	}
	case K_ALLOCATOR: {
		struct allocbench_allocator_info a;
		uint32_t id = ((const struct allocbench_allocator_info *)before)->id;

		memcpy(&a, after, sizeof(a));
		if (a.id != id)
			return "ALLOCATOR id changed";
		if (a.size != ks && a.size != us)
			return "ALLOCATOR size neither the caller's nor the module's";
		a.size = ai0[id].size;
		if (memcmp(&a, &ai0[id], sizeof(a)))
			return "ALLOCATOR answer differs from the first one";
		return NULL;
	}
	case K_RUN: {
		struct allocbench_run b, a;
		uint64_t ops, z0, z1, z2, z3;
		bool na;

		memcpy(&b, before, sizeof(b));
		memcpy(&a, after, sizeof(a));
		b.samples_written = a.samples_written;
		b.failures = a.failures;
		b.cpu = a.cpu;
		b.out_flags = a.out_flags;
		b.fallbacks = a.fallbacks;
		b.elapsed_ns = a.elapsed_ns;
		b.setup_ns = a.setup_ns;
		b.timer_overhead_ticks = a.timer_overhead_ticks;
		if (memcmp(&a, &b, sizeof(a)))
			return "an input, padding or reserved field changed";
		ops = (uint64_t)a.count * a.batch;
		na = a.allocator == ALLOCBENCH_KMEM_CACHE && a.bytes > ai0[ALLOCBENCH_KMEM_CACHE].max_bytes &&
		     !(a.flags & ALLOCBENCH_RUN_NULL);
		if ((a.flags & ALLOCBENCH_RUN_NULL) && (a.failures || a.fallbacks || a.setup_ns))
			return "RUN_NULL: failures, fallbacks or setup_ns not zero (nothing was called)";
		if (a.setup_ns > a.elapsed_ns || looks_kernel(a.timer_overhead_ticks))
			return "setup_ns above elapsed_ns, or timer_overhead_ticks implausible";
		if (a.out_flags & ~(ALLOCBENCH_OUT_MIGRATED | ALLOCBENCH_OUT_NOT_ATTEMPTED))
			return "unknown out_flags bit";
		if (na != !!(a.out_flags & ALLOCBENCH_OUT_NOT_ATTEMPTED))
			return na ? "kmem_cache above max_bytes without NOT_ATTEMPTED" :
				"NOT_ATTEMPTED on a size the allocator takes";
		if (na && (a.failures != (ops > 0xffffffffu ? 0xffffffffu : ops) || a.samples_written))
			return "NOT_ATTEMPTED without failures == count x batch and no samples";
		if (a.cpu >= 4096 || a.elapsed_ns == 0 || looks_kernel(a.elapsed_ns))
			return "cpu or elapsed_ns implausible";
		if (a.allocator != ALLOCBENCH_KVMALLOC ? a.fallbacks != 0 : a.fallbacks > ops)
			return "fallbacks implausible";
		if (a.samples_written > needed)
			return "samples_written above what the buffer was asked to hold";
		if (a.op == ALLOCBENCH_OP_BURST) {
			uint64_t okn;

			if (a.failures > a.count)
				return "more failures than operations";
			okn = a.count - a.failures;
			if (a.samples_written != 2 * okn)
				return "burst: samples_written != 2 x (count - failures)";
			z0 = okn; z1 = a.count; z2 = a.count + okn; z3 = 2ull * a.count;
		} else {
			uint64_t missing = a.count - a.samples_written;

			if (!na && (a.failures < missing || a.failures > missing * a.batch))
				return "failures do not match the samples missing";
			/* Entries past samples_written are left as they were. */
			z0 = z1 = z2 = z3 = needed;
		}
		for (i = 0; i < wl; i++) {
			uint64_t v = get_sample(q, i);
			bool zero = (i >= z0 && i < z1) || (i >= z2 && i < z3);

			if (i >= needed && v != SENTINEL) {
				snprintf(why, len, "samples[%" PRIu64 "] written beyond the %" PRIu64 " the request may write", i, needed);
				return why;
			}
			if (zero && v != 0) {
				snprintf(why, len, "samples[%" PRIu64 "] = %#" PRIx64 " where no sample was taken (want 0)", i, v);
				return why;
			}
			if (!zero && i < needed && v == SENTINEL &&
			    (a.op == ALLOCBENCH_OP_BURST || i < a.samples_written)) {
				snprintf(why, len, "samples[%" PRIu64 "] not written though samples_written says so", i);
				return why;
			}
			if (a.op != ALLOCBENCH_OP_BURST && i >= a.samples_written && i < needed && v != SENTINEL) {
				snprintf(why, len, "samples[%" PRIu64 "] written past samples_written", i);
				return why;
			}
		}
		return NULL;
	}
	case K_ACCESS: {
		struct allocbench_access b, a;

		memcpy(&b, before, sizeof(b));
		memcpy(&a, after, sizeof(a));
		memcpy(&b.samples_written, &a.samples_written,
		       offsetof(struct allocbench_access, reserved) - offsetof(struct allocbench_access, samples_written));
		if (memcmp(&a, &b, sizeof(a)))
			return "an input or reserved field changed";
		if (a.failures > 1)
			return "failures above 1";
		if (a.samples_written > a.passes)
			return "samples_written above passes";
		if (!a.failures && a.samples_written != a.passes)
			return "no failure but samples_written != passes";
		if (a.failures && a.pattern != ALLOCBENCH_PATTERN_FIRST_TOUCH && a.samples_written)
			return "failed allocation but samples written";
		if (a.out_flags & ~(ALLOCBENCH_OUT_MIGRATED | ALLOCBENCH_ACCESS_OUT_LEVELS | ALLOCBENCH_ACCESS_OUT_DTLB))
			return "unknown out_flags bit";
		if (a.levels_status != 0 && a.levels_status != -EOPNOTSUPP)
			return "levels_status neither 0 nor -EOPNOTSUPP";
		if ((a.out_flags & ALLOCBENCH_ACCESS_OUT_LEVELS) &&
		    a.mapped_4k_bytes + a.mapped_2m_bytes + a.mapped_1g_bytes + a.mapped_other_bytes != a.bytes)
			return "mapped_*_bytes do not add up to bytes";
		if (a.pmu_status > 0 || (!(a.flags & ALLOCBENCH_ACCESS_PMU) && a.pmu_status != -EOPNOTSUPP))
			return "pmu_status not -EOPNOTSUPP without the PMU flag, or positive";
		if (!(a.out_flags & ALLOCBENCH_ACCESS_OUT_DTLB) && a.dtlb_load_misses)
			return "dtlb_load_misses without OUT_DTLB";
		if (a.samples_written && (!a.elements || !a.chunks_per_pass ||
		    (a.pattern != ALLOCBENCH_PATTERN_FIRST_TOUCH && a.steps_per_pass < a.min_steps)))
			return "elements, chunks or steps_per_pass implausible";
		if (a.cpu >= 4096 || !a.elapsed_ns || looks_kernel(a.elapsed_ns) || looks_kernel(a.elements) ||
		    looks_kernel(a.steps_per_pass))
			return "cpu, elapsed_ns or a count implausible";
		for (i = 0; i < wl; i++) {
			uint64_t v = get_sample(q, i);

			if (i >= a.passes && v != SENTINEL)
				return "samples written beyond passes";
			if (i >= a.samples_written && i < a.passes && v != SENTINEL)
				return "sample written beyond samples_written";
			if (i < a.samples_written && v == SENTINEL)
				return "sample not written though samples_written says so";
		}
		return NULL;
	}
	case K_FRAG: {
		struct allocbench_frag b, a;

		memcpy(&b, before, sizeof(b));
		memcpy(&a, after, sizeof(a));
		b.taken_pages = a.taken_pages;
		b.swept_blocks = a.swept_blocks;
		b.held_pages = a.held_pages;
		b.free_before_pages = a.free_before_pages;
		b.free_after_pages = a.free_after_pages;
		b.floor_pages = a.floor_pages;
		b.out_flags = a.out_flags;
		b.elapsed_ns = a.elapsed_ns;
		if (memcmp(&a, &b, sizeof(a)))
			return "an input or reserved field changed";
		if (a.out_flags & ~ALLOCBENCH_FRAG_OUT_FLOOR)
			return "unknown out_flags bit";
		if (!a.free_before_pages || !a.free_after_pages || a.free_before_pages > totalram / pgsz ||
		    a.free_after_pages > totalram / pgsz)
			return "free_before/after_pages implausible";
		if (a.cmd == ALLOCBENCH_FRAG_HOLD) {
			if (!a.floor_pages || a.held_pages > a.taken_pages + a.swept_blocks)
				return "HOLD: floor_pages 0 or held_pages above taken + swept";
		} else {
			if (a.taken_pages || a.swept_blocks || a.floor_pages)
				return "RELEASE: HOLD's output fields set";
			if (t->mode == MODE_SEQ) {
				uint64_t want = t->hold_owner == fd_index(q->fdmode) ? t->hold_pages : 0;

				if (a.held_pages != want) {
					snprintf(why, len, "RELEASE freed %" PRIu64 " pages, the hold of this file had %" PRIu64,
						 (uint64_t)a.held_pages, want);
					return why;
				}
			}
		}
		return NULL;
	}
	case K_FOOTPRINT: {
		struct allocbench_footprint b, a;

		memcpy(&b, before, sizeof(b));
		memcpy(&a, after, sizeof(a));
		b.method = a.method;
		b.consumed_bytes = a.consumed_bytes;
		b.data_bytes = a.data_bytes;
		b.guard_bytes = a.guard_bytes;
		b.pgtable_bytes = a.pgtable_bytes;
		b.meta_bytes = a.meta_bytes;
		b.failed = a.failed;
		if (memcmp(&a, &b, sizeof(a)))
			return "an input or reserved field changed";
		if (a.failed > 1)
			return "failed neither 0 nor 1";
		if (a.method & ~(ALLOCBENCH_FP_DATA_MEASURED | ALLOCBENCH_FP_VMALLOC | ALLOCBENCH_FP_HUGE))
			return "unknown method bit";
		if (a.failed) {
			if (a.consumed_bytes || a.data_bytes)
				return "failed but consumed/data bytes set";
			return NULL;
		}
		if (a.consumed_bytes != a.data_bytes + a.pgtable_bytes + a.meta_bytes)
			return "consumed != data + pgtable + meta";
		if (a.data_bytes < a.bytes)
			return "data_bytes below bytes";
		if (a.guard_bytes != 0 && a.guard_bytes != pgsz)
			return "guard_bytes neither 0 nor a page";
		if (looks_kernel(a.consumed_bytes) || looks_kernel(a.meta_bytes) || looks_kernel(a.pgtable_bytes))
			return "a kernel pointer in an output field";
		return NULL;
	}
	case K_VSPACE: {
		struct allocbench_vspace b, a;

		memcpy(&b, before, sizeof(b));
		memcpy(&a, after, sizeof(a));
		b.taken_areas = a.taken_areas;
		b.held_areas = a.held_areas;
		b.held_bytes = a.held_bytes;
		b.cost_bytes = a.cost_bytes;
		b.out_flags = a.out_flags;
		b.elapsed_ns = a.elapsed_ns;
		if (memcmp(&a, &b, sizeof(a)))
			return "an input or reserved field changed";
		if (a.out_flags & ~ALLOCBENCH_VSPACE_OUT_FULL)
			return "unknown out_flags bit";
		if (a.cmd == ALLOCBENCH_VSPACE_HOLD) {
			uint64_t keep = (a.taken_areas + a.keep_every - 1) / a.keep_every;

			if (a.taken_areas > a.areas || (a.taken_areas < a.areas) != !!(a.out_flags & ALLOCBENCH_VSPACE_OUT_FULL))
				return "taken_areas above areas, or OUT_FULL not matching taken_areas < areas";
			if (a.held_areas != keep) {
				snprintf(why, len, "held_areas %u, want every %u-th of %u taken = %" PRIu64,
					 a.held_areas, a.keep_every, a.taken_areas, keep);
				return why;
			}
			if (a.held_bytes != (uint64_t)a.held_areas * (a.area_bytes + pgsz))
				return "held_bytes != held_areas x (area_bytes + PAGE_SIZE)";
			if (!a.cost_bytes || looks_kernel(a.cost_bytes))
				return "cost_bytes implausible";
		} else {
			if (a.taken_areas || a.held_bytes || a.cost_bytes)
				return "RELEASE: HOLD's output fields set";
			if (t->mode == MODE_SEQ) {
				uint64_t want = t->vs_owner == fd_index(q->fdmode) ? t->vs_areas : 0;

				if (a.held_areas != want) {
					snprintf(why, len, "RELEASE unmapped %u areas, the hold of this file had %" PRIu64,
						 a.held_areas, want);
					return why;
				}
			}
		}
		return NULL;
	}
	case K_SCALE: {
		struct allocbench_scale b, a;
		const struct allocbench_scale_thread *to;
		uint64_t spt, th;
		bool na;

		memcpy(&b, before, sizeof(b));
		memcpy(&a, after, sizeof(a));
		b.elapsed_ns = a.elapsed_ns;
		b.cpus_online = a.cpus_online;
		b.out_flags = a.out_flags;
		if (memcmp(&a, &b, sizeof(a)))
			return "an input or reserved field changed";
		na = a.allocator == ALLOCBENCH_KMEM_CACHE && a.bytes > ai0[ALLOCBENCH_KMEM_CACHE].max_bytes;
		if (a.out_flags & ~ALLOCBENCH_OUT_NOT_ATTEMPTED)
			return "unknown out_flags bit";
		if (na != !!(a.out_flags & ALLOCBENCH_OUT_NOT_ATTEMPTED))
			return na ? "kmem_cache above max_bytes without NOT_ATTEMPTED" :
				"NOT_ATTEMPTED on a size the allocator takes";
		if (!na && (a.cpus_online < a.threads || a.cpus_online > 4096 || !a.elapsed_ns ||
			    looks_kernel(a.elapsed_ns)))
			return "cpus_online below threads, or elapsed_ns implausible";
		spt = a.samples_per_thread;
		to = (const struct allocbench_scale_thread *)(uintptr_t)a.threads_out;
		for (th = 0; th < a.threads; th++) {
			const struct allocbench_scale_thread *w = &to[th];
			uint64_t k;

			if (na) {
				const unsigned char *c = (const unsigned char *)w;

				for (uint64_t b = 0; b < TSIZE; b++)
					if (c[b] != 0xa5)
						return "NOT_ATTEMPTED but a threads_out entry was written";
				continue;
			}
			if (!all_zero(w->reserved, sizeof(w->reserved)))
				return "threads_out reserved not zero";
			if (w->samples_written > spt || w->cpu >= a.cpus_online || looks_kernel(w->ops) ||
			    looks_kernel(w->elapsed_ns) || w->failures > w->ops + 1)
				return "threads_out entry implausible (samples_written, cpu, ops, failures)";
			if (a.pattern != ALLOCBENCH_SCALE_REMOTE_FREE && (w->remote_frees || w->local_frees))
				return "remote_frees or local_frees outside REMOTE_FREE";
			if (w->samples_written > w->ops)
				return "more samples than operations";
			for (k = 0; k < spt && th * spt + k < wl; k++) {
				uint64_t v = get_sample(q, th * spt + k);

				if (k < w->samples_written ? v == SENTINEL : v != SENTINEL) {
					snprintf(why, len, "thread %" PRIu64 " sample %" PRIu64 " = %#" PRIx64 " (samples_written %u)",
						 th, k, v, w->samples_written);
					return why;
				}
			}
		}
		if (!tout_untouched(q, a.threads))
			return "threads_out written beyond threads";
		for (i = needed; i < wl; i++)
			if (get_sample(q, i) != SENTINEL)
				return "samples written beyond threads x samples_per_thread";
		return NULL;
	}
	}
	return NULL;
}

/* After a failure nothing may have changed: struct, tail, samples (or zeros, see below). */
static const char *check_err(const struct req *q, const struct expect *e, int cls,
			     const unsigned char *before, const unsigned char *after, char *why, size_t len)
{
	uint64_t i, needed = needed_of(q), wl = watch_len(q), zeros = 0, sent = 0, other = 0;

	/*
	 * INFO and ALLOCATOR answer with one copy_to_user(): a struct that runs
	 * into a read-only page keeps the part written before the fault. They
	 * take no memory; tolerated (see the report), checked everywhere else.
	 */
	if (q->img_len && memcmp(before, after, q->img_len) &&
	    !(cls == C_FAULT && q->sp == SP_RO_PART && (q->kind == K_INFO || q->kind == K_ALLOCATOR)))
		return "the struct changed although the ioctl failed";
	if (q->kind == K_SCALE && tout_watch(q)) {
		const unsigned char *p = (const unsigned char *)(uintptr_t)q->u.sc.threads_out;
		uint64_t n = tout_watch(q), th = q->u.sc.threads < n ? q->u.sc.threads : n;

		if (!tout_untouched(q, th))
			return "threads_out written beyond threads after a failure";
		for (i = 0; i < th * TSIZE; i++)
			if (p[i] != 0xa5 && (p[i] != 0 || !e->zeros_ok))
				return "threads_out written although the ioctl failed";
	}
	if (!samples_field((struct req *)q) || !wl)
		return NULL;
	for (i = 0; i < wl; i++) {
		uint64_t v = get_sample(q, i);

		if (i >= needed) {
			if (v != SENTINEL) {
				snprintf(why, len, "samples[%" PRIu64 "] written beyond the request's entries after a failure", i);
				return why;
			}
			continue;
		}
		if (v == SENTINEL)
			sent++;
		else if (v == 0)
			zeros++;
		else
			other++;
	}
	if (other)
		return "samples delivered although the ioctl failed";
	/*
	 * The module clears the buffer when it checks it is writable; an error
	 * found later leaves zeros. An error found before leaves it untouched,
	 * and so must RUN's -EFAULT for a buffer that is not writable
	 * ("nothing is written to it then").
	 */
	if (zeros && !e->zeros_ok) {
		snprintf(why, len, "%" PRIu64 " of the %" PRIu64 " sample entries were zeroed (%s)", zeros, needed,
			 q->kind == K_RUN && cls == C_FAULT ? "the header: \"nothing is written to it then\"" :
			 "the error comes before the buffer is looked at");
		return why;
	}
	if (zeros && sent && cls != C_FAULT)
		return "samples buffer half cleared";
	return NULL;
}

static void dump_req(char *buf, size_t len, const struct req *q)
{
	size_t n = 0, i, ks = ksize_of(q);
	const uint32_t *w32 = (const uint32_t *)q->u.raw;

#define P(...) (n += snprintf(buf + n, n < len ? len - n : 0, __VA_ARGS__))
	P("  ioctl %s cmd=%#lx fd=%s struct=%s addr=%#" PRIxPTR " usize=%u", kind_name[q->kind], q->cmd,
	  fd_name[q->fdmode], sp_name[q->sp], q->addr, usize_of(q));
	if (samples_field((struct req *)q))
		P(" samples=%s (%" PRIu64 " entries writable, %" PRIu64 " needed)", bp_name[q->bp], q->wn, needed_of(q));
	P("\n  mutated: %s\n  fields:", q->muts[0] ? q->muts : "(none: the valid template)");
	switch (q->kind) {
	case K_RUN: {
		const struct allocbench_run *x = &q->u.run;

		P(" allocator=%u op=%u gfp=%u bytes=%" PRIu64 " count=%u batch=%u burst=%u warmup=%u pattern=%u"
		  " flags=%#x samples=%#" PRIx64 " samples_cap=%u", x->allocator, x->op, x->gfp, (uint64_t)x->bytes,
		  x->count, x->batch, x->burst, x->warmup, x->pattern, x->flags, (uint64_t)x->samples, x->samples_cap);
		break;
	}
	case K_ACCESS: {
		const struct allocbench_access *x = &q->u.acc;

		P(" allocator=%u pattern=%u view=%u bytes=%" PRIu64 " seed=%#" PRIx64 " min_steps=%" PRIu64
		  " passes=%u flags=%#x samples=%#" PRIx64 " samples_cap=%u", x->allocator, x->pattern, x->view,
		  (uint64_t)x->bytes, (uint64_t)x->seed, (uint64_t)x->min_steps, x->passes, x->flags,
		  (uint64_t)x->samples, x->samples_cap);
		break;
	}
	case K_FRAG:
		P(" cmd=%u percent=%u keep_order=%u", q->u.frag.cmd, q->u.frag.percent, q->u.frag.keep_order);
		break;
	case K_FOOTPRINT:
		P(" allocator=%u gfp=%u bytes=%" PRIu64, q->u.fp.allocator, q->u.fp.gfp, (uint64_t)q->u.fp.bytes);
		break;
	case K_ALLOCATOR:
		P(" id=%u", q->u.ai.id);
		break;
	case K_VSPACE:
		P(" cmd=%u area_bytes=%" PRIu64 " areas=%u keep_every=%u", q->u.vs.cmd, (uint64_t)q->u.vs.area_bytes,
		  q->u.vs.areas, q->u.vs.keep_every);
		break;
	case K_SCALE: {
		const struct allocbench_scale *x = &q->u.sc;

		P(" allocator=%u pattern=%u gfp=%u bytes=%" PRIu64 " threads=%u burst=%u duration_ms=%u"
		  " sample_every=%u samples=%#" PRIx64 " samples_per_thread=%u flags=%#x threads_out=%#" PRIx64
		  " (%s, %" PRIu64 " entries writable)", x->allocator, x->pattern, x->gfp, (uint64_t)x->bytes,
		  x->threads, x->burst, x->duration_ms, x->sample_every, (uint64_t)x->samples,
		  x->samples_per_thread, x->flags, (uint64_t)x->threads_out, bp_name[q->tp], q->wt);
		break;
	}
	default:
		break;
	}
	P("\n  nonzero words (offset:value):");
	for (i = 1; i < (ks ? ks : 64) / 4; i++)
		if (w32[i])
			P(" %zu:%#x", i * 4, w32[i]);
	if (tail_nonzero(q))
		P(" (tail has nonzero bytes)");
	P("\n");
#undef P
}

static void failure(struct thr *t, uint64_t index, const struct req *q, const char *what)
{
	char buf[4096];
	size_t n;
	unsigned long k = atomic_fetch_add(&st->dumps, 1);

	if (k >= MAX_DUMPS)
		return;
	n = snprintf(buf, sizeof(buf), "FAIL seed=%" PRIu64 " stream=%d index=%" PRIu64 ": %s\n"
		     "  reproduce: ioctl-fuzz -s %" PRIu64 " -r %d:%" PRIu64 "\n",
		     seed, t->stream, index, what, seed, t->stream, index);
	if (n < sizeof(buf))
		dump_req(buf + n, sizeof(buf) - n, q);
	if (write(1, buf, strlen(buf)) < 0)
		return;
}

static void check_failed(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	atomic_fetch_add(&st->checks_failed, 1);
	n = snprintf(buf, sizeof(buf), "FAIL seed=%" PRIu64 ": ", seed);
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
	va_end(ap);
	strcat(buf, "\n");
	if (write(1, buf, strlen(buf)) < 0)
		return;
}

static void check_passed(void)
{
	atomic_fetch_add(&st->checks_passed, 1);
}

/* Send one request; returns its errno class. */
static int send_req(struct thr *t, uint64_t index, struct req *q, const struct expect *e)
{
	unsigned char before[8192], after[8192];
	char why[512], detail[256], m1[96];
	const char *bad = NULL;
	int fd = t->fd[fd_index(q->fdmode)], ret, err, cls;
	bool nocap = q->fdmode == FD_NOCAP || q->fdmode == FD_NOCAP_RO;
	double t0;

	write_struct(t, q, before);
	fill_samples(q);
	fill_tout(q);
	if (nocap)
		set_cap_admin(false);
	t0 = now_s();
	ret = ioctl(fd, q->cmd, (void *)q->addr);
	err = ret ? errno : 0;
	t0 = now_s() - t0;
	if (nocap)
		set_cap_admin(true);
	atomic_fetch_add(&st->us[q->kind], (unsigned long)(t0 * 1e6));
	if (t0 > 2.0)
		fprintf(stderr, "ioctl-fuzz: slow: stream %d index %" PRIu64 " %s took %.1f s (estimated %.2f s; %s)\n",
			t->stream, index, kind_name[q->kind], t0, cost_us(q) / 1e6, q->muts);
	cls = classify(err);
	atomic_fetch_add(&st->sent, 1);
	atomic_fetch_add(&st->by[q->kind][cls], 1);
	if (e->work)
		atomic_fetch_add(&st->work, 1);
	if (e->mask & (e->mask - 1))
		atomic_fetch_add(&st->from_set, 1);
	else
		atomic_fetch_add(&st->decided, 1);
	if (q->img_len)
		memcpy(after, (void *)q->addr, q->img_len);
	detail[0] = 0;
	if (ret && ret != -1) {
		snprintf(why, sizeof(why), "ioctl returned %d, not 0 or -1", ret);
		bad = why;
	} else if (!(e->mask & M(cls))) {
		mask_str(e->mask, m1, sizeof(m1));
		snprintf(why, sizeof(why), "%s got %s (errno %d), want %s: %s", kind_name[q->kind],
			 class_name[cls], err, m1, e->why);
		bad = why;
	} else {
		const char *d = NULL;

		if (cls == C_OK && q->img_len >= ksize_of(q))
			d = check_ok(t, q, before, after, detail, sizeof(detail));
		else if (cls != C_OK)
			d = check_err(q, e, cls, before, after, detail, sizeof(detail));
		if (d) {
			snprintf(why, sizeof(why), "%s %s, but %s", kind_name[q->kind],
				 cls == C_OK ? "answered 0" : class_name[cls], d);
			bad = why;
		}
	}
	if (bad) {
		atomic_fetch_add(&st->failed, 1);
		failure(t, index, q, why);
	} else {
		atomic_fetch_add(&st->passed, 1);
	}
	if (verbose) {
		mask_str(e->mask, m1, sizeof(m1));
		printf("stream %d #%" PRIu64 " %s %s -> %s (want %s) %s\n", t->stream, index, kind_name[q->kind],
		       q->muts, class_name[cls], m1, bad ? "FAIL" : "ok");
	}
	/* MODE_SEQ: the holds this thread made */
	if (t->mode == MODE_SEQ && q->kind == K_FRAG && cls == C_OK && q->img_len >= ksize_of(q)) {
		struct allocbench_frag a;

		memcpy(&a, after, sizeof(a));
		if (a.cmd == ALLOCBENCH_FRAG_HOLD) {
			t->hold_owner = fd_index(q->fdmode);
			t->hold_pages = a.held_pages;
		} else if (t->hold_owner == fd_index(q->fdmode)) {
			t->hold_owner = -1;
			t->hold_pages = 0;
		}
	}
	if (t->mode == MODE_SEQ && q->kind == K_VSPACE && cls == C_OK && q->img_len >= ksize_of(q)) {
		struct allocbench_vspace a;

		memcpy(&a, after, sizeof(a));
		if (a.cmd == ALLOCBENCH_VSPACE_HOLD) {
			t->vs_owner = fd_index(q->fdmode);
			t->vs_areas = a.held_areas;
		} else if (t->vs_owner == fd_index(q->fdmode)) {
			t->vs_owner = -1;
			t->vs_areas = 0;
		}
	}
	return cls;
}

/* Generate request (stream, index), decide what it may do, send it. */
static void one(struct thr *t, uint64_t index)
{
	struct rng r = rng_for(seed, t->stream, index);
	struct octx c = { .mode = t->mode, .signals = t->signals };
	struct expect e;
	struct req q;
	int pass;

	gen(&r, &q);
	c.hold_any = t->hold_owner >= 0;
	c.vs_hold_any = t->vs_owner >= 0;
	for (pass = 0; pass < 3; pass++) {
		place_struct(&r, t, &q);
		place_samples(&r, t, &q);
		place_tout(&r, t, &q);
		oracle(&q, &c, &e);
		if (e.need_avail) {
			c.avail = mem_available();
			c.have_avail = true;
			oracle(&q, &c, &e);
		}
		if (!e.work || cost_us(&q) <= CHEAP_US)
			break;
		/* a few large ones, in the main process only, never two in a row */
		/* (never a large VSPACE hold: the page tables of its range stay for good) */
		if (t->mode == MODE_SEQ && t->large_left && q.kind != K_VSPACE && pct(&r, 2) &&
		    cost_us(&q) <= LARGE_US) {
			t->large_left--;
			q.large = true;
			atomic_fetch_add(&st->large, 1);
			break;
		}
		release_big(t);
		tame(&r, &q, CHEAP_US);
		c.have_avail = false;
	}
	if (e.work && !q.large && cost_us(&q) > CHEAP_US * 4) {
		/* could not be made cheap: send it as the unknown ioctl it nearly is */
		release_big(t);
		q.kind = K_UNKNOWN;
		q.cmd = _IOC(_IOC_READ | _IOC_WRITE, ALLOCBENCH_IOC_MAGIC, 0, 8);
		note(&q, "untamable");
		place_struct(&r, t, &q);
		oracle(&q, &c, &e);
	}
	if (replaying) {
		char buf[4096], m[96];

		dump_req(buf, sizeof(buf), &q);
		mask_str(e.mask, m, sizeof(m));
		printf("replay: seed %" PRIu64 " stream %d index %" PRIu64 " (sent alone: the strict oracle)\n%s"
		       "expect %s: %s\n", seed, t->stream, index, buf, m, e.why);
	}
	send_req(t, index, &q, &e);
	release_big(t);

	/* MODE_SEQ: holds do not last long (they starve everything else) */
	if (t->mode == MODE_SEQ && t->hold_owner >= 0) {
		if (!t->hold_countdown)
			t->hold_countdown = pct(&r, 70) ? 1 : 2 + below(&r, 20);
		if (!--t->hold_countdown) {
			struct req rel;
			struct octx c2 = { .mode = MODE_SEQ, .hold_any = true };

			memset(&rel, 0, sizeof(rel));
			rel.kind = K_FRAG;
			rel.cmd = ALLOCBENCH_IOC_FRAG;
			rel.fdmode = t->hold_owner == 2 ? FD_WO : FD_RW;
			rel.u.frag.size = sizeof(rel.u.frag);
			rel.u.frag.cmd = ALLOCBENCH_FRAG_RELEASE;
			note(&rel, "harness release");
			place_struct(&r, t, &rel);
			oracle(&rel, &c2, &e);
			send_req(t, index | (1ull << 63), &rel, &e);
		}
	}
	if (t->mode == MODE_SEQ && t->vs_owner >= 0) {
		if (!t->vs_countdown)
			t->vs_countdown = pct(&r, 70) ? 1 : 2 + below(&r, 20);
		if (!--t->vs_countdown) {
			struct req rel;
			struct octx c2 = { .mode = MODE_SEQ, .vs_hold_any = true };

			memset(&rel, 0, sizeof(rel));
			rel.kind = K_VSPACE;
			rel.cmd = ALLOCBENCH_IOC_VSPACE;
			rel.fdmode = t->vs_owner == 2 ? FD_WO : FD_RW;
			rel.u.vs.size = sizeof(rel.u.vs);
			rel.u.vs.cmd = ALLOCBENCH_VSPACE_RELEASE;
			note(&rel, "harness release");
			place_struct(&r, t, &rel);
			oracle(&rel, &c2, &e);
			send_req(t, index | (3ull << 62), &rel, &e);
		}
	}
}

static int thr_open(struct thr *t, int stream, int mode)
{
	memset(t, 0, sizeof(*t));
	t->stream = stream;
	t->mode = mode;
	t->hold_owner = -1;
	t->vs_owner = -1;
	t->fd[0] = open(dev_path, O_RDWR | O_CLOEXEC);
	t->fd[1] = open(dev_path, O_RDONLY | O_CLOEXEC);
	t->fd[2] = open(dev_path, O_WRONLY | O_CLOEXEC);
	if (t->fd[0] < 0 || t->fd[1] < 0 || t->fd[2] < 0) {
		fprintf(stderr, "ioctl-fuzz: open %s: %s\n", dev_path, strerror(errno));
		return -1;
	}
	return arena_init(&t->ar);
}

static void thr_close(struct thr *t)
{
	int i;

	for (i = 0; i < 3; i++)
		if (t->fd[i] >= 0)
			close(t->fd[i]);
	munmap(t->ar.base, t->ar.len);
}

/* ---- concurrent phase ------------------------------------------------------------------- */

struct worker { struct thr t; uint64_t n; pthread_t tid; };

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t i;

	for (i = 0; i < w->n; i++)
		one(&w->t, i);
	return NULL;
}

static int child_fuzz(int child, uint64_t per_thread)
{
	struct worker w[THREADS];
	int i, n = 0;

	for (i = 0; i < THREADS; i++) {
		if (thr_open(&w[i].t, 1 + child * THREADS + i, MODE_CONC))
			return 1;
		w[i].n = per_thread;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) == 0)
			n++;
	}
	for (i = 0; i < n; i++)
		pthread_join(w[i].tid, NULL);
	for (i = 0; i < THREADS; i++)
		thr_close(&w[i].t);
	return 0;
}

/* ---- chaos: kills, closes, mprotect, signals, privilege ------------------------------------ */

static uint64_t *chaos_buf(size_t entries)
{
	void *p = mmap(NULL, entries * 8, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* A long request of kind k (0..9), samples in buf (2^18 entries). */
static unsigned long long_req(int k, struct rng *r, union ustruct *u, uint64_t *buf)
{
	memset(u, 0, sizeof(*u));
	switch (k) {
	case 0: case 1: case 6: case 7: {
		struct allocbench_run *x = &u->run;

		x->size = sizeof(*x);
		x->batch = 1;
		x->samples = (uintptr_t)buf;
		x->samples_cap = 1u << 18;
		if (k == 0) {		/* burst of 4K objects */
			x->allocator = ALLOCBENCH_KMALLOC;
			x->op = ALLOCBENCH_OP_BURST;
			x->bytes = 4096;
			x->burst = 2048;
			x->count = 65536;
		} else if (k == 1) {	/* vmalloc pairs */
			x->allocator = ALLOCBENCH_VMALLOC;
			x->op = ALLOCBENCH_OP_PAIR;
			x->bytes = 65536;
			x->count = 100000;
		} else if (k == 6) {	/* kmem_cache, long warm-up */
			x->allocator = ALLOCBENCH_KMEM_CACHE;
			x->op = ALLOCBENCH_OP_ALLOC;
			x->bytes = 2048;
			x->count = 100000;
			x->warmup = ALLOCBENCH_MAX_WARMUP;
		} else {		/* vmap of 1M */
			x->allocator = ALLOCBENCH_VMAP;
			x->op = ALLOCBENCH_OP_PAIR;
			x->bytes = 1u << 20;
			x->count = 100000;
			x->flags = pct(r, 50) ? ALLOCBENCH_RUN_TOUCH : 0;
		}
		return ALLOCBENCH_IOC_RUN;
	}
	case 2: case 3: {
		struct allocbench_access *x = &u->acc;

		x->size = sizeof(*x);
		x->seed = rnd(r);
		x->samples = (uintptr_t)buf;
		x->samples_cap = ALLOCBENCH_MAX_PASSES;
		if (k == 2) {
			x->allocator = ALLOCBENCH_VMALLOC;
			x->pattern = ALLOCBENCH_PATTERN_PAGE;
			x->bytes = 4u << 20;
			x->min_steps = ALLOCBENCH_MAX_STEPS;
			x->passes = 4;
		} else {
			x->allocator = ALLOCBENCH_VMAP;
			x->pattern = ALLOCBENCH_PATTERN_FIRST_TOUCH;
			x->bytes = 16u << 20;
			x->passes = ALLOCBENCH_MAX_PASSES;
		}
		return ALLOCBENCH_IOC_ACCESS;
	}
	case 8:		/* every CPU, a minute: only a kill or a signal ends it early */
		u->sc.size = sizeof(u->sc);
		u->sc.allocator = ALLOCBENCH_KMALLOC;
		u->sc.pattern = below(r, ALLOCBENCH_NR_SCALE_PATTERNS);
		u->sc.burst = u->sc.pattern == ALLOCBENCH_SCALE_PAIR ? 0 : 64;
		u->sc.bytes = 256;
		u->sc.threads = info0.nr_cpus;
		u->sc.duration_ms = ALLOCBENCH_MAX_SCALE_MS;
		u->sc.sample_every = 16;
		u->sc.samples_per_thread = 64;
		u->sc.samples = (uintptr_t)buf;
		u->sc.threads_out = (uintptr_t)(buf + 4096);
		return ALLOCBENCH_IOC_SCALE;
	case 9:		/* 20000 areas of 64K: a second or so of vmap() calls */
		u->vs.size = sizeof(u->vs);
		u->vs.cmd = ALLOCBENCH_VSPACE_HOLD;
		u->vs.area_bytes = 65536;
		u->vs.areas = 20000;
		u->vs.keep_every = 1 + below(r, 4);
		return ALLOCBENCH_IOC_VSPACE;
	case 4:
		u->frag.size = sizeof(u->frag);
		u->frag.cmd = ALLOCBENCH_FRAG_HOLD;
		u->frag.percent = 20 + below(r, 60);
		u->frag.keep_order = ALLOCBENCH_FRAG_MIN_KEEP_ORDER +
			below(r, info0.max_order - ALLOCBENCH_FRAG_MIN_KEEP_ORDER + 1);
		return ALLOCBENCH_IOC_FRAG;
	default:
		u->fp.size = sizeof(u->fp);
		u->fp.allocator = ALLOCBENCH_VMAP;
		u->fp.bytes = 128u << 20;
		return ALLOCBENCH_IOC_FOOTPRINT;
	}
}

static void ev_kill(struct rng *r)
{
	int p[2], k = below(r, 10), status = 0;
	unsigned delay_ms = below(r, 400);
	double t0;
	pid_t pid;
	char c;

	if (pipe(p))
		return;
	pid = fork();
	if (pid == 0) {
		union ustruct u;
		uint64_t *buf = chaos_buf(1u << 18);
		int fd = open(dev_path, O_RDWR);
		unsigned long cmd = long_req(k, r, &u, buf);

		if (write(p[1], "x", 1) < 0)
			_exit(2);
		if (ioctl(fd, cmd, &u) == 0 && (k == 4 || k == 9))
			pause();	/* killed while holding */
		_exit(0);
	}
	close(p[1]);
	if (pid < 0 || read(p[0], &c, 1) != 1) {
		close(p[0]);
		check_failed("kill event: child did not start");
		return;
	}
	close(p[0]);
	usleep(delay_ms * 1000);
	kill(pid, SIGKILL);
	t0 = now_s();
	while (waitpid(pid, &status, WNOHANG) == 0) {
		if (now_s() - t0 > 30) {
			check_failed("SIGKILL of a child in %s (long request %d, after %u ms) did not end it within 30 s",
				     k == 8 ? "SCALE" : k == 9 ? "VSPACE HOLD" : k < 2 || k > 5 ? "RUN" : k < 4 ? "ACCESS" : k == 4 ? "FRAG HOLD" :
				     "FOOTPRINT", k, delay_ms);
			waitpid(pid, &status, 0);
			return;
		}
		usleep(2000);
	}
	{
		unsigned long ms = (unsigned long)((now_s() - t0) * 1000), old = atomic_load(&st->kill_ms_max);

		while (ms > old && !atomic_compare_exchange_weak(&st->kill_ms_max, &old, ms))
			;
		if (ms > 10000)
			check_failed("SIGKILL of a child in long request %d took %lu ms to end it", k, ms);
		else
			check_passed();
	}
	atomic_fetch_add(&st->kills, 1);
	atomic_fetch_add(&st->sent, 1);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
		atomic_fetch_add(&st->kills_mid, 1);
}

struct closer { int fd; unsigned delay_us; };

static void *closer_main(void *arg)
{
	struct closer *c = arg;

	usleep(c->delay_us);
	close(c->fd);
	return NULL;
}

/* One thread in a long request, another closes the descriptor under it. */
static void ev_close(struct rng *r)
{
	union ustruct u;
	uint64_t *buf = chaos_buf(1u << 18);
	struct closer c;
	pthread_t tid;
	unsigned long cmd;
	int fd = open(dev_path, O_RDWR), ret, err, k = pct(r, 30) ? 4 : (pct(r, 50) ? 1 : 7);

	if (fd < 0 || !buf) {
		check_failed("close event: open or mmap failed");
		return;
	}
	cmd = long_req(k, r, &u, buf);
	if (k == 1 || k == 7)
		u.run.count = 50 + below(r, 200);
	else
		u.frag.percent = 1 + below(r, 10);
	c.fd = fd;
	c.delay_us = below(r, 30000);
	pthread_create(&tid, NULL, closer_main, &c);
	ret = ioctl(fd, cmd, &u);
	err = ret ? errno : 0;
	pthread_join(tid, NULL);
	atomic_fetch_add(&st->closes, 1);
	atomic_fetch_add(&st->sent, 1);
	/* the request holds its own reference: it runs to its end (or EBADF if closed before) */
	if (err && err != ENOMEM && err != EBUSY && err != EBADF)
		check_failed("close while in %s: got %s", k == 4 ? "FRAG HOLD" : "RUN", strerror(err));
	else if (ioctl(fd, ALLOCBENCH_IOC_INFO, &u) == 0 || errno != EBADF)
		check_failed("close while in an ioctl: the closed descriptor still answers");
	else
		check_passed();
	munmap(buf, (1u << 18) * 8);
}

struct protector { void *page; unsigned delay_us; int prot; };

static void *protector_main(void *arg)
{
	struct protector *p = arg;

	usleep(p->delay_us);
	mprotect(p->page, pgsz, p->prot);
	return NULL;
}

/* The struct made read-only while the request runs: EFAULT must undo a HOLD. */
static void ev_mprotect(struct rng *r)
{
	union ustruct *u = mmap(NULL, pgsz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t *buf = chaos_buf(1u << 18);
	struct allocbench_frag rel;
	struct protector p;
	pthread_t tid;
	unsigned long cmd;
	int fd = open(dev_path, O_RDWR), ret, err, k = pct(r, 50) ? 4 : 1;
	uint64_t held;

	if (fd < 0 || u == MAP_FAILED || !buf) {
		check_failed("mprotect event: setup failed");
		return;
	}
	cmd = long_req(k, r, u, buf);
	if (k == 1)
		u->run.count = 50 + below(r, 300);
	else
		u->frag.percent = 1 + below(r, 10);
	p.page = u;
	p.delay_us = below(r, 40000);
	p.prot = PROT_READ;
	pthread_create(&tid, NULL, protector_main, &p);
	ret = ioctl(fd, cmd, u);
	err = ret ? errno : 0;
	pthread_join(tid, NULL);
	atomic_fetch_add(&st->mprots, 1);
	atomic_fetch_add(&st->sent, 2);
	if (err == EFAULT)
		atomic_fetch_add(&st->mprot_efault, 1);
	held = (!err && k == 4) ? u->frag.held_pages : 0;
	memset(&rel, 0, sizeof(rel));
	rel.size = sizeof(rel);
	rel.cmd = ALLOCBENCH_FRAG_RELEASE;
	if (err && err != EFAULT && err != ENOMEM && err != EBUSY) {
		check_failed("struct made read-only during %s: got %s", k == 4 ? "FRAG HOLD" : "RUN", strerror(err));
	} else if (ioctl(fd, ALLOCBENCH_IOC_FRAG, &rel)) {
		check_failed("RELEASE after a read-only struct: %s", strerror(errno));
	} else if (rel.held_pages != held) {
		check_failed("FRAG HOLD whose struct became read-only (%s): RELEASE freed %" PRIu64
			     " pages, want %" PRIu64 " (a failed HOLD must leave nothing held)",
			     err ? strerror(err) : "0", (uint64_t)rel.held_pages, held);
	} else {
		check_passed();
	}
	close(fd);
	munmap(u, pgsz);
	munmap(buf, (1u << 18) * 8);
}

static void on_alarm(int sig) { (void)sig; }

/* A signal during a long request: EINTR, nothing delivered, nothing held. */
static void ev_signal(struct rng *r)
{
	struct sigaction sa;
	struct itimerval it;
	union ustruct u, before;
	uint64_t *buf = chaos_buf(1u << 18), i, n, zeros = 0, sent = 0;
	struct allocbench_frag rel;
	int fd = open(dev_path, O_RDWR), k = below(r, 5), ret, err;
	unsigned long cmd;

	if (fd < 0 || !buf) {
		check_failed("signal event: setup failed");
		return;
	}
	if (k == 3)
		k = 8;
	cmd = long_req(k, r, &u, buf);
	if (k == 4)
		u.frag.percent = 5 + below(r, 40);
	n = k == 4 ? 0 : k == 2 ? u.acc.passes : k == 8 ? (uint64_t)u.sc.threads * u.sc.samples_per_thread :
		(u.run.op == ALLOCBENCH_OP_BURST ? 2ull * u.run.count : u.run.count);
	for (i = 0; i < n + 16; i++)
		buf[i] = SENTINEL;
	before = u;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;	/* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	memset(&it, 0, sizeof(it));
	it.it_value.tv_usec = 1000 + below(r, 60000);
	setitimer(ITIMER_REAL, &it, NULL);
	ret = ioctl(fd, cmd, &u);
	err = ret ? errno : 0;
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
	atomic_fetch_add(&st->eintr_tries, 1);
	atomic_fetch_add(&st->sent, 1);
	if (err == EINTR)
		atomic_fetch_add(&st->eintr_got, 1);
	if (err && err != EINTR && err != ENOMEM && err != EBUSY) {
		check_failed("signal during long request %d: got %s", k, strerror(err));
		goto out;
	}
	if (err) {
		for (i = 0; i < n; i++) {
			if (buf[i] == 0)
				zeros++;
			else if (buf[i] == SENTINEL)
				sent++;
		}
		if (zeros + sent != n || memcmp(&u, &before, sizeof(u))) {
			check_failed("long request %d interrupted (%s): samples or struct changed (%" PRIu64
				     " zero, %" PRIu64 " untouched of %" PRIu64 ")", k, strerror(err), zeros, sent, n);
			goto out;
		}
	}
	for (i = n; i < n + 16; i++)
		if (buf[i] != SENTINEL) {
			check_failed("long request %d: samples written beyond the request's entries", k);
			goto out;
		}
	memset(&rel, 0, sizeof(rel));
	rel.size = sizeof(rel);
	rel.cmd = ALLOCBENCH_FRAG_RELEASE;
	if (ioctl(fd, ALLOCBENCH_IOC_FRAG, &rel) ||
	    rel.held_pages != (k == 4 && !err ? u.frag.held_pages : 0)) {
		check_failed("HOLD interrupted by a signal (%s): RELEASE freed %" PRIu64 " pages",
			     err ? strerror(err) : "0", (uint64_t)rel.held_pages);
		goto out;
	}
	check_passed();
out:
	close(fd);
	munmap(buf, (1u << 18) * 8);
}

/* Node made world-writable: an unprivileged user opens it but may not take memory. */
static void ev_priv(void)
{
	struct stat sb;
	int status = 0;
	pid_t pid;

	if (stat(dev_path, &sb) || chmod(dev_path, 0666)) {
		check_failed("privilege event: chmod %s failed", dev_path);
		return;
	}
	pid = fork();
	if (pid == 0) {
		union ustruct u;
		uint64_t samples[4];
		int fd, bad = 0;

		if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(10);
		fd = open(dev_path, O_RDWR);
		if (fd < 0)
			_exit(11);
		memset(&u, 0, sizeof(u));
		u.run.size = sizeof(u.run);
		u.run.bytes = 64;
		u.run.count = 1;
		u.run.batch = 1;
		u.run.samples = (uintptr_t)samples;
		u.run.samples_cap = 4;
		bad |= !(ioctl(fd, ALLOCBENCH_IOC_RUN, &u) && errno == EPERM) << 0;
		memset(&u, 0, sizeof(u));
		u.frag.size = sizeof(u.frag);
		u.frag.percent = 50;
		u.frag.keep_order = 6;
		bad |= !(ioctl(fd, ALLOCBENCH_IOC_FRAG, &u) && errno == EPERM) << 1;
		memset(&u, 0, sizeof(u));
		u.fp.size = sizeof(u.fp);
		u.fp.bytes = 64;
		bad |= !(ioctl(fd, ALLOCBENCH_IOC_FOOTPRINT, &u) && errno == EPERM) << 2;
		memset(&u, 0, sizeof(u));
		u.acc.size = sizeof(u.acc);
		bad |= !(ioctl(fd, ALLOCBENCH_IOC_ACCESS, NULL) && errno == EPERM) << 3;
		u.info.size = sizeof(u.info);
		bad |= (ioctl(fd, ALLOCBENCH_IOC_INFO, &u) != 0) << 4;
		_exit(bad);
	}
	waitpid(pid, &status, 0);
	chmod(dev_path, sb.st_mode & 07777);
	atomic_fetch_add(&st->privs, 1);
	atomic_fetch_add(&st->sent, 5);
	if (!WIFEXITED(status) || WEXITSTATUS(status))
		check_failed("unprivileged user on a world-writable node: status %#x (bits: RUN, HOLD, FOOTPRINT, "
			     "ACCESS not EPERM; INFO refused; 10/11: could not drop privileges or open)", status);
	else
		check_passed();
}

static void chaos(uint64_t events)
{
	uint64_t i;

	for (i = 0; i < events; i++) {
		struct rng r = rng_for(seed, 0xC4A05, i);
		unsigned w = below(&r, 100);

		if (i == 0)
			ev_priv();
		else if (w < 40)
			ev_kill(&r);
		else if (w < 60)
			ev_close(&r);
		else if (w < 80)
			ev_mprotect(&r);
		else
			ev_signal(&r);
	}
}

/* ---- after everything: nothing leaked --------------------------------------------------- */

static void aftermath(void)
{
	struct allocbench_frag f;
	struct allocbench_run x;
	uint64_t avail, bytes, unit, *buf;
	int fd = open(dev_path, O_RDWR), i;
	double share[2] = { 0.35, 0.65 };

	if (fd < 0) {
		check_failed("aftermath: open failed");
		return;
	}
	/* no hold left anywhere: a HOLD succeeds */
	memset(&f, 0, sizeof(f));
	f.size = sizeof(f);
	f.cmd = ALLOCBENCH_FRAG_HOLD;
	f.percent = 5;
	f.keep_order = 6;
	atomic_fetch_add(&st->sent, 2);
	if (ioctl(fd, ALLOCBENCH_IOC_FRAG, &f))
		check_failed("after the fuzz a HOLD fails (%s): a hold or its busy flag leaked", strerror(errno));
	else
		check_passed();
	memset(&f, 0, sizeof(f));
	f.size = sizeof(f);
	f.cmd = ALLOCBENCH_FRAG_RELEASE;
	if (ioctl(fd, ALLOCBENCH_IOC_FRAG, &f))
		check_failed("after the fuzz RELEASE fails: %s", strerror(errno));
	{
		struct allocbench_vspace v;

		memset(&v, 0, sizeof(v));
		v.size = sizeof(v);
		v.cmd = ALLOCBENCH_VSPACE_HOLD;
		v.area_bytes = 4 * pgsz;
		v.areas = 16;
		v.keep_every = 2;
		atomic_fetch_add(&st->sent, 2);
		if (ioctl(fd, ALLOCBENCH_IOC_VSPACE, &v))
			check_failed("after the fuzz a VSPACE HOLD fails (%s): a hold or its busy flag leaked",
				     strerror(errno));
		else
			check_passed();
		memset(&v, 0, sizeof(v));
		v.size = sizeof(v);
		v.cmd = ALLOCBENCH_VSPACE_RELEASE;
		if (ioctl(fd, ALLOCBENCH_IOC_VSPACE, &v) || v.held_areas != 8)
			check_failed("after the fuzz VSPACE RELEASE: %s, %u areas unmapped (want 8)",
				     strerror(errno), v.held_areas);
	}

	/*
	 * The budget has no reservation left over: kmem_cache above its limit is
	 * "not attempted" (nothing allocated) but still reserves its burst, so
	 * 35 % of MemAvailable must pass and 65 % must be refused.
	 */
	bytes = ai0[ALLOCBENCH_KMEM_CACHE].max_bytes + 8;
	unit = pow2_up(bytes);
	buf = chaos_buf(1u << 18);
	for (i = 0; i < 2 && buf; i++) {
		int ret;

		avail = mem_available();
		memset(&x, 0, sizeof(x));
		x.size = sizeof(x);
		x.allocator = ALLOCBENCH_KMEM_CACHE;
		x.op = ALLOCBENCH_OP_BURST;
		x.bytes = bytes;
		x.batch = 1;
		x.burst = (uint32_t)(avail * share[i] / unit);
		if (!x.burst)
			x.burst = 1;
		x.count = x.burst;
		x.samples = (uintptr_t)buf;
		x.samples_cap = 2 * x.count;
		ret = ioctl(fd, ALLOCBENCH_IOC_RUN, &x) ? errno : 0;
		atomic_fetch_add(&st->sent, 1);
		if (i == 0 && (ret || !(x.out_flags & ALLOCBENCH_OUT_NOT_ATTEMPTED)))
			check_failed("budget probe: a burst reserving 35 %% of MemAvailable (%u x %" PRIu64
				     ") got %s: a reservation leaked", x.burst, unit, ret ? strerror(ret) : "0 but attempted");
		else if (i == 1 && ret != ENOMEM)
			check_failed("budget probe: a burst reserving 65 %% of MemAvailable got %s, want ENOMEM",
				     ret ? strerror(ret) : "0");
		else
			check_passed();
	}
	if (buf)
		munmap(buf, (1u << 18) * 8);
	close(fd);
}

/*
 * -w: what the kernel builds once and keeps, built before a baseline is
 * taken: page tables of the vmalloc area (never freed on x86) up to the
 * largest area the budget allows, vmalloc'ed kthread stacks. Without it
 * the first large vmalloc of the fuzz scatters page-table pages through
 * free high-order blocks for good, which is the kernel's doing, not the
 * module's. No hold is made: what a hold leaves behind must show.
 */
static int warm_up(void)
{
	static const struct { uint32_t allocator; double share; } big_ones[] = {
		{ ALLOCBENCH_VMALLOC, 0.45 }, { ALLOCBENCH_VMALLOC_HUGE, 0.45 }, { ALLOCBENCH_VMALLOC, 0.45 },
		{ ALLOCBENCH_KVMALLOC, 0.3 }, { ALLOCBENCH_VMAP, 0.2 },
	};
	uint64_t *buf = chaos_buf(1u << 12);
	int fd = open(dev_path, O_RDWR), bad = 0, n = 0;
	size_t i;

	if (fd < 0 || !buf)
		return 1;
	for (i = 0; i < ARRAY_SIZE(big_ones); i++) {
		struct allocbench_run x;

		if (!available(big_ones[i].allocator))
			continue;
		memset(&x, 0, sizeof(x));
		x.size = sizeof(x);
		x.allocator = big_ones[i].allocator;
		x.op = ALLOCBENCH_OP_ALLOC;
		x.gfp = ALLOCBENCH_GFP_NORETRY;
		x.bytes = (uint64_t)(mem_available() * big_ones[i].share) & ~(pgsz - 1);
		x.count = 2;
		x.batch = 1;
		x.samples = (uintptr_t)buf;
		x.samples_cap = 2;
		bad += ioctl(fd, ALLOCBENCH_IOC_RUN, &x) != 0;
		n++;
	}
	{	/* page tables for the low 2 GiB of the vmalloc range, where VSPACE holds go */
		struct allocbench_vspace v;

		memset(&v, 0, sizeof(v));
		v.size = sizeof(v);
		v.cmd = ALLOCBENCH_VSPACE_HOLD;
		v.area_bytes = info0.pmd_size;
		v.areas = 1024;
		v.keep_every = 1;
		bad += ioctl(fd, ALLOCBENCH_IOC_VSPACE, &v) != 0;
		memset(&v, 0, sizeof(v));
		v.size = sizeof(v);
		v.cmd = ALLOCBENCH_VSPACE_RELEASE;
		bad += ioctl(fd, ALLOCBENCH_IOC_VSPACE, &v) != 0;
		n += 2;
	}
	for (i = 0; i < ALLOCBENCH_NR_SCALE_PATTERNS; i++) {
		struct allocbench_scale x;

		memset(&x, 0, sizeof(x));
		x.size = sizeof(x);
		x.allocator = ALLOCBENCH_KMALLOC;
		x.pattern = i;
		x.burst = i == ALLOCBENCH_SCALE_PAIR ? 0 : 64;
		x.bytes = 256;
		x.threads = info0.nr_cpus;
		x.duration_ms = 5;
		x.sample_every = 1;
		x.samples_per_thread = 16;
		x.samples = (uintptr_t)buf;
		x.threads_out = (uintptr_t)(buf + 2048);
		bad += ioctl(fd, ALLOCBENCH_IOC_SCALE, &x) != 0;
		n++;
	}
	close(fd);
	printf("ioctl-fuzz: warm-up: %d requests, %d failed\n", n, bad);
	return bad != 0;
}

/* ---- main ---------------------------------------------------------------------------------- */

static void usage(void)
{
	fprintf(stderr, "usage: ioctl-fuzz [-s SEED] [-n REQUESTS] [-j CHILDREN] [-k IOCTL,...] [-r STREAM:INDEX]"
		" [-d DEVICE] [-w] [-A] [-v]\n");
	exit(2);
}

static int load_facts(int fd)
{
	int i;

	memset(&info0, 0, sizeof(info0));
	info0.size = sizeof(info0);
	if (ioctl(fd, ALLOCBENCH_IOC_INFO, &info0)) {
		perror("ioctl-fuzz: INFO");
		return -1;
	}
	for (i = 0; i < ALLOCBENCH_NR_ALLOCATORS; i++) {
		memset(&ai0[i], 0, sizeof(ai0[i]));
		ai0[i].size = sizeof(ai0[i]);
		ai0[i].id = i;
		if (ioctl(fd, ALLOCBENCH_IOC_ALLOCATOR, &ai0[i])) {
			perror("ioctl-fuzz: ALLOCATOR");
			return -1;
		}
	}
	pgsz = info0.page_size;
	totalram = info0.totalram_bytes;
	if (pgsz != (uint64_t)sysconf(_SC_PAGESIZE)) {
		fprintf(stderr, "ioctl-fuzz: INFO page_size %" PRIu64 " is not this system's\n", pgsz);
		return -1;
	}
	init_points();
	return 0;
}

static void summary(double t0, uint64_t n_seq, uint64_t n_conc, uint64_t events, int children)
{
	unsigned long tot[NCLASSES] = { 0 }, passed, failed;
	int k, c;

	printf("ioctl-fuzz: seed %" PRIu64 ", %lu requests sent in %.1f s (%" PRIu64 " one at a time, %" PRIu64
	       " from %d children x %d threads, %" PRIu64 " chaos events, aftermath)\n",
	       seed, atomic_load(&st->sent), now_s() - t0, n_seq, n_conc, children, THREADS, events);
	printf("%-10s", "");
	for (c = 0; c < NCLASSES; c++)
		printf(" %*s", c == C_OPNOTSUPP ? 10 : 7, class_name[c]);
	printf("\n");
	for (k = 0; k < NKINDS; k++) {
		printf("%-10s", kind_name[k]);
		for (c = 0; c < NCLASSES; c++) {
			unsigned long v = atomic_load(&st->by[k][c]);

			tot[c] += v;
			printf(" %*lu", c == C_OPNOTSUPP ? 10 : 7, v);
		}
		printf("\n");
	}
	printf("%-10s", "total");
	for (c = 0; c < NCLASSES; c++)
		printf(" %*lu", c == C_OPNOTSUPP ? 10 : 7, tot[c]);
	printf("\n");
	printf("seconds in each ioctl:");
	for (k = 0; k < NKINDS; k++)
		printf(" %s %.1f", kind_name[k], atomic_load(&st->us[k]) / 1e6);
	printf("\n");
	printf("oracle: %lu decided to one errno, %lu from a documented set; %lu passed every check and did work"
	       " (%lu large)\n", atomic_load(&st->decided), atomic_load(&st->from_set), atomic_load(&st->work),
	       atomic_load(&st->large));
	printf("chaos: %lu SIGKILLs (%lu mid-request, slowest reaped %lu ms after the kill), %lu descriptors closed"
	       " under an ioctl, %lu structs made read-only mid-request (%lu EFAULT), %lu signals (%lu EINTR),"
	       " %lu unprivileged-user rounds\n",
	       atomic_load(&st->kills), atomic_load(&st->kills_mid), atomic_load(&st->kill_ms_max),
	       atomic_load(&st->closes), atomic_load(&st->mprots), atomic_load(&st->mprot_efault),
	       atomic_load(&st->eintr_tries), atomic_load(&st->eintr_got), atomic_load(&st->privs));
	passed = atomic_load(&st->passed) + atomic_load(&st->checks_passed);
	failed = atomic_load(&st->failed) + atomic_load(&st->checks_failed);
	printf("mismatches: %lu requests, %lu checks%s\n", atomic_load(&st->failed), atomic_load(&st->checks_failed),
	       atomic_load(&st->dumps) > MAX_DUMPS ? " (only the first ones printed)" : "");
	printf("%lu passed, %lu failed\n", passed, failed);
}

int main(int argc, char **argv)
{
	uint64_t n = 2000, n_seq, n_conc, per_thread, events, i, progress;
	int children = 3, opt, rstream = -1, c, fd, warm = 0, no_aftermath = 0;
	uint64_t rindex = 0;
	struct thr t;
	double t0 = now_s();
	pid_t *pids;

	while ((opt = getopt(argc, argv, "s:n:j:r:d:k:wAvh")) != -1) {
		switch (opt) {
		case 'w': warm = 1; break;
		case 'A': no_aftermath = 1; break;
		case 'k': {	/* only these ioctls: a comma list of names */
			char *list = strdup(optarg), *tok, *save = NULL;
			unsigned keep[NKINDS] = { 0 };
			int k;

			for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				for (k = 0; k < NKINDS && strcasecmp(tok, kind_name[k]); k++)
					;
				if (k == NKINDS)
					usage();
				keep[k] = 1;
			}
			weight_sum = 0;
			for (k = 0; k < NKINDS; k++) {
				kind_weight[k] *= keep[k];
				weight_sum += kind_weight[k];
			}
			free(list);
			break;
		}
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': n = strtoull(optarg, NULL, 0); break;
		case 'j': children = atoi(optarg); break;
		case 'r':
			if (sscanf(optarg, "%d:%" SCNu64, &rstream, &rindex) != 2)
				usage();
			break;
		case 'd': dev_path = optarg; break;
		case 'v': verbose = 1; break;
		default: usage();
		}
	}
	if (children < 0 || children > 64)
		usage();
	setvbuf(stdout, NULL, _IOLBF, 0);
	st = mmap(NULL, sizeof(*st), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (st == MAP_FAILED)
		return 1;
	fd = open(dev_path, O_RDWR);
	if (fd < 0) {
		fprintf(stderr, "ioctl-fuzz: %s: %s\n", dev_path, strerror(errno));
		printf("0 passed, 1 failed\n");
		return 1;
	}
	if (load_facts(fd)) {
		printf("0 passed, 1 failed\n");
		return 1;
	}
	close(fd);
	if (warm)
		return warm_up();
	big = mmap(NULL, BIG_ENTRIES * 8 + pgsz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (big == MAP_FAILED || mprotect(big + BIG_ENTRIES * 8, pgsz, PROT_NONE))
		big = NULL;

	if (thr_open(&t, 0, MODE_SEQ))
		return 1;
	if (rstream >= 0) {	/* replay one request, alone, as the run generated it */
		verbose = 1;
		replaying = 1;
		t.stream = rstream;
		t.large_left = 1;
		one(&t, rindex);
		printf("%lu passed, %lu failed\n", atomic_load(&st->passed), atomic_load(&st->failed));
		return atomic_load(&st->failed) ? 1 : 0;
	}

	n_conc = children ? n * 45 / 100 : 0;
	n_seq = n - n_conc;
	events = children ? (n / 400 > 4 ? n / 400 : 4) : 0;
	per_thread = children ? n_conc / (children * THREADS) : 0;
	n_conc = per_thread * children * THREADS;
	t.large_left = n / 2000 + 1;
	fprintf(stderr, "ioctl-fuzz: seed %" PRIu64 ": %" PRIu64 " requests one at a time\n", seed, n_seq);
	progress = n_seq / 5 ? n_seq / 5 : 1;
	for (i = 0; i < n_seq; i++) {
		one(&t, i);
		if (!((i + 1) % progress))
			fprintf(stderr, "ioctl-fuzz: %" PRIu64 "/%" PRIu64 " (%.0f s), %lu failed\n", i + 1, n_seq,
				now_s() - t0, atomic_load(&st->failed));
	}
	thr_close(&t);

	if (children) {
		fprintf(stderr, "ioctl-fuzz: %" PRIu64 " requests from %d children x %d threads, %" PRIu64
			" chaos events\n", n_conc, children, THREADS, events);
		pids = calloc(children + 1, sizeof(*pids));
		for (c = 0; c <= children; c++) {
			pids[c] = fork();
			if (pids[c] == 0)
				_exit(c < children ? child_fuzz(c, per_thread) : (chaos(events), 0));
		}
		for (c = 0; c <= children; c++) {
			int status = 0;

			if (pids[c] > 0 && waitpid(pids[c], &status, 0) > 0 &&
			    (!WIFEXITED(status) || WEXITSTATUS(status)))
				check_failed("%s %d ended with status %#x", c < children ? "child" : "chaos process",
					     c, status);
		}
		free(pids);
	}
	if (!no_aftermath)
		aftermath();
	summary(t0, n_seq, n_conc, events, children);
	return atomic_load(&st->failed) + atomic_load(&st->checks_failed) ? 1 : 0;
}
