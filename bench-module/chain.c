// SPDX-License-Identifier: GPL-2.0
/*
 * Pointer-chain construction shared by allocbench.ko and the runner; see
 * chain.h. Deterministic for a seed on both sides: the PRNG and the shuffle
 * are written out here rather than taken from the kernel or libc.
 */
#include "chain.h"

/* splitmix64 (Steele, Lea, Flood 2014): a fine generator for shuffles. */
static uint64_t chain_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n) for n <= 2^32, by multiply-shift of a 32-bit draw. */
static uint32_t chain_below(uint64_t *state, uint32_t n)
{
	return (uint32_t)(((chain_next(state) >> 32) * (uint64_t)n) >> 32);
}

/* Every CHAIN_TICK_ELEMENTS units of work: true when the caller asks to stop. */
static bool chain_tick(chain_tick_fn tick, void *tick_ctx, size_t done)
{
	return tick && !(done % CHAIN_TICK_ELEMENTS) && tick(tick_ctx);
}

/* Fisher-Yates shuffle of 0..n-1 into perm; false when tick asked to stop. */
static bool chain_permutation(uint32_t *perm, uint32_t n, uint64_t *state,
			      chain_tick_fn tick, void *tick_ctx)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = n; i > 1; i--) {
		uint32_t j = chain_below(state, i);
		uint32_t t = perm[i - 1];

		perm[i - 1] = perm[j];
		perm[j] = t;
		if (chain_tick(tick, tick_ctx, i))
			return false;
	}
	return true;
}

static bool chain_is_pow2(size_t v)
{
	return v && !(v & (v - 1));
}

size_t chain_elements(enum chain_layout layout, size_t npages,
		      size_t page_size, size_t line_size)
{
	/* npages must fit 32 bits (written so that 32-bit builds see no constant compare) */
	if (!npages || npages != (uint32_t)npages || !chain_is_pow2(page_size) ||
	    !chain_is_pow2(line_size) || line_size < sizeof(void *) ||
	    line_size > page_size)
		return 0;
	switch (layout) {
	case CHAIN_PAGE:
		return npages;
	case CHAIN_LINE:
		if (npages > (size_t)-1 / (page_size / line_size))
			return 0;
		return npages * (page_size / line_size);
	default:
		return 0;
	}
}

size_t chain_scratch_words(enum chain_layout layout, size_t npages,
			   size_t page_size, size_t line_size)
{
	if (!chain_elements(layout, npages, page_size, line_size))
		return 0;
	/* The page order, then one page's line order (or its one line). */
	return npages + (layout == CHAIN_LINE ? page_size / line_size : 1);
}

int chain_build(struct chain *c, enum chain_layout layout, size_t npages,
		size_t page_size, size_t line_size, chain_page_fn page_at,
		void *ctx, uint64_t seed, uint32_t *scratch,
		chain_tick_fn tick, void *tick_ctx)
{
	size_t elements = chain_elements(layout, npages, page_size, line_size);
	uint32_t lines = (uint32_t)(page_size / line_size);
	uint32_t *page_order = scratch;
	uint32_t *line_order = scratch + npages;
	uint64_t state = seed;
	void **prev = NULL;
	size_t k, written = 0;
	uint32_t l;

	if (!elements || !page_at)
		return -1;

	c->layout = layout;
	c->npages = npages;
	c->page_size = page_size;
	c->line_size = line_size;
	c->elements = elements;
	c->start = NULL;

	if (!chain_permutation(page_order, (uint32_t)npages, &state, tick, tick_ctx))
		return -2;
	for (k = 0; k < npages; k++) {
		char *page = page_at(ctx, page_order[k]);
		uint32_t nlines = 1;

		if (layout == CHAIN_LINE) {
			/* One page's lines: short, the page loop ticks. */
			chain_permutation(line_order, lines, &state, NULL, NULL);
			nlines = lines;
		} else {
			/*
			 * A random line per page, so that the pointers do not
			 * all fall into the same cache sets.
			 */
			line_order[0] = chain_below(&state, lines);
		}
		for (l = 0; l < nlines; l++) {
			void **elem = (void **)(page + (size_t)line_order[l] * line_size);

			if (prev)
				*prev = elem;
			else
				c->start = elem;
			prev = elem;
			if (chain_tick(tick, tick_ctx, ++written))
				return -2;
		}
	}
	*prev = c->start;	/* close the cycle */
	return 0;
}

bool chain_is_single_cycle(const struct chain *c, chain_tick_fn tick, void *tick_ctx)
{
	void **p = c->start;
	size_t steps = 0;

	if (!p)
		return false;
	do {
		p = (void **)*p;
		steps++;
		if (chain_tick(tick, tick_ctx, steps))
			return false;
	} while (p != c->start && steps <= c->elements);
	return steps == c->elements;
}
