// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of the global coherent pool (CONFIG_DMA_GLOBAL_POOL) as the
 * boot creates it: a device-tree "shared-dma-pool" region with the
 * "linux,dma-default" property, set up by dma_init_reserved_memory() at
 * core_initcall time.  The tests only use the public entry points,
 * dma_alloc_from_global_coherent(), dma_release_from_global_coherent()
 * and dma_mmap_from_global_coherent(), and dma_alloc_coherent() on a
 * device that is not DMA coherent, which dma-direct sends to the pool.
 *
 * User mappings are made as a driver makes them: mmap(MAP_SHARED) of a
 * file whose ->mmap() maps the buffer, in the process address space KUnit
 * attaches to the test thread (kunit_vm_mmap()); they are read and
 * written with copy_from_user() and copy_to_user().
 */
#include <kunit/test.h>
#include <kunit/device.h>
#include <linux/anon_inodes.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

/* The region the boot made the global pool from. */
struct global_ctx {
	struct reserved_mem *rmem;
	struct device *dev;
	phys_addr_t base;
	size_t size;
};

static void global_setup(struct kunit *test, struct global_ctx *ctx)
{
	struct reserved_mem *rmem;
	struct device_node *np;
	dma_addr_t h;
	void *buf;

	np = of_find_node_with_property(NULL, "linux,dma-default");
	if (!np)
		kunit_skip(test, "no \"linux,dma-default\" region in the device tree");
	rmem = of_reserved_mem_lookup(np);
	of_node_put(np);
	KUNIT_ASSERT_NOT_NULL_MSG(test, rmem, "linux,dma-default node: not a reserved region");
	ctx->rmem = rmem;
	ctx->base = rmem->base;
	ctx->size = rmem->size;

	ctx->dev = kunit_device_register(test, "dma-coherent-global");
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(ctx->dev));
	ctx->dev->coherent_dma_mask = DMA_BIT_MASK(32);
	ctx->dev->dma_mask = &ctx->dev->coherent_dma_mask;

	/* The boot must have made the pool: one page always fits. */
	buf = dma_alloc_from_global_coherent(ctx->dev, PAGE_SIZE, &h);
	KUNIT_ASSERT_NOT_NULL_MSG(test, buf,
				  "no global pool on %pa + %#zx: did the boot set it up?",
				  &ctx->base, ctx->size);
	KUNIT_ASSERT_EQ(test, dma_release_from_global_coherent(0, buf), 1);
}

/* Can the whole pool be one buffer (aligned to its own order)? */
static bool whole_pool_fits(const struct global_ctx *ctx)
{
	return IS_ALIGNED(ctx->base, PAGE_SIZE << get_order(ctx->size)) &&
	       IS_ALIGNED(ctx->size, PAGE_SIZE);
}

static bool in_region(const struct global_ctx *ctx, dma_addr_t h, size_t size)
{
	return h >= ctx->base && h - ctx->base < ctx->size &&
	       size <= ctx->size - (h - ctx->base);
}

static void global_alloc_free(struct kunit *test)
{
	static const size_t sizes[] = { PAGE_SIZE, 3 * PAGE_SIZE + 5, SZ_64K };
	void *buf[ARRAY_SIZE(sizes)];
	dma_addr_t h[ARRAY_SIZE(sizes)];
	struct global_ctx ctx;
	int i, j;

	global_setup(test, &ctx);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		buf[i] = dma_alloc_from_global_coherent(ctx.dev, sizes[i], &h[i]);
		KUNIT_ASSERT_NOT_NULL_MSG(test, buf[i], "%zu bytes", sizes[i]);
		KUNIT_EXPECT_TRUE_MSG(test, in_region(&ctx, h[i], sizes[i]),
				      "dma %pad outside the region", &h[i]);
		KUNIT_EXPECT_TRUE_MSG(test, !memchr_inv(buf[i], 0, sizes[i]),
				      "%zu-byte buffer not zeroed", sizes[i]);
		memset(buf[i], 0x40 + i, sizes[i]);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		/* CPU and DMA addresses name the same offset in the pool. */
		KUNIT_EXPECT_EQ(test, (long)(buf[i] - buf[0]), (long)(h[i] - h[0]));
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_TRUE(test, h[i] + sizes[i] <= h[j] || h[j] + sizes[j] <= h[i]);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		KUNIT_EXPECT_TRUE(test, !memchr_inv(buf[i], 0x40 + i, sizes[i]));
		KUNIT_EXPECT_EQ(test, dma_release_from_global_coherent(get_order(sizes[i]),
								       buf[i]), 1);
	}
}

/* The pool hands out all of itself, then nothing, then all of it again. */
static void global_exhaustion(struct kunit *test)
{
	struct global_ctx ctx;
	unsigned long n, max;
	dma_addr_t *h;
	void **b;

	global_setup(test, &ctx);
	if (!whole_pool_fits(&ctx) || !IS_ALIGNED(ctx.size, SZ_1M))
		kunit_skip(test, "region not in whole MiB, or not aligned to its size");
	max = ctx.size / SZ_1M;
	b = kunit_kcalloc(test, max + 1, sizeof(*b), GFP_KERNEL);
	h = kunit_kcalloc(test, max + 1, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, h);
	for (n = 0; n <= max; n++) {
		b[n] = dma_alloc_from_global_coherent(ctx.dev, SZ_1M, &h[n]);
		if (!b[n])
			break;
	}
	KUNIT_EXPECT_EQ_MSG(test, n, max, "1 MiB buffers from a %zu MiB pool", ctx.size / SZ_1M);
	while (n--)
		KUNIT_EXPECT_EQ(test, dma_release_from_global_coherent(get_order(SZ_1M), b[n]), 1);

	b[0] = dma_alloc_from_global_coherent(ctx.dev, ctx.size, &h[0]);
	KUNIT_ASSERT_NOT_NULL_MSG(test, b[0], "the whole pool after freeing everything");
	KUNIT_EXPECT_EQ(test, h[0], (dma_addr_t)ctx.base);
	KUNIT_EXPECT_EQ(test, dma_release_from_global_coherent(get_order(ctx.size), b[0]), 1);
}

/* Memory that is not the pool's is refused and left alone. */
static void global_release_foreign(struct kunit *test)
{
	struct global_ctx ctx;
	void *buf, *start, *end, *k;
	dma_addr_t h;

	global_setup(test, &ctx);
	buf = dma_alloc_from_global_coherent(ctx.dev, PAGE_SIZE, &h);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	start = buf - (h - ctx.base);
	end = start + ctx.size;
	k = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, k);

	KUNIT_EXPECT_EQ(test, dma_release_from_global_coherent(0, k), 0);
	KUNIT_EXPECT_EQ(test, dma_release_from_global_coherent(0, end), 0);
	KUNIT_EXPECT_EQ(test, dma_release_from_global_coherent(0, start - PAGE_SIZE), 0);
	KUNIT_EXPECT_EQ(test, dma_release_from_global_coherent(0, NULL), 0);

	/* The buffer is still live: the same page is not handed out twice. */
	memset(buf, 0x6b, PAGE_SIZE);
	k = dma_alloc_from_global_coherent(ctx.dev, PAGE_SIZE, &h);
	KUNIT_ASSERT_NOT_NULL(test, k);
	KUNIT_EXPECT_PTR_NE(test, k, buf);
	KUNIT_EXPECT_TRUE(test, !memchr_inv(buf, 0x6b, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, dma_release_from_global_coherent(0, k), 1);
	KUNIT_EXPECT_EQ(test, dma_release_from_global_coherent(0, buf), 1);
}

/* ---- mmap --------------------------------------------------------------- */

/*
 * A file whose ->mmap() maps one buffer, as a driver's does: with @dev,
 * through dma_mmap_coherent(); without, with dma_mmap_from_global_coherent()
 * directly, whose return value it keeps in @owned.
 */
struct map_ctx {
	struct device *dev;
	void *vaddr;
	dma_addr_t dma;
	size_t size;
	int owned;
};

static int map_ctx_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct map_ctx *m = file->private_data;
	int ret = -EFAULT;

	if (m->dev)
		return dma_mmap_coherent(m->dev, vma, m->vaddr, m->dma, m->size);
	m->owned = dma_mmap_from_global_coherent(vma, m->vaddr, m->size, &ret);
	return m->owned ? ret : -ENODEV;
}

static const struct file_operations map_ctx_fops = {
	.owner	= THIS_MODULE,
	.mmap	= map_ctx_mmap,
};

KUNIT_DEFINE_ACTION_WRAPPER(fput_action, fput, struct file *);

/*
 * mmap(MAP_SHARED) @pages pages of @m's buffer from page @pgoff on, into
 * the address space KUnit gives the test; the user address, or an errno
 * as vm_mmap() returns it.
 */
static unsigned long user_map(struct kunit *test, struct map_ctx *m,
			      unsigned long pages, unsigned long pgoff)
{
	struct file *file;
	unsigned long addr;

	m->owned = -1;
	file = anon_inode_getfile("dma-coherent-kunit", &map_ctx_fops, m, O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, fput_action, file));
	addr = kunit_vm_mmap(test, file, 0, pages << PAGE_SHIFT, PROT_READ | PROT_WRITE,
			     MAP_SHARED, pgoff << PAGE_SHIFT);
	KUNIT_ASSERT_NE_MSG(test, addr, 0, "kunit_vm_mmap");
	return addr;
}

static void global_mmap_buffer(struct kunit *test)
{
	const size_t size = 4 * PAGE_SIZE;
	struct global_ctx ctx;
	struct map_ctx m = { };
	unsigned long addr;
	void *copy;

	global_setup(test, &ctx);
	m.size = size;
	m.vaddr = dma_alloc_from_global_coherent(ctx.dev, size, &m.dma);
	KUNIT_ASSERT_NOT_NULL(test, m.vaddr);
	copy = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	memset(m.vaddr, 0x3c, size);

	addr = user_map(test, &m, size >> PAGE_SHIFT, 0);
	KUNIT_EXPECT_EQ(test, m.owned, 1);
	KUNIT_EXPECT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap: %ld", (long)addr);
	if (!IS_ERR_VALUE(addr)) {
		/* User space sees the buffer, and the CPU sees its writes. */
		KUNIT_EXPECT_EQ(test, copy_from_user(copy, (void __user *)addr, size), 0);
		KUNIT_EXPECT_TRUE(test, !memchr_inv(copy, 0x3c, size));
		memset(copy, 0xa5, PAGE_SIZE);
		KUNIT_EXPECT_EQ(test, copy_to_user((void __user *)addr + 2 * PAGE_SIZE,
						   copy, PAGE_SIZE), 0);
		KUNIT_EXPECT_TRUE(test, !memchr_inv(m.vaddr + 2 * PAGE_SIZE, 0xa5, PAGE_SIZE));
		KUNIT_EXPECT_TRUE(test, !memchr_inv(m.vaddr, 0x3c, 2 * PAGE_SIZE));
	}

	/* The last two pages alone, through the offset. */
	addr = user_map(test, &m, 2, 2);
	KUNIT_EXPECT_EQ(test, m.owned, 1);
	KUNIT_EXPECT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap at page 2: %ld", (long)addr);
	if (!IS_ERR_VALUE(addr)) {
		KUNIT_EXPECT_EQ(test, copy_from_user(copy, (void __user *)addr, PAGE_SIZE), 0);
		KUNIT_EXPECT_TRUE(test, !memchr_inv(copy, 0xa5, PAGE_SIZE));
	}
	KUNIT_EXPECT_EQ(test, dma_release_from_global_coherent(get_order(size), m.vaddr), 1);
}

static void global_mmap_refusals(struct kunit *test)
{
	const size_t size = 2 * PAGE_SIZE;
	struct global_ctx ctx;
	struct map_ctx m = { };
	unsigned long addr;
	void *buf;

	global_setup(test, &ctx);
	buf = dma_alloc_from_global_coherent(ctx.dev, size, &m.dma);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	/* Not the pool's: not claimed. */
	m.vaddr = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.vaddr);
	m.size = PAGE_SIZE;
	addr = user_map(test, &m, 1, 0);
	KUNIT_EXPECT_EQ(test, m.owned, 0);
	KUNIT_EXPECT_EQ(test, (long)addr, -ENODEV);

	/* More pages than the buffer, or an offset past it: -ENXIO. */
	m.vaddr = buf;
	m.size = size;
	addr = user_map(test, &m, 3, 0);
	KUNIT_EXPECT_EQ(test, m.owned, 1);
	KUNIT_EXPECT_EQ(test, (long)addr, -ENXIO);
	addr = user_map(test, &m, 1, 2);
	KUNIT_EXPECT_EQ(test, m.owned, 1);
	KUNIT_EXPECT_EQ(test, (long)addr, -ENXIO);

	/* A size running past the end of the pool: -ENXIO. */
	m.size = ctx.size + PAGE_SIZE;
	addr = user_map(test, &m, 1, 0);
	KUNIT_EXPECT_EQ(test, m.owned, 1);
	KUNIT_EXPECT_EQ(test, (long)addr, -ENXIO);

	/* Once freed, its pages are no longer mapped. */
	KUNIT_EXPECT_EQ(test, dma_release_from_global_coherent(get_order(size), buf), 1);
	m.size = size;
	addr = user_map(test, &m, 2, 0);
	KUNIT_EXPECT_EQ(test, m.owned, 1);
	KUNIT_EXPECT_EQ(test, (long)addr, -ENXIO);
}

/* ---- through the DMA API ------------------------------------------------- */

#if defined(CONFIG_ARCH_HAS_SYNC_DMA_FOR_DEVICE) || \
	defined(CONFIG_ARCH_HAS_SYNC_DMA_FOR_CPU) || \
	defined(CONFIG_ARCH_HAS_SYNC_DMA_FOR_CPU_ALL)
/*
 * dma-direct allocates for a device that is not DMA coherent from the
 * global pool, frees to it and maps from it.
 */
static void global_noncoherent_device(struct kunit *test)
{
	const size_t size = 3 * PAGE_SIZE;
	struct global_ctx ctx;
	struct map_ctx m = { .size = size };
	unsigned long addr;
	void *buf, *copy;
	dma_addr_t h;

	global_setup(test, &ctx);
	ctx.dev->dma_coherent = false;
	m.dev = ctx.dev;
	m.vaddr = dma_alloc_coherent(ctx.dev, size, &m.dma, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m.vaddr);
	KUNIT_EXPECT_TRUE_MSG(test, in_region(&ctx, m.dma, size),
			      "dma %pad: not from the global pool", &m.dma);
	memset(m.vaddr, 0x77, size);

	copy = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	addr = user_map(test, &m, 3, 0);
	KUNIT_EXPECT_FALSE_MSG(test, IS_ERR_VALUE(addr), "mmap: %ld", (long)addr);
	if (!IS_ERR_VALUE(addr)) {
		KUNIT_EXPECT_EQ(test, copy_from_user(copy, (void __user *)addr, size), 0);
		KUNIT_EXPECT_TRUE(test, !memchr_inv(copy, 0x77, size));
	}
	dma_free_coherent(ctx.dev, size, m.vaddr, m.dma);

	/* Freed to the pool: it is whole again. */
	if (!whole_pool_fits(&ctx))
		return;
	buf = dma_alloc_from_global_coherent(ctx.dev, ctx.size, &h);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_EQ(test, dma_release_from_global_coherent(get_order(ctx.size), buf), 1);
}
#else
static void global_noncoherent_device(struct kunit *test)
{
	kunit_skip(test, "every device is DMA coherent on this architecture");
}
#endif

/*
 * A device that names the "linux,dma-default" region in its memory-region
 * gets the global pool itself: the region's pages are handed out once,
 * to the device or as global buffers, and each kind is freed through the
 * other.  6.12 made a second pool over the same pages and handed them out
 * twice.
 */
static void global_region_device(struct kunit *test)
{
	struct global_ctx ctx;
	struct device *dev;
	void *g, *d = NULL;
	dma_addr_t hg, hd;

	global_setup(test, &ctx);
	if (!whole_pool_fits(&ctx))
		kunit_skip(test, "region not aligned to its size: one buffer cannot take it");
	KUNIT_ASSERT_NOT_NULL(test, ctx.rmem->ops);
	dev = kunit_device_register(test, "dma-coherent-global-user");
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(dev));
	dev->coherent_dma_mask = DMA_BIT_MASK(32);
	dev->dma_mask = &dev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, 0, ctx.rmem->ops->device_init(ctx.rmem, dev));

	/* The whole region as one global buffer: nothing left for the device. */
	g = dma_alloc_from_global_coherent(ctx.dev, ctx.size, &hg);
	KUNIT_EXPECT_NOT_NULL(test, g);
	KUNIT_EXPECT_NE(test, 0, dma_alloc_from_dev_coherent(dev, PAGE_SIZE, &hd, &d));
	KUNIT_EXPECT_NULL_MSG(test, d, "page %pad handed out twice", &hd);
	if (d)
		dma_release_from_dev_coherent(dev, 0, d);
	if (g)
		KUNIT_EXPECT_EQ(test, 1, dma_release_from_global_coherent(get_order(ctx.size), g));

	/* A buffer of the device is one of the global pool's. */
	d = NULL;
	KUNIT_EXPECT_NE(test, 0, dma_alloc_from_dev_coherent(dev, PAGE_SIZE, &hd, &d));
	KUNIT_EXPECT_NOT_NULL(test, d);
	if (d) {
		KUNIT_EXPECT_TRUE(test, in_region(&ctx, hd, PAGE_SIZE));
		KUNIT_EXPECT_EQ(test, 1, dma_release_from_global_coherent(0, d));
	}
	ctx.rmem->ops->device_release(ctx.rmem, dev);
	KUNIT_EXPECT_NULL(test, dev->dma_mem);
}

static struct kunit_case dma_coherent_global_cases[] = {
	KUNIT_CASE(global_alloc_free),
	KUNIT_CASE(global_exhaustion),
	KUNIT_CASE(global_release_foreign),
	KUNIT_CASE(global_mmap_buffer),
	KUNIT_CASE(global_mmap_refusals),
	KUNIT_CASE(global_noncoherent_device),
	KUNIT_CASE(global_region_device),
	{}
};

static struct kunit_suite dma_coherent_global_suite = {
	.name = "dma_coherent_global",
	.test_cases = dma_coherent_global_cases,
};

kunit_test_suite(dma_coherent_global_suite);

MODULE_DESCRIPTION("KUnit tests of the global coherent DMA pool");
MODULE_LICENSE("GPL");
