/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference model of one pool: an array of page owners searched
 * exhaustively, with the allocation rules of coherent.c written out.
 */
#ifndef _DCT_MODEL_H
#define _DCT_MODEL_H

#include <linux/mm.h>
#include <linux/types.h>

#define MODEL_NDEV	3

/* Buffers bigger than this that cannot be naturally aligned get 1 MiB. */
#define MODEL_CAP_ORDER	(20 - PAGE_SHIFT)

enum { MP_DECLARED, MP_RMEM, MP_GLOBAL };

struct mstats {
	unsigned long	allocs, frees, failures, fallbacks, misuse, peak;
};

struct mpool {
	struct dma_coherent_mem	*mem;		/* the allocator's pool */
	int		kind;
	phys_addr_t	phys;			/* first whole page */
	dma_addr_t	dma;			/* of page 0, declared pools */
	u64		align_pfn;		/* absolute page number of page 0 */
	unsigned long	pages, free, live;
	u8		*virt;			/* CPU address of page 0 */
	bool		fallback;
	struct mstats	st;
	unsigned long	*owner;			/* first page of the buffer + 1 */
	unsigned long	*len;			/* at a first page: buffer pages */
	u32		*seed;			/* at a first page: pattern */
	signed char	*by;			/* at a first page: device */
	unsigned long	*starts;		/* first pages of live buffers */
	unsigned long	*slot;			/* at a first page: index in starts */
	long		ulive[MODEL_NDEV];	/* per device, as coherent.c counts */
	bool		attached[MODEL_NDEV];
	bool		pending[MODEL_NDEV];
	unsigned long	off, nwords;		/* expected bitmap layout */
	unsigned long	*used, *start;		/* expected bitmaps */
};

/* Order of a buffer of @n pages: smallest o with 2^o >= n. */
unsigned int mp_order(unsigned long n);
int mp_init(struct mpool *p, int kind, phys_addr_t phys, dma_addr_t dma,
	    u64 align_pfn, unsigned long pages, u8 *virt);
void mp_exit(struct mpool *p);
/* First page where @n free pages start at a multiple of 2^@aorder, or -1. */
long mp_find(const struct mpool *p, unsigned long n, unsigned int aorder);
/* Must an allocation of @n pages succeed in @p? */
bool mp_fits(const struct mpool *p, unsigned long n);
/* Is [@first, @first + @n) a place the rules allow?  NULL if so. */
const char *mp_check_place(const struct mpool *p, unsigned long first,
			   unsigned long n);
void mp_take(struct mpool *p, unsigned long first, unsigned long n, u32 seed,
	     int by);
void mp_put(struct mpool *p, unsigned long first);

#endif
