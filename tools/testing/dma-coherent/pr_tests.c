// SPDX-License-Identifier: GPL-2.0
/*
 * Tests of lib/page_ranges.c, compiled unchanged (page_ranges_wrap.c):
 * each rule of include/linux/page_ranges.h on a small set, failure
 * injection into init, and the differential engine (pr_engine.c) over
 * fixed and random geometries.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include <linux/bitmap.h>
#include <linux/log2.h>
#include <linux/page_ranges.h>

#include "page_ranges_wrap.h"
#include "pr_engine.h"
#include "pr_tests.h"
#include "shim.h"
#include "test.h"

static bool mk(struct page_ranges *pr, unsigned long base, unsigned long pages,
	       unsigned int max_order)
{
	return CHECK_EQ(page_ranges_init(pr, base, pages, max_order, GFP_KERNEL), 0);
}

void test_pr_init_args(void)
{
	static const struct {
		unsigned long	base;
		unsigned int	max_order, base_order;
	} geo[] = {
		{ 0, 8, 8 }, { 0, 0, 0 }, { 0, 3, 3 }, { 1, 8, 0 }, { 0x100001, 8, 0 },
		{ 0x100, 8, 8 }, { 0x100, 5, 5 }, { 0x40, 8, 6 }, { 0x12340, 8, 6 },
		{ 0x12340, 2, 2 }, { 1UL << 30, 8, 8 }, { 2, 0, 0 },
	};
	struct page_ranges pr;
	unsigned long calls;
	unsigned int i;
	int ret;

	CHECK_EQ(page_ranges_init(&pr, 0, 0, 8, GFP_KERNEL), -EINVAL);
	CHECK_EQ(page_ranges_init(&pr, 0, 16, PAGE_RANGES_MAX_ORDER + 1, GFP_KERNEL), -EINVAL);
	CHECK_EQ(page_ranges_init(&pr, 0, 16, ~0U, GFP_KERNEL), -EINVAL);
	/* One page more than the most a set holds. */
	CHECK_EQ(page_ranges_init(&pr, 0, U32_MAX - 2 * PAGE_RANGES_BLOCK + 1, 8, GFP_KERNEL),
		 -EINVAL);
	if (sizeof(long) > 4) {
		CHECK_EQ(page_ranges_init(&pr, 0, (unsigned long)U32_MAX + 1, 8, GFP_KERNEL),
			 -EINVAL);
		CHECK_EQ(page_ranges_init(&pr, 0, ~0UL, 8, GFP_KERNEL), -EINVAL);
	}
	CHECK_EQ(shim.allocs, 0);

	for (i = 0; i < ARRAY_SIZE(geo); i++) {
		if (!mk(&pr, geo[i].base, 100, geo[i].max_order))
			continue;
		CHECKF(pr.base_order == geo[i].base_order && pr.lattice == geo[i].base_order &&
		       pr.max_order == geo[i].max_order,
		       "base %#lx max_order %u: base_order %u lattice %u max_order %u, expected %u",
		       geo[i].base, geo[i].max_order, pr.base_order, pr.lattice, pr.max_order,
		       geo[i].base_order);
		CHECK_EQ(page_ranges_free_pages(&pr), 100);
		CHECK_EQ(page_ranges_live(&pr), 0);
		page_ranges_destroy(&pr);
	}

	/* One page, and the largest order. */
	if (mk(&pr, 7, 1, PAGE_RANGES_MAX_ORDER)) {
		CHECK_EQ(page_ranges_alloc(&pr, 1, 0, NULL), 0);
		CHECK_EQ(page_ranges_alloc(&pr, 1, 0, NULL), -ENOMEM);
		CHECK_EQ(page_ranges_alloc(&pr, 2, 0, NULL), -EINVAL);
		CHECK_EQ(page_ranges_free(&pr, 0), 1);
		page_ranges_destroy(&pr);
	}

	/* Every allocation of init fails in turn: -ENOMEM, nothing leaks. */
	for (calls = 1; calls < 64; calls++) {
		shim_fail_call(calls);
		ret = page_ranges_init(&pr, 0x12345, 70000, 8, GFP_KERNEL);
		shim_fail_call(0);
		if (!ret) {
			CHECK_EQ(page_ranges_alloc(&pr, 300, 0, NULL) >= 0, 1);
			page_ranges_destroy(&pr);
			break;
		}
		CHECKF(ret == -ENOMEM && shim.allocs == 0,
		       "init with allocation %lu failing: %d, %ld allocations left", calls,
		       ret, shim.allocs);
	}
	CHECKF(calls > 1 && calls < 64, "init made %lu allocations", calls - 1);
	CHECK_EQ(shim.allocs, 0);
}

void test_pr_want(void)
{
	struct page_ranges pr;
	unsigned long n;

	/* Lattice 3: base 0x1008. */
	if (!mk(&pr, 0x1008, 1000, 6))
		return;
	for (n = 1; n <= 64; n++)
		CHECKF(page_ranges_want(&pr, n) == (unsigned int)order_base_2(n),
		       "want(%lu) = %u", n, page_ranges_want(&pr, n));
	CHECK_EQ(page_ranges_want(&pr, 65), 3);
	CHECK_EQ(page_ranges_want(&pr, 1000), 3);
	page_ranges_destroy(&pr);
	if (!mk(&pr, 0, 1000, 0))
		return;
	CHECK_EQ(page_ranges_want(&pr, 1), 0);
	CHECK_EQ(page_ranges_want(&pr, 2), 0);
	page_ranges_destroy(&pr);
}

/* Fill the set with 1-page ranges; returns how many there are. */
static unsigned long fill(struct page_ranges *pr)
{
	unsigned long n = 0;

	while (page_ranges_alloc(pr, 1, 0, NULL) >= 0)
		n++;
	return n;
}

/* Fill, then free the 1-page ranges of [@from, @to). */
static void shape(struct page_ranges *pr, unsigned long from, unsigned long to)
{
	unsigned long p;

	CHECK_EQ(fill(pr), pr->pages);
	for (p = from; p < to; p++)
		if (!CHECK_EQ(page_ranges_free(pr, p), 1))
			break;
}

/* The library's largest against the brute-force answer for its own bitmap. */
static void check_largest(struct page_ranges *pr, unsigned long base)
{
	unsigned long *bits = calloc(BITS_TO_LONGS(pr->pages), sizeof(long)), p;
	u8 *used = malloc(pr->pages);

	page_ranges_copy(pr, bits, false);
	for (p = 0; p < pr->pages; p++)
		used[p] = test_bit(p, bits);
	CHECK_EQ(page_ranges_largest(pr, 0),
		 pr_brute_largest(used, base, pr->pages, pr->max_order));
	free(used);
	free(bits);
}

/* An allocation that must succeed at order @k of its absolute page. */
static long alloc_at(struct page_ranges *pr, unsigned long base, unsigned long n,
		     unsigned int flags, unsigned int k)
{
	unsigned int order = 99;
	long o = page_ranges_alloc(pr, n, flags, &order);

	CHECKF(o >= 0 && !((base + o) & ((1UL << k) - 1)) && order == k,
	       "alloc(%lu, %#x) on base %#lx: %ld (page %#lx), order %u; expected order %u",
	       n, flags, base, o, base + o, order, k);
	if (o >= 0)
		CHECK_EQ(page_ranges_length(pr, o), n);
	return o;
}

/* Alignment is on the absolute page number, not relative to page 0. */
void test_pr_alignment(void)
{
	struct page_ranges pr;

	if (!mk(&pr, 0x100001, 600, 8))
		return;
	CHECK_EQ(alloc_at(&pr, 0x100001, 256, 0, 8), 255);	/* the only place */
	alloc_at(&pr, 0x100001, 2, 0, 1);
	alloc_at(&pr, 0x100001, 5, 0, 3);
	alloc_at(&pr, 0x100001, 1, 0, 0);
	alloc_at(&pr, 0x100001, 100, 0, 7);
	check_largest(&pr, 0x100001);
	page_ranges_destroy(&pr);

	/* 0x10040 is aligned to 64 pages, not to 128. */
	if (!mk(&pr, 0x10040, 512, 8))
		return;
	CHECK_EQ(alloc_at(&pr, 0x10040, 256, 0, 8), 192);	/* the only place */
	CHECK_EQ(alloc_at(&pr, 0x10040, 128, 0, 7), 64);	/* now the only one */
	CHECK_EQ(page_ranges_alloc(&pr, 128, 0, NULL), -ENOMEM);
	CHECK_EQ(page_ranges_alloc(&pr, 128, PAGE_RANGES_RELAX, NULL), -ENOMEM);
	alloc_at(&pr, 0x10040, 64, 0, 6);
	check_largest(&pr, 0x10040);
	page_ranges_destroy(&pr);
}

/* Relaxed placement: the highest order the chosen run has room for. */
void test_pr_relaxed(void)
{
	struct page_ranges pr;

	/* Pages 0x100001..0x100004: 4 pages want order 2, only 0x100004 is. */
	if (!mk(&pr, 0x100001, 4, 8))
		return;
	CHECK_EQ(page_ranges_alloc(&pr, 4, 0, NULL), -ENOMEM);
	CHECK_EQ(page_ranges_alloc(&pr, 3, 0, NULL), -ENOMEM);
	CHECK_EQ(page_ranges_free_pages(&pr), 4);
	CHECK_EQ(page_ranges_live(&pr), 0);
	CHECK_EQ(alloc_at(&pr, 0x100001, 3, PAGE_RANGES_RELAX, 1), 1);
	CHECK_EQ(page_ranges_free(&pr, 1), 3);
	CHECK_EQ(alloc_at(&pr, 0x100001, 4, PAGE_RANGES_RELAX, 0), 0);
	CHECK_EQ(page_ranges_free(&pr, 0), 4);
	/* Exact wins over relaxed when it has room. */
	CHECK_EQ(alloc_at(&pr, 0x100001, 2, PAGE_RANGES_RELAX, 1), 1);
	alloc_at(&pr, 0x100001, 1, PAGE_RANGES_RELAX, 0);
	page_ranges_destroy(&pr);

	/* An aligned base never relaxes: its lattice is max_order. */
	if (!mk(&pr, 0x1000, 16, 8))
		return;
	shape(&pr, 1, 5);
	CHECK_EQ(page_ranges_alloc(&pr, 4, PAGE_RANGES_RELAX, NULL), -ENOMEM);
	CHECK_EQ(page_ranges_alloc(&pr, 3, PAGE_RANGES_RELAX, NULL), -ENOMEM);
	CHECK_EQ(page_ranges_free_pages(&pr), 4);
	CHECK_EQ(alloc_at(&pr, 0x1000, 2, PAGE_RANGES_RELAX, 1), 2);
	page_ranges_destroy(&pr);

	/*
	 * Base 0x1002 (lattice 1), free run [1, 40): 32 pages want 0x1020
	 * (offset 30), no room; relaxed, order 4 (0x1010, offset 14) has
	 * none either, order 3 (0x1008, offset 6) has.
	 */
	if (!mk(&pr, 0x1002, 40, 8))
		return;
	shape(&pr, 1, 40);
	CHECK_EQ(page_ranges_alloc(&pr, 32, 0, NULL), -ENOMEM);
	CHECK_EQ(alloc_at(&pr, 0x1002, 32, PAGE_RANGES_RELAX, 3), 6);
	check_largest(&pr, 0x1002);
	page_ranges_destroy(&pr);

	/*
	 * Lattice 2 is a floor: base 0x1004, free run [1, 8) (0x1005 to
	 * 0x100b): 5 pages fit at orders 0 and 1, not at 2.
	 */
	if (!mk(&pr, 0x1004, 64, 8))
		return;
	shape(&pr, 1, 8);
	CHECK_EQ(page_ranges_alloc(&pr, 5, PAGE_RANGES_RELAX, NULL), -ENOMEM);
	CHECK_EQ(page_ranges_free_pages(&pr), 7);
	CHECK_EQ(alloc_at(&pr, 0x1004, 4, PAGE_RANGES_RELAX, 2), 4);
	page_ranges_destroy(&pr);
}

/* Ranges over 2^max_order pages start on the lattice. */
void test_pr_big_ranges(void)
{
	struct page_ranges pr;
	long o;

	/* Base 0x2008: lattice 3 (max_order 5). */
	if (!mk(&pr, 0x2008, 200, 5))
		return;
	o = alloc_at(&pr, 0x2008, 40, 0, 3);
	CHECK_EQ(page_ranges_free(&pr, o), 40);
	o = alloc_at(&pr, 0x2008, 33, PAGE_RANGES_RELAX, 3);
	CHECK_EQ(page_ranges_free(&pr, o), 33);
	alloc_at(&pr, 0x2008, 32, 0, 5);
	check_largest(&pr, 0x2008);
	page_ranges_destroy(&pr);

	if (!mk(&pr, 0x2008, 200, 5))
		return;
	shape(&pr, 5, 60);
	CHECK_EQ(alloc_at(&pr, 0x2008, 50, 0, 3), 8);
	CHECK_EQ(page_ranges_free(&pr, 8), 50);
	CHECK_EQ(page_ranges_alloc(&pr, 1, 0, NULL) >= 0, 1);
	/* One of [5, 60) is taken: 50 pages on a multiple of 8 may not fit. */
	check_largest(&pr, 0x2008);
	page_ranges_destroy(&pr);

	if (!mk(&pr, 0x2008, 200, 5))
		return;
	shape(&pr, 9, 60);
	CHECK_EQ(page_ranges_alloc(&pr, 50, 0, NULL), -ENOMEM);
	CHECK_EQ(page_ranges_alloc(&pr, 50, PAGE_RANGES_RELAX, NULL), -ENOMEM);
	CHECK_EQ(alloc_at(&pr, 0x2008, 44, PAGE_RANGES_RELAX, 3), 16);
	page_ranges_destroy(&pr);
}

void test_pr_free_misuse(void)
{
	unsigned long *bits = calloc(BITS_TO_LONGS(8), sizeof(long));
	struct page_ranges pr;
	long b;

	/* 8 pages at 0x100000. */
	if (!mk(&pr, 0x100000, 8, 8))
		return;
	CHECK_EQ(alloc_at(&pr, 0x100000, 5, 0, 3), 0);
	b = page_ranges_alloc(&pr, 1, 0, NULL);
	CHECK(b >= 5 && b < 8);
	CHECK_EQ(page_ranges_free(&pr, 1), -EINVAL);	/* interior */
	CHECK_EQ(page_ranges_free(&pr, 4), -EINVAL);	/* last page */
	CHECK_EQ(page_ranges_free(&pr, b == 5 ? 6 : 5), -EINVAL);	/* free page */
	CHECK_EQ(page_ranges_free(&pr, 8), -EINVAL);	/* out of range */
	CHECK_EQ(page_ranges_free(&pr, 64), -EINVAL);
	CHECK_EQ(page_ranges_free(&pr, ~0UL), -EINVAL);
	CHECK_EQ(page_ranges_free(&pr, 1UL << 31), -EINVAL);
	CHECK_EQ(page_ranges_free_pages(&pr), 2);
	CHECK_EQ(page_ranges_live(&pr), 2);
	page_ranges_copy(&pr, bits, false);
	CHECK_EQ(bits[0] & 0xff, 0x1f | 1UL << b);
	page_ranges_copy(&pr, bits, true);
	CHECK_EQ(bits[0] & 0xff, 0x01 | 1UL << b);
	CHECK_EQ(page_ranges_free(&pr, 0), 5);
	CHECK_EQ(page_ranges_free(&pr, 0), -EINVAL);	/* double */
	CHECK_EQ(page_ranges_length(&pr, 0), -EINVAL);
	/* Reused by a shorter range: the old last pages are free now. */
	CHECK_EQ(alloc_at(&pr, 0x100000, 4, 0, 2), 0);
	CHECK_EQ(page_ranges_free(&pr, 4), -EINVAL);
	CHECK_EQ(page_ranges_free(&pr, 2), -EINVAL);
	CHECK_EQ(page_ranges_length(&pr, 0), 4);
	CHECK_EQ(page_ranges_length(&pr, 1), -EINVAL);
	CHECK_EQ(page_ranges_length(&pr, b), 1);
	CHECK_EQ(page_ranges_length(&pr, 8), -EINVAL);
	CHECK_EQ(page_ranges_length(&pr, ~0UL), -EINVAL);
	/* Adjacent ranges keep their own starts. */
	CHECK_EQ(page_ranges_free(&pr, 0), 4);
	CHECK_EQ(alloc_at(&pr, 0x100000, 2, 0, 1) >= 0, 1);
	CHECK_EQ(fill(&pr), 8 - 2 - 1);
	CHECK_EQ(page_ranges_live(&pr), 7);
	page_ranges_copy(&pr, bits, true);
	CHECK_EQ(__builtin_popcountl(bits[0] & 0xff), 7);
	page_ranges_copy(&pr, bits, false);
	CHECK_EQ(bits[0] & 0xff, 0xff);
	page_ranges_destroy(&pr);
	free(bits);
}

/*
 * An index that says used pages are free (as a stray write into the leaves
 * would): the search lands on them, and the check before the bits are
 * taken refuses the request with a warning instead of handing out the
 * live range again.
 */
void test_pr_broken_index(void)
{
	unsigned long warns = shim.warns;
	struct page_ranges pr;
	unsigned int w;
	long a, b;

	if (!mk(&pr, 0x100000, PAGE_RANGES_BLOCK, 8))
		return;
	a = page_ranges_alloc(&pr, 3, 0, NULL);
	b = page_ranges_alloc(&pr, 64, 0, NULL);
	CHECK(a >= 0 && b >= 0);
	CHECK_EQ(pr.nleaves, 1);
	pr.leaf[0].fit = PAGE_RANGES_BLOCK;
	pr.leaf[0].head = PAGE_RANGES_BLOCK;
	pr.leaf[0].tail = PAGE_RANGES_BLOCK;
	pr.leaf[0].run = PAGE_RANGES_BLOCK;
	for (w = 0; w < PAGE_RANGES_BLOCK / BITS_PER_LONG; w++)
		pr.leaf[0].rooms |= 7ULL << (3 * w);
	CHECK_EQ(page_ranges_alloc(&pr, PAGE_RANGES_BLOCK, 0, NULL), -ENOMEM);
	CHECK_EQ(shim.warns, warns + 1);
	CHECK_EQ(page_ranges_live(&pr), 2);
	CHECK_EQ(page_ranges_free_pages(&pr), PAGE_RANGES_BLOCK - 67);
	CHECK_EQ(page_ranges_length(&pr, a), 3);
	CHECK_EQ(page_ranges_length(&pr, b), 64);
	page_ranges_destroy(&pr);

	/*
	 * Room codes that say no word has room, while the leaf's fit says
	 * the block does: no position is made up (a misaligned range).
	 */
	if (!mk(&pr, 0, PAGE_RANGES_BLOCK, 8))
		return;
	for (w = 32; w; w >>= 1)
		CHECK(page_ranges_alloc(&pr, w, 0, NULL) >= 0);
	pr.leaf[0].rooms = 0;
	warns = shim.warns;
	CHECK_EQ(page_ranges_alloc(&pr, 8, 0, NULL), -ENOMEM);
	CHECK_EQ(shim.warns, warns + 1);
	CHECK_EQ(page_ranges_free_pages(&pr), PAGE_RANGES_BLOCK - 63);
	page_ranges_destroy(&pr);
}

/*
 * A set of four tree levels filled and emptied in a shuffled order, the
 * index checked against a recomputation every 512 operations: every
 * node loses and regains its largest fit and run, at every level, which
 * the random runs of pr_difftest seldom do on sets this large.
 */
void test_pr_deep(void)
{
	const unsigned long pages = (1UL << 18) + 5, base = 0x3fffd;
	unsigned long i, n = 0, k, t, *first = calloc(pages, sizeof(long));
	struct page_ranges pr;
	const char *bad;
	long o;

	if (!CHECK(first) || !mk(&pr, base, pages, 8)) {
		free(first);
		return;
	}
	CHECK_EQ(pr.levels, 4);
	/* Sizes 1..16, then what is left one page at a time. */
	for (i = 0;; i++) {
		o = page_ranges_alloc(&pr, 1 + i % 16, 0, NULL);
		if (o < 0)
			o = page_ranges_alloc(&pr, 1, 0, NULL);
		if (o < 0)
			break;
		first[n++] = o;
		bad = n % 512 ? NULL : prw_check(&pr);
		if (!CHECKF(!bad, "filling, %lu ranges: %s", n, bad))
			goto out;
	}
	CHECK_EQ(page_ranges_free_pages(&pr), 0);
	/* Free in a shuffled order. */
	for (i = n; i > 1; i--) {
		k = (i * 2654435761UL) % i;
		t = first[i - 1];
		first[i - 1] = first[k];
		first[k] = t;
	}
	for (i = 0; i < n; i++) {
		if (!CHECK(page_ranges_free(&pr, first[i]) > 0))
			break;
		bad = i % 512 ? NULL : prw_check(&pr);
		if (!CHECKF(!bad, "emptying, %lu freed: %s", i, bad))
			break;
	}
	CHECK_EQ(page_ranges_free_pages(&pr), pages);
	CHECK(!prw_check(&pr));
	/* A base three pages below 2^18 aligns long ranges to one page. */
	CHECK_EQ(page_ranges_largest(&pr, 0), pages);
out:
	page_ranges_destroy(&pr);
	free(first);
}

/* Every other page used: 2 pages are refused, 1 page is not. */
void test_pr_fragmented(void)
{
	static const unsigned long bases[] = { 0, 0x100001, 0x1002 };
	struct page_ranges pr;
	unsigned int i, order;
	unsigned long p;

	for (i = 0; i < ARRAY_SIZE(bases); i++) {
		if (!mk(&pr, bases[i], 1000, 8))
			return;
		CHECK_EQ(fill(&pr), 1000);
		CHECK_EQ(page_ranges_largest(&pr, 0), 0);
		CHECK_EQ(page_ranges_alloc(&pr, 1, PAGE_RANGES_RELAX, NULL), -ENOMEM);
		for (p = 0; p < 1000; p += 2)
			CHECK_EQ(page_ranges_free(&pr, p), 1);
		CHECK_EQ(page_ranges_free_pages(&pr), 500);
		CHECK_EQ(page_ranges_largest(&pr, 0), 1);
		CHECK_EQ(page_ranges_alloc(&pr, 2, 0, NULL), -ENOMEM);
		CHECK_EQ(page_ranges_alloc(&pr, 2, PAGE_RANGES_RELAX, &order), -ENOMEM);
		CHECK_EQ(page_ranges_alloc(&pr, 300, PAGE_RANGES_RELAX, &order), -ENOMEM);
		CHECK_EQ(page_ranges_free_pages(&pr), 500);
		p = page_ranges_alloc(&pr, 1, 0, &order);
		CHECKF(p < 1000 && !(p & 1), "1 page at %ld", (long)p);
		CHECK_EQ(order, 0);
		CHECK_EQ(page_ranges_free_pages(&pr), 499);
		page_ranges_destroy(&pr);
	}
}

/* A request for the whole set, and one page more. */
void test_pr_whole(void)
{
	static const unsigned long sizes[] = { 1, 63, 64, 65, 256, 257, 4099, 70000 };
	struct page_ranges pr;
	unsigned int i, order;
	u8 *none;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		unsigned long n = sizes[i];

		if (!mk(&pr, 0x100000, n, 8))
			return;
		CHECK_EQ(page_ranges_largest(&pr, 0), n);
		CHECK_EQ(page_ranges_alloc(&pr, n + 1, 0, NULL), -EINVAL);
		CHECK_EQ(page_ranges_alloc(&pr, 0, 0, NULL), -EINVAL);
		CHECK_EQ(page_ranges_alloc(&pr, n, 0, &order), 0);
		CHECK_EQ(order, page_ranges_want(&pr, n));
		CHECK_EQ(page_ranges_free_pages(&pr), 0);
		CHECK_EQ(page_ranges_largest(&pr, 0), 0);
		CHECK_EQ(page_ranges_alloc(&pr, 1, PAGE_RANGES_RELAX, NULL), -ENOMEM);
		CHECK_EQ(page_ranges_length(&pr, 0), n);
		CHECK_EQ(page_ranges_free(&pr, 0), n);
		page_ranges_destroy(&pr);

		/* Odd base: exact only when the lattice is enough. */
		if (!mk(&pr, 0x100001, n, 8))
			return;
		none = calloc(n, 1);
		CHECK_EQ(page_ranges_largest(&pr, 0), pr_brute_largest(none, 0x100001, n, 8));
		free(none);
		CHECK_EQ(page_ranges_alloc(&pr, n, 0, NULL), n == 1 || n > 256 ? 0 : -ENOMEM);
		if (n > 1 && n <= 256)
			CHECK_EQ(alloc_at(&pr, 0x100001, n, PAGE_RANGES_RELAX, 0), 0);
		CHECK_EQ(page_ranges_free(&pr, 0), n);
		page_ranges_destroy(&pr);
	}
}

void test_pr_copy_metadata(void)
{
	unsigned long nl = BITS_TO_LONGS(130), *bits = calloc(nl + 1, sizeof(long)), i;
	struct page_ranges pr;
	size_t md;

	/* Base 3: pages 3..132; [61, 125) is 64..127. */
	if (!mk(&pr, 3, 130, 8))
		return;
	md = page_ranges_metadata(&pr);
	CHECKF(md >= 2 * nl * sizeof(long) && md < 4096, "metadata of 130 pages: %zu bytes", md);
	shape(&pr, 61, 125);
	CHECK_EQ(alloc_at(&pr, 3, 64, 0, 6), 61);
	for (i = 0; i < 5; i++)
		CHECK_EQ(page_ranges_free(&pr, i), 1);
	CHECK_EQ(page_ranges_alloc(&pr, 5, 0, NULL), -ENOMEM);
	CHECK_EQ(alloc_at(&pr, 3, 5, PAGE_RANGES_RELAX, 0), 0);
	CHECK_EQ(page_ranges_free(&pr, 129), 1);
	bits[nl] = 0x5a;
	page_ranges_copy(&pr, bits, false);
	for (i = 0; i < 130; i++)
		CHECKF(test_bit(i, bits) == (i != 129), "used bit %lu", i);
	CHECK_EQ(bits[nl], 0x5a);
	page_ranges_copy(&pr, bits, true);
	for (i = 0; i < 130; i++)
		CHECKF(test_bit(i, bits) == (i == 0 || (i > 4 && i <= 61) || (i >= 125 && i < 129)),
		       "start bit %lu", i);
	CHECK_EQ(bits[nl], 0x5a);
	CHECK_EQ(page_ranges_free_pages(&pr), 1);
	CHECK_EQ(page_ranges_live(&pr), 1 + 56 + 1 + 4);
	free(bits);
	page_ranges_destroy(&pr);

	/* About 2 bits a page, whatever the size (a sanity bound: 3). */
	for (i = 1000; i <= 1000000; i *= 10) {
		if (!mk(&pr, 0x12345, i, 8))
			return;
		md = page_ranges_metadata(&pr);
		CHECKF(md >= 2 * BITS_TO_LONGS(i) * sizeof(long) && md <= 3 * i / 8 + 1024,
		       "metadata of %lu pages: %zu bytes", i, md);
		page_ranges_destroy(&pr);
	}
}

static void pr_report(const char *name, const struct pr_result *r)
{
	dct_diag("%s: %lu sets, %lu ops, %lu allocs (%lu relaxed), %lu refused, %lu bad frees",
		 name, r->worlds, r->ops, r->allocs, r->relaxed, r->refused, r->bad_frees);
}

/* Every geometry of the contract's list, a few hundred operations each. */
void test_pr_geometries(void)
{
	static const unsigned long sizes[] = { 1, 63, 64, 65, 256, 257, 4096 + 3 };
	static const unsigned long bases[] = {
		0, 1UL << 20, (1UL << 20) + 1, 0x3fffd, 0x12340,
	};
	struct pr_result r = { };
	unsigned int b, z, k;
	struct dsrc s;

	dsrc_seed(&s, dct_opts.seed);
	for (b = 0; b < ARRAY_SIZE(bases); b++)
		for (z = 0; z < ARRAY_SIZE(sizes); z++)
			for (k = 0; k <= PAGE_RANGES_MAX_ORDER; k++)
				if (!pr_engine_world(&s, bases[b], sizes[z], k,
						     sizes[z] > 300 ? 150 : 300, &r))
					goto out;
out:
	CHECKF(!r.failed, "%s", r.why);
	pr_report("pr_geometries", &r);
}

void test_pr_difftest(void)
{
	struct pr_result r;
	struct dsrc s;

	dsrc_seed(&s, dct_opts.seed);
	pr_engine_run(&s, dct_opts.pr_ops, &r);
	CHECKF(!r.failed, "seed %llu: %s\n(replay: -s %llu -p %lu pr_difftest)",
	       (unsigned long long)dct_opts.seed, r.why,
	       (unsigned long long)dct_opts.seed, dct_opts.pr_ops);
	pr_report("pr_difftest", &r);
	CHECKF(r.allocs && r.relaxed && r.refused && r.bad_frees,
	       "the engine missed a kind of outcome");
}

const char *pr_skip_huge(void)
{
	return sizeof(long) < 8 ? "needs a 64-bit long" : NULL;
}

/* The largest set page_ranges_init() takes. */
#define PR_MAX_PAGES	PAGE_RANGES_MAX_PAGES

/* The most pages, page 0 five pages into a word: almost 2^24 blocks. */
static void huge_unaligned(void)
{
	unsigned long nl = BITS_TO_LONGS(PR_MAX_PAGES), *bits;
	struct page_ranges pr;
	long o;

	bits = malloc((nl + 1) * sizeof(long));
	if (!CHECK(bits) || !mk(&pr, (1UL << 32) + 5, PR_MAX_PAGES, 8)) {
		free(bits);
		return;
	}
	o = alloc_at(&pr, (1UL << 32) + 5, 1000, 0, 0);
	memset(bits, 0xff, nl * sizeof(long));
	bits[nl] = 0x5a;
	page_ranges_copy(&pr, bits, false);
	CHECK(o >= 0 && test_bit(o, bits) && test_bit(o + 999, bits));
	CHECK(!test_bit(o ? o - 1 : o + 1000, bits));
	CHECK(o + 1000 >= (long)PR_MAX_PAGES - 1 || !test_bit(PR_MAX_PAGES - 1, bits));
	CHECK_EQ(bits[nl], 0x5a);
	CHECK_EQ(page_ranges_free(&pr, o), 1000);
	page_ranges_destroy(&pr);
	free(bits);
}

/* PR_MAX_PAGES pages: the largest set init takes; one more is refused. */
void test_pr_huge(void)
{
	struct page_ranges pr;
	long o;

	if (!mk(&pr, 1UL << 32, PR_MAX_PAGES, 8))
		return;
	CHECK_EQ(page_ranges_largest(&pr, 0), PR_MAX_PAGES);
	CHECK_EQ(alloc_at(&pr, 1UL << 32, PR_MAX_PAGES, 0, 8), 0);
	CHECK_EQ(page_ranges_largest(&pr, 0), 0);
	CHECK_EQ(page_ranges_length(&pr, 0), PR_MAX_PAGES);
	CHECK_EQ(page_ranges_length(&pr, PR_MAX_PAGES - 1), -EINVAL);
	CHECK_EQ(page_ranges_free(&pr, PR_MAX_PAGES - 1), -EINVAL);
	CHECK_EQ(page_ranges_free(&pr, 0), PR_MAX_PAGES);
	o = alloc_at(&pr, 1UL << 32, 1UL << 31, 0, 8);
	CHECK_EQ(page_ranges_free_pages(&pr), PR_MAX_PAGES - (1UL << 31));
	alloc_at(&pr, 1UL << 32, 3, 0, 2);
	CHECK_EQ(page_ranges_free(&pr, o), 1UL << 31);
	page_ranges_destroy(&pr);

	in_child("the most pages, page 0 five pages into a word", huge_unaligned);
}
