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

/*
 * What lib/bitmap.c's __bitmap_set() and __bitmap_clear() do, out of line
 * as there: the first word masked, whole words, the last word masked.
 */
static __always_inline void b612_bits(unsigned long *map, unsigned int start,
				      int len, bool set)
{
	unsigned long *p = map + BIT_WORD(start);
	unsigned long *last = map + BIT_WORD(start + len - 1);
	unsigned long mask = BITMAP_FIRST_WORD_MASK(start);

	for (; p < last; p++, mask = ~0UL) {
		if (set)
			*p |= mask;
		else
			*p &= ~mask;
	}
	mask &= BITMAP_LAST_WORD_MASK(start + len);
	if (set)
		*p |= mask;
	else
		*p &= ~mask;
}

static noinline void b612_bits_set(unsigned long *map, unsigned int start, int len)
{
	b612_bits(map, start, len, true);
}

static noinline void b612_bits_clear(unsigned long *map, unsigned int start, int len)
{
	b612_bits(map, start, len, false);
}

/* include/linux/bitmap.h of 6.12, __always_inline there. */
static __always_inline
void bitmap_release_region(unsigned long *bitmap, unsigned int pos, int order)
{
	b612_bits_clear(bitmap, pos, BIT(order));
}

static __always_inline
int bitmap_allocate_region(unsigned long *bitmap, unsigned int pos, int order)
{
	unsigned int len = BIT(order);

	if (find_next_bit(bitmap, pos + len, pos) < pos + len)
		return -EBUSY;
	b612_bits_set(bitmap, pos, len);
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
