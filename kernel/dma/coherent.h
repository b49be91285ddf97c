/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-device coherent DMA pools: what kernel/dma/coherent.c shares with
 * its debugfs files in kernel/dma/coherent_debug.c.
 */
#ifndef _KERNEL_DMA_COHERENT_H
#define _KERNEL_DMA_COHERENT_H

#include <linux/list.h>
#include <linux/page_ranges.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/workqueue.h>

struct dentry;
struct device;

/**
 * struct dma_coherent_stats - counters of a pool, under its lock
 * @allocs:	buffers handed out
 * @frees:	buffers freed
 * @failures:	requests the pool could not satisfy
 * @fallbacks:	requests passed on to generic memory (non-exclusive pools)
 * @misuse:	bad frees and mmaps that were refused
 * @degraded:	buffers placed below their alignment (see the rules)
 * @peak:	largest number of pages in use at once
 */
struct dma_coherent_stats {
	unsigned long		allocs;
	unsigned long		frees;
	unsigned long		failures;
	unsigned long		fallbacks;
	unsigned long		misuse;
	unsigned long		degraded;
	unsigned long		peak;
};

/**
 * struct dma_coherent_user - a device attached to a pool
 * @node:	entry in &dma_coherent_mem.users
 * @dev:	the device
 * @next:	the device's next pool, tried when this one is full (and, where
 *		pools overlap, by frees and mmaps)
 * @name:	the device's name when it attached, for debugfs (or NULL)
 *
 * Releasing the device frees its record.  A driver that frees its device
 * without releasing it leaves the record behind: @dev is then only ever
 * compared, never followed, and a new device at the same address takes
 * the record over.
 */
struct dma_coherent_user {
	struct list_head	node;
	struct device		*dev;
	struct dma_coherent_mem	*next;
	const char		*name;
};

struct dma_coherent_attr;

/**
 * struct dma_coherent_mem - a coherent memory pool
 * @virt_base:	CPU address of the first page
 * @device_base: DMA address of the first page (declared pools)
 * @pfn_base:	page frame of the first page
 * @pages:	number of pages
 * @pr:		the pages, handed out as naturally aligned ranges
 * @refs:	attached devices plus live buffers, plus one for the life of
 *		the kernel for device-tree and global pools; the pool goes
 *		when it drops to zero
 * @stats:	counters
 * @users:	attached devices (&struct dma_coherent_user)
 * @lock:	protects @pr, @refs, @stats and @users
 * @node:	entry in the registry of pools (RCU)
 * @destroy_work: unmaps the pool when its last reference went in atomic
 *		context
 * @name:	name used in messages and debugfs, from the pool's address
 *		or region
 * @use_dev_dma_pfn_offset: DMA address comes from the device's offset
 * @declared:	created by dma_declare_coherent_memory(), freed on release
 * @fallback:	an exhausted pool lets the caller use generic memory
 * @debugfs:	the pool's debugfs directory
 * @debugfs_tried: its directory was made, or could not be
 * @debugfs_attrs: what each of its files shows
 */
struct dma_coherent_mem {
	void			*virt_base;
	dma_addr_t		device_base;
	unsigned long		pfn_base;
	unsigned long		pages;
	struct page_ranges	pr;
	unsigned long		refs;
	struct dma_coherent_stats stats;
	struct list_head	users;
	spinlock_t		lock;	/* see the list above */
	struct list_head	node;
	struct work_struct	destroy_work;
	const char		*name;
	bool			use_dev_dma_pfn_offset;
	bool			declared;
	bool			fallback;
	struct dentry		*debugfs;
	bool			debugfs_tried;
	struct dma_coherent_attr *debugfs_attrs;
};

extern struct list_head dma_coherent_pools;

bool dma_coherent_pool_get(struct dma_coherent_mem *mem);
void dma_coherent_pool_put(struct dma_coherent_mem *mem);

#ifdef CONFIG_DEBUG_FS
void dma_coherent_debugfs_add(struct dma_coherent_mem *mem);
void dma_coherent_debugfs_remove(struct dma_coherent_mem *mem);
#else
static inline void dma_coherent_debugfs_add(struct dma_coherent_mem *mem) { }
static inline void dma_coherent_debugfs_remove(struct dma_coherent_mem *mem) { }
#endif

#endif /* _KERNEL_DMA_COHERENT_H */
