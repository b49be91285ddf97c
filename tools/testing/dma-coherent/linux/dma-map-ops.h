/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/dma-map-ops.h: the coherent pool API. */
#ifndef _DCT_LINUX_DMA_MAP_OPS_H
#define _DCT_LINUX_DMA_MAP_OPS_H

#include <linux/bits.h>
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/slab.h>

#define DMA_COHERENT_FALLBACK	BIT(0)

int dma_declare_coherent_memory(struct device *dev, phys_addr_t phys_addr,
				dma_addr_t device_addr, size_t size);
int dma_declare_coherent_memory_flags(struct device *dev, phys_addr_t phys_addr,
				      dma_addr_t device_addr, size_t size, unsigned int flags);
void dma_release_coherent_memory(struct device *dev);
int dma_alloc_from_dev_coherent(struct device *dev, ssize_t size,
				dma_addr_t *dma_handle, void **ret);
int dma_alloc_from_dev_coherent_gfp(struct device *dev, ssize_t size,
				    dma_addr_t *dma_handle, void **ret, gfp_t gfp);
int dma_release_from_dev_coherent(struct device *dev, int order, void *vaddr);
int dma_mmap_from_dev_coherent(struct device *dev, struct vm_area_struct *vma,
			       void *cpu_addr, size_t size, int *ret);

int dma_init_global_coherent(phys_addr_t phys_addr, size_t size);
void *dma_alloc_from_global_coherent(struct device *dev, ssize_t size,
				     dma_addr_t *dma_handle);
int dma_release_from_global_coherent(int order, void *vaddr);
int dma_mmap_from_global_coherent(struct vm_area_struct *vma, void *cpu_addr,
				  size_t size, int *ret);

#endif
