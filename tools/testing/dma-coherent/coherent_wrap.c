// SPDX-License-Identifier: GPL-2.0
/*
 * Compile kernel/dma/coherent.c unchanged against the shims in linux/,
 * with the device-tree and global pools and debugfs, and give tests a
 * view of it.  Build with -DCOHERENT_C='"file.c"' to test another copy of
 * the file.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

void *shim_memset(void *p, int c, size_t n);

/* Zeroing of huge buffers in a sparse arena must not touch every page. */
#define memset(p, c, n)	shim_memset(p, c, n)
/*
 * The kernel's snprintf(): its u64 is unsigned long long, where tools'
 * is uint64_t, so libc's format check would flag correct kernel code.
 */
#define snprintf	shim_snprintf

#define CONFIG_DMA_GLOBAL_POOL 1
#define CONFIG_OF_RESERVED_MEM 1
/* make nodebugfs builds it without, as kunit/arm.kunitconfig does. */
#ifndef DCT_NO_DEBUG_FS
#define CONFIG_DEBUG_FS 1
#endif

#ifdef COHERENT_C
#include COHERENT_C
#else
#include "../../../kernel/dma/coherent.c"
#ifdef CONFIG_DEBUG_FS
#include "../../../kernel/dma/coherent_debug.c"
#endif
#endif

#undef memset
#undef snprintf

#include "coherent_wrap.h"
#include "page_ranges_wrap.h"
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
		.pfn = mem->pfn_base, .pages = mem->pages,
		.free = page_ranges_free_pages(&mem->pr),
		.live = page_ranges_live(&mem->pr), .refs = mem->refs,
		.off = mem->pr.off, .nbits = mem->pr.nbits,
		.base_order = mem->pr.base_order,
		.declared = mem->declared, .fallback = mem->fallback,
		.allocs = mem->stats.allocs, .frees = mem->stats.frees,
		.failures = mem->stats.failures,
		.fallbacks = mem->stats.fallbacks,
		.misuse = mem->stats.misuse, .degraded = mem->stats.degraded,
		.peak = mem->stats.peak, .name = mem->name,
		.debugfs = mem->debugfs, .used = mem->pr.used, .start = mem->pr.start,
	};
	spin_unlock_irqrestore(&mem->lock, flags);
}

bool dcw_user(struct dma_coherent_mem *mem, struct device *dev)
{
	struct dma_coherent_user *u;
	unsigned long flags;

	spin_lock_irqsave(&mem->lock, flags);
	u = pool_user(mem, dev);
	spin_unlock_irqrestore(&mem->lock, flags);
	return u;
}

int dcw_registry(struct dma_coherent_mem **out, int max)
{
	struct dma_coherent_mem *mem;
	int n = 0;

	rcu_read_lock();
	list_for_each_entry_rcu(mem, &dma_coherent_pools, node) {
		if (n < max)
			out[n] = mem;
		n++;
	}
	rcu_read_unlock();
	return n;
}

struct dma_coherent_mem *dcw_lookup(struct device *dev, const void *vaddr)
{
	struct dma_coherent_mem *mem;

	rcu_read_lock();
	mem = pool_lookup(dev, vaddr);
	rcu_read_unlock();
	return mem;
}

const char *dcw_check(struct dma_coherent_mem *mem)
{
	struct page_ranges *pr = &mem->pr;
	unsigned long nwords = BITS_TO_LONGS(pr->nbits), i, used = 0, starts = 0;

	for (i = 0; i < pr->off; i++)
		if (!test_bit(i, pr->used))
			return "head padding is not marked used";
	for (i = pr->nbits; i < nwords * BITS_PER_LONG; i++)
		if (!test_bit(i, pr->used))
			return "tail padding is not marked used";
	for (i = 0; i < nwords; i++) {
		if (pr->start[i] & ~pr->used[i])
			return "a start bit on a free page";
		used += __builtin_popcountl(pr->used[i]);
		starts += __builtin_popcountl(pr->start[i]);
	}
	if (used - (nwords * BITS_PER_LONG - mem->pages) != mem->pages - pr->free)
		return "free does not match the used bits";
	if (starts != pr->live)
		return "live does not match the start bits";
	return prw_check(pr);
}

long dcw_find(struct dma_coherent_mem *mem, unsigned long n, unsigned int *got)
{
	unsigned long flags;
	long page = -1;

	/* Allocate and free at once: the index is a function of the bitmap. */
	*got = 0;
	spin_lock_irqsave(&mem->lock, flags);
	if (n && n <= mem->pages) {
		page = page_ranges_alloc(&mem->pr, n, PAGE_RANGES_RELAX, got);
		if (page >= 0)
			page_ranges_free(&mem->pr, page);
	}
	spin_unlock_irqrestore(&mem->lock, flags);
	return page < 0 ? -1 : page;
}

unsigned int dcw_word_maxfit(unsigned long used)
{
	return prw_word_fit(used);
}

const struct reserved_mem_ops *dcw_rmem_ops = &rmem_dma_ops;

/*
 * The regions set up with "linux,dma-default", in device-tree order (the
 * order of dcw_rmem_setup() calls): each stands for its device_node.
 */
#define DCW_DT_DEFAULTS	4
static struct reserved_mem *dcw_dt_default[DCW_DT_DEFAULTS];
static int dcw_dt_ndefault;

struct device_node *of_find_node_with_property(struct device_node *from,
					       const char *name)
{
	int i = 0;

	if (strcmp(name, "linux,dma-default"))
		return NULL;
	if (from)
		while (i < dcw_dt_ndefault && dcw_dt_default[i++] != (struct reserved_mem *)from)
			;
	return i < dcw_dt_ndefault ? (struct device_node *)dcw_dt_default[i] : NULL;
}

struct reserved_mem *of_reserved_mem_lookup(struct device_node *np)
{
	return (struct reserved_mem *)np;
}

int dcw_rmem_setup(struct reserved_mem *rmem)
{
	int ret = rmem_dma_setup(rmem);

	if (!ret && of_get_flat_dt_prop(rmem->fdt_node, "linux,dma-default", NULL) &&
	    dcw_dt_ndefault < DCW_DT_DEFAULTS)
		dcw_dt_default[dcw_dt_ndefault++] = rmem;
	return ret;
}

/*
 * Take a pool that lives for good out of the registry, for a test's
 * teardown (one thread): pool_destroy() then finds it self-linked.
 */
static void dcw_unregister(struct dma_coherent_mem *mem)
{
	list_del_rcu(&mem->node);
	INIT_LIST_HEAD(&mem->node);
}

/* The region whose devices get the global pool, until it is destroyed. */
static struct reserved_mem *dcw_global_rmem;

bool dcw_rmem_destroy(struct reserved_mem *rmem)
{
	struct dma_coherent_mem *mem = rmem->priv;
	int i, j;

	if (mem && (mem->pr.live || !list_empty(&mem->users)))
		return false;
	if (mem && mem != dma_coherent_default_memory) {
		dcw_unregister(mem);
		pool_destroy(mem);
	}
	rmem->priv = NULL;
	/* Tests keep regions on their stack: forget this one everywhere. */
	for (i = j = 0; i < dcw_dt_ndefault; i++)
		if (dcw_dt_default[i] != rmem)
			dcw_dt_default[j++] = dcw_dt_default[i];
	dcw_dt_ndefault = j;
	if (dcw_global_rmem == rmem)
		dcw_global_rmem = NULL;
	return true;
}

int dcw_init_reserved_default(void)
{
	int ret = dma_init_reserved_memory(), i;

	for (i = 0; i < dcw_dt_ndefault; i++)
		if (dcw_dt_default[i]->priv &&
		    dcw_dt_default[i]->priv == dma_coherent_default_memory)
			dcw_global_rmem = dcw_dt_default[i];
	dcw_dt_ndefault = 0;
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

	if (mem && mem->pr.live)
		return false;
	if (mem) {
		dcw_unregister(mem);
		pool_destroy(mem);
	}
	if (dcw_global_rmem && dcw_global_rmem->priv == mem)
		dcw_global_rmem->priv = NULL;
	dcw_global_rmem = NULL;
	dma_coherent_default_memory = NULL;
	return true;
}

#ifdef CONFIG_DEBUG_FS
int dcw_debugfs_init(void)
{
	return dma_coherent_debugfs_init();
}

struct dentry *dcw_debugfs_root(void)
{
	return dma_coherent_debugfs_root;
}
#endif
