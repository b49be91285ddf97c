// SPDX-License-Identifier: GPL-2.0
/*
 * Benchmark and demonstration suites for per-device coherent DMA pools.
 * Not part of the default run: CONFIG_DMA_COHERENT_BENCH_KUNIT, default n.
 *
 * dma_coherent_bench times alloc+free pairs on a reserved region
 * (dma_coherent_bench_kunit.phys/size on the command line) for three allocators
 * on the same request sequence in the same kernel:
 *   pool    dma_alloc_coherent()/dma_free_coherent() on a declared pool
 *   bitmap  6.12's algorithm: bitmap_find_free_region()/_release_region()
 *           under a spinlock with interrupts off
 *   genalloc lib/genalloc with gen_pool_first_fit_order_align
 * Every allocator zeroes the pages it hands out, as the DMA API does; the
 * "zeroing" row times that alone, the floor of every other row.
 *
 * dma_coherent_demo runs a mixed workload on the first device-tree pool
 * and prints the pool's debugfs files to the console, for a script to draw.
 */
#include <kunit/test.h>
#include <kunit/device.h>
#include <linux/bitmap.h>
#include <linux/debugfs.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-mapping.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/genalloc.h>
#include <linux/io.h>
#include <linux/ktime.h>
#include <linux/moduleparam.h>
#include <linux/mount.h>
#include <linux/of.h>
#include <linux/of_reserved_mem.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

static unsigned long long bench_phys;
module_param_named(phys, bench_phys, ullong, 0444);
MODULE_PARM_DESC(phys, "physical base of a reserved, non-RAM range to benchmark on");

static unsigned long long bench_size;
module_param_named(size, bench_size, ullong, 0444);
MODULE_PARM_DESC(size, "its size in bytes");

static unsigned int bench_pairs = 20000;
module_param_named(pairs, bench_pairs, uint, 0444);
MODULE_PARM_DESC(pairs, "timed alloc+free pairs per allocator and pool size");

/* The same request sequence for every allocator: a seeded xorshift. */
struct bench_rng {
	u64 state;
};

static u32 bench_next(struct bench_rng *r, u32 bound)
{
	r->state ^= r->state << 13;
	r->state ^= r->state >> 7;
	r->state ^= r->state << 17;
	return (u32)(r->state >> 32) % bound;
}

struct bench_buf {
	void *cpu;
	dma_addr_t dma;
	unsigned long pages;
};

/* One allocator under test. */
struct bench_ops {
	const char *name;
	int (*setup)(struct kunit *test, void *ctx, unsigned long pages);
	bool (*alloc)(void *ctx, struct bench_buf *b);
	void (*free)(void *ctx, struct bench_buf *b);
	void (*teardown)(void *ctx);
};

struct bench_ctx {
	struct device *dev;
	void *virt;			/* mapping of the region (baselines) */
	unsigned long pages;
	unsigned long *bitmap;		/* 6.12 algorithm */
	spinlock_t lock;		/* protects bitmap */
	struct gen_pool *gp;		/* genalloc */
};

static int pool_setup(struct kunit *test, void *data, unsigned long pages)
{
	struct bench_ctx *c = data;

	char *name = kunit_kzalloc(test, 32, GFP_KERNEL);

	if (!name)
		return -ENOMEM;
	snprintf(name, 32, "dma-coherent-bench-%lu", pages);
	c->dev = kunit_device_register(test, name);
	if (IS_ERR(c->dev))
		return PTR_ERR(c->dev);
	c->dev->coherent_dma_mask = DMA_BIT_MASK(64);
	c->dev->dma_mask = &c->dev->coherent_dma_mask;
	return dma_declare_coherent_memory(c->dev, bench_phys, bench_phys,
					   pages << PAGE_SHIFT);
}

static bool pool_alloc(void *data, struct bench_buf *b)
{
	struct bench_ctx *c = data;

	b->cpu = dma_alloc_coherent(c->dev, b->pages << PAGE_SHIFT, &b->dma,
				    GFP_KERNEL | __GFP_NOWARN);
	return b->cpu;
}

static void pool_free(void *data, struct bench_buf *b)
{
	struct bench_ctx *c = data;

	dma_free_coherent(c->dev, b->pages << PAGE_SHIFT, b->cpu, b->dma);
}

static void pool_teardown(void *data)
{
	struct bench_ctx *c = data;

	dma_release_coherent_memory(c->dev);
}

static int map_region(struct bench_ctx *c, unsigned long pages)
{
	c->virt = memremap(bench_phys, pages << PAGE_SHIFT, MEMREMAP_WC);
	c->pages = pages;
	return c->virt ? 0 : -ENOMEM;
}

static int old_setup(struct kunit *test, void *data, unsigned long pages)
{
	struct bench_ctx *c = data;

	spin_lock_init(&c->lock);
	c->bitmap = bitmap_zalloc(pages, GFP_KERNEL);
	if (!c->bitmap)
		return -ENOMEM;
	return map_region(c, pages);
}

static bool old_alloc(void *data, struct bench_buf *b)
{
	struct bench_ctx *c = data;
	int order = get_order(b->pages << PAGE_SHIFT);
	unsigned long flags;
	int pos;

	spin_lock_irqsave(&c->lock, flags);
	pos = bitmap_find_free_region(c->bitmap, c->pages, order);
	spin_unlock_irqrestore(&c->lock, flags);
	if (pos < 0)
		return false;
	b->cpu = c->virt + ((size_t)pos << PAGE_SHIFT);
	b->dma = bench_phys + ((dma_addr_t)pos << PAGE_SHIFT);
	memset(b->cpu, 0, b->pages << PAGE_SHIFT);
	return true;
}

static void old_free(void *data, struct bench_buf *b)
{
	struct bench_ctx *c = data;
	unsigned long flags;

	spin_lock_irqsave(&c->lock, flags);
	bitmap_release_region(c->bitmap, (b->cpu - c->virt) >> PAGE_SHIFT,
			      get_order(b->pages << PAGE_SHIFT));
	spin_unlock_irqrestore(&c->lock, flags);
}

static void old_teardown(void *data)
{
	struct bench_ctx *c = data;

	bitmap_free(c->bitmap);
	memunmap(c->virt);
}

static int genalloc_setup(struct kunit *test, void *data, unsigned long pages)
{
	struct bench_ctx *c = data;
	int ret = map_region(c, pages);

	if (ret)
		return ret;
	c->gp = gen_pool_create(PAGE_SHIFT, NUMA_NO_NODE);
	if (!c->gp)
		return -ENOMEM;
	return gen_pool_add_virt(c->gp, (unsigned long)c->virt, bench_phys,
				 pages << PAGE_SHIFT, NUMA_NO_NODE);
}

static bool genalloc_alloc(void *data, struct bench_buf *b)
{
	struct bench_ctx *c = data;
	unsigned long addr;

	addr = gen_pool_alloc_algo(c->gp, b->pages << PAGE_SHIFT,
				   gen_pool_first_fit_order_align, NULL);
	if (!addr)
		return false;
	b->cpu = (void *)addr;
	b->dma = gen_pool_virt_to_phys(c->gp, addr);
	memset(b->cpu, 0, b->pages << PAGE_SHIFT);
	return true;
}

static void genalloc_free(void *data, struct bench_buf *b)
{
	struct bench_ctx *c = data;

	gen_pool_free(c->gp, (unsigned long)b->cpu, b->pages << PAGE_SHIFT);
}

static void genalloc_teardown(void *data)
{
	struct bench_ctx *c = data;

	gen_pool_destroy(c->gp);
	memunmap(c->virt);
}

/* The floor: no allocator, only the zeroing every allocator does. */
static int zero_setup(struct kunit *test, void *data, unsigned long pages)
{
	return map_region(data, pages);
}

static bool zero_alloc(void *data, struct bench_buf *b)
{
	struct bench_ctx *c = data;

	b->cpu = c->virt;
	memset(b->cpu, 0, b->pages << PAGE_SHIFT);
	return true;
}

static void zero_free(void *data, struct bench_buf *b)
{
}

static void zero_teardown(void *data)
{
	struct bench_ctx *c = data;

	memunmap(c->virt);
}

static const struct bench_ops bench_allocators[] = {
	{ "pool", pool_setup, pool_alloc, pool_free, pool_teardown },
	{ "bitmap-6.12", old_setup, old_alloc, old_free, old_teardown },
	{ "genalloc", genalloc_setup, genalloc_alloc, genalloc_free, genalloc_teardown },
	{ "zeroing", zero_setup, zero_alloc, zero_free, zero_teardown },
};

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

struct bench_result {
	u64 mean, p50, p99, max;
	unsigned long live_pages;
	unsigned long failures;
};

/*
 * Fill the pool to about 90% with uniform 1..64-page requests, age it with
 * as many free+alloc rounds, then time @pairs alloc+free pairs.
 */
static void bench_run(struct kunit *test, const struct bench_ops *ops,
		      unsigned long pages, struct bench_result *res)
{
	struct bench_ctx c = {};
	struct bench_rng rng = { .state = 0x9e3779b97f4a7c15ULL };
	unsigned long nbuf = pages / 8 + 16, live = 0, used = 0, i;

	*res = (struct bench_result){};
	struct bench_buf *bufs, b;
	u64 *t, total = 0, t0;

	bufs = kvcalloc(nbuf, sizeof(*bufs), GFP_KERNEL);
	t = kvcalloc(bench_pairs, sizeof(*t), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bufs);
	KUNIT_ASSERT_NOT_NULL(test, t);
	KUNIT_ASSERT_EQ_MSG(test, ops->setup(test, &c, pages), 0, "%s setup", ops->name);

	while (used < pages * 9 / 10 && live < nbuf) {
		b.pages = bench_next(&rng, 64) + 1;
		if (!ops->alloc(&c, &b))
			break;
		bufs[live++] = b;
		used += b.pages;
	}
	for (i = 0; i < live; i++) {
		unsigned long k = bench_next(&rng, live);

		ops->free(&c, &bufs[k]);
		bufs[k].pages = bench_next(&rng, 64) + 1;
		if (!ops->alloc(&c, &bufs[k]))
			bufs[k] = bufs[--live];
	}
	for (i = 0; i < bench_pairs; i++) {
		b.pages = bench_next(&rng, 64) + 1;
		t0 = ktime_get_ns();
		if (ops->alloc(&c, &b))
			ops->free(&c, &b);
		else
			res->failures++;
		t[i] = ktime_get_ns() - t0;
		total += t[i];
		if (!(i & 255))
			cond_resched();
	}
	for (i = 0; i < live; i++) {
		res->live_pages += bufs[i].pages;
		ops->free(&c, &bufs[i]);
	}
	ops->teardown(&c);

	sort(t, bench_pairs, sizeof(*t), cmp_u64, NULL);
	res->mean = div_u64(total, bench_pairs);
	res->p50 = t[bench_pairs / 2];
	res->p99 = t[bench_pairs * 99 / 100];
	res->max = t[bench_pairs - 1];
	kvfree(t);
	kvfree(bufs);
}

static void bench_alloc_free(struct kunit *test)
{
	static const unsigned long sizes[] = { 4096, 65536, 262144 };
	struct bench_result r[ARRAY_SIZE(bench_allocators)];
	int s, a;

	if (!bench_phys || !bench_size)
		kunit_skip(test, "no region (dma_coherent_bench_kunit.phys/size)");

	pr_info("dma-coherent-bench: alloc+free pair in ns (uniform 1..64 pages, pool ~90%% full, zeroing included), %u pairs\n",
		bench_pairs);
	pr_info("dma-coherent-bench: %8s %-12s %9s %9s %9s %9s %8s %8s %6s\n",
		"pages", "allocator", "mean", "p50", "p99", "max", "vs pool",
		"failed", "full%");
	for (s = 0; s < ARRAY_SIZE(sizes); s++) {
		if (sizes[s] << PAGE_SHIFT > bench_size)
			continue;
		for (a = 0; a < ARRAY_SIZE(bench_allocators); a++)
			bench_run(test, &bench_allocators[a], sizes[s], &r[a]);
		for (a = 0; a < ARRAY_SIZE(bench_allocators); a++) {
			u64 ratio10 = div64_u64(r[a].mean * 10, max_t(u64, r[0].mean, 1));

			pr_info("dma-coherent-bench: %8lu %-12s %9llu %9llu %9llu %9llu %5llu.%llux %8lu %6lu\n",
				sizes[s], bench_allocators[a].name, r[a].mean,
				r[a].p50, r[a].p99, r[a].max, ratio10 / 10, ratio10 % 10,
				r[a].failures, r[a].live_pages * 100 / sizes[s]);
		}
		KUNIT_EXPECT_GT(test, r[0].mean, 0);
	}
}

/* ---- demonstration ------------------------------------------------ */

static void demo_print(struct vfsmount *mnt, const char *dir, const char *file)
{
	char path[128], *buf = kvzalloc(SZ_256K, GFP_KERNEL);
	struct file *f;
	loff_t pos = 0;
	ssize_t n;

	if (!buf)
		return;
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = file_open_root_mnt(mnt, path, O_RDONLY, 0);
	if (!IS_ERR(f)) {
		n = kernel_read(f, buf, SZ_256K - 1, &pos);
		fput(f);
		if (n > 0)
			pr_info("dma-coherent-demo: %s: %s", file, strim(buf));
	}
	kvfree(buf);
}

static void demo_workload(struct kunit *test)
{
	static const char * const files[] = {
		"count", "size", "base", "dma_base", "used", "peak", "maxchunk",
		"free_extents", "live", "allocs", "frees", "failures",
		"misuse", "devices", "bitmap", "starts",
	};
	struct bench_rng rng = { .state = 0x2545f4914f6cdd1dULL };
	struct file_system_type *type;
	struct bench_buf *bufs;
	struct device_node *np, *mr;
	struct vfsmount *mnt;
	struct device *dev;
	char dir[96];
	int i, n = 0;

	np = of_find_compatible_node(NULL, NULL, "linux,dma-coherent-kunit");
	if (!np)
		kunit_skip(test, "no \"linux,dma-coherent-kunit\" device-tree node");
	dev = kunit_device_register(test, "dma-coherent-demo");
	KUNIT_ASSERT_FALSE(test, IS_ERR(dev));
	dev->coherent_dma_mask = DMA_BIT_MASK(32);
	dev->dma_mask = &dev->coherent_dma_mask;
	device_set_node(dev, of_fwnode_handle(np));
	mr = of_parse_phandle(np, "memory-region", 0);
	of_node_put(np);
	KUNIT_ASSERT_NOT_NULL(test, mr);
	/* The pool's debugfs directory is named after its node. */
	snprintf(dir, sizeof(dir), "dma-coherent/%s", kbasename(mr->full_name));
	of_node_put(mr);
	KUNIT_ASSERT_EQ(test, of_reserved_mem_device_init(dev), 0);

	bufs = kunit_kcalloc(test, 600, sizeof(*bufs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bufs);
	/* Log-uniform sizes 1..64 pages; free about 40% as we go. */
	for (i = 0; i < 600; i++) {
		bufs[n].pages = 1UL << bench_next(&rng, 7);
		bufs[n].pages += bench_next(&rng, bufs[n].pages);
		bufs[n].pages = min(bufs[n].pages, 64UL);
		bufs[n].cpu = dma_alloc_coherent(dev, bufs[n].pages << PAGE_SHIFT,
						 &bufs[n].dma, GFP_KERNEL | __GFP_NOWARN);
		if (bufs[n].cpu)
			n++;
		if (n && bench_next(&rng, 10) < 4) {
			int k = bench_next(&rng, n);

			dma_free_coherent(dev, bufs[k].pages << PAGE_SHIFT,
					  bufs[k].cpu, bufs[k].dma);
			bufs[k] = bufs[--n];
		}
	}
	KUNIT_EXPECT_GT(test, n, 0);

	type = get_fs_type("debugfs");
	KUNIT_ASSERT_NOT_NULL(test, type);
	mnt = vfs_kern_mount(type, 0, "debugfs", NULL);
	put_filesystem(type);
	KUNIT_ASSERT_FALSE(test, IS_ERR(mnt));
	for (i = 0; i < ARRAY_SIZE(files); i++)
		demo_print(mnt, dir, files[i]);
	pr_info("dma-coherent-demo: end\n");
	mntput(mnt);

	for (i = 0; i < n; i++)
		dma_free_coherent(dev, bufs[i].pages << PAGE_SHIFT, bufs[i].cpu,
				  bufs[i].dma);
	of_reserved_mem_device_release(dev);
}

static struct kunit_case dma_coherent_bench_cases[] = {
	KUNIT_CASE_SLOW(bench_alloc_free),
	{}
};

static struct kunit_suite dma_coherent_bench_suite = {
	.name = "dma_coherent_bench",
	.test_cases = dma_coherent_bench_cases,
};

static struct kunit_case dma_coherent_demo_cases[] = {
	KUNIT_CASE(demo_workload),
	{}
};

static struct kunit_suite dma_coherent_demo_suite = {
	.name = "dma_coherent_demo",
	.test_cases = dma_coherent_demo_cases,
};

kunit_test_suites(&dma_coherent_bench_suite, &dma_coherent_demo_suite);

MODULE_DESCRIPTION("Benchmark and demonstration of per-device coherent DMA pools");
MODULE_LICENSE("GPL");
