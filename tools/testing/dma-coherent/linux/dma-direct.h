/* SPDX-License-Identifier: GPL-2.0 */
/* Stands in for include/linux/dma-direct.h: a fixed per-device offset. */
#ifndef _DCT_LINUX_DMA_DIRECT_H
#define _DCT_LINUX_DMA_DIRECT_H

#include <linux/device.h>

static inline dma_addr_t phys_to_dma(struct device *dev, phys_addr_t paddr)
{
	return (dma_addr_t)(paddr + dev->dma_offset);
}

#endif
