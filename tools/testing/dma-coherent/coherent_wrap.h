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
	unsigned long	refs;		/* attached devices + live (+1 for good) */
	unsigned long	off;		/* bitmap index of page 0 */
	unsigned long	nbits;
	unsigned int	base_order;	/* alignment order of page 0 */
	bool		declared;
	bool		fallback;
	unsigned long	allocs, frees, failures, fallbacks, misuse, degraded, peak;
	const char	*name;
	struct dentry	*debugfs;	/* its directory, or NULL */
	const unsigned long *used;	/* the bitmaps themselves */
	const unsigned long *start;
};

/* The @i-th pool of @dev's chain, or NULL. */
struct dma_coherent_mem *dcw_pool_of(struct device *dev, int i);
void dcw_pool_get(struct dma_coherent_mem *mem, struct dcw_pool *p);
/* Does @mem hold a record of @dev (attached, or left by a freed device)? */
bool dcw_user(struct dma_coherent_mem *mem, struct device *dev);
/* The registered pools in registry order, up to @max of them; their count. */
int dcw_registry(struct dma_coherent_mem **out, int max);
/* The pool a free or mmap of @vaddr through @dev (or NULL) finds, or NULL. */
struct dma_coherent_mem *dcw_lookup(struct device *dev, const void *vaddr);
/*
 * Check the pool's invariants (tree against bitmaps, counters against
 * bits, padding); NULL if they hold, else what is wrong.
 */
const char *dcw_check(struct dma_coherent_mem *mem);
/*
 * The search of pool_alloc() without allocating: page index or -1, and
 * in *@got the alignment order given.
 */
long dcw_find(struct dma_coherent_mem *mem, unsigned long n, unsigned int *got);
unsigned int dcw_word_maxfit(unsigned long used);

/* Device-tree and global pools. */
extern const struct reserved_mem_ops *dcw_rmem_ops;
int dcw_rmem_setup(struct reserved_mem *rmem);
/* Free a device-tree pool no device uses; false if one does or buffers are live. */
bool dcw_rmem_destroy(struct reserved_mem *rmem);
int dcw_init_reserved_default(void);
struct dma_coherent_mem *dcw_global(void);
/* Free the global pool (never done in the kernel); false if in use. */
bool dcw_global_destroy(void);
/* The late_initcall that gives pools made before debugfs their directory. */
int dcw_debugfs_init(void);
/* /sys/kernel/debug/dma-coherent, once a pool made it; else NULL. */
struct dentry *dcw_debugfs_root(void);

#endif
