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
 *   The buffer then goes at the best alignment the pool can give, never
 *   below the base's own alignment (what 6.12 gave): a firmware carve-out
 *   sized for exactly one buffer serves it.  Such placements are counted
 *   ("degraded" in debugfs) and traced.  A pool whose base is aligned
 *   refuses instead, as 6.12 did, and the refusal stays cheap.
 * - A buffer belongs to the pool that contains its address.  Frees and
 *   mmap find the pool by address, whichever device asks, and every free
 *   is checked: a pointer that is not the start of a live buffer, a
 *   double free, or an order that does not match the buffer is reported
 *   (WARN_ONCE, then a rate-limited message naming the pool and the
 *   address) and changes nothing.  mmap maps pages of one live buffer
 *   only.
 * - Releasing a device always detaches it.  A pool's memory stays mapped
 *   while a device is attached or a buffer is live; the last of them to
 *   go unmaps and frees a declared pool.  Device-tree and global pools
 *   live as long as the kernel, as before.
 */

/**
 * DOC: metadata and search
 *
 * Per pool page: one "used" bit and one "start" bit (first page of a live
 * buffer).  A buffer runs from its start bit to the next start bit or
 * free page, so its length is known at free time without a per-buffer
 * record.  The bitmaps are indexed so that bit 0 of every word is aligned
 * on the absolute address; the pages of the first and last word that lie
 * outside the pool are marked used for good.
 *
 * Beside the bitmaps sits one of two search indexes, chosen when the pool
 * is created.  Pools of up to CLASS_INDEX_WORDS (320) bitmap words, 20480
 * pages with 64-bit longs, get the summary tree; larger ones the
 * extent-class index.  The tree is the cheaper of the two per allocation
 * and free: on small pools it stays within 30 ns of 6.12's bitmap search,
 * where the class index costs about twice as much.  But the tree picks
 * among words, not free extents, and so leaves more of a large pool in
 * pieces too small for the next request: on a churn of 1..256-page
 * requests the class index fills a pool to about 84% before the first
 * failure, the tree to about 77% and 6.12 to 73%.  The threshold also
 * keeps metadata within 2.5 bits per page: a pool whose base is not word
 * aligned pays up to two words of padding per bitmap, and with the class
 * index's fixed costs that takes pools of fewer than about 290 words over
 * the budget.  "make bench" measures all of this against 6.12 in one run.
 *
 * The summary tree holds u8 values: one per word, its leaf, and one per
 * pair of words and upwards.  A word's value is the largest request (in
 * pages, at most BITS_PER_LONG) that fits in it at natural alignment; a
 * node's value is the larger of its children's, or BITS_PER_LONG + h when
 * its whole aligned block of 2^h words is free.  An allocation walks from
 * the root to a word (or to a free block of the needed order for
 * multi-word requests), taking at every level the child with the smaller
 * value that still fits (best fit); inside the word it prefers a position
 * next to used pages.  A request whose need exceeds the root's value is
 * refused at once.  Search and update cost O(log(pool pages)); an update
 * stops at the first level whose value does not change.  With 64-bit
 * longs the leaves cost 0.125 bit per page and the nodes as much for a
 * pool aligned on its power-of-two size, and at most 0.33 bit for any base
 * (the leaves start on an aligned block, the smallest of which four cover
 * the pool): 2.25 bits per page in all, at most 2.46 for pools of two
 * words or more.  Multi-word requests that the tree cannot place (no
 * wholly free aligned block) fall back to a linear scan of the bitmap
 * when enough pages are free.
 *
 * The extent-class index describes free extents, maximal runs of free
 * pages that may span words, by their fit: the largest naturally aligned
 * request they take, which ext_fit() computes in O(1).  Fits fall into 16
 * classes (1, 2, 3, 4, two per power of two up to 64, then 65-128,
 * 129-256, 257-1024 and more).  Each word has a 16-bit mask of the
 * classes of the extents that start in it; each class has summary bits,
 * one per 16 words, then one per BITS_PER_LONG entries up to a top mask.  A request
 * of n pages first probes the four lowest extents of its own class when
 * that class may hold extents too small, and takes the tightest that
 * fits; else the lowest extent of the smallest class that certainly
 * fits.  It goes at the start or the end of the extent, whichever leaves
 * the bigger fit.  When neither finds room, a 4-ary u8 tree over each
 * word's largest extent fit finds any extent that takes n < 128 pages
 * (best fit by maxima), and refuses in O(1) what cannot fit; larger
 * requests fall back to the linear scan.  A used-word bitmap with
 * BITS_PER_LONG-ary summaries finds where an extent ends.  An allocation or free re-classes
 * at most two words.  Every step is bounded by the number of levels, the
 * probes and the extents that start in one word.  With 64-bit longs the
 * index costs 0.25 bit per page for the class masks, 0.125 for the fit
 * tree's leaves and about 0.07 for its nodes and the summaries: 2.45 bits
 * per page in all, at most 2.49 for any pool that gets it.
 *
 * 32-bit longs double the share of either index.
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
 * concurrently with its release.
 */

#define pr_fmt(fmt) "dma-coherent: " fmt

#include <linux/debugfs.h>
#include <linux/dma-direct.h>
#include <linux/dma-map-ops.h>
#include <linux/io.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/prefetch.h>
#include <linux/rculist.h>
#include <linux/rcupdate.h>
#include <linux/seq_file.h>
#include <linux/uio.h>
#include <linux/slab.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#define CREATE_TRACE_POINTS
#include <trace/events/dma_coherent.h>

#define WORD_PAGES	BITS_PER_LONG
#define WORD_ORDER	ilog2(BITS_PER_LONG)

/*
 * Pools of more bitmap words than this are searched by extent class; the
 * harness lowers it to test that index on small pools.
 */
#ifndef CLASS_INDEX_WORDS
#define CLASS_INDEX_WORDS	320
#endif

/* Classes of free extents in the segregated-fit index, and probes. */
#define EXT_CLASSES	16
#define EXT_PROBES	4
#define CLS_GROUP	16
#define FIT_EXACT	128
#define FIT_MAX_LEVELS	33
#define CLS_MAX_LEVELS	12

/* Alignment order of big buffers: 1 MiB, CMA's default. */
#define CAPPED_ALIGN_ORDER	get_order(SZ_1M)

/**
 * struct dma_coherent_stats - counters of a pool, under its lock
 * @allocs:	buffers handed out
 * @frees:	buffers freed
 * @failures:	requests the pool could not satisfy
 * @fallbacks:	requests passed on to generic memory (non-exclusive pools)
 * @misuse:	bad frees and mmaps that were refused
 * @degraded:	buffers placed below their alignment (see the rules above)
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
 * @next:	the device's next pool, tried when this one is full
 * @name:	the device's name when it attached, for debugfs (or NULL)
 *
 * Releasing the device frees its record.  A driver that frees its device
 * without releasing it leaves the record behind: @dev is then only ever
 * compared, never followed, and a new device at the same address takes
 * the record over (pool_attach()).
 */
struct dma_coherent_user {
	struct list_head	node;
	struct device		*dev;
	struct dma_coherent_mem	*next;
	const char		*name;
};

/**
 * struct dma_coherent_mem - a coherent memory pool
 * @virt_base:	CPU address of the first page
 * @device_base: DMA address of the first page (declared pools)
 * @pfn_base:	page frame of the first page
 * @pages:	number of pages
 * @off:	bitmap index of the first page
 * @nbits:	@off + @pages
 * @abs0:	absolute page number (DMA address >> PAGE_SHIFT, truncated) of
 *		bitmap index 0, for alignment
 * @base_order:	alignment order of the pool's first page on that address
 * @used:	bit set for every allocated page and for the padding
 * @start:	bit set for the first page of every live buffer
 * @classes:	the pool has more than CLASS_INDEX_WORDS bitmap words and is
 *		searched by extent class; otherwise by @tree (both with the
 *		linear scan as a last resort)
 * @index:	the one allocation that holds the search index
 * @tree:	summary tree, heap order, 1 << @levels bytes, then @leaf
 * @leaf:	word_maxfit() of every bitmap word: the tree's leaves
 * @levels:	level of the root; leaves are words, 1 << @levels of them
 * @vbase:	tree leaf of bitmap word 0
 * @merge_top:	highest level whose nodes are aligned on the absolute
 *		address, so that they can be wholly free blocks
 * @fit:	fit tree: per bitmap word, fit_enc() of the largest request
 *		that a free extent starting in it takes; above, levels of
 *		maxima of four entries, up to the root
 * @fit_off:	first entry of each level in @fit
 * @fit_top:	level of the root
 * @nz:		used-word index: one bit per bitmap word with used pages,
 *		then one per long of the level below
 * @nz_off:	first long of each level in @nz
 * @nz_n:	entries of each level
 * @nz_top:	last level of @nz; it fits in one long
 * @wcls:	classes of the free extents that start in each bitmap word,
 *		16 bits each, four to a u64
 * @wcls_n:	u64 entries of @wcls
 * @cls:	summaries of @wcls: for each level 1.., for each extent class,
 *		one bit per entry of the level below (a group of CLS_GROUP
 *		words at level 1, BITS_PER_LONG entries above)
 * @cls_off:	first bit of each level in @cls
 * @cls_n:	entries per class at each level
 * @cls_stride:	bits from one class's row to the next at each level
 * @cls_levels:	last level of @cls; it has at most BITS_PER_LONG entries
 * @cls_top:	bit c set when some free extent is of class c
 * @nwords:	bitmap words
 * @free:	free pages
 * @live:	live buffers
 * @refs:	attached devices plus live buffers, plus one for the life of
 *		the kernel for device-tree and global pools; the pool goes
 *		when it drops to zero
 * @stats:	counters
 * @users:	attached devices (&struct dma_coherent_user)
 * @lock:	protects @used, @start, the indexes, @free, @live, @refs,
 *		@stats and @users
 * @node:	entry in the registry of pools (RCU)
 * @destroy_work: unmaps the pool when its last reference went in atomic
 *		context
 * @name:	name used in messages and debugfs, from the pool's address
 *		or region
 * @use_dev_dma_pfn_offset: DMA address comes from the device's offset
 * @declared:	created by dma_declare_coherent_memory(), freed on release
 * @fallback:	an exhausted pool lets the caller use generic memory
 * @debugfs:	the pool's debugfs directory
 * @debugfs_tried: pool_debugfs_add() ran for it
 * @debugfs_attrs: what each of its files shows
 */
struct dma_coherent_mem {
	void			*virt_base;
	dma_addr_t		device_base;
	unsigned long		pfn_base;
	unsigned long		pages;
	unsigned long		off;
	unsigned long		nbits;
	unsigned long		abs0;
	unsigned int		base_order;
	unsigned long		*used;
	unsigned long		*start;
	bool			classes;
	void			*index;
	u8			*tree;
	u8			*leaf;
	unsigned int		levels;
	unsigned long		vbase;
	unsigned int		merge_top;
	u8			*fit;
	unsigned long		fit_off[FIT_MAX_LEVELS];
	unsigned int		fit_top;
	unsigned long		*nz;
	unsigned long		nz_off[CLS_MAX_LEVELS];
	unsigned long		nz_n[CLS_MAX_LEVELS];
	unsigned int		nz_top;
	u64			*wcls;
	unsigned long		wcls_n;
	unsigned long		*cls;
	unsigned long		cls_off[CLS_MAX_LEVELS];
	unsigned long		cls_n[CLS_MAX_LEVELS];
	unsigned long		cls_stride[CLS_MAX_LEVELS];
	unsigned int		cls_levels;
	unsigned int		cls_top;
	unsigned long		nwords;
	unsigned long		free;
	unsigned long		live;
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
	struct pool_attr	*debugfs_attrs;
};

/* Bit k set at every multiple of 1 << order, order 0..WORD_ORDER. */
static const unsigned long align_masks[] = {
	~0UL, ~0UL / 0x3, ~0UL / 0xf, ~0UL / 0xff, ~0UL / 0xffff,
#if BITS_PER_LONG == 64
	~0UL / 0xffffffffUL,
#endif
	1UL,
};

/* Positions where @n (>= 1) consecutive bits of @x start, all set. */
static unsigned long runs_of(unsigned long x, unsigned int n)
{
	unsigned int have = 1, step;

	while (have < n) {
		step = min(have, n - have);
		x &= x >> step;
		have += step;
	}
	return x;
}

/* Largest request, in pages, that fits naturally aligned in one word. */
static __always_inline unsigned int word_maxfit(unsigned long used)
{
	unsigned long f = ~used, lv[WORD_ORDER], tail;
	unsigned int b, k, half, run, r = 0;

	if (!used)
		return WORD_PAGES;
	if (!f)
		return 0;
	/*
	 * lv[k]: positions of wholly free aligned blocks of 2^k pages; b: the
	 * largest order that has one.  No branches: they would mispredict.
	 */
	lv[0] = f;
	b = 0;
	for (k = 1; k < WORD_ORDER; k++) {
		lv[k] = lv[k - 1] & (lv[k - 1] >> (1UL << (k - 1))) & align_masks[k];
		b += !!lv[k];
	}
	tail = lv[b] & align_masks[b + 1];
	/*
	 * More than 1 << b pages fit only at a (b + 1)-aligned position whose
	 * first half is free, followed by a free run shorter than that half:
	 * few such positions for a big b, a short run for a small one.
	 */
	half = 1U << b;
	if (b >= 3) {
		for (; tail; tail &= tail - 1) {
			run = __ffs((used >> (__ffs(tail) + half)) | (1UL << (half - 1)));
			r = max(r, run);
		}
	} else {
		for (; r + 1 < half; r++) {
			tail &= f >> (half + r);
			if (!tail)
				break;
		}
	}
	return half + r;
}

/* Offset in a word for @n pages of @order; the word must have room. */
static unsigned int word_place(unsigned long used, unsigned int n,
			       unsigned int order)
{
	unsigned long fit, tight;

	if (n == WORD_PAGES)
		return 0;
	fit = runs_of(~used, n) & align_masks[order];
	/* Prefer a position with a used page or the word edge on a side. */
	tight = fit & ((used << 1) | 1UL | (used >> n) | (1UL << (WORD_PAGES - n)));
	return __ffs(tight ? tight : fit);
}

/* Set or clear @n bits from @start; unsigned long throughout. */
static __always_inline void bits_assign(unsigned long *map, unsigned long start,
					unsigned long n, bool set)
{
	unsigned long *p = map + BIT_WORD(start);
	unsigned long mask = BITMAP_FIRST_WORD_MASK(start);
	unsigned long end = start + n;

	/*
	 * Most buffers lie in one word.  The loop below handles that case
	 * too, but this shortcut is 1-2 ns per alloc+free faster on small
	 * pools (make bench, 256 and 4096 pages).
	 */
	if (BIT_WORD(start) == BIT_WORD(end - 1)) {
		mask &= BITMAP_LAST_WORD_MASK(end);
		if (set)
			*p |= mask;
		else
			*p &= ~mask;
		return;
	}
	while (n) {
		if (BIT_WORD(start) == BIT_WORD(end - 1))
			mask &= BITMAP_LAST_WORD_MASK(end);
		if (set)
			*p |= mask;
		else
			*p &= ~mask;
		n -= min(n, BITS_PER_LONG - start % BITS_PER_LONG);
		start = round_up(start + 1, BITS_PER_LONG);
		mask = ~0UL;
		p++;
	}
}

static unsigned int leaf_value(const struct dma_coherent_mem *mem,
			       unsigned long leaf)
{
	unsigned long w = leaf - mem->vbase;

	/* Below @vbase, @w wraps around. */
	if (w >= mem->nwords)
		return 0;
	return mem->leaf[w];
}

/* Value of tree node @i at level @h (>= 1) from its children. */
static __always_inline unsigned int
node_value(const struct dma_coherent_mem *mem, unsigned long i, unsigned int h)
{
	unsigned int full = WORD_PAGES + h - 1, a, b;

	if (h == 1) {
		unsigned long leaf = 2 * i - (1UL << mem->levels);

		a = leaf_value(mem, leaf);
		b = leaf_value(mem, leaf + 1);
	} else {
		a = mem->tree[2 * i];
		b = mem->tree[2 * i + 1];
	}
	if (a == full && b == full && h <= mem->merge_top)
		return full + 1;
	return max(a, b);
}

/* Recompute the nodes above bitmap words @first..@last. */
static void nodes_update(struct dma_coherent_mem *mem, unsigned long first,
			 unsigned long last)
{
	unsigned long lo = (first + mem->vbase + (1UL << mem->levels)) >> 1;
	unsigned long hi = (last + mem->vbase + (1UL << mem->levels)) >> 1;
	unsigned int h, v;
	unsigned long i;
	bool changed;

	for (h = 1; h <= mem->levels; h++, lo >>= 1, hi >>= 1) {
		changed = false;
		for (i = lo; i <= hi; i++) {
			v = node_value(mem, i, h);
			if (mem->tree[i] != v) {
				mem->tree[i] = v;
				changed = true;
			}
		}
		if (!changed)
			break;
	}
}

/* Recompute the leaves of bitmap words @first..@last and the tree above. */
static void tree_update(struct dma_coherent_mem *mem, unsigned long first,
			unsigned long last)
{
	unsigned int v, h, sib, full;
	bool changed = false;
	unsigned long w, i;

	if (first == last) {
		/* One word: walk up while the values change. */
		v = word_maxfit(mem->used[first]);
		if (mem->leaf[first] == v)
			return;
		mem->leaf[first] = v;
		/* Only the sibling is read: this side's value is @v. */
		i = first + mem->vbase + (1UL << mem->levels);
		for (h = 1; h <= mem->levels; h++, i >>= 1) {
			sib = h == 1 ? leaf_value(mem, (i ^ 1) - (1UL << mem->levels)) :
				       mem->tree[i ^ 1];
			full = WORD_PAGES + h - 1;
			v = v == full && sib == full && h <= mem->merge_top ?
			    full + 1 : max(v, sib);
			if (mem->tree[i >> 1] == v)
				return;
			mem->tree[i >> 1] = v;
		}
		return;
	}
	for (w = first; w <= last; w++) {
		v = word_maxfit(mem->used[w]);
		if (mem->leaf[w] != v) {
			mem->leaf[w] = v;
			changed = true;
		}
	}
	if (changed)
		nodes_update(mem, first, last);
}

/*
 * Find room for @n pages of @order with the tree: returns the bitmap index
 * or -1.  Bounded by the tree height.
 */
static long tree_find(const struct dma_coherent_mem *mem, unsigned long n,
		      unsigned int order)
{
	unsigned int need, stop, h = mem->levels, a, b;
	unsigned long i = 1, leaf;

	if (n <= WORD_PAGES) {
		need = n;
		stop = 0;
	} else {
		stop = order - WORD_ORDER;
		if (stop > mem->levels)
			return -1;
		need = WORD_PAGES + stop;
	}
	if (mem->tree[1] < need)
		return -1;

	for (; h > stop; h--) {
		if (h == 1) {
			leaf = 2 * i - (1UL << mem->levels);
			a = leaf_value(mem, leaf);
			b = leaf_value(mem, leaf + 1);
		} else {
			a = mem->tree[2 * i];
			b = mem->tree[2 * i + 1];
		}
		i *= 2;
		if (a < need || (b >= need && b < a))
			i++;
	}
	leaf = (i << h) - (1UL << mem->levels) - mem->vbase;
	if (h)
		return leaf * WORD_PAGES;
	return leaf * WORD_PAGES + word_place(mem->used[leaf], n, order);
}

/*
 * Of the free run [@s, @e) (none if @s is ULONG_MAX), take for @n pages
 * the lowest place at the highest order from @hi down to @lo, if that
 * beats *@got of the place found so far (*@best, or -1).
 */
static void scan_extent(unsigned long a, unsigned long s, unsigned long e,
			unsigned long n, unsigned int hi, unsigned int lo,
			long *best, unsigned int *got)
{
	unsigned long p;
	int k;

	if (s == ULONG_MAX || e - s < n)
		return;
	for (k = hi; k >= (int)lo; k--) {
		if (*best >= 0 && k <= (int)*got)
			return;
		p = round_up(a + s, 1UL << k) - a;
		if (p + n <= e) {
			*best = p;
			*got = k;
			return;
		}
	}
}

/*
 * Linear scan of the bitmap, O(words), for what the index does not
 * decide: multi-word requests in the summary tree, requests of FIT_EXACT
 * pages or more in the extent-class index, buffers whose alignment is
 * capped, and degraded placements.  Finds room for @n pages at the
 * highest alignment order from @hi down to @lo that some free run takes,
 * the lowest such place first; *@got is set to its order.  Returns the
 * bitmap index or -1.  Not bitmap_find_next_zero_area_off(), whose
 * unsigned int length would refuse requests of 2^32 pages and more.
 */
static long pool_scan(const struct dma_coherent_mem *mem, unsigned long n,
		      unsigned int hi, unsigned int lo, unsigned int *got)
{
	unsigned long w, used, nx, cand, t, l, run = ULONG_MAX, e, p;
	unsigned long a = mem->abs0;
	long best = -1;
	int k;

	if (mem->free < n)
		return -1;
	for (w = 0; w < mem->nwords; w++) {
		used = mem->used[w];
		if (n <= WORD_PAGES) {
			/*
			 * Places inside the word, then ones running into the
			 * next.  @hi <= order_base_2(@n) <= WORD_ORDER here, so
			 * align_masks[] has every order asked for.
			 */
			cand = n == WORD_PAGES ? (used ? 0 : 1) : runs_of(~used, n);
			nx = w + 1 < mem->nwords ? mem->used[w + 1] : ~0UL;
			t = BITS_PER_LONG - fls_long(used);
			l = nx ? __ffs(nx) : BITS_PER_LONG;
			p = max(WORD_PAGES - n + 1, WORD_PAGES - t);
			e = min(WORD_PAGES - 1, WORD_PAGES - n + l);
			if (n > 1 && t && p <= e)
				cand |= GENMASK(e, p);
			for (k = hi; cand && k >= (int)lo; k--) {
				if (best >= 0 && k <= (int)*got)
					break;
				if (cand & align_masks[min_t(int, k, WORD_ORDER)]) {
					best = w * WORD_PAGES +
					       __ffs(cand & align_masks[min_t(int, k, WORD_ORDER)]);
					*got = k;
					break;
				}
			}
		} else if (!used) {
			if (run == ULONG_MAX)
				run = w * WORD_PAGES;
			continue;
		} else {
			scan_extent(a, run, w * WORD_PAGES + __ffs(used), n, hi, lo,
				    &best, got);
			t = fls_long(used);
			run = t < BITS_PER_LONG ? w * WORD_PAGES + t : ULONG_MAX;
		}
		if (best >= 0 && *got == hi)
			return best;
	}
	/* A run to the end of the bitmap (the pool ends on a word). */
	if (n > WORD_PAGES)
		scan_extent(a, run, mem->nwords * WORD_PAGES, n, hi, lo, &best, got);
	return best;
}

/* Set bit @i of summary level @j of the used-word index to @on. */
static bool nz_assign(struct dma_coherent_mem *mem, unsigned int j,
		      unsigned long i, bool on)
{
	unsigned long *p = mem->nz + mem->nz_off[j] + i / BITS_PER_LONG;
	unsigned long bit = 1UL << (i % BITS_PER_LONG);

	if (!!(*p & bit) == on)
		return false;
	if (on)
		*p |= bit;
	else
		*p &= ~bit;
	return true;
}

/* Record whether bitmap word @w has used pages, up the summaries. */
static void nz_update(struct dma_coherent_mem *mem, unsigned long w)
{
	unsigned long i = w;
	unsigned int j;
	bool on = mem->used[w] != 0;

	for (j = 0; nz_assign(mem, j, i, on) && j < mem->nz_top; j++) {
		on = mem->nz[mem->nz_off[j] + i / BITS_PER_LONG] != 0;
		i /= BITS_PER_LONG;
	}
}

/* The used-word index after pages @idx..@idx + @n - 1 changed. */
static void nz_range(struct dma_coherent_mem *mem, unsigned long idx,
		     unsigned long n)
{
	unsigned long w;

	for (w = BIT_WORD(idx); w <= BIT_WORD(idx + n - 1); w++)
		nz_update(mem, w);
}

/* First word at or after @w with used pages, or nwords. */
static unsigned long nz_next(const struct dma_coherent_mem *mem,
			     unsigned long w)
{
	unsigned long i = w, v;
	unsigned int j = 0;

	for (;;) {
		if (i >= mem->nz_n[j])
			return mem->nwords;
		v = mem->nz[mem->nz_off[j] + i / BITS_PER_LONG] &
		    (~0UL << (i % BITS_PER_LONG));
		if (v) {
			i = round_down(i, BITS_PER_LONG) + __ffs(v);
			break;
		}
		if (++j > mem->nz_top)
			return mem->nwords;
		i = i / BITS_PER_LONG + 1;
	}
	while (j--)
		i = i * BITS_PER_LONG + __ffs(mem->nz[mem->nz_off[j] + i]);
	return i;
}

/* Last word at or before @w with used pages, or -1. */
static long nz_prev(const struct dma_coherent_mem *mem, long w)
{
	unsigned long i = w, v;
	unsigned int j = 0;

	if (w < 0)
		return -1;
	for (;;) {
		v = mem->nz[mem->nz_off[j] + i / BITS_PER_LONG] &
		    (~0UL >> (BITS_PER_LONG - 1 - i % BITS_PER_LONG));
		if (v) {
			i = round_down(i, BITS_PER_LONG) + __fls(v);
			break;
		}
		if (++j > mem->nz_top || i < BITS_PER_LONG)
			return -1;
		i = i / BITS_PER_LONG - 1;
	}
	while (j--)
		i = i * BITS_PER_LONG + __fls(mem->nz[mem->nz_off[j] + i]);
	return i;
}

/* Bitmap index of the first used page in word @w or after. */
static __always_inline unsigned long
pool_next_used(const struct dma_coherent_mem *mem, unsigned long w)
{
	if (w < mem->nwords && mem->used[w])
		return w * WORD_PAGES + __ffs(mem->used[w]);
	w = nz_next(mem, w + 1 < mem->nwords ? w + 1 : mem->nwords);
	if (w >= mem->nwords)
		return mem->nwords * WORD_PAGES;
	return w * WORD_PAGES + __ffs(mem->used[w]);
}

/* Bitmap index of the last used page before @idx, or -1. */
static long pool_prev_used(const struct dma_coherent_mem *mem,
			   unsigned long idx)
{
	unsigned long w = BIT_WORD(idx), u;
	long p;

	u = idx % WORD_PAGES ? mem->used[w] & BITMAP_LAST_WORD_MASK(idx) : 0;
	if (u)
		return w * WORD_PAGES + __fls(u);
	p = nz_prev(mem, (long)w - 1);
	if (p < 0)
		return -1;
	return p * WORD_PAGES + __fls(mem->used[p]);
}

/*
 * Fits in the u8 tree: exact below FIT_EXACT pages, above it the power
 * of two and the next bit, rounded down, so that comparisons stay safe.
 */
static unsigned int fit_enc(unsigned long v)
{
	unsigned int k;

	if (v < FIT_EXACT)
		return v;
	k = fls_long(v);
	return FIT_EXACT + 2 * (k - 8) + ((v >> (k - 2)) & 1);
}

static unsigned long fit_dec(unsigned int e)
{
	unsigned int k;

	if (e < FIT_EXACT)
		return e;
	k = (e - FIT_EXACT) / 2 + 8;
	return (2UL | ((e - FIT_EXACT) & 1)) << (k - 2);
}

/*
 * Set the fit of word @w to @v and the maxima above it.  A node that
 * grows to @v needs no look at its siblings; one that shrinks is
 * recomputed only if it held the maximum.
 */
static void fit_update(struct dma_coherent_mem *mem, unsigned long w,
		       unsigned int v)
{
	unsigned int old = mem->fit[w], j;
	unsigned long i = w;
	u8 *c, *p;

	mem->fit[w] = v;
	for (j = 1; j <= mem->fit_top; j++) {
		i /= 4;
		p = mem->fit + mem->fit_off[j] + i;
		if (v < old) {
			if (*p != old)
				return;
			c = mem->fit + mem->fit_off[j - 1] + 4 * i;
			v = max(max(c[0], c[1]), max(c[2], c[3]));
		} else if (*p >= v) {
			return;
		}
		old = *p;
		if (old == v)
			return;
		*p = v;
	}
}

/*
 * Largest request that fits naturally aligned in the free pages @s..@e - 1
 * (absolute page numbers, @s < @e).  Exactly one multiple q of the largest
 * alignment 1 << k found in the range lies in it: a request from q takes
 * the rest of the range, and one before q at most the largest aligned
 * block that ends at q.
 */
static unsigned long ext_fit(unsigned long s, unsigned long e)
{
	unsigned int k = __fls((s - 1) ^ (e - 1));
	unsigned long q = (e - 1) & ~((1UL << k) - 1);

	if (q <= s)
		return e - s;
	return max(e - q, 1UL << __fls(q - s));
}

/*
 * Extent classes, by the largest naturally aligned request a free extent
 * can take: 1, 2, 3, 4, then two per power of two up to 64 pages (5-6,
 * 7-8, ..., 49-64), then 65-128, 129-256, 257-1024 and more.
 */
static const unsigned short class_lo[EXT_CLASSES] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 129, 257, 1025,
};

static unsigned int ext_class(unsigned long v)
{
	static const u8 small[] = {
		0, 0, 1, 2, 3, 4, 4, 5, 5, 6, 6, 6, 6, 7, 7, 7, 7,
		8, 8, 8, 8, 8, 8, 8, 8, 9, 9, 9, 9, 9, 9, 9, 9,
		10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10,
		11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11, 11,
	};

	/* The table covers 0..64 pages whatever the size of a long. */
	if (v < ARRAY_SIZE(small))
		return small[v];
	return v <= 128 ? 12 : v <= 256 ? 13 : v <= 1024 ? 14 : 15;
}

/* Starts of the free extents in word @w. */
static unsigned long ext_starts(const struct dma_coherent_mem *mem,
				unsigned long w)
{
	unsigned long u = mem->used[w];
	unsigned long prev = w ? mem->used[w - 1] >> (BITS_PER_LONG - 1) : 1;

	return ~u & ((u << 1) | prev);
}

/* Fit of the extent from bit @b of word @w, which ends at @e (bits). */
static __always_inline unsigned long
ext_fit_at(const struct dma_coherent_mem *mem, unsigned long w,
	   unsigned int b, unsigned long *e)
{
	unsigned long rest = mem->used[w] >> b, s;

	if (likely(rest)) {
		/* Inside the word: its base is aligned beyond any fit here. */
		*e = w * WORD_PAGES + b + __ffs(rest);
		return ext_fit(b, b + __ffs(rest));
	}
	s = w * WORD_PAGES + b;
	*e = pool_next_used(mem, w + 1);
	return ext_fit(mem->abs0 + s, mem->abs0 + *e);
}

/* Classes of the free extents that start in word @w, and their best fit. */
static unsigned int word_classes(const struct dma_coherent_mem *mem,
				 unsigned long w, unsigned long *best)
{
	unsigned long st = ext_starts(mem, w), e, f;
	unsigned int mask = 0;

	*best = 0;
	for (; st; st &= st - 1) {
		f = ext_fit_at(mem, w, __ffs(st), &e);
		*best = max(*best, f);
		mask |= 1U << ext_class(f);
	}
	return mask;
}

/* Bit of class @c, entry @i, of summary level @j (>= 1). */
static inline unsigned long cls_bit(const struct dma_coherent_mem *mem,
				    unsigned int j, unsigned int c,
				    unsigned long i)
{
	return mem->cls_off[j] + c * mem->cls_stride[j] + i;
}

/*
 * The block of BITS_PER_LONG entries holding @i, class @c, level @j >= 1.
 * No class's row crosses a long, except at long boundaries.
 */
static __always_inline unsigned long
cls_block(const struct dma_coherent_mem *mem, unsigned int j, unsigned int c,
	  unsigned long i)
{
	unsigned long b = cls_bit(mem, j, c, i & ~(unsigned long)(BITS_PER_LONG - 1));
	unsigned long v = mem->cls[BIT_WORD(b)] >> (b % BITS_PER_LONG);

	if (mem->cls_stride[j] < BITS_PER_LONG)
		v &= (1UL << mem->cls_stride[j]) - 1;
	return v;
}

/* Classes of the extents starting in word @w: four words per u64. */
static inline unsigned int wcls_get(const struct dma_coherent_mem *mem,
				    unsigned long w)
{
	return (mem->wcls[w / 4] >> (16 * (w % 4))) & 0xffff;
}

static inline void wcls_set(struct dma_coherent_mem *mem, unsigned long w,
			    unsigned int v)
{
	unsigned int sh = 16 * (w % 4);

	mem->wcls[w / 4] = (mem->wcls[w / 4] & ~(0xffffULL << sh)) |
			   (u64)v << sh;
}

/* First word from @w to the end of its group with class @c, or nwords. */
static __always_inline unsigned long
cls_group_next(const struct dma_coherent_mem *mem, unsigned int c,
	       unsigned long w)
{
	u64 lanes = 0x0001000100010001ULL << c, v;
	unsigned long i = w / 4, end = round_up(w + 1, CLS_GROUP) / 4;

	if (unlikely(end > mem->wcls_n))
		end = mem->wcls_n;

	v = mem->wcls[i] & lanes & (~0ULL << (16 * (w % 4)));
	while (!v) {
		if (++i == end)
			return mem->nwords;
		v = mem->wcls[i] & lanes;
	}
	return 4 * i + __ffs64(v) / 16;
}

/* Whether some word of the group of word @w has extents of class @c. */
static bool cls_group_any(const struct dma_coherent_mem *mem, unsigned int c,
			  unsigned long w)
{
	unsigned long i = round_down(w, CLS_GROUP) / 4;
	const u64 *g = mem->wcls + i;

	BUILD_BUG_ON(CLS_GROUP != 16);
	if (unlikely(i + 4 > mem->wcls_n))
		return cls_group_next(mem, c, round_down(w, CLS_GROUP)) < mem->nwords;
	return ((g[0] | g[1] | g[2] | g[3]) & (0x0001000100010001ULL << c)) != 0;
}

/* Record in the summaries whether word @w has extents of class @c. */
static void cls_assign(struct dma_coherent_mem *mem, unsigned int c,
		       unsigned long w, bool on)
{
	unsigned long i = w / CLS_GROUP, bit;
	unsigned int j;
	bool any;

	any = on || cls_group_any(mem, c, w);
	for (j = 1;; j++) {
		bit = cls_bit(mem, j, c, i);
		if (test_bit(bit, mem->cls) == any)
			return;
		if (any)
			__set_bit(bit, mem->cls);
		else
			__clear_bit(bit, mem->cls);
		if (j == mem->cls_levels)
			break;
		any = cls_block(mem, j, c, i) != 0;
		i /= BITS_PER_LONG;
	}
	if (cls_block(mem, j, c, 0))
		mem->cls_top |= 1U << c;
	else
		mem->cls_top &= ~(1U << c);
}

/* Bring the class index of word @w up to date. */
static void cls_update(struct dma_coherent_mem *mem, unsigned long w)
{
	unsigned long best, diff;
	unsigned int now = word_classes(mem, w, &best), c;

	if (mem->fit[w] != fit_enc(best))
		fit_update(mem, w, fit_enc(best));
	diff = now ^ wcls_get(mem, w);
	wcls_set(mem, w, now);
	for (; diff; diff &= diff - 1) {
		c = __ffs(diff);
		cls_assign(mem, c, w, now & (1U << c));
	}
}

/* First word at or after @w with a free extent of class @c, or nwords. */
static unsigned long cls_next(const struct dma_coherent_mem *mem,
			      unsigned int c, unsigned long w)
{
	unsigned long i, v;
	unsigned int j = 1;

	if (w >= mem->nwords)
		return mem->nwords;
	i = cls_group_next(mem, c, w);
	if (i < mem->nwords)
		return i;
	for (i = w / CLS_GROUP + 1;; i = i / BITS_PER_LONG + 1) {
		if (i >= mem->cls_n[j])
			return mem->nwords;
		v = cls_block(mem, j, c, i) >> (i % BITS_PER_LONG);
		if (v) {
			i += __ffs(v);
			break;
		}
		if (j++ == mem->cls_levels)
			return mem->nwords;
	}
	for (; j > 1; j--) {
		i *= BITS_PER_LONG;
		i += __ffs(cls_block(mem, j - 1, c, i));
	}
	return cls_group_next(mem, c, i * CLS_GROUP);
}

/* Lowest word with a free extent of class @c, which must have one. */
static unsigned long cls_first(const struct dma_coherent_mem *mem,
			       unsigned int c)
{
	unsigned long i = 0;
	unsigned int j;

	for (j = mem->cls_levels; j >= 1; j--)
		i = i * BITS_PER_LONG + __ffs(cls_block(mem, j, c, i * BITS_PER_LONG));
	return cls_group_next(mem, c, i * CLS_GROUP);
}

/*
 * Update the class index after pages @a..@b - 1 changed state.  Only two
 * words can see their extent starts or classes change: the one where the
 * free extent that reaches @a - 1 (or, if none, @a) starts, and the one
 * of @b when that page is free (a start gained or lost).  The pages
 * between belong to one extent before or after and start nothing.
 */
static void cls_changed(struct dma_coherent_mem *mem, unsigned long a,
			unsigned long b)
{
	unsigned long wb = BIT_WORD(b), ws = BIT_WORD(a);

	if (a && !test_bit(a - 1, mem->used))
		ws = BIT_WORD(pool_prev_used(mem, a - 1) + 1);
	cls_update(mem, ws);
	if (wb != ws && b < mem->nbits && !test_bit(b, mem->used))
		cls_update(mem, wb);
}

/* Of two places in a free extent, the one that leaves the bigger fit. */
static unsigned long ext_place(const struct dma_coherent_mem *mem,
			       unsigned long s, unsigned long e,
			       unsigned long n, unsigned int order)
{
	unsigned long a = mem->abs0, mask = (1UL << order) - 1, q0, ql;
	unsigned long f0, fl;

	q0 = ((a + s + mask) & ~mask) - a;
	ql = ((a + e - n) & ~mask) - a;
	if (ql == q0)
		return q0;
	f0 = max(q0 > s ? ext_fit(a + s, a + q0) : 0, ext_fit(a + q0 + n, a + e));
	fl = max(ext_fit(a + s, a + ql), ql + n < e ? ext_fit(a + ql + n, a + e) : 0);
	return fl > f0 ? ql : q0;
}

/*
 * Segregated fit: the free extent of the smallest class that certainly
 * takes @n pages of @order, lowest address first.  When the class of @n
 * itself may hold extents too small, its first EXT_PROBES extents are
 * tried first and the tightest that fits wins.  Returns the bitmap index
 * or -1 (the caller falls back to the fit tree).
 */
static long pool_find_class(const struct dma_coherent_mem *mem,
			    unsigned long n, unsigned int order)
{
	unsigned int cn = ext_class(n), c, probes = 0, b;
	unsigned long w, st, s, e, f, bs = 0, be = 0, bf = ULONG_MAX;
	unsigned long avail;

	if (class_lo[cn] < n) {
		if (!(mem->cls_top & (1U << cn)))
			goto above;
		for (w = cls_first(mem, cn); w < mem->nwords && probes < EXT_PROBES;
		     w = cls_next(mem, cn, w + 1)) {
			for (st = ext_starts(mem, w); st && probes < EXT_PROBES;
			     st &= st - 1) {
				b = __ffs(st);
				f = ext_fit_at(mem, w, b, &e);
				if (ext_class(f) != cn)
					continue;
				probes++;
				s = w * WORD_PAGES + b;
				if (f >= n && f < bf) {
					bf = f;
					bs = s;
					be = e;
					/* Nothing fits tighter: stop probing. */
					if (f == n)
						probes = EXT_PROBES;
				}
			}
		}
		if (bf != ULONG_MAX)
			return ext_place(mem, bs, be, n, order);
above:
		cn++;
	}
	avail = mem->cls_top & (~0U << cn);
	if (cn >= EXT_CLASSES || !avail)
		return -1;
	c = __ffs(avail);
	w = cls_first(mem, c);
	if (WARN_ON_ONCE(w >= mem->nwords))
		return -1;
	for (st = ext_starts(mem, w); st; st &= st - 1) {
		b = __ffs(st);
		if (ext_class(ext_fit_at(mem, w, b, &e)) == c)
			return ext_place(mem, w * WORD_PAGES + b, e, n, order);
	}
	WARN_ON_ONCE(1);
	return -1;
}

/*
 * Exact search with the fit tree: some free extent takes @n pages iff the
 * root says so (below FIT_EXACT pages; above, only certain fits are
 * found).  Best fit by maxima on the way down.  Returns the bitmap index
 * or -1.  O(log4(words)).
 */
static long pool_find_fit(const struct dma_coherent_mem *mem,
			  unsigned long n, unsigned int order)
{
	unsigned int need = n < FIT_EXACT ? n : fit_enc(n) + 1, j, k, pick;
	unsigned long i = 0, st, e, f, s, bs = 0, be = 0, bf = ULONG_MAX;
	const u8 *c;

	if (need > 0xff || mem->fit[mem->fit_off[mem->fit_top]] < need)
		return -1;
	for (j = mem->fit_top; j--;) {
		c = mem->fit + mem->fit_off[j] + 4 * i;
		pick = 4;
		for (k = 0; k < 4; k++)
			if (c[k] >= need && (pick == 4 || c[k] < c[pick]))
				pick = k;
		if (WARN_ON_ONCE(pick == 4))
			return -1;
		i = 4 * i + pick;
	}
	for (st = ext_starts(mem, i); st; st &= st - 1) {
		s = i * WORD_PAGES + __ffs(st);
		f = ext_fit_at(mem, i, __ffs(st), &e);
		if (f >= n && f < bf) {
			bf = f;
			bs = s;
			be = e;
		}
	}
	if (WARN_ON_ONCE(bf == ULONG_MAX))
		return -1;
	return ext_place(mem, bs, be, n, order);
}

/*
 * The alignment order a buffer of @n pages wants in @mem: its order,
 * capped at 1 MiB; over 1 MiB, no more than the base's own alignment
 * (all that 6.12 gave there).
 */
static unsigned int pool_want(const struct dma_coherent_mem *mem, unsigned long n)
{
	unsigned int want = min_t(unsigned int, order_base_2(n), CAPPED_ALIGN_ORDER);

	if (order_base_2(n) > CAPPED_ALIGN_ORDER)
		want = min(want, mem->base_order);
	return want;
}

/*
 * Find room for @n pages at alignment order @want (order_base_2(@n), or
 * the cap): returns the bitmap index or -1, and in *@got the alignment
 * order given, lower than @want only in a pool whose base is not aligned
 * to @want.  The index decides what it can in bounded time; the linear
 * scan does the rest (see pool_scan()).
 */
static long pool_search(const struct dma_coherent_mem *mem, unsigned long n,
			unsigned int want, unsigned int *got)
{
	bool exact = false;
	long idx;

	*got = want;
	if (want == order_base_2(n)) {
		if (!mem->classes) {
			idx = tree_find(mem, n, want);
			exact = n <= WORD_PAGES;
		} else {
			idx = pool_find_class(mem, n, want);
			if (idx < 0)
				idx = pool_find_fit(mem, n, want);
			exact = n < FIT_EXACT;
		}
		if (idx >= 0)
			return idx;
	}
	if (mem->base_order >= want)
		return exact ? -1 : pool_scan(mem, n, want, want, got);
	/* Never below what 6.12 gave: its alignment was relative to the base. */
	return pool_scan(mem, n, want, mem->base_order, got);
}

/* Bring the search index up to date after pages @idx..@idx + @n - 1 changed. */
static void pool_index_changed(struct dma_coherent_mem *mem, unsigned long idx,
			       unsigned long n)
{
	if (!mem->classes) {
		tree_update(mem, BIT_WORD(idx), BIT_WORD(idx + n - 1));
		return;
	}
	nz_range(mem, idx, n);
	cls_changed(mem, idx, idx + n);
}

/* Pages of the largest request the index can place now. */
static unsigned long pool_largest(const struct dma_coherent_mem *mem)
{
	unsigned int v;

	if (mem->classes)
		return fit_dec(mem->fit[mem->fit_off[mem->fit_top]]);
	v = mem->tree[1];
	return v <= WORD_PAGES ? v : (unsigned long)WORD_PAGES << (v - WORD_PAGES);
}

static struct dma_coherent_user *pool_user(struct dma_coherent_mem *mem,
					   struct device *dev)
{
	struct dma_coherent_user *u;

	list_for_each_entry(u, &mem->users, node)
		if (u->dev == dev)
			return u;
	return NULL;
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
	unsigned long n, flags, page;
	unsigned int want, got;
	long idx = -1;
	void *ret;

	*next = NULL;
	if (size <= 0)
		return NULL;
	n = PAGE_ALIGN((size_t)size) >> PAGE_SHIFT;
	want = pool_want(mem, n);

	spin_lock_irqsave(&mem->lock, flags);
	u = dev ? pool_user(mem, dev) : NULL;
	if (u)
		*next = u->next;
	if (n <= mem->pages && mem->refs)
		idx = pool_search(mem, n, want, &got);
	if (idx < 0) {
		mem->stats.failures++;
		fail->free = mem->free;
		fail->largest = pool_largest(mem);
		spin_unlock_irqrestore(&mem->lock, flags);
		trace_dma_coherent_alloc_fail(dev, mem->name, size, fail->free,
					      fail->largest);
		return NULL;
	}
	bits_assign(mem->used, idx, n, true);
	__set_bit(idx, mem->start);
	pool_index_changed(mem, idx, n);
	mem->free -= n;
	mem->live++;
	mem->refs++;
	mem->stats.allocs++;
	if (got < want)
		mem->stats.degraded++;
	mem->stats.peak = max(mem->stats.peak, mem->pages - mem->free);
	spin_unlock_irqrestore(&mem->lock, flags);

	page = idx - mem->off;
	ret = mem->virt_base + ((size_t)page << PAGE_SHIFT);
	*dma_handle = pool_dma(mem, dev, page << PAGE_SHIFT);
	memset(ret, 0, n << PAGE_SHIFT);
	trace_dma_coherent_alloc(dev, mem->name, size, n, *dma_handle);
	if (got < want)
		trace_dma_coherent_alloc_degraded(dev, mem->name, size,
						  *dma_handle, want, got);
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
static LIST_HEAD(dma_coherent_pools);
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

/* The pool holding @vaddr, or NULL.  Caller holds rcu_read_lock(). */
static struct dma_coherent_mem *pool_lookup(const void *vaddr)
{
	struct dma_coherent_mem *mem;

	list_for_each_entry_rcu(mem, &dma_coherent_pools, node)
		if (pool_owns(mem, vaddr))
			return mem;
	return NULL;
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
 * End (bitmap index) of the live buffer that starts at @idx: the next
 * start bit or free page, looking no further than @limit.
 */
static unsigned long pool_buffer_end(const struct dma_coherent_mem *mem,
				     unsigned long idx, unsigned long limit)
{
	unsigned long end;

	/* Mostly the buffer ends in its first word: no search. */
	end = (mem->start[BIT_WORD(idx)] | ~mem->used[BIT_WORD(idx)]) >>
	      (idx % BITS_PER_LONG) >> 1;
	if (end)
		return min(idx + 1 + __ffs(end), limit);
	return min(find_next_bit(mem->start, limit, idx + 1),
		   find_next_zero_bit(mem->used, limit, idx + 1));
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
	unsigned long idx = (offset >> PAGE_SHIFT) + mem->off;
	unsigned long limit = mem->nbits, n = 0, flags;
	const char *what = NULL;
	bool last;

	/*
	 * Large pools: start fetching what the free reads while the lock is
	 * taken.  Small ones stay in the cache.
	 */
	if (mem->classes && idx < mem->nbits) {
		prefetchw(mem->used + BIT_WORD(idx));
		prefetchw(mem->start + BIT_WORD(idx));
		prefetchw(mem->wcls + BIT_WORD(idx) / 4);
		prefetchw(mem->fit + BIT_WORD(idx));
		prefetchw(mem->fit + mem->fit_off[1] + BIT_WORD(idx) / 4);
	}
	spin_lock_irqsave(&mem->lock, flags);
	if (offset & ~PAGE_MASK) {
		what = "not page aligned";
	} else if (!test_bit(idx, mem->start)) {
		what = test_bit(idx, mem->used) ? "inside a live buffer" :
						  "not allocated (double free?)";
	} else if (order < 0 || order >= BITS_PER_LONG - 1) {
		what = "impossible order";
	} else {
		/* Look one page past what @order allows, no further. */
		if (limit - idx > (1UL << order) + 1)
			limit = idx + (1UL << order) + 1;
		n = pool_buffer_end(mem, idx, limit) - idx;
		if (order_base_2(n) != order)
			what = "order does not match the buffer";
	}
	if (what) {
		mem->stats.misuse++;
		spin_unlock_irqrestore(&mem->lock, flags);
		pool_report(mem, dev, vaddr, order, what);
		return;
	}
	bits_assign(mem->used, idx, n, false);
	__clear_bit(idx, mem->start);
	pool_index_changed(mem, idx, n);
	mem->free += n;
	mem->live--;
	mem->stats.frees++;
	last = pool_unref(mem, 1);
	spin_unlock_irqrestore(&mem->lock, flags);
	trace_dma_coherent_free(dev, mem->name, n, pool_dma(mem, dev, offset));
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
	unsigned long first = offset >> PAGE_SHIFT, idx = mem->off + first;
	unsigned long pgoff = vma->vm_pgoff, count, user_count, s, flags;
	bool ok = false;

	if (size > ((size_t)mem->pages << PAGE_SHIFT) - offset)
		return false;
	count = PAGE_ALIGN(size) >> PAGE_SHIFT;
	user_count = vma_pages(vma);
	if (pgoff >= count || user_count > count - pgoff)
		return false;

	spin_lock_irqsave(&mem->lock, flags);
	if (test_bit(idx, mem->used)) {
		/* The buffer's first page: @idx itself, or the start bit below. */
		s = idx;
		if (!test_bit(idx, mem->start)) {
			s = find_last_bit(mem->start, idx);
			if (s >= idx || find_next_zero_bit(mem->used, idx, s) < idx)
				s = ULONG_MAX;
		}
		ok = s != ULONG_MAX &&
		     pool_buffer_end(mem, s, mem->nbits) - idx >= pgoff + user_count;
	}
	if (!ok)
		mem->stats.misuse++;
	spin_unlock_irqrestore(&mem->lock, flags);
	if (!ok)
		pr_warn_ratelimited("pool %s: mmap of %zu bytes at page %lu (+%lu) is not within one live buffer; refused\n",
				    mem->name, size, first, pgoff);
	*pfn = mem->pfn_base + first + pgoff;
	return ok;
}

/* Does [start, start + len) wrap around @max? */
static bool range_wraps(u64 start, u64 len, u64 max)
{
	return start > max || len - 1 > max - start;
}

#ifdef CONFIG_DEBUG_FS
/*
 * /sys/kernel/debug/dma-coherent/<pool>/: read-only views of a pool, and
 * "peak", which writing 0 resets to the pages in use now.  Values are read
 * under the pool's lock; the slow ones (maxchunk, free_extents, bitmap,
 * starts) from a snapshot of the bitmap taken under it.
 */
/* Serialises the directories; the root is made with the first of them. */
static DEFINE_MUTEX(dma_coherent_debugfs_lock);
static struct dentry *dma_coherent_debugfs_root;

/* Copy one of the pool's bitmaps, pool pages only, for the slow readers. */
static unsigned long *pool_snapshot(struct dma_coherent_mem *mem, bool starts)
{
	size_t nwords = BITS_TO_LONGS(mem->nbits);
	unsigned long *raw, *map, flags;

	raw = kvmalloc_array(nwords, sizeof(long), GFP_KERNEL);
	map = kvcalloc(nwords, sizeof(long), GFP_KERNEL);
	if (!raw || !map) {
		kvfree(raw);
		kvfree(map);
		return NULL;
	}
	spin_lock_irqsave(&mem->lock, flags);
	memcpy(raw, starts ? mem->start : mem->used, nwords * sizeof(long));
	spin_unlock_irqrestore(&mem->lock, flags);
	bitmap_shift_right(map, raw, mem->off, mem->nbits);
	kvfree(raw);
	return map;
}

/*
 * Largest request that fits at natural alignment, and the number of free
 * extents, from a snapshot of the used bitmap.
 */
static void pool_extents(struct dma_coherent_mem *mem, unsigned long *used,
			 unsigned long *maxchunk, unsigned long *extents)
{
	unsigned long s = 0, e, p, fit, abs0 = mem->abs0 + mem->off;
	unsigned int k;

	*maxchunk = 0;
	*extents = 0;
	for (;;) {
		s = find_next_zero_bit(used, mem->pages, s);
		if (s >= mem->pages)
			break;
		e = find_next_bit(used, mem->pages, s);
		(*extents)++;
		for (k = 0; k < BITS_PER_LONG - 1 && (1UL << k) <= e - s; k++) {
			p = s + ((-(abs0 + s)) & ((1UL << k) - 1));
			if (p >= e)
				continue;
			fit = min(e - p, 1UL << k);
			*maxchunk = max(*maxchunk, fit);
		}
		s = e;
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
struct pool_attr {
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

static int pool_show_extents(struct seq_file *m, struct dma_coherent_mem *mem,
			     bool want_max)
{
	unsigned long *used = pool_snapshot(mem, false), maxchunk, extents;

	if (!used)
		return -ENOMEM;
	pool_extents(mem, used, &maxchunk, &extents);
	kvfree(used);
	seq_printf(m, "%lu\n", want_max ? maxchunk : extents);
	return 0;
}

static int __pool_attr_show(struct seq_file *m)
{
	const struct pool_attr *attr = m->private;
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
	case PA_MAXCHUNK:
	case PA_FREE_EXTENTS:
		return pool_show_extents(m, mem, attr->id == PA_MAXCHUNK);
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
		val = mem->pages - mem->free;
		break;
	case PA_PEAK:
		val = mem->stats.peak;
		break;
	case PA_LIVE:
		val = mem->live;
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
	const struct pool_attr *attr;
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
		attr->mem->stats.peak = attr->mem->pages - attr->mem->free;
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
	struct pool_attr *attrs;
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

static void pool_debugfs_remove(struct dma_coherent_mem *mem)
{
	mutex_lock(&dma_coherent_debugfs_lock);
	debugfs_remove_recursive(mem->debugfs);
	mutex_unlock(&dma_coherent_debugfs_lock);
	kfree(mem->debugfs_attrs);
}

static bool pool_get(struct dma_coherent_mem *mem);
static void pool_put(struct dma_coherent_mem *mem);

static void pool_debugfs_register(struct dma_coherent_mem *mem)
{
	mutex_lock(&dma_coherent_debugfs_lock);
	pool_debugfs_add(mem);
	mutex_unlock(&dma_coherent_debugfs_lock);
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
			if (!mem->debugfs_tried && pool_get(mem)) {
				todo = mem;
				break;
			}
		}
		rcu_read_unlock();
		if (todo) {
			/* Once each, even with debugfs off (debugfs=off). */
			todo->debugfs_tried = true;
			pool_debugfs_add(todo);
			pool_put(todo);
		}
	} while (todo);
	mutex_unlock(&dma_coherent_debugfs_lock);
	return 0;
}
late_initcall(dma_coherent_debugfs_init);
#else
static inline void pool_debugfs_register(struct dma_coherent_mem *mem) { }
static inline void pool_debugfs_remove(struct dma_coherent_mem *mem) { }
#endif /* CONFIG_DEBUG_FS */

/*
 * Free @mem, out of the registry (pool_unref()) or never in it, once no
 * lookup can see it: no device is attached and no buffer is live.
 */
static void pool_destroy(struct dma_coherent_mem *mem)
{
	synchronize_rcu();
	pool_debugfs_remove(mem);
	memunmap(mem->virt_base);
	kvfree(mem->used);
	kvfree(mem->start);
	kvfree(mem->index);
	kfree(mem->name);
	kfree(mem);
}

static void pool_destroy_work(struct work_struct *work)
{
	pool_destroy(container_of(work, struct dma_coherent_mem, destroy_work));
}

#ifdef CONFIG_DEBUG_FS
/* Take a reference unless the pool is going; for debugfs. */
static bool pool_get(struct dma_coherent_mem *mem)
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

static void pool_put(struct dma_coherent_mem *mem)
{
	unsigned long flags;
	bool last;

	spin_lock_irqsave(&mem->lock, flags);
	last = pool_unref(mem, 1);
	spin_unlock_irqrestore(&mem->lock, flags);
	if (last)
		queue_work(dma_coherent_wq, &mem->destroy_work);
}
#endif

/*
 * A declared pool released while buffers are still live: no device can
 * reach it any more, so it can only lose buffers until it goes.  Read
 * without its lock (the registry lock comes after a pool lock).
 */
static bool pool_orphaned(struct dma_coherent_mem *mem)
{
	bool unused, live;

	/* Racy on purpose: an orphan gains no device, only loses buffers. */
	unused = data_race(list_empty(&mem->users));
	/* Likewise: written under the pool's lock, which we may not take. */
	live = data_race(READ_ONCE(mem->live));
	return mem->declared && unused && live;
}

/*
 * List @mem in the registry, first, so that on architectures whose
 * memremap() gives the same address for the same range the newest pool
 * wins lookups.  Refused when its range overlaps a released pool whose
 * buffers are still live: those pages are not free.  Other overlaps were
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
	pool_debugfs_register(mem);
	return 0;
}

/*
 * Shape of the summary tree of a pool of @nwords words whose bitmap word
 * 0 is absolute word @w0; returns its size in bytes.
 */
static size_t tree_layout(struct dma_coherent_mem *mem, u64 w0)
{
	unsigned long s;

	/*
	 * The tree's leaves start on an aligned block of 2^s words, the
	 * smallest of which four cover the pool, so that the tree has at most
	 * 8/3 nodes per word for any base.  Levels up to s are aligned on the
	 * absolute address; the two above are where the base allows.
	 */
	for (s = 0; ((w0 + mem->nwords - 1) >> s) - (w0 >> s) > 3; s++)
		;
	mem->levels = s + 2;
	mem->vbase = w0 & ((1ULL << s) - 1);
	mem->merge_top = s + (w0 >> s & 1 ? 0 : w0 >> s & 2 ? 1 : 2);
	/* The leaves follow the nodes. */
	return (1UL << mem->levels) + mem->nwords;
}

/*
 * Shape of the extent-class index; returns its size in bytes and the
 * offsets of its four arrays in @at: used-word index, class summaries,
 * class masks, fit tree.
 */
static size_t class_layout(struct dma_coherent_mem *mem, size_t at[4])
{
	unsigned long s, n, total;
	size_t bytes;

	/* Used-word index: levels of whole longs, up to one long. */
	for (s = 0, total = 0, n = mem->nwords;; s++, n = DIV_ROUND_UP(n, BITS_PER_LONG)) {
		mem->nz_off[s] = total;
		mem->nz_n[s] = n;
		total += BITS_TO_LONGS(n);
		if (n <= BITS_PER_LONG)
			break;
	}
	mem->nz_top = s;
	at[0] = 0;
	bytes = total * sizeof(long);
	/* Class summaries: bits of all classes, level by level. */
	n = DIV_ROUND_UP(mem->nwords, CLS_GROUP);
	for (s = 1, total = 0;; s++, n = DIV_ROUND_UP(n, BITS_PER_LONG)) {
		/* Rows of a power of two bits, or of whole longs. */
		mem->cls_off[s] = total;
		mem->cls_n[s] = n;
		mem->cls_stride[s] = n < BITS_PER_LONG ? roundup_pow_of_two(n) :
							 round_up(n, BITS_PER_LONG);
		total += round_up(EXT_CLASSES * mem->cls_stride[s], BITS_PER_LONG);
		if (n <= BITS_PER_LONG)
			break;
	}
	mem->cls_levels = s;
	at[1] = bytes;
	bytes += BITS_TO_LONGS(total) * sizeof(long);
	/* Class masks, four words to a u64. */
	bytes = round_up(bytes, sizeof(u64));
	at[2] = bytes;
	mem->wcls_n = DIV_ROUND_UP(mem->nwords, 4);
	bytes += mem->wcls_n * sizeof(u64);
	/* Fit tree: levels of 4-entry blocks, leaves first, root last. */
	for (s = 0, total = 0, n = mem->nwords;; s++, n = DIV_ROUND_UP(n, 4)) {
		mem->fit_off[s] = total;
		total += round_up(n, 4);
		if (n == 1)
			break;
	}
	mem->fit_top = s;
	at[3] = bytes;
	return bytes + total;
}

/* Point the index arrays into @mem->index and fill them from the bitmap. */
static void pool_index_init(struct dma_coherent_mem *mem, const size_t at[4])
{
	unsigned long s;

	if (!mem->classes) {
		mem->tree = mem->index;
		mem->leaf = mem->tree + (1UL << mem->levels);
		for (s = 0; s < mem->nwords; s++)
			mem->leaf[s] = word_maxfit(mem->used[s]);
		for (s = (1UL << mem->levels) - 1; s >= 1; s--)
			mem->tree[s] = node_value(mem, s, mem->levels - ilog2(s));
		return;
	}
	mem->nz = mem->index + at[0];
	mem->cls = mem->index + at[1];
	mem->wcls = mem->index + at[2];
	mem->fit = mem->index + at[3];
	for (s = 0; s < mem->nwords; s++)
		nz_update(mem, s);
	for (s = 0; s < mem->nwords; s++)
		cls_update(mem, s);
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
	unsigned long head, pages, nwords;
	size_t bytes, at[4] = { 0 };
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

	align_pfn = use_dma_pfn_offset ? PHYS_PFN(phys_addr) :
					 (u64)device_addr >> PAGE_SHIFT;
	mem->off = align_pfn & (WORD_PAGES - 1);
	mem->nbits = mem->off + pages;
	mem->abs0 = align_pfn - mem->off;
	mem->base_order = align_pfn ? __ffs64(align_pfn) : BITS_PER_LONG;
	nwords = BITS_TO_LONGS(mem->nbits);
	mem->nwords = nwords;
	mem->classes = nwords > CLASS_INDEX_WORDS;
	if (mem->classes)
		bytes = class_layout(mem, at);
	else
		bytes = tree_layout(mem, align_pfn >> WORD_ORDER);
	mem->used = kvcalloc(nwords, sizeof(long), GFP_KERNEL);
	mem->start = kvcalloc(nwords, sizeof(long), GFP_KERNEL);
	mem->index = kvzalloc(bytes, GFP_KERNEL);
	if (!mem->used || !mem->start || !mem->index)
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
	mem->free = pages;
	mem->use_dev_dma_pfn_offset = use_dma_pfn_offset;
	mem->refs = refs;
	INIT_LIST_HEAD(&mem->users);
	spin_lock_init(&mem->lock);
	INIT_WORK(&mem->destroy_work, pool_destroy_work);

	/* Pages of the first and last word outside the pool: never free. */
	bits_assign(mem->used, 0, mem->off, true);
	bits_assign(mem->used, mem->nbits, nwords * WORD_PAGES - mem->nbits, true);
	pool_index_init(mem, at);
	return mem;

err_nomem:
	pr_err("%s: no memory for the pool's metadata (%lu pages)\n", name, pages);
err_free:
	kfree(mem->name);
	kvfree(mem->used);
	kvfree(mem->start);
	kvfree(mem->index);
	kfree(mem);
	return ERR_PTR(ret);
}

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
		dev->dma_mem = mem;
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
			orphans = mem->live;
	}
	/* A free racing with us may drop the last reference: keep @mem. */
	rcu_read_lock();
	spin_unlock_irqrestore(&mem->lock, flags);
	if (!u) {
		rcu_read_unlock();
		/* A chain naming a pool we are not attached to: end it here. */
		if (WARN_ON_ONCE(dev->dma_mem == mem))
			dev->dma_mem = NULL;
		return;
	}

	/* Unlink @mem from the device's chain of pools. */
	if (dev->dma_mem == mem)
		dev->dma_mem = u->next;
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
 * named after @phys_addr ("declared@<hex address>").  A range that
 * overlaps a pool in use (one released while its buffers are still live,
 * say) is refused.  This shall only be used from platform code.
 *
 * Context: process context, may sleep.
 * Return: 0 on success; -EINVAL for an empty, wrapping or unmappable
 * range; -EBUSY when @dev already has a pool or the range is in use;
 * -ENOMEM.
 */
int dma_declare_coherent_memory_flags(struct device *dev, phys_addr_t phys_addr,
				      dma_addr_t device_addr, size_t size,
				      unsigned int flags)
{
	static DEFINE_MUTEX(declare_lock);
	struct dma_coherent_mem *mem;
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
	struct dma_coherent_mem *mem = dev ? dev->dma_mem : NULL, *next;
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
	}
	mem = dev->dma_mem;
	if (fallback) {
		spin_lock_irqsave(&mem->lock, flags);
		mem->stats.fallbacks++;
		spin_unlock_irqrestore(&mem->lock, flags);
		return 0;
	}
	if (!(gfp & __GFP_NOWARN))
		dev_warn_ratelimited(dev, "coherent pool %s: no room for %zd bytes (%lu pages free, largest block %lu pages)\n",
				     mem->name, size, fail.free, fail.largest);
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
 * @dev:	device freeing the memory (for messages; any device will do)
 * @order:	get_order() of the buffer's size
 * @vaddr:	CPU address of the buffer
 *
 * The pool is found by address, so a buffer can be freed after its
 * device was released, or through another device of a shared pool.  A
 * pointer inside a pool that is not the start of a live buffer of @order
 * is reported and ignored.
 *
 * Context: any context.
 * Return: 1 if @vaddr lies in a pool (the caller is done), 0 if the
 * caller should free it as generic memory.
 */
int dma_release_from_dev_coherent(struct device *dev, int order, void *vaddr)
{
	struct dma_coherent_mem *mem;

	rcu_read_lock();
	mem = pool_lookup(vaddr);
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
	mem = pool_lookup(vaddr);
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
static int __init dma_init_reserved_memory(void)
{
	if (!dma_reserved_default_memory_size)
		return -ENOMEM;
	return dma_init_global_coherent(dma_reserved_default_memory_base,
					dma_reserved_default_memory_size);
}
core_initcall(dma_init_reserved_memory);
#endif /* CONFIG_DMA_GLOBAL_POOL */

RESERVEDMEM_OF_DECLARE(dma, "shared-dma-pool", rmem_dma_setup);
#endif
