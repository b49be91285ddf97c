// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of lib/page_ranges.c: each rule of include/linux/page_ranges.h
 * on small sets, and random operations against a brute-force model that
 * tries every placement, over sets of several sizes, bases and max_order.
 */
#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/log2.h>
#include <linux/page_ranges.h>
#include <linux/prandom.h>
#include <linux/slab.h>

static int pr_mk(struct kunit *test, struct page_ranges *pr, unsigned long base,
		 unsigned long pages, unsigned int max_order)
{
	int ret = page_ranges_init(pr, base, pages, max_order, GFP_KERNEL);

	KUNIT_EXPECT_EQ(test, ret, 0);
	return ret;
}

/* Is absolute page @base + @o a multiple of 2^@k? */
static bool pr_aligned(unsigned long base, unsigned long o, unsigned int k)
{
	return !((base + o) & ((1UL << k) - 1));
}

static unsigned long pr_first_aligned(unsigned long base, unsigned long from,
				      unsigned int k)
{
	return from + ((-(base + from)) & ((1UL << k) - 1));
}

static unsigned int pr_base_order(unsigned long base, unsigned int max_order)
{
	return base ? min_t(unsigned int, __ffs(base), max_order) : max_order;
}

static unsigned int pr_want_order(unsigned long n, unsigned int max_order,
				  unsigned int lattice)
{
	return n <= 1UL << max_order ? (unsigned int)order_base_2(n) : lattice;
}

/* An allocation that must succeed at order @k of its absolute page. */
static long pr_alloc_at(struct kunit *test, struct page_ranges *pr, unsigned long base,
			unsigned long n, unsigned int flags, unsigned int k)
{
	unsigned int order = 99;
	long o = page_ranges_alloc(pr, n, flags, &order);

	KUNIT_EXPECT_GE_MSG(test, o, 0, "alloc(%lu, %#x) on base %#lx", n, flags, base);
	if (o < 0)
		return o;
	KUNIT_EXPECT_TRUE_MSG(test, pr_aligned(base, o, k),
			      "alloc(%lu, %#x) on base %#lx at %ld: not order %u",
			      n, flags, base, o, k);
	KUNIT_EXPECT_EQ(test, order, k);
	KUNIT_EXPECT_EQ(test, page_ranges_length(pr, o), (long)n);
	return o;
}

/* Fill an empty set with 1-page ranges, then free those of [@from, @to). */
static void pr_shape(struct kunit *test, struct page_ranges *pr, unsigned long from,
		     unsigned long to)
{
	unsigned long n = 0, p;

	while (page_ranges_alloc(pr, 1, 0, NULL) >= 0)
		n++;
	KUNIT_EXPECT_EQ(test, n, pr->pages);
	for (p = from; p < to; p++)
		KUNIT_EXPECT_EQ(test, page_ranges_free(pr, p), 1);
}

static void page_ranges_test_init_args(struct kunit *test)
{
	static const struct {
		unsigned long	base;
		unsigned int	max_order, base_order;
	} geo[] = {
		{ 0, 8, 8 }, { 0, 0, 0 }, { 0, 3, 3 }, { 1, 8, 0 }, { 0x100001, 8, 0 },
		{ 0x100, 8, 8 }, { 0x100, 5, 5 }, { 0x40, 8, 6 }, { 0x12340, 8, 6 },
		{ 0x12340, 2, 2 }, { 2, 0, 0 },
	};
	struct page_ranges pr;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, page_ranges_init(&pr, 0, 0, 8, GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_ranges_init(&pr, 0, 16, PAGE_RANGES_MAX_ORDER + 1,
					       GFP_KERNEL), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_ranges_init(&pr, 0, 16, ~0U, GFP_KERNEL), -EINVAL);
	/* One page more than the most a set holds. */
	KUNIT_EXPECT_EQ(test, page_ranges_init(&pr, 0, U32_MAX - 2 * PAGE_RANGES_BLOCK + 1,
					       8, GFP_KERNEL), -EINVAL);
#if BITS_PER_LONG > 32
	KUNIT_EXPECT_EQ(test, page_ranges_init(&pr, 0, (unsigned long)U32_MAX + 1, 8,
					       GFP_KERNEL), -EINVAL);
#endif
	KUNIT_EXPECT_EQ(test, page_ranges_init(&pr, 0, ULONG_MAX, 8, GFP_KERNEL), -EINVAL);

	for (i = 0; i < ARRAY_SIZE(geo); i++) {
		if (pr_mk(test, &pr, geo[i].base, 100, geo[i].max_order))
			continue;
		KUNIT_EXPECT_EQ_MSG(test, pr.base_order, geo[i].base_order, "base %#lx",
				    geo[i].base);
		KUNIT_EXPECT_EQ(test, pr.lattice, geo[i].base_order);
		KUNIT_EXPECT_EQ(test, pr.max_order, geo[i].max_order);
		KUNIT_EXPECT_EQ(test, page_ranges_free_pages(&pr), 100);
		KUNIT_EXPECT_EQ(test, page_ranges_live(&pr), 0);
		page_ranges_destroy(&pr);
	}

	if (pr_mk(test, &pr, 7, 1, PAGE_RANGES_MAX_ORDER))
		return;
	KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 1, 0, NULL), 0);
	KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 1, 0, NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 2, 0, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 0), 1);
	page_ranges_destroy(&pr);
}

static void page_ranges_test_want(struct kunit *test)
{
	struct page_ranges pr;
	unsigned long n;

	/* Base 0x1008: lattice 3. */
	if (pr_mk(test, &pr, 0x1008, 1000, 6))
		return;
	for (n = 1; n <= 64; n++)
		KUNIT_EXPECT_EQ(test, page_ranges_want(&pr, n), (unsigned int)order_base_2(n));
	KUNIT_EXPECT_EQ(test, page_ranges_want(&pr, 65), 3);
	KUNIT_EXPECT_EQ(test, page_ranges_want(&pr, 1000), 3);
	page_ranges_destroy(&pr);
}

/* Alignment is on the absolute page number, not relative to page 0. */
static void page_ranges_test_alignment(struct kunit *test)
{
	struct page_ranges pr;

	if (pr_mk(test, &pr, 0x100001, 600, 8))
		return;
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 0x100001, 256, 0, 8), 255);
	pr_alloc_at(test, &pr, 0x100001, 2, 0, 1);
	pr_alloc_at(test, &pr, 0x100001, 5, 0, 3);
	pr_alloc_at(test, &pr, 0x100001, 1, 0, 0);
	pr_alloc_at(test, &pr, 0x100001, 100, 0, 7);
	page_ranges_destroy(&pr);

	/* 0x10040 is aligned to 64 pages, not to 128. */
	if (pr_mk(test, &pr, 0x10040, 512, 8))
		return;
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 0x10040, 256, 0, 8), 192);
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 0x10040, 128, 0, 7), 64);
	KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 128, 0, NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 128, PAGE_RANGES_RELAX, NULL), -ENOMEM);
	pr_alloc_at(test, &pr, 0x10040, 64, 0, 6);
	page_ranges_destroy(&pr);
}

static void page_ranges_test_relaxed(struct kunit *test)
{
	struct page_ranges pr;

	/* Pages 0x100001..0x100004: 4 pages want order 2. */
	if (pr_mk(test, &pr, 0x100001, 4, 8))
		return;
	KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 4, 0, NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 3, 0, NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, page_ranges_free_pages(&pr), 4);
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 0x100001, 3, PAGE_RANGES_RELAX, 1), 1);
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 1), 3);
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 0x100001, 4, PAGE_RANGES_RELAX, 0), 0);
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 0), 4);
	/* Exact wins over relaxed when it has room. */
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 0x100001, 2, PAGE_RANGES_RELAX, 1), 1);
	pr_alloc_at(test, &pr, 0x100001, 1, PAGE_RANGES_RELAX, 0);
	page_ranges_destroy(&pr);

	/* An aligned base never relaxes: its lattice is max_order. */
	if (pr_mk(test, &pr, 0x1000, 16, 8))
		return;
	pr_shape(test, &pr, 1, 5);
	KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 4, PAGE_RANGES_RELAX, NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 3, PAGE_RANGES_RELAX, NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 0x1000, 2, PAGE_RANGES_RELAX, 1), 2);
	page_ranges_destroy(&pr);

	/* Base 0x1002, free run [1, 40): 32 pages relaxed go to order 3. */
	if (pr_mk(test, &pr, 0x1002, 40, 8))
		return;
	pr_shape(test, &pr, 1, 40);
	KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 32, 0, NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 0x1002, 32, PAGE_RANGES_RELAX, 3), 6);
	page_ranges_destroy(&pr);

	/* Lattice 2 is a floor: 5 pages in [1, 8) of base 0x1004. */
	if (pr_mk(test, &pr, 0x1004, 64, 8))
		return;
	pr_shape(test, &pr, 1, 8);
	KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 5, PAGE_RANGES_RELAX, NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 0x1004, 4, PAGE_RANGES_RELAX, 2), 4);
	page_ranges_destroy(&pr);
}

/* Ranges over 2^max_order pages start on the lattice. */
static void page_ranges_test_big_ranges(struct kunit *test)
{
	struct page_ranges pr;

	/* Base 0x2008: lattice 3 (max_order 5). */
	if (pr_mk(test, &pr, 0x2008, 200, 5))
		return;
	pr_shape(test, &pr, 5, 60);
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 0x2008, 50, 0, 3), 8);
	page_ranges_destroy(&pr);

	if (pr_mk(test, &pr, 0x2008, 200, 5))
		return;
	pr_shape(test, &pr, 9, 60);
	KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 50, 0, NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 50, PAGE_RANGES_RELAX, NULL), -ENOMEM);
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 0x2008, 44, PAGE_RANGES_RELAX, 3), 16);
	page_ranges_destroy(&pr);
}

static void page_ranges_test_free_misuse(struct kunit *test)
{
	struct page_ranges pr;
	long b;

	if (pr_mk(test, &pr, 0x100000, 8, 8))
		return;
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 0x100000, 5, 0, 3), 0);
	b = page_ranges_alloc(&pr, 1, 0, NULL);
	KUNIT_EXPECT_TRUE(test, b >= 5 && b < 8);
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 1), -EINVAL);	/* interior */
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, b == 5 ? 6 : 5), -EINVAL); /* free */
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 8), -EINVAL);	/* out of range */
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, ULONG_MAX), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_ranges_free_pages(&pr), 2);
	KUNIT_EXPECT_EQ(test, page_ranges_live(&pr), 2);
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 0), 5);
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 0), -EINVAL);	/* double */
	KUNIT_EXPECT_EQ(test, page_ranges_length(&pr, 0), -EINVAL);
	/* Reused by a shorter range: the old last pages are free now. */
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 0x100000, 4, 0, 2), 0);
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 2), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_ranges_length(&pr, 0), 4);
	KUNIT_EXPECT_EQ(test, page_ranges_length(&pr, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_ranges_length(&pr, b), 1);
	KUNIT_EXPECT_EQ(test, page_ranges_length(&pr, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 0), 4);
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, b), 1);
	KUNIT_EXPECT_EQ(test, page_ranges_free_pages(&pr), 8);
	KUNIT_EXPECT_EQ(test, page_ranges_live(&pr), 0);
	page_ranges_destroy(&pr);
}

/* Every other page used: 2 pages are refused, 1 page is not. */
static void page_ranges_test_fragmented(struct kunit *test)
{
	static const unsigned long bases[] = { 0, 0x100001, 0x1002 };
	struct page_ranges pr;
	unsigned int i, order;
	unsigned long p;
	long o;

	for (i = 0; i < ARRAY_SIZE(bases); i++) {
		if (pr_mk(test, &pr, bases[i], 1000, 8))
			return;
		pr_shape(test, &pr, 0, 0);
		KUNIT_EXPECT_EQ(test, page_ranges_largest(&pr, 0), 0);
		for (p = 0; p < 1000; p += 2)
			KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, p), 1);
		KUNIT_EXPECT_EQ(test, page_ranges_largest(&pr, 0), 1);
		KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 2, 0, NULL), -ENOMEM);
		KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 2, PAGE_RANGES_RELAX, NULL),
				-ENOMEM);
		KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 300, PAGE_RANGES_RELAX, NULL),
				-ENOMEM);
		KUNIT_EXPECT_EQ(test, page_ranges_free_pages(&pr), 500);
		o = page_ranges_alloc(&pr, 1, 0, &order);
		KUNIT_EXPECT_TRUE_MSG(test, o >= 0 && o < 1000 && !(o & 1), "1 page at %ld", o);
		KUNIT_EXPECT_EQ(test, order, 0);
		page_ranges_destroy(&pr);
	}
}

/* A request for the whole set. */
static void page_ranges_test_whole(struct kunit *test)
{
	static const unsigned long sizes[] = { 1, 63, 64, 65, 256, 257, 4099, 70000 };
	struct page_ranges pr;
	unsigned int i, order;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned long n = sizes[i];

		if (pr_mk(test, &pr, 0x100000, n, 8))
			return;
		KUNIT_EXPECT_EQ(test, page_ranges_largest(&pr, 0), n);
		KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, n + 1, 0, NULL), -EINVAL);
		KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 0, 0, NULL), -EINVAL);
		KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, n, 0, &order), 0);
		KUNIT_EXPECT_EQ(test, order, page_ranges_want(&pr, n));
		KUNIT_EXPECT_EQ(test, page_ranges_largest(&pr, 0), 0);
		KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, 1, PAGE_RANGES_RELAX, NULL), -ENOMEM);
		KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 0), (long)n);
		page_ranges_destroy(&pr);

		/* Odd base: exact only when the lattice is enough. */
		if (pr_mk(test, &pr, 0x100001, n, 8))
			return;
		KUNIT_EXPECT_EQ(test, page_ranges_alloc(&pr, n, 0, NULL),
				n == 1 || n > 256 ? 0 : -ENOMEM);
		if (n > 1 && n <= 256)
			KUNIT_EXPECT_EQ(test,
					pr_alloc_at(test, &pr, 0x100001, n,
						    PAGE_RANGES_RELAX, 0), 0);
		KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 0), (long)n);
		page_ranges_destroy(&pr);
	}
}

/* page_ranges_copy() fills BITS_TO_LONGS(pages) longs, not one more. */
static void page_ranges_test_copy(struct kunit *test)
{
	static const unsigned long bases[] = { 3, 0x100001, 0x40 };
	unsigned long nl = BITS_TO_LONGS(130), *bits, i;
	struct page_ranges pr;
	unsigned int k;

	bits = kunit_kcalloc(test, nl + 1, sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, bits);
	/* Base 3: pages 3..132; [61, 125) is 64..127. */
	if (pr_mk(test, &pr, 3, 130, 8))
		return;
	KUNIT_EXPECT_GE(test, page_ranges_metadata(&pr), 2 * nl * sizeof(long));
	pr_shape(test, &pr, 61, 125);
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 3, 64, 0, 6), 61);
	for (i = 0; i < 5; i++)
		KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, i), 1);
	KUNIT_EXPECT_EQ(test, pr_alloc_at(test, &pr, 3, 5, PAGE_RANGES_RELAX, 0), 0);
	KUNIT_EXPECT_EQ(test, page_ranges_free(&pr, 129), 1);
	bits[nl] = 0x5a;
	page_ranges_copy(&pr, bits, false);
	for (i = 0; i < 130; i++)
		KUNIT_EXPECT_EQ_MSG(test, test_bit(i, bits), i != 129, "used bit %lu", i);
	KUNIT_EXPECT_EQ(test, bits[nl], 0x5a);
	page_ranges_copy(&pr, bits, true);
	for (i = 0; i < 130; i++)
		KUNIT_EXPECT_EQ_MSG(test, test_bit(i, bits),
				    i == 0 || (i > 4 && i <= 61) || (i >= 125 && i < 129),
				    "start bit %lu", i);
	KUNIT_EXPECT_EQ(test, bits[nl], 0x5a);
	KUNIT_EXPECT_EQ(test, page_ranges_free_pages(&pr), 1);
	KUNIT_EXPECT_EQ(test, page_ranges_live(&pr), 62);
	page_ranges_destroy(&pr);

	/* Sets of whole words at bases inside a word: exactly sized buffers. */
	for (k = 0; k < ARRAY_SIZE(bases); k++) {
		unsigned long *dst = kmalloc_array(1, sizeof(long), GFP_KERNEL);
		unsigned long *canary = kunit_kcalloc(test, 2, sizeof(long), GFP_KERNEL);

		KUNIT_ASSERT_NOT_NULL(test, dst);
		KUNIT_ASSERT_NOT_NULL(test, canary);
		if (pr_mk(test, &pr, bases[k], BITS_PER_LONG, 8)) {
			kfree(dst);
			return;
		}
		canary[1] = 0x5a;
		page_ranges_copy(&pr, canary, false);
		KUNIT_EXPECT_EQ_MSG(test, canary[1], 0x5a,
				    "base %#lx, %d pages: copy wrote a second word",
				    bases[k], BITS_PER_LONG);
		page_ranges_copy(&pr, dst, true);	/* KASAN: out of bounds */
		kfree(dst);
		page_ranges_destroy(&pr);
	}
}

/* The model of one set: a byte per page and the length of each range. */
struct pr_model {
	struct kunit		*test;
	struct rnd_state	rnd;
	struct page_ranges	pr;
	unsigned long		base, pages;
	unsigned int		max_order, lattice;
	u8			*used;
	unsigned long		*len, *run, *bits;
	unsigned long		free, live, ops, relaxed;
	bool			failed;
};

static unsigned long pr_rnd(struct pr_model *m, unsigned long n)
{
	return n > 1 ? prandom_u32_state(&m->rnd) % n : 0;
}

static void pr_runs(struct pr_model *m)
{
	unsigned long o = m->pages, r = 0;

	while (o--) {
		r = m->used[o] ? 0 : r + 1;
		m->run[o] = r;
	}
}

static unsigned long pr_max_run(struct pr_model *m, unsigned int k)
{
	unsigned long o, best = 0;

	for (o = pr_first_aligned(m->base, 0, k); o < m->pages; o += 1UL << k)
		best = max(best, m->run[o]);
	return best;
}

static bool pr_fits(struct pr_model *m, unsigned long n, unsigned int k)
{
	unsigned long o;

	for (o = pr_first_aligned(m->base, 0, k); o < m->pages; o += 1UL << k)
		if (m->run[o] >= n)
			return true;
	return false;
}

static unsigned long pr_brute_largest(struct pr_model *m)
{
	unsigned long best = 0, mx, lo, hi;
	unsigned int w;

	for (w = 0; w <= m->max_order; w++) {
		mx = pr_max_run(m, w);
		lo = w ? 1UL << (w - 1) : 0;
		hi = min(mx, 1UL << w);
		if (hi > lo)
			best = max(best, hi);
	}
	mx = pr_max_run(m, m->lattice);
	if (mx > 1UL << m->max_order)
		best = max(best, mx);
	return best;
}

static __printf(2, 3) void pr_fail(struct pr_model *m, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	if (m->failed)
		return;
	m->failed = true;
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	KUNIT_FAIL(m->test, "base %#lx pages %lu max_order %u op %lu: %pV",
		   m->base, m->pages, m->max_order, m->ops, &vaf);
	va_end(args);
}

#define PR_EXPECT(m, cond, fmt, ...) ({					\
	bool __ok = !!(cond);						\
	if (!__ok)							\
		pr_fail(m, fmt, ##__VA_ARGS__);				\
	__ok; })

static void pr_compare(struct pr_model *m)
{
	unsigned long o, got, want;
	int starts;

	PR_EXPECT(m, page_ranges_free_pages(&m->pr) == m->free &&
		  page_ranges_live(&m->pr) == m->live,
		  "free %lu live %lu, model %lu %lu", page_ranges_free_pages(&m->pr),
		  page_ranges_live(&m->pr), m->free, m->live);
	for (starts = 0; starts < 2; starts++) {
		page_ranges_copy(&m->pr, m->bits, starts);
		for (o = 0; o < m->pages; o++)
			if (!PR_EXPECT(m, test_bit(o, m->bits) ==
				       (starts ? m->len[o] != 0 : m->used[o]),
				       "%s bit of page %lu", starts ? "start" : "used", o))
				break;
	}
	got = page_ranges_largest(&m->pr, 0);
	want = pr_brute_largest(m);
	PR_EXPECT(m, got == want, "largest %lu, model %lu", got, want);
}

static unsigned long pr_pick_size(struct pr_model *m)
{
	unsigned long p = m->pages, cap = 1UL << m->max_order;

	switch (pr_rnd(m, 8)) {
	case 0:
	case 1:
	case 2:
		return 1 + pr_rnd(m, min(p, cap + 2));
	case 3:
		return max(1UL, (1UL << pr_rnd(m, order_base_2(p) + 1)) + pr_rnd(m, 3) - 1);
	case 4:
		return 1 + pr_rnd(m, p);
	case 5:
		return p - pr_rnd(m, min(p, 3UL));
	default:
		return 1 + pr_rnd(m, min(p, 8UL));
	}
}

static void pr_op_alloc(struct pr_model *m)
{
	unsigned long n = pr_pick_size(m), o, s, e, k0;
	unsigned int flags = pr_rnd(m, 2) ? PAGE_RANGES_RELAX : 0, order = ~0U, w, k;
	bool exact, relax;
	long ret;

	ret = page_ranges_alloc(&m->pr, n, flags, &order);
	if (n > m->pages) {
		PR_EXPECT(m, ret == -EINVAL, "alloc(%lu) of %lu pages: %ld", n, m->pages, ret);
		return;
	}
	w = pr_want_order(n, m->max_order, m->lattice);
	exact = pr_fits(m, n, w);
	relax = !exact && (flags & PAGE_RANGES_RELAX) && m->lattice < w &&
		pr_fits(m, n, m->lattice);
	if (ret < 0) {
		PR_EXPECT(m, ret == -ENOMEM && !exact && !relax,
			  "alloc(%lu, %#x): %ld, model places it", n, flags, ret);
		return;
	}
	o = ret;
	if (!PR_EXPECT(m, o < m->pages && n <= m->pages - o && m->run[o] >= n &&
		       (exact || relax), "alloc(%lu, %#x) at %lu: not free or model refuses",
		       n, flags, o))
		return;
	if (exact) {
		PR_EXPECT(m, pr_aligned(m->base, o, w) && order == w,
			  "alloc(%lu) at %lu order %u: want order %u", n, o, order, w);
	} else {
		for (s = o; s && !m->used[s - 1]; s--)
			;
		e = o + m->run[o];
		k0 = m->lattice;
		for (k = w; k-- > m->lattice; ) {
			unsigned long f = pr_first_aligned(m->base, s, k);

			if (f < e && e - f >= n) {
				k0 = k;
				break;
			}
		}
		PR_EXPECT(m, pr_aligned(m->base, o, k0) && order == k0,
			  "relaxed alloc(%lu) at %lu order %u in run [%lu, %lu): want order %lu",
			  n, o, order, s, e, k0);
		m->relaxed++;
	}
	memset(m->used + o, 1, n);
	m->len[o] = n;
	m->free -= n;
	m->live++;
}

static void pr_op_free(struct pr_model *m)
{
	unsigned long p = pr_rnd(m, m->pages + 2), n, o;
	long ret, want;

	/* Half the time, the next live range from a random page. */
	if (pr_rnd(m, 2))
		for (o = p; o < m->pages; o++)
			if (m->len[o]) {
				p = o;
				break;
			}
	n = p < m->pages ? m->len[p] : 0;
	want = n ? (long)n : -EINVAL;
	if (pr_rnd(m, 4) == 0) {
		ret = page_ranges_length(&m->pr, p);
		PR_EXPECT(m, ret == want, "length(%lu): %ld, model %ld", p, ret, want);
		return;
	}
	ret = page_ranges_free(&m->pr, p);
	if (!PR_EXPECT(m, ret == want, "free(%lu): %ld, model %ld", p, ret, want) || !n)
		return;
	memset(m->used + p, 0, n);
	m->len[p] = 0;
	m->free += n;
	m->live--;
}

static void pr_model_run(struct kunit *test, struct pr_model *m, unsigned long base,
			 unsigned long pages, unsigned int max_order, unsigned long ops)
{
	unsigned long i;

	m->test = test;
	m->base = base;
	m->pages = pages;
	m->max_order = max_order;
	m->lattice = pr_base_order(base, max_order);
	m->free = pages;
	m->live = 0;
	if (pr_mk(test, &m->pr, base, pages, max_order))
		return;
	memset(m->used, 0, pages);
	memset(m->len, 0, pages * sizeof(long));
	pr_runs(m);
	pr_compare(m);
	for (i = 0; i < ops && !m->failed; i++, m->ops++) {
		if (pr_rnd(m, 100) < 55)
			pr_op_alloc(m);
		else
			pr_op_free(m);
		pr_runs(m);
		if (pages < 1024 || !(i % 8))
			pr_compare(m);
	}
	page_ranges_destroy(&m->pr);
}

/* Every geometry: sizes around words and blocks, several bases, orders. */
static void page_ranges_test_vs_model(struct kunit *test)
{
	static const unsigned long sizes[] = { 1, 63, 64, 65, 256, 257, 4096 + 3 };
	static const unsigned long bases[] = {
		0, 1UL << 20, (1UL << 20) + 1, 0x3fffd, 0x12340,
	};
	unsigned long maxp = sizes[ARRAY_SIZE(sizes) - 1];
	unsigned int b, z, k;
	struct pr_model *m;

	m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, m);
	m->used = kunit_kzalloc(test, maxp, GFP_KERNEL);
	m->len = kunit_kcalloc(test, maxp, sizeof(long), GFP_KERNEL);
	m->run = kunit_kcalloc(test, maxp, sizeof(long), GFP_KERNEL);
	m->bits = kunit_kcalloc(test, BITS_TO_LONGS(maxp) + 1, sizeof(long), GFP_KERNEL);
	KUNIT_ASSERT_TRUE(test, m->used && m->len && m->run && m->bits);
	prandom_seed_state(&m->rnd, 42);
	for (b = 0; b < ARRAY_SIZE(bases) && !m->failed; b++)
		for (z = 0; z < ARRAY_SIZE(sizes) && !m->failed; z++)
			for (k = 0; k <= PAGE_RANGES_MAX_ORDER && !m->failed; k++)
				pr_model_run(test, m, bases[b], sizes[z], k,
					     sizes[z] > 300 ? 80 : 150);
	kunit_info(test, "%lu operations, %lu relaxed placements\n", m->ops, m->relaxed);
}

static struct kunit_case page_ranges_test_cases[] = {
	KUNIT_CASE(page_ranges_test_init_args),
	KUNIT_CASE(page_ranges_test_want),
	KUNIT_CASE(page_ranges_test_alignment),
	KUNIT_CASE(page_ranges_test_relaxed),
	KUNIT_CASE(page_ranges_test_big_ranges),
	KUNIT_CASE(page_ranges_test_free_misuse),
	KUNIT_CASE(page_ranges_test_fragmented),
	KUNIT_CASE(page_ranges_test_whole),
	KUNIT_CASE(page_ranges_test_copy),
	KUNIT_CASE(page_ranges_test_vs_model),
	{}
};

static struct kunit_suite page_ranges_test_suite = {
	.name = "page_ranges",
	.test_cases = page_ranges_test_cases,
};

kunit_test_suite(page_ranges_test_suite);

MODULE_DESCRIPTION("KUnit tests of lib/page_ranges.c");
MODULE_LICENSE("GPL");
