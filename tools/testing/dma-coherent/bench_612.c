// SPDX-License-Identifier: GPL-2.0
/*
 * The pristine Linux 6.12 kernel/dma/coherent.c, for the benchmark.  The
 * Makefile extracts it into the build directory (never into the source
 * tree) and compiles this file with -DPRISTINE_C='"that file"' and -D
 * macros renaming its public symbols to b612_*, so that it links beside
 * ours.  It sees the same shims as ours; this file adds what 6.12 takes
 * from include/linux/bitmap.h and lib/bitmap.c: bitmap_find_free_region()
 * and bitmap_release_region() with their 6.12 semantics.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <linux/bitmap.h>
#include <linux/compiler.h>
#include <linux/gfp.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>

#include "bench.h"

/* lib/bitmap.c __bitmap_set() and __bitmap_clear(): out of line there too. */
static noinline void b612___bitmap_set(unsigned long *map, unsigned int start,
				       int len)
{
	unsigned long *p = map + BIT_WORD(start);
	const unsigned int size = start + len;
	int bits_to_set = BITS_PER_LONG - (start % BITS_PER_LONG);
	unsigned long mask_to_set = BITMAP_FIRST_WORD_MASK(start);

	while (len - bits_to_set >= 0) {
		*p |= mask_to_set;
		len -= bits_to_set;
		bits_to_set = BITS_PER_LONG;
		mask_to_set = ~0UL;
		p++;
	}
	if (len) {
		mask_to_set &= BITMAP_LAST_WORD_MASK(size);
		*p |= mask_to_set;
	}
}

static noinline void b612___bitmap_clear(unsigned long *map, unsigned int start,
					 int len)
{
	unsigned long *p = map + BIT_WORD(start);
	const unsigned int size = start + len;
	int bits_to_clear = BITS_PER_LONG - (start % BITS_PER_LONG);
	unsigned long mask_to_clear = BITMAP_FIRST_WORD_MASK(start);

	while (len - bits_to_clear >= 0) {
		*p &= ~mask_to_clear;
		len -= bits_to_clear;
		bits_to_clear = BITS_PER_LONG;
		mask_to_clear = ~0UL;
		p++;
	}
	if (len) {
		mask_to_clear &= BITMAP_LAST_WORD_MASK(size);
		*p &= ~mask_to_clear;
	}
}

/* include/linux/bitmap.h of 6.12, __always_inline there. */
static __always_inline
void bitmap_release_region(unsigned long *bitmap, unsigned int pos, int order)
{
	b612___bitmap_clear(bitmap, pos, BIT(order));
}

static __always_inline
int bitmap_allocate_region(unsigned long *bitmap, unsigned int pos, int order)
{
	unsigned int len = BIT(order);

	if (find_next_bit(bitmap, pos + len, pos) < pos + len)
		return -EBUSY;
	b612___bitmap_set(bitmap, pos, len);
	return 0;
}

static __always_inline
int bitmap_find_free_region(unsigned long *bitmap, unsigned int bits, int order)
{
	unsigned int pos, end;		/* scans bitmap by regions of size order */

	for (pos = 0; (end = pos + BIT(order)) <= bits; pos = end) {
		if (!bitmap_allocate_region(bitmap, pos, order))
			return pos;
	}
	return -ENOMEM;
}

/* The kernel's takes gfp flags; tools/include's does not. */
static inline unsigned long *b612_bitmap_zalloc(unsigned int nbits, gfp_t flags __maybe_unused)
{
	return bitmap_zalloc(nbits);
}

#define bitmap_zalloc	b612_bitmap_zalloc

/* Zeroing of the buffer: skipped in the pool arena, as for ours. */
#define memset(p, c, n)	bench_memset(p, c, n)

#include PRISTINE_C
