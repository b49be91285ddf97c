// SPDX-License-Identifier: GPL-2.0
/*
 * Compile kernel/dma/coherent.c unchanged against the shims in linux/,
 * with the device-tree and global pools, and give tests a view of it.
 * Build with -DCOHERENT_C='"file.c"' to test another copy of the file.
 */
#include <stddef.h>
#include <string.h>

void *shim_memset(void *p, int c, size_t n);

/* Zeroing of huge buffers in a sparse arena must not touch every page. */
#define memset(p, c, n)	shim_memset(p, c, n)

#define CONFIG_DMA_GLOBAL_POOL 1
#define CONFIG_OF_RESERVED_MEM 1

#ifdef COHERENT_C
#include COHERENT_C
#else
#include "../../../kernel/dma/coherent.c"
#endif

#undef memset

#include "coherent_wrap.h"
#include "shim.h"

struct dma_coherent_mem *dcw_pool_of(struct device *dev, int i)
{
	struct dma_coherent_mem *mem = dev->dma_mem;

	while (mem && i--)
		mem = pool_next(mem, dev);
	return mem;
}

void dcw_pool_get(struct dma_coherent_mem *mem, struct dcw_pool *p)
{
	unsigned long flags;

	spin_lock_irqsave(&mem->lock, flags);
	*p = (struct dcw_pool) {
		.virt = mem->virt_base, .dma = mem->device_base,
		.pfn = mem->pfn_base, .pages = mem->pages, .free = mem->free,
		.live = mem->live, .off = mem->off, .nbits = mem->nbits,
		.declared = mem->declared, .fallback = mem->fallback,
		.allocs = mem->stats.allocs, .frees = mem->stats.frees,
		.failures = mem->stats.failures,
		.fallbacks = mem->stats.fallbacks,
		.misuse = mem->stats.misuse, .peak = mem->stats.peak,
		.used = mem->used, .start = mem->start,
	};
	spin_unlock_irqrestore(&mem->lock, flags);
}

bool dcw_user(struct dma_coherent_mem *mem, struct device *dev, long *live,
	      bool *pending)
{
	struct dma_coherent_user *u = pool_user(mem, dev);

	*live = u ? u->live : 0;
	*pending = u ? u->release_pending : false;
	return u;
}

const char *dcw_check(struct dma_coherent_mem *mem)
{
	unsigned long nwords = BITS_TO_LONGS(mem->nbits), i, used = 0, starts = 0;
	unsigned int h;

	for (i = 0; i < mem->off; i++)
		if (!test_bit(i, mem->used))
			return "head padding is not marked used";
	for (i = mem->nbits; i < nwords * BITS_PER_LONG; i++)
		if (!test_bit(i, mem->used))
			return "tail padding is not marked used";
	for (i = 0; i < nwords; i++) {
		if (mem->start[i] & ~mem->used[i])
			return "a start bit on a free page";
		used += __builtin_popcountl(mem->used[i]);
		starts += __builtin_popcountl(mem->start[i]);
	}
	if (used - (nwords * BITS_PER_LONG - mem->pages) != mem->pages - mem->free)
		return "free does not match the used bits";
	if (starts != mem->live)
		return "live does not match the start bits";
	for (i = 0; i < nwords; i++)
		if (mem->leaf[i] != word_maxfit(mem->used[i]))
			return "a tree leaf is stale";
	for (h = 1; h <= mem->levels; h++)
		for (i = 1UL << (mem->levels - h); i < 2UL << (mem->levels - h); i++)
			if (mem->tree[i] != node_value(mem, i, h))
				return "a tree node is stale";
	return NULL;
}

long dcw_find(struct dma_coherent_mem *mem, unsigned long n)
{
	unsigned int order = order_base_2(n);
	long idx = -1;

	if (n && n <= mem->pages) {
		idx = pool_find(mem, n, order);
		if (idx < 0 && (n > WORD_PAGES || order > CAPPED_ALIGN_ORDER))
			idx = pool_find_slow(mem, n, order);
	}
	return idx < 0 ? -1 : idx - (long)mem->off;
}

unsigned int dcw_word_maxfit(unsigned long used)
{
	return word_maxfit(used);
}

const struct reserved_mem_ops *dcw_rmem_ops = &rmem_dma_ops;

int dcw_rmem_setup(struct reserved_mem *rmem)
{
	return rmem_dma_setup(rmem);
}

bool dcw_rmem_destroy(struct reserved_mem *rmem)
{
	struct dma_coherent_mem *mem = rmem->priv;

	if (mem && !list_empty(&mem->users))
		return false;
	if (mem)
		pool_destroy(mem);
	rmem->priv = NULL;
	return true;
}

int dcw_init_reserved_default(void)
{
	int ret = dma_init_reserved_memory();

	dma_reserved_default_memory_base = 0;
	dma_reserved_default_memory_size = 0;
	return ret;
}

struct dma_coherent_mem *dcw_global(void)
{
	return dma_coherent_default_memory;
}

bool dcw_global_destroy(void)
{
	struct dma_coherent_mem *mem = dma_coherent_default_memory;

	if (mem && mem->live)
		return false;
	if (mem)
		pool_destroy(mem);
	dma_coherent_default_memory = NULL;
	return true;
}
