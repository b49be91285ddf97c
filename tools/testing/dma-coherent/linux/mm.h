/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/mm.h and asm/page.h: pages, get_order(), vmas. */
#ifndef _DCT_LINUX_MM_H
#define _DCT_LINUX_MM_H

#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/err.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/pfn.h>
#include <linux/types.h>

#ifndef PAGE_SHIFT
#define PAGE_SHIFT		12
#endif
#define PAGE_SIZE		BIT(PAGE_SHIFT)
#define PAGE_MASK		(~(PAGE_SIZE - 1))
#define PAGE_ALIGN(addr)	ALIGN(addr, PAGE_SIZE)
#define offset_in_page(p)	((unsigned long)(p) & ~PAGE_MASK)
#define PHYS_ADDR_MAX		(~(phys_addr_t)0)

static inline int get_order(unsigned long size)
{
	size--;
	size >>= PAGE_SHIFT;
	return fls_long(size);
}

typedef struct { unsigned long pgprot; } pgprot_t;

struct vm_area_struct {
	unsigned long	vm_start;
	unsigned long	vm_end;
	unsigned long	vm_pgoff;
	pgprot_t	vm_page_prot;
};

static inline unsigned long vma_pages(struct vm_area_struct *vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

int remap_pfn_range(struct vm_area_struct *vma, unsigned long addr,
		    unsigned long pfn, unsigned long size, pgprot_t prot);

#endif
