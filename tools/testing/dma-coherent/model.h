/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The reference model of one pool: an array of page owners searched
 * exhaustively, with the allocation rules of coherent.c written out, and
 * the devices that hold a record in it.
 */
#ifndef _DCT_MODEL_H
#define _DCT_MODEL_H

#include <linux/mm.h>
#include <linux/types.h>

#define MODEL_NDEV	3

/* Alignment is capped at 1 MiB: the order of 1 MiB in pages. */
#define MODEL_CAP_ORDER	(20 - PAGE_SHIFT)

enum { MP_DECLARED, MP_RMEM, MP_GLOBAL };

/* A device's record in a pool: none, attached, or left by a freed device. */
enum { MU_NONE, MU_ATTACHED, MU_STALE };

struct mstats {
	unsigned long	allocs, frees, failures, fallbacks, misuse, degraded, peak;
};

struct mpool {
	struct dma_coherent_mem	*mem;		/* the allocator's pool, NULL: none */
	int		kind;
	phys_addr_t	phys;			/* first whole page */
	dma_addr_t	dma;			/* of page 0, declared pools */
	u64		align_pfn;		/* absolute page number of page 0 */
	unsigned long	pages, free, live;
	u8		*virt;			/* CPU address of page 0 */
	bool		fallback;
	bool		doomed;			/* unreferenced: its destroy is queued */
	bool		dir;			/* it has a debugfs directory */
	bool		dir_partial;		/* made under failure injection */
	char		name[40];
	struct mstats	st;
	unsigned char	user[MODEL_NDEV];	/* MU_* */
	unsigned long	*owner;			/* first page of the buffer + 1 */
	unsigned long	*len;			/* at a first page: buffer pages */
	u32		*seed;			/* at a first page: pattern */
	unsigned long	*starts;		/* first pages of live buffers */
	unsigned long	*slot;			/* at a first page: index in starts */
	unsigned long	off, nwords;		/* expected bitmap layout */
	unsigned long	*used, *start;		/* expected bitmaps */
};

/* Order of a buffer of @n pages: smallest o with 2^o >= n. */
unsigned int mp_order(unsigned long n);
/*
 * The alignment order a buffer of @n pages wants in @p: its order, capped
 * at 1 MiB, and over 1 MiB at the base's own order.
 */
unsigned int mp_want(const struct mpool *p, unsigned long n);
/* The alignment order of the pool's page 0 (64 for absolute page 0). */
unsigned int mp_base_order(const struct mpool *p);
int mp_init(struct mpool *p, int kind, phys_addr_t phys, dma_addr_t dma,
	    u64 align_pfn, unsigned long pages, u8 *virt);
void mp_exit(struct mpool *p);
/* Lowest page where @n free pages start at a multiple of 2^@k, or -1. */
long mp_find(const struct mpool *p, unsigned long n, unsigned int k);
/*
 * The alignment order an allocation of @n pages must get in @p, or -1
 * if it must fail: mp_want(p, n) if that has room; else, in a pool whose
 * base is aligned below it, what mp_relaxed() gives.
 */
int mp_align(const struct mpool *p, unsigned long n);
long mp_relaxed(const struct mpool *p, unsigned long n, int *k);
/* Is [@first, @first + @n) a place the rules allow?  NULL if so. */
const char *mp_check_place(const struct mpool *p, unsigned long first,
			   unsigned long n);
/* Has @p a device record, attached or stale? */
bool mp_has_users(const struct mpool *p);
/* Attached devices and stale records, plus live buffers (plus one for good). */
unsigned long mp_refs(const struct mpool *p);
void mp_take(struct mpool *p, unsigned long first, unsigned long n, u32 seed);
void mp_put(struct mpool *p, unsigned long first);

#endif
