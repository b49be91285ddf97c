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
#endif

#undef memset
#undef snprintf

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
		.live = mem->live, .refs = mem->refs, .off = mem->off,
		.nbits = mem->nbits, .base_order = mem->base_order,
		.declared = mem->declared, .fallback = mem->fallback,
		.allocs = mem->stats.allocs, .frees = mem->stats.frees,
		.failures = mem->stats.failures,
		.fallbacks = mem->stats.fallbacks,
		.misuse = mem->stats.misuse, .degraded = mem->stats.degraded,
		.peak = mem->stats.peak, .name = mem->name,
		.debugfs = mem->debugfs, .used = mem->used, .start = mem->start,
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

struct dma_coherent_mem *dcw_lookup(const void *vaddr)
{
	struct dma_coherent_mem *mem;

	rcu_read_lock();
	mem = pool_lookup(vaddr);
	rcu_read_unlock();
	return mem;
}

/* Largest naturally aligned request in absolute pages @s..@e - 1, naively. */
static unsigned long naive_fit(unsigned long s, unsigned long e)
{
	unsigned long best = 0, a, q;

	for (a = 1; a; a <<= 1) {
		q = s % a ? (s / a + 1) * a : s;
		if (q < s || q >= e)
			break;
		if (min(a, e - q) > best)
			best = min(a, e - q);
	}
	return best;
}

/*
 * The segregated-fit index against a plain scan of the bitmap: every
 * word's classes, every summary bit and the top mask.
 */
static const char *dcw_check_classes(struct dma_coherent_mem *mem)
{
	unsigned long nbits = mem->nwords * BITS_PER_LONG, i, e, k, w, f;
	unsigned int *want = calloc(mem->nwords, sizeof(*want)), c, j, top = 0;
	unsigned long *best = calloc(mem->nwords, sizeof(*best));
	const char *bad = NULL;

	if (!want || !best) {
		free(want);
		free(best);
		return "no memory for the check";
	}
	for (i = 0; i < nbits; i = e) {
		if (test_bit(i, mem->used)) {
			e = i + 1;
			continue;
		}
		for (e = i; e < nbits && !test_bit(e, mem->used); e++)
			;
		f = naive_fit(mem->abs0 + i, mem->abs0 + e);
		want[i / BITS_PER_LONG] |= 1U << ext_class(f);
		best[i / BITS_PER_LONG] = max(best[i / BITS_PER_LONG], f);
	}
	for (w = 0; w < mem->nwords && !bad; w++)
		if (mem->fit[w] != fit_enc(best[w]))
			bad = "a word's fit is stale";
	for (w = 0; w < mem->nwords && !bad; w++)
		if (wcls_get(mem, w) != want[w])
			bad = "a word's extent classes are stale";
	for (j = 1; j <= mem->cls_levels && !bad; j++)
		for (c = 0; c < EXT_CLASSES; c++)
			for (k = 0; k < mem->cls_n[j]; k++) {
				unsigned long g = j == 1 ? CLS_GROUP : BITS_PER_LONG;
				unsigned long below = j == 1 ? mem->nwords : mem->cls_n[j - 1];
				bool any = false;

				for (i = k * g; i < min((k + 1) * g, below); i++)
					any |= j == 1 ? !!(want[i] & (1U << c)) :
						test_bit(cls_bit(mem, j - 1, c, i), mem->cls);
				if (test_bit(cls_bit(mem, j, c, k), mem->cls) != any)
					bad = "an extent class summary bit is stale";
			}
	for (w = 0; w < mem->nwords; w++)
		top |= want[w];
	if (!bad && top != mem->cls_top)
		bad = "the extent class top mask is stale";
	free(want);
	free(best);
	return bad;
}

const char *dcw_check(struct dma_coherent_mem *mem)
{
	unsigned long nwords = BITS_TO_LONGS(mem->nbits), i, n, used = 0, starts = 0;
	unsigned int h;
	bool classes;

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
	classes = nwords > CLASS_INDEX_WORDS;
	if (mem->classes != classes)
		return "the pool has the wrong kind of index";
	if (!mem->classes) {
		for (i = 0; i < nwords; i++)
			if (mem->leaf[i] != word_maxfit(mem->used[i]))
				return "a tree leaf is stale";
		for (h = 1; h <= mem->levels; h++)
			for (i = 1UL << (mem->levels - h); i < 2UL << (mem->levels - h); i++)
				if (mem->tree[i] != node_value(mem, i, h))
					return "a tree node is stale";
		return NULL;
	}
	for (i = 0; i < nwords; i++)
		if (test_bit(i, mem->nz + mem->nz_off[0]) != !!mem->used[i])
			return "the used-word index is stale";
	for (h = 1; h <= mem->nz_top; h++)
		for (i = 0; i < mem->nz_n[h]; i++)
			if (test_bit(i, mem->nz + mem->nz_off[h]) !=
			    !!mem->nz[mem->nz_off[h - 1] + i])
				return "a used-word summary bit is stale";
	for (h = 1, n = nwords; h <= mem->fit_top; h++) {
		n = DIV_ROUND_UP(n, 4);
		for (i = 0; i < n; i++) {
			const u8 *c = mem->fit + mem->fit_off[h - 1] + 4 * i;

			if (mem->fit[mem->fit_off[h] + i] !=
			    max(max(c[0], c[1]), max(c[2], c[3])))
				return "a fit tree node is stale";
		}
	}
	return dcw_check_classes(mem);
}

long dcw_find(struct dma_coherent_mem *mem, unsigned long n, unsigned int *got)
{
	long idx = -1;

	*got = 0;
	if (n && n <= mem->pages)
		idx = pool_search(mem, n, pool_want(mem, n), got);
	return idx < 0 ? -1 : idx - (long)mem->off;
}

unsigned int dcw_word_maxfit(unsigned long used)
{
	return word_maxfit(used);
}

unsigned long dcw_ext_fit(unsigned long s, unsigned long e)
{
	return ext_fit(s, e);
}

const struct reserved_mem_ops *dcw_rmem_ops = &rmem_dma_ops;

int dcw_rmem_setup(struct reserved_mem *rmem)
{
	return rmem_dma_setup(rmem);
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

bool dcw_rmem_destroy(struct reserved_mem *rmem)
{
	struct dma_coherent_mem *mem = rmem->priv;

	if (mem && (mem->live || !list_empty(&mem->users)))
		return false;
	if (mem) {
		dcw_unregister(mem);
		pool_destroy(mem);
	}
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
	if (mem) {
		dcw_unregister(mem);
		pool_destroy(mem);
	}
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
