/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pointer chains for dependent-load latency, after lmbench's lat_mem_rd and
 * multichase: every element holds the address of the next, so each load
 * depends on the one before and neither the prefetcher nor out-of-order
 * execution can hide the latency.
 *
 * One source for both sides: the module chases kernel buffers through the
 * mapping under test, the runner chases user buffers, and the layout of the
 * chain is identical, so a difference between them is the memory's, not the
 * code's. No libc, no kernel API: the caller supplies memory and scratch.
 */
#ifndef ALLOCBENCH_CHAIN_H
#define ALLOCBENCH_CHAIN_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#endif

enum chain_layout {
	/*
	 * One pointer per page, pages in random order, at a random cache line
	 * of each page: every load is a potential TLB miss.
	 */
	CHAIN_PAGE = 0,
	/*
	 * Every line of a page in random order before the next page, pages in
	 * random order: TLB misses amortised, mostly cache latency.
	 */
	CHAIN_LINE = 1,
	CHAIN_NR_LAYOUTS
};

/*
 * Address of page i of the buffer in the mapping the chase goes through.
 * Contiguous buffers return base + i * page_size; the direct map of separate
 * pages returns page_address(pages[i]).
 */
typedef void *(*chain_page_fn)(void *ctx, size_t page);

/*
 * Called every CHAIN_TICK_ELEMENTS elements while building or checking a
 * chain, so that the kernel can reschedule and notice signals during what
 * can be seconds of work on large buffers (tens of seconds under emulation).
 * Returns true to stop. NULL: never stop (user space).
 */
typedef bool (*chain_tick_fn)(void *ctx);
#define CHAIN_TICK_ELEMENTS	4096

struct chain {
	enum chain_layout layout;
	size_t npages;
	size_t page_size;
	size_t line_size;
	size_t elements;	/* pointers in the cycle */
	void *start;		/* first element; the cycle returns here */
};

/* Elements a chain of this shape holds; 0 when the shape is invalid. */
size_t chain_elements(enum chain_layout layout, size_t npages,
		      size_t page_size, size_t line_size);

/* uint32_t words of scratch chain_build() needs. */
size_t chain_scratch_words(enum chain_layout layout, size_t npages,
			   size_t page_size, size_t line_size);

/*
 * Writes the chain into the buffer. The same seed gives the same chain.
 * page_size and line_size must be powers of two, line_size a multiple of
 * sizeof(void *) and at most page_size, npages at most UINT32_MAX.
 * Returns 0, -1 when the shape is invalid, -2 when tick asked to stop (the
 * buffer then holds a partial chain that must not be chased).
 */
int chain_build(struct chain *c, enum chain_layout layout, size_t npages,
		size_t page_size, size_t line_size, chain_page_fn page_at,
		void *ctx, uint64_t seed, uint32_t *scratch,
		chain_tick_fn tick, void *tick_ctx);

/*
 * Self-check: follows the chain from its start and returns true when it comes
 * back after exactly c->elements steps, which proves a single cycle through
 * every element (the builder writes each element exactly once). False as
 * well when tick asked to stop.
 */
bool chain_is_single_cycle(const struct chain *c, chain_tick_fn tick, void *tick_ctx);

/*
 * Follows 'steps' links from p and returns where it ended: the caller must use
 * the result (store it to a sink) so that the loads are not optimised away.
 */
static inline void *chain_chase(void *p, size_t steps)
{
	void **q = (void **)p;

	for (; steps >= 8; steps -= 8) {
		q = (void **)*q; q = (void **)*q; q = (void **)*q; q = (void **)*q;
		q = (void **)*q; q = (void **)*q; q = (void **)*q; q = (void **)*q;
	}
	for (; steps; steps--)
		q = (void **)*q;
	return q;
}

#endif /* ALLOCBENCH_CHAIN_H */
