// SPDX-License-Identifier: GPL-2.0
/*
 * Naturally aligned ranges of pages over a bitmap.
 *
 * A page_ranges set hands out ranges of exactly n pages from a set of
 * pages, aligned on an absolute page number that the caller gives (a DMA
 * address, a physical address), and takes them back by their first page,
 * checking that it is one.  Searching is bounded for every request size.
 */

/**
 * DOC: page_ranges
 *
 * Alignment.  A range of n pages is aligned to 2^order_base_2(n) pages,
 * computed on the absolute page number of its first page, capped at
 * 2^max_order pages (at most %PAGE_RANGES_BLOCK).  Ranges longer than
 * 2^max_order pages, and ranges that the caller lets go below their
 * alignment (%PAGE_RANGES_RELAX), start on a multiple of 2^lattice pages,
 * lattice being the alignment order of the set's first page, capped at
 * max_order: a set that starts on an aligned page gives these ranges
 * 2^max_order.  A relaxed range goes in the first free run that takes it
 * at the lattice, at the best alignment that run has room for.
 *
 * Metadata.  Two bits per page: "used", and "start" on the first page of
 * every live range, so that a free finds the length (up to the next start
 * or free page) and refuses anything that is not a live range.  Bit 0 of
 * every bitmap word sits on an absolute page number aligned to
 * BITS_PER_LONG; pages of the first and last word outside the set are
 * used for good.  Blocks of %PAGE_RANGES_BLOCK pages, aligned on the
 * absolute page number, have one &struct page_ranges_leaf each (8 bytes):
 * the largest naturally aligned request that fits in the block, its free
 * head, its free tail from a lattice page (a run from the lattice goes on
 * from there into the next block; with a set aligned to 2^max_order
 * pages, a multiple of 2^max_order), and its longest free run that
 * starts on the lattice.  A
 * tree of &struct page_ranges_node (16 bytes), %PAGE_RANGES_FANOUT
 * children each, keeps the same values for the blocks below each node:
 * the largest fit of its blocks, and head, tail and lattice run of the
 * pages below it, runs across block boundaries included.  With 4 KiB
 * blocks of 256 pages that is 0.25 bit per page for the leaves and about
 * 0.07 for the tree, 2.32 bits per page with the bitmaps.  Sets hold up
 * to %PAGE_RANGES_MAX_PAGES: U32_MAX - 512 pages with 64-bit longs (16 TiB
 * of 4 KiB pages), LONG_MAX - 512 with 32-bit ones.
 *
 * Search.  A request of up to 2^max_order pages needs a block whose fit
 * is at least n: naturally aligned, it cannot cross an aligned block of
 * its own size, so it lies inside one block.  From the root, the search
 * takes the child with the smallest fit that takes n (best fit), down to
 * a block; there it takes the word (leaves keep a 3-bit code of each
 * word's room) or aligned group of words with the least room for n, and
 * in a word the position whose enclosing aligned blocks are the most
 * used (a buddy allocator's best fit).
 * Longer and relaxed requests need a lattice run of n pages: the root's
 * run says whether there is one; the search takes the first child whose
 * run takes n, or the first run across children, down to a block.  A
 * request that does not fit is refused at the root.  Every step of a
 * search or an update looks at one node's children or one block's words,
 * so a search costs O(PAGE_RANGES_FANOUT * levels + block words), with
 * levels = ceil(log_8(blocks)) for the blocks of 256 absolute pages the
 * set spans: 4 levels at 2^20 pages from a 1 MiB aligned base.  What
 * grows with n is the range itself: checking, setting and clearing its
 * bits (n / BITS_PER_LONG words), as for any bitmap allocator, and
 * updating the index of the blocks it covers (n / 256 leaves and their
 * nodes, n / 2048 at the level above, and so on).  An
 * update stops at the first level where nothing changed, and a node
 * reads its children again only when the one that changed requires it.
 */

#include <linux/bitmap.h>
#include <linux/bitops.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/page_ranges.h>
#include <linux/slab.h>

#define WORD_PAGES	BITS_PER_LONG
#define WORD_ORDER	ilog2(BITS_PER_LONG)
#define BLOCK_WORDS	(PAGE_RANGES_BLOCK / BITS_PER_LONG)
#define PAGE_RANGES_FANOUT	8
#define FANOUT_ORDER	3

/* Bit k set at every multiple of 1 << order, order 0..WORD_ORDER. */
static const unsigned long align_masks[] = {
	~0UL, ~0UL / 0x3, ~0UL / 0xf, ~0UL / 0xff, ~0UL / 0xffff,
#if BITS_PER_LONG == 64
	~0UL / 0xffffffffUL,
#endif
	1UL,
};

/* Positions where @n (>= 1) consecutive bits of @x start, all set. */
static unsigned long runs_of(unsigned long x, unsigned int n)
{
	unsigned int have = 1, step;

	while (have < n) {
		step = min(have, n - have);
		x &= x >> step;
		have += step;
	}
	return x;
}

/* Free pages at the bottom and at the top of a word with free bits @f. */
static inline unsigned int word_head(unsigned long f)
{
	return ~f ? __ffs(~f) : WORD_PAGES;
}

static inline unsigned int word_tail(unsigned long f)
{
	return ~f ? WORD_PAGES - 1 - __fls(~f) : WORD_PAGES;
}

/* Largest naturally aligned request of up to 2^@max pages in a word. */
static unsigned int word_fit(unsigned long f, unsigned int max)
{
	unsigned int b = 0, k, half, r = 0;
	unsigned long lv, next, tail;

	if (!~f)
		return min_t(unsigned int, WORD_PAGES, 1U << max);
	if (!f)
		return 0;
	/* lv: positions of wholly free aligned blocks of 2^b pages, b largest. */
	lv = f;
	for (k = 1; k < WORD_ORDER; k++) {
		next = lv & (lv >> (1UL << (k - 1))) & align_masks[k];
		if (!next)
			break;
		lv = next;
		b = k;
	}
	/*
	 * More than 1 << b pages fit only at a (b + 1)-aligned position whose
	 * first half is free, followed by a free run shorter than that half:
	 * few such positions for a big b, a short run for a small one.
	 */
	half = 1U << b;
	tail = lv & align_masks[b + 1];
	if (b >= 3) {
		for (; tail; tail &= tail - 1)
			r = max(r, word_head(f >> (__ffs(tail) + half)));
		r = min(r, half - 1);
	} else {
		for (; r + 1 < half; r++) {
			tail &= f >> (half + r);
			if (!tail)
				break;
		}
	}
	return min(half + r, 1U << max);
}

/* The three bits of @rooms (&struct page_ranges_leaf) for a word's room. */
static inline unsigned int room_code(unsigned int room)
{
	return room ? order_base_2(room) + 1 : 0;
}

static inline unsigned int leaf_room(u64 rooms, unsigned int w)
{
	return (rooms >> (3 * w)) & 7;
}

/* Longest run of set bits in @f (not all set) from a multiple of 2^@k. */
static unsigned int word_run(unsigned long f, unsigned int k)
{
	unsigned long g[WORD_ORDER], cur = f & align_masks[k], c;
	unsigned int j, len = 1;

	if (!cur)
		return 0;
	g[0] = f;
	for (j = 1; j < WORD_ORDER; j++)
		g[j] = g[j - 1] & (g[j - 1] >> (1UL << (j - 1)));
	/* cur: lattice positions with a run of at least len; lengthen it. */
	for (j = WORD_ORDER; j-- > 0;) {
		c = cur & (g[j] >> len);
		if (c) {
			cur = c;
			len += 1U << j;
		}
	}
	return len;
}

/*
 * Set or clear @n bits from @start; most ranges lie in one word.  Not
 * bitmap_set() and bitmap_clear(): they hand the length on to
 * __bitmap_set() and __bitmap_clear() as an int, and a range may be
 * longer than INT_MAX pages.
 */
static void bits_assign(unsigned long *map, unsigned long start,
			unsigned long n, bool set)
{
	unsigned long *p, *last, first, tail;

	if (!n)
		return;
	p = map + BIT_WORD(start);
	last = map + BIT_WORD(start + n - 1);
	first = BITMAP_FIRST_WORD_MASK(start);
	tail = BITMAP_LAST_WORD_MASK(start + n);
	if (p == last)
		first &= tail;
	*p = set ? *p | first : *p & ~first;
	if (p == last)
		return;
	while (++p < last)
		*p = set ? ~0UL : 0;
	*p = set ? *p | tail : *p & ~tail;
}

/*
 * Whether bitmap index @start of @n pages lies outside the set or holds a
 * used page: a range the search chose is checked before it is taken, with
 * its alignment, so that a broken index can never hand out a live range
 * twice or a range below the order it reports.
 */
static bool range_taken(const struct page_ranges *pr, long start,
			unsigned long n)
{
	if (start < (long)pr->off || n > pr->nbits - start)
		return true;
	return find_next_bit(pr->used, start + n, start) < start + n;
}

/* Free bits of bitmap word @w of block @b; words outside the set are used. */
static inline unsigned long block_word(const struct page_ranges *pr,
				       unsigned long b, unsigned int w)
{
	unsigned long i = b * BLOCK_WORDS + w - pr->boff;

	/* Below word 0, @i wraps around. */
	if (i >= BITS_TO_LONGS(pr->nbits))
		return 0;
	return ~pr->used[i];
}

static __always_inline void block_words(const struct page_ranges *pr,
					unsigned long b, unsigned long *f)
{
	unsigned long first = b * BLOCK_WORDS - pr->boff;
	unsigned int w;

	/* Most blocks lie wholly inside the bitmap. */
	if (b * BLOCK_WORDS >= pr->boff &&
	    first + BLOCK_WORDS <= BITS_TO_LONGS(pr->nbits)) {
		for (w = 0; w < BLOCK_WORDS; w++)
			f[w] = ~pr->used[first + w];
		return;
	}
	for (w = 0; w < BLOCK_WORDS; w++)
		f[w] = block_word(pr, b, w);
}

/*
 * Free run from the start of each word of a block, up to the block's end,
 * in @h[0..BLOCK_WORDS - 1].
 */
static void block_heads(const unsigned long *f, unsigned int *h)
{
	unsigned int w = BLOCK_WORDS, next = 0;

	while (w--) {
		h[w] = ~f[w] ? word_head(f[w]) : WORD_PAGES + next;
		next = h[w];
	}
}

/*
 * Largest naturally aligned request of up to 2^@max pages in a block,
 * whose words @lo..@hi changed from a fit of @old: their codes in *@rooms
 * are made again, the others are kept.  Pages only became free (!@used)
 * or only became used (@used), so the fit only grew or only shrank: a
 * fit that grew is the largest of @old and what changed; one that shrank
 * is @old when an unchanged word held it, else only the words with the
 * highest code are looked at again.
 */
static unsigned int block_fit(const unsigned long *f, const unsigned int *h,
			      unsigned int max, u64 *rooms, unsigned int lo,
			      unsigned int hi, unsigned int old, bool used)
{
	unsigned int w, fit = 0, half, step, top = 0, code, was = 0, wf;

	for (w = lo; w <= hi; w++) {
		was = max(was, leaf_room(*rooms, w));
		wf = word_fit(f[w], max);
		fit = max(fit, wf);
		*rooms &= ~(7ULL << (3 * w));
		*rooms |= (u64)room_code(wf) << (3 * w);
	}
	/* Held by an unchanged word, and so by no group of words. */
	if (used && old <= WORD_PAGES && room_code(old) > was)
		return old;
	if (!used) {
		fit = max(fit, old);
	} else {
		for (w = 0; w < BLOCK_WORDS; w++)
			top = max(top, leaf_room(*rooms, w));
		if (room_code(fit) != top)
			fit = 0;
		for (w = 0; w < BLOCK_WORDS && top; w++) {
			if (w == lo) {
				w = hi;
				continue;
			}
			code = leaf_room(*rooms, w);
			if (code == top)
				fit = max(fit, top == 1 ? 1 : word_fit(f[w], max));
		}
	}
	if (max <= WORD_ORDER)
		return fit;
	/* A group of 2^k words holds more than half of it only from its start. */
	for (step = 2; step <= 1U << (max - WORD_ORDER); step <<= 1) {
		half = step / 2 * WORD_PAGES;
		for (w = 0; w < BLOCK_WORDS; w += step)
			if (h[w] > half)
				fit = max(fit, min(h[w], step * WORD_PAGES));
	}
	return fit;
}

/* Longest free run from a multiple of 2^@k pages in a block. */
static unsigned int block_run(const unsigned long *f, const unsigned int *h,
			      unsigned int k)
{
	unsigned int w, run = 0, carry = 0;

	if (k >= WORD_ORDER) {
		for (w = 0; w < BLOCK_WORDS; w += 1U << (k - WORD_ORDER))
			run = max(run, h[w]);
		return run;
	}
	for (w = 0; w < BLOCK_WORDS; w++) {
		if (!~f[w]) {
			carry += WORD_PAGES;
			continue;
		}
		run = max(run, max(carry + word_head(f[w]), word_run(f[w], k)));
		carry = round_down(word_tail(f[w]), 1U << k);
	}
	return max(run, carry);
}

/*
 * Recompute the leaf of block @b, whose words @lo..@hi changed, pages
 * becoming @used or free; returns true when it changed.
 */
static bool leaf_update(struct page_ranges *pr, unsigned long b,
			unsigned int lo, unsigned int hi, bool used)
{
	struct page_ranges_leaf *l = &pr->leaf[b], old = *l;
	unsigned long f[BLOCK_WORDS];
	unsigned int h[BLOCK_WORDS], w, tail = 0;
	u64 rooms = l->rooms;

	block_words(pr, b, f);
	block_heads(f, h);
	for (w = BLOCK_WORDS; w--;) {
		tail += word_tail(f[w]);
		if (~f[w])
			break;
	}
	l->head = h[0];
	/* Runs start on the lattice, and so does the block's end. */
	l->tail = round_down(tail, 1U << pr->lattice);
	l->fit = block_fit(f, h, pr->max_order, &rooms, lo, hi, old.fit, used);
	l->rooms = rooms;
	l->run = block_run(f, h, pr->lattice);
	return l->head != old.head || l->tail != old.tail || l->run != old.run ||
	       l->fit != old.fit;
}

/* The four values of a child, whatever its level. */
struct pr_vals {
	unsigned long	head, tail, run, fit;
};

static __always_inline void child_vals(const struct page_ranges *pr,
				       int level, unsigned long i,
				       unsigned long n, struct pr_vals *v)
{
	if (i >= n) {
		*v = (struct pr_vals){ 0 };
	} else if (level < 0) {
		const struct page_ranges_leaf *l = &pr->leaf[i];

		*v = (struct pr_vals){ l->head, l->tail, l->run, l->fit };
	} else {
		const struct page_ranges_node *x = &pr->node[pr->level_off[level] + i];

		*v = (struct pr_vals){ x->head, x->tail, x->run, x->fit };
	}
}

/* Entries at @level (-1: the leaves). */
static inline unsigned long level_size(const struct page_ranges *pr, int level)
{
	return level < 0 ? pr->nleaves : pr->level_n[level];
}

/* Pages below an entry at @level (-1: a leaf). */
static inline unsigned long level_pages(int level)
{
	return PAGE_RANGES_BLOCK << (FANOUT_ORDER * (level + 1));
}

/*
 * Fold children @first..@end - 1 of @level into the values of their
 * parent, @size pages each; children past @end (the last node of a
 * level) are wholly used.  Inlined per kind of child, so that the loop
 * reads one kind.
 */
static __always_inline void children_fold(const struct page_ranges *pr,
					  int level, unsigned long first,
					  unsigned long end, unsigned long size,
					  struct pr_vals *x)
{
	unsigned long head = 0, tail = 0, run = 0, fit = 0, c;
	bool in_head = true;
	struct pr_vals v;

	/* Tails start on the lattice: a run across children goes on from them. */
	for (c = first; c < end; c++) {
		child_vals(pr, level, c, end, &v);
		fit = max(fit, v.fit);
		run = max(run, max(v.run, tail + v.head));
		if (in_head)
			head += v.head;
		if (v.head == size) {
			tail += size;
		} else {
			in_head = false;
			tail = v.tail;
		}
	}
	run = max(run, tail);
	if (end < first + PAGE_RANGES_FANOUT)
		tail = 0;
	*x = (struct pr_vals){ head, tail, run, fit };
}

/* Recompute node @i of @level from its children; true when it changed. */
static bool node_update(struct page_ranges *pr, int level, unsigned long i)
{
	struct page_ranges_node *x = &pr->node[pr->level_off[level] + i], old = *x;
	unsigned long first = i << FANOUT_ORDER, size = level_pages(level - 1);
	unsigned long end = min(first + PAGE_RANGES_FANOUT, level_size(pr, level - 1));
	struct pr_vals v;

	if (level)
		children_fold(pr, level - 1, first, end, size, &v);
	else
		children_fold(pr, -1, first, end, size, &v);
	x->head = v.head;
	x->tail = v.tail;
	x->run = v.run;
	x->fit = v.fit;
	return x->head != old.head || x->tail != old.tail || x->run != old.run ||
	       x->fit != old.fit;
}

/*
 * Fit of child @c: a leaf, or a node of the level @x starts.  Callers
 * inline it with a constant @leaf, so that a loop reads one kind.
 */
static __always_inline unsigned long child_fit(const struct page_ranges *pr,
					       bool leaf,
					       const struct page_ranges_node *x,
					       unsigned long c)
{
	return leaf ? pr->leaf[c].fit : x[c].fit;
}

static __always_inline unsigned long max_fit(const struct page_ranges *pr,
					     bool leaf,
					     const struct page_ranges_node *x,
					     unsigned long c, unsigned long end)
{
	unsigned long fit = 0;

	for (; c < end; c++)
		fit = max(fit, child_fit(pr, leaf, x, c));
	return fit;
}

/* Largest fit of the children of a node from child @first of @level. */
static unsigned long children_fit(const struct page_ranges *pr, int level,
				  unsigned long first)
{
	unsigned long end = min(first + PAGE_RANGES_FANOUT, level_size(pr, level));

	if (level < 0)
		return max_fit(pr, true, NULL, first, end);
	return max_fit(pr, false, &pr->node[pr->level_off[level]], first, end);
}

/*
 * Node @i of @level after one of its children went from *@o to *@v; on
 * return *@o and *@v are the node's own values before and after, for the
 * level above, and the result says whether they differ.  A child whose
 * head and tail stayed leaves the runs across children as they were, so
 * the node's run and fit follow from the child's alone, unless it held the
 * maximum and lost it: then the children's fits are read again, and
 * all their values when head or tail moved or the run was lost.
 */
static bool node_apply(struct page_ranges *pr, int level, unsigned long i,
		       struct pr_vals *o, struct pr_vals *v)
{
	struct page_ranges_node *x = &pr->node[pr->level_off[level] + i];
	struct pr_vals old = { x->head, x->tail, x->run, x->fit };

	if (o->head != v->head || o->tail != v->tail ||
	    (v->run < o->run && o->run == old.run)) {
		node_update(pr, level, i);
	} else {
		x->run = max(old.run, v->run);
		x->fit = v->fit < o->fit && o->fit == old.fit ?
			 children_fit(pr, level - 1, i << FANOUT_ORDER) :
			 max(old.fit, v->fit);
	}
	*o = old;
	*v = (struct pr_vals){ x->head, x->tail, x->run, x->fit };
	return o->head != v->head || o->tail != v->tail || o->run != v->run ||
	       o->fit != v->fit;
}

/* Bitmap index of page @p of block @b, @p counted from the block's start. */
static inline long block_index(const struct page_ranges *pr, unsigned long b,
			       unsigned long p)
{
	return (long)(b * PAGE_RANGES_BLOCK + p) - (long)(pr->boff * WORD_PAGES);
}

/* @rooms of a wholly free block. */
static u64 free_rooms(const struct page_ranges *pr)
{
	u64 code = room_code(min_t(unsigned int, WORD_PAGES, BIT(pr->max_order)));
	u64 rooms = 0;
	unsigned int w;

	for (w = 0; w < BLOCK_WORDS; w++)
		rooms |= code << (3 * w);
	return rooms;
}

/* Bring leaves and nodes up to date after bits @a..@b (inclusive) changed. */
static void index_update(struct page_ranges *pr, unsigned long a,
			 unsigned long b, bool used)
{
	unsigned long lo = (BIT_WORD(a) + pr->boff) / BLOCK_WORDS;
	unsigned long hi = (BIT_WORD(b) + pr->boff) / BLOCK_WORDS, i;
	/* [in, out): the blocks, then the nodes, wholly inside @a..@b. */
	unsigned long in = block_index(pr, lo, 0) == (long)a ? lo : lo + 1;
	unsigned long out = block_index(pr, hi + 1, 0) == (long)b + 1 ? hi + 1 : hi;
	struct page_ranges_node *x;
	struct pr_vals o, v;
	bool changed = false;
	unsigned int w0, w1;
	int level;

	child_vals(pr, -1, lo, pr->nleaves, &o);
	/*
	 * Blocks and nodes wholly inside the range are wholly used or wholly
	 * free: set, not computed, so that a long range costs little more
	 * than its bits.
	 */
	for (i = lo; i <= hi; i++) {
		if (i < in || i >= out) {
			/* The words of block @i that changed. */
			w0 = max(BIT_WORD(a) + pr->boff, i * BLOCK_WORDS) - i * BLOCK_WORDS;
			w1 = min(BIT_WORD(b) + pr->boff, i * BLOCK_WORDS + BLOCK_WORDS - 1) -
			     i * BLOCK_WORDS;
			changed |= leaf_update(pr, i, w0, w1, used);
			continue;
		}
		pr->leaf[i] = (struct page_ranges_leaf){ 0 };
		if (!used)
			pr->leaf[i] = (struct page_ranges_leaf){
				.fit = BIT(pr->max_order), .head = PAGE_RANGES_BLOCK,
				.tail = PAGE_RANGES_BLOCK, .run = PAGE_RANGES_BLOCK,
				.rooms = free_rooms(pr) };
		changed = true;
	}
	if (lo == hi) {
		/* One block: each level has one node to bring up to date. */
		child_vals(pr, -1, lo, pr->nleaves, &v);
		for (level = 0; changed && level < pr->levels; level++) {
			lo >>= FANOUT_ORDER;
			changed = node_apply(pr, level, lo, &o, &v);
		}
		return;
	}
	for (level = 0; changed && level < pr->levels; level++) {
		lo >>= FANOUT_ORDER;
		hi >>= FANOUT_ORDER;
		in = DIV_ROUND_UP(in, PAGE_RANGES_FANOUT);
		out = min(out, level_size(pr, level - 1)) >> FANOUT_ORDER;
		changed = false;
		for (i = lo; i <= hi; i++) {
			if (i < in || i >= out) {
				changed |= node_update(pr, level, i);
				continue;
			}
			x = &pr->node[pr->level_off[level] + i];
			*x = (struct page_ranges_node){ 0 };
			if (!used)
				*x = (struct page_ranges_node){
					.head = level_pages(level), .tail = level_pages(level),
					.run = level_pages(level), .fit = BIT(pr->max_order) };
			changed = true;
		}
	}
}

/* The root's values. */
static void root_vals(const struct page_ranges *pr, struct pr_vals *v)
{
	int top = pr->levels - 1;

	child_vals(pr, top, 0, 1, v);
}

/*
 * Of the positions @fit (aligned to 2^@k) in a word with free bits @f,
 * the one whose smallest enclosing aligned block with a used page is the
 * smallest: the buddy best fit, which keeps the larger free blocks whole.
 */
static unsigned int word_place(unsigned long f, unsigned long fit,
			       unsigned int k)
{
	unsigned long dirty = ~f, spread, c;
	unsigned int j;

	for (j = 1; j < WORD_ORDER; j++) {
		/* Bit p (aligned to 2^j): the block [p, p + 2^j) has a used page. */
		dirty = (dirty | dirty >> (1UL << (j - 1))) & align_masks[j];
		if (j <= k)
			continue;
		spread = dirty * ((1UL << (1UL << j)) - 1);
		c = fit & spread;
		if (c)
			return __ffs(c);
	}
	return __ffs(fit);
}

/*
 * Place @n (<= 2^max_order) pages at order @want in block @b, whose fit
 * takes them: the word or group of words with the least room that takes
 * them, and in a word the position next to used pages.  -1 when the
 * block has no such room after all (a broken leaf).
 */
static long block_place(const struct page_ranges *pr, unsigned long b,
			unsigned long n, unsigned int want)
{
	u64 rooms = pr->leaf[b].rooms;
	unsigned int h[BLOCK_WORDS], w, room, best = UINT_MAX, at = 0, step, code;
	unsigned long f[BLOCK_WORDS], fit;

	block_words(pr, b, f);
	if (n <= WORD_PAGES) {
		/*
		 * The word with the least room that takes @n: a room of
		 * @want's order may be too small and is looked at; a larger
		 * order certainly takes @n, the smaller the better.
		 */
		for (w = 0; w < BLOCK_WORDS; w++) {
			code = leaf_room(rooms, w);
			if (code < want + 1)
				continue;
			room = code << 8;
			if (code == want + 1) {
				room = word_fit(f[w], pr->max_order);
				if (room < n)
					continue;
			}
			if (room < best) {
				best = room;
				at = w;
			}
		}
		if (best == UINT_MAX)
			return -1;
		if (n == WORD_PAGES)
			return block_index(pr, b, at * WORD_PAGES);
		fit = runs_of(f[at], n) & align_masks[want];
		if (!fit)
			return -1;
		return block_index(pr, b, at * WORD_PAGES + word_place(f[at], fit, want));
	}
	block_heads(f, h);
	step = 1U << (want - WORD_ORDER);
	for (w = 0; w < BLOCK_WORDS; w += step) {
		room = min(h[w], step * WORD_PAGES);
		if (room >= n && room < best) {
			best = room;
			at = w;
		}
	}
	return best == UINT_MAX ? -1 : block_index(pr, b, at * WORD_PAGES);
}

/* Of children @c..@end - 1, the first with the smallest fit that takes @n. */
static __always_inline unsigned long best_child(const struct page_ranges *pr,
						bool leaf,
						const struct page_ranges_node *x,
						unsigned long c, unsigned long end,
						unsigned long n)
{
	unsigned long pick = c, best = ULONG_MAX, fit;

	for (; c < end; c++) {
		fit = child_fit(pr, leaf, x, c);
		if (fit >= n && fit < best) {
			best = fit;
			pick = c;
			if (best == n)
				break;
		}
	}
	return pick;
}

/* Best fit for @n pages at order @want from the root down to a block. */
static long natural_find(const struct page_ranges *pr, unsigned long n,
			 unsigned int want)
{
	unsigned long i = 0, c, end;
	int level;

	for (level = pr->levels - 1; level >= 0; level--) {
		c = i << FANOUT_ORDER;
		end = min(c + PAGE_RANGES_FANOUT, level_size(pr, level - 1));
		if (level)
			i = best_child(pr, false, &pr->node[pr->level_off[level - 1]],
				       c, end, n);
		else
			i = best_child(pr, true, NULL, c, end, n);
	}
	return block_place(pr, i, n, want);
}

/* First lattice position with a free run of @n pages in block @b. */
static long block_run_place(const struct page_ranges *pr, unsigned long b,
			    unsigned long n)
{
	unsigned long f[BLOCK_WORDS], m, rs = ULONG_MAX;
	unsigned int h[BLOCK_WORDS], w, k = pr->lattice, tail;

	block_words(pr, b, f);
	if (k >= WORD_ORDER) {
		block_heads(f, h);
		for (w = 0; w < BLOCK_WORDS; w += 1U << (k - WORD_ORDER))
			if (h[w] >= n)
				return block_index(pr, b, w * WORD_PAGES);
		return -1;
	}
	for (w = 0; w < BLOCK_WORDS; w++) {
		if (rs != ULONG_MAX && w * WORD_PAGES + word_head(f[w]) - rs >= n)
			return block_index(pr, b, rs);
		if (!~f[w]) {
			if (rs == ULONG_MAX)
				rs = w * WORD_PAGES;
			continue;
		}
		if (n <= WORD_PAGES) {
			m = runs_of(f[w], n) & align_masks[k];
			if (m)
				return block_index(pr, b, w * WORD_PAGES + __ffs(m));
		}
		tail = round_down(word_tail(f[w]), 1U << k);
		rs = tail ? (w + 1) * WORD_PAGES - tail : ULONG_MAX;
	}
	if (rs != ULONG_MAX && PAGE_RANGES_BLOCK - rs >= n)
		return block_index(pr, b, rs);
	return -1;
}

/* Bitmap index of page @p, counted from the start of block 0. */
static inline long run_index(const struct page_ranges *pr, unsigned long p)
{
	return (long)p - (long)(pr->boff * WORD_PAGES);
}

/* First free run of @n pages that starts on the lattice. */
static long lattice_find(const struct page_ranges *pr, unsigned long n)
{
	unsigned long i = 0, c, nc, size, carry;
	struct pr_vals v;
	int level;

	for (level = pr->levels - 1; level >= 0; level--) {
		nc = level_size(pr, level - 1);
		size = level_pages(level - 1);
		carry = 0;
		for (c = i << FANOUT_ORDER; c < (i + 1) << FANOUT_ORDER; c++) {
			child_vals(pr, level - 1, c, nc, &v);
			if (carry && carry + v.head >= n)
				return run_index(pr, c * size - carry);
			if (v.run >= n)
				break;
			if (v.head == size)
				carry += size;
			else
				carry = v.tail;
		}
		if (c == (i + 1) << FANOUT_ORDER)
			return carry >= n ? run_index(pr, c * size - carry) : -1;
		i = c;
	}
	return block_run_place(pr, i, n);
}

/* Best alignment, from @want - 1 down to the lattice, for @n pages at @idx. */
static long relax_place(const struct page_ranges *pr, long idx,
			unsigned long n, unsigned int want, unsigned int *got)
{
	unsigned long abs = pr->base + idx, lim, end, a;
	unsigned int k;

	lim = min(pr->nbits, (unsigned long)idx + n + (1UL << want));
	end = find_next_bit(pr->used, lim, idx);
	for (k = want; k-- > pr->lattice;) {
		a = round_up(abs, 1UL << k);
		if (a - pr->base + n <= end) {
			*got = k;
			return a - pr->base;
		}
	}
	*got = pr->lattice;
	return idx;
}

/**
 * page_ranges_want() - alignment order of a request
 * @pr:		the set
 * @n:		pages
 *
 * Return: order_base_2(@n) for up to 2^max_order pages, else the lattice.
 */
unsigned int page_ranges_want(const struct page_ranges *pr, unsigned long n)
{
	if (n > 1UL << pr->max_order)
		return pr->lattice;
	return order_base_2(n);
}
EXPORT_SYMBOL_GPL(page_ranges_want);

/**
 * page_ranges_alloc() - take a range of pages
 * @pr:		the set
 * @n:		pages, 1 to the size of the set
 * @flags:	%PAGE_RANGES_RELAX: when no room is aligned to the request's
 *		order, take room on the lattice (see DOC: page_ranges)
 * @order:	if not NULL, set to the alignment order the range has, at
 *		most page_ranges_want()
 *
 * Return: the first page of the range, counted from page 0 of the set;
 * -ENOMEM when no room is left, -EINVAL for a bad @n.  The pages are
 * checked free and aligned in the bitmap before they are taken: if the
 * index ever chose others, or none where it said there was room, the call
 * warns once and returns -ENOMEM, taking nothing.
 */
long page_ranges_alloc(struct page_ranges *pr, unsigned long n,
		       unsigned int flags, unsigned int *order)
{
	unsigned int want, got;
	struct pr_vals root;
	long idx = -1;

	if (!n || n > pr->pages)
		return -EINVAL;
	want = page_ranges_want(pr, n);
	got = want;
	root_vals(pr, &root);
	if (n <= 1UL << pr->max_order && root.fit >= n)
		idx = natural_find(pr, n, want);
	else if ((n > 1UL << pr->max_order ||
		  (flags & PAGE_RANGES_RELAX && pr->lattice < want)) &&
		 root.run >= n)
		idx = lattice_find(pr, n);
	else
		return -ENOMEM;
	if (idx >= 0 && got > pr->lattice && !IS_ALIGNED(pr->base + idx, 1UL << got))
		idx = relax_place(pr, idx, n, want, &got);
	/* The root said there was room: a search that did not find it is a bug. */
	if (WARN_ONCE(idx < 0 || range_taken(pr, idx, n) ||
		      !IS_ALIGNED(pr->base + idx, 1UL << got),
		      "page_ranges: broken index: %lu pages at %ld, order %u\n",
		      n, idx - (long)pr->off, got))
		return -ENOMEM;
	bits_assign(pr->used, idx, n, true);
	__set_bit(idx, pr->start);
	index_update(pr, idx, idx + n - 1, true);
	pr->free -= n;
	pr->live++;
	if (order)
		*order = got;
	return idx - pr->off;
}
EXPORT_SYMBOL_GPL(page_ranges_alloc);

/*
 * Bitmap index one past the live range at bitmap index @idx, or 0: the
 * next start bit or free page.  Both bitmaps are read together, so the
 * walk ends with the range (a page of the padding is used but never a
 * start: a range that ends the set ends at @nbits).
 */
static unsigned long range_end(const struct page_ranges *pr, unsigned long idx)
{
	unsigned long w = BIT_WORD(idx), last = BIT_WORD(pr->nbits - 1), m;

	if (!test_bit(idx, pr->start))
		return 0;
	m = (pr->start[w] | ~pr->used[w]) & (~0UL << (idx % BITS_PER_LONG) << 1);
	while (!m && w < last) {
		w++;
		m = pr->start[w] | ~pr->used[w];
	}
	if (!m)
		return pr->nbits;
	return min(w * BITS_PER_LONG + __ffs(m), pr->nbits);
}

/**
 * page_ranges_length() - length of a live range
 * @pr:		the set
 * @first:	its first page
 *
 * Return: the pages of the live range that starts at @first, or -EINVAL
 * when no live range starts there.
 */
long page_ranges_length(const struct page_ranges *pr, unsigned long first)
{
	unsigned long end;

	if (first >= pr->pages)
		return -EINVAL;
	end = range_end(pr, first + pr->off);
	return end ? end - first - pr->off : -EINVAL;
}
EXPORT_SYMBOL_GPL(page_ranges_length);

/**
 * page_ranges_find() - the live range that holds a page
 * @pr:		the set
 * @page:	any page of the range
 * @first:	set to the range's first page
 *
 * Return: the pages of the live range that holds @page, or -EINVAL when
 * @page is free or out of the set.
 */
long page_ranges_find(const struct page_ranges *pr, unsigned long page,
		      unsigned long *first)
{
	unsigned long idx = page + pr->off, s = idx;

	if (page >= pr->pages || !test_bit(idx, pr->used))
		return -EINVAL;
	if (!test_bit(idx, pr->start)) {
		s = find_last_bit(pr->start, idx);
		if (s >= idx || find_next_zero_bit(pr->used, idx, s) < idx)
			return -EINVAL;
	}
	*first = s - pr->off;
	return range_end(pr, s) - s;
}
EXPORT_SYMBOL_GPL(page_ranges_find);

/**
 * page_ranges_free() - give back a live range
 * @pr:		the set
 * @first:	its first page
 *
 * Return: the pages freed, or -EINVAL (and nothing changes) when no live
 * range starts at @first.
 */
long page_ranges_free(struct page_ranges *pr, unsigned long first)
{
	long n = page_ranges_length(pr, first);
	unsigned long idx = first + pr->off;

	if (n < 0)
		return n;
	__clear_bit(idx, pr->start);
	bits_assign(pr->used, idx, n, false);
	index_update(pr, idx, idx + n - 1, false);
	pr->free += n;
	pr->live--;
	return n;
}
EXPORT_SYMBOL_GPL(page_ranges_free);

/**
 * page_ranges_largest() - the largest request that would be placed now
 * @pr:		the set
 * @flags:	as for page_ranges_alloc()
 *
 * Return: the largest n for which page_ranges_alloc(@pr, n, @flags, ...)
 * succeeds, 0 when none does.  Without %PAGE_RANGES_RELAX a smaller
 * request can still fail: one over 2^max_order pages needs only a run on
 * the lattice, one below it its natural alignment.
 */
unsigned long page_ranges_largest(const struct page_ranges *pr,
				  unsigned int flags)
{
	struct pr_vals root;

	root_vals(pr, &root);
	/* Relaxed, a lattice run takes any request up to its length. */
	if ((flags & PAGE_RANGES_RELAX && pr->lattice < pr->max_order) ||
	    root.run > BIT(pr->max_order))
		return max(root.run, root.fit);
	return root.fit;
}
EXPORT_SYMBOL_GPL(page_ranges_largest);

/**
 * page_ranges_copy() - copy a bitmap of the set
 * @pr:		the set
 * @dst:	BITS_TO_LONGS(pages) longs
 * @starts:	copy the first pages of the live ranges, not the used pages
 */
void page_ranges_copy(const struct page_ranges *pr, unsigned long *dst,
		      bool starts)
{
	const unsigned long *map = starts ? pr->start : pr->used;
	unsigned long i, n = BITS_TO_LONGS(pr->pages), sh = pr->off;

	for (i = 0; i < n; i++) {
		dst[i] = map[i] >> sh;
		if (sh && i + 1 < BITS_TO_LONGS(pr->nbits))
			dst[i] |= map[i + 1] << (BITS_PER_LONG - sh);
	}
	dst[n - 1] &= BITMAP_LAST_WORD_MASK(pr->pages);
}
EXPORT_SYMBOL_GPL(page_ranges_copy);

/**
 * page_ranges_metadata() - bytes of metadata
 * @pr:		the set
 *
 * Return: the bytes of the bitmaps, the leaves and the tree.
 */
size_t page_ranges_metadata(const struct page_ranges *pr)
{
	return 2 * BITS_TO_LONGS(pr->nbits) * sizeof(long) +
	       pr->nleaves * sizeof(*pr->leaf) +
	       (pr->levels ? pr->level_off[pr->levels - 1] + 1 : 0) *
	       sizeof(*pr->node);
}
EXPORT_SYMBOL_GPL(page_ranges_metadata);

/**
 * page_ranges_init() - make a set of free pages
 * @pr:		the set
 * @base:	absolute page number of page 0, on which alignment is computed
 * @pages:	pages in the set, from 1 to %PAGE_RANGES_MAX_PAGES
 * @max_order:	natural alignment is capped at 2^@max_order pages, at most
 *		%PAGE_RANGES_MAX_ORDER
 * @gfp:	for the metadata
 *
 * Return: 0, -EINVAL for bad arguments or -ENOMEM.
 */
int page_ranges_init(struct page_ranges *pr, unsigned long base,
		     unsigned long pages, unsigned int max_order, gfp_t gfp)
{
	unsigned long words, n, total = 0, i;
	unsigned int level = 0;

	memset(pr, 0, sizeof(*pr));
	/* Node fields count free pages below a node: at most the set's. */
	BUILD_BUG_ON((typeof(pr->node->head))(PAGE_RANGES_MAX_PAGES + 2 * PAGE_RANGES_BLOCK) !=
		     (u64)PAGE_RANGES_MAX_PAGES + 2 * PAGE_RANGES_BLOCK);
	if (!pages || pages > PAGE_RANGES_MAX_PAGES ||
	    max_order > PAGE_RANGES_MAX_ORDER)
		return -EINVAL;
	pr->max_order = max_order;
	pr->base_order = base ? min_t(unsigned int, __ffs(base), max_order) : max_order;
	pr->lattice = pr->base_order;
	pr->off = base % WORD_PAGES;
	pr->base = base - pr->off;
	pr->pages = pages;
	pr->free = pages;
	pr->nbits = pr->off + pages;
	words = BITS_TO_LONGS(pr->nbits);
	pr->boff = (pr->base / WORD_PAGES) % BLOCK_WORDS;
	pr->nleaves = DIV_ROUND_UP(pr->boff + words, BLOCK_WORDS);
	for (n = pr->nleaves; n > 1 && level < PAGE_RANGES_MAX_LEVELS; level++) {
		n = DIV_ROUND_UP(n, PAGE_RANGES_FANOUT);
		pr->level_n[level] = n;
		pr->level_off[level] = total;
		total += n;
	}
	pr->levels = level;

	pr->used = kvcalloc(words, sizeof(long), gfp);
	pr->start = kvcalloc(words, sizeof(long), gfp);
	pr->leaf = kvcalloc(pr->nleaves, sizeof(*pr->leaf), gfp);
	pr->node = total ? kvcalloc(total, sizeof(*pr->node), gfp) : NULL;
	if (!pr->used || !pr->start || !pr->leaf || (total && !pr->node)) {
		page_ranges_destroy(pr);
		return -ENOMEM;
	}
	/* Pages of the first and last word outside the set: never free. */
	bits_assign(pr->used, 0, pr->off, true);
	bits_assign(pr->used, pr->nbits, words * WORD_PAGES - pr->nbits, true);
	for (i = 0; i < pr->nleaves; i++)
		leaf_update(pr, i, 0, BLOCK_WORDS - 1, false);
	for (level = 0; level < pr->levels; level++)
		for (i = 0; i < level_size(pr, level); i++)
			node_update(pr, level, i);
	return 0;
}
EXPORT_SYMBOL_GPL(page_ranges_init);

/**
 * page_ranges_destroy() - free the metadata of a set
 * @pr:		the set
 */
void page_ranges_destroy(struct page_ranges *pr)
{
	kvfree(pr->used);
	kvfree(pr->start);
	kvfree(pr->leaf);
	kvfree(pr->node);
	pr->used = NULL;
	pr->start = NULL;
	pr->leaf = NULL;
	pr->node = NULL;
}
EXPORT_SYMBOL_GPL(page_ranges_destroy);
