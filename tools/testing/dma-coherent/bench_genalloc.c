// SPDX-License-Identifier: GPL-2.0
/*
 * A genalloc-style allocator for the benchmark: one bitmap, one bit per
 * page, exact sizes, first fit at the request's order alignment, as
 * gen_pool_alloc_algo() with gen_pool_first_fit_order_align() does
 * (lib/genalloc.c).  Instead of genalloc's lock-free cmpxchg bitmap
 * updates it takes the same (shim) spinlock as the two coherent.c
 * variants, so that all three pay the same locking cost.  The search is
 * lib/bitmap.c's bitmap_find_next_zero_area_off() (shim.c).
 */
#include <stdlib.h>

#include <linux/bitmap.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/spinlock.h>

#include "bench.h"

static struct {
	spinlock_t	lock;		/* protects map */
	unsigned long	*map;
	unsigned long	pages;
	void		*virt;
} gp;

/* lib/bitmap.c's __bitmap_set()/__bitmap_clear(), for any length. */
static noinline void bits_set(unsigned long *map, unsigned long start,
			      unsigned long len, bool set)
{
	unsigned long *p = map + BIT_WORD(start);
	unsigned long end = start + len;
	unsigned long mask = BITMAP_FIRST_WORD_MASK(start);

	while (len) {
		unsigned long k = BITS_PER_LONG - start % BITS_PER_LONG;

		if (k > len) {
			mask &= BITMAP_LAST_WORD_MASK(end);
			k = len;
		}
		if (set)
			*p |= mask;
		else
			*p &= ~mask;
		len -= k;
		start += k;
		mask = ~0UL;
		p++;
	}
}

int genalloc_init(void *virt, unsigned long pages)
{
	gp.map = calloc(BITS_TO_LONGS(pages), sizeof(long));
	if (!gp.map)
		return -1;
	gp.pages = pages;
	gp.virt = virt;
	spin_lock_init(&gp.lock);
	return 0;
}

void *genalloc_alloc(unsigned long n)
{
	unsigned long flags, idx, mask;
	void *ret;

	if (!n || n > gp.pages)
		return NULL;
	mask = roundup_pow_of_two(n) - 1;
	spin_lock_irqsave(&gp.lock, flags);
	idx = bitmap_find_next_zero_area_off(gp.map, gp.pages, 0, n, mask, 0);
	if (idx >= gp.pages || n > gp.pages - idx) {
		spin_unlock_irqrestore(&gp.lock, flags);
		return NULL;
	}
	bits_set(gp.map, idx, n, true);
	spin_unlock_irqrestore(&gp.lock, flags);
	ret = (char *)gp.virt + (idx << PAGE_SHIFT);
	bench_memset(ret, 0, n << PAGE_SHIFT);
	return ret;
}

void genalloc_free(void *vaddr, unsigned long n)
{
	unsigned long idx = ((char *)vaddr - (char *)gp.virt) >> PAGE_SHIFT;
	unsigned long flags;

	spin_lock_irqsave(&gp.lock, flags);
	bits_set(gp.map, idx, n, false);
	spin_unlock_irqrestore(&gp.lock, flags);
}

void genalloc_fini(void)
{
	free(gp.map);
	gp.map = NULL;
}
