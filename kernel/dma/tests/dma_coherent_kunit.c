// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for per-device coherent DMA pools (kernel/dma/coherent.c).
 *
 * Every test goes through the public API: dma_declare_coherent_memory(),
 * dma_alloc_coherent()/dma_free_coherent() and, on device-tree machines,
 * of_reserved_mem_device_init() on "shared-dma-pool" regions.  The
 * declare tests need a physical range that is not System RAM; it is passed
 * on the kernel command line:
 *
 *   dma_coherent_kunit.phys=0x30000000 dma_coherent_kunit.size=0x7000000
 *
 * (on x86_64 together with memmap=112M$0x30000000).  Without it those
 * tests are skipped.  The device-tree tests look for nodes compatible with
 * "linux,dma-coherent-kunit" whose memory-region is a shared-dma-pool.
 *
 * Tests that check behaviour upstream 6.12 lacks (exact sizes, alignment
 * on the DMA address, validated frees, safe release) are written so that
 * on the old allocator they fail cleanly and never touch unmapped memory.
 */
#include <kunit/test.h>
#include <kunit/device.h>
#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/delay.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mount.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/mman.h>
#include <linux/moduleparam.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/random.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/tracepoint.h>
#include <trace/events/dma_coherent.h>

static unsigned long long test_phys;
module_param_named(phys, test_phys, ullong, 0444);
MODULE_PARM_DESC(phys, "physical base of a reserved, non-RAM range for the declare tests");

static unsigned long long test_size;
module_param_named(size, test_size, ullong, 0444);
MODULE_PARM_DESC(size, "size in bytes of that range");

#define DT_COMPATIBLE	"linux,dma-coherent-kunit"

/* Test-local device plus the region it uses. */
struct pool_ctx {
	struct device *dev;
	phys_addr_t phys;	/* start of the declared range */
	dma_addr_t dma;		/* its DMA address */
	size_t size;		/* its size in bytes */
};

static struct device *new_device(struct kunit *test, const char *name)
{
	struct device *dev = kunit_device_register(test, name);

	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR_OR_NULL(dev), "kunit_device_register failed");
	dev->coherent_dma_mask = DMA_BIT_MASK(32);
	dev->dma_mask = &dev->coherent_dma_mask;
	return dev;
}

KUNIT_DEFINE_ACTION_WRAPPER(release_pool_action, dma_release_coherent_memory,
			    struct device *);

/*
 * Declare @size bytes of the test range, starting @offset bytes into it,
 * on a fresh device; skips the test when no range was given.  The pool is
 * released when the test ends.
 */
static atomic_t pool_seq;

static void declare_pool(struct kunit *test, struct pool_ctx *ctx,
			 size_t offset, size_t size)
{
	char name[32];
	int ret;

	if (!test_phys || !test_size)
		kunit_skip(test, "no reserved range (dma_coherent_kunit.phys/size)");
	if (offset + size > test_size)
		kunit_skip(test, "reserved range too small (%llu bytes)", test_size);

	/* Unique names: a test may declare several pools. */
	snprintf(name, sizeof(name), "dma-coherent-kunit-%u", atomic_inc_return(&pool_seq));
	ctx->dev = new_device(test, name);
	ctx->phys = test_phys + offset;
	ctx->dma = ctx->phys;
	ctx->size = size;
	ret = dma_declare_coherent_memory(ctx->dev, ctx->phys, ctx->dma, size);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "declare %zu bytes at %pa", size, &ctx->phys);
	KUNIT_ASSERT_EQ(test, 0,
			kunit_add_action_or_reset(test, release_pool_action, ctx->dev));
}

static bool in_pool(const struct pool_ctx *ctx, dma_addr_t dma, size_t size)
{
	return dma >= ctx->dma && dma - ctx->dma < ctx->size &&
	       size <= ctx->size - (dma - ctx->dma);
}

static void fill(void *buf, size_t size, u8 seed)
{
	memset(buf, seed, size);
}

/* True when every byte of @buf still holds @seed. */
static bool intact(const void *buf, size_t size, u8 seed)
{
	return !memchr_inv(buf, seed, size);
}

static bool overlaps(dma_addr_t a, size_t asize, dma_addr_t b, size_t bsize)
{
	return a < b + bsize && b < a + asize;
}

/* ---- parity with 6.12 ------------------------------------------------ */

static void declare_and_release(struct kunit *test)
{
	struct pool_ctx ctx;

	declare_pool(test, &ctx, 0, SZ_1M);
	KUNIT_EXPECT_NOT_NULL(test, ctx.dev->dma_mem);
	dma_release_coherent_memory(ctx.dev);
	KUNIT_EXPECT_NULL(test, ctx.dev->dma_mem);

	/* The range can be declared again once released. */
	KUNIT_EXPECT_EQ(test, 0, dma_declare_coherent_memory(ctx.dev, ctx.phys,
							     ctx.dma, SZ_1M));
}

static void second_declare_is_ebusy(struct kunit *test)
{
	struct pool_ctx ctx;
	void *mem;

	declare_pool(test, &ctx, 0, SZ_1M);
	mem = ctx.dev->dma_mem;
	KUNIT_EXPECT_EQ(test, -EBUSY,
			dma_declare_coherent_memory(ctx.dev, ctx.phys + SZ_1M,
						    ctx.dma + SZ_1M, SZ_1M));
	KUNIT_EXPECT_PTR_EQ(test, mem, (void *)ctx.dev->dma_mem);
}

static void alloc_through_dma_api(struct kunit *test)
{
	struct pool_ctx ctx;
	dma_addr_t h1, h2;
	void *b1, *b2;

	declare_pool(test, &ctx, 0, SZ_1M);
	b1 = dma_alloc_coherent(ctx.dev, PAGE_SIZE, &h1, GFP_KERNEL);
	b2 = dma_alloc_coherent(ctx.dev, 3 * PAGE_SIZE, &h2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b1);
	KUNIT_ASSERT_NOT_NULL(test, b2);
	KUNIT_EXPECT_TRUE_MSG(test, in_pool(&ctx, h1, PAGE_SIZE), "dma %pad", &h1);
	KUNIT_EXPECT_TRUE_MSG(test, in_pool(&ctx, h2, 3 * PAGE_SIZE), "dma %pad", &h2);
	KUNIT_EXPECT_FALSE(test, overlaps(h1, PAGE_SIZE, h2, 3 * PAGE_SIZE));
	/* The CPU address and the DMA address name the same offset. */
	KUNIT_EXPECT_EQ(test, (unsigned long)(b2 - b1), (unsigned long)(h2 - h1));
	fill(b1, PAGE_SIZE, 0xa1);
	fill(b2, 3 * PAGE_SIZE, 0xb2);
	KUNIT_EXPECT_TRUE(test, intact(b1, PAGE_SIZE, 0xa1));
	dma_free_coherent(ctx.dev, 3 * PAGE_SIZE, b2, h2);
	dma_free_coherent(ctx.dev, PAGE_SIZE, b1, h1);
}

static void alloc_is_zeroed(struct kunit *test)
{
	struct pool_ctx ctx;
	size_t size = 5 * PAGE_SIZE + 17;
	dma_addr_t h;
	void *buf;

	declare_pool(test, &ctx, 0, 16 * PAGE_SIZE);
	buf = dma_alloc_coherent(ctx.dev, 16 * PAGE_SIZE, &h, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	fill(buf, 16 * PAGE_SIZE, 0x5a);
	dma_free_coherent(ctx.dev, 16 * PAGE_SIZE, buf, h);

	buf = dma_alloc_coherent(ctx.dev, size, &h, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_EXPECT_TRUE_MSG(test, intact(buf, size, 0), "buffer not zeroed");
	dma_free_coherent(ctx.dev, size, buf, h);
}

/* An exclusive pool that is full gives NULL, never generic memory. */
static void exhaustion_returns_null(struct kunit *test)
{
	const unsigned long pages = 64;
	struct pool_ctx ctx;
	dma_addr_t *h, extra;
	void **b;
	unsigned long i;

	declare_pool(test, &ctx, 0, pages * PAGE_SIZE);
	b = kunit_kcalloc(test, pages, sizeof(*b), GFP_KERNEL);
	h = kunit_kcalloc(test, pages, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, h);

	for (i = 0; i < pages; i++) {
		b[i] = dma_alloc_coherent(ctx.dev, PAGE_SIZE, &h[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, b[i], "page %lu of %lu", i, pages);
		KUNIT_EXPECT_TRUE(test, in_pool(&ctx, h[i], PAGE_SIZE));
	}
	KUNIT_EXPECT_NULL(test, dma_alloc_coherent(ctx.dev, PAGE_SIZE, &extra,
						   GFP_KERNEL | __GFP_NOWARN));
	for (i = 0; i < pages; i++)
		dma_free_coherent(ctx.dev, PAGE_SIZE, b[i], h[i]);

	/* Everything came back: the whole pool fits in one buffer again. */
	b[0] = dma_alloc_coherent(ctx.dev, pages * PAGE_SIZE, &h[0], GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, b[0]);
	if (b[0])
		dma_free_coherent(ctx.dev, pages * PAGE_SIZE, b[0], h[0]);
}

/* A request larger than the pool fails without disturbing it. */
static void too_large_fails(struct kunit *test)
{
	struct pool_ctx ctx;
	dma_addr_t h;
	void *buf;

	declare_pool(test, &ctx, 0, 32 * PAGE_SIZE);
	KUNIT_EXPECT_NULL(test, dma_alloc_coherent(ctx.dev, 33 * PAGE_SIZE, &h,
						   GFP_KERNEL | __GFP_NOWARN));
	buf = dma_alloc_coherent(ctx.dev, 32 * PAGE_SIZE, &h, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, buf);
	if (buf)
		dma_free_coherent(ctx.dev, 32 * PAGE_SIZE, buf, h);
}

/* Pointers the pool does not own are left to the generic free path. */
static void foreign_pointer_not_claimed(struct kunit *test)
{
	struct pool_ctx ctx;
	void *foreign;

	declare_pool(test, &ctx, 0, 16 * PAGE_SIZE);
	foreign = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, foreign);
	KUNIT_EXPECT_EQ(test, 0, dma_release_from_dev_coherent(ctx.dev, 0, foreign));
}

/* ---- beyond 6.12 --------------------------------------------------- */

/* A request of n pages consumes n pages: the rest of its block stays free. */
static void exact_size(struct kunit *test)
{
	struct pool_ctx ctx;
	dma_addr_t h5, h[3];
	void *b5, *b[3];
	int i;

	declare_pool(test, &ctx, 0, 8 * PAGE_SIZE);
	b5 = dma_alloc_coherent(ctx.dev, 5 * PAGE_SIZE, &h5, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b5);
	fill(b5, 5 * PAGE_SIZE, 0x55);
	for (i = 0; i < 3; i++) {
		b[i] = dma_alloc_coherent(ctx.dev, PAGE_SIZE, &h[i],
					  GFP_KERNEL | __GFP_NOWARN);
		KUNIT_EXPECT_NOT_NULL_MSG(test, b[i],
					  "page %d after a 5-page buffer in an 8-page pool", i);
		if (!b[i])
			continue;
		KUNIT_EXPECT_FALSE(test, overlaps(h[i], PAGE_SIZE, h5, 5 * PAGE_SIZE));
		fill(b[i], PAGE_SIZE, i);
	}
	KUNIT_EXPECT_TRUE(test, intact(b5, 5 * PAGE_SIZE, 0x55));
	for (i = 0; i < 3; i++)
		if (b[i])
			dma_free_coherent(ctx.dev, PAGE_SIZE, b[i], h[i]);
	dma_free_coherent(ctx.dev, 5 * PAGE_SIZE, b5, h5);
}

/*
 * The DMA address is aligned to PAGE_SIZE << get_order(size) even when
 * the pool itself is not, so a buffer of up to 64 KiB never crosses a
 * 64 KiB boundary (Documentation/core-api/dma-api-howto.rst).
 */
static void aligned_on_dma_address(struct kunit *test)
{
	const size_t max_pages = 70;
	struct pool_ctx ctx;
	dma_addr_t *h;
	void **b;
	size_t pages;

	/* Start one page into the range: the pool base is only page aligned. */
	declare_pool(test, &ctx, PAGE_SIZE, SZ_8M - PAGE_SIZE);
	if (!(ctx.dma & PAGE_SIZE))
		kunit_skip(test, "reserved range is not aligned as expected");
	b = kunit_kcalloc(test, max_pages + 1, sizeof(*b), GFP_KERNEL);
	h = kunit_kcalloc(test, max_pages + 1, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, h);

	for (pages = 1; pages <= max_pages; pages++) {
		size_t size = pages * PAGE_SIZE;
		dma_addr_t align = PAGE_SIZE << get_order(size);

		b[pages] = dma_alloc_coherent(ctx.dev, size, &h[pages], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL_MSG(test, b[pages], "%zu pages", pages);
		KUNIT_EXPECT_EQ_MSG(test, h[pages] & (align - 1), 0,
				    "%zu pages at %pad, want %pad alignment",
				    pages, &h[pages], &align);
		if (size <= SZ_64K)
			KUNIT_EXPECT_EQ_MSG(test, h[pages] / SZ_64K,
					    (h[pages] + size - 1) / SZ_64K,
					    "%zu pages at %pad cross 64 KiB",
					    pages, &h[pages]);
		/* Keep every fourth buffer so later ones land elsewhere. */
		if (pages % 4) {
			dma_free_coherent(ctx.dev, size, b[pages], h[pages]);
			b[pages] = NULL;
		}
	}
	for (pages = 1; pages <= max_pages; pages++)
		if (b[pages])
			dma_free_coherent(ctx.dev, pages * PAGE_SIZE, b[pages], h[pages]);
}

/*
 * Degraded placements, as the pool's tracepoint reports them for one
 * device (this series' coherent.c, which selects PAGE_RANGES, with
 * tracepoints; else not checked).
 */
#if defined(CONFIG_TRACEPOINTS) && IS_ENABLED(CONFIG_PAGE_RANGES)
static struct {
	struct device	*dev;
	unsigned long	count;
	bool		on;
} degraded_seen;

static void seen_degraded(void *data, struct device *dev, const char *pool,
			  dma_addr_t dma_addr, size_t size, unsigned long pages,
			  unsigned int got, unsigned int want)
{
	if (dev == degraded_seen.dev && got < want &&
	    !(dma_addr & ((PAGE_SIZE << got) - 1)))
		degraded_seen.count++;
}

static void stop_degraded_count(void *unused)
{
	if (!degraded_seen.on)
		return;
	unregister_trace_dma_coherent_alloc_degraded(seen_degraded, NULL);
	tracepoint_synchronize_unregister();
	degraded_seen.on = false;
}

static void start_degraded_count(struct kunit *test, struct device *dev)
{
	degraded_seen.dev = dev;
	degraded_seen.count = 0;
	degraded_seen.on = !register_trace_dma_coherent_alloc_degraded(seen_degraded, NULL);
	KUNIT_ASSERT_TRUE(test, degraded_seen.on);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, stop_degraded_count, NULL));
}

static void expect_degraded_count(struct kunit *test, unsigned long n)
{
	KUNIT_EXPECT_EQ_MSG(test, degraded_seen.count, n,
			    "buffers below their alignment vs. degraded events");
}
#else
static void start_degraded_count(struct kunit *test, struct device *dev) { }
static void expect_degraded_count(struct kunit *test, unsigned long n) { }
#endif

/*
 * A large pool: 96 MiB, with 4 KiB pages 96 blocks of 256 pages under
 * three levels of page_ranges' tree.  Fill it to its first failure with
 * buffers of 1..16 pages and, one in eight, up to 80 (buffers that span
 * bitmap words and, aligned to 128 pages, half a block), churn it,
 * and check every buffer: inside the pool, naturally aligned on its DMA
 * address, overlapping no live buffer, zeroed, and intact when freed.
 * Then everything must come back.
 */
#define LARGE_POOL_SIZE	(SZ_64M + SZ_32M)
#define LARGE_SLOTS	3072
#define LARGE_CHURN	4000

struct large_slot {
	void		*buf;
	dma_addr_t	h;
	size_t		size;
	u8		seed;
};

/* Pages for the next buffer: mostly small, one in eight up to 80. */
static size_t large_size(void)
{
	u32 r = get_random_u32();

	return (1 + (r % 8 ? r / 8 % 16 : r / 8 % 80)) * PAGE_SIZE;
}

/* Allocate @sl->size bytes; checks; returns false when the pool is full. */
/* Buffers of the churn placed below their alignment (degraded). */
static unsigned long large_misaligned;

static bool large_alloc(struct kunit *test, struct pool_ctx *ctx,
			unsigned long *map, struct large_slot *sl)
{
	size_t align = PAGE_SIZE << min(get_order(sl->size), get_order(SZ_1M));
	unsigned long first, n = sl->size >> PAGE_SHIFT;

	sl->buf = dma_alloc_coherent(ctx->dev, sl->size, &sl->h,
				     GFP_KERNEL | __GFP_NOWARN);
	if (!sl->buf)
		return false;
	KUNIT_ASSERT_TRUE_MSG(test, in_pool(ctx, sl->h, sl->size),
			      "%zu bytes at %pad", sl->size, &sl->h);
	/* The pool base is misaligned: the rules allow degraded placements. */
	if (sl->h & (align - 1))
		large_misaligned++;
	first = (sl->h - ctx->dma) >> PAGE_SHIFT;
	KUNIT_EXPECT_GE_MSG(test, find_next_bit(map, first + n, first), first + n,
			    "%zu bytes at %pad overlap a live buffer",
			    sl->size, &sl->h);
	bitmap_set(map, first, n);
	KUNIT_EXPECT_TRUE(test, intact(sl->buf, sl->size, 0));
	sl->seed = get_random_u8() | 1;
	fill(sl->buf, sl->size, sl->seed);
	return true;
}

static void large_free(struct kunit *test, struct pool_ctx *ctx,
		       unsigned long *map, struct large_slot *sl)
{
	KUNIT_EXPECT_TRUE_MSG(test, intact(sl->buf, sl->size, sl->seed),
			      "buffer at %pad changed", &sl->h);
	bitmap_clear(map, (sl->h - ctx->dma) >> PAGE_SHIFT, sl->size >> PAGE_SHIFT);
	dma_free_coherent(ctx->dev, sl->size, sl->buf, sl->h);
	sl->buf = NULL;
}

static void large_pool_churn(struct kunit *test)
{
	const unsigned long pages = LARGE_POOL_SIZE / PAGE_SIZE - 1;
	unsigned long *map, i, filled = 0, refused = 0;
	struct large_slot *slot;
	struct pool_ctx ctx;
	dma_addr_t h;
	void *buf;
	int s;

	/* The pool must be big enough for the class index to be used. */
	KUNIT_ASSERT_GT(test, BITS_TO_LONGS(pages), 320);
	/* One page into the range: the pool base is only page aligned. */
	declare_pool(test, &ctx, PAGE_SIZE, LARGE_POOL_SIZE - PAGE_SIZE);
	large_misaligned = 0;
	start_degraded_count(test, ctx.dev);
	slot = kunit_kcalloc(test, LARGE_SLOTS, sizeof(*slot), GFP_KERNEL);
	map = kunit_kcalloc(test, BITS_TO_LONGS(pages), sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, slot);
	KUNIT_ASSERT_NOT_NULL(test, map);

	for (s = 0; s < LARGE_SLOTS; s++) {
		slot[s].size = large_size();
		if (!large_alloc(test, &ctx, map, &slot[s]))
			break;
		filled += slot[s].size >> PAGE_SHIFT;
	}
	kunit_info(test, "filled %lu of %lu pages before the first failure",
		   filled, pages);
	/* 3072 buffers of 12.5 pages on average cannot all fit ... */
	KUNIT_EXPECT_LT(test, s, LARGE_SLOTS);
	/* ... but exact sizes fill most of the pool before one fails. */
	KUNIT_EXPECT_GT(test, filled, pages / 4 * 3);

	for (i = 0; i < LARGE_CHURN; i++) {
		s = get_random_u32_below(LARGE_SLOTS);
		if (slot[s].buf)
			large_free(test, &ctx, map, &slot[s]);
		s = get_random_u32_below(LARGE_SLOTS);
		if (slot[s].buf)
			continue;
		slot[s].size = large_size();
		if (!large_alloc(test, &ctx, map, &slot[s]))
			refused++;
		if (!(i & 63))
			cond_resched();
	}
	kunit_info(test, "%lu of %d churn allocations refused, %lu placed below their alignment",
		   refused, LARGE_CHURN, large_misaligned);
	/* Every buffer below its alignment was counted as degraded. */
	expect_degraded_count(test, large_misaligned);

	for (s = 0; s < LARGE_SLOTS; s++)
		if (slot[s].buf)
			large_free(test, &ctx, map, &slot[s]);
	KUNIT_EXPECT_TRUE(test, bitmap_empty(map, pages));
	/* All returned: 64 MiB fits again (at the capped 1 MiB alignment). */
	buf = dma_alloc_coherent(ctx.dev, SZ_64M, &h, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, buf);
	if (buf)
		dma_free_coherent(ctx.dev, SZ_64M, buf, h);
}

static void declare_bad_arguments(struct kunit *test)
{
	struct pool_ctx ctx;
	struct device *dev;
	phys_addr_t top = (phys_addr_t)-1 & PAGE_MASK, phys;
	dma_addr_t dma;

	declare_pool(test, &ctx, 0, SZ_1M);
	dev = new_device(test, "dma-coherent-kunit-bad");
	phys = ctx.phys + SZ_1M;
	dma = ctx.dma + SZ_1M;

	KUNIT_EXPECT_NE(test, 0, dma_declare_coherent_memory(dev, phys, dma, 0));
	KUNIT_EXPECT_NULL(test, dev->dma_mem);
	/* Less than one whole page. */
	KUNIT_EXPECT_NE(test, 0, dma_declare_coherent_memory(dev, phys + 16, dma + 16,
							     PAGE_SIZE));
	KUNIT_EXPECT_NULL(test, dev->dma_mem);
	/* The physical range wraps around. */
	KUNIT_EXPECT_NE(test, 0, dma_declare_coherent_memory(dev, top, dma, SZ_1M));
	KUNIT_EXPECT_NULL(test, dev->dma_mem);
	/* The DMA range wraps around. */
	KUNIT_EXPECT_NE(test, 0, dma_declare_coherent_memory(dev, phys, -(dma_addr_t)PAGE_SIZE,
							     SZ_1M));
	KUNIT_EXPECT_NULL(test, dev->dma_mem);
	if (dev->dma_mem)
		dma_release_coherent_memory(dev);
}

/* A range that is not whole pages is trimmed to the pages inside it. */
static void declare_trims_partial_pages(struct kunit *test)
{
	struct pool_ctx ctx;
	struct device *dev;
	dma_addr_t h, want;
	void *buf;
	int ret;

	declare_pool(test, &ctx, 0, SZ_1M);
	dev = new_device(test, "dma-coherent-kunit-trim");
	/* 100 bytes into a page, 4 pages + 200 bytes long: 3 whole pages. */
	ret = dma_declare_coherent_memory(dev, ctx.phys + SZ_1M + 100,
					  ctx.dma + SZ_1M + 100,
					  4 * PAGE_SIZE + 200);
	KUNIT_ASSERT_EQ(test, ret, 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, release_pool_action, dev));

	buf = dma_alloc_coherent(dev, 3 * PAGE_SIZE, &h, GFP_KERNEL | __GFP_NOWARN);
	if (buf) {
		want = ctx.dma + SZ_1M + PAGE_SIZE;
		KUNIT_EXPECT_EQ(test, h & ~PAGE_MASK, 0);
		KUNIT_EXPECT_GE(test, h, want);
		KUNIT_EXPECT_LE(test, h + 3 * PAGE_SIZE, want + 3 * PAGE_SIZE);
		dma_free_coherent(dev, 3 * PAGE_SIZE, buf, h);
	}
	KUNIT_EXPECT_NULL(test, dma_alloc_coherent(dev, 4 * PAGE_SIZE, &h,
						   GFP_KERNEL | __GFP_NOWARN));
}

static void bad_sizes_change_nothing(struct kunit *test)
{
	struct pool_ctx ctx;
	dma_addr_t h;
	void *ret = (void *)1, *buf;

	declare_pool(test, &ctx, 0, 16 * PAGE_SIZE);
	KUNIT_EXPECT_NE(test, 0, dma_alloc_from_dev_coherent(ctx.dev, 0, &h, &ret));
	KUNIT_EXPECT_NULL(test, ret);
	ret = (void *)1;
	KUNIT_EXPECT_NE(test, 0, dma_alloc_from_dev_coherent(ctx.dev, -PAGE_SIZE, &h, &ret));
	KUNIT_EXPECT_NULL(test, ret);
	/* Nothing was taken: the whole pool is still one free buffer. */
	buf = dma_alloc_coherent(ctx.dev, 16 * PAGE_SIZE, &h, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, buf);
	if (buf)
		dma_free_coherent(ctx.dev, 16 * PAGE_SIZE, buf, h);
}

/*
 * Allocate single pages until the pool is full and check that none of
 * them overlaps @live: a bad free must not have released its pages.
 */
static void expect_live_untouched(struct kunit *test, struct pool_ctx *ctx,
				  dma_addr_t live, size_t live_size)
{
	unsigned long n = ctx->size >> PAGE_SHIFT, i, got = 0;
	dma_addr_t *h = kunit_kcalloc(test, n, sizeof(*h), GFP_KERNEL);
	void **b = kunit_kcalloc(test, n, sizeof(*b), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, h);
	KUNIT_ASSERT_NOT_NULL(test, b);
	for (i = 0; i < n; i++) {
		b[i] = dma_alloc_coherent(ctx->dev, PAGE_SIZE, &h[i],
					  GFP_KERNEL | __GFP_NOWARN);
		if (!b[i])
			break;
		got++;
		KUNIT_EXPECT_FALSE_MSG(test, overlaps(h[i], PAGE_SIZE, live, live_size),
				       "page %pad handed out while still live", &h[i]);
	}
	for (i = 0; i < got; i++)
		dma_free_coherent(ctx->dev, PAGE_SIZE, b[i], h[i]);
}

static void bad_free_interior_pointer(struct kunit *test)
{
	struct pool_ctx ctx;
	dma_addr_t ha, hb;
	void *a, *b;

	declare_pool(test, &ctx, 0, 16 * PAGE_SIZE);
	a = dma_alloc_coherent(ctx.dev, PAGE_SIZE, &ha, GFP_KERNEL);
	b = dma_alloc_coherent(ctx.dev, 4 * PAGE_SIZE, &hb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	fill(a, PAGE_SIZE, 0xaa);
	fill(b, 4 * PAGE_SIZE, 0xbb);

	/* Claimed (it is inside the pool) but not released. */
	KUNIT_EXPECT_EQ(test, 1, dma_release_from_dev_coherent(ctx.dev, 0,
							       b + PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 1, dma_release_from_dev_coherent(ctx.dev, 1,
							       b + 2 * PAGE_SIZE));
	expect_live_untouched(test, &ctx, hb, 4 * PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, intact(b, 4 * PAGE_SIZE, 0xbb));
	KUNIT_EXPECT_TRUE(test, intact(a, PAGE_SIZE, 0xaa));
	dma_free_coherent(ctx.dev, 4 * PAGE_SIZE, b, hb);
	dma_free_coherent(ctx.dev, PAGE_SIZE, a, ha);
}

static void bad_free_wrong_order(struct kunit *test)
{
	struct pool_ctx ctx;
	dma_addr_t ha, hb;
	void *a, *b;

	declare_pool(test, &ctx, 0, 16 * PAGE_SIZE);
	a = dma_alloc_coherent(ctx.dev, PAGE_SIZE, &ha, GFP_KERNEL);
	b = dma_alloc_coherent(ctx.dev, PAGE_SIZE, &hb, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_ASSERT_NOT_NULL(test, b);
	fill(b, PAGE_SIZE, 0xbb);

	/* A one-page buffer freed as four pages: its neighbours must survive. */
	dma_free_coherent(ctx.dev, 4 * PAGE_SIZE, a, ha);
	expect_live_untouched(test, &ctx, hb, PAGE_SIZE);
	expect_live_untouched(test, &ctx, ha, PAGE_SIZE);
	KUNIT_EXPECT_TRUE(test, intact(b, PAGE_SIZE, 0xbb));
	dma_free_coherent(ctx.dev, PAGE_SIZE, a, ha);
	dma_free_coherent(ctx.dev, PAGE_SIZE, b, hb);
}

static void bad_free_double(struct kunit *test)
{
	struct pool_ctx ctx;
	dma_addr_t ha, hb, hc;
	void *a, *b, *c;

	/* Two pages: the second allocation round must reuse the first's. */
	declare_pool(test, &ctx, 0, 2 * PAGE_SIZE);
	a = dma_alloc_coherent(ctx.dev, 2 * PAGE_SIZE, &ha, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, a);
	dma_free_coherent(ctx.dev, 2 * PAGE_SIZE, a, ha);
	/* A plain double free is ignored. */
	dma_free_coherent(ctx.dev, 2 * PAGE_SIZE, a, ha);

	b = dma_alloc_coherent(ctx.dev, PAGE_SIZE, &hb, GFP_KERNEL);
	c = dma_alloc_coherent(ctx.dev, PAGE_SIZE, &hc, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, c);
	fill(b, PAGE_SIZE, 0xbb);
	fill(c, PAGE_SIZE, 0xcc);
	KUNIT_ASSERT_TRUE(test, ha == hb || ha == hc);

	/* The stale free of the old two-page buffer must release neither. */
	dma_free_coherent(ctx.dev, 2 * PAGE_SIZE, a, ha);
	a = dma_alloc_coherent(ctx.dev, PAGE_SIZE, &ha, GFP_KERNEL | __GFP_NOWARN);
	KUNIT_EXPECT_NULL_MSG(test, a, "a live page was handed out again");
	if (a)
		dma_free_coherent(ctx.dev, PAGE_SIZE, a, ha);
	KUNIT_EXPECT_TRUE(test, intact(b, PAGE_SIZE, 0xbb));
	KUNIT_EXPECT_TRUE(test, intact(c, PAGE_SIZE, 0xcc));
	dma_free_coherent(ctx.dev, PAGE_SIZE, b, hb);
	dma_free_coherent(ctx.dev, PAGE_SIZE, c, hc);
}

/*
 * Allocate from @dev's pools without dma-debug's bookkeeping, for buffers
 * that the test frees with dma_release_from_dev_coherent() (through
 * another device, or after a release): dma-debug would otherwise keep an
 * entry that a later test's buffer at the same address trips over.
 */
static void *pool_alloc_raw(struct device *dev, size_t size, dma_addr_t *h)
{
	void *ret = NULL;

	if (!dma_alloc_from_dev_coherent(dev, size, h, &ret))
		return NULL;
	return ret;
}

/* True when @p can be read: still mapped.  Never faults. */
static bool mapped(const void *p)
{
	u8 byte;

	return !copy_from_kernel_nofault(&byte, p, 1);
}

/*
 * Releasing a device always detaches it, even with a buffer live (the
 * API returns nothing, and remove() paths do not retry).  The buffer
 * stays mapped and intact until it is freed, through the device or any
 * other: the pool is found by address.  Then the pool goes, and the range
 * can be declared again.  6.12 unmapped the pool under the buffer.
 */
static void release_with_live_buffers(struct kunit *test)
{
	struct pool_ctx ctx;
	dma_addr_t h;
	void *buf;

	declare_pool(test, &ctx, 0, 16 * PAGE_SIZE);
	buf = pool_alloc_raw(ctx.dev, 3 * PAGE_SIZE, &h);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	fill(buf, 3 * PAGE_SIZE, 0x3c);

	dma_release_coherent_memory(ctx.dev);
	KUNIT_EXPECT_NULL(test, ctx.dev->dma_mem);
	KUNIT_ASSERT_TRUE_MSG(test, mapped(buf), "pool unmapped under a live buffer");
	KUNIT_EXPECT_TRUE(test, intact(buf, 3 * PAGE_SIZE, 0x3c));
	/* Not handed to dma-direct: the pool that holds it takes it back. */
	KUNIT_ASSERT_EQ(test, 1, dma_release_from_dev_coherent(ctx.dev,
							       get_order(3 * PAGE_SIZE), buf));
	KUNIT_EXPECT_EQ(test, 0, dma_declare_coherent_memory(ctx.dev, ctx.phys,
							     ctx.dma, 16 * PAGE_SIZE));
}

/*
 * A pool declared with DMA_COHERENT_FALLBACK hands out generic memory once
 * it is exhausted (the 4.x contract); the generic buffer is freed by the
 * generic path because the pool does not claim it.
 */
static void fallback_pool(struct kunit *test)
{
#ifdef DMA_COHERENT_FALLBACK
	struct pool_ctx ctx;
	dma_addr_t h1, h2;
	void *b1, *b2;
	int ret;

	declare_pool(test, &ctx, 0, SZ_1M);
	dma_release_coherent_memory(ctx.dev);
	ret = dma_declare_coherent_memory_flags(ctx.dev, ctx.phys, ctx.dma,
						4 * PAGE_SIZE, DMA_COHERENT_FALLBACK);
	KUNIT_ASSERT_EQ(test, ret, 0);
	b1 = dma_alloc_coherent(ctx.dev, 4 * PAGE_SIZE, &h1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b1);
	KUNIT_EXPECT_TRUE(test, in_pool(&ctx, h1, 4 * PAGE_SIZE));
	b2 = dma_alloc_coherent(ctx.dev, PAGE_SIZE, &h2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL_MSG(test, b2, "no fallback to generic memory");
	KUNIT_EXPECT_FALSE(test, in_pool(&ctx, h2, PAGE_SIZE));
	KUNIT_EXPECT_EQ(test, 0, dma_release_from_dev_coherent(ctx.dev, 0, b2));
	fill(b2, PAGE_SIZE, 0x77);
	dma_free_coherent(ctx.dev, PAGE_SIZE, b2, h2);
	dma_free_coherent(ctx.dev, 4 * PAGE_SIZE, b1, h1);

	/* The default stays exclusive. */
	dma_release_coherent_memory(ctx.dev);
	KUNIT_ASSERT_EQ(test, 0, dma_declare_coherent_memory(ctx.dev, ctx.phys,
							     ctx.dma, PAGE_SIZE));
	b1 = dma_alloc_coherent(ctx.dev, PAGE_SIZE, &h1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b1);
	KUNIT_EXPECT_NULL(test, dma_alloc_coherent(ctx.dev, PAGE_SIZE, &h2,
						   GFP_KERNEL | __GFP_NOWARN));
	dma_free_coherent(ctx.dev, PAGE_SIZE, b1, h1);
#else
	kunit_skip(test, "no DMA_COHERENT_FALLBACK in this kernel");
#endif
}

/* ---- observability ---------------------------------------------------- */

#ifdef CONFIG_DEBUG_FS
KUNIT_DEFINE_ACTION_WRAPPER(mntput_action, mntput, struct vfsmount *);

/* A private mount of debugfs, so the test reads files as users do. */
static struct vfsmount *debugfs_mount(struct kunit *test)
{
	struct file_system_type *type = get_fs_type("debugfs");
	struct vfsmount *mnt;

	KUNIT_ASSERT_NOT_NULL(test, type);
	mnt = vfs_kern_mount(type, 0, "debugfs", NULL);
	put_filesystem(type);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mnt));
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, mntput_action, mnt));
	return mnt;
}

/* Read a debugfs file into @buf; returns the length or a negative errno. */
static ssize_t debugfs_read(struct vfsmount *mnt, const char *path,
			    char *buf, size_t len)
{
	struct file *f = file_open_root_mnt(mnt, path, O_RDONLY, 0);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_read(f, buf, len - 1, &pos);
	fput(f);
	if (n >= 0)
		buf[n] = 0;
	return n;
}

static u64 debugfs_u64(struct kunit *test, struct vfsmount *mnt,
		       const char *dir, const char *file)
{
	char path[128], buf[32];
	u64 val = ~0ULL;
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	n = debugfs_read(mnt, path, buf, sizeof(buf));
	KUNIT_ASSERT_GT_MSG(test, n, 0, "reading %s: %zd", path, n);
	KUNIT_EXPECT_EQ_MSG(test, kstrtoull(strim(buf), 0, &val), 0, "%s: '%s'", path, buf);
	return val;
}

static int debugfs_write(struct vfsmount *mnt, const char *path, const char *s)
{
	struct file *f = file_open_root_mnt(mnt, path, O_WRONLY, 0);
	loff_t pos = 0;
	ssize_t n;

	if (IS_ERR(f))
		return PTR_ERR(f);
	n = kernel_write(f, s, strlen(s), &pos);
	fput(f);
	return n < 0 ? n : 0;
}

/* Every counter of the pool's debugfs directory after known operations. */
static void debugfs_counters(struct kunit *test)
{
	struct vfsmount *mnt = debugfs_mount(test);
	struct pool_ctx ctx;
	char dir[96], path[128], *buf;
	dma_addr_t h[3], hx;
	void *b[3];
	int i;

	declare_pool(test, &ctx, 0, 64 * PAGE_SIZE);
	/* Pools are named after their address, not their device. */
	snprintf(dir, sizeof(dir), "dma-coherent/declared@%llx", (u64)ctx.phys);
	buf = kunit_kzalloc(test, PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "count"), 64);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "size"), 64 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "base"), (u64)ctx.phys);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "dma_base"), (u64)ctx.dma);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "used"), 0);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "maxchunk"), 64);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "free_extents"), 1);

	for (i = 0; i < 3; i++) {
		b[i] = dma_alloc_coherent(ctx.dev, (2 * i + 1) * PAGE_SIZE, &h[i], GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, b[i]);
	}
	/* 1 + 3 + 5 pages in use; free the 3-page one. */
	dma_free_coherent(ctx.dev, 3 * PAGE_SIZE, b[1], h[1]);
	/* One misuse: an interior pointer of the 5-page buffer. */
	KUNIT_EXPECT_EQ(test, 1, dma_release_from_dev_coherent(ctx.dev, 0, b[2] + PAGE_SIZE));
	/* One failure: more than the pool. */
	KUNIT_EXPECT_NULL(test, dma_alloc_coherent(ctx.dev, 65 * PAGE_SIZE, &hx,
						   GFP_KERNEL | __GFP_NOWARN));

	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "allocs"), 3);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "frees"), 1);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "failures"), 1);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "misuse"), 1);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "fallbacks"), 0);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "live"), 2);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "used"), 6);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "peak"), 9);

	/* The bitmap lists exactly the pages of the two live buffers. */
	snprintf(path, sizeof(path), "%s/bitmap", dir);
	KUNIT_ASSERT_GT(test, debugfs_read(mnt, path, buf, PAGE_SIZE), 0);
	{
		DECLARE_BITMAP(want, 64) = {};
		DECLARE_BITMAP(got, 64) = {};

		bitmap_set(want, (h[0] - ctx.dma) >> PAGE_SHIFT, 1);
		bitmap_set(want, (h[2] - ctx.dma) >> PAGE_SHIFT, 5);
		KUNIT_EXPECT_EQ(test, 0, bitmap_parselist(strim(buf), got, 64));
		KUNIT_EXPECT_TRUE_MSG(test, bitmap_equal(want, got, 64),
				      "bitmap '%s', want %*pbl", buf, 64, want);
	}

	snprintf(path, sizeof(path), "%s/devices", dir);
	KUNIT_ASSERT_GT(test, debugfs_read(mnt, path, buf, PAGE_SIZE), 0);
	KUNIT_EXPECT_STREQ(test, strim(buf), dev_name(ctx.dev));

	/* peak: writing 0 resets it to what is in use now. */
	snprintf(path, sizeof(path), "%s/peak", dir);
	KUNIT_EXPECT_EQ(test, 0, debugfs_write(mnt, path, "0"));
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "peak"), 6);
	KUNIT_EXPECT_NE(test, 0, debugfs_write(mnt, path, "5"));

	dma_free_coherent(ctx.dev, PAGE_SIZE, b[0], h[0]);
	dma_free_coherent(ctx.dev, 5 * PAGE_SIZE, b[2], h[2]);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "used"), 0);
	KUNIT_EXPECT_EQ(test, debugfs_u64(test, mnt, dir, "free_extents"), 1);

	/* The directory goes with the pool. */
	dma_release_coherent_memory(ctx.dev);
	snprintf(path, sizeof(path), "%s/used", dir);
	KUNIT_EXPECT_LT(test, debugfs_read(mnt, path, buf, PAGE_SIZE), 0);
}
#else
static void debugfs_counters(struct kunit *test)
{
	kunit_skip(test, "CONFIG_DEBUG_FS is off");
}
#endif

/*
 * dma-debug's error counter.  Its debugfs file has no read_iter, so read
 * the u32 that debugfs_create_u32() keeps behind it.
 */
static u32 dma_debug_errors(struct kunit *test)
{
	struct dentry *dir, *f;
	u32 val;

	dir = debugfs_lookup("dma-api", NULL);
	KUNIT_ASSERT_NOT_NULL(test, dir);
	f = debugfs_lookup("error_count", dir);
	dput(dir);
	KUNIT_ASSERT_NOT_NULL(test, f);
	val = READ_ONCE(*(u32 *)d_inode(f)->i_private);
	dput(f);
	return val;
}

/* CONFIG_DMA_API_DEBUG sees pool buffers: a double free is reported. */
static void dma_debug_sees_pool(struct kunit *test)
{
	struct pool_ctx ctx;
	u32 before;
	dma_addr_t h;
	void *b;

	if (!IS_ENABLED(CONFIG_DMA_API_DEBUG) || !IS_ENABLED(CONFIG_DEBUG_FS))
		kunit_skip(test, "needs CONFIG_DMA_API_DEBUG and CONFIG_DEBUG_FS");
	declare_pool(test, &ctx, 0, 16 * PAGE_SIZE);
	before = dma_debug_errors(test);
	b = dma_alloc_coherent(ctx.dev, 2 * PAGE_SIZE, &h, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	dma_free_coherent(ctx.dev, 2 * PAGE_SIZE, b, h);
	KUNIT_EXPECT_EQ(test, dma_debug_errors(test), before);
	dma_free_coherent(ctx.dev, 2 * PAGE_SIZE, b, h);
	KUNIT_EXPECT_GT_MSG(test, dma_debug_errors(test), before,
			    "dma-debug did not report the double free");
}

/*
 * A pool declared inside a buffer of another, as remoteproc declares its
 * vdev pool in a carve-out allocated from its parent's pool: the inner
 * pool's buffer starts on the carve-out's first cacheline, which
 * dma-debug must not report as an overlapping mapping.
 */
static void dma_debug_nested_pool(struct kunit *test)
{
	struct pool_ctx ctx;
	struct device *inner;
	dma_addr_t h, ih = 0;
	void *b, *ib;
	u32 before;
	int ret;

	if (!IS_ENABLED(CONFIG_DMA_API_DEBUG) || !IS_ENABLED(CONFIG_DEBUG_FS))
		kunit_skip(test, "needs CONFIG_DMA_API_DEBUG and CONFIG_DEBUG_FS");
	declare_pool(test, &ctx, 0, 16 * PAGE_SIZE);
	b = dma_alloc_coherent(ctx.dev, 4 * PAGE_SIZE, &h, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	inner = new_device(test, "dma-coherent-kunit-inner");
	ret = dma_declare_coherent_memory(inner, ctx.phys + (h - ctx.dma), h,
					  PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, ret, 0);
	before = dma_debug_errors(test);
	ib = ret ? NULL : dma_alloc_coherent(inner, PAGE_SIZE, &ih, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, ib);
	KUNIT_EXPECT_EQ(test, ih, h);
	KUNIT_EXPECT_EQ_MSG(test, dma_debug_errors(test), before,
			    "dma-debug reported the inner pool's buffer");
	if (ib)
		dma_free_coherent(inner, PAGE_SIZE, ib, ih);
	dma_release_coherent_memory(inner);
	dma_free_coherent(ctx.dev, 4 * PAGE_SIZE, b, h);
}

/* ---- concurrency ------------------------------------------------------ */

struct stress_arg {
	struct pool_ctx *ctx;
	unsigned long iterations;
	unsigned long failures;	/* allocation failures (pool full) */
	unsigned long corrupt;	/* buffers whose pattern changed */
	struct completion done;
};

#define STRESS_SLOTS 16

static int stress_thread(void *data)
{
	struct stress_arg *arg = data;
	struct {
		void *buf;
		dma_addr_t h;
		size_t size;
		u8 seed;
	} slot[STRESS_SLOTS] = {};
	unsigned long i;
	int s;

	for (i = 0; i < arg->iterations; i++) {
		s = get_random_u32_below(STRESS_SLOTS);
		if (slot[s].buf) {
			if (!intact(slot[s].buf, slot[s].size, slot[s].seed))
				arg->corrupt++;
			dma_free_coherent(arg->ctx->dev, slot[s].size,
					  slot[s].buf, slot[s].h);
			slot[s].buf = NULL;
			continue;
		}
		slot[s].size = (get_random_u32_below(8 * PAGE_SIZE)) + 1;
		slot[s].seed = get_random_u8() | 1;
		slot[s].buf = dma_alloc_coherent(arg->ctx->dev, slot[s].size,
						 &slot[s].h, GFP_KERNEL | __GFP_NOWARN);
		if (!slot[s].buf) {
			arg->failures++;
			continue;
		}
		if (!intact(slot[s].buf, slot[s].size, 0))
			arg->corrupt++;
		fill(slot[s].buf, slot[s].size, slot[s].seed);
		if (!(i & 63))
			cond_resched();
	}
	for (s = 0; s < STRESS_SLOTS; s++) {
		if (!slot[s].buf)
			continue;
		if (!intact(slot[s].buf, slot[s].size, slot[s].seed))
			arg->corrupt++;
		dma_free_coherent(arg->ctx->dev, slot[s].size, slot[s].buf, slot[s].h);
	}
	complete(&arg->done);
	return 0;
}

static void concurrent_stress(struct kunit *test)
{
	struct stress_arg arg[2];
	struct pool_ctx ctx;
	struct task_struct *t;
	void *buf;
	dma_addr_t h;
	int i;

	/* Small enough that the threads run it full now and then. */
	declare_pool(test, &ctx, 0, 96 * PAGE_SIZE);
	for (i = 0; i < ARRAY_SIZE(arg); i++) {
		arg[i] = (struct stress_arg){ .ctx = &ctx, .iterations = 100000 };
		init_completion(&arg[i].done);
		t = kthread_create(stress_thread, &arg[i], "dma-coh-stress/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		kthread_bind(t, i % num_online_cpus());
		wake_up_process(t);
	}
	for (i = 0; i < ARRAY_SIZE(arg); i++) {
		wait_for_completion(&arg[i].done);
		KUNIT_EXPECT_EQ_MSG(test, arg[i].corrupt, 0,
				    "thread %d saw corrupted or non-zero buffers", i);
		kunit_info(test, "thread %d: %lu allocation failures", i, arg[i].failures);
	}
	/* All returned: one buffer can take the whole pool again. */
	buf = dma_alloc_coherent(ctx.dev, 64 * PAGE_SIZE, &h, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, buf);
	if (buf)
		dma_free_coherent(ctx.dev, 64 * PAGE_SIZE, buf, h);
}

/* ---- device tree: shared-dma-pool ------------------------------------ */

KUNIT_DEFINE_ACTION_WRAPPER(rmem_release_action, of_reserved_mem_device_release,
			    struct device *);

/* Attach up to @max test devices to their DT memory-region; returns count. */
static int attach_dt_devices(struct kunit *test, struct device **devs, int max)
{
	struct device_node *np = NULL;
	int n = 0, ret;

	while (n < max && (np = of_find_compatible_node(np, NULL, DT_COMPATIBLE))) {
		struct device *dev = new_device(test, np->name);

		device_set_node(dev, of_fwnode_handle(np));
		ret = of_reserved_mem_device_init(dev);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "%pOF: of_reserved_mem_device_init", np);
		if (ret)
			continue;
		ret = kunit_add_action_or_reset(test, rmem_release_action, dev);
		KUNIT_ASSERT_EQ(test, ret, 0);
		devs[n++] = dev;
	}
	of_node_put(np);
	return n;
}

static void dt_shared_pool(struct kunit *test)
{
	struct device *devs[2];
	struct reserved_mem *rmem;
	struct device_node *mr;
	dma_addr_t h[2][4];
	void *b[2][4];
	int n, d, i, e;

	n = attach_dt_devices(test, devs, 2);
	if (n < 2)
		kunit_skip(test, "needs two \"%s\" nodes sharing a pool", DT_COMPATIBLE);

	mr = of_parse_phandle(devs[0]->of_node, "memory-region", 0);
	rmem = mr ? of_reserved_mem_lookup(mr) : NULL;
	of_node_put(mr);
	KUNIT_ASSERT_NOT_NULL(test, rmem);
	/* One pool, shared. */
	KUNIT_EXPECT_NOT_NULL(test, devs[0]->dma_mem);
	KUNIT_EXPECT_PTR_EQ(test, (void *)devs[0]->dma_mem, (void *)devs[1]->dma_mem);

	for (i = 0; i < 4; i++) {
		for (d = 0; d < 2; d++) {
			size_t size = (i + 1) * PAGE_SIZE;

			b[d][i] = dma_alloc_coherent(devs[d], size, &h[d][i], GFP_KERNEL);
			KUNIT_ASSERT_NOT_NULL(test, b[d][i]);
			KUNIT_EXPECT_GE(test, (u64)h[d][i], (u64)rmem->base);
			KUNIT_EXPECT_LE(test, (u64)h[d][i] + size,
					(u64)rmem->base + rmem->size);
			fill(b[d][i], size, 16 * d + i + 1);
		}
	}
	for (d = 0; d < 8; d++)
		for (e = d + 1; e < 8; e++)
			KUNIT_EXPECT_FALSE(test, overlaps(h[d / 4][d % 4],
							  (d % 4 + 1) * PAGE_SIZE,
							  h[e / 4][e % 4],
							  (e % 4 + 1) * PAGE_SIZE));
	for (d = 0; d < 2; d++) {
		for (i = 0; i < 4; i++) {
			KUNIT_EXPECT_TRUE(test, intact(b[d][i], (i + 1) * PAGE_SIZE,
						       16 * d + i + 1));
			dma_free_coherent(devs[d], (i + 1) * PAGE_SIZE, b[d][i], h[d][i]);
		}
	}
}

/* A "reusable" shared-dma-pool is CMA's, never a coherent pool. */
static void dt_reusable_refused(struct kunit *test)
{
	struct device_node *np;
	struct device *dev;
	int ret;

	if (IS_ENABLED(CONFIG_DMA_CMA))
		kunit_skip(test, "CMA takes reusable regions");
	np = of_find_compatible_node(NULL, NULL, DT_COMPATIBLE "-reusable");
	if (!np)
		kunit_skip(test, "needs a \"%s-reusable\" node", DT_COMPATIBLE);
	dev = new_device(test, "dma-coherent-kunit-reusable");
	device_set_node(dev, of_fwnode_handle(np));
	of_node_put(np);
	ret = of_reserved_mem_device_init(dev);
	KUNIT_EXPECT_NE(test, ret, 0);
	KUNIT_EXPECT_NULL(test, dev->dma_mem);
	if (!ret)
		of_reserved_mem_device_release(dev);
}

/*
 * Releasing a device-tree device with a live buffer detaches it; the
 * buffer stays intact, another device of the node attaches and allocates
 * without overlapping it, and the released device's late free goes back
 * to the pool (6.12 returned 0 and dma_free_coherent() gave pool memory
 * to dma-direct).
 */
static void dt_release_with_live_buffers(struct kunit *test)
{
	struct device_node *np;
	struct device *dev, *dev2;
	dma_addr_t h, h2;
	void *b, *b2;

	np = of_find_compatible_node(NULL, NULL, DT_COMPATIBLE);
	if (!np)
		kunit_skip(test, "needs a \"%s\" node", DT_COMPATIBLE);
	dev = new_device(test, "dma-coherent-kunit-live");
	dev2 = new_device(test, "dma-coherent-kunit-live2");
	device_set_node(dev, of_fwnode_handle(np));
	device_set_node(dev2, of_fwnode_handle(np));
	of_node_put(np);
	KUNIT_ASSERT_EQ(test, of_reserved_mem_device_init(dev), 0);

	b = pool_alloc_raw(dev, 3 * PAGE_SIZE, &h);
	KUNIT_ASSERT_NOT_NULL(test, b);
	fill(b, 3 * PAGE_SIZE, 0x4e);
	of_reserved_mem_device_release(dev);
	KUNIT_EXPECT_NULL_MSG(test, dev->dma_mem, "still attached after release");
	KUNIT_EXPECT_TRUE(test, intact(b, 3 * PAGE_SIZE, 0x4e));

	KUNIT_ASSERT_EQ(test, of_reserved_mem_device_init(dev2), 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, rmem_release_action, dev2));
	b2 = dma_alloc_coherent(dev2, 3 * PAGE_SIZE, &h2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b2);
	KUNIT_EXPECT_FALSE(test, overlaps(h, 3 * PAGE_SIZE, h2, 3 * PAGE_SIZE));
	fill(b2, 3 * PAGE_SIZE, 0x4f);
	KUNIT_EXPECT_TRUE(test, intact(b, 3 * PAGE_SIZE, 0x4e));

	KUNIT_EXPECT_EQ_MSG(test, 1,
			    dma_release_from_dev_coherent(dev, get_order(3 * PAGE_SIZE), b),
			    "a released device's buffer was not taken back by its pool");
	dma_free_coherent(dev2, 3 * PAGE_SIZE, b2, h2);
}

/*
 * A device whose memory-region lists two pools gets both, tried in order;
 * frees find the owning pool and a release detaches both.
 */
static void dt_two_pools(struct kunit *test)
{
	struct device_node *np, *mr;
	struct reserved_mem *r[2];
	unsigned long pages, i, n = 0;
	struct device *dev;
	dma_addr_t *h;
	void **b;
	int idx;

	np = of_find_compatible_node(NULL, NULL, DT_COMPATIBLE "-multi");
	if (!np)
		kunit_skip(test, "needs a \"%s-multi\" node with two pools", DT_COMPATIBLE);
	dev = new_device(test, "dma-coherent-kunit-multi");
	device_set_node(dev, of_fwnode_handle(np));
	for (idx = 0; idx < 2; idx++) {
		mr = of_parse_phandle(np, "memory-region", idx);
		r[idx] = mr ? of_reserved_mem_lookup(mr) : NULL;
		of_node_put(mr);
		KUNIT_ASSERT_NOT_NULL(test, r[idx]);
		KUNIT_ASSERT_EQ_MSG(test, 0, of_reserved_mem_device_init_by_idx(dev, np, idx),
				    "memory-region %d", idx);
	}
	of_node_put(np);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, rmem_release_action, dev));

	/* Fill the first pool, then one more page must come from the second. */
	pages = r[0]->size >> PAGE_SHIFT;
	b = kunit_kcalloc(test, pages + 1, sizeof(*b), GFP_KERNEL);
	h = kunit_kcalloc(test, pages + 1, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, h);
	for (i = 0; i <= pages; i++, n++) {
		b[i] = dma_alloc_coherent(dev, PAGE_SIZE, &h[i], GFP_KERNEL);
		if (!b[i])
			break;
		idx = i < pages ? 0 : 1;
		KUNIT_EXPECT_GE_MSG(test, (u64)h[i], (u64)r[idx]->base, "page %lu", i);
		KUNIT_EXPECT_LT_MSG(test, (u64)h[i], (u64)r[idx]->base + r[idx]->size,
				    "page %lu", i);
	}
	KUNIT_EXPECT_EQ(test, n, pages + 1);
	for (i = 0; i < n; i++)
		dma_free_coherent(dev, PAGE_SIZE, b[i], h[i]);
	of_reserved_mem_device_release(dev);
	KUNIT_EXPECT_NULL(test, dev->dma_mem);
}

/*
 * The events exist with this series' coherent.c, which selects PAGE_RANGES
 * (not with BASELINE=1).
 */
#if defined(CONFIG_TRACEPOINTS) && IS_ENABLED(CONFIG_PAGE_RANGES)
/* What the pool's tracepoints reported for one device. */
struct seen_events {
	struct device	*dev;
	unsigned int	allocs, frees, fails, misuse;
	size_t		size;
	unsigned long	pages, free_pages;
	dma_addr_t	alloc_dma, free_dma, misuse_dma;
	int		order;
};

static void seen_alloc(void *data, struct device *dev, const char *pool,
		       dma_addr_t dma_addr, size_t size, unsigned long pages,
		       unsigned int order, unsigned int want)
{
	struct seen_events *s = data;

	if (dev != s->dev)
		return;
	s->allocs++;
	s->size = size;
	s->pages = pages;
	s->alloc_dma = dma_addr;
}

static void seen_free(void *data, struct device *dev, const char *pool,
		      dma_addr_t dma_addr, size_t size, unsigned long pages,
		      unsigned int order, unsigned int want)
{
	struct seen_events *s = data;

	if (dev != s->dev)
		return;
	s->frees++;
	s->free_dma = dma_addr;
}

static void seen_fail(void *data, struct device *dev, const char *pool,
		      size_t size, unsigned long free_pages,
		      unsigned long largest)
{
	struct seen_events *s = data;

	if (dev != s->dev)
		return;
	s->fails++;
	s->free_pages = free_pages;
}

static void seen_misuse(void *data, struct device *dev, const char *pool,
			dma_addr_t dma_addr, int order, const char *what)
{
	struct seen_events *s = data;

	if (dev != s->dev)
		return;
	s->misuse++;
	s->misuse_dma = dma_addr;
	s->order = order;
}

/* Every pool event fires once per operation, with the right fields. */
static void tracepoints(struct kunit *test)
{
	struct seen_events s = { };
	struct pool_ctx ctx;
	dma_addr_t h, h2;
	void *a;
	int ret;

	declare_pool(test, &ctx, 0, 8 * PAGE_SIZE);
	s.dev = ctx.dev;
	ret = register_trace_dma_coherent_alloc(seen_alloc, &s);
	KUNIT_ASSERT_EQ(test, ret, 0);
	ret = register_trace_dma_coherent_free(seen_free, &s);
	if (!ret)
		ret = register_trace_dma_coherent_alloc_fail(seen_fail, &s);
	if (!ret)
		ret = register_trace_dma_coherent_misuse(seen_misuse, &s);
	KUNIT_EXPECT_EQ(test, ret, 0);

	a = dma_alloc_coherent(ctx.dev, 3 * PAGE_SIZE - 1, &h, GFP_KERNEL);
	KUNIT_EXPECT_NULL(test, dma_alloc_coherent(ctx.dev, 16 * PAGE_SIZE, &h2,
						   GFP_KERNEL | __GFP_NOWARN));
	if (a) {
		/* An interior pointer: refused and reported. */
		dma_release_from_dev_coherent(ctx.dev, 0, a + PAGE_SIZE);
		dma_free_coherent(ctx.dev, 3 * PAGE_SIZE - 1, a, h);
	}

	unregister_trace_dma_coherent_misuse(seen_misuse, &s);
	unregister_trace_dma_coherent_alloc_fail(seen_fail, &s);
	unregister_trace_dma_coherent_free(seen_free, &s);
	unregister_trace_dma_coherent_alloc(seen_alloc, &s);
	tracepoint_synchronize_unregister();

	KUNIT_ASSERT_NOT_NULL(test, a);
	KUNIT_EXPECT_EQ(test, s.allocs, 1);
	KUNIT_EXPECT_EQ(test, s.size, 3 * PAGE_SIZE - 1);
	KUNIT_EXPECT_EQ(test, s.pages, 3);
	KUNIT_EXPECT_EQ(test, s.alloc_dma, h);
	KUNIT_EXPECT_EQ(test, s.fails, 1);
	KUNIT_EXPECT_EQ(test, s.free_pages, 8 - 3);
	KUNIT_EXPECT_EQ(test, s.misuse, 1);
	KUNIT_EXPECT_EQ(test, s.misuse_dma, h + PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, s.order, 0);
	KUNIT_EXPECT_EQ(test, s.frees, 1);
	KUNIT_EXPECT_EQ(test, s.free_dma, h);
}
#else
static void tracepoints(struct kunit *test)
{
	kunit_skip(test, "needs CONFIG_TRACEPOINTS and this series' coherent.c");
}
#endif

/* ---- in-tree callers' patterns (Documentation/core-api/dma-coherent-pool.rst) */

static void raw_device_release(struct device *dev)
{
	kfree(dev);
}

KUNIT_DEFINE_ACTION_WRAPPER(put_device_action, put_device, struct device *);

/*
 * arch/sh boards (ecovec24, migor, se7724, kfr2r09, ap325rxa) declare the
 * CEU's pool between device_initialize() and platform_device_add(), when
 * the device has no name yet, and ignore the return value.
 */
static void declare_before_name(struct kunit *test)
{
	struct device *dev;
	dma_addr_t h;
	void *b;

	if (!test_phys || !test_size)
		kunit_skip(test, "no reserved range (dma_coherent_kunit.phys/size)");
	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, dev);
	device_initialize(dev);
	dev->release = raw_device_release;
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, put_device_action, dev));
	dev->coherent_dma_mask = DMA_BIT_MASK(32);
	dev->dma_mask = &dev->coherent_dma_mask;
	KUNIT_ASSERT_NULL(test, dev_name(dev));

	KUNIT_ASSERT_EQ_MSG(test, 0, dma_declare_coherent_memory(dev, test_phys, test_phys, SZ_1M),
			    "declare on a device with no name");
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, release_pool_action, dev));
	KUNIT_EXPECT_EQ(test, 0, dev_set_name(dev, "dma-coherent-kunit-sh-ceu"));
	b = dma_alloc_coherent(dev, 3 * PAGE_SIZE, &h, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_GE(test, (u64)h, (u64)test_phys);
	KUNIT_EXPECT_LT(test, (u64)h, (u64)test_phys + SZ_1M);
	dma_free_coherent(dev, 3 * PAGE_SIZE, b, h);
}

/*
 * remoteproc_virtio declares the vdev's firmware carve-out, often only
 * page aligned and sized for exactly what virtio_rpmsg_bus then takes in
 * one dma_alloc_coherent().  Whatever 6.12 served there, we serve: here
 * a 64-page pool one page past a 64-page boundary takes one 64-page
 * buffer, and a 2-page pool at an odd page one 2-page buffer.
 */
static void exact_carveout(struct kunit *test)
{
	static const struct { size_t offset, pages; } cases[] = {
		{ PAGE_SIZE, 64 }, { SZ_1M + PAGE_SIZE, 2 }, { SZ_2M + 3 * PAGE_SIZE, 16 },
	};
	struct pool_ctx ctx;
	dma_addr_t h, h2;
	void *b;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		size_t size = cases[i].pages * PAGE_SIZE;

		declare_pool(test, &ctx, cases[i].offset, size);
		b = dma_alloc_coherent(ctx.dev, size, &h, GFP_KERNEL);
		KUNIT_EXPECT_NOT_NULL_MSG(test, b, "%zu pages from a pool of exactly that at %pad",
					  cases[i].pages, &ctx.dma);
		if (b) {
			KUNIT_EXPECT_EQ(test, h, ctx.dma);
			KUNIT_EXPECT_TRUE(test, intact(b, size, 0));
			/* Nothing left: a refusal, not a second buffer. */
			KUNIT_EXPECT_NULL(test, dma_alloc_coherent(ctx.dev, PAGE_SIZE, &h2,
								   GFP_KERNEL | __GFP_NOWARN));
			dma_free_coherent(ctx.dev, size, b, h);
		}
		dma_release_coherent_memory(ctx.dev);
	}
}

/*
 * Media and DRM drivers fill a carve-out with equal frames.  Buffers over
 * 1 MiB are aligned to 1 MiB, as CMA aligns them, not to their power of
 * two: 1080p NV12 frames fit 21 to 64 MiB, where 6.12 fit 16.
 */
static void frames_pack_like_cma(struct kunit *test)
{
	const size_t frame = 1920 * 1080 * 3 / 2, pool = SZ_64M;
	size_t step = ALIGN(PAGE_ALIGN(frame), SZ_1M), want, n612;
	struct pool_ctx ctx;
	dma_addr_t *h;
	void **b;
	size_t n;

	/* Frames at 1 MiB alignment: all but the last take a whole step. */
	want = (pool - PAGE_ALIGN(frame)) / step + 1;
	n612 = pool / (PAGE_SIZE << get_order(frame));
	declare_pool(test, &ctx, 0, pool);
	if (ctx.dma & (SZ_1M - 1))
		kunit_skip(test, "reserved range is not 1 MiB aligned");
	b = kunit_kcalloc(test, want + 1, sizeof(*b), GFP_KERNEL);
	h = kunit_kcalloc(test, want + 1, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, h);
	for (n = 0; n <= want; n++) {
		b[n] = dma_alloc_coherent(ctx.dev, frame, &h[n], GFP_KERNEL | __GFP_NOWARN);
		if (!b[n])
			break;
		KUNIT_EXPECT_EQ_MSG(test, h[n] & (SZ_1M - 1), 0, "frame %zu at %pad", n, &h[n]);
	}
	kunit_info(test, "%zu frames of %zu bytes in %zu MiB (6.12: %zu)",
		   n, frame, pool / SZ_1M, n612);
	KUNIT_EXPECT_EQ(test, n, want);
	KUNIT_EXPECT_GT(test, n, n612);
	while (n--)
		dma_free_coherent(ctx.dev, frame, b[n], h[n]);
}

/*
 * In a carve-out whose base is only page aligned, frames over 1 MiB are
 * aligned as the base is (all 6.12 gave there) and pack back to back:
 * eight XRGB8888 1080p frames in 64 MiB, as in 6.12, not the seven that
 * 1 MiB alignment from that base leaves room for.
 */
static void frames_pack_misaligned_base(struct kunit *test)
{
	const size_t frame = 1920 * 1080 * 4, pool = SZ_64M;
	size_t want = (pool / PAGE_SIZE) / (PAGE_ALIGN(frame) / PAGE_SIZE), n612, n;
	struct pool_ctx ctx;
	dma_addr_t *h;
	void **b;

	n612 = pool / (PAGE_SIZE << get_order(frame));
	declare_pool(test, &ctx, PAGE_SIZE, pool);
	b = kunit_kcalloc(test, want + 1, sizeof(*b), GFP_KERNEL);
	h = kunit_kcalloc(test, want + 1, sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, h);
	for (n = 0; n <= want; n++) {
		b[n] = dma_alloc_coherent(ctx.dev, frame, &h[n], GFP_KERNEL | __GFP_NOWARN);
		if (!b[n])
			break;
		KUNIT_EXPECT_TRUE(test, in_pool(&ctx, h[n], frame));
	}
	kunit_info(test, "%zu frames of %zu bytes in %zu MiB at a page-aligned base (6.12: %zu)",
		   n, frame, pool / SZ_1M, n612);
	KUNIT_EXPECT_EQ(test, n, want);
	KUNIT_EXPECT_GE(test, n, n612);
	while (n--)
		dma_free_coherent(ctx.dev, frame, b[n], h[n]);
}

/*
 * Equal buffers of up to 1 MiB filling a pool whose base is less aligned
 * than they are (the SH CEU boards' memblock carve-outs are only page
 * aligned).  Natural placements take every aligned slot, which can be one
 * fewer than 6.12's slots counted from the base; then relaxed ones take
 * the piece before the first slot and the one after the last where a
 * buffer fits from a page on the base's alignment.  The count must be
 * exactly that, never below 6.12's less one, with no overlap, and every
 * buffer aligned at least as 6.12 aligned it: its order, capped by the
 * base's alignment.
 */
static void equal_fill_unaligned_base(struct kunit *test)
{
	static const struct { size_t size, offset; } cases[] = {
		{ 640 * 480 * 2, SZ_512K },	/* VGA YUYV */
		{ SZ_64K, PAGE_SIZE },
		{ 3 * PAGE_SIZE, PAGE_SIZE },	/* the piece before takes one */
		{ SZ_1M, 3 * PAGE_SIZE },
	};
	const size_t pool = SZ_4M;
	size_t len, n612, n, max, want, j;
	dma_addr_t first, last, end, nat, lat, base_align;
	struct pool_ctx ctx;
	unsigned int order, i;
	dma_addr_t *h;
	void **b;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		len = PAGE_ALIGN(cases[i].size);
		order = get_order(len);
		/* 6.12: slots of 2^order pages from the base, each wholly inside. */
		n612 = pool >> (PAGE_SHIFT + order);
		max = pool / len + 1;
		b = kunit_kcalloc(test, max, sizeof(*b), GFP_KERNEL);
		h = kunit_kcalloc(test, max, sizeof(*h), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, b);
		KUNIT_ASSERT_NOT_NULL(test, h);
		declare_pool(test, &ctx, cases[i].offset, pool);

		/* Aligned slots, then the pieces on the base's alignment. */
		nat = (dma_addr_t)PAGE_SIZE << min_t(unsigned int, order, get_order(SZ_1M));
		base_align = ctx.dma & -ctx.dma;
		lat = min_t(dma_addr_t, base_align, SZ_1M);
		end = ctx.dma + pool;
		first = round_up(ctx.dma, nat);
		last = round_down(end - len, nat);
		/* Both inside the pool: a size_t division, also with LPAE. */
		want = first <= last ? (size_t)(last - first) / (size_t)nat + 1 : 0;
		want += first - ctx.dma >= len;
		want += want && round_up(last + len, lat) + len <= end;

		for (n = 0; n < max; n++) {
			b[n] = dma_alloc_coherent(ctx.dev, cases[i].size, &h[n],
						  GFP_KERNEL | __GFP_NOWARN);
			if (!b[n])
				break;
			KUNIT_EXPECT_TRUE(test, in_pool(&ctx, h[n], len));
			KUNIT_EXPECT_TRUE_MSG(test, IS_ALIGNED(h[n], min(nat, base_align)),
					      "%zu bytes at %pad, base %pad", cases[i].size,
					      &h[n], &ctx.dma);
			for (j = 0; j < n; j++)
				KUNIT_EXPECT_FALSE(test, overlaps(h[j], len, h[n], len));
		}
		kunit_info(test, "%zu buffers of %zu bytes in %zu MiB at %pad (6.12: %zu)",
			   n, cases[i].size, pool / SZ_1M, &ctx.dma, n612);
		KUNIT_EXPECT_LT(test, n, max);
		KUNIT_EXPECT_EQ(test, n, want);
		KUNIT_EXPECT_GE(test, n + 1, n612);
		while (n--)
			dma_free_coherent(ctx.dev, cases[i].size, b[n], h[n]);
		dma_release_coherent_memory(ctx.dev);
	}
}

/*
 * Carve-outs sized for a known set of buffers (mtk_vpu: 4 MiB then 1 MiB
 * in 5 MiB; npcm-video: 5 MiB in 5 MiB; the Dreamcast BBA: 7168 and 10256
 * bytes in 32 KiB).  All fit, in either order; 6.12 rounded 5 MiB to
 * 8 MiB and failed the reverse order of mtk_vpu.
 */
static void exact_sum(struct kunit *test)
{
	static const struct { size_t pool, a, b; } cases[] = {
		{ 5 * SZ_1M, 4 * SZ_1M, SZ_1M },
		{ 5 * SZ_1M, SZ_1M, 4 * SZ_1M },
		{ 5 * SZ_1M, 5 * SZ_1M, 0 },
		{ SZ_32K, 7168, 10256 },
	};
	struct pool_ctx ctx;
	dma_addr_t ha, hb;
	void *a, *b;
	int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		if (cases[i].pool < 16 * PAGE_SIZE && PAGE_SIZE > SZ_4K)
			continue;
		declare_pool(test, &ctx, 0, cases[i].pool);
		a = dma_alloc_coherent(ctx.dev, cases[i].a, &ha, GFP_KERNEL | __GFP_NOWARN);
		KUNIT_EXPECT_NOT_NULL_MSG(test, a, "case %d: %zu bytes in %zu", i,
					  cases[i].a, cases[i].pool);
		b = NULL;
		if (a && cases[i].b) {
			b = dma_alloc_coherent(ctx.dev, cases[i].b, &hb, GFP_KERNEL | __GFP_NOWARN);
			KUNIT_EXPECT_NOT_NULL_MSG(test, b, "case %d: %zu bytes after %zu in %zu",
						  i, cases[i].b, cases[i].a, cases[i].pool);
			if (b)
				KUNIT_EXPECT_FALSE(test, overlaps(ha, cases[i].a, hb, cases[i].b));
		}
		if (b)
			dma_free_coherent(ctx.dev, cases[i].b, b, hb);
		if (a)
			dma_free_coherent(ctx.dev, cases[i].a, a, ha);
		dma_release_coherent_memory(ctx.dev);
	}
}

/*
 * s5p-mfc and logicvc rely on the first buffer of a fresh, aligned pool
 * sitting at its base, and on a freed buffer's place being taken again
 * (s5p-mfc's right bank records the address of a 128 KiB probe buffer).
 */
static void first_fit_base(struct kunit *test)
{
	struct pool_ctx ctx;
	dma_addr_t h, h2, hfw;
	void *b, *fw;

	declare_pool(test, &ctx, 0, SZ_8M);
	if (ctx.dma & (SZ_1M - 1))
		kunit_skip(test, "reserved range is not 1 MiB aligned");
	b = dma_alloc_coherent(ctx.dev, SZ_128K, &h, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, h, ctx.dma);
	dma_free_coherent(ctx.dev, SZ_128K, b, h);
	b = dma_alloc_coherent(ctx.dev, SZ_128K, &h2, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, h2, h);
	dma_free_coherent(ctx.dev, SZ_128K, b, h2);

	/* Firmware first, then buffers: all above the firmware. */
	fw = dma_alloc_coherent(ctx.dev, SZ_1M + SZ_512K, &hfw, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fw);
	KUNIT_EXPECT_EQ(test, hfw, ctx.dma);
	b = dma_alloc_coherent(ctx.dev, 3 * PAGE_SIZE, &h, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_GE(test, h, hfw + SZ_1M + SZ_512K);
	dma_free_coherent(ctx.dev, 3 * PAGE_SIZE, b, h);
	dma_free_coherent(ctx.dev, SZ_1M + SZ_512K, fw, hfw);
}

/*
 * SOF, mediatek AFE, qcom_scm, arcpgu and others attach in probe and never
 * release: probing again (-EPROBE_DEFER, unbind/bind) attaches again.  6.12
 * said -EBUSY there, and those drivers could not bind again.
 */
static void dt_rebind_without_release(struct kunit *test)
{
	struct device_node *np;
	struct device *dev;
	dma_addr_t h;
	void *b;

	np = of_find_compatible_node(NULL, NULL, DT_COMPATIBLE);
	if (!np)
		kunit_skip(test, "needs a \"%s\" node", DT_COMPATIBLE);
	dev = new_device(test, "dma-coherent-kunit-rebind");
	device_set_node(dev, of_fwnode_handle(np));
	of_node_put(np);
	KUNIT_ASSERT_EQ(test, of_reserved_mem_device_init(dev), 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, rmem_release_action, dev));
	KUNIT_EXPECT_EQ_MSG(test, of_reserved_mem_device_init(dev), 0,
			    "second probe without a release");
	b = dma_alloc_coherent(dev, PAGE_SIZE, &h, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, b);
	if (b)
		dma_free_coherent(dev, PAGE_SIZE, b, h);
	of_reserved_mem_device_release(dev);
	KUNIT_EXPECT_NULL(test, dev->dma_mem);
}

/*
 * A buffer belongs to the pool that holds it, not to the device that
 * asked: freed through another device (shared-dma-pool users, or a device
 * with no pool at all), it goes back to its pool.  6.12 returned 0 from
 * dma_release_from_dev_coherent() there, and dma_free_coherent() gave pool
 * memory to dma-direct.
 */
static void free_through_other_device(struct kunit *test)
{
	struct pool_ctx ctx;
	struct device *other;
	dma_addr_t hx, hz;
	void *x, *z;

	declare_pool(test, &ctx, 0, 16 * PAGE_SIZE);
	other = new_device(test, "dma-coherent-kunit-other");
	x = pool_alloc_raw(ctx.dev, 2 * PAGE_SIZE, &hx);
	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_EXPECT_EQ(test, 1, dma_release_from_dev_coherent(other, 1, x));
	/* The pages came back: all 16 fit again. */
	z = dma_alloc_coherent(ctx.dev, 16 * PAGE_SIZE, &hz, GFP_KERNEL | __GFP_NOWARN);
	KUNIT_EXPECT_NOT_NULL(test, z);
	if (z)
		dma_free_coherent(ctx.dev, 16 * PAGE_SIZE, z, hz);
}

/*
 * The same on a shared device-tree pool: d0 allocates x, d1 frees it and
 * allocates z, d1 is released (z stays live) and frees z later; d0,
 * holding nothing, is released too.
 */
static void dt_shared_cross_free(struct kunit *test)
{
	struct device *devs[2];
	dma_addr_t hx, hz;
	void *x, *z;

	if (attach_dt_devices(test, devs, 2) < 2)
		kunit_skip(test, "needs two \"%s\" nodes sharing a pool", DT_COMPATIBLE);
	x = pool_alloc_raw(devs[0], PAGE_SIZE, &hx);
	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_EXPECT_EQ(test, 1, dma_release_from_dev_coherent(devs[1], 0, x));
	z = pool_alloc_raw(devs[1], 2 * PAGE_SIZE, &hz);
	KUNIT_ASSERT_NOT_NULL(test, z);
	fill(z, 2 * PAGE_SIZE, 0x5a);
	of_reserved_mem_device_release(devs[1]);
	KUNIT_EXPECT_NULL(test, devs[1]->dma_mem);
	KUNIT_EXPECT_TRUE(test, intact(z, 2 * PAGE_SIZE, 0x5a));
	KUNIT_EXPECT_EQ(test, 1, dma_release_from_dev_coherent(devs[1], 1, z));
	of_reserved_mem_device_release(devs[0]);
	KUNIT_EXPECT_NULL(test, devs[0]->dma_mem);
}

/*
 * A device released with a live buffer, then freed, leaves nothing
 * behind: a new device (kzalloc may well reuse the address) attaches to
 * the same region and is served.  6.12 served it; an earlier version of
 * this series kept the stale pointer and refused it.
 */
static void dt_released_device_freed(struct kunit *test)
{
	struct device_node *np;
	struct device *dev;
	dma_addr_t h, h2;
	void *b, *b2;

	np = of_find_compatible_node(NULL, NULL, DT_COMPATIBLE);
	if (!np)
		kunit_skip(test, "needs a \"%s\" node", DT_COMPATIBLE);
	dev = kunit_device_register(test, "dma-coherent-kunit-gone");
	if (IS_ERR_OR_NULL(dev))
		of_node_put(np);
	KUNIT_ASSERT_FALSE(test, IS_ERR_OR_NULL(dev));
	dev->coherent_dma_mask = DMA_BIT_MASK(32);
	dev->dma_mask = &dev->coherent_dma_mask;
	device_set_node(dev, of_fwnode_handle(np));
	KUNIT_ASSERT_EQ(test, of_reserved_mem_device_init(dev), 0);
	b = pool_alloc_raw(dev, PAGE_SIZE, &h);
	KUNIT_ASSERT_NOT_NULL(test, b);
	of_reserved_mem_device_release(dev);
	kunit_device_unregister(test, dev);

	dev = new_device(test, "dma-coherent-kunit-new");
	device_set_node(dev, of_fwnode_handle(np));
	of_node_put(np);
	KUNIT_ASSERT_EQ(test, of_reserved_mem_device_init(dev), 0);
	KUNIT_ASSERT_EQ(test, 0, kunit_add_action_or_reset(test, rmem_release_action, dev));
	KUNIT_EXPECT_NOT_NULL(test, dev->dma_mem);
	b2 = dma_alloc_coherent(dev, PAGE_SIZE, &h2, GFP_KERNEL);
	KUNIT_EXPECT_NOT_NULL(test, b2);
	if (b2)
		dma_free_coherent(dev, PAGE_SIZE, b2, h2);
	KUNIT_EXPECT_EQ(test, 1, dma_release_from_dev_coherent(dev, 0, b));
}

/*
 * A range whose pool was released with a buffer still live is not free.
 * Declaring exactly that range again takes the pool over, buffer and
 * all, as remoteproc does at every start while virtio_console may still
 * hold rproc-serial buffers; the live page is not handed out again, and
 * the old buffer is freed into the pool.  A range that only overlaps it
 * is refused.  6.12 had unmapped the pool and handed the pages out twice.
 */
static void redeclare_over_live_buffer(struct kunit *test)
{
	dma_addr_t h, hs[15], h2;
	struct pool_ctx ctx;
	void *b, *bs[15], *b2;
	int i, n = 0, ret;

	declare_pool(test, &ctx, 0, 16 * PAGE_SIZE);
	b = pool_alloc_raw(ctx.dev, PAGE_SIZE, &h);
	KUNIT_ASSERT_NOT_NULL(test, b);
	memset(b, 0x5a, PAGE_SIZE);
	dma_release_coherent_memory(ctx.dev);

	KUNIT_EXPECT_EQ(test, -EBUSY,
			dma_declare_coherent_memory(ctx.dev, ctx.phys + PAGE_SIZE,
						    ctx.dma + PAGE_SIZE, 8 * PAGE_SIZE));
	KUNIT_EXPECT_NULL(test, ctx.dev->dma_mem);
	if (ctx.dev->dma_mem)
		dma_release_coherent_memory(ctx.dev);

	/* Whatever fails below, @b is freed: the range is left whole. */
	ret = dma_declare_coherent_memory(ctx.dev, ctx.phys, ctx.dma, 16 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, 0, ret);
	for (n = 0; !ret && n < 15; n++) {
		bs[n] = pool_alloc_raw(ctx.dev, PAGE_SIZE, &hs[n]);
		if (!bs[n]) {
			KUNIT_FAIL(test, "page %d of the 15 free ones not handed out", n);
			break;
		}
		KUNIT_EXPECT_NE(test, hs[n], h);
		KUNIT_EXPECT_TRUE(test, in_pool(&ctx, hs[n], PAGE_SIZE));
	}
	b2 = n == 15 ? pool_alloc_raw(ctx.dev, PAGE_SIZE, &h2) : NULL;
	KUNIT_EXPECT_NULL_MSG(test, b2, "page %pad handed out while still live", &h2);
	if (b2)
		dma_release_from_dev_coherent(ctx.dev, 0, b2);
	KUNIT_EXPECT_EQ(test, 0x5a, ((u8 *)b)[PAGE_SIZE - 1]);
	KUNIT_EXPECT_EQ(test, 1, dma_release_from_dev_coherent(ctx.dev, 0, b));
	if (n == 15) {
		b2 = pool_alloc_raw(ctx.dev, PAGE_SIZE, &h2);
		KUNIT_EXPECT_NOT_NULL(test, b2);
		KUNIT_EXPECT_EQ(test, h2, h);
		if (b2)
			KUNIT_EXPECT_EQ(test, 1, dma_release_from_dev_coherent(ctx.dev, 0, b2));
	}
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, 1, dma_release_from_dev_coherent(ctx.dev, 0, bs[i]));
}

/*
 * Release (remove()) racing with the last free from another thread: one
 * of them tears the pool down, exactly once (KASAN and lockdep watch this
 * in the debug run).  The release waits 0 to 49 us, then 0 to 1960 us,
 * after letting the free go, so that either may come first; the rounds
 * whose free found the pool still attached are counted.
 */
struct race_arg {
	struct device	*dev;
	void		*buf;
	dma_addr_t	h;
	int		taken;	/* what the free returned */
	bool		attached;	/* the pool was attached as the free began */
	struct completion go, done;
};

static int race_free(void *data)
{
	struct race_arg *r = data;

	wait_for_completion(&r->go);
	/* Racy on purpose: only a hint of which side came first. */
	r->attached = !!data_race(READ_ONCE(r->dev->dma_mem));
	r->taken = dma_release_from_dev_coherent(r->dev, 0, r->buf);
	complete(&r->done);
	return 0;
}

static void release_races_last_free(struct kunit *test)
{
	struct race_arg r;
	struct pool_ctx ctx;
	struct task_struct *t;
	int i, attached = 0;

#if !IS_ENABLED(CONFIG_PAGE_RANGES)
	/* 6.12 frees the pool under the free: not something to run. */
	kunit_skip(test, "6.12 unmaps a pool with live buffers");
#endif
	declare_pool(test, &ctx, 0, 16 * PAGE_SIZE);
	dma_release_coherent_memory(ctx.dev);
	for (i = 0; i < 100; i++) {
		KUNIT_ASSERT_EQ(test, 0, dma_declare_coherent_memory(ctx.dev, ctx.phys,
								     ctx.dma, ctx.size));
		r.dev = ctx.dev;
		/* Freed below with dma_release_from_dev_coherent(): no dma-debug. */
		r.buf = pool_alloc_raw(ctx.dev, PAGE_SIZE, &r.h);
		KUNIT_ASSERT_NOT_NULL(test, r.buf);
		init_completion(&r.go);
		init_completion(&r.done);
		t = kthread_run(race_free, &r, "dma-coh-race");
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		complete(&r.go);
		/* Fine steps for fast machines, coarse ones for emulation. */
		udelay(i < 50 ? i : (i - 50) * 40);
		dma_release_coherent_memory(ctx.dev);
		wait_for_completion(&r.done);
		KUNIT_EXPECT_NULL(test, ctx.dev->dma_mem);
		KUNIT_EXPECT_EQ_MSG(test, r.taken, 1, "round %d: the free was not taken", i);
		attached += r.attached;
	}
	kunit_info(test, "%d of 100 frees began with the pool still attached\n", attached);
}

/*
 * dma_mmap_coherent() maps pages of the one buffer asked for: with x (6
 * pages) followed by y (2), 8 pages from x are refused (6.12 mapped y to
 * user space), a buffer's own pages are mapped, and a range past its end
 * is refused.
 */
static void mmap_one_buffer(struct kunit *test)
{
	struct vm_area_struct *vma;
	struct pool_ctx ctx;
	dma_addr_t hx, hy;
	unsigned long addr;
	void *x, *y;
	int ret = 0;

	declare_pool(test, &ctx, 0, 64 * PAGE_SIZE);
	x = dma_alloc_coherent(ctx.dev, 6 * PAGE_SIZE, &hx, GFP_KERNEL);
	y = dma_alloc_coherent(ctx.dev, 2 * PAGE_SIZE, &hy, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, x);
	KUNIT_ASSERT_NOT_NULL(test, y);
	if (hy != hx + 6 * PAGE_SIZE) {
		dma_free_coherent(ctx.dev, 2 * PAGE_SIZE, y, hy);
		dma_free_coherent(ctx.dev, 6 * PAGE_SIZE, x, hx);
		kunit_skip(test, "buffers not laid out back to back");
	}

	addr = kunit_vm_mmap(test, NULL, 0, 8 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, 0);
	if (IS_ERR_VALUE(addr) || !addr)
		kunit_skip(test, "no user mapping for the test");
	mmap_write_lock(current->mm);
	vma = find_vma(current->mm, addr);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_EXPECT_EQ(test, 1,
			dma_mmap_from_dev_coherent(ctx.dev, vma, x, 8 * PAGE_SIZE, &ret));
	KUNIT_EXPECT_EQ_MSG(test, ret, -ENXIO, "8 pages from a 6-page buffer were mapped");
	mmap_write_unlock(current->mm);

	addr = kunit_vm_mmap(test, NULL, 0, 6 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr) || !addr);
	mmap_write_lock(current->mm);
	vma = find_vma(current->mm, addr);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	KUNIT_EXPECT_EQ(test, 1,
			dma_mmap_from_dev_coherent(ctx.dev, vma, x, 6 * PAGE_SIZE, &ret));
	KUNIT_EXPECT_EQ(test, ret, 0);
	mmap_write_unlock(current->mm);

	/* Six pages from y, which has two: refused before any mapping. */
	addr = kunit_vm_mmap(test, NULL, 0, 6 * PAGE_SIZE, PROT_READ | PROT_WRITE,
			     MAP_SHARED | MAP_ANONYMOUS, 0);
	KUNIT_ASSERT_FALSE(test, IS_ERR_VALUE(addr) || !addr);
	mmap_write_lock(current->mm);
	vma = find_vma(current->mm, addr);
	KUNIT_ASSERT_NOT_NULL(test, vma);
	ret = 0;
	KUNIT_EXPECT_EQ(test, 1,
			dma_mmap_from_dev_coherent(ctx.dev, vma, y, 6 * PAGE_SIZE, &ret));
	KUNIT_EXPECT_EQ(test, ret, -ENXIO);
	mmap_write_unlock(current->mm);

	dma_free_coherent(ctx.dev, 2 * PAGE_SIZE, y, hy);
	dma_free_coherent(ctx.dev, 6 * PAGE_SIZE, x, hx);
}

static struct kunit_case dma_coherent_test_cases[] = {
	KUNIT_CASE(declare_and_release),
	KUNIT_CASE(second_declare_is_ebusy),
	KUNIT_CASE(alloc_through_dma_api),
	KUNIT_CASE(alloc_is_zeroed),
	KUNIT_CASE(exhaustion_returns_null),
	KUNIT_CASE(too_large_fails),
	KUNIT_CASE(foreign_pointer_not_claimed),
	KUNIT_CASE(dt_shared_pool),
	KUNIT_CASE(exact_size),
	KUNIT_CASE(aligned_on_dma_address),
	KUNIT_CASE(large_pool_churn),
	KUNIT_CASE(declare_bad_arguments),
	KUNIT_CASE(declare_trims_partial_pages),
	KUNIT_CASE(bad_sizes_change_nothing),
	KUNIT_CASE(bad_free_interior_pointer),
	KUNIT_CASE(bad_free_wrong_order),
	KUNIT_CASE(bad_free_double),
	KUNIT_CASE(release_with_live_buffers),
	KUNIT_CASE(fallback_pool),
	KUNIT_CASE(debugfs_counters),
	KUNIT_CASE(dma_debug_sees_pool),
	KUNIT_CASE(dma_debug_nested_pool),
	KUNIT_CASE(tracepoints),
	KUNIT_CASE(dt_two_pools),
	KUNIT_CASE(dt_reusable_refused),
	KUNIT_CASE(dt_release_with_live_buffers),
	KUNIT_CASE_SLOW(concurrent_stress),
	KUNIT_CASE(declare_before_name),
	KUNIT_CASE(exact_carveout),
	KUNIT_CASE(frames_pack_like_cma),
	KUNIT_CASE(frames_pack_misaligned_base),
	KUNIT_CASE(equal_fill_unaligned_base),
	KUNIT_CASE(exact_sum),
	KUNIT_CASE(first_fit_base),
	KUNIT_CASE(dt_rebind_without_release),
	KUNIT_CASE(free_through_other_device),
	KUNIT_CASE(dt_shared_cross_free),
	KUNIT_CASE(dt_released_device_freed),
	KUNIT_CASE(redeclare_over_live_buffer),
	KUNIT_CASE(release_races_last_free),
	KUNIT_CASE(mmap_one_buffer),
	{}
};

static struct kunit_suite dma_coherent_test_suite = {
	.name = "dma_coherent",
	.test_cases = dma_coherent_test_cases,
};

kunit_test_suite(dma_coherent_test_suite);

MODULE_DESCRIPTION("KUnit tests for per-device coherent DMA pools");
MODULE_LICENSE("GPL");
