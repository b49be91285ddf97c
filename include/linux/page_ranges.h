/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Naturally aligned ranges of pages over a bitmap, with a bounded search.
 * See lib/page_ranges.c.
 */
#ifndef _LINUX_PAGE_RANGES_H
#define _LINUX_PAGE_RANGES_H

#include <linux/bits.h>
#include <linux/limits.h>
#include <linux/types.h>

/* Pages per block of the search tree, and its order. */
#define PAGE_RANGES_BLOCK_ORDER	8
#define PAGE_RANGES_BLOCK	BIT(PAGE_RANGES_BLOCK_ORDER)

/* Largest max_order page_ranges_init() takes: one block. */
#define PAGE_RANGES_MAX_ORDER	PAGE_RANGES_BLOCK_ORDER

/*
 * Largest set: the tree's nodes count free pages in u32, and bitmap
 * indexes, with up to a block of padding at each end, are longs.
 */
#define PAGE_RANGES_MAX_PAGES						\
	((sizeof(long) > 4 ? U32_MAX : (u32)LONG_MAX) - 2 * PAGE_RANGES_BLOCK)

/* Levels of the tree for up to PAGE_RANGES_MAX_PAGES: under 2^24 blocks. */
#define PAGE_RANGES_MAX_LEVELS	9

/* page_ranges_alloc() flags */
#define PAGE_RANGES_RELAX	0x1	/* may align below the natural order */

/**
 * struct page_ranges_leaf - what the search needs of one block
 * @fit:	largest naturally aligned request that fits in the block
 * @head:	free pages from the start of the block
 * @tail:	free pages at the end of the block, from the first multiple
 *		of 2^lattice pages among them: where a run from the
 *		lattice that goes on into the next block starts
 * @run:	longest free run in the block that starts at a multiple of
 *		2^lattice pages (&struct page_ranges)
 * @rooms:	three bits per word of the block: 0 when no page of it is
 *		free, else 1 + the order of the largest naturally aligned
 *		request of up to 2^max_order pages that fits in the word
 */
struct page_ranges_leaf {
	u64	fit:9;
	u64	head:9;
	u64	tail:9;
	u64	run:9;
	u64	rooms:24;
};

/**
 * struct page_ranges_node - the same for the blocks below a tree node
 * @head:	free pages from the start of the node's first block
 * @tail:	free pages at the end of its last block, from a multiple of
 *		2^lattice pages as for a leaf; 0 for the last node of a
 *		level with fewer than %PAGE_RANGES_FANOUT children
 * @run:	longest free run that starts at a multiple of 2^lattice pages
 *		and lies below the node
 * @fit:	largest @fit of the blocks below
 */
struct page_ranges_node {
	u32	head;
	u32	tail;
	u32	run;
	u32	fit;
};

/**
 * struct page_ranges - a set of pages handed out as aligned ranges
 * @used:	one bit per page, set when allocated (and for the padding
 *		around the pages, so that bit 0 of every word sits on an
 *		absolute address aligned to BITS_PER_LONG pages)
 * @start:	one bit per page, set on the first page of every live range
 * @leaf:	one entry per block of %PAGE_RANGES_BLOCK pages
 * @node:	the tree over @leaf, %PAGE_RANGES_FANOUT children per node,
 *		root first; level by level
 * @level_off:	first entry of each level in @node
 * @level_n:	entries of each level
 * @levels:	levels of @node (0 when the pages fit in one block)
 * @nleaves:	entries of @leaf
 * @pages:	pages in the set
 * @off:	bitmap index of page 0
 * @nbits:	@off + @pages
 * @boff:	bitmap words before block 0 starts (block 0 may begin before
 *		the bitmap)
 * @base:	absolute page number of bitmap index 0, for alignment
 * @base_order:	alignment order of page 0 on that number, at most
 *		@max_order
 * @max_order:	natural alignment is capped at 2^@max_order pages
 * @lattice:	ranges over 2^@max_order pages, and relaxed ones, start on
 *		multiples of 2^@lattice pages: min(@base_order, @max_order)
 * @free:	free pages
 * @live:	live ranges
 *
 * The caller serialises every call on one set.
 */
struct page_ranges {
	unsigned long		*used;
	unsigned long		*start;
	struct page_ranges_leaf	*leaf;
	struct page_ranges_node	*node;
	unsigned long		level_off[PAGE_RANGES_MAX_LEVELS];
	unsigned long		level_n[PAGE_RANGES_MAX_LEVELS];
	unsigned int		levels;
	unsigned long		nleaves;
	unsigned long		pages;
	unsigned long		off;
	unsigned long		nbits;
	unsigned long		boff;
	unsigned long		base;
	unsigned int		base_order;
	unsigned int		max_order;
	unsigned int		lattice;
	unsigned long		free;
	unsigned long		live;
};

int page_ranges_init(struct page_ranges *pr, unsigned long base,
		     unsigned long pages, unsigned int max_order, gfp_t gfp);
void page_ranges_destroy(struct page_ranges *pr);
long page_ranges_alloc(struct page_ranges *pr, unsigned long n,
		       unsigned int flags, unsigned int *order);
long page_ranges_free(struct page_ranges *pr, unsigned long first);
long page_ranges_length(const struct page_ranges *pr, unsigned long first);
long page_ranges_find(const struct page_ranges *pr, unsigned long page,
		      unsigned long *first);
unsigned int page_ranges_want(const struct page_ranges *pr, unsigned long n);
unsigned long page_ranges_largest(const struct page_ranges *pr,
				  unsigned int flags);
void page_ranges_copy(const struct page_ranges *pr, unsigned long *dst,
		      bool starts);
size_t page_ranges_metadata(const struct page_ranges *pr);

/**
 * page_ranges_free_pages() - pages not in a live range
 * @pr:		the set
 *
 * Return: the number of free pages.
 */
static inline unsigned long page_ranges_free_pages(const struct page_ranges *pr)
{
	return pr->free;
}

/**
 * page_ranges_live() - live ranges
 * @pr:		the set
 *
 * Return: the number of live ranges.
 */
static inline unsigned long page_ranges_live(const struct page_ranges *pr)
{
	return pr->live;
}

#endif /* _LINUX_PAGE_RANGES_H */
