// SPDX-License-Identifier: GPL-2.0
/*
 * The reference model: the simplest allocator with the rules of
 * kernel/dma/coherent.c.  An allocation of n pages must succeed iff some
 * n free pages start at an absolute page number that is a multiple of
 * 2^order (order = get_order(size)), or, only for order > 1 MiB's, at a
 * multiple of 1 MiB; natural alignment is preferred.  The model checks
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
	p->by = calloc(pages, sizeof(*p->by));
	p->starts = calloc(pages, sizeof(*p->starts));
	p->slot = calloc(pages, sizeof(*p->slot));
	p->used = calloc(p->nwords, sizeof(long));
	p->start = calloc(p->nwords, sizeof(long));
	if (!p->owner || !p->len || !p->seed || !p->by || !p->starts || !p->slot ||
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
	free(p->by);
	free(p->starts);
	free(p->slot);
	free(p->used);
	free(p->start);
	memset(p, 0, sizeof(*p));
}

long mp_find(const struct mpool *p, unsigned long n, unsigned int aorder)
{
	u64 step = 1ULL << aorder, pg, i;

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

bool mp_fits(const struct mpool *p, unsigned long n)
{
	unsigned int order = mp_order(n);

	return mp_find(p, n, order) >= 0 ||
	       (order > MODEL_CAP_ORDER && mp_find(p, n, MODEL_CAP_ORDER) >= 0);
}

const char *mp_check_place(const struct mpool *p, unsigned long first,
			   unsigned long n)
{
	unsigned int order = mp_order(n);
	unsigned long i;
	u64 abs = p->align_pfn + first;

	if (first >= p->pages || n > p->pages - first)
		return "buffer outside the pool";
	for (i = 0; i < n; i++)
		if (p->owner[first + i])
			return "buffer overlaps a live buffer";
	if (abs % (1ULL << order) == 0)
		return NULL;
	if (order <= MODEL_CAP_ORDER)
		return "buffer not naturally aligned";
	if (abs % (1ULL << MODEL_CAP_ORDER))
		return "big buffer not even 1 MiB aligned";
	if (mp_find(p, n, order) >= 0)
		return "big buffer 1 MiB aligned although natural alignment was possible";
	return NULL;
}

void mp_take(struct mpool *p, unsigned long first, unsigned long n, u32 seed,
	     int by)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		p->owner[first + i] = first + 1;
		bit_assign(p->used, p->off + first + i, true);
	}
	bit_assign(p->start, p->off + first, true);
	p->len[first] = n;
	p->seed[first] = seed;
	p->by[first] = by;
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
