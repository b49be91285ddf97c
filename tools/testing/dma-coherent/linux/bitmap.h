/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/bitmap.h: tools/include's, plus lib/bitmap.c's
 * area search and shift, find_last_bit() and __ffs64().
 */
#ifndef _DCT_LINUX_BITMAP_H
#define _DCT_LINUX_BITMAP_H

#include_next <linux/bitmap.h>

/* include/linux/bitops.h's, which tools/include lacks. */
static inline unsigned int __ffs64(unsigned long long word)
{
	return __builtin_ctzll(word);
}

/* lib/find_bit.c's: the last set bit below @size, or @size. */
static inline unsigned long find_last_bit(const unsigned long *addr,
					  unsigned long size)
{
	unsigned long idx, val;

	if (!size)
		return size;
	idx = (size - 1) / BITS_PER_LONG;
	val = addr[idx] & BITMAP_LAST_WORD_MASK(size);
	for (;;) {
		if (val)
			return idx * BITS_PER_LONG + __fls(val);
		if (!idx--)
			return size;
		val = addr[idx];
	}
}

void bitmap_shift_right(unsigned long *dst, const unsigned long *src,
			unsigned int shift, unsigned int nbits);
unsigned long bitmap_find_next_zero_area_off(unsigned long *map, unsigned long size,
					     unsigned long start, unsigned int nr,
					     unsigned long align_mask,
					     unsigned long align_offset);

#endif
