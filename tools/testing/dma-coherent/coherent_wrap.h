/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kernel/dma/coherent.c as compiled by coherent_wrap.c: its API and a
 * read-only view of its pools for tests and benchmarks.
 */
#ifndef _DCT_COHERENT_WRAP_H
#define _DCT_COHERENT_WRAP_H

#include <linux/dma-map-ops.h>
#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>

/* A snapshot of a pool, taken under its lock. */
struct dcw_pool {
	void		*virt;
	dma_addr_t	dma;		/* DMA address of page 0 (declared) */
	unsigned long	pfn;
	unsigned long	pages;
	unsigned long	free;
	unsigned long	live;
	unsigned long	off;		/* bitmap index of page 0 */
	unsigned long	nbits;
	bool		declared;
	bool		fallback;
	unsigned long	allocs, frees, failures, fallbacks, misuse, peak;
	const unsigned long *used;	/* the bitmaps themselves */
	const unsigned long *start;
};

/* The @i-th pool of @dev's chain, or NULL. */
struct dma_coherent_mem *dcw_pool_of(struct device *dev, int i);
void dcw_pool_get(struct dma_coherent_mem *mem, struct dcw_pool *p);
/* Live count and release_pending of @dev on @mem; false if not attached. */
bool dcw_user(struct dma_coherent_mem *mem, struct device *dev, long *live,
	      bool *pending);
/*
 * Check the pool's invariants (tree against bitmaps, counters against
 * bits, padding); NULL if they hold, else what is wrong.
 */
const char *dcw_check(struct dma_coherent_mem *mem);
/* The search of pool_alloc() without allocating: page index or -1. */
long dcw_find(struct dma_coherent_mem *mem, unsigned long n);
unsigned int dcw_word_maxfit(unsigned long used);
unsigned long dcw_ext_fit(unsigned long s, unsigned long e);

/* Device-tree and global pools. */
extern const struct reserved_mem_ops *dcw_rmem_ops;
int dcw_rmem_setup(struct reserved_mem *rmem);
/* Free a device-tree pool that no device uses; false if one does. */
bool dcw_rmem_destroy(struct reserved_mem *rmem);
int dcw_init_reserved_default(void);
struct dma_coherent_mem *dcw_global(void);
/* Free the global pool (never done in the kernel); false if in use. */
bool dcw_global_destroy(void);

#endif
