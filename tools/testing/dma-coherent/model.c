// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model: the simplest allocator with the rules of
 * kernel/dma/coherent.c.  A buffer of n pages wants alignment order
 * want = min(get_order(size), 1 MiB's order) on the absolute page number,
 * and for buffers over 1 MiB no more than the pool base's own order.
 * An allocation must succeed at that alignment iff some n free pages
 * start at a multiple of 2^want.  If none do and the pool's first page is
 * aligned to 2^b only, b < want, it must succeed at the highest order k,
 * b <= k < want, at which some n free pages start at a multiple of 2^k,
 * at the lowest such place ("degraded": never below the base's own
 * alignment, which 6.12, aligning relative to the base, always gave);
 * else it must fail.  The model checks
 * the place the allocator chose and records it; it never places anything
 * itself.  It also keeps the bitmaps coherent.c should have, in its
 * documented layout (bit 0 of every word on an absolute address).
 */
#include <stdlib.h>
#include <string.h>

#include "model.h"

unsigned int mp_order(unsigned long n)
{
	unsigned int o = 0;

	while (o < BITS_PER_LONG - 1 && (1UL << o) < n)
		o++;
	return o;
}

unsigned int mp_want(const struct mpool *p, unsigned long n)
{
	unsigned int want = min_t(unsigned int, mp_order(n), MODEL_CAP_ORDER);

	if (mp_order(n) > MODEL_CAP_ORDER && mp_base_order(p) < want)
		want = mp_base_order(p);
	return want;
}

unsigned int mp_base_order(const struct mpool *p)
{
	unsigned int k = 0;

	if (!p->align_pfn)
		return 64;
	while (!(p->align_pfn & (1ULL << k)))
		k++;
	return k;
}

static void bit_assign(unsigned long *map, unsigned long i, bool set)
{
	if (set)
		map[i / BITS_PER_LONG] |= 1UL << (i % BITS_PER_LONG);
	else
		map[i / BITS_PER_LONG] &= ~(1UL << (i % BITS_PER_LONG));
}

int mp_init(struct mpool *p, int kind, phys_addr_t phys, dma_addr_t dma,
	    u64 align_pfn, unsigned long pages, u8 *virt)
{
	unsigned long i;

	memset(p, 0, sizeof(*p));
	p->kind = kind;
	p->phys = phys;
	p->dma = dma;
	p->align_pfn = align_pfn;
	p->pages = pages;
	p->free = pages;
	p->virt = virt;
	p->off = align_pfn % BITS_PER_LONG;
	p->nwords = (p->off + pages + BITS_PER_LONG - 1) / BITS_PER_LONG;
	p->owner = calloc(pages, sizeof(*p->owner));
	p->len = calloc(pages, sizeof(*p->len));
	p->seed = calloc(pages, sizeof(*p->seed));
	p->starts = calloc(pages, sizeof(*p->starts));
	p->slot = calloc(pages, sizeof(*p->slot));
	p->used = calloc(p->nwords, sizeof(long));
	p->start = calloc(p->nwords, sizeof(long));
	if (!p->owner || !p->len || !p->seed || !p->starts || !p->slot ||
	    !p->used || !p->start) {
		mp_exit(p);
		return -1;
	}
	for (i = 0; i < p->nwords * BITS_PER_LONG; i++)
		if (i < p->off || i >= p->off + pages)
			bit_assign(p->used, i, true);
	return 0;
}

void mp_exit(struct mpool *p)
{
	free(p->owner);
	free(p->len);
	free(p->seed);
	free(p->starts);
	free(p->slot);
	free(p->used);
	free(p->start);
	memset(p, 0, sizeof(*p));
}

long mp_find(const struct mpool *p, unsigned long n, unsigned int k)
{
	u64 step = 1ULL << k, pg, i;

	if (!n || n > p->pages)
		return -1;
	/* pg: each page whose absolute number is a multiple of step. */
	pg = (step - p->align_pfn % step) % step;
	while (pg + n <= p->pages) {
		for (i = 0; i < n && !p->owner[pg + i]; i++)
			;
		if (i == n)
			return pg;
		/* Page pg + i is taken: no place can start at or before it. */
		pg += (i / step + 1) * step;
	}
	return -1;
}

/*
 * Where a buffer below its alignment goes: the lowest place on the base's
 * alignment with room (the first free run that takes it there), moved
 * up to the best alignment that run has room for.  Returns the page, or
 * -1, and the alignment order in *@k.
 */
long mp_relaxed(const struct mpool *p, unsigned long n, int *k)
{
	int want = mp_want(p, n), base = mp_base_order(p);
	long first = mp_find(p, n, base);
	unsigned long end;
	u64 a;

	if (first < 0)
		return -1;
	for (end = first; end < p->pages && !p->owner[end]; end++)
		;
	for (*k = want - 1; *k > base; (*k)--) {
		a = (p->align_pfn + first + (1ULL << *k) - 1) & ~((1ULL << *k) - 1);
		if (a - p->align_pfn + n <= end)
			return a - p->align_pfn;
	}
	return first;
}

int mp_align(const struct mpool *p, unsigned long n)
{
	int k = mp_want(p, n);

	if (!n || n > p->pages)
		return -1;
	if (mp_find(p, n, k) >= 0)
		return k;
	if (mp_base_order(p) >= (unsigned int)k)
		return -1;
	return mp_relaxed(p, n, &k) >= 0 ? k : -1;
}

const char *mp_check_place(const struct mpool *p, unsigned long first,
			   unsigned long n)
{
	u64 abs = p->align_pfn + first;
	unsigned long i;
	int k;

	if (first >= p->pages || n > p->pages - first)
		return "buffer outside the pool";
	for (i = 0; i < n; i++)
		if (p->owner[first + i])
			return "buffer overlaps a live buffer";
	k = mp_align(p, n);
	if (k < 0)
		return "placed where the rules find no room";
	if (abs % (1ULL << k))
		return k == (int)mp_want(p, n) ?
		       "buffer not aligned to its order (capped at 1 MiB)" :
		       "degraded buffer below the best alignment its free run has room for";
	if (k < (int)mp_want(p, n) && (long)first != mp_relaxed(p, n, &k))
		return "degraded buffer not where the first free run on the base's alignment puts it";
	return NULL;
}

bool mp_has_users(const struct mpool *p)
{
	int d;

	for (d = 0; d < MODEL_NDEV; d++)
		if (p->user[d] != MU_NONE)
			return true;
	return false;
}

unsigned long mp_refs(const struct mpool *p)
{
	unsigned long refs = p->live + (p->kind != MP_DECLARED);
	int d;

	for (d = 0; d < MODEL_NDEV; d++)
		refs += p->user[d] != MU_NONE;
	return refs;
}

void mp_take(struct mpool *p, unsigned long first, unsigned long n, u32 seed)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		p->owner[first + i] = first + 1;
		bit_assign(p->used, p->off + first + i, true);
	}
	bit_assign(p->start, p->off + first, true);
	p->len[first] = n;
	p->seed[first] = seed;
	p->slot[first] = p->live;
	p->starts[p->live++] = first;
	p->free -= n;
	p->st.allocs++;
	if (p->pages - p->free > p->st.peak)
		p->st.peak = p->pages - p->free;
}

void mp_put(struct mpool *p, unsigned long first)
{
	unsigned long i, n = p->len[first], last = p->starts[--p->live];

	for (i = 0; i < n; i++) {
		p->owner[first + i] = 0;
		bit_assign(p->used, p->off + first + i, false);
	}
	bit_assign(p->start, p->off + first, false);
	p->starts[p->slot[first]] = last;
	p->slot[last] = p->slot[first];
	p->free += n;
	p->st.frees++;
}
