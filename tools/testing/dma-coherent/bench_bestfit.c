// SPDX-License-Identifier: GPL-2.0
/*
 * An exhaustive best fit for the benchmark's utilisation runs only: one
 * bitmap, exact sizes, natural alignment as ours gives it (2^order pages,
 * capped at 1 MiB, on the page number from an aligned base), and for every
 * request a walk over every free run of the pool: the shortest run that
 * takes the request at its alignment wins, lowest address first.  Its
 * cost grows with the number of free runs, so it is no candidate for a
 * pool; it shows how much any placement policy bound by the same
 * alignment could gain over ours on the same request sequence.
 */
#include <stdlib.h>

#include <linux/bitmap.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sizes.h>

#include "bench.h"

static struct {
	unsigned long	*map;
	unsigned long	pages;
	void		*virt;
} bf;

static void bf_assign(unsigned long start, unsigned long n, bool set)
{
	unsigned long i;

	for (i = start; i < start + n; i++) {
		if (set)
			__set_bit(i, bf.map);
		else
			__clear_bit(i, bf.map);
	}
}

int bestfit_init(void *virt, unsigned long pages)
{
	bf.map = calloc(BITS_TO_LONGS(pages), sizeof(long));
	if (!bf.map)
		return -1;
	bf.pages = pages;
	bf.virt = virt;
	return 0;
}

void *bestfit_alloc(unsigned long n)
{
	unsigned long align, s, e, p, best = ULONG_MAX, at = 0;

	if (!n || n > bf.pages)
		return NULL;
	align = min(roundup_pow_of_two(n), (unsigned long)(SZ_1M >> PAGE_SHIFT));
	for (s = find_first_zero_bit(bf.map, bf.pages); s < bf.pages;
	     s = find_next_zero_bit(bf.map, bf.pages, e)) {
		e = find_next_bit(bf.map, bf.pages, s);
		p = round_up(s, align);
		if (p < e && e - p >= n && e - s < best) {
			best = e - s;
			at = p;
		}
	}
	if (best == ULONG_MAX)
		return NULL;
	bf_assign(at, n, true);
	return (char *)bf.virt + (at << PAGE_SHIFT);
}

void bestfit_free(void *vaddr, unsigned long n)
{
	bf_assign(((char *)vaddr - (char *)bf.virt) >> PAGE_SHIFT, n, false);
}

void bestfit_fini(void)
{
	free(bf.map);
	bf.map = NULL;
}
