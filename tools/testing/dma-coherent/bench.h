/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The benchmark's view of the three allocators it compares (bench.c):
 * ours (kernel/dma/coherent.c through coherent_wrap.c), the pristine 6.12
 * coherent.c (bench_612.c, public symbols renamed b612_*) and a
 * genalloc-style first fit (bench_genalloc.c); and, for utilisation only,
 * an exhaustive best fit (bench_bestfit.c).
 */
#ifndef _DCT_BENCH_H
#define _DCT_BENCH_H

#include <stddef.h>
#include <linux/device.h>
#include <linux/types.h>

/*
 * Every allocator's buffer zeroing goes here: it skips the pool arena, so
 * that no timing includes zeroing (see bench.c).
 */
void *bench_memset(void *p, int c, size_t n);

/* The pristine 6.12 file, renamed by -D in the Makefile. */
int b612_dma_declare_coherent_memory(struct device *dev, phys_addr_t phys_addr,
				     dma_addr_t device_addr, size_t size);
void b612_dma_release_coherent_memory(struct device *dev);
int b612_dma_alloc_from_dev_coherent(struct device *dev, ssize_t size,
				     dma_addr_t *dma_handle, void **ret);
int b612_dma_release_from_dev_coherent(struct device *dev, int order,
				       void *vaddr);

/* genalloc-style: first fit at order alignment over one bitmap. */
int genalloc_init(void *virt, unsigned long pages);
void *genalloc_alloc(unsigned long pages);
void genalloc_free(void *vaddr, unsigned long pages);
void genalloc_fini(void);

/* Exhaustive best fit at ours' alignment, for utilisation only. */
int bestfit_init(void *virt, unsigned long pages);
void *bestfit_alloc(unsigned long pages);
void bestfit_free(void *vaddr, unsigned long pages);
void bestfit_fini(void);

#endif
