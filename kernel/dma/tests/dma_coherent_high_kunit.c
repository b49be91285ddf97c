// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of per-device coherent DMA pools above 4 GiB, for 32-bit
 * kernels with a 64-bit phys_addr_t (arm LPAE): the page frame numbers
 * still fit an unsigned long, the addresses do not.
 *
 * Two regions from the device tree (kunit/virt-high.dtso):
 * - a "shared-dma-pool" used by a node compatible with
 *   "linux,dma-coherent-kunit-high", attached with
 *   of_reserved_mem_device_init();
 * - a plain no-map region named "kunit-scratch-high", handed to
 *   dma_declare_coherent_memory().
 * Buffers are allocated with dma_alloc_coherent(), checked to lie above
 * 4 GiB in their pool with their contents intact, mapped to user space
 * (mmap(MAP_SHARED) of a file whose ->mmap() calls dma_mmap_coherent(), in
 * the address space KUnit gives the test) and read back there.  Without the nodes the
 * tests are skipped.
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
#include <linux/of_address.h>
#include <linux/of_reserved_mem.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#define HIGH_COMPATIBLE		"linux,dma-coherent-kunit-high"
#define HIGH_SCRATCH		"kunit-scratch-high"
#define FOUR_GIB		SZ_4G

struct high_ctx {
	struct device *dev;
	u64 base;		/* region, as the device tree gives it */
	u64 size;
};

static struct device *new_device(struct kunit *test, const char *name)
{
	struct device *dev = kunit_device_register(test, name);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(dev), "kunit_device_register failed");
	/* The pool is above 4 GiB: say the device reaches it. */
	dev->coherent_dma_mask = DMA_BIT_MASK(64);
	dev->dma_mask = &dev->coherent_dma_mask;
	return dev;
}

static void need_64bit_addresses(struct kunit *test)
{
	if (sizeof(phys_addr_t) < 8 || sizeof(dma_addr_t) < 8)
		kunit_skip(test, "phys_addr_t or dma_addr_t is 32-bit");
}

KUNIT_DEFINE_ACTION_WRAPPER(rmem_release_action, of_reserved_mem_device_release,
			    struct device *);
KUNIT_DEFINE_ACTION_WRAPPER(release_pool_action, dma_release_coherent_memory,
			    struct device *);

static void attach_high_pool(struct kunit *test, struct high_ctx *ctx)
{
	struct reserved_mem *rmem;
	struct device_node *np, *mr;

	need_64bit_addresses(test);
	np = of_find_compatible_node(NULL, NULL, HIGH_COMPATIBLE);
	if (!np)
		kunit_skip(test, "needs a \"%s\" node", HIGH_COMPATIBLE);
	mr = of_parse_phandle(np, "memory-region", 0);
	rmem = mr ? of_reserved_mem_lookup(mr) : NULL;
	of_node_put(mr);
	if (!rmem)
		of_node_put(np);
	KUNIT_ASSERT_NOT_NULL_MSG(test, rmem, "%s: memory-region is not a reserved region",
				  HIGH_COMPATIBLE);
	ctx->base = rmem->base;
	ctx->size = rmem->size;

	ctx->dev = new_device(test, "dma-coherent-high");
	device_set_node(ctx->dev, of_fwnode_handle(np));
	of_node_put(np);
	KUNIT_ASSERT_EQ(test, of_reserved_mem_device_init(ctx->dev), 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, rmem_release_action, ctx->dev));
}

static void declare_high_region(struct kunit *test, struct high_ctx *ctx)
{
	struct device_node *np;
	struct resource res;
	int ret;

	need_64bit_addresses(test);
	np = of_find_node_by_name(NULL, HIGH_SCRATCH);
	if (!np)
		kunit_skip(test, "needs a \"%s\" reserved region", HIGH_SCRATCH);
	ret = of_address_to_resource(np, 0, &res);
	of_node_put(np);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ctx->base = res.start;
	ctx->size = resource_size(&res);

	ctx->dev = new_device(test, "dma-coherent-high-declare");
	KUNIT_ASSERT_EQ(test, dma_declare_coherent_memory(ctx->dev, res.start, res.start,
							  ctx->size), 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, release_pool_action, ctx->dev));
}

/* A file whose ->mmap() maps one buffer with dma_mmap_coherent(). */
struct map_ctx {
	struct device *dev;
	void *vaddr;
	dma_addr_t dma;
	size_t size;
};

static int map_ctx_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct map_ctx *m = file->private_data;

	return dma_mmap_coherent(m->dev, vma, m->vaddr, m->dma, m->size);
}

static const struct file_operations map_ctx_fops = {
	.owner	= THIS_MODULE,
	.mmap	= map_ctx_mmap,
};

KUNIT_DEFINE_ACTION_WRAPPER(fput_action, fput, struct file *);

/*
 * mmap(MAP_SHARED) the buffer as a driver lets user space do, and read it
 * back there: the bytes must be @seed.
 */
static void expect_user_sees(struct kunit *test, struct device *dev, void *buf,
			     dma_addr_t h, size_t size, u8 seed)
{
	struct map_ctx m = { .dev = dev, .vaddr = buf, .dma = h, .size = size };
	unsigned long addr, len = PAGE_ALIGN(size);
	struct file *file;
	u8 *copy, *diff;

	copy = kunit_kzalloc(test, size, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, copy);
	file = anon_inode_getfile("dma-coherent-kunit", &map_ctx_fops, &m, O_RDWR);
	KUNIT_ASSERT_FALSE(test, IS_ERR(file));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, fput_action, file));
	addr = kunit_vm_mmap(test, file, 0, len, PROT_READ | PROT_WRITE, MAP_SHARED, 0);
	KUNIT_ASSERT_FALSE_MSG(test, !addr || IS_ERR_VALUE(addr),
			       "mmap of %pad: %ld", &h, (long)addr);

	KUNIT_EXPECT_EQ(test, copy_from_user(copy, (void __user *)addr, size), 0);
	diff = memchr_inv(copy, seed, size);
	KUNIT_EXPECT_NULL_MSG(test, diff,
			      "user mapping of %pad differs at +%#lx: %#x, buffer %#x",
			      &h, diff ? (unsigned long)(diff - copy) : 0UL, diff ? *diff : 0,
			      diff ? ((u8 *)buf)[diff - copy] : 0);
}

static void alloc_above_4g(struct kunit *test, struct high_ctx *ctx)
{
	static const size_t sizes[] = { PAGE_SIZE, 5 * PAGE_SIZE + 3, SZ_1M, 17 };
	void *buf[ARRAY_SIZE(sizes)];
	dma_addr_t h[ARRAY_SIZE(sizes)];
	int i, j;

	KUNIT_ASSERT_GE_MSG(test, ctx->base, FOUR_GIB,
			    "region at %#llx: the device tree should put it above 4 GiB",
			    ctx->base);
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		buf[i] = dma_alloc_coherent(ctx->dev, sizes[i], &h[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, buf[i], "%zu bytes", sizes[i]);
		KUNIT_EXPECT_GE_MSG(test, (u64)h[i], FOUR_GIB, "dma %pad", &h[i]);
		KUNIT_EXPECT_TRUE_MSG(test, (u64)h[i] >= ctx->base &&
				      (u64)h[i] + sizes[i] <= ctx->base + ctx->size,
				      "dma %pad outside %#llx + %#llx", &h[i], ctx->base,
				      ctx->size);
		KUNIT_EXPECT_TRUE(test, !memchr_inv(buf[i], 0, sizes[i]));
		memset(buf[i], 0x21 + i, sizes[i]);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		/* CPU and DMA offsets agree, across the 4 GiB line too. */
		KUNIT_EXPECT_EQ(test, (s64)((long)(buf[i] - buf[0])),
				(s64)((u64)h[i] - (u64)h[0]));
		for (j = 0; j < i; j++)
			KUNIT_EXPECT_TRUE(test, (u64)h[i] + sizes[i] <= h[j] ||
					  (u64)h[j] + sizes[j] <= h[i]);
	}
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		KUNIT_EXPECT_TRUE_MSG(test, !memchr_inv(buf[i], 0x21 + i, sizes[i]),
				      "buffer at %pad changed", &h[i]);
		expect_user_sees(test, ctx->dev, buf[i], h[i], sizes[i], 0x21 + i);
	}
	for (i = ARRAY_SIZE(sizes) - 1; i >= 0; i--)
		dma_free_coherent(ctx->dev, sizes[i], buf[i], h[i]);

	/* Everything came back: the last page of the region is handed out. */
	buf[0] = dma_alloc_coherent(ctx->dev, ctx->size, &h[0], GFP_KERNEL);
	if (IS_ALIGNED(ctx->base, PAGE_SIZE << get_order(ctx->size))) {
		KUNIT_EXPECT_NOT_NULL(test, buf[0]);
		KUNIT_EXPECT_EQ(test, (u64)h[0], ctx->base);
	}
	if (buf[0])
		dma_free_coherent(ctx->dev, ctx->size, buf[0], h[0]);
}

static void dt_pool_above_4g(struct kunit *test)
{
	struct high_ctx ctx;

	attach_high_pool(test, &ctx);
	alloc_above_4g(test, &ctx);
}

static void declare_above_4g(struct kunit *test)
{
	struct high_ctx ctx;

	declare_high_region(test, &ctx);
	alloc_above_4g(test, &ctx);
}

static struct kunit_case dma_coherent_high_cases[] = {
	KUNIT_CASE(dt_pool_above_4g),
	KUNIT_CASE(declare_above_4g),
	{}
};

static struct kunit_suite dma_coherent_high_suite = {
	.name = "dma_coherent_high",
	.test_cases = dma_coherent_high_cases,
};

kunit_test_suite(dma_coherent_high_suite);

MODULE_DESCRIPTION("KUnit tests of coherent DMA pools above 4 GiB");
MODULE_LICENSE("GPL");
