/* SPDX-License-Identifier: GPL-2.0 */
/*
 * lib/page_ranges.c as compiled by page_ranges_wrap.c: checks that need
 * its internals.
 */
#ifndef _DCT_PAGE_RANGES_WRAP_H
#define _DCT_PAGE_RANGES_WRAP_H

#include <linux/page_ranges.h>

/*
 * Every leaf against a naive scan of its block, every node against its
 * children, the root against the whole bitmap; NULL if they hold.
 */
const char *prw_check(struct page_ranges *pr);
/* The largest naturally aligned request in a word with @used pages. */
unsigned int prw_word_fit(unsigned long used);

#endif
