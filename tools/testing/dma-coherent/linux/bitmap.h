/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Stands in for include/linux/bitmap.h: tools/include's, plus lib/bitmap.c's
 * area search and __ffs64().
 */
#ifndef _DCT_LINUX_BITMAP_H
#define _DCT_LINUX_BITMAP_H

#include_next <linux/bitmap.h>

/* include/linux/bitops.h's, which tools/include lacks. */
static inline unsigned int __ffs64(unsigned long long word)
{
	return __builtin_ctzll(word);
}

unsigned long bitmap_find_next_zero_area_off(unsigned long *map, unsigned long size,
					     unsigned long start, unsigned int nr,
					     unsigned long align_mask,
					     unsigned long align_offset);

#endif
