// SPDX-License-Identifier: GPL-2.0
/*
 * Per-device coherent DMA memory pools.
 *
 * A pool is a physically contiguous range that platform code gives to one
 * or more devices: dma_declare_coherent_memory(), a device-tree
 * "shared-dma-pool" region, or the global pool (DMA_GLOBAL_POOL).
 * dma_alloc_coherent() for such a device is served from its pools before
 * any generic memory is touched.  The rules, the data structures and the
 * locking follow.
 */

/**
 * DOC: allocation rules
 *
 * - A request of n pages takes exactly n pages; the rest of its naturally
 *   aligned block stays free for other requests.
 * - The buffer's DMA address is aligned to PAGE_SIZE << get_order(size),
 *   capped at 1 MiB, computed on the absolute DMA address, not relative
 *   to the pool start, so a buffer of up to 64 KiB does not cross a
 *   64 KiB boundary even when the pool base is only page aligned.
 *   Device-tree and global pools, whose DMA address depends on the
 *   device, align on the physical address.  The cap is 1 MiB on every
 *   page size, CMA's default with 4 KiB pages (CONFIG_CMA_ALIGNMENT):
 *   equal video frames pack a carve-out as tightly as CMA packs them.  In
 *   a pool whose base is not 1 MiB aligned, such buffers are aligned as
 *   the base is, which is all that 6.12 could give them there, and pack
 *   as tightly as their sizes allow.
 * - A pool whose base is not aligned to a request may have no room at
 *   that alignment where 6.12, aligning relative to the base, had some.
 *   The buffer then goes in the first free run that takes it on the
 *   base's own alignment (what 6.12 gave), at the best alignment that run
 *   has room for: a firmware carve-out sized for exactly one buffer serves
 *   it.  Such placements are counted ("degraded" in debugfs) and traced.
 *   A pool whose base is aligned refuses instead, as 6.12 did.
 * - A buffer belongs to the pool that contains its address.  Frees and
 *   mmap find the pool by address, whichever device asks, and every free
 *   is checked: a pointer that is not the start of a live buffer, a
 *   double free, or an order that does not match the buffer is reported
 *   (WARN_ONCE, then a rate-limited message naming the pool and the
 *   address) and changes nothing.  mmap maps pages of one live buffer
 *   only.  Where pools overlap (a pool declared inside a buffer of
 *   another, on an architecture whose memremap() gives a range the same
 *   address every time), the asking device's own pool wins.
 * - Releasing a device always detaches it.  A pool's memory stays mapped
 *   while a device is attached or a buffer is live; the last of them to
 *   go unmaps and frees a declared pool.  Device-tree and global pools
 *   live as long as the kernel, as before.
 */

/**
 * DOC: metadata and search
 *
 * The pages of a pool are a &struct page_ranges (lib/page_ranges.c): two
 * bits per page ("used", and "start" on the first page of every live
 * buffer, so that a free finds the buffer's length and refuses anything
 * that is not a live buffer) and a tree over blocks of 256 pages that
 * decides every request, of one page or of the whole pool, placed or
 * refused, in O(log_8(pages / 256)) steps: about 2.3 bits of metadata
 * per page in all.  The pool gives it the absolute page number of its
 * first page, so alignment is computed on the DMA (or physical) address,
 * with natural alignment capped at 1 MiB.
 */

/**
 * DOC: concurrency
 *
 * Each pool has one spinlock, taken with interrupts disabled, protecting
 * the bitmaps, the search index, the counters, the reference count and
 * the list of attached devices.  Buffers are zeroed outside it.  Pools
 * are listed in a registry: lookups by address under rcu_read_lock(),
 * changes under a spinlock.  A pool's reference count is its attached
 * devices plus its live buffers (plus one for good for device-tree and
 * global pools); the path that drops the last one, under the pool's
 * lock, takes the pool out of the registry at once, and its memory is
 * unmapped after an RCU grace period: by the releasing caller, or from a
 * work item when the last reference was a free, which may come from any
 * context.  Declaring, attaching and releasing run in process context;
 * as before, the caller makes sure no allocation for the device runs
 * concurrently with its release.  A free or mmap may race with it: the
 * lookup reads the device's pools only under rcu_read_lock(), and only
 * where pools overlap.
 */

#define pr_fmt(fmt) "dma-coherent: " fmt

#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "coherent.h"

#define CREATE_TRACE_POINTS
#include <trace/events/dma_coherent.h>

/* Alignment order of big buffers: 1 MiB, CMA's default. */
#define CAPPED_ALIGN_ORDER	get_order(SZ_1M)

static struct dma_coherent_user *pool_user(struct dma_coherent_mem *mem,
					   struct device *dev)
{
	struct dma_coherent_user *u;

	list_for_each_entry(u, &mem->users, node)
		if (u->dev == dev)
			return u;
	return NULL;
}

/* The pool after @mem in @dev's chain, or NULL. */
static struct dma_coherent_mem *pool_next(struct dma_coherent_mem *mem,
					  struct device *dev)
{
	struct dma_coherent_user *u;
	struct dma_coherent_mem *next;
	unsigned long flags;

	spin_lock_irqsave(&mem->lock, flags);
	u = pool_user(mem, dev);
	next = u ? u->next : NULL;
	spin_unlock_irqrestore(&mem->lock, flags);
	return next;
}

static inline dma_addr_t dma_get_device_base(struct device *dev,
					     struct dma_coherent_mem *mem)
{
	if (mem->use_dev_dma_pfn_offset && dev)
		return phys_to_dma(dev, PFN_PHYS(mem->pfn_base));
	return mem->device_base;
}

/* DMA address of byte @offset of @mem as @dev sees it, for messages. */
static dma_addr_t pool_dma(struct dma_coherent_mem *mem, struct device *dev,
			   unsigned long offset)
{
	return dma_get_device_base(dev, mem) + offset;
}

/* What a failed allocation saw, for the messages. */
struct pool_failure {
	unsigned long	free;
	unsigned long	largest;
};

/*
 * Allocate from one pool.  Returns the CPU address or NULL (then @fail
 * says why); *@next is set to the device's next pool.
 */
static void *pool_alloc(struct device *dev, struct dma_coherent_mem *mem,
			ssize_t size, dma_addr_t *dma_handle,
			struct dma_coherent_mem **next, struct pool_failure *fail)
{
	struct dma_coherent_user *u;
	unsigned long n, flags, used;
	unsigned int want, got;
	long page = -ENOMEM;
	void *ret;

	*next = NULL;
	if (size <= 0)
		return NULL;
	n = PAGE_ALIGN((size_t)size) >> PAGE_SHIFT;

	spin_lock_irqsave(&mem->lock, flags);
	/*
	 * Below its natural alignment only in a pool whose base is not
	 * aligned to it, and never below the base's own alignment: what
	 * 6.12, aligning relative to the base, gave.
	 */
	if (mem->refs)
		page = page_ranges_alloc(&mem->pr, n, PAGE_RANGES_RELAX, &got);
	if (page < 0) {
		/*
		 * Only now the device's next pool: the users list may hold
		 * records of devices freed unreleased, not walked on success.
		 */
		u = dev ? pool_user(mem, dev) : NULL;
		if (u)
			*next = u->next;
		mem->stats.failures++;
		fail->free = page_ranges_free_pages(&mem->pr);
		fail->largest = page_ranges_largest(&mem->pr, PAGE_RANGES_RELAX);
		spin_unlock_irqrestore(&mem->lock, flags);
		trace_dma_coherent_alloc_fail(dev, mem->name, size, fail->free,
					      fail->largest);
		return NULL;
	}
	want = page_ranges_want(&mem->pr, n);
	mem->refs++;
	mem->stats.allocs++;
	if (got < want)
		mem->stats.degraded++;
	used = mem->pages - page_ranges_free_pages(&mem->pr);
	mem->stats.peak = max(mem->stats.peak, used);
	spin_unlock_irqrestore(&mem->lock, flags);

	ret = mem->virt_base + ((size_t)page << PAGE_SHIFT);
	*dma_handle = pool_dma(mem, dev, (size_t)page << PAGE_SHIFT);
	memset(ret, 0, n << PAGE_SHIFT);
	trace_dma_coherent_alloc(dev, mem->name, *dma_handle, size, n, got, want);
	if (got < want)
		trace_dma_coherent_alloc_degraded(dev, mem->name, *dma_handle, size,
						  n, got, want);
	return ret;
}

static bool pool_owns(const struct dma_coherent_mem *mem, const void *vaddr)
{
	return vaddr >= mem->virt_base &&
	       (unsigned long)(vaddr - mem->virt_base) >> PAGE_SHIFT < mem->pages;
}

/*
 * The registry of pools.  Frees and mmaps find the pool of a CPU address
 * here under rcu_read_lock(); pools join it once made and leave it, under
 * the spinlock, the moment their last reference goes, from any context.
 * Their memory is unmapped after a grace period, by a work item on
 * dma_coherent_wq when the last reference was a free.
 */
LIST_HEAD(dma_coherent_pools);
static DEFINE_SPINLOCK(dma_coherent_pools_lock);
static struct workqueue_struct *dma_coherent_wq;

/*
 * Drop @n references of @mem, whose lock is held; when they were the
 * last, take it out of the registry and return true: the caller then
 * frees it, with pool_destroy() or through dma_coherent_wq.
 */
static bool pool_unref(struct dma_coherent_mem *mem, unsigned long n)
{
	lockdep_assert_held(&mem->lock);
	mem->refs -= n;
	if (mem->refs)
		return false;
	spin_lock(&dma_coherent_pools_lock);
	list_del_rcu(&mem->node);
	spin_unlock(&dma_coherent_pools_lock);
	return true;
}

/*
 * The pool holding @vaddr, or NULL: the newest pool that holds it, for
 * buffers freed through another device or after a release.  Pools overlap
 * only where memremap() gives a range the same address every time (e.g.
 * SH, nommu): a pool declared inside a buffer of another shares that
 * buffer's addresses.  When a second pool holds @vaddr, @dev's pools are
 * looked at (each one's lock taken in turn) and the first that holds it
 * wins, as in 6.12, so that a free through the outer pool's device
 * reaches the outer pool.  Caller holds rcu_read_lock(): a pool reached
 * through @dev stays until it is unlocked, as one in the registry does,
 * since pool_detach() unlinks it before pool_destroy() waits for a grace
 * period.
 */
static struct dma_coherent_mem *pool_lookup(struct device *dev,
					    const void *vaddr)
{
	struct dma_coherent_mem *mem, *found = NULL;

	list_for_each_entry_rcu(mem, &dma_coherent_pools, node) {
		if (!pool_owns(mem, vaddr))
			continue;
		if (found)
			goto overlap;
		found = mem;
	}
	return found;
overlap:
	mem = dev ? READ_ONCE(dev->dma_mem) : NULL;
	for (; mem; mem = pool_next(mem, dev))
		if (pool_owns(mem, vaddr))
			return mem;
	return found;
}

static void pool_report(struct dma_coherent_mem *mem, struct device *dev,
			const void *vaddr, int order, const char *what)
{
	dma_addr_t dma = pool_dma(mem, dev, vaddr - mem->virt_base);

	trace_dma_coherent_misuse(dev, mem->name, dma, order, what);
	WARN_ONCE(1, "dma-coherent: pool %s: bad free (%s)\n", mem->name, what);
	if (dev)
		dev_warn_ratelimited(dev, "coherent pool %s: free of %pad (order %d): %s; ignored\n",
				     mem->name, &dma, order, what);
	else
		pr_warn_ratelimited("pool %s: free of %pad (order %d): %s; ignored\n",
				    mem->name, &dma, order, what);
}

/*
 * Release a buffer of @mem, which holds @vaddr; misuse changes nothing.
 * Caller holds rcu_read_lock(), or a reference that keeps @mem (the
 * global pool's).  The last reference of a released pool may go here:
 * the pool is then unmapped from a work item.
 */
static void pool_free(struct device *dev, struct dma_coherent_mem *mem,
		      int order, void *vaddr)
{
	unsigned long offset = vaddr - mem->virt_base;
	unsigned long page = offset >> PAGE_SHIFT, first, flags;
	const char *what = NULL;
	long n = 0;
	bool last;

	spin_lock_irqsave(&mem->lock, flags);
	if (!(offset & ~PAGE_MASK))
		n = page_ranges_length(&mem->pr, page);
	if (offset & ~PAGE_MASK) {
		what = "not page aligned";
	} else if (n < 0) {
		what = page_ranges_find(&mem->pr, page, &first) >= 0 ?
		       "inside a live buffer" : "not allocated (double free?)";
	} else if (order < 0 || order >= BITS_PER_LONG - 1) {
		what = "impossible order";
	} else if (order_base_2(n) != order) {
		what = "order does not match the buffer";
	}
	if (what) {
		mem->stats.misuse++;
		spin_unlock_irqrestore(&mem->lock, flags);
		pool_report(mem, dev, vaddr, order, what);
		return;
	}
	page_ranges_free(&mem->pr, page);
	mem->stats.frees++;
	last = pool_unref(mem, 1);
	spin_unlock_irqrestore(&mem->lock, flags);
	trace_dma_coherent_free(dev, mem->name, pool_dma(mem, dev, offset),
				(size_t)n << PAGE_SHIFT, n, order, order);
	if (last)
		queue_work(dma_coherent_wq, &mem->destroy_work);
}

/*
 * May the vma map pages of @mem from @vaddr?  Only pages of the one live
 * buffer that holds @vaddr: @size bytes from @vaddr, of which the vma
 * takes vm_pgoff onwards.  Sets *@pfn to the first page to map.  A range
 * beyond @size is refused quietly, as dma-direct refuses it; one that
 * would reach a free page or another buffer is misuse.  Caller holds
 * rcu_read_lock() or a reference to @mem.
 */
static bool pool_mmap_ok(struct dma_coherent_mem *mem, struct vm_area_struct *vma,
			 void *vaddr, size_t size, unsigned long *pfn)
{
	unsigned long offset = vaddr - mem->virt_base;
	unsigned long page = offset >> PAGE_SHIFT, first, flags;
	unsigned long pgoff = vma->vm_pgoff, count, user_count;
	bool ok;
	long n;

	if (size > ((size_t)mem->pages << PAGE_SHIFT) - offset)
		return false;
	count = PAGE_ALIGN(size) >> PAGE_SHIFT;
	user_count = vma_pages(vma);
	if (pgoff >= count || user_count > count - pgoff)
		return false;

	spin_lock_irqsave(&mem->lock, flags);
	n = page_ranges_find(&mem->pr, page, &first);
	ok = n >= 0 && first + n - page >= pgoff + user_count;
	if (!ok)
		mem->stats.misuse++;
	spin_unlock_irqrestore(&mem->lock, flags);
	if (!ok)
		pr_warn_ratelimited("pool %s: mmap of %zu bytes at page %lu (+%lu) is not within one live buffer; refused\n",
				    mem->name, size, page, pgoff);
	*pfn = mem->pfn_base + page + pgoff;
	return ok;
}

/* Does [start, start + len) wrap around @max? */
static bool range_wraps(u64 start, u64 len, u64 max)
{
	return start > max || len - 1 > max - start;
}

/*
 * Free @mem, out of the registry (pool_unref()) or never in it, once no
 * lookup can see it: no device is attached and no buffer is live.
 */
static void pool_destroy(struct dma_coherent_mem *mem)
{
	synchronize_rcu();
	dma_coherent_debugfs_remove(mem);
	memunmap(mem->virt_base);
	page_ranges_destroy(&mem->pr);
	kfree(mem->name);
	kfree(mem);
}

static void pool_destroy_work(struct work_struct *work)
{
	pool_destroy(container_of(work, struct dma_coherent_mem, destroy_work));
}

/* Take a reference unless the pool is going (its refs reached 0). */
bool dma_coherent_pool_get(struct dma_coherent_mem *mem)
{
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&mem->lock, flags);
	ok = mem->refs;
	if (ok)
		mem->refs++;
	spin_unlock_irqrestore(&mem->lock, flags);
	return ok;
}

void dma_coherent_pool_put(struct dma_coherent_mem *mem)
{
	unsigned long flags;
	bool last;

	spin_lock_irqsave(&mem->lock, flags);
	last = pool_unref(mem, 1);
	spin_unlock_irqrestore(&mem->lock, flags);
	if (last)
		queue_work(dma_coherent_wq, &mem->destroy_work);
}

/*
 * A declared pool released while buffers are still live: only a declare
 * of exactly its range (pool_orphan_of()) reaches it again; otherwise it
 * only loses buffers until it goes.  Read without its lock (the registry
 * lock comes after a pool lock).
 */
static bool pool_orphaned(struct dma_coherent_mem *mem)
{
	bool unused, live;

	/*
	 * Racy on purpose: an orphan only loses buffers, and only a declare,
	 * under declare_lock, gives it a device again.
	 */
	unused = data_race(list_empty(&mem->users));
	/* Likewise: written under the pool's lock, which we may not take. */
	live = data_race(READ_ONCE(mem->pr.live));
	return mem->declared && unused && live;
}

/*
 * List @mem in the registry, first: where pools overlap, lookups through
 * a device attached to neither get the newest (see pool_lookup()).
 * Refused when its range overlaps a released pool whose buffers are
 * still live (an exact match was taken over before, by
 * pool_orphan_of()): those pages are not free.  Other overlaps were
 * allowed in 6.12 and still are (a pool declared inside a buffer of
 * another, as remoteproc may; a Dreamcast PCI fixup declaring again for
 * a rescanned device).  Then its debugfs directory.
 */
static int pool_register(struct dma_coherent_mem *mem)
{
	phys_addr_t start = PFN_PHYS(mem->pfn_base), other;
	u64 len = (u64)mem->pages << PAGE_SHIFT;
	struct dma_coherent_mem *p;
	unsigned long flags;

	spin_lock_irqsave(&dma_coherent_pools_lock, flags);
	list_for_each_entry(p, &dma_coherent_pools, node) {
		other = PFN_PHYS(p->pfn_base);
		if (start < other + ((u64)p->pages << PAGE_SHIFT) && other < start + len &&
		    pool_orphaned(p)) {
			pr_err("%s: %pa + %#llx overlaps pool %s, released with buffers still live\n",
			       mem->name, &start, (unsigned long long)len, p->name);
			spin_unlock_irqrestore(&dma_coherent_pools_lock, flags);
			return -EBUSY;
		}
	}
	list_add_rcu(&mem->node, &dma_coherent_pools);
	spin_unlock_irqrestore(&dma_coherent_pools_lock, flags);
	dma_coherent_debugfs_add(mem);
	return 0;
}

/*
 * A declared pool released with buffers still live whose range, DMA base
 * and flags are exactly those of @mem, which is not registered: the pool
 * a device declaring the same carve-out again takes over, with a
 * reference, or NULL.  remoteproc declares its vdev buffer carve-out at
 * every start, and virtio_console frees rproc-serial buffers lazily, so
 * a restart finds some still live; refusing the range would keep the
 * remote processor down until they are freed, which may be never.
 */
static struct dma_coherent_mem *pool_orphan_of(struct dma_coherent_mem *mem)
{
	struct dma_coherent_mem *p, *found = NULL;

	rcu_read_lock();
	list_for_each_entry_rcu(p, &dma_coherent_pools, node) {
		if (p->pfn_base == mem->pfn_base && p->pages == mem->pages &&
		    p->device_base == mem->device_base &&
		    p->fallback == mem->fallback && pool_orphaned(p) &&
		    dma_coherent_pool_get(p)) {
			found = p;
			break;
		}
	}
	rcu_read_unlock();
	return found;
}

/*
 * Make a pool of the whole pages in [@phys_addr, @phys_addr + @size); the
 * caller lists it with pool_register().  @refs: its initial reference
 * count (1 for pools that live as long as the kernel, else 1 for the
 * device that the caller attaches at once).
 */
static struct dma_coherent_mem *pool_create(phys_addr_t phys_addr,
					    dma_addr_t device_addr, size_t size,
					    bool use_dma_pfn_offset,
					    const char *name, unsigned long refs)
{
	struct dma_coherent_mem *mem;
	unsigned long head, pages;
	u64 align_pfn;
	int ret = -ENOMEM;

	if (!size) {
		pr_err("%s: empty pool\n", name);
		return ERR_PTR(-EINVAL);
	}
	if (range_wraps(phys_addr, size, PHYS_ADDR_MAX) ||
	    range_wraps(device_addr, size, (dma_addr_t)~0)) {
		pr_err("%s: %pa + %#zx wraps around the address space\n",
		       name, &phys_addr, size);
		return ERR_PTR(-EINVAL);
	}
	if ((phys_addr ^ device_addr) & ~PAGE_MASK) {
		pr_err("%s: physical %pa and DMA %pad differ within a page\n",
		       name, &phys_addr, &device_addr);
		return ERR_PTR(-EINVAL);
	}
	/* Only whole pages inside the range are ever handed out. */
	head = offset_in_page(-(unsigned long)offset_in_page(phys_addr));
	pages = size > head ? (size - head) >> PAGE_SHIFT : 0;
	if (!pages) {
		pr_err("%s: %pa + %#zx holds no whole page\n", name, &phys_addr, size);
		return ERR_PTR(-EINVAL);
	}
	if (head || (size - head) & ~PAGE_MASK)
		pr_warn("%s: %pa + %#zx is not whole pages; using the %lu whole pages inside\n",
			name, &phys_addr, size, pages);
	phys_addr += head;
	device_addr += head;

	mem = kzalloc(sizeof(*mem), GFP_KERNEL);
	if (!mem)
		return ERR_PTR(-ENOMEM);
	mem->name = kstrdup(name, GFP_KERNEL);
	if (!mem->name)
		goto err_nomem;

	/* Alignment is computed on this page number, not on the pool offset. */
	align_pfn = use_dma_pfn_offset ? PHYS_PFN(phys_addr) :
					 (u64)device_addr >> PAGE_SHIFT;
	ret = page_ranges_init(&mem->pr, align_pfn, pages, CAPPED_ALIGN_ORDER,
			       GFP_KERNEL);
	if (ret == -EINVAL) {
		pr_err("%s: %lu pages: a pool holds at most %u\n", name, pages,
		       (unsigned int)PAGE_RANGES_MAX_PAGES);
		goto err_free;
	}
	if (ret)
		goto err_nomem;

	mem->virt_base = memremap(phys_addr, pages << PAGE_SHIFT, MEMREMAP_WC);
	if (!mem->virt_base) {
		pr_err("%s: cannot map %pa + %#lx\n", name, &phys_addr,
		       pages << PAGE_SHIFT);
		ret = -EINVAL;
		goto err_free;
	}

	mem->device_base = device_addr;
	mem->pfn_base = PHYS_PFN(phys_addr);
	mem->pages = pages;
	mem->use_dev_dma_pfn_offset = use_dma_pfn_offset;
	mem->refs = refs;
	INIT_LIST_HEAD(&mem->users);
	spin_lock_init(&mem->lock);
	INIT_WORK(&mem->destroy_work, pool_destroy_work);
	return mem;

err_nomem:
	pr_err("%s: no memory for the pool's metadata (%lu pages)\n", name, pages);
err_free:
	kfree(mem->name);
	page_ranges_destroy(&mem->pr);
	kfree(mem);
	return ERR_PTR(ret);
}

/*
 * Attach @dev to @mem.  With @chain, a device that already has pools gets
 * @mem as its last one; otherwise it must have none.
 */
static int pool_attach(struct device *dev, struct dma_coherent_mem *mem,
		       bool chain)
{
	struct dma_coherent_mem *last, *next;
	struct dma_coherent_user *u, *lu;
	unsigned long flags;

	if (!dev)
		return -ENODEV;
	if (dev->dma_mem && !chain)
		return -EBUSY;

	/*
	 * Attached already (a driver probing again without releasing, as
	 * after -EPROBE_DEFER): nothing to do.  6.12 said -EBUSY, which some
	 * drivers take as fatal and so could never bind again.
	 */
	for (last = dev->dma_mem; last; last = pool_next(last, dev))
		if (last == mem)
			return 0;

	u = kzalloc(sizeof(*u), GFP_KERNEL);
	if (!u)
		return -ENOMEM;
	u->dev = dev;
	/* For debugfs, which must not look at a device freed unreleased. */
	if (dev_name(dev)) {
		u->name = kstrdup_const(dev_name(dev), GFP_KERNEL);
		if (!u->name) {
			kfree(u);
			return -ENOMEM;
		}
	}

	spin_lock_irqsave(&mem->lock, flags);
	lu = pool_user(mem, dev);
	if (lu) {
		/*
		 * A record whose device is not in its chain: a device that was
		 * freed without being released, and @dev now has its address.
		 * Its reference passes to the new record.
		 */
		list_del(&lu->node);
		mem->refs--;
	}
	list_add_tail(&u->node, &mem->users);
	mem->refs++;
	spin_unlock_irqrestore(&mem->lock, flags);
	if (lu) {
		dev_warn(dev, "coherent pool %s: dropping the record of a device freed without release\n",
			 mem->name);
		kfree_const(lu->name);
		kfree(lu);
	}

	/* Append @mem to the device's chain of pools. */
	for (last = dev->dma_mem; last; last = next) {
		spin_lock_irqsave(&last->lock, flags);
		lu = pool_user(last, dev);
		next = lu ? lu->next : NULL;
		if (lu && !next)
			lu->next = mem;
		spin_unlock_irqrestore(&last->lock, flags);
	}
	if (!dev->dma_mem)
		WRITE_ONCE(dev->dma_mem, mem);
	return 0;
}

/*
 * Detach @dev from @mem, always.  The pool goes if that was its last
 * reference; with live buffers it stays mapped until they are freed.
 */
static void pool_detach(struct device *dev, struct dma_coherent_mem *mem)
{
	struct dma_coherent_user *u, *pu;
	struct dma_coherent_mem *p, *next;
	unsigned long flags, orphans = 0;
	bool last = false;

	spin_lock_irqsave(&mem->lock, flags);
	u = pool_user(mem, dev);
	if (u) {
		list_del(&u->node);
		last = pool_unref(mem, 1);
		if (list_empty(&mem->users) && mem->declared)
			orphans = page_ranges_live(&mem->pr);
	}
	/* A free racing with us may drop the last reference: keep @mem. */
	rcu_read_lock();
	spin_unlock_irqrestore(&mem->lock, flags);
	if (!u) {
		rcu_read_unlock();
		/* A chain naming a pool we are not attached to: end it here. */
		if (WARN_ON_ONCE(dev->dma_mem == mem))
			WRITE_ONCE(dev->dma_mem, NULL);
		return;
	}

	/* Unlink @mem from the device's chain of pools. */
	if (dev->dma_mem == mem)
		WRITE_ONCE(dev->dma_mem, u->next);
	for (p = dev->dma_mem; p; p = next) {
		spin_lock_irqsave(&p->lock, flags);
		pu = pool_user(p, dev);
		next = pu ? pu->next : NULL;
		if (next == mem)
			pu->next = u->next;
		spin_unlock_irqrestore(&p->lock, flags);
	}
	if (orphans)
		dev_warn(dev, "coherent pool %s: released with %lu buffers allocated; it stays mapped until they are freed\n",
			 mem->name, orphans);
	rcu_read_unlock();
	kfree_const(u->name);
	kfree(u);
	if (last)
		pool_destroy(mem);
}

/**
 * dma_declare_coherent_memory_flags() - give a device a coherent pool
 * @dev:	device that gets the pool; it need not have a name yet
 * @phys_addr:	CPU physical address of the memory (it is memremap()ed)
 * @device_addr: DMA address the device uses for @phys_addr
 * @size:	size of the range in bytes
 * @flags:	0, or %DMA_COHERENT_FALLBACK: once the pool is exhausted,
 *		dma_alloc_coherent() falls back to generic memory
 *
 * Only whole pages inside [@phys_addr, @phys_addr + @size) are handed out;
 * a range that is not page aligned is trimmed with a warning.  The pool is
 * named after @phys_addr ("declared@<hex address>").  Declaring exactly
 * the range, DMA address and flags of a pool released while buffers of
 * it are still live gives @dev that pool, buffers and all, as a driver
 * restarting would expect; a range that only overlaps such a pool is
 * refused.  This shall only be used from platform code.
 *
 * Context: process context, may sleep.
 * Return: 0 on success; -EINVAL for an empty, wrapping or unmappable
 * range; -EBUSY when @dev already has a pool or the range overlaps live
 * buffers of a released pool; -ENOMEM.
 */
int dma_declare_coherent_memory_flags(struct device *dev, phys_addr_t phys_addr,
				      dma_addr_t device_addr, size_t size,
				      unsigned int flags)
{
	static DEFINE_MUTEX(declare_lock);
	struct dma_coherent_mem *mem, *orphan;
	unsigned long irqflags;
	char name[32];
	int ret;

	if (!dev)
		return -ENODEV;
	if (dev->dma_mem) {
		dev_err(dev, "already has a coherent pool\n");
		return -EBUSY;
	}
	if (flags & ~DMA_COHERENT_FALLBACK) {
		dev_err(dev, "unknown coherent pool flags %#x\n", flags);
		return -EINVAL;
	}

	mutex_lock(&declare_lock);
	/* Declared pools go through it when their last buffer is freed. */
	if (!dma_coherent_wq)
		dma_coherent_wq = alloc_workqueue("dma_coherent", 0, 0);
	if (!dma_coherent_wq) {
		ret = -ENOMEM;
		goto out;
	}
	/* Pools whose last buffer was just freed: gone, names and all. */
	flush_workqueue(dma_coherent_wq);

	snprintf(name, sizeof(name), "declared@%llx", (u64)phys_addr);
	mem = pool_create(phys_addr, device_addr, size, false, name, 0);
	if (IS_ERR(mem)) {
		ret = PTR_ERR(mem);
		goto out;
	}
	mem->declared = true;
	mem->fallback = flags & DMA_COHERENT_FALLBACK;
	orphan = pool_orphan_of(mem);
	if (orphan) {
		pool_destroy(mem);
		ret = pool_attach(dev, orphan, false);
		if (!ret)
			dev_info(dev, "coherent pool %s: taken over with the buffers still live in it\n",
				 orphan->name);
		dma_coherent_pool_put(orphan);
		goto out;
	}
	ret = pool_register(mem);
	if (ret) {
		pool_destroy(mem);
		goto out;
	}
	ret = pool_attach(dev, mem, false);
	if (ret) {
		spin_lock_irqsave(&mem->lock, irqflags);
		pool_unref(mem, 0);
		spin_unlock_irqrestore(&mem->lock, irqflags);
		pool_destroy(mem);
	}
out:
	mutex_unlock(&declare_lock);
	return ret;
}

/**
 * dma_declare_coherent_memory() - give a device an exclusive coherent pool
 * @dev:	device that gets the pool
 * @phys_addr:	CPU physical address of the memory (it is memremap()ed)
 * @device_addr: DMA address the device uses for @phys_addr
 * @size:	size of the range in bytes
 *
 * As dma_declare_coherent_memory_flags() with no flags: when the pool is
 * exhausted, dma_alloc_coherent() returns NULL.
 *
 * Context: process context, may sleep.
 * Return: 0 on success or a negative errno.
 */
int dma_declare_coherent_memory(struct device *dev, phys_addr_t phys_addr,
				dma_addr_t device_addr, size_t size)
{
	return dma_declare_coherent_memory_flags(dev, phys_addr, device_addr,
						 size, 0);
}

/**
 * dma_release_coherent_memory() - take a device's coherent pools away
 * @dev:	device whose pools are released
 *
 * Detaches @dev from all its pools; afterwards it has none.  A pool made
 * by dma_declare_coherent_memory() is unmapped and freed with its last
 * reference: now if no buffer is live, else when the last one is freed
 * (with dma_free_coherent() through any device; a warning says how many
 * are left).  Device-tree pools stay for the next device.
 *
 * Context: process context, may sleep.
 */
void dma_release_coherent_memory(struct device *dev)
{
	struct dma_coherent_mem *mem;

	if (!dev)
		return;
	while ((mem = dev->dma_mem))
		pool_detach(dev, mem);
}

/**
 * dma_alloc_from_dev_coherent_gfp() - allocate memory from a device's pools
 * @dev:	device from which we allocate memory
 * @size:	size of requested memory area
 * @dma_handle:	filled with the DMA address of the buffer
 * @ret:	filled with the CPU address of the buffer, or NULL
 * @gfp:	the caller's flags; only __GFP_NOWARN is looked at
 *
 * Tries the device's pools in order.  When they are all exhausted, a
 * rate-limited warning gives the free pages and the largest free block,
 * unless @gfp has __GFP_NOWARN.
 *
 * Context: any context; the pools' locks are taken with IRQs disabled.
 * Return: 0 if dma_alloc_coherent() should continue with generic memory
 * (no pool, or every pool is exhausted and allows fallback), non-zero if
 * it should return *@ret (NULL when the pools are exhausted or @size is
 * not positive).
 */
int dma_alloc_from_dev_coherent_gfp(struct device *dev, ssize_t size,
				    dma_addr_t *dma_handle, void **ret, gfp_t gfp)
{
	struct dma_coherent_mem *mem = dev ? dev->dma_mem : NULL, *next, *last;
	struct pool_failure fail = {};
	bool fallback = true;
	unsigned long flags;

	if (!mem)
		return 0;
	*ret = NULL;
	if (size <= 0)
		return 1;
	for (; mem; mem = next) {
		*ret = pool_alloc(dev, mem, size, dma_handle, &next, &fail);
		if (*ret)
			return 1;
		fallback &= mem->fallback;
		last = mem;
	}
	mem = dev->dma_mem;
	if (fallback) {
		spin_lock_irqsave(&mem->lock, flags);
		mem->stats.fallbacks++;
		spin_unlock_irqrestore(&mem->lock, flags);
		return 0;
	}
	/* The figures are those of the last pool tried. */
	if (!(gfp & __GFP_NOWARN))
		dev_warn_ratelimited(dev, "coherent pool %s: no room for %zd bytes (%lu pages free, largest block %lu pages)\n",
				     last->name, size, fail.free, fail.largest);
	return 1;
}

/**
 * dma_alloc_from_dev_coherent() - allocate memory from a device's pools
 * @dev:	device from which we allocate memory
 * @size:	size of requested memory area
 * @dma_handle:	filled with the DMA address of the buffer
 * @ret:	filled with the CPU address of the buffer, or NULL
 *
 * As dma_alloc_from_dev_coherent_gfp() with no flags.
 *
 * Context: any context.
 * Return: 0 if dma_alloc_coherent() should continue with generic memory,
 * non-zero if it should return *@ret.
 */
int dma_alloc_from_dev_coherent(struct device *dev, ssize_t size,
				dma_addr_t *dma_handle, void **ret)
{
	return dma_alloc_from_dev_coherent_gfp(dev, size, dma_handle, ret, 0);
}

/**
 * dma_release_from_dev_coherent() - free memory to the pool that holds it
 * @dev:	device freeing the memory (any will do; decides among overlaps)
 * @order:	get_order() of the buffer's size
 * @vaddr:	CPU address of the buffer
 *
 * The pool is found by address, so a buffer can be freed after its
 * device was released, or through another device of a shared pool
 * (where pools overlap, @dev's own come first).  A pointer inside a
 * pool that is not the start of a live buffer of @order is reported and
 * ignored.
 *
 * Context: any context.
 * Return: 1 if @vaddr lies in a pool (the caller is done), 0 if the
 * caller should free it as generic memory.
 */
int dma_release_from_dev_coherent(struct device *dev, int order, void *vaddr)
{
	struct dma_coherent_mem *mem;

	rcu_read_lock();
	mem = pool_lookup(dev, vaddr);
	if (mem)
		pool_free(dev, mem, order, vaddr);
	rcu_read_unlock();
	return !!mem;
}

/**
 * dma_mmap_from_dev_coherent() - map a pool buffer to user space
 * @dev:	device mapping the memory (any device will do: the pool is
 *		found by address)
 * @vma:	vm_area for the userspace memory
 * @vaddr:	CPU address returned by dma_alloc_from_dev_coherent()
 * @size:	size of the buffer
 * @ret:	result from remap_pfn_range(), or -ENXIO when the range is not
 *		within one live buffer
 *
 * Context: process context.
 * Return: 1 if @vaddr lies in a pool and the caller should return *@ret,
 * 0 if it should map generic memory.
 */
int dma_mmap_from_dev_coherent(struct device *dev, struct vm_area_struct *vma,
			       void *vaddr, size_t size, int *ret)
{
	struct dma_coherent_mem *mem;
	unsigned long pfn;
	bool ok = false;

	/*
	 * Checked under RCU: the pool stays while we look.  Once the check
	 * has seen a live buffer, that buffer keeps the pool mapped.
	 */
	rcu_read_lock();
	mem = pool_lookup(dev, vaddr);
	if (mem)
		ok = pool_mmap_ok(mem, vma, vaddr, size, &pfn);
	rcu_read_unlock();
	if (!mem)
		return 0;
	*ret = ok ? remap_pfn_range(vma, vma->vm_start, pfn,
				    vma_pages(vma) << PAGE_SHIFT, vma->vm_page_prot) :
		    -ENXIO;
	return 1;
}

#ifdef CONFIG_DMA_GLOBAL_POOL
static struct dma_coherent_mem *dma_coherent_default_memory __ro_after_init;

/**
 * dma_alloc_from_global_coherent() - allocate from the global pool
 * @dev:	device the buffer is for (its DMA offset is applied)
 * @size:	size of the buffer
 * @dma_handle:	filled with the DMA address of the buffer
 *
 * Context: any context.
 * Return: the CPU address of the buffer, or NULL.
 */
void *dma_alloc_from_global_coherent(struct device *dev, ssize_t size,
				     dma_addr_t *dma_handle)
{
	struct dma_coherent_mem *next;
	struct pool_failure fail;

	if (!dma_coherent_default_memory)
		return NULL;
	return pool_alloc(dev, dma_coherent_default_memory, size, dma_handle,
			  &next, &fail);
}

/**
 * dma_release_from_global_coherent() - free a global pool buffer
 * @order:	get_order() of the buffer's size
 * @vaddr:	CPU address of the buffer
 *
 * Context: any context.
 * Return: 1 if @vaddr lies in the global pool, 0 otherwise.
 */
int dma_release_from_global_coherent(int order, void *vaddr)
{
	struct dma_coherent_mem *mem = dma_coherent_default_memory;

	if (!mem || !pool_owns(mem, vaddr))
		return 0;
	/* The global pool holds a reference for good: no RCU needed. */
	pool_free(NULL, mem, order, vaddr);
	return 1;
}

/**
 * dma_mmap_from_global_coherent() - map a global pool buffer to user space
 * @vma:	vm_area for the userspace memory
 * @vaddr:	CPU address of the buffer
 * @size:	size of the buffer
 * @ret:	result from remap_pfn_range(), or -ENXIO
 *
 * Context: process context.
 * Return: 1 if @vaddr lies in the global pool, 0 otherwise.
 */
int dma_mmap_from_global_coherent(struct vm_area_struct *vma, void *vaddr,
				  size_t size, int *ret)
{
	struct dma_coherent_mem *mem = dma_coherent_default_memory;
	unsigned long pfn;

	if (!mem || !pool_owns(mem, vaddr))
		return 0;
	*ret = pool_mmap_ok(mem, vma, vaddr, size, &pfn) ?
	       remap_pfn_range(vma, vma->vm_start, pfn, vma_pages(vma) << PAGE_SHIFT,
			       vma->vm_page_prot) : -ENXIO;
	return 1;
}

/**
 * dma_init_global_coherent() - set up the global pool
 * @phys_addr:	physical address of the memory
 * @size:	size in bytes
 *
 * Context: process context, at boot.
 * Return: 0 or a negative errno.
 */
int dma_init_global_coherent(phys_addr_t phys_addr, size_t size)
{
	struct dma_coherent_mem *mem;
	int ret;

	mem = pool_create(phys_addr, phys_addr, size, true, "global", 1);
	if (IS_ERR(mem))
		return PTR_ERR(mem);
	ret = pool_register(mem);
	if (ret) {
		pool_destroy(mem);
		return ret;
	}
	dma_coherent_default_memory = mem;
	pr_info("default coherent area is set\n");
	return 0;
}
#endif /* CONFIG_DMA_GLOBAL_POOL */

#ifdef CONFIG_OF_RESERVED_MEM
#include <linux/of.h>
#include <linux/of_fdt.h>
#include <linux/of_reserved_mem.h>

#ifdef CONFIG_DMA_GLOBAL_POOL
static phys_addr_t dma_reserved_default_memory_base __initdata;
static phys_addr_t dma_reserved_default_memory_size __initdata;
#endif

/* Serialises the lazy creation of device-tree pools. */
static DEFINE_MUTEX(rmem_dma_lock);

static int rmem_dma_device_init(struct reserved_mem *rmem, struct device *dev)
{
	struct dma_coherent_mem *mem;
	int ret;

	mutex_lock(&rmem_dma_lock);
	mem = rmem->priv;
	if (!mem) {
		mem = pool_create(rmem->base, rmem->base, rmem->size, true,
				  rmem->name, 1);
		if (IS_ERR(mem)) {
			mutex_unlock(&rmem_dma_lock);
			return PTR_ERR(mem);
		}
		ret = pool_register(mem);
		if (ret) {
			mutex_unlock(&rmem_dma_lock);
			pool_destroy(mem);
			return ret;
		}
		rmem->priv = mem;
	}
	mutex_unlock(&rmem_dma_lock);

	/* Warn if the device potentially can't use the reserved memory */
	if (mem->device_base + rmem->size - 1 >
	    min_not_zero(dev->coherent_dma_mask, dev->bus_dma_limit))
		dev_warn(dev, "reserved memory is beyond device's set DMA address range\n");

	return pool_attach(dev, mem, true);
}

static void rmem_dma_device_release(struct reserved_mem *rmem,
				    struct device *dev)
{
	if (dev && rmem->priv)
		pool_detach(dev, rmem->priv);
}

static const struct reserved_mem_ops rmem_dma_ops = {
	.device_init	= rmem_dma_device_init,
	.device_release	= rmem_dma_device_release,
};

static int __init rmem_dma_setup(struct reserved_mem *rmem)
{
	unsigned long node = rmem->fdt_node;

	if (of_get_flat_dt_prop(node, "reusable", NULL))
		return -EINVAL;

#ifdef CONFIG_ARM
	if (!of_get_flat_dt_prop(node, "no-map", NULL)) {
		pr_err("Reserved memory: regions without no-map are not yet supported\n");
		return -EINVAL;
	}
#endif

#ifdef CONFIG_DMA_GLOBAL_POOL
	if (of_get_flat_dt_prop(node, "linux,dma-default", NULL)) {
		WARN(dma_reserved_default_memory_size,
		     "Reserved memory: region for default DMA coherent area is redefined\n");
		dma_reserved_default_memory_base = rmem->base;
		dma_reserved_default_memory_size = rmem->size;
	}
#endif

	rmem->ops = &rmem_dma_ops;
	pr_info("Reserved memory: created DMA memory pool at %pa, size %ld MiB\n",
		&rmem->base, (unsigned long)rmem->size / SZ_1M);
	return 0;
}

#ifdef CONFIG_DMA_GLOBAL_POOL
/*
 * A device that names the default region in its memory-region gets the
 * global pool itself, not a second pool over the same pages.  The region
 * is looked up now: rmem_dma_setup() saw it before the reserved_mem array
 * reached its final place.
 */
static int __init dma_init_reserved_memory(void)
{
	struct reserved_mem *rmem;
	struct device_node *np;
	int ret;

	if (!dma_reserved_default_memory_size)
		return -ENOMEM;
	ret = dma_init_global_coherent(dma_reserved_default_memory_base,
				       dma_reserved_default_memory_size);
	if (ret)
		return ret;
	for_each_node_with_property(np, "linux,dma-default") {
		rmem = of_reserved_mem_lookup(np);
		if (rmem && rmem->base == dma_reserved_default_memory_base &&
		    rmem->size == dma_reserved_default_memory_size) {
			of_node_put(np);
			mutex_lock(&rmem_dma_lock);
			if (!rmem->priv)
				rmem->priv = dma_coherent_default_memory;
			mutex_unlock(&rmem_dma_lock);
			break;
		}
	}
	return 0;
}
core_initcall(dma_init_reserved_memory);
#endif /* CONFIG_DMA_GLOBAL_POOL */

RESERVEDMEM_OF_DECLARE(dma, "shared-dma-pool", rmem_dma_setup);
#endif
