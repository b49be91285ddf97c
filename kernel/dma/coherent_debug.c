// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs files of the per-device coherent DMA pools.
 *
 * /sys/kernel/debug/dma-coherent/<pool>/: read-only views of a pool, and
 * "peak", which writing 0 resets to the pages in use now.  Values are read
 * under the pool's lock; the slow ones (free_extents, bitmap, starts) from
 * a copy of the bitmap taken under it.
 */

#include <linux/debugfs.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "coherent.h"

/* Serialises the directories; the root is made with the first of them. */
static DEFINE_MUTEX(dma_coherent_debugfs_lock);
static struct dentry *dma_coherent_debugfs_root;

/* Copy one of the pool's bitmaps, pool pages only, for the slow readers. */
static unsigned long *pool_snapshot(struct dma_coherent_mem *mem, bool starts)
{
	unsigned long *map, flags;

	map = kvcalloc(BITS_TO_LONGS(mem->pages), sizeof(long), GFP_KERNEL);
	if (!map)
		return NULL;
	spin_lock_irqsave(&mem->lock, flags);
	page_ranges_copy(&mem->pr, map, starts);
	spin_unlock_irqrestore(&mem->lock, flags);
	return map;
}

/* The number of free runs of pages, from a copy of the used bitmap. */
static unsigned long pool_extents(struct dma_coherent_mem *mem,
				  unsigned long *used)
{
	unsigned long s = 0, extents = 0;

	for (;;) {
		s = find_next_zero_bit(used, mem->pages, s);
		if (s >= mem->pages)
			return extents;
		extents++;
		s = find_next_bit(used, mem->pages, s);
	}
}

enum pool_attr_id {
	PA_BASE, PA_DMA_BASE, PA_SIZE, PA_COUNT, PA_USED, PA_PEAK, PA_MAXCHUNK,
	PA_FREE_EXTENTS, PA_LIVE, PA_ALLOCS, PA_FREES, PA_FAILURES,
	PA_FALLBACKS, PA_MISUSE, PA_DEGRADED, PA_DEVICES, PA_BITMAP, PA_STARTS,
	PA_NR
};

static const char * const pool_attr_names[PA_NR] = {
	"base", "dma_base", "size", "count", "used", "peak", "maxchunk",
	"free_extents", "live", "allocs", "frees", "failures", "fallbacks",
	"misuse", "degraded", "devices", "bitmap", "starts",
};

/* What a debugfs file of a pool shows: the pool and which value. */
struct dma_coherent_attr {
	struct dma_coherent_mem	*mem;
	enum pool_attr_id	id;
};

static int pool_show_map(struct seq_file *m, struct dma_coherent_mem *mem,
			 bool starts)
{
	unsigned long *map = pool_snapshot(mem, starts);

	if (!map)
		return -ENOMEM;
	seq_printf(m, "%*pbl\n", (int)min_t(unsigned long, mem->pages, INT_MAX), map);
	kvfree(map);
	return 0;
}

static int pool_show_extents(struct seq_file *m, struct dma_coherent_mem *mem)
{
	unsigned long *used = pool_snapshot(mem, false);

	if (!used)
		return -ENOMEM;
	seq_printf(m, "%lu\n", pool_extents(mem, used));
	kvfree(used);
	return 0;
}

static int __pool_attr_show(struct seq_file *m)
{
	const struct dma_coherent_attr *attr = m->private;
	struct dma_coherent_mem *mem = attr->mem;
	struct dma_coherent_user *u;
	unsigned long flags, val;

	switch (attr->id) {
	case PA_BASE:
		seq_printf(m, "0x%llx\n", (u64)PFN_PHYS(mem->pfn_base));
		return 0;
	case PA_DMA_BASE:
		seq_printf(m, "0x%llx\n", (u64)mem->device_base);
		return 0;
	case PA_SIZE:
		seq_printf(m, "%llu\n", (u64)mem->pages << PAGE_SHIFT);
		return 0;
	case PA_FREE_EXTENTS:
		return pool_show_extents(m, mem);
	case PA_BITMAP:
	case PA_STARTS:
		return pool_show_map(m, mem, attr->id == PA_STARTS);
	default:
		break;
	}

	spin_lock_irqsave(&mem->lock, flags);
	switch (attr->id) {
	case PA_COUNT:
		val = mem->pages;
		break;
	case PA_USED:
		val = mem->pages - page_ranges_free_pages(&mem->pr);
		break;
	case PA_PEAK:
		val = mem->stats.peak;
		break;
	case PA_MAXCHUNK:
		val = page_ranges_largest(&mem->pr, PAGE_RANGES_RELAX);
		break;
	case PA_LIVE:
		val = page_ranges_live(&mem->pr);
		break;
	case PA_ALLOCS:
		val = mem->stats.allocs;
		break;
	case PA_FREES:
		val = mem->stats.frees;
		break;
	case PA_FAILURES:
		val = mem->stats.failures;
		break;
	case PA_FALLBACKS:
		val = mem->stats.fallbacks;
		break;
	case PA_MISUSE:
		val = mem->stats.misuse;
		break;
	case PA_DEGRADED:
		val = mem->stats.degraded;
		break;
	default:	/* PA_DEVICES */
		list_for_each_entry(u, &mem->users, node)
			seq_printf(m, "%s\n", u->name ?: "(unnamed)");
		spin_unlock_irqrestore(&mem->lock, flags);
		return 0;
	}
	spin_unlock_irqrestore(&mem->lock, flags);
	seq_printf(m, "%lu\n", val);
	return 0;
}

/*
 * The files are created "unsafe" (debugfs's proxy has no read_iter, which
 * kernel_read() needs), so every access holds the file against removal.
 */
static int pool_attr_show(struct seq_file *m, void *v)
{
	struct dentry *dentry = m->file->f_path.dentry;
	int ret;

	ret = debugfs_file_get(dentry);
	if (ret)
		return ret;
	ret = __pool_attr_show(m);
	debugfs_file_put(dentry);
	return ret;
}

static int pool_attr_open(struct inode *inode, struct file *file)
{
	return single_open(file, pool_attr_show, inode->i_private);
}

/* Only "peak" is writable: writing 0 resets it to the pages in use. */
static ssize_t pool_attr_write_iter(struct kiocb *iocb, struct iov_iter *from)
{
	struct dentry *dentry = iocb->ki_filp->f_path.dentry;
	struct seq_file *m = iocb->ki_filp->private_data;
	size_t len = iov_iter_count(from);
	const struct dma_coherent_attr *attr;
	unsigned long flags;
	char buf[16] = {};
	ssize_t ret = len;
	u64 val;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_iter(buf, len, from) != len)
		return -EFAULT;
	if (kstrtou64(strim(buf), 0, &val) || val)
		return -EINVAL;
	if (debugfs_file_get(dentry))
		return -EIO;
	attr = m->private;
	if (attr->id == PA_PEAK) {
		spin_lock_irqsave(&attr->mem->lock, flags);
		attr->mem->stats.peak = attr->mem->pages -
					 page_ranges_free_pages(&attr->mem->pr);
		spin_unlock_irqrestore(&attr->mem->lock, flags);
	} else {
		ret = -EPERM;
	}
	debugfs_file_put(dentry);
	return ret;
}

static const struct file_operations pool_attr_fops = {
	.open		= pool_attr_open,
	.read_iter	= seq_read_iter,
	.write_iter	= pool_attr_write_iter,
	.llseek		= seq_lseek,
	.release	= single_release,
};

/*
 * Give @mem its directory, once debugfs is up: pools made before it (the
 * global pool, at core_initcall) get theirs from dma_coherent_debugfs_init().
 * Caller holds dma_coherent_debugfs_lock and a reference to @mem.
 */
static void pool_debugfs_add(struct dma_coherent_mem *mem)
{
	struct dentry *dir, *old, *root;
	struct dma_coherent_attr *attrs;
	char name[64];
	int i;

	lockdep_assert_held(&dma_coherent_debugfs_lock);
	if (mem->debugfs || !debugfs_initialized())
		return;
	if (!dma_coherent_debugfs_root) {
		root = debugfs_create_dir("dma-coherent", NULL);
		if (IS_ERR(root))
			return;
		dma_coherent_debugfs_root = root;
	}
	attrs = kcalloc(PA_NR, sizeof(*attrs), GFP_KERNEL);
	if (!attrs)
		return;
	mem->debugfs_tried = true;
	strscpy(name, mem->name, sizeof(name));
	for (i = 1; (old = debugfs_lookup(name, dma_coherent_debugfs_root)); i++) {
		dput(old);
		snprintf(name, sizeof(name), "%s-%d", mem->name, i);
	}
	dir = debugfs_create_dir(name, dma_coherent_debugfs_root);
	if (IS_ERR(dir)) {
		kfree(attrs);
		return;
	}
	mem->debugfs = dir;
	mem->debugfs_attrs = attrs;
	for (i = 0; i < PA_NR; i++) {
		attrs[i].mem = mem;
		attrs[i].id = i;
		debugfs_create_file_unsafe(pool_attr_names[i],
					   i == PA_PEAK ? 0644 : 0444, dir,
					   &attrs[i], &pool_attr_fops);
	}
}

/**
 * dma_coherent_debugfs_add() - give a pool its debugfs directory
 * @mem:	the pool, listed in the registry; the caller holds a reference
 *
 * Pools made before debugfs is up get theirs at late_initcall.
 */
void dma_coherent_debugfs_add(struct dma_coherent_mem *mem)
{
	mutex_lock(&dma_coherent_debugfs_lock);
	pool_debugfs_add(mem);
	mutex_unlock(&dma_coherent_debugfs_lock);
}

/**
 * dma_coherent_debugfs_remove() - remove a pool's debugfs directory
 * @mem:	the pool, which no lookup can reach any more
 */
void dma_coherent_debugfs_remove(struct dma_coherent_mem *mem)
{
	mutex_lock(&dma_coherent_debugfs_lock);
	debugfs_remove_recursive(mem->debugfs);
	mutex_unlock(&dma_coherent_debugfs_lock);
	kfree(mem->debugfs_attrs);
}

/* Directories for the pools made before debugfs was up. */
static int __init dma_coherent_debugfs_init(void)
{
	struct dma_coherent_mem *mem, *todo;

	mutex_lock(&dma_coherent_debugfs_lock);
	do {
		todo = NULL;
		rcu_read_lock();
		list_for_each_entry_rcu(mem, &dma_coherent_pools, node) {
			if (!mem->debugfs_tried && dma_coherent_pool_get(mem)) {
				todo = mem;
				break;
			}
		}
		rcu_read_unlock();
		if (todo) {
			/* Once each, even with debugfs off (debugfs=off). */
			todo->debugfs_tried = true;
			pool_debugfs_add(todo);
			dma_coherent_pool_put(todo);
		}
	} while (todo);
	mutex_unlock(&dma_coherent_debugfs_lock);
	return 0;
}
late_initcall(dma_coherent_debugfs_init);
