// SPDX-License-Identifier: GPL-2.0
/*
 * lib/page_ranges.c compiled unchanged against the shims; PAGE_RANGES_C
 * names another copy (make PAGE_RANGES_C=file, to plant a bug).
 */
#ifdef PAGE_RANGES_C
#include PAGE_RANGES_C
#else
#include "../../../lib/page_ranges.c"
#endif

#include "page_ranges_wrap.h"

#ifdef PRW_NO_CHECK
/*
 * The benchmark times the library as the kernel builds it, alone in its
 * file: the checker below calls its static functions, which would change
 * how the compiler inlines and lays them out.  The tests check the index.
 */
const char *prw_check(struct page_ranges *pr)
{
	return NULL;
}
#else
/*
 * The values the search index keeps for pages [@s, @e) of the bitmap,
 * naively: the largest naturally aligned request of up to 2^max_order
 * pages, the free head and tail, and the longest free run from a lattice
 * page.
 */
static void naive_vals(const struct page_ranges *pr, unsigned long s,
		       unsigned long e, struct pr_vals *v)
{
	unsigned long i, j, a, k;

	*v = (struct pr_vals){ 0 };
	for (i = s; i < e && !test_bit(i, pr->used); i++)
		v->head++;
	for (i = e; i > s && !test_bit(i - 1, pr->used); i--)
		v->tail++;
	for (i = s; i < e; i = j) {
		if (test_bit(i, pr->used)) {
			j = i + 1;
			continue;
		}
		for (j = i; j < e && !test_bit(j, pr->used); j++)
			;
		for (k = 0; k <= pr->max_order; k++) {
			a = round_up(pr->base + i, 1UL << k) - pr->base;
			if (a < j)
				v->fit = max(v->fit, min(1UL << k, j - a));
		}
		a = round_up(pr->base + i, 1UL << pr->lattice) - pr->base;
		if (a < j)
			v->run = max(v->run, j - a);
	}
}

static bool vals_differ(const struct pr_vals *a, const struct pr_vals *b)
{
	return a->head != b->head || a->tail != b->tail || a->run != b->run ||
	       a->fit != b->fit;
}

const char *prw_check(struct page_ranges *pr)
{
	static unsigned long checks;
	unsigned long nwords = BITS_TO_LONGS(pr->nbits), i;
	unsigned long s, e, size = BITS_PER_LONG * nwords;
	unsigned long f[BLOCK_WORDS];
	struct pr_vals v, want;
	unsigned int w;
	bool deep;
	int level;

	/* Every leaf against its block, the root against the whole bitmap. */
	for (i = 0; i < pr->nleaves; i++) {
		s = i * PAGE_RANGES_BLOCK;
		s = s > pr->boff * BITS_PER_LONG ? s - pr->boff * BITS_PER_LONG : 0;
		e = min(size, (i + 1) * PAGE_RANGES_BLOCK - pr->boff * BITS_PER_LONG);
		naive_vals(pr, s, e, &want);
		/* Words of the block outside the bitmap are used. */
		if (i * PAGE_RANGES_BLOCK < pr->boff * BITS_PER_LONG)
			want.head = 0;
		if ((i + 1) * PAGE_RANGES_BLOCK - pr->boff * BITS_PER_LONG > size)
			want.tail = 0;
		/* Only the part of the tail from a lattice page is kept. */
		want.tail = round_down(want.tail, 1UL << pr->lattice);
		child_vals(pr, -1, i, pr->nleaves, &v);
		if (vals_differ(&v, &want))
			return "a leaf is stale";
		block_words(pr, i, f);
		for (w = 0; w < BLOCK_WORDS; w++)
			if (leaf_room(pr->leaf[i].rooms, w) !=
			    room_code(word_fit(f[w], pr->max_order)))
				return "a leaf's room of a word is stale";
	}
	/*
	 * Every node against its children, recomputed (none may change), and
	 * on every eighth check against its pages, as a leaf (that costs as
	 * much as the leaves' check per level); the last node of a level with
	 * fewer children than a node has keeps no tail.
	 */
	deep = !(__atomic_add_fetch(&checks, 1, __ATOMIC_RELAXED) % 8);
	for (level = 0; level < (int)pr->levels; level++) {
		unsigned long span = level_pages(level), pad = pr->boff * BITS_PER_LONG;

		for (i = 0; i < level_size(pr, level); i++) {
			struct page_ranges_node *x = &pr->node[pr->level_off[level] + i];
			struct page_ranges_node keep = *x;
			bool stale = node_update(pr, level, i);

			*x = keep;	/* the check changes nothing */
			if (stale)
				return "a node is stale";
			if (!deep)
				continue;
			s = i * span > pad ? i * span - pad : 0;
			e = min(size, (i + 1) * span - pad);
			naive_vals(pr, s, e, &want);
			if (i * span < pad)
				want.head = 0;
			if ((i + 1) * span - pad > size ||
			    (i + 1) * PAGE_RANGES_FANOUT > level_size(pr, level - 1))
				want.tail = 0;
			want.tail = round_down(want.tail, 1UL << pr->lattice);
			child_vals(pr, level, i, level_size(pr, level), &v);
			if (vals_differ(&v, &want))
				return "a node differs from its pages";
		}
	}
	naive_vals(pr, 0, size, &want);
	root_vals(pr, &v);
	if (v.fit != want.fit || v.run != want.run)
		return "the root is stale";
	return NULL;
}

#endif

unsigned int prw_word_fit(unsigned long used)
{
	return word_fit(~used, WORD_ORDER);
}
